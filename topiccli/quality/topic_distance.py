"""How alike two topics are, and how distinctive a term is for one: the one definition of the
topics' word distributions, their Jensen–Shannon distance and term relevance.

The explorer's map and term lists (topiccli.explorer.data), the topic hierarchy
(quality.hierarchy) and the automatic names (quality.naming) all read these, so the tree a
report exports has the distances the map draws. ``document_distances`` is the other view of
two topics, by the documents they weigh, which ``topics reduce`` merges on (quality.hierarchy).
"""

from __future__ import annotations

import math

import numpy as np


def normalise_rows(mass: np.ndarray) -> np.ndarray:
    """Each row divided by its sum; a row that sums to zero becomes uniform."""
    mass = np.atleast_2d(mass)
    totals = mass.sum(axis=1, keepdims=True)
    uniform = np.full(mass.shape[1], 1.0 / max(mass.shape[1], 1))
    with np.errstate(invalid="ignore", divide="ignore"):
        rows = np.where(totals > 0, mass / np.where(totals > 0, totals, 1.0), uniform)
    return rows


def word_distributions(method: str, components: np.ndarray) -> np.ndarray:
    """k × n word distributions of a model's topics.

    NMF: each row of H divided by its sum. SVD: each row of Vt squared (a row of Vt has unit
    length, so its squared loadings sum to 1), i.e. the share of the component's squared norm
    each term carries, both poles together since a component's sign is a convention. A row that
    is all zero becomes uniform, so every distance stays finite.
    """
    comps = np.asarray(components, dtype=np.float64)
    mass = np.square(comps) if method == "svd" else np.clip(comps, 0.0, None)
    return normalise_rows(mass)


def js_distances(P: np.ndarray, tolerance: float = 0.0) -> np.ndarray:
    """The Jensen–Shannon distance between rows: sqrt of the JS divergence in bits, in [0, 1].

    Symmetric with an exact zero diagonal; a metric, so classical MDS lays it out well.
    ``tolerance`` > 0 first drops the columns of smallest max-over-rows mass whose maxima sum
    to at most it, which bounds the divergence's error by ``tolerance``.
    """
    P = np.asarray(P, dtype=np.float64)
    k = P.shape[0]
    if tolerance > 0 and P.shape[1]:
        peak = P.max(axis=0)
        order = np.argsort(peak, kind="stable")
        dropped = np.searchsorted(np.cumsum(peak[order]), tolerance, side="right")
        P = P[:, np.sort(order[dropped:])]
    D = np.zeros((k, k))
    # with m = (p + q)/2: JSD = ½ Σ p log p + ½ Σ q log q − Σ m log m (0 log 0 = 0),
    # and Σ m log m = ½ Σ s log s − ½ (Σ s) log 2 for s = p + q; all in nats, then bits
    self_terms = xlogx_rows(P)
    for i in range(k - 1):
        S = P[i] + P[i + 1 :]
        s_log_s = xlogx_rows(S)
        m_log_m = 0.5 * s_log_s - 0.5 * S.sum(axis=1) * math.log(2)
        jsd = (0.5 * (self_terms[i] + self_terms[i + 1 :]) - m_log_m) / math.log(2)
        D[i, i + 1 :] = np.sqrt(np.clip(jsd, 0.0, 1.0))
        D[i + 1 :, i] = D[i, i + 1 :]
    return D


def document_distances(weights: np.ndarray) -> np.ndarray:
    """1 − the cosine between the topics' columns of the documents' weights (documents × k):
    0 for two topics that weigh the same documents in the same proportions, 1 for two that
    share no document. A column that is all zero is at distance 1 from every other."""
    W = np.asarray(weights, dtype=np.float64)
    norms = np.linalg.norm(W, axis=0)
    unit = W / np.where(norms > 0, norms, 1.0)
    D = np.clip(1.0 - unit.T @ unit, 0.0, 1.0)
    np.fill_diagonal(D, 0.0)
    return (D + D.T) / 2.0


def xlogx_rows(A: np.ndarray) -> np.ndarray:
    """Σ_j a_ij log a_ij per row, 0 log 0 = 0 (a zero entry times a finite log is exactly 0)."""
    return np.einsum("ij,ij->i", A, np.log(np.maximum(A, 1e-300)))


def relevance(log_p: np.ndarray, log_pw: np.ndarray, lam: float) -> np.ndarray:
    """λ·log p(w|t) + (1−λ)·(log p(w|t) − log p(w)) (Sievert & Shirley 2014), the exact
    arithmetic the explorer's page uses."""
    return lam * log_p + (1.0 - lam) * (log_p - log_pw)
