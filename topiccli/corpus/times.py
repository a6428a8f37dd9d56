"""A record's time (``--time-field``): ISO 8601 dates or datetimes, or epoch seconds.

Accepted values, all read as UTC unless they carry an offset:

* an ISO date or datetime string: ``2024-03-05``, ``2024-03-05T10:20``,
  ``2024-03-05 10:20:30+02:00``, ``2024-03-05T10:20:30Z``, ``2024-03``, ``2024``;
* epoch seconds: a JSON number, or a CSV/JSON string of digits (``1709600000``,
  ``1709600000.5``). Booleans are not times.

A value that is none of these, and a missing or empty one, leaves the document without a
time; such documents are still fitted, counted (``bad``/``missing``) and said in a warning
and in the JSON (``over_time.time_values``), never silently dropped.
"""

from __future__ import annotations

import math
import re
from datetime import datetime, timezone

_YEAR = re.compile(r"^\d{4}$")
_YEAR_MONTH = re.compile(r"^\d{4}-\d{2}$")
_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")
MIN_SECONDS = -62135596800.0  # 0001-01-01
MAX_SECONDS = 253402300799.0  # 9999-12-31T23:59:59


def parse_time(value) -> float | None:
    """Epoch seconds (UTC) of a record's time value; None when it is not a time."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return _in_range(float(value))
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text:
        return None
    if _NUMBER.match(text) and not _YEAR.match(text):
        return _in_range(float(text))
    if _YEAR.match(text):
        text += "-01-01"
    elif _YEAR_MONTH.match(text):
        text += "-01"
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.timestamp()


def _in_range(seconds: float) -> float | None:
    if math.isnan(seconds) or not MIN_SECONDS <= seconds <= MAX_SECONDS:
        return None
    return seconds


def parse_times(values) -> tuple[list[float | None], dict[str, int]]:
    """Each value's epoch seconds (None where it is no time) and the counts of values that
    were missing/empty (``missing``) or present but not a time (``bad``)."""
    seconds: list[float | None] = []
    counts = {"missing": 0, "bad": 0}
    known: dict = {}  # each distinct value parsed once (dates repeat)
    for value in values:
        key = (type(value), value) if isinstance(value, (str, int, float)) else None
        if key is None:
            parsed = parse_time(value)
        elif key in known:
            parsed = known[key]
        else:
            parsed = known[key] = parse_time(value)
        if parsed is None:
            counts["missing" if value is None or value == "" else "bad"] += 1
        seconds.append(parsed)
    return seconds, counts
