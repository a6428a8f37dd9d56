"""How raw text becomes terms by default: the token pattern, contractions, stop words and the
document-frequency floor. Plain Python (no numpy), shared by fitting and by ``infer``.

Each default was chosen on measurements over eight labelled corpora
(``scripts/evaluate_defaults.md``):

* **Letters only**, ``(?u)\\b[^\\W\\d_][^\\W\\d_]+\\b``: runs of two or more letters that are not
  glued to digits or underscores, so numbers (``10 25 12``), digit–letter strings (``b8f a86
  g9v``, uuencoded lines) and identifiers never become terms. scikit-learn's ``\\w\\w+`` left 3–4
  junk topics of such strings on 20 Newsgroups selections; this pattern left none.
* **Contractions stripped** before tokenizing (``don't`` → ``do``, ``can't`` → ``can``, ``it's`` →
  ``it``), so ``don``, ``ve``, ``ll`` fragments never appear; what remains is a stop word.
* **Stop words**: scikit-learn's English list plus ``FILLERS``, 20 conversational fillers that
  ranked among the top words of most topics of news corpora (``said`` in 4 of 5) without
  carrying a theme; mean label NMI 0.812 → 0.814, diversity 0.95 → 0.98. ``--stop-words`` takes
  ``+``-joined items: ``english``, ``fillers``, ``none``, or a file (one word a line).
* **min_df "auto"** = max(2, ⌈0.0005·n⌉): words in a single document carry no topic (label NMI
  0.675 → 0.699 at 2), and the floor grows slowly with the corpus to bound the vocabulary.
"""

from __future__ import annotations

import math
import re

from ..errors import InvalidParameterError
from ..storage.bounded import read_bounded

LETTERS_TOKEN_PATTERN = r"(?u)\b[^\W\d_][^\W\d_]+\b"
"""The default token pattern: two or more letters, not glued to digits or underscores."""
WORD_TOKEN_PATTERN = r"(?u)\b\w\w+\b"
"""scikit-learn's default token pattern (``--token-pattern words``)."""


def _mark_class() -> str:
    """The combining marks of the Basic Multilingual Plane (Unicode Mn, Mc, Me) as a regex
    class body: Thai, Indic and Arabic words carry them inside, and ``\\w`` omits them."""
    import unicodedata

    ranges, start = [], None
    for code in range(0x300, 0x10000):
        mark = unicodedata.category(chr(code)) in ("Mn", "Mc", "Me")
        if mark and start is None:
            start = code
        elif not mark and start is not None:
            ranges.append((start, code - 1))
            start = None
    return "".join(f"\\u{a:04x}-\\u{b:04x}" if a != b else f"\\u{a:04x}" for a, b in ranges)


_MARKS = _mark_class()
LETTERS_MARKS_TOKEN_PATTERN = (
    rf"(?u)(?<![\w{_MARKS}])(?:[^\W\d_]|[{_MARKS}])(?:[^\W\d_]|[{_MARKS}])+(?![\w{_MARKS}])"
)
"""``letters`` for scripts whose words carry combining marks (Thai, Devanagari, Arabic
vowel signs): the same words, marks kept inside them (topiccli.text applies it by language)."""
LETTERS_ONE_TOKEN_PATTERN = r"(?u)\b[^\W\d_]+\b"
"""``letters`` down to one letter, for segmented Chinese and Japanese, where one character is
often a whole word (车, 房, 車): label NMI 0.085 → 0.090 and 0.329 → 0.330 on two Chinese
headline corpora, 0.347 → 0.363 on Japanese ones, and more documents keep a term (95.5% →
97.4% on the shortest); topiccli.text applies it by language."""
TOKEN_PATTERNS = {"letters": LETTERS_TOKEN_PATTERN, "words": WORD_TOKEN_PATTERN,
                  "letters_marks": LETTERS_MARKS_TOKEN_PATTERN,
                  "letters_one": LETTERS_ONE_TOKEN_PATTERN}  # fmt: skip

