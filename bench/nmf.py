"""NMF: topiccli against scikit-learn, side by side, alternating, medians of the repeats.

* hals vs ``NMF(solver="cd", init="nndsvd")``: scikit-learn runs with its defaults; its final
  Frobenius error e is the target, and ours is timed until its error first reaches "the same
  error", e·(1 + SAME_ERROR_RTOL) (every iteration reports its error through ``callback``; the
  run is cut there). The tolerance is the spread between local minima: two solvers, or one
  solver from two starts, settle 3e-5 to 1e-4 apart (shared/notes/performance.md), so an exact
  match would time which minimum a solver happens to fall into, not its speed. Ours with its
  own defaults (tol 1e-4) is timed too, with its error relative to scikit-learn's.
* mu vs ``NMF(solver="mu")`` (both start from NNDSVDa), the same way.
* The share of a HALS iteration spent in its two sparse products X·Hᵀ and Xᵀ·W (the same row
  chunks and threads as the solver), from the median iteration of a 12-iteration run.
* Scaling on planted corpora: time per iteration and peak memory of a fresh process.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import tempfile
import time
import warnings

import numpy as np

from .timing import geomean, median, table, timed

SAME_ERROR_RTOL = 1e-4
"""Errors within this relative distance of scikit-learn's final error count as the same."""


class _Reached(Exception):
    pass


def time_to_reach(X, k, solver, target, max_iter):
    """Seconds for topiccli.nmf to first reach ‖X − WH‖ ≤ target (None if it never does)."""
    import topiccli

    start = time.perf_counter()
    best = [math.inf, 0]

    def callback(n_iter, error):
        best[0], best[1] = min(best[0], error), n_iter
        if error <= target:
            raise _Reached

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            topiccli.nmf(X, k, solver=solver, tol=0.0, max_iter=max_iter, callback=callback)
        except _Reached:
            return time.perf_counter() - start, best[1], best[0]
    return None, best[1], best[0]


def _theirs(X, k, solver):
    from sklearn.decomposition import NMF

    init = "nndsvd" if solver == "cd" else "nndsvda"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return timed(lambda: NMF(k, solver=solver, init=init, random_state=0).fit(X))


def _ours_default(X, k, solver):
    import topiccli

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return timed(lambda: topiccli.nmf(X, k, solver=solver))


def compare(X, k, ours_solver, their_solver, repeats):
    """One grid cell: alternate theirs / ours-to-target / ours-default, `repeats` rounds."""
    theirs, reach, default = [], [], []
    target = n_theirs = None
    iters = fit = None
    for r in range(repeats):
        first_theirs = r % 2 == 0 or target is None
        order = ("theirs", "reach", "default") if first_theirs else ("default", "reach", "theirs")
        for who in order:
            if who == "theirs":
                seconds, model = _theirs(X, k, their_solver)
                theirs.append(seconds)
                target, n_theirs = model.reconstruction_err_, model.n_iter_
            elif who == "reach":
                goal = target * (1.0 + SAME_ERROR_RTOL)
                seconds, iters, _ = time_to_reach(X, k, ours_solver, goal, 3 * n_theirs + 50)
                reach.append(seconds)
            else:
                seconds, fit = _ours_default(X, k, ours_solver)
                default.append(seconds)
    t_theirs, t_default = median(theirs), median(default)
    t_reach = median(reach) if None not in reach else math.nan  # a miss in any round counts
    return {
        "k": k,
        "theirs_seconds": theirs,
        "theirs_n_iter": int(n_theirs),
        "target_error": float(target),
        "same_error_rtol": SAME_ERROR_RTOL,
        "reach_seconds": reach,
        "reach_n_iter": iters,
        "speedup_to_same_error": t_theirs / t_reach if t_reach == t_reach else math.nan,
        "default_seconds": default,
        "default_n_iter": fit.n_iter,
        "default_rel_error_gap": fit.reconstruction_error / target - 1.0,
        "speedup_default": t_theirs / t_default,
    }


class _TimedPart:
    """A chunk of X whose products add their thread CPU time to a shared list."""

    def __init__(self, part, spent):
        self.part, self.spent = part, spent

    def __matmul__(self, other):
        start = time.thread_time()
        out = self.part @ other
        self.spent.append(time.thread_time() - start)
        return out


