"""Randomized truncated SVD (Halko, Martinsson & Tropp 2011, algorithms 4.4 and 5.1).

Sample the range of X with k + oversamples Gaussian vectors, sharpen it with power iterations
(X Xᵀ)^q, re-orthonormalised by QR after every product so small singular directions are not
lost to rounding, then take the exact SVD of the small projected matrix QᵀX. The products run
on row chunks of X and of Xᵀ on our threads; the Gaussian draw comes from ``seed``.
"""

from __future__ import annotations

import numpy as np

from ._parallel import Chunked, runner, transpose_csr


def default_power_iterations(k: int, shape) -> int:
    """scikit-learn's rule: 7 for a small k (< 10% of min(shape)), else 4."""
    return 7 if k < 0.1 * min(shape) else 4


def _product(pool, chunks: Chunked, M: np.ndarray) -> np.ndarray:
    out = np.empty((chunks.shape[0], M.shape[1]), dtype=M.dtype)

    def task(c):
        a, b = chunks.bounds[c]
        out[a:b] = chunks.parts[c] @ M

    pool.map(task, len(chunks))
    return out


def _orthonormal(Y: np.ndarray) -> np.ndarray:
    return np.linalg.qr(Y, mode="reduced")[0]


def randomized_svd(X, k: int, seed: int, power_iterations: int, oversamples: int,
                   threads: int | None = None):  # fmt: skip
    """Return (U, s, Vt) of the k leading triplets, approximately (on ``threads`` threads)."""
    m, n = X.shape
    width = min(k + oversamples, min(m, n))
    rows = 4096
    A, At = Chunked(X, rows), Chunked(transpose_csr(X), rows)
    rng = np.random.default_rng(seed)
    with runner(threads) as pool:
        omega = rng.standard_normal((n, width)).astype(X.dtype, copy=False)
        Q = _orthonormal(_product(pool, A, omega))
        for _ in range(power_iterations):
            Z = _orthonormal(_product(pool, At, Q))
            Q = _orthonormal(_product(pool, A, Z))
        Bt = _product(pool, At, Q)  # (QᵀX)ᵀ, n × width
        Vb, s, Uht = np.linalg.svd(Bt, full_matrices=False)
        U = Q @ Uht.T
    return U[:, :k], s[:k], Vb[:, :k].T
