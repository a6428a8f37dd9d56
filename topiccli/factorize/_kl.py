"""NMF under the generalized Kullback–Leibler divergence (PLSA's objective), for sparse X.

    D(X‖WH) = Σ_ij X_ij·log(X_ij / (WH)_ij) − X_ij + (WH)_ij

Only X's nonzeros need (WH)_ij: the first two terms vanish where X_ij = 0, and the last sums in
closed form, Σ(WH) = (Σ_i W_i·)·(Σ_j H_·j). So WH is never formed: (WH) is computed at X's
nonzeros by row blocks (each W row repeated against the gathered columns of H), and memory stays
O(nnz + (m+n)·k). Dense input is reduced to its nonzero pattern first, so sparse and dense
inputs follow exactly the same arithmetic.

Two solvers, both alternating a W half-step and an H half-step (W first, as scikit-learn):

* ``"mu"`` — Lee & Seung's multiplicative updates, W ← W ∘ ((X/WH)·Hᵀ) / (1·Hᵀ). Each step
  minimises a majorizer of D, so D never rises.
* ``"amu"`` (default) — the same updates over-relaxed adaptively (Salakhutdinov & Roweis,
  "Adaptive overrelaxed bound optimization methods", ICML 2003): W ← W ∘ ratio^η. η grows by
  ``_GROWTH`` after every half-step that lowers D and falls back to the plain step (η = 1) the
  moment one would raise it, so D never rises here either. The (WH) values the check needs are
  the ones the next half-step needs anyway, so a successful step costs only a log pass more.

Guards: (WH) is floored at float32's ε where it is used (as scikit-learn does), and a factor
whose column sums to zero gets an ε denominator, so empty rows and columns of X simply drive
their factor rows to zero. Multiplicative updates cannot move an exact zero, which is why the
driver's default start is NNDSVDa (NNDSVD's zeros filled with the mean of X).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

KL_SOLVERS = ("amu", "mu")

_FLOOR = float(np.finfo(np.float32).eps)  # scikit-learn's EPSILON for (WH) at X's nonzeros
_BLOCK_NNZ = 1 << 15  # nonzeros per block when computing (WH) at X's nonzeros
_GROWTH = 1.25  # η ← η·_GROWTH after a successful over-relaxed half-step
_ETA_MAX = 4.0


@dataclass(frozen=True)
class KLFit:
    """Factors of X ≈ W @ H under the KL divergence, with the run's diagnostics."""

    W: np.ndarray
    H: np.ndarray
    n_iter: int
    converged: bool
    divergence: float
    """D(X‖WH), the generalized KL divergence of the final factors."""


class SparsePattern:
    """X's nonzeros in CSR order, with the row blocks used to compute (WH) there."""

    def __init__(self, X) -> None:
        X = sp.csr_matrix(X)
        X.sum_duplicates()
        X.eliminate_zeros()
        self.shape = X.shape
        self.X = X
        self.x = X.data
        self.indptr = X.indptr
        self.cols = X.indices
        self.counts = np.diff(X.indptr)
        self.sum_x = float(self.x.sum(dtype=np.float64))
        self.xlogx = float(np.dot(self.x, np.log(self.x)))
        self.blocks = _row_blocks(X.indptr, _BLOCK_NNZ)

    def wh(self, W: np.ndarray, Ht: np.ndarray, out: np.ndarray) -> np.ndarray:
        """(WH) at X's nonzeros, into ``out`` (row-wise dot products, block by block)."""
        ip = self.indptr
        for a, b in self.blocks:
            s, e = ip[a], ip[b]
            if s == e:
                continue
            left = np.repeat(W[a:b], self.counts[a:b], axis=0)
            np.einsum("ij,ij->i", left, Ht.take(self.cols[s:e], axis=0), out=out[s:e])
        return out

    def divergence(self, W: np.ndarray, Ht: np.ndarray, wh: np.ndarray) -> float:
        """D(X‖WH) from (WH) at the nonzeros and the closed-form Σ(WH)."""
        cross = float(np.dot(self.x, np.log(np.maximum(wh, _FLOOR))))
        total = float(np.dot(W.sum(axis=0, dtype=np.float64), Ht.sum(axis=0, dtype=np.float64)))
        return max(self.xlogx - cross - self.sum_x + total, 0.0)

    def ratio(self, wh: np.ndarray):
        """The sparse matrix X / (WH), sharing X's structure."""
        q = self.x / np.maximum(wh, _FLOOR)
        return sp.csr_matrix((q, self.cols, self.indptr), shape=self.shape)


