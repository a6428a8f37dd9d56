"""Write rendered output to stdout or, atomically, to a file that is never one of the inputs."""

from __future__ import annotations

import sys
from pathlib import Path

from ..atomic import atomic_text_file
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
    with atomic_text_file(output) as handle:
        handle.write(text)
