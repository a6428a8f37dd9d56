"""Turn a corpus into a sparse document-term matrix with scikit-learn's vectorizers.

The settings keep scikit-learn's meaning: an integer ``min_df``/``max_df`` counts documents,
a float is a proportion of documents.
"""

from __future__ import annotations

import functools
import re
import warnings
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import UsageError, VectorizeError
from ..specs import VectorizerSettings
from . import clean, plurals
from . import rules as text_rules

if TYPE_CHECKING:  # numpy stays unimported until a corpus is vectorized (a cached run needs none)
    import numpy as np

__all__ = ["DocumentTerm", "Vectorizer", "VectorizerSettings", "check_settings", "vectorize"]


@dataclass(frozen=True)
class DocumentTerm:
    """A document-term matrix (CSR, documents × terms) with its vocabulary."""

    X: object
    terms: np.ndarray
    idf: np.ndarray | None
    settings: VectorizerSettings
    """The settings as applied: ``language``, ``stop_words`` and the default token pattern
    resolved by language (never ``auto``)."""
    language: dict | None = None
    """The language found or given (``text.languages.Detection.as_dict``) and what vectorizing
    found wrong with it (``diagnose``), for the report."""
    fold: dict | None = None
    """The plurals folded into singulars ({plural: singular}, topiccli.text.plurals), or None."""
    phrases: tuple | None = None
    """The phrases joined into single terms (pairs (a, b), topiccli.text.phrases), or None."""
    cleaning: dict | None = None
    """What each cleaning step did (topiccli.text.clean), None if not known (a worker-read
    corpus)."""
    boilerplate: tuple[str, ...] = ()
    """The boilerplate segments cleaning dropped (kept with a saved model, for ``infer``)."""


def check_settings(settings: VectorizerSettings) -> VectorizerSettings:
    """Refuse settings scikit-learn would reject later (UsageError, in the settings' words);
    the choices are topiccli.params's."""
    from ..params import check

    check({"vectorizer": settings.kind, "contractions": settings.contractions,
           "junk": settings.junk, "plurals": settings.plurals})  # fmt: skip
    _check_pruning(settings)
    for stop_file in settings.stop_word_files:
        if not stop_file.is_file():
            raise UsageError(
                f"stop_words takes english, fillers, none or files of words, joined by +; "
                f"no file {str(stop_file)!r}",
                params=("stop_words",),
            )
    from .languages import check_language

    check_language(settings.language)
    if settings.lemmatize:
        from .lemmatize import check_available

        check_available()
    _check_patterns(settings)
    return settings


def _check_pruning(settings: VectorizerSettings) -> None:
    """min_df, max_df, max_features and ngram_range, each in range and together consistent."""
    for name in ("min_df", "max_df"):
        value = getattr(settings, name)
        if name == "min_df" and value == text_rules.AUTO:
            continue
        if isinstance(value, float) and not 0.0 <= value <= 1.0:
            raise UsageError(
                f"{name} as a proportion must be in [0, 1], got {value}", params=(name,)
            )
        if isinstance(value, int) and value < 0:
            raise UsageError(f"{name} must be >= 0, got {value}", params=(name,))
    if type(settings.min_df) is type(settings.max_df) and settings.min_df > settings.max_df:
        raise UsageError(
            f"min_df ({settings.min_df}) is larger than max_df ({settings.max_df})",
            params=("min_df", "max_df"),
        )
    if settings.max_features is not None and settings.max_features < 1:
        raise UsageError(
            f"max_features must be >= 1, got {settings.max_features}", params=("max_features",)
        )
    low, high = settings.ngram_range
    if not 1 <= low <= high:
        raise UsageError(
            f"ngram_range must be MIN,MAX with 1 <= MIN <= MAX, got {low},{high}",
            params=("ngram_range",),
        )


