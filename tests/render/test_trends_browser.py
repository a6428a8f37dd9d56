"""The explorer's time chart and group table in Chromium (as tests/render/test_explorer_browser.py):
the chart moves with the bin slider and the words follow the bin, selecting a topic redraws
both, and the page logs no console error and requests nothing."""

from __future__ import annotations

import json
import re

import pytest

from ..trends_support import planted_run
from .browser_support import Opened


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    return planted_run(str(tmp_path_factory.getbasetemp() / "planted-trends"))


def slide(o: Opened, value: int) -> None:
    o.page.eval_on_selector(
        "#time-bin",
        """(el, v) => { el.value = String(v);
            el.dispatchEvent(new Event('input', {bubbles: true}));
            el.dispatchEvent(new Event('change', {bubbles: true})); }""",
        value,
    )


def marker_x(o: Opened) -> float:
    return float(o.page.get_attribute("#time-marker", "x1"))


@pytest.mark.parametrize("page", ["page", "model_page"])
def test_the_time_chart_moves_with_the_slider(browser, run, page):  # noqa: F811
    o = Opened(browser, run[page])
    try:
        o.page.wait_for_selector("body[data-trends-ready]", state="attached", timeout=10_000)
        report = run["json"]["over_time"]
        bins = report["bins"]
        assert o.page.locator("#time-chart polyline.trend").count() == 1
        slide(o, 0)
        first_x, first_words = marker_x(o), o.page.text_content("#time-words")
        assert first_words == "Words in " + bins[0]["bin"] + ": " + " ".join(
            report["topics"][0]["words"][0]
        )
        last = len(bins) - 1
        slide(o, last)
        assert marker_x(o) > first_x
        words = o.page.text_content("#time-words")
        assert words == "Words in " + bins[last]["bin"] + ": " + " ".join(
            report["topics"][0]["words"][last]
        )
        shown = o.page.text_content("#time-bin-value")
        value = report["topics"][0]["prevalence"][last]
        assert shown.startswith(bins[last]["bin"]) and f"{100 * value:.1f}%" in shown
        line = o.page.get_attribute("#time-chart polyline.trend", "points")
        o.page.locator("svg.map g.topic[data-topic='2'] circle.body").click()
        assert o.page.get_attribute("#time-chart polyline.trend", "data-topic") == "2"
        assert o.page.get_attribute("#time-chart polyline.trend", "points") != line
        auto = o.page.text_content("#time-h .tname.auto")  # the names follow the topic
        assert o.page.text_content("#time-h") == "Topic 2 over time" + auto
        assert auto == " · [" + run["json"]["topics"][2]["auto_name"] + "] (automatic name)"
        assert o.page.text_content("#group-h .tname.auto") == auto
        rows = o.page.locator("#group-table tbody tr").all_text_contents()
        groups = run["json"]["by_group"]
        assert len(rows) == len(groups["groups"])
        assert " ".join(groups["topics"][2]["words"][0]) in rows[0]
        o.clean()
    finally:
        o.close()


@pytest.mark.parametrize("page", ["page", "model_page"])
def test_the_group_lines_over_time_follow_the_slider_and_the_topic(browser, run, page):  # noqa: F811
    """Over time and by group together: one line per group, the slider's bin marked, and per
    group that bin's documents, prevalence and words, as the JSON's over_time_by_group."""
    o = Opened(browser, run[page])
    try:
        o.page.wait_for_selector("body[data-trends-ready]", state="attached", timeout=10_000)
        cross = run["json"]["over_time_by_group"]
        assert o.page.locator("#cross-chart polyline.cross").count() >= len(cross["groups"])
        for topic, b in ((0, 0), (0, len(cross["bins"]) - 1), (3, 5)):
            if topic:
                o.page.locator(f"svg.map g.topic[data-topic='{topic}'] circle.body").click()
            slide(o, b)
            t = cross["topics"][topic]
            heading = o.page.text_content("#cross-h")
            assert heading.startswith(f"Topic {topic} over time by group · {cross['bins'][b]}")
            assert "(automatic name)" in heading
            rows = o.page.locator("#cross-table tbody tr")
            assert rows.count() == len(cross["groups"])
            for g, group in enumerate(cross["groups"]):
                cells = rows.nth(g).locator("td").all_text_contents()
                assert cells[0] == group
                assert cells[1] == str(cross["documents"][g][b])
                value = t["prevalence"][g][b]
                assert cells[2] == ("—" if value is None else f"{100 * value:.1f}%")
                assert cells[4] == " ".join(t["words"][g][b])
        marker = float(o.page.get_attribute("#cross-marker", "x1"))
        slide(o, 0)
        assert float(o.page.get_attribute("#cross-marker", "x1")) < marker
        o.clean()
    finally:
        o.close()


def test_the_page_without_analyses_draws_no_time_panel(browser, tmp_path):  # noqa: F811
    from topiccli.explorer import explorer_html

    from .explorer_support import fitted

    _, inp = fitted("nmf")
    path = tmp_path / "plain.html"
    path.write_text(explorer_html(inp), encoding="utf-8")
    o = Opened(browser, path)
    try:
        assert o.page.locator("#time-panel").count() == 0
        assert o.page.locator("#group-panel").count() == 0
        assert o.page.locator("#cross-panel").count() == 0
        data = json.loads(re.search(r'id="topics-data">(.*?)</script>',
                                    path.read_text(encoding="utf-8"), re.S).group(1))  # fmt: skip
        assert "over_time" not in data
        o.clean()
    finally:
        o.close()
