"""The explorer pages in a real browser: Debian's Chromium driven by playwright, launched for
the ``browser`` fixture (tests/render/conftest.py), and ``Opened``, a page loaded from file://
that records console errors, page errors and every request. Importing this module skips the
importing test module when playwright or /usr/bin/chromium is missing (never a downloaded
browser)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

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


def launched():
    """Chromium launched headless from /usr/bin/chromium, closed after use (a generator, for
    the ``browser`` fixture of tests/render/conftest.py)."""
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        browser.close()


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
