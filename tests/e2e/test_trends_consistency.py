"""One story for the time and group analyses: the JSON report, ``--trends`` CSV, the table's
sparkline and group rows, the saved bundle (``topics show`` JSON and table), the fit's explorer
page (``--html``) and the bundle's (``topics explore``) show the same numbers. Each output is
read back as a user's program would (the CSV parsed, the table's text, the page's JSON block)."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

from topiccli.render.trends import sparkline

from ..trends_support import planted_run

KEYS = ("over_time", "by_group", "over_time_by_group")


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    return planted_run(str(tmp_path_factory.getbasetemp() / "planted-trends"))


def page_data(path) -> dict:
    text = path.read_text(encoding="utf-8")
    block = re.search(r'<script type="application/json" id="topics-data">(.*?)</script>', text,
                      re.S)  # fmt: skip
    return json.loads(block.group(1))


def test_the_bundle_reproduces_the_report(run):
    for key in KEYS:
        assert run["show_json"][key] == run["json"][key], key


@pytest.mark.parametrize("page", ["page", "model_page"])
def test_the_explorer_pages_hold_the_same_analyses(run, page):
    data = page_data(run[page])
    for key in KEYS:
        assert data[key] == run["json"][key], key


def test_the_csv_rows_are_the_reports_numbers(run):
    rows = list(csv.DictReader(io.StringIO(run["trends_csv"])))
    report = run["json"]
    time, groups = report["over_time"], report["by_group"]
    cross = report["over_time_by_group"]
    n_bins, n_groups, k = len(time["bins"]), len(groups["groups"]), len(report["topics"])
    kinds = [row["analysis"] for row in rows]
    assert kinds.count("time") == k * n_bins
    assert kinds.count("group") == k * n_groups
    assert kinds.count("time_group") == k * n_bins * n_groups
    for row in rows:
        t = int(row["topic"])
        if row["analysis"] == "time":
            i = [b["bin"] for b in time["bins"]].index(row["bin"])
            topic, documents = time["topics"][t], time["bins"][i]["documents"]
            at = (i,)
        elif row["analysis"] == "group":
            i = [g["group"] for g in groups["groups"]].index(row["group"])
            topic, documents = groups["topics"][t], groups["groups"][i]["documents"]
            at = (i,)
            assert row["zeta"].split() == [f"{z:.6g}" for z in topic["zeta"][i]]
        else:
            g, b = cross["groups"].index(row["group"]), cross["bins"].index(row["bin"])
            topic, documents = cross["topics"][t], cross["documents"][g][b]
            at = (g, b)
        assert int(row["documents"]) == documents
        for name in ("prevalence", "low", "high"):
            value = topic[name]
            for index in at:
                value = value[index]
            assert row[name] == ("" if value is None else f"{value:.6g}")
        assert int(row["topic_documents"]) == _at(topic["documents"], at)
        if "words" in topic:
            assert row["words"].split() == _at(topic["words"], at)


def test_every_analysis_has_its_words(run):
    """Words per bin, per group and per (group, bin) cell: the words are compared, not absent;
    a cell's words come from its documents (an empty cell has none)."""
    report = run["json"]
    cross = report["over_time_by_group"]
    for key in KEYS:
        assert all("words" in topic for topic in report[key]["topics"]), key
    for topic in cross["topics"]:
        cells = [(words, cross["documents"][g][b]) for g, row in enumerate(topic["words"])
                 for b, words in enumerate(row)]  # fmt: skip
        assert all(words == [] for words, documents in cells if documents == 0)
        assert sum(1 for words, _ in cells if words) > len(cells) // 2
    saved = json.loads((run["model"] / "analyses.json").read_text(encoding="utf-8"))
    assert saved["words"]["over_time_by_group"] == [t["words"] for t in cross["topics"]]


def _at(values, at):
    for index in at:
        values = values[index]
    return values


@pytest.mark.parametrize("table", ["table", "show_table"])
def test_the_table_draws_the_reports_numbers(run, table):
    text = run[table]
    report = run["json"]
    for topic in report["over_time"]["topics"]:
        known = [v for v in topic["prevalence"] if v is not None]
        line = (
            f"{topic['id']:>3} {sparkline(topic['prevalence'])} {min(known):.1%}–{max(known):.1%}"
        )
        assert line in text
    groups = report["by_group"]
    for topic in groups["topics"]:
        for g, entry in enumerate(groups["groups"]):
            cell = (f"{entry['group']} {topic['prevalence'][g]:.1%} "
                    f"[{topic['low'][g]:.1%}–{topic['high'][g]:.1%}] "
                    f"{' '.join(topic['words'][g][:3])}")  # fmt: skip
            assert cell in text
    cross = report["over_time_by_group"]  # one row per topic and group, on the topic's scale
    width = max(len(g) for g in cross["groups"])
    for topic in cross["topics"]:
        known = [v for row in topic["prevalence"] for v in row if v is not None]
        for g, group in enumerate(cross["groups"]):
            row = [v for v in topic["prevalence"][g] if v is not None]
            lead = f"{topic['id']:>3}" if g == 0 else "   "
            line = (f"{lead} {group:<{width}} "
                    f"{sparkline(topic['prevalence'][g], (min(known), max(known)))} "
                    f"{min(row):.1%}–{max(row):.1%}")  # fmt: skip
            assert line in text


def test_the_sparkline_has_its_peak_where_the_json_has_it(run):
    for topic in run["json"]["over_time"]["topics"]:
        values = topic["prevalence"]
        line = sparkline(values)
        assert line[values.index(max(v for v in values if v is not None))] == "█"


@pytest.mark.parametrize("document", ["json", "show_json"])
def test_the_reports_match_the_schema(run, document):
    from ..helpers import validate

    validate(run[document], "report")
