"""What `topics sweep` prints: advice by agreement under resampling with its spread, and a
closing line that speaks of its own seeds."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from topiccli.cli import app

runner = CliRunner()


def test_sweep_closing_line_speaks_of_its_own_seeds(sample_corpus):
    base = ["sweep", "-i", str(sample_corpus), "--k", "2:3", "--criterion", "score"]
    one = runner.invoke(app, base)
    three = runner.invoke(app, [*base, "--seeds", "2"])
    assert "stability counts as 1 with one seed" in one.stdout
    assert "with one seed" not in three.stdout


def test_sweep_advises_by_agreement_under_resampling_and_shows_the_spread(sample_corpus):
    result = runner.invoke(app, ["sweep", "-i", str(sample_corpus), "--k", "4:7", "-f", "json",
                                 "--samples", "4"])  # fmt: skip
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["criterion"] == "agreement" and document["samples"] == 4
    rows = {r["k"]: r for r in document["results"]}
    best = max(rows.values(), key=lambda r: (r["agreement"], -r["k"]))
    assert all(0 <= r["agreement"] <= 1 and r["agreement_std"] >= 0 for r in rows.values())
    if document["advice"]["verdict"] == "range":  # the best-supported k is the best agreement
        assert document["recommended_k"] == best["k"]
    else:
        assert document["recommended_k"] is None
    assert best["k"] not in document["within_noise"]
    assert set(document["within_noise"]) <= set(rows)
