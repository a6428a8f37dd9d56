"""`make compare-loss`: Frobenius vs KL-divergence NMF on labelled corpora, the evidence for
the default loss (README, "Choosing the loss").

For each corpus and vectorizer (Count, TF-IDF; English stop words, min_df=2, max_df=0.95) it
runs topiccli's own pipeline (`topics nmf` with k = the number of labels, seed 0, every other
setting at its default) once per loss, and reads the run's quality metrics exactly as the JSON
report gives them:

* label_nmi — NMI between the labels and each document's winning topic (argmax of its W row;
  documents without terms left out);
* npmi — `metrics.coherence_npmi`, the mean NPMI coherence of the topics' top 8 words;
* diversity — the share of distinct words among all topics' top 8 words.

A last row per matrix scores scikit-learn's default `NMF(k, random_state=0)` (Frobenius,
coordinate descent, NNDSVDa) on the same matrix with the same measures.

Corpora: 20 Newsgroups train, the tutorial's 4 categories and all 20 (needs the archive:
TOPICS_20NG_ARCHIVE, or ../shared/data beside the checkout), and sample_corpora/essays.
Prints a markdown table; writes bench/results/compare_loss.json.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
TUTORIAL = ("alt.atheism", "talk.religion.misc", "comp.graphics", "sci.space")
LOSSES = ("frobenius", "kl")


def archive_path() -> Path | None:
    env = os.environ.get("TOPICS_20NG_ARCHIVE")
    path = Path(env) if env else ROOT.parent / "shared" / "data" / "20news-bydate.tar.gz"
    return path if path.is_file() else None


def corpora(home: Path | None):
    """(name, SourceSpec) for each labelled corpus available here."""
    from topiccli.specs import SourceSpec

    if home is not None:
        yield "20NG tutorial 4 (train)", SourceSpec(categories=TUTORIAL, data_home=home)
        yield "20NG all 20 (train)", SourceSpec(data_home=home)
    yield "sample essays (6)", SourceSpec(input=ROOT / "sample_corpora" / "essays")


def _row(name, kind, method, k, shape, metrics, seconds, n_iter) -> dict:
    row = {
        "corpus": name, "vectorizer": kind, "method": method, "k": k, "shape": list(shape),
        "label_nmi": metrics["label_nmi"], "npmi": metrics["coherence_npmi"],
        "diversity": metrics["diversity"], "seconds": seconds, "n_iter": n_iter,
    }  # fmt: skip
    print(
        f"{name} {kind} {method}: nmi {row['label_nmi']:.3f} npmi {row['npmi']:.3f} "
        f"div {row['diversity']:.2f} ({n_iter} it, {seconds:.1f} s)",
        file=sys.stderr,
        flush=True,
    )
    return row


def sklearn_default(X, k: int, corpus, top_words: int) -> tuple[dict, float, int]:
    """scikit-learn's default NMF on X, scored by topiccli's quality measures."""
    from sklearn.decomposition import NMF

    from topiccli.quality import coherence, labels
    from topiccli.quality.describe import top_indices
    from topiccli.quality.doc_weights import top_topics

    start = time.perf_counter()
    model = NMF(k, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        W = model.fit_transform(X)
    seconds = time.perf_counter() - start
    columns = [top_indices(row, top_words) for row in model.components_]
    winners = top_topics(W)
    metrics = {
        "coherence_npmi": float(coherence.coherence_npmi(X, columns).mean()),
        "diversity": coherence.diversity([list(c) for c in columns]),
        **labels.label_scores(winners, corpus.labels),
    }
    return metrics, seconds, model.n_iter_


def evaluate(name: str, source, cache: Path) -> list[dict]:
    from topiccli.models.corpus_matrix import matrix_of
    from topiccli.models.run import RunRequest, run_model
    from topiccli.specs import ModelSpec
    from topiccli.text.vectorize import VectorizerSettings

    rows = []
    for kind in ("count", "tfidf"):
        settings = VectorizerSettings(kind=kind, min_df=2, max_df=0.95)
        corpus, dt, _ = matrix_of(source, settings, cache)
        k = len({label for label in corpus.labels if label is not None})
        for loss in LOSSES:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                model = ModelSpec(method="nmf", k=k, loss=loss)
                report = run_model(RunRequest(source, settings, model, cache_dir=None))
            rows.append(
                _row(
                    name,
                    kind,
                    loss,
                    k,
                    dt.X.shape,
                    report.metrics,
                    report.timings["factorize"],
                    report.factors.n_iter,
                )  # fmt: skip
            )
        metrics, seconds, n_iter = sklearn_default(dt.X, k, corpus, ModelSpec("nmf").top_words)
        rows.append(_row(name, kind, "sklearn NMF()", k, dt.X.shape, metrics, seconds, n_iter))
    return rows


def table(rows: list[dict]) -> str:
    lines = [
        "| corpus | vectorizer | loss | k | label_nmi | NPMI | diversity |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['corpus']} | {r['vectorizer']} | {r['method']} | {r['k']} | "
            f"{r['label_nmi']:.3f} | {r['npmi']:.3f} | {r['diversity']:.2f} |"
        )
    return "\n".join(lines)


def main() -> None:
    archive = archive_path()
    if archive is None:
        print("20news-bydate archive not found: comparing on the sample corpus only",
              file=sys.stderr)  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        home = None
        if archive is not None:
            from topiccli.corpus.archive import import_archive

            home = Path(tmp) / "data"
            import_archive(archive, home)
        cache = Path(tmp) / "cache"
        rows = [row for name, source in corpora(home) for row in evaluate(name, source, cache)]
    print(table(rows))
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "compare_loss.json").write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
