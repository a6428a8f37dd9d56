"""The one place untrusted text becomes terminal output, and tables laid out to fit a width.

Untrusted text (document ids, labels, terms, snippets, stop words, titles naming files) is
never parsed as rich markup or emoji codes: every cell and line is a ``rich.text.Text`` made by
:func:`cell`, and the console (``render.console``) has markup and emoji off as well. Control
characters and the Unicode controls that reorder or break a line are shown visibly, as Python
escapes (``\\x1b``, ``\\n``, ``\\u202e``): a terminal never receives an escape sequence from
the data (:func:`visible`).

A table fits ``width`` without losing a character (:func:`print_table`):

* each column's narrowest width is its longest word (numbers and other ``wrap=False`` cells
  whole), or its ``comfort`` width when that is wider and the content needs it;
* if the columns' narrowest widths add up to more than the width, the columns of lowest
  ``priority`` move to a table printed below, which repeats the ``key`` columns (``#``, ``k``)
  so its rows read against the first; that table is fitted the same way;
* space left over goes to the columns whose content is wider than their narrowest width;
* every width is set on the column, so rich never squeezes one: cells wrap at spaces, and a
  word is cut only when it alone is wider than the whole table allows.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

BORDER = 3
"""Columns of a table's frame per column: padding either side and one rule (plus 1 in all)."""

_BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_UNSAFE = re.compile(rf"[\x00-\x1f\x7f-\x9f\u2028\u2029{_BIDI}]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def visible(value: object) -> str:
    """``value`` as text a terminal shows as it is: control characters (C0, DEL, C1), the
    line and paragraph separators and the bidirectional controls as Python escapes; text
    that cannot be encoded (lone surrogates from undecodable file names) as ``\\udcff``."""
    text = str(value)
    if any(0xD800 <= ord(ch) <= 0xDFFF for ch in text):
        text = text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return _UNSAFE.sub(_escape, text)


def _escape(match: re.Match) -> str:
    ch = match.group()
    if ch in _NAMED:
        return _NAMED[ch]
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def cell(value: object, style: str | None = None):
    """A rich ``Text`` of ``value`` made visible (:func:`visible`): never markup, never emoji."""
    from rich.text import Text

    return Text(visible(value), style=style or "")


@dataclass(frozen=True)
class Column:
    """One column of a fitted table."""

    heading: str
    justify: str = "left"
    wrap: bool = True
    """False: each cell is one token (a number) and is never broken."""
    priority: int = 0
    """Higher stays longer in the first table; the lowest moves below first."""
    key: bool = False
    """Repeated in every table the columns are split into (``#``, ``k``)."""
    comfort: int = 0
    """Narrowest width worth keeping before moving other columns below (a column of words)."""


def _width(text: str) -> int:
    from rich.cells import cell_len

    return cell_len(text)


def _longest_word(text: str) -> int:
    return max((_width(word) for word in text.split()), default=0)


@dataclass(frozen=True)
class _Measure:
    least: int
    most: int


def _measure(column: Column, cells: list[str]) -> _Measure:
    """The narrowest width that breaks no word (and keeps ``comfort``) and the widest needed."""
    most = max([_width(column.heading), *(_width(c) for c in cells)], default=1)
    if column.wrap:
        least = max([_longest_word(column.heading), *(_longest_word(c) for c in cells)])
        least = max(least, min(column.comfort, most))
    else:
        least = max([_longest_word(column.heading), *(_width(c) for c in cells)])
    return _Measure(max(least, 1), max(most, 1))


def _frame(n_columns: int) -> int:
    return BORDER * n_columns + 1


def split_columns(columns: Sequence[Column], measures: Sequence[_Measure], width: int):
    """The column indices of each table, in order: the first holds what fits by priority, the
    rest (with the key columns repeated) follow below."""
    keys = [i for i, c in enumerate(columns) if c.key]
    pending = [i for i, c in enumerate(columns) if not c.key]
    groups = []
    while pending:
        group = list(pending)
        while len(group) > 1 and _least(keys + group, measures) > width:
            group.remove(min(group, key=lambda i: (columns[i].priority, -i)))
        groups.append(sorted(keys + group))
        pending = [i for i in pending if i not in group]
    return groups or [keys]


def _least(indices, measures) -> int:
    return sum(measures[i].least for i in indices) + _frame(len(indices))


def widths(indices: Sequence[int], columns: Sequence[Column], measures: Sequence[_Measure],
           width: int) -> list[int]:  # fmt: skip
    """Each column's content width: its narrowest; then, smallest need first, the whole
    width of each column that is not a column of words (``comfort``) where there is room;
    then one cell at a time to the column that lacks most, until the table is ``width`` wide
    or every column has its widest. A lone column still too wide gets what is left (its
    longest word is then cut: nothing else can be done)."""
    chosen = [measures[i].least for i in indices]
    room = width - sum(chosen) - _frame(len(indices))
    if room < 0:
        wrappable = max(range(len(indices)), key=lambda j: chosen[j])
        chosen[wrappable] = max(chosen[wrappable] + room, 1)
        return chosen
    short = [j for j, i in enumerate(indices) if not columns[i].comfort]
    for j in sorted(short, key=lambda j: measures[indices[j]].most - chosen[j]):
        need = measures[indices[j]].most - chosen[j]
        if 0 < need <= room:
            chosen[j] += need
            room -= need
    while room > 0:
        lacking = [measures[i].most - w for i, w in zip(indices, chosen)]
        j = max(range(len(indices)), key=lambda n: lacking[n])
        if lacking[j] <= 0:
            break
        chosen[j] += 1
        room -= 1
    return chosen


def print_table(out, title: str | None, columns: Sequence[Column], rows: Sequence[Sequence],
                width: int | None = None) -> None:  # fmt: skip
    """Print ``rows`` (cells as text) under ``columns`` on the console ``out``, fitted to
    ``width`` (default: the console's) as the module docstring says; ``title`` above."""
    from rich.table import Table

    width = width or out.width
    texts = [[visible(value) for value in row] for row in rows]
    measures = [_measure(c, [row[i] for row in texts]) for i, c in enumerate(columns)]
    if title:
        out.print(cell(title))
    for indices in split_columns(columns, measures, width):
        table = Table(expand=False)
        for i, size in zip(indices, widths(indices, columns, measures, width)):
            column = columns[i]
            table.add_column(cell(column.heading), justify=column.justify, width=size,
                             no_wrap=False, overflow="fold")  # fmt: skip
        for row in texts:
            table.add_row(*(cell(row[i]) for i in indices))
        out.print(table)


def print_lines(out, lines: Sequence[str]) -> None:
    """Print lines of untrusted text below a table: visible, never markup, wrapped at words."""
    for line in lines:
        out.print(cell(line))


def is_visible(text: str) -> bool:
    """Whether ``text`` holds nothing a terminal would act on (for tests and checks)."""
    return not _UNSAFE.search(text) and not any(unicodedata.category(ch) == "Cs" for ch in text)
