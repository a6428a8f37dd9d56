"""The vectorizer: topiccli.text.fast_vectorize against scikit-learn's single pass, side by side.

``python -m bench.run --only vectorize`` (or ``python -m bench.vectorizer`` for this part alone).
Corpora: 20 Newsgroups train (11,314 posts) and all (18,846), headers, footers and quotes
removed; and ``--big N`` documents (default 200,000) generated in memory the way
scripts/make_big_corpus.py writes them (the archive's posts, words shuffled per copy).
Settings: English stop words, min_df=2, max_df=0.95; Count and TF-IDF.

Each round times scikit-learn's ``CountVectorizer``/``TfidfVectorizer.fit_transform`` and ours
one after the other, alternating which goes first; a cell reports the medians and the ratio of
medians (scikit-learn / ours). Every pair of results is checked equal (terms, indices, data),
so the ratio is between two runs that produce the same matrix. Peak memory: each of the two
runs on the big corpus in a fresh process, ``ru_maxrss`` minus the RSS before the call
(texts already loaded), measured once.
"""

from __future__ import annotations

import gc
import importlib.util
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SETTINGS = {"min_df": 2, "max_df": 0.95}
BIG_DOCS = 200_000


def _script():
    spec = importlib.util.spec_from_file_location(
        "make_big_corpus", ROOT / "scripts" / "make_big_corpus.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def archive_posts(archive, subset: str = "all"):
    """(texts, ids, labels) of the archive as ``fetch_20newsgroups`` loads them (see the script)."""
    return _script().archive_posts(archive, subset)


def big_texts(archive, n_docs: int, seed: int = 0) -> list[str]:
    script = _script()
    return [r["text"] for r in script.big_corpus(script.archive_posts(archive), n_docs, seed)]


def sklearn_pass(texts, kind: str):
    from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer

    cls = TfidfVectorizer if kind == "tfidf" else CountVectorizer
    vectorizer = cls(stop_words="english", **SETTINGS)
    X = vectorizer.fit_transform(texts)
    return X, vectorizer.get_feature_names_out()


def our_pass(texts, kind: str):
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    from topiccli.text.fast_vectorize import fit_transform

    X, terms, _ = fit_transform(texts, kind=kind, stop_words=ENGLISH_STOP_WORDS, **SETTINGS)
    return X, terms


def _letters() -> None:
    """Both sides with the letters-only token pattern from now on."""
    from topiccli.text.fast_vectorize import LETTERS_TOKEN_PATTERN

    SETTINGS["token_pattern"] = LETTERS_TOKEN_PATTERN


_WORDS = ["alpha", "beta", "gamma", "delta", "omega"]
WARM_UP = [f"{_WORDS[i % 5]} {_WORDS[(i + 2) % 5]} alpha{i % 4} beta{i % 5}" for i in range(20)]


def _warm_up() -> None:
    """Imports, and the Rust word class (built once per process), before anything is timed."""
    for kind in ("count", "tfidf"):
        our_pass(WARM_UP, kind)
        sklearn_pass(WARM_UP, kind)


def _check_equal(theirs, ours) -> None:
    import numpy as np

    Y, sk_terms = theirs
    X, terms = ours
    Y = Y.tocsr().astype(np.float64)
    Y.sort_indices()
    same = (
        terms.tolist() == sk_terms.tolist()
        and np.array_equal(X.indptr, Y.indptr)
        and np.array_equal(X.indices, Y.indices)
        and np.array_equal(X.data, Y.data)
    )
    if not same:
        raise AssertionError("fast_vectorize and scikit-learn disagree")


def _timed(function, texts, kind):
    """(wall seconds, CPU seconds of the process on all its threads, result)."""
    gc.collect()
    cpu = time.process_time()
    start = time.perf_counter()
    result = function(texts, kind)
    return time.perf_counter() - start, time.process_time() - cpu, result


def compare(texts, kind: str, repeats: int, log=print) -> dict:
    """Alternating rounds (who goes first alternates), medians and their ratio."""
    ours, theirs = [], []
    cpu = {"ours": [], "sklearn": []}
    for round_ in range(repeats):
        order = [("ours", our_pass), ("sklearn", sklearn_pass)]
        if round_ % 2:
            order.reverse()
        results = {}
        for name, function in order:
            seconds, cpu_seconds, results[name] = _timed(function, texts, kind)
            (ours if name == "ours" else theirs).append(seconds)
            cpu[name].append(cpu_seconds)
        _check_equal(results["sklearn"], results["ours"])
        del results
        log(
            f"  {kind} round {round_ + 1}: ours {ours[-1]:.2f} s ({cpu['ours'][-1]:.2f} s CPU), "
            f"scikit-learn {theirs[-1]:.2f} s ({cpu['sklearn'][-1]:.2f} s CPU)"
        )
    return {
        "ours": ours,
        "sklearn": theirs,
        "ours_median": statistics.median(ours),
        "sklearn_median": statistics.median(theirs),
        "speedup": statistics.median(theirs) / statistics.median(ours),
        "cpu_ours": cpu["ours"],
        "cpu_sklearn": cpu["sklearn"],
        "cpu_ratio": statistics.median(cpu["sklearn"]) / statistics.median(cpu["ours"]),
        "identical": True,
    }


def _memory_child(which: str, kind: str, path: str) -> None:
    """In a fresh process: read the JSONL texts, run one pass, print the RSS figures (MB).

    The peak is the kernel's high-water mark (VmHWM), reset after the texts are loaded
    (``/proc/self/clear_refs``), so it is the peak during the pass, texts included.
    """
    with open(path, encoding="utf-8") as lines:
        texts = [json.loads(line)["text"] for line in lines]
    function = our_pass if which == "ours" else sklearn_pass
    _warm_up()
    gc.collect()
    reset = _reset_peak()
    before = _status_mb("VmRSS")
    start = time.perf_counter()
    function(texts, kind)
    seconds = time.perf_counter() - start
    peak = (
        _status_mb("VmHWM") if reset else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    )
    print(json.dumps({"rss_before_mb": before, "peak_mb": peak, "peak_reset": reset,
                      "seconds": seconds}))  # fmt: skip


def _reset_peak() -> bool:
    try:
        with open("/proc/self/clear_refs", "w") as clear:
            clear.write("5")
        return True
    except OSError:
        return False


def _status_mb(field: str) -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return float("nan")


def memory(path: str, kind: str) -> dict:
    out = {}
    for which in ("ours", "sklearn"):
        cmd = [sys.executable, "-m", "bench.vectorizer", "--memory-child", which, kind, path]
        cmd += ["--letters"] if "token_pattern" in SETTINGS else []
        done = subprocess.run(cmd, check=True, capture_output=True, text=True, cwd=ROOT)
        out[which] = json.loads(done.stdout.strip().splitlines()[-1])
    return out


def first_call() -> dict:
    """Wall time of importing fast_vectorize and vectorizing one short text, in a new process."""
    code = (
        "import time; t = time.perf_counter(); from text.fast_vectorize import fit_transform;"
        " fit_transform(['ab cd'], stop_words=None); print(time.perf_counter() - t)"
    )
    times = []
    for _ in range(3):
        done = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                              text=True, cwd=ROOT)  # fmt: skip
        times.append(float(done.stdout))
    return {"seconds": times, "median": statistics.median(times)}


