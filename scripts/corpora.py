"""Rebuild the labelled evaluation corpora of issue 21 (any language, any text) as JSONL.

Each corpus is read from a public GitHub repository's snapshot (brought onto this machine by
the workplace's ``fetch`` tool, under ``/work/.mirror/<owner>+<name>/``) and written to
``<out>/<name>.jsonl`` with one ``{"id", "text", "label"}`` object a line. Large sources are
subsampled with a fixed seed, so the same snapshot always gives the same corpus. Nothing from
the corpora is committed: only this script, which names where each comes from.

Usage::

    .venv/bin/python scripts/corpora.py                 # every corpus whose snapshot is here
    .venv/bin/python scripts/corpora.py en_bbc ja_livedoor --out /work/corpora
    .venv/bin/python scripts/corpora.py --list          # names, languages and sources

Not run by the tests.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import random
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

MIRRORS = Path("/work/.mirror")
OUT = Path("/work/corpora")
SEED = 21

Record = tuple[str, str, str]
"""(id, text, label)."""


@dataclass(frozen=True)
class Corpus:
    """One corpus: where it comes from and how its records are read."""

    name: str
    language: str
    repo: str
    path: str
    note: str
    read: Callable[[Snapshot], Iterator[Record]]
    limit: int | None = None


class Snapshot:
    """Read-only access to one fetched repository snapshot (a git directory, no work tree)."""

    def __init__(self, repo: str) -> None:
        base = MIRRORS / repo.replace("/", "+") / "repo"
        self.git = base / ".git" if (base / ".git").is_dir() else base
        if not (self.git / "HEAD").exists():
            raise FileNotFoundError(f"no snapshot of {repo} under {MIRRORS} (fetch it first)")

    def _git(self, *args: str) -> bytes:
        return subprocess.run(
            ["git", "--git-dir", str(self.git), *args], check=True, capture_output=True
        ).stdout

    def names(self, under: str) -> list[str]:
        """Every file path under a folder, sorted."""
        out = self._git("ls-tree", "-r", "--name-only", "HEAD", "--", under)
        return sorted(out.decode("utf-8").splitlines())

    def bytes(self, path: str) -> bytes:
        """One file's content at HEAD."""
        return self._git("show", f"HEAD:{path}")

    def text(self, path: str) -> str:
        """One file decoded as UTF-8 (Latin-1 where it is not UTF-8, as in the BBC files)."""
        raw = self.bytes(path)
        try:
            return raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            return raw.decode("latin-1")

    def many(self, paths: list[str]) -> dict[str, bytes]:
        """Many files at once (one ``git cat-file --batch``), keyed by path."""
        request = "".join(f"HEAD:{p}\n" for p in paths).encode("utf-8")
        out = subprocess.run(
            ["git", "--git-dir", str(self.git), "cat-file", "--batch"],
            input=request,
            check=True,
            capture_output=True,
        ).stdout
        found: dict[str, bytes] = {}
        pos = 0
        for path in paths:
            end = out.index(b"\n", pos)
            header = out[pos:end].split()
            size = int(header[2])
            found[path] = out[end + 1 : end + 1 + size]
            pos = end + 1 + size + 1
        return found


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def read_bbc(snap: Snapshot) -> Iterator[Record]:
    """BBC News (Greene & Cunningham 2006): ``bbc/<section>/NNN.txt``, title on line 1."""
    paths = [p for p in snap.names("bbc") if p.endswith(".txt") and p.count("/") == 2]
    files = snap.many(paths)
    for path in paths:
        _, label, name = path.split("/")
        yield f"{label}/{name[:-4]}", _decode(files[path]).strip(), label


AG_LABELS = {"1": "World", "2": "Sports", "3": "Business", "4": "Sci/Tech"}


def read_ag_news(snap: Snapshot) -> Iterator[Record]:
    """AG News test split (Zhang et al. 2015): ``label,title,description`` CSV rows."""
    rows = csv.reader(io.StringIO(snap.text("ag_news_csv/test.csv")))
    for i, row in enumerate(rows):
        if i == 0 and not row[0].isdigit():
            continue
        label, title, description = row[0], row[1], row[2]
        text = f"{title}. {description}".replace("\\", " ")
        yield f"ag{i:05d}", text, AG_LABELS[label]


