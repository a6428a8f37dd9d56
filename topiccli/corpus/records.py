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
"""

from __future__ import annotations

import csv
import io
import json
import sys
from dataclasses import dataclass
from pathlib import Path

from ..errors import CorpusError, UsageError
from .folder import decode
from .model import Corpus

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


def record_format(path) -> str | None:
    """ "stdin", "jsonl" or "csv" when ``path`` is read by this module; None otherwise."""
    if path is None:
        return None
    if is_stdin(path):
        return "stdin"
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


def load_records(path, fields: Fields = Fields(), stdin=None) -> Corpus:
    """Read a .jsonl/.csv file, or stdin for ``-`` (``stdin``: a binary stream to use)."""
    fmt = record_format(path)
    if fmt == "stdin":
        return _load_stdin(fields, stdin if stdin is not None else sys.stdin)
    if fmt is None:
        raise CorpusError(f"{path} is not a .jsonl or .csv file")
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise CorpusError(f"cannot read {path}: {exc.strerror}") from exc
    text = _decode(data, str(path))
    records = _jsonl(text, str(path)) if fmt == "jsonl" else _csv(text, str(path), fields)
    return _corpus(records, fields, str(path), selection(path, fields))


def _load_stdin(fields: Fields, stream) -> Corpus:
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
    return _corpus(records, fields, "stdin", described)


def _decode(data: bytes, name: str) -> str:
    text = decode(data)
    if text is None:
        raise CorpusError(f"{name} looks binary (it holds NUL bytes), not text records")
    return text


def _lines(text: str):
    """(line number, line) pairs; only \\n ends a line, so U+2028 inside JSON strings is safe."""
    for number, line in enumerate(text.split("\n"), start=1):
        yield number, line.removesuffix("\r")


def _jsonl(text: str, name: str) -> list[tuple[int, dict]]:
    records = []
    for number, line in _lines(text):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError:
            raise CorpusError(f"{name} line {number}: not valid JSON") from None
        if not isinstance(record, dict):
            raise CorpusError(f"{name} line {number}: not a JSON object")
        records.append((number, record))
    return records


def _csv(text: str, name: str, fields: Fields) -> list[tuple[int, dict]]:
    csv.field_size_limit(2**31 - 1)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        columns = reader.fieldnames or []
        for field in (fields.text_name, fields.id, fields.label):
            if field is not None and field not in columns:
                raise CorpusError(
                    f"{name} has no column {field!r}; its columns are: {', '.join(columns)}"
                )
        return [(number, row) for number, row in enumerate(reader, start=1)]
    except csv.Error as exc:
        raise CorpusError(f"{name} line {reader.line_num}: {exc}") from None


def _corpus(records, fields: Fields, name: str, described: dict) -> Corpus:
    texts, ids, labels = [], [], []
    skipped: dict[str, int] = {}
    first_seen: dict[str, int] = {}
    text_field = fields.text_name
    for number, record in records:
        value = record.get(text_field)
        reason = _skip_reason(value, text_field)
        if reason:
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
    if not texts and set(skipped) == {f"no {text_field}"}:
        seen = sorted({key for _, record in records for key in record})
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
