"""Reading records: the same corpus as JSONL and as Parquet, time and peak memory.

python -m bench.parquet [--docs 1000000] [--json out.json] [--keep DIR] [--jsonl BIG.jsonl]

Writes a JSONL corpus of real text with scripts/make_big_corpus.py (the 20news-bydate
archive's posts, then copies with their words shuffled; ``text``, ``id``, ``label``), converts
it to Parquet with polars (streamed, zstd, row groups of polars' default size), and reads each
with topiccli's own records loader (``topiccli.corpus.records.load_records``, what
``topics nmf --input FILE --id-field id --label-field label`` runs first) in a fresh process,
best of ``--repeats``. Each process reports its wall time for the load and its peak RSS
(``VmHWM``, reset through ``/proc/self/clear_refs`` once the imports are done: Linux), beside
the RSS of the same process before loading (Python, numpy, polars imported) and the bytes of
text the loaded corpus holds; "over texts" is the peak minus that baseline minus the texts
(UTF-8 bytes): what reading costs beyond the result. A last row reads
the Parquet file whole (``polars.read_parquet`` then ``to_list``), the unbounded way, for
comparison. Files live in a temporary folder, removed after (``--keep`` keeps them).
Needs the archive (TOPICS_20NG_ARCHIVE, or ../shared/data). Never commit the corpus.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

_LOADER = """
import json, sys, time
import numpy, polars
from topiccli.corpus.records import Fields, load_records
def status(key):
    for line in open("/proc/self/status"):
        if line.startswith(key + ":"):
            return int(line.split()[1]) * 1024
path, how = sys.argv[1], sys.argv[2]
with open("/proc/self/clear_refs", "w") as handle:  # the peak from here on (Linux)
    handle.write("5")
before = status("VmRSS")
start = time.perf_counter()
if how == "topiccli":
    corpus = load_records(path, Fields(id="id", label="label"))
    texts, n = corpus.texts, len(corpus.texts)
else:
    frame = polars.read_parquet(path, columns=["text", "id", "label"])
    texts = frame["text"].to_list()
    ids, labels = frame["id"].to_list(), frame["label"].to_list()
    n = len(texts)
seconds = time.perf_counter() - start
peak = status("VmHWM")
text_bytes = sum(len(t.encode("utf-8")) for t in texts)
print(json.dumps({"seconds": seconds, "peak_rss": peak, "baseline_rss": before,
                  "documents": n, "text_bytes": text_bytes}))
"""


def make(docs: int, folder: Path, archive: Path | None, jsonl: Path | None = None):
    """The JSONL corpus (``jsonl`` when given: made before) and its Parquet twin."""
    import polars as pl

    parquet = folder / "big.parquet"
    if jsonl is None:
        jsonl = folder / "big.jsonl"
        script = str(ROOT / "scripts" / "make_big_corpus.py")
        given = ["--archive", str(archive)] if archive else []
        subprocess.run([sys.executable, script, "--docs", str(docs), "--out", str(jsonl),
                        *given], check=True)  # fmt: skip
    schema = {"text": pl.String, "id": pl.String, "label": pl.String}
    pl.scan_ndjson(jsonl, schema=schema).sink_parquet(parquet, compression="zstd")
    return jsonl, parquet


def load(path: Path, how: str, repeats: int) -> dict:
    """The best of ``repeats`` fresh processes loading ``path``."""
    runs = []
    for _ in range(repeats):
        out = subprocess.run([sys.executable, "-c", _LOADER, str(path), how], check=True,
                             capture_output=True, text=True)  # fmt: skip
        runs.append(json.loads(out.stdout))
    best = min(runs, key=lambda r: r["seconds"])
    best["over_texts"] = best["peak_rss"] - best["baseline_rss"] - best["text_bytes"]
    best["file_bytes"] = path.stat().st_size
    return best


def markdown(rows: dict) -> str:
    mib = 1 << 20
    lines = ["| input | reader | documents | file MiB | seconds | peak RSS MiB | "
             "baseline MiB | texts MiB | over texts MiB |",
             "|---|---|---:|---:|---:|---:|---:|---:|---:|"]  # fmt: skip
    for name, r in rows.items():
        fmt, how = name.split(":")
        lines.append(f"| {fmt} | {how} | {r['documents']} | {r['file_bytes'] / mib:.0f} | "
                     f"{r['seconds']:.2f} | {r['peak_rss'] / mib:.0f} | "
                     f"{r['baseline_rss'] / mib:.0f} | {r['text_bytes'] / mib:.0f} | "
                     f"{r['over_texts'] / mib:.0f} |")  # fmt: skip
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--archive", type=Path, default=None)
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--keep", type=Path, default=None, help="keep the files in this folder")
    parser.add_argument("--jsonl", type=Path, default=None, help="a corpus made before")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        jsonl, parquet = make(args.docs, folder, args.archive, args.jsonl)
        rows = {
            "jsonl:topiccli": load(jsonl, "topiccli", args.repeats),
            "parquet:topiccli": load(parquet, "topiccli", args.repeats),
            "parquet:whole (polars.read_parquet)": load(parquet, "whole", 1),
        }
    print(markdown(rows))
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2) + "\n")


if __name__ == "__main__":
    main()
