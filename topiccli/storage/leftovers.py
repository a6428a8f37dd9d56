"""What a killed run leaves behind, and the next run's sweep of it.

Every file or folder topiccli writes is made under a temporary name beside its destination
and renamed into place (storage.atomic, bundle.save, the archive import). Ctrl-C and SIGTERM
remove the temporary (cli.errors handles both alike); SIGKILL, a power cut or an OOM kill
cannot, so the temporary names are ones only topiccli makes, and the next run that writes to
the same place removes those older than :data:`STALE_SECONDS` (a live run touches its own
far more often), reporting each on stderr as a warning:

* ``.NAME.tmp-XXXXXXXX`` — a file being written (``-o``, ``--doc-topics``, ``--html``, cache);
* ``.NAME.partial-XXXXXXXX/`` — a bundle being written (``--save``);
* ``.NAME.old-XXXXXXXX/`` — a replaced bundle being removed (``--save --force``);
* ``.topics-import-XXXXXXXX/`` — an archive being unpacked (``topics data import``).
"""

from __future__ import annotations

import os
import re
import shutil
import time
import warnings
from pathlib import Path

from ..errors import TopicsWarning

STALE_SECONDS = 3600
"""A leftover untouched for this long belongs to no live run."""
SUFFIX = r"[a-z0-9_]{8}"
"""What ``tempfile`` appends to a prefix."""


class LeftoverWarning(TopicsWarning):
    """A killed run's temporary file or folder was found and removed."""


def temp_prefix(name: str) -> str:
    """The prefix of a temporary file that becomes ``name`` (for ``tempfile.mkstemp``)."""
    return f".{name}.tmp-"


def sweep(directory: Path, prefixes: list[str], now: float | None = None) -> list[Path]:
    """Remove the stale leftovers in ``directory`` whose names are one of ``prefixes`` and a
    temporary suffix; warn about each; return them. Errors (a folder one cannot write) leave
    things as they are: a sweep never stops a run."""
    now = time.time() if now is None else now
    pattern = re.compile("|".join(f"{re.escape(p)}{SUFFIX}" for p in prefixes))
    removed = []
    try:
        entries = list(os.scandir(directory))
    except OSError:
        return removed
    for entry in entries:
        if not pattern.fullmatch(entry.name):
            continue
        try:
            if now - entry.stat(follow_symlinks=False).st_mtime < STALE_SECONDS:
                continue
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path)
            else:
                os.unlink(entry.path)
        except OSError:
            continue
        removed.append(Path(entry.path))
    if removed:
        names = ", ".join(path.name for path in removed)
        warnings.warn(
            LeftoverWarning(
                f"removed {len(removed)} leftover(s) of an interrupted run in {directory}: {names}"
            ),  # fmt: skip
            stacklevel=2,
        )
    return removed


def sweep_beside(path: Path, *kinds: str) -> list[Path]:
    """Sweep the leftovers of writing ``path``: ``kinds`` among "tmp", "partial", "old"."""
    path = Path(path)
    directory = path.parent if str(path.parent) else Path(".")
    return sweep(directory, [f".{path.name}.{kind}-" for kind in kinds])
