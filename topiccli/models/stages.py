"""Timing a run's stages, telling a progress display about them, and the skipped-files warning.

A ``progress`` object, if given, is the caller's display (the CLI's is rich, on stderr). It is
duck-typed so this layer needs no display library: ``stage(name)`` when a stage begins,
``iterations(label, total)`` → ``callback(n_iter, error)`` for an iterative fit,
``documents(label)`` → ``counted(n)`` for a loader (n documents read so far), and
``task(description, total)`` → ``advance()`` for a counted loop.
"""

from __future__ import annotations

import time
import warnings
from contextlib import contextmanager

from ..corpus.folder import TRUNCATED
from ..errors import TopicsWarning


class Stages:
    """Per-stage wall times in seconds (a stage entered twice adds up), shown as they begin."""

    def __init__(self, progress=None) -> None:
        self.timings: dict[str, float] = {}
        self.progress = progress

    @contextmanager
    def stage(self, name: str, label: str | None = None):
        if self.progress is not None:
            self.progress.stage(label or name)
        start = time.perf_counter()
        try:
            yield
        finally:
            elapsed = self.timings.get(name, 0.0) + time.perf_counter() - start
            self.timings[name] = round(elapsed, 6)

    def skipped(self, *names: str) -> None:
        """Stages a run did not need (reported as 0 seconds)."""
        self.timings.update(dict.fromkeys(names, 0.0))

    def iterations(self, label: str, total: int):
        """A per-iteration callback for the display, or None without one."""
        return None if self.progress is None else self.progress.iterations(label, total)

    def documents(self, label: str):
        """A loader's ``counted(n)`` callback for the display, or None without one."""
        return None if self.progress is None else self.progress.documents(label)


def warn_skipped(skipped: dict[str, int], max_file_bytes: int) -> None:
    """One warning for the files left out, one for files cut short (``skipped``: counts by
    reason, a corpus's ``skipped``); cached run or not."""
    left_out = {k: v for k, v in skipped.items() if k != TRUNCATED}
    if left_out:
        listed = ", ".join(f"{n} {reason}" for reason, n in sorted(left_out.items()))
        total = sum(left_out.values())
        warnings.warn(f"skipped {total} document(s): {listed}", TopicsWarning, stacklevel=2)
    cut = skipped.get(TRUNCATED, 0)
    if cut:
        warnings.warn(
            TopicsWarning(
                f"read only the first {max_file_bytes} bytes of {cut} larger file(s) "
                "(max_file_bytes)",
                params=("max_file_bytes",),
            ),
            stacklevel=2,
        )
