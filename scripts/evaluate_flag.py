"""Evidence for the ``narrow`` flag (issue 22): fits on labelled corpora, per-topic evidence,
hand labels, precision and recall before (the issue-13 rule) and after (quality.signature).

``--dump OUT`` fits NMF with the CLI's defaults on each labelled corpus at the ks of ``FITS``
and writes, per topic, its top words, the documents it wins, its label and label share, and
the evidence both rules read (numbers and words only: no document text). ``--snippets DIR``
also writes each topic's top documents' first characters to DIR, outside the repository, to
label the topics by hand; never commit them. ``--report OUT`` reads the dump and the hand
labels (scripts/flag_labels.json) and prints the tables of scripts/evaluate_flag.md.

    python scripts/evaluate_flag.py --data-home /tmp/data --dump /tmp/flag.json
    python scripts/evaluate_flag.py --report /tmp/flag.json
"""

from __future__ import annotations

import argparse
import json
import sys
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

LABELS = ROOT / "scripts" / "flag_labels.json"
FITS = {
    "all-20": (20, 30),
    "signatures-train": (40, (40, "frobenius")),
    "signatures-test": (40, (40, "frobenius")),
    "tutorial-4": (10, (30, "frobenius")),
    "essays-copies": (7,),
    "en_agnews": (4,),
    "en_bbc": (5,),
    "de_gnad": (9,),
    "ko_ynat_titles": (7,),
    "zh_thucnews_titles": (10,),
    "train-6": (12,),
    "test-8": (16,),
    "subjects-8": (10,),
    "firsts-6": (8,),
    "essays": (6,),
    "planted-short-6": (6,),
}
"""Corpus (evaluate_k's names, and ``own_corpora``'s) → the fits on it: k (the CLI's default
loss) or (k, loss)."""


def own_corpora(data_home: str | None, wanted):
    """Corpora where narrow topics are expected: all 20 groups (train, test) with the
    signatures and the encoded attachments left in (headers and quotes removed, footers and
    junk posts kept), and the sample essays with six copies of one signature post added
    (each under another essay theme's label, as a post sent to several groups)."""
    from topiccli.corpus import load_folder, load_newsgroups

    for subset in ("train", "test") if data_home else ():
        name = f"signatures-{subset}"
        if name in wanted:
            corpus = load_newsgroups(None, subset, remove=("headers", "quotes"),
                                     data_home=data_home)  # fmt: skip
            yield name, corpus.texts, list(corpus.labels), 20, []
    if "essays-copies" in wanted:
        corpus = load_folder(ROOT / "sample_corpora" / "essays")
        post = ("zorblat quexton frimble daxworth glimmerpost snorkelwave blibbertron "
                "wuzzlefrank " * 3)  # fmt: skip
        themes = sorted(set(corpus.labels))
        texts = list(corpus.texts) + [f"{post} note {i}" for i in range(6)]
        labels = list(corpus.labels) + [themes[i % len(themes)] for i in range(6)]
        yield "essays-copies", texts, labels, 7, []


OLD_SHARE, OLD_MIN = 0.005, 3


def old_narrow(sizes, support, n_docs) -> list[bool]:
    """The issue-13 rule: a topic won by, or whose top words co-occur in, fewer than
    max(3, 0.5% of the documents) documents."""
    floor = max(OLD_MIN, OLD_SHARE * n_docs)
    return [bool(s < floor or u < floor) for s, u in zip(sizes, support)]


def aligned(topic: dict, n_docs: int) -> bool:
    """Label-aligned: label share ≥ 50% over at least 2% of the documents."""
    return (topic.get("label_share") or 0) >= 0.5 and topic["n_documents"] >= 0.02 * n_docs


