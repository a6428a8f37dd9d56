"""The explorer's topic hierarchy and names in a real browser (playwright + Debian's
/usr/bin/chromium, from file://): the dendrogram opens a topic, names appear everywhere, and the
page logs no error and requests nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from topiccli.cli import app

from ..helpers import SAMPLE

playwright_api = pytest.importorskip(
    "playwright.sync_api", reason="playwright is not installed (pip install playwright)"
)
CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.is_file():
    pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)", allow_module_level=True)
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update",
        "--disable-sync"]  # fmt: skip
NAME = "stars & planets"


def topics(*args) -> str:
    result = CliRunner().invoke(app, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.fixture(scope="module")
def page_path(tmp_path_factory) -> Path:
    """A saved model (k=6 on the essays) with topic 2 named, as ``topics explore`` draws it."""
    folder = tmp_path_factory.mktemp("tree-page")
    topics("nmf", "--input", SAMPLE, "--k", "6", "--save", folder / "model", "-q")
    topics("name", folder / "model", "2", NAME)
    topics("explore", folder / "model", "-o", folder / "page.html")
    return folder / "page.html"


@pytest.fixture(scope="module")
def browser():
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        browser.close()


def open_page(browser, path: Path):
    """(page, console and page errors, requests other than the page itself)."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    url, errors, requests = path.resolve().as_uri(), [], []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(f"page error: {e}"))
    page.on("request", lambda r: None if r.url == url or r.url.startswith("data:")
            else requests.append(r.url))  # fmt: skip
    page.goto(url)
    page.wait_for_selector("body[data-ready]", state="attached", timeout=10_000)
    return page, errors, requests


@pytest.fixture(scope="module")
def opened(browser, page_path):
    page, errors, requests = open_page(browser, page_path)
    yield page, errors, requests
    page.close()


def test_the_dendrogram_has_every_topic_and_opens_the_one_clicked(opened):
    page, errors, requests = opened
    leaves = page.locator("#dendrogram .dleaf")
    assert leaves.count() == 6
    assert sorted(int(v) for v in leaves.evaluate_all(
        "els => els.map(e => e.getAttribute('data-topic'))")) == list(range(6))  # fmt: skip
    assert page.locator("#dendrogram .links path").count() == 5  # k − 1 merges
    for topic in (4, 2, 0):
        page.click(f"#dendrogram .dleaf[data-topic='{topic}']")
        assert page.text_content("#topic-h").startswith(f"Topic {topic} ")
        assert page.get_attribute(f".map .topic[data-topic='{topic}']", "aria-pressed") == "true"
        assert page.get_attribute(f"#dendrogram .dleaf[data-topic='{topic}']",
                                  "aria-pressed") == "true"  # fmt: skip
    page.focus("#dendrogram .dleaf[data-topic='5']")
    page.keyboard.press("Enter")
    assert page.text_content("#topic-h").startswith("Topic 5 ")
    assert errors == [] and requests == []


def test_names_appear_and_automatic_ones_are_marked(opened):
    page, errors, requests = opened
    page.click(".map .topic[data-topic='2']")
    assert page.text_content("#topic-h .tname.user") == f" · {NAME}"
    assert NAME in page.text_content("#dendrogram .dleaf[data-topic='2'] text")
    assert NAME in page.get_attribute(".map .topic[data-topic='2']", "aria-label")
    page.click(".map .topic[data-topic='1']")
    auto = page.text_content("#topic-h .tname.auto")
    assert auto.startswith(" · [") and auto.endswith("(automatic name)")
    label = page.text_content("#dendrogram .dleaf[data-topic='1'] text")
    assert "[" in label and NAME not in label
    assert errors == [] and requests == []


def test_a_page_without_a_tree_still_works(browser, tmp_path):
    """k = 1 has no merges: no dendrogram panel, no error."""
    topics("nmf", "--input", SAMPLE, "--k", "1", "--html", tmp_path / "one.html", "-q")
    page, errors, requests = open_page(browser, tmp_path / "one.html")
    assert page.locator("#dendrogram").count() == 0
    assert page.locator(".map .topic").count() == 1
    assert errors == [] and requests == []
    page.close()


def test_a_seeded_model_shows_its_seed_words_and_names(browser, tmp_path):
    """Seed words (``--seed-words``) and names in the topic's heading, the map and the tree:
    a seeded topic named by the seed file, a seeded one without a name (its automatic name,
    marked), a free topic named by ``topics name``."""
    (tmp_path / "seeds.txt").write_text("space: planet star telescope\npatients blood fever\n",
                                        encoding="utf-8")  # fmt: skip
    topics("nmf", "--input", SAMPLE, "--k", "5", "--seed-words", tmp_path / "seeds.txt",
           "--save", tmp_path / "model", "--html", tmp_path / "fit.html", "-q")  # fmt: skip
    topics("name", tmp_path / "model", "3", NAME)
    topics("explore", tmp_path / "model", "-o", tmp_path / "model.html")
    for name, free in (("fit.html", None), ("model.html", NAME)):
        page, errors, requests = open_page(browser, tmp_path / name)
        page.click(".map .topic[data-topic='0']")
        assert page.text_content("#topic-h .tname.user") == " · space"
        assert page.text_content("#topic-h .seeds") == " · seeded: planet star telescope"
        assert "space" in page.get_attribute(".map .topic[data-topic='0']", "aria-label")
        page.click(".map .topic[data-topic='1']")
        assert page.text_content("#topic-h .tname.auto").endswith("(automatic name)")
        assert page.locator("#topic-h .tname.user").count() == 0
        assert page.text_content("#topic-h .seeds") == " · seeded: patients blood fever"
        page.click("#dendrogram .dleaf[data-topic='3']")
        assert page.locator("#topic-h .seeds").count() == 0  # a free topic
        if free:
            assert page.text_content("#topic-h .tname.user") == f" · {free}"
            assert free in page.text_content("#dendrogram .dleaf[data-topic='3'] text")
        else:
            assert page.locator("#topic-h .tname.auto").count() == 1
        assert errors == [] and requests == []
        page.close()
