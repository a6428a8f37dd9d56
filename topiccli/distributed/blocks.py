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
  ``topiccli.text.vectorize.count_terms`` (the same contractions, token pattern, stop words and
  n-grams as ``Vectorizer``), kept on its worker; only the share's terms with their
  document and total counts and their order of first appearance go to the client. The client
  sums them into the corpus's frequencies and prunes with ``vectorize.kept_terms`` on the
  whole corpus (min_df "auto" resolved with the whole corpus's number of documents, then
  max_df and max_features, scikit-learn's rules; dask-ml prunes per partition, which keeps
  the wrong terms). Pass 2: each worker maps its counts onto the kept terms and, for TF-IDF,
  weighs them and normalises the rows with ``vectorize.weigh``, which adds each row up in
  the terms' order of first appearance in the corpus, as scikit-learn does. So the
  assembled matrix, its terms and idf are bit for bit ``Vectorizer(settings).fit_transform``
  of the texts ``topics`` loads, in the same order, with the same ids and labels. The texts
  stay on the workers too (``documents``: one future per block), for the scores that read them
  (``topiccli.distributed.texts``).

A :class:`DistributedCSR` is a ``topiccli.held.HeldMatrix``: column sums, its norm, a few
columns, ⟨X·Hᵀ, W⟩ and its rows' digests are computed next to the blocks, and only the answers
travel.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from ..errors import CorpusError
from ..held import HeldMatrix, run_digest
from ..text.vectorize import VectorizerSettings, check_settings
from ._session import Session, retrying


@dataclass
class DistributedCSR(HeldMatrix):
    """Row blocks of a CSR matrix on the workers: ``blocks[i]`` holds rows ``bounds[i]``.

    From :func:`vectorize_files` it also knows its ``terms``, ``idf``, the documents' ``ids``
    and ``labels``, what was ``skipped``, the document frequencies of every term before
    pruning (``unpruned_df``, for ``--vocabulary``) and, per block, the future of the block's
    texts (``documents``)."""

    client: object
    blocks: list
    bounds: list[tuple[int, int]]
    shape: tuple[int, int]
    dtype: np.dtype = np.dtype(np.float64)
    terms: np.ndarray | None = None
    idf: np.ndarray | None = None
    ids: list[str] | None = None
    skipped: dict = field(default_factory=dict)
    labels: list | None = None
    unpruned_df: np.ndarray | None = None
    documents: list | None = None
    timeout: float = 600.0
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
        from ..factorize.steps import transpose_csr

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
        for f in self.blocks + list(self.documents or ()):
            f.release()

    def __getitem__(self, rows):
        """The rows at ``rows`` (sorted indices) as a new DistributedCSR, each block's taken
        where it lives (a resampling's subsample); nothing else is indexable."""
        rows = np.asarray(rows)
        if rows.ndim != 1 or rows.dtype.kind not in "iu":
            raise TypeError("a DistributedCSR is indexed by an array of row numbers only")
        starts = np.array([a for a, _ in self.bounds], dtype=np.int64)
        block = np.searchsorted(starts, rows, side="right") - 1
        session = Session(self.client, "rows", self.timeout)
        blocks, bounds, at = [], [], 0
        for b in np.unique(block):
            local = rows[block == b] - starts[b]
            blocks.append(session.submit(_block_rows_at, self.blocks[b], local, what="rows"))
            bounds.append((at, at + len(local)))
            at += len(local)
        return DistributedCSR(self.client, blocks, bounds, (len(rows), self.shape[1]), self.dtype,
                              terms=self.terms, idf=self.idf, timeout=self.timeout)  # fmt: skip

    # --- topiccli.held.HeldMatrix: answers computed next to the blocks ---------------------

    def _each(self, what: str, func, *args, per_block=None):
        """``func(block, *args, *per_block(i))`` on every block, gathered in block order (run
        again after a lost worker: the blocks are rebuilt by Dask)."""

        def run():
            session = Session(self.client, what, self.timeout)
            futures = [session.submit(func, b, *args, *(per_block(i) if per_block else ()),
                                      what=what) for i, b in enumerate(self.blocks)]  # fmt: skip
            return session.gather(futures, what)

        return retrying(self.client, self.timeout, run, what=what)

    def column_sums(self) -> np.ndarray:
        parts = self._each("column-sums", _block_column_sums)
        return np.sum(parts, axis=0) if parts else np.zeros(self.shape[1])

    def squared_norm(self) -> float:
        return math.fsum(self._each("norm", _block_norm_sq))

    def columns(self, columns) -> sp.csr_matrix:
        columns = np.asarray(columns, dtype=np.intp)
        parts = self._each("columns", _block_columns, columns)
        return sp.vstack(parts, format="csr") if parts else sp.csr_matrix((0, len(columns)))

    def rows(self, rows) -> sp.csr_matrix:
        rows = np.asarray(rows, dtype=np.int64)
        starts = np.array([a for a, _ in self.bounds], dtype=np.int64)
        block = np.searchsorted(starts, rows, side="right") - 1
        parts = self._each("rows", _block_rows_at,
                           per_block=lambda i: (rows[block == i] - starts[i],))  # fmt: skip
        return sp.vstack(parts, format="csr") if parts else sp.csr_matrix((0, self.shape[1]))

    def cross(self, W, H) -> float:
        W = np.asarray(W, dtype=np.float64)
        session = Session(self.client, "cross", self.timeout)
        H_f = session.broadcast(np.ascontiguousarray(H, dtype=np.float64), what="H")
        return math.fsum(self._each("cross", _block_cross, H_f,
                                    per_block=lambda i: (W[slice(*self.bounds[i])],)))  # fmt: skip

    def row_lengths(self) -> np.ndarray:
        parts = self._each("lengths", _row_lengths)
        return np.concatenate(parts) if parts else np.zeros(0, np.int64)

    def row_digests(self, rows: int) -> list[bytes]:
        pieces = self._each("digests", _block_runs, rows, self.shape[0],
                            per_block=lambda i: (self.bounds[i][0],))  # fmt: skip
        return join_runs([p for block in pieces for p in block])


