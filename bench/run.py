"""`make bench`: topiccli's core against scikit-learn and scipy, measured side by side.

Needs the 20news-bydate archive: TOPICS_20NG_ARCHIVE, or ../shared/data beside the checkout.
Prints markdown tables on stdout (progress on stderr) and writes bench/results/latest.json (or
--json PATH) with the machine's description.

Parts (``--only``, comma-separated; ``make bench`` runs all but ``dense``):

* ``e2e``: whole-process `topics --help`, the tutorial SVD cold and warm, a minimal
  scikit-learn + scipy script (bench/e2e.py);
* ``nmf``: hals vs scikit-learn cd to the same error, matrices × k = 10, 20, 50;
* ``mu``: mu vs scikit-learn mu, same grid;
* ``share``: a HALS iteration against its two sparse products;
* ``svd``: k = 10, 50, 100 vs TruncatedSVD and svds (bench/svd.py);
* ``scaling``: hals on planted corpora of 10k, 100k, 1M documents, time and peak memory;
* ``kl``: KL-divergence NMF against scikit-learn's mu (bench/kl.py);
* ``defaults``: our default NMF (Frobenius and KL, the CLI's tolerances) against
  scikit-learn's defaults, final objective and time, 20NG train/all × TF-IDF/Count × k = 10, 20
  (bench/defaults.py; ``--repeats`` rounds);
* ``settle``: settled topics (issue 26): our defaults (the Settle rule) cold, warm, float32, a
  randomized-SVD start and the former tolerance, scored against a run to 1e-8, and timed
  against scikit-learn's defaults, 16 cells (bench/settle.py; references cached in
  /work/tmp/settle);
* ``vectorize``: topiccli.text.fast_vectorize against scikit-learn's Count/TF-IDF vectorizers on
  20NG train/all and a generated 200k-document corpus, with peak memory (bench/vectorizer.py);
* ``cluster``: end to end from a generated JSONL of real text, one process against a
  LocalCluster of 2 workers reading it themselves, at 100k and 1M documents (20k with
  ``--quick``): wall, stage timings, peak RSS of the client and of the largest worker
  (bench/cluster.py; needs the ``dask`` extra);
* ``segment``: word segmentation of Chinese, Japanese and Korean news (documents/s, MB/s)
  against the segmenter alone and the segmenter + scikit-learn's TfidfVectorizer, and the
  cost of ``--language auto`` on English (bench/segment.py; corpora from
  TOPICS_LANGUAGE_CORPORA);
* ``dense``: (optional) the tutorial SVD against a dense scipy.linalg.svd script.

``--matrices`` and ``--ks`` narrow the grid of nmf, mu, share and svd; ``--repeats`` sets the
rounds (median of them, default 3); ``--quick`` is a smoke run of the smallest settings. The full
run takes hours on two shared cores; each part can be run alone and its JSON kept.
"""

from __future__ import annotations

import json
import os
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


PARTS = (
    "e2e",
    "nmf",
    "mu",
    "share",
    "svd",
    "scaling",
    "kl",
    "defaults",
    "settle",
    "vectorize",
    "cluster",
    "segment",
)
OPTIONAL = ("dense",)


def _arguments():
    import argparse

    parser = argparse.ArgumentParser(
        prog="python -m bench.run",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--only", "--parts", dest="only", default=",".join(PARTS),
                        help=f"comma-separated parts: {','.join(PARTS + OPTIONAL)}")  # fmt: skip
    parser.add_argument("--matrices", help="comma-separated 20 Newsgroups matrices "
                        "(train-tfidf,train-count,all-tfidf,all-count)")  # fmt: skip
    parser.add_argument("--ks", help="comma-separated k (nmf/mu/share default 10,20,50; "
                        "svd 10,50,100)")  # fmt: skip
    parser.add_argument("--repeats", type=int, default=3, help="rounds per cell (median)")
    parser.add_argument("--quick", action="store_true", help="a smoke run of every part")
    parser.add_argument("--json", type=Path, default=ROOT / "bench" / "results" / "latest.json")
    args = parser.parse_args()
    args.parts = [p.strip() for p in args.only.split(",") if p.strip()]
    unknown = set(args.parts) - set(PARTS + OPTIONAL)
    if unknown:
        parser.error(f"unknown part(s): {', '.join(sorted(unknown))}")
    return args


def _grid(args, default_ks):
    from bench import matrices

    names = args.matrices.split(",") if args.matrices else list(matrices.NEWSGROUPS)
    ks = [int(k) for k in args.ks.split(",")] if args.ks else list(default_ks)
    if args.quick:
        names, ks = names[:1], ks[:1]
    return names, ks


def _log(message):
    print(message, file=sys.stderr, flush=True)


