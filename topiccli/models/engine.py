"""Where a run factorizes: on this machine (the core) or on a Dask cluster (``--scheduler``).

The choice: the ``scheduler`` setting of a request (``--scheduler``) when given, else Dask's
own ``DASK_SCHEDULER_ADDRESS`` when it is set; ``none``/``off`` (or neither) is the core.
``local``/``local:N`` starts a LocalCluster on 127.0.0.1 for the run, any other value is a
running scheduler's address (``tcp://host:8786``).

:func:`engine` is the context a run's body runs in (``@runs_on`` wraps a run function): it
sets the current :class:`Engine`, which connects when the run first needs the cluster
(:func:`ready`, called before the corpus is read, so an unreachable scheduler fails before
any work and a run answered by the run cache never connects) and closes the client (and the
LocalCluster it started) when the run ends. :meth:`Engine.reads` says whether the workers read
a source themselves (a folder, a records file or shards they can see): :meth:`Engine.read`
(``svd``, ``nmf``, ``sweep``) and :meth:`Engine.read_new` (``infer``) then give a corpus and
matrix held on the workers (``topiccli.held``), which scoring, bundles and the explorer ask
for answers only. :func:`factorizers` gives ``nmf`` and ``truncated_svd`` with the core's
signatures: the core's, or the engine's, which run the distributed fit on the held matrix (a
local one, read here or from the corpus cache, is scattered as CSR row blocks once per
matrix); the result is the same ``NMFResult``/``SVDResult``. :func:`weigher` gives
``document_weights``: the core's, or the engine's, which computes the weights next to X's
blocks and keeps their blocks on the workers (for ``--doc-topics`` written by partition,
``models.doc_topics``) while the client gets the whole array; ``infer`` weighs its documents
with it too.

Without a scheduler nothing here imports dask.
"""

from __future__ import annotations

import contextlib
import functools
import importlib.util
import os
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

from ..errors import TopicsError, UsageError

SCHEDULER_ENV = "DASK_SCHEDULER_ADDRESS"
TIMEOUT_ENV = "TOPICS_DASK_TIMEOUT"
DEBUG_ENV = "TOPICS_DEBUG"
OFF = ("none", "off")
WORKER_WAIT = 60.0
"""Seconds a step waits for a worker to come back after losing one, at least."""

_CURRENT: ContextVar[Engine | None] = ContextVar("topiccli_engine", default=None)


def resolve(scheduler: str | None) -> str | None:
    """The scheduler address a run uses, or None for the core (see the module docstring)."""
    if scheduler is None:
        return os.environ.get(SCHEDULER_ENV, "").strip() or None
    value = scheduler.strip()
    if not value:
        raise UsageError(
            "scheduler must be local, local:N, an address such as tcp://host:8786, or none",
            params=("scheduler",),
        )
    return None if value.lower() in OFF else value


def connect_timeout() -> float:
    """``TOPICS_DASK_TIMEOUT`` in seconds (default 10), checked where every Dask timeout is
    (``distributed.cluster.check_timeout``: a usage error, exit 2)."""
    from ..distributed.cluster import check_timeout

    return check_timeout(os.environ.get(TIMEOUT_ENV), TIMEOUT_ENV)