def _check_patterns(settings: VectorizerSettings) -> None:
    """The cleaning steps and the token pattern (a regular expression of one group at most)."""
    try:
        clean.steps(settings.clean)
    except ValueError as exc:
        raise UsageError(str(exc), params=("clean",)) from None
    try:
        compiled = re.compile(text_rules.token_pattern(settings.token_pattern))
    except re.error as exc:
        raise UsageError(f"token_pattern is not a regular expression ({exc})",
                         params=("token_pattern",)) from None  # fmt: skip
    if compiled.groups > 1:
        raise UsageError("token_pattern may hold at most one capturing group",
                         params=("token_pattern",))  # fmt: skip


class Vectorizer:
    """The vectorizing stage: its settings are checked once, when it is made (before any
    document is read), and ``fit_transform`` then trusts them."""

    def __init__(self, settings: VectorizerSettings) -> None:
        self.settings = check_settings(settings)

    def fit_transform(self, texts: list[str]) -> DocumentTerm:
        """Fit the vectorizer on ``texts``: the CSR matrix (float64, sorted) with its terms.

        Settings the parallel path supports (topiccli.text.fast_vectorize: the same vocabulary and
        matrix as scikit-learn, bit for bit, on every core) take it; others run scikit-learn.
        """
        from . import fast_vectorize

        settings = self.settings
        fold = None
        raw = texts
        cleaned = clean.clean_texts(raw, settings.clean)
        settings, detection = resolve_language(settings, cleaned.texts)
        counts, found_boilerplate = cleaned.counts, tuple(cleaned.boilerplate)
        texts, cleaned = cleaned.texts, None  # prepared rewrites this list: one copy is held
        texts = prepared(settings, texts)
        pattern = text_rules.token_pattern(settings.token_pattern)
        min_df = text_rules.resolve_min_df(settings.min_df, len(texts))
        try:
            with warnings.catch_warnings():
                warnings.filterwarnings("default", category=UserWarning)
                fast = fast_vectorize.supports(token_pattern=pattern,
                                               ngram_range=settings.ngram_range)  # fmt: skip
                joined = _phrases(settings, texts, pattern, fast) if settings.phrases else None
                if fast and plurals.applies(settings.plurals, settings.stop_words,
                                            settings.ngram_range):  # fmt: skip
                    X, terms, idf, fold = _folded(settings, texts, pattern, joined)
                elif fast:
                    X, terms, idf = fast_vectorize.fit_transform(
                        texts, kind=settings.kind, stop_words=stop_word_set(settings),
                        min_df=min_df, max_df=settings.max_df,
                        max_features=settings.max_features,
                        ngram_range=tuple(settings.ngram_range), token_pattern=pattern,
                        phrases=joined,
                    )  # fmt: skip
                else:
                    vectorizer = sklearn_vectorizer(settings, min_df, joined)
                    X = vectorizer.fit_transform(texts)
                    terms = vectorizer.get_feature_names_out()
                    idf = getattr(vectorizer, "idf_", None)
        except ValueError as exc:
            from .diagnose import failure_cause

            error = VectorizeError(*_explain(str(exc), failure_cause(settings, texts)),
                                   params=("min_df", "max_df"))  # fmt: skip
            error.vocabulary = lambda: failed_vocabulary(raw, settings)
            raise error from exc
        from ..memory import release_freed_memory
        from .diagnose import diagnose

        del texts  # the cleaned copy: what the fit needs next is the matrix
        release_freed_memory()
        X = X.tocsr().astype("float64", copy=False)
        X.sort_indices()
        dominant = detection.codes[0] if detection.codes else None
        found = diagnose(settings, dominant, X.getnnz(axis=1), terms)  # terms per document
        language = {**detection.as_dict(), **found}
        return DocumentTerm(X=X, terms=terms, idf=idf, settings=settings, language=language,
                            fold=fold, cleaning=counts, boilerplate=found_boilerplate,
                            phrases=None if joined is None else tuple(joined))  # fmt: skip


def _phrases(settings: VectorizerSettings, texts: list[str], pattern: str, fast: bool) -> list:
    """The phrases of the prepared ``texts`` (topiccli.text.phrases): on the parallel path
    when it takes the settings, else over scikit-learn's tokens."""
    from . import fast_vectorize, phrases

    if fast:
        return fast_vectorize.detect_phrases(texts, stop_words=stop_word_set(settings),
                                             token_pattern=pattern)  # fmt: skip
    tokens = _unigram_analyzer(settings)
    return phrases.detect(tokens(text) for text in texts)


