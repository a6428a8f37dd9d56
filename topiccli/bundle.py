"""Model bundles: a fitted model saved as a folder of plain files, with no pickle anywhere.

A bundle holds everything needed to show the topics again and to infer the topics of new
documents without the training corpus (the layout is documented in the README):

* ``arrays.npz`` — ``components`` (k × terms: NMF's H, SVD's Vt), ``topic_weights`` (NMF
  shares or singular values), ``doc_topics`` (training documents × k: NMF's W re-solved
  against the final H, SVD's U·Σ computed as X·Vᵀ; what ``infer`` gives the training
  documents) and, for TF-IDF, ``idf``; read with ``allow_pickle=False``;
* ``vocabulary.json`` — the terms, in column order;
* ``vectorizer.json`` — the analyzer and TF-IDF settings (see vectorizer_state.py);
* ``documents.json`` — the training documents' ids and labels;
* ``model.json`` — method, k, seed, solver, diagnostics, the corpus description and
  fingerprint, library versions and ``schema_version``;
* ``manifest.json`` — the format name, ``schema_version`` and each file's size and SHA-256;
* ``snippets.json`` (optional, with ``--save-snippets``; listed in the manifest when present) —
  the opening (up to SNIPPET_CHARS characters) of the training documents the explorer shows:
  each topic's SNIPPET_DOCS documents of largest weight (SVD: and of most negative weight), as
  ``{"max_chars": …, "rows": [[document row, text], …]}``. A bundle holds no other text.

Saving writes into a temporary folder beside the destination and renames it into place, so a
reader never sees half a bundle; an existing bundle is replaced only when asked. Loading checks
the schema version first (a newer bundle is refused by name), then every file's size and hash,
then the arrays' shapes, so a truncated or edited bundle gives one clear error.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import platform
import shutil
import tempfile
import zipfile
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from . import __version__
from .errors import BundleError
from .held import column_sums, row_digests

FORMAT = "topiccli-model"
SCHEMA_VERSION = 1
MANIFEST = "manifest.json"
ARRAYS = "arrays.npz"
FILES = (ARRAYS, "documents.json", "model.json", "vectorizer.json", "vocabulary.json")
SNIPPETS = "snippets.json"
"""The one optional file: read when the manifest lists it."""
SNIPPET_CHARS = 300
SNIPPET_DOCS = 10
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # fixed, so the same model always gives the same bytes


@dataclass(frozen=True)
class ModelBundle:
    """A fitted model as saved: arrays, vocabulary, vectorizer state and metadata."""

    method: str
    k: int
    seed: int
    components: np.ndarray
    """k × terms: NMF's H or SVD's Vt (rows are topics)."""
    topic_weights: np.ndarray
    """NMF: each topic's share; SVD: the singular values."""
    terms: np.ndarray
    idf: np.ndarray | None
    vectorizer: dict
    doc_topics: np.ndarray
    """Training documents × k, as ``infer`` computes them (topiccli.weights)."""
    doc_ids: list[str]
    doc_labels: list[str | None] | None
    metadata: dict
    term_frequency: np.ndarray | None = None
    """Each term's total in the training matrix (for the explorer's p(w)); None in bundles
    written before it was kept."""
    snippets: dict[int, str] | None = None
    """Document row → the opening of its text, for the documents the explorer shows; None when
    the bundle was saved without ``--save-snippets``."""


def from_report(report, snippets: bool = False) -> ModelBundle:
    """The bundle of a finished run (a report.RunReport that kept its fit, matrix and weights);
    ``snippets``: keep the openings of the documents the explorer shows (see snippet_rows)."""
    from .topics import nmf_topic_shares
    from .vectorizer_state import capture

    fit, dt, corpus, doc_topics = report.fit, report.matrix, report.documents, report.weights
    if report.model.method == "svd":
        components, weights = fit.Vt, fit.s
    else:
        components, weights = fit.H, nmf_topic_shares(fit)
    settings = dt.settings
    metadata = {
        "schema_version": SCHEMA_VERSION,
        "method": report.model.method,
        "k": report.model.k,
        "seed": report.model.seed,
        "top_words": report.model.top_words,
        "details": report.details,
        "regularization": report.model.regularization,
        "corpus": {key: value for key, value in report.corpus.items() if key != "cache"},
        "vectorizer": report.vectorizer,
        "fingerprint": fingerprint(corpus.ids, dt.X),
        "versions": library_versions(),
        "quality": {  # the evidence the fit reported, so ``show`` reports it too
            "metrics": report.metrics,
            "topics": [topic.quality for topic in report.topics],
        },
    }
    return ModelBundle(
        method=report.model.method,
        k=report.model.k,
        seed=report.model.seed,
        components=np.asarray(components, dtype=np.float64),
        topic_weights=np.asarray(weights, dtype=np.float64),
        terms=np.asarray(dt.terms, dtype=object),
        idf=None if dt.idf is None else np.asarray(dt.idf, dtype=np.float64),
        vectorizer=capture(settings),
        doc_topics=np.asarray(doc_topics, dtype=np.float64),
        doc_ids=[str(i) for i in corpus.ids],
        doc_labels=None if corpus.labels is None else list(corpus.labels),
        metadata=metadata,
        term_frequency=column_sums(dt.X),
        snippets=_snippets(corpus.texts, doc_topics, report.model.method) if snippets else None,
    )


