"""Nonnegative starting points for NMF: NNDSVD (Boutsidis & Gallopoulos, 2008) and random."""

from __future__ import annotations

import numpy as np

from ._svd import _truncated_svd
from .options import NMF_INITS  # noqa: F401  (the starts this module makes)


def initialize(X, k: int, init: str, seed: int, *, threads: int | None = None,
               svd=None) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    """Return nonnegative (W, H) of shapes (m, k) and (k, n) in X's dtype. NNDSVD starts from
    ``svd``, X's rank-k truncated SVD (an ``SVDResult``), when given (the Dask engine's,
    computed on the workers); else from the core's, on ``threads`` threads."""
    if init == "random":
        return _random_init(X, k, seed)
    if svd is None:
        svd = _truncated_svd(X, k, "propack", seed, threads=threads)
    W, H = nndsvd(svd, X.dtype)
    if init == "nndsvda":
        # NNDSVD leaves exact zeros that multiplicative updates can never move; fill them with
        # the mean of X so every entry can still change.
        mean = _mean(X)
        W[W == 0] = mean
        H[H == 0] = mean
    return W, H


def _mean(X) -> float:
    return float(X.sum()) / (X.shape[0] * X.shape[1])


def _random_init(X, k: int, seed: int):
    rng = np.random.default_rng(seed)
    scale = np.sqrt(_mean(X) / k)
    W = scale * np.abs(rng.standard_normal((X.shape[0], k)))
    H = scale * np.abs(rng.standard_normal((k, X.shape[1])))
    return W.astype(X.dtype, copy=False), H.astype(X.dtype, copy=False)


def nndsvd(svd, dtype) -> tuple[np.ndarray, np.ndarray]:
    """NNDSVD's (W, H) in ``dtype`` from a truncated SVD (Boutsidis & Gallopoulos, 2008)."""
    U, s, Vt = svd.U, svd.s, svd.Vt
    pos_u, neg_u = np.maximum(U, 0), np.maximum(-U, 0)
    pos_v, neg_v = np.maximum(Vt, 0), np.maximum(-Vt, 0)
    npu, nnu = np.linalg.norm(pos_u, axis=0), np.linalg.norm(neg_u, axis=0)
    npv, nnv = np.linalg.norm(pos_v, axis=1), np.linalg.norm(neg_v, axis=1)
    use_pos = npu * npv >= nnu * nnv
    norm_u = np.where(use_pos, npu, nnu)
    norm_v = np.where(use_pos, npv, nnv)
    u = np.where(use_pos, pos_u, neg_u)
    v = np.where(use_pos[:, None], pos_v, neg_v)
    scale = np.sqrt(s * norm_u * norm_v)
    with np.errstate(invalid="ignore", divide="ignore"):
        W = np.nan_to_num(u / norm_u) * scale
        H = np.nan_to_num(v / norm_v[:, None]) * scale[:, None]
    eps = np.finfo(dtype).eps
    W[eps > W] = 0
    H[eps > H] = 0
    return W.astype(dtype, copy=False), H.astype(dtype, copy=False)
