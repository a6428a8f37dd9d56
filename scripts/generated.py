"""The tail every generator of a docs page shares: write the page, or with ``--check`` say that
it is stale (exit 1). Used by cli_reference.py, api_reference.py and schema_table.py."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def write_or_check(target: Path, text: str, check: bool, script: str) -> int:
    """Write ``text`` to ``target``; with ``check``, only compare (1 and a line when stale)."""
    if check:
        current = target.read_text(encoding="utf-8") if target.exists() else ""
        if current != text:
            print(f"{target.relative_to(ROOT)} is stale: run python scripts/{script}",
                  file=sys.stderr)  # fmt: skip
            return 1
        return 0
    target.write_text(text, encoding="utf-8")
    return 0
