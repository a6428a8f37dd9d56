"""Defaults at equal quality (issue 14, item 5): topiccli's NMF defaults against scikit-learn's.

Part ``defaults`` of `make bench` (``python -m bench.run --only defaults``); alone:
``python -m bench.defaults [ROUNDS]``.

Matrices: 20 Newsgroups train and all (headers, footers and quotes removed), TF-IDF and Count
built with scikit-learn's vectorizers, English stop words, min_df=2, max_df=0.95; k = 10, 20.
For each cell and loss, alternating which runs first, ``rounds`` times (medians):

* Frobenius: scikit-learn's ``NMF(k, random_state=0)`` (cd, its default init and tol) against
  ``topiccli.nmf(X, k, loss="frobenius")``;
* KL: ``NMF(k, beta_loss="kullback-leibler", solver="mu", random_state=0)`` against
  ``topiccli.nmf(X, k, loss="kl")``;

ours with the CLI's defaults (``ModelSpec``: its ``max_iter`` and the loss's tolerance). The
same quantity is compared: ½‖X − WH‖²_F (Frobenius) and D(X‖WH) (KL), each final value against
scikit-learn's final value (ours − theirs, relative; negative is lower, i.e. better). Every fit
is deterministic, so the objectives are the same in every round; the times are medians.
"""

from __future__ import annotations

import statistics
import sys
import time
import warnings

import numpy as np

MATRICES = ("train-tfidf", "train-count", "all-tfidf", "all-count")
KS = (10, 20)
LOSSES = ("frobenius", "kl")
TARGET = {"frobenius": 1e-4, "kl": 5e-4}
"""The largest relative gap above scikit-learn's final objective the defaults may leave."""
MIN_SPEEDUP = 5.0


def matrix(home, name: str):
    """A 20 Newsgroups matrix (CSR, float64): ``train-tfidf``, ``all-count``, …"""
    from sklearn.datasets import fetch_20newsgroups
    from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer

    subset, kind = name.split("-")
    data = fetch_20newsgroups(
        data_home=str(home), subset=subset, remove=("headers", "footers", "quotes"),
        download_if_missing=False,
    )  # fmt: skip
    vectorizer = TfidfVectorizer if kind == "tfidf" else CountVectorizer
    X = vectorizer(stop_words="english", min_df=2, max_df=0.95).fit_transform(data.data)
    return X.astype(np.float64).tocsr()


