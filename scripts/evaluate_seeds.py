"""Evidence for ``--seed-words`` (issue 25, "Seed words steer"): label NMI of seeded fits against
the unseeded default at the same k, and each seeded topic's top label.

Three seed words per group, chosen from each group's name and description (never from fitted
topics), are written to a seed file per corpus; every fit runs the CLI (``topics nmf ... --format
json``) and reads ``metrics.label_nmi`` and each topic's ``label``. Methods compared: the
seeded start alone (``--seed-strength 0``) and the seeded start held by guide documents
(strengths 0.03, 0.1 (KL's default) and 0.25 (Frobenius's default)), under both losses.
"seeds kept" is the share of seed words among their topic's top 8 words.

    .venv/bin/topics data import /work/shared/data/20news-bydate.tar.gz --data-home /tmp/sd
    nice .venv/bin/python scripts/evaluate_seeds.py --data-home /tmp/sd --out /tmp/seeds.json

Prints a Markdown table; ``--out`` keeps the raw scores and top words (never the texts).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

TOPICS = str(Path(sys.executable).with_name("topics"))

GROUPS_20NG = ["comp.windows.x", "rec.motorcycles", "sci.med", "talk.politics.mideast",
               "soc.religion.christian"]  # fmt: skip

CORPORA = {
    "20NG test (5 groups)": {
        "source": ["--subset", "test", "--categories", ",".join(GROUPS_20NG)],
        "seeds": {
            # "X Window System", "motorcycles", "medicine", "Middle East politics", "Christianity"
            "comp.windows.x": "windows: window server widget",
            "rec.motorcycles": "motorcycles: motorcycle bike ride",
            "sci.med": "medicine: doctor disease patients",
            "talk.politics.mideast": "mideast: israel arab palestinian",
            "soc.religion.christian": "christian: christian church faith",
        },
    },
    "en_bbc": {
        "source": ["--input", "/work/corpora/en_bbc.jsonl", "--label-field", "label"],
        "seeds": {
            "business": "business: company market economy",
            "entertainment": "entertainment: film music star",
            "politics": "politics: government election minister",
            "sport": "sport: match team player",
            "tech": "tech: technology computer software",
        },
    },
    "en_agnews": {
        "source": ["--input", "/work/corpora/en_agnews.jsonl", "--label-field", "label"],
        "seeds": {
            "World": "world: world international government",
            "Sports": "sports: sports game team",
            "Business": "business: business company market",
            "Sci/Tech": "scitech: science technology computer",
        },
    },
}
STRENGTHS = ("0", "0.03", "0.1", "0.25")


def run(source: list[str], k: int, loss: str, extra: list[str], data_home) -> dict:
    """One CLI fit's JSON report."""
    cmd = [TOPICS, "nmf", *source, "-k", str(k), "--loss", loss, "--format", "json", "--quiet",
           "--no-cache", *extra]  # fmt: skip
    if data_home:
        cmd += ["--data-home", data_home]
    done = subprocess.run(cmd, capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def summary(report: dict, seeded: int) -> dict:
    topics = report["topics"]
    kept = [len(set(t["words"][:8]) & set(t["seed_words"])) / len(t["seed_words"])
            for t in topics[:seeded]]  # fmt: skip
    return {
        "seeds_kept": sum(kept) / len(kept) if kept else None,
        "nmi": report["metrics"]["label_nmi"],
        "labels": [t.get("label") for t in topics[:seeded]],
        "words": [t["words"][:8] for t in topics],
        "seconds": sum(report["timings"].values()),
    }


def evaluate(name: str, spec: dict, losses, data_home, folder: Path) -> list[dict]:
    seeds = spec["seeds"]
    k = len(seeds)
    path = folder / f"{name.split()[0]}.txt"
    path.write_text("\n".join(seeds.values()) + "\n", encoding="utf-8")
    rows = []
    for loss in losses:
        base = summary(run(spec["source"], k, loss, [], data_home), 0)
        rows.append({"corpus": name, "loss": loss, "method": "unseeded", **base})
        for strength in STRENGTHS:
            extra = ["--seed-words", str(path), "--seed-strength", strength]
            got = summary(run(spec["source"], k, loss, extra, data_home), k)
            method = "seeded start only" if strength == "0" else f"start + guides {strength}"
            rows.append({"corpus": name, "loss": loss, "method": method, **got,
                         "groups": list(seeds), "gain": got["nmi"] - base["nmi"],
                         "all_top_labels": got["labels"] == list(seeds)})  # fmt: skip
            print(f"{name} {loss} {method}: {got['nmi']:.3f}", file=sys.stderr)
    return rows


def table(rows: list[dict]) -> str:
    lines = [
        "| corpus | loss | method | label NMI | gain | seeds kept | seeded topics' top labels |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        if r["method"] == "unseeded":
            lines.append(f"| {r['corpus']} | {r['loss']} | unseeded | {r['nmi']:.3f} | | | |")
            continue
        wrong = [f"{g}→{lab}" for g, lab in zip(r["groups"], r["labels"]) if g != lab]
        ok = "all = groups" if r["all_top_labels"] else "wrong: " + ", ".join(wrong)
        lines.append(f"| {r['corpus']} | {r['loss']} | {r['method']} | {r['nmi']:.3f} | "
                     f"{r['gain']:+.3f} | {r['seeds_kept']:.2f} | {ok} |")  # fmt: skip
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-home", default=None)
    parser.add_argument("--corpora", default=",".join(CORPORA))
    parser.add_argument("--losses", default="kl,frobenius")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for name in args.corpora.split(","):
            rows += evaluate(name, CORPORA[name], args.losses.split(","), args.data_home,
                             Path(folder))  # fmt: skip
    if args.out:
        args.out.write_text(json.dumps(rows, indent=1), encoding="utf-8")
    print(table(rows))


if __name__ == "__main__":
    main()
