"""Topics over time and across groups for a fit, a saved model or a TopicModel.

A fit with ``time_field`` runs quality.trends' over-time analysis; with ``group_field`` (or
``by_label``: the documents' labels) quality.groups' group analysis; with both, prevalence per
group and time bin too. The report gets ``over_time``, ``by_group`` and
``over_time_by_group``; ``--trends FILE.csv`` gets their rows (render.trends); the bundle gets
each document's time and group value (as read, by document id: the bundle's documents) and the
words of each bin, group and (group, bin) cell, which need the document-term matrix; so
``topics show``/``explore`` and ``TopicModel.load`` recompute the same prevalences and
intervals from the saved document weights and give the same words, without the corpus.

Only NMF: prevalence is a share of nonnegative weights, which SVD's signed components are not.
Only on this machine: with a Dask scheduler the records are read on the workers, which keep no
time or group field (UsageError, exit 2, before any data is read).
"""

from __future__ import annotations

import warnings
from pathlib import Path

from ..errors import TopicsWarning, UsageError
from ..specs import TIME_BINS, AnalysisSpec, SourceSpec

WORDS = ("over_time", "by_group", "over_time_by_group")
"""The analyses whose words a bundle keeps (they need the document-term matrix)."""
BAD_EXAMPLES = 3
"""Values that are no time quoted in the report and the warning."""


def wanted(source: SourceSpec, spec: AnalysisSpec) -> bool:
    """Whether a fit runs any analysis."""
    return source.time_field is not None or source.group_field is not None or spec.by_label


def check(source: SourceSpec, spec: AnalysisSpec, method: str, scheduler: str | None) -> None:
    """Option-only checks (UsageError, exit 2), before any data is read."""
    if spec.time_bin not in TIME_BINS:
        raise UsageError(f"time_bin must be one of {', '.join(TIME_BINS)}, not {spec.time_bin!r}",
                         params=("time_bin",))  # fmt: skip
    if spec.by_label and source.group_field is not None:
        raise UsageError("give group_field or by_label, not both",
                         params=("group_field", "by_label"))  # fmt: skip
    if not wanted(source, spec):
        if spec.trends is not None:
            raise UsageError("trends writes the time and group analyses: give time_field, "
                             "group_field or by_label too", params=("trends",))  # fmt: skip
        return
    names = ("time_field", "group_field", "by_label")
    if method != "nmf":
        raise UsageError("topics over time and across groups need NMF's nonnegative "
                         "document weights (prevalence is a share); use topics nmf",
                         params=names)  # fmt: skip
    if scheduler not in (None, "none"):
        raise UsageError("time_field, group_field and by_label run on this machine only: the "
                         "Dask workers read records without them; drop scheduler",
                         params=(*names, "scheduler"))  # fmt: skip
    if spec.trends is not None and Path(spec.trends).suffix.lower() != ".csv":
        raise UsageError(f"trends writes CSV: name a .csv file, not {spec.trends}",
                         params=("trends",))  # fmt: skip


def documents_values(corpus, source: SourceSpec, spec: AnalysisSpec) -> dict:
    """What the analyses read of each document, as the bundle stores it: ``{"time": {"field",
    "values"}, "group": {"field", "values"}}`` (raw values, aligned with the corpus)."""
    stored = {}
    if source.time_field is not None:
        stored["time"] = {"field": source.time_field, "values": list(corpus.values["time"])}
    if source.group_field is not None:
        stored["group"] = {"field": source.group_field, "values": list(corpus.values["group"])}
    elif spec.by_label:
        labels = corpus.labels or [None] * len(corpus.texts)
        stored["group"] = {"field": None, "values": list(labels)}
    for role, entry in stored.items():  # a loader or filter that lost the alignment is a bug
        if len(entry["values"]) != len(corpus.texts):
            raise RuntimeError(f"{len(entry['values'])} {role} values for "
                               f"{len(corpus.texts)} documents")  # fmt: skip
    return stored


