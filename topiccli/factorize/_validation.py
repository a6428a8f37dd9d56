"""Checks at the public entry of the factorization core (done once; internals trust them)."""

from __future__ import annotations

import numbers

import numpy as np
import scipy.sparse as sp

from ..errors import InvalidParameterError
from .options import check_choice  # noqa: F401  (shared with the numpy-free checks)


def check_matrix(X, *, nonnegative: bool = False):
    """Return X as a float CSR matrix or float ndarray, never densifying sparse input.

    float32 input stays float32; any other dtype becomes float64. NaN and infinity are refused,
    and so are negative entries when ``nonnegative`` is set.
    """
    if sp.issparse(X):
        X = sp.csr_matrix(X)
        dtype = X.dtype if X.dtype in (np.float32, np.float64) else np.float64
        X = X.astype(dtype, copy=False)
        X.sum_duplicates()
        values = X.data
    else:
        X = np.asarray(X)
        if X.dtype == object or not np.issubdtype(X.dtype, np.number):
            raise InvalidParameterError("X must be a numeric array or a scipy sparse matrix")
        dtype = X.dtype if X.dtype in (np.float32, np.float64) else np.float64
        X = np.ascontiguousarray(X, dtype=dtype)
        values = X
    if X.ndim != 2:
        raise InvalidParameterError(f"X must be 2-dimensional, got {X.ndim} dimension(s)")
    if min(X.shape) == 0:
        raise InvalidParameterError(f"X must have at least one row and one column, got {X.shape}")
    if not np.all(np.isfinite(values)):
        raise InvalidParameterError("X contains NaN or infinity")
    if nonnegative and values.size and values.min() < 0:
        raise InvalidParameterError("X must be nonnegative for NMF")
    return X


def check_rank(k, shape, *, strict: bool) -> int:
    """Check the number of components against the matrix shape.

    Sparse truncated SVD solvers need k < min(shape) (``strict``); NMF allows k ≤ min(shape).
    """
    if isinstance(k, bool) or not isinstance(k, numbers.Integral):
        raise InvalidParameterError(f"k must be an integer, got {k!r}", params=("k",))
    limit = min(shape) - 1 if strict else min(shape)
    if not 1 <= k <= limit:
        bound = "min(n_documents, n_terms) - 1" if strict else "min(n_documents, n_terms)"
        raise InvalidParameterError(
            f"k must be between 1 and {bound} = {limit} for a {shape[0]}×{shape[1]} matrix, "
            f"got {k}",
            params=("k",),
        )
    return int(k)


def check_positive_int(name: str, value) -> int:
    """Check an integer ≥ 1."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise InvalidParameterError(
            f"{name} must be a positive integer, got {value!r}", params=(name,)
        )
    return int(value)


def check_nonnegative_int(name: str, value) -> int:
    """Check an integer ≥ 0."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 0:
        raise InvalidParameterError(
            f"{name} must be a nonnegative integer, got {value!r}", params=(name,)
        )
    return int(value)


def check_nonnegative_float(name: str, value) -> float:
    """Check a finite real ≥ 0."""
    if (
        isinstance(value, bool)
        or not isinstance(value, numbers.Real)
        or not np.isfinite(value)
        or value < 0
    ):
        raise InvalidParameterError(
            f"{name} must be a finite number >= 0, got {value!r}", params=(name,)
        )
    return float(value)


def check_seed(seed) -> int:
    """Check a seed: a nonnegative integer."""
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise InvalidParameterError(
            f"seed must be a nonnegative integer, got {seed!r}", params=("seed",)
        )
    return int(seed)
