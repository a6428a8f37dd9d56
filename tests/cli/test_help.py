"""The help texts: they say what options do and show no internal types, the version and short
help, a top-level list that cuts no description, and every command and option explained in the
README or a guide page."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from topiccli.cli import app

from ..helpers import ROOT, SAMPLE, names_option, topics

runner = CliRunner()
WIDE = {"COLUMNS": "200"}


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
    assert result.exit_code == 2 and names_option(result.stderr, "--k")


def test_infer_help_does_not_offer_20_newsgroups():
    shown = topics("infer", "--help", env=WIDE).stdout
    assert "20 Newsgroups" not in shown  # infer reads --input only
    assert "Documents" in shown and "(required)" in shown


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
    assert "hals for frobenius, ccd for kl" in nmf_help  # --solver's default
    assert "TOPICS_NUM_THREADS" in nmf_help
    infer_help = runner.invoke(app, ["infer", "--help"], env={"COLUMNS": "200"}).stdout
    assert "KL divergence" in infer_help and "nonnegative least squares" not in infer_help


def test_every_command_and_option_is_in_the_guide():
    """Like sqlite-utils' test_docs: a new command or option is explained in the README or a
    guide page, or this fails. The generated CLI reference (docs/reference/) lists every option
    by construction, so it does not count; an option is matched whole (`--k` is not found
    inside `--keep-junk`)."""
    import typer.main

    root = ROOT
    pages = [root / "README.md", *(root / "docs").rglob("*.md")]
    guide = "\n".join(p.read_text(encoding="utf-8") for p in pages
                      if root / "docs" / "reference" not in p.parents)  # fmt: skip
    group = typer.main.get_command(app)
    missing = []

    def walk(command, path):
        for name, sub in getattr(command, "commands", {}).items():
            if not names_option(guide, f"topics {' '.join([*path, name])}"):
                missing.append(" ".join([*path, name]))
            walk(sub, [*path, name])
        for param in getattr(command, "params", []):
            for opt in param.opts:
                if opt.startswith("--") and opt != "--help" and not names_option(guide, opt):
                    missing.append(f"{' '.join(path)} {opt}")

    walk(group, [])
    assert not missing, f"not in README.md or docs/: {sorted(set(missing))}"


def test_an_option_is_found_whole_never_as_the_prefix_of_another():
    """The guard of the test above (it once found `--k` inside `--keep-junk`)."""
    assert not names_option("use --keep-junk to keep them", "--k")
    assert not names_option("--save-snippets needs a model", "--save")
    assert names_option("give --k 10 or `--k`", "--k") and names_option("(--save DIR)", "--save")
    assert not names_option("topics showcase", "topics show")
