"""Topic coherence (NPMI over document co-occurrence) and topic diversity.

Definition. Let N be the number of documents and D(w) the number of documents containing
word w (a nonzero in the document-term matrix), D(wᵢ, wⱼ) the number containing both. With
P(w) = D(w)/N and P(wᵢ, wⱼ) = D(wᵢ, wⱼ)/N,

    NPMI(wᵢ, wⱼ) = log(P(wᵢ, wⱼ) / (P(wᵢ) P(wⱼ))) / −log P(wᵢ, wⱼ),

which lies in [−1, 1]: 1 when the two words always occur together, 0 when independent. By
convention a pair that never co-occurs scores −1 (the limit as P(wᵢ, wⱼ) → 0), and a pair
found in every document scores 1. A topic's coherence is the mean NPMI over all pairs of its
top words (so 8 words give 28 pairs); a topic with fewer than two words scores 0.

Computation: the columns of every topic's top words are sliced once from the sparse matrix,
binarized, and multiplied (BᵀB, a few hundred columns at most), so the cost is one pass over
those columns' nonzeros and no loop over documents.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from .. import held


def cooccurrence(X, columns: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Document counts (D(w) per column, D(wᵢ, wⱼ) per pair) of ``columns`` of X (a local
    matrix, or one held as row blocks elsewhere: only those columns come here)."""
    B = held.columns(X, columns)
    if sp.issparse(B):
        B.data = (B.data != 0).astype(np.float64)
        B.eliminate_zeros()
        joint = (B.T @ B).toarray()
    else:
        B = (B != 0).astype(np.float64)
        joint = B.T @ B
    return np.diag(joint).copy(), joint


def npmi_matrix(doc_counts: np.ndarray, joint: np.ndarray, n_documents: int) -> np.ndarray:
    """NPMI for every pair of words from their document counts (see the module docstring)."""
    n = float(n_documents)
    p_i = doc_counts / n
    p_ij = joint / n
    with np.errstate(divide="ignore", invalid="ignore"):
        pmi = np.log(p_ij) - np.log(p_i)[:, None] - np.log(p_i)[None, :]
        value = pmi / -np.log(p_ij)
    value = np.where(joint <= 0, -1.0, value)
    value = np.where(joint >= n, 1.0, value)
    return np.clip(value, -1.0, 1.0)


def coherence_npmi(X, topics_columns: list[np.ndarray]) -> np.ndarray:
    """Mean pairwise NPMI of each topic's word columns of X, over X's rows as documents."""
    if not topics_columns:
        return np.zeros(0)
    union, inverse = np.unique(np.concatenate(topics_columns), return_inverse=True)
    doc_counts, joint = cooccurrence(X, union)
    scores = npmi_matrix(doc_counts, joint, X.shape[0])
    result = np.zeros(len(topics_columns))
    start = 0
    for t, cols in enumerate(topics_columns):
        local = inverse[start : start + len(cols)]
        start += len(cols)
        if len(local) < 2:
            continue
        upper = np.triu_indices(len(local), k=1)
        result[t] = float(scores[np.ix_(local, local)][upper].mean())
    return result


def diversity(word_lists: list[list[str]]) -> float:
    """The share of distinct words among all topics' top words (1.0: no word repeats)."""
    words = [w for words in word_lists for w in words]
    return len(set(words)) / len(words) if words else 0.0


def support(X, topics_columns: list[np.ndarray]) -> np.ndarray:
    """For each topic, the documents holding at least half of its top words (its words'
    co-occurrence support: a topic of one repeated post has a support of a few documents)."""
    result = np.zeros(len(topics_columns), dtype=np.int64)
    if not any(len(c) for c in topics_columns):
        return result
    union, inverse = np.unique(np.concatenate(topics_columns), return_inverse=True)
    B = held.columns(X, union)
    B = sp.csr_matrix(B) if sp.issparse(B) else B
    start = 0
    for t, cols in enumerate(topics_columns):
        local = inverse[start : start + len(cols)]
        start += len(cols)
        if not len(cols):
            continue
        present = B[:, local]
        present = (present != 0).sum(axis=1) if sp.issparse(present) else (present != 0).sum(1)
        result[t] = int(np.count_nonzero(np.asarray(present).ravel() >= (len(cols) + 1) // 2))
    return result
