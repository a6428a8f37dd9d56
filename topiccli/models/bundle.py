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
  fingerprint, library versions and ``schema_version``; the topic ``hierarchy``
  (quality.hierarchy) and, for a model made by ``merge`` or ``reduce``, its ``lineage``
  (models.topic_edits);
* ``manifest.json`` — the format name, ``schema_version`` and each file's size and SHA-256;
* ``snippets.json`` (optional, with ``--save-snippets``; listed in the manifest when present) —
  the opening (up to SNIPPET_CHARS characters) of the training documents the explorer shows:
  each topic's SNIPPET_DOCS documents of largest weight (SVD: and of most negative weight), as
  ``{"max_chars": …, "rows": [[document row, text], …]}``. A bundle holds no other text.
* ``analyses.json`` (optional, with ``--time-field``/``--group-field``/``--by-label``; listed
  in the manifest when present) — each training document's time and group value as read, in
  the order of ``documents.json``'s ids, the time bin asked for, and the words of each time
  bin and group (they need the corpus); ``show``, ``explore`` and ``TopicModel.load``
  recompute the prevalences and intervals from ``doc_topics`` (models.analyses).

Saving writes into a temporary folder beside the destination and renames it into place, so a
reader never sees half a bundle; an existing bundle is replaced only when asked. Loading checks
the schema version first (a newer bundle is refused by name), then every file's size and hash,
then the arrays' shapes, so a truncated or edited bundle gives one clear error.
"""

from __future__ import annotations

import errno
import hashlib
import io
import json
import os
import platform
import shutil
import tempfile
import warnings
import zipfile
import zlib
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from .. import __version__
from ..errors import BundleError, TopicsWarning
from ..held import column_sums, row_digests
from ..storage.bounded import TooLarge, parse_json, read_bounded
from ..storage.leftovers import sweep_beside
from . import bundle_schema as schema

FORMAT = "topiccli-model"
SCHEMA_VERSION = 1
MANIFEST = "manifest.json"
ARRAYS = "arrays.npz"
FILES = (ARRAYS, "documents.json", "model.json", "vectorizer.json", "vocabulary.json")
SNIPPETS = "snippets.json"
"""An optional file: read when the manifest lists it."""
ANALYSES = "analyses.json"
"""An optional file: read when the manifest lists it (models.analyses)."""
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
    """Training documents × k, as ``infer`` computes them (topiccli.quality.doc_weights)."""
    doc_ids: list[str]
    doc_labels: list[str | None] | None
    metadata: dict
    term_frequency: np.ndarray | None = None
    """Each term's total in the training matrix (for the explorer's p(w)); None in bundles
    written before it was kept."""
    snippets: dict[int, str] | None = None
    """Document row → the opening of its text, for the documents the explorer shows; None when
    the bundle was saved without ``--save-snippets``."""
    analyses: dict | None = None
    """What reproduces the time and group analyses (models.analyses); None without them."""


def from_report(report, snippets: bool = False) -> ModelBundle:
    """The bundle of a finished run (a report.RunReport that kept its fit, matrix and weights);
    ``snippets``: keep the openings of the documents the explorer shows (see snippet_rows)."""
    from ..quality.describe import nmf_topic_shares
    from ..text.vectorizer_state import capture

    fit, dt, corpus, doc_topics = report.factors, report.matrix, report.documents, report.weights
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
            "topics": [_evidence(topic) for topic in report.topics],
        },
        **_topic_fields(report),
        "hierarchy": report.hierarchy,
    }
    return ModelBundle(
        method=report.model.method,
        k=report.model.k,
        seed=report.model.seed,
        components=np.asarray(components, dtype=np.float64),
        topic_weights=np.asarray(weights, dtype=np.float64),
        terms=np.asarray(dt.terms, dtype=object),
        idf=None if dt.idf is None else np.asarray(dt.idf, dtype=np.float64),
        vectorizer=capture(settings, dt.boilerplate, dt.fold, dt.phrases),
        doc_topics=np.asarray(doc_topics, dtype=np.float64),
        doc_ids=[str(i) for i in corpus.ids],
        doc_labels=None if corpus.labels is None else list(corpus.labels),
        metadata=metadata,
        term_frequency=column_sums(dt.X),
        snippets=_snippets(corpus.texts, doc_topics, report.model.method) if snippets else None,
        analyses=getattr(report, "analyses_saved", None) or None,
    )


def _evidence(topic) -> dict:
    """model.json's ``quality.topics[i]``: the topic's evidence and its automatic name (what
    the fit showed; ``show`` recomputes the same from the saved topics, quality.naming)."""
    return {**topic.quality, **({"auto_name": topic.auto_name} if topic.auto_name else {})}


def _topic_fields(report) -> dict:
    """model.json's ``topics`` (each topic's user-given name and seed words) and ``seeding``
    (how hard seeded topics were held), when the fit was seeded or named; else nothing."""
    topics = [{**({"name": t.name} if t.name is not None else {}),
               **({"seed_words": list(t.seed_words)} if t.seed_words is not None else {})}
              for t in report.topics]  # fmt: skip
    if not any(topics):
        return {}
    seeding = ({"strength": _strength(report.model.seed_strength, report.details.get("loss"))}
               if report.model.seed_words else {})  # fmt: skip
    return {"topics": topics, **({"seeding": seeding} if seeding else {})}


def _strength(value, loss) -> float:
    from ..factorize.seeding import DEFAULT_STRENGTH

    return DEFAULT_STRENGTH[loss] if value is None else float(value)


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
    from ..held import take

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


def check_bundle_path(path: Path, force: bool) -> None:
    """Refuse early (before any fitting) a destination ``save`` would refuse later."""
    path = Path(path)
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise BundleError(f"cannot save the model to {path}: folder {parent} does not exist")
    _probe(path, parent)
    recover(path)
    if path.exists() or path.is_symlink():
        if not force:
            raise BundleError(f"{path} already exists; pass force to replace it", params=("force",))
        if not (path.is_dir() and (path / MANIFEST).is_file()):
            raise BundleError(f"refusing to replace {path}: it is not a topiccli model bundle")


def _probe(path: Path, parent: Path) -> None:
    """Make and remove the temporary folder saving would make: a folder one may not write (a
    read-only mount, /sys as root) is refused now, before any fitting, as ``-o`` is."""
    try:
        os.rmdir(tempfile.mkdtemp(prefix=f".{path.name}.partial-", dir=parent))
    except OSError as exc:
        raise BundleError(f"cannot save the model to {path}: folder {parent} is not writable "
                          f"({exc.strerror or exc})") from exc  # fmt: skip


def save(bundle: ModelBundle, path, force: bool = False) -> Path:
    """Write ``bundle`` to the folder ``path`` atomically (see the module docstring).

    Without ``force`` the final rename is an exclusive create: a run that finds the path
    taken meanwhile (another ``--save`` to the same new path) fails and leaves it alone. The
    folder gets the usual permissions (0777 less the umask), as files do."""
    path = Path(path)
    check_bundle_path(path, force)
    parent = path.parent if str(path.parent) else Path(".")
    sweep_beside(path, "partial", "old")
    try:
        temp = Path(tempfile.mkdtemp(prefix=f".{path.name}.partial-", dir=parent))
    except OSError as exc:
        raise BundleError(f"cannot save the model to {path}: {exc.strerror}") from exc
    try:
        _write_files(temp, bundle)
        os.chmod(temp, 0o777 & ~_umask())
        _install(temp, path, force)
    except BaseException as exc:
        shutil.rmtree(temp, ignore_errors=True)
        if isinstance(exc, OSError):
            raise BundleError(f"cannot save the model to {path}: {exc.strerror or exc}") from exc
        raise
    return path


def _umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current


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
    if bundle.analyses is not None:
        contents[ANALYSES] = _json_bytes(bundle.analyses)
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


def _install(temp: Path, path: Path, force: bool) -> None:
    """Rename the finished folder into place. A new path is taken by one rename, which fails
    if the path appeared meanwhile (a folder rename replaces only an empty folder). An old
    bundle (``force``) is moved aside into ``.NAME.old-XXXXXXXX/bundle``, the new one renamed
    in, the old removed: a run killed between the two renames leaves the old bundle aside,
    and the next run that reads or saves ``path`` puts it back (:func:`recover`)."""
    try:
        os.rename(temp, path)
        return
    except OSError as exc:
        if exc.errno not in (errno.EEXIST, errno.ENOTEMPTY, errno.EISDIR, errno.ENOTDIR):
            raise
        if not force:
            raise BundleError(f"{path} already exists (saved meanwhile by another run?); pass "
                              "force to replace it", params=("force",)) from None  # fmt: skip
    aside = Path(tempfile.mkdtemp(prefix=f".{path.name}.old-", dir=temp.parent))
    os.rename(path, aside / "bundle")
    try:
        os.rename(temp, path)
    except BaseException:
        os.rename(aside / "bundle", path)
        shutil.rmtree(aside, ignore_errors=True)
        raise
    shutil.rmtree(aside, ignore_errors=True)


def recover(path: Path) -> bool:
    """Finish what a killed ``save --force`` left half done: with nothing at ``path`` and an
    old bundle moved aside beside it, put the old bundle back (warned). True if it did."""
    path = Path(path)
    if path.exists() or path.is_symlink():
        return False
    parent = path.parent if str(path.parent) else Path(".")
    try:
        candidates = sorted(parent.glob(f".{glob_escape(path.name)}.old-*/bundle"),
                            key=lambda p: p.stat().st_mtime)  # fmt: skip
    except OSError:
        return False
    for aside in reversed(candidates):
        if not (aside / MANIFEST).is_file():
            continue
        try:
            os.rename(aside, path)
        except OSError:
            return False
        shutil.rmtree(aside.parent, ignore_errors=True)
        warnings.warn(TopicsWarning(f"restored the model bundle at {path}, which an interrupted "
                                    "save (force) had moved aside", params=("save", "force")),
                      stacklevel=2)  # fmt: skip
        return True
    return False


def glob_escape(name: str) -> str:
    """``name`` with glob's special characters made literal."""
    import glob

    return glob.escape(name)


