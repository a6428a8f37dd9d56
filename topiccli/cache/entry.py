"""Cache entries on disk: written atomically, checked on every read, never a pickle.

An entry is three files in ``DIR/corpus-vFORMAT/`` (four for a segmented language), and may
have aliases:

* ``KEY.npz`` — the CSR arrays (``data``, ``indices``, ``indptr``, ``shape``) and ``idf``,
  read with ``allow_pickle=False``;
* ``KEY.texts.zz`` — the documents' texts as zlib-compressed JSON, read only when a caller
  asks for a text;
* ``KEY.segments.zz`` — for a language written without spaces, the documents' segmentations
  (text.segment.remembered) as zlib-compressed JSON, restored on a hit so that tokenizing the
  texts again (the c_npmi windows) does not run the segmenter; absent otherwise;
* ``ALIAS.alias`` — the KEY of an entry, for another key the same matrix is asked under: the
  settings as vectorizing resolved them (a language detected, stop words chosen), which a
  saved model records and ``topics reduce``/``merge`` read the corpus with;
* ``KEY.json`` — ``{"sha256": …, "entry": {…}}``: terms, ids, labels, skipped counts and the
  SHA-256 of the other files, with the SHA-256 of the ``entry`` text itself.

Each file is written to a temporary name and renamed into place, the JSON last, so a reader
never sees half an entry. A reader checks the checksums, the key and format, and the arrays'
consistency; an entry failing any check is reported, ignored and rebuilt. Storing an entry
deletes the entries it supersedes (same WHAT, another STATE; see key.py).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import zlib
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np

from ..corpus import Corpus
from ..errors import CorpusError
from ..storage.bounded import parse_json
from ..text.vectorize import DocumentTerm, VectorizerSettings
from .checked import (
    CorruptEntry,
    read_checked,
    read_entry,
    unwrap,
    warn,
    wrap,
    write_atomic,
    write_atomic_with,
)
from .key import FORMAT

SUBDIR = f"corpus-v{FORMAT}"
_KEY = re.compile(r"[0-9a-f]{8,64}-[0-9a-f]{8,64}")
"""A cache key as cache.key writes them (WHAT-STATE, hex digests): nothing else is followed."""


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
                texts = parse_json(zlib.decompress(read_checked(self._path, self._digest)))
                if not isinstance(texts, list) or len(texts) != self._count:
                    raise CorruptEntry("it does not match its entry")
            except (OSError, CorruptEntry, zlib.error, ValueError) as exc:
                texts = self._recover(exc)
            self._texts = texts
        return self._texts

    def _recover(self, exc: Exception) -> list[str]:
        problem = f"the cached texts in {self._path} are unreadable ({exc})"
        if self._reload is None:
            raise CorpusError(
                f"{problem}; delete the file or rerun with no_cache", params=("no_cache",)
            ) from exc
        warn(f"{problem}; reading the source again")
        texts = list(self._reload())
        if len(texts) != self._count:
            raise CorpusError(f"{problem}, and the source changed meanwhile; rerun") from exc
        return texts


APPLIED = ("language", "stop_words", "token_pattern", "lemmatize")
"""The settings vectorizing resolves from the text (topiccli.text), kept with an entry."""


class CorpusCache:
    """The corpus entries under one cache directory."""

    def __init__(self, directory: str | os.PathLike) -> None:
        self.directory = Path(directory) / SUBDIR

    def paths(self, key: str) -> tuple[Path, Path, Path]:
        """The entry's (metadata, arrays, texts) files."""
        base = self.directory / key
        return base.with_suffix(".json"), base.with_suffix(".npz"), base.with_suffix(".texts.zz")

    def segments_path(self, key: str) -> Path:
        """The entry's segmentations file (present for a segmented language only)."""
        return (self.directory / key).with_suffix(".segments.zz")

    def get(
        self, key: str, settings: VectorizerSettings, selection: dict, reload=None
    ) -> tuple[Corpus, DocumentTerm] | None:
        """The entry stored under ``key``, or None if absent or failing a check (then warned).

        ``selection`` describes the source in the returned corpus; ``reload`` is called for
        the texts should their file turn out corrupt (see :class:`LazyTexts`).
        """
        key = self._aliased(key)
        meta_path, arrays_path, texts_path = self.paths(key)
        found = read_entry(meta_path, lambda content: self._decode(key, content, arrays_path),
                           "corpus cache", "rebuilding it")  # fmt: skip
        if found is None:
            return None
        meta, X, terms, idf = found
        self._restore_segments(key, meta.get("segments_sha256"))
        texts = LazyTexts(texts_path, meta["texts_sha256"], X.shape[0], reload)
        corpus = Corpus(texts, meta["ids"], meta["labels"], selection, dict(meta["skipped"]),
                        dict(meta.get("values") or {}))  # fmt: skip
        applied = meta.get("applied") or {}  # the language and stop words the matrix used
        settings = replace(settings, **{k: v for k, v in applied.items() if k in APPLIED})
        return corpus, DocumentTerm(X=X, terms=terms, idf=idf, settings=settings,
                                    language=meta.get("language"),
                                    cleaning=meta.get("cleaning"),
                                    boilerplate=tuple(meta.get("boilerplate") or ()),
                                    fold=meta.get("fold"))  # fmt: skip

    def alias(self, alias: str, key: str) -> None:
        """Let ``alias`` find the entry stored under ``key`` (written atomically; a failure
        only costs a rebuild later). Aliases of the same WHAT with another STATE are dropped."""
        if alias == key or not _KEY.fullmatch(alias) or not _KEY.fullmatch(key):
            return
        try:
            write_atomic(self.directory / f"{alias}.alias", key.encode("ascii"))
        except OSError:
            return
        what = alias.split("-", 1)[0]
        for old in self.directory.glob(f"{what}-*.alias"):
            if old.stem != alias:
                old.unlink(missing_ok=True)

    def _aliased(self, key: str) -> str:
        """The key an alias file names for ``key``, else ``key`` itself."""
        try:
            target = (self.directory / f"{key}.alias").read_text("ascii").strip()
        except (OSError, UnicodeDecodeError):
            return key
        return target if _KEY.fullmatch(target) else key

    def _restore_segments(self, key: str, digest) -> None:
        """Give the segmenter's memory the entry's segmentations, if it stored any; a file
        failing its check is warned about and skipped (it only saves time)."""
        if not isinstance(digest, str):
            return
        from ..text import segment

        path = self.segments_path(key)
        try:
            entries = parse_json(zlib.decompress(read_checked(path, digest)))
            if not isinstance(entries, list) or not all(
                isinstance(e, list) and len(e) == 3 and all(isinstance(v, str) for v in e)
                for e in entries
            ):
                raise CorruptEntry("it is not a list of segmentations")
        except (OSError, CorruptEntry, zlib.error, ValueError) as exc:
            warn(f"the cached segmentations in {path} are unreadable ({exc}); segmenting again")
            return
        segment.remember(entries)

    def _decode(self, key: str, meta_bytes: bytes, arrays_path: Path):
        """Parse and check an entry: (metadata, X, terms, idf); CorruptEntry if it fails."""
        meta = json.loads(unwrap(meta_bytes))
        if not isinstance(meta, dict) or meta.get("format") != FORMAT or meta.get("key") != key:
            raise CorruptEntry("its key or format does not match")
        with np.load(io.BytesIO(read_checked(arrays_path, meta["arrays_sha256"])),
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
        values = meta.get("values") or {}
        if not isinstance(values, dict) or any(not isinstance(v, list) or len(v) != n_docs
                                               for v in values.values()):  # fmt: skip
            raise CorruptEntry("its time or group values do not match the matrix")
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
        """Store an entry atomically; on failure warn and carry on (the run never needs it).

        Nothing is built whole in memory: the arrays go straight to their file and the texts
        are compressed a block at a time. Building the texts' JSON and a buffer of the arrays
        whole set a million-document run's peak: 5.79 GB, now 5.02 GB (set by the fit)."""
        from ..memory import release_freed_memory

        meta_path, arrays_path, texts_path = self.paths(key)
        texts_bytes = _compressed_list(corpus.texts)
        segments_bytes = _segments(dt)
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            arrays_digest = write_atomic_with(arrays_path, lambda handle: _save_arrays(handle, dt))
            write_atomic(texts_path, texts_bytes)
            if segments_bytes is not None:
                write_atomic(self.segments_path(key), segments_bytes)
            meta = _metadata(key, corpus, dt, arrays_digest, texts_bytes, segments_bytes)
            write_atomic(meta_path, wrap(json.dumps(meta).encode("ascii")))
        except OSError as exc:
            warn(f"could not write the corpus cache in {self.directory} ({exc}); continuing")
            return False
        finally:
            del texts_bytes, segments_bytes
            release_freed_memory()  # the compressed blocks, before the fit (topiccli.memory)
        self._drop_superseded(key)
        return True

    def _drop_superseded(self, key: str) -> None:
        """Delete entries for the same source and settings built from older data or versions."""
        what = key.split("-", 1)[0]
        for meta_path in self.directory.glob(f"{what}-*.json"):
            if meta_path.stem == key:
                continue
            try:
                # the JSON first: readers then miss
                for path in (*self.paths(meta_path.stem), self.segments_path(meta_path.stem)):
                    path.unlink(missing_ok=True)
            except OSError:
                pass  # another process may hold or have removed it; it is only space


def _save_arrays(handle, dt: DocumentTerm) -> None:
    """The CSR arrays and idf of ``dt`` as an ``.npz``, written into ``handle``."""
    X = dt.X
    arrays = {"data": X.data, "indices": X.indices, "indptr": X.indptr,
              "shape": np.asarray(X.shape, dtype=np.int64)}  # fmt: skip
    if dt.idf is not None:
        arrays["idf"] = np.asarray(dt.idf)
    np.savez(handle, **arrays)


def _metadata(key: str, corpus: Corpus, dt: DocumentTerm, arrays_digest: str,
              texts_bytes: bytes, segments_bytes: bytes | None) -> dict:  # fmt: skip
    """The entry's JSON: what the arrays do not hold, and the other files' SHA-256."""
    segments = None if segments_bytes is None else hashlib.sha256(segments_bytes).hexdigest()
    return {
        "format": FORMAT,
        "key": key,
        "arrays_sha256": arrays_digest,
        "texts_sha256": hashlib.sha256(texts_bytes).hexdigest(),
        "n_documents": dt.X.shape[0],
        "n_terms": dt.X.shape[1],
        "terms": [str(term) for term in dt.terms],
        "ids": list(corpus.ids),
        "labels": None if corpus.labels is None else list(corpus.labels),
        "skipped": dict(corpus.skipped),
        "values": dict(corpus.values),
        "cleaning": dt.cleaning,
        "boilerplate": list(dt.boilerplate),
        "fold": dt.fold,
        "applied": {name: getattr(dt.settings, name) for name in APPLIED},
        "language": dt.language,
        "segments_sha256": segments,
    }


_BLOCK_TEXTS = 10_000


def _compressed_list(texts) -> bytes:
    """zlib of the JSON list of ``texts`` (as ``json.dumps`` writes it), compressed
    ``_BLOCK_TEXTS`` texts at a time: a million documents' JSON is never one string."""
    packer = zlib.compressobj(1)
    parts = [packer.compress(b"[")]
    for start in range(0, len(texts), _BLOCK_TEXTS):
        block = ", ".join(json.dumps(t) for t in texts[start : start + _BLOCK_TEXTS])
        parts.append(packer.compress(((", " if start else "") + block).encode("ascii")))
    parts.append(packer.compress(b"]"))
    parts.append(packer.flush())
    return b"".join(parts)


def _segments(dt: DocumentTerm) -> bytes | None:
    """The segmentations to store with ``dt`` (None: its language needs none, or the corpus
    was too large for the segmenter to remember, text.segment.MEMO_DOCUMENTS)."""
    from ..text import segment

    if not segment.needed(dt.settings.language):
        return None
    entries = segment.remembered()
    return zlib.compress(json.dumps(entries).encode("ascii"), 1) if entries else None


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
