"""Nonnegative matrix factorization X ≈ W H, for sparse X, under two losses.

``loss="frobenius"`` (½‖X − WH‖²_F) has these solvers (one iteration each in ``_frobenius``;
this module owns validation, the start, the shared stopping loop and the result):

* ``"hals"`` (default): hierarchical alternating least squares, i.e. exact coordinate descent
  on one column of W (or row of H) at a time (Cichocki & Phan 2009), with Gillis & Glineur's
  repeated inner sweeps while the sparse products X·Hᵀ and Xᵀ·W are reused.
* ``"mu"``: the multiplicative updates H ← H∘(WᵀX)/(WᵀWH), W ← W∘(XHᵀ)/(WHHᵀ) (Lee & Seung).

``loss="kl"`` (the generalized Kullback–Leibler divergence, PLSA's objective) is solved over
X's nonzeros only: ``"ccd"`` (default; extrapolated coordinate descent, ``_kl_cd``) or, in
``_kl``, multiplicative updates: ``"amu"`` (adaptively over-relaxed) or ``"mu"`` (Lee & Seung's).

The run stops when the relative decrease of the objective in one iteration falls below ``tol``
((f_prev − f) < tol · f_prev) or at ``max_iter``; the result says which. Solvers are looked up
by (loss, solver) in ``_STEPS`` so another loss plugs into the same loop.
"""

from __future__ import annotations

import math
import numbers
import warnings
from dataclasses import dataclass, replace

import numpy as np
import scipy.sparse as sp

from ..errors import ConvergenceWarning, InvalidParameterError
from ._frobenius import Problem, hals_step, mu_step, objective
from ._kl import Penalty, fit_kl
from ._nndsvd import initialize
from ._parallel import Chunked, runner, tile_rows, transpose_csr
from ._validation import (
    check_matrix,
    check_nonnegative_float,
    check_nonnegative_int,
    check_positive_int,
    check_rank,
    check_seed,
)
from .options import check_nmf_options
from .stopping import Settle, Tolerance
from .threads import resolve_threads

DEFAULT_MAX_ITER = 200
DEFAULT_TOL = 1e-4

# (loss, solver) → one iteration: step(problem, runner, W, Ht, state) → (‖X−WH‖², w, h,
# accepted); a rejected step (an extrapolation that overshot) leaves W and Ht as they were.
_STEPS = {("frobenius", "hals"): hals_step, ("frobenius", "mu"): mu_step}

# HALS inner sweeps per sparse product (Gillis & Glineur), and when to stop them early.
_MAX_INNER = 1
_INNER_DELTA = 0.1


@dataclass(frozen=True)
class NMFResult:
    """The factors of X ≈ W @ H with the run's diagnostics."""

    W: np.ndarray
    H: np.ndarray
    n_iter: int
    converged: bool
    reconstruction_error: float
    """√(2·divergence): scikit-learn's ``reconstruction_err_`` for the same loss (‖X − WH‖_F
    for Frobenius)."""
    solver: str
    init: str
    loss: str = "frobenius"
    divergence: float | None = None
    """The final loss: ½‖X − WH‖²_F (Frobenius) or D(X‖WH) (KL), without penalties."""
    warm_rows: int = 0
    """Rows (documents) of the sample the start was fitted on (0: a cold start; see ``warm``)."""
    warm_iter: int = 0
    """Iterations of the sample's fit (0: a cold start)."""


