"""Issue 21's targets, measured: topiccli's defaults against the practitioner's recipe on the
labelled corpora of ``scripts/corpora.py`` (English, German, Chinese, Japanese, Korean; long
articles and short headlines). Not run by the tests.

For each corpus (k = its number of labels):

* **ours** — ``topics nmf --input X.jsonl --text-field text --label-field label --id-field id
  --k K -f json --doc-topics F --no-cache`` as a user would run it, with no other flag, timed
  end to end (process start included). Run with any ``topics`` (``--topics``), so the same
  harness measures main's code ("before") and a branch's ("after").
* **recipe** — what a practitioner writes: that language's standard segmenter (jieba for zh,
  fugashi with unidic-lite for ja, kiwipiepy for ko; scikit-learn's own tokenizer for
  space-delimited languages), the language's stop words from ``stopwordsiso``, scikit-learn's
  ``TfidfVectorizer(min_df=2, max_df=0.95)`` and ``NMF(n_components=K, random_state=0)``; the
  segmenter's time included.

Measures, for both:

* documents, terms; **with terms** = share of documents left with at least one term;
* **NMI** = scikit-learn's ``normalized_mutual_info_score`` of the labels and each document's
  argmax topic over *every* document: a document with no term counts as one more cluster
  ("no topic"), so dropping documents is not rewarded;
* **junk topics**, judged automatically on each topic's top 8 words: a topic is junk when at
  least 5 of them are junk words. A word is junk when it is
  - a function word: in the corpus language's ``stopwordsiso`` list or English's (a topic of
    ``er wurde war man`` is junk even though topiccli did not drop them);
  - markup or e-mail/URL debris: an HTML tag or attribute name, an entity name (``quot gt lt
    amp nbsp``), or a piece of an address (``http www com org net edu mail``);
  - a fragment: no letter at all, one letter of an alphabetic script, or one kana/hangul
    character alone;
  - a clause: longer than ``CLAUSE_CHARS`` of its script (whole clauses kept as one token);
  - boilerplate: a word of a segment (a line or sentence of ≥ 20 characters) repeated
    verbatim in ≥ 1% of the corpus's documents (at least 5) that occurs in no other segment
    (legal footers, bylines);
* **time** in seconds (wall clock).

Usage::

    .venv/bin/python scripts/evaluate_languages.py --label before --topics /path/to/topics \\
        --out /work/corpora/eval_before.json
    .venv/bin/python scripts/evaluate_languages.py --table /work/corpora/eval_before.json \\
        /work/corpora/eval_after.json > table.md

The recipe's results are cached beside ``--out`` (``recipe.json``; they never change with our
code). Nothing from the corpora is written but scores and top words.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import shlex
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections import Counter
from pathlib import Path

import numpy as np

CORPORA = Path("/work/corpora")
ROOT = Path(__file__).resolve().parents[1]

_MARKUP_WORDS = """a abbr b body br button class code col div dl dt em font form h1 h2 h3 head
    hr href
    html i id iframe img input js li link meta nav noscript ol option p pre rel script select
    span src strong style table tbody td text th title tr type u ul width height align border
    cellpadding cellspacing bgcolor valign colspan rowspan onclick target blank alt css hljs
    quot gt lt amp nbsp apos mdash ndash hellip rsquo lsquo rdquo ldquo laquo raquo
    http https www com org net edu gov uk de ftp mail mailto email html htm php asp cgi jpg
    gif png pdf"""
MARKUP = frozenset(_MARKUP_WORDS.split())
"""Markup and address pieces: tags, attributes, entity names, URL and e-mail parts."""
CLAUSE_CHARS = {"han": 8, "kana": 10, "hangul": 8, "latin": 30}
"""A token longer than this many characters of its script is a clause, not a word."""


def script_of(word: str) -> str:
    """The script of a word's first letter: han, kana, hangul or latin (everything else)."""
    for ch in word:
        if not ch.isalpha():
            continue
        name = unicodedata.name(ch, "")
        if name.startswith("CJK") or "IDEOGRAPH" in name:
            return "han"
        if name.startswith(("HIRAGANA", "KATAKANA")):
            return "kana"
        if name.startswith("HANGUL"):
            return "hangul"
        return "latin"
    return "none"


class Judge:
    """The automatic junk judge of one corpus (see the module docstring)."""

    def __init__(self, language: str, texts: list[str]) -> None:
        import stopwordsiso

        self.function = set(stopwordsiso.stopwords(language)) | set(stopwordsiso.stopwords("en"))
        self.boilerplate = boilerplate_words(texts)

    def junk_word(self, word: str) -> bool:
        w = word.lower()
        script = script_of(w)
        if script == "none" or w in self.function or w in MARKUP or w in self.boilerplate:
            return True
        if len(w) == 1 and script in ("latin", "kana", "hangul"):
            return True
        return len(w) > CLAUSE_CHARS[script]

    def junk_topics(self, topics: list[list[str]]) -> int:
        return sum(sum(self.junk_word(w) for w in words[:8]) >= 5 for words in topics)


