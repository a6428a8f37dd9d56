"""English plural folding: ``stars`` counted as ``star`` when the corpus has both.

A topic should not spend two of its eight words on ``file files`` or ``key keys``. Without a
lemmatizer (``--lemmatize``, where installed), this folds a regular English plural into its
singular, but only when the singular is itself a term of the corpus: the evidence that the
two are one word. ``news`` is never ``new``, ``physics`` never ``physic`` (EXCEPTIONS), and a
plural whose singular never occurs stays as it is.

The rules, most specific first: ``-ies`` → ``-y`` (``studies`` → ``study``); ``-es`` after
``ss x z ch sh`` → without it (``boxes`` → ``box``, ``glasses`` → ``glass``); ``-s`` not after
``s u i`` → without it (``files`` → ``file``, ``cases`` → ``case``; ``class``, ``virus``,
``analysis`` untouched); then ``-ses`` → ``-s`` (``buses`` → ``bus``). A singular that is
itself folded is followed to its end.
The fold is a mapping over the vocabulary, applied to the counts (columns merged), so the
tokenizer and its speed are untouched; a saved model keeps the mapping for ``infer``.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..params import PARAMS

MODES = PARAMS["plurals"].choices
"""``auto``: fold when the stop words in use are English's (the corpus is taken as English);
``fold``; ``keep``."""

_EXCEPTIONS = """news series species means physics politics economics mathematics ethics athletics
    statistics graphics electronics genetics linguistics thanks always perhaps sometimes
    whereas towards afterwards besides lens chaos bias canvas atlas alias gas bus yes
    ones others"""
EXCEPTIONS = frozenset(_EXCEPTIONS.split())
"""Words ending like plurals that are not the plural of the shorter word beside them."""
MIN_LENGTH = 4
"""Shorter words are never folded (``was``, ``has``, ``its``, ``ms``)."""


def candidates(word: str) -> list[str]:
    """The singulars a word may be the plural of, most specific first (none if it cannot be
    a regular plural)."""
    if len(word) < MIN_LENGTH or word in EXCEPTIONS or not word.endswith("s"):
        return []
    found = []
    if word.endswith("ies") and len(word) > MIN_LENGTH:
        found.append(word[:-3] + "y")
    stem = word[:-2] if word.endswith("es") else ""
    if stem.endswith(("ss", "x", "z", "ch", "sh")):
        found.append(stem)
    if not word.endswith(("ss", "us", "is")):
        found.append(word[:-1])
    if stem.endswith("s") and not stem.endswith("ss"):
        found.append(stem)  # cases -> case first, buses -> bus only without "buse"
    return found


def fold_map(terms: Iterable[str]) -> dict[str, str]:
    """{plural: singular} for every term of ``terms`` whose singular is also among them."""
    vocabulary = set(terms)
    fold = {}
    for term in vocabulary:
        for singular in candidates(term):
            if singular in vocabulary:
                fold[term] = singular
                break
    for term, singular in fold.items():  # a singular that is itself folded: to its end
        while singular in fold:
            singular = fold[singular]
        fold[term] = singular
    return fold


def applies(mode: str, stop_words: str, ngram_range) -> bool:
    """Whether a fit folds plurals: ``fold``, or ``auto`` with English stop words; unigrams
    only (an n-gram's words are not folded)."""
    if tuple(ngram_range) != (1, 1) or mode == "keep":
        return False
    return mode == "fold" or "english" in stop_words.split("+")


def merge_columns(X, terms, first, fold: dict[str, str]):
    """(X, terms, first) with each plural's column added into its singular's: counts summed,
    the plural's column gone, the terms still sorted; ``first`` (each term's rank of first
    appearance) the earlier of the two."""
    import numpy as np
    import scipy.sparse as sp

    terms = np.asarray(terms, dtype=object)
    index = {str(t): i for i, t in enumerate(terms)}
    target = np.arange(len(terms))
    for plural, singular in fold.items():
        target[index[plural]] = index[singular]
    kept = np.flatnonzero(target == np.arange(len(terms)))
    new_index = np.full(len(terms), -1)
    new_index[kept] = np.arange(len(kept))
    columns = new_index[target]
    M = sp.csr_matrix((np.ones(len(terms)), (np.arange(len(terms)), columns)),
                      shape=(len(terms), len(kept)))  # fmt: skip
    merged = (X @ M).tocsr()
    merged.sort_indices()
    first_merged = np.full(len(kept), np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(first_merged, columns, np.asarray(first, dtype=np.int64))
    return merged, terms[kept], first_merged
