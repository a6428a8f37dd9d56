"""Settled topics in fewer iterations (issue 26): our defaults against scikit-learn's, per cell.

Part ``settle`` of `make bench` (``python -m bench.run --only settle``); alone:
``python -m bench.settle [--cells ...] [--variants ...]``.

For each 20NG cell (train/all × TF-IDF/Count × k = 10, 20 × Frobenius/KL; the matrices of
``bench.defaults``) it runs, side by side in one process:

* scikit-learn's defaults for the loss (cd for Frobenius; mu with nndsvda for KL), timed;
* ours with the model layer's defaults (the ``Settle`` rule of ``specs.NMF_SETTLE``), as
  variants: ``cold`` (float64, the exact NNDSVD start), ``warm`` (a seeded sample's fit as the
  start, ``specs.NMF_WARM``'s share), ``f32`` (float32), ``rsvd`` (NNDSVD from a randomized
  SVD with 4 seeded power iterations), ``tol`` (today's former per-loss tolerance, NMF_TOL),
  ``amu`` (KL only: the former default solver, over-relaxed multiplicative updates, with the
  default rule).

Each of ours is scored against the cell's reference (the cold start run with the same solver
to 1e-8 or 1,000 iterations, ``scripts/settled.py``, cached under /work/tmp/settle): worst
topic's top-8 words kept, documents keeping their top topic, objective gap; *settled* when
≥ 7/8, ≥ 99% and ≤ 1e-3. The objective-based comparison is against scikit-learn's final
objective. Times are wall seconds in this process, so ratios taken in the same run share the
machine's load.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
VARIANTS = ("cold", "warm", "f32", "rsvd", "tol", "amu")
CACHE = Path("/work/tmp/settle")
"""Where the reference runs and matrices are cached (outside the repository)."""


def _sklearn(X, k: int, loss: str) -> dict:
    from bench.defaults import _theirs

    seconds, value, n_iter = _theirs(X, k, loss)
    return {"seconds": seconds, "objective": value, "n_iter": n_iter}


def _rsvd_start(X, k: int, loss: str):
    """NNDSVD(a) fed by a randomized SVD (4 power iterations, 10 oversamples, seed 0)."""
    from topiccli.factorize import _nndsvd
    from topiccli.factorize._randomized import randomized_svd

    U, s, Vt = randomized_svd(X, k, 0, 4, 10)

    class _Svd:
        pass

    svd = _Svd()
    svd.U, svd.s, svd.Vt = U, s, Vt
    original = _nndsvd._truncated_svd
    _nndsvd._truncated_svd = lambda *args: svd
    try:
        W, H = _nndsvd.initialize(X, k, "nndsvd" if loss == "frobenius" else "nndsvda", 0)
    finally:
        _nndsvd._truncated_svd = original
    if loss == "kl":
        from topiccli.factorize.warm import lift_zeros

        W, H = lift_zeros(W, X), lift_zeros(H, X)
    return W, H


def ours(X, k: int, loss: str, variant: str) -> tuple[dict, object]:
    """One of our variants, timed (start included): (figures, result)."""
    import topiccli
    from topiccli.factorize.stopping import Settle
    from topiccli.specs import NMF_SETTLE, NMF_TOL, NMF_WARM, ModelSpec

    spec = ModelSpec(method="nmf", loss=loss)
    options = {"loss": loss, "max_iter": spec.max_iter, "stop": Settle(**NMF_SETTLE[loss])}
    if variant == "tol":
        options = {"loss": loss, "max_iter": spec.max_iter, "tol": NMF_TOL[loss]}
    if variant == "amu":
        options["solver"] = "amu"
    if variant == "warm":
        options["warm"] = max(NMF_WARM["min_sample"], round(NMF_WARM["share"] * X.shape[0]))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        start = time.perf_counter()
        if variant == "f32":
            X = X.astype(np.float32)
        if variant == "rsvd":
            options["init"] = _rsvd_start(X, k, loss)
        result = topiccli.nmf(X, k, **options)
        seconds = time.perf_counter() - start
    return {"seconds": seconds, "n_iter": int(result.n_iter), "warm_iter": int(result.warm_iter),
            "objective": _objective(X, result, loss)}, result  # fmt: skip


def _objective(X, result, loss: str) -> float:
    """The final objective in float64 (float32 fits are rescored so they compare)."""
    if loss == "frobenius":
        W, H = result.W.astype(np.float64), result.H.astype(np.float64)
        X64 = X.astype(np.float64)
        cross = float((X64 @ H.T).ravel() @ W.ravel())
        norm = float(X64.data @ X64.data)
        return 0.5 * max(norm - 2 * cross + float(np.sum((W.T @ W) * (H @ H.T))), 0.0)
    from topiccli.factorize._kl import kl_divergence

    return float(kl_divergence(X.astype(np.float64), result.W.astype(np.float64),
                               result.H.astype(np.float64)))  # fmt: skip


def run_cell(cell: str, variants, cache: Path, log) -> dict:
    sys.path.insert(0, str(ROOT / "scripts"))
    import settled

    name, k, loss = cell.rsplit(":", 2)
    k = int(k)
    X = settled.load_matrix(name, cache)
    records = {}

    def record_of(solver):
        key = settled.record_key(cell, solver)
        if key not in records:
            records[key] = settled.reference(X, k, loss, cache, key, solver)
        return records[key]

    record = record_of(None)
    out = {"cell": cell, "shape": list(X.shape), "nnz": int(X.nnz),
           "reference": {"n_iter": int(record["n_iter"][-1])}, "variants": {}}  # fmt: skip
    out["sklearn"] = _sklearn(X, k, loss)
    for variant in variants:
        if variant == "amu" and loss != "kl":
            continue
        figures, result = ours(X, k, loss, variant)
        record = record_of("amu" if variant == "amu" else None)
        figures.update(
            settled.compare_fit(
                result.W, result.H, figures["objective"], record, settled.nonempty(X)
            )
        )
        figures["objective_gap_vs_sklearn"] = figures["objective"] / out["sklearn"]["objective"] - 1
        figures["speedup"] = out["sklearn"]["seconds"] / figures["seconds"]
        out["variants"][variant] = figures
        log(f"{cell} {variant}: {figures['seconds']:.2f}s it={figures['n_iter']}"
            f"(+{figures['warm_iter']}) words={figures['words_kept']} "
            f"docs={figures['docs_kept']:.4f} gap={figures['gap']:.1e} "
            f"vs sklearn {out['sklearn']['seconds']:.2f}s ×{figures['speedup']:.1f} "
            f"obj {figures['objective_gap_vs_sklearn']:+.1e}")  # fmt: skip
    return out


def markdown(result: dict) -> str:
    cells = result["cells"]
    load = f"load average {result['load_at_start']} at start, {result.get('load_at_end')} at end"
    lines = [f"### Settled defaults vs scikit-learn's defaults ({load})", "",
             "Per variant: time (s), iterations (+ the sample's), worst top-8 kept / documents "
             "kept / objective gap against the 1e-8 reference (S = settled), speed-up over "
             "scikit-learn's defaults, objective against scikit-learn's.", "",
             "| cell | sklearn s (it) | variant | s | it | top-8 | docs | gap | S | × sk | "
             "obj vs sk |", "|---|---|---|---|---|---|---|---|---|---|---|"]  # fmt: skip
    for c in cells:
        sk = c["sklearn"]
        for name, v in c["variants"].items():
            lines.append(
                f"| {c['cell']} | {sk['seconds']:.2f} ({sk['n_iter']}) | {name} | "
                f"{v['seconds']:.2f} | {v['n_iter']}+{v['warm_iter']} | {v['words_kept']}/8 | "
                f"{100 * v['docs_kept']:.1f}% | {v['gap']:.1e} | "
                f"{'yes' if v['settled'] else 'NO'} | ×{v['speedup']:.1f} | "
                f"{v['objective_gap_vs_sklearn']:+.1e} |"
            )
    return "\n".join(lines)


def run(cells=None, variants=VARIANTS, cache: Path = CACHE, log=print, json_path=None) -> dict:
    """Every cell side by side (scikit-learn first, then our variants); the load is recorded."""
    sys.path.insert(0, str(ROOT / "scripts"))
    import settled

    start_load = "{:.1f} {:.1f} {:.1f}".format(*os.getloadavg())
    result = {"load_at_start": start_load, "cells": []}
    for cell in cells or settled.CELLS:
        result["cells"].append(run_cell(cell, variants, cache, log))
        if json_path is not None:
            json_path.parent.mkdir(exist_ok=True)
            json_path.write_text(json.dumps(result, indent=2))
    result["load_at_end"] = "{:.1f} {:.1f} {:.1f}".format(*os.getloadavg())
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description="settled defaults vs scikit-learn")
    parser.add_argument("--cells", default=None)
    parser.add_argument("--variants", default=",".join(VARIANTS))
    parser.add_argument("--cache", type=Path, default=CACHE)
    parser.add_argument("--json", type=Path, default=ROOT / "bench" / "results" / "settle.json")
    args = parser.parse_args()

    def log(line):
        print(line, file=sys.stderr, flush=True)

    cells = args.cells.split(",") if args.cells else None
    result = run(cells, args.variants.split(","), args.cache, log, args.json)
    print(markdown(result))


if __name__ == "__main__":
    main()
