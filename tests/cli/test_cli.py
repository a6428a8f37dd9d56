"""The `topics` command line, driven through Typer's CliRunner; JSON is parsed, not compared."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from ..helpers import (
    GOLDEN_DIR,
    TUTORIAL_CATEGORIES,
    TUTORIAL_VECTORIZER,
    fit_json,
    mini_archive,
    topics,
)

runner = CliRunner()
GOLDEN = GOLDEN_DIR / "nmf_table.txt"


def test_nmf_json_report_has_the_documented_fields(sample_corpus):
    report = fit_json("nmf", "--input", sample_corpus, "--k", 6, "--vectorizer", "tfidf")
    assert report["schema_version"] == 1
    assert (report["method"], report["k"], report["seed"]) == ("nmf", 6, 0)
    assert report["corpus"]["source"] == "folder"
    assert report["corpus"]["n_documents"] == len(list(sample_corpus.glob("*/*.txt")))
    assert report["vectorizer"]["kind"] == "tfidf"
    assert report["vectorizer"]["stop_words"] == "english+fillers"
    assert {"reconstruction_error", "n_iter", "converged"} <= report.keys()
    assert set(report["timings"]) == {
        "cache",
        "load",
        "vectorize",
        "factorize",
        "metrics",
    }
    assert [t["id"] for t in report["topics"]] == list(range(6))
    for topic in report["topics"]:
        assert len(topic["words"]) == len(topic["weights"]) == 8
        assert topic["weights"] == sorted(topic["weights"], reverse=True)
    shares = [t["weight"] for t in report["topics"]]
    assert shares == sorted(shares, reverse=True) and sum(shares) == pytest.approx(1.0)


def test_svd_json_reports_singular_values_in_order(sample_corpus):
    report = fit_json("svd", "--input", sample_corpus, "--k", 4, "--top-words", 5)
    values = report["singular_values"]
    assert len(values) == 4 and values == sorted(values, reverse=True)
    assert [t["weight"] for t in report["topics"]] == values
    assert all(len(t["words"]) == 5 for t in report["topics"])


def test_sample_corpus_themes_come_out_as_topics(sample_corpus):
    report = fit_json("nmf", "--input", sample_corpus, "--k", 6, "--vectorizer", "tfidf")
    words = {w for t in report["topics"] for w in t["words"]}
    for theme_word in ("galaxy", "oven", "soil", "goal", "patient", "melody"):
        assert theme_word in words or theme_word + "s" in words, theme_word


def test_same_seed_same_topics(sample_corpus):
    args = ("nmf", "--input", sample_corpus, "--k", 5, "--seed", 3)
    a, b = fit_json(*args), fit_json(*args)
    assert a["topics"] == b["topics"]


def test_csv_has_one_row_per_topic_word_and_output_file_gets_the_same_bytes(
    sample_corpus, tmp_path
):
    stdout = topics("svd", "--input", sample_corpus, "--k", 3, "--format", "csv").stdout
    rows = stdout.splitlines()
    assert rows[0] == (
        "topic,topic_weight,pole,rank,word,weight,n_documents,label,label_share,"
        "flags,name,auto_name,seed_words"
    )
    assert sum(row.split(",")[2] == "+" for row in rows[1:]) == 3 * 8
    out = tmp_path / "topics.csv"
    result = topics("svd", "--input", sample_corpus, "--k", 3, "--format", "csv", "-o", out)
    assert result.exit_code == 0 and result.stdout == ""
    assert out.read_text(encoding="utf-8") == stdout


def test_vectorizer_options_reach_the_matrix(sample_corpus):
    base = fit_json("svd", "--input", sample_corpus, "--k", 2)
    pruned = fit_json(
        "svd",
        "--input",
        sample_corpus,
        "--k",
        2,
        "--min-df",
        3,
        "--max-df",
        0.5,
        "--ngram-range",
        "1,2",
        "--max-features",
        300,
    )
    assert pruned["corpus"]["n_terms"] == 300 < base["corpus"]["n_terms"]
    assert pruned["vectorizer"]["ngram_range"] == [1, 2]
    assert pruned["vectorizer"]["min_df"] == 3 and pruned["vectorizer"]["max_df"] == 0.5


def test_stop_words_file(sample_corpus, tmp_path):
    words = tmp_path / "stop.txt"
    report = fit_json("svd", "--input", sample_corpus, "--k", 2, "--stop-words", "none")
    top = report["topics"][0]["words"][0]
    words.write_text(f"# my list\n{top}\n")
    again = fit_json("svd", "--input", sample_corpus, "--k", 2, "--stop-words", words)
    assert top not in again["topics"][0]["words"]
    assert again["corpus"]["n_terms"] == report["corpus"]["n_terms"] - 1


def test_golden_table_at_pinned_width(sample_corpus):
    pinned = {"TOPICS_NUM_THREADS": "2"}  # the footer names the engine's threads
    result = topics("nmf", "--input", sample_corpus, "--k", 6, "--vectorizer", "tfidf", env=pinned)
    assert result.exit_code == 0
    if os.environ.get("TOPICS_UPDATE_GOLDEN"):
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(result.stdout, encoding="utf-8")
    assert result.stdout == GOLDEN.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--input", "/no/such/folder"], 1, "Error: input path does not exist"),
        (["--categories", "sci.space,sci.spice"], 2, "unknown category sci.spice; valid"),
        (["--k", "0"], 2, "--k"),
        (["--ngram-range", "2,1"], 2, "--ngram-range"),
        (["--format", "xml"], 2, "--format"),
    ],
)
def test_bad_input_gives_one_clear_line_and_the_exit_code(args, code, message):
    result = topics("nmf", *args)
    assert result.exit_code == code
    assert message in result.stderr
    assert result.stdout == ""
    assert "Traceback" not in result.stderr


def test_k_larger_than_the_corpus_allows_is_a_data_error(tmp_path):
    (tmp_path / "a.txt").write_text("apples and pears")
    (tmp_path / "b.txt").write_text("pears and plums")
    result = topics("svd", "--input", tmp_path, "--k", 5)
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: --k must be between 1 and")


def test_output_onto_an_input_is_refused(sample_corpus, tmp_path):
    doc = tmp_path / "doc.txt"
    doc.write_text("some words to model here and there")
    before = doc.read_bytes()
    result = topics("svd", "--input", tmp_path, "--k", 1, "-o", doc)
    assert result.exit_code == 1 and "it is an input" in result.stderr
    assert doc.read_bytes() == before


def test_missing_20_newsgroups_names_both_ways_out(tmp_path):
    result = topics("svd", "--data-home", tmp_path, "--categories", "sci.space")
    assert result.exit_code == 1
    assert "topics data import" in result.stderr and "--input" in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_python_dash_m_runs_the_cli():
    done = subprocess.run(
        [sys.executable, "-m", "topiccli", "--help"], capture_output=True, text=True, check=True
    )
    assert "svd" in done.stdout and "nmf" in done.stdout


HELP_WITHOUT_HEAVY_IMPORTS = """
import sys
from topiccli.cli import app
try:
    app(["--help"], prog_name="topics")
