"""Load a folder of text files as a corpus.

The walk covers every level (without recursion, so any depth) in sorted order, skipping hidden
files and folders. A document's label is the name of its first-level subfolder. Files decode
as UTF-8 (a byte-order mark selects UTF-8/16/32), falling back to Windows-1252 and then
Latin-1; files that look binary, files with no text, unreadable files and folders, broken
links and special files (FIFOs, devices) are skipped and counted by reason. Nothing is ever written.

Memory stays bounded whatever the files: at most ``max_file_bytes`` (default 16 MiB) are read
from any one file; a longer file is cut there (at a character boundary) and counted as
truncated. Symbolic links are followed wherever they point, a folder reached twice (a link
loop) is walked once. Document ids and labels are always valid Unicode: bytes in a file name
that are not UTF-8 are written as ``\\xNN``.
"""

from __future__ import annotations

import codecs
import fnmatch
import os
from pathlib import Path

from ..errors import CorpusError, InvalidParameterError
from ..specs import MAX_FILE_BYTES
from ..storage.bounded import open_regular
from .model import Corpus, tell

BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
SNIFF_BYTES = 8192
DEFAULT_MAX_FILE_BYTES = MAX_FILE_BYTES
TRUNCATED = "truncated"
"""The key under which ``Corpus.skipped`` counts files cut at ``max_file_bytes`` (not left out)."""


def load_folder(
    path: str | os.PathLike,
    glob: str | None = None,
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
    listing: tuple[list[Path], dict[str, int]] | None = None,
    counted=None,
) -> Corpus:
    """Read every matching text file under ``path`` (or ``path`` itself if it is a file).

    ``listing``: the (files, skipped) of :func:`list_files`, when the caller walked already.
    ``counted(n)``, if given, hears the documents read so far (``model.tell``).
    """
    root = Path(path)
    if max_file_bytes < 1:
        raise InvalidParameterError(
            f"max_file_bytes must be >= 1, got {max_file_bytes}", params=("max_file_bytes",)
        )
    files, skipped = listing if listing is not None else list_files(root, glob)
    skipped = dict(skipped)
    texts, ids, labels = [], [], []
    for file in files:
        text, reason = read_text(file, max_file_bytes)
        if reason == TRUNCATED:
            skipped[TRUNCATED] = skipped.get(TRUNCATED, 0) + 1
        elif reason:
            skipped[reason] = skipped.get(reason, 0) + 1
            continue
        relative = file.relative_to(root) if file != root else Path(file.name)
        texts.append(text)
        ids.append(printable(relative.as_posix()))
        labels.append(printable(relative.parts[0]) if len(relative.parts) > 1 else None)
        tell(counted, len(texts))
    tell(counted, len(texts), final=True)
    if not texts:
        detail = f" ({_describe(skipped)} skipped)" if skipped else ""
        raise CorpusError(f"no readable text files under {root}{detail}")
    has_labels = any(label is not None for label in labels)
    return Corpus(texts, ids, labels if has_labels else None, selection(root, glob), skipped)


def printable(name: str) -> str:
    """A file name as valid Unicode: undecodable bytes (surrogate escapes) become ``\\xNN``."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def selection(path, glob: str | None) -> dict:
    """The JSON report's description of a folder source."""
    return {"source": "folder", "path": str(Path(path)), "glob": glob}


def list_files(root: Path, glob: str | None = None) -> tuple[list[Path], dict[str, int]]:
    """The files the loader reads under ``root``, and what the walk passed over, by reason."""
    skipped: dict[str, int] = {}
    return candidate_files(Path(root), glob, skipped), skipped


def candidate_files(
    root: Path, glob: str | None = None, skipped: dict[str, int] | None = None
) -> list[Path]:
    """Every file the loader will consider, in its order (``root`` itself if it is a file).

    Entries passed over on the way (unreadable folders, broken links, special files) are
    counted in ``skipped`` by reason when it is given.
    """
    if not root.exists():
        kind = "is a broken link" if root.is_symlink() else "does not exist"
        raise CorpusError(f"input path {kind}: {root}")
    if root.is_file():
        return [root]
    if not root.is_dir():
        raise CorpusError(f"input path is neither a folder nor a regular file: {root}")
    counts = skipped if skipped is not None else {}
    return sorted(_walk(root, glob, counts), key=_sort_key(root))


def _walk(root: Path, glob: str | None, skipped: dict[str, int]):
    """Yield files under root, skipping hidden entries, symlink loops and non-files.

    The walk keeps its own stack of folders (no recursion: a tree any number of levels deep
    is walked), follows links to folders, and walks a folder reached twice only once."""

    def count(reason: str) -> None:
        skipped[reason] = skipped.get(reason, 0) + 1

    seen: set[tuple[int, int]] = set()
    stack = [str(root)]
    while stack:
        directory = stack.pop()
        try:
            stat = os.stat(directory)
            if (stat.st_dev, stat.st_ino) in seen:
                continue
            seen.add((stat.st_dev, stat.st_ino))
            with os.scandir(directory) as listing:
                entries = sorted(listing, key=lambda entry: entry.name)
        except OSError:
            count("unreadable")
            continue
        subdirs = []
        for entry in entries:
            if entry.name.startswith("."):
                continue
            if _is_dir(entry):
                subdirs.append(entry.path)
                continue
            file = Path(entry.path)
            if glob and not _matches(file.relative_to(root).as_posix(), glob):
                continue
            if file.is_file():
                yield file
            elif not file.exists():
                count("broken link")
            else:
                count("not a regular file")
        stack.extend(reversed(subdirs))


def _is_dir(entry: os.DirEntry) -> bool:
    """Whether an entry is a folder, or a link to one (a link loop is not)."""
    try:
        return entry.is_dir()
    except OSError:
        return False


def _sort_key(root: Path):
    return lambda file: file.relative_to(root).parts


def _matches(relative: str, pattern: str) -> bool:
    """A pattern with a slash matches the relative path; one without, the file name."""
    target = relative if "/" in pattern else relative.rsplit("/", 1)[-1]
    return fnmatch.fnmatchcase(target, pattern)


def read_text(file: Path, max_bytes: int) -> tuple[str, str | None]:
    """Return (text, None), (text, "truncated"), or ("", reason) when the file is skipped."""
    try:
        with open_regular(file) as handle:  # a FIFO swapped in since the walk: never waited on
            data = handle.read(max_bytes + 1)
    except OSError:
        return "", "unreadable"
    cut = len(data) > max_bytes
    text = decode(data[:max_bytes], partial=cut)
    if text is None:
        return "", "binary"
    if not text.strip():
        return "", "empty"
    return text, TRUNCATED if cut else None


def decode(data: bytes, partial: bool = False) -> str | None:
    """Decode bytes to text; None when they look binary.

    ``partial``: the bytes are a file's beginning, so a character cut at the end is dropped
    rather than making a UTF-8/16/32 file fall back to Windows-1252.
    """
    for bom, encoding in BOMS:
        if data.startswith(bom):
            try:
                return _decode(data, encoding, partial)
            except UnicodeDecodeError:
                return None
    if b"\x00" in data[:SNIFF_BYTES]:
        return None
    try:
        return _decode(data, "utf-8", partial)
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _decode(data: bytes, encoding: str, partial: bool) -> str:
    if not partial:
        return data.decode(encoding)
    return codecs.getincrementaldecoder(encoding)().decode(data, final=False)


def _describe(skipped: dict[str, int]) -> str:
    return ", ".join(f"{count} {reason}" for reason, count in sorted(skipped.items()))
