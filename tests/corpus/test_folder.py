"""The folder loader: order, labels, hidden files, encodings, binary and empty files, glob."""

from __future__ import annotations

import pytest

from topiccli.corpus import load_folder
from topiccli.errors import CorpusError


def _write(path, data: bytes):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def test_walk_is_recursive_sorted_and_labels_come_from_first_level(tmp_path):
    _write(tmp_path / "b" / "deep" / "x.txt", b"beta deep")
    _write(tmp_path / "a" / "2.txt", b"alpha two")
    _write(tmp_path / "a" / "10.txt", b"alpha ten")
    _write(tmp_path / "top.txt", b"at the top")
    corpus = load_folder(tmp_path)
    assert corpus.ids == ["a/10.txt", "a/2.txt", "b/deep/x.txt", "top.txt"]
    assert corpus.labels == ["a", "a", "b", None]
    assert corpus.texts[0] == "alpha ten"


def test_hidden_files_and_folders_are_skipped(tmp_path):
    _write(tmp_path / ".git" / "config", b"secret")
    _write(tmp_path / ".notes.txt", b"hidden")
    _write(tmp_path / "doc.txt", b"visible")
    assert load_folder(tmp_path).ids == ["doc.txt"]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("café naïve".encode(), "café naïve"),
        ("café naïve".encode("utf-8-sig"), "café naïve"),
        ("café naïve".encode("utf-16"), "café naïve"),
        ("café naïve".encode("latin-1"), "café naïve"),
        ("“smart” quotes".encode("cp1252"), "“smart” quotes"),
    ],
)
def test_encodings_fall_back_sensibly(tmp_path, data, expected):
    _write(tmp_path / "doc.txt", data)
    assert load_folder(tmp_path).texts == [expected]


def test_binary_and_empty_files_are_skipped_and_counted(tmp_path):
    _write(tmp_path / "good.txt", b"some words here")
    _write(tmp_path / "image.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    _write(tmp_path / "blank.txt", b"  \n\t ")
    _write(tmp_path / "zero.txt", b"")
    corpus = load_folder(tmp_path)
    assert corpus.ids == ["good.txt"]
    assert corpus.skipped == {"binary": 1, "empty": 2}


def test_glob_selects_by_name_or_relative_path(tmp_path):
    _write(tmp_path / "a" / "x.txt", b"one")
    _write(tmp_path / "a" / "y.md", b"two")
    _write(tmp_path / "b" / "z.txt", b"three")
    assert load_folder(tmp_path, "*.txt").ids == ["a/x.txt", "b/z.txt"]
    assert load_folder(tmp_path, "b/*").ids == ["b/z.txt"]


def test_a_single_file_is_a_corpus_of_one(tmp_path):
    _write(tmp_path / "one.txt", b"just one")
    corpus = load_folder(tmp_path / "one.txt")
    assert corpus.ids == ["one.txt"] and corpus.labels is None


def test_missing_path_and_nothing_readable_are_clear_errors(tmp_path):
    with pytest.raises(CorpusError, match="does not exist"):
        load_folder(tmp_path / "nope")
    _write(tmp_path / "blob.bin", b"\x00\x01\x02")
    with pytest.raises(CorpusError, match=r"no readable text files .*\(1 binary skipped\)"):
        load_folder(tmp_path)
