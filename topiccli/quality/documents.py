"""Documents seen through a model: how many each topic wins, and the documents that weigh
most on each topic.

The weights are quality.doc_weights' (NMF: W solved against the final H; SVD: the projection
X vᵢ = σᵢ uᵢ, a signed number whose positive pole is the topic's ``words``). A document *wins*
the topic of largest weight (ties go to the lower topic id); one whose weights are all zero
wins none.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .. import held

SNIPPET_CHARS = 100


def topic_sizes(assignments: np.ndarray, k: int) -> np.ndarray:
    """How many documents each topic wins (the one definition: ``story.topic_sizes``)."""
    from .story import topic_sizes as sizes

    return np.asarray(sizes(assignments, k), dtype=np.int64)


def snippet(text: str, limit: int = SNIPPET_CHARS) -> str:
    """One line: whitespace collapsed, cut at ``limit`` characters with an ellipsis."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def representative(
    weights: np.ndarray, ids: Sequence[str], texts: Sequence[str], n: int
) -> list[list[dict]]:
    """For each topic, its ``n`` documents of largest positive weight, largest first.

    Each is ``{"id", "weight", "snippet"}``; ties go to the earlier document. Only the chosen
    documents' texts are read.
    """
    orders = []
    for column in np.asarray(weights).T:
        order = np.argsort(-column, kind="stable")[:n]
        orders.append((column, order[column[order] > 0]))
    wanted = sorted({int(i) for _, order in orders for i in order})
    found = dict(zip(wanted, held.take(texts, wanted)))  # held texts: one round trip
    return [
        [{"id": str(ids[i]), "weight": float(column[i]), "snippet": snippet(found[int(i)])}
         for i in order]
        for column, order in orders
    ]  # fmt: skip
