"""A document-term matrix as CSR row blocks living on the Dask workers.

A :class:`DistributedCSR` holds one future per partition (a block of consecutive rows), the
rows each block covers, the shape, and (from the vectorizer) the terms, idf and document ids.
Every block is the result of a task, never of ``client.scatter``: the scheduler keeps the
tasks that built it, so a block lost with its worker is rebuilt by Dask itself.

Two ways to get one:

* :func:`scatter_csr` splits a local CSR matrix into P row blocks balanced by nonzeros.
* :func:`vectorize_files` reads the input on the workers, each worker its own share of the
  files (JSONL/CSV records or text files, through ``topiccli.corpus``), in two passes. Pass 1:
  each share is tokenized with scikit-learn's analyzer (the settings of
  ``topiccli.vectorize``) into counts over the share's own terms, kept on its worker; only the
  share's terms with their document and term frequencies go to the client, which sums them
  into the corpus's global frequencies and prunes with min_df/max_df/max_features exactly as
  scikit-learn's ``CountVectorizer`` does on the whole corpus (dask-ml prunes per partition,
  which keeps the wrong terms). Pass 2: each worker maps its counts onto the global vocabulary
  and, for TF-IDF, weighs them with the global idf and l2-normalises the rows. The assembled
  matrix equals scikit-learn's on the same texts in the same order.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from numbers import Integral
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from ..errors import VectorizeError
from ..vectorize import VectorizerSettings, check_settings
from ._session import Session


@dataclass
class DistributedCSR:
    """Row blocks of a CSR matrix on the workers: ``blocks[i]`` holds rows ``bounds[i]``."""

    client: object
    blocks: list
    bounds: list[tuple[int, int]]
    shape: tuple[int, int]
    dtype: np.dtype = np.dtype(np.float64)
    terms: np.ndarray | None = None
    idf: np.ndarray | None = None
    ids: list[str] | None = None
    skipped: dict = field(default_factory=dict)
    _derived: dict = field(default_factory=dict, repr=False)

    @property
    def partitions(self) -> int:
        return len(self.blocks)

    def derived(self, name: str, func):
        """One future per block of ``func(block)``, made once (Xᵀ blocks, sparsity patterns),
        each computed where its block lives and rebuilt by Dask if lost."""
        if name not in self._derived:
            self._derived[name] = [
                self.client.submit(func, b, key=f"{b.key}-{name}", pure=False) for b in self.blocks
            ]
        return self._derived[name]

    def transposed(self):
        """Xᵢᵀ of every block, in CSR (n × rows of block i)."""
        from ..factorize._parallel import transpose_csr

        return self.derived("T", transpose_csr)

    def gather(self, timeout: float = 600.0) -> sp.csr_matrix:
        """The whole matrix on the client (for tests and small data)."""
        session = Session(self.client, "gather", timeout)
        parts = session.gather(self.blocks, "the matrix blocks")
        return sp.vstack(parts, format="csr") if parts else sp.csr_matrix(self.shape)

    def release(self) -> None:
        for futures in self._derived.values():
            for f in futures:
                f.release()
        self._derived.clear()
        for f in self.blocks:
            f.release()


def _csr(data, indices, indptr, shape):
    return sp.csr_matrix((data, indices, indptr), shape=shape)


def row_bounds(X, partitions: int) -> list[tuple[int, int]]:
    """P consecutive row ranges of about equal nonzeros + rows (none empty unless X is)."""
    m = X.shape[0]
    partitions = max(1, min(int(partitions), m))
    cost = X.indptr.astype(np.float64) + np.arange(m + 1, dtype=np.float64)
    cuts = np.searchsorted(cost, cost[-1] * np.arange(1, partitions) / partitions)
    edges = np.unique(np.concatenate(([0], cuts, [m])))
    return [(int(a), int(b)) for a, b in zip(edges[:-1], edges[1:]) if b > a]


def scatter_csr(client, X, partitions: int | None = None, timeout: float = 600.0) -> DistributedCSR:
    """Put a local sparse matrix on the workers as ``partitions`` row blocks (default: one per
    worker). The blocks' data travels inside the tasks that build them, so Dask can rebuild a
    block whose worker died."""
    from ..factorize._validation import check_matrix

    X = check_matrix(X)
    if not sp.issparse(X):
        X = sp.csr_matrix(X)
    X.sort_indices()
    if partitions is None:
        partitions = max(1, len(client.nthreads()))
    session = Session(client, "csr", timeout)
    bounds = row_bounds(X, partitions)
    blocks = []
    for a, b in bounds:
        s, e = X.indptr[a], X.indptr[b]
        blocks.append(
            session.submit(
                _csr,
                X.data[s:e].copy(),
                X.indices[s:e].copy(),
                X.indptr[a : b + 1] - s,
                (b - a, X.shape[1]),
                what="block",
            )
        )
    return DistributedCSR(client, blocks, bounds, X.shape, X.dtype)


# --- the two-pass vectorizer --------------------------------------------------------------------


def input_files(path, glob: str | None = None) -> tuple[Path, list[Path], dict]:
    """The files a run reads under ``path`` (a folder, walked as ``topics`` walks it, or one
    file), their root (for document ids), and the files the walk skipped, by reason."""
    from ..corpus.folder import candidate_files

    root = Path(path)
    skipped: dict[str, int] = {}
    files = candidate_files(root, glob, skipped) if root.is_dir() else [root]
    return root, list(files), skipped


def shares(files: list[Path], partitions: int) -> list[list[Path]]:
    """Consecutive runs of files of about equal total size, at most ``partitions`` of them."""
    if not files:
        return []
    sizes = np.array([max(1, _size(f)) for f in files], dtype=np.float64)
    cost = np.concatenate(([0.0], np.cumsum(sizes)))
    parts = max(1, min(int(partitions), len(files)))
    cuts = np.searchsorted(cost, cost[-1] * np.arange(1, parts) / parts)
    edges = np.unique(np.concatenate(([0], cuts, [len(files)])))
    return [files[a:b] for a, b in zip(edges[:-1], edges[1:]) if b > a]


def _size(path: Path) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 1


def _share_documents(files, root, fields, max_file_bytes):
    """(texts, ids, skipped) of one share, read with topiccli's loaders file by file."""
    from ..corpus.folder import TRUNCATED, _read_text, printable
    from ..corpus.records import load_records, record_format

    texts, ids, skipped = [], [], {}
    for file in files:
        file = Path(file)
        relative = file.relative_to(root) if file != root else Path(file.name)
        if record_format(file) in ("jsonl", "csv"):
            corpus = load_records(file, fields)
            texts.extend(corpus.texts)
            prefix = "" if file == root else f"{printable(relative.as_posix())}:"
            ids.extend(prefix + i for i in corpus.ids)
            for reason, n in corpus.skipped.items():
                skipped[reason] = skipped.get(reason, 0) + n
            continue
        text, reason = _read_text(file, max_file_bytes)
        if reason and reason != TRUNCATED:
            skipped[reason] = skipped.get(reason, 0) + 1
            continue
        if reason == TRUNCATED:
            skipped[TRUNCATED] = skipped.get(TRUNCATED, 0) + 1
        texts.append(text)
        ids.append(printable(relative.as_posix()))
    return texts, ids, skipped


