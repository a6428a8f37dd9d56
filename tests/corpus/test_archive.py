"""`topics data import`: the cache scikit-learn reads, and refusal of unsafe or wrong archives."""

from __future__ import annotations

import tarfile

import pytest
from typer.testing import CliRunner

from topiccli.cli import app
from topiccli.corpus import archive as archive_module
from topiccli.corpus.archive import CACHE_NAME, import_archive
from topiccli.corpus.newsgroups import CATEGORIES
from topiccli.errors import ArchiveError

from ..helpers import add_member, mini_archive

runner = CliRunner()


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


def test_a_bomb_is_refused_at_its_header_without_inflating_it(tmp_path):
    """The header claims 4 GiB; the data is absent. Checking lazily stops at the header."""
    bomb = tmp_path / "bomb.tar.gz"
    header = tarfile.TarInfo("20news-bydate-train/alt.atheism/1")
    header.size = 4 * 2**30
    import gzip

    with gzip.open(bomb, "wb") as out:
        out.write(header.tobuf(format=tarfile.GNU_FORMAT) + bytes(2**16))
    home = tmp_path / "home"
    with pytest.raises(ArchiveError, match="refusing archive member .* of 4294967296 bytes"):
        import_archive(bomb, home)
    assert list(home.iterdir()) == []


def test_too_many_members_stop_the_read(tmp_path, monkeypatch):
    monkeypatch.setattr(archive_module, "MAX_MEMBERS", 10)
    with pytest.raises(ArchiveError, match="over 10 members"):
        import_archive(mini_archive(tmp_path / "a.tar.gz"), tmp_path / "home")


def test_data_home_problems_are_clear(tmp_path, monkeypatch):
    archive = mini_archive(tmp_path / "a.tar.gz")
    blocker = tmp_path / "file"
    blocker.write_text("in the way")
    with pytest.raises(ArchiveError, match="cannot use .* as the data home"):
        import_archive(archive, blocker / "home")
    monkeypatch.setattr(archive_module.os, "access", lambda *a: False)
    with pytest.raises(ArchiveError, match="not writable"):
        import_archive(archive, tmp_path / "home")


def test_a_second_import_says_the_data_is_there(tmp_path):
    from topiccli.corpus.archive import CACHE_NAME

    (tmp_path / CACHE_NAME).write_bytes(b"already imported")
    archive = tmp_path / "20news-bydate.tar.gz"
    archive.write_bytes(b"not read")
    again = runner.invoke(app, ["data", "import", str(archive), "--data-home", str(tmp_path)])
    assert again.exit_code == 0 and "already cached" in again.stderr and "--force" in again.stderr
