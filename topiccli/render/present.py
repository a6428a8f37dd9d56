"""How the quality evidence reads in a fit's table: extra columns and lines below it."""

from __future__ import annotations

from ..quality.story import topic_flags


def quality_columns(report) -> list[tuple[str, object]]:
    """(heading, topic → cell text) for each per-topic measure the report carries."""
    first = report.topics[0].quality if report.topics else {}
    columns = []
    if "coherence_npmi" in first:
        columns.append(("npmi", lambda t: f"{t.quality['coherence_npmi']:+.2f}"))
    if "n_documents" in first:
        columns.append(("docs", lambda t: str(t.quality["n_documents"])))
    if "label" in first:
        columns.append(("label", _label_cell))
    if "c_npmi" in first:
        columns.append(("c_npmi", _c_npmi_cell))
    if "stability" in first:
        columns.append(("stability", _stability_cell))
    if any(topic_flags(t.quality) for t in report.topics):
        columns.append(("flags", _flags_cell))
    return columns


def _c_npmi_cell(topic) -> str:
    value = topic.quality.get("c_npmi")
    return "—" if value is None else f"{value:+.2f}"


def _flags_cell(topic) -> str:
    """Words, not colours: ``narrow`` (a handful of documents carry it), ``unstable``."""
    return " ".join(topic_flags(topic.quality))


def _label_cell(topic) -> str:
    label, share = topic.quality.get("label"), topic.quality.get("label_share")
    return "—" if label is None else f"{label} {share:.0%}"


def _stability_cell(topic) -> str:
    value = topic.quality["stability"]
    return f"{value:.2f}"


def quality_lines(report) -> list[str]:
    """The corpus-level metrics in one line, then each topic's representative documents."""
    lines = []
    m = report.metrics
    parts = []
    if "coherence_npmi" in m:
        narrow = m.get("n_narrow") or 0
        unflagged = m.get("coherence_npmi_unflagged", m["coherence_npmi"])
        extra = f" ({unflagged:+.3f} without the {narrow} narrow)" if narrow else ""
        parts.append(f"mean NPMI {m['coherence_npmi']:+.3f}{extra}")
    if m.get("c_npmi") is not None:
        parts.append(f"c_npmi {m['c_npmi']:+.3f}")
    if "diversity" in m:
        parts.append(f"diversity {m['diversity']:.2f}")
    if "explained_variance_ratio_total" in m:
        parts.append(f"explained variance {m['explained_variance_ratio_total']:.1%}")
    if "relative_reconstruction_error" in m:
        parts.append(f"relative error {m['relative_reconstruction_error']:.3f}")
    if m.get("label_nmi") is not None:
        parts.append(f"label NMI {m['label_nmi']:.3f}, purity {m['label_purity']:.1%}")
    if m.get("stability") is not None:
        parts.append(f"stability {m['stability']:.2f} over {m['seeds']} seeds")
    if parts:
        lines.append(" · ".join(parts))
    for topic in report.topics:
        chosen = topic.quality.get("representative_docs")
        if not chosen:
            continue
        lines.append(f"Topic {topic.id}:")
        lines.extend(f"  {d['weight']:.3g}  {d['id']}  {d['snippet']}" for d in chosen)
    return lines


def engine_line(described: dict | None, run_cache: str = "off") -> str:
    """The table footer naming the engine (``models.engine.describe``); a run answered by
    the run cache says so (nothing was factorized)."""
    if not described:
        return ""
    if described.get("kind") == "dask":
        workers = described.get("workers")
        plural = "s" if workers != 1 else ""
        where = f"Dask scheduler {described['scheduler']}" + (
            f" ({workers} worker{plural})" if workers else ""
        )
    else:
        threads = described.get("threads")
        where = f"this machine ({threads} thread{'s' if threads != 1 else ''})"
    hit = "; answered from the run cache, nothing refitted" if run_cache == "hit" else ""
    return f"Engine: {where}{hit}"
