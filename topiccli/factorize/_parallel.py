"""Row-chunked sparse products on our own threads, deterministic whatever the thread count.

scipy's sparse × dense product is single-threaded but releases the GIL, so splitting the rows of
X into chunks and running them on a few threads overlaps the memory-bound products (and the
numpy work done per chunk). The chunk boundaries depend only on the matrix shape and k, never
on the number of threads, and every reduction over chunks is summed in chunk order; BLAS runs on
one thread inside a fit. So the same input and seed give bit-identical factors with 1 or 64
threads.

The number of worker threads is the caller's ``threads`` (default: the CPUs this process may
use; the CLI passes ``TOPICS_NUM_THREADS``).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import numpy as np
import scipy.sparse as sp

from .threads import resolve_threads


def tile_rows(k: int, itemsize: int) -> int:
    """Rows per chunk: a factor tile of about 1 MiB stays in cache during a HALS sweep."""
    return int(np.clip((1 << 20) // (k * itemsize), 512, 16384))


# At least this many chunks (when X has the rows for them), so every thread gets work and the
# work is balanced: with a single chunk one thread would do a whole product alone.
MIN_CHUNKS = 8
MIN_ROWS = 256


def boundaries(A, rows: int, row_cost: int = 1) -> list[tuple[int, int]]:
    """Fixed chunk boundaries [(start, stop), …] covering A's rows, balanced by work.

    There are at least ``ceil(n_rows / rows)`` chunks, and at least ``MIN_CHUNKS`` when every
    chunk can keep ``MIN_ROWS`` rows. For sparse A the cuts balance ``nnz + row_cost`` per row
    (a term's row of Xᵀ can hold a hundred times the entries of another), else the row count.
    They depend on A alone, never on the thread count.
    """
    n_rows = A.shape[0]
    count = max(-(-n_rows // rows), min(MIN_CHUNKS, n_rows // MIN_ROWS), 1)
    if count == 1:
        return [(0, n_rows)]
    if sp.issparse(A):
        cost = A.indptr.astype(np.float64) + row_cost * np.arange(n_rows + 1, dtype=np.float64)
    else:
        cost = np.arange(n_rows + 1, dtype=np.float64)
    cuts = np.searchsorted(cost, cost[-1] * np.arange(1, count) / count)
    edges = np.unique(np.concatenate(([0], cuts, [n_rows])))
    return [(int(a), int(b)) for a, b in zip(edges[:-1], edges[1:])]


class Chunked:
    """A matrix split into row chunks (CSR slices, or views of a dense array)."""

    def __init__(self, A, rows: int, row_cost: int = 1) -> None:
        self.shape = A.shape
        self.bounds = boundaries(A, rows, row_cost)
        self.parts = [_rows(A, a, b) for a, b in self.bounds]

    def __len__(self) -> int:
        return len(self.parts)


def _rows(A, a: int, b: int):
    """Rows a:b of A; for CSR, a matrix sharing A's data and indices (no copy of X)."""
    if not sp.issparse(A):
        return A[a:b]
    start, stop = A.indptr[a], A.indptr[b]
    part = sp.csr_matrix((b - a, A.shape[1]), dtype=A.dtype)
    # scipy's constructor copies; assigning the arrays keeps them views.
    part.data, part.indices = A.data[start:stop], A.indices[start:stop]
    part.indptr = (A.indptr[a : b + 1] - start).astype(A.indices.dtype)
    return part


def transpose_csr(X):
    """Xᵀ in CSR (one O(nnz) copy), so both products of an iteration are CSR × dense."""
    return X.T.tocsr() if sp.issparse(X) else np.ascontiguousarray(X.T)


class Runner:
    """Runs one task per chunk on a thread pool and returns the results in chunk order."""

    def __init__(self, n_threads: int) -> None:
        self.n_threads = n_threads
        self._pool = ThreadPoolExecutor(n_threads) if n_threads > 1 else None

    def map(self, task, n: int) -> list:
        if self._pool is None or n == 1:
            return [task(i) for i in range(n)]
        return list(self._pool.map(task, range(n)))

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown()


@contextmanager
def single_threaded_blas():
    """Pin BLAS to one thread, so its sums happen in one order; our threads do the rest."""
    # threadpoolctl only sees libraries already loaded: load scipy's own OpenBLAS (used by
    # PROPACK, ARPACK and LAPACK) first, or it would keep all its threads.
    import scipy.linalg  # noqa: F401
    import scipy.sparse.linalg  # noqa: F401
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1, user_api="blas"):
        yield


@contextmanager
def runner(threads: int | None = None):
    """A :class:`Runner` of ``threads`` threads (None: the CPUs available) with BLAS pinned to
    one thread, for the length of one fit."""
    pool = Runner(resolve_threads(threads))
    try:
        with single_threaded_blas():
            yield pool
    finally:
        pool.close()
