"""Truncated SVD: topiccli against scikit-learn's default TruncatedSVD and scipy's svds.

Each round runs, in rotating order: ours (PROPACK, the default), ours randomized,
``TruncatedSVD(k, random_state=0)`` (randomized, n_iter=5) and ``scipy.sparse.linalg.svds(X, k)``
(ARPACK, scipy's default). The error of each is the largest relative error of its singular
values against ARPACK's, which converges to machine precision (svds tol=0).
"""

from __future__ import annotations

import json

import numpy as np

from .timing import geomean, median, table, timed

METHODS = ("ours", "ours-randomized", "sklearn", "scipy-svds")


def _run(method, X, k):
    if method == "ours":
        import topiccli

        return np.asarray(topiccli.truncated_svd(X, k).s)
    if method == "ours-randomized":
        import topiccli

        return np.asarray(topiccli.truncated_svd(X, k, solver="randomized").s)
    if method == "sklearn":
        from sklearn.decomposition import TruncatedSVD

        return TruncatedSVD(k, random_state=0).fit(X).singular_values_
    from scipy.sparse.linalg import svds

    return np.sort(svds(X, k=k, rng=np.random.default_rng(0))[1])[::-1]


def compare(X, k, repeats):
    times = {m: [] for m in METHODS}
    values = {}
    for r in range(repeats):
        for i in range(len(METHODS)):
            method = METHODS[(i + r) % len(METHODS)]
            seconds, s = timed(lambda m=method: _run(m, X, k))
            times[method].append(seconds)
            values[method] = s
    reference = values["scipy-svds"]
    errors = {m: float(np.max(np.abs(values[m] / reference - 1.0))) for m in METHODS}
    t = {m: median(v) for m, v in times.items()}
    return {
        "k": k,
        "seconds": times,
        "max_rel_error": errors,
        "speedup_vs_sklearn": t["sklearn"] / t["ours"],
        "speedup_vs_svds": t["scipy-svds"] / t["ours"],
        "randomized_speedup_vs_sklearn": t["sklearn"] / t["ours-randomized"],
    }


def run(names, ks, repeats, home, log=print):
    from .matrices import load

    cells = []
    for name in names:
        X = load(name, home)
        log(f"[svd] {name} {X.shape} nnz={X.nnz}")
        for k in ks:
            cell = compare(X, k, repeats)
            cell["matrix"] = name
            cells.append(cell)
            log(f"[svd]   k={k}: ×{cell['speedup_vs_sklearn']:.2f} vs TruncatedSVD "
                f"({json.dumps(cell)})")  # fmt: skip
    return cells


def markdown(cells) -> str:
    if not cells:
        return ""
    rows = []
    for c in cells:
        t = {m: median(v) for m, v in c["seconds"].items()}
        e = c["max_rel_error"]
        rows.append([c["matrix"], c["k"], t["ours"], e["ours"], t["sklearn"], e["sklearn"],
                     t["scipy-svds"], t["ours-randomized"], e["ours-randomized"],
                     c["speedup_vs_sklearn"], c["speedup_vs_svds"]])  # fmt: skip
    header = ["matrix", "k", "ours propack (s)", "its max rel err", "TruncatedSVD (s)",
              "its max rel err", "svds arpack (s)", "ours randomized (s)", "its max rel err",
              "speedup vs TruncatedSVD", "speedup vs svds"]  # fmt: skip
    speedups = [c["speedup_vs_sklearn"] for c in cells]
    return (
        "### Truncated SVD (medians; errors against ARPACK at tol=0)\n\n"
        + table(header, rows)
        + f"\n\ngeometric mean speedup vs TruncatedSVD: ×{geomean(speedups):.2f}; "
        f"slowest cell ×{min(speedups):.2f}"
    )
