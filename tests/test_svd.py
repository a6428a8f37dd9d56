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
