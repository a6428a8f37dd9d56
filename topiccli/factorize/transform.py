"""Topic weights of documents against fixed topics: NMF's transform (and SVD's projection).

Given H (k × n) from a fit, each row x of X gets the weights w ≥ 0 that the fit's own loss and
penalty on W would give it with H held fixed:

* Frobenius: min ½‖x − wH‖² + l1·Σw + ½·l2·‖w‖² — a nonnegative least-squares problem per
  row, solved for all rows at once by HALS sweeps over the k columns (each sweep a few dense
  m×k operations, no Python loop over rows);
* KL: min D(x‖wH) (+ the same penalties), by the over-relaxed multiplicative W half-steps the
  fit uses (``_kl.kl_fixed_h``).

The penalty is scikit-learn's, scaled as in the fit (``Penalty.scaled``). Both problems are
convex and separate by rows, so a training document and a new one are treated alike: this is
the one definition of a document's NMF weights (the table's ``docs``, labels, ``--doc-topics``,
bundles and ``topics infer`` all use it). For SVD the weights are the projection X·Vᵀ.
"""

from __future__ import annotations

import numpy as np

from ._kl import Penalty, kl_fixed_h
from ._validation import check_choice, check_matrix, check_nonnegative_float

NNLS_MAX_SWEEPS = 2000
NNLS_TOL = 1e-10


def nmf_transform(
    X,
    H,
    *,
    loss: str = "frobenius",
    alpha_W: float = 0.0,
    l1_ratio: float = 0.0,
    threads: int | None = None,
) -> np.ndarray:
    """W ≥ 0 (rows of X × k) minimizing the loss against the fixed topics H (see the module).

    ``alpha_W`` and ``l1_ratio`` are the fit's (scikit-learn's meaning and scaling);
    ``threads``: the KL solve's worker threads (None: the CPUs available).
    """
    X = check_matrix(X, nonnegative=True)
    H = np.asarray(check_matrix(H, nonnegative=True), dtype=np.float64)
    check_choice("loss", loss, ("frobenius", "kl"))
    alpha_W = check_nonnegative_float("alpha_W", alpha_W)
    if X.shape[1] != H.shape[1]:
        from ..errors import InvalidParameterError

        raise InvalidParameterError(
            f"X has {X.shape[1]} columns but H has {H.shape[1]}", params=("X", "H")
        )
    penalty = Penalty.scaled(X.shape, alpha_W, 0.0, float(l1_ratio))
    l1, l2 = penalty.l1_W, penalty.l2_W
    if loss == "kl":
        return kl_fixed_h(X, H, l1=l1, l2=l2, threads=threads)
    return nnls_fixed_h(X, H, l1=l1, l2=l2)


def project(X, Vt) -> np.ndarray:
    """SVD's document weights: X·Vᵀ (= U·Σ for the training rows)."""
    return np.ascontiguousarray(np.asarray(X @ np.asarray(Vt).T, dtype=np.float64))


def nnls_fixed_h(
    X,
    H: np.ndarray,
    *,
    l1: float = 0.0,
    l2: float = 0.0,
    max_sweeps: int = NNLS_MAX_SWEEPS,
    tol: float = NNLS_TOL,
) -> np.ndarray:
    """W ≥ 0 minimizing ½‖X − W·H‖²_F + l1·ΣW + ½·l2·‖W‖²_F for a fixed H, all rows at once.

    HALS: W[:, t] ← max(0, W[:, t] + ((X·Hᵀ)[:, t] − W·(H·Hᵀ + l2·I)[:, t] − l1) /
    ((H·Hᵀ)[t, t] + l2)), the exact minimizer over column t with the others fixed. Starts from
    the clipped unconstrained solution; a row leaves the sweeps once one changes it by less
    than ``tol`` relative to its norm, so the cost follows the hard rows. X is only touched
    once, in X·Hᵀ.
    """
    H = np.asarray(H, dtype=np.float64)
    XHt = np.asarray(X @ H.T, dtype=np.float64) - l1
    HHt = H @ H.T + l2 * np.eye(H.shape[0])
    diagonal = np.diag(HHt).copy()
    W = np.maximum(np.linalg.lstsq(HHt, XHt.T, rcond=None)[0].T, 0.0)
    W[:, diagonal <= 0.0] = 0.0  # a topic with no terms takes no weight
    topics = np.flatnonzero(diagonal > 0.0)
    active = np.arange(W.shape[0])
    for _ in range(max_sweeps):
        if not active.size:
            break
        block, target = np.asfortranarray(W[active]), XHt[active]
        change = np.zeros(active.size)
        for t in topics:
            column = block[:, t]
            updated = np.maximum(column + (target[:, t] - block @ HHt[:, t]) / diagonal[t], 0.0)
            change += (updated - column) ** 2
            block[:, t] = updated
        W[active] = block
        norms = np.einsum("ij,ij->i", block, block)
        active = active[change > tol * tol * np.maximum(norms, np.finfo(float).tiny)]
    return W
