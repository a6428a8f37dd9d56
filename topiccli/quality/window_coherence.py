"""Sliding-window NPMI coherence (``c_npmi``), computed as gensim's ``CoherenceModel`` does.

The document-level NPMI of ``coherence.py`` counts documents; the standard ``c_npmi`` of the
literature (Röder, Both & Hinneburg 2015; gensim's ``CoherenceModel(coherence="c_npmi")``)
counts *windows*: every run of ``window`` consecutive tokens of a document is a virtual
document. This module reproduces gensim 4.x exactly, so that scores can be compared with
published ones and with other tools:

* **Windows.** A document of L ≥ ``window`` tokens gives L − window + 1 windows; a shorter
  document (also an empty one) gives exactly one window, the whole document. The number of
  windows N is the probabilities' denominator. Tokens that are not topic words keep their
  positions (gensim maps them to a placeholder), so stop words removed *before* counting
  shorten the windows, and words pruned from a vocabulary afterwards do not.
* **Presence.** gensim's ``WordOccurrenceAccumulator`` slides a boolean mask over a
  document: window 0 marks its tokens, and each step unmarks the token that leaves and marks
  the one that enters. When the leaving token has another copy still inside the window, the
  mask loses it until its next copy enters (in ``a x a y`` with a window of 3, gensim counts
  ``a`` in one window, not two). ``counting="gensim"`` (the default) reproduces that exactly;
  ``counting="boolean"`` counts a word in every window that contains it (the textbook
  boolean sliding window). The two differ a little for words that repeat within a window.
* **NPMI**, with P(w) = N(w)/N and P(wᵢ, wⱼ) = N(wᵢ, wⱼ)/N and ε = 1e-12 as in gensim:
  ``log((P(wᵢ, wⱼ) + ε) / (P(wᵢ) P(wⱼ))) / −log(P(wᵢ, wⱼ) + ε)``.
* **Segmentation** ``s_one_one``: every ordered pair (i, j), i ≠ j, of a topic's word
  *positions* (a word listed twice is paired with itself); a topic's score is the mean over
  its pairs (gensim's ``get_coherence_per_topic``). gensim drops topic words missing from its
  dictionary; here, as with a dictionary built from the same texts, a word found in no
  document is dropped, and a topic with fewer than two words left scores NaN (gensim: the
  mean of no pairs, NaN).

gensim's serial and parallel accumulators give the same counts. Cost: one Python pass mapping
tokens to ids (only the topics' words matter), then numpy over the topic words' occurrences:
their presence is a set of window intervals, and the co-occurrence counts are one sparse
product over the segments between interval boundaries. About a second on all of 20 Newsgroups.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Sequence
from itertools import chain

import numpy as np
import scipy.sparse as sp

EPSILON = 1e-12
"""gensim's ``direct_confirmation_measure.EPSILON``."""
COUNTING = ("gensim", "boolean")


def analyzer_tokens(
    texts: Iterable[str],
    token_pattern: str = r"(?u)\b\w\w+\b",
    lowercase: bool = True,
    stop_words="english",
    preprocessor=None,
) -> list[list[str]]:
    """Each text's tokens as scikit-learn's vectorizer sees them, in order, stop words removed.

    ``stop_words`` is ``"english"``, a list of words or None; ``preprocessor`` (a callable on
    the lowercased text, or None) is the vectorizer's. These are the sequences to feed a
    sliding-window coherence (gensim's users feed the same).
    """
    from sklearn.feature_extraction.text import CountVectorizer

    analyze = CountVectorizer(
        token_pattern=token_pattern,
        lowercase=lowercase,
        stop_words=stop_words,
        preprocessor=preprocessor,
    ).build_analyzer()
    return [analyze(text) for text in texts]


def c_npmi(
    token_docs: Sequence[Sequence[str]],
    topics: Sequence[Sequence[str]],
    window: int = 10,
    counting: str = "gensim",
) -> list[float]:
    """Each topic's sliding-window NPMI coherence (see the module docstring).

    ``token_docs``: each document's tokens, or an object whose ``window_counts(vocabulary,
    window, counting)`` counts them where they are (held texts, summed over their parts:
    every count is a sum over documents, so the parts' sums are the whole's)."""
    if window < 1:
        raise ValueError(f"window must be >= 1, got {window}")
    if counting not in COUNTING:
        raise ValueError(f"counting must be one of {', '.join(COUNTING)}, got {counting!r}")
    vocabulary = {w: i for i, w in enumerate(dict.fromkeys(chain.from_iterable(topics)))}
    count = getattr(token_docs, "window_counts", None)  # documents counted where they are
    if count is None:
        occurrences, joint, n_windows = window_counts(token_docs, vocabulary, window, counting)
    else:
        occurrences, joint, n_windows = count(vocabulary, window, counting)
    result = []
    for topic in topics:
        ids = np.array([vocabulary[w] for w in topic if occurrences[vocabulary[w]] > 0], int)
        if len(ids) < 2:
            result.append(float("nan"))
            continue
        result.append(float(_npmi_pairs(occurrences, joint, n_windows, ids)))
    return result


def _npmi_pairs(occurrences, joint, n_windows: int, ids: np.ndarray) -> float:
    n = float(n_windows)
    p = occurrences[ids] / n
    p_joint = joint[np.ix_(ids, ids)] / n
    numerator = np.log((p_joint + EPSILON) / (p[:, None] * p[None, :]))
    value = numerator / -np.log(p_joint + EPSILON)
    off_diagonal = ~np.eye(len(ids), dtype=bool)
    return value[off_diagonal].mean()


