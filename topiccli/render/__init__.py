"""Output for people and programs: tables (rich), JSON, CSV and terminal charts. Text in, text
out: nothing here writes to a stream or imports numpy at module level, so a run answered from
the run cache renders without the numeric stack.

One ``SCHEMA_VERSION`` for every JSON document the commands print, one console factory, and one
width rule: tables are laid out for ``COLUMNS`` when it is set, else the terminal's width when
the output is a terminal, else ``PIPED_WIDTH`` (a file or a pipe gets the same table every time).
"""

from __future__ import annotations

import io
import shutil

SCHEMA_VERSION = 1
FORMATS = ("table", "json", "csv")
PIPED_WIDTH = 100
"""The table width when output is not a terminal and ``COLUMNS`` is not set."""
MIN_WIDTH = 40


def table_width(stream=None, columns: str | None = None) -> int:
    """The width to lay tables out for when writing to ``stream`` (see the module docstring);
    ``columns``: ``COLUMNS`` as the edge read it (topiccli.settings)."""
    columns = (columns or "").strip()
    if columns.isdigit() and int(columns) > 0:
        return max(int(columns), MIN_WIDTH)
    isatty = getattr(stream, "isatty", None)
    if isatty is not None and isatty():
        return max(shutil.get_terminal_size((PIPED_WIDTH, 24)).columns, MIN_WIDTH)
    return PIPED_WIDTH


def console(width: int | None = None):
    """A rich Console that renders plain text into a buffer: no colour, no highlighting, and
    no markup or emoji codes read from strings (text from the data is shown as it is, made
    visible by ``render.tables``); ``text(console)`` returns what was printed."""
    from rich.console import Console

    return Console(file=io.StringIO(), width=width or PIPED_WIDTH, color_system=None,
                   force_terminal=False, highlight=False, soft_wrap=False,
                   markup=False, emoji=False)  # fmt: skip


def text(printed) -> str:
    """What a ``console()`` has printed."""
    return printed.file.getvalue()
