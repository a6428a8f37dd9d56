"""Describe factorizations as topics: an order, a weight and the top words of each."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from .factorize import NMFResult, SVDResult


@dataclass(frozen=True)
class Topic:
    """One topic: its position, its weight and its top words with their loadings."""

    id: int
    weight: float
    words: list[str]
    weights: list[float]


def top_terms(loadings: np.ndarray, terms: np.ndarray, n: int) -> tuple[list[str], list[float]]:
    """The n terms of largest loading, largest first; ties go to the earlier term."""
    n = min(n, loadings.shape[0])
    candidates = np.argpartition(-loadings, n - 1)[:n] if n < loadings.shape[0] else None
    if candidates is None:
        order = np.argsort(-loadings, kind="stable")
    else:
        # include every term tied with the n-th value so the stable sort decides ties by index
        threshold = loadings[candidates].min()
        pool = np.flatnonzero(loadings >= threshold)
        order = pool[np.argsort(-loadings[pool], kind="stable")]
    order = order[:n]
    return [str(t) for t in terms[order]], [float(v) for v in loadings[order]]


def describe_svd(result: SVDResult, terms: np.ndarray, top_n: int) -> list[Topic]:
    """Topics from LSA components, in order of singular value (the topic's weight)."""
    topics = []
    for i, (sigma, row) in enumerate(zip(result.s, result.Vt)):
        words, weights = top_terms(row, terms, top_n)
        topics.append(Topic(id=i, weight=float(sigma), words=words, weights=weights))
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
