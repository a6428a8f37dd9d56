"""Read scikit-learn's 20 Newsgroups cache file directly, without importing scikit-learn.

``fetch_20newsgroups`` spends about a quarter of a second inflating its cache file (a zlib'd
pickle of the train and test sets), and importing scikit-learn takes about a second. The
file is inflated on a thread (zlib releases the GIL) and unpickled with only the globals it
holds allowed: scikit-learn's ``Bunch`` (read as :class:`_Bunch`, a dict with attributes, so
scikit-learn is not imported) and numpy's array reconstruction. The posts are then chosen
exactly as ``fetch_20newsgroups`` chooses them (``shuffle=False``). Another layout (other
scikit-learn or numpy globals, or fields) returns None and the caller uses scikit-learn's
loader instead. A global from anywhere else (a function that would run when the file loads)
is refused with a CorpusError, and the file is handed to no loader. The file is the one
scikit-learn itself reads (and ``topics data import`` writes).
"""

from __future__ import annotations

import builtins
import importlib
import io
import pickle
import threading
import zlib
from pathlib import Path

from ..errors import CorpusError

_ARRAYS = {("numpy", "ndarray"), ("numpy", "dtype"), ("numpy._core.multiarray", "_reconstruct"),
           ("numpy.core.multiarray", "_reconstruct"), ("numpy._core.multiarray", "scalar"),
           ("numpy.core.multiarray", "scalar")}  # fmt: skip
"""The numpy globals an array in the cache is rebuilt from (numpy 1's and 2's module names)."""
_PLAIN = {"list", "dict", "set", "frozenset", "tuple", "str", "bytes", "int", "float", "bool"}
"""Plain builtin types a pickle may name (no function: nothing that runs code)."""


class _Bunch(dict):
    """scikit-learn's ``Bunch`` as the cache holds it: a dict whose keys read as attributes."""

    def __getattr__(self, key: str):
        try:
            return self[key]
        except KeyError:
            raise AttributeError(key) from None

    def __setstate__(self, state) -> None:
        """The pickled instance dict is ignored, as scikit-learn's Bunch ignores it."""


class _CacheUnpickler(pickle.Unpickler):
    """Unpickles the cache with only its own globals allowed (see the module)."""

    def find_class(self, module: str, name: str):
        if name == "Bunch" and module.split(".")[0] == "sklearn":
            return _Bunch
        if (module, name) in _ARRAYS:  # numpy 2 names numpy 1's numpy.core numpy._core
            tail = module.split(".", 2)[2] if module.count(".") >= 2 else None
            names = [module] if tail is None else [f"numpy._core.{tail}", f"numpy.core.{tail}"]
            for candidate in names:
                try:
                    return getattr(importlib.import_module(candidate), name)
                except ImportError:
                    continue
        if module == "builtins" and name in _PLAIN:
            return getattr(builtins, name)
        # another layout (or an older pickle protocol's copyreg): scikit-learn's loader reads it
        if module.split(".")[0] in ("sklearn", "numpy", "copyreg"):
            raise pickle.UnpicklingError(f"{module}.{name} is not in the layout this reader knows")
        raise _Foreign(f"{module}.{name}")


class _Foreign(Exception):
    """A global no 20 Newsgroups cache holds: the file is not loaded, by anyone."""


class PendingRead:
    """A cache file being read and inflated on a background thread."""

    def __init__(self, path: Path) -> None:
        self.path = path
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
    payload = pending.result()
    if payload is None:
        return None
    try:
        cache = _CacheUnpickler(io.BytesIO(payload)).load()
    except _Foreign as exc:
        raise CorpusError(
            f"the 20 Newsgroups cache file {pending.path} holds {exc}, which a cache of posts "
            "never does, so it was not loaded; delete it and import the archive again with "
            "`topics data import 20news-bydate.tar.gz`"
        ) from None
    except Exception:  # not the layout this reader knows: let scikit-learn's loader handle it
        return None
    try:
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