def _unigram_analyzer(settings: VectorizerSettings):
    """scikit-learn's word analyzer for ``settings`` without its n-grams: ``text → tokens``."""
    base = sklearn_vectorizer(replace(settings, ngram_range=(1, 1)))
    return base.build_analyzer()


def resolve_language(settings: VectorizerSettings, texts, detection=None):
    """(settings with ``language`` and ``stop_words`` resolved, the Detection): ``auto``
    detected on a sample of ``texts`` (or the ``detection`` made already); a stop-word
    ``auto`` becomes that language's lists (topiccli.text), and ``lemmatize=None`` whether
    that language is lemmatized (text.lemmatize.auto_lemmatize)."""
    from dataclasses import replace

    from . import languages, stopwords

    if detection is None and settings.language == languages.AUTO:
        detection = languages.detect(texts)
    elif detection is None:
        detection = languages.given(settings.language)
    stop_words = stopwords.resolve(settings.stop_words, detection.language)
    lemmatize = settings.lemmatize
    if lemmatize is None:
        from .lemmatize import auto_lemmatize

        lemmatize = auto_lemmatize(detection.language)
    resolved = replace(settings, language=detection.language, stop_words=stop_words,
                       lemmatize=lemmatize)  # fmt: skip
    if settings.token_pattern == "letters":
        if any(c in languages.MARKED for c in detection.codes):
            resolved = replace(resolved, token_pattern="letters_marks")  # vowel signs inside
        elif all(c in languages.ONE_CHARACTER for c in detection.codes):
            resolved = replace(resolved, token_pattern="letters_one")  # 车, 房: one-character
    return resolved, detection


def _folded(settings: VectorizerSettings, texts: list[str], pattern: str, phrases=None):
    """(X, terms, idf, fold) with English plurals folded (topiccli.text.plurals): the texts
    counted, each plural's column merged into its singular's, then pruned and weighed as
    ``fit_transform`` prunes and weighs (the functions the two-pass distributed fit uses).
    ``fold`` keeps only the pairs whose singular survived pruning."""
    import numpy as np

    from ..held import column_sums
    from . import fast_vectorize

    X, vocab, first = fast_vectorize.count(
        texts, stop_words=stop_word_set(settings), ngram_range=(1, 1), token_pattern=pattern,
        first_appearance=True, phrases=phrases,
    )  # fmt: skip
    terms = np.asarray(vocab.to_list(), dtype=object)
    fold = plurals.fold_map(terms)
    if fold:
        X, terms, first = plurals.merge_columns(X, terms, first, fold)
    df = np.diff(X.tocsc().indptr)
    mask = kept_terms(settings, df, column_sums(X), X.shape[0])
    X, terms, first = X[:, mask], terms[mask], first[mask]
    X.sort_indices()
    idf = None
    if settings.kind == "tfidf":
        idf = idf_weights(df[mask], X.shape[0])
        ranks = np.empty(len(first), dtype=np.int64)
        ranks[np.argsort(first, kind="stable")] = np.arange(len(first))
        weigh(X, idf, ranks)
    kept = set(map(str, terms))
    return X, terms, idf, {p: s for p, s in sorted(fold.items()) if s in kept}


def tokenizer(settings: VectorizerSettings):
    """``text → tokens`` in order as the vectorizer reads them (unigrams, stop words removed):
    the sequences a sliding-window coherence counts over."""
    pattern = re.compile(text_rules.token_pattern(settings.token_pattern))
    stop = stop_word_set(settings) or frozenset()
    strip = settings.contractions == "strip"

    chosen = [step for step in clean.steps(settings.clean) if step != "boilerplate"]
    analyse = text_analysis(settings)

    def tokens(text: str) -> list[str]:
        if chosen:
            text = clean.clean_document(text, chosen)
        if strip:
            text = text_rules.strip_contractions(text)
        if analyse is not None:
            text = analyse(text)
        return [t for t in pattern.findall(text.lower()) if t not in stop]

    return tokens


