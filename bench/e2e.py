"""End to end, whole process: `topics --help`, the tutorial SVD cold and warm, and a minimal
scikit-learn + scipy script doing the same job.

Every measurement is a fresh process (wall time; CPU time and peak RSS from ``os.wait4``;
CPU time is the steadier figure when other work shares the machine). The four
commands run in rotating order, round after round, so they share the machine's state; the
report gives medians and the issue's ratios. "Cold" starts from an empty topiccli cache (the
20 Newsgroups file itself is in the OS page cache for every command alike); "warm" repeats
the run on a primed cache (a run cache hit: nothing is fitted again); "new k" runs the same
corpus at a k not run before (a corpus cache hit: loading and vectorizing are skipped, the
SVD runs), the iteration a user does next.

Standalone: ``python -m bench.e2e [--repeat N]`` (needs the 20news-bydate archive, like
``make bench``).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

TUTORIAL = "alt.atheism,talk.religion.misc,comp.graphics,sci.space"
TARGETS = {"help_seconds": 0.3, "warm_seconds": 0.6, "cold_over_minimal": 1.3}

MINIMAL_SCRIPT = """
import sys
from scipy.sparse.linalg import svds
from sklearn.datasets import fetch_20newsgroups
from sklearn.feature_extraction.text import CountVectorizer

data = fetch_20newsgroups(data_home=sys.argv[1], subset="train", categories=sys.argv[2].split(","),
                          remove=("headers", "footers", "quotes"), download_if_missing=False)
vectorizer = CountVectorizer(stop_words="english")
X = vectorizer.fit_transform(data.data).astype(float)
U, s, Vt = svds(X, k=10, solver="propack")
terms = vectorizer.get_feature_names_out()
for i in s.argsort()[::-1]:
    print(f"{s[i]:.3f}", " ".join(terms[Vt[i].argsort()[::-1][:8]]))
"""


LAUNCHER = """
import json, os, sys, time
devnull = os.open(os.devnull, os.O_WRONLY)
start = time.perf_counter()
pid = os.fork()
if pid == 0:
    try:
        os.dup2(devnull, 1)
        os.execv(sys.argv[1], sys.argv[1:])
    finally:
        os._exit(127)
