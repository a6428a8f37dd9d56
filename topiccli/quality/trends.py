"""Topics over time: each topic's prevalence per time bin, with a bootstrap interval, the
documents it wins there, and its words within the bin (definitions: quality.prevalence).

Bins are calendar periods in UTC: ``day`` (2024-03-05), ``week`` (ISO weeks, Monday first,
named by their Monday: 2024-03-04), ``month`` (2024-03), ``quarter`` (2024-Q1) and ``year``
(2024). The bins run without a gap from the first document's period to the last one's, so an
empty period shows as an empty bin (prevalence null) rather than disappearing.

``auto`` picks the finest unit (day, week, month, quarter, year, in that order) whose span has
at most ``AUTO_MAX_BINS`` bins holding on average at least ``AUTO_MIN_DOCUMENTS`` documents
each; ``year`` when none does. 24 months of 2,400 documents give ``month`` (24 bins; weeks would
be 105); 20 years of news give ``year``; a week of posts gives ``day``.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

from .doc_weights import top_topics
from .prevalence import (
    as_list,
    attributed,
    bootstrap_interval,
    prevalence,
    responsibilities,
    shares,
    top_terms,  # fmt: skip
)

TIME_BINS = ("day", "week", "month", "quarter", "year")
AUTO = "auto"
AUTO_MAX_BINS = 60
AUTO_MIN_DOCUMENTS = 10
_EPOCH_DAY = date(1970, 1, 1)
TIME_TAG = 1
"""The bootstrap's stream tag for time bins (quality.prevalence.bootstrap_interval)."""


def period_index(seconds: np.ndarray, unit: str) -> np.ndarray:
    """The integer period of each time (epoch seconds, UTC) in ``unit``: days, weeks (from the
    Monday of 1969-12-29), months, quarters or years since 1970."""
    days = np.floor(seconds / 86400.0).astype(np.int64)
    if unit == "day":
        return days
    if unit == "week":
        return (days + 3) // 7  # 1970-01-01 was a Thursday: weeks start 3 days earlier
    months = days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
    if unit == "month":
        return months
    if unit == "quarter":
        return months // 3
    return months // 12


def period_start(index: int, unit: str) -> date:
    """The first day of period ``index`` of ``unit`` (see :func:`period_index`)."""
    if unit == "day":
        return _EPOCH_DAY + timedelta(days=int(index))
    if unit == "week":
        return _EPOCH_DAY + timedelta(days=int(index) * 7 - 3)
    months = int(index) * {"month": 1, "quarter": 3, "year": 12}[unit]
    return date(1970 + months // 12, months % 12 + 1, 1)


def period_name(index: int, unit: str) -> str:
    """2024-03-05 (day), 2024-03-04 (the week's Monday), 2024-03, 2024-Q1, 2024."""
    start = period_start(index, unit)
    if unit in ("day", "week"):
        return start.isoformat()
    if unit == "month":
        return f"{start.year:04d}-{start.month:02d}"
    if unit == "quarter":
        return f"{start.year:04d}-Q{(start.month - 1) // 3 + 1}"
    return f"{start.year:04d}"


def choose_unit(seconds: np.ndarray, time_bin: str) -> str:
    """``time_bin``, or for ``auto`` the rule in the module docstring."""
    if time_bin != AUTO:
        return time_bin
    known = seconds[~np.isnan(seconds)]
    for unit in TIME_BINS:
        periods = period_index(known, unit)
        n_bins = int(periods.max() - periods.min()) + 1 if len(known) else 0
        if n_bins <= AUTO_MAX_BINS and len(known) >= AUTO_MIN_DOCUMENTS * n_bins:
            return unit
    return "year"


def time_bins(seconds: np.ndarray, unit: str) -> tuple[np.ndarray, list[dict]]:
    """(each document's bin, -1 without a time; the bins as ``{"bin", "start"}``)."""
    known = ~np.isnan(seconds)
    bins = np.full(len(seconds), -1, dtype=np.int64)
    if not known.any():
        return bins, []
    periods = period_index(seconds[known], unit)
    first, last = int(periods.min()), int(periods.max())
    bins[known] = periods - first
    described = [{"bin": period_name(i, unit), "start": period_start(i, unit).isoformat()}
                 for i in range(first, last + 1)]  # fmt: skip
    return bins, described


def over_time(weights: np.ndarray, H: np.ndarray, seconds, time_bin: str, seed: int, *,
              X=None, terms=None, Q=None) -> dict:  # fmt: skip
    """The over-time analysis (JSON-ready): bins, and per topic its prevalence, interval,
    documents won and (given the document-term X and the terms) words per bin. ``weights``:
    documents × topics (quality.doc_weights); ``H``: the fit's topics × terms; ``seconds``:
    each document's time (NaN: none); ``Q``: X's responsibilities, if already computed."""
    seconds = np.asarray(seconds, dtype=np.float64)
    unit = choose_unit(seconds, time_bin)
    bins, described = time_bins(seconds, unit)
    theta = shares(weights, H)
    top = top_topics(np.asarray(weights))
    members = [np.flatnonzero(bins == b) for b in range(len(described))]
    for entry, rows in zip(described, members):
        entry["documents"] = int(len(rows))
    table = prevalence_table(theta, top, members, seed, TIME_TAG)
    if X is not None:
        Q = responsibilities(X, weights, H) if Q is None else Q
        per_bin = [top_terms(attributed(Q, weights, H, rows), terms) for rows in members]
        for t, topic in enumerate(table):
            topic["words"] = [words[t] for words in per_bin]
    return {"bin": unit, "time_bin": time_bin, "bins": described, "topics": table}


def prevalence_table(theta, top, members, seed: int, tag: int) -> list[dict]:
    """Per topic: prevalence, low, high and documents won, one value per member set."""
    k = theta.shape[1]
    columns = {"prevalence": [], "low": [], "high": [], "documents": []}
    for index, rows in enumerate(members):
        low, high = bootstrap_interval(theta, rows, seed, tag, index)
        columns["prevalence"].append(prevalence(theta, rows))
        columns["low"].append(low)
        columns["high"].append(high)
        columns["documents"].append(np.bincount(top[rows][top[rows] >= 0], minlength=k))
    arrays = {name: np.array(values).reshape(len(members), k) for name, values in columns.items()}
    return [{"id": t, "prevalence": as_list(arrays["prevalence"][:, t]),
             "low": as_list(arrays["low"][:, t]), "high": as_list(arrays["high"][:, t]),
             "documents": [int(n) for n in arrays["documents"][:, t]]}
            for t in range(k)]  # fmt: skip
