"""Evidence for the sweep's recommended-k rule (issue 13): agreement curves on labelled corpora.

For each labelled corpus this fits what ``topics sweep`` fits by default (the default
vectorizer, k = 2…10, ``--samples`` subsamples of 80%) and stores, per k, every subsample's
agreement with the reference fit, under two reference choices:

* ``random``: the reference is a random-start fit (seed 0) on all documents;
* ``nndsvd``: the reference is the deterministic NNDSVD fit on all documents (Greene et al.'s
  choice), the subsamples still from random starts.

It also stores each k's label NMI of the reference fit, so a rule can be judged against the
truth. ``--rules`` then prints, for each stored run, the k that each candidate rule picks
(see ``RULES``). The corpora: 20NG selections of 3–8 groups from distinct families
(``FAMILIES``), seeded, from train and from test; the tutorial's four groups; the sample
essays; planted corpora. The JSON holds numbers only (no post text); never commit it.

    python scripts/evaluate_k.py --data-home /tmp/q-sklearn-data --out /tmp/k.json
    python scripts/evaluate_k.py --rules /tmp/k.json
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

FAMILIES = (
    ("comp.graphics", "comp.os.ms-windows.misc", "comp.sys.ibm.pc.hardware",
     "comp.sys.mac.hardware", "comp.windows.x"),
    ("rec.autos", "rec.motorcycles"),
    ("rec.sport.baseball", "rec.sport.hockey"),
    ("sci.crypt",), ("sci.electronics",), ("sci.med",), ("sci.space",),
    ("talk.politics.guns", "talk.politics.mideast", "talk.politics.misc"),
    ("alt.atheism", "soc.religion.christian", "talk.religion.misc"),
    ("misc.forsale",),
)  # fmt: skip
"""Groups of one family overlap in vocabulary; a selection takes at most one of each."""

TUTORIAL = ("alt.atheism", "talk.religion.misc", "comp.graphics", "sci.space")


def selections(seed: int = 2026) -> list[tuple[str, tuple[str, ...], str]]:
    """(name, groups, subset): sizes 3–8 from distinct families, once from train, once from
    test, plus the tutorial's four groups (train)."""
    rng = np.random.default_rng(seed)
    chosen = [("tutorial-4", TUTORIAL, "train")]
    for subset in ("train", "test"):
        for size in range(3, 9):
            families = rng.choice(len(FAMILIES), size=size, replace=False)
            groups = tuple(sorted(str(rng.choice(FAMILIES[f])) for f in families))
            chosen.append((f"{subset}-{size}", groups, subset))
    return chosen


def corpora(data_home: str | None, names: list[str] | None, extra: str | None = None):
    """(name, texts, labels, number of labels, groups): the 16 corpora of issue 13, then
    short texts (20NG subject lines and first sentences, planted short documents), a larger
    planted k, all 20 groups, and the labelled corpora listed in ``extra`` (a JSON file of
    ``{"name", "path"}`` entries, each path a JSONL of ``text``/``label`` records built
    outside the repository; ``"segment": "bigrams"`` splits Chinese and Japanese text into
    overlapping character bigrams first, as a segmenter-less tokenizer would)."""
    from topiccli.corpus import load_folder, load_newsgroups
    from topiccli.corpus.junk import drop_junk
    from topiccli.corpus.synthetic import planted

    wanted = set(names) if names else None

    def take(name):
        return wanted is None or name in wanted

    for name, groups, subset in selections() if data_home else []:
        if take(name):
            corpus = drop_junk(load_newsgroups(list(groups), subset, data_home=data_home))
            yield name, corpus.texts, list(corpus.labels), len(groups), list(groups)
    for name in ("essays", "planted-5", "planted-8", "planted-10", "planted-short-4",
                 "planted-short-6"):  # fmt: skip
        if not take(name):
            continue
        if name == "essays":
            corpus = load_folder(ROOT / "sample_corpora" / "essays")
            yield name, corpus.texts, list(corpus.labels), 6, []
        else:
            k = int(name.rsplit("-", 1)[1])
            short = "short" in name
            corpus = planted(3000 if short else 1500, k, purity=0.8 if short else 0.65,
                             doc_length=8 if short else 80, seed=k)  # fmt: skip
            yield name, corpus.texts, [f"t{x}" for x in corpus.labels], k, []
    if data_home:
        for name, groups, subset in short_selections():
            if take(name):
                texts, labels = short_texts(name, groups, subset, data_home)
                yield name, texts, labels, len(groups), list(groups)
        if take("all-20"):
            corpus = drop_junk(load_newsgroups(None, "train", data_home=data_home))
            yield "all-20", corpus.texts, list(corpus.labels), 20, []
    for entry in json.loads(Path(extra).read_text()) if extra else []:
        if take(entry["name"]):
            lines = Path(entry["path"]).read_text(encoding="utf-8").splitlines()
            records = [json.loads(line) for line in lines if line.strip()]
            texts = [r["text"] for r in records]
            if entry.get("segment") == "bigrams":
                texts = [cjk_bigrams(t) for t in texts]
            labels = [r["label"] for r in records]
            yield entry["name"], texts, labels, len(set(labels)), []


