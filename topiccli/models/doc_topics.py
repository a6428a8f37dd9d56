"""``--doc-topics`` (a fit's, infer's): written by this process, or by partition on a cluster.

On one machine the table is streamed into a temporary file and renamed into place
(``render.doc_topics.write_file``). On a cluster (``--scheduler``) the weights' row blocks are
still on the workers (``models.engine``), so each worker formats its own block's rows into a part
file, and the client joins the parts into the destination atomically
(``distributed.parts``): the same bytes, formatted in parallel, with no block of weights sent
back to be written. That needs the workers to see the destination's folder (always so on a
LocalCluster; for a remote cluster, a filesystem they share); when they cannot, the client
writes the file itself and says so in a warning; so it does when a worker is lost while
the parts are written (the client holds every row: the same bytes). A destination that is not
a regular file (a FIFO) is always written by the client.
"""

from __future__ import annotations

import os
import stat
import warnings
from pathlib import Path

from ..errors import TopicsWarning
from .engine import current


def write_doc_topics(path: Path, ids, labels, weights, normalize: bool, names=None) -> None:
    """Write the documents' table to ``path`` (.csv/.jsonl/.parquet), atomically; see the
    module (a Parquet table is always written by this process, in one file). ``names``: the
    user's topic names of a named model (adds ``top_topic_name``; written by this process)."""
    from ..quality.doc_weights import top_topics
    from ..render.doc_topics import DocTopics, check_normalizable, format_for, write_file

    fmt = format_for(path)
    if normalize:
        check_normalizable(weights)  # refused before any worker writes
    active = current()
    rows = active.weight_blocks(weights) if active is not None else None
    if rows is not None and fmt != "parquet" and names is None and _regular_or_new(path):
        from ..distributed.errors import WorkerLost

        try:
            if _by_partition(path, fmt, ids, labels, rows, normalize):
                return
            reason = (f"the Dask workers cannot see the folder of {path} (it is not on a "
                      "filesystem they share)")  # fmt: skip
        except WorkerLost:
            reason = f"a Dask worker was lost while writing {path}"
        warnings.warn(
            f"{reason}; wrote the document-topic table from this machine instead",
            TopicsWarning,
            stacklevel=2,
        )
    table = DocTopics(ids, labels, weights, top_topics(weights), names)
    write_file(path, table.normalized() if normalize else table, fmt)


def _by_partition(path: Path, fmt: str, ids, labels, rows, normalize: bool) -> bool:
    from ..distributed.parts import write_partitioned
    from ..render.doc_topics import header, write_part

    args = [
        (fmt, list(ids[a:b]), None if labels is None else list(labels[a:b]), normalize)
        for a, b in rows.bounds
    ]
    return write_partitioned(rows.client, rows.blocks, path, write_part, args,
                             header(fmt, rows.shape[1]))  # fmt: skip


def _regular_or_new(path: Path) -> bool:
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except FileNotFoundError:
        return True
    except OSError:
        return False
