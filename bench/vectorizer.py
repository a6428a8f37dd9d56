"""The vectorizer: topiccli.fast_vectorize against scikit-learn's single pass, side by side.

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

import tarfile
from pathlib import Path


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
            ids.append("/".join(key))
            labels.append(key[1])
    return texts, ids, labels
