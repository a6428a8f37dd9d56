"""The JSON Schema shipped in the package describes every JSON document `topics` writes.

Each command's `--format json` output, on the sample corpus (and 20 Newsgroups where the archive
is present), is validated against its kind's definition and against the whole schema. The
schema's objects forbid fields they do not list (additionalProperties: false), so a new field
fails here until it is documented (docs/development.md says how to add one).
"""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from topiccli.cli import app

from ..helpers import schema, validate

jsonschema = pytest.importorskip("jsonschema", reason="the test extra installs jsonschema")

runner = CliRunner()


def json_of(*args, input=None) -> dict:
    result = runner.invoke(app, [str(a) for a in args] + ["--format", "json"], input=input)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_the_schema_is_a_valid_draft_2020_12_schema():
    jsonschema.Draft202012Validator.check_schema(schema())


def test_every_object_lists_its_fields_so_new_ones_are_caught():
    """Each object definition forbids unlisted fields, except ``skipped`` (counts by reason)."""

    def objects(node, path):
        if isinstance(node, dict):
            if node.get("type") == "object" and "properties" in node:
                yield path, node
            for key, value in node.items():
                yield from objects(value, f"{path}/{key}")
        elif isinstance(node, list):
            for i, value in enumerate(node):
                yield from objects(value, f"{path}/{i}")

    found = list(objects(schema(), "#"))
    assert len(found) >= 12
    for path, node in found:
        assert node.get("additionalProperties") is False, path
        for name, prop in node["properties"].items():
            assert prop.get("description") or "$ref" in prop, f"{path}/{name} lacks a description"


def test_nmf_report_with_every_option_that_adds_fields(sample_corpus):
    report = json_of("nmf", "--input", sample_corpus, "--k", 4, "--docs", 2, "--seeds", 2,
                     "--vocabulary")  # fmt: skip
    assert {"vocabulary", "divergence"} <= set(report)
    assert "representative_docs" in report["topics"][0]
    validate(report, "report")


def test_svd_report_with_both_poles(sample_corpus):
    report = json_of("svd", "--input", sample_corpus, "--k", 4, "--docs", 1)
    assert "negative_words" in report["topics"][0]
    validate(report, "report")


def test_frobenius_report_its_saved_model_shown_and_inferred(sample_corpus, tmp_path):
    model = tmp_path / "m.model"
    report = json_of("nmf", "--input", sample_corpus, "--k", 3, "--loss", "frobenius",
                     "--save", model)  # fmt: skip
    validate(report, "report")
    shown = json_of("show", model)
    assert shown["run_cache"] == "off" and "describe" in shown["timings"]
    validate(shown, "report")
    inferred = json_of("infer", model, "--input", sample_corpus / "music")
    assert len(inferred["documents"]) == inferred["corpus"]["n_documents"]
    validate(inferred, "infer")


def test_a_run_cache_hit_is_the_same_kind_of_report(sample_corpus):
    json_of("nmf", "--input", sample_corpus, "--k", 2)
    hit = json_of("nmf", "--input", sample_corpus, "--k", 2)
    assert hit["run_cache"] == "hit"
    validate(hit, "report")


def test_records_from_stdin_and_jsonl(sample_corpus, tmp_path):
    texts = [p.read_text(encoding="utf-8") for p in sorted(sample_corpus.rglob("*.txt"))]
    lines = "\n".join(" ".join(t.split()) for t in texts)
    validate(json_of("nmf", "--input", "-", "--k", 3, input=lines), "report")
    records = tmp_path / "posts.jsonl"
    records.write_text("\n".join(json.dumps({"body": t, "forum": str(i % 3)})
                                 for i, t in enumerate(texts)), encoding="utf-8")  # fmt: skip
    report = json_of("svd", "--input", records, "--text-field", "body", "--label-field", "forum")
    assert report["corpus"]["source"] == "jsonl"
    validate(report, "report")


@pytest.mark.parametrize("method", ["nmf", "svd"])
def test_sweep_documents(sample_corpus, method):
    sweep = json_of("sweep", "--method", method, "--input", sample_corpus, "--k", "2:4",
                    "--samples", 2, "--seeds", 2)  # fmt: skip
    assert sweep["command"] == "sweep"
    validate(sweep, "sweep")


def test_an_undocumented_field_is_refused(sample_corpus):
    """What the lead relies on while merging: a field the schema lacks fails validation."""
    report = json_of("nmf", "--input", sample_corpus, "--k", 2)
    for where in (report, report["corpus"], report["metrics"], report["topics"][0]):
        where["surely_undocumented"] = 1
        with pytest.raises(AssertionError, match="surely_undocumented"):
            validate(report, "report")
        del where["surely_undocumented"]


@pytest.mark.newsgroups
def test_20_newsgroups_report(newsgroups_home):
    report = json_of("nmf", "--categories", "sci.space,rec.autos", "--k", 2, "--data-home",
                     newsgroups_home, "--loss", "frobenius")  # fmt: skip
    assert report["corpus"]["source"] == "20newsgroups"
    validate(report, "report")
