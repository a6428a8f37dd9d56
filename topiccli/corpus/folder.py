"""Load a folder of text files as a corpus.

The walk is recursive and sorted, skipping hidden files and folders. A document's label is
the name of its first-level subfolder. Files decode as UTF-8 (a byte-order mark selects
UTF-8/16/32), falling back to Windows-1252 and then Latin-1; files that look binary and
files with no text are skipped and counted.
"""

from __future__ import annotations

import codecs
import fnmatch
import os
from pathlib import Path

from ..errors import CorpusError
from .model import Corpus

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_SNIFF_BYTES = 8192


def load_folder(path: str | os.PathLike, glob: str | None = None) -> Corpus:
    """Read every matching text file under ``path`` (or ``path`` itself if it is a file)."""
    root = Path(path)
    files = candidate_files(root, glob)
    texts, ids, labels = [], [], []
    skipped: dict[str, int] = {}
    for file in files:
        text, reason = _read_text(file)
        if reason:
            skipped[reason] = skipped.get(reason, 0) + 1
            continue
        relative = file.relative_to(root) if file != root else Path(file.name)
        texts.append(text)
        ids.append(relative.as_posix())
        labels.append(relative.parts[0] if len(relative.parts) > 1 else None)
    if not texts:
        detail = f" ({_describe(skipped)} skipped)" if skipped else ""
        raise CorpusError(f"no readable text files under {root}{detail}")
    has_labels = any(label is not None for label in labels)
    return Corpus(texts, ids, labels if has_labels else None, selection(root, glob), skipped)


def selection(path, glob: str | None) -> dict:
    """The JSON report's description of a folder source."""
    return {"source": "folder", "path": str(Path(path)), "glob": glob}


def candidate_files(root: Path, glob: str | None = None) -> list[Path]:
    """Every file the loader will consider, in its order (``root`` itself if it is a file)."""
    if not root.exists():
        raise CorpusError(f"input path does not exist: {root}")
    return [root] if root.is_file() else sorted(_walk(root, glob), key=_sort_key(root))


def _walk(root: Path, glob: str | None):
    """Yield files under root in sorted order, skipping hidden entries and symlink loops."""
    seen: set[tuple[int, int]] = set()
    for directory, subdirs, names in os.walk(root, followlinks=True):
        stat = os.stat(directory)
        if (stat.st_dev, stat.st_ino) in seen:
            subdirs[:] = []
            continue
        seen.add((stat.st_dev, stat.st_ino))
        subdirs[:] = sorted(d for d in subdirs if not d.startswith("."))
        for name in sorted(names):
            if name.startswith("."):
                continue
            file = Path(directory, name)
            if glob and not _matches(file.relative_to(root).as_posix(), glob):
                continue
            if file.is_file():
                yield file


def _sort_key(root: Path):
    return lambda file: file.relative_to(root).parts


def _matches(relative: str, pattern: str) -> bool:
    """A pattern with a slash matches the relative path; one without, the file name."""
    target = relative if "/" in pattern else relative.rsplit("/", 1)[-1]
    return fnmatch.fnmatchcase(target, pattern)


def _read_text(file: Path) -> tuple[str, str | None]:
    """Return (text, None), or ("", reason) when the file is skipped."""
    try:
        data = file.read_bytes()
    except OSError:
        return "", "unreadable"
    text = decode(data)
    if text is None:
        return "", "binary"
    if not text.strip():
        return "", "empty"
    return text, None


def decode(data: bytes) -> str | None:
    """Decode bytes to text; None when they look binary."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                return None
    if b"\x00" in data[:_SNIFF_BYTES]:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _describe(skipped: dict[str, int]) -> str:
    return ", ".join(f"{count} {reason}" for reason, count in sorted(skipped.items()))
