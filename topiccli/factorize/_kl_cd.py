"""KL NMF by cyclic coordinate descent: the ``"ccd"`` solver (issue 26).

Hsieh & Dhillon, "Fast coordinate descent methods with variable selection for non-negative
matrix factorization" (KDD 2011), §4: D(X‖WH) restricted to one entry W_it is a convex
function of one variable,

    f(d) = d·Σ_j H_tj − Σ_j X_ij·log((WH)_ij + d·H_tj),

so one Newton step, d = −f′(0)/f″(0) with f′(0) = Σ_j H_tj − Σ_j X_ij·H_tj/(WH)_ij and
f″(0) = Σ_j X_ij·H_tj²/(WH)_ij², both sums over row i's nonzeros only, moves it. The entries of
one column of W do not interact (each row of X is its own problem), so a whole column moves at
once, vectorized over X's nonzeros; then (WH) at the nonzeros is corrected by d_i·H_tj and the
next topic follows. H is updated the same way, column by column of Hᵀ, over X's nonzeros in
column order. Every entry sees (WH) as left by the previous topic's step: this is what makes
a coordinate sweep converge in far fewer iterations than multiplicative updates, whose steps
all see the same (WH) (measured in docs/settled.md).

Safeguards, so the objective never rises:

* a step that would lower an entry by more than ``_SHRINK`` of its value is cut there, so
  (WH) stays positive wherever X is (a Newton step leftwards overshoots, since f″ grows);
* in the first sweep, from the start, each row's step is checked against the exact change of
  its one-variable objective (f(d) − f(0) = d·Σ_j H_tj − Σ_j X_ij·log1p(d·H_tj/(WH)_ij)); a
  step that would raise it is halved, up to ``_BACKTRACK`` times, then dropped;
* later sweeps take the Newton steps unchecked, the check being about 40% of a checked
  sweep's time, and the iteration's objective is computed once from (WH) as they left it. A
  sweep from the accepted pair that raised it is undone and redone checked (:func:`_step`;
  in eight default fits, 735 iterations on 20 Newsgroups and four other corpora, it never
  happened).

Checking only the first sweep moves a fit to another local minimum than checking every sweep
did, no worse on average: measured on six corpora, the converged objective differed by
−2.8e-4 to +9.5e-5 (relative), and the time to within 1e-4 of it fell from 44.6 to 25.7 s in
all (docs/settled.md, "The KL solver").

Rows (W's side) and columns (H's side) are cut into fixed blocks of about ``_BLOCK_NNZ``
nonzeros; a block's entries depend on nothing outside it within a half-sweep, so blocks run on
the pool in any order and on any number of threads with bit-identical results.

Each iteration starts from an extrapolated pair and is kept only if it lowers the objective
(Ang & Gillis 2019; :func:`fit_kl_cd`); (WH) is recomputed exactly (the amu solver's refresh)
at that start. On 20 Newsgroups the extrapolation cut the iterations to convergence about
fourfold (597 → 147 at k = 10).
"""

from __future__ import annotations

import math

import numpy as np

from ._kl import _FLOOR, KLFit, Penalty, SparsePattern, _runs_of, _Serial
from .threads import resolve_threads

_SHRINK = 0.99  # a step may lower an entry to 1% of its value at most (WH stays positive)
_BACKTRACK = 3  # halvings of a step that raises its row's objective before it is dropped
_BLOCK_NNZ = 1 << 16  # nonzeros per block of rows (W) or columns (H)