def run(archive, repeats: int = 3, big_docs: int = BIG_DOCS, big_repeats: int | None = None,
        log=print) -> dict:  # fmt: skip
    """Every cell: 20NG train and all, the big corpus; Count and TF-IDF; big-corpus memory."""
    result: dict = {"settings": {"stop_words": "english", **SETTINGS}, "cells": {}}
    _warm_up()
    result["first_call"] = first_call()
    corpora = [("20ng-train", "train"), ("20ng-all", "all")]
    for name, subset in corpora:
        texts = archive_posts(archive, subset)[0]
        for kind in ("count", "tfidf"):
            log(f"{name} ({len(texts)} docs) {kind}")
            result["cells"][f"{name}-{kind}"] = {"docs": len(texts),
                                                 **compare(texts, kind, repeats, log)}  # fmt: skip
        del texts
    if big_docs:
        name = f"big-{big_docs // 1000}k"
        with tempfile.TemporaryDirectory() as tmp:
            path = str(Path(tmp) / "big.jsonl")
            script = _script()
            with open(path, "w", encoding="utf-8") as out:
                for record in script.big_corpus(script.archive_posts(archive), big_docs):
                    out.write(json.dumps(record) + "\n")
            with open(path, encoding="utf-8") as lines:
                texts = [json.loads(line)["text"] for line in lines]
            chars = sum(map(len, texts))
            for kind in ("count", "tfidf"):
                log(f"{name} ({len(texts)} docs, {chars / 1e6:.0f}M chars) {kind}")
                cell = compare(texts, kind, big_repeats or repeats, log)
                result["cells"][f"{name}-{kind}"] = {"docs": len(texts), "chars": chars, **cell}
            del texts
            gc.collect()
            for kind in ("count", "tfidf"):
                log(f"{name} {kind}: peak memory, one fresh process each")
                result["cells"][f"{name}-{kind}"]["memory"] = memory(path, kind)
    return result