def cjk_bigrams(text: str) -> str:
    """Each run of CJK characters (Han, kana, Hangul) as its overlapping character bigrams."""
    import re

    def pairs(match):
        run = match.group(0)
        return " " + " ".join(run[i : i + 2] for i in range(max(1, len(run) - 1))) + " "

    return re.sub(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]+", pairs, text)


def short_selections(seed: int = 7) -> list[tuple[str, tuple[str, ...], str]]:
    """Short-text corpora: subject lines of 4, 6 and 8 groups (train), first sentences of
    4 and 6 groups (test); groups from distinct families, drawn with another seed."""
    rng = np.random.default_rng(seed)
    chosen = []
    for kind, subset, sizes in (("subjects", "train", (4, 6, 8)), ("firsts", "test", (4, 6))):
        for size in sizes:
            families = rng.choice(len(FAMILIES), size=size, replace=False)
            groups = tuple(sorted(str(rng.choice(FAMILIES[f])) for f in families))
            chosen.append((f"{kind}-{size}", groups, subset))
    return chosen


def short_texts(name: str, groups, subset: str, data_home: str):
    """A post's subject line (``Re:`` prefixes dropped) or its body's first sentence of at
    least 4 words; posts with nothing left are skipped."""
    import re

    from topiccli.corpus import load_newsgroups

    texts, labels = [], []
    if name.startswith("subjects"):
        corpus = load_newsgroups(list(groups), subset, remove=(), data_home=data_home)
        for text, label in zip(corpus.texts, corpus.labels):
            found = re.search(r"^Subject:(.*)$", text, flags=re.MULTILINE)
            line = re.sub(r"^(\s*re\s*:\s*)+", "", found.group(1), flags=re.I) if found else ""
            if line.strip():
                texts.append(line.strip())
                labels.append(label)
    else:
        corpus = load_newsgroups(list(groups), subset, data_home=data_home)
        for text, label in zip(corpus.texts, corpus.labels):
            for sentence in re.split(r"(?<=[.!?])\s+", " ".join(text.split())):
                if len(sentence.split()) >= 4:
                    texts.append(sentence)
                    labels.append(label)
                    break
    return texts, labels


def curves(X, terms, labels, ks, samples: int, variants=("nndsvd",)) -> dict:
    """Per k and variant: the reference fit's label NMI and each subsample's agreement
    (``random``: random-start reference; ``nndsvd``: NNDSVD reference, the sweep's; both
    with random-start subsamples; ``nndsvd2``: NNDSVD for the subsamples too)."""
    from scipy.optimize import linear_sum_assignment
    from sklearn.metrics import normalized_mutual_info_score

    from topiccli.errors import ConvergenceWarning
    from topiccli.factorize import nmf
    from topiccli.quality.resampling import aj_matrix, subsample
    from topiccli.specs import REFIT_TOL

    vocabulary = np.asarray(terms)

    def fit(M, k, seed, init):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            result = nmf(M, k, seed=seed, loss="frobenius", init=init, tol=REFIT_TOL)
        order = np.argsort(-np.asarray(result.H), axis=1, kind="stable")[:, :20]
        return result, [[str(w) for w in vocabulary[row]] for row in order]

    rng = np.random.default_rng(0)
    chosen = [subsample(X.shape[0], 0.8, rng) for _ in range(samples)]
    out = {}
    for k in ks:
        reference = {"nndsvd": fit(X, k, 0, None)}
        if "random" in variants:
            reference["random"] = fit(X, k, 0, "random")
        random_starts = [fit(X[rows], k, 1 + i, "random")[1] for i, rows in enumerate(chosen)]
        others = {"random": random_starts, "nndsvd": random_starts}
        if "nndsvd2" in variants:
            others["nndsvd2"] = [fit(X[rows], k, 0, None)[1] for rows in chosen]
        row = {}
        for name in variants:
            result, top = reference["random" if name == "random" else "nndsvd"]
            winners = np.asarray(result.W).argmax(axis=1)
            topics = []  # per sample: each reference topic's matched Average Jaccard
            for other in others[name]:
                table = aj_matrix(top, other)
                r, c = linear_sum_assignment(table, maximize=True)
                matched = np.zeros(len(top))
                matched[r] = table[r, c]
                topics.append(matched.tolist())
            row[name] = {
                "nmi": float(normalized_mutual_info_score(labels, winners)),
                "samples": [float(np.mean(t)) for t in topics],
                "topics": topics,
                "shares": np.bincount(winners, minlength=k).tolist(),
            }
        out[str(k)] = row
    return out


