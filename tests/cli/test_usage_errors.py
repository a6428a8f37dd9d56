"""Usage errors: one line on stderr, exit 2, found before any data is read; sizes in binary
units; TOPICS_DEBUG=1 re-raises."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from topiccli.cli import app
from topiccli.errors import InvalidParameterError

from ..helpers import SAMPLE, topics, write_docs

runner = CliRunner()


def test_output_destination_is_checked_before_any_work(tmp_path, monkeypatch):
    corpus = write_docs(tmp_path / "docs")
    monkeypatch.setattr("topiccli.corpus.source.Source.load", lambda *a: pytest.fail("read data"))
    result = runner.invoke(app, ["nmf", "-i", str(corpus), "-o", str(tmp_path / "no" / "x")])
    assert result.exit_code == 1 and "does not exist" in result.stderr


@pytest.mark.parametrize(
    "args",
    [["nmf", "--k", "0"], ["nmf", "--format", "xml"], ["svd", "--nope"], ["frobnicate"]],
)
def test_usage_errors_are_one_line_not_a_panel(args):
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("Error: ") and len(result.stderr.splitlines()) == 1
    assert "--help" in result.stderr


def test_contradicting_values_are_usage_errors_found_before_any_reading(tmp_path, monkeypatch):
    monkeypatch.setattr(
        "topiccli.corpus.source.Source.load", lambda *a: pytest.fail("read the corpus")
    )
    result = runner.invoke(app, ["nmf", "-i", str(tmp_path), "--min-df", "5", "--max-df", "2"])
    assert result.exit_code == 2 and "--min-df (5) is larger than --max-df (2)" in result.stderr


def test_no_arguments_still_show_the_help():
    result = runner.invoke(app, [])
    assert result.exit_code == 2 and "Usage" in result.output and "Error" not in result.output


def test_debug_mode_re_raises_usage_problems_of_ours(monkeypatch):
    monkeypatch.setenv("TOPICS_DEBUG", "1")
    result = runner.invoke(app, ["nmf", "--categories", "sci.spice"])
    assert isinstance(result.exception, InvalidParameterError)


def test_a_newline_in_a_message_stays_on_one_line(tmp_path):
    missing = tmp_path / "two\nlines"
    result = runner.invoke(app, ["nmf", "-i", str(missing)])
    assert result.exit_code == 1 and result.stderr.count("\n") == 1
    assert "two\\nlines" in result.stderr


@pytest.mark.parametrize(
    ("text", "size"), [("16M", 16 * 2**20), ("500k", 500 * 2**10), ("1GiB", 2**30), ("7", 7)]
)
def test_sizes_parse_in_binary_units(text, size):
    from topiccli.cli.options import parse_size

    assert parse_size(text) == size


def test_option_checks_run_before_any_reading(sample_corpus, monkeypatch):
    monkeypatch.setattr("topiccli.corpus.source.Source.load", lambda *a: pytest.fail("read"))
    bad = runner.invoke(
        app, ["nmf", "-i", str(sample_corpus), "--loss", "frobenius", "--solver", "amu"]
    )
    assert bad.exit_code == 2 and "--solver 'amu'" in bad.stderr
    sweep = runner.invoke(
        app, ["sweep", "-i", str(sample_corpus), "--method", "svd", "--loss", "kl"]
    )
    assert sweep.exit_code == 2 and "--loss applies to --method nmf only" in sweep.stderr


def test_categories_with_input_is_a_usage_error_before_any_reading(monkeypatch):
    monkeypatch.setattr("topiccli.corpus.source.Source.load", lambda *a: pytest.fail("read"))
    for command in ("nmf", "svd", "sweep"):
        result = topics(command, "-i", SAMPLE, "--categories", "sci.space")
        assert result.exit_code == 2, result.stderr
        assert "--categories chooses 20 Newsgroups groups" in result.stderr
        assert result.stdout == ""
