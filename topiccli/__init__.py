"""topiccli: topic modeling from the command line and from Python.

``topiccli.truncated_svd`` and ``topiccli.nmf`` are the factorization core; they are imported
on first use so that ``topics --help`` starts fast.
"""

from __future__ import annotations

__version__ = "0.1.0"

_LAZY = {
    "nmf": "topiccli.factorize",
    "truncated_svd": "topiccli.factorize",
    "NMFResult": "topiccli.factorize",
    "SVDResult": "topiccli.factorize",
}

__all__ = ["NMFResult", "SVDResult", "__version__", "nmf", "truncated_svd"]


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'topiccli' has no attribute {name!r}")
