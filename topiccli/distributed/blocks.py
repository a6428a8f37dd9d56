"""A document-term matrix as CSR row blocks living on the Dask workers.

A :class:`DistributedCSR` holds one future per partition (a block of consecutive rows), the
rows each block covers, the shape, and (from the vectorizer) the terms, idf and document ids.
Every block is the result of a task, never of ``client.scatter``: the scheduler keeps the
tasks that built it, so a block lost with its worker is rebuilt by Dask itself.

Two ways to get one:

* :func:`scatter_csr` splits a local CSR matrix into P row blocks balanced by nonzeros.
* :func:`vectorize_files` reads the input on the workers, each worker its own share of the
  files (a folder's text files and JSONL/CSV records, one records file, or a glob of shards,
  through ``topiccli.corpus``'s loaders), in two passes. Pass 1: each share drops the junk
  documents ``topics`` drops (``settings.junk``) and is counted with
  ``topiccli.vectorize.count_terms`` (the same contractions, token pattern, stop words and
  n-grams as ``Vectorizer``), kept on its worker; only the share's terms with their
  document and total counts and their order of first appearance go to the client. The client
  sums them into the corpus's frequencies and prunes with ``vectorize.kept_terms`` on the
  whole corpus (min_df "auto" resolved with the whole corpus's number of documents, then
  max_df and max_features, scikit-learn's rules; dask-ml prunes per partition, which keeps
  the wrong terms). Pass 2: each worker maps its counts onto the kept terms and, for TF-IDF,
  weighs them and normalises the rows with ``vectorize.weigh``, which adds each row up in
  the terms' order of first appearance in the corpus, as scikit-learn does. So the
  assembled matrix, its terms and idf are bit for bit ``Vectorizer(settings).fit_transform``
  of the texts ``topics`` loads, in the same order (one difference: .jsonl/.csv files inside a
  folder are read as records, where ``topics`` reads each as one text).
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from ..errors import CorpusError
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


@dataclass(frozen=True)
class InputFile:
    """One file a share reads: ``path`` as a worker opens it (absolute), ``records`` its
    format ("jsonl", "csv") or None for a text file, ``doc_id`` the text file's document id
    or the prefix of every record's id (records in a folder), ``number_prefix`` what record
    numbers get in front (a shard's ``path:``, as the shard loader numbers them)."""

    path: str
    records: str | None
    doc_id: str = ""
    number_prefix: str = ""


def input_files(path, glob: str | None = None) -> tuple[list[InputFile], dict]:
    """The files a run reads from ``path``, in the order ``topics`` reads them, and what the
    walk skipped, by reason. ``path`` is a folder (walked as ``topics`` walks it: sorted,
    hidden entries skipped; ``glob`` filters its files), one file, or a glob of .jsonl/.csv
    shards (its matches in sorted path order, records numbered ``shard:line`` as
    ``topics`` numbers them)."""
    from ..corpus.folder import candidate_files, printable
    from ..corpus.records import checked_shards, is_pattern, record_format

    if is_pattern(path):
        fmt = record_format(path)
        if fmt not in ("jsonl", "csv"):
            raise CorpusError(f"{path} is a pattern, but not of .jsonl or .csv shards",
                              params=("input",))  # fmt: skip
        files = checked_shards(path, fmt)
        return [InputFile(str(f.resolve()), fmt, number_prefix=f"{f.as_posix()}:")
                for f in files], {}  # fmt: skip
    root = Path(path)
    skipped: dict[str, int] = {}
    if not root.is_dir():
        candidate_files(root)  # raises CorpusError for a missing path or a special file
        fmt = record_format(root)  # a record file's ids are its numbers, a text file's its name
        return [InputFile(str(root.resolve()), fmt, "" if fmt else printable(root.name))], {}
    found = []
    for file in candidate_files(root, glob, skipped):
        relative = printable(file.relative_to(root).as_posix())
        fmt = record_format(file)
        found.append(InputFile(str(file.resolve()), fmt, f"{relative}:" if fmt else relative))
    return found, skipped


def shares(files: list, partitions: int) -> list[list]:
    """Consecutive runs of files of about equal total size, at most ``partitions`` of them."""
    if not files:
        return []
    sizes = np.array([max(1, _size(getattr(f, "path", f))) for f in files], dtype=np.float64)
    cost = np.concatenate(([0.0], np.cumsum(sizes)))
    parts = max(1, min(int(partitions), len(files)))
    cuts = np.searchsorted(cost, cost[-1] * np.arange(1, parts) / parts)
    edges = np.unique(np.concatenate(([0], cuts, [len(files)])))
    return [files[a:b] for a, b in zip(edges[:-1], edges[1:]) if b > a]


def _size(path) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 1


def share_documents(files: list[InputFile], fields, max_file_bytes: int, junk: str):
    """(texts, ids, skipped) of one share, read with ``topics``' loaders file by file: text
    files as the folder loader reads them (cut at ``max_file_bytes``, unreadable, binary and
    empty ones skipped), record files record by record; with ``junk`` "drop", the junk
    documents ``topics`` drops (``corpus.junk.drop_junk``) left out and counted by reason."""
    from ..corpus.folder import TRUNCATED, _read_text
    from ..corpus.junk import drop_junk
    from ..corpus.model import Corpus
    from ..corpus.records import collect, file_records

    texts, ids, skipped = [], [], {}

    def count(reason: str, n: int = 1) -> None:
        skipped[reason] = skipped.get(reason, 0) + n

    for file in files:
        if file.records:
            records = file_records(Path(file.path), fields, file.number_prefix)
            found, found_ids, _, found_skipped, _ = collect(records, fields, file.path)
            texts.extend(found)
            ids.extend(file.doc_id + i for i in found_ids)
            for reason, n in found_skipped.items():
                count(reason, n)
            continue
        text, reason = _read_text(Path(file.path), max_file_bytes)
        if reason == TRUNCATED:
            count(TRUNCATED)
        elif reason:
            count(reason)
            continue
        texts.append(text)
        ids.append(file.doc_id)
    if junk == "drop":
        corpus = drop_junk(Corpus(texts, ids, None, {}, skipped))
        texts, ids, skipped = corpus.texts, corpus.ids, dict(corpus.skipped)
    return texts, ids, skipped


def _pass1(files, settings, fields, max_file_bytes):
    """One share: its counts (kept on the worker) and what the client needs to prune."""
    from ..vectorize import count_terms

    texts, ids, skipped = share_documents(files, fields, max_file_bytes, settings.junk)
    terms, X, first = count_terms(settings, texts)
    df = np.bincount(X.indices, minlength=len(terms)).astype(np.int64)
    tf = np.bincount(X.indices, weights=X.data, minlength=len(terms)).astype(np.int64)
    summary = {"terms": terms, "df": df, "tf": tf, "first": first, "n": len(texts), "ids": ids,
               "skipped": skipped}  # fmt: skip
    return X, summary


def _pass1_summary(local):
    return local[1]


def _pass2(local, mapping, idf, first, kind: str):
    """One share's counts over the kept vocabulary (``mapping``: each of the share's terms'
    column there, -1 if pruned); TF-IDF: weighed and normalised as ``fit_transform`` does."""
    from ..vectorize import weigh

    X = local[0]
    n_terms = len(first)
    new_cols = mapping[X.indices] if X.nnz else np.zeros(0, np.int64)
    keep = new_cols >= 0
    cumulative = np.zeros(X.nnz + 1, dtype=np.int64)
    np.cumsum(keep, out=cumulative[1:])
    # The mapping is increasing, so each row's columns stay sorted.
    out = sp.csr_matrix(
        (X.data[keep].astype(np.float64), new_cols[keep].astype(np.int32),
         cumulative[X.indptr]),
        shape=(X.shape[0], n_terms),
    )  # fmt: skip
    out.has_sorted_indices = True
    if kind == "tfidf":
        weigh(out, idf, first)
    return out


def merge_frequencies(summaries):
    """The shares' terms as one corpus: (terms, df, tf, first, inverses). ``terms`` the
    sorted union, ``df``/``tf`` their summed document and total counts, ``first`` each term's
    rank of first appearance in the corpus (by the first share holding it, then its rank
    there: shares hold consecutive documents), ``inverses`` each share's terms' positions
    in ``terms``."""
    sizes = [len(s["terms"]) for s in summaries]
    if sum(sizes) == 0:
        empty = np.zeros(0, np.int64)
        return np.array([], dtype=object), empty, empty, empty, [empty for _ in summaries]
    all_terms = np.concatenate([np.asarray(s["terms"], dtype=object) for s in summaries])
    terms, inverse = np.unique(all_terms.astype(str), return_inverse=True)
    inverse = inverse.ravel()
    n = len(terms)
    df = np.bincount(inverse, np.concatenate([s["df"] for s in summaries]), n).astype(np.int64)
    tf = np.bincount(inverse, np.concatenate([s["tf"] for s in summaries]), n).astype(np.int64)
    share = np.repeat(np.arange(len(summaries)), sizes)
    local_first = np.concatenate([s["first"] for s in summaries])
    order = np.lexsort((local_first, share))  # every (share, term) in corpus order
    _, where = np.unique(inverse[order], return_index=True)  # each term's first entry there
    first = np.empty(n, dtype=np.int64)
    first[np.argsort(where, kind="stable")] = np.arange(n, dtype=np.int64)
    inverses = np.split(inverse, np.cumsum(sizes)[:-1])
    return terms.astype(object), df, tf, first, inverses


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

    ``path``: a folder, one file, or a glob of .jsonl/.csv shards. ``partitions`` (default:
    twice the workers) is how many shares of files there are: one task, and one row block
    of the result, each. Rows come in the order ``topics`` reads the documents (records in
    file order within a file), junk documents dropped unless ``settings.junk`` is "keep";
    the result's ``skipped`` counts what was left out, by reason.
    """
    from ..corpus.folder import DEFAULT_MAX_FILE_BYTES
    from ..corpus.records import Fields
    from ..vectorize import idf_weights, kept_terms

    check_settings(settings)
    fields = fields or Fields()
    max_file_bytes = max_file_bytes or DEFAULT_MAX_FILE_BYTES
    files, skipped = input_files(path, glob)
    if partitions is None:
        partitions = 2 * max(1, len(client.nthreads()))
    session = Session(client, "vectorize", timeout)
    groups = shares(files, partitions)
    locals_ = [session.submit(_pass1, g, settings, fields, max_file_bytes, what="pass1")
               for g in groups]  # fmt: skip
    summaries = session.gather(
        [session.submit(_pass1_summary, f, what="summary") for f in locals_],
        "the vocabulary counts",
    )
    n_doc = sum(s["n"] for s in summaries)
    for s in summaries:
        for reason, n in s["skipped"].items():
            skipped[reason] = skipped.get(reason, 0) + n
    ids = [i for s in summaries for i in s["ids"]]
    _check_documents(path, ids, skipped, fields)
    terms, df, tf, first, inverses = merge_frequencies(summaries)
    mask = kept_terms(settings, df, tf, n_doc)  # min_df "auto" from the whole corpus's size
    vocabulary = terms[mask]
    column = np.where(mask, np.cumsum(mask) - 1, -1)
    kept_first = np.empty(len(vocabulary), dtype=np.int64)
    kept_first[np.argsort(first[mask], kind="stable")] = np.arange(len(vocabulary))
    idf = idf_weights(df[mask], n_doc) if settings.kind == "tfidf" else None
    idf_f = session.submit(_identity, idf, what="idf")
    first_f = session.submit(_identity, kept_first, what="first")
    blocks, bounds, start = [], [], 0
    for local, summary, inverse in zip(locals_, summaries, inverses):
        if summary["n"] == 0:
            continue
        blocks.append(session.submit(_pass2, local, column[inverse], idf_f, first_f,
                                     settings.kind, what="block"))  # fmt: skip
        bounds.append((start, start + summary["n"]))
        start += summary["n"]
    return DistributedCSR(
        client, blocks, bounds, (n_doc, len(vocabulary)), np.dtype(np.float64),
        terms=vocabulary, idf=idf, ids=ids, skipped=skipped,
    )  # fmt: skip


def _check_documents(path, ids: list[str], skipped: dict, fields) -> None:
    """Refuse what ``topics`` refuses when loading: no documents at all, or an id (from
    ``id_field``) used twice, across shares as within one."""
    if not ids:
        detail = ", ".join(f"{n} {reason}" for reason, n in sorted(skipped.items()))
        raise CorpusError(f"no documents in {path}" + (f" ({detail})" if detail else ""))
    if fields.id is not None and len(set(ids)) < len(ids):
        seen: set[str] = set()
        repeated = next(i for i in ids if i in seen or seen.add(i))
        raise CorpusError(f"{path}: id {repeated!r} (field {fields.id!r}) is used by more than "
                          "one record; ids must be unique")  # fmt: skip


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
