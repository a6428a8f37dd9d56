"""A sweep as a table with a chart of scores by k, as JSON (same fields), or as CSV."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict

from . import SCHEMA_VERSION, console, text
from .plot import bar_chart
from .present import engine_line

FIT_FIELD = {"nmf": "relative_reconstruction_error", "svd": "explained_variance_ratio_total"}


def sweep_dict(info: dict, rows, recommended: int | None, rule: str,
               advice: dict | None = None) -> dict:  # fmt: skip
    """The JSON document of a sweep (see the README and docs/advice.md): its settings, rule,
    advice (the authoritative answer with the agreement criterion), pick and rows.
    ``recommended_k`` is kept for compatibility: the best-supported k inside the advice's
    range, or None under "no_clear_k"."""
    fit_field = FIT_FIELD[info["method"]]
    results = []
    for row in rows:
        entry = {(fit_field if key == "fit" else key): value for key, value in asdict(row).items()}
        results.append(entry)
    return {
        "schema_version": SCHEMA_VERSION,
        "command": "sweep",
        **{key: value for key, value in info.items() if key != "timings"},
        "rule": rule,
        **({"advice": advice} if advice is not None else {}),
        "recommended_k": recommended,
        "results": results,
        "timings": info["timings"],
    }


def render_sweep(document: dict, fmt: str, width: int | None = None) -> str:
    """A sweep document (``sweep_dict``) in the chosen format."""
    if fmt == "json":
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    if fmt == "csv":
        return _csv(document)
    return _table(document, width)


def _csv(document: dict) -> str:
    buffer = io.StringIO()
    results = document["results"]
    fields = list(results[0]) if results else ["k"]
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([*fields, "recommended"])
    for entry in results:
        cells = ["" if entry[f] is None else f"{entry[f]:.6g}" for f in fields]
        writer.writerow([*cells, int(entry["k"] == document["recommended_k"])])
    return buffer.getvalue()


def _cell(value, pattern: str) -> str:
    return "—" if value is None else format(value, pattern)


def _mark(entry: dict, document: dict) -> str:
    if entry["k"] in document.get("within_noise", []):
        return "≈ within noise"
    if entry["k"] == document["recommended_k"]:
        return "← best supported" if document.get("advice") else "← recommended"
    return ""


def _table(document: dict, width: int | None) -> str:
    from .tables import Column, print_table

    fit_field = FIT_FIELD[document["method"]]
    corpus = document["corpus"]
    title = (f"{document['method'].upper()} sweep · {corpus['n_documents']} documents × "
             f"{corpus['n_terms']} terms · {document['seeds']} seed(s)")  # fmt: skip
    fit_heading = "rel. error" if document["method"] == "nmf" else "expl. var."
    agreement = document.get("criterion") == "agreement"
    seeds = document["seeds"] > 1
    columns = [(Column("k", "right", wrap=False, key=True), lambda e: str(e["k"]))]
    if agreement:
        columns.append((Column("agreement", "right", priority=95),
                        lambda e: f"{e['agreement']:.3f} ± {e['agreement_std']:.3f}"))  # fmt: skip
    columns += [
        (Column("npmi", "right", wrap=False, priority=60), lambda e: f"{e['coherence_npmi']:+.3f}"),
        (Column("diversity", "right", wrap=False, priority=40), lambda e: f"{e['diversity']:.3f}"),
        (Column(fit_heading, "right", wrap=False, priority=30), lambda e: f"{e[fit_field]:.3f}"),
        (Column("label NMI", "right", wrap=False, priority=70),
         lambda e: _cell(e["label_nmi"], ".3f")),
    ]  # fmt: skip
    if seeds:
        columns.append((Column("stability", "right", wrap=False, priority=50),
                        lambda e: _cell(e["stability"], ".3f")))  # fmt: skip
    if not agreement:
        columns.append((Column("score", "right", wrap=False, priority=95),
                        lambda e: f"{e['score']:.3f}"))  # fmt: skip
    columns.append((Column("", priority=99), lambda e: _mark(e, document)))
    rows = [[value(e) for _, value in columns] for e in document["results"]]
    out = console(width)
    print_table(out, title, [column for column, _ in columns], rows)
    shown = "agreement" if agreement else "score"
    chart = bar_chart(
        f"{shown.capitalize()} by k",
        [(f"k={e['k']}", e[shown], f"{e[shown]:.3f}") for e in document["results"]],
        width=min(out.width, 80),
    )
    out.print(chart, soft_wrap=True, end="")
    advice = document.get("advice")
    if advice is None:
        out.print(f"Recommended k = {document['recommended_k']} ({document['rule']})")
        close = document.get("within_noise") or []
        if close:
            out.print(
                f"k = {', '.join(map(str, close))} score within the spread of the recommended "
                "k: the data cannot tell them apart; read the whole table."
            )
    else:
        if advice["verdict"] == "range":
            lo, hi = advice["k_range"]
            out.print(f"Plausible k = {lo}–{hi}" if lo != hi else f"Plausible k = {lo}")
        out.print(advice["evidence"])
        out.print(f"Next: {advice['next']}")
        out.print(f"Rule: {document['rule']}")
    if document.get("engine"):
        out.print(engine_line(document["engine"]))
    return text(out)
