"""The explorer page in a real browser (playwright + Debian's /usr/bin/chromium), from file://."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from topiccli.explorer import explorer_html, page_data, sweep_html

from .explorer_support import direct_order, fitted

playwright_api = pytest.importorskip(
    "playwright.sync_api", reason="playwright is not installed (pip install playwright)"
)
CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.is_file():
    pytest.skip(
        f"{CHROMIUM} is missing (apt-get install chromium); the browser tests use the system "
        "browser, never a downloaded one",
        allow_module_level=True,
    )

ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",  # without these Chromium calls Google's hosts
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(os.environ.get("TOPICS_ARTIFACTS", "build/artifacts"))
TERMS = "#poles ol.terms[data-pole='{pole}'] .term .word"


@pytest.fixture(scope="module")
def browser():
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        browser.close()


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


class Opened:
    """A page loaded from file://, recording console errors, page errors and every request."""

    def __init__(self, browser, path: Path, width: int = 1280):
        self.url = path.resolve().as_uri()
        self.page = browser.new_page(viewport={"width": width, "height": 900})
        self.errors, self.requests = [], []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(f"page error: {e}"))
        self.page.on("request", self._request)
        self.page.goto(self.url)
        self.page.wait_for_selector("body[data-ready]", state="attached", timeout=10_000)

    def _request(self, request):
        if request.url != self.url and not request.url.startswith("data:"):
            self.requests.append(request.url)

    def terms(self, pole: str = "topic") -> list[str]:
        return self.page.locator(TERMS.format(pole=pole)).all_text_contents()

    def set_lambda(self, value: float) -> None:
        self.page.eval_on_selector(
            "#lambda",
            """(el, v) => { el.value = String(v);
                el.dispatchEvent(new Event('input', {bubbles: true}));
                el.dispatchEvent(new Event('change', {bubbles: true})); }""",
            value,
        )

    def clean(self) -> None:
        assert self.errors == []
        assert self.requests == []

    def shot(self, name: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        target = ARTIFACTS / name
        self.page.screenshot(path=str(target), full_page=True)
        return target

    def close(self):
        self.page.close()


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
    assert sorted(o.page.locator("svg.map .labels text").all_text_contents()) == list("123456")
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
    assert o.page.locator("#topic-h").text_content().startswith("Topic 3 ")
    o.page.locator("svg.map g.topic[data-topic='4']").focus()
    o.page.keyboard.press("Enter")
    after_enter = o.terms()
    assert after_enter not in (first, after_click)
    assert o.page.locator("svg.map g.topic[data-topic='4']").get_attribute("aria-pressed") == "true"
    o.page.locator("svg.map g.topic[data-topic='1']").focus()
    o.page.keyboard.press(" ")
    assert o.page.locator("#topic-h").text_content().startswith("Topic 2 ")
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
    assert o.page.locator("#topic-h").text_content().startswith(f"Topic {int(nxt) + 1} ")
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
