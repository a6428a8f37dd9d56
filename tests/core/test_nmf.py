"""NMF core: HALS and multiplicative updates, their properties, and scikit-learn as a peer."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.sparse as sp

from topiccli import nmf
from topiccli.corpus.synthetic import planted
from topiccli.errors import ConvergenceWarning, InvalidParameterError

SOLVERS = ["hals", "mu"]


def _counts(seed=0, n_docs=300, k=4):
    return planted(n_docs, k, seed=seed, texts=False).counts


def _quiet(**kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return nmf(**kwargs)


@pytest.mark.parametrize("solver", SOLVERS)
def test_factors_are_nonnegative_and_error_is_exact(solver):
    X = _counts()
    res = nmf(X, 4, solver=solver, max_iter=100)
    assert res.W.min() >= 0 and res.H.min() >= 0
    exact = np.linalg.norm(X.toarray() - res.W @ res.H)
    assert res.reconstruction_error == pytest.approx(exact, rel=1e-9)


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("init", ["nndsvd", "nndsvda", "random"])
def test_loss_never_rises(solver, init):
    errors = []
    _quiet(
        X=_counts(1),
        k=4,
        solver=solver,
        init=init,
        max_iter=40,
        tol=0,
        callback=lambda i, e: errors.append(e),
    )
    assert len(errors) >= 5  # tol=0 still stops once rounding noise makes the loss rise
    assert np.all(np.diff(errors) <= 1e-9 * errors[0])


@pytest.mark.parametrize("solver", SOLVERS)
def test_exact_recovery_of_planted_nonnegative_low_rank_matrix(solver):
    rng = np.random.default_rng(0)
    W, H = rng.random((60, 3)), rng.random((3, 40))
    X = W @ H
    res = _quiet(X=X, k=3, solver=solver, max_iter=3000, tol=1e-12)
    limit = 1e-4 if solver == "hals" else 1e-2
    assert res.reconstruction_error < limit * np.linalg.norm(X)


def test_hals_recovers_a_planted_sparse_factorization_exactly():
    rng = np.random.default_rng(1)
    W = sp.random(200, 4, density=0.5, random_state=1).toarray() + np.eye(200, 4)
    H = sp.random(4, 150, density=0.5, random_state=2).toarray() + np.eye(4, 150)
    X = sp.csr_matrix(W @ H)
    res = _quiet(X=X, k=4, max_iter=5000, tol=1e-14)
    assert res.reconstruction_error < 1e-6 * np.linalg.norm(W @ H)
    assert rng is not None


def test_hals_is_no_worse_than_scikit_learn_cd():
    from sklearn.decomposition import NMF

    X = _counts(2)
    ours = nmf(X, 4, init="nndsvd", max_iter=1000, tol=1e-7)
    theirs = NMF(4, init="nndsvd", solver="cd", max_iter=1000, tol=1e-7).fit(X)
    assert ours.reconstruction_error <= theirs.reconstruction_err_ * (1 + 1e-4)


def test_mu_is_no_worse_than_scikit_learn_mu():
    from sklearn.decomposition import NMF

    X = _counts(2)
    ours = nmf(X, 4, solver="mu", max_iter=400, tol=1e-6)
    theirs = NMF(4, init="nndsvda", solver="mu", max_iter=400, tol=1e-6).fit(X)
    assert ours.reconstruction_error <= theirs.reconstruction_err_ * 1.01


def _sklearn_objective(X, W, H, alpha_W, alpha_H, l1_ratio):
    """scikit-learn's penalised Frobenius objective (n_samples/n_features scaling)."""
    m, n = X.shape
    fit = 0.5 * np.linalg.norm(X - W @ H) ** 2
    pen_w = n * alpha_W * (l1_ratio * W.sum() + 0.5 * (1 - l1_ratio) * (W**2).sum())
    pen_h = m * alpha_H * (l1_ratio * H.sum() + 0.5 * (1 - l1_ratio) * (H**2).sum())
    return fit + pen_w + pen_h


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize(
    ("alpha_W", "alpha_H", "l1_ratio"), [(0.01, "same", 0.0), (0.02, 0.005, 1.0), (0.01, 0.01, 0.5)]
)
def test_regularised_objective_matches_scikit_learn(solver, alpha_W, alpha_H, l1_ratio):
    from sklearn.decomposition import NMF

    X = _counts(3, n_docs=200)
    dense = X.toarray()
    kwargs = dict(alpha_W=alpha_W, alpha_H=alpha_H, l1_ratio=l1_ratio)
    init = "nndsvd" if solver == "hals" else "nndsvda"
    ours = _quiet(X=X, k=4, solver=solver, init=init, max_iter=2000, tol=1e-9, **kwargs)
    sk_solver = "cd" if solver == "hals" else "mu"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = NMF(4, init=init, solver=sk_solver, max_iter=2000, tol=1e-9, **kwargs)
        W = theirs.fit_transform(X)
    a_h = alpha_W if alpha_H == "same" else alpha_H
    mine = _sklearn_objective(dense, ours.W, ours.H, alpha_W, a_h, l1_ratio)
    peer = _sklearn_objective(dense, W, theirs.components_, alpha_W, a_h, l1_ratio)
    assert mine <= peer * (1 + 1e-3)