class _Side:
    """X's nonzeros ordered by one factor's index (rows for W, columns for H), in blocks.

    ``x`` and ``other`` (each nonzero's index into the other factor) are in CSR order; ``order``
    maps this order's positions to CSR positions (None for the CSR order itself), and a block
    gathers its nonzeros through it, so the H side costs 4 bytes a nonzero (``order``, 32-bit
    where it fits) rather than a copy of X in column order. ``blocks`` are (first, stop)
    index ranges with, per block, each segment's number of nonzeros (for ``np.repeat``), and
    the non-empty segments with their local starts (for ``np.add.reduceat``).
    """

    def __init__(self, x, ptr, other, order, threads: int) -> None:
        self.x, self.ptr, self.other, self.order = x, ptr, other, order
        size = len(ptr) - 1
        counts = np.diff(ptr)
        cuts = np.searchsorted(ptr, np.arange(_BLOCK_NNZ, ptr[-1], _BLOCK_NNZ), side="right") - 1
        edges = np.unique(np.concatenate(([0], cuts, [size])))
        self.blocks = []
        for a, b in zip(edges[:-1].tolist(), edges[1:].tolist()):
            if b <= a:
                continue
            filled = np.flatnonzero(counts[a:b])
            self.blocks.append((a, b, counts[a:b], filled, (ptr[a:b] - ptr[a])[filled]))
        self.runs = _runs_of(len(self.blocks), 2 * threads)


def _sides(pattern: SparsePattern, threads: int) -> tuple[_Side, _Side]:
    """The W side (CSR order) and the H side (CSC order, a stable sort of the columns)."""
    rows_side = _Side(pattern.x, pattern.indptr, pattern.cols, None, threads)
    order = np.argsort(pattern.cols, kind="stable")
    order = order.astype(np.int32) if len(order) < 2**31 else order  # 4 bytes a nonzero less
    colptr = np.zeros(pattern.shape[1] + 1, dtype=np.int64)
    np.cumsum(np.bincount(pattern.cols, minlength=pattern.shape[1]), out=colptr[1:])
    return rows_side, _Side(pattern.x, colptr, pattern.rows, order, threads)


def _reduce(values: np.ndarray, size: int, filled, starts) -> np.ndarray:
    """Per-segment sums of ``values`` (zero for an empty segment), added in position order."""
    out = np.zeros(size)
    if len(starts):
        out[filled] = np.add.reduceat(values, starts)
    return out


def _block_sweep(side: _Side, block, F, G, gsum, v, l1: float, l2: float,
                 checked: bool) -> float:  # fmt: skip
    """One Newton step on every entry of F's block columns, topic by topic; v = (WH) at X's
    nonzeros (CSR order) is kept current at the block's. With ``checked``, each row's step
    is checked against its exact change (module doc) and the changes' sum is returned;
    otherwise the steps are taken as they are and 0.0 is returned."""
    a, b, counts, filled, starts = block
    s, e = side.ptr[a], side.ptr[b]
    # the block's nonzeros: views in CSR order (W's side), or gathered here by ``order`` (H's
    # side: no copy of X or of (WH) in column order is kept; v is written back below)
    at = slice(s, e) if side.order is None else side.order[s:e]
    x, other, vb = side.x[at], side.other[at], v[at]
    size = b - a
    gc, vf, ratio, q, dv = (np.empty(e - s) for _ in range(5))  # reused by every topic
    total = 0.0
    for t in range(F.shape[0]):
        f = F[t, a:b]
        # mode="clip": no bounds check, and no buffered copy of the int32 indices
        np.take(G[t], other, out=gc, mode="clip")
        np.maximum(vb, _FLOOR, out=vf)
        np.divide(gc, vf, out=ratio)  # H_tj/(WH)_ij at the nonzeros
        np.multiply(x, ratio, out=q)
        lin = gsum[t] + l1  # f'(0) without the data term, per entry (+ l2·f)
        grad = lin + l2 * f - _reduce(q, size, filled, starts)
        q *= ratio
        hess = _reduce(q, size, filled, starts) + l2
        d = -f.copy()  # no curvature: the objective is linear in the entry, its minimum is 0
        curved = hess > 0
        with np.errstate(over="ignore"):  # a vanishing curvature: the check below drops it
            d[curved] = np.maximum(-grad[curved] / hess[curved], -_SHRINK * f[curved])
        np.multiply(np.repeat(d, counts), gc, out=dv)
        if checked:
            total += _check(d, dv, x, vf, gc, lin + l2 * f, l2, counts, size, filled, starts)
        f += d
        vb += dv
    if side.order is not None:
        v[at] = vb
    return total


