"""NMF core: properties of the multiplicative updates, recovery, and scikit-learn as a peer."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.sparse as sp

from topiccli import nmf
from topiccli.errors import ConvergenceWarning, InvalidParameterError
from topiccli.synthetic import planted


def _counts(seed=0):
    return planted(300, 4, seed=seed, texts=False).counts


def test_factors_are_nonnegative_and_error_is_exact():
    X = _counts()
    res = nmf(X, 4, max_iter=100)
    assert res.W.min() >= 0 and res.H.min() >= 0
    exact = np.linalg.norm(X.toarray() - res.W @ res.H)
    assert res.reconstruction_error == pytest.approx(exact, rel=1e-9)


def test_loss_never_rises_under_multiplicative_updates():
    X = _counts(1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        errors = [nmf(X, 4, max_iter=i, tol=0).reconstruction_error for i in range(1, 40)]
    assert np.all(np.diff(errors) <= 1e-9 * errors[0])


def test_exact_recovery_of_planted_nonnegative_low_rank_matrix():
    rng = np.random.default_rng(0)
    W, H = rng.random((60, 3)), rng.random((3, 40))
    X = W @ H
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        res = nmf(X, 3, max_iter=3000, tol=0)
    assert res.reconstruction_error < 1e-2 * np.linalg.norm(X)


def test_error_is_no_worse_than_scikit_learn_mu():
    from sklearn.decomposition import NMF

    X = _counts(2)
    ours = nmf(X, 4, max_iter=400, tol=1e-6)
    theirs = NMF(4, init="nndsvda", solver="mu", max_iter=400, tol=1e-6).fit(X)
    assert ours.reconstruction_error <= theirs.reconstruction_err_ * 1.01


def test_planted_topics_are_recovered():
    corpus = planted(400, 5, seed=4, texts=False)
    res = nmf(corpus.counts, 5, max_iter=300, tol=1e-6)
    found = {frozenset(np.argsort(-h)[:5] // 40) for h in res.H}
    assert found == {frozenset({t}) for t in range(5)}


def test_max_iter_reached_warns_and_reports_not_converged():
    with pytest.warns(ConvergenceWarning, match="max_iter=2"):
        res = nmf(_counts(), 4, max_iter=2, tol=0)
    assert res.n_iter == 2 and not res.converged


def test_converged_run_reports_its_iterations():
    res = nmf(_counts(), 4, max_iter=1000, tol=1e-3)
    assert res.converged and 1 <= res.n_iter < 1000


def test_zero_rows_and_columns_stay_finite():
    X = _counts().tolil()
    X[5, :] = 0
    X[:, 7] = 0
    res = nmf(sp.csr_matrix(X), 3, max_iter=50)
    assert np.isfinite(res.W).all() and np.isfinite(res.H).all()
    assert np.allclose(res.W[5], 0, atol=1e-8) and np.allclose(res.H[:, 7], 0, atol=1e-8)


def test_same_seed_gives_identical_factors():
    X = _counts(3)
    a, b = nmf(X, 4, init="random", seed=7), nmf(X, 4, init="random", seed=7)
    np.testing.assert_array_equal(a.W, b.W)
    np.testing.assert_array_equal(a.H, b.H)


def test_negative_input_is_refused():
    with pytest.raises(InvalidParameterError, match="X must be nonnegative for NMF"):
        nmf(-np.ones((5, 4)), 2)


def test_unknown_init_is_refused_with_the_choices():
    with pytest.raises(InvalidParameterError) as info:
        nmf(np.ones((5, 4)), 2, init="svd")
    assert str(info.value) == "init must be one of 'nndsvda', 'nndsvd', 'random', got 'svd'"
