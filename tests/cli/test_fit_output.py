"""What a fit command prints beyond its topics: convergence warnings, --plot, the SVD CSV's
poles, --no-labels, the vocabulary report and the message for a missing text field."""

from __future__ import annotations

import csv
import io
import json

from typer.testing import CliRunner

from topiccli.cli import app

from ..helpers import SAMPLE, fit_json, topics, write_docs

runner = CliRunner()


def test_nmf_at_max_iter_warns_and_reports_not_converged(tmp_path):
    corpus = write_docs(tmp_path / "docs")
    args = ["nmf", "-i", str(corpus), "--k", "2", "--max-iter", "1", "--tol", "0", "-f", "json"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0
    assert json.loads(result.stdout)["converged"] is False
    assert result.stderr.startswith("Warning: ") and "--max-iter=1" in result.stderr


def test_plot_numbers_topics_from_zero_and_names_their_words(sample_corpus):
    svd = runner.invoke(app, ["svd", "-i", str(sample_corpus), "--k", "3", "--plot"])
    nmf = runner.invoke(app, ["nmf", "-i", str(sample_corpus), "--k", "3", "--plot"])
    first_svd = svd.stderr.splitlines()[1]
    assert first_svd.startswith("σ 0 ") and len(first_svd.split()) >= 5
    assert "Documents won per topic" in nmf.stderr and " docs (" in nmf.stderr


def test_a_missing_text_field_lists_the_fields(tmp_path):
    records = tmp_path / "posts.jsonl"
    records.write_text('{"body": "a b c", "id": 1}\n{"body": "d e f", "id": 2}\n')
    result = runner.invoke(app, ["nmf", "-i", str(records)])
    assert result.exit_code == 1 and "'body', 'id'" in result.stderr
    assert "--text-field" in result.stderr


def test_svd_csv_keeps_the_negative_pole(sample_corpus):
    result = runner.invoke(app, ["svd", "-i", str(sample_corpus), "--k", "3", "-f", "csv"])
    poles = {row["pole"] for row in csv.DictReader(io.StringIO(result.stdout))}
    assert poles == {"+", "-"}


def test_the_vocabulary_report_says_what_was_pruned_and_which_stop_words_never_match(
    sample_corpus, tmp_path
):
    stop = tmp_path / "stop.txt"
    stop.write_text("don't\nx\nsoil\n")
    result = runner.invoke(app, ["nmf", "-i", str(sample_corpus), "--k", "3", "-f", "json",
                                 "--vocabulary", "--extra-stop-words", str(stop)])  # fmt: skip
    assert result.exit_code == 0, result.stderr
    v = json.loads(result.stdout)["vocabulary"]
    kept = v["terms_before_pruning"] - v["pruned_min_df"] - v["pruned_max_df"]
    assert v["terms_kept"] == kept - v["pruned_max_features"] > 0
    assert {"don't", "x"} <= set(v["stop_words_never_matched"])  # the pattern cannot make them
    assert "soil" not in v["stop_words_never_matched"] and "soil" not in v["most_frequent"]


def test_no_labels_turns_folder_labels_off(tmp_path, essays_model):
    labelled = fit_json("nmf", "-i", SAMPLE, "--k", 4)
    assert labelled["metrics"]["label_nmi"] is not None
    assert all("label" in topic for topic in labelled["topics"])
    plain = fit_json("nmf", "-i", SAMPLE, "--k", 4, "--no-labels")  # the same cache: no hit
    assert plain["metrics"].get("label_nmi") is None
    assert not any("label" in topic for topic in plain["topics"])
    rows = tmp_path / "rows.csv"
    result = topics("nmf", "-i", SAMPLE, "--k", 4, "--no-labels", "--doc-topics", rows)
    assert result.exit_code == 0, result.stderr
    assert {row["label"] for row in csv.DictReader(rows.open())} == {""}
    inferred = fit_json("infer", essays_model, "-i", SAMPLE, "--no-labels")
    assert {doc["label"] for doc in inferred["documents"]} == {None}
    assert {doc["label"] for doc in fit_json("infer", essays_model, "-i", SAMPLE)["documents"]} != {
        None
    }
