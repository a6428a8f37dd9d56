"""placeholder"""
from __future__ import annotations

import tarfile
from pathlib import Path


def archive_posts(archive: str | Path, subset: str = "all") -> tuple[list[str], list[str], list[str]]:
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