def window_counts(
    token_docs: Iterable[Sequence[str]],
    vocabulary: dict[str, int],
    window: int = 10,
    counting: str = "gensim",
) -> tuple[np.ndarray, np.ndarray, int]:
    """(windows holding each word, windows holding each pair, number of windows).

    ``vocabulary`` maps the words that matter to ids 0…V−1; other tokens only take positions.
    """
    n_words = len(vocabulary)
    # One pass, keeping only where the words that matter stand (memory: the topic words'
    # occurrences, not every token of the corpus; 8 bytes each in typed arrays, where a list
    # of Python ints takes 36: one long document may hold millions of them).
    lengths_list, positions_list, words_list = array("q"), array("q"), array("q")
    offset = 0
    for tokens in token_docs:
        for i, token in enumerate(tokens):
            found = vocabulary.get(token)
            if found is not None:
                positions_list.append(offset + i)
                words_list.append(found)
        lengths_list.append(len(tokens))
        offset += len(tokens)
    lengths = np.asarray(lengths_list, dtype=np.int64)  # through the buffer: no copy per item
    positions = np.asarray(positions_list, dtype=np.int64)
    n_win = np.where(lengths >= window, lengths - window + 1, 1)
    n_windows = int(n_win.sum())
    empty = np.zeros(n_words)
    if n_words == 0 or not len(positions):
        return empty, np.zeros((n_words, n_words)), n_windows
    doc_start = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    win_start = np.concatenate([[0], np.cumsum(n_win)[:-1]])
    doc = np.searchsorted(np.cumsum(lengths), positions, side="right")
    word = np.asarray(words_list, dtype=np.int64)
    local = positions - doc_start[doc]
    intervals = _gensim_intervals if counting == "gensim" else _boolean_intervals
    starts, ends, words = intervals(word, doc, local, lengths, n_win, win_start, window)
    return _count(starts, ends, words, n_words) + (n_windows,)


def _gensim_intervals(word, doc, local, lengths, n_win, win_start, window):
    """Presence intervals of gensim's sliding mask: the last event (add/remove) wins."""
    length = lengths[doc]
    long_doc = length >= window
    # adds: a token marks its window when it enters (window 0: all its first tokens)
    add_step = np.where(long_doc, np.maximum(local - window + 1, 0), 0)
    # removes: at step p + 1 the token at p leaves, if that step is a window of the document
    removing = long_doc & (local + 1 <= n_win[doc] - 1)
    steps = np.concatenate([add_step, local[removing] + 1])
    kinds = np.concatenate([np.ones(len(word), np.int8), np.zeros(int(removing.sum()), np.int8)])
    words = np.concatenate([word, word[removing]])
    docs = np.concatenate([doc, doc[removing]])
    where = win_start[docs] + steps
    order = np.lexsort((kinds, where, words))  # by word, then window, a remove before an add
    words, docs, where, kinds = words[order], docs[order], where[order], kinds[order]
    doc_end = win_start[docs] + n_win[docs]
    following = np.append(where[1:], 0)
    same = np.append((words[1:] == words[:-1]) & (docs[1:] == docs[:-1]), False)
    ends = np.where(same, following, doc_end)
    keep = (kinds == 1) & (ends > where)
    return where[keep], ends[keep], words[keep]


def _boolean_intervals(word, doc, local, lengths, n_win, win_start, window):
    """Presence intervals of the textbook boolean window: every window containing the word."""
    length = lengths[doc]
    long_doc = length >= window
    first = np.where(long_doc, np.maximum(local - window + 1, 0), 0)
    last = np.where(long_doc, np.minimum(local, n_win[doc] - 1), 0)
    order = np.lexsort((first, doc, word))
    word, doc, first, last = word[order], doc[order], first[order], last[order]
    # occurrences of one word in one document, in order: their intervals merge when they touch
    new_group = np.ones(len(word), bool)
    new_group[1:] = (word[1:] != word[:-1]) | (doc[1:] != doc[:-1]) | (first[1:] > last[:-1] + 1)
    group = np.cumsum(new_group) - 1
    heads = np.flatnonzero(new_group)
    ends = np.zeros(len(heads), np.int64)
    np.maximum.at(ends, group, last)
    base = win_start[doc[heads]]
    return base + first[heads], base + ends + 1, word[heads]


def _count(starts, ends, words, n_words: int) -> tuple[np.ndarray, np.ndarray]:
    """Occurrences and co-occurrences from non-overlapping (per word) window intervals."""
    occurrences = np.bincount(words, weights=(ends - starts).astype(np.float64),
                              minlength=n_words)  # fmt: skip
    bounds = np.unique(np.concatenate([starts, ends]))
    first = np.searchsorted(bounds, starts)
    last = np.searchsorted(bounds, ends)  # segments first … last − 1
    span = last - first
    rows = np.repeat(first, span) + _ramp(span)
    cols = np.repeat(words, span)
    seg_len = np.diff(bounds).astype(np.float64)
    B = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(bounds) - 1, n_words))
    weighted = sp.diags(seg_len) @ B
    joint = np.asarray((B.T @ weighted).toarray())
    return occurrences, joint


def _ramp(span: np.ndarray) -> np.ndarray:
    """0, 1, …, s−1 for each s of ``span``, concatenated."""
    total = int(span.sum())
    if total == 0:
        return np.zeros(0, np.int64)
    offsets = np.repeat(np.cumsum(span) - span, span)
    return np.arange(total) - offsets
