"""Files that appear whole or not at all: written beside the destination, then renamed.

A reader (or a run interrupted by Ctrl-C, a full disk, a closed pipe) never leaves or sees half
a file: the temporary file is removed on any failure and the destination keeps its old bytes.
A new file gets the usual permissions (0666 less the umask), a replaced one keeps its own. A
symbolic link is followed: its target is replaced, the link kept. Something that exists and is
not a regular file — a FIFO, ``/dev/null``, a process substitution's ``/dev/fd/N`` — is written
straight into, never replaced. The temporary name is ``.NAME.tmp-XXXXXXXX``; one that a killed
run left is removed by the next run writing NAME (topiccli.storage.leftovers).
"""

from __future__ import annotations

import os
import stat
import tempfile
from contextlib import contextmanager
from pathlib import Path

from ..errors import OutputError
from .leftovers import sweep_beside, temp_prefix


@contextmanager
def atomic_text_file(path: Path):
    """A text handle on a temporary file that replaces ``path`` only if the block succeeds."""
    with _atomic_file(path, binary=False) as handle:
        yield handle


@contextmanager
def atomic_binary_file(path: Path):
    """A binary handle, as :func:`atomic_text_file` gives a text one (a Parquet table)."""
    with _atomic_file(path, binary=True) as handle:
        yield handle


@contextmanager
def _atomic_file(path: Path, binary: bool):
    path = Path(path)
    target = Path(os.path.realpath(path)) if path.is_symlink() else path
    try:
        mode = os.stat(target).st_mode
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {_reason(exc)}") from exc
    if mode is not None and stat.S_ISDIR(mode):
        raise OutputError(f"cannot write {path}: it is a folder")
    if mode is not None and not stat.S_ISREG(mode):
        with _into(target, path, binary) as handle:
            yield handle
        return
    with _replacing(target, path, mode, binary) as handle:
        yield handle


@contextmanager
def _into(target: Path, shown: Path, binary: bool = False):
    """Write into an existing special file (FIFO, device) without replacing it."""
    text = {} if binary else {"encoding": "utf-8", "newline": ""}
    try:
        with open(target, "wb" if binary else "w", **text) as handle:
            yield handle
    except OSError as exc:
        raise OutputError(f"cannot write {shown}: {_reason(exc)}") from exc


@contextmanager
def _replacing(target: Path, shown: Path, mode: int | None, binary: bool = False):
    """A temporary file beside ``target``, renamed over it when the block succeeds."""
    directory = target.parent if str(target.parent) else Path(".")
    if not directory.is_dir():
        raise OutputError(f"cannot write {shown}: folder {directory} does not exist")
    sweep_beside(target, "tmp")
    try:
        fd, temp = tempfile.mkstemp(prefix=temp_prefix(target.name), dir=directory)
    except OSError as exc:
        raise OutputError(f"cannot write {shown}: {_reason(exc)}") from exc
    try:
        text = {} if binary else {"encoding": "utf-8", "newline": ""}
        with os.fdopen(fd, "wb" if binary else "w", **text) as handle:
            os.fchmod(handle.fileno(), stat.S_IMODE(mode) if mode else 0o666 & ~_umask())
            yield handle
        os.replace(temp, target)
    except BaseException as exc:
        Path(temp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise OutputError(f"cannot write {shown}: {_reason(exc)}") from exc
        raise


def _umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)
