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
import errno
import os
import pickle
import shutil
import tarfile
import tempfile
import zlib
from pathlib import Path, PurePosixPath

from ..errors import ArchiveError
from ..storage.leftovers import sweep
from .newsgroups import CACHE_NAME, CATEGORIES

TOP_FOLDERS = ("20news-bydate-train", "20news-bydate-test")
MAX_MEMBER_BYTES = 16 * 2**20
MAX_TOTAL_BYTES = 512 * 2**20
MAX_MEMBERS = 50_000


def cache_path(data_home=None) -> Path:
    """Where scikit-learn keeps (and looks for) the 20 Newsgroups cache."""
    from .newsgroups import data_home as default_home

    return default_home(data_home) / CACHE_NAME


def ensure_imported(archive, data_home=None, force: bool = False) -> tuple[Path, bool]:
    """(the cache file, whether it was imported now): an archive already imported into this
    data home is not imported again (a 20 s job) unless ``force``. The archive must exist."""
    if not Path(archive).is_file():
        raise ArchiveError(f"archive not found: {archive}")
    target = cache_path(data_home)
    if target.is_file() and not force:
        return target, False
    return import_archive(archive, data_home), True


def import_archive(archive, data_home=None) -> Path:
    """Check, extract and cache the archive; return the cache file's path."""
    archive = Path(archive)
    if not archive.is_file():
        raise ArchiveError(f"archive not found: {archive}")
    home = _data_home(data_home)
    target = home / CACHE_NAME
    sweep(home, [".topics-import-"])
    try:
        workdir = Path(tempfile.mkdtemp(prefix=".topics-import-", dir=home))
    except OSError as exc:
        raise ArchiveError(f"data home is not writable: {home} ({exc.strerror})") from exc
    try:
        _extract_checked(archive, workdir)
        _write_cache(workdir, target)
    except OSError as exc:
        raise ArchiveError(f"cannot write the cache in {home}: {exc.strerror or exc}") from exc
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return target


def _data_home(data_home) -> Path:
    """scikit-learn's data home, created if missing; a clear error if it cannot be."""
    from .newsgroups import data_home as default_home

    home = default_home(data_home)
    try:
        home.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ArchiveError(f"cannot use {home} as the data home: {exc.strerror or exc}") from exc
    if not os.access(home, os.W_OK):
        raise ArchiveError(f"data home is not writable: {home}")
    return home


def _extract_checked(archive: Path, workdir: Path) -> None:
    """Check every member as it is read, before extracting any.

    Members are checked one by one while the archive streams, so a bad member (a link, an
    oversized or unsafe entry, a member past the count cap) stops the read at its header:
    a decompression bomb is refused without being decompressed.
    """
    try:
        with tarfile.open(archive, "r:gz") as tar:
            members = _check_members(tar, archive)
            tar.extractall(workdir, members=members, filter="data")
            _check_crc(tar.fileobj, archive)
    except ArchiveError:
        raise
    except OSError as exc:
        if exc.errno in _WRITE_ERRNOS:  # the data home, not the archive: a full disk…
            raise ArchiveError(f"cannot write the cache in {workdir.parent}: "
                               f"{exc.strerror or exc}") from exc  # fmt: skip
        raise ArchiveError(f"{archive} is not a readable .tar.gz archive ({exc})") from exc
    except (tarfile.TarError, EOFError, ValueError, zlib.error) as exc:
        raise ArchiveError(f"{archive} is not a readable .tar.gz archive ({exc})") from exc


_WRITE_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS}
"""Errors that come from writing the extracted files, whatever the archive holds."""


def _check_crc(stream, archive: Path) -> None:
    """Read the gzip stream to its end, where gzip checks its CRC-32 and length: tar stops
    reading at its end-of-archive blocks, before the gzip trailer, so a corrupted archive
    would otherwise import its corrupted text."""
    try:
        while stream.read(1 << 20):
            pass
    except (OSError, EOFError, zlib.error) as exc:
        raise ArchiveError(f"{archive} fails its gzip check ({exc}): the archive is corrupt; "
                           "download it again") from exc  # fmt: skip


def _check_members(members, archive: Path) -> list:
    """Check members one at a time (an iterator over a tarfile reads headers lazily)."""
    checked = []
    total = 0
    for member in members:
        if len(checked) >= MAX_MEMBERS:
            raise ArchiveError(f"{archive} has over {MAX_MEMBERS} members; refusing it")
        _check_member(member, archive)
        total += member.size
        if total > MAX_TOTAL_BYTES:
            raise ArchiveError(f"refusing archive that unpacks to over {MAX_TOTAL_BYTES} bytes")
        checked.append(member)
    found = {PurePosixPath(m.name).parts[:2] for m in checked
             if m.isfile() and len(PurePosixPath(m.name).parts) > 2}  # fmt: skip
    for top in TOP_FOLDERS:
        missing = [c for c in CATEGORIES if (top, c) not in found]
        if missing:
            raise ArchiveError(
                f"{archive} is not the 20news-bydate archive: {top}/ lacks {', '.join(missing)}"
            )
    return checked


def _check_member(member, archive: Path) -> None:
    path = PurePosixPath(member.name)
    if path.is_absolute() or ".." in path.parts:
        raise ArchiveError(f"refusing unsafe path in archive: {member.name!r}")
    if not (member.isfile() or member.isdir()):
        raise ArchiveError(f"refusing link or special file in archive: {member.name!r}")
    if not path.parts or path.parts[0] not in TOP_FOLDERS:
        raise ArchiveError(
            f"{archive} is not the 20news-bydate archive: unexpected member {member.name!r}"
        )
    if member.isfile() and len(path.parts) <= 2:
        raise ArchiveError(f"{archive} is not the 20news-bydate archive: {member.name!r} is a "
                           "file where a folder of posts belongs")  # fmt: skip
    if member.size > MAX_MEMBER_BYTES:
        raise ArchiveError(
            f"refusing archive member {member.name!r} of {member.size} bytes "
            f"(limit {MAX_MEMBER_BYTES})"
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
