"""The distributed engine (optional extra ``topiccli[dask]``): topiccli past one machine, on Dask.

Nothing outside this package imports it at module level, and the core (``topiccli.factorize``)
never imports dask. The pieces:

* :class:`DaskEngine` (``engine``): ``topiccli.Engine`` on a cluster, what ``--scheduler``
  and ``TopicModel(engine=...)`` run on (connects on first use, closes its client).
* :func:`connect` (``cluster``): a ``distributed.Client`` on a LocalCluster (``"local"``,
  ``"local:N"``) or a running scheduler; :func:`close`, :func:`connected`.
* ``blocks``: a document-term matrix as CSR row blocks living on the workers
  (:class:`DistributedCSR`): :func:`scatter_csr` from a local matrix, or
  :func:`vectorize_files`, a two-pass vectorizer where each worker reads its own share of the
  input files and the vocabulary is pruned on the corpus's global document frequencies (the
  texts stay on the workers too: ``texts.WorkerTexts``); ``transform_files`` reads new
  documents the same way over a saved model's vocabulary; ``rebalance`` spreads few blocks
  over every worker.
* :func:`nmf` (``nmf``): row-partitioned NMF (Frobenius HALS/MU, KL MU/amu), W on the workers and
  H on the client, agreeing with :func:`topiccli.nmf` from the same start.
* :func:`truncated_svd` (``svd``): exact truncated SVD through distributed products.
* ``weights``: the documents' topic weights computed next to X's blocks, kept on the workers
  (:class:`~topiccli.distributed.weights.DistributedRows`).
* ``parts``: a file written by partition, each worker its own block's part, joined atomically by
  the client (``--doc-topics`` on a cluster).

Importing the package imports numpy, scipy and the core, never dask: dask is imported inside the
functions that talk to a cluster.
"""

from __future__ import annotations

from .blocks import DistributedCSR, scatter_csr, vectorize_files
from .cluster import close, connect, connected
from .engine import DaskEngine
from .errors import EngineError
from .nmf import nmf
from .svd import truncated_svd

__all__ = [
    "DaskEngine",
    "DistributedCSR",
    "EngineError",
    "close",
    "connect",
    "connected",
    "nmf",
    "scatter_csr",
    "truncated_svd",
    "vectorize_files",
]