def product_share(X, k, iterations=12):
    """How much of a HALS iteration its two sparse products take, measured inside the solver.

    CPU time (all threads): the products' thread CPU time, summed, against the process's CPU
    time per iteration, for the median iteration (steady when other work shares the machine).
    Wall time too: the median iteration against the same products run alone on the same chunks
    and threads (noisy on a shared machine).
    """
    import sys as _sys

    import topiccli
    from topiccli.factorize._parallel import runner

    nmf_module = _sys.modules["topiccli.factorize._nmf"]
    original = nmf_module._problem
    spent: list[float] = []

    def timed_problem(*args, **kwargs):
        problem = original(*args, **kwargs)
        for chunks in (problem.X, problem.Xt):
            chunks.parts = [_TimedPart(part, spent) for part in chunks.parts]
        return problem

    stamps, cpu, products_cpu = [], [], []

    def callback(i, e):
        stamps.append(time.perf_counter())
        cpu.append(time.process_time())
        products_cpu.append(sum(spent))

    nmf_module._problem = timed_problem
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fit = topiccli.nmf(X, k, tol=0.0, max_iter=iterations, callback=callback)
    finally:
        nmf_module._problem = original
    per_iter = float(np.median(np.diff(stamps)))
    cpu_iter, cpu_products = np.diff(cpu), np.diff(products_cpu)
    cpu_ratio = float(np.median(cpu_iter / cpu_products))
    problem = original(X, k, 0.0, 0.0, 0.0, "hals")
    W, Ht = fit.W, np.ascontiguousarray(fit.H.T)
    samples = []
    with runner() as pool:
        for _ in range(5):
            start = time.perf_counter()
            pool.map(lambda c: problem.X.parts[c] @ Ht, len(problem.X))
            pool.map(lambda c: problem.Xt.parts[c] @ W, len(problem.Xt))
            samples.append(time.perf_counter() - start)
    products = float(np.median(samples))
    return {"k": k, "iteration_seconds": per_iter, "products_seconds": products,
            "iteration_over_products": per_iter / products,
            "iteration_cpu_seconds": float(np.median(cpu_iter)),
            "products_cpu_seconds": float(np.median(cpu_products)),
            "cpu_iteration_over_products": cpu_ratio}  # fmt: skip


_SCALING_CHILD = """
import json, sys, time, warnings
import scipy.sparse as sp
import topiccli
def status(field):  # KiB. VmHWM is this program's peak; ru_maxrss would count the parent's
    with open("/proc/self/status") as f:  # memory at fork, as it survives exec
        return next(int(line.split()[1]) for line in f if line.startswith(field + ":"))
empty = status("VmRSS")
X = sp.load_npz(sys.argv[1]).tocsr()
base = status("VmRSS")
stamps = []
warnings.simplefilter("ignore")
start = time.perf_counter()
fit = topiccli.nmf(X, int(sys.argv[2]), callback=lambda i, e: stamps.append(time.perf_counter()))
total = time.perf_counter() - start
steps = [b - a for a, b in zip(stamps, stamps[1:])]
steps.sort()
print(json.dumps({"nnz": int(X.nnz), "shape": list(X.shape), "fit_seconds": total,
                  "n_iter": fit.n_iter, "iteration_seconds": steps[len(steps) // 2],
                  "start_seconds": stamps[0] - start,
                  "peak_rss_mib": status("VmHWM") / 1024,
                  "rss_after_load_mib": base / 1024, "rss_before_load_mib": empty / 1024}))
"""


def scaling(names, k, home):
    from .matrices import load

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in names:
            import scipy.sparse as sp

            path = os.path.join(tmp, f"{name}.npz")
            sp.save_npz(path, load(name, home), compressed=False)
            out = subprocess.run([sys.executable, "-c", _SCALING_CHILD, path, str(k)],
                                 check=True, capture_output=True, text=True)  # fmt: skip
            row = json.loads(out.stdout)
            row["matrix"] = name
            rows.append(row)
            os.unlink(path)
    return rows


def _bytes_per_nnz(c) -> float:
    """Peak RSS above the interpreter with its imports, per stored entry of X."""
    return max(c["peak_rss_mib"] - c.get("rss_before_load_mib", 0.0), 1e-9) * 2**20 / c["nnz"]


def _linearity(cells) -> str:
    """Marginal cost per added stored entry between consecutive sizes: constant when linear."""
    lines = []
    for a, b in zip(cells, cells[1:]):
        added = b["nnz"] - a["nnz"]
        per_iter = (b["iteration_seconds"] - a["iteration_seconds"]) * 1e9 / added
        memory = (b["peak_rss_mib"] - a["peak_rss_mib"]) * 2**20 / added
        lines.append(f"- {a['matrix']} → {b['matrix']} (nnz ×{b['nnz'] / a['nnz']:.0f}): "
                     f"+{per_iter:.1f} ns per iteration and +{memory:.0f} bytes of peak RSS "
                     f"per added entry")  # fmt: skip
    last = cells[-1]
    lines.append(f"- peak RSS at {last['matrix']}: {last['peak_rss_mib'] / 1024:.2f} GiB "
                 "(target: within 8 GiB)")  # fmt: skip
    return "Linearity in nnz (equal marginal costs = linear):\n\n" + "\n".join(lines)


def run_pair(names, ks, repeats, home, ours: str, theirs: str, log=print):
    """Our solver ``ours`` against scikit-learn's ``theirs`` on every (matrix, k) cell."""
    from .matrices import load

    tag = "nmf" if ours == "hals" else ours
    cells = []
    for name in names:
        X = load(name, home)
        log(f"[{tag}] {name} {X.shape} nnz={X.nnz}")
        for k in ks:
            cell = compare(X, k, ours, theirs, repeats)
            cell["matrix"] = name
            cells.append(cell)
            log(f"[{tag}]   {ours} k={k}: ×{cell['speedup_to_same_error']:.2f} to the same "
                f"error ({json.dumps(cell)})")  # fmt: skip
    return cells


