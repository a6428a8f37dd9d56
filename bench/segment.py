"""Segmentation throughput: topiccli on Chinese, Japanese and Korean text against the segmenter
run alone and against the practitioner's pipeline (the segmenter, then scikit-learn's
TfidfVectorizer with the language's stop words, min_df=2, max_df=0.95).

``python -m bench.run --only segment`` (or ``python -m bench.segment``). Corpora: JSONL files
(``text`` field) under TOPICS_LANGUAGE_CORPORA (default /work/corpora; built outside the repo
by scripts that fetch public news corpora, see docs/languages.md); a language whose file is
missing is skipped. Rows (documents/s and MB/s of UTF-8 text, median of ``repeats``):

* ``segmenter alone``: the analyser over every document, one process, already loaded;
* ``topiccli segment``: ``text.segment.segment_texts`` (every core, a process pool, each
  worker loading its analyser: included);
* ``topiccli vectorize``: the whole ``Vectorizer(language=...).fit_transform`` (detection
  skipped: the language is given), segmentation, stop words, counting and TF-IDF;
* ``practitioner``: segmenter + TfidfVectorizer(tokenizer=segmenter), one process;
* English: ``--language auto``'s detection alone on 20 Newsgroups train (the cost the fast
  path gains), against vectorizing the same texts with the language given.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from pathlib import Path

CORPORA = {"zh": "zh_thucnews_titles.jsonl", "ja": "ja_livedoor.jsonl",
           "ko": "ko_ynat_titles.jsonl"}  # fmt: skip
DOCUMENTS = 5000
"""Documents per language (the first ones of the file); Japanese articles are ~60 times longer
than the headlines, so a fifth of them."""
SHARE = {"ja": 0.2}


def _texts(code: str, limit: int) -> list[str] | None:
    folder = Path(os.environ.get("TOPICS_LANGUAGE_CORPORA", "/work/corpora"))
    path = folder / CORPORA[code]
    if not path.is_file():
        return None
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line)["text"] for _, line in zip(range(limit), lines)]


def _median_time(func, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _row(name: str, seconds: float, texts: list[str]) -> dict:
    size = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    return {"row": name, "seconds": round(seconds, 3), "docs_per_s": round(len(texts) / seconds),
            "mb_per_s": round(size / seconds, 3)}  # fmt: skip


def measure(code: str, texts: list[str], repeats: int) -> list[dict]:
    """The four rows for one language (see the module)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    from topiccli.specs import VectorizerSettings
    from topiccli.text import segment, stopwords
    from topiccli.text.vectorize import Vectorizer

    words = segment._segmenter(code)
    words(texts[0])  # loaded before timing
    stop = sorted(stopwords.words(code))
    rows = [_row("segmenter alone", _median_time(lambda: [words(t) for t in texts], repeats),
                 texts)]  # fmt: skip
    rows.append(_row("topiccli segment", _median_time(
        lambda: segment.segment_texts(texts, code), repeats), texts))  # fmt: skip
    vectorizer = Vectorizer(VectorizerSettings(language=code, min_df=2, max_df=0.95))
    rows.append(_row("topiccli vectorize", _median_time(
        lambda: vectorizer.fit_transform(texts), repeats), texts))  # fmt: skip

    def practitioner():
        TfidfVectorizer(tokenizer=words, token_pattern=None, lowercase=True, stop_words=stop,
                        min_df=2, max_df=0.95).fit_transform(texts)  # fmt: skip

    rows.append(_row("practitioner (segmenter + TfidfVectorizer)",
                     _median_time(practitioner, repeats), texts))  # fmt: skip
    return rows


def english(archive, repeats: int) -> list[dict]:
    """Detection's cost on 20NG train against vectorizing it with the language given."""
    import tempfile

    from topiccli.corpus.archive import import_archive
    from topiccli.models.corpus_matrix import matrix_of
    from topiccli.specs import SourceSpec, VectorizerSettings
    from topiccli.text import languages
    from topiccli.text.vectorize import Vectorizer

    with tempfile.TemporaryDirectory() as home:
        import_archive(archive, home)
        corpus, _, _ = matrix_of(SourceSpec(data_home=Path(home)), VectorizerSettings())
        texts = list(corpus.texts)
    given = Vectorizer(VectorizerSettings(language="en"))
    auto = Vectorizer(VectorizerSettings())
    return [
        _row("detect (auto, 300-document sample)",
             _median_time(lambda: languages.detect(texts), repeats), texts),
        _row("vectorize, --language en", _median_time(lambda: given.fit_transform(texts),
                                                      repeats), texts),
        _row("vectorize, --language auto", _median_time(lambda: auto.fit_transform(texts),
                                                        repeats), texts),
    ]  # fmt: skip


def run(archive=None, repeats: int = 3, documents: int = DOCUMENTS, log=print) -> dict:
    results: dict = {"documents": documents, "languages": {}}
    for code in CORPORA:
        texts = _texts(code, max(1, int(documents * SHARE.get(code, 1.0))))
        if texts is None:
            log(f"segment: no {code} corpus, skipped")
            continue
        log(f"segment: {code}, {len(texts)} documents")
        results["languages"][code] = measure(code, texts, repeats)
    if archive is not None:
        log("segment: English detection on 20NG train")
        results["languages"]["en (20NG train)"] = english(archive, repeats)
    return results


def markdown(results: dict) -> str:
    lines = [
        "### Segmentation throughput",
        "",
        "| language | pipeline | seconds | documents/s | MB/s |",
        "|---|---|---|---|---|",
    ]
    for code, rows in results["languages"].items():
        for row in rows:
            lines.append(f"| {code} | {row['row']} | {row['seconds']} | {row['docs_per_s']} | "
                         f"{row['mb_per_s']} |")  # fmt: skip
    return "\n".join(lines)


if __name__ == "__main__":
    archive = os.environ.get("TOPICS_20NG_ARCHIVE")
    out = run(archive, repeats=int(sys.argv[1]) if len(sys.argv) > 1 else 1,
              log=lambda m: print(m, file=sys.stderr))  # fmt: skip
    print(markdown(out))
