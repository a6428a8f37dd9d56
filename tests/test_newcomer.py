"""What a newcomer hit (issue 12), each pinned by a test that fails without its fix."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from topiccli.cli import app

runner = CliRunner()
GOLDEN = Path(__file__).parent / "golden"


def _report(method: str):
    """A fixed report (no fit), so the golden tables never depend on numerics."""
    from topiccli.report import RunReport, Topic
    from topiccli.specs import ModelSpec

    words = ["telescope", "orbit", "planets", "galaxy", "stars", "light", "moon", "comet"]
    topics = []
    for t in range(3):
        quality = {
            "coherence_npmi": 0.31 - 0.1 * t,
            "n_documents": 20 - 5 * t,
            "label": ["astronomy", "cooking", "football"][t],
            "label_share": 0.9,
        }
        negative = (
            {"negative_words": ["oven", "flour"], "negative_weights": [-0.2, -0.1]}
            if method == "svd"
            else {}
        )
        topics.append(
            Topic(t, 0.5 - 0.1 * t, words[t:] + words[:t], [0.1] * 8, quality=quality, **negative)
        )
    details = {
        "solver": "amu",
        "init": "nndsvda",
        "loss": "kl",
        "divergence": 12.5,
        "reconstruction_error": 5.0,
        "n_iter": 40,
        "converged": True,
    }
    metrics = {
        "coherence_npmi": 0.21,
        "diversity": 0.96,
        "relative_reconstruction_error": 0.8,
        "label_nmi": 0.9,
        "label_purity": 0.95,
    }
    corpus = {"n_documents": 45, "n_terms": 3301}
    return RunReport(ModelSpec(method=method, k=3), corpus, {}, topics, details, metrics=metrics)


@pytest.mark.parametrize("width", [80, 120])
def test_golden_tables_at_pinned_widths(width):
    from topiccli.render.run import render

    text = render(_report("nmf"), "table", width)
    golden = GOLDEN / f"nmf_table_{width}.txt"
    assert text == golden.read_text(encoding="utf-8")
    assert max(len(line) for line in text.splitlines()) <= width
    body = [line for line in text.splitlines() if line.startswith("│")]
    assert len(body) == (3 if width == 120 else 6)  # 120: a row a line; 80: wrapped at words
    assert all(word in text for word in ("telescope", "comet", "orbit"))  # never cut mid-word


def test_the_width_follows_columns_and_is_fixed_when_piped(monkeypatch):
    from topiccli.cli.output import width_for
    from topiccli.render import PIPED_WIDTH, table_width

    monkeypatch.delenv("COLUMNS", raising=False)
    assert table_width(io.StringIO()) == PIPED_WIDTH
    assert table_width(io.StringIO(), "80") == 80
    monkeypatch.setenv("COLUMNS", "80")  # read by the CLI, at the edge
    assert width_for(None) == 80


def test_version_and_short_help():
    version = runner.invoke(app, ["--version"])
    assert version.exit_code == 0 and version.stdout.startswith("topics ")
    short = runner.invoke(app, ["nmf", "-h"])
    assert short.exit_code == 0 and "--max-iter" in short.stdout
    assert "<bool>" not in short.stdout  # flags take no value


def test_the_top_level_list_does_not_cut_descriptions():
    listing = runner.invoke(app, ["--help"]).stdout
    rows = [line for line in listing.splitlines() if line.startswith("  ") and "  " in line[2:]]
    assert rows and not any(line.rstrip().endswith("...") for line in rows)
    assert "Infer the topics of new documents with a saved model." in listing


def test_help_texts_say_what_the_options_do():
    shown = runner.invoke(app, ["nmf", "--help"], env={"COLUMNS": "200"}).stdout
    nmf_help = " ".join(shown.replace("│", " ").split())  # a phrase may wrap in its panel
    assert "corpus cache or the run cache" in nmf_help  # --no-cache turns both off
    assert "hals for frobenius, amu for kl" in nmf_help  # --solver's default
    assert "TOPICS_NUM_THREADS" in nmf_help
    infer_help = runner.invoke(app, ["infer", "--help"], env={"COLUMNS": "200"}).stdout
    assert "KL divergence" in infer_help and "nonnegative least squares" not in infer_help


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


@pytest.fixture(scope="module")
def bundle(tmp_path_factory, sample_corpus_path=Path(__file__).parents[1] / "sample_corpora"):
    folder = tmp_path_factory.mktemp("model") / "essays.model"
    corpus = sample_corpus_path / "essays"
    result = runner.invoke(
        app, ["nmf", "-i", str(corpus), "--k", "6", "--save", str(folder), "--no-cache"]
    )
    assert result.exit_code == 0, result.stderr
    return folder


def test_infer_shows_as_many_words_as_asked_and_needs_an_input(bundle, sample_corpus):
    table = runner.invoke(
        app,
        ["infer", str(bundle), "-i", str(sample_corpus), "--top-words", "7"],
        env={"COLUMNS": "200"},
    )
    assert table.exit_code == 0, table.stderr
    row = next(line for line in table.stdout.splitlines() if "astronomy/" in line)
    assert len(row.split("│")[4].split()) == 7
    missing = runner.invoke(app, ["infer", str(bundle)])
    assert missing.exit_code == 2 and "needs documents" in missing.stderr


def test_show_with_other_top_words_keeps_what_does_not_depend_on_them(bundle):
    shown = runner.invoke(app, ["show", str(bundle), "--top-words", "12", "-f", "json"])
    assert shown.exit_code == 0
    topic = json.loads(shown.stdout)["topics"][0]
    assert "n_documents" in topic and "label" in topic and "coherence_npmi" not in topic
    assert "computed on the fit's 8 top words, not 12" in shown.stderr


def test_normalize_gives_proportions_and_numbers_are_written_alike(bundle, sample_corpus, tmp_path):
    out = tmp_path / "weights.csv"
    result = runner.invoke(
        app,
        ["infer", str(bundle), "-i", str(sample_corpus), "--doc-topics", str(out), "--normalize"],
    )
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(out.open()))
    for row in rows:
        weights = [float(row[f"topic_{t}"]) for t in range(6)]
        assert sum(weights) == pytest.approx(1.0, abs=1e-5)
        assert all(w == 0 or w >= 1e-9 for w in weights)  # no 5e-25 dust


def test_sweep_closing_line_speaks_of_its_own_seeds(sample_corpus):
    base = ["sweep", "-i", str(sample_corpus), "--k", "2:3", "--criterion", "score"]
    one = runner.invoke(app, base)
    three = runner.invoke(app, [*base, "--seeds", "2"])
    assert "stability counts as 1 with one seed" in one.stdout
    assert "with one seed" not in three.stdout


def test_plot_numbers_topics_from_zero_and_names_their_words(sample_corpus):
    svd = runner.invoke(app, ["svd", "-i", str(sample_corpus), "--k", "3", "--plot"])
    nmf = runner.invoke(app, ["nmf", "-i", str(sample_corpus), "--k", "3", "--plot"])
    first_svd = svd.stderr.splitlines()[1]
    assert first_svd.startswith("σ 0 ") and len(first_svd.split()) >= 5
    assert "Documents won per topic" in nmf.stderr and " docs (" in nmf.stderr


def test_a_second_import_says_the_data_is_there(tmp_path):
    from topiccli.corpus.archive import CACHE_NAME

    (tmp_path / CACHE_NAME).write_bytes(b"already imported")
    archive = tmp_path / "20news-bydate.tar.gz"
    archive.write_bytes(b"not read")
    again = runner.invoke(app, ["data", "import", str(archive), "--data-home", str(tmp_path)])
    assert again.exit_code == 0 and "already cached" in again.stderr and "--force" in again.stderr


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


def test_every_command_and_option_is_in_the_guide():
    """Like sqlite-utils' test_docs: a new command or option is explained in the README or a
    guide page, or this fails. The generated CLI reference (docs/reference/) lists every option
    by construction, so it does not count; an option is matched whole (`--k` is not found
    inside `--keep-junk`)."""
    import re

    import typer.main

    root = Path(__file__).parents[1]
    pages = [root / "README.md", *(root / "docs").rglob("*.md")]
    guide = "\n".join(p.read_text(encoding="utf-8") for p in pages
                      if root / "docs" / "reference" not in p.parents)  # fmt: skip
    group = typer.main.get_command(app)
    missing = []

    def walk(command, path):
        for name, sub in getattr(command, "commands", {}).items():
            if f"topics {' '.join([*path, name])}" not in guide:
                missing.append(" ".join([*path, name]))
            walk(sub, [*path, name])
        for param in getattr(command, "params", []):
            for opt in param.opts:
                documented = re.search(rf"(?<![\w-]){re.escape(opt)}(?![\w-])", guide)
                if opt.startswith("--") and opt != "--help" and not documented:
                    missing.append(f"{' '.join(path)} {opt}")

    walk(group, [])
    assert not missing, f"not in README.md or docs/: {sorted(set(missing))}"


def test_infer_transforms_without_importing_scikit_learn(bundle, sample_corpus):
    import subprocess
    import sys

    code = (
        "import sys\nfrom topiccli.cli import app\n"
        "try:\n    app(sys.argv[1:], prog_name='topics')\nexcept SystemExit as e:\n"
        "    assert not e.code, e.code\n"
        "assert 'sklearn' not in sys.modules, 'infer imported scikit-learn'\n"
    )
    args = ["infer", str(bundle), "-i", str(sample_corpus / "astronomy"), "-f", "jsonl"]
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert len(done.stdout.splitlines()) == len(list((sample_corpus / "astronomy").iterdir()))


def test_a_topic_carried_by_a_handful_of_documents_is_narrow_and_reported_beside_the_mean(
    tmp_path,
):
    """Two copies of one signature post among real essays: its topic is flagged ``narrow``,
    scored on its own; the headline coherence counts every topic (a flag cannot move it) and
    the mean without the flagged topics is reported beside it."""
    import shutil

    corpus = tmp_path / "docs"
    shutil.copytree(Path(__file__).parents[1] / "sample_corpora" / "essays", corpus)
    (corpus / "signature").mkdir()
    for i in range(2):
        (corpus / "signature" / f"{i}.txt").write_text(
            "zorblat quixel vantrow mirelda zorblat quixel vantrow mirelda " * 5
        )
    result = runner.invoke(
        app, ["nmf", "-i", str(corpus), "--k", "7", "-f", "json", "--min-df", "1", "--no-cache"]
    )
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    narrow = [t for t in report["topics"] if t["narrow"]]
    assert narrow and "zorblat" in narrow[0]["words"]
    assert narrow[0]["support_documents"] <= 2
    broad = [t["coherence_npmi"] for t in report["topics"] if not t["narrow"]]
    metrics = report["metrics"]
    assert metrics["n_narrow"] == len(narrow)
    everything = [t["coherence_npmi"] for t in report["topics"]]
    assert metrics["coherence_npmi"] == pytest.approx(sum(everything) / len(everything))
    assert metrics["coherence_npmi_unflagged"] == pytest.approx(sum(broad) / len(broad))
    assert metrics["coherence_npmi_all"] == metrics["coherence_npmi"]
    assert narrow[0]["effective_documents"] <= metrics["narrow_floor"]
    assert all("c_npmi" in t for t in report["topics"]) and metrics["c_npmi"] is not None


def test_sweep_advises_by_agreement_under_resampling_and_shows_the_spread(sample_corpus):
    result = runner.invoke(app, ["sweep", "-i", str(sample_corpus), "--k", "4:7", "-f", "json",
                                 "--samples", "4"])  # fmt: skip
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["criterion"] == "agreement" and document["samples"] == 4
    rows = {r["k"]: r for r in document["results"]}
    best = max(rows.values(), key=lambda r: (r["agreement"], -r["k"]))
    assert all(0 <= r["agreement"] <= 1 and r["agreement_std"] >= 0 for r in rows.values())
    if document["advice"]["verdict"] == "range":  # the best-supported k is the best agreement
        assert document["recommended_k"] == best["k"]
    else:
        assert document["recommended_k"] is None
    assert best["k"] not in document["within_noise"]
    assert set(document["within_noise"]) <= set(rows)


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
