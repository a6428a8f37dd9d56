"""The factorization core: pure numpy/scipy, arrays in and arrays out.

Its names are imported on first use, so ``topiccli.factorize.options`` (the choices and
their rules) can be checked without loading numpy.
"""

from __future__ import annotations

_LAZY = {
    "NMFResult": "_nmf",
    "nmf": "_nmf",
    "SVDResult": "_svd",
    "truncated_svd": "_svd",
    "nmf_transform": "transform",
    "project": "transform",
    "NMF_INITS": "options",
    "NMF_LOSSES": "options",
    "NMF_SOLVERS": "options",
    "SVD_SOLVERS": "options",
    "check_nmf_options": "options",
    "Seeding": "seeding",
    "seeded_nmf": "seeding",
}

__all__ = sorted(_LAZY)


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
