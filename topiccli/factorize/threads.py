"""How many threads the core runs on: the count its caller passes (``threads=``), else the CPUs
available. The core reads no environment: the edge reads ``TOPICS_NUM_THREADS`` once
(``topiccli.settings``) and passes it down (``models.engine.LocalEngine``)."""

from __future__ import annotations

import numbers


def resolve_threads(threads: int | None = None) -> int:
    """``threads`` checked (a positive integer), or the CPUs available for None."""
    if threads is None:
        from ..settings import available_cpus

        return available_cpus()
    if isinstance(threads, bool) or not isinstance(threads, numbers.Integral) or threads < 1:
        from ..errors import InvalidParameterError

        raise InvalidParameterError(
            f"threads must be a positive integer, got {threads!r}", params=("threads",)
        )
    return int(threads)
