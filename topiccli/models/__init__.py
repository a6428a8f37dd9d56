"""Python estimators over the CLI's own machinery (scikit-learn's estimator contract).

* :class:`NMF` and :class:`TruncatedSVD` (``topiccli.models.estimators``) take a matrix X and
  factorize it with the core (topiccli.factorize) under the CLI's defaults;
* :class:`TopicModel` (``topiccli.models.topic_model``) takes texts and runs the CLI's own fit
  (topiccli.models.run), so a notebook and ``topics nmf`` give the same topics; its
  ``report_`` is a :class:`FitReport` and :func:`c_npmi_scorer` scores it for GridSearchCV.

Imported on first use: ``import topiccli.models`` loads neither numpy nor scikit-learn.
"""

from __future__ import annotations

_LAZY = {"NMF": "estimators", "TruncatedSVD": "estimators", "TopicModel": "topic_model",
         "c_npmi_scorer": "topic_model", "FitReport": "fit_report"}  # fmt: skip

__all__ = sorted(_LAZY)


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
