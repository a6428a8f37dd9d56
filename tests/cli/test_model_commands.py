"""show, infer and explore on a saved model: top words, --normalize, an input required,
no scikit-learn import, and explore's page written to topics.html on a terminal."""

from __future__ import annotations

import csv
import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from topiccli.cli import app

from ..helpers import topics

runner = CliRunner()


def test_infer_shows_as_many_words_as_asked_and_needs_an_input(essays_model, sample_corpus):
    table = runner.invoke(
        app,
        ["infer", str(essays_model), "-i", str(sample_corpus), "--top-words", "7"],
        env={"COLUMNS": "200"},
    )
    assert table.exit_code == 0, table.stderr
    row = next(line for line in table.stdout.splitlines() if "astronomy/" in line)
    assert len(row.split("│")[4].split()) == 7
    missing = runner.invoke(app, ["infer", str(essays_model)])
    assert missing.exit_code == 2 and "needs documents" in missing.stderr


def test_show_with_other_top_words_keeps_what_does_not_depend_on_them(essays_model):
    shown = runner.invoke(app, ["show", str(essays_model), "--top-words", "12", "-f", "json"])
    assert shown.exit_code == 0
    topic = json.loads(shown.stdout)["topics"][0]
    assert "n_documents" in topic and "label" in topic and "coherence_npmi" not in topic
    assert "computed on the fit's 8 top words, not 12" in shown.stderr


def test_normalize_gives_proportions_and_numbers_are_written_alike(
    essays_model, sample_corpus, tmp_path
):
    out = tmp_path / "weights.csv"
    result = runner.invoke(
        app,
        [
            "infer",
            str(essays_model),
            "-i",
            str(sample_corpus),
            "--doc-topics",
            str(out),
            "--normalize",
        ],
    )
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(out.open()))
    for row in rows:
        weights = [float(row[f"topic_{t}"]) for t in range(6)]
        assert sum(weights) == pytest.approx(1.0, abs=1e-5)
        assert all(w == 0 or w >= 1e-9 for w in weights)  # no 5e-25 dust


def test_infer_transforms_without_importing_scikit_learn(essays_model, sample_corpus):

    code = (
        "import sys\nfrom topiccli.cli import app\n"
        "try:\n    app(sys.argv[1:], prog_name='topics')\nexcept SystemExit as e:\n"
        "    assert not e.code, e.code\n"
        "assert 'sklearn' not in sys.modules, 'infer imported scikit-learn'\n"
    )
    args = ["infer", str(essays_model), "-i", str(sample_corpus / "astronomy"), "-f", "jsonl"]
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert len(done.stdout.splitlines()) == len(list((sample_corpus / "astronomy").iterdir()))


def test_explore_without_output_writes_topics_html_on_a_terminal(
    essays_model, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("topiccli.cli.model_commands.stdout_is_terminal", lambda: True)
    result = topics("explore", essays_model)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""  # no page flooding the terminal
    assert (tmp_path / "topics.html").read_text().startswith("<!DOCTYPE html>")
    assert "topics.html" in result.stderr
    monkeypatch.setattr("topiccli.cli.model_commands.stdout_is_terminal", lambda: False)
    piped = topics("explore", essays_model)  # a file or a pipe still gets the page
    assert piped.exit_code == 0 and piped.stdout.startswith("<!DOCTYPE html>")
