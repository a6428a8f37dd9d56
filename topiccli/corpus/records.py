"""Load documents from other tools' records: a JSONL or CSV file, or standard input.

* ``FILE.jsonl`` (or ``.ndjson``): one JSON object a line; blank lines are ignored.
* ``FILE.csv``: a header row naming the columns, then one record a row (quoted fields may span
  lines).
* ``-``: standard input, read as JSONL when every non-blank line is a JSON object, otherwise as
  one document per non-blank line.

A record's text is its ``text_field`` (default ``text``). Its id is its ``id_field`` when given
(ids must then be unique), else its line number (JSONL, stdin) or row number (CSV, 1 = the first
row after the header). Its label is its ``label_field`` when given. Records whose text is
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
import json
import sys
from dataclasses import dataclass
from pathlib import Path

from ..errors import CorpusError, UsageError
from .folder import _BOMS, _SNIFF_BYTES, decode
from .model import Corpus, tell

STDIN = "-"
SUFFIXES = {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv"}
DEFAULT_TEXT_FIELD = "text"


@dataclass(frozen=True)
class Fields:
    """Which fields of a record hold its text, id and label (None: not given)."""

    text: str | None = None
    id: str | None = None
    label: str | None = None

    @property
    def given(self) -> bool:
        return any(v is not None for v in (self.text, self.id, self.label))

    @property
    def text_name(self) -> str:
        return self.text or DEFAULT_TEXT_FIELD


def is_stdin(path) -> bool:
    return path is not None and str(path) == STDIN


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
    """ "stdin", "jsonl" or "csv" when ``path`` is read by this module; None otherwise. A shard
    pattern's format is its suffix's (``*.jsonl``)."""
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
            "text_field, id_field and label_field apply to .jsonl/.csv files and stdin",
            params=("text_field", "id_field", "label_field"),
        )


def selection(path, fields: Fields) -> dict:
    """The JSON report's description of a records source (known without reading it)."""
    return {
        "source": record_format(path),
        "path": str(path),
        "text_field": fields.text_name,
        "id_field": fields.id,
        "label_field": fields.label,
    }


def cache_identity(path, fields: Fields) -> dict:
    """What the corpus cache must add to a file source's key: the format and the fields."""
    fmt = record_format(path)
    if fmt is None:
        return {}
    return {"kind": fmt, "fields": [fields.text_name, fields.id, fields.label]}


def load_records(path, fields: Fields = Fields(), stdin=None, counted=None) -> Corpus:
    """Read a .jsonl/.csv file, or stdin for ``-`` (``stdin``: a binary stream to use).
    ``counted(n)``, if given, hears the documents read so far (``model.tell``)."""
    fmt = record_format(path)
    if fmt == "stdin":
        return _load_stdin(fields, stdin if stdin is not None else sys.stdin, counted)
    if fmt is None:
        raise CorpusError(f"{path} is not a .jsonl or .csv file")
    if not is_pattern(path):
        records = _file_records(Path(path), fmt, fields)
        return _corpus(records, fields, str(path), selection(path, fields), counted)
    files = checked_shards(path, fmt)
    described = {**selection(path, fields), "shards": len(files)}
    return _corpus(_shard_records(files, fmt, fields), fields, str(path), described, counted)


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


def _shard_records(files: list[Path], fmt: str, fields: Fields):
    """Every shard's records, numbered ``path:line`` (``path:row`` for CSV)."""
    for file in files:
        for number, record in _file_records(file, fmt, fields):
            yield f"{file.as_posix()}:{number}", record


def _file_records(path: Path, fmt: str, fields: Fields):
    """(number, record) of one file, streamed in the encoding :func:`_encoding` finds."""
    name = str(path)
    encoding = _encoding(path)
    try:
        with open(path, "rb") as raw:
            stream = io.TextIOWrapper(raw, encoding=encoding, errors="strict",
                                      newline="" if fmt == "csv" else "\n")  # fmt: skip
            yield from _jsonl(stream, name) if fmt == "jsonl" else _csv(stream, name, fields)
    except OSError as exc:
        raise CorpusError(f"cannot read {path}: {exc.strerror}") from exc


_CHUNK = 1 << 20


