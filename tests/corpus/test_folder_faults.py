"""The folder loader on hostile folders: cut and oversized files, unreadable entries, links,
loops and special files, undecodable names, and the one warning that counts what was skipped."""

from __future__ import annotations

import errno
import os

from typer.testing import CliRunner

from topiccli.cli import app
from topiccli.corpus import folder as folder_module
from topiccli.corpus import load_folder

from ..helpers import GOOD_DOCS, write_docs

runner = CliRunner()


def test_a_cut_file_ends_on_a_whole_character(tmp_path):
    (tmp_path / "utf8.txt").write_bytes("é".encode() * 100)  # 2 bytes each
    (tmp_path / "utf16.txt").write_bytes("ü".encode("utf-16") * 1)
    (tmp_path / "utf16.txt").write_bytes("ü".encode("utf-16")[:2] + "ü".encode("utf-16-le") * 50)
    corpus = load_folder(tmp_path, max_file_bytes=51)
    texts = dict(zip(corpus.ids, corpus.texts))
    assert texts["utf8.txt"] == "é" * 25  # not Windows-1252 mojibake of a split character
    assert texts["utf16.txt"] == "ü" * 24
    assert corpus.skipped == {"truncated": 2}


def test_a_large_file_is_read_only_up_to_the_cap(tmp_path, monkeypatch):
    (tmp_path / "big.txt").write_bytes(b"word " * 10_000)
    reads = []
    real_open = folder_module.open_regular  # the bounded reader every folder file goes through

    def spy(file):
        handle = real_open(file)
        real_read = handle.read
        handle_read = lambda n=-1: reads.append(n) or real_read(n)  # noqa: E731
        return _Proxy(handle, handle_read)

    monkeypatch.setattr(folder_module, "open_regular", spy)
    corpus = load_folder(tmp_path, max_file_bytes=1000)
    assert reads == [1001] and len(corpus.texts[0]) <= 1000


class _Proxy:
    def __init__(self, handle, read):
        self._handle, self.read = handle, read

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._handle.close()


def test_unreadable_files_and_folders_are_skipped_and_counted(tmp_path, monkeypatch):
    write_docs(tmp_path / "ok")
    (tmp_path / "secret.txt").write_text("private words")
    (tmp_path / "locked").mkdir()
    (tmp_path / "locked" / "x.txt").write_text("hidden words")
    real_open, real_scandir = folder_module.open_regular, os.scandir

    def deny_open(file):
        if str(file).endswith("secret.txt"):
            raise PermissionError(errno.EACCES, "Permission denied", str(file))
        return real_open(file)

    def deny_scandir(path="."):
        if str(path).endswith("locked"):
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(folder_module, "open_regular", deny_open)
    monkeypatch.setattr(os, "scandir", deny_scandir)
    corpus = load_folder(tmp_path)
    assert len(corpus.texts) == len(GOOD_DOCS)
    assert corpus.skipped == {"unreadable": 2}


def test_links_loops_and_special_files(tmp_path):
    docs = write_docs(tmp_path / "docs")
    (tmp_path / "outside.txt").write_text("from outside the folder")
    (docs / "in.txt").symlink_to(tmp_path / "outside.txt")
    (docs / "loop").symlink_to(docs, target_is_directory=True)
    (docs / "dead.txt").symlink_to(tmp_path / "gone")
    os.mkfifo(docs / "fifo.txt")
    corpus = load_folder(docs)
    assert "in.txt" in corpus.ids and "from outside the folder" in corpus.texts
    assert len(corpus.ids) == len(GOOD_DOCS) + 1  # the loop is walked once
    assert corpus.skipped == {"broken link": 1, "not a regular file": 1}


def test_undecodable_names_become_valid_ids_and_the_cache_stores_them(tmp_path):
    docs = write_docs(tmp_path / "docs")
    with open(os.fsencode(docs) + b"/caf\xe9.txt", "wb") as handle:
        handle.write(b"coffee shop beans roast")
    past = os.stat(docs).st_mtime - 3600
    for name in os.listdir(os.fsencode(docs)):
        os.utime(os.path.join(os.fsencode(docs), name), (past, past))
    assert "caf\\xe9.txt" in load_folder(docs).ids
    args = ["nmf", "-i", str(docs), "--k", "2", "-f", "json"]
    first, second = runner.invoke(app, args), runner.invoke(app, args)
    assert first.exit_code == second.exit_code == 0, first.stderr
    assert '"cache": "miss"' in first.stdout and '"cache": "hit"' in second.stdout


def test_skipped_files_are_reported_in_one_warning(tmp_path):
    docs = write_docs(tmp_path / "docs")
    (docs / "blob.bin").write_bytes(b"\x00\x01")
    (docs / "blank.txt").write_text("  ")
    result = runner.invoke(app, ["svd", "-i", str(docs), "--k", "2", "-f", "csv"])
    assert result.exit_code == 0
    assert result.stderr == "Warning: skipped 2 document(s): 1 binary, 1 empty\n"


def test_the_cap_on_file_size_is_part_of_the_cache_key(tmp_path):
    from topiccli.cache import lookup_key
    from topiccli.specs import SourceSpec
    from topiccli.text.vectorize import VectorizerSettings

    settings = VectorizerSettings()
    whole = lookup_key(SourceSpec(input=tmp_path), settings).key
    capped = lookup_key(SourceSpec(input=tmp_path, max_file_bytes=1000), settings).key
    assert whole != capped
