"""Write a large, realistic JSONL corpus built from the 20news-bydate archive.

    python scripts/make_big_corpus.py --docs 200000 --out big.jsonl [--archive PATH] [--seed 0]

The archive's 18,846 posts (train then test, in scikit-learn's order; Latin-1, with headers,
footers and quotes removed by scikit-learn's own ``strip_newsgroup_*`` functions, as
``fetch_20newsgroups(remove=("headers", "footers", "quotes"))``) are written as they are, then
again and again with the words of each post shuffled (split on whitespace, shuffled by a
``random.Random`` seeded from ``--seed`` and the copy number, joined by single spaces), until
``--docs`` documents are out. So the corpus has 20NG's vocabulary, word frequencies and
document lengths at any size, but no two copies of a post are the same text.

One JSON object a line: ``text``, ``id`` (``COPY/20news-bydate-SUBSET/GROUP/NUMBER``) and
``label`` (the newsgroup). Lines are written as they are made (``--out -`` is stdout), so
memory stays at the archive's posts whatever ``--docs`` is. ``--archive`` defaults to
``TOPICS_20NG_ARCHIVE``, else ``../shared/data/20news-bydate.tar.gz`` beside the checkout.

The output holds the archive's posts: never commit it (nor the archive).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tarfile
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def archive_posts(
    archive: str | Path, subset: str = "all"
) -> tuple[list[str], list[str], list[str]]:
    """(texts, ids, labels) of the 20news-bydate archive as ``fetch_20newsgroups`` loads them.

    Latin-1 decoding, headers/footers/quotes removed with scikit-learn's own functions, in
    scikit-learn's order (train then test; categories sorted; file names sorted).
    """
    from sklearn.datasets._twenty_newsgroups import (
        strip_newsgroup_footer,
        strip_newsgroup_header,
        strip_newsgroup_quoting,
    )

    wanted = {"train": ("train",), "test": ("test",), "all": ("train", "test")}[subset]
    found: dict[tuple[str, str, str], bytes] = {}
    with tarfile.open(archive, "r:gz") as tar:
        for member in tar:
            parts = member.name.split("/")
            if not member.isfile() or len(parts) != 3:
                continue
            part = parts[0].removeprefix("20news-bydate-")
            if part in wanted:
                found[(part, parts[1], parts[2])] = tar.extractfile(member).read()
    texts, ids, labels = [], [], []
    for part in wanted:
        for key in sorted(k for k in found if k[0] == part):
            text = found[key].decode("latin1")
            text = strip_newsgroup_header(text)
            text = strip_newsgroup_footer(text)
            text = strip_newsgroup_quoting(text)
            texts.append(text)
            ids.append(f"20news-bydate-{key[0]}/{key[1]}/{key[2]}")
            labels.append(key[1])
    return texts, ids, labels


def big_corpus(posts, n_docs: int, seed: int = 0) -> Iterator[dict]:
    """``n_docs`` records: the posts as they are, then copies with their words shuffled."""
    texts, ids, labels = posts
    if not texts:
        raise ValueError("no posts to repeat")
    made, copy = 0, 0
    while made < n_docs:
        rng = random.Random(seed * 1_000_003 + copy)
        for text, post_id, label in zip(texts, ids, labels):
            if made == n_docs:
                return
            if copy:
                words = text.split()
                rng.shuffle(words)
                text = " ".join(words)
            yield {"text": text, "id": f"{copy}/{post_id}", "label": label}
            made += 1
        copy += 1


def default_archive() -> Path:
    env = os.environ.get("TOPICS_20NG_ARCHIVE")
    return Path(env) if env else ROOT.parent / "shared" / "data" / "20news-bydate.tar.gz"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0], epilog="Never commit the output."
    )
    parser.add_argument("--docs", type=int, default=200_000, help="documents to write")
    parser.add_argument("--out", default="-", help="JSONL file to write, - for stdout")
    parser.add_argument("--archive", type=Path, default=None, help="20news-bydate.tar.gz")
    parser.add_argument("--seed", type=int, default=0, help="seed of the word shuffles")
    args = parser.parse_args()
    archive = args.archive or default_archive()
    if not archive.is_file():
        parser.error(f"no 20news-bydate archive at {archive}; pass --archive")
    if args.docs < 0:
        parser.error("--docs must be >= 0")
    posts = archive_posts(archive, "all")
    out = sys.stdout if args.out == "-" else open(args.out, "w", encoding="utf-8")  # noqa: SIM115
    try:
        for record in big_corpus(posts, args.docs, args.seed):
            out.write(json.dumps(record, ensure_ascii=False))
            out.write("\n")
    finally:
        if out is not sys.stdout:
            out.close()
    if args.out != "-":
        print(f"wrote {args.docs} documents to {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
