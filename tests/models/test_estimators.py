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

CHECKED = [NMF(n_components=1), TruncatedSVD(n_components=1), NMF(1, loss="frobenius"),
           NMF(n_components=2), TruncatedSVD(n_components=2)]  # fmt: skip
"""The checks fit matrices of as few as 2 features, and the core needs k < min(X.shape) (its
sparse SVD, NMF's NNDSVD start too; the CLI's default k = 6 exceeds them all): every check
runs at k = 1 (NMF under the CLI's default KL loss and under Frobenius/HALS), and again at
k = 2, where the checks on 2-feature data are expected to fail."""

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


def _cli_fit(app_args, tmp_path):
    """The CLI's report (JSON) and saved bundle of ``topics <app_args> --save``."""
    import json

    from typer.testing import CliRunner

    from topiccli.cli import app
    from topiccli.models.bundle import load

    saved = tmp_path / "model"
    result = CliRunner().invoke(app, [*app_args, "--save", str(saved), "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout), load(saved)


def _cli_matrix():
    """The document-term matrix the CLI builds for the sample corpus with its defaults."""
    from topiccli.models.corpus_matrix import matrix_of
    from topiccli.specs import SourceSpec, VectorizerSettings

    from ..helpers import SAMPLE

    return matrix_of(SourceSpec(input=SAMPLE), VectorizerSettings())[1]


def test_nmf_defaults_reach_the_cli_objective_bit_for_bit(tmp_path):
    from ..helpers import SAMPLE

    report, bundle = _cli_fit(["nmf", "--input", str(SAMPLE)], tmp_path)
    dt = _cli_matrix()
    model = NMF().fit(dt.X)
    details = report  # the fit's details sit at the top level
    assert (model.loss_, model.solver_, model.init_) == ("kl", "ccd", "nndsvda")
    assert details["loss"] == model.loss_ and details["solver"] == model.solver_
    assert model.divergence_ == details["divergence"]  # the objective, bit for bit
    assert model.n_iter_ == details["n_iter"]
    assert model.reconstruction_err_ == details["reconstruction_error"]
    assert np.array_equal(model.components_, bundle.components)
    assert np.array_equal(model.transform(dt.X), bundle.doc_topics)
    assert np.array_equal(model.fit_transform(dt.X), bundle.doc_topics)
    # the plain function keeps the core's own defaults: another objective
    import topiccli

    assert topiccli.nmf(dt.X, 6).loss == "frobenius"


def test_truncated_svd_matches_the_cli_bit_for_bit(tmp_path):
    from ..helpers import SAMPLE

    report, bundle = _cli_fit(["svd", "--input", str(SAMPLE)], tmp_path)
    dt = _cli_matrix()
    model = TruncatedSVD().fit(dt.X)
    assert model.singular_values_.tolist() == report["singular_values"]
    assert np.array_equal(model.components_, bundle.components)
    assert np.array_equal(model.transform(dt.X), bundle.doc_topics)
    back = model.inverse_transform(model.transform(dt.X))
    assert back.shape == dt.X.shape


def test_parameters_are_checked_before_any_work():
    X = sp.random(20, 10, density=0.5, random_state=0, format="csr")
    with pytest.raises(ValueError, match="does not minimise the frobenius loss"):
        NMF(2, loss="frobenius", solver="amu").fit(X)
    with pytest.raises(ValueError, match="loss"):
        NMF(2, loss="poisson").fit(X)
    with pytest.raises(ValueError, match="n_samples = 20, n_features = 10"):
        TruncatedSVD(10).fit(X)