def _row_blocks(indptr: np.ndarray, nnz: int) -> list[tuple[int, int]]:
    """Consecutive row ranges holding about ``nnz`` nonzeros each (fixed by X alone)."""
    m = len(indptr) - 1
    cuts = np.searchsorted(indptr, np.arange(nnz, indptr[-1], nnz), side="right") - 1
    edges = np.unique(np.concatenate(([0], cuts, [m])))
    return [(int(a), int(b)) for a, b in zip(edges[:-1], edges[1:]) if b > a]


def kl_divergence(X, W: np.ndarray, H: np.ndarray) -> float:
    """D(X‖WH) for X sparse or dense, without forming WH."""
    pattern = SparsePattern(X)
    Ht = np.ascontiguousarray(H.T)
    wh = pattern.wh(W, Ht, np.empty(pattern.x.shape, dtype=np.float64))
    return pattern.divergence(W, Ht, wh)


class _KLState:
    """Factors (W and Hᵀ, row-major), (WH) at X's nonzeros and the current divergence."""

    def __init__(self, pattern: SparsePattern, W: np.ndarray, H: np.ndarray) -> None:
        self.p = pattern
        self.W = np.array(W, dtype=np.float64, order="C")
        self.Ht = np.array(H.T, dtype=np.float64, order="C")
        self.wh = pattern.wh(self.W, self.Ht, np.empty(pattern.x.shape, dtype=np.float64))
        self.div = pattern.divergence(self.W, self.Ht, self.wh)
        self.eta = [1.0, 1.0]  # over-relaxation exponent of the W and the H half-step

    def _ratio(self, side: int) -> np.ndarray:
        """The multiplicative factor of the plain Lee–Seung step for W (0) or Hᵀ (1)."""
        Q = self.p.ratio(self.wh)
        if side == 0:
            num, other = Q @ self.Ht, self.Ht
        else:
            num, other = Q.T @ self.W, self.W
        den = other.sum(axis=0)
        den[den <= 0] = _FLOOR
        return num / den

    def half_step(self, side: int, relax: bool) -> None:
        """Update W (side 0) or Hᵀ (side 1); D never rises."""
        F = self.W if side == 0 else self.Ht
        ratio = self._ratio(side)
        eta = self.eta[side] if relax else 1.0
        if eta == 1.0:
            F *= ratio
            self._refresh()
            self.eta[side] = _GROWTH if relax else 1.0
            return
        old = F.copy()
        F *= ratio**eta
        before = self.div
        self._refresh()
        if self.div <= before:
            self.eta[side] = min(eta * _GROWTH, _ETA_MAX)
            return
        np.multiply(old, ratio, out=F)  # the over-relaxed step overshot: take the plain one
        self._refresh()
        self.eta[side] = 1.0

    def _refresh(self) -> None:
        self.p.wh(self.W, self.Ht, self.wh)
        self.div = self.p.divergence(self.W, self.Ht, self.wh)


def fit_kl(
    X,
    W: np.ndarray,
    H: np.ndarray,
    *,
    solver: str = "amu",
    max_iter: int = 200,
    tol: float = 1e-4,
    callback=None,
) -> KLFit:
    """Minimise D(X‖WH) from the start (W, H); inputs are trusted (validated by the driver).

    Stops when one iteration lowers D by less than ``tol`` of its value ((D_prev − D) < tol·D_prev),
    or after ``max_iter`` iterations; ``converged`` says which. ``callback(n_iter, divergence)``,
    if given, is called after every iteration (progress reporting). Factors come back in X's
    float dtype.
    """
    dtype = X.dtype if X.dtype in (np.float32, np.float64) else np.float64
    state = _KLState(SparsePattern(X), W, H)
    relax = solver == "amu"
    previous = state.div
    converged = False
    n_iter = 0
    for n_iter in range(1, max_iter + 1):
        state.half_step(0, relax)
        state.half_step(1, relax)
        if callback is not None:
            callback(n_iter, state.div)
        if state.div == 0.0 or previous - state.div < tol * previous:
            converged = True
            break
        previous = state.div
    return KLFit(
        W=state.W.astype(dtype, copy=False),
        H=np.ascontiguousarray(state.Ht.T).astype(dtype, copy=False),
        n_iter=n_iter,
        converged=converged,
        divergence=state.div,
    )


def reconstruction_error(divergence: float) -> float:
    """scikit-learn's ``reconstruction_err_`` for ``beta_loss="kullback-leibler"``: √(2·D)."""
    return math.sqrt(2.0 * max(divergence, 0.0))
