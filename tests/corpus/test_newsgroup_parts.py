"""Header, footer and quote removal (corpus.newsgroup_parts) against scikit-learn's own."""

from __future__ import annotations

import subprocess
import sys

import pytest

from topiccli.corpus.newsgroup_parts import STRIPPERS

from ..helpers import ROOT

EDGES = [
    "",
    "\n",
    "no header at all",
    "From: a@b\nSubject: x\n\nbody line\n\nmore",
    "body\n\n-- \nJ. Doe | j@doe.org\n",
    "body\n----------\nsig\n\n\n",
    "\n\nonly separators\n\n",
    "a\n-\nb\n--\nc",
    "In article <1@x> y writes:\n> quoted\n| piped\nkept\nQuoted from z\nhe said: no\nkept too",
    " > not at the start\nwrites in the middle\n",
]


def _theirs():
    from sklearn.datasets import _twenty_newsgroups as tng

    return {"headers": tng.strip_newsgroup_header, "footers": tng.strip_newsgroup_footer,
            "quotes": tng.strip_newsgroup_quoting}  # fmt: skip


@pytest.mark.parametrize("part", sorted(STRIPPERS))
def test_each_part_is_removed_as_scikit_learn_removes_it(part):
    theirs = _theirs()[part]
    for text in EDGES:
        assert STRIPPERS[part](text) == theirs(text), (part, text)


@pytest.mark.newsgroups
def test_every_post_of_the_archive_is_stripped_as_scikit_learn_strips_it(newsgroups_home):
    """All 18,846 posts, each part alone and all three in scikit-learn's order."""
    from topiccli.corpus import load_newsgroups

    posts = load_newsgroups(None, "all", (), newsgroups_home).texts
    assert len(posts) == 18846
    theirs = _theirs()
    for part in STRIPPERS:
        assert [STRIPPERS[part](p) for p in posts] == [theirs[part](p) for p in posts], part


@pytest.mark.newsgroups
def test_loading_from_the_cache_does_not_import_scikit_learn(newsgroups_home):
    """The cache is read and stripped by topiccli alone (importing scikit-learn: about 1 s)."""
    code = ("import sys; from topiccli.corpus import load_newsgroups; "
            f"c = load_newsgroups(['sci.space'], 'train', data_home={str(newsgroups_home)!r}); "
            "assert len(c.texts) == 593, len(c.texts); "
            "assert 'sklearn' not in sys.modules, 'scikit-learn was imported'")  # fmt: skip
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


class _Hostile:
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        import os

        return (os.mkdir, (str(self.marker),))


def _cache_file(home, payload) -> None:
    import pickle
    import zlib

    from topiccli.corpus.newsgroups import CACHE_NAME

    (home / CACHE_NAME).write_bytes(zlib.compress(pickle.dumps(payload)))


def test_a_cache_file_holding_code_is_refused_and_never_run(tmp_path):
    """A pickle that would call a function when loaded (here os.mkdir) is refused with one
    clear error, and is not handed to scikit-learn's loader either."""
    from topiccli.corpus import load_newsgroups
    from topiccli.errors import CorpusError

    marker = tmp_path / "ran"
    _cache_file(tmp_path, {"train": _Hostile(marker)})
    with pytest.raises(CorpusError, match=r"holds posix\.mkdir|holds os\.mkdir|holds nt\.mkdir"):
        load_newsgroups(["sci.space"], "train", data_home=tmp_path)
    assert not marker.exists()


def test_a_cache_of_another_layout_goes_to_scikit_learns_loader(tmp_path, monkeypatch):
    """Only plain data in an unknown layout: the reader steps aside for scikit-learn's."""
    from topiccli.corpus import bydate_cache, newsgroups

    _cache_file(tmp_path, {"train": {"something": ["else"]}})
    pending = bydate_cache.start_reading(tmp_path / newsgroups.CACHE_NAME)
    assert bydate_cache.choose_posts(pending, "train", None) is None
    seen = []
    monkeypatch.setattr(newsgroups, "_fetch", lambda *args: seen.append(args) or ([], [], []))
    assert newsgroups.load_newsgroups(None, "train", data_home=tmp_path).texts == []
    assert seen  # scikit-learn's loader was asked