def collect(args) -> int:
    from topiccli.specs import VectorizerSettings
    from topiccli.text.vectorize import Vectorizer

    out = Path(args.out)
    results = json.loads(out.read_text()) if out.exists() else []
    done = {r["name"] for r in results}
    for name, texts, labels, n_labels, groups in corpora(args.data_home, args.corpora,
                                                         args.extra):  # fmt: skip
        if name in done:
            continue
        start = time.perf_counter()
        dt = Vectorizer(VectorizerSettings()).fit_transform(texts)
        top = max(args.ks[-1], n_labels + 2)
        ks = list(range(args.ks[0], top + 1, 2 if top > 14 else 1))
        found = curves(dt.X, dt.terms, labels, ks, args.samples, args.variants)
        seconds = time.perf_counter() - start
        results.append({"name": name, "groups": groups, "labels": n_labels,
                        "docs": dt.X.shape[0], "terms": dt.X.shape[1], "seconds": seconds,
                        "curves": found})  # fmt: skip
        print(f"{name}: {dt.X.shape[0]} docs, {n_labels} labels, {seconds:.1f} s", flush=True)
        out.write_text(json.dumps(results, indent=1))
    return 0


def reference_fits(args) -> int:
    """``--refs DIR``: the sweep's reference fit (NNDSVD, Frobenius HALS, all documents) at
    each k of the stored curves, saved as DIR/NAME.npz (``H{k}``, ``W{k}``, the relative
    residual ``err{k}``; numbers only), for evidence computed from the fits across k."""
    from topiccli.errors import ConvergenceWarning
    from topiccli.factorize import nmf
    from topiccli.specs import REFIT_TOL, VectorizerSettings
    from topiccli.text.vectorize import Vectorizer

    runs = {r["name"]: r for p in args.refs_of.split(",") for r in json.loads(Path(p).read_text())}
    folder = Path(args.refs)
    folder.mkdir(parents=True, exist_ok=True)
    for name, texts, labels, n_labels, _ in corpora(args.data_home, args.corpora, args.extra):
        target = folder / f"{name}.npz"
        if target.exists() or name not in runs:
            continue
        start = time.perf_counter()
        dt = Vectorizer(VectorizerSettings()).fit_transform(texts)
        ks = sorted(int(k) for k in runs[name]["curves"])
        step = ks[1] - ks[0]
        arrays = {}
        norm = float(np.sqrt(dt.X.multiply(dt.X).sum()))
        for k in ks + [ks[-1] + step]:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                result = nmf(dt.X, k, seed=0, loss="frobenius", init=None, tol=REFIT_TOL)
            W, H = np.asarray(result.W), np.asarray(result.H)
            arrays[f"H{k}"], arrays[f"W{k}"] = H.astype(np.float32), W.astype(np.float32)
            cross = float(np.sum(np.asarray(dt.X.T @ W).T * H))
            square = norm**2 - 2 * cross + float(np.sum((W.T @ W) * (H @ H.T)))
            arrays[f"err{k}"] = np.float64(np.sqrt(max(square, 0.0)) / norm)
        np.savez_compressed(target, labels=np.asarray(labels, dtype=str), **arrays)
        print(f"{name}: {len(ks) + 1} fits, {time.perf_counter() - start:.1f} s", flush=True)
    return 0


# --------------------------------------------------------------------------- candidate rules