def _block_rows_at(X, rows):
    """The block's rows at ``rows`` (an array of row numbers, or a slice)."""
    return X[rows]


def _block_column_sums(X) -> np.ndarray:
    return np.asarray(X.sum(axis=0), dtype=np.float64).ravel()


def _block_columns(X, columns):
    return X[:, columns]


def _block_cross(X, H, W) -> float:
    return float(np.vdot(np.asarray(X @ H.T, dtype=np.float64), W))


def _block_runs(X, rows: int, total: int, start: int) -> list:
    """The block's share of ``held.row_digests``: (run, digest, None) for each run wholly in
    the block, (run, None, its rows here) for a run the block shares with a neighbour."""
    found, at, stop = [], start, start + X.shape[0]
    while at < stop:
        run = at // rows
        first, last = run * rows, min((run + 1) * rows, total)
        end = min(last, stop)
        if at == first and end == last:
            found.append((run, run_digest(X, at - start, end - start), None))
        else:
            found.append((run, None, X[at - start : end - start]))
        at = end
    return found


def join_runs(pieces: list) -> list[bytes]:
    """The digests of every run from the blocks' pieces, in block order (a shared run's rows
    joined, then digested)."""
    digests, shared = [], []
    for i, (run, digest, rows) in enumerate(pieces):
        if digest is not None:
            digests.append(digest)
            continue
        shared.append(rows)
        if i + 1 == len(pieces) or pieces[i + 1][0] != run:
            joined = sp.vstack(shared, format="csr")
            digests.append(run_digest(joined, 0, joined.shape[0]))
            shared = []
    return digests


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
    from ..factorize.steps import check_matrix

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


