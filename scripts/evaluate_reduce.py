"""Measure ``topics reduce``: a k=40 model reduced to 20 against a direct k=20 fit.

For each corpus: fit k=K1 and k=K2 directly (the CLI's defaults: TF-IDF, KL, amu, the settle
rule), then reduce the k=K1 model to K2 on the same matrix, two ways side by side in one
process: merging on the words-only hierarchy the report exports ("words", the reduction
before issue 25's rework) and on models.topic_edits.reduce's tree of words and documents
("documents+words", quality.hierarchy.reduction_tree); each then refined as reduce refines
(at most REFINE_MAX_ITER iterations). Reports the label NMI of each (the report's
``label_nmi``) and the times: the direct fit's factorize stage (the fit and the documents'
weights) against the reduction's merge + refinement + documents' weights. Target (issue 25):
NMI within 0.02 of the direct fit's, in at most 25% of its time.

    TOPICS_20NG_ARCHIVE=... nice .venv/bin/python scripts/evaluate_reduce.py [--out FILE.md]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path


def _records(name: str) -> dict:
    return {"input": Path(f"/work/corpora/{name}.jsonl"), "label_field": "label"}


CORPORA = {
    "20news train": ({}, 40, 20),
    "en_bbc": (_records("en_bbc"), 40, 20),
    "en_agnews": (_records("en_agnews"), 40, 20),
    "de_gnad": (_records("de_gnad"), 40, 20),
    "de_gnad 18→9": (_records("de_gnad"), 18, 9),
}
"""name: (the source's fields, k₁, k₂)."""


def fit(source, k: int):
    """A default fit at ``k``: (report, seconds in its factorize stage)."""
    from topiccli.models.run import RunRequest, run_model
    from topiccli.specs import ModelSpec, VectorizerSettings

    request = RunRequest(source=source, vectorizer=VectorizerSettings(),
                         model=ModelSpec(method="nmf", k=k))  # fmt: skip
    report = run_model(request)
    return report, report.timings["factorize"]


def reduce_to(report, k: int, groups_of):
    """Reduce a fit to ``k`` as models.topic_edits.reduce does, step by step, merging the
    groups ``groups_of(bundle, k)`` gives: (refined report, merge + refinement seconds)."""
    from topiccli.models.bundle import from_report
    from topiccli.models.topic_edits import REFINE_MAX_ITER, merged_factors, refine

    bundle = from_report(report)
    start = time.perf_counter()
    groups = groups_of(bundle, k)
    start_factors = merged_factors(bundle.doc_topics, bundle.components, groups)
    merged = time.perf_counter() - start
    refined, _ = refine(bundle, report.documents, report.matrix, k, start_factors,
                        REFINE_MAX_ITER)  # fmt: skip
    return refined, merged + refined.timings["factorize"]


def words_groups(bundle, k: int):
    from topiccli.quality.hierarchy import groups_at, topic_hierarchy

    return groups_at(topic_hierarchy("nmf", bundle.components), k)


def measure(name: str) -> dict:
    from topiccli.models.topic_edits import reduction_groups
    from topiccli.specs import SourceSpec

    fields, k1, k2 = CORPORA[name]
    if not fields:  # 20 Newsgroups: imported from TOPICS_20NG_ARCHIVE into a private data home
        import os
        import tempfile

        from topiccli.corpus.archive import ensure_imported

        home = Path(tempfile.mkdtemp(prefix="evaluate-reduce-"))
        ensure_imported(Path(os.environ["TOPICS_20NG_ARCHIVE"]), home, False)
        fields = {"data_home": home}
    source = SourceSpec(**fields)
    big, _ = fit(source, k1)
    direct, time_direct = fit(source, k2)
    row = {"corpus": name, "k": (k1, k2), "documents": direct.corpus["n_documents"],
           "nmi_big": big.metrics["label_nmi"], "nmi_direct": direct.metrics["label_nmi"],
           "time_direct": time_direct}  # fmt: skip
    for key, groups_of in (("words", words_groups), ("docs", reduction_groups)):
        reduced, seconds = reduce_to(big, k2, groups_of)
        row[f"nmi_{key}"], row[f"time_{key}"] = reduced.metrics["label_nmi"], seconds
    return row


def table(rows: list[dict]) -> str:
    head = ("| corpus | docs | k | NMI k₁ | NMI direct k₂ | reduced, words: NMI (Δ) | time | "
            "reduced, documents+words: NMI (Δ) | time | direct time (s) |")  # fmt: skip
    lines = [head, "|" + "---|" * 10]
    for r in rows:
        cells = [r["corpus"], str(r["documents"]), f"{r['k'][0]}→{r['k'][1]}",
                 f"{r['nmi_big']:.3f}", f"{r['nmi_direct']:.3f}"]  # fmt: skip
        for key in ("words", "docs"):
            cells.append(f"{r[f'nmi_{key}']:.3f} ({r[f'nmi_{key}'] - r['nmi_direct']:+.3f})")
            cells.append(f"{r[f'time_{key}'] / r['time_direct']:.0%}")
        cells.append(f"{r['time_direct']:.1f}")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--corpora", default=",".join(CORPORA))
    args = parser.parse_args()
    rows = []
    for name in args.corpora.split(","):
        rows.append(measure(name))
        print(table(rows[-1:]), flush=True)
    text = table(rows)
    print(text)
    if args.out:
        args.out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
