"""Read scikit-learn's 20 Newsgroups cache file directly, decompressing it while scikit-learn
imports.

``fetch_20newsgroups`` spends about a quarter of a second inflating its cache file (a zlib'd
pickle of the train and test sets) before anything else can happen, and importing scikit-learn
takes about a second. zlib releases the GIL, so a thread can inflate the file while the main
thread imports scikit-learn; the posts are then chosen exactly as ``fetch_20newsgroups`` chooses
them (``shuffle=False``). Anything unexpected returns None and the caller uses scikit-learn's
loader instead. The file is the one scikit-learn itself reads (and ``topics data import``
writes), so it is trusted as scikit-learn trusts it.
"""

from __future__ import annotations

import threading
import zlib
from pathlib import Path


class PendingRead:
    """A cache file being read and inflated on a background thread."""

    def __init__(self, path: Path) -> None:
        self._payload: bytes | None = None
        self._thread = threading.Thread(target=self._read, args=(path,), daemon=True)
        self._thread.start()

    def _read(self, path: Path) -> None:
        try:
            self._payload = zlib.decompress(path.read_bytes())
        except (OSError, zlib.error, MemoryError):
            self._payload = None

    def result(self) -> bytes | None:
        self._thread.join()
        return self._payload


def start_reading(path: Path) -> PendingRead | None:
    """Begin inflating ``path`` in the background; None when there is no such file."""
    return PendingRead(path) if path.is_file() else None


def choose_posts(pending: PendingRead, subset: str, categories: list[str] | None):
    """(texts, filenames, label names) of the chosen posts, in scikit-learn's order; or None.

    ``subset`` is train, test or all (train then test); ``categories`` None keeps all.
    """
    import pickle

    payload = pending.result()
    if payload is None:
        return None
    try:
        cache = pickle.loads(payload)
        parts = [cache[name] for name in (("train", "test") if subset == "all" else (subset,))]
        names = list(parts[0].target_names)
        texts, filenames, labels = [], [], []
        for part in parts:
            if list(part.target_names) != names or not (
                len(part.data) == len(part.target) == len(part.filenames)
            ):
                return None
            texts.extend(part.data)
            filenames.extend(str(f) for f in part.filenames)
            labels.extend(names[int(t)] for t in part.target)
    except Exception:  # not the layout this reader knows: let scikit-learn's loader handle it
        return None
    if categories is not None:
        keep = set(categories)
        chosen = [i for i, label in enumerate(labels) if label in keep]
        texts = [texts[i] for i in chosen]
        filenames = [filenames[i] for i in chosen]
        labels = [labels[i] for i in chosen]
    return texts, filenames, labels