def _theirs(X, k: int, loss: str) -> tuple[float, float, int]:
    """scikit-learn's default for the loss: seconds, final objective, iterations."""
    from sklearn.decomposition import NMF

    from topiccli.factorize._kl import kl_divergence

    if loss == "kl":
        model = NMF(k, beta_loss="kullback-leibler", solver="mu", random_state=0)
    else:
        model = NMF(k, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        start = time.perf_counter()
        W = model.fit_transform(X)
        seconds = time.perf_counter() - start
    if loss == "kl":
        value = kl_divergence(X, W, model.components_)
    else:
        value = 0.5 * float(model.reconstruction_err_) ** 2
    return seconds, value, int(model.n_iter_)


def ours_settings(loss: str) -> dict:
    """The stopping settings the CLI uses for ``loss`` (topiccli.specs.ModelSpec's defaults)."""
    from topiccli.models.fitting import resolve_model
    from topiccli.specs import ModelSpec

    spec = resolve_model(ModelSpec(method="nmf", loss=loss), "tfidf")
    return {"tol": spec.tol, "max_iter": spec.max_iter}


def _ours(X, k: int, loss: str) -> tuple[float, float, int]:
    """topiccli with the CLI's defaults: seconds, final objective, iterations."""
    import topiccli

    settings = ours_settings(loss)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        start = time.perf_counter()
        fit = topiccli.nmf(X, k, loss=loss, **settings)
        seconds = time.perf_counter() - start
    return seconds, float(fit.divergence), int(fit.n_iter)


def compare(X, k: int, loss: str, rounds: int) -> dict:
    """One cell and loss: alternate theirs and ours, ``rounds`` times."""
    theirs, ours = [], []
    for r in range(rounds):
        order = ("theirs", "ours") if r % 2 == 0 else ("ours", "theirs")
        for who in order:
            if who == "theirs":
                seconds, f_theirs, it_theirs = _theirs(X, k, loss)
                theirs.append(seconds)
            else:
                seconds, f_ours, it_ours = _ours(X, k, loss)
                ours.append(seconds)
    t_theirs, t_ours = statistics.median(theirs), statistics.median(ours)
    gap = f_ours / f_theirs - 1.0
    speedup = t_theirs / t_ours
    return {
        "k": k,
        "loss": loss,
        "settings": ours_settings(loss),
        "theirs_seconds": theirs,
        "theirs_objective": f_theirs,
        "theirs_n_iter": it_theirs,
        "ours_seconds": ours,
        "ours_objective": f_ours,
        "ours_n_iter": it_ours,
        "objective_gap": gap,
        "speedup": speedup,
        "met": gap <= TARGET[loss] and speedup >= MIN_SPEEDUP,
    }


def run(home, rounds: int = 2, names=MATRICES, ks=KS, losses=LOSSES, log=print) -> dict:
    cells = []
    for name in names:
        X = matrix(home, name)
        for k in ks:
            for loss in losses:
                cell = {"matrix": name, "shape": list(X.shape), "nnz": int(X.nnz),
                        **compare(X, k, loss, rounds)}  # fmt: skip
                t_theirs = statistics.median(cell["theirs_seconds"])
                t_ours = statistics.median(cell["ours_seconds"])
                log(f"  {name} k={k} {loss}: sklearn {t_theirs:.2f}s ({cell['theirs_n_iter']} it)"
                    f" | ours {t_ours:.2f}s ({cell['ours_n_iter']} it) | gap "
                    f"{cell['objective_gap']:+.2e} ×{cell['speedup']:.1f}")  # fmt: skip
                cells.append(cell)
    return {"rounds": rounds, "target": TARGET, "min_speedup": MIN_SPEEDUP,
            "settings": {loss: ours_settings(loss) for loss in losses}, "cells": cells}  # fmt: skip


def _gap_met(result: dict, cell: dict) -> bool:
    return cell["objective_gap"] <= result["target"][cell["loss"]]


def _yes(ok: bool) -> str:
    return "yes" if ok else "NO"


def markdown(result: dict) -> str:
    settings = result["settings"]
    lines = [
        "### Defaults at equal quality: topiccli's defaults vs scikit-learn's (medians of "
        f"{result['rounds']} rounds)",
        "",
        "Objective gap: our final objective / scikit-learn's − 1 (½‖X − WH‖² for Frobenius, "
        "D(X‖WH) for KL; target ≤ "
        + ", ".join(f"{v:g} ({loss})" for loss, v in result["target"].items())
        + "); speed-up: scikit-learn's time / ours (target ≥ "
        f"{result['min_speedup']:g}×). Ours: "
        + "; ".join(
            f"{loss} tol={s['tol']:g}, max_iter={s['max_iter']}" for loss, s in settings.items()
        )
        + ".",  # fmt: skip
        "",
        "| matrix | k | loss | sklearn (s) | its iters | ours (s) | our iters | objective gap "
        "| speed-up | gap met | ≥ 5× |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for c in result["cells"]:
        lines.append(
            f"| {c['matrix']} | {c['k']} | {c['loss']} | "
            f"{statistics.median(c['theirs_seconds']):.2f} | {c['theirs_n_iter']} | "
            f"{statistics.median(c['ours_seconds']):.2f} | {c['ours_n_iter']} | "
            f"{c['objective_gap']:+.2e} | ×{c['speedup']:.1f} | {_yes(_gap_met(result, c))} | "
            f"{_yes(c['speedup'] >= result['min_speedup'])} |"
        )
    for what, ok in (("objective gap", _gap_met),
                     ("speed-up", lambda r, c: c["speedup"] >= r["min_speedup"])):  # fmt: skip
        missed = [f"{c['matrix']} k={c['k']} {c['loss']}" for c in result["cells"]
                  if not ok(result, c)]  # fmt: skip
        lines += ["", f"{what} missed: {', '.join(missed) if missed else 'none'}"]
    return "\n".join(lines)


def main() -> None:
    import json
    import tempfile

    from bench.run import ROOT, archive_path
    from topiccli.corpus.archive import import_archive

    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 2

    def log(line):
        print(line, file=sys.stderr, flush=True)

    with tempfile.TemporaryDirectory() as home:
        import_archive(archive_path(), home)
        result = run(home, rounds, log=log)
    print(markdown(result))
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "defaults.json").write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
