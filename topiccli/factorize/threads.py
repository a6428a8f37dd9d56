"""How many threads the core runs on: the count its caller passes (``threads=``), else the CPUs
available. The core reads no environment: the edge reads ``TOPICS_NUM_THREADS`` once
(``topiccli.settings``) and passes it down (``models.engine.LocalEngine``)."""

from __future__ import annotations

import numbers


def available_cpus() -> int:
    """The CPUs this process may run on (its affinity on Linux)."""
    import os

    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def resolve_threads(threads: int | None = None) -> int:
    """``threads`` checked (a positive integer), or the CPUs available for None."""
    if threads is None:
        return available_cpus()
    if isinstance(threads, bool) or not isinstance(threads, numbers.Integral) or threads < 1:
        from ..errors import InvalidParameterError

        raise InvalidParameterError(
            f"threads must be a positive integer, got {threads!r}", params=("threads",)
        )
    return int(threads)