def count_texts(texts, settings: VectorizerSettings):
    """Tokenize texts with scikit-learn's analyzer for ``settings`` (the one
    ``topiccli.vectorize`` fits); return (sorted terms, int64 CSR counts over them)."""
    from ..vectorize import sklearn_vectorizer

    analyze = sklearn_vectorizer(settings).build_analyzer()
    vocabulary: dict[str, int] = {}
    indices: list[int] = []
    values: list[int] = []
    indptr = [0]
    for doc in texts:
        counter: dict[int, int] = {}
        for token in analyze(doc):
            index = vocabulary.setdefault(token, len(vocabulary))
            counter[index] = counter.get(index, 0) + 1
        indices.extend(counter.keys())
        values.extend(counter.values())
        indptr.append(len(indices))
    terms = np.array(sorted(vocabulary), dtype=object)
    order = np.empty(len(vocabulary), dtype=np.int64)  # first-seen index -> sorted index
    for new, term in enumerate(terms):
        order[vocabulary[term]] = new
    X = sp.csr_matrix(
        (
            np.asarray(values, dtype=np.int64),
            order[np.asarray(indices, dtype=np.int64)] if indices else np.zeros(0, np.int64),
            np.asarray(indptr, dtype=np.int64),
        ),
        shape=(len(texts), len(terms)),
    )
    X.sort_indices()
    return terms, X


