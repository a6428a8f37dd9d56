"""Write rendered output to stdout or, atomically, to a file that is never one of the inputs."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from ..errors import OutputError


def check_not_input(output: Path | None, inputs: list[Path]) -> None:
    """Refuse an output path that is, or lies inside, an input."""
    if output is None:
        return
    target = output.resolve()
    for source in inputs:
        source = source.resolve()
        if target == source or source in target.parents:
            raise OutputError(f"refusing to write {output}: it is an input ({source})")


def write_text(text: str, output: Path | None) -> None:
    """Write to stdout, or replace ``output`` in one step so no partial file is ever seen."""
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    directory = output.parent if str(output.parent) else Path(".")
    if not directory.is_dir():
        raise OutputError(f"cannot write {output}: folder {directory} does not exist")
    try:
        fd, temp = tempfile.mkstemp(prefix=f".{output.name}.", dir=directory)
    except OSError as exc:
        raise OutputError(f"cannot write {output}: {exc.strerror}") from exc
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        os.replace(temp, output)
    except BaseException as exc:
        Path(temp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise OutputError(f"cannot write {output}: {exc.strerror}") from exc
        raise