def snippet_rows(doc_topics: np.ndarray, method: str, n: int = SNIPPET_DOCS) -> list[int]:
    """The rows the explorer shows: each topic's ``n`` documents of largest positive weight
    (ties: the earlier row) and, for SVD, its ``n`` of most negative weight."""
    rows: set[int] = set()
    for column in np.asarray(doc_topics, dtype=np.float64).T:
        order = np.argsort(-column, kind="stable")[:n]
        rows.update(int(i) for i in order if column[i] > 0)
        if method == "svd":
            order = np.argsort(column, kind="stable")[:n]
            rows.update(int(i) for i in order if column[i] < 0)
    return sorted(rows)


def _snippets(texts, doc_topics: np.ndarray, method: str) -> dict[int, str]:
    """The openings of the rows snippet_rows chooses (only those texts are read)."""
    from .held import take

    rows = snippet_rows(doc_topics, method)
    out = {}
    for row, text in zip(rows, take(texts, rows)):
        flat = " ".join(str(text)[: SNIPPET_CHARS * 4].split())
        cut = len(flat) > SNIPPET_CHARS
        out[row] = flat[: SNIPPET_CHARS - 1].rstrip() + "…" if cut else flat
    return out


def fingerprint(ids, X) -> str:
    """SHA-256 of the training matrix's shape, the document ids and the digests of its rows
    in runs (``held.row_digests``: CSR arrays of each run), so a matrix held as row blocks on a
    cluster is fingerprinted where it is, to the same value."""
    digest = hashlib.sha256()
    digest.update(json.dumps([list(X.shape), [str(i) for i in ids]]).encode("utf-8"))
    for part in row_digests(X):
        digest.update(part)
    return "sha256:" + digest.hexdigest()


def library_versions() -> dict:
    """The versions that produced a bundle, for the record (loading does not depend on them)."""
    from importlib import metadata

    versions = {"topiccli": __version__, "python": platform.python_version()}
    for name in ("numpy", "scipy", "scikit-learn"):
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "unknown"
    return versions


# --- saving -----------------------------------------------------------------------------


def check_destination(path: Path, force: bool) -> None:
    """Refuse early (before any fitting) a destination ``save`` would refuse later."""
    path = Path(path)
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise BundleError(f"cannot save the model to {path}: folder {parent} does not exist")
    if path.exists() or path.is_symlink():
        if not force:
            raise BundleError(f"{path} already exists; pass force to replace it", params=("force",))
        if not (path.is_dir() and (path / MANIFEST).is_file()):
            raise BundleError(f"refusing to replace {path}: it is not a topiccli model bundle")


def save(bundle: ModelBundle, path, force: bool = False) -> Path:
    """Write ``bundle`` to the folder ``path`` atomically (see the module docstring)."""
    path = Path(path)
    check_destination(path, force)
    parent = path.parent if str(path.parent) else Path(".")
    try:
        temp = Path(tempfile.mkdtemp(prefix=f".{path.name}.partial-", dir=parent))
    except OSError as exc:
        raise BundleError(f"cannot save the model to {path}: {exc.strerror}") from exc
    try:
        _write_files(temp, bundle)
        _install(temp, path)
    except BaseException as exc:
        shutil.rmtree(temp, ignore_errors=True)
        if isinstance(exc, OSError):
            raise BundleError(f"cannot save the model to {path}: {exc.strerror or exc}") from exc
        raise
    return path


def _write_files(folder: Path, bundle: ModelBundle) -> None:
    """Every file of the bundle, the manifest (with their hashes) last."""
    contents = {
        ARRAYS: _npz_bytes(_arrays(bundle)),
        "documents.json": _json_bytes({"ids": bundle.doc_ids, "labels": bundle.doc_labels}),
        "model.json": _json_bytes(bundle.metadata),
        "vectorizer.json": _json_bytes(bundle.vectorizer),
        "vocabulary.json": _json_bytes([str(term) for term in bundle.terms]),
    }
    if bundle.snippets is not None:
        rows = [[int(row), str(text)] for row, text in sorted(bundle.snippets.items())]
        contents[SNIPPETS] = _json_bytes({"max_chars": SNIPPET_CHARS, "rows": rows})
    for name, content in contents.items():
        _write_file(folder / name, content)
    manifest = {
        "format": FORMAT,
        "schema_version": SCHEMA_VERSION,
        "files": {
            name: {"bytes": len(content), "sha256": hashlib.sha256(content).hexdigest()}
            for name, content in sorted(contents.items())
        },
    }
    _write_file(folder / MANIFEST, _json_bytes(manifest))