def _stats(curve: dict, reference: str):
    ks = sorted(int(k) for k in curve)
    values = [np.asarray(curve[str(k)][reference]["samples"]) for k in ks]
    return ks, np.array([v.mean() for v in values]), np.array([v.std() for v in values]), values


def argmax_rule(curve, reference):
    ks, mean, _, _ = _stats(curve, reference)
    return ks[int(np.argmax(mean))]


def largest_within_std(curve, reference):
    """The largest k whose mean is within one (the larger) std of the best mean."""
    ks, mean, std, _ = _stats(curve, reference)
    best = int(np.argmax(mean))
    close = [i for i in range(len(ks)) if mean[best] - mean[i] <= max(std[best], std[i])]
    return ks[max(close)]


def largest_within_se(curve, reference):
    """The largest k whose mean is within two standard errors of the difference."""
    ks, mean, _, values = _stats(curve, reference)
    best = int(np.argmax(mean))
    close = []
    for i in range(len(ks)):
        diff = values[best] - values[i]  # paired: the same subsamples for every k
        se = diff.std(ddof=1) / np.sqrt(len(diff)) if len(diff) > 1 else 0.0
        if diff.mean() <= 2 * se:
            close.append(i)
    return ks[max(close)]


def argmax_above_two(curve, reference):
    ks, mean, _, _ = _stats(curve, reference)
    return ks[1 + int(np.argmax(mean[1:]))]


def best_nmi(curve, reference):
    ks = sorted(int(k) for k in curve)
    return ks[int(np.argmax([curve[str(k)][reference]["nmi"] for k in ks]))]


def stable_topics(curve, reference, k, threshold):
    """How many of k's reference topics come back: mean matched AJ over samples ≥ threshold."""
    per_topic = np.mean(np.asarray(curve[str(k)][reference]["topics"]), axis=0)
    return int((per_topic >= threshold).sum())


def most_stable_topics(threshold):
    def rule(curve, reference):
        ks = sorted(int(k) for k in curve)
        counts = [stable_topics(curve, reference, k, threshold) for k in ks]
        return ks[int(np.argmax(counts))]

    rule.__doc__ = f"The smallest k with the most topics of mean matched AJ ≥ {threshold}."
    return rule


RULES = {
    "argmax": argmax_rule,
    "largest within std": largest_within_std,
    "largest within 2 SE (paired)": largest_within_se,
    "argmax over k ≥ 3": argmax_above_two,
    **{f"most stable topics ≥{t}": most_stable_topics(t) for t in (0.4, 0.5, 0.6, 0.7)},
    "(k of best NMI)": best_nmi,
}


def report(path: str) -> int:
    results = json.loads(Path(path).read_text())
    for reference in ("random", "nndsvd", "nndsvd2"):
        print(f"\n## reference: {reference}\n")
        print("| corpus | docs | labels | " + " | ".join(RULES) + " | agreement mean±std by k |")
        print("|---" * (4 + len(RULES)) + "|")
        hits = dict.fromkeys(RULES, 0)
        for run in results:
            picks = {name: rule(run["curves"], reference) for name, rule in RULES.items()}
            cells = []
            for name, k in picks.items():
                ok = abs(k - run["labels"]) <= 1
                hits[name] += ok
                cells.append(f"{k}" if ok else f"**{k}**")
            ks, mean, std, _ = _stats(run["curves"], reference)
            shape = " ".join(f"{k}:{m:.2f}±{s:.2f}" for k, m, s in zip(ks, mean, std))
            print(f"| {run['name']} | {run['docs']} | {run['labels']} | "
                  + " | ".join(cells) + f" | {shape} |")  # fmt: skip
        totals = " | ".join(f"{hits[n]}/{len(results)}" for n in RULES)
        print(f"| within ±1 | | | {totals} | |")
    return 0


TUNE = ("tutorial-4", "train-", "essays", "planted-5", "planted-8", "subjects-6", "subjects-8",
        "firsts-4", "en_bbc", "de_gnad")  # fmt: skip
"""The corpora the advice's constants were chosen on; the others only check them."""


def kind(name: str) -> str:
    """English, short (subject lines, first sentences, planted short), non-English (German,
    and Korean, Chinese, Japanese headlines or news), planted."""
    if name[:3] in ("de_", "ko_", "zh_", "ja_"):
        return "non-English"
    if name.startswith(("subjects", "firsts", "planted-short")) or name.endswith("titles"):
        return "short"
    return "planted" if name.startswith("planted") else "English"


