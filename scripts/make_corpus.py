"""Write a synthetic planted-topic corpus as a folder of text files (one subfolder per topic).

python scripts/make_corpus.py OUT_DIR --docs 500 --topics 5 --seed 0
"""

from __future__ import annotations

import argparse
from pathlib import Path

from topiccli.corpus.synthetic import planted, write_folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--docs", type=int, default=500)
    parser.add_argument("--topics", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    corpus = planted(args.docs, args.topics, seed=args.seed)
    write_folder(corpus, args.out)
    print(f"wrote {args.docs} documents in {args.topics} topics to {args.out}")


if __name__ == "__main__":
    main()
