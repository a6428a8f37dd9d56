"""`make bench`: topiccli against the tutorial's dense approach, measured side by side.

Needs the 20news-bydate archive: TOPICS_20NG_ARCHIVE, or ../shared/data beside the checkout.
Prints a markdown table and writes bench/results/latest.json.
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


def main() -> None:
    from bench import e2e
    from topiccli.corpus.archive import import_archive

    os.environ["TOPICS_CACHE"] = "0"  # these rows time cold runs; e2e sets its own caches
    topics = [sys.executable, "-m", "topiccli"]
    with tempfile.TemporaryDirectory() as home:
        import_archive(archive_path(), home)
        end_to_end = e2e.run(home)
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
    results = {
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
        },  # fmt: skip
        "help_seconds": help_times,
        "tutorial_svd_seconds": {"topics": ours, "dense_scipy": dense},
        "tutorial_speedup": ratio,
        "end_to_end": end_to_end,
    }
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "latest.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
