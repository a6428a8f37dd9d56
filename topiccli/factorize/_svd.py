"""Truncated SVD (LSA) of a sparse matrix, without ever making it dense.

Sign convention: every component is oriented so that the entry of largest magnitude in its right
singular vector (its row of ``Vt``, the term loadings) is positive; on a tie, the first such
term wins. The left vector ``U[:, i]`` is flipped with it, so ``U @ diag(s) @ Vt`` is unchanged.
Components come in decreasing order of singular value.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._parallel import Chunked, runner, transpose_csr
from ._validation import check_choice, check_matrix, check_rank, check_seed
from .options import SVD_SOLVERS
from .threads import resolve_threads


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
    threads: int | None = None,
) -> SVDResult:
    """Return the k leading singular triplets of X, largest first, with deterministic signs.

    ``X`` is a scipy sparse matrix or a numpy array; it is never densified, and float32 stays
    float32. ``solver`` is ``"propack"`` (default: scipy's Lanczos bidiagonalization, exact
    and fastest on document-term matrices), ``"arpack"`` (exact too), or ``"randomized"``
    (Halko et al.: ``k + oversamples`` random vectors sharpened by ``power_iterations``
    rounds, default 7, or 4 when k ≥ 10% of min(X.shape); approximate on flat spectra).
    ``seed`` fixes the starting vectors, so a run is reproducible, whatever the thread count.
    k must be below min(X.shape). ``threads``: worker threads (None: the CPUs available; the
    result does not depend on it).

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
    threads = resolve_threads(threads)
    return _truncated_svd(X, k, solver, seed, power_iterations, oversamples, threads)


def _check_count(name: str, value) -> int:
    import numbers

    from ..errors import InvalidParameterError

    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 0:
        raise InvalidParameterError(f"{name} must be an integer >= 0, got {value!r}")
    return int(value)


def _truncated_svd(
    X,
    k: int,
    solver: str,
    seed: int,
    power_iterations: int = 7,
    oversamples: int = 10,
    threads: int | None = None,
) -> SVDResult:
    if solver == "randomized":
        from ._randomized import randomized_svd

        U, s, Vt = randomized_svd(X, k, seed, power_iterations, oversamples, threads)
    else:
        with runner(threads) as pool:
            U, s, Vt = _lanczos(X, _operator(X, pool), k, solver, seed)
    order = np.argsort(-s, kind="stable")
    U, s, Vt = U[:, order], s[order], Vt[order]
    U, Vt = orient_signs(U, Vt)
    return SVDResult(U=np.ascontiguousarray(U), s=s, Vt=np.ascontiguousarray(Vt), solver=solver)


def _operator(X, pool):
    """X as a LinearOperator whose products run on row chunks of X and of Xᵀ (both CSR).

    scipy would compute Xᵀu through X's CSC view, a scatter several times slower than a CSR
    product; the chunks run on our threads, each output row computed whole, so the result
    does not depend on the thread count.
    """
    import scipy.sparse as sp
    from scipy.sparse.linalg import LinearOperator

    if not sp.issparse(X):
        return X
    rows = 8192
    A, At = Chunked(X, rows), Chunked(transpose_csr(X), rows)

    def product(chunks):
        def apply(v):
            v = np.asarray(v, dtype=X.dtype).reshape(-1)
            out = np.empty(chunks.shape[0], dtype=X.dtype)

            def task(c):
                a, b = chunks.bounds[c]
                out[a:b] = chunks.parts[c] @ v

            pool.map(task, len(chunks))
            return out

        return apply

    return LinearOperator(X.shape, matvec=product(A), rmatvec=product(At), dtype=X.dtype)


def _lanczos(X, A, k: int, solver: str, seed: int):
    """Run scipy's svds; PROPACK falls back to ARPACK when its Krylov space is too small.

    BLAS is pinned to one thread (by the caller): the result then does not depend on the
    machine's thread count, and PROPACK's many small BLAS calls run faster without threads.
    """
    from scipy.sparse.linalg import svds

    if solver == "propack":
        try:
            U, s, Vt = svds(A, k=k, solver="propack", rng=np.random.default_rng(seed))
            if _residuals_small(X, U, s, Vt):
                return U, s, Vt
        except np.linalg.LinAlgError:
            pass
        solver = "arpack"
    rng = np.random.default_rng(seed)
    v0 = rng.uniform(-1.0, 1.0, size=min(X.shape)).astype(X.dtype)
    return svds(A, k=k, solver=solver, v0=v0, rng=rng)


def _residuals_small(X, U, s, Vt) -> bool:
    """Whether X·v ≈ σ·u and Xᵀ·u ≈ σ·v for every triplet.

    PROPACK can return spurious triplets on a rank-deficient matrix (asked for more
    components than X's rank, it reported σ = 6.4 for a zero singular value); a spurious
    triplet has a residual of the order of σ itself, a converged one of rounding size.
    """
    # One random combination of the triplets costs two matrix-vector products instead of 2k,
    # and a spurious triplet shows in it unless the weights cancel it exactly (probability 0).
    c = np.random.default_rng(0).standard_normal(s.shape[0]).astype(U.dtype)
    scale = max(float(np.max(s, initial=0.0)), np.finfo(np.float64).tiny)
    limit = np.sqrt(np.finfo(X.dtype).eps) * scale * float(np.linalg.norm(c))
    right = np.linalg.norm(X @ (Vt.T @ c) - U @ (s * c))
    left = np.linalg.norm(X.T @ (U @ c) - Vt.T @ (s * c))
    return bool(right <= limit and left <= limit)


def orient_signs(U: np.ndarray, Vt: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Flip each component so its largest-magnitude term loading is positive."""
    pivots = np.argmax(np.abs(Vt), axis=1)
    signs = np.sign(Vt[np.arange(Vt.shape[0]), pivots])
    signs[signs == 0] = 1
    return U * signs, Vt * signs[:, None]
