"""An on-disk cache of loaded and vectorized corpora, so a repeated run skips both steps.

Location: ``--cache-dir``, else ``TOPICS_CACHE_DIR``, else ``$XDG_CACHE_HOME/topiccli``, else
``~/.cache/topiccli``. ``--no-cache`` or ``TOPICS_CACHE=0`` turns it off.

An entry's key is the SHA-256 of a canonical JSON document naming the source (folder and glob,
or the 20 Newsgroups selection and data home), every vectorizer setting (a stop-word file by
its content), the versions of this cache format, topiccli and scikit-learn, and a fingerprint
of the data: size, mtime and ctime (ns) and inode of every candidate file, or of scikit-learn's
20 Newsgroups cache file. An edited input therefore changes the key; nothing is ever updated
in place, and storing an entry deletes those it supersedes (same source and settings, older
data or versions).

An entry is three files, none of them a pickle:

* ``KEY.npz`` — the CSR arrays (``data``, ``indices``, ``indptr``, ``shape``) and ``idf``,
  read with ``allow_pickle=False``;
* ``KEY.texts.zz`` — the documents' texts as zlib-compressed JSON, read only when a caller
  asks for a text;
* ``KEY.json`` — terms, ids, labels, skipped counts, and the SHA-256 of the other two files.

Each file is written to a temporary name and renamed into place, the JSON last, so a reader
never sees half an entry. A reader checks the JSON's key and format, the checksums and the
arrays' consistency; an entry that fails any check is reported, ignored and rebuilt.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import tempfile
import time
import warnings
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import __version__
from .corpus import Corpus
from .corpus import folder as folder_source
from .corpus import newsgroups as newsgroups_source
from .errors import CacheWarning, CorpusError
from .vectorize import DocumentTerm, VectorizerSettings

FORMAT = 1
ENV_DIR = "TOPICS_CACHE_DIR"
ENV_SWITCH = "TOPICS_CACHE"
OFF_VALUES = ("0", "false", "no", "off")
SUBDIR = f"corpus-v{FORMAT}"
RACY_NS = 2_000_000_000
"""Data modified this recently (2 s, a FAT timestamp tick) is not stored: a second edit in
the same timestamp tick could otherwise leave the fingerprint unchanged."""


def resolve_dir(option: str | os.PathLike | None = None, disabled: bool = False) -> Path | None:
    """The cache directory to use, or None when caching is off (see the module docstring)."""
    if disabled or os.environ.get(ENV_SWITCH, "").strip().lower() in OFF_VALUES:
        return None
    if option is not None:
        return Path(option).expanduser()
    if os.environ.get(ENV_DIR):
        return Path(os.environ[ENV_DIR]).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    base = Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".cache"
    return base / "topiccli"


@dataclass(frozen=True)
class Lookup:
    """A source's cache key, and whether its data is settled enough to be stored.

    The key is ``WHAT-STATE``: WHAT digests the source and the vectorizer settings, STATE
    the data's fingerprint and the versions; a new STATE for the same WHAT supersedes it.
    """

    key: str
    storable: bool


def lookup_key(source, settings: VectorizerSettings) -> Lookup:
    """Key the corpus ``source`` (a pipeline.SourceSpec) would give under ``settings``.

    Needs no scikit-learn import: the 20 Newsgroups data home is computed as scikit-learn
    computes it. Raises the loaders' own errors for a missing folder or a bad selection.
    """
    if source.input is not None:
        root = Path(source.input)
        identity = {"kind": "folder", "root": str(root.resolve()), "glob": source.glob}
        stats = [
            (_relative(file, root), _stat(file))
            for file in folder_source.candidate_files(root, source.glob)
        ]
        newest = max((st.st_mtime_ns for _, st in stats if st), default=0)
        storable = all(st is not None for _, st in stats) and newest < time.time_ns() - RACY_NS
    else:
        described = newsgroups_source.selection(
            source.categories, source.subset, source.remove, source.data_home
        )
        home = Path(described["data_home"]).resolve()
        identity = {**described, "data_home": str(home), "kind": "20newsgroups"}
        pkz = home / newsgroups_source.CACHE_NAME
        stats = [(pkz.name, _stat(pkz))]
        # without its cache file the loader downloads one: the pipeline keys again after that
        storable = stats[0][1] is not None
    what = {"source": identity, "vectorizer": _settings_identity(settings)}
    state = {
        "format": FORMAT,
        "topiccli": __version__,
        "scikit-learn": _sklearn_version(),
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
    return file.name if file == root else file.relative_to(root).as_posix()


def _settings_identity(settings: VectorizerSettings) -> dict:
    """Every vectorizer setting; a stop-word file counts by its content, not its name."""
    data = settings.as_dict()
    if settings.stop_words not in ("english", "none"):
        content = Path(settings.stop_words).read_bytes()
        data["stop_words"] = "sha256:" + hashlib.sha256(content).hexdigest()
    return data


def _sklearn_version() -> str:
    """scikit-learn's version, read from its source without importing it (which takes ~1 s)."""
    import importlib.util

    try:
        spec = importlib.util.find_spec("sklearn")
        text = Path(spec.origin).read_text(encoding="utf-8")
    except (ImportError, AttributeError, TypeError, OSError, ValueError):
        return "unknown"
    match = re.search(r"""^__version__\s*=\s*["']([^"']+)""", text, re.MULTILINE)
    return match.group(1) if match else "unknown"


