"""The factorization core: pure numpy/scipy, arrays in and arrays out."""

from .nmf import NMF_INITS, NMF_LOSSES, NMF_SOLVERS, NMFResult, nmf
from .svd import SVD_SOLVERS, SVDResult, truncated_svd

__all__ = [
    "NMF_INITS",
    "NMF_LOSSES",
    "NMF_SOLVERS",
    "NMFResult",
    "SVD_SOLVERS",
    "SVDResult",
    "nmf",
    "truncated_svd",
]
