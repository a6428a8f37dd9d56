"""Write rendered output to stdout or, atomically (topiccli.storage.atomic), to a file.

A closed stdout (``… | head``) propagates as a BrokenPipeError (exit 141, silent); any other
failure to write stdout, such as a full disk, is one ``Error:`` line.
"""

from __future__ import annotations

import errno
import sys
from contextlib import contextmanager
from pathlib import Path

from ..errors import OutputError
from ..storage.atomic import atomic_text_file
from .errors import silence_stdout


def width_for(output: Path | None) -> int:
    """The table width for a destination (render.table_width: COLUMNS, the terminal, else
    the fixed piped width)."""
    from ..render import table_width
    from ..settings import Settings

    return table_width(sys.stdout if output is None else None, Settings.from_environ().columns)


def write_text(text: str, output: Path | None) -> None:
    """Write to stdout, or to ``output`` so that no partial file is ever seen."""
    if output is None:
        with stdout_errors():
            sys.stdout.write(text)
            sys.stdout.flush()
        return
    with atomic_text_file(output) as handle:
        handle.write(text)


def write_streamed(write, output: Path | None) -> None:
    """``write(handle)`` into stdout, or into ``output`` atomically (rows streamed as made)."""
    if output is None:
        with stdout_errors():
            write(sys.stdout)
            sys.stdout.flush()
        return
    with atomic_text_file(output) as handle:
        write(handle)


@contextmanager
def stdout_errors():
    """Writing to stdout: a closed pipe propagates (exit 141); a full disk is an OutputError."""
    try:
        yield
    except BrokenPipeError:
        raise
    except OSError as exc:
        if exc.errno == errno.EPIPE:
            raise BrokenPipeError(*exc.args) from exc
        silence_stdout()  # the unwritten buffer must not fail again at exit
        raise OutputError(f"cannot write to stdout: {exc.strerror or exc}") from exc