def test_l1_regularisation_makes_sparser_topics():
    X = _counts(4)
    plain = nmf(X, 4, max_iter=500, tol=1e-6)
    sparse_fit = nmf(X, 4, max_iter=500, tol=1e-6, alpha_W=0.002, l1_ratio=1.0)
    assert (sparse_fit.H == 0).mean() > (plain.H == 0).mean()


def test_planted_topics_are_recovered():
    corpus = planted(400, 5, seed=4, texts=False)
    res = nmf(corpus.counts, 5, max_iter=300, tol=1e-6)
    found = {frozenset(np.argsort(-h)[:5] // 40) for h in res.H}
    assert found == {frozenset({t}) for t in range(5)}


def test_mu_moves_past_nndsvd_zeros():
    X = _counts(5)
    res = _quiet(X=X, k=4, solver="mu", init="nndsvd", max_iter=300, tol=1e-7)
    ref = nmf(X, 4, solver="hals", max_iter=300, tol=1e-7)
    assert res.init == "nndsvd"
    assert res.reconstruction_error <= ref.reconstruction_error * 1.02


@pytest.mark.parametrize("solver", SOLVERS)
def test_max_iter_reached_warns_and_reports_not_converged(solver):
    with pytest.warns(ConvergenceWarning, match="max_iter=2"):
        res = nmf(_counts(), 4, solver=solver, max_iter=2, tol=0)
    assert res.n_iter == 2 and not res.converged


def test_converged_run_reports_its_iterations_and_defaults():
    res = nmf(_counts(), 4, max_iter=1000, tol=1e-3)
    assert res.converged and 1 <= res.n_iter < 1000
    assert (res.solver, res.init) == ("hals", "nndsvd")
    assert nmf(_counts(), 4, solver="mu").init == "nndsvda"


@pytest.mark.parametrize("solver", SOLVERS)
def test_zero_rows_and_columns_stay_finite(solver):
    X = _counts().tolil()
    X[5, :] = 0
    X[:, 7] = 0
    res = nmf(sp.csr_matrix(X), 3, solver=solver, max_iter=50)
    assert np.isfinite(res.W).all() and np.isfinite(res.H).all()
    assert np.allclose(res.W[5], 0, atol=1e-8) and np.allclose(res.H[:, 7], 0, atol=1e-8)


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("k", [1, 19])
def test_smallest_and_largest_k(solver, k):
    X = sp.random(30, 20, density=0.4, random_state=1, format="csr")
    res = _quiet(X=X, k=k, solver=solver, max_iter=200)
    assert res.W.shape == (30, k) and res.H.shape == (k, 20)
    exact = np.linalg.norm(X.toarray() - res.W @ res.H)
    assert res.reconstruction_error == pytest.approx(exact, rel=1e-7, abs=1e-9)


@pytest.mark.parametrize("solver", SOLVERS)
def test_float32_stays_float32(solver):
    X = _counts().astype(np.float32)
    res = nmf(X, 4, solver=solver, max_iter=100)
    assert res.W.dtype == np.float32 and res.H.dtype == np.float32
    ref = nmf(X.astype(np.float64), 4, solver=solver, max_iter=100)
    assert res.reconstruction_error == pytest.approx(ref.reconstruction_error, rel=1e-3)


def test_dense_and_sparse_input_agree():
    X = _counts(6)
    a, b = nmf(X, 4, max_iter=50), nmf(X.toarray(), 4, max_iter=50)
    np.testing.assert_allclose(a.W, b.W, rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(a.H, b.H, rtol=1e-6, atol=1e-9)


def test_same_seed_gives_identical_factors():
    X = _counts(3)
    a, b = nmf(X, 4, init="random", seed=7), nmf(X, 4, init="random", seed=7)
    np.testing.assert_array_equal(a.W, b.W)
    np.testing.assert_array_equal(a.H, b.H)


@pytest.mark.parametrize("solver", SOLVERS)
def test_identical_factors_whatever_the_thread_count(solver):
    from threadpoolctl import threadpool_limits

    # Enough rows for several chunks, so the threads really split the work.
    X = planted(20000, 6, seed=8, texts=False).counts.astype(np.float32)
    results = []
    for threads, blas in [(1, 1), (2, 2), (3, 1), (4, 2)]:
        with threadpool_limits(blas):
            results.append(_quiet(X=X, k=6, solver=solver, max_iter=5, tol=0, threads=threads))
    for other in results[1:]:
        np.testing.assert_array_equal(results[0].W, other.W)
        np.testing.assert_array_equal(results[0].H, other.H)
        assert results[0].reconstruction_error == other.reconstruction_error


@pytest.mark.parametrize("threads", [0, -1, 1.5, "2", True])
def test_bad_thread_count_is_refused(threads):
    with pytest.raises(InvalidParameterError) as info:
        nmf(_counts(), 2, threads=threads)
    assert str(info.value) == f"threads must be a positive integer, got {threads!r}"


def test_the_core_reads_no_thread_count_from_the_environment(monkeypatch):
    """TOPICS_NUM_THREADS is read at the edge (topiccli.settings): the core ignores it."""
    from topiccli.settings import Settings

    monkeypatch.setenv("TOPICS_NUM_THREADS", "zero")
    assert nmf(_counts(), 2, max_iter=500).converged
    with pytest.raises(InvalidParameterError) as info:
        Settings.from_environ().threads()
    assert str(info.value) == "TOPICS_NUM_THREADS must be a positive integer, got 'zero'"
    assert Settings.from_environ({"TOPICS_NUM_THREADS": " 3 "}).threads() == 3


def test_negative_input_is_refused():
    with pytest.raises(InvalidParameterError, match="X must be nonnegative for NMF"):
        nmf(-np.ones((5, 4)), 2)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"init": "svd"}, "init must be one of 'nndsvda', 'nndsvd', 'random', got 'svd'"),
        ({"solver": "cd"}, "solver must be one of 'hals', 'mu', 'amu', 'ccd', got 'cd'"),
        ({"alpha_W": -1.0}, "alpha_W must be a finite number >= 0, got -1.0"),
        ({"alpha_H": "half"}, "alpha_H must be 'same' or a finite number >= 0, got 'half'"),
        ({"l1_ratio": 1.5}, "l1_ratio must be a number in [0, 1], got 1.5"),
        ({"max_iter": 0}, "max_iter must be a positive integer, got 0"),
        ({"tol": -1e-4}, "tol must be a finite number >= 0, got -0.0001"),
        ({"callback": 3}, "callback must be callable, got 3"),
    ],
)
def test_invalid_parameters_are_refused_with_exact_messages(kwargs, message):
    with pytest.raises(InvalidParameterError) as info:
        nmf(np.ones((5, 4)), 2, **kwargs)
    assert str(info.value) == message


