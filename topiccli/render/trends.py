"""Topics over time and across groups (models.analyses) as CSV rows and as compact lines below
the table: one sparkline row per topic, one row of group prevalences per topic, and with both
a time and a group, one sparkline row per topic and group.

CSV (``--trends FILE.csv``), one row per topic and bin (``analysis`` = ``time``), topic and
group (``group``) or topic, group and bin (``time_group``):
``analysis, topic, bin, group, documents, topic_documents, prevalence, low, high, words, zeta``.
``documents`` counts the bin's (group's) documents, ``topic_documents`` those the topic wins
there; ``low``/``high`` bound the bootstrap interval; ``words`` are the topic's words in the
bin (its distinguishing words in the group; its words in the group's bin) space-separated,
``zeta`` their log-odds z-scores (groups only). Empty cells: not measured (an empty bin has
no prevalence).
"""

from __future__ import annotations

import csv
import io

COLUMNS = ("analysis", "topic", "bin", "group", "documents", "topic_documents", "prevalence",
           "low", "high", "words", "zeta")  # fmt: skip
BARS = "▁▂▃▄▅▆▇█"


def trends_csv(analyses: dict) -> str:
    """Every analysis row (see the module docstring)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in trend_rows(analyses):
        writer.writerow([_cell(row.get(name)) for name in COLUMNS])
    return buffer.getvalue()


def trend_rows(analyses: dict):
    """The CSV's rows as dicts (column → value), in the file's order."""
    time = analyses.get("over_time")
    if time:
        for topic in time["topics"]:
            for b, entry in enumerate(time["bins"]):
                yield {"analysis": "time", "topic": topic["id"], "bin": entry["bin"],
                       "documents": entry["documents"], **_at(topic, b)}  # fmt: skip
    groups = analyses.get("by_group")
    if groups:
        for topic in groups["topics"]:
            for g, entry in enumerate(groups["groups"]):
                yield {"analysis": "group", "topic": topic["id"], "group": entry["group"],
                       "documents": entry["documents"], **_at(topic, g)}  # fmt: skip
    cross = analyses.get("over_time_by_group")
    if cross:
        for topic in cross["topics"]:
            for g, group in enumerate(cross["groups"]):
                for b, name in enumerate(cross["bins"]):
                    row = {"analysis": "time_group", "topic": topic["id"], "bin": name,
                           "group": group, "documents": cross["documents"][g][b],
                           "topic_documents": topic["documents"][g][b],
                           "prevalence": topic["prevalence"][g][b], "low": topic["low"][g][b],
                           "high": topic["high"][g][b]}  # fmt: skip
                    if "words" in topic:
                        row["words"] = topic["words"][g][b]
                    yield row


def _at(topic: dict, i: int) -> dict:
    row = {"topic_documents": topic["documents"][i], "prevalence": topic["prevalence"][i],
           "low": topic["low"][i], "high": topic["high"][i]}  # fmt: skip
    if "words" in topic:
        row["words"] = topic["words"][i]
    if "zeta" in topic:
        row["zeta"] = topic["zeta"][i]
    return row


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return " ".join(_cell(v) for v in value)
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


def sparkline(values: list, scale: tuple[float, float] | None = None) -> str:
    """One bar per value, scaled from the smallest to the largest (a space for None), or over
    ``scale`` (low, high) when given (rows drawn on one scale)."""
    known = [v for v in values if v is not None]
    if not known:
        return " " * len(values)
    low, high = scale or (min(known), max(known))
    span = high - low
    return "".join(" " if v is None else
                   BARS[0 if span == 0 else min(len(BARS) - 1, int((v - low) / span * len(BARS)))]
                   for v in values)  # fmt: skip


def trend_lines(analyses: dict) -> list[str]:
    """Lines below the table: the time bins' sparklines, then each topic's group shares."""
    lines = []
    time = analyses.get("over_time")
    if time and time["bins"]:
        bins = time["bins"]
        counts = time["time_values"]
        lines.append(f"Over time · {time['field']} by {time['bin']}, {bins[0]['bin']} … "
                     f"{bins[-1]['bin']} · {counts['with_time']}/{counts['documents']} dated · "
                     "bars: each topic's lowest → highest")  # fmt: skip
        for topic in time["topics"]:
            known = [v for v in topic["prevalence"] if v is not None]
            peak = bins[topic["prevalence"].index(max(known))]["bin"] if known else "-"
            lines.append(f"{topic['id']:>3} {sparkline(topic['prevalence'])} "
                         f"{min(known):.1%}–{max(known):.1%}, peak {peak}")  # fmt: skip
    groups = analyses.get("by_group")
    if groups and groups["groups"]:
        field = groups["field"] or "label"
        lines.append(f"By group ({field}): prevalence [95% interval] and distinguishing words")
        for topic in groups["topics"]:
            cells = []
            for g, entry in enumerate(groups["groups"]):
                words = " ".join(topic["words"][g][:3]) if "words" in topic else ""
                cells.append(f"{entry['group']} {topic['prevalence'][g]:.1%} "
                             f"[{topic['low'][g]:.1%}–{topic['high'][g]:.1%}]"
                             + (f" {words}" if words else ""))  # fmt: skip
            lines.append(f"{topic['id']:>3} " + " · ".join(cells))
    return lines + cross_lines(analyses)


CROSS_LINES = 48
"""At most this many topic × group rows below the table; more are left to the JSON, the CSV
and the explorer (with a line saying so)."""


def cross_lines(analyses: dict) -> list[str]:
    """Over time by group: per topic, one sparkline row per group, the topic's groups on one
    scale (its lowest → highest prevalence in any group and bin)."""
    cross = analyses.get("over_time_by_group")
    if not cross or not cross["bins"] or not cross["groups"]:
        return []
    field = (analyses.get("by_group") or {}).get("field") or "label"
    shape = (f"{len(cross['topics'])} topics × {len(cross['groups'])} groups × "
             f"{len(cross['bins'])} {cross['bin']}s")  # fmt: skip
    if len(cross["topics"]) * len(cross["groups"]) > CROSS_LINES:
        return [f"Over time by group ({field}): {shape}, too many rows to draw here: see "
                "over_time_by_group in the JSON, --trends CSV or the explorer"]  # fmt: skip
    lines = [f"Over time by group ({field}), by {cross['bin']} · bars: each topic's lowest → "
             "highest over its groups"]  # fmt: skip
    width = max(len(g) for g in cross["groups"])
    for topic in cross["topics"]:
        known = [v for row in topic["prevalence"] for v in row if v is not None]
        scale = (min(known), max(known)) if known else None
        for g, group in enumerate(cross["groups"]):
            row = topic["prevalence"][g]
            values = [v for v in row if v is not None]
            span = f" {min(values):.1%}–{max(values):.1%}" if values else " (no documents)"
            lead = f"{topic['id']:>3}" if g == 0 else "   "
            lines.append(f"{lead} {group:<{width}} {sparkline(row, scale)}{span}")
    return lines