# --- loading ----------------------------------------------------------------------------

MANIFEST_MAX_BYTES = 1 << 20
"""A manifest is a few hundred bytes; one past this bound is not read (a link to /dev/zero)."""
_NPY_HEADER_MAX = 1 << 16
MAX_INFLATION = 64
"""arrays.npz's members may inflate to at most this many times its size (plus 1 MiB): float
arrays deflate by a few times at most, a bomb of zeros by a thousand."""


def load(path) -> ModelBundle:
    """Read and check the bundle at ``path``; BundleError says what is wrong if anything is.

    Every read is bounded (topiccli.storage.bounded): the manifest by :data:`MANIFEST_MAX_BYTES`,
    each file by the size the manifest declares, each array by the shape the other files
    imply (read from its header before its data), and only regular files are read. Every
    JSON field is checked against the declared schema (topiccli.models.bundle_schema)."""
    path = Path(path)
    recover(path)
    if not path.is_dir():
        if path.exists():
            raise BundleError(
                f"{path} is not a model bundle (a bundle is a folder; see save)", params=("save",)
            )
        raise BundleError(f"no model bundle at {path}")
    manifest = _read_manifest(path)
    contents = {name: _read_checked(path, name, manifest["files"]) for name in FILES}
    try:
        metadata = _parse_json(path, contents, "model.json", dict)
        schema.check_model(metadata)
        if metadata["schema_version"] != manifest["schema_version"]:
            raise schema.SchemaError("model.json disagrees with the manifest on schema_version")
        vocabulary = _parse_json(path, contents, "vocabulary.json", list)
        schema.check_vocabulary(vocabulary)
        documents = _parse_json(path, contents, "documents.json", dict)
        schema.check_documents(documents)
        vectorizer = _parse_json(path, contents, "vectorizer.json", dict)
        schema.check_vectorizer(vectorizer)
        shapes = schema.array_shapes(metadata, len(vocabulary), len(documents["ids"]))
        arrays = _parse_arrays(path, contents.pop(ARRAYS), shapes)
        schema.check_arrays(metadata["method"], arrays)
    except schema.SchemaError as exc:
        raise _damaged(path, str(exc)) from None
    bundle = _assemble(metadata, vocabulary, documents, vectorizer, arrays)
    if SNIPPETS in manifest["files"]:
        snippets = _parse_snippets(path, _read_checked(path, SNIPPETS, manifest["files"]),
                                   len(bundle.doc_ids))  # fmt: skip
        bundle = replace(bundle, snippets=snippets)
    if ANALYSES in manifest["files"]:
        bundle = replace(bundle, analyses=_parse_analyses(path, manifest, bundle))
    from ..text.vectorizer_state import check_state

    check_state(bundle.vectorizer, len(bundle.terms), bundle.idf)
    return bundle


