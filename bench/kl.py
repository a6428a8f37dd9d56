"""KL-divergence NMF: topiccli against scikit-learn, side by side (part of `make bench`;
`make bench-kl` runs it alone).

Matrices: 20 Newsgroups train (headers, footers and quotes removed, English stop words,
min_df=2, max_df=0.95), TF-IDF and Count, built once with scikit-learn's vectorizers.

* Speed, at k = 10 and 20, alternating, ``repeat`` times each, fits timed whole (start
  included): scikit-learn's ``NMF(beta_loss="kullback-leibler", solver="mu")`` with its
  defaults, then topiccli's ``nmf(X, k, loss="kl")`` run until it first reaches scikit-learn's
  final divergence D(X‖WH) (the per-iteration callback stops it there), so the speed-up compares
  the time to the *same* divergence; then topiccli with its own defaults (tol 1e-4), for the
  record.
* Labels, at k = the number of categories: label NMI (argmax of each document's W row against
  its newsgroup; documents without terms left out) of topiccli's default configuration (the
  default loss for the vectorizer) and of scikit-learn's default ``NMF`` (Frobenius, cd), on
  the tutorial's 4 categories and on all 20.
"""

from __future__ import annotations

import math
import statistics
import sys
import time
import warnings

import numpy as np

TUTORIAL = ("alt.atheism", "talk.religion.misc", "comp.graphics", "sci.space")


def matrices(home, categories=None) -> tuple[dict, np.ndarray]:
    from sklearn.datasets import fetch_20newsgroups
    from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer

    data = fetch_20newsgroups(
        data_home=str(home), subset="train", categories=categories,
        remove=("headers", "footers", "quotes"), download_if_missing=False,
    )  # fmt: skip
    options = {"stop_words": "english", "min_df": 2, "max_df": 0.95}
    built = {
        "tfidf": TfidfVectorizer(**options).fit_transform(data.data).tocsr(),
        "count": CountVectorizer(**options).fit_transform(data.data).astype(np.float64).tocsr(),
    }
    return built, np.asarray(data.target)


def _sklearn_kl(X, k: int) -> tuple[float, float, int]:
    from sklearn.decomposition import NMF

    from topiccli.factorize._kl import kl_divergence

    model = NMF(k, beta_loss="kullback-leibler", solver="mu", random_state=0)
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        W = model.fit_transform(X)
    seconds = time.perf_counter() - start
    return seconds, kl_divergence(X, W, model.components_), model.n_iter_


class _Reached(Exception):
    """Raised from the callback to stop a fit the moment it reaches the target divergence."""


def _ours_to(X, k: int, target: float) -> float:
    """Seconds until topiccli's KL NMF first reaches D ≤ target (inf if it converges above)."""
    import topiccli

    goal = math.sqrt(2.0 * target)

    def callback(_, error):
        if error <= goal:
            raise _Reached

    start = time.perf_counter()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            topiccli.nmf(X, k, loss="kl", tol=1e-8, max_iter=2000, callback=callback)
    except _Reached:
        return time.perf_counter() - start
    return math.inf


def _ours_default(X, k: int) -> tuple[float, float, int]:
    """topiccli's KL NMF with its defaults (tol 1e-4): seconds, final D, iterations."""
    import topiccli

    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = topiccli.nmf(X, k, loss="kl")
    return time.perf_counter() - start, fit.divergence, fit.n_iter


