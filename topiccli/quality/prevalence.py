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
APPROX_FLOOR = 1e-200
"""(WH)_dj at or below this splits nothing (its ratio would overflow; its parts are ~0)."""
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
        # einsum, not BLAS: the same sums in the same order on any thread count
        means[start:stop] = np.einsum("bn,nk->bk", counts.astype(np.float64), chosen) / n
    means.sort(axis=0)
    tail = (1.0 - LEVEL) / 2
    return _quantile(means, tail), _quantile(means, 1.0 - tail)


def _quantile(ordered: np.ndarray, q: float) -> np.ndarray:
    """Each column's ``q`` quantile of row-sorted values, linearly interpolated (numpy's
    default method), without numpy.percentile's per-call overhead."""
    position = q * (len(ordered) - 1)
    below = int(np.floor(position))
    above = min(below + 1, len(ordered) - 1)
    fraction = position - below
    return ordered[below] + fraction * (ordered[above] - ordered[below])


def responsibilities(X, W: np.ndarray, H: np.ndarray):
    """X ⊘ WH at X's nonzeros (a CSR matrix of X's pattern; 0 where WH is 0)."""
    import scipy.sparse as sp

    X = sp.csr_matrix(X)
    rows = np.repeat(np.arange(X.shape[0]), np.diff(X.indptr))
    W = np.asarray(W, dtype=np.float64)
    approx = np.zeros(X.nnz)
    for t in range(H.shape[0]):  # WH at the nonzeros, a topic at a time (memory: 2 × nnz)
        approx += W[rows, t] * H[t, X.indices]
    # a cell the model gives (next to) nothing gives no topic any of its weight
    ratio = np.divide(X.data, approx, out=np.zeros_like(approx), where=approx > APPROX_FLOOR)
    return sp.csr_matrix((ratio, X.indices, X.indptr), shape=X.shape)


def attributed(Q, W: np.ndarray, H: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """R_S (topics × terms) for the documents ``rows``, from :func:`responsibilities` Q."""
    if len(rows) == 0:
        return np.zeros_like(H)
    part = Q[rows]
    return H * np.asarray((part.T @ W[rows]).T)


def subset_words(Q, W: np.ndarray, H: np.ndarray, rows: np.ndarray, terms,
                 n: int = TOP_WORDS) -> list[list[str]]:  # fmt: skip
    """Per topic, its ``n`` words of largest :func:`attributed` weight in the documents
    ``rows``: the same words as ``top_terms(attributed(Q, W, H, rows), terms)``, ranked only
    among the terms those documents hold (every other term's weight there is 0), so a small
    subset costs its own vocabulary, not the whole one."""
    if len(rows) == 0:
        return [[] for _ in range(H.shape[0])]
    part = Q[rows]
    held = np.unique(part.indices)  # sorted: ties still go to the lower column
    scores = H[:, held] * np.asarray((part[:, held].T @ W[rows]).T)
    return [[str(terms[held[j]]) for j in order if row[j] > 0]
            for row, order in zip(scores, top_indices(scores, n))]  # fmt: skip


def top_terms(scores: np.ndarray, terms, n: int = TOP_WORDS) -> list[list[str]]:
    """Each row's ``n`` terms of largest positive score, largest first (ties: lower column)."""
    return [[str(terms[j]) for j in order if row[j] > 0]
            for row, order in zip(scores, top_indices(scores, n))]  # fmt: skip


def top_indices(scores: np.ndarray, n: int) -> list[np.ndarray]:
    """Per row of ``scores``, the columns of its ``n`` largest values, largest first (ties:
    the lower column); one partition of the whole matrix finds each row's cut."""
    scores = np.atleast_2d(scores)
    width = scores.shape[1]
    if width <= n:
        cuts = np.full(len(scores), -np.inf)
    else:
        cuts = np.partition(scores, width - n, axis=1)[:, width - n]
    out = []
    for row, cut in zip(scores, cuts):
        chosen = np.flatnonzero(row >= cut)
        out.append(chosen[np.lexsort((chosen, -row[chosen]))][:n])
    return out


def as_list(values: np.ndarray, digits: int = 6) -> list:
    """Floats rounded for the JSON (NaN → None)."""
    return [None if np.isnan(v) else round(float(v), digits) for v in values]
