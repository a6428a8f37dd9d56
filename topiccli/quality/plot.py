"""Terminal pictures (plain text, so they fit any stream): bar charts of the singular value
spectrum (SVD), topic sizes (NMF) and a sweep's scores by k."""

from __future__ import annotations

_EIGHTHS = " ▏▎▍▌▋▊▉"


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
        lines.append(f"{label:>{label_w}}  {text:>{text_w}}  {bar(value, largest, bar_w)}")
    return "\n".join(lines) + "\n"


def run_plot(report, width: int = 80) -> str:
    """The picture for one run: SVD's singular values, or NMF's topic sizes."""
    if report.model.method == "svd":
        values = report.details.get("singular_values", [t.weight for t in report.topics])
        rows = [(f"σ{i + 1}", float(v), f"{v:.4g}") for i, v in enumerate(values)]
        return bar_chart("Singular value spectrum", rows, width)
    rows = []
    for t in report.topics:
        size = t.quality.get("n_documents")
        value = float(size) if size is not None else t.weight
        text = f"{size} docs · {t.weight:.1%}" if size is not None else f"{t.weight:.1%}"
        rows.append((f"topic {t.id}", value, text))
    return bar_chart("Topic sizes (documents won)", rows, width)
