"""Give the memory a stage has freed back to the operating system.

CPython frees a text's memory to the C allocator, not to the system: glibc's ``malloc`` keeps
the freed pages of its heap, so after vectorizing a large corpus the process stays as large as
its busiest moment, and the next stage's arrays come on top. ``malloc_trim`` hands those pages
back. Measured on a million documents (scripts/make_big_corpus.py, k = 20): 0.32 GiB once the
counts' blocks are merged, 0.91 GiB once vectorizing is done and 0.66 GiB once the corpus cache
entry is stored; the CLI's run peaked at 4,072,376 kB instead of 4,668,604 kB, the same output
(bench/RESULTS.md). Elsewhere than glibc (macOS, musl) this does nothing.
"""

from __future__ import annotations

import ctypes

_trim = None


def release_freed_memory() -> None:
    """Return the heap's free pages to the system (glibc's ``malloc_trim(0)``; else a no-op)."""
    global _trim
    if _trim is None:
        try:
            _trim = ctypes.CDLL("libc.so.6").malloc_trim
        except (OSError, AttributeError):
            _trim = False
    if _trim:
        _trim(0)