def _parse_snippets(path: Path, content: bytes, n_docs: int) -> dict[int, str]:
    """snippets.json's rows, checked: each a [row in range, text of at most max_chars]."""
    try:
        value = parse_json(content)
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


def _parse_analyses(path: Path, manifest: dict, bundle: ModelBundle) -> dict:
    """analyses.json, checked against the documents and topics (models.analyses.check_saved)."""
    from .analyses import check_saved

    try:
        value = parse_json(_read_checked(path, ANALYSES, manifest["files"]))
        check_saved(value, len(bundle.doc_ids), bundle.k)
    except ValueError as exc:
        raise _damaged(path, f"{ANALYSES}: {exc}") from None
    return value


def _damaged(path: Path, problem: str) -> BundleError:
    return BundleError(f"model bundle {path} is damaged: {problem}; save the model again")


def _read_manifest(path: Path) -> dict:
    try:
        raw = read_bounded(path / MANIFEST, MANIFEST_MAX_BYTES)
    except FileNotFoundError:
        raise BundleError(f"{path} is not a topiccli model bundle (it has no {MANIFEST})") from None
    except OSError as exc:
        raise BundleError(f"cannot read {path / MANIFEST}: {exc.strerror or exc}") from exc
    try:
        manifest = parse_json(raw)
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
    """A file's bytes, after checking them against the manifest's size and SHA-256 (never
    more than that size is read)."""
    entry = listed.get(name)
    try:
        schema.check_object(entry, schema.MANIFEST_ENTRY, f"{MANIFEST} entry {name}")
    except schema.SchemaError as exc:
        raise _damaged(path, str(exc)) from None
    try:
        content = read_bounded(path / name, entry["bytes"])
    except FileNotFoundError:
        raise _damaged(path, f"{name} is missing") from None
    except TooLarge:
        raise _damaged(path, f"{name} has more than the {entry['bytes']} bytes its manifest "
                             "declares") from None  # fmt: skip
    except OSError as exc:
        raise BundleError(f"cannot read {path / name}: {exc.strerror or exc}") from exc
    if len(content) != entry["bytes"]:
        raise _damaged(path, f"{name} has {len(content)} bytes, not {entry['bytes']} (truncated?)")
    if hashlib.sha256(content).hexdigest() != entry["sha256"]:
        raise _damaged(path, f"{name} fails its SHA-256 check (modified?)")
    return content