except SystemExit as exit:
    assert not exit.code, exit.code
heavy = sorted({m.split(".")[0] for m in sys.modules} & {"numpy", "scipy", "sklearn", "rich"})
assert not heavy, f"topics --help imported {heavy}"
"""


def test_top_level_help_lists_every_command_and_stays_light():
    done = subprocess.run([sys.executable, "-c", HELP_WITHOUT_HEAVY_IMPORTS],
                          capture_output=True, text=True, check=True)  # fmt: skip
    for command in ("svd", "nmf", "sweep", "show", "infer", "data"):
        assert f"  {command} " in done.stdout, command
    bare = topics()  # no arguments: the same help, on stderr, exit 2 (a usage error)
    assert bare.exit_code == 2 and bare.stdout == ""
    assert "Commands:" in bare.stderr and "sweep" in bare.stderr
    assert "╭" in topics("nmf", "--help").stdout  # a command's help keeps its rich panels


@pytest.mark.newsgroups
def test_tutorial_svd_reproduces_the_published_numbers(newsgroups_home):
    report = fit_json(
        "svd",
        "--categories",
        ",".join(TUTORIAL_CATEGORIES),
        "--k",
        10,
        "--data-home",
        newsgroups_home,
        *TUTORIAL_VECTORIZER,
    )
    assert report["corpus"]["n_documents"] == 2034
    assert report["corpus"]["n_terms"] == 26576
    expected = [433.927, 291.510, 240.711, 220.000, 182.745,
                168.152, 148.157, 128.786, 126.491, 118.347]  # fmt: skip
    assert report["singular_values"] == pytest.approx(expected, abs=5e-4)
    assert report["corpus"]["remove"] == ["headers", "footers", "quotes"]


@pytest.mark.newsgroups
def test_categories_may_be_repeated_and_subset_test_loads(newsgroups_home):
    report = fit_json(
        "nmf",
        "-c",
        "sci.space",
        "-c",
        "comp.graphics",
        "--subset",
        "test",
        "--k",
        2,
        "--data-home",
        newsgroups_home,
        "--max-features",
        2000,
    )
    assert report["corpus"]["categories"] == ["comp.graphics", "sci.space"]
    assert report["corpus"]["subset"] == "test"
    assert report["corpus"]["n_documents"] == 389 + 394


def test_data_import_command(tmp_path):
    archive = mini_archive(tmp_path / "mini.tar.gz")
    home = tmp_path / "home"
    home.mkdir()
    result = topics("data", "import", archive, "--data-home", home)
    assert result.exit_code == 0, result.stderr
    assert "cached at" in result.stderr and result.stdout == ""
    report = fit_json("svd", "--data-home", home, "--k", 2, "--remove", "none")
    assert report["corpus"]["n_documents"] == 40
