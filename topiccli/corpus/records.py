"""Load documents from other tools' records: a JSONL, CSV or Parquet file, or standard input.

* ``FILE.jsonl`` (or ``.ndjson``): one JSON object a line; blank lines are ignored.
* ``FILE.csv``: a header row naming the columns, then one record a row (quoted fields may span
  lines).
* ``FILE.parquet``: one record a row, only the named columns read, in batches
  (topiccli.corpus.parquet).
* ``-``: standard input, read as JSONL when every non-blank line is a JSON object, otherwise as
  one document per non-blank line.

A record's text is its ``text_field`` (default ``text``). Its id is its ``id_field`` when given
(ids must then be unique), else its line number (JSONL, stdin) or row number (CSV, 1 = the first
row after the header). Its label is its ``label_field`` when given; its ``time_field`` and
``group_field`` values (the time and group analyses, quality.trends and quality.groups) are
kept as read, in ``Corpus.values["time"]``/``["group"]`` (times are parsed by corpus.times,
which counts the values that are no time). Records whose text is
missing, not a string or blank are skipped and counted, as the folder loader counts empty files.
Bytes decode as the folder loader decodes files (UTF-8, a BOM, then Windows-1252/Latin-1).

Files are read as a stream, a line (JSONL) or a row (CSV) at a time, so memory grows with the
texts kept, not with the file: the encoding is tried in that order from the file's start, and
a file that is not valid in one is read again in the next.

Shards: a path holding a glob pattern (``shards/*.jsonl``, ``exports/part-?.csv``) is one
corpus, its matching files read in sorted path order; record ids get the file's path in front
(``shards/a.jsonl:3``) so they stay unique, and ids from ``id_field`` must be unique across all
the shards.
"""

from __future__ import annotations

import codecs
import csv
import glob as globbing
import io
import itertools
import os
import stat
import sys
import tempfile
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from ..errors import CorpusError, UsageError
from ..specs import MAX_FILE_BYTES
from ..storage.bounded import open_regular, parse_json, read_line
from .folder import BOMS, SNIFF_BYTES, TRUNCATED
from .model import Corpus, tell

