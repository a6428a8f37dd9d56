"""The explorer page in a real browser (playwright + Debian's /usr/bin/chromium), from file://."""

from __future__ import annotations

import json

import numpy as np
import pytest

from topiccli.explorer import explorer_html, page_data, sweep_html

from .browser_support import Opened
from .explorer_support import direct_order, fitted


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    """The essays' NMF and SVD pages and a sweep page, written once for the module."""
    folder = tmp_path_factory.mktemp("explorer")
    out = {}
    for method in ("nmf", "svd"):
        report, inp = fitted(method)
        path = folder / f"essays-{method}.html"
        path.write_text(explorer_html(inp), encoding="utf-8")
        out[method] = (path, report, page_data(inp))
    rows = ((2, -0.19, 0.52, 0.40), (4, 0.24, 0.82, 0.62), (6, 0.39, 0.97, 0.69),
            (8, 0.31, 0.82, 0.66))  # fmt: skip
    results = [{"k": k, "coherence_npmi": c, "diversity": 1.0, "label_nmi": n,
                "relative_reconstruction_error": 0.9, "stability": 1.0, "score": s}
               for k, c, n, s in rows]  # fmt: skip
    sweep = {"method": "nmf", "ks": [2, 4, 6, 8], "seeds": 1, "recommended_k": 6,
             "corpus": {"n_documents": 72, "n_terms": 3301}, "rule": "highest score",
             "results": results}  # fmt: skip
    path = folder / "sweep.html"
    path.write_text(sweep_html(sweep), encoding="utf-8")
    out["sweep"] = (path, None, None)
    return out


@pytest.fixture
def opened(browser):
    made = []

    def open_(path, width=1280):
        made.append(Opened(browser, path, width))
        return made[-1]

    yield open_
    for o in made:
        o.close()


def test_nmf_page_loads_offline_and_draws_k_circles(opened, pages):
    path, _, data = pages["nmf"]
    o = opened(path)
    assert o.page.locator("svg.map g.topic").count() == data["k"] == 6
    assert o.page.locator("svg.map .labels text").all_text_contents() != []
    assert sorted(o.page.locator("svg.map .labels text").all_text_contents()) == list("012345")
    assert len(o.terms()) == 30
    o.shot("essays-nmf.png")
    o.clean()


def test_click_and_enter_on_a_topic_change_the_bars(opened, pages):
    path, _, data = pages["nmf"]
    o = opened(path)
    first = o.terms()
    o.page.locator("svg.map g.topic[data-topic='2'] circle.body").click()
    after_click = o.terms()
    assert after_click != first
    assert o.page.locator("#topic-h").text_content().startswith("Topic 2 ")
    o.page.locator("svg.map g.topic[data-topic='4']").focus()
    o.page.keyboard.press("Enter")
    after_enter = o.terms()
    assert after_enter not in (first, after_click)
    assert o.page.locator("svg.map g.topic[data-topic='4']").get_attribute("aria-pressed") == "true"
    o.page.locator("svg.map g.topic[data-topic='1']").focus()
    o.page.keyboard.press(" ")
    assert o.page.locator("#topic-h").text_content().startswith("Topic 1 ")
    o.clean()


@pytest.mark.parametrize("method", ["nmf", "svd"])
def test_lambda_reorders_the_terms_as_python_ranks_them(opened, pages, method):
    path, report, data = pages[method]
    o = opened(path)
    pole = "topic" if method == "nmf" else "positive"
    for topic in (0, 3):
        o.page.locator(f"svg.map g.topic[data-topic='{topic}']").focus()
        o.page.keyboard.press("Enter")
        seen = []
        for lam in (0.0, 0.6, 1.0, 0.3):
            o.set_lambda(lam)
            assert o.page.locator("#lambda-value").text_content() == f"{lam:.2f}"
            shown = o.terms(pole)
            assert shown == direct_order(report, topic, lam, 30, pole), (topic, lam)
            seen.append(shown)
        assert seen[0] != seen[2]  # λ matters on this corpus
    o.clean()


