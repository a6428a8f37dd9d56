"""Hypothesis over the core (issue 6): invariants, never a crash.

Beyond tests/core/test_core_properties.py: matrices with duplicate coordinates (summed), explicit
zeros, empty rows, columns or whole matrices, tiny and large scales; NMF against the trivial
solution, SVD's orthonormality. Example counts stay modest so the suite is quick.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from topiccli import nmf, truncated_svd
from topiccli.errors import ConvergenceWarning

CORE = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def sparse_nonnegative(draw, min_side=2):
    """A COO matrix with random shape and density; coordinates may repeat (summed on use)."""
    m = draw(st.integers(min_side, 25))
    n = draw(st.integers(min_side, 25))
    nnz = draw(st.integers(0, 2 * m * n))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    rows, cols = rng.integers(0, m, nnz), rng.integers(0, n, nnz)
    scale = draw(st.sampled_from([1e-6, 1.0, 1e3]))
    values = rng.random(nnz) * scale
    if draw(st.booleans()):
        values = np.round(values * 5)  # count-like, with explicit zeros
    return sp.coo_matrix((values, (rows, cols)), shape=(m, n))


@CORE
@given(X=sparse_nonnegative(), data=st.data())
def test_nmf_factors_are_finite_nonnegative_and_beat_the_zero_solution(X, data):
    k = data.draw(st.integers(1, min(X.shape) - 1))
    solver = data.draw(st.sampled_from(["hals", "mu"]))
    init = data.draw(st.sampled_from([None, "random"]))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        res = nmf(X, k, solver=solver, init=init, max_iter=30, seed=data.draw(st.integers(0, 5)))
    assert res.W.shape == (X.shape[0], k) and res.H.shape == (k, X.shape[1])
    assert np.isfinite(res.W).all() and np.isfinite(res.H).all()
    assert res.W.min() >= 0 and res.H.min() >= 0
    norm = np.linalg.norm(X.toarray())  # the trivial solution W = 0, H = 0 has error ‖X‖_F
    assert np.isfinite(res.reconstruction_error)
    assert res.reconstruction_error <= norm * (1 + 1e-9) + 1e-12
    exact = np.linalg.norm(X.toarray() - res.W @ res.H)
    # the error comes from ‖X‖² − 2⟨XHᵀ, W⟩ + ⟨WᵀW, HHᵀ⟩: exact to about √eps · ‖X‖
    assert res.reconstruction_error == pytest.approx(exact, rel=1e-6, abs=1e-6 * norm)


@CORE
@given(X=sparse_nonnegative(), data=st.data())
def test_kl_nmf_factors_are_finite_and_nonnegative(X, data):
    k = data.draw(st.integers(1, min(X.shape) - 1))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        res = nmf(X, k, loss="kl", max_iter=20, seed=data.draw(st.integers(0, 5)))
    assert np.isfinite(res.W).all() and np.isfinite(res.H).all()
    assert res.W.min() >= 0 and res.H.min() >= 0


@CORE
@given(X=sparse_nonnegative(min_side=3), data=st.data())
def test_svd_factors_are_orthonormal_and_values_sorted(X, data):
    k = data.draw(st.integers(1, min(X.shape) - 1))
    res = truncated_svd(X, k, seed=data.draw(st.integers(0, 5)))
    assert np.isfinite(res.U).all() and np.isfinite(res.s).all() and np.isfinite(res.Vt).all()
    assert (res.s >= -1e-12).all() and (np.diff(res.s) <= 1e-9 * (1 + res.s[0])).all()
    dense = np.linalg.svd(X.toarray(), compute_uv=False)[:k]
    assert res.s == pytest.approx(dense, rel=1e-6, abs=1e-6 * (1 + dense[0]))
    live = res.s > 1e-5 * (1 + res.s[0])  # a (numerically) zero value has an arbitrary vector
    U, Vt = res.U[:, live], res.Vt[live]
    assert pytest.approx(np.eye(U.shape[1]), abs=1e-6) == U.T @ U
    assert Vt @ Vt.T == pytest.approx(np.eye(Vt.shape[0]), abs=1e-6)
