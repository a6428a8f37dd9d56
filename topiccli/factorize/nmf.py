"""Nonnegative matrix factorization X ≈ W H under the Frobenius loss, for sparse X.

The run stops when the relative decrease of the loss in one iteration falls below ``tol``
((e_prev − e) < tol · e_prev) or at ``max_iter``; the result says which.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from ..errors import ConvergenceWarning
from ._mu import mu_step
from ._nndsvd import NMF_INITS, initialize
from ._validation import (
    check_choice,
    check_matrix,
    check_nonnegative_float,
    check_positive_int,
    check_rank,
    check_seed,
)

NMF_SOLVERS = ("mu",)


@dataclass(frozen=True)
class NMFResult:
    """The factors of X ≈ W @ H with the run's diagnostics."""

    W: np.ndarray
    H: np.ndarray
    n_iter: int
    converged: bool
    reconstruction_error: float
    """‖X − WH‖_F, as scikit-learn's ``reconstruction_err_``."""
    solver: str
    init: str


def nmf(
    X,
    k: int,
    *,
    solver: str = "mu",
    init: str = "nndsvda",
    max_iter: int = 200,
    tol: float = 1e-4,
    seed: int = 0,
) -> NMFResult:
    """Factorize a nonnegative matrix X (sparse or dense) into W (m×k) and H (k×n).

    ``init`` is ``"nndsvda"`` (NNDSVD with zeros filled by the mean of X), ``"nndsvd"`` or
    ``"random"``. Warns with :class:`~topiccli.errors.ConvergenceWarning` when ``max_iter``
    is reached first.

    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> X = rng.random((30, 3)) @ rng.random((3, 20))
    >>> res = nmf(X, 3, max_iter=2000, tol=1e-10)
    >>> bool(res.reconstruction_error < 1e-2 * np.linalg.norm(X))
    True
    """
    X = check_matrix(X, nonnegative=True)
    k = check_rank(k, X.shape, strict=True)
    check_choice("solver", solver, NMF_SOLVERS)
    check_choice("init", init, NMF_INITS)
    max_iter = check_positive_int("max_iter", max_iter)
    tol = check_nonnegative_float("tol", tol)
    seed = check_seed(seed)
    return _nmf(X, k, solver, init, max_iter, tol, seed)


def _nmf(X, k, solver, init, max_iter, tol, seed) -> NMFResult:
    W, H = initialize(X, k, init, seed)
    norm_x_sq = _squared_norm(X)
    previous = math.inf
    converged = False
    n_iter = 0
    error_sq = norm_x_sq
    for n_iter in range(1, max_iter + 1):
        error_sq = mu_step(X, W, H, norm_x_sq)
        if previous - error_sq < tol * previous:
            converged = True
            break
        previous = error_sq
    if not converged:
        warnings.warn(
            f"NMF stopped at max_iter={max_iter} before the loss settled (tol={tol:g}); "
            "raise --max-iter or --tol",
            ConvergenceWarning,
            stacklevel=3,
        )
    return NMFResult(
        W=W,
        H=H,
        n_iter=n_iter,
        converged=converged,
        reconstruction_error=math.sqrt(error_sq),
        solver=solver,
        init=init,
    )


def _squared_norm(X) -> float:
    values = X.data if sp.issparse(X) else X
    return float(np.dot(values.ravel(), values.ravel()))