STDIN = "-"
SUFFIXES = {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv", ".parquet": "parquet"}
FILE_FORMATS = ("jsonl", "csv", "parquet")
"""The formats of record files (and of globs of shards); Parquet is read by corpus.parquet."""
DEFAULT_TEXT_FIELD = "text"


@dataclass(frozen=True)
class Fields:
    """Which fields of a record hold its text, id, label, time and group (None: not given)."""

    text: str | None = None
    id: str | None = None
    label: str | None = None
    time: str | None = None
    group: str | None = None

    @property
    def given(self) -> bool:
        return any(v is not None for v in (self.text, self.id, self.label, self.time, self.group))

    @property
    def kept(self) -> dict[str, str]:
        """The analysis fields given: role ("time", "group") → field name."""
        return {role: name for role, name in (("time", self.time), ("group", self.group))
                if name is not None}  # fmt: skip

    @property
    def text_name(self) -> str:
        return self.text or DEFAULT_TEXT_FIELD


def is_stdin(path) -> bool:
    return path is not None and str(path) == STDIN


def stdin_file() -> Path | None:
    """The regular file stdin reads (``< FILE``), when it is one and its path can be found
    (Linux's /proc, else /dev/fd); None for a pipe, a terminal or a closed stdin. A run must
    not write its output over the file it reads."""
    try:
        st = os.fstat(0)
    except OSError:
        return None
    if not stat.S_ISREG(st.st_mode):
        return None
    for link in ("/proc/self/fd/0", "/dev/fd/0"):
        try:
            real = os.path.realpath(link)
            found = os.stat(real)
        except OSError:
            continue
        if (found.st_dev, found.st_ino) == (st.st_dev, st.st_ino):
            return Path(real)
    return None


def is_pattern(path) -> bool:
    """Whether ``path`` is a glob of record shards (it holds * ? or [ and names no file)."""
    if path is None or is_stdin(path):
        return False
    text = str(path)
    return any(c in text for c in "*?[") and not Path(path).exists()


def shards(path) -> list[Path]:
    """The files a shard pattern matches, in sorted path order (regular files only)."""
    return sorted(Path(p) for p in globbing.glob(str(path), recursive=True) if Path(p).is_file())


def record_format(path) -> str | None:
    """ "stdin", "jsonl", "csv" or "parquet" when ``path`` is read by this module; None
    otherwise. A shard pattern's format is its suffix's (``*.jsonl``)."""
    if path is None:
        return None
    if is_stdin(path):
        return "stdin"
    if is_pattern(path):
        return SUFFIXES.get(Path(str(path)).suffix.lower())
    path = Path(path)
    return SUFFIXES.get(path.suffix.lower()) if path.is_file() else None


def check_fields(path, fields: Fields) -> None:
    """Refuse record fields for a source that has no records (a folder or 20 Newsgroups)."""
    if fields.given and record_format(path) is None:
        raise UsageError(
            "text_field, id_field, label_field, time_field and group_field apply to "
            ".jsonl/.csv/.parquet files and stdin",
            params=("text_field", "id_field", "label_field", "time_field", "group_field"),
        )


def selection(path, fields: Fields) -> dict:
    """The JSON report's description of a records source (known without reading it)."""
    described = {
        "source": record_format(path),
        "path": str(path),
        "text_field": fields.text_name,
        "id_field": fields.id,
        "label_field": fields.label,
    }
    described.update({f"{role}_field": name for role, name in fields.kept.items()})
    return described


def cache_identity(path, fields: Fields) -> dict:
    """What the corpus cache must add to a file source's key: the format and the fields."""
    fmt = record_format(path)
    if fmt is None:
        return {}
    return {
        "kind": fmt,
        "fields": [
            fields.text_name,
            fields.id,
            fields.label,
            *(f"{role}={name}" for role, name in fields.kept.items()),
        ],
    }


def load_records(path, fields: Fields = Fields(), stdin=None, counted=None,
                 max_bytes: int = MAX_FILE_BYTES) -> Corpus:  # fmt: skip
    """Read a .jsonl/.csv file, or stdin for ``-`` (``stdin``: a stream to use instead of
    ``sys.stdin``). ``counted(n)``, if given, hears the documents read so far (``model.tell``).
    ``max_bytes`` caps a record as ``max_file_bytes`` caps a folder's file: a JSONL line
    longer than that is skipped and counted, a plain line on stdin cut there, and a CSV field
    longer than that refused; so no record costs more than a bounded multiple of the cap."""
    fmt = record_format(path)
    if fmt == "stdin":
        stream = stdin if stdin is not None else sys.stdin
        return _load_stdin(fields, stream, counted, max_bytes)
    if fmt is None:
        raise CorpusError(f"{path} is not a .jsonl, .csv or .parquet file")
    skipped: dict[str, int] = {}
    if not is_pattern(path):
        records = _file_records(Path(path), fmt, fields, max_bytes, skipped)
        return _corpus(records, fields, str(path), selection(path, fields), counted, skipped)
    files = checked_shards(path, fmt)
    described = {**selection(path, fields), "shards": len(files)}
    records = _shard_records(files, fmt, fields, max_bytes, skipped)
    return _corpus(records, fields, str(path), described, counted, skipped)


def checked_shards(pattern, fmt: str) -> list[Path]:
    """The files a shard glob names (``shards``), refused when none matches or one is not of
    the pattern's format."""
    files = shards(pattern)
    if not files:
        raise CorpusError(f"no file matches {pattern}", params=("input",))
    wrong = [f for f in files if SUFFIXES.get(f.suffix.lower()) != fmt]
    if wrong:
        raise CorpusError(f"{wrong[0]} matches {pattern} but is not a .{fmt} file")
    return files


def _shard_records(files: list[Path], fmt: str, fields: Fields, max_bytes: int, skipped: dict):
    """Every shard's records, numbered ``path:line`` (``path:row`` for CSV)."""
    for file in files:
        for number, record in _file_records(file, fmt, fields, max_bytes, skipped):
            yield f"{file.as_posix()}:{number}", record


def _file_records(path: Path, fmt: str, fields: Fields, max_bytes: int = MAX_FILE_BYTES,
                  skipped: dict | None = None):  # fmt: skip
    """(number, record) of one file, streamed in the encoding :func:`_encoding` finds (a
    regular file only: a FIFO or a device is refused, never waited on); Parquet's rows by
    corpus.parquet."""
    name = str(path)
    if fmt == "parquet":
        yield from _parquet_records(path, fields, max_bytes, skipped)
        return
    try:
        with open_regular(path) as raw:
            encoding = _encoding(raw, name)
            raw.seek(0)
            stream = io.TextIOWrapper(raw, encoding=encoding, errors="strict",
                                      newline="" if fmt == "csv" else "\n")  # fmt: skip
            if fmt == "jsonl":
                lines = _capped_lines(stream, max_bytes, skipped, name=name)
                yield from _parse_jsonl(lines, name)
            else:
                yield from _csv(stream, name, fields, max_bytes)
    except OSError as exc:
        raise CorpusError(f"cannot read {path}: {exc.strerror or exc}") from exc


def _parquet_records(path: Path, fields: Fields, max_bytes: int, skipped: dict | None,
                     rows: tuple[int, int] | None = None):  # fmt: skip
    """A Parquet file's (row number, record), once it is known to be a regular file."""
    from .parquet import parquet_records

    try:
        with open_regular(path):
            pass
    except OSError as exc:
        raise CorpusError(f"cannot read {path}: {exc.strerror or exc}") from exc
    yield from parquet_records(path, fields, max_bytes, skipped, rows)


_CHUNK = 1 << 20
OVER_CAP = "over max_file_bytes"
"""The key under which ``Corpus.skipped`` counts JSONL records longer than the cap."""


def _encoding(handle, name: str) -> str:
    """The encoding ``folder.decode`` would pick for the whole of a binary stream, found by
    reading it in chunks from its start: a BOM's, else UTF-8, else Windows-1252, else Latin-1
    (NUL bytes: binary)."""
    handle.seek(0)
    head = handle.read(SNIFF_BYTES)
    for bom, encoding in BOMS:
        if head.startswith(bom):
            candidates = [encoding]
            break
    else:
        if b"\x00" in head:
            raise CorpusError(f"{name} looks binary (it holds NUL bytes), not text records")
        candidates = ["utf-8", "cp1252"]
    for encoding in candidates:
        handle.seek(0)
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            while chunk := handle.read(_CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
            return encoding
        except UnicodeDecodeError:
            continue
    if len(candidates) == 1:  # a BOM that its encoding does not follow
        raise CorpusError(f"{name} looks binary (not valid {candidates[0]}), not text records")
    return "latin-1"


def _capped_lines(stream, limit: int, skipped: dict | None, truncate: bool = False,
                  name: str = ""):  # fmt: skip
    """(line number, line) of a text stream, each line read at most ``limit`` characters at a
    time (topiccli.storage.bounded.read_line). A longer line is cut there and counted ``truncated``
    (``truncate``: a plain line, still one document) or left out and counted ``OVER_CAP`` (a
    JSON record cannot be cut); with no ``skipped`` to count it in (records read in parts on
    the Dask workers), it is an error naming the line, never a silent loss."""
    number = 0
    while True:
        line, cut = read_line(stream, limit)
        if not line:
            return
        number += 1
        if cut and skipped is None:
            raise _over_cap(name, number, limit)
        if cut:
            key = TRUNCATED if truncate else OVER_CAP
            skipped[key] = skipped.get(key, 0) + 1
            if not truncate:
                continue
        yield number, line.removesuffix("\n").removesuffix("\r")


def _over_cap(name: str, number: int, limit: int) -> CorpusError:
    return CorpusError(f"{name} line {number}: a record longer than {limit} characters; raise "
                       "max_file_bytes to read it", params=("max_file_bytes",))  # fmt: skip


def _load_stdin(fields: Fields, stream, counted=None, max_bytes: int = MAX_FILE_BYTES) -> Corpus:
    """stdin, copied to an unnamed temporary file as it arrives (memory stays flat, nothing is
    left behind), then read as a records file is. It is JSONL when its first non-blank line is
    a JSON object, and then every line must be one: a stream cut mid-record is an error
    naming the line, never a silent switch to one document a line."""
    with _spooled_stdin(stream) as spool:
        encoding = _encoding(spool, "stdin")
        lines = _stdin_lines(spool, encoding, max_bytes, {})
        first = next((line for _, line in lines if line.strip()), None)
        lines.close()
        is_jsonl = first is not None and _is_object(first)
        skipped: dict[str, int] = {}
        lines = _stdin_lines(spool, encoding, max_bytes, skipped, truncate=not is_jsonl)
        described = selection(STDIN, fields)
        if is_jsonl:
            described["format"] = "jsonl"
            return _corpus(_parse_jsonl(lines, "stdin"), fields, "stdin", described, counted,
                           skipped)  # fmt: skip
        if fields.given:
            raise CorpusError(
                "stdin is not JSONL (one JSON object a line), so text_field, id_field and "
                "label_field do not apply; without them each line is one document",
                params=("text_field", "id_field", "label_field"),
            )
        described.update(format="lines", text_field=None)
        records = ((n, {DEFAULT_TEXT_FIELD: line}) for n, line in lines if line.strip())
        return _corpus(records, fields, "stdin", described, counted, skipped)


def _stdin_lines(spool, encoding: str, limit: int, skipped: dict, truncate: bool = False):
    spool.seek(0)
    stream = io.TextIOWrapper(spool, encoding=encoding, errors="strict", newline="\n")
    try:
        yield from _capped_lines(stream, limit, skipped, truncate)
    finally:  # the spool outlives this reading of it (unless an error closed it first)
        with suppress(ValueError):
            stream.detach()


def _is_object(line: str) -> bool:
    try:
        return isinstance(parse_json(line), dict)
    except ValueError:
        return False


def _is_device(stream) -> bool:
    """Whether ``stream`` reads a character or block device other than /dev/null."""
    try:
        st = os.fstat(stream.fileno())
    except (AttributeError, OSError, ValueError, io.UnsupportedOperation):
        return False
    if not (stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode)):
        return False
    try:
        null = os.stat(os.devnull)
    except OSError:
        return True
    return (st.st_rdev, st.st_mode) != (null.st_rdev, null.st_mode)


@contextmanager
def _spooled_stdin(stream):
    """stdin's bytes in an unnamed temporary file; a closed stdin, a terminal or a failed read
    is one clear CorpusError."""
    if stream is None or getattr(stream, "closed", False):
        raise CorpusError("input - reads documents from stdin, but stdin is closed; pipe "
                          "them in (JSONL, or one document a line)", params=("input",))  # fmt: skip
    if hasattr(stream, "isatty") and stream.isatty():
        raise CorpusError("input - reads documents from stdin, but stdin is a terminal; pipe "
                          "them in (JSONL, or one document a line)", params=("input",))  # fmt: skip
    if _is_device(stream):  # < /dev/zero: endless bytes, never documents
        raise CorpusError("input - reads documents from stdin, but stdin is a device, not "
                          "documents; pipe them in or redirect a file",
                          params=("input",))  # fmt: skip
    source = getattr(stream, "buffer", stream)
    try:
        spool = tempfile.TemporaryFile(prefix="topics-stdin-")  # noqa: SIM115 (the with below)
    except OSError as exc:
        raise CorpusError(f"cannot keep stdin in a temporary file: {exc.strerror}") from exc
    with spool:
        try:
            while chunk := source.read(_CHUNK):
                spool.write(chunk if isinstance(chunk, bytes) else chunk.encode("utf-8"))
        except (OSError, ValueError) as exc:
            reason = getattr(exc, "strerror", None) or exc
            raise CorpusError(f"cannot read stdin: {reason}", params=("input",)) from exc
        yield spool


def _lines(text, first: int = 1):
    """(line number, line) pairs of a string or a text stream opened with newline="\\n",
    numbered from ``first``; only \\n ends a line, so U+2028 inside JSON strings is safe."""
    lines = text.split("\n") if isinstance(text, str) else text
    for number, line in enumerate(lines, start=first):
        yield number, line.removesuffix("\n").removesuffix("\r")


def _jsonl(text, name: str, first: int = 1):
    """(line number, object) of each non-blank line, as they are read (lines numbered from
    ``first``)."""
    return _parse_jsonl(_lines(text, first), name)


def _parse_jsonl(lines, name: str):
    """(line number, object) of each non-blank (line number, line); a line that is not a JSON
    object (invalid, cut short, nested too deeply to parse) is an error naming it."""
    for number, line in lines:
        if not line.strip():
            continue
        try:
            record = parse_json(line)
        except ValueError:
            raise CorpusError(f"{name} line {number}: not valid JSON") from None
        if not isinstance(record, dict):
            raise CorpusError(f"{name} line {number}: not a JSON object")
        yield number, record


def _csv(text, name: str, fields: Fields, max_bytes: int = MAX_FILE_BYTES):
    """(row number, row) of each record, as they are read (the columns checked first); a
    field longer than ``max_bytes`` characters is refused, naming the cap."""
    csv.field_size_limit(max_bytes)
    reader = csv.DictReader(io.StringIO(text, newline="") if isinstance(text, str) else text)
    try:
        columns = reader.fieldnames or []
        for field in (fields.text_name, fields.id, fields.label, *fields.kept.values()):
            if field is not None and field not in columns:
                raise CorpusError(
                    f"{name} has no column {field!r}; its columns are: {', '.join(columns)}"
                )
        yield from enumerate(reader, start=1)
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise CorpusError(f"{name} line {reader.line_num}: a field is longer than "
                              f"{max_bytes} characters (max_file_bytes)",
                              params=("max_file_bytes",)) from None  # fmt: skip
        raise CorpusError(f"{name} line {reader.line_num}: {exc}") from None


def _corpus(records, fields: Fields, name: str, described: dict, counted=None,
            capped: dict | None = None) -> Corpus:  # fmt: skip
    """The corpus of (number, record) pairs; ``capped``: the records the cap cut or left out
    while they were read (counted into ``skipped``)."""
    values: dict[str, list] = {role: [] for role in fields.kept}
    texts, ids, labels, skipped, seen = collect(records, fields, name, counted, values)
    for reason, n in (capped or {}).items():
        skipped[reason] = skipped.get(reason, 0) + n
    text_field = fields.text_name
    if not texts and set(skipped) == {f"no {text_field}"}:
        seen = sorted(seen)
        raise CorpusError(
            f"no record in {name} has a {text_field!r} field; its records have the fields "
            f"{', '.join(repr(key) for key in seen) or '(none)'}: name the text field with "
            "text_field",
            params=("text_field",),
        )
    if not texts:
        detail = ", ".join(f"{n} {reason}" for reason, n in sorted(skipped.items()))
        raise CorpusError(f"no documents in {name}" + (f" ({detail})" if detail else ""))
    has_labels = any(label is not None for label in labels)
    return Corpus(texts, ids, labels if has_labels else None, described, skipped, values)


def collect(records, fields: Fields, name: str, counted=None, values: dict | None = None):
    """(texts, ids, labels, skipped, fields seen) of (number, record) pairs: the records with
    a text kept in order, the others counted by reason; raises only on a repeated id. A
    corpus read in parts (``topiccli.distributed``) collects each part with it, and may
    find no documents in one part without that being an error. ``counted(n)``, if given,
    hears the documents kept so far (``model.tell``). ``values``, if given, gets each kept
    record's ``fields.kept`` values appended, as read (JSON values; None where missing)."""
    texts, ids, labels = [], [], []
    skipped: dict[str, int] = {}
    first_seen: dict[str, int] = {}
    text_field = fields.text_name
    seen: set[str] = set()  # the fields of records without text (for the message in _corpus)
    for number, record in records:
        value = record.get(text_field)
        reason = _skip_reason(value, text_field)
        if reason:
            if not texts and len(seen) < 1000:
                seen.update(record)
            skipped[reason] = skipped.get(reason, 0) + 1
            continue
        doc_id = _record_id(record, fields.id, number, name)
        if doc_id in first_seen:
            raise CorpusError(
                f"{name}: id {doc_id!r} (field {fields.id!r}) is used by records "
                f"{first_seen[doc_id]} and {number}; ids must be unique"
            )
        first_seen[doc_id] = number
        texts.append(value)
        ids.append(doc_id)
        label = record.get(fields.label) if fields.label else None
        labels.append(None if label is None or label == "" else str(label))
        for role, field_name in fields.kept.items():
            if values is not None:
                values[role].append(_plain(record.get(field_name)))
        tell(counted, len(texts))
    tell(counted, len(texts), final=True)
    return texts, ids, labels, skipped, seen


def file_records(path: Path, fields: Fields, number_prefix: str = "",
                 max_bytes: int = MAX_FILE_BYTES, rows: tuple[int, int] | None = None):  # fmt: skip
    """(number, record) of one .jsonl/.csv/.parquet file, numbered ``number_prefix`` + line (or
    row) as the shard loader numbers them (``shards/a.jsonl:3``; "" for a single file); a
    record longer than ``max_bytes`` is an error (there is no count to put it in). ``rows``:
    a Parquet file's rows [start, stop) only, numbered as in the whole file."""
    fmt = record_format(path)
    if fmt not in FILE_FORMATS:
        raise CorpusError(f"{path} is not a .jsonl, .csv or .parquet file")
    if fmt == "parquet":
        found = _parquet_records(Path(path), fields, max_bytes, None, rows)
    else:
        found = _file_records(Path(path), fmt, fields, max_bytes)
    for number, record in found:
        yield (f"{number_prefix}{number}" if number_prefix else number), record


def range_records(path: Path, start: int, stop: int, first_line: int, number_prefix: str = "",
                  max_bytes: int = MAX_FILE_BYTES):  # fmt: skip
    """(number, record) of the lines in bytes ``start``…``stop``−1 of a UTF-8 .jsonl file
    (a range starting a line and ending one), numbered from ``first_line`` as
    :func:`file_records` numbers the whole file: so ranges read apart give its records. A
    line longer than ``max_bytes`` bytes is an error naming it."""
    try:
        with open_regular(path) as handle:
            handle.seek(start)
            lines = _range_lines(handle, stop - start, max_bytes, str(path), first_line)
            for number, record in _jsonl(lines, str(path), first_line):
                yield (f"{number_prefix}{number}" if number_prefix else number), record
    except OSError as exc:
        raise CorpusError(f"cannot read {path}: {exc.strerror}") from exc


def _range_lines(handle, size: int, limit: int, name: str, first: int):
    """The next ``size`` bytes of a binary file, as decoded lines (streamed: a line at a time,
    none held longer than ``limit`` bytes)."""
    for number in itertools.count(first):
        if size <= 0:
            return
        raw, cut = read_line(handle, limit)
        if not raw:
            return
        if cut:
            raise _over_cap(name, number, limit)
        yield raw[:size].decode("utf-8")
        size -= len(raw)


def _plain(value):
    """A record's field value as kept: a string, number or bool as read; a date or datetime
    (a Parquet column) as ISO text; a list or object as its JSON text (so it is kept, and
    counted as no time, never silently lost)."""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, (dict, list)):
        import json

        return json.dumps(value, ensure_ascii=False)
    return value


def _skip_reason(value, field: str) -> str | None:
    if value is None:
        return f"no {field}"
    if not isinstance(value, str):
        return f"{field} not a string"
    if not value.strip():
        return "empty"
    return None


def _record_id(record: dict, id_field: str | None, number: int, name: str) -> str:
    if id_field is None:
        return str(number)
    value = record.get(id_field)
    if value is None or isinstance(value, (dict, list)) or value == "":
        raise CorpusError(f"{name} record at {number} has no usable {id_field!r} (its id field)")
    return str(value)
