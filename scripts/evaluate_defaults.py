"""The evidence for topiccli's first-run defaults (issue 13): which preprocessing and loss give
topics a newcomer can trust, measured on labelled corpora. Not run by the tests.

For every corpus and candidate setting it vectorizes with scikit-learn (the candidate's token
pattern, contraction handling, stop words and document-frequency bounds), fits
``topiccli.nmf(X, k, loss=..., seed=0)`` at k = the number of labels and scores:

* nmi — scikit-learn's ``normalized_mutual_info_score`` of the labels and each document's
  argmax topic (documents left without terms are left out);
* npmi — the mean sliding-window c_npmi (``topiccli.quality.window_coherence``, gensim's
  definition, window 10) of the topics' top 10 words, counted on one reference tokenization
  for every candidate (scikit-learn's default pattern, English stop words), so candidates are
  compared on the same windows;
* div — the share of distinct words among all topics' top 10 words;
* junk — topics that look like junk: most (≥ 5) of the top 8 words are not words (numbers,
  digit–letter strings, 1–2 letter fragments), or the topic is the argmax of under 0.5% of the
  documents;
* mixed (sample essays only) — topics whose top 6 words belong to two or more themes (a word
  belongs to a theme when ≥ 60% of its occurrences are in that theme's essays).

Also: scikit-learn's ``NMF(k, random_state=0)`` on TF-IDF (min_df 2, max_df 0.95), the
target to match; and k chosen by stability under resampling
(``topiccli.quality.resampling``) over k = 2…10, with its run time.

Usage (the 20 Newsgroups corpora need the archive imported into a data home):

    nice .venv/bin/python scripts/evaluate_defaults.py --data-home /tmp/q-sklearn-data \
        --out scripts/evaluate_defaults.json
    nice .venv/bin/python scripts/evaluate_defaults.py --data-home /tmp/q-sklearn-data \
        --stability --out scripts/evaluate_stability.json

Nothing from the corpora is written, only the scores and top words of synthetic and essay
topics.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
import time
import warnings
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DEFAULT_PATTERN = r"(?u)\b\w\w+\b"
WORDS_PATTERN = r"(?u)\b[^\W\d_][^\W\d_]+\b"
"""Two or more letters: no pure numbers, no digit–letter mixes (x11r5, 3d, 1993apr)."""
_CONTRACTION = re.compile(r"(?<=[^\W\d_])(?:n['’]t|['’](?:s|ll|ve|re|d|m))\b")
_IRREGULAR = {"can't": "can", "can’t": "can", "won't": "will", "won’t": "will"}
EXTRA_STOP = [
    *("just", "like", "know", "think", "does", "did", "said", "say", "says", "mr", "really"),
    *("got", "going", "want", "ve", "ll", "don", "doesn", "didn", "isn"),
]

NEWSGROUPS = {
    "20NG-5": ("comp.graphics", "rec.sport.hockey", "sci.med", "talk.politics.mideast",
               "soc.religion.christian"),
    "20NG-3": ("rec.autos", "sci.space", "comp.sys.mac.hardware"),
    "20NG-8": ("alt.atheism", "comp.windows.x", "misc.forsale", "rec.motorcycles",
               "rec.sport.baseball", "sci.crypt", "sci.electronics", "talk.politics.guns"),
    "20NG-4junk": ("comp.os.ms-windows.misc", "sci.crypt", "talk.politics.guns",
                   "comp.sys.mac.hardware"),
}  # fmt: skip
"""Train and test posts ("all"), headers, footers and quotes removed. 20NG-4junk holds most of
the uuencoded posts (the 14-part bitmap, executables, a GIF, an encrypted tar)."""


def strip_contractions(text: str) -> str:
    """Lowercase, then drop English contraction suffixes: don't → do, it's → it, we'll → we."""
    text = text.lower()
    for whole, base in _IRREGULAR.items():
        text = text.replace(whole, base)
    return _CONTRACTION.sub("", text)


@dataclass(frozen=True)
class Setting:
    pattern: str = DEFAULT_PATTERN
    contractions: bool = False
    min_df: str = "1"
    """"1", "2" or "scaled": max(2, ⌈0.0005·n⌉)."""
    max_df: float = 1.0
    kind: str = "count"
    loss: str = "kl"
    extra_stop: bool = False
    junk: bool = False
    topiccli: tuple = ()
    """Not empty: vectorize with topiccli's own Vectorizer, ``VectorizerSettings`` with these
    (field, value) pairs over its defaults (``(("clean", "none"),)``); the fields above but
    ``loss`` and ``junk`` are then ignored. ``(("defaults", True),)``: the defaults alone."""

    def min_df_for(self, n: int) -> int:
        return max(2, math.ceil(0.0005 * n)) if self.min_df == "scaled" else int(self.min_df)


