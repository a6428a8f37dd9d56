"""Connect to a Dask cluster: a LocalCluster on this machine, or a scheduler already running.

``connect("local")`` (or ``"local:N"``) starts N worker processes of one thread each on
127.0.0.1 (its dashboard on a free port); any other address is a running scheduler's
(``tcp://host:8786``). A scheduler that cannot be
reached raises :class:`~topiccli.distributed.errors.EngineError` within the timeout, with one
line naming the address and the timeout.

Before a client is made, the address is asked who it is (Dask's ``identity`` call) on a thread
of its own, within the timeout: Dask's own connection reads the other side's handshake with no
deadline, so a listener that accepts and never answers (or an HTTP server) would hang it
forever, and one that sends garbage makes it allocate whatever length the garbage claims. Only
a Dask scheduler's answer lets :func:`connect` go on; anything else is one EngineError.

The timeout is checked in one place, :func:`check_timeout` (also for
``TOPICS_DASK_TIMEOUT``, ``engine.DaskEngine.from_settings``): a usage error (exit 2).
:func:`quiet_logs` keeps Dask's own log lines off
stderr (a run says what went wrong in one ``Error:`` line); the workers of a LocalCluster run
with their logs silenced and Ctrl-C ignored (:mod:`~topiccli.distributed.worker_setup`): the
client ends them, so a Ctrl-C in the terminal, which reaches the whole process group, prints
one ``Interrupted:`` line, not every worker's traceback.
"""

from __future__ import annotations

import asyncio
import logging
import math
import re
import threading
from contextlib import contextmanager

from ..errors import UsageError
from .errors import EngineError

SCHEDULER_ENV = "DASK_SCHEDULER_ADDRESS"
TIMEOUT_ENV = "TOPICS_DASK_TIMEOUT"
DEFAULT_TIMEOUT = 10.0
"""Seconds to reach the scheduler (``TOPICS_DASK_TIMEOUT``)."""
SILENT = logging.CRITICAL + 10
"""A level no record reaches: Dask's handlers set to it write nothing."""
_DASK_LOGGERS = ("distributed", "dask", "tornado", "bokeh", "asyncio")
LOCAL = "local"
_LOCAL = re.compile(r"^local(?::(\d+))?$")
_OWNED_ATTR = "_topiccli_cluster"


def local_workers(address: str) -> int | None:
    """N for ``"local:N"`` (the CPUs available for ``"local"``); None for a scheduler address."""
    match = _LOCAL.match(address.strip())
    if match is None:
        return None
    if match.group(1) is None:
        from ..factorize.threads import available_cpus

        return available_cpus()
    n = int(match.group(1))
    if n < 1:
        raise EngineError(f"a local Dask cluster needs at least one worker, got {address!r}")
    return n


