"""k by stability under resampling: Average Jaccard, matched agreement, planted corpora."""

from __future__ import annotations

import numpy as np
import pytest

from topiccli.corpus.synthetic import planted
from topiccli.quality.resampling import (
    agreement,
    average_jaccard,
    nmf_top_terms,
    recommend,
    stability_by_resampling,
    subsample,
)


def test_average_jaccard_of_identical_and_disjoint_lists():
    words = ["a", "b", "c", "d"]
    assert average_jaccard(words, list(words)) == 1.0
    assert average_jaccard(words, ["w", "x", "y", "z"]) == 0.0


def test_average_jaccard_by_hand():
    # d=1: {a} vs {b} -> 0; d=2: {a,b} vs {b,a} -> 1; d=3: {a,b,c} vs {b,a,d} -> 2/4
    assert average_jaccard(["a", "b", "c"], ["b", "a", "d"]) == pytest.approx((0 + 1 + 0.5) / 3)
    # Greene et al.'s example shape: one swap at the top weighs more than one at the bottom
    top = average_jaccard(["x", "b", "c", "d"], ["a", "b", "c", "d"])
    bottom = average_jaccard(["a", "b", "c", "x"], ["a", "b", "c", "d"])
    assert top < bottom
    assert bottom == pytest.approx((1 + 1 + 1 + 3 / 5) / 4)


def test_average_jaccard_compares_the_shorter_depth():
    assert average_jaccard(["a", "b"], ["a", "b", "c"]) == 1.0
    assert average_jaccard([], []) == 1.0


def test_agreement_is_invariant_to_topic_order():
    reference = [["a", "b", "c"], ["d", "e", "f"], ["g", "h", "i"]]
    other = [["g", "h", "x"], ["a", "c", "b"], ["d", "e", "f"]]
    value = agreement(reference, other)
    assert value == pytest.approx(agreement(reference, other[::-1]))
    assert value == pytest.approx(agreement(reference[::-1], other))
    expected = (average_jaccard(*[["a", "b", "c"], ["a", "c", "b"]]) + 1.0
                + average_jaccard(["g", "h", "i"], ["g", "h", "x"])) / 3  # fmt: skip
    assert value == pytest.approx(expected)
    assert agreement(reference, reference) == 1.0


def test_agreement_counts_a_missing_topic_as_zero():
    reference = [["a", "b"], ["c", "d"]]
    assert agreement(reference, [["a", "b"]]) == pytest.approx(0.5)


def test_subsamples_are_seeded_and_sized():
    first = subsample(100, 0.8, np.random.default_rng(3))
    again = subsample(100, 0.8, np.random.default_rng(3))
    assert len(first) == 80 and len(set(first)) == 80 and np.array_equal(first, again)


def fake_fit(X, k, seed):
    """Topics that only depend on k: stable at k = 3 only."""
    rng = np.random.default_rng(seed if k != 3 else 0)
    words = [f"w{i}" for i in range(40)]
    return [list(rng.permutation(words)[:20]) for _ in range(k)]


def test_rows_report_mean_std_and_samples():
    X = np.zeros((50, 4))
    rows = stability_by_resampling(X, [2, 3, 4], fake_fit, n_samples=4)
    assert [r["k"] for r in rows] == [2, 3, 4]
    assert all(len(r["samples"]) == 4 for r in rows)
    assert rows[1]["agreement"] == 1.0 and rows[1]["agreement_std"] == 0.0
    assert recommend(rows) == 3
    assert rows[0]["agreement_std"] == pytest.approx(np.std(rows[0]["samples"]))


def test_the_reference_comes_from_fit_reference():
    """The reference (all rows) is fitted by ``fit_reference``, only the subsamples by
    ``fit_top_terms``: a reference that matches no subsample fit scores 0 everywhere."""
    X = np.zeros((50, 4))

    def other_words(X, k, seed):
        return [[f"v{t}-{i}" for i in range(20)] for t in range(k)]

    rows = stability_by_resampling(X, [3], fake_fit, n_samples=3, fit_reference=other_words)
    assert rows[0]["agreement"] == 0.0
    assert stability_by_resampling(X, [3], fake_fit, n_samples=3)[0]["agreement"] == 1.0


def test_the_sweep_fits_its_reference_from_nndsvd(monkeypatch):
    """Greene et al.'s design, as the sweep runs it: the reference from NNDSVD, the subsample
    fits from random starts (scripts/evaluate_k.md: 11 of 16 labelled corpora against 8)."""
    from topiccli.models import sweep
    from topiccli.quality import resampling

    made = []
    original = resampling.nmf_top_terms

    def recording(terms, top_t=20, **options):
        made.append(options["init"])
        return original(terms, top_t, **options)

    seen = {}

    def fake_stability(X, ks, fit_top_terms, *, n_samples, seed, fit_reference):
        seen["inits"] = list(made)
        return [{"agreement": 1.0, "agreement_std": 0.0, "samples": [1.0]} for _ in ks]

    monkeypatch.setattr(resampling, "nmf_top_terms", recording)
    monkeypatch.setattr(resampling, "stability_by_resampling", fake_stability)
    corpus = planted(60, 2, seed=0)

    class DT:
        X, terms = corpus.counts, corpus.vocabulary

    from topiccli.specs import SweepSpec

    spec = SweepSpec(ks=(2,))
    from topiccli.models.engine import LocalEngine

    sweep._with_agreement([sweep_row(2)], DT, spec, LocalEngine())
    assert seen["inits"] == ["random", "nndsvd"]


def sweep_row(k):
    from topiccli.quality.sweep import SweepRow

    return SweepRow(k=k, coherence_npmi=0.0, diversity=1.0, fit=0.5, label_nmi=None,
                    stability=None, score=0.5)  # fmt: skip


def test_deterministic_for_a_seed():
    corpus = planted(200, 3, seed=1)
    fit = nmf_top_terms(corpus.vocabulary, init="random")
    once = stability_by_resampling(corpus.counts, [2, 3], fit, n_samples=3)
    twice = stability_by_resampling(corpus.counts, [2, 3], fit, n_samples=3)
    assert once == twice


@pytest.mark.parametrize("k_true", [3, 5, 8])
def test_planted_corpora_peak_at_the_planted_k(k_true):
    corpus = planted(400, k_true, seed=k_true)
    fit = nmf_top_terms(corpus.vocabulary, init="random")
    rows = stability_by_resampling(corpus.counts, range(2, 11), fit, n_samples=5)
    assert recommend(rows) == k_true
    best = max(r["agreement"] for r in rows)
    assert best > 0.9


def test_bad_arguments():
    with pytest.raises(ValueError):
        stability_by_resampling(np.zeros((5, 2)), [2], fake_fit, fraction=0)
    with pytest.raises(ValueError):
        stability_by_resampling(np.zeros((5, 2)), [2], fake_fit, n_samples=0)
