"""An on-disk cache of loaded and vectorized corpora, so a repeated run skips both steps.

``location`` says where it lives (``--cache-dir``, ``TOPICS_CACHE_DIR``, the XDG cache home)
and whether it is on; ``key`` names a corpus without loading it; ``entry`` reads and writes
the entries. The README's "corpus cache" section is the user-facing description.
"""

from __future__ import annotations

from ..errors import CacheWarning
from .entry import SUBDIR, CorpusCache, LazyTexts
from .key import FORMAT, Lookup, lookup_key
from .location import ENV_DIR, ENV_SWITCH, resolve_dir

__all__ = [
    "ENV_DIR",
    "ENV_SWITCH",
    "FORMAT",
    "SUBDIR",
    "CacheWarning",
    "CorpusCache",
    "LazyTexts",
    "Lookup",
    "lookup_key",
    "resolve_dir",
]
