"""Progress on stderr while loading, vectorizing and fitting (rich), only for a person watching.

It shows when stderr is a terminal and ``--quiet`` is not given; otherwise nothing is made and
nothing is written (``make_progress`` returns None). stdout is never touched, and the display
is transient: it vanishes when the command finishes, leaving only the data and any warnings.
"""

from __future__ import annotations

import sys

STAGE_NAMES = {
    "cache": "reading the cache",
    "load": "loading documents",
    "vectorize": "vectorizing",
    "factorize": "fitting",
    "describe": "describing topics",
    "metrics": "scoring topics",
    "stability": "refitting other seeds",
}


def make_progress(quiet: bool = False, stream=None):
    """A started Progress on ``stream`` (default stderr) if it is a terminal and not quiet."""
    stream = stream if stream is not None else sys.stderr
    if quiet or not getattr(stream, "isatty", lambda: False)():
        return None
    return Progress(stream)


class Progress:
    """A rich progress display: one line for the stage, one bar per NMF fit."""

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
            BarColumn(),
            MofNCompleteColumn(),
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

    def stage(self, name: str) -> None:
        """A pipeline stage began; drawn at once, so even a stage shorter than the 0.1 s
        refresh period is shown."""
        self._display.update(self._stage, description=STAGE_NAMES.get(name, name), refresh=True)

    def task(self, description: str, total: int):
        """A counted task (e.g. the k of a sweep); returns an advance() function."""
        task = self._display.add_task(description, total=total)
        return lambda: self._display.advance(task)

    def iterations(self, model, label: str | None = None):
        """A ``callback(n_iter, error)`` for NMF showing iteration and loss (None for SVD)."""
        if model.method != "nmf":
            return None
        if self._fit is not None:
            self._display.remove_task(self._fit)
        name = f"NMF k={model.k}" + (f" ({label})" if label else "")
        task = self._fit = self._display.add_task(name, total=model.max_iter)

        def report(n_iter: int, error: float) -> None:
            # The core's reconstruction error: ‖X − WH‖_F, or √(2·D_KL) under the KL loss.
            self._display.update(
                task,
                completed=n_iter,
                description=f"{name} · iteration {n_iter} · error {error:.5g}",
            )

        return report