TODAY = Setting()
"""topiccli's defaults today: Count, \\w\\w+, min_df 1, max_df 1.0, KL (DEFAULT_LOSS)."""
WORDS = replace(TODAY, pattern=WORDS_PATTERN, contractions=True)
PROPOSED = Setting(WORDS_PATTERN, True, "scaled", 0.5, "tfidf", "kl", False, True)
SETTINGS = {
    "today (count, \\w\\w+, df 1/1.0, kl)": TODAY,
    "today, frobenius": replace(TODAY, loss="frobenius"),
    "words pattern": replace(TODAY, pattern=WORDS_PATTERN),
    "words + contractions": WORDS,
    "words+c, min_df 2": replace(WORDS, min_df="2"),
    "words+c, min_df scaled": replace(WORDS, min_df="scaled"),
    "words+c, scaled, max_df 0.95": replace(WORDS, min_df="scaled", max_df=0.95),
    "words+c, scaled, max_df 0.5": replace(WORDS, min_df="scaled", max_df=0.5),
    "words+c, scaled, 0.5, tfidf": replace(WORDS, min_df="scaled", max_df=0.5, kind="tfidf"),
    "proposed: words+c, scaled, 0.5, tfidf, kl, junk": PROPOSED,
    "proposed, frobenius": replace(PROPOSED, loss="frobenius"),
    "proposed, count": replace(PROPOSED, kind="count"),
    "proposed, max_df 0.95": replace(PROPOSED, max_df=0.95),
    "proposed, no junk filter": replace(PROPOSED, junk=False),
    "proposed + extra stop words": replace(PROPOSED, extra_stop=True),
    "proposed, \\w\\w+ pattern": replace(PROPOSED, pattern=DEFAULT_PATTERN, contractions=False),
    "topiccli defaults": Setting(kind="tfidf", junk=True, topiccli=(("defaults", True),)),
    "topiccli defaults, --clean none": Setting(
        kind="tfidf", junk=True, topiccli=(("clean", "none"),)
    ),
    "topiccli defaults, --clean nfkc+markup+links": Setting(
        kind="tfidf", junk=True, topiccli=(("clean", "nfkc+markup+links"),)
    ),
    "topiccli defaults, --plurals fold": Setting(
        kind="tfidf", junk=True, topiccli=(("plurals", "fold"),)
    ),
    "topiccli defaults, --plurals keep": Setting(
        kind="tfidf", junk=True, topiccli=(("plurals", "keep"),)
    ),
    "topiccli defaults, --clean none --plurals keep": Setting(
        kind="tfidf", junk=True, topiccli=(("clean", "none"), ("plurals", "keep"))
    ),
}
"""The topiccli settings (issue 21) measure its own vectorizer, cleaning included: run this
script from two trees (before and after a change) to compare its defaults."""


# ----------------------------------------------------------------------------- corpora


def corpora(data_home: Path | None, names: list[str] | None):
    """(name, texts, labels, k) for each labelled corpus."""
    from topiccli.corpus import load_folder, load_newsgroups
    from topiccli.corpus.synthetic import planted

    chosen = names or [*NEWSGROUPS, "essays", "planted-5", "planted-8"]
    for name in chosen:
        if name in NEWSGROUPS:
            if data_home is None:
                continue
            corpus = load_newsgroups(NEWSGROUPS[name], "all", data_home=data_home)
            yield name, corpus.texts, list(corpus.labels), len(NEWSGROUPS[name])
        elif name == "essays":
            corpus = load_folder(ROOT / "sample_corpora" / "essays")
            yield name, corpus.texts, list(corpus.labels), 6
        elif name.startswith("planted-"):
            k = int(name.split("-")[1])
            # noisy: a third of each document's words from the shared background
            corpus = planted(1500, k, purity=0.65, doc_length=80, seed=k)
            yield name, corpus.texts, [f"t{x}" for x in corpus.labels], k


# ----------------------------------------------------------------------------- one run


