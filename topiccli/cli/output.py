"""Write rendered output to stdout or, atomically (topiccli.atomic), to a file never an input.

A closed stdout (``… | head``) propagates as a BrokenPipeError (exit 141, silent); any other
failure to write stdout, such as a full disk, is one ``Error:`` line.
"""

from __future__ import annotations

import errno
import os
import sys
from contextlib import contextmanager
from pathlib import Path

from ..atomic import atomic_text_file
from ..errors import OutputError
from .errors import silence_stdout


def check_not_input(output: Path | None, inputs: list[Path]) -> None:
    """Refuse an output path that is, or lies inside, an input (links resolved)."""
    if output is None:
        return
    target = output.resolve()
    for source in inputs:
        source = source.resolve()
        if target == source or source in target.parents:
            raise OutputError(f"refusing to write {output}: it is an input ({source})")


def check_destination(output: Path | None) -> None:
    """Fail early, before any work, when ``output`` can plainly not be written."""
    if output is None:
        return
    if output.is_dir():
        raise OutputError(f"cannot write {output}: it is a folder")
    if output.exists():
        return
    directory = output.parent if str(output.parent) else Path(".")
    if not directory.is_dir():
        raise OutputError(f"cannot write {output}: folder {directory} does not exist")
    if not os.access(directory, os.W_OK):
        raise OutputError(f"cannot write {output}: folder {directory} is not writable")


def write_text(text: str, output: Path | None) -> None:
    """Write to stdout, or to ``output`` so that no partial file is ever seen."""
    if output is None:
        with stdout_errors():
            sys.stdout.write(text)
            sys.stdout.flush()
        return
    with atomic_text_file(output) as handle:
        handle.write(text)


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
