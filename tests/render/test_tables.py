"""Tables that fit (issue 22, item 4): every command that prints a table, pinned at 60, 80 and
120 columns (golden files, ``TOPICS_UPDATE_GOLDEN=1`` rewrites them), and, at every width from
60 to 140, every word of every cell the JSON output holds appears whole in the table.

Each command runs once through the CLI on the sample corpus; what it handed its renderer is
kept (a spy on the renderer) and rendered again at each width, as ``COLUMNS`` would have it.
"""

from __future__ import annotations

import json
import os
import shutil

import pytest
from rich.cells import cell_len
from typer.testing import CliRunner

from topiccli.cli import app
from topiccli.render import doc_topics, run, sweep
from topiccli.render.tables import visible

from ..helpers import GOLDEN_DIR, SAMPLE

runner = CliRunner()
GOLDEN = GOLDEN_DIR
GOLDEN_WIDTHS = (60, 80, 120)
ENV = {"TOPICS_NUM_THREADS": "2"}
"""The footer names the engine's threads: pinned, so the goldens hold on any machine."""
LONG_LABELS = {
    "astronomy": "sci.space.astronomy.amateur",
    "cooking": "rec.food.cooking.recipes",
    "football": "rec.sport.football.european",
    "gardening": "rec.gardens.allotments",
    "medicine": "talk.politics.medicine.mideast",
    "music": "comp.os.ms-windows.music.misc",
}
"""Labels as long as 20 Newsgroups' (``talk.politics.mideast`` was cut to ``…mid…``)."""


class Captured:
    """One command's rendering, repeatable at any width, and its JSON document."""

    def __init__(self, render_at, document: dict, kind: str) -> None:
        self.render_at, self.document, self.kind = render_at, document, kind


def _capture(module, name: str, args: list[str]):
    """Run ``topics ARGS`` with a spy on ``module.name``: (the renderer, its arguments)."""
    calls = []
    original = getattr(module, name)

    def spy(*a, **kw):
        calls.append(a)
        return original(*a, **kw)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(module, name, spy)
        result = runner.invoke(app, [str(a) for a in args], env=ENV)
    assert result.exit_code == 0, result.stderr
    assert len(calls) == 1
    return original, calls[0]


def _fit(args: list[str]) -> Captured:
    render, (report, *_) = _capture(run, "render", args)
    document = json.loads(render(report, "json"))
    return Captured(lambda width: render(report, "table", width), document, "run")


def _sweep(args: list[str]) -> Captured:
    render, (document, *_) = _capture(sweep, "render_sweep", args)
    return Captured(lambda width: render(document, "table", width), document, "sweep")


def _infer(args: list[str]) -> Captured:
    render, (table, words, title, _, engine) = _capture(doc_topics, "infer_table", args)
    document = json.loads(doc_topics.infer_json(table, {"topics": [{"words": w} for w in words]}))
    return Captured(lambda width: render(table, words, title, width, engine), document, "infer")


@pytest.fixture(scope="module")
def captured(tmp_path_factory) -> dict[str, Captured]:
    """Every table command on the sample corpus, and nmf and svd on a copy with long labels."""
    work = tmp_path_factory.mktemp("tables")
    long = work / "long-labels"
    for folder in sorted(SAMPLE.iterdir()):
        if folder.is_dir():
            shutil.copytree(folder, long / LONG_LABELS[folder.name])
    bundle = work / "essays.model"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TOPICS_CACHE_DIR", str(work / "cache"))
        found = {
            "svd": _fit(["svd", "-i", SAMPLE, "--k", 6, "--docs", 1]),
            "nmf": _fit(["nmf", "-i", SAMPLE, "--k", 6, "--seeds", 2, "--save", bundle]),
            "sweep": _sweep(["sweep", "-i", SAMPLE, "--k", "2:12:2", "--seeds", 2, "--samples", 4]),
            "show": _fit(["show", bundle]),
            "infer": _infer(["infer", bundle, "-i", SAMPLE, "--glob", "0[12].txt"]),
            "vocabulary": _fit(["nmf", "-i", SAMPLE, "--k", 6, "--vocabulary"]),
            "nmf-long-labels": _fit(["nmf", "-i", long, "--k", 6, "--docs", 1]),
            "svd-long-labels": _fit(["svd", "-i", long, "--k", 6]),
        }
    return found


