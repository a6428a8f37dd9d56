"""`topics data import`: the cache scikit-learn reads, and refusal of unsafe or wrong archives."""

from __future__ import annotations

import tarfile

import pytest

from topiccli.corpus.archive import CACHE_NAME, import_archive
from topiccli.corpus.newsgroups import CATEGORIES
from topiccli.errors import ArchiveError

from ..helpers import add_member, mini_archive


def test_import_makes_data_scikit_learn_finds_offline(tmp_path):
    from sklearn.datasets import fetch_20newsgroups

    home = tmp_path / "home"
    home.mkdir()
    cache = import_archive(mini_archive(tmp_path / "a.tar.gz"), home)
    assert cache == home / CACHE_NAME
    bunch = fetch_20newsgroups(data_home=home, subset="test", download_if_missing=False)
    assert len(bunch.data) == 2 * len(CATEGORIES)
    assert sorted(bunch.target_names) == sorted(CATEGORIES)
    assert [p.name for p in home.iterdir()] == [CACHE_NAME]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ([("20news-bydate-train/../../evil", b"x")], "unsafe path"),
        ([("/etc/evil", b"x")], "unsafe path"),
        ([("20news-bydate-train/link", b"", tarfile.SYMTYPE, "/etc/passwd")], "link or special"),
        ([("20news-bydate-train/hard", b"", tarfile.LNKTYPE, "x")], "link or special"),
        ([("README", b"not news")], "not the 20news-bydate archive"),
    ],
)
def test_unsafe_or_foreign_members_are_refused_and_nothing_is_written(tmp_path, extra, message):
    home = tmp_path / "home"
    home.mkdir()
    with pytest.raises(ArchiveError, match=message):
        import_archive(mini_archive(tmp_path / "a.tar.gz", extra), home)
    assert list(home.iterdir()) == []


def test_not_gzip_truncated_and_wrong_tarball_are_clear_errors(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    text = tmp_path / "notes.tar.gz"
    text.write_text("hello")
    with pytest.raises(ArchiveError, match="not a readable .tar.gz"):
        import_archive(text, home)
    whole = mini_archive(tmp_path / "whole.tar.gz").read_bytes()
    cut = tmp_path / "cut.tar.gz"
    cut.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(ArchiveError, match="not a readable .tar.gz"):
        import_archive(cut, home)
    other = tmp_path / "other.tar.gz"
    with tarfile.open(other, "w:gz") as tar:
        add_member(tar, "20news-bydate-train/alt.atheism/1", b"only one group")
    with pytest.raises(ArchiveError, match="lacks"):
        import_archive(other, home)
    assert list(home.iterdir()) == []
