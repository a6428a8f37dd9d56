"""The one story every output tells about a topic: its documents, its label and its flags.

The table, the JSON and CSV reports, the explorer, the saved bundle and ``topics show`` all read
these fields from a topic's ``quality`` through :func:`topic_story`, and the numbers behind them
are computed once, by :func:`topic_facts` (from the documents' weights, quality.doc_weights):

* ``n_documents``: the documents the topic *wins* (its weight is the document's largest, ties
  to the lower topic id; a document whose weights are all zero wins none). For SVD the weight
  is signed, so a document leaning to a component's negative pole does not count for it;
* ``label`` and ``label_share``: among the labelled documents the topic wins, the most common
  label (ties: the alphabetically first) and its share of them; None when it wins none;
* ``flags``: the topic's warnings, in the order of :data:`FLAGS` (``narrow``: a handful of
  documents carry it; ``unstable``: its words change across seeds), each a boolean field of
  ``quality`` set by the quality layer.

Topics are numbered from 0 everywhere (their ``id``). Nothing here imports numpy at module level:
the renderers use it on a run answered from the cache.
"""

from __future__ import annotations

from collections.abc import Sequence

FLAGS = ("narrow", "unstable")
"""The flags a topic can carry, in the order every output lists them."""
FLAG_MEANINGS = {
    "narrow": "carried by a handful of documents",
    "unstable": "its words change across seeds",
}
"""What each flag means, in words (the explorer's badges and the docs say the same)."""
STORY_FIELDS = ("n_documents", "label", "label_share", "flags")


def topic_flags(quality: dict) -> list[str]:
    """The flags a topic's ``quality`` raises, in :data:`FLAGS` order."""
    return [flag for flag in FLAGS if quality.get(flag)]


def topic_story(quality: dict) -> dict:
    """A topic's documents, label and flags as every output shows them (None: not measured)."""
    return {
        "n_documents": quality.get("n_documents"),
        "label": quality.get("label"),
        "label_share": quality.get("label_share"),
        "flags": topic_flags(quality),
    }


def label_counts(
    winners, labels: Sequence[str | None] | None, k: int
) -> tuple[list[str], list[list[int]]] | None:
    """(label names sorted, topics × labels counts of the labelled documents each topic wins);
    None when no document carries a label. ``winners``: each document's top topic (−1: none)."""
    import numpy as np

    if labels is None or all(label is None for label in labels):
        return None
    names = sorted({str(label) for label in labels if label is not None})
    column = {name: j for j, name in enumerate(names)}
    codes = np.fromiter((-1 if label is None else column[str(label)] for label in labels),
                        dtype=np.int64, count=len(labels))  # fmt: skip
    topics = np.asarray(winners, dtype=np.int64)
    keep = (topics >= 0) & (codes >= 0)
    flat = np.bincount(topics[keep] * len(names) + codes[keep], minlength=k * len(names))
    return names, flat.reshape(k, len(names)).tolist()


def dominant_label(names: Sequence[str], row: Sequence[int]) -> tuple[str | None, float | None]:
    """(the most common label of one topic's row of counts, its share); ties go to the first
    name (names are sorted); (None, None) for a topic winning no labelled document."""
    total = sum(row)
    if total == 0:
        return None, None
    best = max(range(len(row)), key=lambda j: (row[j], -j))
    return str(names[best]), row[best] / total


def topic_sizes(winners, k: int) -> list[int]:
    """How many documents each topic wins (``winners`` as quality.doc_weights.top_topics)."""
    import numpy as np

    topics = np.asarray(winners, dtype=np.int64)
    return np.bincount(topics[topics >= 0], minlength=k)[:k].tolist()


def topic_facts(winners, labels: Sequence[str | None] | None, k: int) -> list[dict]:
    """Per topic: ``n_documents`` and, when documents carry labels, ``label`` and
    ``label_share`` (see the module docstring). ``winners`` as quality.doc_weights.top_topics."""
    facts = [{"n_documents": n} for n in topic_sizes(winners, k)]
    table = label_counts(winners, labels, k)
    if table is not None:
        names, counts = table
        for t in range(k):
            label, share = dominant_label(names, counts[t])
            facts[t].update(label=label, label_share=share)
    return facts