def speed(built: dict, ks=(10, 20), repeat: int = 3, log=print) -> list[dict]:
    rows = []
    for kind, X in built.items():
        for k in ks:
            theirs, to_target, ours = [], [], []
            for _ in range(repeat):  # alternate, so all see the same machine state
                t_sk, d_sk, it_sk = _sklearn_kl(X, k)
                t_hit = _ours_to(X, k, d_sk)
                t_us, d_us, it_us = _ours_default(X, k)
                theirs.append(t_sk)
                to_target.append(t_hit)
                ours.append(t_us)
                log(f"  {kind} k={k}: sklearn {t_sk:.1f}s D={d_sk:.7g} ({it_sk} it) | topiccli "
                    f"to that D {t_hit:.1f}s | topiccli default {t_us:.1f}s D={d_us:.7g} "
                    f"({it_us} it)")  # fmt: skip
            rows.append(
                {
                    "matrix": kind,
                    "k": k,
                    "shape": list(X.shape),
                    "nnz": int(X.nnz),
                    "sklearn_seconds": theirs,
                    "topiccli_seconds_to_sklearn_divergence": to_target,
                    "topiccli_default_seconds": ours,
                    "sklearn_divergence": d_sk,
                    "topiccli_default_divergence": d_us,
                    "sklearn_n_iter": it_sk,
                    "topiccli_default_n_iter": it_us,
                    "ratio_same_divergence": statistics.median(theirs)
                    / statistics.median(to_target),
                    "ratio_default": statistics.median(theirs) / statistics.median(ours),
                }  # fmt: skip
            )
    return rows


def _nmi(W, X, labels) -> float:
    from sklearn.metrics import normalized_mutual_info_score

    keep = np.diff(X.indptr) > 0
    return float(normalized_mutual_info_score(labels[keep], np.argmax(W, axis=1)[keep]))


def labels(home, log=print) -> list[dict]:
    from sklearn.decomposition import NMF

    import topiccli
    from topiccli.specs import DEFAULT_LOSS

    rows = []
    for name, categories in (("tutorial 4", TUTORIAL), ("all 20", None)):
        built, target = matrices(home, categories)
        k = len(np.unique(target))
        for kind, X in built.items():
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                ours = topiccli.nmf(X, k, loss=DEFAULT_LOSS[kind])
                theirs = NMF(k, random_state=0).fit_transform(X)
            row = {
                "corpus": name, "matrix": kind, "k": k, "topiccli_loss": ours.loss,
                "topiccli_nmi": _nmi(ours.W, X, target), "sklearn_nmi": _nmi(theirs, X, target),
            }  # fmt: skip
            log(f"  {name} {kind}: topiccli ({ours.loss}) NMI {row['topiccli_nmi']:.3f} | "
                f"sklearn NMF default NMI {row['sklearn_nmi']:.3f}")  # fmt: skip
            rows.append(row)
    return rows


def run(home, ks=(10, 20), repeat: int = 3) -> dict:
    def log(line):
        print(line, file=sys.stderr, flush=True)

    log("KL NMF vs scikit-learn (20NG train):")
    built, _ = matrices(home)
    return {"speed": speed(built, ks, repeat, log=log), "labels": labels(home, log=log)}


def markdown(result: dict) -> str:
    lines = [
        "| KL NMF, 20NG train | shape | sklearn mu (s) | topiccli to sklearn's D (s) "
        "| speed-up (same D) | topiccli default (s) | final D: sklearn / topiccli default |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in result["speed"]:
        lines.append(
            f"| {r['matrix']} k={r['k']} | {r['shape'][0]}×{r['shape'][1]} | "
            f"{statistics.median(r['sklearn_seconds']):.1f} | "
            f"{statistics.median(r['topiccli_seconds_to_sklearn_divergence']):.1f} | "
            f"{r['ratio_same_divergence']:.1f}× | "
            f"{statistics.median(r['topiccli_default_seconds']):.1f} | "
            f"{r['sklearn_divergence']:.7g} / {r['topiccli_default_divergence']:.7g} |"
        )
    lines += [
        "",
        "| label NMI, 20NG train | matrix | topiccli default (loss) | sklearn NMF default |",
        "|---|---|---|---|",
    ]
    for r in result["labels"]:
        lines.append(
            f"| {r['corpus']} | {r['matrix']} | {r['topiccli_nmi']:.3f} ({r['topiccli_loss']}) "
            f"| {r['sklearn_nmi']:.3f} |"
        )
    return "\n".join(lines)


def main() -> None:
    import json
    import tempfile
    from pathlib import Path

    from bench.run import ROOT, archive_path
    from topiccli.corpus.archive import import_archive

    repeat = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    with tempfile.TemporaryDirectory() as home:
        import_archive(archive_path(), home)
        result = run(Path(home), repeat=repeat)
    print(markdown(result))
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "kl.json").write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