def analyze(values: dict, weights, H, seed: int, time_bin: str, *, X=None, terms=None,
            words: dict | None = None) -> dict:  # fmt: skip
    """The report's analyses of documents ``values`` (:func:`documents_values`): computed
    words given X and terms, else the stored ``words`` (:func:`stored_words`)."""
    import numpy as np

    from ..corpus.times import parse_times
    from ..quality.groups import by_group, by_group_over_time
    from ..quality.prevalence import responsibilities
    from ..quality.trends import over_time

    result = {}
    seconds = None
    Q = None if X is None else responsibilities(X, weights, H)  # shared by both analyses
    if "time" in values:
        parsed, counts = parse_times(values["time"]["values"])
        seconds = np.array([np.nan if s is None else s for s in parsed], dtype=np.float64)
        result["over_time"] = {"field": values["time"]["field"],
                               "time_values": _time_values(values["time"]["values"], parsed,
                                                           counts),
                               **over_time(weights, H, seconds, time_bin, seed, X=X,
                                           terms=terms, Q=Q)}  # fmt: skip
    if "group" in values:
        groups = values["group"]["values"]
        result["by_group"] = {"field": values["group"]["field"],
                              **by_group(weights, H, groups, seed, X=X, terms=terms,
                                         Q=Q)}  # fmt: skip
        if seconds is not None:
            result["over_time_by_group"] = by_group_over_time(
                weights, H, groups, seconds, time_bin, seed, X=X, terms=terms, Q=Q
            )
    if words is not None:
        _attach_words(result, words)
    return result


def _time_values(raw: list, parsed: list, counts: dict) -> dict:
    bad = [raw[i] for i, s in enumerate(parsed) if s is None and raw[i] not in (None, "")]
    return {"documents": len(raw), "with_time": len(raw) - counts["missing"] - counts["bad"],
            "missing": counts["missing"], "bad": counts["bad"],
            "bad_examples": [str(v) for v in bad[:BAD_EXAMPLES]]}  # fmt: skip


def warn_time_values(result: dict) -> None:
    """One warning when documents have no usable time (they are fitted, left out of the bins)."""
    found = result.get("over_time", {}).get("time_values")
    if not found or not (found["missing"] or found["bad"]):
        return
    field = result["over_time"]["field"]
    examples = ", ".join(repr(v) for v in found["bad_examples"])
    warnings.warn(TopicsWarning(
        f"{found['missing'] + found['bad']} of {found['documents']} documents have no usable "
        f"time in {field!r} ({found['missing']} missing, {found['bad']} not a date or epoch "
        f"seconds{': ' + examples if examples else ''}); they are fitted but in no time bin",
        params=("time_field",)), stacklevel=2)  # fmt: skip


def stored_words(result: dict) -> dict:
    """The words of ``result`` that need the document-term matrix (kept in the bundle)."""
    words = {}
    if "words" in result.get("over_time", {}).get("topics", [{}])[0]:
        words["over_time"] = [t["words"] for t in result["over_time"]["topics"]]
    topics = result.get("by_group", {}).get("topics", [{}])
    if topics and "words" in topics[0]:
        words["by_group"] = [{"words": t["words"], "zeta": t["zeta"]} for t in topics]
    cross = result.get("over_time_by_group", {}).get("topics", [{}])
    if cross and "words" in cross[0]:
        words["over_time_by_group"] = [t["words"] for t in cross]
    return words


def _attach_words(result: dict, words: dict) -> None:
    for topic, found in zip(result.get("over_time", {}).get("topics", []),
                            words.get("over_time", [])):  # fmt: skip
        topic["words"] = found
    for topic, found in zip(result.get("by_group", {}).get("topics", []),
                            words.get("by_group", [])):  # fmt: skip
        topic.update(words=found["words"], zeta=found["zeta"])
    for topic, found in zip(result.get("over_time_by_group", {}).get("topics", []),
                            words.get("over_time_by_group", [])):  # fmt: skip
        topic["words"] = found


def of_bundle(bundle) -> dict:
    """The analyses a saved model reproduces (empty when it was fitted without them)."""
    saved = bundle.analyses
    if not saved:
        return {}
    return analyze(saved["documents"], bundle.doc_topics, bundle.components, bundle.seed,
                   saved["time_bin"], words=saved.get("words") or {})  # fmt: skip


