"""Turn a corpus into a sparse document-term matrix with scikit-learn's vectorizers.

The settings keep scikit-learn's meaning: an integer ``min_df``/``max_df`` counts documents,
a float is a proportion of documents.
"""

from __future__ import annotations

import warnings
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import InvalidParameterError, VectorizeError

if TYPE_CHECKING:  # numpy stays unimported until a corpus is vectorized (a cached run needs none)
    import numpy as np

VECTORIZERS = ("count", "tfidf")


@dataclass(frozen=True)
class VectorizerSettings:
    """Every choice that shapes the document-term matrix."""

    kind: str = "count"
    stop_words: str = "english"
    """``"english"`` (scikit-learn's list), ``"none"``, or the path of a file, one word a line."""
    min_df: int | float = 1
    max_df: int | float = 1.0
    max_features: int | None = None
    ngram_range: tuple[int, int] = (1, 1)

    def as_dict(self) -> dict:
        data = asdict(self)
        data["ngram_range"] = list(self.ngram_range)
        return data


@dataclass(frozen=True)
class DocumentTerm:
    """A document-term matrix (CSR, documents × terms) with its vocabulary."""

    X: object
    terms: np.ndarray
    idf: np.ndarray | None
    settings: VectorizerSettings


def check_settings(settings: VectorizerSettings) -> VectorizerSettings:
    """Refuse settings scikit-learn would reject later, with a message naming the option."""
    if settings.kind not in VECTORIZERS:
        raise InvalidParameterError(
            f"vectorizer must be one of {', '.join(VECTORIZERS)}, got {settings.kind!r}"
        )
    for name in ("min_df", "max_df"):
        value = getattr(settings, name)
        if isinstance(value, float) and not 0.0 <= value <= 1.0:
            raise InvalidParameterError(
                f"--{name.replace('_', '-')} as a proportion must be in [0, 1], got {value}"
            )
        if isinstance(value, int) and value < 0:
            raise InvalidParameterError(f"--{name.replace('_', '-')} must be >= 0, got {value}")
    if type(settings.min_df) is type(settings.max_df) and settings.min_df > settings.max_df:
        raise InvalidParameterError(
            f"--min-df ({settings.min_df}) is larger than --max-df ({settings.max_df})"
        )
    if settings.max_features is not None and settings.max_features < 1:
        raise InvalidParameterError(f"--max-features must be >= 1, got {settings.max_features}")
    low, high = settings.ngram_range
    if not 1 <= low <= high:
        raise InvalidParameterError(
            f"--ngram-range must be MIN,MAX with 1 <= MIN <= MAX, got {low},{high}"
        )
    if settings.stop_words not in ("english", "none") and not Path(settings.stop_words).is_file():
        raise InvalidParameterError(
            f"--stop-words takes english, none or a file of words; no file {settings.stop_words!r}"
        )
    return settings


def vectorize(texts: list[str], settings: VectorizerSettings) -> DocumentTerm:
    """Fit the vectorizer on ``texts`` and return the CSR matrix with its terms."""
    check_settings(settings)
    vectorizer = _make_vectorizer(settings)
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("default", category=UserWarning)
            X = vectorizer.fit_transform(texts)
    except ValueError as exc:
        raise VectorizeError(_explain(str(exc))) from exc
    import numpy as np

    X = X.tocsr().astype(np.float64, copy=False)
    X.sort_indices()
    idf = getattr(vectorizer, "idf_", None)
    return DocumentTerm(X=X, terms=vectorizer.get_feature_names_out(), idf=idf, settings=settings)


def _make_vectorizer(settings: VectorizerSettings):
    from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer

    cls = TfidfVectorizer if settings.kind == "tfidf" else CountVectorizer
    return cls(
        stop_words=_stop_words(settings.stop_words),
        min_df=settings.min_df,
        max_df=settings.max_df,
        max_features=settings.max_features,
        ngram_range=tuple(settings.ngram_range),
    )


def _stop_words(choice: str):
    if choice == "english":
        return "english"
    if choice == "none":
        return None
    lines = Path(choice).read_text(encoding="utf-8", errors="replace").splitlines()
    words = [line.strip().lower() for line in lines]
    return sorted({w for w in words if w and not w.startswith("#")})


def _explain(message: str) -> str:
    if "empty vocabulary" in message:
        return "the vocabulary is empty: every document holds only stop words, or nothing at all"
    if "max_df corresponds to < documents than min_df" in message:
        return "--max-df keeps fewer documents than --min-df; no term can satisfy both"
    if "After pruning, no terms remain" in message:
        return "no terms remain after pruning; lower --min-df or raise --max-df"
    return f"vectorizing failed: {message}"