class CorruptEntry(Exception):
    """An entry failed a check; it is ignored and rebuilt."""


class LazyTexts(Sequence):
    """The documents' texts, read from the cache entry on first use.

    If the texts file fails its checksum, ``reload`` (the source's loader) supplies them
    instead, with a warning; without ``reload`` that is an error.
    """

    def __init__(self, path: Path, digest: str, count: int, reload=None) -> None:
        self._path, self._digest, self._count, self._reload = path, digest, count, reload
        self._texts: list[str] | None = None

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, index):
        return self._load()[index]

    def __iter__(self):
        return iter(self._load())

    def _load(self) -> list[str]:
        if self._texts is None:
            try:
                texts = json.loads(zlib.decompress(_read_checked(self._path, self._digest)))
                if not isinstance(texts, list) or len(texts) != self._count:
                    raise CorruptEntry("it does not match its entry")
            except (OSError, CorruptEntry, zlib.error, ValueError) as exc:
                texts = self._recover(exc)
            self._texts = texts
        return self._texts

    def _recover(self, exc: Exception) -> list[str]:
        problem = f"the cached texts in {self._path} are unreadable ({exc})"
        if self._reload is None:
            raise CorpusError(f"{problem}; delete the file or rerun with --no-cache") from exc
        _warn(f"{problem}; reading the source again")
        texts = list(self._reload())
        if len(texts) != self._count:
            raise CorpusError(f"{problem}, and the source changed meanwhile; rerun") from exc
        return texts


