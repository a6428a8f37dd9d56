"""Describe factorizations as topics: an order, a weight and the top words of each."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from ..factorize import NMFResult, SVDResult
from ..report import Topic


def top_terms(loadings: np.ndarray, terms: np.ndarray, n: int) -> tuple[list[str], list[float]]:
    """The n terms of largest loading, largest first; ties go to the earlier term."""
    order = top_indices(loadings, n)
    return [str(t) for t in terms[order]], [float(v) for v in loadings[order]]


def top_indices(loadings: np.ndarray, n: int) -> np.ndarray:
    """Indices of the n largest loadings, largest first; ties go to the earlier index."""
    n = min(n, loadings.shape[0])
    candidates = np.argpartition(-loadings, n - 1)[:n] if n < loadings.shape[0] else None
    if candidates is None:
        order = np.argsort(-loadings, kind="stable")
    else:
        # include every term tied with the n-th value so the stable sort decides ties by index
        threshold = loadings[candidates].min()
        pool = np.flatnonzero(loadings >= threshold)
        order = pool[np.argsort(-loadings[pool], kind="stable")]
    return order[:n]


NEGLIGIBLE = 1e-12
"""Loadings within this fraction of a component's largest magnitude count as zero."""


def negative_indices(loadings: np.ndarray, n: int) -> np.ndarray:
    """Indices of the n most negative loadings, most negative first (only truly negative ones).

    A loading counts as negative below −NEGLIGIBLE·max|loading|, so rounding noise in a
    nonnegative component (such as LSA's first) does not make up a pole.
    """
    order = top_indices(-loadings, n)
    floor = NEGLIGIBLE * float(np.abs(loadings).max(initial=0.0))
    return order[loadings[order] < -floor]


def describe_svd(result: SVDResult, terms: np.ndarray, top_n: int) -> list[Topic]:
    """Topics from LSA components, in order of singular value (the topic's weight)."""
    topics = []
    for i, (sigma, row) in enumerate(zip(result.s, result.Vt)):
        words, weights = top_terms(row, terms, top_n)
        negative = negative_indices(row, top_n)
        topics.append(
            Topic(
                id=i,
                weight=float(sigma),
                words=words,
                weights=weights,
                negative_words=[str(t) for t in terms[negative]],
                negative_weights=[float(v) for v in row[negative]],
            )
        )
    return topics


def nmf_topic_shares(result: NMFResult) -> np.ndarray:
    """Each topic's share of the reconstructed mass Σ_ij (WH)_ij."""
    mass = result.W.sum(axis=0) * result.H.sum(axis=1)
    total = mass.sum()
    return mass / total if total > 0 else np.full(mass.shape, 1.0 / mass.size)


def order_nmf(result: NMFResult) -> NMFResult:
    """Reorder NMF components by decreasing share, so topic 0 is the largest."""
    order = np.argsort(-nmf_topic_shares(result), kind="stable")
    return replace(result, W=result.W[:, order], H=result.H[order])


def describe_nmf(result: NMFResult, terms: np.ndarray, top_n: int) -> list[Topic]:
    """Topics from NMF components (already ordered); a topic's weight is its share."""
    shares = nmf_topic_shares(result)
    topics = []
    for i, (share, row) in enumerate(zip(shares, result.H)):
        words, weights = top_terms(row, terms, top_n)
        topics.append(Topic(id=i, weight=float(share), words=words, weights=weights))
    return topics