def prepared(settings: VectorizerSettings, texts: list[str]) -> list[str]:
    """The texts as the tokenizer sees them: contractions stripped unless kept; documents in
    a language written without spaces segmented into words (on every core); lemmatized if
    asked (topiccli.text). The list given is rewritten in place and returned, so a corpus is
    held once, not twice, while its documents change (1 GB a copy at a million documents)."""
    if settings.contractions == "strip":
        for i, text in enumerate(texts):
            texts[i] = text_rules.strip_contractions(text)
    from . import segment

    if segment.needed(settings.language):
        texts = segment.segment_texts(texts, settings.language)
    if settings.lemmatize:
        from . import lemmatize

        texts = lemmatize.lemmatize_texts(texts, settings.language)
    return texts


def text_analysis(settings: VectorizerSettings):
    """``text → text`` segmented and lemmatized as ``prepared`` does, one document at a time
    (None when the settings need neither)."""
    from . import segment

    steps = []
    if segment.needed(settings.language):
        steps.append(lambda text: segment.segment(text, settings.language))
    if settings.lemmatize:
        from . import lemmatize

        steps.append(lemmatize.lemmatizer(settings.language))
    if not steps:
        return None

    def analyse(text: str) -> str:
        for step in steps:
            text = step(text)
        return text

    return analyse


def stop_word_set(settings: VectorizerSettings) -> frozenset[str] | None:
    """The stop words ``settings`` name, as a set (None for none): named lists, language
    codes (``de``: German's list, text.stopwords; ``en``: scikit-learn's) and files. An
    unresolved ``auto`` reads as the settings' language (English while it is ``auto``)."""
    from . import languages, stopwords

    spec = settings.stop_words
    if languages.AUTO in spec.split("+"):
        language = "en" if settings.language == languages.AUTO else settings.language
        spec = stopwords.resolve(spec, language)
    items = spec.split("+")
    rest = "+".join(i for i in items if not stopwords.is_code(i))
    words = set(text_rules.stop_words(rest, english_stop_words) or ())
    for code in filter(stopwords.is_code, items):
        if code == "en":
            words |= english_stop_words()
        else:
            words |= _as_tokens(stopwords.words(code), settings.token_pattern)
    return frozenset(words) or None


def _as_tokens(words: frozenset[str], pattern: str) -> frozenset[str]:
    """The entries of a bundled language list that are one token of the run's pattern.

    Stop words are matched against tokens, so an entry the pattern does not keep whole (the
    Korean list's multi-word phrases, an abbreviation with dots) never matches anything. It
    would only make the vectorizer repeat scikit-learn's "may be inconsistent" warning, with
    a hundred tokens the user did not choose and cannot act on. Dropping them leaves every
    document's terms unchanged. A user's own list is kept whole, warning included."""
    find = re.compile(text_rules.token_pattern(pattern)).findall
    return frozenset(w for w in words if find(w) == [w])


@functools.lru_cache(maxsize=1)
def english_stop_words() -> frozenset[str]:
    """scikit-learn's English list, read from its source file without importing scikit-learn
    (about 1 s), so the parallel path runs without it."""
    import ast
    import importlib.util

    try:
        spec = importlib.util.find_spec("sklearn")
        source = Path(spec.origin).parent / "feature_extraction" / "_stop_words.py"
        tree = ast.parse(source.read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.Assign) and node.targets[0].id == "ENGLISH_STOP_WORDS":
                return frozenset(ast.literal_eval(node.value.args[0]))
    except (AttributeError, OSError, SyntaxError, ValueError, TypeError, IndexError):
        pass
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS  # its layout changed

    return frozenset(ENGLISH_STOP_WORDS)


def vectorize(texts: list[str], settings: VectorizerSettings) -> DocumentTerm:
    """Check ``settings``, fit the vectorizer on ``texts``: the CSR matrix with its terms."""
    return Vectorizer(settings).fit_transform(texts)


