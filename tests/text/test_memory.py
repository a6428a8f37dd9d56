"""topiccli.memory: the memory a stage freed goes back to the system."""

from __future__ import annotations

import ctypes
import os

import pytest

from topiccli.memory import release_freed_memory


def _glibc() -> bool:
    try:
        return hasattr(ctypes.CDLL("libc.so.6"), "malloc_trim")
    except OSError:
        return False


def _resident() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


@pytest.mark.skipif(not _glibc(), reason="malloc_trim is glibc's (Linux)")
def test_freed_texts_leave_the_process():
    # 200 MB of texts, one in fifty kept: the survivors pin the heap's top, so freeing the
    # rest leaves the pages with the process until they are trimmed (as after vectorizing)
    texts = ["x" * 2000 + str(i) for i in range(100_000)]
    kept = texts[::50]
    del texts
    before = _resident()
    release_freed_memory()
    assert before - _resident() > 100 * 2**20
    assert len(kept) == 2000