FILLERS = frozenset(
    [
        "just",
        "like",
        "know",
        "think",
        "does",
        "did",
        "said",
        "say",
        "says",
        "mr",
        "really",
        "got",
        "going",
        "want",
        "ve",
        "ll",
        "don",
        "doesn",
        "didn",
        "isn",
        "thanks",
        "hi",
        "hello",
        "regards",
        "cheers",
    ]
)
"""Conversational fillers added to the English stop words by default (see the module),
greetings and sign-offs among them (``thanks hi`` led topics of 20 Newsgroups' help requests;
``thank`` stays: "thank you" is also how people write about gratitude)."""
AUTO = "auto"
"""``min_df="auto"``: max(2, ⌈0.0005·n⌉) documents."""

_CANNOT = re.compile(r"\b(ca|wo|sha)n['’]t\b", re.IGNORECASE)
_SUFFIX = re.compile(r"n['’]t\b|['’](?:s|ll|ve|re|d|m)\b", re.IGNORECASE)
_WHOLE = {"ca": "can", "wo": "will", "sha": "shall"}


def strip_contractions(text: str) -> str:
    """``don't`` → ``do``, ``can't`` → ``can``, ``won't`` → ``will``, ``it's`` → ``it``, ``we'll`` →
    ``we`` (straight or curly apostrophes): the word without its clitic."""
    text = _CANNOT.sub(lambda m: _WHOLE[m.group(1).lower()], text)
    return _SUFFIX.sub("", text)


def stop_word_items(spec: str) -> list[str]:
    """``"english+fillers+my.txt"`` → ["english", "fillers", "my.txt"]."""
    return [item for item in spec.split("+") if item]


STOP_WORD_FILE_BYTES = 16 * 2**20
"""A stop-word file larger than this is refused (a word list is kilobytes)."""


def stop_words(spec: str, english) -> frozenset[str] | None:
    """The stop words a spec names; ``english`` returns scikit-learn's list. None for none."""
    words: set[str] = set()
    for item in stop_word_items(spec):
        if item == "english":
            words |= english()
        elif item == "fillers":
            words |= FILLERS
        elif item != "none":
            try:  # a FIFO or /dev/zero: refused, never waited on or read without end
                data = read_bounded(item, STOP_WORD_FILE_BYTES)
            except OSError as exc:
                reason = exc.strerror or exc
                raise InvalidParameterError(f"cannot read the stop-word file {item}: {reason}",
                                            params=("stop_words",)) from exc  # fmt: skip
            lines = data.decode("utf-8", errors="replace").splitlines()
            words |= {w for w in (line.strip().lower() for line in lines)
                      if w and not w.startswith("#")}  # fmt: skip
    return frozenset(words) or None


SMALL_CORPUS = 20
"""Below this many documents ``min_df="auto"`` is 1: a term in one of a handful of documents
may still be a theme's."""


def resolve_min_df(min_df, n_documents: int):
    """``"auto"`` → max(2, ⌈0.0005·n⌉) (1 below SMALL_CORPUS documents); else unchanged."""
    if min_df != AUTO:
        return min_df
    if n_documents < SMALL_CORPUS:
        return 1
    return max(2, math.ceil(0.0005 * n_documents))


def df_bounds(min_df, max_df, n_documents: int) -> tuple[int | float, float, float]:
    """(min_df resolved, the lowest and the highest document count a kept term may have) in a
    corpus of ``n_documents``, as scikit-learn reads a count or a proportion."""
    min_df = resolve_min_df(min_df, n_documents)
    low = min_df if isinstance(min_df, int) else min_df * n_documents
    high = max_df if isinstance(max_df, int) else max_df * n_documents
    return min_df, low, high


def token_pattern(name_or_pattern: str) -> str:
    """``letters``, ``words`` or a regular expression of one's own."""
    return TOKEN_PATTERNS.get(name_or_pattern, name_or_pattern)
