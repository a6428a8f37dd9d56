"""Connect to a Dask cluster: a LocalCluster on this machine, or a scheduler already running.

``connect("local")`` (or ``"local:N"``) starts N worker processes of one thread each on
127.0.0.1 (its dashboard on a free port); any other address is a running scheduler's
(``tcp://host:8786``); ``None`` reads ``DASK_SCHEDULER_ADDRESS``. A scheduler that cannot be
reached raises :class:`~topiccli.distributed.errors.EngineError` within the timeout, with one
line naming the address and the timeout.
"""

from __future__ import annotations

import logging
import os
import re
from contextlib import contextmanager

from .errors import EngineError

SCHEDULER_ENV = "DASK_SCHEDULER_ADDRESS"
LOCAL = "local"
_LOCAL = re.compile(r"^local(?::(\d+))?$")
_OWNED_ATTR = "_topiccli_cluster"


def local_workers(address: str) -> int | None:
    """N for ``"local:N"`` (the CPUs available for ``"local"``); None for a scheduler address."""
    match = _LOCAL.match(address.strip())
    if match is None:
        return None
    if match.group(1) is None:
        try:
            return max(1, len(os.sched_getaffinity(0)))
        except AttributeError:  # pragma: no cover - not Linux
            return max(1, os.cpu_count() or 1)
    n = int(match.group(1))
    if n < 1:
        raise EngineError(f"a local Dask cluster needs at least one worker, got {address!r}")
    return n


def connect(address: str | None = None, timeout: float = 10.0):
    """A ``distributed.Client``: on a new LocalCluster (``"local"``/``"local:N"``) or on the
    scheduler at ``address`` (``None``: ``$DASK_SCHEDULER_ADDRESS``). Close it with
    :func:`close`, which also stops a LocalCluster it started."""
    from distributed import Client, LocalCluster

    if timeout is None or not timeout > 0:
        raise EngineError(f"the Dask connection timeout must be a positive number, got {timeout!r}")
    if address is None:
        address = os.environ.get(SCHEDULER_ENV, "").strip() or None
        if address is None:
            raise EngineError(
                f"no Dask scheduler given: pass 'local', 'local:N' or an address, or set "
                f"{SCHEDULER_ENV}"
            )
    n = local_workers(address)
    if n is not None:
        try:
            cluster = LocalCluster(
                n_workers=n,
                threads_per_worker=1,
                processes=True,
                host="127.0.0.1",
                dashboard_address="127.0.0.1:0",  # a free port: never a clash on 8787
                silence_logs=logging.ERROR,
            )
        except Exception as exc:  # noqa: BLE001 - any failure to start is one message
            raise EngineError(
                f"cannot start a local Dask cluster of {n} worker(s): {exc}"
            ) from None
        try:
            client = Client(cluster, timeout=timeout)
        except Exception as exc:  # noqa: BLE001
            cluster.close()
            raise EngineError(f"cannot connect to the local Dask cluster: {exc}") from None
        setattr(client, _OWNED_ATTR, cluster)
        return client
    try:
        return Client(address, timeout=timeout)
    except (OSError, TimeoutError, ValueError) as exc:
        reason = "" if isinstance(exc, (OSError, TimeoutError)) else f" ({exc})"
        raise EngineError(
            f"cannot reach the Dask scheduler at {address} within {timeout:g} s{reason}"
        ) from None


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
def connected(address: str | None = None, timeout: float = 10.0):
    """``with connected("local:2") as client: …`` — :func:`connect`, then :func:`close`."""
    client = connect(address, timeout)
    try:
        yield client
    finally:
        close(client)
