"""The core's steps, published for an engine that runs them elsewhere (``topiccli.distributed``).

The Dask engine runs the core's own arithmetic on row blocks held by its workers, so that a
fit from the same start gives the core's result: the Frobenius update kernels and the phase that
applies them to row chunks, the KL sparse pattern and its constants, the named starts (NNDSVD
from a given truncated SVD), the SVD driver, the option checks, the result types. They are
named here once, publicly; the modules that define them keep their own names private.
Everything here trusts its inputs: the entries (``topiccli.nmf``, ``topiccli.truncated_svd`` and
the Dask engine's own) validate them first.
"""

from __future__ import annotations

from ._frobenius import (
    Extrapolation,
    FactorStats,
    Problem,
    extrapolation_step,
    gram,
    objective,
    squared_error,
)
from ._frobenius import _hals_prepare as hals_prepare
from ._frobenius import _hals_update as hals_update
from ._frobenius import _mu_update as mu_update
from ._frobenius import _phase as phase
from ._frobenius import _sum_in_order as sum_in_order
from ._kl import _ETA_MAX as ETA_MAX
from ._kl import _FLOOR as FLOOR
from ._kl import _GROWTH as GROWTH
from ._kl import Penalty, SparsePattern, relaxed_ratio
from ._kl import _Serial as Serial
from ._nmf import _INNER_DELTA as INNER_DELTA
from ._nmf import _MAX_INNER as MAX_INNER
from ._nmf import DEFAULT_MAX_ITER, DEFAULT_TOL, NMFResult, check_fit_options, start
from ._nmf import _check_start as check_start
from ._nmf import _warn_not_converged as warn_not_converged
from ._parallel import Chunked, tile_rows, transpose_csr
from ._svd import SVDResult, orient_signs
from ._svd import _lanczos as lanczos
from ._validation import check_choice, check_matrix, check_nonnegative_float, check_rank, check_seed

__all__ = [
    "extrapolation_step",
    "DEFAULT_MAX_ITER",
    "DEFAULT_TOL",
    "ETA_MAX",
    "FLOOR",
    "GROWTH",
    "INNER_DELTA",
    "MAX_INNER",
    "Chunked",
    "Extrapolation",
    "FactorStats",
    "NMFResult",
    "Penalty",
    "Problem",
    "SVDResult",
    "Serial",
    "SparsePattern",
    "check_choice",
    "check_fit_options",
    "check_matrix",
    "check_nonnegative_float",
    "check_rank",
    "check_seed",
    "check_start",
    "gram",
    "hals_prepare",
    "hals_update",
    "lanczos",
    "mu_update",
    "objective",
    "orient_signs",
    "phase",
    "relaxed_ratio",
    "squared_error",
    "start",
    "sum_in_order",
    "tile_rows",
    "transpose_csr",
    "warn_not_converged",
]