GOLDEN_COMMANDS = ("svd", "nmf", "sweep", "show", "infer", "vocabulary")


@pytest.mark.parametrize("width", GOLDEN_WIDTHS)
@pytest.mark.parametrize("command", GOLDEN_COMMANDS)
def test_golden_tables(captured, command, width):
    text = captured[command].render_at(width)
    golden = GOLDEN / f"{command}_{width}.txt"
    if os.environ.get("TOPICS_UPDATE_GOLDEN"):
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


def _words(captured: Captured) -> set[str]:
    """Every word a cell of the table shows, read from the JSON document."""
    doc, words = captured.document, set()
    if captured.kind == "sweep":
        closing = "Next:" if doc.get("advice") else "recommended"  # docs/advice.md
        return {str(entry["k"]) for entry in doc["results"]} | {closing}
    for topic in doc["topics"]:
        words.update(topic["words"][: doc.get("top_words", len(topic["words"]))])
        words.update(topic.get("negative_words") or ())
        if topic.get("label"):
            words.update(topic["label"].split())
        for chosen in topic.get("representative_docs") or ():
            words.add(chosen["id"])
    if captured.kind == "infer":
        words.update(entry["id"] for entry in doc["documents"])
    vocabulary = doc.get("vocabulary")
    if vocabulary:
        words.update(vocabulary["most_frequent"])
        words.update(vocabulary["stop_words_never_matched"][:20])
    return {visible(word) for word in words}


def _tokens(text: str) -> set[str]:
    """The whole words of a table's text: box drawing is a separator, as spaces are."""
    spaced = "".join(" " if "\u2500" <= ch <= "\u257f" else ch for ch in text)
    return set(spaced.split())


def test_every_word_of_every_cell_appears_whole_at_every_width(captured):
    lost = []
    for name, capture in captured.items():
        words = _words(capture)
        assert words, name
        for width in range(60, 141):
            text = capture.render_at(width)
            assert max(cell_len(line) for line in text.splitlines()) <= width, (name, width)
            rows = [line for line in text.splitlines() if line[:1] in "│┃"]
            assert not any("…" in row for row in rows), (name, width)  # (snippets end in …)
            missing = words - _tokens(text)
            if missing:
                lost.append((name, width, sorted(missing)[:5]))
    assert lost == []


def test_columns_that_do_not_fit_move_below_with_the_key_repeated(captured):
    narrow = captured["nmf-long-labels"].render_at(60)
    tables = narrow.count("┏")
    assert tables >= 2  # the label column moved to a table below the first
    assert narrow.count("┃ # ┃") == tables  # each repeats the topic number
    wide = captured["nmf-long-labels"].render_at(140)
    assert wide.count("┏") == 1


def test_a_word_wider_than_the_table_is_the_only_thing_ever_cut():
    from topiccli.render import console, text
    from topiccli.render.tables import Column, print_table

    out = console(60)
    long_word = "x" * 80
    print_table(out, None, [Column("#", wrap=False, key=True), Column("words")],
                [["0", f"short {long_word} tail"]])  # fmt: skip
    shown = text(out)
    assert max(cell_len(line) for line in shown.splitlines()) <= 60
    assert "short" in _tokens(shown) and "tail" in _tokens(shown)
    assert "".join(_tokens(shown) - {"0", "#", "words", "short", "tail"}) == long_word


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("esc\x1b]0;PWNED\x07\x1b[31mred", "esc\\x1b]0;PWNED\\x07\\x1b[31mred"),
        ("two\nlines\tand\rreturn", "two\\nlines\\tand\\rreturn"),
        ("c1 \x9b31m and del \x7f", "c1 \\x9b31m and del \\x7f"),
        (
            "\u202eevil \u2066isolate\u2069 \u2028sep",
            "\\u202eevil \\u2066isolate\\u2069 \\u2028sep",
        ),
        ("not-utf8-\udcff.txt", "not-utf8-\\xff.txt"),
        ("[/] [bold]café ✓ 漢字", "[/] [bold]café ✓ 漢字"),
    ],
)
def test_visible_escapes_what_a_terminal_would_act_on(raw, shown):
    from topiccli.render.tables import is_visible

    assert visible(raw) == shown
    assert is_visible(visible(raw))
