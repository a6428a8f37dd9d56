"""Documents seen through a model: how many each topic wins, and the documents that weigh
most on each topic.

The weights are topiccli.weights' (NMF: W solved against the final H; SVD: the projection
X vᵢ = σᵢ uᵢ, a signed number whose positive pole is the topic's ``words``). A document *wins*
the topic of largest weight (ties go to the lower topic id); one whose weights are all zero
wins none.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

SNIPPET_CHARS = 100


def topic_sizes(assignments: np.ndarray, k: int) -> np.ndarray:
    """How many documents each topic wins."""
    won = assignments[assignments >= 0]
    return np.bincount(won, minlength=k)[:k]


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
    result = []
    for column in np.asarray(weights).T:
        order = np.argsort(-column, kind="stable")[:n]
        order = order[column[order] > 0]
        result.append(
            [
                {"id": str(ids[i]), "weight": float(column[i]), "snippet": snippet(texts[i])}
                for i in order
            ]
        )
    return result