def rebalance(data: DistributedCSR, partitions: int) -> DistributedCSR:
    """``data`` cut into ``partitions`` row blocks of about equal nonzeros + rows, spread
    over the workers (one records file is one share, so one block: this gives every worker
    its part of the fit). Only each block's row lengths come to the client; the rows move
    between workers. The texts stay where they were read."""
    session = Session(data.client, "rebalance", data.timeout)
    indptr = np.concatenate(([0], np.cumsum(data.row_lengths()))).astype(np.int64)
    bounds = row_bounds(_Lengths(indptr, data.shape[0]), partitions)
    workers = sorted(data.client.nthreads())
    blocks = []
    for i, (a, b) in enumerate(bounds):
        overlapping = [(f, lo, hi) for f, (lo, hi) in zip(data.blocks, data.bounds)
                       if lo < b and a < hi]  # fmt: skip
        pieces = [session.submit(_block_rows_at, f, slice(max(a, lo) - lo, min(b, hi) - lo),
                                 what="piece") for f, lo, hi in overlapping]  # fmt: skip
        blocks.append(session.submit(_stack, *pieces, what="block",
                                     workers=[workers[i % len(workers)]],
                                     allow_other_workers=True))  # fmt: skip
    session.gather([session.submit(_block_rows, f, what="rows") for f in blocks], "the blocks")
    for f in data.blocks:
        f.release()
    return replace(data, blocks=blocks, bounds=bounds, _derived={})


@dataclass(frozen=True)
class _Lengths:
    """What ``row_bounds`` reads of a matrix: its CSR row pointer and its rows."""

    indptr: np.ndarray
    rows: int

    @property
    def shape(self):
        return (self.rows, 0)


def _row_lengths(X) -> np.ndarray:
    return np.diff(X.indptr).astype(np.int64)


def _stack(*pieces):
    out = sp.vstack(pieces, format="csr")
    out.sort_indices()
    return out


# --- the two-pass vectorizer --------------------------------------------------------------------


@dataclass(frozen=True)
class InputFile:
    """One file a share reads: ``path`` as a worker opens it (absolute), ``records`` its
    format ("jsonl", "csv") or None for a text file, ``doc_id`` the text file's document id,
    ``number_prefix`` what record numbers get in front (a shard's ``path:``, as the shard
    loader numbers them)."""

    path: str
    records: str | None
    doc_id: str = ""
    number_prefix: str = ""
    label: str | None = None
    """A text file's label: its subfolder under the input, as the folder loader labels it."""
    byte_range: tuple[int, int] | None = None
    """Part of a .jsonl file only: its bytes [start, stop), lines from ``first_line``."""
    first_line: int = 1
    row_range: tuple[int, int] | None = None
    """Part of a .parquet file only: its rows [start, stop) (numbered as in the whole file)."""
    row_bytes: float = 0.0
    """A .parquet part's share of its file's bytes (for the shares' balance)."""

    @property
    def size(self) -> int:
        if self.byte_range is not None:
            return self.byte_range[1] - self.byte_range[0]
        if self.row_range is not None:
            return max(1, int(self.row_bytes * (self.row_range[1] - self.row_range[0])))
        return _size(self.path)


