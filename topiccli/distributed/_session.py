"""One distributed computation's bookkeeping: its futures, deadlines, lost workers, traffic.

Every wait has a deadline, so nothing hangs on a cluster that stopped answering. A session
can watch the workers it started with: when one of them leaves (a crash, a kill) while it holds
state the computation cannot rebuild, the next wait raises :class:`WorkerLost` within about
``POLL`` seconds. Ctrl-C (KeyboardInterrupt) cancels every future the session made, then
re-raises. The bytes the client sends and receives are counted, per step.

Nothing a session makes is ``client.scatter``-ed: a value every block needs (H, a basis) is a
task holding it (:meth:`Session.broadcast`), so a copy lost with its worker is made again by
Dask from the task, never waited for (a scatter to a worker that just died can wait without
end). A step whose inputs Dask can rebuild is simply run again after a loss
(:func:`retrying`); a computation whose state lives only on the workers (an NMF fit, the KL
weights) watches the workers and starts again from its start instead.

Ctrl-C (and SIGTERM, the same way) is latched while a computation runs (:func:`interruptible`,
and for as long as a run's engine is connected, ``runs.engine``): Python raises
KeyboardInterrupt wherever the main thread happens to be when the signal is handled, and when
that is a finalizer (a Dask future's ``__del__`` releasing its key, which a fit runs thousands
of times) the exception is printed as "ignored" and lost, so the fit ran on to its end. The
latch remembers the signal, and the next wait raises it.
"""

from __future__ import annotations

import contextlib
import signal
import threading
import time
import uuid
import warnings
import weakref
from collections.abc import Sequence

import numpy as np

from ..errors import TopicsError
from .errors import EngineError, WorkerLost

POLL = 0.5
"""Seconds between checks of the worker set while waiting."""


def nbytes(value) -> int:
    """The payload size of a result: arrays, sparse matrices, numbers, tuples, lists, dicts."""
    if isinstance(value, np.ndarray):
        return int(value.nbytes)
    if hasattr(value, "data") and hasattr(value, "indices") and hasattr(value, "indptr"):
        return int(value.data.nbytes + value.indices.nbytes + value.indptr.nbytes)
    if isinstance(value, (tuple, list)):
        return sum(nbytes(v) for v in value)
    if isinstance(value, dict):
        return sum(nbytes(v) for v in value.values())
    if isinstance(value, (int, float, np.number, bool)) or value is None:
        return 8
    if isinstance(value, str):
        return len(value.encode("utf-8", "surrogatepass"))
    return 0


class Session:
    """Submit, broadcast and gather for one computation on ``client``."""

    def __init__(self, client, name: str, timeout: float, watch_workers: bool = False) -> None:
        self.client = client
        self.prefix = f"topiccli-{name}-{uuid.uuid4().hex[:10]}"
        self.timeout = float(timeout)
        self.watch = watch_workers
        self._futures: weakref.WeakSet = weakref.WeakSet()
        self._count = 0
        self.sent = 0
        self.received = 0
        self.workers = self._current_workers()

    # --- keys and futures --------------------------------------------------------------------

    def key(self, what: str) -> str:
        self._count += 1
        return f"{self.prefix}-{what}-{self._count}"

    def submit(self, func, *args, what: str = "task", **kwargs):
        from distributed import Future

        with warnings.catch_warnings():
            # Blocks travel inside their tasks on purpose (so Dask can rebuild them).
            warnings.filterwarnings("ignore", message="Sending large graph")
            future = self.client.submit(func, *args, key=self.key(what), pure=False, **kwargs)
        self._futures.add(future)
        self.sent += sum(nbytes(a) for a in args if not isinstance(a, Future))
        self.sent += sum(nbytes(v) for v in kwargs.values() if not isinstance(v, Future))
        return future

    def broadcast(self, value, what: str = "data"):
        """``value`` for every block's task: a task holding it (see the module description),
        which the workers copy from one another; counted once as sent bytes."""
        return self.submit(_identity, value, what=what)

    def track(self, future):
        self._futures.add(future)
        return future

    def cancel(self) -> None:
        """Cancel every live future this session made (pending ones stop; data is released)."""
        futures = [f for f in list(self._futures) if f.status != "cancelled"]
        if futures:
            # Best effort: the cluster may be failing too.
            with contextlib.suppress(Exception):
                self.client.cancel(futures, force=True)

    # --- waiting ---------------------------------------------------------------------------

    def _current_workers(self) -> set:
        try:
            return set(self.client.nthreads())
        except Exception as exc:  # noqa: BLE001
            raise EngineError(f"the Dask scheduler stopped answering: {exc}") from None

    def rewatch(self) -> None:
        """Accept the current worker set (after a restart)."""
        self.workers = self._current_workers()

    def check_workers(self) -> None:
        if not self.watch:
            return
        lost = self.workers - self._current_workers()
        if lost:
            raise WorkerLost(f"Dask worker(s) {', '.join(sorted(lost))} left during the fit")

    def gather(self, futures: Sequence, what: str = "results"):
        """The futures' results, in order; raises EngineError past the deadline or on a failed
        task, WorkerLost when a watched worker left."""
        from distributed import wait

        futures = list(futures)
        deadline = time.monotonic() + self.timeout
        self.check_workers()
        while True:
            _raise_if_interrupted()
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise EngineError(
                    f"{what} did not arrive within {self.timeout:g} s; the Dask cluster may be "
                    "overloaded or stuck (raise the timeout)"
                )
            try:
                wait(futures, timeout=min(POLL, remaining))
                break
            except TimeoutError:
                self.check_workers()
            except Exception as exc:  # noqa: BLE001 - cancelled: its inputs were lost and forgotten
                raise WorkerLost(f"{what} were lost on the Dask cluster ({_reason(exc)})") from None
        self.check_workers()
        for future in futures:
            if future.status == "error":
                exc = future.exception()
                if isinstance(exc, TopicsError) and not isinstance(exc, EngineError):
                    # our own error in our words (a bad record, an empty vocabulary): raised
                    # as one machine raises it, whichever worker met it
                    raise exc.with_traceback(None)
                raise EngineError(f"{what} failed on a Dask worker: {type(exc).__name__}: {exc}")
            if future.status != "finished":
                raise WorkerLost(f"{what} were lost ({future.status}) on the Dask cluster")
        try:
            results = self.client.gather(futures)
        except Exception as exc:  # noqa: BLE001 - a worker died between wait and gather
            raise WorkerLost(f"{what} could not be gathered: {type(exc).__name__}: {exc}") from None
        self.received += nbytes(results)
        return results