def _pass1(files, root, settings, fields, max_file_bytes):
    """One share: its counts (kept on the worker) and what the client needs to prune."""
    texts, ids, skipped = _share_documents(files, root, fields, max_file_bytes)
    terms, X = count_texts(texts, settings)
    df = np.bincount(X.indices, minlength=len(terms)).astype(np.int64)
    tf = np.asarray(X.sum(axis=0), dtype=np.int64).ravel()
    return {"terms": terms, "X": X}, {"terms": terms, "df": df, "tf": tf, "n": len(texts),
                                      "ids": ids, "skipped": skipped}  # fmt: skip


def _pass1_summary(local):
    return local[1]


def _pass2(local, vocabulary, idf, kind: str):
    """One share's counts over the global vocabulary (TF-IDF: weighed and l2-normalised)."""
    terms, X = local[0]["terms"], local[0]["X"]
    where = np.searchsorted(vocabulary, terms)
    where = np.minimum(where, len(vocabulary) - 1)
    kept = vocabulary[where] == terms if len(terms) else np.zeros(0, bool)
    mapping = np.where(kept, where, -1)
    new_cols = mapping[X.indices]
    keep = new_cols >= 0
    row_of = np.repeat(np.arange(X.shape[0]), np.diff(X.indptr))[keep]
    counts = np.bincount(row_of, minlength=X.shape[0])
    indptr = np.concatenate(([0], np.cumsum(counts)))
    # The mapping is increasing, so each row's columns stay sorted.
    out = sp.csr_matrix(
        (X.data[keep].astype(np.float64), new_cols[keep].astype(np.int32), indptr),
        shape=(X.shape[0], len(vocabulary)),
    )
    if kind == "tfidf":
        from sklearn.preprocessing import normalize

        out.data *= idf[out.indices]
        out = normalize(out, norm="l2", copy=False)
    return out


def prune(terms, df, tf, n_doc: int, settings: VectorizerSettings) -> np.ndarray:
    """The mask of kept terms (terms sorted), as ``CountVectorizer._limit_features`` makes it
    on the whole corpus: min_df/max_df on document frequencies, then the max_features terms of
    highest total count (with scikit-learn's own argsort, so ties go the same way)."""
    from ..vectorize import _explain

    max_df, min_df, limit = settings.max_df, settings.min_df, settings.max_features
    high = max_df if isinstance(max_df, Integral) else max_df * n_doc
    low = min_df if isinstance(min_df, Integral) else min_df * n_doc
    if high < low:
        raise VectorizeError(
            *_explain("max_df corresponds to < documents than min_df"), params=("min_df", "max_df")
        )
    mask = (df <= high) & (df >= low)
    if limit is not None and mask.sum() > limit:
        mask_inds = (-tf[mask]).argsort()[:limit]
        new_mask = np.zeros(len(df), dtype=bool)
        new_mask[np.where(mask)[0][mask_inds]] = True
        mask = new_mask
    if not mask.any():
        raise VectorizeError(
            *_explain("After pruning, no terms remain"), params=("min_df", "max_df")
        )
    return mask


