"""Settled topics (issue 26): the Settle stopping rule, the warm start from a sample, float32."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import topiccli
from topiccli.corpus.synthetic import planted
from topiccli.errors import InvalidParameterError
from topiccli.factorize.stopping import Settle, Tolerance, top_topics, top_words
from topiccli.factorize.warm import sample_rows
from topiccli.specs import NMF_SETTLE, ModelSpec


def _fit(X, k, **options):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return topiccli.nmf(X, k, **options)


def _kept(a, b, k):
    """(worst topic's top-8 words kept, share of documents keeping their top topic): a vs b,
    topics matched by top-word overlap."""
    from scipy.optimize import linear_sum_assignment

    wa, wb = top_words(np.ascontiguousarray(a.H.T), 8), top_words(np.ascontiguousarray(b.H.T), 8)
    overlap = np.array([[len(np.intersect1d(x, y)) for y in wb] for x in wa])
    rows, cols = linear_sum_assignment(overlap, maximize=True)
    mapping = np.empty(k, dtype=int)
    mapping[rows] = cols
    docs = np.mean(mapping[top_topics(a.W)] == top_topics(b.W))
    return int(overlap[rows, cols].min()), float(docs)


@pytest.fixture(scope="module")
def corpus():
    return planted(3000, 6, seed=5, texts=False).counts.tocsr().astype(np.float64)


@pytest.mark.parametrize("loss", ["frobenius", "kl"])
def test_the_default_rule_gives_settled_topics(corpus, loss):
    rule = Settle(**NMF_SETTLE[loss])
    fit = _fit(corpus, 6, loss=loss, stop=rule, max_iter=ModelSpec.max_iter)
    reference = _fit(corpus, 6, loss=loss, tol=1e-8, max_iter=1000)
    assert fit.converged and fit.n_iter <= reference.n_iter
    words, docs = _kept(fit, reference, 6)
    assert words >= 7 and docs >= 0.99
    assert fit.divergence / reference.divergence - 1 <= 1e-3


def test_settle_waits_for_quiet_checks():
    rule = Settle(every=2, patience=2, doc_share=0.0, guard=1.0, tol=0.0)
    tracker = rule.start()
    W = np.eye(3)
    Ht = np.eye(12, 3)
    stops = [tracker.done(i, 2.0, 1.0, W, Ht) for i in range(1, 7)]
    # checks at 2 (first, nothing to compare), 4 (quiet 1), 6 (quiet 2: stop)
    assert stops == [False] * 5 + [True]
    moved = rule.start()
    assert not any(moved.done(i, 2.0, 1.0, np.roll(W, i, axis=1), Ht) for i in range(1, 9))


def test_a_tolerance_rule_is_the_classic_test(corpus):
    a = _fit(corpus, 6, tol=1e-3)
    b = _fit(corpus, 6, stop=Tolerance(1e-3))
    assert a.n_iter == b.n_iter and np.array_equal(a.W, b.W)


def test_a_bad_stop_is_refused(corpus):
    with pytest.raises(InvalidParameterError):
        topiccli.nmf(corpus, 3, stop="settle")
    with pytest.raises(InvalidParameterError):
        topiccli.nmf(corpus, 3, warm=-1)


def test_sample_rows_are_seeded_distinct_and_sorted():
    a, b = sample_rows(1000, 100, 3), sample_rows(1000, 100, 3)
    assert np.array_equal(a, b) and len(np.unique(a)) == 100 and np.all(np.diff(a) > 0)
    assert not np.array_equal(a, sample_rows(1000, 100, 4))
    assert np.array_equal(sample_rows(50, 100, 0), np.arange(50))


@pytest.mark.parametrize("loss", ["frobenius", "kl"])
def test_warm_start_equals_cold_start_on_planted_topics(corpus, loss):
    rule = Settle(**NMF_SETTLE[loss])
    cold = _fit(corpus, 6, loss=loss, stop=rule, max_iter=500)
    warm = _fit(corpus, 6, loss=loss, stop=rule, max_iter=500, warm=600)
    again = _fit(corpus, 6, loss=loss, stop=rule, max_iter=500, warm=600)
    assert warm.warm_rows == 600 and warm.warm_iter > 0 and cold.warm_rows == 0
    assert np.array_equal(warm.W, again.W) and np.array_equal(warm.H, again.H)
    words, docs = _kept(warm, cold, 6)
    assert words >= 7 and docs >= 0.99
    assert abs(warm.divergence / cold.divergence - 1) <= 1e-3


@pytest.mark.parametrize("loss", ["frobenius", "kl"])
def test_float32_is_deterministic_across_threads_and_matches_float64(monkeypatch, loss):
    X = planted(4000, 5, seed=2, texts=False).counts.tocsr()
    fits = []
    for threads in ("1", "3"):
        monkeypatch.setenv("TOPICS_NUM_THREADS", threads)
        fits.append(_fit(X.astype(np.float32), 5, loss=loss, stop=Settle(), warm=800))
    one, three = fits
    assert one.W.dtype == np.float32 and one.H.dtype == np.float32
    assert np.array_equal(one.W, three.W) and np.array_equal(one.H, three.H)
    double = _fit(X.astype(np.float64), 5, loss=loss, stop=Settle(), warm=800)
    words, docs = _kept(one, double, 5)
    assert words >= 7 and docs >= 0.99
    assert abs(one.divergence / double.divergence - 1) <= 1e-3


def test_the_model_layer_resolves_rule_dtype_and_warm_start():
    spec = ModelSpec(method="nmf")
    assert spec.nmf_stop("kl") == {"rule": "settle", **NMF_SETTLE["kl"]}
    assert ModelSpec(method="nmf", tol=1e-4).nmf_stop("kl") == {"rule": "tolerance", "tol": 1e-4}
    assert spec.nmf_dtype(10) == "float64" and spec.nmf_dtype(10**7) == "float64"
    assert ModelSpec(method="nmf", dtype="float32").nmf_dtype(10) == "float32"
    assert ModelSpec(method="nmf", dtype="float64").nmf_dtype(10**7) == "float64"
    assert spec.nmf_warm(10_000) == 0
    assert ModelSpec(method="nmf", warm=True).nmf_warm(100_000) == 10_000
    assert ModelSpec(method="nmf", warm=True).nmf_warm(4_000) == 0


@pytest.mark.parametrize(
    ("options", "rule", "dtype"),
    [({}, "settle", "float64"), ({"tol": 1e-3}, "tolerance", "float64"),
     ({"dtype": "float32"}, "settle", "float32")],
)  # fmt: skip
def test_a_fit_reports_its_rule_and_precision(options, rule, dtype):
    import scipy.sparse as sp

    from topiccli.models.fitting import fit_model, resolve_model
    from topiccli.specs import VectorizerSettings
    from topiccli.text.vectorize import DocumentTerm

    X = sp.csr_matrix(np.random.default_rng(0).poisson(1.0, (40, 12)).astype(float))
    dt = DocumentTerm(X=X, terms=np.array([f"t{i}" for i in range(12)]), idf=None,
                      settings=VectorizerSettings(kind="count"))  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fitted = fit_model(dt, resolve_model(ModelSpec(method="nmf", k=3, **options), "count"))
    assert fitted.details["stop_rule"] == rule and fitted.details["dtype"] == dtype
    assert fitted.details["warm_rows"] == 0


def test_any_rule_object_runs_and_warns_at_max_iter(corpus):
    from topiccli.errors import ConvergenceWarning

    class Never:
        def start(self):
            return self

        def done(self, n_iter, previous, current, W, Ht):
            return False

    for loss in ("frobenius", "kl"):
        with pytest.warns(ConvergenceWarning, match="max_iter=3"):
            fit = topiccli.nmf(corpus, 3, loss=loss, stop=Never(), max_iter=3)
        assert fit.n_iter == 3 and not fit.converged
