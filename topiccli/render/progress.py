"""Progress on stderr while loading, vectorizing and fitting (rich), only for a person watching:
the run drawn as it goes, as the rest of render draws its result.

It shows when stderr is a terminal and ``--quiet`` is not given; otherwise nothing is made and
nothing is written (``make_progress`` returns None). stdout is never touched, and the display
is transient: it vanishes when the command finishes, leaving only the data and any warnings.

Each stage is a fresh line with its own elapsed time (so "fitting" counts from the fit's
start); a stage of unknown length shows a spinner and its time, no empty bar. Reading a
folder, a .jsonl/.csv file or shards shows the documents read so far and how many a second.
An iterative fit gets a bar with its iteration and error while it runs; the bar goes when the
next stage begins.
"""

from __future__ import annotations

import sys

REDRAW_SECONDS = 0.1


def make_progress(quiet: bool = False, stream=None):
    """A Progress on ``stream`` (default stderr) if it is a terminal and not quiet, else None."""
    stream = stream if stream is not None else sys.stderr
    if quiet or not getattr(stream, "isatty", lambda: False)():
        return None
    return Progress(stream)


def progress_display(quiet: bool):
    """The progress display for a run, as a context (a no-op one, giving None, when it would
    not show)."""
    from contextlib import nullcontext

    display = make_progress(quiet)
    return nullcontext(None) if display is None else display


def documents_line(label: str, n: int, rate: float) -> str:
    """``reading · 12,345 documents · 8,901 documents/s``."""
    return f"{label} · {n:,} documents · {rate:,.0f} documents/s"


def _known_total(column_class):
    """A rich column that draws nothing for a task of unknown total (no ``0/?``, no bar)."""

    class Column(column_class):
        def render(self, task):
            from rich.text import Text

            return Text("") if task.total is None else super().render(task)

    return Column


class Progress:
    """A rich progress display: one line for the current stage, bars for counted work."""

    def __init__(self, stream) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            SpinnerColumn,
            TextColumn,
            TimeElapsedColumn,
        )
        from rich.progress import Progress as RichProgress

        self._display = RichProgress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            _known_total(BarColumn)(),
            _known_total(MofNCompleteColumn)(),
            TimeElapsedColumn(),
            console=Console(file=stream),
            transient=True,
        )
        self._stage = None
        self._fit = None

    def __enter__(self) -> Progress:
        self._display.start()
        self._stage = self._display.add_task("starting", total=None)
        return self

    def __exit__(self, *exc) -> None:
        self._display.stop()

    def stage(self, label: str) -> None:
        """A stage began: a fresh line (its own elapsed time) replaces the last stage's, and a
        finished fit's bar goes. Drawn at once, so even a short stage is shown."""
        self._drop_fit()
        if self._stage is not None:
            self._display.remove_task(self._stage)
        self._stage = self._display.add_task(label, total=None)
        self._display.refresh()

    def task(self, description: str, total: int):
        """A counted task (e.g. the k of a sweep); returns an advance() function."""
        task = self._display.add_task(description, total=total)
        return lambda: self._display.advance(task)

    def documents(self, label: str):
        """A ``counted(n)`` callback for a loader: the stage's line shows the ``n`` documents
        read so far and the rate since the callback was made (redrawn at most 10 a second)."""
        import time

        started = time.monotonic()
        drawn = [0.0]

        def counted(n: int) -> None:
            now = time.monotonic()
            if now - drawn[0] < REDRAW_SECONDS or self._stage is None:
                return
            drawn[0] = now
            rate = n / max(now - started, 1e-9)
            self._display.update(self._stage, description=documents_line(label, n, rate))
            self._display.refresh()

        return counted

    def iterations(self, label: str, total: int):
        """A ``callback(n_iter, error)`` for an NMF fit, showing its iteration and loss."""
        import time

        self._drop_fit()
        task = self._fit = self._display.add_task(label, total=total)
        drawn = [0.0]

        def report(n_iter: int, error: float) -> None:
            # The core's reconstruction error: ‖X − WH‖_F, or √(2·D_KL) under the KL loss.
            self._display.update(
                task,
                completed=n_iter,
                description=f"{label} · iteration {n_iter} · error {error:.5g}",
            )
            now = time.monotonic()
            if now - drawn[0] >= REDRAW_SECONDS:  # the first iteration, then at most 10 a second
                drawn[0] = now
                self._display.refresh()

        return report

    def _drop_fit(self) -> None:
        if self._fit is not None:
            self._display.remove_task(self._fit)
            self._fit = None