def check_saved(value, n_docs: int, k: int) -> None:
    """Refuse (ValueError) a bundle's analyses.json that cannot be what a fit wrote: values
    for other documents, an unknown time bin, words for other topics."""
    if not isinstance(value, dict) or value.get("time_bin") not in TIME_BINS:
        raise ValueError("not an object with a known time_bin")
    documents = value.get("documents")
    if not isinstance(documents, dict) or not documents or set(documents) - {"time", "group"}:
        raise ValueError("no time or group values")
    for role, entry in documents.items():
        values = entry.get("values") if isinstance(entry, dict) else None
        if not isinstance(values, list) or len(values) != n_docs:
            raise ValueError(f"its {role} values are not one per document")
        if any(isinstance(v, (dict, list)) for v in values):
            raise ValueError(f"its {role} values are not plain values")
    words = value.get("words")
    if not isinstance(words, dict):
        raise ValueError("no words")
    for name, per_topic in words.items():
        if name not in WORDS or not isinstance(per_topic, list) or len(per_topic) != k:
            raise ValueError(f"its {name} words are not one entry per topic")


def given_values(values, role: str, n_docs: int) -> dict:
    """``TopicModel``'s times or groups (one per document) as the bundle stores them: dates
    and datetimes (Python, numpy, pandas) as ISO text, numbers as numbers, groups as text."""
    values = list(values.tolist() if hasattr(values, "tolist") else values)
    if len(values) != n_docs:
        raise ValueError(f"{len(values)} {role} values for {n_docs} documents")
    plain = []
    for value in values:
        if hasattr(value, "isoformat"):
            value = value.isoformat()
        elif value is not None and not isinstance(value, (str, int, float)):
            value = str(value)
        if role == "group" and value is not None:
            value = str(value)
        plain.append(value)
    return {"field": None, "values": plain}


ROWS = {
    "time": ("time", "bin"),
    "group": ("group", "group"),
    "time_group": ("time_group", "group", "bin"),
}
"""Per ``table`` kind: the CSV rows' ``analysis`` and the key columns (render.trends)."""


def table(bundle, role: str, given=None, time_bin: str | None = None, matrix=None, *,
          groups=None):  # fmt: skip
    """``TopicModel.topics_over_time``/``topics_per_group``/``topics_over_time_by_group``: one
    row per topic and bin, group, or group and bin (``role`` "time", "group", "time_group") as
    a polars DataFrame, from the values ``given`` (times, or groups for "group"; ``groups``
    with "time_group") or the ones the fit read. Words come from ``matrix`` (the fit's
    document-term matrix, when the model was fitted in this session), else from the bundle
    when its own values and bins are used."""
    import polars as pl

    from ..render.trends import trend_rows

    saved = bundle.analyses or {}
    values = dict(saved.get("documents") or {})
    asked = {"time": {"time": given}, "group": {"group": given},
             "time_group": {"time": given, "group": groups}}[role]  # fmt: skip
    for name, found in asked.items():
        if found is not None:
            values[name] = given_values(found, name, len(bundle.doc_ids))
        if name not in values:
            what = "times" if name == "time" else "groups"
            raise ValueError(f"no {what}: fit with {name}_field, or pass the documents' {what}")
    time_bin = time_bin or saved.get("time_bin") or "auto"
    reuse = all(v is None for v in asked.values()) and time_bin == saved.get("time_bin")
    found = analyze({name: values[name] for name in asked}, bundle.doc_topics,
                    bundle.components, bundle.seed, time_bin,
                    X=None if matrix is None else matrix.X,
                    terms=None if matrix is None else matrix.terms,
                    words=saved.get("words") if matrix is None and reuse else None)  # fmt: skip
    analysis, *keys = ROWS[role]
    rows = [row for row in trend_rows(found) if row["analysis"] == analysis]
    columns = ["topic", *keys, "documents", "topic_documents", "prevalence", "low", "high"]
    extra = [name for name in ("words", "zeta") if rows and name in rows[0]]
    return pl.DataFrame([{name: row.get(name) for name in columns + extra} for row in rows])
