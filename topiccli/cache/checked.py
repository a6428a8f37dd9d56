"""The cache's file discipline, shared by its corpus and run entries: every file is written to
a temporary name and renamed into place, and every JSON file carries its own SHA-256, so a
reader sees a whole, checked entry or nothing. Anything failing a check is a CorruptEntry:
ignored, warned about and rebuilt, never trusted.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import warnings
from pathlib import Path

from ..errors import CacheWarning
from ..storage.bounded import read_regular
from ..storage.leftovers import sweep_beside, temp_prefix


class CorruptEntry(Exception):
    """An entry failed a check; it is ignored and rebuilt."""


_PREFIX, _MIDDLE, _SUFFIX = b'{"sha256": "', b'", "entry": ', b"}\n"
_DIGEST_END = len(_PREFIX) + 64


def wrap(entry: bytes) -> bytes:
    """The JSON file: the entry's text with its own SHA-256, still one JSON document."""
    return _PREFIX + hashlib.sha256(entry).hexdigest().encode() + _MIDDLE + entry + _SUFFIX


def unwrap(content: bytes) -> bytes:
    """The entry's text, if the file has the layout ``wrap`` writes and the checksum holds."""
    body = content[_DIGEST_END + len(_MIDDLE) : -len(_SUFFIX)]
    if not (
        content.startswith(_PREFIX)
        and content[_DIGEST_END:].startswith(_MIDDLE)
        and content.endswith(_SUFFIX)
        and hashlib.sha256(body).hexdigest().encode() == content[len(_PREFIX) : _DIGEST_END]
    ):
        raise CorruptEntry("its metadata fails its checksum")
    return body


def read_checked(path: Path, digest: str) -> bytes:
    """The bytes of ``path``, if their SHA-256 is ``digest``."""
    content = read_regular(path)
    if hashlib.sha256(content).hexdigest() != digest:
        raise CorruptEntry(f"{path.name} fails its checksum")
    return content


def write_atomic_with(path: Path, write) -> str:
    """As :func:`write_atomic`, for content that ``write(handle)`` writes itself (a large
    array is then never one bytes object); returns the file's SHA-256, read back from it."""
    sweep_beside(path, "tmp")
    fd, temp = tempfile.mkstemp(prefix=temp_prefix(path.name), dir=path.parent)
    digest = hashlib.sha256()
    try:
        with os.fdopen(fd, "w+b") as handle:
            write(handle)
            handle.flush()
            handle.seek(0)
            for block in iter(lambda: handle.read(1 << 22), b""):
                digest.update(block)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return digest.hexdigest()


def write_atomic(path: Path, content: bytes) -> None:
    """Write ``content`` to ``path`` through a temporary file beside it and a rename."""
    sweep_beside(path, "tmp")
    fd, temp = tempfile.mkstemp(prefix=temp_prefix(path.name), dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def read_entry(path: Path, decode, kind: str, redo: str):
    """``decode(content)`` of the entry file ``path``, or None: when it is absent, or unreadable
    or failing a check, both warned about ("… the ``kind`` entry PATH …; ``redo``"). Whatever is
    wrong with an entry, it is redone, never trusted."""
    try:
        content = read_regular(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        warn(f"cannot read the {kind} entry {path} ({exc.strerror}); {redo}")
        return None
    try:
        return decode(content)
    except Exception as exc:  # any failure at all means the entry is not trusted
        warn(f"ignoring a corrupt {kind} entry {path} ({exc}); {redo}")
        return None


def warn(message: str) -> None:
    """A CacheWarning attributed to the caller's caller (the cache's user)."""
    warnings.warn(message, CacheWarning, stacklevel=3)
