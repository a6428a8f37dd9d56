"""`make compare-loss`: Frobenius vs KL-divergence NMF on labelled corpora, the evidence for
the default loss (README, "Choosing the loss").

For each corpus and vectorizer (Count, TF-IDF; English stop words, min_df=2, max_df=0.95) it
fits NMF with k = the number of labels, each loss with its default solver and topiccli's
default settings (tol 1e-4, max_iter 200, seed 0), and scores:

* label_nmi — scikit-learn's normalized_mutual_info_score between the labels and each
  document's top topic (argmax of its W row); documents without any term are left out;
* npmi — mean NPMI coherence of the topics' top 10 words, from document co-occurrence in the
  same corpus (a pair that never co-occurs scores −1);
* diversity — the share of distinct words among all topics' top 25 words.

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

import numpy as np
import scipy.sparse as sp

ROOT = Path(__file__).resolve().parents[1]
TUTORIAL = ("alt.atheism", "talk.religion.misc", "comp.graphics", "sci.space")
NPMI_WORDS = 10
DIVERSITY_WORDS = 25


def archive_path() -> Path | None:
    env = os.environ.get("TOPICS_20NG_ARCHIVE")
    path = Path(env) if env else ROOT.parent / "shared" / "data" / "20news-bydate.tar.gz"
    return path if path.is_file() else None


def npmi(X, H: np.ndarray, top: int = NPMI_WORDS) -> float:
    """Mean over topics of the mean pairwise NPMI of each topic's top words."""
    B = sp.csc_matrix(X, copy=True)
    B.data = (B.data != 0).astype(np.float64)
    n_docs = X.shape[0]
    scores = []
    for row in H:
        cols = np.argsort(-row, kind="stable")[:top]
        sub = B[:, cols]
        joint = (sub.T @ sub).toarray()
        counts = np.diag(joint)
        with np.errstate(divide="ignore", invalid="ignore"):
            p_ij = joint / n_docs
            pmi = np.log(p_ij) - np.log(counts / n_docs)[:, None] - np.log(counts / n_docs)
            value = np.where(joint > 0, pmi / -np.log(p_ij), -1.0)
        value = np.where(joint >= n_docs, 1.0, value)
        upper = np.triu_indices(len(cols), k=1)
        scores.append(float(np.clip(value, -1, 1)[upper].mean()))
    return float(np.mean(scores))


def diversity(H: np.ndarray, top: int = DIVERSITY_WORDS) -> float:
    tops = np.concatenate([np.argsort(-row, kind="stable")[:top] for row in H])
    return len(np.unique(tops)) / len(tops)


def label_nmi(W: np.ndarray, X, labels) -> float:
    from sklearn.metrics import normalized_mutual_info_score

    keep = np.diff(sp.csr_matrix(X).indptr) > 0
    assigned = np.argmax(W, axis=1)[keep]
    truth = np.asarray(labels, dtype=object)[keep]
    return float(normalized_mutual_info_score(truth, assigned))


def corpora(home: Path | None):
    """(name, SourceSpec) for each labelled corpus available here."""
    from topiccli.pipeline import SourceSpec

    if home is not None:
        yield "20NG tutorial 4 (train)", SourceSpec(categories=TUTORIAL, data_home=home)
        yield "20NG all 20 (train)", SourceSpec(data_home=home)
    yield "sample essays (6)", SourceSpec(input=ROOT / "sample_corpora" / "essays")


def evaluate(name: str, source) -> list[dict]:
    import topiccli
    from topiccli.pipeline import load_and_vectorize
    from topiccli.vectorize import VectorizerSettings

    rows = []
    for kind in ("count", "tfidf"):
        settings = VectorizerSettings(kind=kind, min_df=2, max_df=0.95)
        corpus, dt, _ = load_and_vectorize(source, settings)
        k = len(set(label for label in corpus.labels if label is not None))
        for loss in ("frobenius", "kl"):
            start = time.perf_counter()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                fit = topiccli.nmf(dt.X, k, loss=loss, seed=0)
            seconds = time.perf_counter() - start
            rows.append(
                {
                    "corpus": name,
                    "vectorizer": kind,
                    "loss": loss,
                    "solver": fit.solver,
                    "k": k,
                    "shape": list(dt.X.shape),
                    "label_nmi": label_nmi(fit.W, dt.X, corpus.labels),
                    "npmi": npmi(dt.X, fit.H),
                    "diversity": diversity(fit.H),
                    "n_iter": fit.n_iter,
                    "seconds": seconds,
                }
            )
            r = rows[-1]
            print(
                f"{name} {kind} {loss}: nmi {r['label_nmi']:.3f} npmi {r['npmi']:.3f} "
                f"div {r['diversity']:.2f} ({fit.n_iter} it, {seconds:.1f} s)",
                file=sys.stderr,
                flush=True,
            )
    return rows


def table(rows: list[dict]) -> str:
    lines = [
        "| corpus | vectorizer | loss | label_nmi | NPMI (top 10) | diversity (top 25) |",
        "|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['corpus']} | {r['vectorizer']} | {r['loss']} | {r['label_nmi']:.3f} | "
            f"{r['npmi']:.3f} | {r['diversity']:.2f} |"
        )
    return "\n".join(lines)


def main() -> None:
    archive = archive_path()
    if archive is None:
        print(
            "20news-bydate archive not found: comparing on the sample corpus only", file=sys.stderr
        )
    with tempfile.TemporaryDirectory() as tmp:
        home = None
        if archive is not None:
            from topiccli.corpus.archive import import_archive

            home = Path(tmp)
            import_archive(archive, home)
        rows = [row for name, source in corpora(home) for row in evaluate(name, source)]
    print(table(rows))
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "compare_loss.json").write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
