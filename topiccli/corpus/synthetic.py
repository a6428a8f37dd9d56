"""Synthetic corpora with planted topics, for tests, benchmarks and demos at any scale.

Each planted topic owns a block of words; every document draws most of its words from one
topic (its label) and the rest from a shared background vocabulary. Because the truth is
known, a model's recovered topics can be checked against it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import scipy.sparse as sp

_ONSETS = ("b", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "ch", "sh")
_VOWELS = ("a", "e", "i", "o", "u")


@dataclass(frozen=True)
class PlantedCorpus:
    """Documents drawn from known topics: texts (or counts) plus the truth."""

    texts: list[str] | None
    counts: sp.csr_matrix
    vocabulary: list[str]
    labels: np.ndarray
    topic_words: list[list[str]]


def vocabulary(n_words: int) -> list[str]:
    """n distinct pronounceable pseudo-words, the same for every call."""
    words = []
    i = 0
    while len(words) < n_words:
        syllables, j = [], i
        for _ in range(3):
            j, r = divmod(j, len(_ONSETS) * len(_VOWELS))
            syllables.append(_ONSETS[r // len(_VOWELS)] + _VOWELS[r % len(_VOWELS)])
        words.append("".join(syllables) + ("" if j == 0 else str(j)))
        i += 1
    return words


def planted(
    n_docs: int,
    k: int,
    *,
    words_per_topic: int = 40,
    background_words: int = 200,
    doc_length: int = 60,
    purity: float = 0.85,
    seed: int = 0,
    texts: bool = True,
) -> PlantedCorpus:
    """Draw ``n_docs`` documents; each takes ``purity`` of its words from its own topic.

    With ``texts=False`` only the count matrix is built, which scales to millions of documents.
    """
    rng = np.random.default_rng(seed)
    n_terms = k * words_per_topic + background_words
    vocab = vocabulary(n_terms)
    labels = rng.integers(0, k, size=n_docs)
    topic_len = rng.binomial(doc_length, purity, size=n_docs)
    # Zipf-like word frequencies inside each block make the data look like text.
    topic_p = _zipf(words_per_topic)
    back_p = _zipf(background_words)
    rows = np.repeat(np.arange(n_docs), doc_length)
    own = np.arange(doc_length)[None, :] < topic_len[:, None]
    topic_cols = labels[:, None] * words_per_topic + rng.choice(
        words_per_topic, size=(n_docs, doc_length), p=topic_p
    )
    back_cols = k * words_per_topic + rng.choice(
        background_words, size=(n_docs, doc_length), p=back_p
    )
    cols = np.where(own, topic_cols, back_cols).ravel()
    counts = sp.csr_matrix(
        (np.ones(rows.size), (rows, cols)), shape=(n_docs, n_terms), dtype=np.float64
    )
    counts.sum_duplicates()
    topic_words = [vocab[t * words_per_topic : (t + 1) * words_per_topic] for t in range(k)]
    docs = _render(counts, vocab, rng) if texts else None
    return PlantedCorpus(docs, counts, vocab, labels, topic_words)


def write_folder(corpus: PlantedCorpus, out: Path) -> None:
    """Write the texts as ``out/topic<label>/doc<i>.txt``: a folder whose labels are the truth."""
    for i, (text, label) in enumerate(zip(corpus.texts, corpus.labels)):
        folder = Path(out) / f"topic{label}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"doc{i:06d}.txt").write_text(text + "\n", encoding="utf-8")


def _zipf(n: int) -> np.ndarray:
    p = 1.0 / np.arange(1, n + 1)
    return p / p.sum()


def _render(counts: sp.csr_matrix, vocab: list[str], rng) -> list[str]:
    """Turn count rows into shuffled word sequences."""
    words = np.asarray(vocab)
    texts = []
    for i in range(counts.shape[0]):
        start, end = counts.indptr[i], counts.indptr[i + 1]
        tokens = np.repeat(words[counts.indices[start:end]], counts.data[start:end].astype(int))
        rng.shuffle(tokens)
        texts.append(" ".join(tokens))
    return texts