class CorpusCache:
    """The corpus entries under one cache directory."""

    def __init__(self, directory: str | os.PathLike) -> None:
        self.directory = Path(directory) / SUBDIR

    def paths(self, key: str) -> tuple[Path, Path, Path]:
        """The entry's (metadata, arrays, texts) files."""
        base = self.directory / key
        return base.with_suffix(".json"), base.with_suffix(".npz"), base.with_suffix(".texts.zz")

    def get(
        self, key: str, settings: VectorizerSettings, selection: dict, reload=None
    ) -> tuple[Corpus, DocumentTerm] | None:
        """The entry stored under ``key``, or None if absent or failing a check (then warned).

        ``selection`` describes the source in the returned corpus; ``reload`` is called for
        the texts should their file turn out corrupt (see :class:`LazyTexts`).
        """
        meta_path, arrays_path, texts_path = self.paths(key)
        try:
            meta_bytes = meta_path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            _warn(f"cannot read the corpus cache entry {meta_path} ({exc.strerror}); rebuilding")
            return None
        try:
            found = self._decode(key, meta_bytes, arrays_path)
        except Exception as exc:  # whatever is wrong with an entry, it is rebuilt, never trusted
            _warn(f"ignoring a corrupt corpus cache entry {meta_path} ({exc}); rebuilding it")
            return None
        meta, X, terms, idf = found
        texts = LazyTexts(texts_path, meta["texts_sha256"], X.shape[0], reload)
        corpus = Corpus(texts, meta["ids"], meta["labels"], selection, dict(meta["skipped"]))
        return corpus, DocumentTerm(X=X, terms=terms, idf=idf, settings=settings)

    def _decode(self, key: str, meta_bytes: bytes, arrays_path: Path):
        """Parse and check an entry: (metadata, X, terms, idf); CorruptEntry if it fails."""
        meta = json.loads(meta_bytes)
        if not isinstance(meta, dict) or meta.get("format") != FORMAT or meta.get("key") != key:
            raise CorruptEntry("its key or format does not match")
        with np.load(io.BytesIO(_read_checked(arrays_path, meta["arrays_sha256"])),
                     allow_pickle=False) as arrays:  # fmt: skip
            data, indices, indptr = arrays["data"], arrays["indices"], arrays["indptr"]
            shape = tuple(int(n) for n in arrays["shape"])
            idf = arrays["idf"] if "idf" in arrays.files else None
        terms, ids, labels = meta["terms"], meta["ids"], meta["labels"]
        _check_csr(data, indices, indptr, shape)
        n_docs, n_terms = shape
        if len(terms) != n_terms or len(ids) != n_docs:
            raise CorruptEntry("its terms or ids do not match the matrix")
        if labels is not None and len(labels) != n_docs:
            raise CorruptEntry("its labels do not match the matrix")
        if idf is not None and idf.shape != (n_terms,):
            raise CorruptEntry("its idf does not match the matrix")
        import scipy.sparse as sp

        if not isinstance(meta["skipped"], dict) or not isinstance(meta["texts_sha256"], str):
            raise CorruptEntry("its metadata is incomplete")
        X = sp.csr_matrix((data, indices, indptr), shape=shape)
        terms_array = np.empty(n_terms, dtype=object)
        terms_array[:] = terms
        return meta, X, terms_array, idf

    def put(self, key: str, corpus: Corpus, dt: DocumentTerm) -> bool:
        """Store an entry atomically; on failure warn and carry on (the run never needs it)."""
        meta_path, arrays_path, texts_path = self.paths(key)
        X = dt.X
        buffer = io.BytesIO()
        arrays = {"data": X.data, "indices": X.indices, "indptr": X.indptr,
                  "shape": np.asarray(X.shape, dtype=np.int64)}  # fmt: skip
        if dt.idf is not None:
            arrays["idf"] = np.asarray(dt.idf)
        np.savez(buffer, **arrays)
        arrays_bytes = buffer.getvalue()
        texts_bytes = zlib.compress(json.dumps(list(corpus.texts)).encode("ascii"), 1)
        meta = {
            "format": FORMAT,
            "key": key,
            "arrays_sha256": hashlib.sha256(arrays_bytes).hexdigest(),
            "texts_sha256": hashlib.sha256(texts_bytes).hexdigest(),
            "n_documents": X.shape[0],
            "n_terms": X.shape[1],
            "terms": [str(term) for term in dt.terms],
            "ids": list(corpus.ids),
            "labels": None if corpus.labels is None else list(corpus.labels),
            "skipped": dict(corpus.skipped),
        }
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            _write_atomic(arrays_path, arrays_bytes)
            _write_atomic(texts_path, texts_bytes)
            _write_atomic(meta_path, json.dumps(meta, ensure_ascii=False).encode("utf-8"))
        except OSError as exc:
            _warn(f"could not write the corpus cache in {self.directory} ({exc}); continuing")
            return False
        self._drop_superseded(key)
        return True

    def _drop_superseded(self, key: str) -> None:
        """Delete entries for the same source and settings built from older data or versions."""
        what = key.split("-", 1)[0]
        for meta_path in self.directory.glob(f"{what}-*.json"):
            if meta_path.stem == key:
                continue
            try:
                for path in self.paths(meta_path.stem):  # the JSON first: readers then miss
                    path.unlink(missing_ok=True)
            except OSError:
                pass  # another process may hold or have removed it; it is only space


def _check_csr(data, indices, indptr, shape) -> None:
    """Refuse arrays that do not form a valid CSR matrix of ``shape`` with finite values."""
    if len(shape) != 2 or min(shape) < 0:
        raise CorruptEntry("its shape is invalid")
    if data.dtype.kind != "f" or indices.dtype.kind != "i" or indptr.dtype.kind != "i":
        raise CorruptEntry("its arrays have the wrong types")
    if data.ndim != 1 or indices.shape != data.shape or indptr.shape != (shape[0] + 1,):
        raise CorruptEntry("its arrays have the wrong lengths")
    if indptr[0] != 0 or indptr[-1] != data.size or np.any(np.diff(indptr) < 0):
        raise CorruptEntry("its row pointers are inconsistent")
    if indices.size and (indices.min() < 0 or indices.max() >= shape[1]):
        raise CorruptEntry("its column indices are out of range")
    if not np.isfinite(data).all():
        raise CorruptEntry("its values are not finite")


def _read_checked(path: Path, digest: str) -> bytes:
    content = path.read_bytes()
    if hashlib.sha256(content).hexdigest() != digest:
        raise CorruptEntry(f"{path.name} fails its checksum")
    return content


def _write_atomic(path: Path, content: bytes) -> None:
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _warn(message: str) -> None:
    warnings.warn(message, CacheWarning, stacklevel=3)
