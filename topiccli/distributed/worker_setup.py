"""Set up a LocalCluster's worker process (a Dask preload): Ctrl-C is the client's to handle.

A Ctrl-C in a terminal reaches every process of the foreground process group, the workers
the client spawned included. Each would print its own KeyboardInterrupt traceback (dozens of
lines) before the client's one ``Interrupted:`` line; the client cancels their tasks and ends
them anyway. So a worker ignores SIGINT. It runs on the worker's main thread, at its start
(also when a lost worker is started again by its nanny).
"""

from __future__ import annotations

import signal
import threading


def dask_setup(worker) -> None:
    """Dask's preload hook: ignore SIGINT in this worker process."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, signal.SIG_IGN)