def fit_corpus(name, texts, labels, k, loss, snippets: Path | None) -> list[dict]:
    from topiccli.models.fitting import fit_model, resolve_model
    from topiccli.quality import coherence, documents
    from topiccli.quality import labels as label_scores
    from topiccli.quality.describe import top_indices
    from topiccli.quality.doc_weights import top_topics
    from topiccli.quality.signature import corpus_documents, repeated_words, signature
    from topiccli.specs import ModelSpec, VectorizerSettings
    from topiccli.text.vectorize import Vectorizer

    dt = Vectorizer(VectorizerSettings()).fit_transform(texts)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fitted = fit_model(dt, resolve_model(ModelSpec("nmf", k=k, loss=loss), dt.settings.kind))
    n = dt.X.shape[0]
    winners = top_topics(fitted.weights)
    sizes = documents.topic_sizes(winners, k)
    columns = [top_indices(row, 8) for row in fitted.result.H]
    support = coherence.support(dt.X, columns)
    import scipy.sparse as sp

    union, where = np.unique(np.concatenate(columns), return_inverse=True)
    local = np.split(where.ravel(), np.cumsum([len(c) for c in columns])[:-1])
    repeated = repeated_words(sp.csc_matrix(dt.X)[:, union], local,
                              [list(t.words) for t in fitted.topics])  # fmt: skip
    chance = corpus_documents(fitted.weights)
    found = signature(fitted.weights, dt.X, repeated, sizes, columns)
    tags = label_scores.topic_labels(winners, labels, k)
    old = old_narrow(sizes, support, n)
    rows = []
    for t, topic in enumerate(fitted.topics):
        rows.append({
            "corpus": name, "k": k, "loss": loss, "topic": t, "n_docs": n, "words": topic.words,
            "n_documents": int(sizes[t]), "support_documents": int(support[t]),
            "label": tags[t][0], "label_share": tags[t][1],
            "old_narrow": old[t], **found[t], "repeated_words": repeated[t],
            "corpus_documents": chance,
        })  # fmt: skip
    if snippets is not None:
        snippets.mkdir(parents=True, exist_ok=True)
        lines = []
        for t, topic in enumerate(fitted.topics):
            column = np.asarray(fitted.weights)[:, t]
            order = np.argsort(-column, kind="stable")[:12]
            lines.append(f"## {name} k={k} topic {t}: {' '.join(topic.words)}  {rows[t]}")
            for i in order:
                words = " ".join(texts[i].split())
                lines.append(f"   {column[i]:.3f} [{labels[i]}] {words[:120]} … {words[-120:]}")
        (snippets / f"{name}-k{k}{'-' + loss if loss else ''}.txt").write_text(
            "\n".join(lines), encoding="utf-8"
        )
    return rows


def dump(args) -> int:
    from evaluate_k import corpora

    out = Path(args.dump)
    rows = json.loads(out.read_text()) if out.exists() else []
    done = {(r["corpus"], r["k"], r.get("loss")) for r in rows}
    wanted = [name for name in FITS if not args.corpora or name in args.corpora]
    import itertools

    found = itertools.chain(own_corpora(args.data_home, wanted),
                            corpora(args.data_home, wanted, args.extra))  # fmt: skip
    for name, texts, labels, _, _ in found:
        for fit in FITS.get(name, (max(4, len(set(labels))),)):
            k, loss = fit if isinstance(fit, tuple) else (fit, None)
            if (name, k, loss) in done:
                continue
            rows += fit_corpus(name, texts, labels, k, loss, Path(args.snippets) if args.snippets
                               else None)  # fmt: skip
            print(
                f"{name} k={k}: {sum(r['narrow'] for r in rows[-k:])} flagged, "
                f"{sum(r['old_narrow'] for r in rows[-k:])} before",
                flush=True,
            )
            out.write_text(json.dumps(rows, indent=1))
    return 0


def score(flags, truth) -> tuple[float, float, int, int, int]:
    tp = sum(f and t for f, t in zip(flags, truth))
    fp = sum(f and not t for f, t in zip(flags, truth))
    fn = sum(t and not f for f, t in zip(flags, truth))
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return precision, recall, tp, fp, fn


def key(entry: dict) -> tuple:
    """A topic's place: corpus, k, loss ("" for the CLI's default) and topic number."""
    return entry["corpus"], entry["k"], entry.get("loss") or "", entry["topic"]


def report(path: str) -> int:
    rows = json.loads(Path(path).read_text())
    labels = {key(e): e for e in json.loads(LABELS.read_text())["topics"]}
    labelled = [r for r in rows if key(r) in labels]
    truth = [labels[key(r)]["signature"] for r in labelled]
    print(f"{len(labelled)} hand-labelled topics, {sum(truth)} signature\n")
    print("| rule | precision | recall | flagged | true pos. | false pos. | missed | "
          "label-aligned flagged |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|")
    for name, flag in (("before (issue 13 `narrow`)", "old_narrow"), ("after", "narrow")):
        flags = [r[flag] for r in labelled]
        p, rc, tp, fp, fn = score(flags, truth)
        bad = sum(r[flag] and aligned(r, r["n_docs"]) for r in rows)
        print(f"| {name} | {p:.2f} | {rc:.2f} | {sum(flags)} | {tp} | {fp} | {fn} | {bad} |")
    free = [(r, t) for r, t in zip(labelled, truth) if not aligned(r, r["n_docs"])]
    p, rc, tp, fp, fn = score([r["narrow"] for r, _ in free], [t for _, t in free])
    print(
        f"| after, label-aligned topics left out ({sum(t for _, t in free)} signature) | "
        f"{p:.2f} | {rc:.2f} | {sum(r['narrow'] for r, _ in free)} | {tp} | {fp} | {fn} | 0 |"
    )
    won = [(r, t) for r, t in zip(labelled, truth) if r["n_documents"] < 0.02 * r["n_docs"]]
    p, rc, tp, fp, fn = score([r["narrow"] for r, _ in won], [t for _, t in won])
    print(
        f"| after, on topics that win < 2% of the documents ({sum(t for _, t in won)} "
        f"signature) | {p:.2f} | {rc:.2f} | {sum(r['narrow'] for r, _ in won)} | {tp} | {fp} "
        f"| {fn} | 0 |"
    )
    print("\n| corpus | k (loss) | topics | signature (hand) | flagged before | flagged after | "
          "label-aligned flagged before / after |")  # fmt: skip
    print("|---|---|---|---|---|---|---|")
    for fit in dict.fromkeys(key(r)[:3] for r in rows):
        part = [r for r in rows if key(r)[:3] == fit]
        hand = sum(labels.get(key(r), {}).get("signature", False) for r in part)
        before = sum(r["old_narrow"] for r in part)
        after = sum(r["narrow"] for r in part)
        bad = (
            sum(r["old_narrow"] and aligned(r, r["n_docs"]) for r in part),
            sum(r["narrow"] and aligned(r, r["n_docs"]) for r in part),
        )
        corpus, k, loss = fit
        print(f"| {corpus} | {k}{' ' + loss if loss else ''} | {len(part)} | {hand} | {before} | "
              f"{after} | {bad[0]} / {bad[1]} |")  # fmt: skip
    conflict(rows, labels)
    return 0


