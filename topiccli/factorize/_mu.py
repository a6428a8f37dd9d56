"""Multiplicative updates for Frobenius NMF (Lee & Seung), as derived in the tutorial.

H ← H ∘ (WᵀX) / (WᵀW H),  W ← W ∘ (XHᵀ) / (W HHᵀ); a tiny constant in each denominator keeps
an all-zero row or column from dividing by zero.
"""

from __future__ import annotations

import numpy as np


def mu_step(X, W: np.ndarray, H: np.ndarray, norm_x_sq: float) -> float:
    """Update H then W in place; return ‖X − WH‖²_F for the updated factors."""
    eps = np.finfo(W.dtype).eps
    WtX = (X.T @ W).T
    WtW = W.T @ W
    H *= WtX / (WtW @ H + eps)
    XHt = X @ H.T
    HHt = H @ H.T
    W *= XHt / (W @ HHt + eps)
    return squared_error(norm_x_sq, XHt, W, HHt)


def squared_error(norm_x_sq: float, XHt: np.ndarray, W: np.ndarray, HHt: np.ndarray) -> float:
    """‖X − WH‖²_F from products already formed: ‖X‖² − 2⟨XHᵀ, W⟩ + ⟨WᵀW, HHᵀ⟩."""
    value = norm_x_sq - 2.0 * float(np.vdot(XHt, W)) + float(np.vdot(W.T @ W, HHt))
    return max(value, 0.0)
