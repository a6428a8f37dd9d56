"""Seeded NMF: some topics start from, and are held near, given columns (seed words).

A :class:`Seeding` names, for each of the first s topics, the columns of X that topic is about
(its seed words, as column indices: the core never sees words). :func:`seeded_nmf` then

* **starts** there: the seeded topics' rows of H are their seed columns (a small floor
  elsewhere, so multiplicative updates can still move every entry), each with the W column
  that best reconstructs X from that row alone; the other k − s topics start from the core's
  named start (NNDSVD or random) of rank k, less the s components whose documents are most
  like some seeded topic's, so they start elsewhere and stay free;
* **holds** them there with *guide documents*: for each seeded topic, ``ceil(strength·m/k)``
  pseudo-documents holding only its seed words, each as heavy as X's median document (row
  l2 norm under Frobenius, row sum under KL), are appended to X. Explaining them costs the
  fit unless some topic keeps the seed words together, and the start makes that topic the
  seeded one. Under multiplicative updates (KL, ``mu``) a guide document's weights start at
  exactly zero outside its topic and so stay there: each guide is pinned to its topic.
  Under HALS they start there and are free to move (they have not, in our measurements).

The guide documents are a penalty the solvers already minimise (they are data), so every
solver, both losses and the Dask engine's NMF (given as ``nmf``) run unchanged. They are
dropped from the result's W; the result's ``divergence`` and ``reconstruction_error`` are
recomputed on X alone. ``strength=0`` gives the seeded start alone (no guide documents);
None, the loss's default (DEFAULT_STRENGTH).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
import scipy.sparse as sp

from ..errors import InvalidParameterError

DEFAULT_STRENGTH = {"frobenius": 0.25, "kl": 0.1}
"""Guide documents per seeded topic, as a share of an average topic's documents (m/k), per
loss (docs/seeds-and-phrases.md): under KL, 0.25 let a free topic split a planted topic with
the seeded one (a narrow seeded topic); under Frobenius, 0.1 let the seeds drift out."""

_FLOOR = 1e-3
"""A seeded row's entries outside its seed columns, relative to its seed entries."""


@dataclass(frozen=True)
class Seeding:
    """Seed columns for topics 0..s−1 (one integer array each) and how hard to hold them."""

    columns: tuple
    strength: float | None = None
    """None: the loss's DEFAULT_STRENGTH."""


def check_seeding(seeding: Seeding, k: int, n: int, loss: str = "frobenius") -> Seeding:
    """Seeding with its columns as sorted int64 arrays, checked against k topics and n columns,
    its strength resolved for ``loss``."""
    if not isinstance(seeding, Seeding):
        raise InvalidParameterError(f"seeding must be a Seeding, got {type(seeding).__name__}")
    columns = tuple(np.unique(np.asarray(c, dtype=np.int64)) for c in seeding.columns)
    if not columns or len(columns) > k:
        raise InvalidParameterError(f"seeding must name 1 to k={k} topics, got {len(columns)}")
    for c in columns:
        if c.size == 0 or c[0] < 0 or c[-1] >= n:
            raise InvalidParameterError(f"each seeded topic needs columns in [0, {n})")
    strength = float(DEFAULT_STRENGTH[loss] if seeding.strength is None else seeding.strength)
    if not math.isfinite(strength) or strength < 0:
        raise InvalidParameterError(f"seeding strength must be >= 0, got {seeding.strength!r}")
    return Seeding(columns, strength)


def seeded_start(X, k: int, seeding: Seeding, init: str, solver: str, seed: int):
    """(W, H) for X: seeded rows first (see the module docstring), then the named start of
    rank k − s."""
    from ._nmf import start

    X = sp.csr_matrix(X)
    m, n = X.shape
    s = len(seeding.columns)
    H = np.zeros((k, n), dtype=X.dtype)
    W = np.zeros((m, k), dtype=X.dtype)
    for t, cols in enumerate(seeding.columns):
        row = np.full(n, _FLOOR, dtype=X.dtype)
        row[cols] = 1.0
        w = np.asarray(X @ row).ravel() / float(row @ row)
        W[:, t] = np.maximum(w, _FLOOR * (w.mean() or 1.0))
        H[t] = row
    if k > s:
        W_free, Ht_free = start(X, k, init, solver, seed)
        keep = _unlike(W_free, W[:, :s], k - s)
        W[:, s:], H[s:] = W_free[:, keep], Ht_free.T[keep]
    return W, H