def test_svd_page_shows_both_poles(opened, pages):
    path, report, data = pages["svd"]
    o = opened(path)
    with_both = next(t["id"] for t in data["topics"] if t["poles"][1]["terms"])
    o.page.locator(f"svg.map g.topic[data-topic='{with_both}'] circle.body").click()
    positive, negative = o.terms("positive"), o.terms("negative")
    assert positive and negative and not set(positive) & set(negative)
    assert negative == direct_order(report, with_both, 0.6, 30, "negative")
    text = o.page.locator("#topic-panel").inner_text()
    assert "Positive pole" in text and "Negative pole" in text
    assert "largest loading is positive" in text
    assert o.page.locator("svg.map g.topic").count() == 6
    o.shot("essays-svd.png")
    o.clean()


def test_keyboard_alone_reaches_and_selects_a_topic(opened, pages):
    path, _, _ = pages["nmf"]
    o = opened(path)
    for _ in range(10):
        o.page.keyboard.press("Tab")
        if o.page.evaluate("document.activeElement.classList.contains('topic')"):
            break
    else:
        pytest.fail("Tab never reached a topic")
    focused = o.page.evaluate("document.activeElement.getAttribute('data-topic')")
    assert o.page.locator(".tip").is_visible()  # focus shows the top words
    o.page.keyboard.press("Tab")  # the next topic
    nxt = o.page.evaluate("document.activeElement.getAttribute('data-topic')")
    assert nxt is not None and nxt != focused
    o.page.keyboard.press("Enter")
    assert o.page.locator(f"g.topic[data-topic='{nxt}']").get_attribute("aria-pressed") == "true"
    assert o.page.locator("#topic-h").text_content().startswith(f"Topic {nxt} ")
    # the slider and the terms are reachable and operable too
    o.page.locator("#lambda").focus()
    o.page.keyboard.press("ArrowLeft")
    assert o.page.locator("#lambda-value").text_content() == "0.59"
    o.page.locator("#poles .term").first.focus()
    o.page.keyboard.press("Enter")
    assert o.page.locator("svg.map g.topic.has-term").count() >= 1
    assert "circles now sized by p(term|topic)" in o.page.locator("#term-note").text_content()
    o.clean()


def test_narrow_window_stacks_the_panels(opened, pages):
    path, _, _ = pages["nmf"]
    o = opened(path, width=480)
    width = o.page.evaluate("document.documentElement.scrollWidth")
    assert width <= 480
    map_box = o.page.locator("svg.map").bounding_box()
    topic_box = o.page.locator("#topic-panel").bounding_box()
    assert topic_box["y"] > map_box["y"] + map_box["height"]  # stacked, not side by side
    o.clean()


def test_sweep_page_marks_the_recommended_k(opened, pages):
    path, _, _ = pages["sweep"]
    o = opened(path)
    assert "recommended k=6" in o.page.locator("svg.chart").text_content()
    row = o.page.locator("#sweep-table tr.recommended")
    assert row.count() == 1 and "★ recommended" in row.inner_text()
    o.shot("sweep.png")
    o.clean()


@pytest.mark.newsgroups
def test_twenty_newsgroups_page(opened, newsgroups_home, tmp_path):
    report, inp = fitted("nmf", 20, "all", str(newsgroups_home))
    path = tmp_path / "20ng.html"
    path.write_text(explorer_html(inp), encoding="utf-8")
    o = opened(path)
    assert o.page.locator("svg.map g.topic").count() == 20
    o.set_lambda(0.0)
    assert o.terms() == direct_order(report, 0, 0.0)
    o.shot("20ng-nmf.png")  # into build/artifacts (gitignored): never commit 20NG pages
    o.clean()


def test_the_page_data_is_what_python_built(opened, pages):
    path, _, data = pages["nmf"]
    o = opened(path)
    shipped = o.page.evaluate("JSON.parse(document.getElementById('topics-data').textContent)")
    assert shipped == json.loads(json.dumps(data))
    o.clean()


# ----------------------------------------------------------------------------- one story, legibly

