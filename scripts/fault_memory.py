"""Peak memory of the two hostile inputs of issue 24 (run before and after the fixes).

* a bundle whose 1.1 MB ``arrays.npz`` also holds a 1 GiB array of zeros (its manifest's sizes
  and checksums made to match, so only the bundle's own checks can refuse it): ``topics show``;
* one 48 MB JSONL record (``topics nmf --input one.jsonl``, next to a few small records).

Each runs in its own ``topics`` process; the peak RSS is the child's ``ru_maxrss``. Usage:
``python scripts/fault_memory.py WORKDIR`` (WORKDIR outside the repository; ~1 GB of disk).
"""

from __future__ import annotations

import hashlib
import json
import os
import resource
import subprocess
import sys
import time
import zipfile
from pathlib import Path

DOCS = [
    "apples pears plums fruit orchard harvest",
    "pears apples fruit orchard juice harvest",
    "plums fruit orchard apples trees blossom",
    "engines wheels road driving cars garage",
    "cars driving road engines fuel garage",
    "wheels cars garage engines tyres road",
]


def topics() -> list[str]:
    script = Path(sys.executable).with_name("topics")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "topiccli"]


def run(args: list[str]) -> dict:
    """Run one ``topics`` command in a fresh process: its exit code, peak RSS, wall time."""
    start = time.perf_counter()
    pid = os.fork()
    if pid == 0:  # the child execs topics; its rusage is read apart from any other child
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.execv(topics()[0], [*topics(), *args])
    _, status, usage = os.wait4(pid, 0)
    return {
        "exit": os.waitstatus_to_exitcode(status),
        "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
        "seconds": round(time.perf_counter() - start, 2),
    }


def hostile_bundle(work: Path) -> Path:
    """A good bundle, then a 1 GiB zero array added to its arrays.npz (deflated to ~1 MB)."""
    corpus = work / "corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    for i, text in enumerate(DOCS):
        (corpus / f"d{i}.txt").write_text(text)
    bundle = work / "hostile.model"
    if not bundle.exists():
        fit = ["nmf", "-i", str(corpus), "--k", "2", "--no-cache", "--save", str(bundle)]
        subprocess.run([*topics(), *fit, "-f", "csv"], check=True, capture_output=True)
        _add_zeros(bundle / "arrays.npz", 2**30)
        manifest = json.loads((bundle / "manifest.json").read_text())
        data = (bundle / "arrays.npz").read_bytes()
        manifest["files"]["arrays.npz"].update(
            bytes=len(data), sha256=hashlib.sha256(data).hexdigest()
        )
        (bundle / "manifest.json").write_text(json.dumps(manifest, indent=1))
    return bundle


def _add_zeros(npz: Path, size: int) -> None:
    import numpy as np

    header = {"descr": "<f8", "fortran_order": False, "shape": (size // 8,)}
    with (
        zipfile.ZipFile(npz, "a", compression=zipfile.ZIP_DEFLATED) as archive,
        archive.open("extra.npy", "w", force_zip64=True) as handle,
    ):
        np.lib.format.write_array_header_1_0(handle, header)
        block = bytes(2**24)
        for _ in range(size // len(block)):
            handle.write(block)


def big_record(work: Path, size: int = 48 * 10**6) -> Path:
    """A JSONL file: the six small documents, then one record whose text is ``size`` bytes."""
    path = work / "big-record.jsonl"
    if not path.exists():
        words = " ".join(DOCS) + " "
        text = (words * (size // len(words) + 1))[:size]
        with open(path, "w") as handle:
            for doc in DOCS:
                handle.write(json.dumps({"text": doc}) + "\n")
            handle.write(json.dumps({"text": text}) + "\n")
    return path


def main() -> None:
    work = Path(sys.argv[1])
    work.mkdir(parents=True, exist_ok=True)
    bundle = hostile_bundle(work)
    record = big_record(work)
    results = {
        "hostile bundle (1.1 MB arrays.npz + 1 GiB zeros): show": run(["show", str(bundle)]),
        "48 MB JSONL record: nmf --k 2": run(
            ["nmf", "-i", str(record), "--k", "2", "--no-cache", "-f", "json"]
        ),
        "48 MB line on stdin: nmf --k 2": _stdin_run(record),
    }
    print(json.dumps(results, indent=1))


def _stdin_run(record: Path) -> dict:
    """The record file's text as plain lines on stdin (the big one: a 48 MB line)."""
    lines = record.with_suffix(".txt")
    if not lines.exists():
        with open(record) as src, open(lines, "w") as dst:
            for line in src:
                dst.write(json.loads(line)["text"] + "\n")
    fd = os.open(lines, os.O_RDONLY)
    saved = os.dup(0)
    os.dup2(fd, 0)
    try:
        return run(["nmf", "-i", "-", "--k", "2", "--no-cache", "-f", "json"])
    finally:
        os.dup2(saved, 0)
        os.close(fd)


if __name__ == "__main__":
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    main()
