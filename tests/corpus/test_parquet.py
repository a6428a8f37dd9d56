"""Parquet records: ``--input FILE.parquet`` (and globs of shards), read as JSONL is, in
batches; ``--doc-topics FILE.parquet``; read by the Dask workers."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from typer.testing import CliRunner

from topiccli.cli import app
from topiccli.corpus import parquet
from topiccli.corpus.folder import load_folder
from topiccli.corpus.records import Fields, load_records
from topiccli.errors import CorpusError

from ..helpers import SAMPLE


@pytest.fixture(scope="module")
def essays():
    corpus = load_folder(SAMPLE)
    return corpus.texts, corpus.ids, corpus.labels


def _records(essays) -> list[dict]:
    """The essays as records, with a null text, a blank one and a label-less one."""
    texts, ids, labels = essays
    rows = [{"text": t, "id": i, "label": lab} for t, i, lab in zip(texts, ids, labels)]
    rows[3]["text"] = None
    rows[5]["text"] = "   "
    rows[7]["label"] = None
    return rows


def _write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), "utf-8")
    return path


def _write_parquet(path: Path, rows: list[dict], **options) -> Path:
    schema = {"text": pl.String, "id": pl.String, "label": pl.String}
    pl.DataFrame(rows, schema=schema, orient="row").write_parquet(path, **options)
    return path


def _same(a, b) -> None:
    assert a.texts == b.texts and a.ids == b.ids and a.labels == b.labels
    assert a.skipped == b.skipped


def test_a_parquet_file_is_the_corpus_its_jsonl_twin_gives(tmp_path, essays):
    rows = _records(essays)
    jsonl = _write_jsonl(tmp_path / "e.jsonl", rows)
    table = _write_parquet(tmp_path / "e.parquet", rows, row_group_size=10)
    for fields in (Fields(), Fields(id="id", label="label")):
        got, expected = load_records(table, fields), load_records(jsonl, fields)
        _same(got, expected)
        assert got.skipped == {"no text": 1, "empty": 1}
        assert got.selection["source"] == "parquet"
    # without id_field a record's id is its row number, as a JSONL record's is its line's
    assert load_records(table).ids[:3] == ["1", "2", "3"]


def test_a_glob_of_parquet_shards_is_their_concatenation(tmp_path, essays):
    rows = _records(essays)
    _write_parquet(tmp_path / "part-1.parquet", rows[:30])
    _write_parquet(tmp_path / "part-2.parquet", rows[30:])
    whole = load_records(_write_parquet(tmp_path / "whole.parquet", rows), Fields(id="id"))
    shards = load_records(tmp_path / "part-*.parquet", Fields(id="id"))
    _same(shards, whole)
    assert shards.selection["shards"] == 2
    numbered = load_records(tmp_path / "part-*.parquet")
    assert numbered.ids[0] == f"{(tmp_path / 'part-1.parquet').as_posix()}:1"


def test_rows_are_read_a_batch_at_a_time(tmp_path, essays, monkeypatch):
    """Only the named columns, and never more rows than a batch turned into Python at once."""
    rows = _records(essays)
    table = tmp_path / "e.parquet"
    frame = pl.DataFrame(rows, schema={"text": pl.String, "id": pl.String, "label": pl.String},
                         orient="row").with_columns(extra=pl.lit("x" * 50))  # fmt: skip
    frame.write_parquet(table, row_group_size=8)
    monkeypatch.setattr(parquet, "BATCH_ROWS", 8)
    seen = []
    to_list = pl.Series.to_list

    def counted(series):
        seen.append((series.name, len(series)))
        return to_list(series)

    monkeypatch.setattr(pl.Series, "to_list", counted)
    stream = parquet.parquet_records(table, Fields(), 1 << 20, {})
    first = next(stream)
    assert first[0] == 1 and first[1]["text"] == rows[0]["text"]
    assert seen and max(n for _, n in seen) <= 8
    assert {name for name, _ in seen} == {"text"}  # the other columns are not read
    assert sum(1 for _ in stream) == len(rows) - 1
    assert max(n for _, n in seen) <= 8


def test_faults_are_one_clear_error_or_counted_skips(tmp_path, essays):
    rows = _records(essays)
    good = _write_parquet(tmp_path / "e.parquet", rows).read_bytes()
    (tmp_path / "cut.parquet").write_bytes(good[: len(good) // 2])
    (tmp_path / "empty.parquet").write_bytes(b"")
    (tmp_path / "text.parquet").write_text("not parquet at all\n")
    for name in ("cut", "empty", "text"):
        with pytest.raises(CorpusError, match=f"{name}.parquet: not a readable Parquet file"):
            load_records(tmp_path / f"{name}.parquet")
    with pytest.raises(CorpusError, match=r"has no column 'body'; its columns are: text, id"):
        load_records(tmp_path / "e.parquet", Fields(text="body"))
    pl.DataFrame({"text": [1, 2, 3]}).write_parquet(tmp_path / "ints.parquet")
    with pytest.raises(CorpusError, match=r"no documents in .*ints.parquet \(3 text not a str"):
        load_records(tmp_path / "ints.parquet")
    lengths = [len(r["text"]) for r in rows if isinstance(r["text"], str) and r["text"].strip()]
    cap = int(np.median(lengths))
    capped = load_records(tmp_path / "e.parquet", max_bytes=cap)
    assert capped.skipped["over max_file_bytes"] == sum(n > cap for n in lengths) > 0
    with pytest.raises(CorpusError, match="row 1: a text longer than 10 characters"):
        list(parquet.parquet_records(tmp_path / "e.parquet", Fields(), 10, None))


def test_the_cli_fits_parquet_and_writes_doc_topics_as_parquet(tmp_path, essays):
    rows = _records(essays)
    table = _write_parquet(tmp_path / "e.parquet", rows)
    jsonl = _write_jsonl(tmp_path / "e.jsonl", rows)
    runs = {}
    for name, path, out in (("parquet", table, "dt.parquet"), ("jsonl", jsonl, "dt.csv")):
        result = CliRunner().invoke(app, ["nmf", "--input", str(path), "--id-field", "id",
                                          "--label-field", "label", "--k", "4", "--no-cache",
                                          "-q", "-f", "json", "--doc-topics",
                                          str(tmp_path / out)])  # fmt: skip
        assert result.exit_code == 0, result.output
        runs[name] = json.loads(result.stdout)
    a, b = runs["parquet"], runs["jsonl"]
    assert a["corpus"]["source"] == "parquet" and b["corpus"]["source"] == "jsonl"
    assert [t["words"] for t in a["topics"]] == [t["words"] for t in b["topics"]]
    assert a["divergence"] == b["divergence"]
    frame = pl.read_parquet(tmp_path / "dt.parquet")
    assert frame.columns == ["id", "label", "top_topic", *(f"topic_{t}" for t in range(4))]
    assert frame.schema["top_topic"] == pl.Int64 and frame.schema["label"] == pl.String
    assert frame.equals(pl.read_csv(tmp_path / "dt.csv", schema=frame.schema))
    assert frame["label"].null_count() == 1  # the record without a label
    bad = CliRunner().invoke(app, ["nmf", "--input", str(table), "--text-field", "body"])
    assert bad.exit_code == 1 and "has no column 'body'" in bad.output


def test_dask_workers_read_parquet_shards_and_row_ranges(tmp_path, essays, monkeypatch):
    pytest.importorskip("distributed", reason="the dask extra is not installed")
    from topiccli.corpus import Source
    from topiccli.distributed import blocks, close, connect, vectorize_files
    from topiccli.specs import SourceSpec
    from topiccli.text.vectorize import Vectorizer, VectorizerSettings

    rows = _records(essays) * 3
    rows = [{**r, "id": f"{i}"} for i, r in enumerate(rows)]
    table = _write_parquet(tmp_path / "big.parquet", rows, row_group_size=16)
    _write_parquet(tmp_path / "s-1.parquet", rows[:100])
    _write_parquet(tmp_path / "s-2.parquet", rows[100:])
    monkeypatch.setattr(blocks, "SPLIT_BYTES", 1024)  # one file: cut into runs of rows
    settings = VectorizerSettings(junk="keep")
    client = connect("local:2", timeout=30)
    try:
        for path, parts in ((table, 4), (tmp_path / "s-*.parquet", 3)):
            corpus = Source(SourceSpec(input=Path(path), id_field="id")).load()
            expected = Vectorizer(settings).fit_transform(corpus.texts)
            data = vectorize_files(client, path, settings, partitions=4, fields=Fields(id="id"))
            assert data.partitions == parts
            assert data.ids == corpus.ids and data.skipped == corpus.skipped
            got = data.gather()
            assert list(data.terms) == list(expected.terms)
            assert (got != expected.X).nnz == 0 and np.array_equal(data.idf, expected.idf)
            data.release()
    finally:
        close(client)
