"""A sweep as a table with a chart of scores by k, as JSON (same fields), or as CSV."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict

from . import SCHEMA_VERSION, console, text
from .plot import bar_chart

FIT_FIELD = {"nmf": "relative_reconstruction_error", "svd": "explained_variance_ratio_total"}


def sweep_dict(info: dict, rows, recommended: int | None, rule: str) -> dict:
    """The JSON document of a sweep (see the README): its settings, rule, pick and rows."""
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


def _table(document: dict, width: int | None) -> str:
    from rich.table import Table

    fit_field = FIT_FIELD[document["method"]]
    corpus = document["corpus"]
    table = Table(
        title=f"{document['method'].upper()} sweep · {corpus['n_documents']} documents × "
        f"{corpus['n_terms']} terms · {document['seeds']} seed(s)",
        title_justify="left",
    )
    fit_heading = "rel. error" if document["method"] == "nmf" else "expl. var."
    for heading in ["k", "npmi", "diversity", fit_heading, "label NMI", "stability", "score", ""]:
        table.add_column(heading, justify="right", no_wrap=True)
    for e in document["results"]:
        mark = "← recommended" if e["k"] == document["recommended_k"] else ""
        table.add_row(
            str(e["k"]),
            f"{e['coherence_npmi']:+.3f}",
            f"{e['diversity']:.3f}",
            f"{e[fit_field]:.3f}",
            _cell(e["label_nmi"], ".3f"),
            _cell(e["stability"], ".3f"),
            f"{e['score']:.3f}",
            mark,
        )
    out = console(width)
    out.print(table)
    chart = bar_chart(
        "Score by k",
        [(f"k={e['k']}", e["score"], f"{e['score']:.3f}") for e in document["results"]],
        width=min(out.width, 80),
    )
    out.print(chart, soft_wrap=True, end="")
    out.print(f"Recommended k = {document['recommended_k']} ({document['rule']})",
              soft_wrap=True)  # fmt: skip
    return text(out)