def _arrays(bundle: ModelBundle) -> dict[str, np.ndarray]:
    arrays = {
        "components": bundle.components,
        "topic_weights": bundle.topic_weights,
        "doc_topics": bundle.doc_topics,
    }
    if bundle.idf is not None:
        arrays["idf"] = bundle.idf
    if bundle.term_frequency is not None:
        arrays["term_frequency"] = bundle.term_frequency
    return arrays


def _npz_bytes(arrays: dict[str, np.ndarray]) -> bytes:
    """An .npz (what ``np.savez_compressed`` writes) with fixed timestamps: reproducible bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, array in arrays.items():
            info = zipfile.ZipInfo(f"{name}.npy", date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            with archive.open(info, "w", force_zip64=True) as handle:
                np.lib.format.write_array(handle, np.ascontiguousarray(array), allow_pickle=False)
    return buffer.getvalue()


def _json_bytes(value) -> bytes:
    return (json.dumps(value, indent=1, ensure_ascii=False) + "\n").encode("utf-8")


def _write_file(path: Path, content: bytes) -> None:
    with open(path, "wb") as handle:
        handle.write(content)
        handle.flush()
        os.fsync(handle.fileno())


def _install(temp: Path, path: Path) -> None:
    """Rename the finished folder into place; an old bundle is moved aside, then removed."""
    if not (path.exists() or path.is_symlink()):
        os.rename(temp, path)
        return
    aside = Path(tempfile.mkdtemp(prefix=f".{path.name}.old-", dir=temp.parent))
    os.rename(path, aside / "bundle")
    try:
        os.rename(temp, path)
    except BaseException:
        os.rename(aside / "bundle", path)
        shutil.rmtree(aside, ignore_errors=True)
        raise
    shutil.rmtree(aside, ignore_errors=True)


# --- loading ----------------------------------------------------------------------------


def load(path) -> ModelBundle:
    """Read and check the bundle at ``path``; BundleError says what is wrong if anything is."""
    path = Path(path)
    if not path.is_dir():
        if path.exists():
            raise BundleError(
                f"{path} is not a model bundle (a bundle is a folder; see save)", params=("save",)
            )
        raise BundleError(f"no model bundle at {path}")
    manifest = _read_manifest(path)
    contents = {name: _read_checked(path, name, manifest["files"]) for name in FILES}
    metadata = _parse_json(path, contents, "model.json", dict)
    if metadata.get("schema_version") != manifest["schema_version"]:
        raise _damaged(path, "model.json disagrees with the manifest on schema_version")
    vocabulary = _parse_json(path, contents, "vocabulary.json", list)
    documents = _parse_json(path, contents, "documents.json", dict)
    vectorizer = _parse_json(path, contents, "vectorizer.json", dict)
    arrays = _parse_arrays(path, contents[ARRAYS])
    bundle = _assemble(path, metadata, vocabulary, documents, vectorizer, arrays)
    if SNIPPETS in manifest["files"]:
        snippets = _parse_snippets(path, _read_checked(path, SNIPPETS, manifest["files"]),
                                   len(bundle.doc_ids))  # fmt: skip
        bundle = replace(bundle, snippets=snippets)
    from .vectorizer_state import check_state

    check_state(bundle.vectorizer, len(bundle.terms), bundle.idf)
    return bundle


def _parse_snippets(path: Path, content: bytes, n_docs: int) -> dict[int, str]:
    """snippets.json's rows, checked: each a [row in range, text of at most max_chars]."""
    try:
        value = json.loads(content)
    except ValueError:
        raise _damaged(path, f"{SNIPPETS} is not valid JSON") from None
    rows = value.get("rows") if isinstance(value, dict) else None
    if not isinstance(rows, list):
        raise _damaged(path, f"{SNIPPETS} holds no rows")
    out = {}
    for entry in rows:
        ok = (isinstance(entry, list) and len(entry) == 2 and type(entry[0]) is int
              and 0 <= entry[0] < n_docs and isinstance(entry[1], str)
              and len(entry[1]) <= SNIPPET_CHARS)  # fmt: skip
        if not ok:
            raise _damaged(path, f"{SNIPPETS} has a row that is not [document row, short text]")
        out[entry[0]] = entry[1]
    return out


