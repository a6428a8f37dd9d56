"""`make bench`: topiccli against the tutorial's dense approach, measured side by side.

Needs the 20news-bydate archive: TOPICS_20NG_ARCHIVE, or ../shared/data beside the checkout.
Prints markdown tables and writes bench/results/latest.json (or --json PATH).

``python -m bench.run [--parts e2e,nmf,svd,kl] [--quick]``: ``--quick`` is a smoke run of every
part on the smallest settings (under two minutes); the full run takes hours on two cores.
The factorization parts live in bench/nmf.py, bench/svd.py and bench/kl.py (KL NMF).
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TUTORIAL = "alt.atheism,talk.religion.misc,comp.graphics,sci.space"
DENSE_SCRIPT = """
import sys, numpy as np, scipy.linalg
from sklearn.datasets import fetch_20newsgroups
from sklearn.feature_extraction.text import CountVectorizer
cats = sys.argv[2].split(",")
data = fetch_20newsgroups(data_home=sys.argv[1], subset="train", categories=cats,
                          remove=("headers", "footers", "quotes"), download_if_missing=False)
X = CountVectorizer(stop_words="english").fit_transform(data.data)
U, s, Vh = scipy.linalg.svd(X.toarray(), full_matrices=False)
print(s[:10])
"""


def archive_path() -> Path:
    env = os.environ.get("TOPICS_20NG_ARCHIVE")
    path = Path(env) if env else ROOT.parent / "shared" / "data" / "20news-bydate.tar.gz"
    if not path.is_file():
        sys.exit(f"bench needs the 20news-bydate archive; set TOPICS_20NG_ARCHIVE (tried {path})")
    return path


def wall(cmd: list[str], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return times


def _arguments():
    import argparse

    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__)
    parser.add_argument("--parts", default="e2e,nmf,svd,kl", help="comma-separated: e2e,nmf,svd,kl")
    parser.add_argument("--quick", action="store_true", help="a smoke run (< 2 minutes)")
    parser.add_argument("--json", type=Path, default=ROOT / "bench" / "results" / "latest.json")
    return parser.parse_args()


def _core(parts, quick: bool, home: str) -> tuple[dict, str]:
    """The factorization benchmarks (bench/nmf.py, svd.py, kl.py) on the shared matrices."""
    from bench import kl as kl_bench
    from bench import matrices
    from bench import nmf as nmf_bench
    from bench import svd as svd_bench

    def log(message):
        print(message, file=sys.stderr, flush=True)

    results, text = {}, []
    if "nmf" in parts:
        if quick:
            args = (["train-tfidf"], [10], 1, ["train-tfidf"], [10], ["synth-10k"])
        else:
            args = (list(matrices.NEWSGROUPS), [10, 20, 50], 3, ["train-tfidf", "train-count"],
                    [10, 20], list(matrices.SYNTHETIC))  # fmt: skip
        results["nmf"] = nmf_bench.run(*args, home=home, log=log)
        text.append(nmf_bench.markdown(results["nmf"]))
    if "svd" in parts:
        if quick:
            args = (["train-tfidf"], [10], 1)
        else:
            args = ([*matrices.NEWSGROUPS, "synth-100k"], [10, 50, 100], 3)
        results["svd"] = svd_bench.run(*args, home=home, log=log)
        text.append(svd_bench.markdown(results["svd"]))
    if "kl" in parts:
        results["kl"] = kl_bench.run(
            home, ks=(10,) if quick else (10, 20), repeat=1 if quick else 3
        )
        text.append(kl_bench.markdown(results["kl"]))
    return results, "\n\n".join(text)


def main() -> None:
    from bench import e2e
    from bench.timing import machine
    from topiccli.corpus.archive import import_archive

    args = _arguments()
    parts = {p.strip() for p in args.parts.split(",") if p.strip()}
    os.environ["TOPICS_CACHE"] = "0"  # these rows time cold runs; e2e sets its own caches
    topics = [sys.executable, "-m", "topiccli"]
    with tempfile.TemporaryDirectory() as home:
        import_archive(archive_path(), home)
        core, core_text = _core(parts, args.quick, home)
        if "e2e" not in parts:
            print(core_text)
            results = {"machine": machine(), "quick": args.quick, **core}
            args.json.parent.mkdir(parents=True, exist_ok=True)
            args.json.write_text(json.dumps(results, indent=2))
            return
        end_to_end = e2e.run(home, 2 if args.quick else 5)
        ours_cmd = [*topics, "svd", "-c", TUTORIAL, "--k", "10", "--format", "json",
                    "--data-home", home]  # fmt: skip
        dense_cmd = [sys.executable, "-c", DENSE_SCRIPT, home, TUTORIAL]
        help_times = wall([*topics, "--help"], 5)
        ours, dense = [], []
        for _ in range(3):  # alternate so both see the same machine state
            ours += wall(ours_cmd, 1)
            dense += wall(dense_cmd, 1)
    rows = [
        ("`topics --help`", statistics.median(help_times), None),
        ("tutorial SVD, topics (sparse PROPACK)", statistics.median(ours), None),
        ("tutorial SVD, dense scipy.linalg.svd", statistics.median(dense), None),
    ]
    ratio = statistics.median(dense) / statistics.median(ours)
    print("| measurement | median wall (s) |\n|---|---|")
    for name, seconds, _ in rows:
        print(f"| {name} | {seconds:.3f} |")
    print(f"\ntutorial SVD end to end: topics is {ratio:.1f}× faster than the dense approach")
    print("\n" + e2e.markdown(end_to_end))
    print("\n" + core_text)
    results = {
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            **machine(),
        },  # fmt: skip
        "quick": args.quick,
        **core,
        "help_seconds": help_times,
        "tutorial_svd_seconds": {"topics": ours, "dense_scipy": dense},
        "tutorial_speedup": ratio,
        "end_to_end": end_to_end,
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
