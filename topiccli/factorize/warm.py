"""A warm start for NMF from a seeded sample of the documents (rows of X).

On a large corpus most of what the first iterations learn, the topics (H), can be learnt from a
sample: fit the same model on ``size`` rows drawn without replacement (seeded), take its H as
the start for the whole matrix, solve W once against it, and iterate from there to the usual
stopping rule. The sample's fit costs a fraction of a full iteration per iteration, and the
whole-corpus run then needs fewer iterations than from a cold start.

"Solve W once": for Frobenius, the unconstrained least squares X·Hᵀ(HHᵀ)⁻¹ clipped at zero and
refined by a few exact coordinate-descent sweeps (HALS on W alone); for KL, a few of the
over-relaxed multiplicative W half-steps from W_i· = ΣX_i·/ΣH (``kl_fixed_h``). Terms that no
sampled document uses get an H column of zeros; under multiplicative updates (KL) they are
lifted to a small floor, since those never move an exact zero.
"""

from __future__ import annotations

import numpy as np

_W_SWEEPS = 3
_KL_W_STEPS = 10


def sample_rows(m: int, size: int, seed: int) -> np.ndarray:
    """``size`` distinct row indices of ``m``, sorted, drawn from ``seed`` (all rows if more)."""
    if size >= m:
        return np.arange(m)
    rng = np.random.default_rng([seed, m, size])
    return np.sort(rng.choice(m, size=size, replace=False))


def solve_w_frobenius(X, H: np.ndarray) -> np.ndarray:
    """W ≥ 0 nearly minimizing ‖X − WH‖² for a fixed H: clipped least squares + HALS sweeps."""
    G = (H @ H.T).astype(np.float64)
    P = np.asarray(X @ H.T, dtype=np.float64)  # m×k
    k = G.shape[0]
    ridge = 1e-10 * max(float(np.trace(G)) / max(k, 1), 1e-300)
    W = np.maximum(np.linalg.solve(G + ridge * np.eye(k), P.T).T, 0.0)
    for _ in range(_W_SWEEPS):
        for j in range(k):
            if G[j, j] <= 0:
                W[:, j] = 0.0
                continue
            W[:, j] = np.maximum(W[:, j] + (P[:, j] - W @ G[:, j]) / G[j, j], 0.0)
    return np.ascontiguousarray(W, dtype=H.dtype)


def solve_w_kl(X, H: np.ndarray) -> np.ndarray:
    """W ≥ 0 lowering D(X‖WH) for a fixed H: a few over-relaxed multiplicative half-steps."""
    from ._kl import kl_fixed_h

    W = kl_fixed_h(X, H, max_iter=_KL_W_STEPS, tol=1e-4)
    return np.ascontiguousarray(W, dtype=H.dtype)


def lift_zeros(F: np.ndarray, X) -> np.ndarray:
    """F with its exact zeros raised to a floor small against X's scale (for MU solvers)."""
    mean = float(X.sum(dtype=np.float64)) / (X.shape[0] * X.shape[1])
    floor = 1e-6 * np.sqrt(max(mean, 0.0) / F.shape[0 if F.shape[0] < F.shape[1] else 1])
    return np.maximum(F, F.dtype.type(floor or 1e-12))
