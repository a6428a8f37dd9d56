"""``--lemmatize``: words reduced to their lemmas before counting (``files`` → ``file``,
``Häuser`` → ``Haus``) with simplemma (rule and dictionary based, 50+ languages, pure Python),
for the languages it covers. Japanese and Korean are always read in their analysers' dictionary
forms (text.segment) and Chinese does not inflect, so lemmatizing leaves them as they are.

Lemmas are looked up once per distinct word (a corpus has far fewer words than tokens)."""

from __future__ import annotations

import functools
import re

from .languages import SEGMENTED, codes

WORD = re.compile(r"(?u)\b[^\W\d_][^\W\d_]+\b")
EXTRA = "pip install 'topiccli[lemmatize]' (installs simplemma)"


def covered(language: str) -> tuple[str, ...]:
    """The codes of ``language`` simplemma lemmatizes (none when it is not installed)."""
    try:
        from simplemma.strategies.dictionaries.dictionary_factory import SUPPORTED_LANGUAGES
    except ImportError:
        return ()
    return tuple(c for c in codes(language) if c in SUPPORTED_LANGUAGES and c not in SEGMENTED)


def auto_lemmatize(language: str) -> bool:
    """What ``lemmatize=None`` (the default) means for a detected ``language``: lemmatize when
    simplemma is installed and covers it, unless the corpus is (partly) English, whose measured
    default counts words as written (lemmas lowered English label NMI; docs/languages.md).
    German news: label NMI 0.382 → 0.398 and junk topics 2 → 0 (scripts/evaluate_languages.md)."""
    wanted = [c for c in codes(language) if c not in SEGMENTED]
    if "en" in codes(language) or not wanted:
        return False
    import importlib.util

    if importlib.util.find_spec("simplemma") is None:
        import warnings

        from ..errors import TopicsWarning

        warnings.warn(f"{'+'.join(wanted)} words are counted as written, not by lemma: "
                      f"{EXTRA}", TopicsWarning, stacklevel=3)  # fmt: skip
        return False
    return bool(covered(language))


def check_available() -> None:
    """One clear line when simplemma is missing (raises TopicsError)."""
    import importlib.util

    if importlib.util.find_spec("simplemma") is None:
        from ..errors import TopicsError

        raise TopicsError(f"--lemmatize needs simplemma: {EXTRA}")


def lemmatizer(language: str):
    """``text → text`` with each word replaced by its lemma (lowercased) in ``language``'s
    covered codes; the text unchanged when none is covered."""
    check_available()
    langs = covered(language)
    if not langs:
        return lambda text: text
    lemma = _lemma_of(langs)
    return lambda text: WORD.sub(lambda m: lemma(m.group().lower()), text)


def lemmatize_texts(texts: list[str], language: str) -> list[str]:
    """``lemmatizer`` over many documents (in order)."""
    step = lemmatizer(language)
    return [step(text) for text in texts]


@functools.lru_cache(maxsize=8)
def _lemma_of(langs: tuple[str, ...]):
    import simplemma

    @functools.lru_cache(maxsize=1_000_000)
    def lemma(word: str) -> str:
        found = simplemma.lemmatize(word, lang=langs if len(langs) > 1 else langs[0])
        return found.lower() if WORD.fullmatch(found) else word

    return lemma