def nmf(
    X,
    k: int,
    *,
    solver: str | None = None,
    init: str | tuple | None = None,
    loss: str = "frobenius",
    max_iter: int = DEFAULT_MAX_ITER,
    tol: float = DEFAULT_TOL,
    seed: int = 0,
    alpha_W: float = 0.0,
    alpha_H: float | str = "same",
    l1_ratio: float = 0.0,
    callback=None,
    stop=None,
    warm: int = 0,
    threads: int | None = None,
) -> NMFResult:
    """Factorize a nonnegative matrix X (sparse or dense) into W (m×k) and H (k×n).

    ``loss`` is ``"frobenius"`` (default) or ``"kl"`` (generalized Kullback–Leibler divergence,
    PLSA's objective; usually better topics on word counts). ``solver`` defaults to the loss's
    first: for Frobenius ``"hals"`` (coordinate descent, fastest) or ``"mu"`` (multiplicative
    updates); for KL ``"ccd"`` (coordinate descent, extrapolated), ``"amu"`` (over-relaxed
    multiplicative updates) or ``"mu"``. ``init`` is ``"nndsvd"`` (default for hals),
    ``"nndsvda"`` (NNDSVD with its zeros filled by the mean of X; default for the KL solvers
    and mu) or ``"random"``; NNDSVD uses an exact truncated SVD. With mu, amu or ccd,
    ``"nndsvd"``'s exact zeros are lifted to a small floor, since multiplicative updates can
    never move a zero (and ccd then starts where they do). ``init`` may also be a pair
    ``(W, H)`` of nonnegative finite arrays of shapes (m, k) and (k, n), a start of the
    caller's (scikit-learn's ``init="custom"``; the result's ``init`` is ``"custom"``); they
    are copied, never changed.

    ``alpha_W``, ``alpha_H`` (``"same"``: equal to alpha_W) and ``l1_ratio`` are scikit-learn's
    regularisation: the objective is 0.5‖X − WH‖² + n·α_W·(ρ‖W‖₁ + (1−ρ)/2·‖W‖²) +
    m·α_H·(ρ‖H‖₁ + (1−ρ)/2·‖H‖²) for X of shape m×n and ρ = l1_ratio.

    It stops when an iteration lowers the objective by less than ``tol`` of its value, or at
    ``max_iter`` with a :class:`~topiccli.errors.ConvergenceWarning`. float32 input is
    factorized in float32. The same input and seed give identical factors whatever the
    thread count (``threads``; None: the CPUs available). ``callback(n_iter,
    reconstruction_error)``, if given, is called after every iteration (for progress reports
    and benchmarks). ``stop``, if given, replaces the tolerance test by a rule of
    :mod:`~topiccli.factorize.stopping` (e.g. :class:`~topiccli.factorize.stopping.Settle`:
    stop once the top words and the documents' top topics stop changing); ``max_iter`` still
    bounds the run. ``warm`` > 0 (and fewer than X's rows) starts warm
    (:mod:`~topiccli.factorize.warm`): the same model is fitted on ``warm`` rows drawn from
    ``seed``, its H is the start and W is solved once against it.

    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> X = rng.random((30, 3)) @ rng.random((3, 20))
    >>> res = nmf(X, 3, max_iter=2000, tol=1e-10)
    >>> bool(res.reconstruction_error < 1e-3 * np.linalg.norm(X))
    True
    >>> res.solver, res.init, res.W.shape, res.H.shape
    ('hals', 'nndsvd', (30, 3), (3, 20))
    """
    X = check_matrix(X, nonnegative=True)
    k = check_rank(k, X.shape, strict=True)
    if isinstance(init, tuple):
        solver, _ = check_nmf_options(loss, solver, None)
        init = _check_start(init, X, k)
    else:
        solver, init = check_nmf_options(loss, solver, init)
    max_iter, tol, seed, alpha_W, alpha_H, l1_ratio = check_fit_options(
        max_iter, tol, seed, alpha_W, alpha_H, l1_ratio, callback
    )
    rule = Tolerance(tol) if stop is None else _check_stop(stop)
    warm = check_nonnegative_int("warm", warm)
    threads = resolve_threads(threads)
    if warm and warm < X.shape[0] and not isinstance(init, tuple):
        begin, sample = _warm_start(X, k, loss, solver, init, max_iter, rule, seed,
                                    alpha_W, alpha_H, l1_ratio, warm, threads)  # fmt: skip
        result = _nmf(X, k, loss, solver, begin, max_iter, rule, seed, alpha_W, alpha_H,
                      l1_ratio, callback, threads)  # fmt: skip
        return replace(result, init=init, warm_rows=warm, warm_iter=sample.n_iter)
    return _nmf(X, k, loss, solver, init, max_iter, rule, seed, alpha_W, alpha_H, l1_ratio,
                callback, threads)  # fmt: skip


def _warm_start(X, k, loss, solver, init, max_iter, rule, seed, alpha_W, alpha_H, l1_ratio, size,
                threads=None):  # fmt: skip
    """(W, H) for the whole of X from a fit on ``size`` seeded rows (module ``warm``)."""
    from . import warm

    sub = X[warm.sample_rows(X.shape[0], size, seed)]
    sample = _nmf(sub, k, loss, solver, init, max_iter, rule, seed, alpha_W, alpha_H, l1_ratio,
                  None, threads)  # fmt: skip
    H = np.ascontiguousarray(sample.H)
    if solver in ("mu", "amu", "ccd"):
        H = warm.lift_zeros(H, X)
    W = warm.solve_w_kl(X, H) if loss == "kl" else warm.solve_w_frobenius(X, H)
    if solver in ("mu", "amu", "ccd"):
        W = warm.lift_zeros(W, X)
    return (W, H), sample


