"""The CLI's smaller untruths (issue 22, item 6), each pinned: help that says what it means,
``--categories`` with ``--input`` refused, ``--no-labels``, the engine named, ``explore``
without ``-o``, and a run-cache hit that reports this run's corpus path."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from topiccli.cli import app

from .conftest import SAMPLE

runner = CliRunner()
WIDE = {"COLUMNS": "200"}


def topics(*args, **kwargs):
    return runner.invoke(app, [str(a) for a in args], **kwargs)


def as_json(*args, env=None) -> dict:
    result = topics(*args, "-f", "json", env=env)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def bundle(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("model") / "essays.model"
    result = topics("nmf", "-i", SAMPLE, "--k", 4, "--save", folder, "--no-cache")
    assert result.exit_code == 0, result.stderr
    return folder


HELPS = [
    ["svd"],
    ["nmf"],
    ["sweep"],
    ["show"],
    ["infer"],
    ["explore"],
    ["data"],
    ["data", "import"],
]
INTERNAL = ("<list[", "<int range>", "<float range>", "[x>=", "<str>", "<Path>", "<path>",
            "[default: (", "<bool>")  # fmt: skip


@pytest.mark.parametrize("command", HELPS, ids=" ".join)
def test_help_shows_no_internal_types(command):
    shown = topics(*command, "--help", env=WIDE).stdout
    assert shown.strip()
    assert [piece for piece in INTERNAL if piece in shown] == []


def test_help_shows_the_dask_extra_and_plain_defaults():
    shown = topics("nmf", "--help", env=WIDE).stdout
    assert "pip install 'topiccli[dask]'" in shown  # rich used to eat [dask] as markup
    assert "Default: kl, chosen on evidence (see the README)." in shown
    assert "Number of topics (at least 1)." in shown
    assert "FIRST:LAST[:STEP]" in topics("sweep", "--help", env=WIDE).stdout


def test_ranges_are_still_enforced_after_help_was_shown():
    topics("nmf", "--help")
    result = topics("nmf", "-i", SAMPLE, "--k", 0)
    assert result.exit_code == 2 and "--k" in result.stderr


def test_categories_with_input_is_a_usage_error_before_any_reading(monkeypatch):
    monkeypatch.setattr("topiccli.corpus.source.Source.load", lambda *a: pytest.fail("read"))
    for command in ("nmf", "svd", "sweep"):
        result = topics(command, "-i", SAMPLE, "--categories", "sci.space")
        assert result.exit_code == 2, result.stderr
        assert "--categories chooses 20 Newsgroups groups" in result.stderr
        assert result.stdout == ""


def test_no_labels_turns_folder_labels_off(tmp_path, bundle):
    labelled = as_json("nmf", "-i", SAMPLE, "--k", 4)
    assert labelled["metrics"]["label_nmi"] is not None
    assert all("label" in topic for topic in labelled["topics"])
    plain = as_json("nmf", "-i", SAMPLE, "--k", 4, "--no-labels")  # the same cache: no hit
    assert plain["metrics"].get("label_nmi") is None
    assert not any("label" in topic for topic in plain["topics"])
    rows = tmp_path / "rows.csv"
    result = topics("nmf", "-i", SAMPLE, "--k", 4, "--no-labels", "--doc-topics", rows)
    assert result.exit_code == 0, result.stderr
    assert {row["label"] for row in csv.DictReader(rows.open())} == {""}
    inferred = as_json("infer", bundle, "-i", SAMPLE, "--no-labels")
    assert {doc["label"] for doc in inferred["documents"]} == {None}
    assert {doc["label"] for doc in as_json("infer", bundle, "-i", SAMPLE)["documents"]} != {None}


def test_the_engine_is_named_in_json_and_below_the_table(bundle):
    env = {"TOPICS_NUM_THREADS": "3"}
    local = {"kind": "local", "threads": 3}
    assert as_json("nmf", "-i", SAMPLE, "--k", 4, env=env)["engine"] == local
    hit = as_json("nmf", "-i", SAMPLE, "--k", 4, env=env)
    assert hit["run_cache"] == "hit" and hit["engine"] == local
    assert as_json("sweep", "-i", SAMPLE, "--k", "2:3", "--samples", 2, env=env)["engine"] == local
    assert as_json("infer", bundle, "-i", SAMPLE, env=env)["engine"] == local
    table = topics("nmf", "-i", SAMPLE, "--k", 4, env=env).stdout
    assert "Engine: this machine (3 threads); answered from the run cache" in table
    assert (
        "Engine: this machine (3 threads)" in topics("infer", bundle, "-i", SAMPLE, env=env).stdout
    )


def test_a_dask_engine_is_named_by_its_scheduler():
    from topiccli.distributed.engine import DaskEngine
    from topiccli.render.present import engine_line

    described = DaskEngine("tcp://10.0.0.1:8786", 1.0).describe()  # never connected
    assert described == {"kind": "dask", "scheduler": "tcp://10.0.0.1:8786"}
    assert engine_line({**described, "workers": 4}) == (
        "Engine: Dask scheduler tcp://10.0.0.1:8786 (4 workers)"
    )
    assert engine_line({**described, "workers": 1}).endswith("(1 worker)")
    assert engine_line({"kind": "local", "threads": 1}) == "Engine: this machine (1 thread)"


def test_explore_without_output_writes_topics_html_on_a_terminal(bundle, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("topiccli.cli.model_commands.stdout_is_terminal", lambda: True)
    result = topics("explore", bundle)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""  # no page flooding the terminal
    assert (tmp_path / "topics.html").read_text().startswith("<!DOCTYPE html>")
    assert "topics.html" in result.stderr
    monkeypatch.setattr("topiccli.cli.model_commands.stdout_is_terminal", lambda: False)
    piped = topics("explore", bundle)  # a file or a pipe still gets the page
    assert piped.exit_code == 0 and piped.stdout.startswith("<!DOCTYPE html>")


def test_a_run_cache_hit_reports_this_runs_corpus_path(tmp_path, monkeypatch):
    first = as_json("nmf", "-i", SAMPLE.resolve(), "--k", 4)
    assert first["corpus"]["path"] == str(SAMPLE.resolve())
    monkeypatch.chdir(SAMPLE.parent)
    again = as_json("nmf", "-i", SAMPLE.name, "--k", 4)
    assert again["run_cache"] == "hit"
    assert again["corpus"]["path"] == SAMPLE.name


def test_infer_help_does_not_offer_20_newsgroups():
    shown = topics("infer", "--help", env=WIDE).stdout
    assert "20 Newsgroups" not in shown  # infer reads --input only
    assert "Documents" in shown and "(required)" in shown
