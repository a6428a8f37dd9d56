"""Stop words for every language, from two maintained multilingual collections, chosen per
language on label NMI (docs/languages.md):

* ``stop-words`` (33 languages, short lists of function words) for the space-delimited
  languages it has: on German news its 263 words gave label NMI 0.394 where stopwordsiso's
  620 (which include news words: jahr, zeit, menschen, uhr, tag, gott, recht) gave 0.347;
* ``stopwordsiso`` (58 languages) for Chinese, Japanese, Korean and Thai (its Chinese list
  matched or beat stop-words' on two Chinese corpora: 0.329 vs 0.326, 0.085 vs 0.063) and
  for every language stop-words lacks;
* English stays scikit-learn's list plus topiccli's fillers (the measured default,
  text_rules), so English results are unchanged.

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


ISO_FIRST = ("zh", "ja", "ko", "th")
"""Languages whose list comes from stopwordsiso even where stop-words has one."""


@functools.cache
def words(code: str) -> frozenset[str]:
    """The stop words of language ``code`` (lowercased; see the module for which list);
    empty for a language neither collection has. English's is scikit-learn's list (see
    vectorize.english_stop_words)."""
    found = None if code in ISO_FIRST else _stop_words_package(code)
    if found is None:
        import stopwordsiso

        found = stopwordsiso.stopwords(code) if stopwordsiso.has_lang(code) else ()
    return frozenset(w.lower() for w in found)


def _stop_words_package(code: str):
    """stop-words' list for ``code``, or None (a language it lacks, or not installed)."""
    try:
        from stop_words import StopWordError, get_stop_words
    except ImportError:
        return None
    try:
        return get_stop_words(code)
    except (StopWordError, KeyError, OSError):
        return None


def has_list(code: str) -> bool:
    """Whether stop words exist for ``code``."""
    return code == "en" or bool(words(code))


def spec_languages(spec: str) -> set[str]:
    """The languages whose lists a resolved spec names (``english`` counts as en)."""
    found = set()
    for item in spec.split("+"):
        if item == "english":
            found.add("en")
        elif is_code(item):
            found.add(item)
    return found
