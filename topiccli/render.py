"""Render a run report as a rich table, JSON (schema in the README) or CSV. Text in, text out."""

from __future__ import annotations

import csv
import io
import json

from .quality.present import quality_columns, quality_lines
from .report import RunReport

SCHEMA_VERSION = 1
FORMATS = ("table", "json", "csv")


def to_dict(report: RunReport) -> dict:
    """The JSON document for a run (see the README's schema)."""
    return {
        "schema_version": SCHEMA_VERSION,
        "method": report.model.method,
        "k": report.model.k,
        "seed": report.model.seed,
        "corpus": report.corpus,
        "vectorizer": report.vectorizer,
        **report.details,
        "metrics": report.metrics,
        "topics": [_topic_dict(t) for t in report.topics],
        "run_cache": report.run_cache,
        "timings": report.timings,
    }


def _topic_dict(topic) -> dict:
    entry = {"id": topic.id, "weight": topic.weight, "words": topic.words, "weights": topic.weights}
    if topic.negative_words is not None:
        entry.update(negative_words=topic.negative_words, negative_weights=topic.negative_weights)
    return {**entry, **topic.quality}


def render(report: RunReport, fmt: str, width: int | None = None) -> str:
    """The run in the chosen format, as the exact text to write."""
    if fmt == "json":
        return json.dumps(to_dict(report), indent=2, ensure_ascii=False) + "\n"
    if fmt == "csv":
        return _csv(report)
    return _table(report, width)


def _csv(report: RunReport) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["topic", "topic_weight", "rank", "word", "weight"])
    for topic in report.topics:
        for rank, (word, weight) in enumerate(zip(topic.words, topic.weights), start=1):
            writer.writerow([topic.id, _num(topic.weight), rank, word, _num(weight)])
    return buffer.getvalue()


def _num(value: float) -> str:
    return f"{value:.6g}"


def _table(report: RunReport, width: int | None) -> str:
    from rich.console import Console
    from rich.table import Table

    method = report.model.method
    corpus = report.corpus
    title = (
        f"{method.upper()} · k={report.model.k} · "
        f"{corpus['n_documents']} documents × {corpus['n_terms']} terms"
    )
    table = Table(title=title, title_justify="left", expand=False)
    table.add_column("#", justify="right")
    table.add_column("σ" if method == "svd" else "share", justify="right")
    extra = quality_columns(report)
    for heading, _ in extra:
        table.add_column(heading, justify="left" if heading == "label" else "right")
    table.add_column("top words", overflow="fold")
    for topic in report.topics:
        weight = f"{topic.weight:.3f}" if method == "svd" else f"{topic.weight:.1%}"
        cells = [cell(topic) for _, cell in extra]
        table.add_row(str(topic.id), weight, *cells, _words_cell(topic))
    console = Console(
        file=io.StringIO(), width=width or 100, color_system=None, force_terminal=False
    )
    console.print(table)
    for line in quality_lines(report):
        console.print(line, highlight=False, soft_wrap=True)
    if method == "nmf":
        d = report.details
        state = "converged" if d["converged"] else "did not converge"
        if d.get("loss") == "kl":
            fit = f"KL, {d['solver']}) {state} after {d['n_iter']} iterations; D(X‖WH)"
            value = d["divergence"]
        else:
            fit = f"{d['solver']}) {state} after {d['n_iter']} iterations; ‖X − WH‖_F"
            value = d["reconstruction_error"]
        console.print(f"NMF ({fit} = {value:.4g}")
    return console.file.getvalue()


def _words_cell(topic) -> str:
    """NMF: the top words; SVD: both poles, ``+ a b c / − d e f``."""
    if topic.negative_words is None:
        return " ".join(topic.words)
    negative = " ".join(topic.negative_words) or "(none)"
    return f"+ {' '.join(topic.words)} / − {negative}"