NEWSGROUP_LIKE = ["alt.atheism", "comp.os.ms-windows.misc", "comp.sys.ibm.pc.hardware",
                  "misc.forsale", "rec.sport.hockey", "sci.electronics", "soc.religion.christian",
                  "talk.politics.mideast", "talk.politics.misc", "talk.religion.misc"]  # fmt: skip


def crowded_input(**changes):
    """12 topics, 7 of them near-duplicates (their circles pile up on one spot of the map),
    documents labelled with long dotted names."""
    from topiccli.explorer import ExplorerInput

    rng = np.random.default_rng(3)
    k, n, m = 12, 60, 240
    comps = rng.random((k, n)) ** 4
    comps[:7] = comps[0] + 1e-3 * rng.random((7, n))
    fields = dict(
        method="nmf", components=comps, doc_topics=rng.random((m, k)) ** 2,
        terms=[f"term{i}" for i in range(n)], term_frequency=rng.random(n) + 0.1,
        topic_weights=list(np.linspace(2.0, 1.0, k) / np.linspace(2.0, 1.0, k).sum()),
        doc_ids=[f"doc-{i}" for i in range(m)],
        doc_labels=[NEWSGROUP_LIKE[i % len(NEWSGROUP_LIKE)] for i in range(m)],
        snippets=None, quality=[{"narrow": t == 3, "effective_documents": 2.4 if t == 3 else 30.0}
                 for t in range(k)], metrics={},
        title="crowded", texts_note="The texts were left out (a test).",
    )  # fmt: skip
    fields.update(changes)
    return ExplorerInput(**fields)


def _boxes(o, selector: str) -> list[dict]:
    return o.page.eval_on_selector_all(
        selector, "els => els.map(e => { const b = e.getBoundingClientRect(); "
        "return {t: e.textContent, x: b.left, y: b.top, w: b.width, h: b.height}; })")  # fmt: skip


def _overlaps(boxes: list[dict]) -> list[tuple[str, str]]:
    out = []
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            across = min(a["x"] + a["w"], b["x"] + b["w"]) - max(a["x"], b["x"])
            down = min(a["y"] + a["h"], b["y"] + b["h"]) - max(a["y"], b["y"])
            if across > 0.5 and down > 0.5:
                out.append((a["t"], b["t"]))
    return out


@pytest.fixture(scope="module")
def crowded_page(tmp_path_factory):
    from topiccli.explorer import explorer_html

    path = tmp_path_factory.mktemp("crowded") / "crowded.html"
    path.write_text(explorer_html(crowded_input()), encoding="utf-8")
    return path


def test_overlapping_circles_keep_their_numbers_apart(opened, crowded_page):
    o = opened(crowded_page)
    circles = _boxes(o, "svg.map g.topic circle.body")
    assert _overlaps(circles), "the input must pile circles up, or the test shows nothing"
    labels = _boxes(o, "svg.map .labels text")
    assert sorted(int(b["t"]) for b in labels) == list(range(12))
    assert _overlaps(labels) == []
    moved = o.page.locator("svg.map .labels text.moved").count()
    assert moved >= 1 and o.page.locator("svg.map .leaders line").count() == moved
    # still apart when a topic is selected (its number is drawn larger)
    for topic in (0, 5, 11):
        o.page.locator(f"svg.map g.topic[data-topic='{topic}']").focus()
        o.page.keyboard.press("Enter")
        assert _overlaps(_boxes(o, "svg.map .labels text")) == []
    o.shot("crowded-map.png")
    o.clean()


WORDS_UNBROKEN = """() => {
  // every piece of a header between break opportunities (<wbr>) sits on one line
  const broken = [];
  document.querySelectorAll("#label-table thead th").forEach(th => {
    th.childNodes.forEach(node => {
      if (node.nodeType !== Node.TEXT_NODE || !node.textContent.trim()) return;
      const range = document.createRange();
      range.selectNodeContents(node);
      const lines = new Set(Array.from(range.getClientRects()).map(r => Math.round(r.top)));
      if (lines.size > 1) broken.push(node.textContent);
    });
  });
  return broken;
}"""