def check_timeout(value, source: str = "timeout") -> float:
    """``value`` (seconds: a number, or its text; None or "" for the default) as a positive
    float; a :class:`UsageError` (exit 2) naming ``source`` otherwise. The one check of the
    Dask timeout, wherever it comes from."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return DEFAULT_TIMEOUT
    try:
        seconds = float(value.strip() if isinstance(value, str) else value)
    except (TypeError, ValueError):
        seconds = math.nan
    if not (seconds > 0 and math.isfinite(seconds)):
        raise UsageError(
            f"{source} must be a positive number of seconds, got {value!r}", params=(source,)
        )
    return seconds


def connect(address: str | None = None, timeout: float = DEFAULT_TIMEOUT, quiet: bool = False):
    """A ``distributed.Client``: on a new LocalCluster (``"local"``/``"local:N"``) or on the
    scheduler at ``address`` (``DASK_SCHEDULER_ADDRESS`` is read at the edge,
    ``topiccli.settings``). Close it with
    :func:`close`, which also stops a LocalCluster it started. ``quiet``: Dask's log lines
    are kept off stderr (:func:`quiet_logs`), the LocalCluster's workers' too."""
    from distributed import Client

    timeout = check_timeout(timeout)
    if quiet:
        quiet_logs()
    if address is None or not address.strip():
        raise EngineError(
            f"no Dask scheduler given: pass 'local', 'local:N' or an address, or set "
            f"{SCHEDULER_ENV}"
        )
    n = local_workers(address)
    if n is not None:
        cluster = _local_cluster(n, quiet)
        try:
            client = Client(cluster, timeout=timeout)
        except Exception as exc:  # noqa: BLE001
            cluster.close()
            raise EngineError(f"cannot connect to the local Dask cluster: {exc}") from None
        setattr(client, _OWNED_ATTR, cluster)
        return client
    identify(address, timeout)
    try:
        return Client(address, timeout=timeout)
    except (OSError, TimeoutError, ValueError) as exc:
        reason = "" if isinstance(exc, (OSError, TimeoutError)) else f" ({exc})"
        raise EngineError(
            f"cannot reach the Dask scheduler at {address} within {timeout:g} s{reason}"
        ) from None


def _local_cluster(n: int, quiet: bool, attempts: int = 2):
    """A LocalCluster of ``n`` one-thread worker processes on 127.0.0.1; started again once
    when a worker dies while it starts (then one EngineError)."""
    from distributed import LocalCluster

    for attempt in range(attempts):
        try:
            return LocalCluster(
                n_workers=n,
                threads_per_worker=1,
                processes=True,
                host="127.0.0.1",
                dashboard_address="127.0.0.1:0",  # a free port: never a clash on 8787
                silence_logs=SILENT if quiet else logging.ERROR,
                preload=["topiccli.distributed.worker_setup"],
            )
        except Exception as exc:  # noqa: BLE001 - any failure to start is one message
            if attempt + 1 == attempts:
                raise EngineError(
                    f"cannot start a local Dask cluster of {n} worker(s): {exc}"
                ) from None
    raise AssertionError("unreachable")  # pragma: no cover


def identify(address: str, timeout: float) -> dict:
    """What answers at ``address``: Dask's ``identity`` reply, asked on a thread of its own
    and waited for at most ``timeout`` (plus a second); EngineError unless a Dask scheduler
    answered (see the module description)."""
    outcome: dict = {}

    def ask() -> None:
        try:
            outcome["identity"] = asyncio.run(asyncio.wait_for(_identity(address, timeout),
                                                               timeout + 0.5))  # fmt: skip
        except BaseException as exc:  # noqa: BLE001 - every failure is reported below
            outcome["error"] = exc

    thread = threading.Thread(target=ask, name="topiccli-dask-identify", daemon=True)
    thread.start()
    thread.join(timeout + 1.0)
    error = outcome.get("error")
    if thread.is_alive() or isinstance(error, (TimeoutError, asyncio.TimeoutError)):
        raise EngineError(
            f"nothing answered as a Dask scheduler at {address} within {timeout:g} s (is it "
            "the scheduler's address and port?)"
        )
    if isinstance(error, OSError) and not isinstance(error, _not_dask_errors()):
        raise EngineError(f"cannot reach the Dask scheduler at {address} within {timeout:g} s")
    if isinstance(error, ValueError) and "address" in str(error).lower():
        raise EngineError(f"cannot reach the Dask scheduler at {address} ({error})")
    identity = outcome.get("identity")
    if error is not None or not isinstance(identity, dict) or identity.get("type") != "Scheduler":
        what = "no Dask scheduler" if error is None else f"{type(error).__name__}"
        raise EngineError(
            f"the server at {address} is not a Dask scheduler (it answered with {what}); "
            "give the scheduler's address, e.g. tcp://host:8786"
        )
    return identity


def _not_dask_errors() -> tuple:
    """Errors that mean the other side answered, but not in Dask's protocol."""
    from distributed.comm.core import CommClosedError

    return (CommClosedError,)


async def _identity(address: str, timeout: float):
    from distributed.comm import connect as comm_connect

    comm = await comm_connect(address, timeout=timeout)
    try:
        await comm.write({"op": "identity", "reply": True})
        return await comm.read()
    finally:
        comm.abort()


def quiet_logs() -> None:
    """Keep Dask's (and its libraries') log records off stderr in this process: their stream
    handlers write nothing, and nothing reaches Python's last-resort handler."""
    import distributed  # noqa: F401 - its import installs the handlers silenced here

    for name in _DASK_LOGGERS:
        logger = logging.getLogger(name)
        logger.propagate = False
        if not logger.handlers:
            logger.addHandler(logging.NullHandler())
    for name, logger in list(logging.root.manager.loggerDict.items()):
        if isinstance(logger, logging.Logger) and name.split(".")[0] in _DASK_LOGGERS:
            for handler in logger.handlers:
                if isinstance(handler, logging.StreamHandler):
                    handler.setLevel(SILENT)


def close(client) -> None:
    """Close the client, and the LocalCluster :func:`connect` started for it, if any."""
    cluster = getattr(client, _OWNED_ATTR, None)
    try:
        client.close()
    finally:
        if cluster is not None:
            cluster.close()
            setattr(client, _OWNED_ATTR, None)


@contextmanager
def connected(address: str | None = None, timeout: float = DEFAULT_TIMEOUT):
    """``with connected("local:2") as client: …`` — :func:`connect`, then :func:`close`."""
    client = connect(address, timeout)
    try:
        yield client
    finally:
        close(client)
