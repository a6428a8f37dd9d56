"""topiccli: topic modeling from the command line and from Python.

``topiccli.TopicModel`` (texts in, the CLI's own fit underneath) and ``topiccli.NMF`` /
``topiccli.TruncatedSVD`` (a matrix in, the CLI's defaults) are scikit-learn estimators
(docs/python.md); ``topiccli.truncated_svd`` and ``topiccli.nmf`` are the factorization core
with its own defaults; ``topiccli.Engine`` is where a fit computes (``LocalEngine``, or
``topiccli.distributed.DaskEngine``; ``open_engine`` chooses as ``--scheduler`` does). All
are imported on first use, so ``import topiccli`` and ``topics --help`` load neither numpy nor
scikit-learn.
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
    "Engine": "topiccli.models.engine",
    "LocalEngine": "topiccli.models.engine",
    "open_engine": "topiccli.models.engine",
}

__all__ = ["Engine", "FitReport", "LocalEngine", "NMF", "NMFResult", "SVDResult", "TopicModel",
           "TruncatedSVD", "__version__", "c_npmi_scorer", "nmf", "open_engine",
           "truncated_svd"]  # fmt: skip


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'topiccli' has no attribute {name!r}")
