"""Stop words for every language: stopwordsiso's lists (the maintained multilingual
collection, 57 languages, CJK and Thai included), English kept as scikit-learn's list plus
topiccli's fillers (the measured default, text_rules).

A stop-word spec (``VectorizerSettings.stop_words``) joins items with ``+``: ``auto`` (the
run's language's list: ``english+fillers`` for English, ``de`` for German, one list for each
language of a mixed corpus), an ISO 639-1 code, ``english``, ``fillers``, ``none`` or a file.
``resolve`` replaces ``auto`` once the language is known; the words are matched after
segmentation, so a segmented language's list meets its segmenter's words.
"""

from __future__ import annotations

import functools

from .languages import AUTO, codes

ENGLISH_DEFAULT = "english+fillers"
"""What ``auto`` means for English (scikit-learn's list and the fillers, as before)."""


def resolve(spec: str, language: str) -> str:
    """``spec`` with ``auto`` replaced by the lists of ``language`` (``"en+zh"`` →
    ``english+fillers+zh``)."""
    items = []
    for item in spec.split("+"):
        if item == AUTO:
            items.extend(ENGLISH_DEFAULT.split("+") if c == "en" else [c]
                         for c in codes(language))  # fmt: skip
        elif item:
            items.append([item])
    flat = [i for group in items for i in group]
    return "+".join(dict.fromkeys(flat))


def is_code(item: str) -> bool:
    """Whether a stop-word item names a language (two lowercase letters)."""
    return len(item) == 2 and item.isalpha() and item.islower()


@functools.cache
def words(code: str) -> frozenset[str]:
    """The stop words of language ``code`` (lowercased); empty for a language stopwordsiso
    lacks. English's is scikit-learn's list (see vectorize.english_stop_words)."""
    import stopwordsiso

    if not stopwordsiso.has_lang(code):
        return frozenset()
    return frozenset(w.lower() for w in stopwordsiso.stopwords(code))


def has_list(code: str) -> bool:
    """Whether stop words exist for ``code``."""
    if code == "en":
        return True
    import stopwordsiso

    return bool(stopwordsiso.has_lang(code))


def spec_languages(spec: str) -> set[str]:
    """The languages whose lists a resolved spec names (``english`` counts as en)."""
    found = set()
    for item in spec.split("+"):
        if item == "english":
            found.add("en")
        elif is_code(item):
            found.add(item)
    return found