def vectorize(texts, setting: Setting):
    if setting.topiccli:
        from topiccli.specs import VectorizerSettings
        from topiccli.text.vectorize import vectorize as topiccli_vectorize

        overrides = {k: v for k, v in setting.topiccli if k != "defaults"}
        dt = topiccli_vectorize(list(texts), VectorizerSettings(**overrides))
        return dt.X, dt.terms
    from sklearn.feature_extraction.text import (
        ENGLISH_STOP_WORDS,
        CountVectorizer,
        TfidfVectorizer,
    )

    stop = sorted(ENGLISH_STOP_WORDS | set(EXTRA_STOP)) if setting.extra_stop else "english"
    cls = TfidfVectorizer if setting.kind == "tfidf" else CountVectorizer
    vectorizer = cls(
        token_pattern=setting.pattern,
        preprocessor=strip_contractions if setting.contractions else None,
        stop_words=stop,
        min_df=setting.min_df_for(len(texts)),
        max_df=setting.max_df,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # stop words vs. the preprocessor: expected
        X = vectorizer.fit_transform(texts).tocsr().astype(np.float64)
    return X, vectorizer.get_feature_names_out()


_NOT_WORD = re.compile(r"^(?:\d+|.{1,2}|.*\d.*)$")


def junk_topics(top_words: list[list[str]], winners: np.ndarray, n_docs: int) -> int:
    sizes = np.bincount(winners[winners >= 0], minlength=len(top_words))
    count = 0
    for t, words in enumerate(top_words):
        not_words = sum(bool(_NOT_WORD.match(w)) for w in words[:8])
        if not_words >= 5 or sizes[t] < 0.005 * n_docs:
            count += 1
    return count


def theme_of_words(texts, labels) -> dict[str, str]:
    """word → theme, for words with ≥ 60% of their occurrences in one theme's documents."""
    from collections import Counter, defaultdict

    from topiccli.quality.window_coherence import analyzer_tokens

    by_word: dict[str, Counter] = defaultdict(Counter)
    for tokens, label in zip(analyzer_tokens(texts, stop_words=None), labels):
        for w in tokens:
            by_word[w][label] += 1
    themes = {}
    for w, counts in by_word.items():
        label, top = counts.most_common(1)[0]
        if top >= 0.6 * sum(counts.values()) and sum(counts.values()) >= 3:
            themes[w] = label
    return themes


def mixed_topics(top_words, themes) -> int:
    return sum(len({themes[w] for w in words[:6] if w in themes}) >= 2 for words in top_words)


def top_terms(H: np.ndarray, terms, n: int = 10) -> list[list[str]]:
    order = np.argsort(-H, axis=1, kind="stable")[:, :n]
    return [[str(terms[j]) for j in row] for row in order]


def score(W, H, X, terms, labels, ref_tokens, themes=None) -> dict:
    from sklearn.metrics import normalized_mutual_info_score

    from topiccli.quality.coherence import diversity
    from topiccli.quality.window_coherence import c_npmi

    winners = np.argmax(W, axis=1)
    winners[np.diff(X.indptr) == 0] = -1
    keep = winners >= 0
    words = top_terms(H, terms)
    npmi = [s for s in c_npmi(ref_tokens, words) if not math.isnan(s)]
    row = {
        "nmi": float(normalized_mutual_info_score(np.asarray(labels)[keep], winners[keep])),
        "npmi": float(np.mean(npmi)) if npmi else float("nan"),
        "div": diversity(words),
        "junk": junk_topics(words, winners, X.shape[0]),
        "vocabulary": int(X.shape[1]),
        "top_words": [w[:8] for w in words],
    }
    if themes is not None:
        row["mixed"] = mixed_topics(words, themes)
    return row


def run_setting(texts, labels, k, setting: Setting, junk: set[int], ref_tokens, themes):
    from topiccli import nmf

    keep = [i for i in range(len(texts)) if not (setting.junk and i in junk)]
    X, terms = vectorize([texts[i] for i in keep], setting)
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fitted = nmf(X, k, loss=setting.loss, seed=0)
    seconds = time.perf_counter() - start
    row = score(fitted.W, fitted.H, X, terms, [labels[i] for i in keep],
                [ref_tokens[i] for i in keep], themes)  # fmt: skip
    row["fit_s"] = seconds
    return row


def run_sklearn(texts, labels, k, ref_tokens, themes):
    from sklearn.decomposition import NMF
    from sklearn.feature_extraction.text import TfidfVectorizer

    X = TfidfVectorizer(stop_words="english", min_df=2, max_df=0.95).fit_transform(texts)
    X = X.tocsr()
    terms = TfidfVectorizer(stop_words="english", min_df=2, max_df=0.95).fit(texts)
    terms = terms.get_feature_names_out()
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = NMF(k, random_state=0)
        W = model.fit_transform(X)
    seconds = time.perf_counter() - start
    row = score(W, model.components_, X, terms, labels, ref_tokens, themes)
    row["fit_s"] = seconds
    return row


# ----------------------------------------------------------------------------- stability


def stability(texts, labels, k_true, setting: Setting, n_samples: int, max_docs: int, loss: str):
    from topiccli.corpus.junk import junk_documents
    from topiccli.quality.resampling import nmf_top_terms, recommend, stability_by_resampling

    rng = np.random.default_rng(0)
    index = np.arange(len(texts))
    if len(texts) > max_docs:
        index = np.sort(rng.choice(len(texts), max_docs, replace=False))
    chosen = [texts[i] for i in index]
    junk = junk_documents(chosen) if setting.junk else {}
    chosen = [t for i, t in enumerate(chosen) if i not in junk]
    X, terms = vectorize(chosen, setting)
    fit = nmf_top_terms(terms, loss=loss, init="random")
    start = time.perf_counter()
    rows = stability_by_resampling(X, range(2, 11), fit, n_samples=n_samples)
    seconds = time.perf_counter() - start
    best = recommend(rows)
    return {
        "n_docs": X.shape[0],
        "k_true": k_true,
        "recommended": best,
        "within_1": abs(best - k_true) <= 1,
        "seconds": seconds,
        "agreement": {
            r["k"]: [round(r["agreement"], 3), round(r["agreement_std"], 3)] for r in rows
        },  # fmt: skip
    }


# ----------------------------------------------------------------------------- main


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-home", type=Path)
    parser.add_argument("--corpora", help="comma-separated names (default: all)")
    parser.add_argument("--settings", help="comma-separated setting names (default: all)")
    parser.add_argument("--stability", action="store_true", help="run the k-selection part")
    parser.add_argument("--samples", default="5,10", help="stability subsamples to try")
    parser.add_argument("--losses", default="frobenius,kl", help="stability: NMF losses")
    parser.add_argument("--max-docs", type=int, default=2000)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)

    from topiccli.corpus.junk import junk_documents
    from topiccli.quality.window_coherence import analyzer_tokens

    names = args.corpora.split(",") if args.corpora else None
    wanted = args.settings.split("|") if args.settings else list(SETTINGS)
    results = {"settings": {n: asdict(SETTINGS[n]) for n in wanted}, "runs": []}
    for name, texts, labels, k in corpora(args.data_home, names):
        print(f"== {name}: {len(texts)} documents, k = {k}", flush=True)
        if args.stability:
            for n_samples in [int(s) for s in args.samples.split(",")]:
                for loss in args.losses.split(","):
                    row = stability(texts, labels, k, PROPOSED, n_samples, args.max_docs, loss)
                    row.update(corpus=name, n_samples=n_samples, loss=loss)
                    print(json.dumps(row), flush=True)
                    results["runs"].append(row)
            continue
        junk = set(junk_documents(texts))
        ref_tokens = analyzer_tokens(texts)
        themes = theme_of_words(texts, labels) if name == "essays" else None
        ks = [k, k - 1] if name == "essays" else [k]
        for k_run in ks:
            row = run_sklearn(texts, labels, k_run, ref_tokens, themes)
            row.update(corpus=name, k=k_run, setting="scikit-learn NMF(k), tfidf 2/0.95",
                       n_docs=len(texts), n_junk=len(junk))  # fmt: skip
            results["runs"].append(row)
            print(_line(row), flush=True)
            for setting_name in wanted:
                row = run_setting(texts, labels, k_run, SETTINGS[setting_name], junk,
                                  ref_tokens, themes)  # fmt: skip
                row.update(corpus=name, k=k_run, setting=setting_name, n_docs=len(texts),
                           n_junk=len(junk))  # fmt: skip
                results["runs"].append(row)
                print(_line(row), flush=True)
    args.out.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    return 0


def _line(row: dict) -> str:
    mixed = f" mixed {row['mixed']}" if "mixed" in row else ""
    return (
        f"{row['corpus']:>11} k={row['k']} {row['setting'][:48]:<48} nmi {row['nmi']:.3f} "
        f"npmi {row['npmi']:+.3f} div {row['div']:.2f} junk {row['junk']}{mixed} "
        f"V {row['vocabulary']} {row['fit_s']:.1f}s"
    )


if __name__ == "__main__":
    raise SystemExit(main())
