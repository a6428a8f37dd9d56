"""JSONL, CSV and stdin input: same pipeline, same topics as the same texts in a folder."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from topiccli.cli import app
from topiccli.corpus import load_folder
from topiccli.corpus.records import Fields, load_records
from topiccli.errors import CorpusError, InvalidParameterError

runner = CliRunner()


def topics(*args, **kwargs):
    return runner.invoke(app, [str(a) for a in args], **kwargs)


@pytest.fixture
def same_texts(sample_corpus, tmp_path):
    """The sample corpus as a folder, JSONL, CSV and one-document-a-line text, all in one order.

    Each text is flattened to one line (stdin's line mode needs that); tokens are unchanged.
    """
    corpus = load_folder(sample_corpus)
    records = [
        {"text": " ".join(text.split()), "id": doc_id, "label": label}
        for text, doc_id, label in zip(corpus.texts, corpus.ids, corpus.labels)
    ]
    folder = tmp_path / "folder"
    for record in records:
        (folder / record["id"]).parent.mkdir(parents=True, exist_ok=True)
        (folder / record["id"]).write_text(record["text"], encoding="utf-8")
    jsonl = tmp_path / "docs.jsonl"
    jsonl.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    table = tmp_path / "docs.csv"
    with table.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, ["id", "label", "text"])
        writer.writeheader()
        writer.writerows(records)
    lines = "".join(r["text"] + "\n" for r in records)
    return {"folder": folder, "jsonl": jsonl, "csv": table, "lines": lines, "records": records}


def fit(*args, **kwargs):
    result = topics("nmf", "--k", 4, "--vectorizer", "tfidf", *args, "--format", "json", **kwargs)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def _unlabelled(topics: list[dict]) -> list[dict]:
    return [{k: v for k, v in t.items() if k not in ("label", "label_share")} for t in topics]


def test_jsonl_csv_and_stdin_give_the_topics_of_the_same_folder(same_texts, tmp_path):
    fields = ("--id-field", "id", "--label-field", "label")
    reference = fit("--input", same_texts["folder"], "--doc-topics", tmp_path / "folder.csv")
    runs = {
        "jsonl": fit("--input", same_texts["jsonl"], *fields, "--doc-topics", tmp_path / "j.csv"),
        "csv": fit("--input", same_texts["csv"], *fields, "--doc-topics", tmp_path / "c.csv"),
        "stdin-jsonl": fit("--input", "-", *fields, "--doc-topics", tmp_path / "s.csv",
                           input=same_texts["jsonl"].read_text(encoding="utf-8")),
        "stdin-lines": fit("--input", "-", input=same_texts["lines"]),
    }  # fmt: skip
    expected = (tmp_path / "folder.csv").read_text(encoding="utf-8")
    for name, report in runs.items():
        if name == "stdin-lines":  # plain lines carry no labels, so no label evidence either
            assert _unlabelled(report["topics"]) == _unlabelled(reference["topics"]), name
            continue
        assert report["topics"] == reference["topics"], name
        assert report["corpus"]["n_documents"] == reference["corpus"]["n_documents"], name
    for name in ("j", "c", "s"):  # same ids, labels and weights, row for row
        assert (tmp_path / f"{name}.csv").read_text(encoding="utf-8") == expected
    assert runs["jsonl"]["corpus"]["source"] == "jsonl"
    assert runs["csv"]["corpus"]["text_field"] == "text"
    assert runs["stdin-jsonl"]["corpus"]["source"] == "stdin"
    assert runs["stdin-jsonl"]["corpus"]["format"] == "jsonl"
    assert runs["stdin-lines"]["corpus"]["format"] == "lines"
    assert runs["stdin-lines"]["corpus"]["cache"] == "off"  # stdin is never cached
    assert runs["jsonl"]["corpus"]["cache"] == "miss"


def test_records_file_is_cached_per_text_field(tmp_path):
    docs = tmp_path / "docs.jsonl"
    docs.write_text(
        "".join(
            json.dumps({"a": f"apples pears plums {i}", "b": f"stars moon galaxy {i}"}) + "\n"
            for i in range(6)
        )
    )
    first = fit("--input", docs, "--text-field", "a", "--k", 1, "--max-df", "1.0")
    assert first["corpus"]["cache"] in ("miss", "off")
    other = fit("--input", docs, "--text-field", "b", "--k", 1, "--max-df", "1.0")
    assert "stars" in other["topics"][0]["words"] and "apples" in first["topics"][0]["words"]


def test_infer_reads_jsonl_from_stdin_and_pipes_json_into_jq(same_texts, tmp_path):
    jq = shutil.which("jq")
    if jq is None:
        pytest.skip("jq is not installed (.ci/run installs it from the Debian packages)")
    model = tmp_path / "model"
    fit = ("nmf", "--input", same_texts["folder"], "--k", 4, "--loss", "frobenius")
    assert topics(*fit, "--save", model).exit_code == 0
    new = [{"text": "the telescope found a new galaxy beyond the moon", "id": "scope"}]
    cli = [sys.executable, "-m", "topiccli", "infer", str(model), "--input", "-",
           "--id-field", "id", "--format", "json"]  # fmt: skip
    inferred = subprocess.run(cli, input=json.dumps(new[0]) + "\n", capture_output=True,
                              text=True, check=True)  # fmt: skip
    query = [jq, "-r", ".documents[0].id, .documents[0].top_topic"]
    picked = subprocess.run(query, input=inferred.stdout, capture_output=True, text=True,
                            check=True)  # fmt: skip
    doc_id, top = picked.stdout.split()
    assert doc_id == "scope"
    shown = subprocess.run([sys.executable, "-m", "topiccli", "show", str(model), "--format",
                            "json"], capture_output=True, text=True, check=True)  # fmt: skip
    words = subprocess.run([jq, "-c", f".topics[{top}].words"], input=shown.stdout,
                           capture_output=True, text=True, check=True)  # fmt: skip
    assert "galaxy" in json.loads(words.stdout) or "moon" in json.loads(words.stdout)


def test_loader_skips_and_counts_records_without_text(tmp_path):
    docs = tmp_path / "d.jsonl"
    lines = ['{"text": "one doc"}', "", '{"body": "no text"}', '{"text": 7}',
             '{"text": "   "}', '{"text": "two doc", "lab": "x"}']  # fmt: skip
    docs.write_text("\n".join(lines) + "\n")
    corpus = load_records(docs, Fields(label="lab"))
    assert corpus.texts == ["one doc", "two doc"]
    assert corpus.ids == ["1", "6"]  # line numbers
    assert corpus.labels == [None, "x"]
    assert corpus.skipped == {"no text": 1, "text not a string": 1, "empty": 1}


@pytest.mark.parametrize(
    ("content", "fields", "message"),
    [
        ('{"text": "a"}\nnot json\n', Fields(), "line 2: not valid JSON"),
        ('["a list"]\n', Fields(), "line 1: not a JSON object"),
        ('{"body": "a"}\n', Fields(), "no record in"),
        ('{"text": "a", "id": 1}\n{"text": "b", "id": 1}\n', Fields(id="id"), "ids must be"),
        ('{"text": "a"}\n', Fields(id="id"), "no usable 'id'"),
    ],
)
def test_bad_jsonl_is_one_clear_error(tmp_path, content, fields, message):
    docs = tmp_path / "d.jsonl"
    docs.write_text(content)
    with pytest.raises(CorpusError, match=message):
        load_records(docs, fields)


def test_csv_rows_may_span_lines_and_a_missing_column_is_named(tmp_path):
    docs = tmp_path / "d.csv"
    docs.write_bytes(b'\xef\xbb\xbftext,kind\r\n"first, with\nnewline",a\r\nsecond,b\r\n')
    corpus = load_records(docs, Fields(label="kind"))
    assert corpus.texts == ["first, with\nnewline", "second"]
    assert corpus.ids == ["1", "2"] and corpus.labels == ["a", "b"]
    with pytest.raises(CorpusError, match="no column 'body'; its columns are: text, kind"):
        load_records(docs, Fields(text="body"))


def test_stdin_lines_mode_and_field_misuse(tmp_path):
    stream = io.TextIOWrapper(io.BytesIO(b"first line doc\n\n{not json}\nthird\n"))
    corpus = load_records("-", Fields(), stdin=stream)
    assert corpus.texts == ["first line doc", "{not json}", "third"]
    assert corpus.ids == ["1", "3", "4"] and corpus.selection["format"] == "lines"
    stream = io.TextIOWrapper(io.BytesIO(b"plain text\n"))
    with pytest.raises(CorpusError, match="stdin is not JSONL"):
        load_records("-", Fields(id="id"), stdin=stream)
    result = topics("svd", "--input", tmp_path, "--label-field", "x")
    assert result.exit_code == 2
    assert "apply to .jsonl/.csv/.parquet files and stdin" in result.stderr
    with pytest.raises(InvalidParameterError):
        from topiccli.corpus.records import check_fields

        check_fields(None, Fields(text="t"))


def test_unicode_line_separator_inside_a_json_string_is_not_a_line_break(tmp_path):
    docs = tmp_path / "d.jsonl"
    docs.write_text(json.dumps({"text": "a\u2028b"}, ensure_ascii=False) + "\n", encoding="utf-8")
    assert load_records(docs).texts == ["a\u2028b"]


def _counts_heard(load):
    heard: list[int] = []
    corpus = load(heard.append)
    return corpus, heard


@pytest.mark.parametrize("kind", ["folder", "jsonl", "csv", "shards", "stdin"])
def test_loaders_tell_the_documents_read_so_far(tmp_path, kind):
    """Each loader reports its running count every COUNT_EVERY documents and once at the end
    (the progress display's documents per second); records without text are not counted."""
    from topiccli.corpus.model import COUNT_EVERY

    n = 2 * COUNT_EVERY + 37
    texts = [f"document {i} about subject {i % 7}" for i in range(n)]
    if kind == "folder":
        for i, text in enumerate(texts):
            (tmp_path / f"{i:05d}.txt").write_text(text)
        corpus, heard = _counts_heard(lambda c: load_folder(tmp_path, counted=c))
    elif kind in ("jsonl", "shards", "stdin"):
        lines = [json.dumps({"text": t}) for t in texts] + [json.dumps({"title": "no text"})]
        if kind == "shards":
            (tmp_path / "a.jsonl").write_text("\n".join(lines[:300]) + "\n")
            (tmp_path / "b.jsonl").write_text("\n".join(lines[300:]) + "\n")
            path = str(tmp_path / "*.jsonl")
            corpus, heard = _counts_heard(lambda c: load_records(path, counted=c))
        elif kind == "stdin":
            stream = io.BytesIO(("\n".join(lines) + "\n").encode())
            corpus, heard = _counts_heard(lambda c: load_records("-", stdin=stream, counted=c))
        else:
            (tmp_path / "c.jsonl").write_text("\n".join(lines) + "\n")
            corpus, heard = _counts_heard(lambda c: load_records(tmp_path / "c.jsonl", counted=c))
    else:
        with open(tmp_path / "c.csv", "w", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(["text"])
            writer.writerows([t] for t in texts)
        corpus, heard = _counts_heard(lambda c: load_records(tmp_path / "c.csv", counted=c))
    assert len(corpus) == n
    assert heard == [COUNT_EVERY, 2 * COUNT_EVERY, n]


def test_records_longer_than_the_cap_are_counted_or_named_never_held(tmp_path):
    """A JSONL record past max_bytes is left out and counted; a plain stdin line is cut and
    counted; read in parts (file_records, range_records: no count to put it in) it is an
    error naming its line. A cut stdin stream and a closed stdin are errors too."""
    from topiccli.corpus.records import OVER_CAP, file_records, range_records

    small = [json.dumps({"text": f"document {i} words"}) for i in range(3)]
    big = json.dumps({"text": "long words " * 200})
    path = tmp_path / "r.jsonl"
    path.write_text("\n".join([small[0], big, *small[1:]]) + "\n")
    corpus = load_records(path, max_bytes=1000)
    assert corpus.ids == ["1", "3", "4"] and corpus.skipped == {OVER_CAP: 1}
    with pytest.raises(CorpusError, match="line 2: a record longer than 1000 characters"):
        list(file_records(path, Fields(), max_bytes=1000))
    with pytest.raises(CorpusError, match="line 2: a record longer than 1000 characters"):
        list(range_records(path, 0, path.stat().st_size, 1, max_bytes=1000))
    lines = io.BytesIO(b"short line one\n" + b"word " * 400 + b"\nshort line three\n")
    corpus = load_records("-", stdin=lines, max_bytes=1000)
    assert [len(t) for t in corpus.texts] == [14, 1000, 16]
    assert corpus.skipped == {"truncated": 1}
    cut = io.BytesIO(("\n".join(small) + '\n{"text": "docu').encode())
    with pytest.raises(CorpusError, match="stdin line 4: not valid JSON"):
        load_records("-", stdin=cut)
    with pytest.raises(CorpusError, match="stdin is closed"):
        load_records("-", stdin=_Closed())
    nested = io.BytesIO((small[0] + "\n" + "[" * 100_000 + "]" * 100_000 + "\n").encode())
    with pytest.raises(CorpusError, match="stdin line 2: not valid JSON"):
        load_records("-", stdin=nested)


class _Closed(io.BytesIO):
    """A stream that is closed (what a test can hand in for ``<&-``)."""

    def __init__(self) -> None:
        super().__init__()
        self.close()