def _encoding(path: Path) -> str:
    """The encoding ``folder.decode`` would pick for the whole file, found by reading it in
    chunks: a BOM's, else UTF-8, else Windows-1252, else Latin-1 (NUL bytes: binary)."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(_SNIFF_BYTES)
            for bom, encoding in _BOMS:
                if head.startswith(bom):
                    candidates = [encoding]
                    break
            else:
                if b"\x00" in head:
                    raise CorpusError(f"{path} looks binary (it holds NUL bytes), not text records")
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
    except OSError as exc:
        raise CorpusError(f"cannot read {path}: {exc.strerror}") from exc
    if len(candidates) == 1:  # a BOM that its encoding does not follow
        raise CorpusError(f"{path} looks binary (not valid {candidates[0]}), not text records")
    return "latin-1"


def _load_stdin(fields: Fields, stream, counted=None) -> Corpus:
    if hasattr(stream, "isatty") and stream.isatty():
        raise CorpusError("input - reads documents from stdin, but stdin is a terminal; pipe "
                          "them in (JSONL, or one document a line)", params=("input",))  # fmt: skip
    raw = stream.buffer.read() if hasattr(stream, "buffer") else stream.read()
    text = raw if isinstance(raw, str) else _decode(raw, "stdin")
    described = selection(STDIN, fields)
    try:
        records = list(_jsonl(text, "stdin"))
        described["format"] = "jsonl"
    except CorpusError:
        if fields.given:
            raise CorpusError(
                "stdin is not JSONL (one JSON object a line), so text_field, id_field and "
                "label_field do not apply; without them each line is one document",
                params=("text_field", "id_field", "label_field"),
            ) from None
        records = [(n, {DEFAULT_TEXT_FIELD: line}) for n, line in _lines(text) if line.strip()]
        described.update(format="lines", text_field=None)
    return _corpus(records, fields, "stdin", described, counted)


def _decode(data: bytes, name: str) -> str:
    text = decode(data)
    if text is None:
        raise CorpusError(f"{name} looks binary (it holds NUL bytes), not text records")
    return text


def _lines(text, first: int = 1):
    """(line number, line) pairs of a string or a text stream opened with newline="\\n",
    numbered from ``first``; only \\n ends a line, so U+2028 inside JSON strings is safe."""
    lines = text.split("\n") if isinstance(text, str) else text
    for number, line in enumerate(lines, start=first):
        yield number, line.removesuffix("\n").removesuffix("\r")


def _jsonl(text, name: str, first: int = 1):
    """(line number, object) of each non-blank line, as they are read (lines numbered from
    ``first``)."""
    for number, line in _lines(text, first):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError:
            raise CorpusError(f"{name} line {number}: not valid JSON") from None
        if not isinstance(record, dict):
            raise CorpusError(f"{name} line {number}: not a JSON object")
        yield number, record


def _csv(text, name: str, fields: Fields):
    """(row number, row) of each record, as they are read (the columns checked first)."""
    csv.field_size_limit(2**31 - 1)
    reader = csv.DictReader(io.StringIO(text, newline="") if isinstance(text, str) else text)
    try:
        columns = reader.fieldnames or []
        for field in (fields.text_name, fields.id, fields.label):
            if field is not None and field not in columns:
                raise CorpusError(
                    f"{name} has no column {field!r}; its columns are: {', '.join(columns)}"
                )
        yield from enumerate(reader, start=1)
    except csv.Error as exc:
        raise CorpusError(f"{name} line {reader.line_num}: {exc}") from None


def _corpus(records, fields: Fields, name: str, described: dict, counted=None) -> Corpus:
    texts, ids, labels, skipped, seen = collect(records, fields, name, counted)
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
    return Corpus(texts, ids, labels if has_labels else None, described, skipped)


def collect(records, fields: Fields, name: str, counted=None):
    """(texts, ids, labels, skipped, fields seen) of (number, record) pairs: the records with
    a text kept in order, the others counted by reason; raises only on a repeated id. A
    corpus read in parts (``topiccli.distributed``) collects each part with it, and may
    find no documents in one part without that being an error. ``counted(n)``, if given,
    hears the documents kept so far (``model.tell``)."""
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
        tell(counted, len(texts))
    tell(counted, len(texts), final=True)
    return texts, ids, labels, skipped, seen


def file_records(path: Path, fields: Fields, number_prefix: str = ""):
    """(number, record) of one .jsonl/.csv file, numbered ``number_prefix`` + line (or row)
    as the shard loader numbers them (``shards/a.jsonl:3``; "" for a single file)."""
    fmt = record_format(path)
    if fmt not in ("jsonl", "csv"):
        raise CorpusError(f"{path} is not a .jsonl or .csv file")
    for number, record in _file_records(Path(path), fmt, fields):
        yield (f"{number_prefix}{number}" if number_prefix else number), record


def range_records(path: Path, start: int, stop: int, first_line: int, number_prefix: str = ""):
    """(number, record) of the lines in bytes ``start``…``stop``−1 of a UTF-8 .jsonl file
    (a range starting a line and ending one), numbered from ``first_line`` as
    :func:`file_records` numbers the whole file: so ranges read apart give its records."""
    try:
        with open(path, "rb") as handle:
            handle.seek(start)
            lines = _range_lines(handle, stop - start)
            for number, record in _jsonl(lines, str(path), first_line):
                yield (f"{number_prefix}{number}" if number_prefix else number), record
    except OSError as exc:
        raise CorpusError(f"cannot read {path}: {exc.strerror}") from exc


def _range_lines(handle, size: int):
    """The next ``size`` bytes of a binary file, as decoded lines (streamed: a line at a time)."""
    for raw in handle:
        yield raw[:size].decode("utf-8")
        size -= len(raw)
        if size <= 0:
            return


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
