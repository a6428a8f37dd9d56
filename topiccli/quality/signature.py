"""Signature topics: a topic whose weight comes from a handful of documents.

Draft: the per-topic evidence only (see ``signature``).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

TOP_DOCUMENTS = 30
"""The documents of largest weight on a topic searched for near-duplicates of each other."""
NEAR_DUPLICATE = 0.8
"""Cosine similarity of two documents' rows at or above which they are near-duplicates."""


def participation(weights: np.ndarray) -> float:
    """(Σw)²/Σw²: the number of equal weights with the same spread (0 for no weight)."""
    total, squares = float(weights.sum()), float(np.square(weights).sum())
    return total * total / squares if squares > 0 else 0.0


def _groups(rows) -> np.ndarray:
    """Connected components of the near-duplicate relation among ``rows`` (a CSR block)."""
    from scipy.sparse.csgraph import connected_components

    norms = np.sqrt(np.asarray(rows.multiply(rows).sum(axis=1)).ravel())
    scaled = sp.diags(1.0 / np.where(norms > 0, norms, 1.0)) @ rows
    similar = (scaled @ scaled.T).toarray() >= NEAR_DUPLICATE
    return connected_components(sp.csr_matrix(similar), directed=False)[1]


def evidence(column: np.ndarray, X) -> dict:
    """One topic's evidence: its effective number of documents, the same after merging
    near-duplicates among its top documents, and the share of its top documents' weight in
    near-duplicates."""
    w = np.clip(np.asarray(column, dtype=float), 0.0, None)
    order = np.argsort(-w, kind="stable")[:TOP_DOCUMENTS]
    order = order[w[order] > 0]
    effective = participation(w)
    if len(order) < 2:
        return {"effective_documents": effective, "distinct_documents": effective,
                "near_duplicate_share": 0.0}  # fmt: skip
    labels = _groups(sp.csr_matrix(X[order]))
    merged = np.bincount(labels, weights=w[order])
    rest = np.delete(w, order)
    counts = np.bincount(labels)
    in_dups = counts[labels] > 1
    return {
        "effective_documents": effective,
        "distinct_documents": participation(np.concatenate([merged, rest])),
        "near_duplicate_share": float(w[order][in_dups].sum() / w[order].sum()),
    }


def signature(weights, X) -> list[dict]:
    """Each topic's evidence and its ``narrow`` flag (draft)."""
    W = np.asarray(weights)
    n = W.shape[0]
    out = []
    for t in range(W.shape[1]):
        found = evidence(W[:, t], X)
        found["narrow"] = bool(found["distinct_documents"] <= max(3.0, 0.01 * n))
        out.append(found)
    return out