def _check_stop(stop):
    if not callable(getattr(stop, "start", None)):
        raise InvalidParameterError(
            f"stop must be a stopping rule (Tolerance, Settle), got {stop!r}"
        )
    return stop


def check_fit_options(max_iter, tol, seed, alpha_W, alpha_H, l1_ratio, callback) -> tuple:
    """The options every NMF entry shares (this one and the Dask engine's), checked once:
    (max_iter, tol, seed, alpha_W, alpha_H, l1_ratio), ``alpha_H="same"`` resolved."""
    max_iter = check_positive_int("max_iter", max_iter)
    tol = check_nonnegative_float("tol", tol)
    seed = check_seed(seed)
    alpha_W = check_nonnegative_float("alpha_W", alpha_W)
    alpha_H = alpha_W if alpha_H == "same" else _check_alpha_h(alpha_H)
    l1_ratio = _check_l1_ratio(l1_ratio)
    if callback is not None and not callable(callback):
        raise InvalidParameterError(f"callback must be callable, got {callback!r}")
    return max_iter, tol, seed, alpha_W, alpha_H, l1_ratio


def _check_start(pair: tuple, X, k: int) -> tuple[np.ndarray, np.ndarray]:
    """A caller's start (W, H): shapes (m, k) and (k, n), finite, nonnegative; in X's dtype."""
    m, n = X.shape
    if len(pair) != 2:
        raise InvalidParameterError(f"init must be a name or a pair (W, H), got {len(pair)} items")
    arrays = []
    for name, value, shape in (("W", pair[0], (m, k)), ("H", pair[1], (k, n))):
        array = np.asarray(value)
        if array.shape != shape or not np.issubdtype(array.dtype, np.number):
            raise InvalidParameterError(
                f"init {name} must be a numeric array of shape {shape}, got {array.shape}"
            )
        if not np.all(np.isfinite(array)) or array.min() < 0:
            raise InvalidParameterError(f"init {name} must be finite and nonnegative")
        arrays.append(np.array(array, dtype=X.dtype))  # a copy: the caller's is never changed
    return arrays[0], arrays[1]


def _init_name(init) -> str:
    return "custom" if isinstance(init, tuple) else init


def _check_alpha_h(value) -> float:
    if isinstance(value, str):
        raise InvalidParameterError(
            f"alpha_H must be 'same' or a finite number >= 0, got {value!r}", params=("alpha_H",)
        )
    return check_nonnegative_float("alpha_H", value)


def _check_l1_ratio(value) -> float:
    if (
        isinstance(value, bool)
        or not isinstance(value, numbers.Real)
        or not 0.0 <= float(value) <= 1.0
    ):
        raise InvalidParameterError(
            f"l1_ratio must be a number in [0, 1], got {value!r}", params=("l1_ratio",)
        )
    return float(value)


