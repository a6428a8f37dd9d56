"""Document-topic tables: one row per document with its id, label, top topic and weights.

The same rows serve ``--doc-topics FILE`` (on ``svd``, ``nmf`` and ``infer``) and ``infer``'s
own output. CSV or JSONL is chosen by the file's extension; rows are streamed one by one into a
temporary file beside the destination, which is renamed into place when complete (a reader never
sees half a table). On a Dask cluster each worker writes its own block of rows with
:func:`write_part` (the same rows, no header) and the client joins the parts after
:func:`header` (``models.doc_topics``). Columns never depend on the data: ``label`` is
empty/null when a document has none, ``top_topic`` is empty/null when all of a document's
weights are zero.

* CSV: ``id,label,top_topic,topic_0,…,topic_{k-1}``
* JSONL: ``{"id": …, "label": …, "top_topic": …, "weights": [w_0, …, w_{k-1}]}``
* Parquet: CSV's columns, typed: ``id`` and ``label`` strings (``label`` null when none),
  ``top_topic`` a nullable Int64, ``topic_0``… Float64 holding the values CSV writes; written
  by polars from the client (also on a cluster), into a temporary file renamed into place.

Numbers are written alike everywhere: 6 significant digits, and a weight below 1e-9 of its
document's largest is written as 0 (multiplicative updates leave such dust, e.g. 5e-25, where the
exact solution is zero). With ``--normalize`` NMF weights are proportions per document (each
row sums to 1).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import OutputError
from ..storage.atomic import atomic_binary_file, atomic_text_file
from . import console, text

if TYPE_CHECKING:
    import numpy as np

EXTENSIONS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".parquet": "parquet"}
ROW_FORMATS = ("csv", "jsonl")
DIGITS = 6
DUST = 1e-9
"""A weight below this fraction of its document's largest |weight| is written as 0."""


@dataclass(frozen=True)
class DocTopics:
    """Documents' topic weights (documents × k) with their ids and labels."""

    ids: Sequence[str]
    labels: Sequence[str | None] | None
    weights: np.ndarray
    top_topic: np.ndarray
    """-1 where a document has no top topic (all weights zero)."""

    def rows(self) -> Iterator[tuple[str, str | None, int | None, list[float]]]:
        """(id, label, top topic or None, weights as written) for each document, in order."""
        for i, doc_id in enumerate(self.ids):
            label = None if self.labels is None else self.labels[i]
            top = int(self.top_topic[i])
            yield str(doc_id), label, (top if top >= 0 else None), _written(self.weights[i])

    def normalized(self) -> DocTopics:
        """The same documents with each row of weights as proportions (NMF; rows sum to 1)."""
        from ..quality.doc_weights import proportions

        check_normalizable(self.weights)
        return DocTopics(self.ids, self.labels, proportions(self.weights), self.top_topic)


def check_normalizable(weights) -> None:
    """Refuse ``--normalize`` for signed weights (SVD's): proportions need weights ≥ 0."""
    if (weights < 0).any():
        raise OutputError("normalize applies to NMF weights; SVD's are signed",
                          params=("normalize",))  # fmt: skip


def _written(row) -> list[float]:
    """A row of weights as written: dust zeroed, 6 significant digits."""
    largest = float(abs(row).max()) if len(row) else 0.0
    return [0.0 if abs(w) <= DUST * largest else float(f"{w:.{DIGITS}g}") for w in row.tolist()]


def format_for(path: Path) -> str:
    """The row format a ``--doc-topics`` file's extension names."""
    fmt = EXTENSIONS.get(Path(path).suffix.lower())
    if fmt is None:
        raise OutputError(
            f"doc_topics {path}: the file name must end in .csv, .jsonl or .parquet (chooses "
            "the format)",
            params=("doc_topics",),
        )
    return fmt


def header(fmt: str, k: int) -> str:
    """What a table of ``k`` topics starts with: CSV's header line; nothing for JSONL."""
    if fmt != "csv":
        return ""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(
        ["id", "label", "top_topic", *(f"topic_{t}" for t in range(k))]
    )
    return buffer.getvalue()


