"""The parts of a 20 Newsgroups post that ``remove`` takes away: header, footer, quotes.

scikit-learn's loader defines them, and every published figure on the dataset (the
tutorial's 2,034 × 26,576 matrix among them) depends on its exact rules, so these functions
follow them to the character: a test compares them with scikit-learn's own on every post of
the archive. They live here because importing scikit-learn to reach its three functions cost
about 0.9 s of every 20 Newsgroups command (reading the cache itself takes 0.2 s).

* the header ends at the first blank line;
* the footer (a signature) starts at the last line that is blank or made of hyphens, blank
  lines at the very end disregarded;
* a quoting line is one that says someone wrote (``writes:``, ``wrote:``, ``said:``…), starts
  an attribution (``In article``, ``Quoted from``) or starts with ``>`` or ``|``.
"""

from __future__ import annotations

import re

_QUOTING = re.compile(r"writes in|writes:|wrote:|says:|said:|^In article|^Quoted from|^\||^>")


def without_header(text: str) -> str:
    """The text after its first blank line ("" when it has none: all header)."""
    return text.partition("\n\n")[2]


def without_footer(text: str) -> str:
    """The text before its last separator line (blank, or hyphens only) once trailing blank
    lines are set aside; the text unchanged when no line but the first is a separator."""
    lines = text.strip().split("\n")
    separators = [i for i, line in enumerate(lines) if not line.strip().strip("-")]
    last = separators[-1] if separators else 0
    return "\n".join(lines[:last]) if last > 0 else text


def without_quotes(text: str) -> str:
    """The text without its quoting lines (see the module)."""
    return "\n".join(line for line in text.split("\n") if _QUOTING.search(line) is None)


STRIPPERS = {"headers": without_header, "footers": without_footer, "quotes": without_quotes}
"""Each removable part's function, applied in the order of ``REMOVABLE``."""