def read_gnad(snap: Snapshot) -> Iterator[Record]:
    """10kGNAD test split (Austrian DER STANDARD articles): ``section;'text'`` rows."""
    rows = csv.reader(io.StringIO(snap.text("test.csv")), delimiter=";", quotechar="'")
    for i, row in enumerate(rows):
        yield f"gnad{i:05d}", row[1], row[0]


THUC_LABELS = "finance realty stocks education science society politics sports game entertainment"


def read_thucnews_titles(snap: Snapshot) -> Iterator[Record]:
    """THUCNews headlines, 10 sections (``dev.txt``: ``title<TAB>class-index``)."""
    labels = THUC_LABELS.split()
    lines = snap.text("THUCNews/data/dev.txt").splitlines()
    for i, line in enumerate(lines):
        title, _, index = line.rpartition("\t")
        if title:
            yield f"thuc{i:05d}", title, labels[int(index)]


def read_tnews(snap: Snapshot) -> Iterator[Record]:
    """CLUE TNEWS (Toutiao headlines), 15 sections: ``dev.json`` lines; the sentence only."""
    for i, line in enumerate(snap.text("tnews_public/dev.json").splitlines()):
        row = json.loads(line)
        label = row["label_desc"].removeprefix("news_")
        yield f"tnews{i:05d}", row["sentence"], label


def _livedoor(snap: Snapshot, titles_only: bool) -> Iterator[Record]:
    paths = [
        p
        for p in snap.names("experiments/text")
        if p.count("/") == 3 and p.endswith(".txt") and not p.endswith("LICENSE.txt")
    ]
    files = snap.many(paths)
    for path in paths:
        label = path.split("/")[2]
        lines = _decode(files[path]).splitlines()
        # line 1 the URL, line 2 the date, line 3 the title, then the body
        title, body = lines[2].strip(), "\n".join(lines[3:]).strip()
        text = title if titles_only else f"{title}\n{body}"
        yield path.rsplit("/", 1)[1][:-4], text, label


def read_livedoor(snap: Snapshot) -> Iterator[Record]:
    """livedoor news corpus (RONDHUIT, 2012), 9 sections: title and body."""
    return _livedoor(snap, titles_only=False)


def read_livedoor_titles(snap: Snapshot) -> Iterator[Record]:
    """livedoor news corpus, titles only (a Japanese short-text corpus)."""
    return _livedoor(snap, titles_only=True)


def read_ynat_titles(snap: Snapshot) -> Iterator[Record]:
    """Yonhap headlines (KLUE YNAT-derived), 7 sections: ``val.csv`` + ``test.csv`` rows
    ``id,title,topic``."""
    for split in ("val", "test"):
        for row in csv.DictReader(io.StringIO(snap.text(f"{split}.csv"))):
            yield f"{split}{int(row['id']):05d}", row["title"], row["topic"]


CORPORA = [
    Corpus(
        "en_bbc",
        "en",
        "dejanbatanjac/bbc-article-classify-bert",
        "bbc/<section>/*.txt",
        "BBC News 2004-05, 5 sections, full articles",
        read_bbc,
    ),
    Corpus(
        "en_agnews",
        "en",
        "madhubandru/Text-Classification-on-News-Articles-using-BERT-Framework",
        "ag_news_csv/test.csv",
        "AG News test split, 4 classes, title + snippet (short text)",
        read_ag_news,
    ),
    Corpus(
        "de_gnad",
        "de",
        "tblock/10kGNAD",
        "test.csv",
        "10kGNAD test split, DER STANDARD articles, 9 sections",
        read_gnad,
    ),
    Corpus(
        "zh_thucnews_titles",
        "zh",
        "649453932/Chinese-Text-Classification-Pytorch",
        "THUCNews/data/dev.txt",
        "THUCNews headlines, 10 sections (short text)",
        read_thucnews_titles,
    ),
    Corpus(
        "zh_tnews",
        "zh",
        "tigergeng/TextCNN",
        "tnews_public/dev.json",
        "CLUE TNEWS Toutiao headlines, 15 sections (short text)",
        read_tnews,
    ),
    Corpus(
        "ko_ynat_titles",
        "ko",
        "lush93gh/korean_news_topic_classification",
        "val.csv + test.csv",
        "Yonhap news headlines (from KLUE YNAT), 7 sections (short text)",
        read_ynat_titles,
    ),
    Corpus(
        "ja_livedoor",
        "ja",
        "jkatsuta/18_4q_doc2vec",
        "experiments/text/<section>/*.txt",
        "livedoor news corpus, 9 sections, title + body",
        read_livedoor,
    ),
    Corpus(
        "ja_livedoor_titles",
        "ja",
        "jkatsuta/18_4q_doc2vec",
        "experiments/text/<section>/*.txt (line 3)",
        "livedoor news titles only (short text)",
        read_livedoor_titles,
    ),
]