def _problem(X, k, alpha_W, alpha_H, l1_ratio, solver) -> Problem:
    """Chunk X and Xᵀ once, with the penalties scaled as scikit-learn does (Penalty.scaled)."""
    rows = tile_rows(k, X.dtype.itemsize)
    # A row's sweep costs about k/4 stored entries' share of a sparse product.
    row_cost = max(1, k // 4)
    return Problem(
        X=Chunked(X, rows, row_cost),
        Xt=Chunked(transpose_csr(X), rows, row_cost),
        norm_sq=_squared_norm(X),
        **vars(Penalty.scaled(X.shape, alpha_W, alpha_H, l1_ratio)),
        max_inner=_MAX_INNER if solver == "hals" else 1,
        inner_delta=_INNER_DELTA,
    )


def start(X, k, init, solver, seed, *, threads: int | None = None, svd=None):
    """Initial W (m×k) and Hᵀ (n×k), both row-major as the sparse products want them.
    ``X`` needs only ``shape``, ``dtype`` and ``sum`` when ``svd`` (X's truncated SVD, for
    NNDSVD) is given or ``init`` is ``"random"``: so the Dask engine draws the core's start."""
    if isinstance(init, tuple):  # the caller's, already checked and copied
        W, H = init
        return np.ascontiguousarray(W), np.ascontiguousarray(H.T)
    W, H = initialize(X, k, init, seed, threads=threads, svd=svd)
    if solver in ("mu", "amu", "ccd") and init == "nndsvd":
        # Multiplicative updates never move an exact zero: lift NNDSVD's zeros to a floor
        # small against the data's scale but far above underflow.
        floor = X.dtype.type(1e-6 * math.sqrt(max(_mean(X), 0.0) / k) or 1e-12)
        np.maximum(W, floor, out=W)
        np.maximum(H, floor, out=H)
    return np.ascontiguousarray(W), np.ascontiguousarray(H.T)


SERIAL_BELOW_NNZ = 250_000
"""Frobenius fits of fewer nonzeros run on one thread: their chunks' Python-level HALS sweeps
contend for the GIL more than the sparse products gain (measured, 20 Newsgroups' tutorial
matrix, 119 k nonzeros, k = 10: 58 ms on one thread against 119 ms on two; 693 k nonzeros,
k = 20: 592 against 425 ms)."""


def _nnz(X) -> int:
    return int(X.nnz) if hasattr(X, "nnz") else int(np.count_nonzero(X))


def _nmf(
    X,
    k,
    loss,
    solver,
    init,
    max_iter,
    rule,
    seed,
    alpha_W,
    alpha_H,
    l1_ratio,
    callback=None,
    threads=None,
) -> NMFResult:
    """The checked run; ``rule`` is a stopping rule (a float: a :class:`Tolerance`)."""
    if not hasattr(rule, "start"):
        rule = Tolerance(float(rule))
    if loss == "kl":
        return _nmf_kl(
            X, k, solver, init, max_iter, rule, seed, alpha_W, alpha_H, l1_ratio, callback, threads
        )
    step = _STEPS[(loss, solver)]
    problem = _problem(X, k, alpha_W, alpha_H, l1_ratio, solver)
    if _nnz(X) < SERIAL_BELOW_NNZ:  # the same result (chunks do not depend on the threads)
        threads = 1
    with runner(threads) as pool:
        W, Ht = start(X, k, init, solver, seed, threads=threads)
        state: dict = {}
        tracker = rule.start()
        previous = math.inf
        converged = False
        error_sq = problem.norm_sq
        n_iter = 0
        for n_iter in range(1, max_iter + 1):
            error_sq, w, h, accepted = step(problem, pool, W, Ht, state)
            current = objective(problem, error_sq, w, h)
            if callback is not None:
                callback(n_iter, math.sqrt(error_sq))
            if not accepted:
                continue
            if current == 0.0 or (
                previous < math.inf and tracker.done(n_iter, previous, current, W, Ht)
            ):
                converged = True
                break
            previous = current
    if not converged:
        _warn_not_converged(max_iter, rule)
    return NMFResult(
        W=W,
        H=np.ascontiguousarray(Ht.T),
        n_iter=n_iter,
        converged=converged,
        reconstruction_error=math.sqrt(error_sq),
        solver=solver,
        init=_init_name(init),
        loss="frobenius",
        divergence=0.5 * error_sq,
    )


def _nmf_kl(X, k, solver, init, max_iter, rule, seed, alpha_W, alpha_H, l1_ratio, callback,
            threads=None):  # fmt: skip
    """KL-divergence NMF: the same start, penalties, stopping rule and result as Frobenius."""
    p = Penalty.scaled(X.shape, alpha_W, alpha_H, l1_ratio)
    report = None if callback is None else (lambda i, d: callback(i, math.sqrt(2.0 * d)))
    with runner(threads) as pool:
        W, Ht = start(X, k, init, solver, seed, threads=threads)
        fit = fit_kl(
            X, W, Ht.T, solver=solver, max_iter=max_iter, penalty=p, pool=pool,
            callback=report, stop=rule, threads=threads,
        )  # fmt: skip
    if not fit.converged:
        _warn_not_converged(max_iter, rule, stacklevel=5)
    return NMFResult(
        W=fit.W,
        H=fit.H,
        n_iter=fit.n_iter,
        converged=fit.converged,
        reconstruction_error=math.sqrt(2.0 * fit.divergence),
        solver=solver,
        init=_init_name(init),
        loss="kl",
        divergence=fit.divergence,
    )


def _warn_not_converged(max_iter: int, rule, stacklevel: int = 4) -> None:
    tol = rule if isinstance(rule, numbers.Real) else getattr(rule, "tol", None)
    what = "the topics" if isinstance(rule, Settle) else "the loss"
    detail = f" (tol={tol:g})" if isinstance(tol, numbers.Real) else ""
    warnings.warn(
        ConvergenceWarning(
            f"NMF stopped at max_iter={max_iter} before {what} settled{detail}; "
            "raise max_iter or tol",
            params=("max_iter", "tol"),
        ),
        stacklevel=stacklevel,
    )


def _mean(X) -> float:
    return float(X.sum(dtype=np.float64)) / (X.shape[0] * X.shape[1])


def _squared_norm(X) -> float:
    values = X.data if sp.issparse(X) else X
    values = values.ravel()
    return float(
        np.dot(values.astype(np.float64, copy=False), values.astype(np.float64, copy=False))
    )