def variant(lift: int | None, below: float = 1.0, guard: bool = True,
            shared: float | None = None):  # fmt: skip
    """The flag with the main-topic guard (MAIN_SHARE) lifted for topics led by a block of at
    least ``lift`` repeated words that win under ``below`` of the documents (None: the 2%
    guard alone), or without the guard at all; with ``shared``, lifted for a block-led topic
    whose ``shared_content`` is under it (quality.signature's rule at SHARED_CONTENT)."""
    from topiccli.quality.signature import BLOCK, MAIN_MIN, MAIN_SHARE, MIN_DOCUMENTS, SHARE

    def flag(r: dict) -> bool:
        n, block = r["n_docs"], len(r["repeated_words"])
        few = r["n_documents"] < max(MAIN_SHARE * n, MAIN_MIN)
        floor = max(MIN_DOCUMENTS, SHARE * r["corpus_documents"])
        content = r.get("shared_content")
        few = few or (shared is not None and content is not None and content < shared)
        narrow = (r["effective_documents"] <= floor or block >= BLOCK) and (few or not guard)
        lifted = lift is not None and block >= lift and r["n_documents"] < below * n
        return narrow or lifted

    return flag


def conflict(rows: list[dict], labels: dict) -> None:
    """Whether the two flag targets conflict: hand-labelled signature topics that are
    label-aligned, the recall left when none of them may be flagged, and label-free variants
    that lift the 2% guard for topics led by a block of repeated words."""
    from topiccli.quality.signature import SHARED_CONTENT

    labelled = [r for r in rows if key(r) in labels]
    truth = [labels[key(r)]["signature"] for r in labelled]
    both = [r for r, t in zip(labelled, truth) if t and aligned(r, r["n_docs"])]
    print(
        f"\n{len(both)} of {sum(truth)} signature topics are label-aligned "
        f"(recall at most {(sum(truth) - len(both)) / sum(truth):.2f} with none flagged):"
    )
    for r in both:
        print(
            f"* {r['corpus']} k = {r['k']}{' ' + r['loss'] if r.get('loss') else ''}, topic "
            f"{r['topic']}: `{' '.join(r['words'])}` ({r['label']} "
            f"{r['label_share']:.0%} over {r['n_documents'] / r['n_docs']:.1%})"
        )
    print("\n| variant | precision | recall | true pos. | false pos. | missed | "
          "label-aligned flagged (all fits) |")  # fmt: skip
    print("|---|---|---|---|---|---|---|")
    today, unguarded = variant(None), variant(None, guard=False)
    shared = [(f"guard lifted for a block whose documents share < {c} (shared_content)"
               f"{' (the rule)' if c == SHARED_CONTENT else ''}", variant(None, shared=c))
              for c in (1.1, 1.2, 1.25, SHARED_CONTENT, 1.4, 1.5, 1.75)]  # fmt: skip
    for name, flag in (("2% guard alone", today), ("no guard", unguarded),
                       *((f"guard lifted for a block of ≥ {b} words", variant(b))
                         for b in (3, 4, 5)),
                       ("guard lifted for ≥ 4 words under 2.75%", variant(4, 0.0275)),
                       *shared):  # fmt: skip
        p, rc, tp, fp, fn = score([flag(r) for r in labelled], truth)
        bad = [r for r in rows if flag(r) and aligned(r, r["n_docs"])]
        named = "; ".join(f"`{' '.join(r['words'][:4])}`" for r in bad)
        print(f"| {name} | {p:.2f} | {rc:.2f} | {tp} | {fp} | {fn} | {len(bad)} {named} |")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-home")
    parser.add_argument("--corpora", type=lambda s: s.split(","))
    parser.add_argument("--extra", help="JSON list of extra labelled JSONL corpora (evaluate_k)")
    parser.add_argument("--dump", metavar="OUT")
    parser.add_argument("--snippets", metavar="DIR")
    parser.add_argument("--report", metavar="JSON")
    args = parser.parse_args(argv)
    return report(args.report) if args.report else dump(args)


if __name__ == "__main__":
    raise SystemExit(main())
