"""Fixtures of the render tests."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def browser():
    """Chromium for the test module; a module that uses it imports browser_support, which skips
    it when playwright or /usr/bin/chromium is missing."""
    from .browser_support import launched

    yield from launched()
