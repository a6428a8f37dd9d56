"""Truncated SVD (LSA) of a sparse matrix, without ever making it dense.

Sign convention: every component is oriented so that the entry of largest magnitude in its right
singular vector (its row of ``Vt``, the term loadings) is positive; on a tie, the first such
term wins. The left vector ``U[:, i]`` is flipped with it, so ``U @ diag(s) @ Vt`` is unchanged.
Components come in decreasing order of singular value.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._parallel import single_threaded_blas
from ._validation import check_choice, check_matrix, check_rank, check_seed

SVD_SOLVERS = ("propack", "arpack", "randomized")


@dataclass(frozen=True)
class SVDResult:
    """A rank-k truncated SVD: ``X ≈ U @ diag(s) @ Vt``."""

    U: np.ndarray
    s: np.ndarray
    Vt: np.ndarray
    solver: str

    @property
    def singular_values(self) -> np.ndarray:
        return self.s


def truncated_svd(
    X,
    k: int,
    *,
    solver: str = "propack",
    seed: int = 0,
    power_iterations: int | None = None,
    oversamples: int = 10,
) -> SVDResult:
    """Return the k leading singular triplets of X, largest first, with deterministic signs.

    ``X`` is a scipy sparse matrix or a numpy array; it is never densified, and float32 stays
    float32. ``solver`` is ``"propack"`` (default: scipy's Lanczos bidiagonalization, exact
    and fastest on document-term matrices), ``"arpack"`` (exact too), or ``"randomized"``
    (Halko et al.: ``k + oversamples`` random vectors sharpened by ``power_iterations``
    rounds, default 7, or 4 when k ≥ 10% of min(X.shape); approximate on flat spectra).
    ``seed`` fixes the starting vectors, so a run is reproducible, whatever the thread count.
    k must be below min(X.shape).

    >>> import numpy as np, scipy.sparse as sp
    >>> X = sp.random(50, 40, density=0.2, random_state=0, format="csr")
    >>> res = truncated_svd(X, 3)
    >>> dense = np.linalg.svd(X.toarray(), compute_uv=False)[:3]
    >>> bool(np.allclose(res.s, dense, rtol=1e-10))
    True
    >>> approx = truncated_svd(X, 3, solver="randomized")
    >>> bool(np.allclose(approx.s, dense, rtol=1e-2))
    True
    """
    X = check_matrix(X)
    k = check_rank(k, X.shape, strict=True)
    check_choice("solver", solver, SVD_SOLVERS)
    seed = check_seed(seed)
    if power_iterations is None:
        from ._randomized import default_power_iterations

        power_iterations = default_power_iterations(k, X.shape)
    power_iterations = _check_count("power_iterations", power_iterations)
    oversamples = _check_count("oversamples", oversamples)
    return _truncated_svd(X, k, solver, seed, power_iterations, oversamples)


def _check_count(name: str, value) -> int:
    import numbers

    from ..errors import InvalidParameterError

    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 0:
        raise InvalidParameterError(f"{name} must be an integer >= 0, got {value!r}")
    return int(value)


def _truncated_svd(
    X, k: int, solver: str, seed: int, power_iterations: int = 7, oversamples: int = 10
) -> SVDResult:
    if solver == "randomized":
        from ._randomized import randomized_svd

        U, s, Vt = randomized_svd(X, k, seed, power_iterations, oversamples)
    else:
        with single_threaded_blas():
            U, s, Vt = _lanczos(X, k, solver, seed)
    order = np.argsort(-s, kind="stable")
    U, s, Vt = U[:, order], s[order], Vt[order]
    U, Vt = orient_signs(U, Vt)
    return SVDResult(U=np.ascontiguousarray(U), s=s, Vt=np.ascontiguousarray(Vt), solver=solver)


def _lanczos(X, k: int, solver: str, seed: int):
    """Run scipy's svds; PROPACK falls back to ARPACK when its Krylov space is too small.

    BLAS is pinned to one thread (by the caller): the result then does not depend on the
    machine's thread count, and PROPACK's many small BLAS calls run faster without threads.
    """
    from scipy.sparse.linalg import svds

    if solver == "propack":
        try:
            return svds(X, k=k, solver="propack", rng=np.random.default_rng(seed))
        except np.linalg.LinAlgError:
            solver = "arpack"
    rng = np.random.default_rng(seed)
    v0 = rng.uniform(-1.0, 1.0, size=min(X.shape)).astype(X.dtype)
    return svds(X, k=k, solver=solver, v0=v0, rng=rng)


def orient_signs(U: np.ndarray, Vt: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Flip each component so its largest-magnitude term loading is positive."""
    pivots = np.argmax(np.abs(Vt), axis=1)
    signs = np.sign(Vt[np.arange(Vt.shape[0]), pivots])
    signs[signs == 0] = 1
    return U * signs, Vt * signs[:, None]
