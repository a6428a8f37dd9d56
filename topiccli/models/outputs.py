"""Where a command may write: checked before any work, so a long fit never ends in a refusal.

No output may be an input (the corpus and the files its links lead to, a stop-word file, a
model being read) or lie inside one, two outputs may not name the same file, and each must be
plainly writable (its folder exists and is writable; it is not a folder). Messages name the
outputs by their parameters (``output``, ``doc_topics``, ``save``, ``html``).
"""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import OutputError


def check_outputs(outputs: dict[str, Path | None], inputs) -> None:
    """Refuse an output that is an input, or two outputs naming the same file.

    ``inputs``: the paths, or a function giving them (called only when there is an output).
    ``outputs`` maps a parameter name to its path (None: not asked for); ``save`` is a bundle
    folder, checked by the bundle module.
    """
    if all(path is None for path in outputs.values()):
        return
    inputs = inputs() if callable(inputs) else inputs
    seen: dict[Path, str] = {}
    for name, path in outputs.items():
        if path is None:
            continue
        check_not_input(path, inputs, name)
        if name != "save":
            check_output_path(path, name)
        resolved = real(path)
        if resolved in seen:
            raise OutputError(f"{name} and {seen[resolved]} name the same file {path}",
                              params=(name, seen[resolved]))  # fmt: skip
        seen[resolved] = name


def check_not_input(output: Path | None, inputs: list[Path], name: str = "output") -> None:
    """Refuse an output path that is, or lies inside, an input (links resolved)."""
    if output is None:
        return
    target = real(output)
    for source in inputs:
        source = real(source)
        if target == source or source in target.parents:
            raise OutputError(f"refusing to write {output}: it is an input ({source})",
                              params=(name,))  # fmt: skip


def real(path: Path) -> Path:
    """``path`` with every link resolved; a link loop stays as it is (``Path.resolve`` raises
    on one before Python 3.13), to be refused by whatever then opens it."""
    return Path(os.path.realpath(path))


def check_output_path(output: Path | None, name: str = "output") -> None:
    """Fail early, before any work, when ``output`` can plainly not be written."""
    if output is None:
        return
    if output.is_dir():
        raise OutputError(f"cannot write {output}: it is a folder", params=(name,))
    if output.exists():
        return
    directory = output.parent if str(output.parent) else Path(".")
    if not directory.is_dir():
        raise OutputError(f"cannot write {output}: folder {directory} does not exist",
                          params=(name,))  # fmt: skip
    if not os.access(directory, os.W_OK):
        raise OutputError(f"cannot write {output}: folder {directory} is not writable",
                          params=(name,))  # fmt: skip


def check_bundle_destination(save: Path | None, force: bool, others: list[Path | None]) -> None:
    """``save`` can take a bundle (see bundle.check_bundle_path) and no other output lies in it."""
    if save is None:
        return
    from .bundle import check_bundle_path as check_bundle

    check_bundle(save, force)
    for other in others:
        if other is not None and real(save) in real(other).parents:
            raise OutputError(f"refusing to write {other} inside the bundle {save}",
                              params=("save",))  # fmt: skip


def check_row_format(doc_topics: Path | None) -> None:
    """``doc_topics`` names its format by extension (.csv/.jsonl)."""
    if doc_topics is not None:
        from ..render.doc_topics import format_for

        format_for(doc_topics)
