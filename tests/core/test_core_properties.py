"""The core's docstring examples run, and hypothesis-generated sparse matrices keep its promises."""

from __future__ import annotations

import doctest
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from topiccli import nmf, truncated_svd
from topiccli.errors import ConvergenceWarning


@pytest.mark.parametrize("module", ["topiccli.factorize._nmf", "topiccli.factorize._svd"])
def test_docstring_examples_run(module):
    import importlib

    failed, attempted = doctest.testmod(importlib.import_module(module))
    assert attempted > 0 and failed == 0


@st.composite
def sparse_matrices(draw):
    m = draw(st.integers(3, 40))
    n = draw(st.integers(3, 40))
    density = draw(st.floats(0.05, 0.6))
    seed = draw(st.integers(0, 2**16))
    X = sp.random(m, n, density=density, random_state=seed, format="csr")
    X.data = np.round(X.data * 10) + 1  # counts, like a document-term matrix
    if draw(st.booleans()):
        X = X.astype(np.float32)
    return X


_SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_SETTINGS
@given(X=sparse_matrices(), data=st.data())
def test_nmf_on_any_sparse_matrix(X, data):
    k = data.draw(st.integers(1, min(X.shape) - 1))
    solver = data.draw(st.sampled_from(["hals", "mu"]))
    errors = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        res = nmf(X, k, solver=solver, max_iter=30, callback=lambda i, e: errors.append(e))
    assert res.W.dtype == res.H.dtype == X.dtype
    assert np.isfinite(res.W).all() and np.isfinite(res.H).all()
    assert res.W.min() >= 0 and res.H.min() >= 0
    exact = np.linalg.norm(X.toarray().astype(np.float64) - res.W @ res.H.astype(np.float64))
    rel = 1e-3 if X.dtype == np.float32 else 1e-7
    scale = np.linalg.norm(X.toarray())
    assert abs(res.reconstruction_error - exact) <= rel * scale
    assert np.all(np.diff(errors) <= rel * scale)


@_SETTINGS
@given(X=sparse_matrices(), data=st.data())
def test_svd_on_any_sparse_matrix(X, data):
    X = X.astype(np.float64)
    k = data.draw(st.integers(1, min(X.shape) - 1))
    res = truncated_svd(X, k)
    dense = np.linalg.svd(X.toarray(), compute_uv=False)[:k]
    np.testing.assert_allclose(res.s, dense, rtol=1e-8, atol=1e-10 * dense[0])
