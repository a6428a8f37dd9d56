"""The KL-divergence NMF solver (topiccli/factorize/_kl.py) on small matrices."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.sparse as sp

from topiccli.factorize._kl import (
    KL_SOLVERS,
    _Serial,
    fit_kl,
    kl_divergence,
    reconstruction_error,
)


def _start(shape, k, seed=1):
    rng = np.random.default_rng(seed)
    return rng.random((shape[0], k)) + 0.1, rng.random((k, shape[1])) + 0.1


def _counts(m=40, n=30, density=0.3, seed=0):
    """A sparse matrix of small counts, like a tiny document-term matrix."""
    rng = np.random.default_rng(seed)
    X = sp.random(m, n, density=density, random_state=rng, format="csr")
    X.data = np.ceil(X.data * 5)
    return X


def _dense_kl(X, W, H) -> float:
    X = np.asarray(X.todense()) if sp.issparse(X) else X
    WH = W @ H
    mask = X > 0
    return float(np.sum(X[mask] * np.log(X[mask] / WH[mask])) - X.sum() + WH.sum())


def test_divergence_matches_the_dense_formula_and_never_forms_wh():
    X = _counts()
    W, H = _start(X.shape, 4)
    assert kl_divergence(X, W, H) == pytest.approx(_dense_kl(X, W, H), rel=1e-12)
    assert kl_divergence(X.toarray(), W, H) == pytest.approx(_dense_kl(X, W, H), rel=1e-12)
    assert kl_divergence(X, W, H) > 0


def test_divergence_is_zero_on_an_exact_factorization():
    W, H = _start((20, 15), 3)
    assert kl_divergence(W @ H, W, H) == pytest.approx(0.0, abs=1e-10)


@pytest.mark.parametrize("solver", KL_SOLVERS)
def test_divergence_never_rises(solver):
    X = _counts(seed=3)
    W, H = _start(X.shape, 5)
    seen = []
    fit = fit_kl(X, W, H, solver=solver, max_iter=150, tol=0.0,
                 callback=lambda i, d: seen.append(d))  # fmt: skip
    # ccd reaches the minimum to the last bits first (then a step lowers D by nothing: done)
    assert len(seen) == fit.n_iter and (fit.n_iter == 150 or solver == "ccd" and fit.converged)
    steps = np.diff([kl_divergence(X, W, H), *seen])
    assert np.all(steps <= 1e-12 * seen[0]), steps.max()
    assert seen[-1] < 0.8 * seen[0]


@pytest.mark.parametrize("solver", KL_SOLVERS)
def test_recovers_planted_low_rank_data_exactly(solver):
    rng = np.random.default_rng(7)
    W0 = rng.random((30, 3)) + 0.05
    H0 = rng.random((3, 25)) + 0.05
    X = W0 @ H0
    W, H = _start(X.shape, 3, seed=2)
    fit = fit_kl(X, W, H, solver=solver, max_iter=20000, tol=1e-14)
    assert fit.divergence < 1e-8 * X.sum()
    assert np.linalg.norm(X - fit.W @ fit.H) < 1e-4 * np.linalg.norm(X)


def _sklearn_kl(X, W, H):
    NMF = pytest.importorskip("sklearn.decomposition").NMF
    model = NMF(3, init="custom", beta_loss="kullback-leibler", solver="mu", max_iter=2000)
    model.set_params(tol=1e-7)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        W_sk = model.fit_transform(X, W=W.copy(), H=H.copy())
    return kl_divergence(X, W_sk, model.components_), model


def test_plain_mu_reaches_scikit_learns_divergence():
    for seed in range(3):
        X = _counts(m=30, n=24, seed=seed)
        W, H = _start(X.shape, 3, seed=seed)
        theirs, model = _sklearn_kl(X, W, H)
        ours = fit_kl(X, W, H, solver="mu", max_iter=2000, tol=1e-7).divergence
        assert ours <= theirs * (1 + 1e-3)
        # reconstruction_error has scikit-learn's meaning for KL: √(2·D).
        assert reconstruction_error(theirs) == pytest.approx(model.reconstruction_err_, rel=1e-6)


def test_accelerated_mu_reaches_scikit_learns_divergence_on_average():
    # Over-relaxed steps take another path, so each start may end in another local minimum
    # (better or worse by up to about 0.5%); summed over starts it is no worse.
    ours = theirs = 0.0
    for seed in range(8):
        X = _counts(m=30, n=24, seed=seed)
        W, H = _start(X.shape, 3, seed=seed)
        theirs += _sklearn_kl(X, W, H)[0]
        ours += fit_kl(X, W, H, solver="amu", max_iter=2000, tol=1e-7).divergence
    assert ours <= theirs * (1 + 1e-3)


@pytest.mark.parametrize("solver", KL_SOLVERS)
def test_sparse_and_dense_inputs_give_the_same_result(solver):
    X = _counts(seed=5)
    W, H = _start(X.shape, 4)
    a = fit_kl(X, W, H, solver=solver, max_iter=60, tol=0.0)
    b = fit_kl(X.toarray(), W, H, solver=solver, max_iter=60, tol=0.0)
    assert np.array_equal(a.W, b.W) and np.array_equal(a.H, b.H)
    assert a.divergence == b.divergence


def test_same_inputs_give_identical_factors():
    X = _counts(seed=6)
    W, H = _start(X.shape, 4)
    a = fit_kl(X, W, H, max_iter=40, tol=0.0)
    b = fit_kl(X, W, H, max_iter=40, tol=0.0)
    assert np.array_equal(a.W, b.W) and np.array_equal(a.H, b.H)


def test_inputs_are_not_modified():
    X = _counts(seed=6)
    W, H = _start(X.shape, 4)
    W0, H0, data = W.copy(), H.copy(), X.data.copy()
    fit_kl(X, W, H, max_iter=5, tol=0.0)
    assert np.array_equal(W, W0) and np.array_equal(H, H0) and np.array_equal(X.data, data)


@pytest.mark.parametrize("solver", KL_SOLVERS)
def test_zero_rows_and_columns(solver):
    X = _counts(seed=8).tolil()
    X[3, :] = 0
    X[:, 7] = 0
    X = X.tocsr()
    W, H = _start(X.shape, 3)
    fit = fit_kl(X, W, H, solver=solver, max_iter=100, tol=1e-6)
    assert np.all(np.isfinite(fit.W)) and np.all(np.isfinite(fit.H))
    assert np.all(fit.W >= 0) and np.all(fit.H >= 0)
    # An empty document or term can only add Σ(WH) to D, so its factor row is driven to zero.
    assert np.all(fit.W[3] == 0) and np.all(fit.H[:, 7] == 0)
    assert np.isfinite(fit.divergence)


def test_rank_one_is_the_outer_product_of_the_marginals():
    # Under KL the best rank-1 fit is (row sums)(column sums)/total, reached in one MU step.
    X = _counts(seed=9)
    W, H = _start(X.shape, 1)
    fit = fit_kl(X, W, H, solver="mu", max_iter=50, tol=1e-12)
    dense = X.toarray()
    expected = np.outer(dense.sum(1), dense.sum(0)) / dense.sum()
    assert np.allclose(fit.W @ fit.H, expected, rtol=1e-8, atol=1e-12)
    assert fit.converged


def test_float32_input_gives_float32_factors():
    X = _counts(seed=4).astype(np.float32)
    W, H = _start(X.shape, 3)
    fit = fit_kl(X, W.astype(np.float32), H.astype(np.float32), max_iter=10, tol=0.0)
    assert fit.W.dtype == np.float32 and fit.H.dtype == np.float32


def test_stopping_reports_convergence_and_max_iter():
    X = _counts(seed=2)
    W, H = _start(X.shape, 3)
    short = fit_kl(X, W, H, max_iter=2, tol=1e-12)
    assert (short.n_iter, short.converged) == (2, False)
    loose = fit_kl(X, W, H, max_iter=500, tol=1e-2)
    assert loose.converged and loose.n_iter < 500


def test_a_pattern_pickles_without_its_threads_buffers():
    # A Dask worker keeps (and may spill or move) a block's pattern: it must pickle, and the
    # copy works the same.
    import pickle

    from topiccli.factorize._kl import SparsePattern

    X = _counts(seed=3)
    W, H = _start(X.shape, 3)
    pattern = SparsePattern(X)
    copy = pickle.loads(pickle.dumps(pattern))
    first, again = np.empty(X.nnz), np.empty(X.nnz)
    Ht = np.ascontiguousarray(H.T)
    assert pattern.refresh(W, Ht, first, _Serial) == copy.refresh(W, Ht, again, _Serial)
    assert np.array_equal(first, again)


def test_ccd_objective_is_exact_and_never_rises_between_exact_refreshes():
    # ccd reports the objective from its accepted steps' exact changes (recomputing (WH) every
    # few iterations): each stop's factors must score exactly what the run reported.
    X = _counts(seed=11)
    W, H = _start(X.shape, 4)
    exact = [kl_divergence(X, W, H)]
    for n in range(1, 26):
        fit = fit_kl(X, W, H, solver="ccd", max_iter=n, tol=0.0)
        assert fit.n_iter == n
        exact.append(kl_divergence(X, fit.W, fit.H))
        assert fit.divergence == pytest.approx(exact[-1], rel=1e-10)
    assert np.all(np.diff(exact) <= 1e-12 * exact[0])


def test_ccd_is_identical_on_one_and_two_threads():
    from topiccli.corpus.synthetic import planted
    from topiccli.factorize._parallel import runner

    X = planted(400, 4, seed=3, texts=False).counts.astype(np.float64)
    W, H = _start(X.shape, 4, seed=3)
    fits = []
    for threads in (1, 2):
        with runner(threads) as pool:
            fits.append(fit_kl(X, W, H, solver="ccd", max_iter=15, tol=0.0, pool=pool,
                               threads=threads))  # fmt: skip
    assert np.array_equal(fits[0].W, fits[1].W) and np.array_equal(fits[0].H, fits[1].H)
    assert fits[0].divergence == fits[1].divergence


def test_ccd_finds_amus_converged_topics_on_a_planted_corpus():
    # Both solvers minimise the same D from the same start; on a planted corpus both end at its
    # topics: the same top words per topic, the same top topic per document, D within 1e-4.
    import topiccli
    from topiccli.corpus.synthetic import planted
    from topiccli.factorize.stopping import top_topics, top_words

    corpus = planted(600, 5, seed=4, texts=False)
    X = corpus.counts.astype(np.float64)
    ccd = topiccli.nmf(X, 5, loss="kl", solver="ccd", tol=1e-9, max_iter=2000)
    amu = topiccli.nmf(X, 5, loss="kl", solver="amu", tol=1e-9, max_iter=2000)
    assert ccd.converged and amu.converged and ccd.n_iter <= amu.n_iter + 1
    assert ccd.divergence == pytest.approx(amu.divergence, rel=1e-4)
    words = [set(w) for w in top_words(np.ascontiguousarray(amu.H.T), 8)]
    for w in top_words(np.ascontiguousarray(ccd.H.T), 8):
        assert max(len(set(w) & other) for other in words) >= 7
    ours, theirs = top_topics(ccd.W), top_topics(amu.W)
    matched = {a: np.bincount(theirs[ours == a]).argmax() for a in np.unique(ours)}
    assert np.mean([matched[a] for a in ours] == theirs) >= 0.99


def test_ccd_redoes_a_plain_sweep_that_raised_the_objective_with_every_step_checked():
    # From this start (found by search: 2 documents, 6 terms, one topic of very uneven scale)
    # the unchecked Newton steps raise D (27.6 to 41.7); from an accepted pair the solver
    # must not, so it undoes them and takes the checked sweep instead.
    from topiccli.factorize import _kl_cd
    from topiccli.factorize._kl import Penalty, SparsePattern

    rng = np.random.default_rng(97)
    m, n, k = rng.integers(2, 8), rng.integers(2, 8), rng.integers(1, 4)
    X = sp.csr_matrix(np.where(rng.random((m, n)) < 0.6, np.ceil(rng.random((m, n)) * 5), 0.0))
    W = rng.random((m, k)) * 10.0 ** rng.uniform(-3, 3, size=(m, k))
    H = rng.random((k, n)) * 10.0 ** rng.uniform(-3, 3, size=(k, n))
    pattern = SparsePattern(X, 1)
    sides = _kl_cd._sides(pattern, 1)
    start = kl_divergence(X, W, H)
    reached = {}
    for checked, keep in ((False, False), (True, False), (False, True)):
        Wt, Hk, v = np.array(W.T, order="C"), H.copy(), np.empty(X.nnz)
        kept = (Wt.copy(), Hk.copy()) if keep else None
        objective = _kl_cd._step(pattern, sides, Wt, Hk, v, Penalty(), _Serial,
                                 checked=checked, kept=kept)  # fmt: skip
        assert objective == pytest.approx(kl_divergence(X, Wt.T, Hk), rel=1e-12)
        reached[checked, keep] = (objective, Wt, Hk)
    assert reached[False, False][0] > 1.4 * start  # unchecked: the objective rose
    assert reached[True, False][0] < start  # checked: it fell
    assert reached[False, True][0] == reached[True, False][0]  # kept: the checked sweep's
    assert np.array_equal(reached[False, True][1], reached[True, False][1])


def test_ccd_with_penalties_never_rises():
    from topiccli.factorize._kl import Penalty

    X = _counts(seed=12)
    W, H = _start(X.shape, 4)
    penalty = Penalty(l1_W=0.3, l1_H=0.2, l2_W=0.5, l2_H=0.1)

    def objective(W, H):
        return kl_divergence(X, W, H) + penalty.value(W, np.ascontiguousarray(H.T))

    seen = [objective(W, H)]
    for n in (1, 2, 3, 5, 8, 13, 21):
        fit = fit_kl(X, W, H, solver="ccd", max_iter=n, tol=0.0, penalty=penalty)
        seen.append(objective(fit.W, fit.H))
    assert np.all(np.diff(seen) <= 1e-12 * seen[0])
    assert seen[-1] < 0.9 * seen[0]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_the_relaxed_step_is_the_plain_power_where_the_factor_is_not_zero(dtype):
    # relaxed_ratio skips the slow underflowing power where F is zero; F times it must be F
    # times the plain power bit for bit, including entries of F whose power underflows.
    from topiccli.factorize._kl import relaxed_ratio

    rng = np.random.default_rng(4)
    F = rng.random((200, 8)).astype(dtype)
    F[rng.random(F.shape) < 0.6] = 0.0
    ratio = rng.random(F.shape).astype(dtype)
    tiny = rng.random(F.shape) < 0.4
    ratio[tiny] = rng.choice([1e-300, 1e-100, 1e-30, 1e-12], size=int(tiny.sum()))
    assert (F[ratio < 1e-11] != 0).sum() > 20  # powers that underflow where F is not zero
    for eta in (1.25, 2.441, 4.0):
        with np.errstate(under="ignore"):
            expected = F * np.power(ratio, dtype(eta))
        got = F * relaxed_ratio(F, ratio, eta)
        assert got.dtype == dtype
        assert np.array_equal(got, expected)
