"""mkdocs hooks: pages that are other files of the repository, included when the site is built.

A page holding ``<!-- include: PATH -->`` (PATH relative to the repository) gets that file's
text in its place, so the README (the home page) and bench/RESULTS.md (the benchmarks page)
are never copied by hand. Links the README makes into ``docs/`` are rewritten to be relative
to the including page, and its image and file links outside docs/ are left as text.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
INCLUDE = re.compile(r"^<!-- include: (?P<path>[^ ]+) -->$", re.MULTILINE)
DOCS_LINK = re.compile(r"\]\(docs/(?P<target>[^)]*)\)")


def included(path: str, page_dir: str) -> str:
    """The file's text, its ``docs/…`` links made relative to the including page's folder."""
    text = (ROOT / path).read_text(encoding="utf-8")
    prefix = "../" * len(Path(page_dir).parts)
    return DOCS_LINK.sub(lambda m: f"]({prefix}{m.group('target')})", text)


def on_page_markdown(markdown: str, page, config, files) -> str:
    parent = Path(page.file.src_uri).parent
    page_dir = "" if str(parent) == "." else str(parent)
    return INCLUDE.sub(lambda m: included(m.group("path"), page_dir), markdown)
