"""Measure ``topics reduce``: a k=40 model reduced to 20 against a direct k=20 fit.

For each corpus: fit k=40 and k=20 directly (the CLI's defaults: TF-IDF, KL, amu), then
reduce the k=40 model to 20 (models.topic_edits.reduce on the same matrix: merge along the
hierarchy, then a warm-started refinement of at most REFINE_MAX_ITER iterations). Reports the
label NMI of each (the report's ``label_nmi``) and the times: the direct fit's factorize stage
against the reduction's merge + refinement (its ``factorize`` stage plus the merge), and both
whole runs without reading and vectorizing (which the two share). Target (issue 25): NMI
within 0.02 of the direct fit's, in at most 25% of its time.

    TOPICS_20NG_ARCHIVE=... .venv/bin/python scripts/evaluate_reduce.py [--out FILE.md]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

CORPORA = {
    "20news train": {},
    "en_bbc": {"input": Path("/work/corpora/en_bbc.jsonl"), "label_field": "label"},
    "en_agnews": {"input": Path("/work/corpora/en_agnews.jsonl"), "label_field": "label"},
}


def fit(source, k: int):
    """A default fit at ``k``: (report, seconds in its factorize stage, seconds after load)."""
    from topiccli.models.run import RunRequest, run_model
    from topiccli.specs import ModelSpec, VectorizerSettings

    request = RunRequest(source=source, vectorizer=VectorizerSettings(),
                         model=ModelSpec(method="nmf", k=k))  # fmt: skip
    report = run_model(request)
    t = report.timings
    return report, t["factorize"], t["factorize"] + t["metrics"]


def reduce_to(report, k: int):
    """Reduce a k=40 fit to ``k`` as models.topic_edits.reduce does, step by step (so the
    refinement's stage times are kept): (refined report, merge + refine seconds, with
    scoring)."""
    from topiccli.models.bundle import from_report
    from topiccli.models.topic_edits import REFINE_MAX_ITER, merged_factors, refine
    from topiccli.quality.hierarchy import groups_at, topic_hierarchy

    bundle = from_report(report)
    start = time.perf_counter()
    groups = groups_at(topic_hierarchy("nmf", bundle.components), k)
    start_factors = merged_factors(bundle.doc_topics, bundle.components, groups)
    merged = time.perf_counter() - start
    refined, _ = refine(bundle, report.documents, report.matrix, k, start_factors,
                        REFINE_MAX_ITER)  # fmt: skip
    t = refined.timings
    return refined, merged + t["factorize"], merged + t["factorize"] + t["metrics"]


def measure(name: str, fields: dict) -> dict:
    from topiccli.specs import SourceSpec

    if not fields:  # 20 Newsgroups: imported from TOPICS_20NG_ARCHIVE into a private data home
        import os
        import tempfile

        from topiccli.corpus.archive import ensure_imported

        home = Path(tempfile.mkdtemp(prefix="evaluate-reduce-"))
        ensure_imported(Path(os.environ["TOPICS_20NG_ARCHIVE"]), home, False)
        fields = {"data_home": home}
    source = SourceSpec(**fields)
    direct40, _, _ = fit(source, 40)
    direct20, fact20, run20 = fit(source, 20)
    reduced, fact_r, run_r = reduce_to(direct40, 20)
    nmi = reduced.metrics["label_nmi"]
    return {
        "corpus": name,
        "documents": direct20.corpus["n_documents"],
        "nmi_40": direct40.metrics["label_nmi"],
        "nmi_direct": direct20.metrics["label_nmi"],
        "nmi_reduced": nmi,
        "time_direct": fact20,
        "time_reduce": fact_r,
        "run_direct": run20,
        "run_reduce": run_r,
    }


def table(rows: list[dict]) -> str:
    head = (
        "| corpus | docs | NMI k=40 | NMI direct k=20 | NMI reduced 40→20 | Δ NMI | "
        "time direct (s) | time reduce (s) | ratio | with scoring: direct / reduce (s) |"
    )
    lines = [head, "|" + "---|" * 10]
    for r in rows:
        lines.append(
            f"| {r['corpus']} | {r['documents']} | {r['nmi_40']:.3f} | {r['nmi_direct']:.3f} | "
            f"{r['nmi_reduced']:.3f} | {r['nmi_reduced'] - r['nmi_direct']:+.3f} | "
            f"{r['time_direct']:.1f} | {r['time_reduce']:.1f} | "
            f"{r['time_reduce'] / r['time_direct']:.0%} | "
            f"{r['run_direct']:.1f} / {r['run_reduce']:.1f} |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--corpora", default=",".join(CORPORA))
    args = parser.parse_args()
    rows = []
    for name in args.corpora.split(","):
        rows.append(measure(name, CORPORA[name]))
        print(table(rows[-1:]), flush=True)
    text = table(rows)
    print(text)
    if args.out:
        args.out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