@pytest.mark.parametrize("width", [480, 900, 1280])
def test_label_table_wraps_words_not_letters(opened, crowded_page, width):
    o = opened(crowded_page, width=width)
    headers = o.page.locator("#label-table thead th").all_text_contents()
    assert headers[1:-1] == sorted(NEWSGROUP_LIKE)  # the names whole, as text
    assert o.page.evaluate(WORDS_UNBROKEN) == []
    # the row headers, count bars and term lists never break inside a word either
    assert o.page.eval_on_selector_all(
        "#label-table tbody th, #doc-counts .hbar span:first-child",
        "els => els.filter(e => e.getClientRects().length && e.scrollHeight > "
        "1.6 * parseFloat(getComputedStyle(e).lineHeight || 20)).map(e => e.textContent)",
    ) == []  # fmt: skip
    o.clean()


def test_badges_counts_and_label_panel_tell_one_story(opened, pages):
    """On the SVD page (where signed weights once made them differ): every topic's badge, its
    bar under "How documents divide" and its label panel give the page data's story."""
    path, report, data = pages["svd"]
    o = opened(path)
    counts = o.page.locator("#doc-counts .hbar .n").all_text_contents()
    assert [int(c) for c in counts] == [t["story"]["n_documents"] for t in data["topics"]]
    for t in data["topics"]:
        story = t["story"]
        o.page.locator(f"svg.map g.topic[data-topic='{t['id']}']").focus()
        o.page.keyboard.press("Enter")
        assert o.page.locator("#topic-h").text_content().startswith(f"Topic {t['id']} ")
        badge = o.page.locator("#badges [data-field='n_documents']").text_content()
        assert badge.startswith(f"{story['n_documents']} document")
        quality = report.topics[t["id"]].quality
        assert story["n_documents"] == quality["n_documents"]
        if story["label"] is not None:
            assert story["label"] == quality["label"]
            lead = o.page.locator("#label-align p").first.text_content()
            assert lead.startswith(f"Dominant label: {story['label']} (")
            first_bar = o.page.locator("#label-align .hbar .word").first.text_content()
            assert first_bar == story["label"]  # the largest bar is the dominant label
        flags = o.page.locator("#badges .badge.flag").all_text_contents()
        assert [f.split(":")[0].lstrip("⚠ ") for f in flags] == story["flags"]
    o.clean()


def test_page_says_why_texts_are_absent_and_which_language(opened, tmp_path):
    from topiccli.explorer import explorer_html

    path = tmp_path / "note.html"
    quality = [{"narrow": t in (3, 4), "effective_documents": 2.4 if t == 3 else 30.0,
                **({"shared_content": 1.08} if t == 4 else {})} for t in range(12)]  # fmt: skip
    path.write_text(explorer_html(crowded_input(language={"code": "de", "shares":
                                                          {"de": 0.8, "en": 0.2}},
                                                quality=quality)),
                    encoding="utf-8")  # fmt: skip
    o = opened(path)
    assert o.page.locator("#texts-note").text_content() == "The texts were left out (a test)."
    assert "(text not stored: see above)" in o.page.locator("#docs").inner_text()
    assert (
        "language assumed: de (mixed: de 80%, en 20%)" in o.page.locator("#subtitle").text_content()
    )
    assert "narrow: carried by a handful of documents" not in o.page.locator("#badges").inner_text()
    o.page.locator("svg.map g.topic[data-topic='3']").focus()
    o.page.keyboard.press("Enter")
    badges = o.page.locator("#badges").inner_text()
    assert "⚠ narrow: carried by a handful of documents (its weight comes from ≈ 2.4" in badges
    o.page.locator("svg.map g.topic[data-topic='4']").focus()
    o.page.keyboard.press("Enter")
    badges = o.page.locator("#badges").inner_text()  # a block-led topic: what its documents share
    assert "(a block of repeated words; its documents share 1.08× what random" in badges
    assert "its weight comes from" not in badges
    o.clean()