def _unlike(W_free, W_seeded, n: int) -> np.ndarray:
    """The ``n`` components of a rank-k start to keep for the free topics (in their order):
    for each seeded topic in turn, the component whose documents (its W column) are most
    like the seeded topic's start (cosine) is dropped, so no free topic starts on the
    documents a seeded one starts on."""

    def unit(F):
        return F / (np.linalg.norm(F, axis=0) + np.finfo(np.float64).tiny)

    like = unit(W_free).T @ unit(W_seeded)  # free components × seeded topics
    left = list(range(W_free.shape[1]))
    for t in range(W_seeded.shape[1]):
        if len(left) <= n:
            break
        left.pop(int(np.argmax(like[left, t])))
    return np.asarray(left[:n], dtype=np.int64)


def guide_documents(X, k: int, seeding: Seeding, loss: str) -> sp.csr_matrix:
    """The guide documents (rows over X's columns), seeded topic by seeded topic."""
    X = sp.csr_matrix(X)
    m = X.shape[0]
    copies = math.ceil(seeding.strength * m / k) if seeding.strength > 0 else 0
    rows, cols, values = [], [], []
    if loss == "kl":
        mass = float(np.median(np.asarray(X.sum(axis=1)).ravel()))
    else:
        mass = float(np.median(np.sqrt(np.asarray(X.multiply(X).sum(axis=1)).ravel())))
    mass = mass or 1.0
    for t, c in enumerate(seeding.columns):
        value = mass / c.size if loss == "kl" else mass / math.sqrt(c.size)
        for r in range(copies):
            rows.extend([t * copies + r] * c.size)
            cols.extend(c.tolist())
            values.extend([value] * c.size)
    shape = (copies * len(seeding.columns), X.shape[1])
    guides = sp.csr_matrix((np.asarray(values, dtype=X.dtype), (rows, cols)), shape=shape)
    guides.sort_indices()
    return guides


def seeded_nmf(X, k: int, seeding: Seeding, *, nmf=None, init=None, solver=None,
               loss: str = "frobenius", seed: int = 0, **options):  # fmt: skip
    """NMF of X with topics 0..s−1 seeded by ``seeding`` (module docstring); the options and
    result of :func:`topiccli.nmf`, which ``nmf`` replaces if given (the Dask engine's).
    Deterministic: the same X, seeding and seed give the same factors.

    >>> import numpy as np
    >>> X = np.kron(np.eye(3), np.ones((10, 4))) + 0.01
    >>> r = seeded_nmf(X, 3, Seeding(([9, 10],)), max_iter=300)
    >>> sorted(np.argsort(-r.H[0])[:4].tolist())
    [8, 9, 10, 11]
    """
    from ._nmf import nmf as core_nmf
    from ._validation import check_matrix
    from .options import check_nmf_options

    X = sp.csr_matrix(check_matrix(X, nonnegative=True))
    solver, init = check_nmf_options(loss, solver, init)
    seeding = check_seeding(seeding, k, X.shape[1], loss)
    W0, H0 = seeded_start(X, k, seeding, init, solver, seed)
    guides = guide_documents(X, k, seeding, loss)
    W_guides = np.zeros((guides.shape[0], k), dtype=W0.dtype)
    if guides.shape[0]:
        per = guides.shape[0] // len(seeding.columns)
        for t in range(len(seeding.columns)):
            W_guides[t * per:(t + 1) * per, t] = guides[t * per].max()  # fmt: skip
    X_all = sp.vstack([X, guides], format="csr") if guides.shape[0] else X
    start = (np.vstack([W0, W_guides]), H0)
    fit = (nmf or core_nmf)(X_all, k, loss=loss, solver=solver, init=start, seed=seed, **options)
    W = np.ascontiguousarray(fit.W[: X.shape[0]])
    return replace(fit, W=W, init=f"seeded+{init}", **_divergence(X, W, fit.H, loss))


def _divergence(X, W, H, loss: str) -> dict:
    """The result's loss fields for X alone (without the guide documents)."""
    if loss == "kl":
        from ._kl import kl_divergence

        d = kl_divergence(X, W, H)
        return {"divergence": d, "reconstruction_error": math.sqrt(2.0 * d)}
    cross = float(np.vdot(np.asarray(X @ H.T), W))
    norm_sq = float(X.multiply(X).sum())
    error_sq = max(norm_sq - 2.0 * cross + float(np.vdot(W.T @ W, H @ H.T)), 0.0)
    return {"divergence": 0.5 * error_sq, "reconstruction_error": math.sqrt(error_sq)}
