"""``--doc-topics`` (a fit's, infer's): written by this process, or by partition on a cluster.

On one machine the table is streamed into a temporary file and renamed into place
(``render.doc_topics.write_file``). On a cluster (``--scheduler``) the weights' row blocks are
still on the workers (``distributed.engine``), so each worker formats its own block's rows
into a part file, and the client joins the parts into the destination atomically
(``DaskEngine.write_by_part``, ``distributed.parts``): the same bytes, formatted in parallel,
with no block of weights sent back to be written.
That needs the workers to see the destination's folder (always so on a
LocalCluster; for a remote cluster, a filesystem they share); when they cannot, the client
writes the file itself and says so in a warning; so it does when a worker is lost while
the parts are written (the client holds every row: the same bytes). A destination that is not
a regular file (a FIFO) is always written by the client.
"""

from __future__ import annotations

from pathlib import Path


def write_doc_topics(path: Path, ids, labels, weights, normalize: bool, engine=None,
                     names=None) -> None:  # fmt: skip
    """Write the documents' table to ``path`` (.csv/.jsonl/.parquet), atomically; see the
    module. ``engine`` (``models.engine.Engine``) writes it where the weights are when it can
    (a Parquet table is always written by this process, in one file). ``names``: the user's
    topic names of a named model (adds ``top_topic_name``; written by this process)."""
    from ..quality.doc_weights import top_topics
    from ..render.doc_topics import (
        DocTopics,
        check_normalizable,
        format_for,
        header,
        write_file,
        write_part,
    )

    fmt = format_for(path)
    if normalize:
        check_normalizable(weights)  # refused before any worker writes

    def part_args(a: int, b: int) -> tuple:
        return (fmt, list(ids[a:b]), None if labels is None else list(labels[a:b]), normalize)

    by_part = engine is not None and fmt != "parquet" and names is None  # else one file, here
    if by_part and engine.write_by_part(path, weights, write_part, part_args,
                                        header(fmt, weights.shape[1])):  # fmt: skip
        return
    table = DocTopics(ids, labels, weights, top_topics(weights), names)
    write_file(path, table.normalized() if normalize else table, fmt)