def input_files(path, glob: str | None = None) -> tuple[list[InputFile], dict]:
    """The files a run reads from ``path``, in the order ``topics`` reads them, and what the
    walk skipped, by reason. ``path`` is a folder (walked as ``topics`` walks it: sorted,
    hidden entries skipped, ``glob`` filters its files, every file one text labelled by its
    subfolder), one file, or a glob of .jsonl/.csv shards (its matches in sorted path order,
    records numbered ``shard:line`` as ``topics`` numbers them)."""
    from ..corpus.folder import candidate_files, printable
    from ..corpus.records import FILE_FORMATS, checked_shards, is_pattern, record_format

    if is_pattern(path):
        fmt = record_format(path)
        if fmt not in FILE_FORMATS:
            raise CorpusError(f"{path} is a pattern, but not of .jsonl, .csv or .parquet shards",
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
        relative = file.relative_to(root)
        label = printable(relative.parts[0]) if len(relative.parts) > 1 else None
        found.append(InputFile(str(file.resolve()), None, printable(relative.as_posix()), "",
                               label))  # fmt: skip
    return found, skipped


def shares(files: list, partitions: int) -> list[list]:
    """Consecutive runs of files of about equal total size, at most ``partitions`` of them."""
    if not files:
        return []
    sizes = np.array([max(1, f.size if isinstance(f, InputFile) else _size(f)) for f in files],
                     dtype=np.float64)  # fmt: skip
    cost = np.concatenate(([0.0], np.cumsum(sizes)))
    parts = max(1, min(int(partitions), len(files)))
    cuts = np.searchsorted(cost, cost[-1] * np.arange(1, parts) / parts)
    edges = np.unique(np.concatenate(([0], cuts, [len(files)])))
    return [files[a:b] for a, b in zip(edges[:-1], edges[1:]) if b > a]


SPLIT_BYTES = 1 << 22
"""A .jsonl file is cut into line ranges for several workers only from this size (4 MiB)."""


def split_records(session: Session, files: list[InputFile], partitions: int) -> list[InputFile]:
    """``files`` with each large .jsonl file cut into line ranges when there are fewer files
    than ``partitions`` (one 245 MB file would otherwise be one worker's share): about
    ``partitions`` ranges in all, in proportion to size, cut after a newline. The workers count
    each range's lines (so records keep the whole file's numbers) and check it is UTF-8; a
    file with a byte-order mark or NUL bytes at its start, or one not UTF-8 throughout, stays
    whole (read as ``topics`` reads it, its encoding found on the whole file). A large .parquet
    file is cut into runs of rows alike (``_row_parts``)."""
    total = sum(f.size for f in files)
    if len(files) >= partitions or total == 0:
        return files
    out: list[InputFile] = []
    for file in files:
        parts = int(round(partitions * file.size / total))
        if file.records == "parquet" and file.size >= SPLIT_BYTES:
            out.extend(_row_parts(file, parts))
            continue
        large = file.records == "jsonl" and file.size >= SPLIT_BYTES
        cuts = _line_cuts(file, parts) if large else None
        if not cuts:
            out.append(file)
            continue
        ranges = list(zip(cuts[:-1], cuts[1:]))
        facts = session.gather([session.submit(_range_facts, file.path, a, b, what="lines")
                                for a, b in ranges], "the line counts")  # fmt: skip
        if not all(utf8 for _, utf8 in facts):
            out.append(file)
            continue
        first = np.concatenate(([1], 1 + np.cumsum([n for n, _ in facts])[:-1]))
        out.extend(replace(file, byte_range=r, first_line=int(line))
                   for r, line in zip(ranges, first))  # fmt: skip
    return out


def _row_parts(file: InputFile, parts: int) -> list[InputFile]:
    """A large .parquet file as about ``parts`` runs of rows (its row count read from its
    footer here; each worker reads only its rows' row groups)."""
    from ..corpus.parquet import row_count

    rows = row_count(Path(file.path))
    if parts < 2 or rows < 2 * parts:
        return [file]
    cuts = [rows * i // parts for i in range(parts + 1)]
    per_row = file.size / rows
    return [replace(file, row_range=(a, b), row_bytes=per_row)
            for a, b in zip(cuts[:-1], cuts[1:])]  # fmt: skip


def _line_cuts(file: InputFile, parts: int) -> list[int] | None:
    """Offsets cutting ``file`` into about ``parts`` runs of whole lines, or None when it
    stays whole (fewer than 2 parts, a BOM or NUL bytes in its first bytes)."""
    from ..corpus.folder import BOMS, SNIFF_BYTES

    if parts < 2:
        return None
    size = file.size
    cuts = [0]
    with open(file.path, "rb") as handle:
        head = handle.read(SNIFF_BYTES)
        if b"\x00" in head or any(head.startswith(bom) for bom, _ in BOMS):
            return None
        for i in range(1, parts):
            handle.seek(max(cuts[-1], size * i // parts))
            handle.readline()  # to the start of the next line
            at = handle.tell()
            if cuts[-1] < at < size:
                cuts.append(at)
    cuts.append(size)
    return cuts if len(cuts) > 2 else None


def _range_facts(path: str, start: int, stop: int) -> tuple[int, bool]:
    """On a worker: (newlines in bytes ``start``…``stop``−1 of ``path``, whether they are
    UTF-8)."""
    import codecs

    decoder = codecs.getincrementaldecoder("utf-8")()
    newlines, left, utf8 = 0, stop - start, True
    with open(path, "rb") as handle:
        handle.seek(start)
        while left > 0 and (chunk := handle.read(min(left, 1 << 20))):
            left -= len(chunk)
            newlines += chunk.count(b"\n")
            if utf8:
                try:
                    decoder.decode(chunk, final=left <= 0)
                except UnicodeDecodeError:
                    utf8 = False
    return newlines, utf8


def _size(path) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 1


def share_documents(files: list[InputFile], fields, max_file_bytes: int, junk: str):
    """(texts, ids, labels, skipped) of one share, read with ``topics``' loaders file by file: text
    files as the folder loader reads them (cut at ``max_file_bytes``, unreadable, binary and
    empty ones skipped), record files record by record; with ``junk`` "drop", the junk
    documents ``topics`` drops (``corpus.junk.drop_junk``) left out and counted by reason."""
    from ..corpus.folder import TRUNCATED, read_text
    from ..corpus.junk import drop_junk
    from ..corpus.model import Corpus
    from ..corpus.records import collect, file_records, range_records

    texts, ids, labels, skipped = [], [], [], {}

    def count(reason: str, n: int = 1) -> None:
        skipped[reason] = skipped.get(reason, 0) + n

    for file in files:
        if file.records:
            if file.byte_range is not None:
                records = range_records(Path(file.path), *file.byte_range, file.first_line,
                                        file.number_prefix)  # fmt: skip
            else:
                records = file_records(Path(file.path), fields, file.number_prefix,
                                       rows=file.row_range)  # fmt: skip
            found, found_ids, found_labels, found_skipped, _ = collect(records, fields, file.path)
            texts.extend(found)
            ids.extend(file.doc_id + i for i in found_ids)
            labels.extend(found_labels)
            for reason, n in found_skipped.items():
                count(reason, n)
            continue
        text, reason = read_text(Path(file.path), max_file_bytes)
        if reason == TRUNCATED:
            count(TRUNCATED)
        elif reason:
            count(reason)
            continue
        texts.append(text)
        ids.append(file.doc_id)
        labels.append(file.label)
    if junk == "drop":
        corpus = drop_junk(Corpus(texts, ids, labels, {}, skipped))
        texts, ids, labels, skipped = corpus.texts, corpus.ids, corpus.labels, dict(corpus.skipped)
    return texts, ids, labels, skipped


def _pass1(files, settings, fields, max_file_bytes):
    """One share: its counts (kept on the worker) and what the client needs to prune."""
    from ..text import clean
    from ..text.vectorize import count_terms

    texts, ids, labels, skipped = share_documents(files, fields, max_file_bytes, settings.junk)
    cleaning = clean.empty_counts(worker_cleaning(settings))
    terms, X, first = count_terms(settings, texts, cleaning)
    df = np.bincount(X.indices, minlength=len(terms)).astype(np.int64)
    tf = np.bincount(X.indices, weights=X.data, minlength=len(terms)).astype(np.int64)
    summary = {"terms": terms, "df": df, "tf": tf, "first": first, "n": len(texts), "ids": ids,
               "labels": labels, "skipped": skipped, "cleaning": cleaning}  # fmt: skip
    return X, summary, texts


def worker_cleaning(settings: VectorizerSettings) -> list[str]:
    """The cleaning steps the workers apply: each document's own (boilerplate, which needs
    every document at once, is not looked for where the workers read)."""
    from ..text import clean

    return [step for step in clean.steps(settings.clean) if step != "boilerplate"]


def merged_cleaning(settings: VectorizerSettings, summaries) -> dict:
    """The shares' cleaning counts added up: the report's ``corpus.cleaning``."""
    from ..text import clean

    total = clean.empty_counts(worker_cleaning(settings))
    for summary in summaries:
        for name, value in summary["cleaning"].items():
            if name != "steps":
                total[name] += value
    return total


def _pass1_summary(local):
    return local[1]


def _pass1_texts(local):
    return local[2]


def _pass2(local, mapping, idf, first, kind: str):
    """One share's counts over the kept vocabulary (``mapping``: each of the share's terms'
    column there, -1 if pruned); TF-IDF: weighed and normalised as ``fit_transform`` does."""
    from ..text.vectorize import weigh

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
    stage=None,
) -> DistributedCSR:
    """Vectorize the files under ``path`` on the cluster; see the module's description.

    ``path``: a folder, one file, or a glob of .jsonl/.csv shards. ``partitions`` (default:
    twice the workers) is how many shares of files there are: one task, and one row block
    of the result, each. Rows come in the order ``topics`` reads the documents (records in
    file order within a file), junk documents dropped unless ``settings.junk`` is "keep";
    the result's ``skipped`` counts what was left out, by reason. ``stage(name)``, if given,
    is a context manager around each pass ("load": reading and counting, "vectorize":
    pruning, mapping and weighing), for a run's timings.
    """
    from contextlib import nullcontext

    from ..corpus.folder import DEFAULT_MAX_FILE_BYTES
    from ..corpus.records import Fields

    check_settings(settings)
    stage = stage or (lambda name: nullcontext())
    fields = fields or Fields()
    max_file_bytes = max_file_bytes or DEFAULT_MAX_FILE_BYTES
    files, skipped = input_files(path, glob)
    if partitions is None:
        partitions = 2 * max(1, len(client.nthreads()))
    session = Session(client, "vectorize", timeout)
    with stage("load"):
        groups = shares(split_records(session, files, partitions), partitions)
        settings, language = _resolve_language(session, groups, settings, fields, max_file_bytes)
        locals_ = [session.submit(_pass1, g, settings, fields, max_file_bytes, what="pass1")
                   for g in groups]  # fmt: skip
        summaries = session.gather(
            [session.submit(_pass1_summary, f, what="summary") for f in locals_],
            "the vocabulary counts",
        )
    with stage("vectorize"):
        data = _second_pass(session, path, settings, fields, skipped, locals_, summaries)
    data.applied, data.language = settings, language  # the language resolved (text.languages)
    data.cleaning = merged_cleaning(settings, summaries)
    return data


def _resolve_language(session, groups, settings, fields, max_file_bytes):
    """(settings with the language resolved, its description): ``auto`` detected on the
    sample one machine takes (text.languages.sample_openings), each share offering its own."""
    from ..text.languages import AUTO, detect_openings, merge_samples
    from ..text.vectorize import resolve_language

    if settings.language != AUTO:
        resolved, detection = resolve_language(settings, [])
        return resolved, detection.as_dict()
    parts = session.gather(
        [session.submit(_openings, g, fields, max_file_bytes, settings.junk, what="language")
         for g in groups],
        "the language sample",
    )  # fmt: skip
    detection = detect_openings([opening for _, opening in merge_samples(parts)])
    resolved, _ = resolve_language(settings, [], detection)
    return resolved, detection.as_dict()


def _openings(files, fields, max_file_bytes, junk) -> list:
    """One share's candidates for the language sample (text.languages.sample_openings)."""
    from ..text.languages import sample_openings

    return sample_openings(share_documents(files, fields, max_file_bytes, junk)[0])


def _second_pass(session, path, settings, fields, skipped, locals_, summaries) -> DistributedCSR:
    """Prune on the whole corpus's frequencies, then map and weigh every share's counts."""
    from ..text.vectorize import idf_weights, kept_terms

    n_doc = sum(s["n"] for s in summaries)
    ids, labels = _documents(path, fields, skipped, summaries)
    terms, df, tf, first, inverses = merge_frequencies(summaries)
    mask = kept_terms(settings, df, tf, n_doc)  # min_df "auto" from the whole corpus's size
    vocabulary = terms[mask]
    column = np.where(mask, np.cumsum(mask) - 1, -1)
    kept_first = np.empty(len(vocabulary), dtype=np.int64)
    kept_first[np.argsort(first[mask], kind="stable")] = np.arange(len(vocabulary))
    idf = idf_weights(df[mask], n_doc) if settings.kind == "tfidf" else None
    idf_f = session.submit(_identity, idf, what="idf")
    first_f = session.submit(_identity, kept_first, what="first")
    blocks, bounds, documents = _share_blocks(
        session, locals_, summaries,
        lambda i, local: session.submit(_pass2, local, column[inverses[i]], idf_f, first_f,
                                        settings.kind, what="block"),
    )  # fmt: skip
    session.gather(
        [session.submit(_block_rows, b, what="rows") for b in blocks], "the matrix blocks"
    )  # the blocks are built when vectorizing ends
    return DistributedCSR(
        session.client, blocks, bounds, (n_doc, len(vocabulary)), np.dtype(np.float64),
        terms=vocabulary, idf=idf, ids=ids, skipped=skipped, labels=labels,
        unpruned_df=df, documents=documents, timeout=session.timeout,
    )  # fmt: skip


def _documents(path, fields, skipped: dict, summaries) -> tuple[list, list | None]:
    """The shares' ids and labels in corpus order (labels None when no document has one),
    their skipped counts added to ``skipped``; refused as ``_check_documents`` says."""
    for summary in summaries:
        for reason, n in summary["skipped"].items():
            skipped[reason] = skipped.get(reason, 0) + n
    ids = [i for s in summaries for i in s["ids"]]
    _check_documents(path, ids, skipped, fields)
    labels = [label for s in summaries for label in s["labels"]]
    return ids, labels if any(label is not None for label in labels) else None


def _share_blocks(session, locals_, summaries, block):
    """(blocks, bounds, documents) of the shares holding documents: ``block(i, local)``'s
    future for share i, its rows, and the future of its texts."""
    blocks, bounds, documents, start = [], [], [], 0
    for i, (local, summary) in enumerate(zip(locals_, summaries)):
        if summary["n"] == 0:
            continue
        blocks.append(block(i, local))
        documents.append(session.submit(_pass1_texts, local, what="texts"))
        bounds.append((start, start + summary["n"]))
        start += summary["n"]
    return blocks, bounds, documents


def transform_files(
    client,
    path,
    state: dict,
    terms,
    idf,
    *,
    partitions: int | None = None,
    glob: str | None = None,
    fields=None,
    max_file_bytes: int | None = None,
    timeout: float = 600.0,
) -> DistributedCSR:
    """New documents under ``path`` read on the workers, each its share of the files as
    :func:`vectorize_files` shares them, and vectorized over a saved model's vocabulary
    (``vectorizer_state.transform``: ``state``, ``terms``, ``idf``; nothing refitted, junk
    kept, as ``infer`` reads). One pass: the blocks, their texts (``documents``), and the ids,
    labels and skipped files come back to the client."""
    from ..corpus.folder import DEFAULT_MAX_FILE_BYTES
    from ..corpus.records import Fields

    fields = fields or Fields()
    files, skipped = input_files(path, glob)
    if partitions is None:
        partitions = 2 * max(1, len(client.nthreads()))
    session = Session(client, "transform", timeout)
    model = session.submit(_identity, (state, np.asarray(terms, dtype=object), idf), what="model")
    locals_ = [session.submit(_transform_share, g, model, fields,
                              max_file_bytes or DEFAULT_MAX_FILE_BYTES, what="share")
               for g in shares(split_records(session, files, partitions), partitions)]  # fmt: skip
    summaries = session.gather([session.submit(_pass1_summary, f, what="summary")
                                for f in locals_], "the documents read")  # fmt: skip
    ids, labels = _documents(path, fields, skipped, summaries)
    blocks, bounds, documents = _share_blocks(
        session, locals_, summaries, lambda i, local: session.submit(_first, local, what="block")
    )
    return DistributedCSR(
        client, blocks, bounds, (len(ids), len(terms)), np.dtype(np.float64), ids=ids,
        skipped=skipped, labels=labels, documents=documents, timeout=timeout,
    )  # fmt: skip


def _transform_share(files, model, fields, max_file_bytes):
    """One share of new documents: (X over the model's terms, summary, texts)."""
    from ..text.vectorizer_state import transform

    state, terms, idf = model
    texts, ids, labels, skipped = share_documents(files, fields, max_file_bytes, "keep")
    X = transform(state, terms, idf, texts)
    return X, {"n": len(texts), "ids": ids, "labels": labels, "skipped": skipped}, texts


def _first(local):
    return local[0]


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


def _block_rows(X) -> int:
    return X.shape[0]


def squared_norm(data: DistributedCSR, session: Session) -> float:
    """‖X‖²_F, summed on the workers."""
    parts = session.gather([session.submit(_block_norm_sq, b, what="norm") for b in data.blocks],
                           "‖X‖²")  # fmt: skip
    return math.fsum(parts)


def _block_norm_sq(X) -> float:
    values = X.data.astype(np.float64, copy=False)
    return float(np.dot(values, values))