def _dense(home: str, repeats: int) -> dict:
    """The tutorial SVD, topics against a dense scipy.linalg.svd script, alternating."""
    topics = [sys.executable, "-m", "topiccli"]
    ours_cmd = [*topics, "svd", "-c", TUTORIAL, "--k", "10", "--format", "json",
                "--data-home", home]  # fmt: skip
    dense_cmd = [sys.executable, "-c", DENSE_SCRIPT, home, TUTORIAL]
    ours, dense = [], []
    for _ in range(repeats):
        ours += wall(ours_cmd, 1)
        dense += wall(dense_cmd, 1)
    return {"topics": ours, "dense_scipy": dense,
            "speedup": statistics.median(dense) / statistics.median(ours)}  # fmt: skip


def _dense_markdown(result: dict) -> str:
    return (
        "### Tutorial SVD against the dense approach (wall, median)\n\n"
        "| command | median wall (s) |\n|---|---|\n"
        f"| topics svd (sparse PROPACK) | {statistics.median(result['topics']):.3f} |\n"
        f"| dense scipy.linalg.svd script | {statistics.median(result['dense_scipy']):.3f} |\n\n"
        f"topics is {result['speedup']:.1f}× faster than the dense approach"
    )


def main() -> None:
    from bench import e2e, matrices
    from bench import nmf as nmf_bench
    from bench import svd as svd_bench
    from bench.timing import machine
    from topiccli.corpus.archive import import_archive

    args = _arguments()
    repeats = 1 if args.quick else args.repeats
    os.environ["TOPICS_CACHE"] = "0"  # these rows time cold runs; e2e sets its own caches
    results: dict = {"machine": machine(), "parts": args.parts, "quick": args.quick,
                     "repeats": repeats}  # fmt: skip
    text: list[str] = []

    def save():
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=2))

    with tempfile.TemporaryDirectory() as home:
        import_archive(archive_path(), home)
        if "e2e" in args.parts:
            results["end_to_end"] = e2e.run(home, 2 if args.quick else max(repeats, 5))
            text.append(e2e.markdown(results["end_to_end"]))
        nmf_results = {}
        if "nmf" in args.parts:
            names, ks = _grid(args, (10, 20, 50))
            nmf_results["hals_vs_cd"] = nmf_bench.run_pair(
                names, ks, repeats, home, "hals", "cd", _log
            )
        if "mu" in args.parts:
            names, ks = _grid(args, (10, 20, 50))
            nmf_results["mu_vs_mu"] = nmf_bench.run_pair(names, ks, repeats, home, "mu", "mu", _log)
        if "share" in args.parts:
            names, ks = _grid(args, (10, 20, 50))
            nmf_results["product_share"] = nmf_bench.run_share(names, ks, home, _log)
        if "scaling" in args.parts:
            names = list(matrices.SYNTHETIC)[:1] if args.quick else list(matrices.SYNTHETIC)
            nmf_results["scaling"] = nmf_bench.run_scaling(names, 20, home, _log)
        if nmf_results:
            results["nmf"] = nmf_results
            save()
            text.append(nmf_bench.markdown(nmf_results))
        if "svd" in args.parts:
            names, ks = _grid(args, (10, 50, 100))
            results["svd"] = svd_bench.run(names, ks, repeats, home, log=_log)
            text.append(svd_bench.markdown(results["svd"]))
        if "kl" in args.parts:
            from bench import kl as kl_bench

            results["kl"] = kl_bench.run(home, ks=(10,) if args.quick else (10, 20),
                                         repeat=repeats)  # fmt: skip
            text.append(kl_bench.markdown(results["kl"]))
        if "defaults" in args.parts:
            from bench import defaults as defaults_bench

            names, ks = _grid(args, defaults_bench.KS)
            results["defaults"] = defaults_bench.run(home, repeats, names, ks, log=_log)
            save()
            text.append(defaults_bench.markdown(results["defaults"]))
        if "settle" in args.parts:
            from bench import settle as settle_bench

            results["settle"] = settle_bench.run(log=_log)
            save()
            text.append(settle_bench.markdown(results["settle"]))
        if "vectorize" in args.parts:
            from bench import vectorizer as vectorizer_bench

            results["vectorize"] = vectorizer_bench.run(
                archive_path(), repeats, big_docs=20_000 if args.quick else 200_000, log=_log
            )
            save()
            text.append(vectorizer_bench.markdown(results["vectorize"]))
        if "cluster" in args.parts:
            from bench import cluster as cluster_bench

            sizes = (20_000,) if args.quick else (100_000, 1_000_000)
            results["cluster"] = [cluster_bench.measure(n, 20, 2, archive_path(), log=_log)
                                  for n in sizes]  # fmt: skip
            save()
            text.append(cluster_bench.markdown(results["cluster"]))
        if "segment" in args.parts:
            from bench import segment as segment_bench

            results["segment"] = segment_bench.run(
                archive_path(), repeats, documents=1000 if args.quick else 5000, log=_log
            )
            save()
            text.append(segment_bench.markdown(results["segment"]))
        if "dense" in args.parts:
            results["dense"] = _dense(home, repeats)
            text.append(_dense_markdown(results["dense"]))
    results["machine"]["load_average_end"] = os.getloadavg()
    print(f"Machine: {json.dumps(results['machine'])}\n")
    print("\n\n".join(t for t in text if t))
    save()


if __name__ == "__main__":
    main()
