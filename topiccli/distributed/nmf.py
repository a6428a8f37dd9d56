"""Row-partitioned NMF on Dask: W's row blocks live on the workers, H on the client.

X's row blocks Xᵢ and the matching blocks Wᵢ stay on their workers; the client holds H (as Hᵀ,
n×k) and broadcasts it once per step. Only k×n and k×k partial sums come back, so a step moves
O(P·(k·n + k²)) numbers whatever the number of documents:

* Frobenius (``hals``, ``mu``): each block updates Wᵢ from Xᵢ·Hᵀ and H·Hᵀ (the core's own phase,
  ``factorize.steps.phase``, run on the block) and returns WᵢᵀWᵢ, ⟨XᵢHᵀ, Wᵢ⟩, ΣWᵢ and XᵢᵀWᵢ; the
  client sums them in block order and updates Hᵀ with the same phase on the reduced XᵀW.
* KL (``amu``, ``mu``): each block keeps X⊘max(WH, ε) at its nonzeros (the core's
  ``SparsePattern``), updates Wᵢ by the multiplicative ratio (X⊘WH)·Hᵀ / (1·Hᵀ) and returns
  Σ x·log(WH) over its nonzeros, Wᵢ's column sums and the partial (Xᵢ⊘WᵢH)ᵀ·Wᵢ that the H
  update needs.

Every W update is row-separable: HALS's sweep over the k columns of W updates each row from that
row's own products (row i of W·(HHᵀ) needs only row i of W), so it runs block by block with the
core's code; MU and KL's ratios are elementwise by row. The decisions that are not separable —
HALS's acceptance of an extrapolated step, amu's over-relaxation exponent, the stopping rule —
are taken on the client from the reduced sums, exactly as the core takes them. For the same start
the result agrees with ``topiccli.nmf`` up to rounding in the order of the sums.

Faults: W lives only on the workers, so a worker lost mid-fit loses state Dask cannot rebuild.
The fit then starts again from the same start (X's blocks and the start's blocks are rebuilt by
Dask from the tasks that made them), up to ``max_restarts`` times; the arithmetic does not depend
on which worker runs a block, so the result is the one an uninterrupted run gives. Past the
restarts, or when a step does not finish within ``timeout``, it raises one EngineError. The named
start (ΣX, the distributed SVD for NNDSVD) reads only X's blocks and is simply run again after a
loss (``_session.retrying``). Ctrl-C cancels the fit's futures, then re-raises KeyboardInterrupt.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from ..factorize.options import (
    DEFAULT_INIT,
    NMF_INITS,
    NMF_LOSSES,
    check_nmf_options,
)
from ..factorize.steps import (
    DEFAULT_MAX_ITER,
    DEFAULT_TOL,
    ETA_MAX,
    FLOOR,
    GROWTH,
    INNER_DELTA,
    MAX_INNER,
    Chunked,
    Extrapolation,
    FactorStats,
    NMFResult,
    Penalty,
    Problem,
    Serial,
    SparsePattern,
    check_choice,
    check_fit_options,
    check_nonnegative_float,
    check_rank,
    check_start,
    extrapolation_step,
    gram,
    hals_prepare,
    hals_update,
    mu_update,
    objective,
    phase,
    relaxed_ratio,
    squared_error,
    start,
    sum_in_order,
    tile_rows,
    warn_not_converged,
)
from ._session import Session, interruptible, retrying, wait_for_workers
from .blocks import DistributedCSR, squared_norm
from .errors import EngineError, WorkerLost


@dataclass
class Traffic:
    """Bytes the client sent and received, per iteration (after the start)."""

    per_iteration: list[tuple[int, int]] = field(default_factory=list)
    start: tuple[int, int] = (0, 0)
    restarts: int = 0
    """How often the fit started again after losing a worker."""

    @property
    def mean(self) -> float:
        rows = self.per_iteration
        return sum(s + r for s, r in rows) / len(rows) if rows else 0.0


def nmf(
    data: DistributedCSR,
    k: int,
    *,
    loss: str = "frobenius",
    solver: str | None = None,
    init: tuple | str | None = None,
    max_iter: int = DEFAULT_MAX_ITER,
    tol: float = DEFAULT_TOL,
    seed: int = 0,
    alpha_W: float = 0.0,
    alpha_H: float | str = "same",
    l1_ratio: float = 0.0,
    callback=None,
    timeout: float = 600.0,
    max_restarts: int = 2,
    traffic: Traffic | None = None,
) -> NMFResult:
    """NMF of the distributed matrix ``data``: the options and result of :func:`topiccli.nmf`.

    ``init`` is a pair (W, H) (the same start gives the same result as the core's), or a name:
    ``"random"`` draws the core's random start; ``"nndsvd"``/``"nndsvda"`` compute NNDSVD from the
    distributed truncated SVD. ``timeout`` bounds each step's wait (seconds); ``max_restarts``
    is how often a fit that lost a worker starts again. ``traffic``, if given, receives the bytes
    the client sent and received per iteration.
    """
    m, n = data.shape
    k = check_rank(k, data.shape, strict=True)
    check_choice("loss", loss, NMF_LOSSES)
    solver, _ = check_nmf_options(loss, solver, None, distributed=True)
    max_iter, tol, seed, alpha_W, alpha_H, l1_ratio = check_fit_options(
        max_iter, tol, seed, alpha_W, alpha_H, l1_ratio, callback
    )
    timeout = check_nonnegative_float("timeout", timeout) or 600.0
    if isinstance(init, tuple):
        W0, H0 = check_start(init, _Shape(data), k)
        init_name = "custom"
    else:
        init_name = DEFAULT_INIT[solver] if init is None else check_choice("init", init, NMF_INITS)
        # the start's steps read only X's blocks, which Dask rebuilds: run again after a loss
        W0, H0 = retrying(data.client, timeout, _named_start, data, k, init_name, solver, seed,
                          timeout, what="the NMF start")  # fmt: skip
    penalty = Penalty.scaled(data.shape, alpha_W, alpha_H, l1_ratio)
    session = Session(data.client, f"nmf-{loss}-{solver}", timeout, watch_workers=True)
    traffic = traffic if traffic is not None else Traffic()
    fit = _Fit(session, data, k, loss, solver, W0, H0, penalty, max_iter, tol, callback, traffic)
    return interruptible(session, fit.run_with_restarts, max_restarts, init_name)


class _Shape:
    """What the core's start check reads of X: shape and dtype."""

    def __init__(self, data: DistributedCSR) -> None:
        self.shape = data.shape
        self.dtype = data.dtype


def _named_start(data, k, init, solver, seed, timeout):
    """The core's named starts on a distributed matrix (the same arrays the core draws)."""

    class _Stats(_Shape):
        def __init__(self, data, total):
            super().__init__(data)
            self._total = total

        def sum(self, dtype=None):
            return self._total

    session = Session(data.client, "nmf-start", timeout)
    total = math.fsum(session.gather([session.submit(_block_sum, b, what="sum")
                                      for b in data.blocks], "ΣX"))  # fmt: skip
    X = _Stats(data, total)
    if init == "random":
        W, Ht = start(X, k, "random", solver, seed)
        return W, np.ascontiguousarray(Ht.T)
    from .svd import truncated_svd

    svd = truncated_svd(data, k, seed=seed, timeout=timeout)
    W, Ht = start(X, k, init, solver, seed, svd=svd)  # the core's NNDSVD on our exact SVD
    return W, np.ascontiguousarray(Ht.T)


def _block_sum(X) -> float:
    return float(X.sum(dtype=np.float64))


# --- worker-side tasks (module level, so workers import them) ------------------------------------


def _w0_block(W):
    return W


def _frob_start(Xt, W):
    """WᵢᵀWᵢ and XᵢᵀWᵢ for the start (MU's first H update needs them)."""
    return gram(W), Xt @ W


def _frob_w(X, Xt, W, other, prepared, solver: str, l1: float, l2: float):
    """Update a copy of this block's W against ``other`` (Hᵀ or HALS's extrapolated Hᵀ) with
    the core's phase; return (W_new, (WᵀW, ⟨XᵢHᵀ, W⟩, ΣW, XᵢᵀW_new))."""
    W = W.copy()
    k = W.shape[1]
    chunks = Chunked(X, tile_rows(k, W.dtype.itemsize), max(1, k // 4))
    update = hals_update(MAX_INNER, INNER_DELTA) if solver == "hals" else mu_update
    stats = phase(Serial, chunks, W, other, prepared, update, l1, l2)
    return W, (stats.gram, stats.cross, stats.total, Xt @ W)


def _second(pair):
    return pair[1]


def _first(pair):
    return pair[0]


def _kl_state(pattern, W, Ht):
    """(W, X/max(WH, ε) at the block's nonzeros) and (Σ x·log(max(WH, ε)), ΣW by column, ΣW,
    ‖W‖²). The ratio is what both half-steps read, written by the refresh as the core's
    ``_KLState`` writes it (the same arithmetic, so the same bits; no (WH) array)."""
    q = np.empty(pattern.x.shape, dtype=W.dtype)
    cross = pattern.refresh(W, Ht, q, Serial, ratio=True)
    return (W, q), (cross, W.sum(axis=0, dtype=np.float64), float(W.sum(dtype=np.float64)),
                    float(np.vdot(W, W)))  # fmt: skip


def kl_w_update(pattern, state, Ht, eta: float, l1: float, l2: float):
    """amu/mu's W half-step on one block (``_KLState.half_step`` side 0) against a fixed Hᵀ:
    the new (W, X/WH) state and its sums (as :func:`_kl_state`). Also the fixed-H solve's step
    (``distributed.weights``)."""
    W, q = state
    num = pattern.ratio_times(q, Ht, False, Serial)
    den = Ht.sum(axis=0) + l1
    den = den + l2 * W if l2 else np.broadcast_to(den, W.shape)
    ratio = num / np.maximum(den, FLOOR)
    W = W * ratio if eta == 1.0 else W * relaxed_ratio(W, ratio, eta)
    return _kl_state(pattern, W, Ht)


def _kl_w(pattern, state, Ht, eta: float, l1: float, l2: float):
    """:func:`kl_w_update`, then the block's share of the next H half-step's numerator
    (X⊘WH)ᵀ·W."""
    new_state, small = kl_w_update(pattern, state, Ht, eta, l1, l2)
    return new_state, (*small, pattern.ratio_times(new_state[1], new_state[0], True, Serial))


def _pattern(X):
    return SparsePattern(X)


def _pattern_sums(pattern):
    return pattern.xlogx, pattern.sum_x


# --- the client's loop --------------------------------------------------------------------------


@dataclass
class _FrobeniusState:
    """A Frobenius fit's iterate: W's block futures, Hᵀ, the last error; MU's Gram and XᵀW,
    or HALS's extrapolation, extrapolated Hᵀ and best step so far."""

    W_blocks: list
    Ht: np.ndarray
    error_sq: float
    gram_w: np.ndarray | None = None
    XtW: np.ndarray | None = None
    ex: Extrapolation | None = None
    Hy: np.ndarray | None = None
    gram_y: np.ndarray | None = None
    best: tuple | None = None


class _Fit:
    def __init__(self, session, data, k, loss, solver, W0, H0, penalty, max_iter, tol, callback,
                 traffic):  # fmt: skip
        self.s = session
        self.data = data
        self.k = k
        self.loss = loss
        self.solver = solver
        self.dtype = data.dtype
        self.Ht0 = np.ascontiguousarray(H0.T)
        self.penalty = penalty
        self.max_iter = max_iter
        self.tol = tol
        self.callback = callback
        self.traffic = traffic
        # The start's blocks are tasks holding their rows, so Dask can rebuild them. They are
        # not pinned to the workers holding X's blocks: a task restricted to a worker that has
        # died (even with allow_other_workers) can stay "no-worker" for ever once rebuilt while
        # no worker was up; Dask moves the small W₀ block to its X block once instead.
        self.W0 = [
            session.submit(_w0_block, np.ascontiguousarray(W0[a:b]), what="W0")
            for a, b in data.bounds
        ]
        self.restarts = 0

    def run_with_restarts(self, max_restarts: int, init_name: str) -> NMFResult:
        while True:
            try:
                return self._run(init_name)
            except WorkerLost as exc:
                if self.restarts >= max_restarts:
                    raise EngineError(
                        f"{exc}; the NMF factors it held are lost and {self.restarts} restart(s) "
                        "did not finish the fit"
                    ) from None
                self.restarts += 1
                self.traffic.restarts = self.restarts
                wait_for_workers(self.s.client, self.s.timeout)
                self.s.rewatch()

    def _mark(self):
        return self.s.sent, self.s.received

    def _record(self, before) -> None:
        self.traffic.per_iteration.append((self.s.sent - before[0], self.s.received - before[1]))

    def _run(self, init_name: str) -> NMFResult:
        self.traffic.per_iteration.clear()
        before = self._mark()
        if self.loss == "kl":
            return self._run_kl(init_name, before)
        return self._run_frobenius(init_name, before)

    # --- Frobenius ------------------------------------------------------------------------------

    def _w_step(self, W_blocks, other, prepared, l1, l2):
        """Every block's W update; returns the new W futures, the summed W stats and XᵀW."""
        s, X, Xt = self.s, self.data.blocks, self.data.transposed()
        other_f = s.broadcast(other, "Ht")
        pairs = [s.submit(_frob_w, x, xt, w, other_f, prepared, self.solver, l1, l2, what="W")
                 for x, xt, w in zip(X, Xt, W_blocks)]  # fmt: skip
        new_W = [s.submit(_first, p, what="Wi") for p in pairs]
        parts = s.gather([s.submit(_second, p, what="Wstats") for p in pairs], "the W step")
        del pairs
        w = FactorStats(
            gram=sum_in_order([g for g, _, _, _ in parts]),
            cross=sum(c for _, c, _, _ in parts),
            total=sum(t for _, _, t, _ in parts),
        )
        return new_W, w, sum_in_order([x for _, _, _, x in parts])

    def _run_frobenius(self, init_name: str, before) -> NMFResult:
        """The core's Frobenius loop (``_nmf._nmf``): one MU or HALS iteration at a time
        (:meth:`_mu_iteration`, :meth:`_hals_iteration`), the same stopping rule."""
        s, pen = self.s, self.penalty
        p = Problem(X=None, Xt=None, norm_sq=squared_norm(self.data, s), l1_W=pen.l1_W,
                    l1_H=pen.l1_H, l2_W=pen.l2_W, l2_H=pen.l2_H,
                    max_inner=MAX_INNER if self.solver == "hals" else 1,
                    inner_delta=INNER_DELTA)  # fmt: skip
        st = _FrobeniusState(W_blocks=list(self.W0), Ht=self.Ht0.copy(), error_sq=p.norm_sq)
        if self.solver == "mu":
            starts = s.gather(
                [
                    s.submit(_frob_start, xt, w, what="start")
                    for xt, w in zip(self.data.transposed(), st.W_blocks)
                ],
                "the start",
            )
            st.gram_w = sum_in_order([g for g, _ in starts])
            st.XtW = sum_in_order([x for _, x in starts])
            iteration = self._mu_iteration
        else:
            st.ex, st.Hy, st.gram_y = Extrapolation(), st.Ht, gram(st.Ht)
            iteration = self._hals_iteration
        self.traffic.start = (s.sent - before[0], s.received - before[1])
        previous, converged, n_iter = math.inf, False, 0
        for n_iter in range(1, self.max_iter + 1):
            mark = self._mark()
            w, h, accepted = iteration(p, st)
            current = objective(p, st.error_sq, w, h)
            self._record(mark)
            if self.callback is not None:
                self.callback(n_iter, math.sqrt(st.error_sq))
            if not accepted:
                continue
            if previous - current < self.tol * previous or current == 0.0:
                converged = True
                break
            previous = current
        return self._result(st.W_blocks, st.Ht, n_iter, converged, st.error_sq, init_name,
                            0.5 * st.error_sq)  # fmt: skip

    def _mu_iteration(self, p: Problem, st: _FrobeniusState) -> tuple:
        """``_frobenius.mu_step``: H first (from the reduced XᵀW), then W on the blocks."""
        dtype = self.dtype
        h = phase(Serial, _Reduced(st.XtW), st.Ht, None, st.gram_w.astype(dtype), mu_update,
                  p.l1_H, p.l2_H)  # fmt: skip
        st.W_blocks, w, st.XtW = self._w_step(st.W_blocks, st.Ht, h.gram.astype(dtype), p.l1_W,
                                              p.l2_W)  # fmt: skip
        st.gram_w = w.gram
        st.error_sq = squared_error(p.norm_sq, w.cross, w.gram, h.gram)
        return w, h, True

    def _hals_iteration(self, p: Problem, st: _FrobeniusState) -> tuple:
        """``_frobenius.hals_step``: W against the extrapolated Hy, then Hᵀ against the new W;
        the step is kept if it lowers the objective, else the extrapolation is reined in."""
        ex, dtype = st.ex, self.dtype
        beta = ex.beta if st.best is None else min(ex.cap, ex.grow * ex.beta)
        new_W, w, XtW = self._w_step(st.W_blocks, st.Hy, hals_prepare(st.gram_y, p.l2_W, dtype),
                                     p.l1_W, 0)  # fmt: skip
        Ht_old, Ht_new, Hy_next = st.Ht, st.Ht.copy(), np.empty_like(st.Ht)

        extrapolate = extrapolation_step(Ht_old, Hy_next, beta)

        update = hals_update(p.max_inner, p.inner_delta)
        h = phase(Serial, _Reduced(XtW), Ht_new, None, hals_prepare(w.gram, p.l2_H, dtype),
                  update, p.l1_H, 0, after=extrapolate)  # fmt: skip
        error_sq = squared_error(p.norm_sq, h.cross, w.gram, h.gram)
        value = objective(p, error_sq, w, h)
        if st.best is None or value <= st.best[0]:
            if st.best is not None:
                ex.accepted()
            st.W_blocks, st.Ht, st.Hy, st.gram_y = new_W, Ht_new, Hy_next, h.extra
            st.best, st.error_sq = (value, error_sq, w, h), error_sq
            return w, h, True
        ex.rejected()
        st.Hy, st.gram_y = st.Ht, st.best[3].gram
        st.error_sq, w, h = st.best[1], st.best[2], st.best[3]
        return w, h, False

    def _result(self, W_blocks, Ht, n_iter, converged, error_sq, init_name, divergence):
        W = np.concatenate(self.s.gather(W_blocks, "the factor W"), axis=0)
        if not converged:
            warn_not_converged(self.max_iter, self.tol, stacklevel=4)
        return NMFResult(
            W=W, H=np.ascontiguousarray(Ht.T), n_iter=n_iter, converged=converged,
            reconstruction_error=math.sqrt(error_sq), solver=self.solver, init=init_name,
            loss=self.loss, divergence=divergence,
        )  # fmt: skip

    # --- KL -------------------------------------------------------------------------------------

    def _run_kl(self, init_name: str, before) -> NMFResult:
        """The core's KL loop (``_kl.fit_kl``): a W half-step on the blocks, an H half-step on
        the client (:meth:`_kl_w_step`, :meth:`_kl_h_step`), the same stopping rule."""
        s = self.s
        patterns = self.data.derived("pattern", _pattern)
        sums = s.gather([s.submit(_pattern_sums, pt, what="sums") for pt in patterns], "Σx")
        self.xlogx = math.fsum(a for a, _ in sums)
        self.sum_x = math.fsum(b for _, b in sums)
        self.patterns = patterns
        Ht = self.Ht0.copy()
        states, smalls = self._refresh(list(self.W0), Ht, first=True)
        self._observe(smalls, Ht)
        self.traffic.start = (s.sent - before[0], s.received - before[1])
        relax = self.solver == "amu"
        eta = [1.0, 1.0]
        previous, converged, n_iter = self.objective, False, 0
        for n_iter in range(1, self.max_iter + 1):
            mark = self._mark()
            states, smalls = self._kl_w_step(states, Ht, eta, relax)
            hnum = sum_in_order([x[4] for x in smalls])
            states, Ht = self._kl_h_step(states, Ht, hnum, eta, relax)
            self._record(mark)
            if self.callback is not None:
                self.callback(n_iter, math.sqrt(2.0 * self.div))
            if self.objective == 0.0 or previous - self.objective < self.tol * previous:
                converged = True
                break
            previous = self.objective
        W_blocks = [s.submit(_first, st, what="Wfinal") for st in states]
        return self._result(W_blocks, Ht, n_iter, converged, 2.0 * self.div, init_name, self.div)

    def _kl_w_step(self, states, Ht, eta: list, relax: bool):
        """The W half-step (``_KLState.half_step(0, relax)``): (the blocks' states, their
        sums, with the next H half-step's numerator)."""
        e = eta[0] if relax else 1.0
        before_obj = self.objective
        cand, smalls = self._w_half(states, Ht, e)
        if e == 1.0:
            states, eta[0] = cand, (GROWTH if relax else 1.0)
            self._observe(smalls, Ht)
            return states, smalls
        saved = (self.div, self.objective, self._wstats)
        self._observe(smalls, Ht)
        if self.objective <= before_obj:
            states, eta[0] = cand, min(e * GROWTH, ETA_MAX)
        else:
            self.div, self.objective, self._wstats = saved
            states, smalls = self._w_half(states, Ht, 1.0)
            self._observe(smalls, Ht)
            eta[0] = 1.0
        return states, smalls

    def _kl_h_step(self, states, Ht, hnum, eta: list, relax: bool):
        """The H half-step (``_KLState.half_step(1, relax)``) on the client, then a refresh of
        (WH) on the blocks: (the blocks' states, the new Hᵀ)."""
        pen = self.penalty
        colsum_w = self._wstats[0].astype(Ht.dtype)
        den = colsum_w + pen.l1_H
        den = den + pen.l2_H * Ht if pen.l2_H else np.broadcast_to(den, Ht.shape)
        ratio = hnum / np.maximum(den, FLOOR)
        e = eta[1] if relax else 1.0
        before_obj = self.objective
        if e == 1.0:
            Ht = Ht * ratio
            states, smalls = self._refresh(states, Ht)
            self._observe(smalls, Ht)
            eta[1] = GROWTH if relax else 1.0
            return states, Ht
        cand_Ht = Ht * relaxed_ratio(Ht, ratio, e)
        cand, smalls = self._refresh(states, cand_Ht)
        self._observe(smalls, cand_Ht)
        if self.objective <= before_obj:
            eta[1] = min(e * GROWTH, ETA_MAX)
            return cand, cand_Ht
        Ht = Ht * ratio
        states, smalls = self._refresh(states, Ht)
        self._observe(smalls, Ht)
        eta[1] = 1.0
        return states, Ht

    def _refresh(self, states, Ht, first: bool = False):
        """X⊘max(WH, ε) at every block's nonzeros for the blocks' W and this Hᵀ."""
        s = self.s
        Ht_f = s.broadcast(Ht, "Ht")
        func = _kl_state_from_w if first else _kl_state_from_state
        pairs = [
            s.submit(func, pt, st, Ht_f, what="refresh") for pt, st in zip(self.patterns, states)
        ]
        new_states = [s.submit(_first, p, what="state") for p in pairs]
        smalls = s.gather([s.submit(_second, p, what="small") for p in pairs], "the (WH) refresh")
        return new_states, smalls

    def _w_half(self, states, Ht, eta):
        s, pen = self.s, self.penalty
        Ht_f = s.broadcast(Ht, "Ht")
        pairs = [s.submit(_kl_w, pt, st, Ht_f, eta, pen.l1_W, pen.l2_W, what="Wkl")
                 for pt, st in zip(self.patterns, states)]  # fmt: skip
        new_states = [s.submit(_first, p, what="state") for p in pairs]
        smalls = s.gather([s.submit(_second, p, what="small") for p in pairs], "the W half-step")
        return new_states, smalls

    def _observe(self, smalls, Ht) -> None:
        """D and the objective from the blocks' sums (``SparsePattern.divergence``, summed)."""
        cross = math.fsum(x[0] for x in smalls)
        colsum = sum_in_order([x[1] for x in smalls])
        wsum = math.fsum(x[2] for x in smalls)
        wsq = math.fsum(x[3] for x in smalls)
        self._wstats = (colsum, wsum, wsq)
        total = float(np.dot(colsum, Ht.sum(axis=0, dtype=np.float64)))
        self.div = max(self.xlogx - cross - self.sum_x + total, 0.0)
        pen = self.penalty
        w_pen = 0.0
        if pen.l1_W:
            w_pen += pen.l1_W * wsum
        if pen.l2_W:
            w_pen += 0.5 * pen.l2_W * wsq
        h_pen = Penalty(l1_H=pen.l1_H, l2_H=pen.l2_H).value(np.zeros((0, Ht.shape[1])), Ht)
        self.objective = self.div + w_pen + h_pen


def _kl_state_from_w(pattern, W, Ht):
    return _kl_state(pattern, W, Ht)


def _kl_state_from_state(pattern, state, Ht):
    return _kl_state(pattern, state[0], Ht)


class _Precomputed:
    """Stands for a chunk of X whose product with the fixed factor was already reduced."""

    def __init__(self, product: np.ndarray) -> None:
        self.product = product

    def __matmul__(self, other):
        return self.product


class _Reduced:
    """One 'chunk' covering all rows, for the core's ``phase`` on the client's Hᵀ."""

    def __init__(self, product: np.ndarray) -> None:
        self.shape = product.shape
        self.bounds = [(0, product.shape[0])]
        self.parts = [_Precomputed(product)]

    def __len__(self) -> int:
        return 1
