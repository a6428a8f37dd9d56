"""One process against a LocalCluster: topiccli's core NMF/SVD vs the Dask engine.

python -m bench.distributed [--docs 100000] [--k 10] [--iters 15] [--workers 2] [--json out.json]

On a planted corpus (``topiccli.corpus.synthetic.planted``, counts only) it fits the same start with
``topiccli.nmf`` (one process, its threads) and ``topiccli.distributed.nmf`` (a LocalCluster
of ``--workers`` single-threaded processes on 127.0.0.1), for a fixed number of iterations
(tol=0), and reports per solver: seconds per iteration each way and their ratio, the objectives'
relative difference, bytes the client sent and received per iteration against the
P·(k·n + k²)·8 scale, bytes moved between workers, and each worker's peak RSS. Then the same
for a truncated SVD (k=10). Needs the ``dask`` extra. Run it with ``nice`` on a shared machine.
"""

from __future__ import annotations

import argparse
import json
import resource
import time
import warnings

import numpy as np


def _peak_rss() -> int:
    """This process's peak RSS since its last exec (VmHWM; ru_maxrss would include the RSS of
    the process that spawned it)."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _outgoing(dask_worker) -> int:
    return int(dask_worker.transfer_outgoing_bytes_total)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--iters", type=int, default=15)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--partitions", type=int, default=None)
    parser.add_argument("--solvers", default="frobenius:hals,frobenius:mu,kl:amu")
    parser.add_argument("--json", default=None)
    args = parser.parse_args()

    import topiccli
    from topiccli.corpus.synthetic import planted
    from topiccli.distributed import close, connect, scatter_csr
    from topiccli.distributed.nmf import Traffic, nmf
    from topiccli.distributed.svd import truncated_svd

    from .timing import machine

    client = connect(f"local:{args.workers}", timeout=60)
    began = time.perf_counter()
    X = planted(args.docs, args.k, seed=0, texts=False).counts
    m, n = X.shape
    print(f"corpus: {m}×{n}, nnz {X.nnz} ({time.perf_counter() - began:.1f} s to draw)")
    rng = np.random.default_rng(0)
    k = args.k
    start = (rng.random((m, k)) + 0.1, rng.random((k, n)) + 0.1)
    report = {"machine": machine(), "shape": [m, n], "nnz": int(X.nnz), "k": k, "rows": []}
    try:
        P = args.partitions or args.workers
        began = time.perf_counter()
        data = scatter_csr(client, X, P)
        data.transposed()
        from distributed import wait

        wait(data.blocks + data.transposed(), timeout=600)
        print(f"scatter into {P} blocks: {time.perf_counter() - began:.1f} s")
        scale = P * (k * n + k * k) * 8
        for spec in args.solvers.split(","):
            loss, solver = spec.split(":")
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                t0 = time.perf_counter()
                core = topiccli.nmf(X, k, loss=loss, solver=solver, init=start,
                                    max_iter=args.iters, tol=0)  # fmt: skip
                t1 = time.perf_counter()
                moved0 = sum(client.run(_outgoing).values())
                traffic = Traffic()
                dist = nmf(data, k, loss=loss, solver=solver, init=start, max_iter=args.iters,
                           tol=0, traffic=traffic)  # fmt: skip
                t2 = time.perf_counter()
                moved = sum(client.run(_outgoing).values()) - moved0
            # Worker-to-worker (and worker-to-client) bytes during iterations 2..end, measured
            # in a second, untimed run (the final gather of W is not in this window).
            marks = []
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                nmf(
                    data,
                    k,
                    loss=loss,
                    solver=solver,
                    init=start,
                    max_iter=args.iters,
                    tol=0,
                    callback=lambda i, e, marks=marks: marks.append(
                        sum(client.run(_outgoing).values())
                    ),
                )
            steady = (marks[-1] - marks[0]) / max(1, len(marks) - 1)
            per_iter = np.mean([s + r for s, r in traffic.per_iteration[1:]])
            row = {
                "solver": spec,
                "iterations": dist.n_iter,
                "core_s_per_iter": (t1 - t0) / core.n_iter,
                "dask_s_per_iter": (t2 - t1) / dist.n_iter,
                "ratio_dask_over_core": ((t2 - t1) / dist.n_iter) / ((t1 - t0) / core.n_iter),
                "objective_rel_diff": abs(dist.divergence - core.divergence) / core.divergence,
                "client_bytes_per_iter": float(per_iter),
                "bytes_over_P(kn+k^2)*8": float(per_iter / scale),
                "worker_outgoing_bytes_whole_fit_incl_W_gather": int(moved),
                "worker_outgoing_bytes_per_iter": float(steady),
            }
            report["rows"].append(row)
            print(json.dumps(row))
        t0 = time.perf_counter()
        s_core = topiccli.truncated_svd(X, 10)
        t1 = time.perf_counter()
        s_dist = truncated_svd(data, 10)
        t2 = time.perf_counter()
        svd = {
            "solver": "svd:propack k=10",
            "core_s": t1 - t0,
            "dask_s": t2 - t1,
            "ratio_dask_over_core": (t2 - t1) / (t1 - t0),
            "sigma_max_rel_diff": float(np.max(np.abs(s_core.s - s_dist.s) / s_core.s)),
        }
        report["rows"].append(svd)
        print(json.dumps(svd))
        peaks = client.run(_peak_rss)
        report["worker_peak_rss_bytes"] = peaks
        report["client_peak_rss_bytes"] = _peak_rss()
        report["X_bytes"] = int(X.data.nbytes + X.indices.nbytes + X.indptr.nbytes)
        print("worker peak RSS (MiB):", {w: round(v / 2**20) for w, v in peaks.items()})
        print(f"client peak RSS (MiB): {_peak_rss() / 2**20:.0f}; X is "
              f"{report['X_bytes'] / 2**20:.0f} MiB")  # fmt: skip
    finally:
        close(client)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(report, f, indent=2, default=str)


if __name__ == "__main__":
    main()
