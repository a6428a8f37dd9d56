"""Terminal pictures (plain text, so they fit any stream): bar charts of the singular value
spectrum (SVD), the documents each topic wins (NMF) and a sweep's scores by k. Bars are
numbered like the topics (from 0) and name each topic's first words."""

from __future__ import annotations

_EIGHTHS = " ▏▎▍▌▋▊▉"
WORDS_SHOWN = 3


def bar(value: float, largest: float, width: int) -> str:
    """A horizontal bar of ``value``/``largest`` of ``width`` cells, in eighths of a cell."""
    if largest <= 0 or value <= 0:
        return ""
    eighths = round(min(value / largest, 1.0) * width * 8)
    full, part = divmod(eighths, 8)
    return "█" * full + (_EIGHTHS[part] if part else "")


def bar_chart(title: str, rows: list[tuple[str, float, str]], width: int = 80) -> str:
    """``title`` then one line per (label, value, shown text), bars scaled to the largest."""
    if not rows:
        return title + "\n"
    label_w = max(len(label) for label, _, _ in rows)
    text_w = max(len(text) for _, _, text in rows)
    bar_w = max(width - label_w - text_w - 4, 10)
    largest = max(value for _, value, _ in rows)
    lines = [title]
    for label, value, text in rows:
        lines.append(f"{label:<{label_w}}  {text:>{text_w}}  {bar(value, largest, bar_w)}")
    return "\n".join(lines) + "\n"


def _label(topic) -> str:
    """The topic's number and first words, made visible (they come from the data)."""
    from .tables import visible

    return visible(f"{topic.id} {' '.join(topic.words[:WORDS_SHOWN])}")


def run_plot(report, width: int = 80) -> str:
    """The picture for one run: SVD's singular values, or the documents NMF's topics win."""
    if report.model.method == "svd":
        values = report.details.get("singular_values", [t.weight for t in report.topics])
        rows = [(f"σ {_label(t)}", float(v), f"{v:.4g}") for t, v in zip(report.topics, values)]
        return bar_chart("Singular value spectrum (σ by topic)", rows, width)
    sizes = [t.quality.get("n_documents") for t in report.topics]
    if any(size is None for size in sizes):
        rows = [(_label(t), t.weight, f"{t.weight:.1%}") for t in report.topics]
        return bar_chart("Topic shares of the reconstructed corpus", rows, width)
    total = sum(sizes) or 1
    rows = [(_label(t), float(n), f"{n} docs ({n / total:.0%})")
            for t, n in zip(report.topics, sizes)]  # fmt: skip
    return bar_chart("Documents won per topic", rows, width)