SEGMENT = re.compile(r"(?<=[.!?。！？])\s+|\n+")
"""Where a text splits into segments: line breaks and sentence ends."""


def boilerplate_words(texts: list[str], share: float = 0.01) -> set[str]:
    """Words found only in segments (lines or sentences of ≥ 20 characters) repeated verbatim
    in ≥ ``share`` of the documents (at least 5)."""
    seg_docs: Counter[str] = Counter()
    for text in texts:
        seg_docs.update({s.strip() for s in SEGMENT.split(text) if len(s.strip()) >= 20})
    floor = max(5, share * len(texts))
    repeated = {seg for seg, n in seg_docs.items() if n >= floor}
    if not repeated:
        return set()

    def words_in(segments) -> set[str]:
        return {w.lower() for seg in segments for w in re.findall(r"\w+", seg)}

    inside = words_in(repeated)
    outside: set[str] = set()
    for text in texts:
        outside |= words_in(s for s in SEGMENT.split(text) if s.strip() not in repeated)
    return inside - outside


def read_corpus(path: Path) -> tuple[list[str], list[str], list[str]]:
    ids, texts, labels = [], [], []
    with path.open(encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            ids.append(str(row["id"]))
            texts.append(row["text"])
            labels.append(str(row["label"]))
    return ids, texts, labels


def nmi_all(labels: list[str], clusters: list[int]) -> float:
    """NMI over every document; ``-1`` (no term, no topic) is a cluster of its own."""
    from sklearn.metrics import normalized_mutual_info_score

    return float(normalized_mutual_info_score(labels, clusters))


# --- ours -------------------------------------------------------------------------------------


def run_ours(topics: list[str], path: Path, k: int, env: dict, extra: list[str]) -> dict:
    """One ``topics nmf`` run with the defaults; its JSON, doc-topics table and time."""
    with tempfile.TemporaryDirectory() as tmp:
        table = Path(tmp) / "doc_topics.csv"
        command = [*topics, "nmf", "--input", str(path), "--text-field", "text",
                   "--label-field", "label", "--id-field", "id", "--k", str(k), "-f", "json",
                   "--doc-topics", str(table), "--no-cache", *extra]  # fmt: skip
        start = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=tmp)
        seconds = time.perf_counter() - start
        if done.returncode != 0:
            return {"error": done.stderr.strip()[-500:], "seconds": seconds}
        report = json.loads(done.stdout)
        with table.open(encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
    clusters: dict[str, int] = {}
    for row in rows:
        weights = [float(v) for key, v in row.items() if key.startswith("topic_")]
        clusters[row["id"]] = int(np.argmax(weights)) if max(weights) > 0 else -1
    return {
        "seconds": seconds,
        "report": report,
        "clusters": clusters,
        "warnings": [line for line in done.stderr.splitlines() if line.strip()][:10],
    }


# --- the practitioner's recipe ----------------------------------------------------------------


def segmenter(language: str):
    """``text → list of words`` with the language's standard segmenter (None: scikit-learn's
    tokenizer on the raw text)."""
    if language == "zh":
        import jieba

        jieba.setLogLevel(60)
        return lambda text: [w for w in jieba.lcut(text) if w.strip()]
    if language == "ja":
        import fugashi

        tagger = fugashi.Tagger()
        return lambda text: [word.surface for word in tagger(text)]
    if language == "ko":
        from kiwipiepy import Kiwi

        kiwi = Kiwi()
        return lambda text: [token.form for token in kiwi.tokenize(text)]
    return None


def run_recipe(language: str, texts: list[str], k: int) -> dict:
    """The practitioner's recipe (module docstring): top words, clusters and time."""
    import stopwordsiso
    from sklearn.decomposition import NMF
    from sklearn.feature_extraction.text import TfidfVectorizer

    start = time.perf_counter()
    segment = segmenter(language)
    docs = texts if segment is None else [" ".join(segment(t)) for t in texts]
    stop = sorted(stopwordsiso.stopwords(language)) or None
    vectorizer = TfidfVectorizer(min_df=2, max_df=0.95, stop_words=stop)
    X = vectorizer.fit_transform(docs)
    model = NMF(n_components=k, random_state=0)
    W = model.fit_transform(X)
    seconds = time.perf_counter() - start
    terms = vectorizer.get_feature_names_out()
    top = [
        [str(terms[i]) for i in np.argsort(-row, kind="stable")[:8]] for row in model.components_
    ]
    has_terms = np.diff(X.tocsr().indptr) > 0
    clusters = np.where(W.max(axis=1) > 0, W.argmax(axis=1), -1)
    return {
        "seconds": seconds,
        "n_documents": X.shape[0],
        "n_terms": X.shape[1],
        "with_terms": float(has_terms.mean()),
        "topics": top,
        "clusters": clusters.tolist(),
    }


# --- one corpus -------------------------------------------------------------------------------


def evaluate(summary: dict, topics: list[str], env: dict, recipes: dict, extra: list[str]) -> dict:
    path = Path(summary["file"])
    ids, texts, labels = read_corpus(path)
    k, language = summary["labels"], summary["language"]
    judge = Judge(language, texts)
    name = summary["name"]
    if name not in recipes:
        print(f"[{name}] recipe…", file=sys.stderr, flush=True)
        recipes[name] = run_recipe(language, texts, k)
    recipe = recipes[name]
    print(f"[{name}] ours…", file=sys.stderr, flush=True)
    ours = run_ours(topics, path, k, env, extra)
    row = {
        "name": name,
        "language": language,
        "docs": len(texts),
        "k": k,
        "recipe": {
            "n_terms": recipe["n_terms"],
            "with_terms": recipe["with_terms"],
            "nmi": nmi_all(labels, recipe["clusters"]),
            "junk": judge.junk_topics(recipe["topics"]),
            "seconds": recipe["seconds"],
            "topics": recipe["topics"],
        },
    }
    if "error" in ours:
        row["ours"] = {"error": ours["error"], "seconds": ours["seconds"]}
        return row
    report = ours["report"]
    clusters = [ours["clusters"].get(i, -1) for i in ids]
    words = [t["words"] for t in report["topics"]]
    row["ours"] = {
        "n_documents": report["corpus"]["n_documents"],
        "n_terms": report["corpus"]["n_terms"],
        "with_terms": sum(c >= 0 for c in clusters) / len(ids),
        "nmi": nmi_all(labels, clusters),
        "junk": judge.junk_topics(words),
        "junk_topics": [w for w in words if sum(judge.junk_word(x) for x in w[:8]) >= 5],
        "seconds": ours["seconds"],
        "topics": words,
        "c_npmi": report["metrics"].get("c_npmi"),
        "corpus": {key: v for key, v in report["corpus"].items() if key != "path"},
        "warnings": ours["warnings"],
    }
    return row


# --- tables -----------------------------------------------------------------------------------


def table(paths: list[Path]) -> str:
    """The per-language markdown table of one or more result files (before, after…)."""
    runs = [(json.loads(p.read_text())) for p in paths]
    head = ("| corpus | lang | docs | k | terms (recipe) | with terms (recipe) | NMI recipe |"
            + "".join(f" terms {r['label']} | with terms {r['label']} | NMI {r['label']} |"
                      f" junk {r['label']} | time {r['label']} |" for r in runs)
            + " junk recipe | time recipe |")  # fmt: skip
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    names = [row["name"] for row in runs[0]["rows"]]
    for name in names:
        rows = [next((x for x in r["rows"] if x["name"] == name), None) for r in runs]
        first = rows[0]
        rec = first["recipe"]
        cells = [name, first["language"], f"{first['docs']:,}", str(first["k"])]
        cells += [f"{rec['n_terms']:,}", f"{rec['with_terms']:.1%}", f"{rec['nmi']:.3f}"]
        for row in rows:
            ours = (row or {}).get("ours", {"error": "not run"})
            if "error" in ours:
                cells += ["error", "—", "—", "—", f"{ours.get('seconds', 0):.0f} s"]
                continue
            cells += [f"{ours['n_terms']:,}", f"{ours['with_terms']:.1%}", f"{ours['nmi']:.3f}",
                      str(ours["junk"]), f"{ours['seconds']:.1f} s"]  # fmt: skip
        cells += [str(rec["junk"]), f"{rec['seconds']:.1f} s"]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--label", default="ours", help="the column's name (before, after…)")
    parser.add_argument(
        "--topics",
        default=str(ROOT / ".venv" / "bin" / "topics"),
        help="the command that runs topiccli (e.g. 'python -m topiccli')",
    )
    parser.add_argument("--corpora", default="", help="comma-separated names (default: all)")
    parser.add_argument("--out", type=Path, default=CORPORA / "eval.json")
    parser.add_argument("--pythonpath", default=None, help="PYTHONPATH for ours (a frozen copy)")
    parser.add_argument("--extra", default="", help="extra flags for ours, space-separated")
    parser.add_argument("--table", nargs="+", type=Path, help="print the table of result files")
    args = parser.parse_args(argv)
    if args.table:
        print(table(args.table), end="")
        return 0
    summaries = json.loads((CORPORA / "summaries.json").read_text())
    wanted = [n for n in args.corpora.split(",") if n]
    summaries = [s for s in summaries if not wanted or s["name"] in wanted]
    env = dict(os.environ, TOPICS_CACHE="0")
    if args.pythonpath:
        env["PYTHONPATH"] = args.pythonpath
    recipe_file = args.out.parent / "recipe.json"
    recipes = json.loads(recipe_file.read_text()) if recipe_file.exists() else {}
    rows = []
    for summary in summaries:
        rows.append(evaluate(summary, shlex.split(args.topics), env, recipes, args.extra.split()))
        recipe_file.write_text(json.dumps(recipes, ensure_ascii=False))
        args.out.write_text(json.dumps({"label": args.label, "rows": rows}, ensure_ascii=False,
                                       indent=1))  # fmt: skip
    print(table([args.out]), end="")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