def advice_row(run: dict) -> dict:
    """Today's pick (argmax) and the advice (quality.advice) on one stored run."""
    from topiccli.quality.advice import advise

    ks = sorted(int(k) for k in run["curves"])
    samples = [run["curves"][str(k)]["nndsvd"]["samples"] for k in ks]
    means = [float(np.mean(s)) for s in samples]
    argmax = ks[int(np.argmax(means))]
    advice = advise(ks, samples)
    label = run["labels"]
    width = None
    verdict = "no clear k"
    if advice.verdict == "range":
        lo, hi = advice.k_range
        width = hi - lo + 1
        ok = lo - 1 <= label <= hi + 1
        verdict = f"{lo}–{hi}" if lo != hi else f"{lo}"
        verdict = verdict if ok else f"**{verdict}** (contradicted)"
    return {
        "name": run["name"], "set": "tune" if run["name"].startswith(TUNE) else "check",
        "kind": kind(run["name"]), "docs": run["docs"], "labels": label, "argmax": argmax,
        "before_ok": abs(argmax - label) <= 1, "advice": advice, "verdict": verdict,
        "width": width, "contradicted": verdict.endswith("(contradicted)"),
        "curve": " ".join(f"{k}:{m:.2f}" for k, m in zip(ks, means)),
    }  # fmt: skip


def advice_report(paths: str) -> int:
    """The before/after table of scripts/evaluate_k.md from stored runs (comma-separated)."""
    runs = [run for path in paths.split(",") for run in json.loads(Path(path).read_text())]
    rows = [advice_row(run) for run in runs]
    print("| corpus | set | kind | docs | labels | before: recommended k | after: advice | "
          "width | agreement by k |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        before = f"{r['argmax']}" if r["before_ok"] else f"**{r['argmax']}** (contradicted)"
        print(f"| {r['name']} | {r['set']} | {r['kind']} | {r['docs']} | {r['labels']} | "
              f"{before} | {r['verdict']} | {r['width'] or ''} | {r['curve']} |")  # fmt: skip
    print("\n| corpora | n | before: contradicted | before: hits (±1) | after: contradicted | "
          "after: hits (range ∋ labels ±1) | after: no clear k | after: informative (≤ 4 k) | "
          "after: mean width |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|")
    groups = [("all", rows), ("tune", [r for r in rows if r["set"] == "tune"]),
              ("check", [r for r in rows if r["set"] == "check"])]  # fmt: skip
    groups += [(k, [r for r in rows if r["kind"] == k])
               for k in ("English", "short", "non-English", "planted")]  # fmt: skip
    for name, part in groups:
        if not part:
            continue
        n = len(part)
        ranged = [r for r in part if r["width"] is not None]
        informative = [r for r in ranged if r["width"] <= 4 and not r["contradicted"]]
        width = f"{np.mean([r['width'] for r in ranged]):.1f}" if ranged else "—"
        print(f"| {name} | {n} | {sum(not r['before_ok'] for r in part)} | "
              f"{sum(r['before_ok'] for r in part)} | {sum(r['contradicted'] for r in part)} | "
              f"{len(ranged) - sum(r['contradicted'] for r in ranged)} | {n - len(ranged)} | "
              f"{len(informative)} ({len(informative) / n:.0%}) | {width} |")  # fmt: skip
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-home")
    parser.add_argument("--corpora", type=lambda s: s.split(","))
    parser.add_argument("--samples", type=int, default=10)
    parser.add_argument("--out", default="k_curves.json")
    parser.add_argument("--ks", type=lambda s: [int(x) for x in s.split(":")], default=[2, 12])
    parser.add_argument("--variants", type=lambda s: tuple(s.split(",")), default=("nndsvd",))
    parser.add_argument("--extra", help="JSON list of extra labelled JSONL corpora")
    parser.add_argument("--rules", metavar="JSON", help="print the rules' picks from a run")
    parser.add_argument("--advice", metavar="JSON[,JSON]", help="the advice's before/after table")
    parser.add_argument("--refs", metavar="DIR", help="save the reference fits at each k")
    parser.add_argument("--refs-of", metavar="JSON[,JSON]", help="stored curves (their ks)")
    args = parser.parse_args(argv)
    if args.refs:
        return reference_fits(args)
    if args.advice:
        return advice_report(args.advice)
    return report(args.rules) if args.rules else collect(args)


if __name__ == "__main__":
    raise SystemExit(main())