def markdown(result: dict) -> str:
    lines = [
        "### Vectorizing: fast_vectorize against scikit-learn's single pass",
        "",
        "English stop words, min_df=2, max_df=0.95; medians of alternating rounds; every pair "
        "of results identical.",
        "",
        "| corpus | vectorizer | docs | scikit-learn (s) | ours (s) | speedup | CPU ratio |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, cell in result["cells"].items():
        corpus, kind = name.rsplit("-", 1)
        lines.append(
            f"| {corpus} | {kind} | {cell['docs']:,} | {cell['sklearn_median']:.2f} | "
            f"{cell['ours_median']:.2f} | {cell['speedup']:.2f}× | {cell['cpu_ratio']:.2f}× |"
        )
    memory_rows = [(n, c["memory"]) for n, c in result["cells"].items() if "memory" in c]
    if memory_rows:
        lines += ["", "| corpus | vectorizer | peak RSS ours (MB) | peak RSS scikit-learn (MB) |"
                  " RSS before, texts loaded (MB) |", "|---|---|---|---|---|"]  # fmt: skip
        for name, mem in memory_rows:
            corpus, kind = name.rsplit("-", 1)
            lines.append(
                f"| {corpus} | {kind} | {mem['ours']['peak_mb']:.0f} | "
                f"{mem['sklearn']['peak_mb']:.0f} | {mem['ours']['rss_before_mb']:.0f} |"
            )
    lines += ["", f"First call in a new process (import + Rust word class): "
              f"{result['first_call']['median']:.2f} s"]  # fmt: skip
    return "\n".join(lines)


def main() -> None:
    import argparse

    if len(sys.argv) > 1 and sys.argv[1] == "--memory-child":
        if sys.argv[5:] == ["--letters"]:
            _letters()
        _memory_child(*sys.argv[2:5])
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--archive", type=Path, default=None)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--big", type=int, default=BIG_DOCS, help="documents (0: none)")
    parser.add_argument("--big-repeats", type=int, default=None)
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--letters", action="store_true",
                        help="the letters-only token pattern (LETTERS_TOKEN_PATTERN)")  # fmt: skip
    args = parser.parse_args()
    if args.letters:
        _letters()
    archive = args.archive or _script().default_archive()
    result = run(archive, args.repeats, args.big, args.big_repeats,
                 log=lambda m: print(m, file=sys.stderr, flush=True))  # fmt: skip
    result["load_average"] = os.getloadavg()
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2))
    print(markdown(result))


if __name__ == "__main__":
    main()
