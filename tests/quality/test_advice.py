"""k advice (quality.advice): a range of plausible k or an explicit "no clear k", on synthetic
agreement curves, and the sweep's JSON carrying it."""

from __future__ import annotations

import json

import numpy as np
from typer.testing import CliRunner

from topiccli.cli import app
from topiccli.quality.advice import MAX_WIDTH, advise

runner = CliRunner()


def curve(means, noise, n=10, seed=0):
    """Per-k agreement samples: each k's mean plus noise shared by every k on a subsample
    (the subsamples are the same for every k) and noise of its own."""
    rng = np.random.default_rng(seed)
    shared = rng.normal(0, noise, n)
    return [list(np.clip(m + shared + rng.normal(0, noise, n), 0, 1)) for m in means]


def test_a_clear_peak_gives_a_tight_range_around_it():
    ks = list(range(2, 11))
    means = [0.55, 0.6, 0.7, 0.93, 0.72, 0.62, 0.6, 0.58, 0.55]
    advice = advise(ks, curve(means, 0.01))
    assert advice.verdict == "range" and advice.best == 5
    lo, hi = advice.k_range
    assert lo <= 5 <= hi and hi - lo + 1 <= 2
    assert "peaks at k = 5 (0.9" in advice.evidence and "topics nmf --k" in advice.next
    assert advice.as_dict()["k_range"] == [lo, hi] and advice.as_dict()["criterion"] == "agreement"


def test_a_flat_curve_says_no_clear_k():
    ks = list(range(2, 13))
    advice = advise(ks, curve([0.7] * len(ks), 0.05, seed=3))
    assert advice.verdict == "no_clear_k" and advice.k_range is None and advice.best is None
    assert advice.evidence.startswith("No clear k") and "granularity" in advice.next
    assert advice.as_dict()["k_range"] is None


def test_a_noisy_curve_widens_the_range_until_it_says_no_clear_k():
    ks = list(range(2, 11))
    means = [0.6, 0.68, 0.72, 0.75, 0.73, 0.7, 0.66, 0.6, 0.55]
    quiet, loud = advise(ks, curve(means, 0.002)), advise(ks, curve(means, 0.12, seed=1))
    assert quiet.verdict == "range" and quiet.k_range[1] - quiet.k_range[0] + 1 <= MAX_WIDTH
    assert loud.verdict == "no_clear_k"


def test_a_peak_at_either_end_or_a_low_curve_is_no_clear_k():
    ks = [2, 3, 4, 5]
    rising = advise(ks, curve([0.5, 0.6, 0.7, 0.9], 0.005))
    assert rising.verdict == "no_clear_k" and "largest k swept" in rising.evidence
    falling = advise(ks, curve([0.9, 0.7, 0.6, 0.5], 0.005))
    assert falling.verdict == "no_clear_k" and "smallest k swept" in falling.evidence
    low = advise(ks, curve([0.2, 0.4, 0.3, 0.25], 0.005))
    assert low.verdict == "no_clear_k" and "reproducible" in low.evidence


def test_a_best_k_found_on_some_subsamples_only_is_no_clear_k():
    ks = [2, 3, 4, 5, 6]
    samples = curve([0.5, 0.55, 0.6, 0.5, 0.45], 0.005)
    samples[2] = [0.95] * 6 + [0.3] * 4  # k = 4 comes back on six subsamples of ten
    advice = advise(ks, samples)
    assert advice.verdict == "no_clear_k" and "not reproduced on every subsample" in advice.evidence


def test_the_best_supported_k_lies_in_the_range_and_the_others_are_within_noise():
    ks = list(range(2, 9))
    advice = advise(ks, curve([0.5, 0.8, 0.81, 0.79, 0.6, 0.55, 0.5], 0.01, seed=2))
    assert advice.verdict == "range"
    lo, hi = advice.k_range
    assert lo <= advice.best <= hi
    assert (
        all(lo <= k <= hi for k in advice.within_noise) and advice.best not in advice.within_noise
    )


def test_the_sweep_json_carries_the_advice(sample_corpus):
    result = runner.invoke(app, ["sweep", "-i", str(sample_corpus), "--k", "3:7", "-f", "json",
                                 "--samples", "4"])  # fmt: skip
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    advice = document["advice"]
    assert set(advice) == {"verdict", "k_range", "criterion", "evidence", "next"}
    assert advice["criterion"] == "agreement" and advice["evidence"] and advice["next"]
    if advice["verdict"] == "range":
        lo, hi = advice["k_range"]
        assert lo <= document["recommended_k"] <= hi
        assert all(lo <= k <= hi for k in document["within_noise"])
    else:
        assert advice["verdict"] == "no_clear_k"
        assert advice["k_range"] is None and document["recommended_k"] is None
    table = runner.invoke(app, ["sweep", "-i", str(sample_corpus), "--k", "3:7", "--samples",
                                "4"])  # fmt: skip
    assert table.exit_code == 0
    assert ("Plausible k = " in table.stdout) or ("No clear k" in table.stdout)
    assert "Next: " in table.stdout and advice["evidence"][:30] in " ".join(table.stdout.split())
