"""What went wrong with a corpus's words, said plainly: documents left without terms, tokens
that look like whole clauses (text never split into words), a stop list in another language
than the text's, and the real cause when no term remains at all."""

from __future__ import annotations

import re
import warnings

from ..errors import TopicsWarning
from . import languages, segment, stopwords

EMPTY_SHARE = 0.03
"""Warn when more than this share of the documents keeps no term."""
TERM_LENGTH = {"zh": 2.2, "ja": 2.6, "ko": 2.6, "th": 4.5}
"""The mean length (characters) of a vocabulary's terms in each spaceless language, and
``DEFAULT_TERM_LENGTH`` in space-delimited ones (measured: 20NG 6.9, German news 9.1)."""
DEFAULT_TERM_LENGTH = 7.5
CLAUSE_FACTOR = 2.5
"""Terms averaging this many times their language's norm are clauses, not words."""
_SPACELESS = re.compile(f"[{segment.HAN}{segment.KANA}{segment.HANGUL}{segment.THAI}]")


def term_length_norm(terms) -> float:
    """The norm for ``terms``: a spaceless language's when most are written in one."""
    terms = [str(t) for t in terms]
    spaceless = [t for t in terms if _SPACELESS.search(t)]
    if terms and len(spaceless) * 2 > len(terms):
        return TERM_LENGTH["ja"]
    return DEFAULT_TERM_LENGTH


def diagnose(settings, dominant: str | None, row_lengths, terms) -> dict:
    """The share of documents without terms (``row_lengths``: each document's count of
    distinct terms) and the terms' mean length, warning (with the likely cause) when either
    is off, or when the stop list's language is not the text's (``dominant``)."""
    import numpy as np

    n = len(row_lengths)
    empty = float(np.count_nonzero(np.asarray(row_lengths) == 0) / n) if n else 0.0
    lengths = [len(str(t)) for t in terms]
    mean_length = float(np.mean(lengths)) if lengths else 0.0
    clauses = bool(lengths) and mean_length > CLAUSE_FACTOR * term_length_norm(terms)
    cause = _cause(settings, clauses, mean_length, terms)
    if clauses:
        warnings.warn(f"the terms look like clauses, not words (mean {mean_length:.1f} "
                      f"characters): {cause}", TopicsWarning, stacklevel=4)  # fmt: skip
    if empty > EMPTY_SHARE:
        warnings.warn(f"{empty:.1%} of the documents keep no term: {cause}", TopicsWarning,
                      stacklevel=4)  # fmt: skip
    _check_stop_language(settings, dominant)
    return {"documents_without_terms": round(empty, 4), "mean_term_length": round(mean_length, 2)}


def _cause(settings, clauses: bool, mean_length: float, terms) -> str:
    """The likeliest reason terms are missing, and what to try."""
    lacking = [c for c in languages.codes(settings.language)
               if c in languages.SEGMENTED and not segment.available(c)]  # fmt: skip
    if lacking:
        return segment.missing_message(lacking[0])
    if clauses:
        if segment.needed(settings.language):
            return "the token pattern keeps whole clauses; try --token-pattern letters"
        return (
            "the text was never split into words: give its language (--language zh, ja, "
            "ko or th) so it is segmented"
        )
    return (
        "the documents are short, or their words are stop words or rarer than min_df "
        f"({settings.min_df}); try --min-df 1 or check --language and --stop-words"
    )


def _check_stop_language(settings, dominant: str | None) -> None:
    """Warn when named stop lists exist but none is in the text's (dominant) language."""
    named = stopwords.spec_languages(settings.stop_words)
    if named and dominant and dominant not in named and stopwords.has_list(dominant):
        listed = ", ".join(languages.name(c) for c in sorted(named))
        warnings.warn(f"the stop words are {listed} but the text reads as "
                      f"{languages.name(dominant)}: use --stop-words auto (or "
                      f"{dominant}) for its own list", TopicsWarning, stacklevel=4)  # fmt: skip


def failure_cause(settings, texts, sample: int = 200) -> str | None:
    """Why no term survived, read off the first documents as the tokenizer sees them: a
    missing segmenter, or tokens that are clauses; None when nothing points elsewhere than
    the pruning bounds."""
    pattern = re.compile(r"(?u)\b\w+\b")
    tokens = [t for text in list(texts)[:sample] for t in pattern.findall(str(text).lower())]
    if not tokens:
        return None
    mean_length = sum(map(len, tokens)) / len(tokens)
    clauses = mean_length > CLAUSE_FACTOR * term_length_norm(tokens)
    if not clauses and not any(c in languages.SEGMENTED and not segment.available(c)
                               for c in languages.codes(settings.language)):  # fmt: skip
        return None
    return _cause(settings, clauses, mean_length, tokens)
