"""A fitted vectorizer as plain JSON, and the transform that rebuilds it without refitting.

A saved model must turn new text into exactly the columns it was trained on. Rather than
pickling scikit-learn's vectorizer (which breaks across versions), we record every setting
that shapes the analyzer — the stop-word list's *contents*, the token pattern, lowercasing,
accent stripping, the n-gram range — and the TF-IDF step's norm/idf/sublinear settings. The
vocabulary and the IDF weights are saved beside it (see bundle.py). ``transform`` then counts
with a ``CountVectorizer`` fixed to that vocabulary and applies the TF-IDF step itself, the
same arithmetic as scikit-learn's ``TfidfTransformer``: nothing is fitted again.
"""

from __future__ import annotations

import warnings

import numpy as np

from .errors import BundleError
from .vectorize import VectorizerSettings, _make_vectorizer

STATE_VERSION = 1


def capture(settings: VectorizerSettings) -> dict:
    """Everything needed to rebuild the analyzer and TF-IDF step ``settings`` describe."""
    params = _make_vectorizer(settings).get_params()
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
        "tfidf": None,
    }
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
    except (KeyError, TypeError, ValueError) as exc:
        raise BundleError(f"the bundle's vectorizer.json is incomplete ({exc})") from None
    return state


def transform(state: dict, terms, idf: np.ndarray | None, texts) -> object:
    """The CSR document-term matrix of ``texts`` over the saved vocabulary (never refitted)."""
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.preprocessing import normalize

    counter = CountVectorizer(
        vocabulary={str(term): i for i, term in enumerate(terms)},
        lowercase=state["lowercase"],
        token_pattern=state["token_pattern"],
        strip_accents=state["strip_accents"],
        stop_words=state["stop_words"],
        ngram_range=tuple(state["ngram_range"]),
        binary=state["binary"],
        dtype=np.float64,
    )
    with warnings.catch_warnings():
        # a stop-word list that disagrees with the tokenizer was already reported at fit time
        warnings.simplefilter("ignore", UserWarning)
        X = counter.transform(list(texts)).tocsr()
    tfidf = state["tfidf"]
    if state["kind"] == "tfidf":
        if tfidf["sublinear_tf"]:
            np.log(X.data, out=X.data)
            X.data += 1.0
        if tfidf["use_idf"]:
            X.data *= np.asarray(idf, dtype=np.float64)[X.indices]
        if tfidf["norm"] is not None:
            X = normalize(X, norm=tfidf["norm"], copy=False)
    X = X.astype(np.float64, copy=False)
    X.sort_indices()
    return X