def _damaged(path: Path, problem: str) -> BundleError:
    return BundleError(f"model bundle {path} is damaged: {problem}; save the model again")


def _read_manifest(path: Path) -> dict:
    try:
        raw = (path / MANIFEST).read_bytes()
    except FileNotFoundError:
        raise BundleError(f"{path} is not a topiccli model bundle (it has no {MANIFEST})") from None
    except OSError as exc:
        raise BundleError(f"cannot read {path / MANIFEST}: {exc.strerror}") from exc
    try:
        manifest = json.loads(raw)
    except ValueError:
        raise _damaged(path, f"{MANIFEST} is not valid JSON (truncated?)") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BundleError(f"{path} is not a topiccli model bundle (unknown {MANIFEST})")
    version = manifest.get("schema_version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise _damaged(path, f"{MANIFEST} has no valid schema_version")
    if version > SCHEMA_VERSION:
        raise BundleError(
            f"model bundle {path} has schema_version {version}, newer than this topiccli "
            f"{__version__} reads (up to {SCHEMA_VERSION}); upgrade topiccli to load it"
        )
    if not isinstance(manifest.get("files"), dict):
        raise _damaged(path, f"{MANIFEST} lists no files")
    return manifest


def _read_checked(path: Path, name: str, listed: dict) -> bytes:
    """A file's bytes, after checking them against the manifest's size and SHA-256."""
    entry = listed.get(name)
    if not isinstance(entry, dict):
        raise _damaged(path, f"{MANIFEST} does not list {name}")
    try:
        content = (path / name).read_bytes()
    except FileNotFoundError:
        raise _damaged(path, f"{name} is missing") from None
    except OSError as exc:
        raise BundleError(f"cannot read {path / name}: {exc.strerror}") from exc
    if len(content) != entry.get("bytes"):
        raise _damaged(
            path, f"{name} has {len(content)} bytes, not {entry.get('bytes')} (truncated?)"
        )
    if hashlib.sha256(content).hexdigest() != entry.get("sha256"):
        raise _damaged(path, f"{name} fails its SHA-256 check (modified?)")
    return content


def _parse_json(path: Path, contents: dict, name: str, kind: type):
    try:
        value = json.loads(contents[name])
    except ValueError:
        raise _damaged(path, f"{name} is not valid JSON") from None
    if not isinstance(value, kind):
        raise _damaged(path, f"{name} does not hold a JSON {kind.__name__}")
    return value


def _parse_arrays(path: Path, content: bytes) -> dict[str, np.ndarray]:
    try:
        with np.load(io.BytesIO(content), allow_pickle=False) as npz:
            return {name: npz[name] for name in npz.files}
    except (ValueError, OSError, zipfile.BadZipFile, EOFError) as exc:
        raise _damaged(path, f"{ARRAYS} is unreadable ({exc})") from None


def _assemble(path, metadata, vocabulary, documents, vectorizer, arrays) -> ModelBundle:
    """Check names, types and shapes agree, and build the bundle."""
    try:
        method, k, seed = metadata["method"], metadata["k"], metadata["seed"]
        components = arrays["components"]
        weights, doc_topics = arrays["topic_weights"], arrays["doc_topics"]
        ids, labels = documents["ids"], documents["labels"]
    except KeyError as exc:
        raise _damaged(path, f"{exc.args[0]!r} is missing") from None
    idf = arrays.get("idf")
    n_terms, n_docs = len(vocabulary), len(ids)
    expected = {
        "components": (components, (k, n_terms)),
        "topic_weights": (weights, (k,)),
        "doc_topics": (doc_topics, (n_docs, k)),
    }
    if idf is not None:
        expected["idf"] = (idf, (n_terms,))
    term_frequency = arrays.get("term_frequency")
    if term_frequency is not None:
        expected["term_frequency"] = (term_frequency, (n_terms,))
    for name, (array, shape) in expected.items():
        if array.dtype != np.float64 or array.shape != shape or not np.isfinite(array).all():
            raise _damaged(path, f"array {name} is not {shape} finite float64")
    if method not in ("svd", "nmf") or not isinstance(k, int) or not isinstance(seed, int):
        raise _damaged(path, "model.json names no valid method, k and seed")
    if labels is not None and len(labels) != n_docs:
        raise _damaged(path, "documents.json has labels for a different number of documents")
    terms = np.empty(n_terms, dtype=object)
    terms[:] = [str(term) for term in vocabulary]
    return ModelBundle(
        method=method,
        k=k,
        seed=seed,
        components=components,
        topic_weights=weights,
        terms=terms,
        idf=idf,
        vectorizer=vectorizer,
        doc_topics=doc_topics,
        doc_ids=[str(i) for i in ids],
        doc_labels=labels,
        metadata=metadata,
        term_frequency=term_frequency,
    )
