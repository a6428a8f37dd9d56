"""End to end, one process against a LocalCluster whose workers read the corpus themselves.

python -m bench.cluster [--docs 100000,1000000] [--k 20] [--workers 2] [--json out.json]

For each size it writes a JSONL corpus of real text with scripts/make_big_corpus.py (the
20news-bydate archive's posts, then copies with their words shuffled; in a temporary folder,
removed after) and runs ``topics nmf --input big.jsonl --k K --format json --no-cache`` as a
fresh process, first alone and then with ``--scheduler local:N``. While each runs it samples,
every 0.2 s, the resident memory of the command's process (the client) and of every process
it started (the workers), and reports: wall seconds and the run's own stage timings, the peak
RSS of the client and of the largest worker, and the agreement of the two runs (relative
difference of the final objective, topics with the same top words). With the workers reading,
the client holds the ids, the vocabulary and the factors, never the texts or the matrix.
Needs the ``dask`` extra and the archive (TOPICS_20NG_ARCHIVE, or ../shared/data).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _rss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _children(pid: int) -> list[int]:
    """Every descendant of ``pid`` (from /proc's children lists)."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        try:
            tasks = os.listdir(f"/proc/{current}/task")
        except OSError:
            continue
        for task in tasks:
            try:
                with open(f"/proc/{current}/task/{task}/children") as f:
                    kids = [int(k) for k in f.read().split()]
            except OSError:
                kids = []
            found.extend(kids)
            todo.extend(kids)
    return found


def run(cmd: list[str]) -> dict:
    """Wall time, the JSON report, and peak RSS of the process and of its largest child."""
    start = time.perf_counter()
    process = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    peaks = {"client": 0, "workers": {}}
    done = threading.Event()

    def sample():
        while not done.is_set():
            peaks["client"] = max(peaks["client"], _rss(process.pid))
            for child in _children(process.pid):
                peaks["workers"][child] = max(peaks["workers"].get(child, 0), _rss(child))
            time.sleep(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, _ = process.communicate()
    done.set()
    sampler.join()
    seconds = time.perf_counter() - start
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {process.returncode}")
    workers = sorted(peaks["workers"].values(), reverse=True)
    return {"seconds": round(seconds, 2), "report": json.loads(out),
            "peak_rss_client": peaks["client"],
            "peak_rss_worker": workers[0] if workers else 0,
            "processes_started": len(workers)}  # fmt: skip


def measure(docs: int, k: int, workers: int, archive: Path | None, log=print) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "big.jsonl"
        script = str(ROOT / "scripts" / "make_big_corpus.py")
        given = ["--archive", str(archive)] if archive else []
        make = [sys.executable, script, "--docs", str(docs), "--out", str(corpus), *given]
        subprocess.run(make, check=True)
        topics = str(Path(sys.executable).with_name("topics"))
        base = [topics, "nmf", "--input", str(corpus), "--id-field", "id", "--label-field",
                "label", "--k", str(k), "--format", "json", "--no-cache", "-q"]  # fmt: skip
        log(f"{docs} documents: one process")
        alone = run(base)
        log(f"{docs} documents: LocalCluster of {workers}")
        cluster = run(base + ["--scheduler", f"local:{workers}"])
        size = corpus.stat().st_size
    a, b = alone["report"], cluster["report"]
    same = sum(set(x["words"]) == set(y["words"]) for x, y in zip(a["topics"], b["topics"]))
    row = {
        "documents": a["corpus"]["n_documents"],
        "terms": a["corpus"]["n_terms"],
        "bytes": size,
        "k": k,
        "workers": workers,
        "objective_relative_difference": abs(b["divergence"] - a["divergence"])
        / abs(a["divergence"]),
        "topics_with_the_same_words": same,
        "same_corpus": a["corpus"] == b["corpus"],
    }
    for name, result in (("one_process", alone), ("cluster", cluster)):
        row[name] = {key: value for key, value in result.items() if key != "report"}
        row[name]["timings"] = result["report"]["timings"]
        row[name]["n_iter"] = result["report"]["n_iter"]
    return row


def markdown(rows: list[dict]) -> str:
    mib = 1 << 20
    lines = [
        "| documents | JSONL size | one process | cluster | ratio | client peak (one / cluster) "
        "| largest worker | objective Δ | same topics |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        one, many = r["one_process"], r["cluster"]
        lines.append(
            f"| {r['documents']:,} | {r['bytes'] / mib:,.0f} MiB | {one['seconds']:.0f} s "
            f"| {many['seconds']:.0f} s | {many['seconds'] / one['seconds']:.2f} "
            f"| {one['peak_rss_client'] / mib:,.0f} / {many['peak_rss_client'] / mib:,.0f} MiB "
            f"| {many['peak_rss_worker'] / mib:,.0f} MiB "
            f"| {r['objective_relative_difference']:.1e} "
            f"| {r['topics_with_the_same_words']}/{r['k']} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", default="100000,1000000")
    parser.add_argument("--k", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--archive", type=Path, default=None)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    rows = []
    for docs in (int(d) for d in args.docs.split(",")):
        rows.append(measure(docs, args.k, args.workers, args.archive,
                            log=lambda m: print(m, file=sys.stderr)))  # fmt: skip
        if args.json:
            args.json.write_text(json.dumps(rows, indent=2))
    print(markdown(rows))
    print(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
