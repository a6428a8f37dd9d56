"""The Dask engine (``--scheduler``): ``models.engine.Engine`` on a Dask cluster.

It connects when a run first needs the cluster (:meth:`DaskEngine.connect`, called before the
corpus is read, so an unreachable scheduler fails before any work and a run answered by the run
cache never connects) and closes the client (and the LocalCluster it started) on
:meth:`DaskEngine.close`. :meth:`DaskEngine.reads` says whether the workers read a source
themselves (a folder, a records file or shards they can see): :meth:`DaskEngine.read` (``svd``,
``nmf``, ``sweep``) and :meth:`DaskEngine.read_new` (``infer``) then give a corpus and matrix
held on the workers (``topiccli.held``), which scoring, bundles and the explorer ask for
answers only. :meth:`DaskEngine.place` scatters a local matrix as CSR row blocks (once per
run: the run places its matrix and hands the blocks to every fit); ``nmf``, ``truncated_svd``
and ``document_weights`` have the core's signatures and results. The weights' row blocks stay
on the workers, so ``--doc-topics`` is written by partition (:meth:`DaskEngine.write_by_part`).

Importing this module imports no dask: the client is made by ``cluster.connect``.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
from pathlib import Path

from ..errors import TopicsError
from .cluster import check_timeout

WORKER_WAIT = 60.0
"""Seconds a step waits for a worker to come back after losing one, at least."""
TIMEOUT_ENV = "TOPICS_DASK_TIMEOUT"


class DaskEngine:
    """A run's Dask client on the scheduler at ``address``, connected on first use.

    ``timeout`` (seconds to reach the scheduler; checked by ``cluster.check_timeout``, the one
    check of the Dask timeout: a usage error, exit 2), ``quiet``: Dask's log lines stay off
    stderr."""

    local = False

    def __init__(self, address: str, timeout=None, *, quiet: bool = True,
                 timeout_name: str = "timeout") -> None:  # fmt: skip
        self.address = address
        self.timeout = check_timeout(timeout, timeout_name)
        self.quiet = quiet
        self.client = None
        self._placed = []  # the DistributedCSRs this engine scattered (released at close)
        self._latch = contextlib.ExitStack()  # Ctrl-C latched while connected (see connect)
        self._weights = None  # (the gathered weights, their DistributedRows on the workers)
        self.workers = 0
        """The cluster's workers when it was reached: the matrix's blocks follow it, not the
        workers alive at the moment (a worker just lost would change the blocks, so the order
        of the sums, so the result's last bits)."""

    @classmethod
    def from_settings(cls, address: str, settings) -> DaskEngine:
        """The engine for ``address`` with the environment's timeout and debug setting."""
        return cls(address, settings.dask_timeout, quiet=not settings.debug,
                   timeout_name=TIMEOUT_ENV)  # fmt: skip

    def __deepcopy__(self, memo) -> DaskEngine:
        """The same engine: it is a connection, shared as one (scikit-learn's ``clone`` of a
        ``TopicModel(engine=...)`` deep-copies its parameters)."""
        return self

    def __enter__(self) -> DaskEngine:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def describe(self) -> dict:
        """``{"kind": "dask", "scheduler": ADDRESS}``, with ``"workers"`` once connected."""
        described = {"kind": "dask", "scheduler": self.address}
        if self.client is not None:
            with contextlib.suppress(Exception):  # the cluster may be gone: the address is enough
                described["workers"] = len(self.client.nthreads())
        return described

    def connect(self) -> None:
        """Connect now, if not yet."""
        self.ready()

    def ready(self):
        """The client, connecting now if not yet."""
        if self.client is None:
            if importlib.util.find_spec("distributed") is None:
                raise TopicsError(
                    f"cannot use the Dask scheduler at {self.address}: the dask extra is not "
                    "installed (pip install 'topiccli[dask]'), or pass --scheduler none"
                )
            from .cluster import connect

            try:
                self.client = connect(self.address, self.timeout, quiet=self.quiet)
            except KeyboardInterrupt:
                _quiet_cluster_exit()
                raise
            self.workers = _workers_of(self.address, self.client)
            # From now on Ctrl-C is also latched: Python drops a KeyboardInterrupt raised in a
            # Dask future's finalizer, and the next wait on the cluster raises it instead.
            from ._session import latched_sigint

            self._latch.enter_context(latched_sigint())
        return self.client

    @property
    def worker_wait(self) -> float:
        """Seconds to wait for a worker after one was lost (a nanny restarts it)."""
        return max(self.timeout, WORKER_WAIT)

    def reads(self, source) -> bool:
        """Whether the workers read ``source`` themselves (:meth:`read`): a folder, a .jsonl or
        .csv file or a glob of shards whose files every worker sees (they share the client's
        filesystem: a LocalCluster, or a cluster on a shared volume). stdin and 20 Newsgroups
        are read here; so is a source the workers cannot see, with a warning."""
        if source.kind not in ("folder", "jsonl", "csv", "parquet"):
            return False
        files = source.listing[0] or [Path(source.spec.input)]
        probes = sorted({str(Path(f).resolve()) for f in (files[0], files[-1])})
        from ._session import retrying

        seen = retrying(self.ready(), self.worker_wait, _ask_workers, self.client, probes,
                        what="asking the workers what they see")  # fmt: skip
        if all(seen.values()):
            return True
        import warnings

        from ..errors import TopicsWarning

        warnings.warn(f"the Dask workers cannot see {source.spec.input}: reading it here and "
                      "sending the matrix to them", TopicsWarning, stacklevel=2)  # fmt: skip
        return False

    def read(self, source, settings, stage=None):
        """(corpus, matrix) read and vectorized on the workers, each its own share of the
        files (``vectorize_files``): the matrix's row blocks and the texts stay there
        (``held.HeldMatrix``/``HeldTexts``); the client gets ids, labels, terms, idf."""
        from ..corpus import Corpus
        from ..text.vectorize import DocumentTerm
        from .blocks import vectorize_files
        from .texts import WorkerTexts

        spec = source.spec
        data = vectorize_files(self.ready(), spec.input, settings, glob=spec.glob,
                               fields=source.fields, max_file_bytes=spec.max_file_bytes,
                               stage=stage, partitions=2 * self.workers)  # fmt: skip
        settings = getattr(data, "applied", settings)  # the language resolved there
        language = getattr(data, "language", None)
        cleaning = getattr(data, "cleaning", None)
        texts = WorkerTexts(self.client, data.documents, data.bounds, settings)  # read there
        with stage("vectorize") if stage else contextlib.nullcontext():
            data = self._spread(data)
        if language is not None:  # the same checks as one machine's (text.diagnose)
            from ..text.diagnose import diagnose

            dominant = language["code"].split("+")[0]
            language = {**language,
                        **diagnose(settings, dominant, data.row_lengths(), data.terms)}  # fmt: skip
        if cleaning is not None:
            _warn_boilerplate(settings)
        corpus = Corpus(texts, data.ids, data.labels, source.selection(), data.skipped)
        return corpus, DocumentTerm(X=data, terms=data.terms, idf=data.idf, settings=settings,
                                    language=language, cleaning=cleaning)  # fmt: skip

    def read_new(self, source, bundle):
        """(corpus, matrix) of new documents read on the workers and vectorized there over
        ``bundle``'s vocabulary (``blocks.transform_files``), for ``infer``."""
        from ..corpus import Corpus
        from .blocks import transform_files
        from .texts import WorkerTexts

        spec = source.spec
        data = transform_files(self.ready(), spec.input, bundle.vectorizer, bundle.terms,
                               bundle.idf, glob=spec.glob, fields=source.fields,
                               max_file_bytes=spec.max_file_bytes,
                               partitions=2 * self.workers)  # fmt: skip
        texts = WorkerTexts(self.client, data.documents, data.bounds, None)
        data = self._spread(data)
        corpus = Corpus(texts, data.ids, data.labels, source.selection(), data.skipped)
        return corpus, data

    def _spread(self, data):
        """``data`` rebalanced over every worker when it has fewer blocks (one records file
        is one share), and owned by the engine."""
        if data.partitions < self.workers:
            from .blocks import rebalance

            data = rebalance(data, self.workers)
        self._placed.append(data)
        return data

    def place(self, X):
        """``X``'s row blocks on the workers: a local matrix is scattered (the engine releases
        the blocks at :meth:`close`); a matrix the workers hold already is returned as is."""
        from ..held import HeldMatrix

        if isinstance(X, HeldMatrix):
            return X
        from .blocks import scatter_csr

        data = scatter_csr(self.ready(), X, partitions=self.workers)
        self._placed.append(data)
        return data

    @contextlib.contextmanager
    def _on_workers(self, X):
        """``X`` placed for one call: a local matrix's blocks are released after it."""
        from ..held import HeldMatrix

        if isinstance(X, HeldMatrix):
            yield X
            return
        from .blocks import scatter_csr

        data = scatter_csr(self.ready(), X, partitions=self.workers)
        try:
            yield data
        finally:
            with contextlib.suppress(Exception):  # the cluster may be gone already
                data.release()

    def nmf(self, X, k, **options):
        from .nmf import nmf

        with self._on_workers(X) as data:
            return nmf(data, k, **options)

    def truncated_svd(self, X, k, *, solver="propack", seed=0):
        from ._session import retrying
        from .svd import truncated_svd

        with self._on_workers(X) as data:  # X's blocks are rebuilt by Dask: run again after a loss
            return retrying(self.client, self.worker_wait, truncated_svd, data, k, solver=solver,
                            seed=seed, what="the SVD")  # fmt: skip

    def document_weights(self, method, components, X, loss="frobenius", regularization=None):
        """``quality.doc_weights.document_weights`` computed on the workers, next to X's blocks;
        the blocks stay there (for :meth:`write_by_part`) and the client gets the whole array.
        A worker lost meanwhile: computed again (at most twice more), the same weights."""
        from ._session import retrying

        with self._on_workers(X) as data:
            rows, weights = retrying(self.client, self.worker_wait, _weights, data, method,
                                     components, loss, regularization,
                                     what="the document weights")  # fmt: skip
        self._release_weights()
        self._weights = (weights.copy(), rows)
        return weights

    def write_by_part(self, path, weights, write_part, part_args, header: str) -> bool:
        """Write ``weights`` to ``path`` by partition, each worker its own block's rows
        (``parts.write_partitioned``; ``write_part(handle, block, *part_args(a, b))`` formats
        rows a:b), when the workers hold these weights (the last :meth:`document_weights`, the
        same values) and see the destination's folder. False (the caller writes the file) when
        they do not, with a warning; so when a worker is lost meanwhile."""
        import warnings

        import numpy as np

        from ..errors import TopicsWarning
        from .errors import WorkerLost
        from .parts import write_partitioned

        held = self._weights
        if held is None or not np.array_equal(held[0], weights) or not _regular_or_new(path):
            return False
        rows = held[1]
        args = [part_args(a, b) for a, b in rows.bounds]
        try:
            if write_partitioned(rows.client, rows.blocks, path, write_part, args, header):
                return True
            reason = (f"the Dask workers cannot see the folder of {path} (it is not on a "
                      "filesystem they share)")  # fmt: skip
        except WorkerLost:
            reason = f"a Dask worker was lost while writing {path}"
        warnings.warn(f"{reason}; wrote the document-topic table from this machine instead",
                      TopicsWarning, stacklevel=3)  # fmt: skip
        return False

    def _release_weights(self) -> None:
        if self._weights is not None:
            with contextlib.suppress(Exception):
                self._weights[1].release()
            self._weights = None

    def release(self) -> None:
        """Release every block the engine holds on the workers."""
        self._release_weights()
        placed, self._placed = self._placed, []
        for data in placed:
            with contextlib.suppress(Exception):  # the cluster may be gone already
                data.release()

    def close(self) -> None:
        if self.client is not None:
            from .cluster import close

            self.release()
            client, self.client = self.client, None
            try:
                close(client)
            finally:
                self._latch.close()


def _warn_boilerplate(settings) -> None:
    """Boilerplate lines are looked for over the whole corpus: not where workers read it."""
    from ..text import clean

    if "boilerplate" in clean.steps(settings.clean):
        import warnings

        from ..errors import TopicsWarning

        warnings.warn("boilerplate lines are not looked for where the Dask workers read "
                      "the corpus (each document's own cleaning is); one machine drops "
                      "them, so topics may differ where a corpus repeats footers",
                      TopicsWarning, stacklevel=3)  # fmt: skip


def _regular_or_new(path) -> bool:
    """Whether ``path`` is a regular file or not there yet (a FIFO is written by the client)."""
    import stat

    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except FileNotFoundError:
        return True
    except OSError:
        return False


def _workers_of(address: str, client) -> int:
    """How many workers the cluster has: a LocalCluster's N, else those the scheduler knows
    now (waiting for one, within the client's timeout, when none has joined yet)."""
    from .cluster import local_workers

    n = local_workers(address)
    if n is not None:
        return n
    from ._session import wait_for_workers

    wait_for_workers(client, WORKER_WAIT)
    return max(1, len(client.nthreads()))


def _weights(data, method, components, loss, regularization):
    """(the weights' row blocks on the workers, the weights gathered)."""
    from .weights import document_weights

    rows = document_weights(data, method, components, loss, regularization)
    try:
        return rows, rows.gather()
    except BaseException:
        rows.release()
        raise


def _ask_workers(client, probes: list[str]) -> dict:
    """Each worker's answer to :func:`_all_exist`; a worker lost meanwhile is WorkerLost."""
    from .errors import WorkerLost

    try:
        return client.run(_all_exist, probes)
    except Exception as exc:  # noqa: BLE001 - a worker died before it answered
        raise WorkerLost(f"a Dask worker was lost ({type(exc).__name__})") from None


def _all_exist(paths: list[str]) -> bool:
    """On a worker: whether it sees every one of ``paths``."""
    return all(os.path.exists(p) for p in paths)


def _quiet_cluster_exit() -> None:
    """Ctrl-C while a LocalCluster starts leaves it half made, and Dask's own exit hook then
    prints a traceback closing it: close it at exit without a word instead."""
    import atexit
    import logging

    from distributed.deploy import spec

    def close_quietly():
        logging.disable(logging.CRITICAL)
        with contextlib.suppress(BaseException):
            spec.close_clusters()

    atexit.unregister(spec.close_clusters)
    atexit.register(close_quietly)
