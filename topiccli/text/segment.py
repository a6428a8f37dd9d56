"""Words where spaces do not delimit them: Chinese, Japanese, Korean and Thai.

Each document is segmented by the script it is written in (Hangul: Korean; kana: Japanese;
Thai; Han alone: Chinese, or Japanese when the run's language is Japanese only) with a
well-kept analyser from the package index, installed as an extra:

* Chinese: rjieba (jieba's dictionary and algorithm in Rust), else jieba;
* Japanese: SudachiPy with its core dictionary (split mode B): content words (nouns, verbs,
  adjectives, adverbs), inflected words in their dictionary form;
* Korean: kiwipiepy: content morphemes only (nouns, roots, foreign words; verb and adjective
  stems as ``stem+다``), never particles or endings;
* Thai: PyThaiNLP's newmm.

The output is the document's words joined by spaces, so the vectorizer's token pattern, stop
words and fast path then work as on any space-delimited text. Documents with none of these
scripts are returned untouched. Without the extra a script's runs become overlapping character
bigrams (the approach of Lucene's CJKAnalyzer), with a warning naming the extra: text never
stays as whole clauses. Many documents are segmented on every core (a process pool, results
in document order), one process when run inside a Dask worker.
"""

from __future__ import annotations

import functools
import importlib.util
import os
import re
import warnings

from .languages import SEGMENTED, codes

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
KANA = "\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f"
HANGUL = "\uac00-\ud7af\u1100-\u11ff\u3130-\u318f"
THAI = "\u0e00-\u0e7f"
_SPACELESS = re.compile(f"[{HAN}{KANA}{HANGUL}{THAI}]")
_KANA = re.compile(f"[{KANA}]")
_HANGUL = re.compile(f"[{HANGUL}]")
_THAI = re.compile(f"[{THAI}]")
_RUNS = re.compile(f"[{HAN}{KANA}{HANGUL}]+|[{THAI}]+")

EXTRAS = {
    "zh": (("rjieba", "jieba"), "zh", "rjieba"),
    "ja": (("sudachipy",), "ja", "sudachipy and sudachidict-core"),
    "ko": (("kiwipiepy",), "ko", "kiwipiepy"),
    "th": (("pythainlp",), "th", "pythainlp"),
}
"""language → (modules, any of which segments it; the topiccli extra; what it installs)."""
POOL_CHARS = 200_000
"""Below this many characters segmentation runs in this process (a pool costs ~1 s to start,
and each worker loads its analyser: kiwipiepy ~2 s)."""
KOREAN_KEPT = ("NNG", "NNP", "XR", "SL", "SH", "VV", "VA")
"""Kiwi's tags of content morphemes (general and proper nouns, roots, foreign words and
Hanja, verb and adjective stems); particles (J*), endings (E*), suffixes (X*) are dropped."""
JAPANESE_KEPT = ("名詞", "動詞", "形容詞", "形状詞", "副詞")
"""Sudachi's (UniDic-style) parts of speech kept (nouns, verbs, adjectives, adjectival nouns,
adverbs); particles, auxiliaries, symbols and suffixes are dropped."""
JAPANESE_DROPPED = ("数詞", "非自立可能")
"""Noun subclasses dropped: numerals and dependent nouns (こと, もの, ため)."""


def needed(language: str) -> bool:
    """Whether a run in ``language`` (codes joined by ``+``) segments its documents."""
    return any(c in SEGMENTED for c in codes(language))


def available(code: str) -> bool:
    """Whether the segmenter of ``code`` is installed."""
    modules = EXTRAS[code][0]
    return any(importlib.util.find_spec(m) is not None for m in modules)


def missing_message(code: str) -> str:
    """The one line naming what to install for ``code``."""
    _, extra, what = EXTRAS[code]
    return (
        f"{code} text needs a word segmenter: pip install 'topiccli[{extra}]' (installs "
        f"{what}); meanwhile its characters are read in overlapping pairs (bigrams)"
    )


def warn_missing(language: str) -> list[str]:
    """Warn once per missing segmenter of ``language``'s segmented codes; the codes."""
    from ..errors import TopicsWarning

    lacking = [c for c in codes(language) if c in SEGMENTED and not available(c)]
    for code in lacking:
        warnings.warn(missing_message(code), TopicsWarning, stacklevel=3)
    return lacking


def document_language(text: str, language: str) -> str | None:
    """Which segmenter a document needs (None: no spaceless script in it)."""
    if _SPACELESS.search(text) is None:
        return None
    if _HANGUL.search(text):
        return "ko"
    if _KANA.search(text):
        return "ja"
    if _THAI.search(text) and not re.search(f"[{HAN}]", text):
        return "th"
    run = codes(language)
    return "ja" if "ja" in run and "zh" not in run else "zh"


MEMO_DOCUMENTS = 200_000
"""``segment_texts`` remembers the segmentation of a corpus up to this many documents, so that
tokenizing it again (the c_npmi windows, ``vectorize.tokenizer``) does not segment twice."""
_MEMO: dict = {}


def remembered() -> list[list[str]]:
    """What ``segment_texts`` remembers of the last corpus it segmented, as ``[language, text,
    words]`` entries: stored beside a vectorized corpus (the corpus cache), so that a run reading
    that corpus back tokenizes it without its segmenter. Every document is kept, those it left
    as they were too: one left out would load the segmenter again (about 3 s for Korean)."""
    return [[code, text, words] for (code, text), words in _MEMO.items()]


def remember(entries) -> None:
    """Remember stored segmentations (:func:`remembered`'s entries) instead of what was
    remembered: a corpus read back from the cache is then tokenized again (its c_npmi windows)
    without segmenting it (Korean headlines: 7 s for 10,000 on one core, loading the
    segmenter included)."""
    _MEMO.clear()
    _MEMO.update(((code, text), words) for code, text, words in entries)