def run_share(names, ks, home, log=print):
    """The share of a HALS iteration spent in its two sparse products, per (matrix, k)."""
    from .matrices import load

    cells = []
    for name in names:
        X = load(name, home)
        for k in ks:
            cell = product_share(X, k)
            cell["matrix"] = name
            cells.append(cell)
            ratio = cell["cpu_iteration_over_products"]
            log(f"[share] {name} k={k}: iteration / products ×{ratio:.2f} (CPU) "
                f"({json.dumps(cell)})")  # fmt: skip
    return cells


def run_scaling(names, k, home, log=print):
    """hals with its defaults on planted corpora, each in a fresh process."""
    rows = scaling(names, k, home)
    for row in rows:
        log(f"[scaling] {row['matrix']} nnz={row['nnz']} fit {row['fit_seconds']:.1f} s, "
            f"peak {row['peak_rss_mib']:.0f} MiB ({json.dumps(row)})")  # fmt: skip
    return rows


def markdown(results) -> str:
    parts = []
    cells = results.get("hals_vs_cd")
    if cells:
        rows = [[c["matrix"], c["k"], median(c["theirs_seconds"]), c["theirs_n_iter"],
                 median(c["reach_seconds"]), c["reach_n_iter"], c["speedup_to_same_error"],
                 median(c["default_seconds"]), c["default_rel_error_gap"], c["speedup_default"]]
                for c in cells]  # fmt: skip
        parts.append(
            "### NMF: hals vs scikit-learn cd (init nndsvd), medians\n\n"
            + table(
                [
                    "matrix",
                    "k",
                    "sklearn cd (s)",
                    "its iters",
                    "ours to its error (s)",
                    "our iters",
                    "speedup",
                    "ours default (s)",
                    "default error gap",
                    "speedup default",
                ],
                rows,
            )
        )
        speedups = [c["speedup_to_same_error"] for c in cells]
        missed = [f"{c['matrix']} k={c['k']}" for c, s in zip(cells, speedups)
                  if not math.isfinite(s)]  # fmt: skip
        reached = [s for s in speedups if math.isfinite(s)]
        parts.append(f"geometric mean speedup to the same error (within "
                     f"{SAME_ERROR_RTOL:g} relative): ×{geomean(reached):.2f} over "
                     f"{len(reached)} cells; slowest cell ×{min(reached, default=math.nan):.2f}; "
                     f"never reached it: {', '.join(missed) or 'none'}")  # fmt: skip
    cells = results.get("mu_vs_mu")
    if cells:
        rows = [[c["matrix"], c["k"], median(c["theirs_seconds"]), c["theirs_n_iter"],
                 median(c["reach_seconds"]), c["reach_n_iter"], c["speedup_to_same_error"]]
                for c in cells]  # fmt: skip
        parts.append("### NMF: mu vs scikit-learn mu (init nndsvda), medians\n\n" + table(
            ["matrix", "k", "sklearn mu (s)", "its iters", "ours to its error (s)",
             "our iters", "speedup"], rows))  # fmt: skip
    cells = results.get("product_share")
    if cells:
        rows = [[c["matrix"], c["k"], c.get("iteration_cpu_seconds", math.nan) * 1e3,
                 c.get("products_cpu_seconds", math.nan) * 1e3,
                 c.get("cpu_iteration_over_products", math.nan), c["iteration_seconds"] * 1e3,
                 c["products_seconds"] * 1e3, c["iteration_over_products"]]
                for c in cells]  # fmt: skip
        parts.append(
            "### HALS iteration vs its two sparse products (median iteration of 12)\n\n"
            + table(["matrix", "k", "iteration CPU (ms)", "its products' CPU (ms)",
                     "iteration / products (CPU)", "iteration wall (ms)",
                     "products alone, wall (ms)", "iteration / products (wall)"], rows)
        )  # fmt: skip
    cells = results.get("scaling")
    if cells:
        rows = [[c["matrix"], c["nnz"], c["iteration_seconds"] * 1e3,
                 c["iteration_seconds"] * 1e9 / c["nnz"], c["n_iter"], c["fit_seconds"],
                 c["fit_seconds"] * 1e9 / c["nnz"] / c["n_iter"], c["peak_rss_mib"],
                 _bytes_per_nnz(c)] for c in cells]  # fmt: skip
        parts.append("### Scaling (hals, k=20, defaults; fresh process)\n\n" + table(
            ["matrix", "nnz", "iteration (ms)", "ns per nnz", "iters", "fit (s)",
             "fit ns per nnz·iter", "peak RSS (MiB)", "(peak − empty) bytes per nnz"],
            rows))  # fmt: skip
        if len(cells) > 1:
            parts.append(_linearity(cells))
    return "\n\n".join(parts)