class Engine:
    """A run's Dask client, connected on first use; the matrix it scattered last."""

    def __init__(self, address: str, timeout: float) -> None:
        self.address = address
        self.timeout = timeout
        self.client = None
        self._matrix = None  # (local X, its DistributedCSR): X kept so its id stays unique
        self._latch = contextlib.ExitStack()  # Ctrl-C latched while connected (see ready)
        self._weights = None  # (the gathered weights, their DistributedRows on the workers)
        self.workers = 0
        """The cluster's workers when it was reached: the matrix's blocks follow it, not the
        workers alive at the moment (a worker just lost would change the blocks, so the order
        of the sums, so the result's last bits)."""

    def ready(self):
        """The client, connecting now if not yet."""
        if self.client is None:
            if importlib.util.find_spec("distributed") is None:
                raise TopicsError(
                    f"cannot use the Dask scheduler at {self.address}: the dask extra is not "
                    "installed (pip install 'topiccli[dask]'), or pass --scheduler none"
                )
            from ..distributed import connect

            try:
                # Dask's log lines stay off stderr unless TOPICS_DEBUG asks for everything.
                quiet = os.environ.get(DEBUG_ENV, "") in ("", "0")
                self.client = connect(self.address, self.timeout, quiet=quiet)
            except KeyboardInterrupt:
                _quiet_cluster_exit()
                raise
            self.workers = _workers_of(self.address, self.client)
            # From now on Ctrl-C is also latched: Python drops a KeyboardInterrupt raised in a
            # Dask future's finalizer, and the next wait on the cluster raises it instead.
            from ..distributed._session import latched_sigint

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
        from ..distributed._session import retrying

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
        files (``distributed.vectorize_files``): the matrix's row blocks and the texts stay
        there (``held.HeldMatrix``/``HeldTexts``); the client gets ids, labels, terms, idf."""
        from ..corpus import Corpus
        from ..distributed import vectorize_files
        from ..distributed.texts import WorkerTexts
        from ..text import clean
        from ..text.vectorize import DocumentTerm

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
        if cleaning is not None and "boilerplate" in clean.steps(settings.clean):
            import warnings

            from ..errors import TopicsWarning

            warnings.warn("boilerplate lines are not looked for where the Dask workers read "
                          "the corpus (each document's own cleaning is); one machine drops "
                          "them, so topics may differ where a corpus repeats footers",
                          TopicsWarning, stacklevel=2)  # fmt: skip
        corpus = Corpus(texts, data.ids, data.labels, source.selection(), data.skipped)
        return corpus, DocumentTerm(X=data, terms=data.terms, idf=data.idf, settings=settings,
                                    language=language, cleaning=cleaning)  # fmt: skip

    def read_new(self, source, bundle):
        """(corpus, matrix) of new documents read on the workers and vectorized there over
        ``bundle``'s vocabulary (``distributed.transform_files``), for ``infer``."""
        from ..corpus import Corpus
        from ..distributed.blocks import transform_files
        from ..distributed.texts import WorkerTexts

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
        is one share), and kept as the engine's matrix."""
        if data.partitions < self.workers:
            from ..distributed.blocks import rebalance

            data = rebalance(data, self.workers)
        self.release()
        self._matrix = (data, data)
        return data

    def matrix(self, X):
        """``X``'s row blocks on the workers (scattered once per matrix; a matrix the workers
        read is there already)."""
        from ..held import HeldMatrix

        if isinstance(X, HeldMatrix):
            return X
        if self._matrix is None or self._matrix[0] is not X:
            from ..distributed import scatter_csr

            self.release()
            client = self.ready()
            self._matrix = (X, scatter_csr(client, X, partitions=self.workers))
        return self._matrix[1]

    def nmf(self, X, k, **options):
        from ..distributed import nmf

        return nmf(self.matrix(X), k, **options)

    def truncated_svd(self, X, k, *, solver="propack", seed=0):
        from ..distributed import truncated_svd
        from ..distributed._session import retrying

        data = self.matrix(X)  # X's blocks are rebuilt by Dask: run again after a loss
        return retrying(self.client, self.worker_wait, truncated_svd, data, k, solver=solver,
                        seed=seed, what="the SVD")  # fmt: skip

    def document_weights(self, method, components, X, loss="frobenius", regularization=None):
        """``quality.doc_weights.document_weights`` computed on the workers, next to X's blocks;
        the blocks stay there (:meth:`weight_blocks`) and the client gets the whole array.
        A worker lost meanwhile: computed again (at most twice more), the same weights."""
        from ..distributed._session import retrying

        data = self.matrix(X)
        rows, weights = retrying(self.client, self.worker_wait, _weights, data, method, components,
                                 loss, regularization, what="the document weights")  # fmt: skip
        self._release_weights()
        self._weights = (weights, rows)
        return weights

    def weight_blocks(self, weights):
        """The workers' row blocks of ``weights`` (made by :meth:`document_weights`), or None."""
        if self._weights is not None and self._weights[0] is weights:
            return self._weights[1]
        return None

    def _release_weights(self) -> None:
        if self._weights is not None:
            with contextlib.suppress(Exception):
                self._weights[1].release()
            self._weights = None

    def release(self) -> None:
        self._release_weights()
        if self._matrix is not None:
            with contextlib.suppress(Exception):  # the cluster may be gone already
                self._matrix[1].release()
            self._matrix = None

    def close(self) -> None:
        if self.client is not None:
            from ..distributed import close

            self.release()
            client, self.client = self.client, None
            try:
                close(client)
            finally:
                self._latch.close()