def _identity(value):
    return value


def _reason(exc: BaseException) -> str:
    """The first line of a Dask error, for a one-line message."""
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__


def wait_for_workers(client, timeout: float) -> None:
    """Return once the cluster has a worker again (a LocalCluster's nanny restarts a lost one);
    EngineError after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        _raise_if_interrupted()
        try:
            if client.nthreads():
                return
        except Exception:  # noqa: BLE001 - the scheduler is busy with the loss: ask again
            pass
        time.sleep(0.2)
    raise EngineError(f"the Dask cluster has no worker: none joined within {timeout:g} s")


RETRIES = 2
"""How often a step is run again after losing a worker."""


def retrying(client, timeout: float, step, *args, retries: int = RETRIES, what: str = "the step",
             **kwargs):  # fmt: skip
    """``step(*args, **kwargs)``, run again (at most ``retries`` times, once a worker is
    there) when it raises WorkerLost; past that one EngineError. For a step whose inputs Dask
    can rebuild, so running it again gives the same result."""
    for attempt in range(retries + 1):
        try:
            return step(*args, **kwargs)
        except WorkerLost as exc:
            if attempt == retries:
                raise EngineError(
                    f"{exc}; {what} was run {retries + 1} times and lost a worker each time"
                ) from None
            wait_for_workers(client, timeout)
    raise AssertionError("unreachable")  # pragma: no cover


def interruptible(session: Session, func, *args, **kwargs):
    """Run ``func`` with Ctrl-C latched (see the module docstring); on Ctrl-C cancel the
    session's futures, then re-raise."""
    try:
        with latched_sigint():
            return func(*args, **kwargs)
    except KeyboardInterrupt:
        session.cancel()
        raise


_INTERRUPTED = threading.Event()


def _raise_if_interrupted() -> None:
    if _INTERRUPTED.is_set():
        _INTERRUPTED.clear()
        raise KeyboardInterrupt


LATCHED = (signal.SIGINT, signal.SIGTERM) + ((signal.SIGHUP,) if hasattr(signal, "SIGHUP") else ())
"""The signals latched: Ctrl-C, and SIGTERM and SIGHUP handled as Ctrl-C is (the CLI's signal
policy, ``cli.errors.signal_policy``, is the handler called then)."""


@contextlib.contextmanager
def latched_sigint():
    """While the body runs, SIGINT and SIGTERM also set a flag that :meth:`Session.gather`
    checks, then raise KeyboardInterrupt (SIGTERM's default, ending the process at once, would
    leave the cluster's workers and files behind). Only on the main thread: a signal ignored
    stays ignored; a caller's own handler is called, and the flag set when it raises
    KeyboardInterrupt."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {sig: signal.getsignal(sig) for sig in LATCHED}

    def latch(signum, frame):
        handler = previous.get(signum)
        if callable(handler) and handler is not signal.default_int_handler:
            try:
                return handler(signum, frame)
            except KeyboardInterrupt:
                _INTERRUPTED.set()
                raise
        _INTERRUPTED.set()
        raise KeyboardInterrupt

    _INTERRUPTED.clear()
    mine = [sig for sig, handler in previous.items()
            if handler not in (signal.SIG_IGN, None)]  # fmt: skip
    for sig in mine:
        signal.signal(sig, latch)
    try:
        yield
    finally:
        for sig in mine:
            signal.signal(sig, previous[sig])
        _INTERRUPTED.clear()