def merge_frequencies(summaries) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sorted union of the shares' terms with summed document and term frequencies."""
    all_terms = np.concatenate([s["terms"] for s in summaries]) if summaries else np.array([])
    if all_terms.size == 0:
        return np.array([], dtype=object), np.zeros(0, np.int64), np.zeros(0, np.int64)
    terms, inverse = np.unique(all_terms.astype(str), return_inverse=True)
    df = np.bincount(inverse, np.concatenate([s["df"] for s in summaries]), len(terms))
    tf = np.bincount(inverse, np.concatenate([s["tf"] for s in summaries]), len(terms))
    return terms.astype(object), df.astype(np.int64), tf.astype(np.int64)


def vectorize_files(
    client,
    path,
    settings: VectorizerSettings = VectorizerSettings(),
    *,
    partitions: int | None = None,
    glob: str | None = None,
    fields=None,
    max_file_bytes: int | None = None,
    timeout: float = 600.0,
) -> DistributedCSR:
    """Vectorize the files under ``path`` on the cluster; see the module's description.

    ``partitions`` (default: twice the workers) is how many shares of files there are: one
    task, and one row block of the result, each. Rows come in the order ``topics`` reads the
    files (records in file order within a file).
    """
    from ..corpus.folder import DEFAULT_MAX_FILE_BYTES
    from ..corpus.records import Fields
    from ..vectorize import _explain

    check_settings(settings)
    fields = fields or Fields()
    max_file_bytes = max_file_bytes or DEFAULT_MAX_FILE_BYTES
    root, files, skipped = input_files(path, glob)
    if partitions is None:
        partitions = 2 * max(1, len(client.nthreads()))
    session = Session(client, "vectorize", timeout)
    groups = shares(files, partitions)
    locals_ = [
        session.submit(
            _pass1, [str(f) for f in g], str(root), settings, fields, max_file_bytes, what="pass1"
        )  # fmt: skip
        for g in groups
    ]
    summaries = session.gather(
        [session.submit(_pass1_summary, f, what="summary") for f in locals_],
        "the vocabulary counts",
    )
    n_doc = sum(s["n"] for s in summaries)
    for s in summaries:
        for reason, n in s["skipped"].items():
            skipped[reason] = skipped.get(reason, 0) + n
    terms, df, tf = merge_frequencies(summaries)
    if len(terms) == 0:
        raise VectorizeError(*_explain("empty vocabulary"))
    mask = prune(terms, df, tf, n_doc, settings)
    vocabulary = np.asarray(terms[mask].astype(str))
    idf = None
    if settings.kind == "tfidf":
        # TfidfTransformer's smoothed idf, computed as it does: log((1 + n) / (1 + df)) + 1.
        d = df[mask].astype(np.float64) + 1.0
        idf = np.full_like(d, fill_value=n_doc + 1, dtype=np.float64)
        idf /= d
        np.log(idf, out=idf)
        idf += 1.0
    vocab_f = session.submit(_identity, vocabulary, what="vocabulary")
    idf_f = session.submit(_identity, idf, what="idf")
    blocks, bounds, ids, start = [], [], [], 0
    for local, summary in zip(locals_, summaries):
        if summary["n"] == 0:
            continue
        blocks.append(session.submit(_pass2, local, vocab_f, idf_f, settings.kind, what="block"))
        bounds.append((start, start + summary["n"]))
        start += summary["n"]
        ids.extend(summary["ids"])
    return DistributedCSR(
        client, blocks, bounds, (n_doc, len(vocabulary)), np.dtype(np.float64),
        terms=vocabulary.astype(object), idf=idf, ids=ids, skipped=skipped,
    )  # fmt: skip


def _identity(value):
    return value


def squared_norm(data: DistributedCSR, session: Session) -> float:
    """‖X‖²_F, summed on the workers."""
    parts = session.gather([session.submit(_block_norm_sq, b, what="norm") for b in data.blocks],
                           "‖X‖²")  # fmt: skip
    return math.fsum(parts)


def _block_norm_sq(X) -> float:
    values = X.data.astype(np.float64, copy=False)
    return float(np.dot(values, values))
