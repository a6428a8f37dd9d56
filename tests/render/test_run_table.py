"""The fit table from a fixed report (no fit, so no numerics): golden at 80 and 120 columns,
wrapped at words, and the width taken from COLUMNS or fixed when piped."""

from __future__ import annotations

import io

import pytest

from ..helpers import GOLDEN_DIR


def _report(method: str):
    """A fixed report (no fit), so the golden tables never depend on numerics."""
    from topiccli.report import RunReport, Topic
    from topiccli.specs import ModelSpec

    words = ["telescope", "orbit", "planets", "galaxy", "stars", "light", "moon", "comet"]
    topics = []
    for t in range(3):
        quality = {
            "coherence_npmi": 0.31 - 0.1 * t,
            "n_documents": 20 - 5 * t,
            "label": ["astronomy", "cooking", "football"][t],
            "label_share": 0.9,
        }
        negative = (
            {"negative_words": ["oven", "flour"], "negative_weights": [-0.2, -0.1]}
            if method == "svd"
            else {}
        )
        topics.append(
            Topic(t, 0.5 - 0.1 * t, words[t:] + words[:t], [0.1] * 8, quality=quality, **negative)
        )
    details = {
        "solver": "amu",
        "init": "nndsvda",
        "loss": "kl",
        "divergence": 12.5,
        "reconstruction_error": 5.0,
        "n_iter": 40,
        "converged": True,
    }
    metrics = {
        "coherence_npmi": 0.21,
        "diversity": 0.96,
        "relative_reconstruction_error": 0.8,
        "label_nmi": 0.9,
        "label_purity": 0.95,
    }
    corpus = {"n_documents": 45, "n_terms": 3301}
    return RunReport(model=ModelSpec(method=method, k=3), corpus=corpus, vectorizer={},
                     topics=topics, details=details, metrics=metrics)  # fmt: skip


@pytest.mark.parametrize("width", [80, 120])
def test_golden_tables_at_pinned_widths(width):
    from topiccli.render.run import render

    text = render(_report("nmf"), "table", width)
    golden = GOLDEN_DIR / f"nmf_table_{width}.txt"
    assert text == golden.read_text(encoding="utf-8")
    assert max(len(line) for line in text.splitlines()) <= width
    body = [line for line in text.splitlines() if line.startswith("│")]
    assert len(body) == (3 if width == 120 else 6)  # 120: a row a line; 80: wrapped at words
    assert all(word in text for word in ("telescope", "comet", "orbit"))  # never cut mid-word


def test_the_width_follows_columns_and_is_fixed_when_piped(monkeypatch):
    from topiccli.cli.output import width_for
    from topiccli.render import PIPED_WIDTH, table_width

    monkeypatch.delenv("COLUMNS", raising=False)
    assert table_width(io.StringIO()) == PIPED_WIDTH
    assert table_width(io.StringIO(), "80") == 80
    monkeypatch.setenv("COLUMNS", "80")  # read by the CLI, at the edge
    assert width_for(None) == 80