def _check(d, dv, x, vf, gc, slope, l2: float, counts, size: int, filled, starts) -> float:
    """Halve (up to ``_BACKTRACK`` times, then drop) each row's step that would raise the
    row's objective, in place (d, and dv = d·H at the nonzeros); returns the steps' exact
    change. ``vf`` is (WH) at the nonzeros, floored as the step saw it."""
    for attempt in range(_BACKTRACK + 1):
        q = dv / vf
        np.log1p(q, out=q)
        q *= x
        change = d * (slope + 0.5 * l2 * d) - _reduce(q, size, filled, starts)
        bad = ~(change <= 0.0)
        if not bad.any():
            break
        d[bad] *= 0.5 if attempt < _BACKTRACK else 0.0
        np.multiply(np.repeat(d, counts), gc, out=dv)
    return float(change[~bad].sum())


def _half_sweep(side: _Side, F, G, v_csr, l1: float, l2: float, pool, checked: bool) -> float:
    """Every column of F (k × size) by one Newton step, against G fixed (k × other size);
    with ``checked``, returns the objective's change (the blocks' changes added in block
    order), otherwise 0.0. ``v_csr`` is (WH) at X's nonzeros in CSR order, kept current; a
    block of the H side reads and writes back its own nonzeros (the blocks are disjoint)."""
    gsum = G.sum(axis=1)

    def task(r: int) -> list[float]:
        return [_block_sweep(side, side.blocks[i], F, G, gsum, v_csr, l1, l2, checked)
                for i in range(*side.runs[r])]  # fmt: skip

    return math.fsum(c for part in pool.map(task, len(side.runs)) for c in part)


def _sweep(sides, Wt, Hk, v, penalty: Penalty, pool, checked: bool) -> float:
    """W's half-sweep then H's (v kept current); the objective's change when ``checked``."""
    change = _half_sweep(sides[0], Wt, Hk, v, penalty.l1_W, penalty.l2_W, pool, checked)
    return change + _half_sweep(sides[1], Hk, Wt, v, penalty.l1_H, penalty.l2_H, pool, checked)


def _exact(pattern: SparsePattern, Wt, Hk, v, penalty: Penalty, pool) -> float:
    """(WH) at the nonzeros into v, recomputed exactly; returns the objective."""
    W, Ht = np.ascontiguousarray(Wt.T), np.ascontiguousarray(Hk.T)
    cross = pattern.refresh(W, Ht, v, pool)
    return pattern.divergence(W, Ht, cross) + penalty.value(W, Ht)


def _step(pattern: SparsePattern, sides, Wt, Hk, v, penalty: Penalty, pool, *, checked: bool,
          kept=None) -> float:  # fmt: skip
    """One iteration's sweeps, from (Wt, Hk) in place; returns the objective they reach.

    With ``checked`` every row's step is checked (its objective's exact change). Otherwise the
    Newton steps are taken as they are and the objective is computed from (WH) as the sweeps
    left it; with ``kept``, a pair equal to the start that must not get worse (the accepted
    pair, which the caller keeps), sweeps that raised it are undone from it and redone
    checked."""
    begin = _exact(pattern, Wt, Hk, v, penalty, pool)
    if checked:
        return begin + _sweep(sides, Wt, Hk, v, penalty, pool, checked=True)
    _sweep(sides, Wt, Hk, v, penalty, pool, checked=False)
    W, Ht = Wt.T, Hk.T
    current = pattern.divergence(W, Ht, pattern.cross(v, pool)) + penalty.value(W, Ht)
    if kept is not None and current > begin:
        np.copyto(Wt, kept[0])
        np.copyto(Hk, kept[1])
        return _step(pattern, sides, Wt, Hk, v, penalty, pool, checked=True)
    return current