def _clean(text: str) -> str:
    """Only what JSON needs: no NUL, no lone surrogates. The text is otherwise left as found,
    markup and boilerplate included, since cleaning it is what is being evaluated."""
    return re.sub(r"[\x00\ud800-\udfff]", " ", text)


def build(corpus: Corpus, out: Path) -> dict:
    """Write one corpus (seeded subsample above ``limit``) and return its summary."""
    records = [r for r in corpus.read(Snapshot(corpus.repo)) if r[1].strip()]
    if corpus.limit and len(records) > corpus.limit:
        records = sorted(random.Random(SEED).sample(records, corpus.limit))
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{corpus.name}.jsonl"
    with path.open("w", encoding="utf-8") as f:
        for doc_id, text, label in records:
            record = {"id": doc_id, "text": _clean(text), "label": label}
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
    labels: dict[str, int] = {}
    for _, _, label in records:
        labels[label] = labels.get(label, 0) + 1
    chars = sum(len(r[1]) for r in records)
    return {
        "name": corpus.name,
        "language": corpus.language,
        "docs": len(records),
        "labels": len(labels),
        "mean_chars": round(chars / max(len(records), 1)),
        "smallest_label": min(labels.values()),
        "repo": corpus.repo,
        "path": corpus.path,
        "note": corpus.note,
        "file": str(path),
    }


def index_markdown(summaries: list[dict]) -> str:
    """The corpora's table for other helpers: name, language, size, labels and source."""
    lines = [
        "# Labelled evaluation corpora (issue 21)",
        "",
        "Built by `scripts/corpora.py` (branch `clean`) from fetched public repositories;",
        "one JSONL per corpus, fields `id`, `text`, `label`. Not for committing.",
        "",
        "| name | language | docs | labels | smallest label | mean chars | source (repo: path)"
        " | note |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for s in sorted(summaries, key=lambda s: (s["language"], s["name"])):
        lines.append(
            f"| {s['name']} | {s['language']} | {s['docs']:,} | {s['labels']} | "
            f"{s['smallest_label']:,} | {s['mean_chars']:,} | "
            f"github.com/{s['repo']}: `{s['path']}` | {s['note']} |"
        )
    lines += ["", "20 Newsgroups (English) is `/work/shared/data/20news-bydate.tar.gz`.", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", help="corpora to build (default: all available)")
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--list", action="store_true", help="list the corpora and exit")
    args = parser.parse_args(argv)
    chosen = [c for c in CORPORA if not args.names or c.name in args.names]
    if args.list:
        for c in chosen:
            print(f"{c.name}\t{c.language}\t{c.repo}:{c.path}\t{c.note}")
        return 0
    summaries = []
    for corpus in chosen:
        try:
            summary = build(corpus, args.out)
        except FileNotFoundError as exc:
            print(f"skip {corpus.name}: {exc}", file=sys.stderr)
            continue
        summaries.append(summary)
        print(json.dumps(summary, ensure_ascii=False))
    index = args.out / "summaries.json"
    known = json.loads(index.read_text()) if index.exists() else []
    built = {s["name"] for s in summaries}
    merged = [s for s in known if s["name"] not in built] + summaries
    index.write_text(json.dumps(merged, indent=1, ensure_ascii=False))
    (args.out / "INDEX.md").write_text(index_markdown(merged), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
