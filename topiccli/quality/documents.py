"""Documents seen through a model: each document's topic weights, its winning topic, and the
documents that weigh most on each topic.

A document's weight on a topic is its row of W for NMF, and for SVD its projection on the
component, X vᵢ = σᵢ uᵢ (a signed number: the positive pole is the topic's ``words``). A
document *wins* the topic of largest weight (argmax; ties go to the lower topic id); a
document with no terms left after vectorizing wins none.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

SNIPPET_CHARS = 100
NO_TOPIC = -1


def document_weights(fitted) -> np.ndarray:
    """Documents × topics weights: W (NMF) or U·diag(s) (SVD)."""
    if hasattr(fitted, "W"):
        return np.asarray(fitted.W)
    return np.asarray(fitted.U) * np.asarray(fitted.s)


def assign(weights: np.ndarray, X) -> np.ndarray:
    """Each document's winning topic, or NO_TOPIC for a document without terms."""
    winners = np.argmax(weights, axis=1) if weights.shape[1] else np.zeros(weights.shape[0], int)
    empty = np.diff(X.indptr) == 0 if hasattr(X, "indptr") else ~np.asarray(X).any(axis=1)
    return np.where(empty, NO_TOPIC, winners)


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