def sklearn_vectorizer(settings: VectorizerSettings, min_df=1, phrases=None):
    """The scikit-learn vectorizer ``settings`` describe (unfitted; ``min_df`` resolved);
    with ``phrases`` (pairs), an analyzer that joins them before forming n-grams."""
    from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer

    cls = TfidfVectorizer if settings.kind == "tfidf" else CountVectorizer
    words = stop_word_set(settings)
    vectorizer = cls(
        stop_words=None if words is None else sorted(words),
        min_df=min_df,
        max_df=settings.max_df,
        max_features=settings.max_features,
        ngram_range=tuple(settings.ngram_range),
        token_pattern=text_rules.token_pattern(settings.token_pattern),
    )
    if phrases is not None:  # the analyzer applies the stop words and the pattern itself
        analyzer = _phrase_analyzer(vectorizer, phrases)
        vectorizer.set_params(analyzer=analyzer, stop_words=None, token_pattern=None)
    return vectorizer


def _phrase_analyzer(vectorizer, pairs):
    """``text → terms`` as ``vectorizer``'s word analyzer, with ``pairs`` joined first."""
    from .phrases import joiner

    low, high = vectorizer.ngram_range
    unigrams = vectorizer.set_params(ngram_range=(1, 1)).build_analyzer()
    vectorizer.set_params(ngram_range=(low, high))
    join = joiner(pairs)
    return lambda text: word_ngrams(join(unigrams(text)), low, high)


