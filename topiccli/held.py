"""Data held elsewhere: a document-term matrix kept as row blocks, and its documents' texts,
on other machines (the Dask engine's workers, when they read the corpus themselves).

The layers above ask a matrix for a handful of facts: its column sums (term frequencies), its
rows' lengths (documents sharing no term with a model), its squared norm, a few of its columns
(the topics' top words, for coherence), a few of its rows (the documents a flag examines), the
inner product ⟨X·Hᵀ, W⟩ (the Frobenius error of a KL fit), and the digests of its rows (a
bundle's fingerprint). They ask texts for their
number, a few of them (representative documents), their openings (the explorer's snippets) and
the sliding-window counts of some words (c_npmi). The functions here answer each question for
a local matrix or list of texts directly and hand it to a :class:`HeldMatrix` /
:class:`HeldTexts` otherwise, which computes the answer where the data is and sends back only
the answer. So quality scores, bundles and the explorer read the same whether the corpus is
here or on a cluster, and nothing here imports a cluster library.
"""

from __future__ import annotations

import hashlib
from abc import ABC, abstractmethod
from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp

FINGERPRINT_ROWS = 8192
"""A matrix's fingerprint digests its rows in runs of this many (see :func:`row_digests`)."""


class HeldMatrix(ABC):
    """A documents × terms matrix whose rows live elsewhere; ``shape`` is known here."""

    shape: tuple[int, int]

    @abstractmethod
    def column_sums(self) -> np.ndarray:
        """Each column's sum (float64, length n)."""

    @abstractmethod
    def squared_norm(self) -> float:
        """‖X‖²_F."""

    @abstractmethod
    def columns(self, columns: np.ndarray) -> sp.csr_matrix:
        """X[:, columns] as a local CSR matrix (m × len(columns))."""

    @abstractmethod
    def rows(self, rows: np.ndarray) -> sp.csr_matrix:
        """X[rows, :] as a local CSR matrix (``rows``: sorted row numbers)."""

    @abstractmethod
    def cross(self, W: np.ndarray, H: np.ndarray) -> float:
        """⟨X·Hᵀ, W⟩ for a local W (m × k) and H (k × n)."""

    @abstractmethod
    def row_lengths(self) -> np.ndarray:
        """Each row's number of stored entries."""

    @abstractmethod
    def row_digests(self, rows: int) -> list[bytes]:
        """:func:`row_digests` of the matrix, computed where its rows are."""


class HeldTexts(Sequence, ABC):
    """Documents' texts kept elsewhere, in corpus order. Indexing fetches one text; the
    methods below fetch many at once or compute where the texts are."""

    def __getitem__(self, index):
        if isinstance(index, slice):
            return self.take(range(len(self))[index])
        return self.take([range(len(self))[index]])[0]  # a negative index counts from the end

    @abstractmethod
    def take(self, indices) -> list[str]:
        """The texts at ``indices``, in that order."""

    @abstractmethod
    def openings(self, chars: int) -> list[str]:
        """Every text's first ``chars`` characters, in corpus order."""

    @abstractmethod
    def window_counts(self, chosen, vocabulary: dict[str, int], window: int, counting: str):
        """``quality.window_coherence.window_counts`` over the documents at ``chosen``
        (sorted indices), tokenized as the corpus was vectorized, summed over the parts."""


def column_sums(X) -> np.ndarray:
    if isinstance(X, HeldMatrix):
        return X.column_sums()
    return np.asarray(X.sum(axis=0), dtype=np.float64).ravel()


def squared_norm(X) -> float:
    if isinstance(X, HeldMatrix):
        return X.squared_norm()
    values = X.data if sp.issparse(X) else np.asarray(X)
    return float(np.dot(values.ravel(), values.ravel()))


def columns(X, columns) -> sp.csc_matrix | np.ndarray:
    """X[:, columns]: a CSC matrix for a sparse or held X, an array for a dense one."""
    columns = np.asarray(columns, dtype=np.intp)
    if isinstance(X, HeldMatrix):
        return sp.csc_matrix(X.columns(columns))
    if sp.issparse(X):
        return sp.csc_matrix(X[:, columns] if X.format == "csc" else sp.csr_matrix(X)[:, columns])
    return np.asarray(X)[:, columns]


def rows(X, rows) -> sp.csr_matrix:
    """X[rows, :] as a CSR matrix, in ``rows``' order (``rows``: sorted row numbers, few: the
    documents a quality check reads)."""
    rows = np.asarray(rows, dtype=np.intp)
    if isinstance(X, HeldMatrix):
        return sp.csr_matrix(X.rows(rows))
    return sp.csr_matrix(X[rows] if sp.issparse(X) else np.asarray(X)[rows])


def cross(X, W: np.ndarray, H: np.ndarray) -> float:
    """⟨X·Hᵀ, W⟩ (without forming W·H)."""
    if isinstance(X, HeldMatrix):
        return X.cross(W, H)
    return float(np.vdot(np.asarray(X @ H.T, dtype=np.float64), W))


def row_lengths(X) -> np.ndarray:
    """Each row's stored entries (a CSR matrix's, or a held one's)."""
    if isinstance(X, HeldMatrix):
        return X.row_lengths()
    return np.diff(sp.csr_matrix(X).indptr)


def take(texts: Sequence[str], indices) -> list[str]:
    """The texts at ``indices``: one round trip for held texts."""
    if isinstance(texts, HeldTexts):
        return texts.take(list(indices))
    return [texts[int(i)] for i in indices]


def row_digests(X, rows: int = FINGERPRINT_ROWS) -> list[bytes]:
    """SHA-256 of each run of ``rows`` rows of a CSR matrix: its indptr (from the run's first
    entry), indices (int64) and data (float64). A run is digested alone, so the rows can be
    digested where they are and only the digests travel."""
    if isinstance(X, HeldMatrix):
        return X.row_digests(rows)
    X = sp.csr_matrix(X)
    return [run_digest(X, start, min(start + rows, X.shape[0]))
            for start in range(0, X.shape[0], rows)]  # fmt: skip


def run_digest(X: sp.csr_matrix, start: int, stop: int) -> bytes:
    """The digest of rows ``start``…``stop``−1 of ``X`` (see :func:`row_digests`)."""
    a, b = int(X.indptr[start]), int(X.indptr[stop])
    digest = hashlib.sha256()
    digest.update(np.ascontiguousarray(X.indptr[start : stop + 1] - a, dtype=np.int64).tobytes())
    digest.update(np.ascontiguousarray(X.indices[a:b], dtype=np.int64).tobytes())
    digest.update(np.ascontiguousarray(X.data[a:b], dtype=np.float64).tobytes())
    return digest.digest()
