"""Assemble a page: the template with its CSS, JS and JSON data inlined (nothing fetched)."""

from __future__ import annotations

import html
import json
import re
from functools import cache
from importlib import resources

_ESCAPES = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}


def json_for_script(data) -> str:
    """JSON safe inside <script type="application/json">: no '<', '>' or '&' appears raw, so
    neither '</script>' nor '<!--' in a snippet can end or alter the block."""
    text = json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    for raw, escaped in _ESCAPES.items():
        text = text.replace(raw, escaped)
    return text


@cache
def _asset(name: str) -> str:
    return resources.files(__package__).joinpath(name).read_text(encoding="utf-8")


def build_page(kind: str, title: str, data: dict) -> str:
    """The page for ``kind`` ("explorer" or "sweep") showing ``data``."""
    parts = {
        "__TITLE__": html.escape(str(title)),
        "__KIND__": kind,
        "/*__CSS__*/": _asset("explorer.css"),
        "/*__JS__*/": (_asset("explorer.js") + "\n" + _asset("trends.js")).replace("</", "<\\/"),
        "__DATA__": json_for_script(data),
    }
    template = _asset("page.html")
    pattern = re.compile("|".join(re.escape(marker) for marker in parts))
    found = set(pattern.findall(template))
    if found != set(parts):
        raise RuntimeError(f"template markers missing: {sorted(set(parts) - found)}")
    # one pass over the template: an inserted value is never scanned for markers
    return pattern.sub(lambda match: parts[match.group(0)], template)