@pytest.mark.parametrize("loss", ["frobenius", "kl"])
def test_a_start_of_the_callers_is_used_copied_and_checked(loss):
    X = _counts(k=3)
    first = _quiet(X=X, k=3, init="random", seed=4, max_iter=5, loss=loss)
    W0, H0 = first.W.copy(), first.H.copy()
    resumed = _quiet(X=X, k=3, init=(first.W, first.H), max_iter=3, loss=loss)
    assert resumed.init == "custom"
    np.testing.assert_array_equal(first.W, W0)  # the caller's arrays are not changed
    np.testing.assert_array_equal(first.H, H0)
    # Starting from a fitted pair, the fit carries on from there: no worse than it was.
    assert resumed.reconstruction_error <= first.reconstruction_error * (1 + 1e-9)
    fresh = _quiet(X=X, k=3, init="random", seed=4, max_iter=3, loss=loss)
    assert resumed.reconstruction_error < fresh.reconstruction_error
    with pytest.raises(InvalidParameterError, match=r"init H must be a numeric array of shape"):
        nmf(X, 3, init=(W0, H0[:2]), loss=loss)
    with pytest.raises(InvalidParameterError, match="init W must be finite and nonnegative"):
        nmf(X, 3, init=(-W0, H0), loss=loss)
