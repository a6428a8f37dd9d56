"""A fitted vectorizer as plain JSON, and the transform that rebuilds it without refitting.

A saved model must turn new text into exactly the columns it was trained on. Rather than
pickling scikit-learn's vectorizer (which breaks across versions), we record every setting
that shapes the analyzer — the stop-word list's *contents*, the token pattern, lowercasing,
accent stripping, the n-gram range — and the TF-IDF step's norm/idf/sublinear settings. The
vocabulary and the IDF weights are saved beside it (see bundle.py). ``transform`` then runs
scikit-learn's analyzer steps itself (lowercase, accents, the token pattern, stop words, word
n-grams), counts over the saved vocabulary and applies the TF-IDF step with the same
arithmetic as ``TfidfTransformer``: nothing is fitted again, and scikit-learn (about 1 s to
import) is not needed, so ``topics infer`` on a few documents starts fast.
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np

from ..errors import BundleError
from . import clean
from .rules import strip_contractions
from .vectorize import VectorizerSettings, sklearn_vectorizer

STATE_VERSION = 4
"""2 adds ``contractions`` (version 1 states keep them); 3 adds ``language`` and
``lemmatize``, written only by a model whose texts are segmented or lemmatized (others stay
version 2, readable by older releases); 4 adds ``phrases``, written only by a model that
joined phrases. ``clean``, ``boilerplate`` and ``fold`` are read when present (a state
without them cleans and folds nothing)."""


def capture(settings: VectorizerSettings, boilerplate=(), fold=None, phrases=None) -> dict:
    """Everything needed to rebuild the analyzer and TF-IDF step ``settings`` describe, with
    the ``boilerplate`` segments the fit's cleaning dropped (dropped from new texts too), the
    plurals it folded (``fold``, {plural: singular}: folded in new texts too) and the phrases
    it joined (pairs, topiccli.text.phrases: joined in new texts too)."""
    params = sklearn_vectorizer(settings).get_params()
    stop_words = params["stop_words"]
    if stop_words == "english":
        from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

        stop_words = ENGLISH_STOP_WORDS
    state = {
        "state_version": STATE_VERSION,
        "kind": settings.kind,
        "settings": settings.as_dict(),
        "analyzer": "word",
        "lowercase": bool(params["lowercase"]),
        "token_pattern": params["token_pattern"],
        "strip_accents": params["strip_accents"],
        "stop_words": None if stop_words is None else sorted(stop_words),
        "ngram_range": [int(n) for n in params["ngram_range"]],
        "binary": bool(params["binary"]),
        "contractions": settings.contractions,
        "clean": settings.clean,
        "boilerplate": list(boilerplate),
        "fold": dict(fold or {}),
        "tfidf": None,
    }
    if _analysed(settings.language, settings.lemmatize):
        state.update(state_version=3, language=settings.language, lemmatize=settings.lemmatize)
    else:
        state["state_version"] = 2
    if phrases is not None:
        state.update(state_version=4, phrases=[list(pair) for pair in phrases])
    if settings.kind == "tfidf":
        state["tfidf"] = {
            "norm": params["norm"],
            "use_idf": bool(params["use_idf"]),
            "smooth_idf": bool(params["smooth_idf"]),
            "sublinear_tf": bool(params["sublinear_tf"]),
        }
    return state


def check_state(state: dict, n_terms: int, idf: np.ndarray | None) -> dict:
    """Refuse a state this version cannot rebuild exactly (raises BundleError)."""
    try:
        if state["state_version"] > STATE_VERSION:
            raise BundleError(
                f"the vectorizer state has version {state['state_version']}; this topiccli "
                f"reads up to {STATE_VERSION}: upgrade topiccli"
            )
        if state["analyzer"] != "word" or state["kind"] not in ("count", "tfidf"):
            raise BundleError("the bundle's vectorizer is not one topiccli can rebuild")
        tfidf = state["tfidf"]
        if state["kind"] == "tfidf":
            if tfidf["use_idf"] and (idf is None or idf.shape != (n_terms,)):
                raise BundleError("the bundle's IDF weights are missing or the wrong length")
            if tfidf["norm"] not in (None, "l1", "l2"):
                raise BundleError(f"unknown TF-IDF norm {tfidf['norm']!r} in the bundle")
        low, high = state["ngram_range"]
        if not 1 <= low <= high:
            raise BundleError("the bundle's n-gram range is invalid")
        clean.steps(state.get("clean", "none"))
    except (KeyError, TypeError, ValueError) as exc:
        raise BundleError(f"the bundle's vectorizer.json is incomplete ({exc})") from None
    return state


def transform(state: dict, terms, idf: np.ndarray | None, texts) -> object:
    """The CSR document-term matrix of ``texts`` over the saved vocabulary (never refitted)."""
    import scipy.sparse as sp

    vocabulary = {str(term): i for i, term in enumerate(terms)}
    cleaning = state.get("clean", "none")
    if cleaning != "none":
        texts = clean.apply(list(texts), cleaning, state.get("boilerplate") or ())
    analyze = analyzer(state)
    indptr, indices, values = [0], [], []
    for text in texts:
        counts: dict[int, int] = {}
        for token in analyze(text):
            column = vocabulary.get(token)
            if column is not None:
                counts[column] = counts.get(column, 0) + 1
        columns = sorted(counts)
        indices.extend(columns)
        values.extend(1 if state["binary"] else counts[c] for c in columns)
        indptr.append(len(indices))
    shape = (len(indptr) - 1, len(vocabulary))
    X = sp.csr_matrix(
        (np.asarray(values, dtype=np.float64), np.asarray(indices, dtype=np.int32),
         np.asarray(indptr, dtype=np.int64)), shape=shape,
    )  # fmt: skip
    if state["kind"] == "tfidf":
        X = _tfidf(X, state["tfidf"], idf)
    X.sort_indices()
    return X


def analyzer(state: dict):
    """``text → tokens`` exactly as scikit-learn's word analyzer with these settings:
    lowercase, strip accents, find the token pattern, drop stop words, join phrases, fold
    plurals, join word n-grams (the text already cleaned: ``transform`` cleans all the texts
    at once first)."""
    pattern = re.compile(state["token_pattern"])
    if pattern.groups > 1:
        raise BundleError("the bundle's token pattern has more than one capturing group")
    stop_words = frozenset(state["stop_words"] or ())
    low, high = state["ngram_range"]
    accents = {None: None, "unicode": _strip_accents_unicode, "ascii": _strip_accents_ascii}
    strip = accents[state["strip_accents"]]

    strip_clitics = state.get("contractions", "keep") == "strip"
    fold = state.get("fold") or {}
    analyse = _analysis(state)
    from .phrases import joiner

    joined = joiner(tuple(pair) for pair in state.get("phrases") or ())
    join = lambda tokens: joined(list(tokens))  # noqa: E731

    def analyze(text: str) -> list[str]:
        if strip_clitics:
            text = strip_contractions(text)
        if analyse is not None:
            text = analyse(text)
        if state["lowercase"]:
            text = text.lower()
        if strip is not None:
            text = strip(text)
        tokens = join(t for t in pattern.findall(text) if t not in stop_words)
        if fold:
            tokens = [fold.get(t, t) for t in tokens]
        if high == 1:
            return tokens
        grams = list(tokens) if low == 1 else []
        for n in range(max(low, 2), min(high, len(tokens)) + 1):
            grams.extend(" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1))
        return grams

    return analyze


def _analysed(language: str, lemmatize: bool) -> bool:
    """Whether texts in ``language`` are segmented or lemmatized before tokenizing."""
    from . import segment

    return bool(lemmatize) or segment.needed(language)


def _analysis(state: dict):
    """The segmenting and lemmatizing the model's texts went through (topiccli.text), as one
    ``text → text`` step; None for a model without them."""
    language, lemmatize = state.get("language", "en"), bool(state.get("lemmatize", False))
    if not isinstance(language, str) or not _analysed(language, lemmatize):
        return None
    from .vectorize import text_analysis

    return text_analysis(VectorizerSettings(language=language, lemmatize=lemmatize))


def _strip_accents_unicode(text: str) -> str:
    try:
        text.encode("ASCII", errors="strict")
        return text
    except UnicodeEncodeError:
        decomposed = unicodedata.normalize("NFKD", text)
        return "".join(c for c in decomposed if not unicodedata.combining(c))


def _strip_accents_ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ASCII", "ignore").decode("ASCII")


def _tfidf(X, tfidf: dict, idf):
    """TfidfTransformer's arithmetic: sublinear tf, idf weights, then row normalization."""
    if tfidf["sublinear_tf"]:
        np.log(X.data, out=X.data)
        X.data += 1.0
    if tfidf["use_idf"]:
        X.data *= np.asarray(idf, dtype=np.float64)[X.indices]
    norm = tfidf["norm"]
    if norm is not None:
        per_row = np.abs(X.data) if norm == "l1" else X.data * X.data
        rows = np.repeat(np.arange(X.shape[0]), np.diff(X.indptr))
        sums = np.bincount(rows, weights=per_row, minlength=X.shape[0])
        scale = sums if norm == "l1" else np.sqrt(sums)
        scale[scale == 0.0] = 1.0
        X.data /= np.repeat(scale, np.diff(X.indptr))
    return X
