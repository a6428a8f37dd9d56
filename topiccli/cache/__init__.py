"""An on-disk cache of loaded and vectorized corpora, so a repeated run skips both steps, and
of finished runs, so a run repeated with the same options skips the fit too.

``location`` says where it lives (``--cache-dir``, ``TOPICS_CACHE_DIR``, the XDG cache home)
and whether it is on; ``key`` names a corpus without loading it; ``entry`` reads and writes
the corpus entries, ``runs`` the run entries, both through ``checked``. ``entry`` (and numpy
with it) is imported on first use, so a run answered from the run cache never loads numpy.
The README's "cache" section is the user-facing description.
"""

from __future__ import annotations

from ..errors import CacheWarning
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


def __getattr__(name: str):
    if name in ("SUBDIR", "CorpusCache", "LazyTexts"):
        from . import entry

        return getattr(entry, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
