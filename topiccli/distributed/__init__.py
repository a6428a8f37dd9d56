"""The distributed engine (optional extra ``topiccli[dask]``): topiccli past one machine, on Dask.

Nothing outside this package imports it at module level, and the core (``topiccli.factorize``)
never imports dask. The pieces:

* :func:`connect` (``cluster``): a ``distributed.Client`` on a LocalCluster (``"local"``,
  ``"local:N"``) or a running scheduler; :func:`close`, :func:`connected`.
* ``blocks``: a document-term matrix as CSR row blocks living on the workers
  (:class:`DistributedCSR`): :func:`scatter_csr` from a local matrix, or
  :func:`vectorize_files`, a two-pass vectorizer where each worker reads its own share of the
  input files and the vocabulary is pruned on the corpus's global document frequencies.
* :func:`nmf` (``nmf``): row-partitioned NMF (Frobenius HALS/MU, KL MU/amu), W on the workers and
  H on the client, agreeing with :func:`topiccli.nmf` from the same start.
* :func:`truncated_svd` (``svd``): exact truncated SVD through distributed products.

The names are imported on first use, so ``import topiccli.distributed`` alone imports no dask.
"""

from __future__ import annotations

_LAZY = {
    "connect": "cluster",
    "close": "cluster",
    "connected": "cluster",
    "DistributedCSR": "blocks",
    "scatter_csr": "blocks",
    "vectorize_files": "blocks",
    "nmf": "nmf",
    "truncated_svd": "svd",
    "EngineError": "errors",
}

__all__ = sorted(_LAZY)


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
