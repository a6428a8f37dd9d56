"""Kill one Dask worker at a random moment of a cluster run, many times; report how each ended.

Each trial runs ``topics nmf … --scheduler local:2 -f json -o t.json --doc-topics t.csv`` in
a fresh folder, waits a random time within the uninterrupted run's length, then ``kill -9``s
one worker process (a child whose command line holds ``spawn_main``) and waits for the end,
at most ``--limit`` seconds (then the run is a hang, and its process group is killed). An end
is one of:

* ``same``: exit 0 and the report's topics, divergence and iterations, and the
  ``--doc-topics`` bytes, are those of the uninterrupted cluster run (itself compared with a
  one-process run, ``--scheduler none``, and said in the summary);
* ``different``: exit 0 with another result;
* ``clear error``: exit 1 with exactly one ``Error:`` line on stderr, no internal error;
* ``internal error``: the ``Error: internal error (…)`` line;
* ``noisy``: exit ≠ 0 with more than one line of its own on stderr (raw logs, tracebacks);
* ``hang``: still running after ``--limit`` seconds;

and ``partial output`` is counted apart: a failed run that left ``t.json``, ``t.csv`` or a
temporary file beside them. Lines on stderr that are neither ``Error:`` nor ``Warning:`` are
counted as raw log lines.

Usage (the 20 Newsgroups data home must hold the archive: ``topics data import``)::

    python scripts/kill_trials.py --trials 20 --data-home DIR [--topics PATH] [--out FILE]
    python scripts/kill_trials.py --trials 5 --input sample_corpora/essays --max-iter 30

``--topics`` names the command to run (default: ``topics`` beside this interpreter); to try
another checkout, set ``PYTHONPATH`` to it. Only loopback addresses are used (a LocalCluster
on 127.0.0.1); every process started is ended.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CATEGORIES = "alt.atheism,sci.space,comp.graphics,rec.autos"


def command(topics: str, source: list[str], scheduler: str, max_iter: int) -> list[str]:
    return [topics, "nmf", *source, "--k", "8", "--max-iter", str(max_iter), "--tol", "0",
            "--no-cache", "--scheduler", scheduler, "-f", "json", "-o", "t.json",
            "--doc-topics", "t.csv"]  # fmt: skip


def source_of(args) -> list[str]:
    """The run's input options: ``--input PATH``, or the four 20 Newsgroups categories."""
    if args.input:
        return ["--input", str(Path(args.input).resolve())]
    if not args.data_home:
        raise SystemExit("give --data-home (20 Newsgroups imported there) or --input")
    return ["--categories", CATEGORIES, "--data-home", args.data_home]


