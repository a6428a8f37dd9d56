"""topiccli: topic modeling from the command line and from Python.

``topiccli.TopicModel`` (texts in, the CLI's own fit underneath) and ``topiccli.NMF`` /
``topiccli.TruncatedSVD`` (a matrix in, the CLI's defaults) are scikit-learn estimators
(docs/python.md); ``topiccli.truncated_svd`` and ``topiccli.nmf`` are the factorization core
with its own defaults. All are imported on first use, so ``import topiccli`` and ``topics
--help`` load neither numpy nor scikit-learn.
"""

from __future__ import annotations

__version__ = "0.1.0"

_LAZY = {
    "nmf": "topiccli.factorize",
    "truncated_svd": "topiccli.factorize",
    "NMFResult": "topiccli.factorize",
    "SVDResult": "topiccli.factorize",
    "NMF": "topiccli.models",
    "TruncatedSVD": "topiccli.models",
    "TopicModel": "topiccli.models",
    "c_npmi_scorer": "topiccli.models",
    "FitReport": "topiccli.models",
}

__all__ = ["FitReport", "NMF", "NMFResult", "SVDResult", "TopicModel", "TruncatedSVD",
           "__version__", "c_npmi_scorer", "nmf", "truncated_svd"]  # fmt: skip


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'topiccli' has no attribute {name!r}")
