"""A corpus's cache key, computed without loading the corpus or importing scikit-learn.

The key is ``WHAT-STATE``. WHAT digests the source (a folder's absolute path and glob, or the
20 Newsgroups selection and data home) and every vectorizer setting (a stop-word file by its
content). STATE digests the versions (cache format, topiccli, scikit-learn) and a fingerprint
of the data: the relative path, size, mtime, ctime (ns) and inode of every file the folder
loader would read, or of scikit-learn's 20 Newsgroups cache file. Any edit changes the ctime,
even one that keeps the size and restores the mtime.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path

from .. import __version__
from ..corpus import folder as folder_source
from ..corpus import newsgroups as newsgroups_source
from ..corpus import records
from ..corpus.source import Source
from ..specs import MAX_FILE_BYTES, STOP_WORD_LISTS, SourceSpec, VectorizerSettings
from ..storage.bounded import read_regular

FORMAT = 2
RACY_NS = 2_000_000_000
"""Data modified this recently (2 s, a FAT timestamp tick) is not stored: a second edit in
the same timestamp tick could otherwise leave the fingerprint unchanged."""


@dataclass(frozen=True)
class Lookup:
    """A source's cache key, and whether its data is settled enough to be stored.

    The key is ``WHAT-STATE``: WHAT digests the source and the vectorizer settings, STATE
    the data's fingerprint and the versions; a new STATE for the same WHAT supersedes it.
    """

    key: str
    storable: bool


def lookup_key(source: Source | SourceSpec, settings: VectorizerSettings) -> Lookup:
    """Key the corpus of ``source`` (a corpus.Source, or the SourceSpec of one) would have
    under ``settings``.

    Needs no scikit-learn import: the 20 Newsgroups data home is computed as scikit-learn
    computes it. A folder's files come from the source's one walk (``Source.listing``).
    """
    if isinstance(source, SourceSpec):
        source = Source(source)
    spec = source.spec
    if spec.input is not None:
        root = Path(spec.input)
        identity = {"kind": "folder", "root": str(root.resolve()), "glob": spec.glob}
        if spec.max_file_bytes != MAX_FILE_BYTES:
            identity["max_file_bytes"] = spec.max_file_bytes  # a cap changes the texts
        identity.update(records.cache_identity(root, source.fields))  # JSONL/CSV: the fields
        if not root.exists() and not records.is_pattern(root):
            folder_source.candidate_files(root)  # the loader's own error for a missing input
        stats = [(_relative(file, root), _stat(file)) for file in source.listing[0]]
        newest = max((st.st_mtime_ns for _, st in stats if st), default=0)
        storable = all(st is not None for _, st in stats) and newest < time.time_ns() - RACY_NS
    else:
        described = source.selection()
        home = Path(described["data_home"]).resolve()
        identity = {**described, "data_home": str(home), "kind": "20newsgroups"}
        pkz = home / newsgroups_source.CACHE_NAME
        stats = [(pkz.name, _stat(pkz))]
        # without its cache file the loader downloads one: the run keys again after that
        storable = stats[0][1] is not None
    what = {"source": identity, "vectorizer": _settings_identity(settings)}
    state = {
        "format": FORMAT,
        "topiccli": __version__,
        "scikit-learn": package_version("sklearn"),
        "files": [[name, *_identity(st)] for name, st in stats],
    }
    return Lookup(key=f"{_digest(what)}-{_digest(state)}", storable=storable)


def _digest(material: dict) -> str:
    return hashlib.sha256(json.dumps(material, sort_keys=True).encode()).hexdigest()[:24]


def _stat(file: Path) -> os.stat_result | None:
    """A file's status, or None if it is missing or unreadable (its data is then not stored)."""
    try:
        return os.stat(file)
    except OSError:
        return None


def _identity(st: os.stat_result | None) -> list[int]:
    return [] if st is None else [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]


def _relative(file: Path, root: Path) -> str:
    if file == root:
        return file.name
    try:
        return file.relative_to(root).as_posix()
    except ValueError:  # a shard a glob matched
        return file.as_posix()


def _settings_identity(settings: VectorizerSettings) -> dict:
    """Every vectorizer setting; a stop-word file counts by its content, not its name."""
    data = settings.as_dict()
    items = []
    for item in settings.stop_words.split("+"):
        if item in STOP_WORD_LISTS or not item or (len(item) == 2 and item.isalpha()):
            items.append(item)
        else:
            items.append("sha256:" + hashlib.sha256(read_regular(item)).hexdigest())
    data["stop_words"] = "+".join(items)
    return data


def package_version(name: str) -> str:
    """An installed package's version, read from its source without importing it (importing
    scikit-learn takes ~1 s, numpy and scipy a few tenths): its ``version.py``, else its
    ``__init__.py``."""
    import importlib.util

    try:
        folder = Path(importlib.util.find_spec(name).origin).parent
    except (ImportError, AttributeError, TypeError, ValueError):
        return "unknown"
    for source in ("version.py", "__init__.py"):
        try:
            text = (folder / source).read_text(encoding="utf-8")
        except (OSError, ValueError):
            continue
        match = re.search(r"""^(?:__version__|version)\s*(?::\s*str)?\s*=\s*["']([^"']+)""",
                          text, re.MULTILINE)  # fmt: skip
        if match:
            return match.group(1)
    return "unknown"