def children(pid: int) -> list[int]:
    """Every descendant of ``pid`` (from /proc)."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def workers(pid: int) -> list[int]:
    """The Dask worker processes under ``pid``: their command line holds ``spawn_main``."""
    found = []
    for child in children(pid):
        try:
            cmdline = Path(f"/proc/{child}/cmdline").read_bytes()
        except OSError:
            continue
        if b"spawn_main" in cmdline:
            found.append(child)
    return found


def run(cmd, folder: Path, limit: float, kill_at: float | None, rng) -> dict:
    """One run in ``folder``; kill a worker ``kill_at`` seconds in (None: no kill)."""
    env = dict(os.environ, COLUMNS="100")
    began = time.monotonic()
    with open(folder / "stderr", "wb") as err:
        proc = subprocess.Popen(cmd, cwd=folder, stdout=subprocess.DEVNULL, stderr=err, env=env,
                                start_new_session=True)  # fmt: skip
        killed = None
        try:
            if kill_at is not None:
                while time.monotonic() - began < kill_at and proc.poll() is None:
                    time.sleep(0.05)
                victims = workers(proc.pid) if proc.poll() is None else []
                if victims:
                    killed = rng.choice(victims)
                    try:
                        os.kill(killed, signal.SIGKILL)
                    except ProcessLookupError:
                        killed = None
            try:
                rc = proc.wait(timeout=max(0.0, limit - (time.monotonic() - began)))
            except subprocess.TimeoutExpired:
                rc = None
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
            # the run's own processes (workers left behind) end with it
            for child in children(proc.pid):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(child, signal.SIGKILL)
    return {"rc": rc, "seconds": time.monotonic() - began, "killed": killed,
            "kill_at": kill_at}  # fmt: skip


def result_of(folder: Path):
    """(topics' words, divergence, n_iter) and the doc-topics bytes of a finished run."""
    report = json.loads((folder / "t.json").read_text())
    words = [t["words"] for t in report["topics"]]
    return (words, report["divergence"], report["n_iter"]), (folder / "t.csv").read_bytes()


def same(a, b) -> bool:
    return not differences(a, b)


def differences(a, b) -> list[str]:
    """What differs between two results (empty: the same)."""
    (wa, da, na), ca = a
    (wb, db, nb), cb = b
    found = []
    if wa != wb:
        found.append(f"{sum(x != y for x, y in zip(wa, wb))} topics' words")
    if na != nb:
        found.append(f"n_iter {na} vs {nb}")
    if abs(da - db) > 1e-9 * abs(db):
        found.append(f"divergence {da!r} vs {db!r}")
    if ca != cb:
        lines = sum(x != y for x, y in zip(ca.splitlines(), cb.splitlines()))
        found.append(f"doc-topics bytes ({lines} lines)")
    return found


def classify(outcome: dict, folder: Path, reference) -> dict:
    lines = (folder / "stderr").read_text(errors="replace").splitlines()
    errors = [line for line in lines if line.startswith("Error:")]
    raw = [line for line in lines if not line.startswith(("Error:", "Warning:"))]
    leftovers = sorted(p.name for p in folder.iterdir() if p.name not in ("stderr",))
    differs: list[str] = []
    if outcome["rc"] is None:
        end = "hang"
    elif outcome["rc"] == 0:
        try:
            differs = differences(result_of(folder), reference)
        except (OSError, ValueError, KeyError) as exc:
            differs = [f"no result ({exc})"]
        end = "different" if differs else "same"
    elif any("internal error" in line for line in errors):
        end = "internal error"
    elif len(errors) == 1 and not raw:
        end = "clear error"
    else:
        end = "noisy"
    partial = outcome["rc"] != 0 and bool(leftovers)
    return {**outcome, "end": end, "partial": partial, "raw_lines": len(raw),
            "error": errors[-1][:200] if errors else "", "leftovers": leftovers,
            "differs": differs, "stderr": lines[-12:]}  # fmt: skip


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trials", type=int, default=20)
    parser.add_argument("--data-home", default=None, help="20 Newsgroups' data home")
    parser.add_argument("--input", default=None, help="a corpus instead of 20 Newsgroups")
    parser.add_argument("--no-alone", action="store_true", help="skip the one-process run")
    parser.add_argument("--topics", default=str(Path(sys.executable).with_name("topics")))
    parser.add_argument("--max-iter", type=int, default=40)
    parser.add_argument(
        "--limit",
        type=float,
        default=None,
        help="seconds before a run counts as a hang (default 4× the plain run)",
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default=None, help="write the trials as JSON here")
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    base = Path(tempfile.mkdtemp(prefix="kill-trials-"))
    try:
        source = source_of(args)
        cluster = command(args.topics, source, "local:2", args.max_iter)
        plain = base / "plain"
        plain.mkdir()
        first = run(cluster, plain, 1800, None, rng)
        if first["rc"] != 0:
            print((plain / "stderr").read_text(), file=sys.stderr)
            return 1
        reference = result_of(plain)
        alone = base / "alone"
        alone.mkdir()
        if not args.no_alone:
            run(command(args.topics, source, "none", args.max_iter), alone, 1800, None, rng)
        if args.no_alone:
            agrees = ["not run"]
        elif alone.joinpath("t.json").exists():
            agrees = differences(result_of(alone), reference) or ["the same"]
        else:
            agrees = ["failed"]
        length = first["seconds"]
        limit = args.limit or max(120.0, 4 * length)
        print(f"plain cluster run {length:.1f} s; one-process run: {', '.join(agrees)}; "
              f"hang limit {limit:.0f} s", flush=True)  # fmt: skip
        trials = []
        for i in range(args.trials):
            folder = base / f"trial-{i}"
            folder.mkdir()
            kill_at = rng.uniform(1.0, 0.85 * length)  # within the run, however busy the machine
            outcome = classify(run(cluster, folder, limit, kill_at, rng), folder, reference)
            trials.append(outcome)
            print(f"{i:3d} kill at {kill_at:5.1f} s ({'killed' if outcome['killed'] else 'none'})"
                  f" -> {outcome['end']}{' +partial' if outcome['partial'] else ''} in "
                  f"{outcome['seconds']:.1f} s {outcome['error']} {'; '.join(outcome['differs'])}",
                  flush=True)  # fmt: skip
            shutil.rmtree(folder, ignore_errors=True)
        summary = summarize(trials, length, agrees)
        print(json.dumps(summary, indent=1))
        if args.out:
            Path(args.out).write_text(json.dumps({"summary": summary, "trials": trials}, indent=1))
    finally:
        shutil.rmtree(base, ignore_errors=True)
    return summary


def summarize(trials: list[dict], length: float, agrees: list[str]) -> dict:
    ends: dict[str, int] = {}
    for t in trials:
        if t["killed"]:
            ends[t["end"]] = ends.get(t["end"], 0) + 1
    return {
        "trials": len(trials),
        "kills": sum(1 for t in trials if t["killed"]),
        "ends (trials with a kill)": ends,
        "partial output": sum(1 for t in trials if t["partial"]),
        "runs with raw log lines": sum(1 for t in trials if t["raw_lines"]),
        "longest end (s)": round(max((t["seconds"] for t in trials), default=0.0), 1),
        "plain run (s)": round(length, 1),
        "one-process run against the cluster's": ", ".join(agrees),
    }


if __name__ == "__main__":
    sys.exit(0 if isinstance(main(), dict) else 1)
