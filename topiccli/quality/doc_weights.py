"""The one definition of a document's topic weights, used wherever documents meet topics.

NMF: W solved against the fit's final H under the fit's loss and W penalty (the core's
``nmf_transform``): the fit's last half-step done exactly. The solver's own W is one iterate
short of that (solvers stop at a tolerance), so using it would make the table's ``docs``,
the labels, ``--doc-topics`` and ``topics infer`` on the same documents disagree (on a 3,000
document corpus 225 against 224 documents for one topic). SVD: the projection X·Vᵀ (= U·Σ).

A document's top topic is the one of largest weight (the first on a tie); a document whose
weights are all zero (no known term) has none (-1).
"""

from __future__ import annotations

import numpy as np

NO_TOPIC = -1


def document_weights(method: str, components, X, loss: str = "frobenius",
                     regularization: dict | None = None, *,
                     threads: int | None = None) -> np.ndarray:  # fmt: skip
    """Documents × topics weights of the rows of X against a model's ``components``
    (NMF's H or SVD's Vt); ``loss`` and ``regularization`` are the NMF fit's; ``threads``, the
    core's worker threads (None: the CPUs available)."""
    from ..factorize import nmf_transform, project

    if method == "svd":
        return project(X, components)
    reg = regularization or {}
    return nmf_transform(X, components, loss=loss, alpha_W=reg.get("alpha_W", 0.0),
                         l1_ratio=reg.get("l1_ratio", 0.0), threads=threads)  # fmt: skip


def top_topics(weights: np.ndarray) -> np.ndarray:
    """Index of each row's largest weight (the first on a tie); NO_TOPIC for an all-zero row."""
    top = np.argmax(weights, axis=1) if weights.shape[1] else np.zeros(len(weights), int)
    top[~np.any(weights != 0, axis=1)] = NO_TOPIC
    return top


def proportions(weights: np.ndarray) -> np.ndarray:
    """Each row scaled to sum to 1 (an all-zero row stays zero): NMF weights as shares."""
    totals = weights.sum(axis=1, keepdims=True)
    return np.divide(weights, totals, out=np.zeros_like(weights), where=totals > 0)
