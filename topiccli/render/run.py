"""A fit's report as a table (for people), JSON (schema in the README) or CSV (for programs)."""

from __future__ import annotations

import csv
import io
import json

from ..quality.story import STORY_FIELDS, topic_flags, topic_story
from ..report import RunReport
from . import SCHEMA_VERSION, console, text
from .present import engine_line, quality_columns, quality_lines


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
        **({"hierarchy": report.hierarchy} if getattr(report, "hierarchy", None) else {}),
        **({"vocabulary": report.vocabulary} if report.vocabulary is not None else {}),
        **({"engine": report.engine} if report.engine is not None else {}),
        **report.analyses,
        "run_cache": report.run_cache,
        "timings": report.timings,
    }


def _topic_dict(topic) -> dict:
    entry = {"id": topic.id, "weight": topic.weight, "words": topic.words, "weights": topic.weights,
             "auto_name": topic.auto_name}  # fmt: skip
    if topic.negative_words is not None:
        entry.update(negative_words=topic.negative_words, negative_weights=topic.negative_weights)
    if topic.name is not None:
        entry["name"] = topic.name
    if topic.seed_words is not None:
        entry["seed_words"] = topic.seed_words
    story = {"flags": topic_flags(topic.quality)} if topic.quality else {}
    return {**entry, **topic.quality, **story}


def render(report: RunReport, fmt: str, width: int | None = None) -> str:
    """The run in the chosen format, as the exact text to write (``width``: the table's)."""
    if fmt == "json":
        return json.dumps(to_dict(report), indent=2, ensure_ascii=False) + "\n"
    if fmt == "csv":
        return _csv(report)
    return _table(report, width)


def _csv(report: RunReport) -> str:
    """One row per topic word; an SVD component's negative pole follows as ``pole`` ``-``.
    Each row repeats its topic's story (quality.story): documents won, dominant label and its
    share, flags (space-separated); then its user name, automatic name and seed words
    (space-separated); empty where not measured or not given."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["topic", "topic_weight", "pole", "rank", "word", "weight", *STORY_FIELDS,
                     "name", "auto_name", "seed_words"])  # fmt: skip
    for topic in report.topics:
        story = _story_cells(topic_story(topic.quality))
        poles = [("+", topic.words, topic.weights)]
        if topic.negative_words is not None:
            poles.append(("-", topic.negative_words, topic.negative_weights))
        for pole, words, weights in poles:
            for rank, (word, weight) in enumerate(zip(words, weights), start=1):
                writer.writerow([topic.id, _num(topic.weight), pole, rank, word, _num(weight),
                                 *story, topic.name or "", topic.auto_name or "",
                                 " ".join(topic.seed_words or ())])  # fmt: skip
    return buffer.getvalue()


def _story_cells(story: dict) -> list[str]:
    share = story["label_share"]
    return [
        "" if story["n_documents"] is None else str(story["n_documents"]),
        story["label"] or "",
        "" if share is None else _num(share),
        " ".join(story["flags"]),
    ]


def _num(value: float) -> str:
    return f"{value:.6g}"


PRIORITY = {"flags": 80, "docs": 70, "npmi": 60, "label": 50, "stability": 40, "c_npmi": 30}
"""Which quality columns stay in the first table when the width is short (highest first);
the others move to a table below it (render.tables)."""
AUTO_HEADING = "auto name"
"""The table's column of automatic names (quality.naming), apart from the user's names, which
lead the top words (``[name; seeds …]``)."""
AUTO_COMFORT = 18
"""The automatic names keep this width (three short terms) before moving below."""
WORDS_COMFORT = 24
"""The words column keeps at least this width before other columns move below."""


def _table(report: RunReport, width: int | None) -> str:
    from .tables import Column, print_lines, print_table

    method = report.model.method
    corpus = report.corpus
    title = (
        f"{method.upper()} · k={report.model.k} · "
        f"{corpus['n_documents']} documents × {corpus['n_terms']} terms"
    )
    title += language_note(corpus.get("language"))
    extra = quality_columns(report)
    columns = [
        Column("#", "right", wrap=False, key=True),
        Column("σ" if method == "svd" else "share", "right", wrap=False, priority=90),
        *(Column(heading, "left" if heading in ("label", "flags") else "right",
                 wrap=heading in ("label", "flags"), priority=PRIORITY.get(heading, 10))
          for heading, _ in extra),
        Column("top words", priority=100, comfort=WORDS_COMFORT),
    ]  # fmt: skip
    autos = any(topic.auto_name for topic in report.topics)  # a report without: no column
    if autos:
        columns.append(Column(AUTO_HEADING, wrap=True, priority=20, comfort=AUTO_COMFORT))
    rows = []
    for topic in report.topics:
        weight = f"{topic.weight:.3f}" if method == "svd" else f"{topic.weight:.1%}"
        rows.append([str(topic.id), weight, *(cell(topic) for _, cell in extra),
                     _words_cell(topic), *([_auto_cell(topic)] if autos else [])])  # fmt: skip
    out = console(width)
    print_table(out, title, columns, rows)
    lines = quality_lines(report)
    if method == "nmf":
        lines.append(_fit_line(report.details))
    if report.vocabulary is not None:
        lines.extend(vocabulary_lines(report.vocabulary))
    if report.engine is not None:
        lines.append(engine_line(report.engine, report.run_cache))
    if report.analyses:
        from .trends import trend_lines

        lines.extend(trend_lines(report.analyses))
    print_lines(out, lines)
    return text(out)


def language_note(language: dict | None) -> str:
    """`` · language de`` (`` · language en 80% + zh 20%`` for a mixed corpus) for the
    header; nothing for English, the tool's first language, so its tables stay as they were."""
    if not language or language.get("code") in (None, "en"):
        return ""
    codes = language["code"].split("+")
    shares = language.get("shares") or {}
    if len(codes) > 1 and all(shares.get(c) is not None for c in codes):
        return " · language " + " + ".join(f"{c} {shares[c]:.0%}" for c in codes)
    return f" · language {language['code']}"


