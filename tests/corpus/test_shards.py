"""Streamed JSONL/CSV reading and shard globs (``--input 'shards/*.jsonl'``)."""

from __future__ import annotations

import codecs
import json
from pathlib import Path

import pytest

from topiccli.corpus.folder import decode
from topiccli.corpus.records import Fields, _corpus, _csv, _jsonl, load_records
from topiccli.errors import CorpusError


def _decode(data: bytes, name: str) -> str:
    """The whole file decoded at once, as the folder loader decodes a file: the reference the
    streamed reading must match."""
    text = decode(data)
    assert text is not None, name
    return text


TEXTS = ["caf\u00e9 au lait", "na\u00efve r\u00e9sum\u00e9", "plain words", "line\u2028sep", "x y"]


def _whole_file(path: Path, fmt: str, fields: Fields = Fields()):
    """The loader as it was: the whole file's bytes decoded, then parsed."""
    text = _decode(path.read_bytes(), str(path))
    records = _jsonl(text, str(path)) if fmt == "jsonl" else _csv(text, str(path), fields)
    return _corpus(list(records), fields, str(path), {})


def _same(a, b):
    assert (a.texts, a.ids, a.labels, a.skipped) == (b.texts, b.ids, b.labels, b.skipped)


def _jsonl_bytes(texts, encoding="utf-8", eol="\n"):
    lines = [json.dumps({"text": t, "tag": f"t{i % 2}"}, ensure_ascii=False) for i, t in
             enumerate(texts)]  # fmt: skip
    return (eol.join(["", *lines, "", ""]) + "{}").encode(encoding)


@pytest.mark.parametrize(
    "name,data",
    [
        ("utf8", _jsonl_bytes(TEXTS)),
        ("crlf", _jsonl_bytes(TEXTS, eol="\r\n")),
        ("bom", codecs.BOM_UTF8 + _jsonl_bytes(TEXTS)),
        ("utf16", _jsonl_bytes(TEXTS, "utf-16")),
        ("cp1252", _jsonl_bytes(["caf\u00e9 \u20ac", "na\u00efve"], "cp1252")),
        ("latin1", _jsonl_bytes(["caf\u00e9", "\x81 odd"], "latin-1")),
    ],
)
def test_streamed_jsonl_is_the_corpus_the_whole_file_gave(tmp_path, name, data):
    path = tmp_path / f"{name}.jsonl"
    path.write_bytes(data)
    fields = Fields(label="tag")
    _same(load_records(path, fields), _corpus(list(_jsonl(_decode(data, "x"), "x")), fields,
                                              "x", {}))  # fmt: skip


def test_streamed_csv_is_the_corpus_the_whole_file_gave(tmp_path):
    path = tmp_path / "rows.csv"
    path.write_bytes(
        'id,text,label\r\n1,"two\r\nlines",a\r\n2,caf\u00e9,b\r\n3,"quoted ""x""",\r\n'.encode()
    )
    fields = Fields(id="id", label="label")
    _same(load_records(path, fields), _whole_file(path, "csv", fields))


def test_a_file_is_never_read_whole(tmp_path, monkeypatch):
    path = tmp_path / "a.jsonl"
    path.write_bytes(_jsonl_bytes(TEXTS))

    def refuse(self):
        raise AssertionError("read_bytes of the whole file")

    monkeypatch.setattr(Path, "read_bytes", refuse)
    assert len(load_records(path)) == len(TEXTS)


def _shards(folder: Path, fmt: str):
    folder.mkdir()
    docs = [f"note{i} about theme{i % 3} and idea{i % 2} kind{i % 4}" for i in range(9)]
    parts = [docs[:2], docs[2:7], docs[7:]]
    for i, part in enumerate(parts):
        if fmt == "jsonl":
            body = "".join(json.dumps({"text": t, "n": f"{i}-{j}"}) + "\n" for j, t in
                           enumerate(part))  # fmt: skip
        else:
            body = "text,n\n" + "".join(f"{t},{i}-{j}\n" for j, t in enumerate(part))
        (folder / f"part-{2 - i}.{fmt}").write_text(body)  # names sort in reverse of i
    return docs, parts


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_a_glob_of_three_shards_is_their_concatenation(tmp_path, fmt):
    docs, parts = _shards(tmp_path / "shards", fmt)
    corpus = load_records(tmp_path / "shards" / f"*.{fmt}")
    ordered = [t for part in reversed(parts) for t in part]  # sorted path order
    assert corpus.texts == ordered and sorted(corpus.texts) == sorted(docs)
    first = (tmp_path / "shards" / f"part-0.{fmt}").as_posix()
    assert corpus.ids[0] == f"{first}:1" and len(set(corpus.ids)) == len(docs)
    assert corpus.selection["shards"] == 3
    by_id = load_records(tmp_path / "shards" / f"*.{fmt}", Fields(id="n"))
    assert by_id.ids[:2] == ["2-0", "2-1"]


def test_shard_ids_from_a_field_must_be_unique_across_shards(tmp_path):
    folder = tmp_path / "s"
    folder.mkdir()
    for name in ("a", "b"):
        (folder / f"{name}.jsonl").write_text(json.dumps({"text": "words here", "id": 1}) + "\n")
    with pytest.raises(CorpusError, match="ids must be unique"):
        load_records(folder / "*.jsonl", Fields(id="id"))
    with pytest.raises(CorpusError, match="no file matches"):
        load_records(folder / "none-*.jsonl")


def test_the_cli_fits_a_glob_of_shards(tmp_path):
    from typer.testing import CliRunner

    from topiccli.cli import app

    _shards(tmp_path / "shards", "jsonl")
    done = CliRunner().invoke(
        app,
        [
            "nmf",
            "--input",
            str(tmp_path / "shards" / "*.jsonl"),
            "--k",
            "2",
            "--format",
            "json",
            "--max-df",
            "1.0",
            "--token-pattern",
            "words",
        ],
    )
    assert done.exit_code == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["corpus"]["n_documents"] == 9 and report["corpus"]["shards"] == 3