def write_rows(handle, fmt: str, table: DocTopics, with_header: bool = True) -> None:
    """Stream ``table`` to a text handle as CSV (with a header unless ``with_header`` is
    False: a part of a larger table) or JSONL."""
    if fmt == "csv":
        if with_header:
            handle.write(header(fmt, table.weights.shape[1]))
        writer = csv.writer(handle, lineterminator="\n")
        for doc_id, label, top, weights in table.rows():
            writer.writerow([doc_id, "" if label is None else label,
                             "" if top is None else top, *weights])  # fmt: skip
        return
    for doc_id, label, top, weights in table.rows():
        record = {"id": doc_id, "label": label, "top_topic": top, "weights": weights}
        handle.write(json.dumps(record, ensure_ascii=False) + "\n")


def write_file(path: Path, table: DocTopics, fmt: str | None = None) -> None:
    """Write ``table`` to ``path`` (format from its extension unless given), atomically."""
    fmt = fmt or format_for(path)
    if fmt == "parquet":
        with atomic_binary_file(path) as handle:
            parquet_frame(table).write_parquet(handle)
        return
    with atomic_text_file(path) as handle:
        write_rows(handle, fmt, table)


def parquet_frame(table: DocTopics):
    """The table as a polars DataFrame of the Parquet columns (see the module): the rows as
    CSV and JSONL write them."""
    import polars as pl

    k = table.weights.shape[1]
    ids, labels, tops, weights = [], [], [], []
    for doc_id, label, top, row in table.rows():
        ids.append(doc_id)
        labels.append(label)
        tops.append(top)
        weights.append(row)
    columns = {"id": pl.Series(ids, dtype=pl.String), "label": pl.Series(labels, dtype=pl.String),
               "top_topic": pl.Series(tops, dtype=pl.Int64)}  # fmt: skip
    matrix = [list(col) for col in zip(*weights)] if weights else [[] for _ in range(k)]
    columns.update({f"topic_{t}": pl.Series(matrix[t], dtype=pl.Float64) for t in range(k)})
    return pl.DataFrame(columns)


def write_part(handle, weights, fmt: str, ids, labels, normalize: bool) -> None:
    """One row block of a table written by partition (``--doc-topics`` on a Dask cluster; runs
    on the worker holding ``weights``, the block's rows): the rows ``write_file`` writes for
    these documents, without the header. ``ids`` and ``labels`` are the block's."""
    from ..quality.doc_weights import top_topics

    table = DocTopics(ids, labels, weights, top_topics(weights))
    write_rows(handle, fmt, table.normalized() if normalize else table, with_header=False)


def infer_json(table: DocTopics, header: dict) -> str:
    """``infer --format json``: the header fields, then ``documents`` (see the README)."""
    documents = [
        {"id": doc_id, "label": label, "top_topic": top, "weights": weights}
        for doc_id, label, top, weights in table.rows()
    ]
    return json.dumps({**header, "documents": documents}, indent=2, ensure_ascii=False) + "\n"


def infer_table(table: DocTopics, topic_words: list[list[str]], title: str, width=None,
                engine: dict | None = None) -> str:  # fmt: skip
    """``infer --format table``: each document's top topic, its weight and the topic's words
    (as many as ``topic_words`` holds: ``--top-words``); the engine below (``engine``)."""
    from .tables import Column, print_table

    columns = [
        Column("document", key=True),
        Column("topic", "right", wrap=False, priority=90),
        Column("weight", "right", wrap=False, priority=80),
        Column("topic words", priority=100, comfort=WORDS_COMFORT),
    ]
    rows = []
    for doc_id, _, top, weights in table.rows():
        if top is None:
            rows.append([doc_id, "–", "0", "(no known words)"])
        else:
            rows.append([doc_id, str(top), f"{weights[top]:.4g}", " ".join(topic_words[top])])
    out = console(width)
    print_table(out, title, columns, rows)
    if engine:
        from .present import engine_line

        out.print(engine_line(engine))
    return text(out)


WORDS_COMFORT = 16
"""The topic words keep at least this width before the other columns move below."""