_, status, usage = os.wait4(pid, 0)
seconds = time.perf_counter() - start
code = os.waitstatus_to_exitcode(status)
cpu = usage.ru_utime + usage.ru_stime
print(json.dumps({"seconds": seconds, "cpu": cpu, "code": code, "maxrss_kib": usage.ru_maxrss}))
"""


def measure(cmd: list[str], env: dict[str, str]) -> tuple[float, float, float]:
    """Run ``cmd`` to completion; return (wall seconds, CPU seconds, peak RSS in MiB).

    A small launcher process forks the command and times it: a child's peak RSS counts its
    parent's memory at fork time, so forking from this (possibly large) process would inflate it.
    """
    done = subprocess.run([sys.executable, "-S", "-c", LAUNCHER, *cmd], env=env,
                          capture_output=True, text=True, check=True)  # fmt: skip
    report = json.loads(done.stdout)
    if report["code"] != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({report['code']}): {done.stderr}")
    return report["seconds"], report["cpu"], report["maxrss_kib"] / 1024


def commands(data_home: str) -> dict[str, list[str]]:
    topics = [sys.executable, "-m", "topiccli"]
    tutorial = [*topics, "svd", "--categories", TUTORIAL, "--k", "10", "--data-home", data_home]
    return {
        "help": [*topics, "--help"],
        "cold": tutorial,
        "warm": tutorial,
        "new_k": tutorial,
        "minimal": [sys.executable, "-c", MINIMAL_SCRIPT, data_home, TUTORIAL],
    }


def run(data_home: str, repeat: int = 5) -> dict:
    """Measure every command ``repeat`` times, alternating; return samples, medians, ratios."""
    cmds = commands(data_home)
    names = list(cmds)
    samples: dict[str, list[float]] = {name: [] for name in names}
    cpu: dict[str, list[float]] = {name: [] for name in names}
    peaks: dict[str, list[float]] = {name: [] for name in names}
    with tempfile.TemporaryDirectory(prefix="topics-e2e-") as scratch:
        warm_dir = Path(scratch, "warm")
        base = {**os.environ, "TOPICS_CACHE": "1"}
        base.pop("TOPICS_CACHE_DIR", None)
        measure(cmds["warm"], {**base, "TOPICS_CACHE_DIR": str(warm_dir)})  # prime it
        measure(cmds["minimal"], base)  # and the page cache, for everyone alike
        for round_ in range(repeat):
            for name in names[round_ % len(names) :] + names[: round_ % len(names)]:
                warm = name in ("warm", "new_k")
                cache_dir = warm_dir if warm else Path(scratch, f"cold-{round_}")
                env = {**base, "TOPICS_CACHE_DIR": str(cache_dir)}
                cmd = cmds[name]
                if name == "new_k":  # a k no earlier round used: the fit runs
                    cmd = [
                        *cmd[: cmd.index("--k") + 1],
                        str(11 + round_),
                        *cmd[cmd.index("--k") + 2 :],
                    ]
                seconds, cpu_seconds, peak = measure(cmd, env)
                samples[name].append(seconds)
                cpu[name].append(cpu_seconds)
                peaks[name].append(peak)
    medians = {name: statistics.median(values) for name, values in samples.items()}
    ratios = {
        "cold_over_minimal": medians["cold"] / medians["minimal"],
        "warm_over_minimal": medians["warm"] / medians["minimal"],
        "cold_over_warm": medians["cold"] / medians["warm"],
        "new_k_over_minimal": medians["new_k"] / medians["minimal"],
    }
    return {
        "repeat": repeat,
        "seconds": samples,
        "median_seconds": medians,
        "cpu_seconds": cpu,
        "median_cpu_seconds": {name: statistics.median(values) for name, values in cpu.items()},
        "peak_rss_mib": {name: max(values) for name, values in peaks.items()},
        "ratios": ratios,
        "targets": TARGETS,
        "meets": {
            "help_seconds": medians["help"] <= TARGETS["help_seconds"],
            "warm_seconds": medians["warm"] <= TARGETS["warm_seconds"],
            "cold_over_minimal": ratios["cold_over_minimal"] <= TARGETS["cold_over_minimal"],
        },
    }


LABELS = {
    "help": "`topics --help`",
    "cold": "tutorial SVD, topics, cold (empty cache)",
    "warm": "tutorial SVD, topics, repeated (run cache hit)",
    "new_k": "tutorial corpus, topics, a new k (corpus cache hit, SVD runs)",
    "minimal": "tutorial SVD, minimal scikit-learn + scipy script",
}


def markdown(results: dict) -> str:
    """The end-to-end table and the target lines, as markdown."""
    med, peak, ratios, meets = (results[k] for k in ("median_seconds", "peak_rss_mib",
                                                      "ratios", "meets"))  # fmt: skip
    lines = [
        f"End to end, whole process (median of {results['repeat']}, alternating)",
        "",
        "| command | median wall (s) | min (s) | max (s) | median CPU (s) | peak RSS (MiB) |",
        "|---|---|---|---|---|---|",
    ]
    for name, label in LABELS.items():
        values = results["seconds"][name]
        lines.append(
            f"| {label} | {med[name]:.3f} | {min(values):.3f} | {max(values):.3f} "
            f"| {results['median_cpu_seconds'][name]:.3f} | {peak[name]:.0f} |"
        )
    ok = {True: "met", False: "MISSED"}
    lines += [
        "",
        f"- `topics --help`: {med['help']:.3f} s (target ≤ 0.3 s: {ok[meets['help_seconds']]})",
        f"- warm tutorial run: {med['warm']:.3f} s (target ≤ 0.6 s: "
        f"{ok[meets['warm_seconds']]}); {ratios['warm_over_minimal']:.2f}× the minimal script",
        f"- cold tutorial run: {ratios['cold_over_minimal']:.2f}× the minimal script "
        f"(target ≤ 1.3×: {ok[meets['cold_over_minimal']]}); warm is "
        f"{ratios['cold_over_warm']:.1f}× faster than cold",
        f"- a new k on the cached corpus: {med['new_k']:.3f} s, "
        f"{ratios['new_k_over_minimal']:.2f}× the minimal script",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    from bench.run import archive_path
    from topiccli.corpus.archive import import_archive

    with tempfile.TemporaryDirectory(prefix="topics-e2e-home-") as home:
        import_archive(archive_path(), home)
        results = run(home, args.repeat)
    print(markdown(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
