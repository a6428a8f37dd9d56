"""A file written by partition: each worker writes its own row block's part, the client joins them.

:func:`write_partitioned` makes a temporary folder beside the destination (``.NAME.parts-…``)
holding a marker file with a random token. One task per row block, run where the block lives,
formats the block's rows into ``part-NNNNNN`` in that folder with the caller's
``write_part(handle, block, *args)``. The client then writes the header and the parts, in block
order, into a temporary file beside the destination and renames it into place
(``storage.atomic``): a reader never sees half a file. On any failure (a part that cannot be
written, a worker lost, Ctrl-C) the futures are cancelled, no output is left, and the folder
with every part is removed; a lost worker raises WorkerLost, so the caller, which holds the
rows, can write the file itself.

The workers must see the destination's folder: a LocalCluster's do (one machine), a remote
cluster's only when the destination is on a filesystem they share (NFS, a cluster volume).
Each task first reads the marker; a worker that cannot see it (another machine, another user)
writes nothing and says so, and :func:`write_partitioned` returns False after cleaning up, so
the caller can write the file itself.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import tempfile
import time
from pathlib import Path

from ..errors import OutputError
from ..storage.atomic import atomic_text_file
from ._session import Session, interruptible
from .errors import EngineError, WorkerLost

MARKER = "topiccli-parts"
"""The marker file a worker reads to know it sees the client's temporary folder."""
COPY_BUFFER = 1 << 20
SETTLE = 10.0
"""Seconds to wait, after a failure, for the part tasks still running to finish."""


def write_partitioned(client, blocks, destination, write_part, block_args, header: str = "",
                      timeout: float = 600.0) -> bool:  # fmt: skip
    """Write ``destination`` from the row ``blocks`` (futures, in row order) by partition.

    ``write_part(handle, block, *block_args[i])`` writes block i's rows to a text handle (UTF-8,
    no newline translation); it runs on a worker, so it must be importable there. ``header``
    is written once, before the parts. Returns True when the file is in place, False when a
    worker could not see the temporary folder (nothing is written then; see the module).
    Raises OutputError when the destination or a part cannot be written.
    """
    destination = Path(destination)
    target = Path(os.path.realpath(destination))
    directory = target.parent
    try:
        folder = Path(tempfile.mkdtemp(prefix=f".{target.name}.parts-", dir=directory))
    except OSError as exc:
        raise OutputError(f"cannot write {destination}: {exc.strerror or exc}") from exc
    session = Session(client, "parts", timeout)
    futures: list = []
    try:
        token = secrets.token_hex(16)
        (folder / MARKER).write_text(token, encoding="ascii")
        futures = [
            session.submit(
                _write_part, str(folder), token, i, write_part, block, *args, what="part"
            )  # fmt: skip
            for i, (block, args) in enumerate(zip(blocks, block_args, strict=True))
        ]
        try:
            sizes = interruptible(session, session.gather, futures, f"the parts of {destination}")
        except WorkerLost:
            raise  # the caller can write the file itself: it has the rows
        except EngineError as exc:
            raise OutputError(f"cannot write {destination}: {exc}") from None
        if any(size is None for size in sizes):
            return False
        failed = [size for size in sizes if isinstance(size, str)]
        if failed:
            raise OutputError(f"cannot write {destination}: {failed[0]}")
        parts = [folder / _part_name(i) for i in range(len(sizes))]
        for part, size in zip(parts, sizes):
            if not part.is_file() or part.stat().st_size != size:
                raise OutputError(f"cannot write {destination}: part {part.name} is missing or "
                                  "short on this machine")  # fmt: skip
        with atomic_text_file(destination) as handle:
            handle.write(header)
            handle.flush()
            for part in parts:
                with open(part, "rb") as source:
                    shutil.copyfileobj(source, handle.buffer, COPY_BUFFER)
        return True
    except KeyboardInterrupt:
        session.cancel()
        raise
    except BaseException:
        _settle(futures)  # let the other parts finish, so none is written after the cleanup
        session.cancel()
        raise
    finally:
        _remove(folder)


def _part_name(index: int) -> str:
    return f"part-{index:06d}"


def _write_part(folder: str, token: str, index: int, write_part, block, *args):
    """On a worker: block ``index``'s part, its size in bytes; None when the worker cannot see
    the client's folder (the marker is missing or another one); the reason, a string, when the
    part cannot be written."""
    folder_path = Path(folder)
    try:
        seen = (folder_path / MARKER).read_text(encoding="ascii") == token
    except OSError:
        seen = False
    if not seen:
        return None
    part = folder_path / _part_name(index)
    try:
        with open(part, "x", encoding="utf-8", newline="") as handle:
            write_part(handle, block, *args)
        return part.stat().st_size
    except OSError as exc:  # a full disk, a quota: said by the client, no worker traceback
        return f"part {index} on {_worker_address()}: {exc.strerror or exc}"


def _worker_address() -> str:
    try:
        from distributed import get_worker

        return f"worker {get_worker().address}"
    except (ImportError, ValueError):
        return "a worker"


def _settle(futures) -> None:
    """Wait (at most ``SETTLE`` seconds) for the part tasks still running."""
    if not futures:
        return
    with contextlib.suppress(Exception):
        from distributed import wait

        wait(futures, timeout=SETTLE)


def _remove(folder: Path) -> None:
    """Remove the temporary folder and its parts (again if a late part appeared meanwhile)."""
    for _ in range(3):
        shutil.rmtree(folder, ignore_errors=True)
        if not folder.exists():
            return
        time.sleep(0.2)
