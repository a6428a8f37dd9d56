"""Truncated SVD against scipy's dense SVD, and its sign and order conventions."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from topiccli import truncated_svd
from topiccli.errors import InvalidParameterError


def _random(m=120, n=90, density=0.1, seed=0, dtype=np.float64):
    return sp.random(m, n, density=density, random_state=seed, format="csr", dtype=dtype)


@pytest.mark.parametrize("solver", ["propack", "arpack"])
def test_singular_values_match_dense_svd(solver):
    X = _random()
    res = truncated_svd(X, 10, solver=solver)
    dense = np.linalg.svd(X.toarray(), compute_uv=False)[:10]
    np.testing.assert_allclose(res.s, dense, rtol=1e-8)


def test_factors_are_orthonormal_and_reconstruct_the_projection():
    X = _random()
    res = truncated_svd(X, 8)
    np.testing.assert_allclose(res.U.T @ res.U, np.eye(8), atol=1e-10)
    np.testing.assert_allclose(res.Vt @ res.Vt.T, np.eye(8), atol=1e-10)
    np.testing.assert_allclose(X @ res.Vt.T, res.U * res.s, atol=1e-8)


def test_components_are_in_decreasing_order_with_positive_largest_loading():
    res = truncated_svd(_random(seed=3), 6)
    assert np.all(np.diff(res.s) <= 0)
    pivots = np.argmax(np.abs(res.Vt), axis=1)
    assert np.all(res.Vt[np.arange(6), pivots] > 0)


def test_same_seed_same_factors_and_other_seed_same_orientation():
    X = _random(seed=5)
    a, b, c = truncated_svd(X, 5, seed=1), truncated_svd(X, 5, seed=1), truncated_svd(X, 5, seed=9)
    np.testing.assert_array_equal(a.Vt, b.Vt)
    np.testing.assert_allclose(np.abs(a.Vt @ c.Vt.T).diagonal(), 1.0, atol=1e-8)
    np.testing.assert_allclose(a.Vt, c.Vt, atol=1e-6)


def test_dense_and_sparse_input_agree():
    X = _random(seed=7)
    np.testing.assert_allclose(truncated_svd(X.toarray(), 4).s, truncated_svd(X, 4).s)


def test_sparse_input_is_never_densified(monkeypatch):
    X = _random(seed=2)

    def refuse(*args, **kwargs):
        raise AssertionError("X was densified")

    monkeypatch.setattr(sp.csr_matrix, "toarray", refuse)
    monkeypatch.setattr(sp.csr_matrix, "todense", refuse)
    truncated_svd(X, 3)


@pytest.mark.parametrize(
    ("k", "message"),
    [
        (0, "k must be between 1 and min(n_documents, n_terms) - 1 = 19 for a 30×20 matrix, got 0"),
        (
            20,
            "k must be between 1 and min(n_documents, n_terms) - 1 = 19 for a 30×20 matrix, got 20",
        ),
        (2.5, "k must be an integer, got 2.5"),
    ],
)
def test_invalid_k_is_refused_with_an_exact_message(k, message):
    with pytest.raises(InvalidParameterError) as info:
        truncated_svd(_random(30, 20, 0.3), k)
    assert str(info.value) == message


def test_nan_is_refused():
    X = _random().toarray()
    X[0, 0] = np.nan
    with pytest.raises(InvalidParameterError, match="NaN or infinity"):
        truncated_svd(X, 2)


def test_largest_k_matches_dense_svd():
    X = _random(40, 30, 0.3, seed=4)
    res = truncated_svd(X, 29)
    dense = np.linalg.svd(X.toarray(), compute_uv=False)[:29]
    np.testing.assert_allclose(res.s, dense, rtol=1e-8)


@pytest.mark.parametrize("solver", ["propack", "arpack", "randomized"])
def test_float32_stays_float32(solver):
    X = _random(dtype=np.float32)
    res = truncated_svd(X, 5, solver=solver)
    assert res.U.dtype == res.Vt.dtype == np.float32
    dense = np.linalg.svd(X.toarray().astype(np.float64), compute_uv=False)[:5]
    np.testing.assert_allclose(res.s, dense, rtol=1e-4 if solver != "randomized" else 1e-3)


def test_randomized_converges_to_the_exact_values_with_power_iterations():
    X = _random(300, 200, 0.05, seed=6)
    dense = np.linalg.svd(X.toarray(), compute_uv=False)[:10]
    rough = truncated_svd(X, 10, solver="randomized", power_iterations=0)
    sharp = truncated_svd(X, 10, solver="randomized", power_iterations=30, oversamples=40)
    rough_err = np.max(np.abs(rough.s / dense - 1))
    sharp_err = np.max(np.abs(sharp.s / dense - 1))
    assert sharp_err < 1e-8 < rough_err
    pivots = np.argmax(np.abs(sharp.Vt), axis=1)
    assert np.all(sharp.Vt[np.arange(10), pivots] > 0)


def test_exact_solvers_are_at_least_as_good_as_scikit_learn():
    from sklearn.decomposition import TruncatedSVD

    X = _random(300, 200, 0.05, seed=6)
    ours = truncated_svd(X, 10)
    theirs = TruncatedSVD(10, random_state=0).fit(X)
    assert np.all(ours.s >= theirs.singular_values_ * (1 - 1e-12))


@pytest.mark.parametrize("solver", ["propack", "randomized"])
def test_identical_factors_whatever_the_thread_count(solver):
    from threadpoolctl import threadpool_limits

    X = _random(9000, 300, 0.01, seed=8)
    results = []
    for threads, blas in [(1, 1), (2, 2), (3, 1)]:
        with threadpool_limits(blas):
            results.append(truncated_svd(X, 6, solver=solver, threads=threads))
    for other in results[1:]:
        np.testing.assert_array_equal(results[0].U, other.U)
        np.testing.assert_array_equal(results[0].Vt, other.Vt)


def test_invalid_solver_and_power_iterations_are_refused():
    X = _random(30, 20, 0.3)
    with pytest.raises(InvalidParameterError) as info:
        truncated_svd(X, 2, solver="lobpcg")
    assert (
        str(info.value) == "solver must be one of 'propack', 'arpack', 'randomized', got 'lobpcg'"
    )
    with pytest.raises(InvalidParameterError) as info:
        truncated_svd(X, 2, solver="randomized", power_iterations=-1)
    assert str(info.value) == "power_iterations must be an integer >= 0, got -1"


@pytest.mark.parametrize("solver", ["propack", "arpack"])
def test_rank_deficient_matrix_gets_zero_singular_values(solver):
    # PROPACK alone reported σ₂ = 6.45 here (found by hypothesis); its triplets are checked.
    X = sp.csr_matrix(([7.0], ([1], [2])), shape=(3, 3))
    np.testing.assert_allclose(truncated_svd(X, 2, solver=solver).s, [7.0, 0.0], atol=1e-12)
    Y = _random(30, 20, 0.02, seed=3)  # rank 8 with k = 10
    dense = np.linalg.svd(Y.toarray(), compute_uv=False)[:10]
    np.testing.assert_allclose(truncated_svd(Y, 10, solver=solver).s, dense, rtol=1e-8, atol=1e-12)