def _parse_json(path: Path, contents: dict, name: str, kind: type):
    try:
        value = parse_json(contents[name])
    except ValueError:
        raise _damaged(path, f"{name} is not valid JSON") from None
    if not isinstance(value, kind):
        raise _damaged(path, f"{name} does not hold a JSON {kind.__name__}")
    return value


def _parse_arrays(path: Path, content: bytes, shapes: dict) -> dict[str, np.ndarray]:
    """The arrays of arrays.npz: the declared names only, each member's header read and
    checked (float64, C order, the expected shape) before its data, whose inflated size the
    header then bounds."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = _members(archive)
            inflated = sum(info.file_size for info in members.values())
            if inflated > MAX_INFLATION * len(content) + (1 << 20):
                raise schema.SchemaError(f"{ARRAYS} inflates to {inflated} bytes, over "
                                         f"{MAX_INFLATION} times its size")  # fmt: skip
            return {name: _read_array(archive, info, shapes[name])
                    for name, info in members.items()}  # fmt: skip
    except schema.SchemaError:
        raise
    except (ValueError, OSError, zipfile.BadZipFile, EOFError, zlib.error) as exc:
        raise _damaged(path, f"{ARRAYS} is unreadable ({exc})") from None


def _members(archive: zipfile.ZipFile) -> dict[str, zipfile.ZipInfo]:
    """The archive's members by array name: unknown or repeated names refused, the
    required ones present."""
    members: dict[str, zipfile.ZipInfo] = {}
    for info in archive.infolist():
        name = info.filename.removesuffix(".npy")
        if name not in schema.ARRAY_NAMES or not info.filename.endswith(".npy"):
            raise schema.SchemaError(f"{ARRAYS} holds an unknown array {info.filename!r}")
        if name in members:
            raise schema.SchemaError(f"{ARRAYS} holds {info.filename!r} twice")
        members[name] = info
    missing = [name for name in schema.REQUIRED_ARRAYS if name not in members]
    if missing:
        raise schema.SchemaError(f"{ARRAYS} lacks the array {missing[0]!r}")
    return members


def _read_array(archive: zipfile.ZipFile, info: zipfile.ZipInfo, shape: tuple) -> np.ndarray:
    """One member's array: its header checked before its data, the data read straight into
    an array of the checked shape (allocated only once the member is known to hold that many
    bytes, so a lying header costs nothing)."""
    name, size = info.filename, 8 * int(np.prod(shape))
    with archive.open(info) as handle:
        version = np.lib.format.read_magic(handle)
        if version == (1, 0):
            header = np.lib.format.read_array_header_1_0(handle)
        elif version == (2, 0):
            header = np.lib.format.read_array_header_2_0(handle)
        else:
            raise schema.SchemaError(f"{ARRAYS} member {name!r} has npy version {version}")
        found, fortran, dtype = header
        if tuple(found) != shape or fortran or dtype != np.dtype("<f8"):
            raise schema.SchemaError(f"array {name.removesuffix('.npy')} is not {shape} float64 "
                                     f"(its header says {tuple(found)} {dtype})")  # fmt: skip
        if not size <= info.file_size <= size + _NPY_HEADER_MAX:
            raise schema.SchemaError(f"{ARRAYS} member {name!r} holds {info.file_size} bytes, "
                                     f"not a {shape} float64 array")  # fmt: skip
        array = np.empty(shape, dtype="<f8")
        view, filled = memoryview(array.reshape(-1)).cast("B"), 0
        while filled < size and (n := handle.readinto(view[filled:])):
            filled += n
        if filled < size or handle.read(1):
            raise schema.SchemaError(f"array {name.removesuffix('.npy')} does not hold "
                                     f"{shape} values")  # fmt: skip
    return array


def _assemble(metadata, vocabulary, documents, vectorizer, arrays) -> ModelBundle:
    """The bundle of checked values (names, types, shapes and ranges all matched the schema)."""
    terms = np.empty(len(vocabulary), dtype=object)
    terms[:] = vocabulary
    return ModelBundle(
        method=metadata["method"],
        k=metadata["k"],
        seed=metadata["seed"],
        components=arrays["components"],
        topic_weights=arrays["topic_weights"],
        terms=terms,
        idf=arrays.get("idf"),
        vectorizer=vectorizer,
        doc_topics=arrays["doc_topics"],
        doc_ids=list(documents["ids"]),
        doc_labels=documents["labels"],
        metadata=metadata,
        term_frequency=arrays.get("term_frequency"),
    )