def _sweep(advice=None, within_noise=(), criterion="agreement", recommended=6):
    rows = []
    for k, agreement, spread in ((2, 0.52, 0.05), (3, 0.61, 0.04), (4, 0.70, 0.03),
                                 (5, 0.74, 0.02), (6, 0.75, 0.02), (7, 0.71, 0.06),
                                 (8, 0.60, 0.05)):  # fmt: skip
        rows.append({"k": k, "agreement": agreement, "agreement_std": spread,
                     "coherence_npmi": 0.1, "diversity": 0.9, "label_nmi": None,
                     "relative_reconstruction_error": 0.9, "stability": None,
                     "score": 1.0 - agreement})  # fmt: skip
    sweep = {"method": "nmf", "ks": [r["k"] for r in rows], "seeds": 1, "criterion": criterion,
             "recommended_k": recommended, "within_noise": list(within_noise),
             "corpus": {"n_documents": 500, "n_terms": 900}, "rule": "highest agreement",
             "results": rows}  # fmt: skip
    if advice is not None:
        sweep["advice"] = advice
    return sweep


def test_sweep_page_plots_agreement_with_its_spread_range_and_noise(opened, tmp_path):
    advice = {"verdict": "range", "k_range": [5, 7], "criterion": "agreement",
              "evidence": "k = 5 to 7 agree within their spread.",
              "next": "Choose by the granularity you need: topics nmf --k 5 …"}  # fmt: skip
    path = tmp_path / "sweep.html"
    path.write_text(sweep_html(_sweep(advice, within_noise=[5, 7])), encoding="utf-8")
    o = opened(path)
    chart = o.page.locator("svg.chart")
    assert chart.get_attribute("data-field") == "agreement"
    assert o.page.locator("#score-h").text_content().startswith("Agreement by k")
    # the points sit in agreement's order (score runs the other way in this sweep)
    tops = {int(k): y for k, y in o.page.eval_on_selector_all(
        "svg.chart .pt", "els => els.map(e => [e.getAttribute('data-k'), "
        "e.getBoundingClientRect().top])")}  # fmt: skip
    assert sorted(tops, key=tops.get)[0] == 6 and sorted(tops, key=tops.get)[-1] == 2
    assert o.page.locator("svg.chart line.err[data-k]").count() == 7  # ± spread at every k
    assert o.page.locator("svg.chart rect.range").count() == 1
    noise = o.page.eval_on_selector_all(
        "svg.chart .pt.noise", "els => els.map(e => e.getAttribute('data-k'))"
    )
    assert sorted(int(k) for k in noise) == [5, 7]
    assert o.page.locator("#verdict").text_content() == "Plausible k: 5 to 7."
    assert "granularity" in o.page.locator("#next").text_content()
    assert "k = 5, 7" in o.page.locator("#noise-note").text_content()
    assert "≈ within noise" in o.page.locator("#sweep-table tr[data-k='7']").inner_text()
    assert "★ recommended" in o.page.locator("#sweep-table tr.recommended").inner_text()
    headers = o.page.locator("#sweep-table thead th").all_text_contents()
    assert headers[:3] == ["k", "agreement", "agreement std"] and "score" not in headers
    o.shot("sweep-advice.png")
    o.clean()


def test_sweep_page_says_no_clear_k_and_falls_back_without_advice(opened, tmp_path):
    flat = {"verdict": "no_clear_k", "k_range": None, "criterion": "agreement",
            "evidence": "the curve is flat", "next": "look at the topics of a few k"}  # fmt: skip
    path = tmp_path / "flat.html"
    path.write_text(sweep_html(_sweep(flat)), encoding="utf-8")
    o = opened(path)
    assert o.page.locator("#verdict").text_content().startswith("No clear k")
    assert o.page.locator("svg.chart rect.range").count() == 0
    o.clean()
    path = tmp_path / "old.html"  # a sweep report from before advice: the recommended k
    path.write_text(sweep_html(_sweep(None, within_noise=[5])), encoding="utf-8")
    o = opened(path)
    assert o.page.locator("#verdict").text_content() == "Recommended k = 6."
    assert o.page.locator("svg.chart .pt.noise").count() == 1
    o.clean()
