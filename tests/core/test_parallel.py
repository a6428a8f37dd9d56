"""Row chunks of the core: contiguous, balanced by work, independent of the thread count."""

import numpy as np
import scipy.sparse as sp

from topiccli.factorize._parallel import MIN_CHUNKS, Chunked, boundaries


def _skewed(n_rows=4096, n_cols=50, seed=0):
    """Rows whose entry counts differ a hundredfold, like the terms of Xᵀ."""
    rng = np.random.default_rng(seed)
    lengths = np.where(np.arange(n_rows) < 64, n_cols, 1 + rng.integers(0, 2, n_rows))
    rows = np.repeat(np.arange(n_rows), lengths)
    cols = np.concatenate([rng.choice(n_cols, n, replace=False) for n in lengths])
    return sp.csr_matrix((np.ones(rows.size), (rows, cols)), shape=(n_rows, n_cols))


def test_chunks_cover_every_row_once_and_share_the_entries():
    X = _skewed()
    bounds = boundaries(X, rows=16384)
    assert len(bounds) >= MIN_CHUNKS
    assert bounds[0][0] == 0 and bounds[-1][1] == X.shape[0]
    assert all(a < b == c for (a, b), (c, _) in zip(bounds, bounds[1:]))
    per_chunk = [X.indptr[b] - X.indptr[a] + (b - a) for a, b in bounds]
    # The 64 dense rows do not land in one chunk: the work is spread within a row's worth.
    assert max(per_chunk) - min(per_chunk) <= 2 * X.shape[1] + 2


def test_chunk_products_equal_the_whole_product():
    X = _skewed()
    chunks = Chunked(X, rows=1000, row_cost=3)
    v = np.random.default_rng(1).random((X.shape[1], 4))
    pieces = np.vstack([part @ v for part in chunks.parts])
    np.testing.assert_array_equal(pieces, X @ v)


def test_small_matrices_stay_whole():
    assert boundaries(sp.csr_matrix(np.eye(100)), rows=16384) == [(0, 100)]
    assert boundaries(np.zeros((300, 2)), rows=100) == [(0, 100), (100, 200), (200, 300)]
