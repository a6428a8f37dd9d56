"""How much of the corpus a model accounts for, computed without densifying X.

* NMF: the relative reconstruction error ‖X − WH‖_F / ‖X‖_F (0 is a perfect fit), whatever the
  loss: under KL it is computed from the factors (the solver's own error is √(2·D), not this).
* SVD: the explained variance ratio, defined as scikit-learn's ``TruncatedSVD`` defines it:
  the variance (over documents) of the data projected on component i, Var(X vᵢ) =
  Var(σᵢ uᵢ), divided by the total variance of X's columns, Σⱼ Var(X[:, j]). The total is
  ‖X‖²_F / m − ‖x̄‖² for the column means x̄, so X is never centred or made dense.
  The components are not centred first (LSA is not PCA), so the ratios need not add up to the
  share of ‖X‖²_F the components hold; their sum is the ``total``.
"""

from __future__ import annotations

import numpy as np

from .. import held


def squared_norm(X) -> float:
    return held.squared_norm(X)


def relative_error(X, reconstruction_error: float) -> float:
    """‖X − WH‖_F / ‖X‖_F, from the absolute error the solver reports."""
    norm = np.sqrt(squared_norm(X))
    return float(reconstruction_error / norm) if norm > 0 else 0.0


def frobenius_error(X, W: np.ndarray, H: np.ndarray) -> float:
    """‖X − WH‖_F without forming WH: ‖X‖² − 2⟨X·Hᵀ, W⟩ + ⟨WᵀW, HHᵀ⟩."""
    W = np.asarray(W, dtype=np.float64)
    H = np.asarray(H, dtype=np.float64)
    cross = held.cross(X, W, H)
    square = float(np.vdot(W.T @ W, H @ H.T))
    return float(np.sqrt(max(squared_norm(X) - 2.0 * cross + square, 0.0)))


def total_variance(X) -> float:
    """Σⱼ Var(X[:, j]) over the rows (ddof 0), from ‖X‖²_F and the column means."""
    m = X.shape[0]
    means = held.column_sums(X) / m
    return max(squared_norm(X) / m - float(means @ means), 0.0)


def explained_variance_ratio(X, U: np.ndarray, s: np.ndarray) -> np.ndarray:
    """Var(σᵢ uᵢ) / Σⱼ Var(X[:, j]) for each component (scikit-learn's definition)."""
    projected = np.var(U * s, axis=0)
    total = total_variance(X)
    return projected / total if total > 0 else np.zeros_like(projected)
