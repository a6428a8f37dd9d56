"""Degenerate matrices at the core's entry: NaN and infinity refused, all-zero matrices,
rows and columns giving finite factors."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.sparse as sp

from topiccli import nmf, truncated_svd
from topiccli.errors import InvalidParameterError


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_nan_and_infinity_never_reach_the_core(bad):
    X = sp.random(6, 5, density=0.5, random_state=0, format="csr")
    X.data[0] = bad
    for fit in (lambda: nmf(X, 2), lambda: truncated_svd(X, 2)):
        with pytest.raises(InvalidParameterError, match="NaN or infinity"):
            fit()


def test_an_all_zero_matrix_gives_finite_factors_and_converges_at_once():
    X = sp.csr_matrix((5, 4))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # an exact fit is converged: no max-iter warning
        res = nmf(X, 2, max_iter=5)
    assert np.isfinite(res.W).all() and np.isfinite(res.H).all()
    assert res.reconstruction_error == 0.0 and res.converged and res.n_iter == 1
    svd = truncated_svd(X, 2)
    assert np.isfinite(svd.s).all() and (svd.s == 0).all()


@pytest.mark.filterwarnings("ignore::topiccli.errors.ConvergenceWarning")  # MU at max_iter=50
def test_all_zero_rows_and_columns_give_finite_factors():
    rng = np.random.default_rng(0)
    X = sp.random(8, 7, density=0.6, random_state=rng, format="lil")
    X[2, :] = 0  # a document with no terms left
    X[:, 4] = 0  # a term no document has
    X = X.tocsr()
    for solver in ("hals", "mu"):
        res = nmf(X, 3, solver=solver, max_iter=50)
        assert np.isfinite(res.W).all() and np.isfinite(res.H).all()
        assert res.W.min() >= 0 and res.H.min() >= 0
        assert np.allclose(res.W[2] @ res.H, 0) and np.allclose(res.W @ res.H[:, 4], 0)
    svd = truncated_svd(X, 3)
    assert np.isfinite(svd.U).all() and np.allclose(svd.U[2], 0) and np.allclose(svd.Vt[:, 4], 0)
