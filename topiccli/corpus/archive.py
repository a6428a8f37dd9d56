"""Import a local copy of ``20news-bydate.tar.gz`` into scikit-learn's 20 Newsgroups cache.

The result is the very cache file ``fetch_20newsgroups`` writes after a download, so topiccli
and scikit-learn (``download_if_missing=False``) both find it. Every member is checked before
anything is extracted: only regular files and folders under the two expected top-level
folders, no links, no absolute or ``..`` paths, and bounded sizes. Extraction happens in a
temporary folder inside the data home and the cache appears by an atomic rename, so a failure
leaves nothing half-written.
"""

from __future__ import annotations

import codecs
import os
import pickle
import shutil
import tarfile
import tempfile
from pathlib import Path, PurePosixPath

from ..errors import ArchiveError
from .newsgroups import CACHE_NAME, CATEGORIES

TOP_FOLDERS = ("20news-bydate-train", "20news-bydate-test")
MAX_MEMBER_BYTES = 16 * 2**20
MAX_TOTAL_BYTES = 512 * 2**20
MAX_MEMBERS = 50_000


def cache_path(data_home=None) -> Path:
    """Where scikit-learn keeps (and looks for) the 20 Newsgroups cache."""
    from sklearn.datasets import get_data_home

    return Path(get_data_home(data_home)) / CACHE_NAME


def import_archive(archive, data_home=None) -> Path:
    """Check, extract and cache the archive; return the cache file's path."""
    archive = Path(archive)
    if not archive.is_file():
        raise ArchiveError(f"archive not found: {archive}")
    target = cache_path(data_home)
    home = target.parent
    if not os.access(home, os.W_OK):
        raise ArchiveError(f"data home is not writable: {home}")
    workdir = Path(tempfile.mkdtemp(prefix=".topics-import-", dir=home))
    try:
        _extract_checked(archive, workdir)
        _write_cache(workdir, target)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return target


def _extract_checked(archive: Path, workdir: Path) -> None:
    try:
        with tarfile.open(archive, "r:gz") as tar:
            members = tar.getmembers()
            _check_members(members, archive)
            tar.extractall(workdir, members=members, filter="data")
    except ArchiveError:
        raise
    except (tarfile.TarError, EOFError, OSError, ValueError) as exc:
        raise ArchiveError(f"{archive} is not a readable .tar.gz archive ({exc})") from exc


def _check_members(members, archive: Path) -> None:
    if len(members) > MAX_MEMBERS:
        raise ArchiveError(f"{archive} has {len(members)} members; at most {MAX_MEMBERS} expected")
    total = 0
    for member in members:
        path = PurePosixPath(member.name)
        if path.is_absolute() or ".." in path.parts:
            raise ArchiveError(f"refusing unsafe path in archive: {member.name!r}")
        if not (member.isfile() or member.isdir()):
            raise ArchiveError(f"refusing link or special file in archive: {member.name!r}")
        if path.parts[0] not in TOP_FOLDERS:
            raise ArchiveError(
                f"{archive} is not the 20news-bydate archive: unexpected member {member.name!r}"
            )
        if member.size > MAX_MEMBER_BYTES:
            raise ArchiveError(
                f"refusing archive member {member.name!r} of {member.size} bytes "
                f"(limit {MAX_MEMBER_BYTES})"
            )
        total += member.size
        if total > MAX_TOTAL_BYTES:
            raise ArchiveError(f"refusing archive that unpacks to over {MAX_TOTAL_BYTES} bytes")
    found = {PurePosixPath(m.name).parts[:2] for m in members if m.isfile()}
    for top in TOP_FOLDERS:
        missing = [c for c in CATEGORIES if (top, c) not in found]
        if missing:
            raise ArchiveError(
                f"{archive} is not the 20news-bydate archive: {top}/ lacks {', '.join(missing)}"
            )


def _write_cache(workdir: Path, target: Path) -> None:
    """Build the cache exactly as scikit-learn does after a download, then rename into place."""
    from sklearn.datasets import load_files

    cache = {
        "train": load_files(workdir / TOP_FOLDERS[0], encoding="latin1"),
        "test": load_files(workdir / TOP_FOLDERS[1], encoding="latin1"),
    }
    payload = codecs.encode(pickle.dumps(cache), "zlib_codec")
    partial = workdir / CACHE_NAME
    partial.write_bytes(payload)
    os.replace(partial, target)
