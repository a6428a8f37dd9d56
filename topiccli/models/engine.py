"""Where a run computes: the :class:`Engine` interface, this machine's engine, and the resolver.

An engine is built once, at the edge (the CLI from ``--scheduler`` and the environment's
:class:`~topiccli.settings.Settings`; ``TopicModel(engine=...)``), and handed down as an
argument to the run (``models.run.fit``, ``models.sweep.sweep``, ``models.reuse.infer``) and
from there to whatever factorizes, weighs, reads or writes: nothing finds it by itself. In the
spirit of httpx's transports it is a small interface with two implementations:

* :class:`LocalEngine`, the core (``topiccli.factorize``) on this machine's threads;
* ``topiccli.distributed.engine.DaskEngine``, a Dask cluster (``--scheduler``): everything
  Dask-specific lives in ``topiccli.distributed``.

:func:`open_engine` chooses: the ``scheduler`` given (``--scheduler``) when there is one, else
``DASK_SCHEDULER_ADDRESS``; ``none``/``off`` (or neither) is this machine. ``local``/``local:N``
starts a LocalCluster on 127.0.0.1 for the engine's life, any other value is a running
scheduler's address (``tcp://host:8786``). An engine is a context manager: leaving it closes the
client (and the LocalCluster it started). Without a scheduler nothing here imports dask or numpy.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from ..errors import UsageError
from ..settings import Settings

OFF = ("none", "off")


@runtime_checkable
class Engine(Protocol):
    """What a run asks of where it computes. ``X`` is a document-term matrix: a local one, or
    one the engine holds (from :meth:`place` or :meth:`read`)."""

    local: bool
    """Whether its factors live in this process: a local engine runs NMF to the settle rule,
    in the model's precision and with its warm start (``models.fitting.nmf_run_options``); a
    cluster keeps the plain tolerance, float64 and a cold start."""

    def describe(self) -> dict:
        """The JSON report's ``engine`` object (imports no numpy)."""

    def connect(self) -> None:
        """Be ready to compute (a cluster is reached now, before any data is read)."""

    def reads(self, source) -> bool:
        """Whether the engine reads ``source`` itself (:meth:`read`, :meth:`read_new`)."""

    def read(self, source, settings, stage=None) -> tuple:
        """(corpus, DocumentTerm) read and vectorized by the engine."""

    def read_new(self, source, bundle) -> tuple:
        """(corpus, X) of new documents vectorized over ``bundle``'s vocabulary."""

    def place(self, X):
        """``X`` where the engine computes on it; pass the result to the methods below to
        move it there once for many fits."""

    def nmf(self, X, k: int, **options):
        """``topiccli.nmf(X, k, **options)``: an ``NMFResult``."""

    def truncated_svd(self, X, k: int, *, solver: str = "propack", seed: int = 0):
        """``topiccli.truncated_svd``: an ``SVDResult``."""

    def document_weights(self, method: str, components, X, loss: str = "frobenius",
                         regularization: dict | None = None):  # fmt: skip
        """``quality.doc_weights.document_weights``: documents × topics, a local array."""

    def write_by_part(self, path, weights, write_part, part_args, header: str) -> bool:
        """Write ``weights`` to ``path`` where they are (``write_part(handle, rows, *part_args(a,
        b))`` formats rows a:b after ``header``), if the engine can: True when written, else
        False and the caller writes the file."""

    def close(self) -> None:
        """Release what the engine holds."""


class LocalEngine:
    """The core on this machine: ``threads`` worker threads (None: the CPUs available)."""

    local = True

    def __init__(self, threads: int | None = None) -> None:
        from ..factorize.threads import resolve_threads

        self.threads = resolve_threads(threads)

    def __enter__(self) -> LocalEngine:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def describe(self) -> dict:
        return {"kind": "local", "threads": self.threads}

    def connect(self) -> None:
        return None

    def reads(self, source) -> bool:
        return False

    def read(self, source, settings, stage=None) -> tuple:
        raise NotImplementedError("the local engine reads nothing itself (reads() is False)")

    def read_new(self, source, bundle) -> tuple:
        raise NotImplementedError("the local engine reads nothing itself (reads() is False)")

    def place(self, X):
        return X

    def nmf(self, X, k: int, **options):
        from ..factorize import nmf

        return nmf(X, k, threads=self.threads, **options)

    def truncated_svd(self, X, k: int, *, solver: str = "propack", seed: int = 0):
        from ..factorize import truncated_svd

        return truncated_svd(X, k, solver=solver, seed=seed, threads=self.threads)

    def document_weights(self, method: str, components, X, loss: str = "frobenius",
                         regularization: dict | None = None):  # fmt: skip
        from ..quality.doc_weights import document_weights

        return document_weights(method, components, X, loss, regularization,
                                threads=self.threads)  # fmt: skip

    def write_by_part(self, path, weights, write_part, part_args, header: str) -> bool:
        return False

    def close(self) -> None:
        return None


def resolve(scheduler: str | None, settings: Settings | None = None) -> str | None:
    """The scheduler address an engine uses, or None for this machine: ``scheduler``
    (``--scheduler``) when given, else ``settings.scheduler`` (``DASK_SCHEDULER_ADDRESS``)."""
    if scheduler is None:
        return settings.scheduler if settings is not None else None
    value = scheduler.strip()
    if not value:
        raise UsageError(
            "scheduler must be local, local:N, an address such as tcp://host:8786, or none",
            params=("scheduler",),
        )
    return None if value.lower() in OFF else value


def open_engine(scheduler: str | None = None, settings: Settings | None = None) -> Engine:
    """The engine for ``scheduler`` and ``settings`` (see the module): a :class:`LocalEngine`
    on ``TOPICS_NUM_THREADS`` threads, or a Dask engine (not connected yet; its timeout,
    ``TOPICS_DASK_TIMEOUT``, checked now: a usage error, exit 2)."""
    settings = settings if settings is not None else Settings()
    address = resolve(scheduler, settings)
    if address is None:
        return LocalEngine(settings.threads())
    from ..distributed.engine import DaskEngine

    return DaskEngine.from_settings(address, settings)


def engine_of(engine: Engine | str | None, settings: Settings | None = None) -> tuple:
    """(the engine, whether the caller owns it) for ``TopicModel(engine=...)``: an Engine is
    used as given (its owner closes it); a scheduler address or None is opened here
    (:func:`open_engine`) and closed by the caller."""
    if engine is not None and not isinstance(engine, str):
        if not isinstance(engine, Engine):
            raise UsageError(
                f"engine must be an Engine, a scheduler address or None, got {engine!r}",
                params=("engine",),
            )
        return engine, False
    return open_engine(engine, settings), True
