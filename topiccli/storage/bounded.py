"""The one way untrusted bytes are read: regular files only, and never more than a bound.

Everything topiccli reads that someone else made — a bundle's files, a cache entry, a records
file, a stop-word file, stdin — goes through here, so no input can make a read hang or grow
without end:

* a path is opened without blocking (``O_NONBLOCK``: opening a FIFO with no writer would wait
  forever) and refused unless it is a regular file: a FIFO, ``/dev/zero``, a socket or a
  folder is :class:`NotRegular`; a symbolic-link loop is the ``ELOOP`` :class:`OSError`;
* a read never takes more than its bound: one byte more is read to tell, and a longer file
  is :class:`TooLarge` (:func:`read_bounded`) or cut and said to be (:func:`read_line`).

Both errors are :class:`OSError`\\ s with a ``strerror``, so callers that already turn an
``OSError`` into their own message ("cannot read …: <reason>") need nothing new.
"""

from __future__ import annotations

import errno
import json
import os
import stat
from typing import BinaryIO

_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


class NotRegular(OSError):
    """The path is not a regular file (a FIFO, a device, a socket, a folder)."""

    def __init__(self, path, mode: int) -> None:
        kind = next((name for test, name in _KINDS if test(mode)), "not a regular file")
        super().__init__(errno.EINVAL, f"it is {kind}, not a regular file", str(path))


class TooLarge(OSError):
    """The file holds more bytes than the read allows."""

    def __init__(self, path, limit: int) -> None:
        super().__init__(errno.EFBIG, f"it holds more than {limit} bytes", str(path))
        self.limit = limit


def open_regular(path) -> BinaryIO:
    """A binary handle on ``path``, which must be a regular file (links followed)."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise NotRegular(path, mode)
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_bounded(path, limit: int) -> bytes:
    """All of the regular file ``path``, refused (:class:`TooLarge`) past ``limit`` bytes."""
    with open_regular(path) as handle:
        return read_stream(handle, limit, path)


def read_regular(path) -> bytes:
    """All of the regular file ``path``, bounded by the size it declares (``st_size``): a
    file that yields more than it declares (``/proc``) is :class:`TooLarge`."""
    with open_regular(path) as handle:
        return read_stream(handle, os.fstat(handle.fileno()).st_size, path)


def read_stream(handle, limit: int, name="stream") -> bytes:
    """All of a binary stream, refused (:class:`TooLarge`) past ``limit`` bytes; read in
    pieces, so a stream that lies about its size (``/proc``, a pipe) is still bounded."""
    chunks, total = [], 0
    while total <= limit:
        chunk = handle.read(min(1 << 20, limit + 1 - total))
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        total += len(chunk)
    raise TooLarge(name, limit)


def read_line(handle, limit: int):
    """(line, cut): the next line of a stream, binary or text ("" or b"" at its end), at most
    ``limit`` bytes or characters of it; when the line is longer, the rest is read past in
    pieces and dropped, and ``cut`` is True."""
    line = handle.readline(limit + 1)
    newline = b"\n" if isinstance(line, bytes) else "\n"
    if len(line) <= limit or line.endswith(newline):
        return line, False
    while rest := handle.readline(1 << 20):
        if rest.endswith(newline):
            break
    return line[:limit], True


def parse_json(data: bytes | str):
    """``json.loads``, with nesting too deep for the parser (a RecursionError) reported as the
    ValueError any other invalid JSON gives."""
    try:
        return json.loads(data)
    except RecursionError:
        raise ValueError("JSON nested too deeply") from None
