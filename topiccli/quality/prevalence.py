"""Topic prevalence over a subset of documents, its bootstrap interval, and the term weight a
topic takes in a subset: the pieces the time and group analyses share (quality.trends,
quality.groups).

**Prevalence** of topic t in a set of documents S: the mean over S of each document's
normalized weight θ_dt, the topic's share of the document's reconstructed term weight:
θ_dt = W_dt ‖H_t‖₁ / Σ_t' W_dt' ‖H_t'‖₁ (a document with no known term has θ = 0). Scaling by
‖H_t‖₁ makes θ independent of how the fit scales W against H (a raw W row's shares are not).
It is a share: the prevalences of a set sum to 1 (less its documents without any weight).

**Interval**: a seeded percentile bootstrap. The documents of S are resampled with replacement
``RESAMPLES`` times (uniform draws, ``numpy.random.default_rng([seed, tag, subset])``), the
prevalence recomputed each time, and the 2.5th and 97.5th percentiles kept: the same seed gives
the same interval on any machine and thread count.

**Topic-attributed term weight** R_S(t, j): how much of term j's weight in the documents of S
the fit gives to topic t. NMF approximates X_dj by Σ_t W_dt H_tj, so each document's term
weight X_dj is split between the topics in proportion to their parts W_dt H_tj of it (the
split the KL multiplicative update makes):

    R_S(t, j) = Σ_{d∈S} X_dj · W_dt H_tj / (WH)_dj  =  H_tj · (W_Sᵀ (X_S ⊘ (WH)_S))_tj

H is the fit's fixed topic-term matrix: a topic's words within S come from the same topic,
weighted by what S's documents say (BERTopic's per-bin representation, for NMF). Summed over
topics, R_S gives back S's term totals (where WH > 0).
"""

from __future__ import annotations

import numpy as np

RESAMPLES = 200
"""Bootstrap resamples per interval: the percentiles of a 200-draw bootstrap move by about a
tenth of the interval's width between seeds, well below the changes worth reading."""
BOOTSTRAP_CELLS = 1 << 22
"""Document draws held at once by :func:`bootstrap_interval` (32 MiB of int64)."""
LEVEL = 0.95
"""The interval's coverage (percentiles 2.5 and 97.5)."""
TOP_WORDS = 10
"""Words kept per topic and bin (or group)."""


def shares(W: np.ndarray, H: np.ndarray) -> np.ndarray:
    """θ (documents × topics): each document's topic shares of its reconstructed weight."""
    from .doc_weights import proportions

    return proportions(np.asarray(W, dtype=np.float64) * np.abs(H).sum(axis=1))


def prevalence(theta: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """The mean normalized weight of each topic over ``rows`` (NaN for no rows)."""
    if len(rows) == 0:
        return np.full(theta.shape[1], np.nan)
    return theta[rows].mean(axis=0)


def bootstrap_interval(theta: np.ndarray, rows: np.ndarray, seed: int, tag: int, subset: int,
                       resamples: int = RESAMPLES) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    """(low, high) per topic: the percentile bootstrap interval of :func:`prevalence` over
    ``rows`` (NaN for no rows; one row: the point itself). ``tag``/``subset`` name the
    analysis and the subset in the seed, so each interval has its own stream."""
    k = theta.shape[1]
    n = len(rows)
    if n == 0:
        return np.full(k, np.nan), np.full(k, np.nan)
    rng = np.random.default_rng([seed, tag, subset])
    chosen = theta[rows]
    means = np.empty((resamples, k))
    step = max(1, BOOTSTRAP_CELLS // n)  # resamples drawn at once: memory stays bounded
    for start in range(0, resamples, step):
        stop = min(start + step, resamples)
        draws = rng.integers(0, n, size=(stop - start, n))
        flat = (draws + n * np.arange(stop - start)[:, None]).ravel()
        counts = np.bincount(flat, minlength=(stop - start) * n).reshape(stop - start, n)
        means[start:stop] = counts @ chosen / n
    tail = (1.0 - LEVEL) / 2 * 100
    low, high = np.percentile(means, [tail, 100 - tail], axis=0)
    return low, high


def responsibilities(X, W: np.ndarray, H: np.ndarray):
    """X ⊘ WH at X's nonzeros (a CSR matrix of X's pattern; 0 where WH is 0)."""
    import scipy.sparse as sp

    X = sp.csr_matrix(X)
    rows = np.repeat(np.arange(X.shape[0]), np.diff(X.indptr))
    approx = np.empty(X.nnz)
    step = 1 << 18
    for start in range(0, X.nnz, step):  # WH at the nonzeros, a slice at a time
        stop = min(start + step, X.nnz)
        approx[start:stop] = np.einsum("ij,ji->i", W[rows[start:stop]],
                                       H[:, X.indices[start:stop]])  # fmt: skip
    ratio = np.divide(X.data, approx, out=np.zeros_like(approx), where=approx > 0)
    return sp.csr_matrix((ratio, X.indices, X.indptr), shape=X.shape)


def attributed(Q, W: np.ndarray, H: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """R_S (topics × terms) for the documents ``rows``, from :func:`responsibilities` Q."""
    if len(rows) == 0:
        return np.zeros_like(H)
    part = Q[rows]
    return H * np.asarray((part.T @ W[rows]).T)


def top_terms(scores: np.ndarray, terms, n: int = TOP_WORDS) -> list[list[str]]:
    """Each row's ``n`` terms of largest positive score, largest first (ties: lower column)."""
    return [[str(terms[j]) for j in top_indices(row, n) if row[j] > 0] for row in scores]


def top_indices(row: np.ndarray, n: int) -> np.ndarray:
    """The columns of the ``n`` largest values, largest first (ties: the lower column)."""
    chosen = np.arange(len(row))
    if len(row) > n:
        cut = np.partition(row, len(row) - n)[len(row) - n]
        chosen = np.flatnonzero(row >= cut)
    return chosen[np.lexsort((chosen, -row[chosen]))][:n]


def as_list(values: np.ndarray, digits: int = 6) -> list:
    """Floats rounded for the JSON (NaN → None)."""
    return [None if np.isnan(v) else round(float(v), digits) for v in values]