def _workers_of(address: str, client) -> int:
    """How many workers the cluster has: a LocalCluster's N, else those the scheduler knows
    now (waiting for one, within the client's timeout, when none has joined yet)."""
    from ..distributed.cluster import local_workers

    n = local_workers(address)
    if n is not None:
        return n
    from ..distributed._session import wait_for_workers

    wait_for_workers(client, WORKER_WAIT)
    return max(1, len(client.nthreads()))


def _weights(data, method, components, loss, regularization):
    """(the weights' row blocks on the workers, the weights gathered)."""
    from ..distributed.weights import document_weights

    rows = document_weights(data, method, components, loss, regularization)
    try:
        return rows, rows.gather()
    except BaseException:
        rows.release()
        raise


def _ask_workers(client, probes: list[str]) -> dict:
    """Each worker's answer to :func:`_all_exist`; a worker lost meanwhile is WorkerLost."""
    from ..distributed.errors import WorkerLost

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


@contextmanager
def engine(scheduler: str | None):
    """The engine for ``scheduler`` as the current one for the body (None: the core)."""
    address = resolve(scheduler)
    current = Engine(address, connect_timeout()) if address is not None else None
    token = _CURRENT.set(current)
    try:
        yield current
    finally:
        _CURRENT.reset(token)
        if current is not None:
            current.close()


def runs_on(func):
    """Run ``func(request, …)`` inside :func:`engine` for ``request.scheduler``."""

    @functools.wraps(func)
    def wrapper(request, *args, **kwargs):
        with engine(getattr(request, "scheduler", None)):
            return func(request, *args, **kwargs)

    return wrapper


def current() -> Engine | None:
    return _CURRENT.get()


def describe() -> dict:
    """The engine of the current run, as the JSON ``engine`` object says it: ``{"kind":
    "local", "threads": N}`` (this machine, ``TOPICS_NUM_THREADS``) or ``{"kind": "dask",
    "scheduler": ADDRESS}`` with ``"workers"`` once connected. Imports no numpy."""
    active = current()
    if active is None:
        from ..factorize.threads import num_threads

        return {"kind": "local", "threads": num_threads()}
    described = {"kind": "dask", "scheduler": active.address}
    if active.client is not None:
        with contextlib.suppress(Exception):  # the cluster may be gone: the address says enough
            described["workers"] = len(active.client.nthreads())
    return described


def ready() -> None:
    """Connect the current engine, if any, now (before the corpus is read)."""
    if (active := current()) is not None:
        active.ready()


def factorizers():
    """(nmf, truncated_svd) for the current engine: the core's, or the cluster's."""
    active = current()
    if active is None:
        from ..factorize import nmf, truncated_svd

        return nmf, truncated_svd
    return active.nmf, active.truncated_svd


def weigher():
    """``document_weights`` (quality.doc_weights' signature) for the current engine: the core's,
    or the cluster's, which keeps the weights' row blocks on the workers."""
    active = current()
    if active is None:
        from ..quality.doc_weights import document_weights

        return document_weights
    return active.document_weights