def fit_kl_cd(X, W, H, *, max_iter: int, penalty: Penalty, pool=None, callback=None,
              stop, threads: int | None = None) -> KLFit:  # fmt: skip
    """Minimise D(X‖WH) (+ penalties) from (W, H) by extrapolated coordinate descent.

    Same contract as :func:`._kl.fit_kl`: ``stop`` is a stopping rule, ``callback(n_iter, D)``
    is called after every iteration (D of the accepted pair), W and H are not modified, and the
    result does not depend on ``pool`` or ``threads``.

    Each iteration sweeps W then H from an extrapolated pair, F + β·(F − F_before) for both
    factors (Ang & Gillis, "Accelerating nonnegative matrix factorization algorithms using
    extrapolation", Neural Computation 2019, with the HALS solver's schedule for β), floored
    at 1 − ``_SHRINK`` of F so (WH) stays positive. The sweeps' result is accepted when its
    objective is at most the last accepted one; otherwise it is dropped, β shrinks and the
    next iteration sweeps from the accepted pair itself (such a sweep is always accepted: its
    steps never raise the objective, or it is redone checked: :func:`_step`). So the accepted
    objective never rises. Each iteration recomputes (WH) at the nonzeros exactly at its start;
    the objective it reaches is the start's plus the checked steps' exact changes (the first
    sweep) or is computed from (WH) as the unchecked sweeps left it.
    """
    from ._frobenius import Extrapolation

    dtype = X.dtype if X.dtype in (np.float32, np.float64) else np.float64
    pattern = SparsePattern(X, threads)
    sides = _sides(pattern, resolve_threads(threads))
    pool = pool or _Serial
    Wt = np.array(np.asarray(W).T, dtype=np.float64, order="C")  # k × m: a topic's column
    Hk = np.array(H, dtype=np.float64, order="C")  # k × n
    v = np.empty(pattern.x.shape)

    ex = Extrapolation()
    acc, prev = (Wt.copy(), Hk.copy()), (Wt.copy(), Hk.copy())  # accepted pair, the one before
    best = _exact(pattern, Wt, Hk, v, penalty, pool)
    jump = False  # sweep from an extrapolated pair (not at first, nor after a rejection)
    tracker = stop.start()
    converged = False
    n_iter = 0
    for n_iter in range(1, max_iter + 1):
        if jump:
            beta = min(ex.cap, ex.grow * ex.beta)
            for F, A, P in ((Wt, acc[0], prev[0]), (Hk, acc[1], prev[1])):
                np.subtract(A, P, out=F)
                F *= beta
                F += A
                np.maximum(F, (1.0 - _SHRINK) * A, out=F)
        else:
            np.copyto(Wt, acc[0])
            np.copyto(Hk, acc[1])
        # the first sweep, from the start, where Newton steps overshoot most, is checked
        current = _step(pattern, sides, Wt, Hk, v, penalty, pool, checked=n_iter == 1,
                        kept=None if jump else acc)  # fmt: skip
        if jump and current > best:  # dropped: the next iteration sweeps from the accepted pair
            ex.rejected()
            jump = False
        else:
            if jump:
                ex.accepted()
            previous, best = best, current
            prev, acc = acc, prev
            np.copyto(acc[0], Wt)
            np.copyto(acc[1], Hk)
            jump = True
        if callback is not None:
            callback(n_iter, best - penalty.value(acc[0].T, acc[1].T))
        if jump and tracker.done(n_iter, previous, best, acc[0].T, acc[1].T):
            converged = True
            break
    np.copyto(Wt, acc[0])
    np.copyto(Hk, acc[1])
    objective = _exact(pattern, Wt, Hk, v, penalty, pool)
    return KLFit(W=np.ascontiguousarray(Wt.T, dtype=dtype), H=Hk.astype(dtype, copy=False),
                 n_iter=n_iter, converged=converged,
                 divergence=objective - penalty.value(Wt.T, Hk.T))  # fmt: skip