def vocabulary_lines(v: dict) -> list[str]:
    """``--vocabulary`` in words, below the table."""
    lines = [
        f"Vocabulary: {v['terms_kept']} of {v['terms_before_pruning']} terms kept; pruned "
        f"{v['pruned_min_df']} in fewer than min_df={v['min_df']} documents, "
        f"{v['pruned_max_df']} in more than max_df={v['max_df']}, "
        f"{v['pruned_max_features']} past max_features",
        f"Most frequent {'kept' if v['terms_kept'] else 'before pruning'}: "
        f"{' '.join(v['most_frequent'])}",
    ]
    if v.get("cleaning"):
        lines.append(cleaning_line(v["cleaning"]))
    if v.get("plurals_folded"):
        lines.append(f"Plurals folded into singulars ({v['plurals_folded']}): "
                     f"{' '.join(v['plurals_folded_examples'])}")  # fmt: skip
    if v.get("phrases"):
        p = v["phrases"]
        rule = f"NPMI > {p['threshold']:g}, seen >= {p['min_count']} times"
        lines.append(f"Phrases ({rule}): {p['found']} found, {p['kept']} kept: "
                     f"{' '.join(p['examples'])}")  # fmt: skip
    if v["stop_words_never_matched"]:
        shown = " ".join(v["stop_words_never_matched"][:20])
        lines.append(f"Stop words the token pattern never produces "
                     f"({len(v['stop_words_never_matched'])}): {shown}")  # fmt: skip
    return lines


CLEANING_WORDS = (
    ("nfkc_documents", "{} documents NFKC-normalized"),
    ("markup_documents", "{} HTML/XML documents stripped of markup"),
    ("entity_documents", "entities decoded in {} documents"),
    ("urls", "{} URLs"),
    ("emails", "{} e-mail addresses removed"),
    ("boilerplate_removed", "{} boilerplate segments dropped"),
)


def cleaning_line(c: dict) -> str:
    """What cleaning did, in words (``--vocabulary``)."""
    if not c.get("steps"):
        return "Cleaning: none (--clean none)"
    parts = [words.format(c[key]) for key, words in CLEANING_WORDS if key in c]
    if c.get("boilerplate_segments"):
        parts[-1] += (f" ({c['boilerplate_segments']} distinct, from "
                      f"{c['boilerplate_documents']} documents)")  # fmt: skip
    return f"Cleaning ({'+'.join(c['steps'])}): " + ", ".join(parts)


def _fit_line(d: dict) -> str:
    state = "converged" if d["converged"] else "did not converge"
    if d.get("refine_frobenius_iterations"):
        state = "refined"
    if d["n_iter"] == 0:  # topics merge: the topics were set, not fitted
        state = "topics merged, not refitted"
    if d.get("loss") == "kl":
        return (f"NMF (KL, {d['solver']}) {state}{_after(d)}; "
                f"D(X‖WH) = {d['divergence']:.4g}")  # fmt: skip
    return (f"NMF ({d['solver']}) {state}{_after(d)}; "
            f"‖X − WH‖_F = {d['reconstruction_error']:.4g}")  # fmt: skip


def _after(d: dict) -> str:
    if d.get("refine_frobenius_iterations"):  # topics reduce: two capped phases, by design
        return (f" after {d['refine_frobenius_iterations']} HALS and {d['n_iter']} "
                f"{d['solver']} iterations from the merged topics")  # fmt: skip
    return f" after {d['n_iter']} iterations" if d["n_iter"] else ""


def _named(topic) -> str:
    """A seeded or named topic's prefix: ``[name; seeds a b c] ``, else nothing."""
    parts = [topic.name] if topic.name else []
    if topic.seed_words:
        parts.append("seeds " + " ".join(topic.seed_words))
    return f"[{'; '.join(parts)}] " if parts else ""


def _auto_cell(topic) -> str:
    """The automatic name, in brackets as the explorer shows it (never the user's name)."""
    return f"[{topic.auto_name}]" if topic.auto_name else "—"


def _words_cell(topic) -> str:
    """NMF: the top words; SVD: both poles, ``+ a b c / − d e f``."""
    if topic.negative_words is None:
        return _named(topic) + " ".join(topic.words)
    negative = " ".join(topic.negative_words) or "(none)"
    return f"+ {' '.join(topic.words)} / − {negative}"
