"""Records from Parquet files: the columns a run names, read a batch of rows at a time.

A ``.parquet`` file (or a glob of Parquet shards) is a records source like a JSONL or CSV
file (topiccli.corpus.records): a record is one row, its text the ``text_field`` column
(default ``text``), its id the ``id_field`` column (else its row number, 1 = the first row),
its label the ``label_field`` column. Only those columns are read (Parquet is columnar, so
the others cost nothing), by polars, already a dependency: no pyarrow is needed.

Memory stays bounded: rows come in batches of :data:`BATCH_ROWS` from polars' streaming
engine, each turned into Python strings and dropped before the next, so the reader holds the
texts kept plus one batch, never the file's whole column twice.

Faults are those of the other record files: a file that is not Parquet (corrupt, truncated,
empty) is one ``CorpusError`` naming it; a column that is missing is one naming the file's
columns; a row whose text is null counts as ``no text``, a text that is not a string (a number
column, a list) as ``text not a string``, a blank one as ``empty``, and one longer than
``max_file_bytes`` characters as ``over max_file_bytes`` (an error when there is nowhere to
count it: records read in parts on the Dask workers), as JSONL counts them.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import CorpusError

BATCH_ROWS = 16_384
"""Rows turned into Python objects at a time (a batch of 1 KB texts: about 16 MB)."""
SUFFIX = ".parquet"


def columns(path: Path) -> dict[str, str]:
    """The file's columns and their types (read from its footer only), or one CorpusError
    when it is not a readable Parquet file."""
    import polars as pl

    try:
        schema = pl.read_parquet_schema(path)
    except FileNotFoundError:
        raise CorpusError(f"cannot read {path}: no such file", params=("input",)) from None
    except Exception as exc:  # polars' errors for a file that is not Parquet
        raise _unreadable(path, exc) from None
    return {name: str(dtype) for name, dtype in schema.items()}


def row_count(path: Path) -> int:
    """How many rows the file holds (from its footer)."""
    import polars as pl

    columns(path)
    try:
        return int(pl.scan_parquet(path, glob=False).select(pl.len()).collect().item())
    except Exception as exc:
        raise _unreadable(path, exc) from None


def parquet_records(path: Path, fields, max_bytes: int, skipped: dict | None = None,
                    rows: tuple[int, int] | None = None):  # fmt: skip
    """(number, record) of each row of ``path`` (``rows``: only rows [start, stop), numbered
    as in the whole file), a record holding the named columns; see the module for faults.
    ``skipped`` counts the texts over ``max_bytes``; None makes one an error."""
    import polars as pl

    path = Path(path)
    found = columns(path)
    named = (fields.text_name, fields.id, fields.label, *fields.kept.values())  # + time, group
    wanted = [f for f in dict.fromkeys(named) if f]
    for name in wanted:
        if name not in found:
            raise CorpusError(f"{path} has no column {name!r}; its columns are: "
                              f"{', '.join(found) or '(none)'}")  # fmt: skip
    start, stop = rows if rows is not None else (0, None)
    frame = pl.scan_parquet(path, glob=False).select(wanted)
    if rows is not None:
        frame = frame.slice(start, stop - start)
    text = fields.text_name
    number = start
    try:
        for batch in frame.collect_batches(chunk_size=BATCH_ROWS):
            values = [batch[name].to_list() for name in wanted]
            for row in zip(*values):
                number += 1
                record = dict(zip(wanted, row))
                value = record[text]
                if isinstance(value, str) and len(value) > max_bytes:
                    _over_cap(path, number, max_bytes, skipped)
                    continue
                yield number, record
    except CorpusError:
        raise
    except Exception as exc:  # a page that does not decode: the file is damaged
        raise _unreadable(path, exc) from None


def _over_cap(path: Path, number: int, limit: int, skipped: dict | None) -> None:
    from .records import OVER_CAP

    if skipped is None:
        raise CorpusError(f"{path} row {number}: a text longer than {limit} characters; raise "
                          "max_file_bytes to read it", params=("max_file_bytes",))  # fmt: skip
    skipped[OVER_CAP] = skipped.get(OVER_CAP, 0) + 1


def _unreadable(path: Path, exc: BaseException) -> CorpusError:
    reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return CorpusError(f"cannot read {path}: not a readable Parquet file ({reason[:200]})",
                       params=("input",))  # fmt: skip