def segment(text: str, language: str) -> str:
    """One document's words joined by spaces (the text itself if it needs no segmenting)."""
    found = _MEMO.get((language, text))
    if found is not None:
        return found
    code = document_language(text, language)
    if code is None:
        return text
    words = _segmenter(code)
    return " ".join(words(text))


def segment_texts(texts, language: str, workers: int | None = None) -> list[str]:
    """``segment`` over many documents, in order: on ``workers`` processes (default: every
    core) when there is enough text, else here. Warns once for a missing segmenter."""
    texts = list(texts)
    if not needed(language):
        return texts
    warn_missing(language)
    _MEMO.clear()
    out = _segment_all(texts, language, workers or _cores())
    if len(texts) <= MEMO_DOCUMENTS:
        _MEMO.update(((language, t), s) for t, s in zip(texts, out))
    return out


def _segment_all(texts: list[str], language: str, workers: int) -> list[str]:
    size = sum(len(t) for t in texts)
    if workers <= 1 or size < POOL_CHARS or _in_daemon():
        return [segment(t, language) for t in texts]
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool
    from multiprocessing import get_context

    step = max(1, -(-len(texts) // (workers * 4)))
    chunks = [texts[i : i + step] for i in range(0, len(texts), step)]
    out: list[str] = []
    try:
        with ProcessPoolExecutor(workers, mp_context=get_context("spawn")) as pool:
            for part in pool.map(_segment_chunk, chunks, [language] * len(chunks)):
                out.extend(part)
    except BrokenProcessPool:
        _warn_pool_failed()
        return [segment(t, language) for t in texts]
    return out


POOL_FAILED = ("segmenting on one core: the worker processes could not start. A Python "
               "script that calls topiccli at its top level needs `if __name__ == "
               "\"__main__\":` around that code, since each worker re-runs the script; the "
               "result is the same, only slower")  # fmt: skip
"""Why a pool broke, most often: spawned workers import the caller's ``__main__`` again, and an
unguarded script then starts processes while a worker bootstraps (Python refuses, the worker
dies). The same documents segmented here give the same words."""


def _warn_pool_failed() -> None:
    from ..errors import TopicsWarning

    warnings.warn(POOL_FAILED, TopicsWarning, stacklevel=4)


def _segment_chunk(texts: list[str], language: str) -> list[str]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return [segment(t, language) for t in texts]


def _cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def _in_daemon() -> bool:
    """Inside a daemonic process (a Dask worker's): it may start no pool."""
    import multiprocessing

    return bool(multiprocessing.current_process().daemon)


@functools.cache
def _segmenter(code: str):
    """``text → words`` for ``code``: its analyser if installed, else character bigrams."""
    if not available(code):
        return bigrams
    return {"zh": _chinese, "ja": _japanese, "ko": _korean, "th": _thai}[code]()


def bigrams(text: str) -> list[str]:
    """Lucene CJKAnalyzer's fallback: each run of spaceless-script characters as its
    overlapping pairs (a lone character as itself); other text split on whitespace."""
    out: list[str] = []
    last = 0
    for match in _RUNS.finditer(text):
        out.extend(text[last : match.start()].split())
        run = match.group()
        out.extend([run] if len(run) == 1 else [run[i : i + 2] for i in range(len(run) - 1)])
        last = match.end()
    out.extend(text[last:].split())
    return out


def _chinese():
    if importlib.util.find_spec("rjieba") is not None:
        import rjieba

        return lambda text: [w for w in rjieba.cut(text) if not w.isspace()]
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    return lambda text: [w for w in jieba.lcut(text) if not w.isspace()]


def _japanese():
    import sudachipy

    dictionary = sudachipy.Dictionary(dict="core")
    tokenizer = dictionary.tokenizer(mode=sudachipy.SplitMode.B)

    def words(text: str) -> list[str]:
        out = []
        for morpheme in (m for piece in _pieces(text) for m in tokenizer.tokenize(piece)):
            pos = morpheme.part_of_speech()
            if pos[0] not in JAPANESE_KEPT or pos[1] in JAPANESE_DROPPED:
                continue
            out.append(morpheme.dictionary_form())
        return out

    return words


SUDACHI_CHARS = 4000
"""Sudachi refuses inputs past ~49 kB: longer texts are analysed in pieces of at most this
many characters, cut at line breaks or sentence ends where there are some."""
_BREAK = re.compile(r"(?<=[\n。！？!?])")


def _pieces(text: str) -> list[str]:
    """``text`` in pieces of at most SUDACHI_CHARS characters, cut after breaks if possible."""
    if len(text) <= SUDACHI_CHARS:
        return [text]
    pieces, current = [], ""
    for part in _BREAK.split(text):
        while len(part) > SUDACHI_CHARS:
            pieces.extend([current] if current else [])
            current = ""
            pieces.append(part[:SUDACHI_CHARS])
            part = part[SUDACHI_CHARS:]
        if len(current) + len(part) > SUDACHI_CHARS:
            pieces.append(current)
            current = ""
        current += part
    return [p for p in [*pieces, current] if p]


def _korean():
    from kiwipiepy import Kiwi

    kiwi = Kiwi()

    def words(text: str) -> list[str]:
        out = []
        for token in kiwi.tokenize(text):
            tag = token.tag.split("-")[0]
            if tag not in KOREAN_KEPT:
                continue
            out.append(token.form + "다" if tag in ("VV", "VA") else token.form)
        return out

    return words


def _thai():
    from pythainlp.tokenize import word_tokenize

    return lambda text: [w for w in word_tokenize(text, engine="newmm", keep_whitespace=False)
                         if not w.isspace()]  # fmt: skip