def word_ngrams(tokens: list[str], low: int, high: int) -> list[str]:
    """scikit-learn's ``_word_ngrams``: the tokens' n-grams for n in [low, high], space-joined,
    by n then position."""
    if high == 1:
        return tokens
    grams = list(tokens) if low == 1 else []
    for n in range(max(low, 2), min(high, len(tokens)) + 1):
        grams.extend(" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1))
    return grams


# --- a corpus vectorized in parts (topiccli.distributed) ----------------------------------------
# Fitting in two passes gives fit_transform's matrix bit for bit: pass one counts each part of
# the corpus (count_terms); the parts' frequencies, summed, are pruned as one corpus
# (kept_terms, which resolves min_df "auto" with the whole corpus's size) and weighed
# (idf_weights); pass two maps each part onto the kept terms and, for TF-IDF, weighs and
# normalises its rows with the sums fit_transform computes (weigh). Each setting is honoured by
# the same functions fit_transform calls, so the two cannot drift apart.


def count_terms(settings: VectorizerSettings, texts: list[str], cleaning: dict | None = None):
    """Pass one on one part of a corpus: (terms, X, first). ``terms`` are the part's own terms,
    sorted (an object array); ``X`` its counts over them (float64 CSR, indices sorted, nothing
    pruned); ``first`` each term's rank of first appearance in the part (int64), the order
    scikit-learn stores a row's entries in, which fixes the last bit of the TF-IDF row norms.
    The texts are cleaned document by document as ``fit_transform`` cleans them (boilerplate,
    which needs the whole corpus, is not looked for in a part) and tokenized as it tokenizes
    them: contractions as the settings
    say (``prepared``), the token pattern, the stop words and the n-grams, on the parallel
    path when ``fast_vectorize.supports`` the settings and with scikit-learn's analyzer
    otherwise. ``cleaning``, if given (``clean.empty_counts``), is added what each cleaning
    step did."""
    import numpy as np
    import scipy.sparse as sp

    from . import fast_vectorize

    chosen = [step for step in clean.steps(settings.clean) if step != "boilerplate"]
    texts = prepared(settings, clean.clean_each(texts, chosen, cleaning) if chosen else list(texts))
    pattern = text_rules.token_pattern(settings.token_pattern)
    if fast_vectorize.supports(token_pattern=pattern, ngram_range=settings.ngram_range):
        X, vocab, first = fast_vectorize.count(
            texts, stop_words=stop_word_set(settings), ngram_range=tuple(settings.ngram_range),
            token_pattern=pattern, first_appearance=True,
        )  # fmt: skip
        return np.asarray(vocab.to_list(), dtype=object), X, first
    analyze = sklearn_vectorizer(settings).build_analyzer()
    vocabulary: dict[str, int] = {}  # term -> rank of first appearance
    indices: list[int] = []
    values: list[int] = []
    indptr = [0]
    for doc in texts:
        counter: dict[int, int] = {}
        for token in analyze(doc):
            index = vocabulary.setdefault(token, len(vocabulary))
            counter[index] = counter.get(index, 0) + 1
        indices.extend(counter.keys())
        values.extend(counter.values())
        indptr.append(len(indices))
    terms = np.array(sorted(vocabulary), dtype=object)
    first = np.fromiter((vocabulary[t] for t in terms), dtype=np.int64, count=len(terms))
    sorted_index = np.empty(len(terms), dtype=np.int64)  # first appearance -> sorted index
    sorted_index[first] = np.arange(len(terms), dtype=np.int64)
    X = sp.csr_matrix(
        (np.asarray(values, dtype=np.float64),
         sorted_index[np.asarray(indices, dtype=np.int64)],
         np.asarray(indptr, dtype=np.int64)),
        shape=(len(texts), len(terms)),
    )  # fmt: skip
    X.sort_indices()
    return terms, X, first


def kept_terms(settings: VectorizerSettings, df, totals, n_documents: int):
    """The terms (a boolean mask over the sorted vocabulary) ``fit_transform`` keeps on a
    corpus of ``n_documents`` whose terms have document frequencies ``df`` and total counts
    ``totals``: min_df (``"auto"`` resolved with ``n_documents``, the whole corpus's size),
    max_df, then max_features, with scikit-learn's tie-breaking. Raises VectorizeError in
    ``fit_transform``'s words."""
    from . import fast_vectorize

    if len(df) == 0:
        raise VectorizeError(*_explain("empty vocabulary"), params=("min_df", "max_df"))
    min_df = text_rules.resolve_min_df(settings.min_df, n_documents)
    try:
        return fast_vectorize.feature_mask(
            df, totals, n_documents, kind=settings.kind, min_df=min_df,
            max_df=settings.max_df, max_features=settings.max_features,
        )  # fmt: skip
    except ValueError as exc:
        raise VectorizeError(*_explain(str(exc)), params=("min_df", "max_df")) from exc


def idf_weights(df, n_documents: int):
    """The TF-IDF weights of terms with document frequencies ``df`` in ``n_documents``
    (scikit-learn's smoothed idf, as ``fit_transform`` computes it)."""
    from . import fast_vectorize

    return fast_vectorize.idf_weights(df, n_documents)


def weigh(X, idf, first) -> None:
    """Counts ``X`` (float64 CSR over the kept terms) to TF-IDF in place: each count times its
    term's ``idf``, then each row l2-normalised with the sums ``fit_transform`` computes, added
    in the terms' order of first appearance in the corpus (``first``, ranks over the kept
    terms), so the rows agree to the last bit."""
    from . import fast_vectorize

    X.data *= idf[X.indices]
    fast_vectorize.normalize_as_sklearn(X, "l2", first)


def _column(terms, term: str) -> int:
    """A term's column in a sorted vocabulary."""
    import numpy as np

    return int(np.searchsorted(np.asarray(terms, dtype=object), term))


def _explain(message: str, cause: str | None = None) -> tuple[str, ...]:
    """scikit-learn's message in our words (``cause``: the likely real cause, which replaces
    the generic advice; text.diagnose.failure_cause)."""
    if "empty vocabulary" in message:
        if cause:
            return (f"the vocabulary is empty: {cause}",)
        return ("the vocabulary is empty: every document holds only stop words, or nothing at all",)
    if "max_df corresponds to < documents than min_df" in message:
        return ("max_df keeps fewer documents than min_df; no term can satisfy both",)
    if "After pruning, no terms remain" in message:
        if cause:
            return (f"no terms remain after pruning: {cause}",)
        return ("no terms remain after pruning; lower min_df or raise max_df",)
    return (f"vectorizing failed: {message}",)


def failed_vocabulary(texts, settings: VectorizerSettings, top: int = 20) -> dict:
    """What ``--vocabulary`` reports when vectorizing kept no term: the terms before pruning,
    how many each bound would drop, and the most frequent of them (nothing is kept)."""
    from dataclasses import replace

    import numpy as np

    from ..held import column_sums

    n = len(texts)
    everything = replace(settings, min_df=1, max_df=1.0, max_features=None)
    try:
        dt = Vectorizer(everything).fit_transform(texts)
    except VectorizeError:
        df, terms, totals = np.zeros(0, np.int64), np.array([], dtype=object), np.zeros(0)
    else:
        df, terms, totals = np.diff(dt.X.tocsc().indptr), dt.terms, column_sums(dt.X)
    min_df, low, high = text_rules.df_bounds(settings.min_df, settings.max_df, n)
    order = np.argsort(-totals, kind="stable")[:top]
    return {
        "terms_before_pruning": int(len(df)),
        "terms_kept": 0,
        "pruned_min_df": int(np.count_nonzero(df < low)),
        "pruned_max_df": int(np.count_nonzero(df > high)),
        "pruned_max_features": 0,
        "min_df": min_df,
        "max_df": settings.max_df,
        "most_frequent": [str(terms[i]) for i in order],
        "stop_words_never_matched": [],
    }


def vocabulary_report(texts, settings: VectorizerSettings, dt: DocumentTerm, top: int = 20) -> dict:
    """What vectorizing kept and why the rest went (``--vocabulary``): the terms before
    pruning, how many fell below ``min_df``, above ``max_df`` or past ``max_features``, the most
    frequent terms kept, and the stop words the token pattern can never produce (so they can
    never match: a silent failure scikit-learn only warns about). A matrix held on a cluster
    brings the unpruned document frequencies its first pass summed (``unpruned_df``); else
    the texts are counted again without pruning."""
    from dataclasses import replace

    import numpy as np

    from ..held import column_sums

    n = len(texts)
    df = getattr(dt.X, "unpruned_df", None)
    if df is None:
        unpruned = Vectorizer(replace(settings, min_df=1, max_df=1.0, max_features=None))
        df = np.diff(unpruned.fit_transform(texts).X.tocsc().indptr)
    min_df, low, high = text_rules.df_bounds(settings.min_df, settings.max_df, n)
    kept = set(map(str, dt.terms))
    below, above = int(np.count_nonzero(df < low)), int(np.count_nonzero(df > high))
    in_range = int(np.count_nonzero((df >= low) & (df <= high)))
    totals = column_sums(dt.X)
    order = np.argsort(-totals, kind="stable")[:top]
    pattern = re.compile(text_rules.token_pattern(settings.token_pattern))
    unmatched = sorted(w for w in stop_word_set(settings) or ()
                       if pattern.fullmatch(w.lower()) is None)  # fmt: skip
    return {
        "terms_before_pruning": int(len(df)),
        "terms_kept": len(kept),
        "pruned_min_df": below,
        "pruned_max_df": above,
        "pruned_max_features": in_range - len(kept),
        "min_df": min_df,
        "max_df": settings.max_df,
        "most_frequent": [str(dt.terms[i]) for i in order],
        "stop_words_never_matched": unmatched,
        "cleaning": dt.cleaning,
        "plurals_folded": len(dt.fold or {}),
        "plurals_folded_examples": [
            f"{p}→{s}"
            for p, s in sorted(
                (dt.fold or {}).items(), key=lambda ps: -int(totals[_column(dt.terms, ps[1])])
            )[:10]
        ],
        **({} if dt.phrases is None else {"phrases": phrase_report(dt, totals)}),
    }


def phrase_report(dt: DocumentTerm, totals, top: int = 10) -> dict:
    """What ``--vocabulary`` says of the phrases: the rule, how many were found and kept, and
    the most frequent joined terms kept."""
    import numpy as np

    from . import phrases

    joined = np.array([phrases.DELIMITER in str(t) for t in dt.terms], dtype=bool)
    columns = np.flatnonzero(joined)
    order = columns[np.argsort(-np.asarray(totals)[columns], kind="stable")][:top]
    return {
        "scoring": "npmi",
        "threshold": phrases.THRESHOLD,
        "min_count": phrases.MIN_COUNT,
        "found": len(dt.phrases),
        "kept": int(joined.sum()),
        "examples": [str(dt.terms[i]) for i in order],
    }
