"""How many threads the core runs on: ``TOPICS_NUM_THREADS`` or the CPUs available.

Apart from ``_parallel`` (which uses it), so that a run answered by the run cache can name its
engine (``runs.engine.describe``) without importing numpy.
"""

from __future__ import annotations

import os

THREADS_ENV = "TOPICS_NUM_THREADS"


def num_threads() -> int:
    """Worker threads for the core: ``TOPICS_NUM_THREADS`` or the CPUs available to us."""
    value = os.environ.get(THREADS_ENV, "").strip()
    if value:
        try:
            n = int(value)
        except ValueError:
            n = 0
        if n >= 1:
            return n
        from ..errors import InvalidParameterError

        raise InvalidParameterError(f"{THREADS_ENV} must be a positive integer, got {value!r}")
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)
