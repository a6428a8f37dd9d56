"""``loss="kl"`` through the public entry, the CLI, saved models and inference."""

from __future__ import annotations

import json
import math
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from typer.testing import CliRunner

import topiccli
from topiccli.cli import app
from topiccli.errors import InvalidParameterError
from topiccli.factorize._kl import kl_divergence, kl_fixed_h

runner = CliRunner()


def _counts(m=60, n=45, seed=0):
    rng = np.random.default_rng(seed)
    X = sp.random(m, n, density=0.25, random_state=rng, format="csr")
    X.data = np.ceil(X.data * 5)
    return X


def test_public_entry_reports_loss_divergence_and_sklearn_error():
    beta_divergence = pytest.importorskip("sklearn.decomposition._nmf")._beta_divergence
    X = _counts()
    fit = topiccli.nmf(X, 4, loss="kl", max_iter=500)
    assert (fit.loss, fit.solver, fit.init) == ("kl", "ccd", "nndsvda")
    assert fit.converged and fit.W.shape == (60, 4) and fit.H.shape == (4, 45)
    assert fit.divergence == pytest.approx(kl_divergence(X, fit.W, fit.H), rel=1e-9)
    # reconstruction_error means what scikit-learn's reconstruction_err_ means for KL.
    theirs = beta_divergence(X, fit.W, fit.H, "kullback-leibler", square_root=True)
    assert fit.reconstruction_error == pytest.approx(theirs, rel=1e-9)
    assert fit.reconstruction_error == pytest.approx(math.sqrt(2 * fit.divergence))


def test_frobenius_reports_half_the_squared_error_as_its_divergence():
    fit = topiccli.nmf(_counts(), 4)
    assert fit.loss == "frobenius"
    assert fit.divergence == pytest.approx(0.5 * fit.reconstruction_error**2)


def test_kl_beats_frobenius_on_its_own_objective():
    X = _counts(seed=1)
    kl = topiccli.nmf(X, 4, loss="kl", tol=1e-6, max_iter=2000)
    frob = topiccli.nmf(X, 4, loss="frobenius", tol=1e-6, max_iter=2000)
    assert kl.divergence < kl_divergence(X, frob.W, frob.H)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"loss": "kl", "solver": "hals"}, "does not minimise the kl loss"),
        ({"loss": "frobenius", "solver": "amu"}, "does not minimise the frobenius loss"),
        ({"loss": "beta"}, "loss must be one of"),
    ],
)
def test_solver_must_fit_the_loss(kwargs, message):
    with pytest.raises(InvalidParameterError, match=message):
        topiccli.nmf(_counts(), 3, **kwargs)


def test_kl_regularisation_sparsifies_and_keeps_the_objective_falling():
    X = _counts(seed=2)
    # the same solver with and without the penalty (ccd's fits are sparse on their own)
    plain = topiccli.nmf(X, 4, loss="kl", solver="mu", tol=1e-6, max_iter=1000)
    sparse = topiccli.nmf(
        X, 4, loss="kl", solver="mu", alpha_W=0.05, l1_ratio=1.0, tol=1e-6, max_iter=1000
    )
    assert np.mean(sparse.W < 1e-8) > np.mean(plain.W < 1e-8)
    assert sparse.divergence > plain.divergence  # the penalty trades fit for sparsity


def test_same_result_whatever_the_thread_count(monkeypatch):
    import topiccli.factorize._kl as kl

    monkeypatch.setattr(kl, "_BLOCK_NNZ", 500)  # many row blocks even on a small matrix
    X = _counts(m=300, n=80, seed=3)
    assert len(kl.SparsePattern(X).blocks) > 5
    fits = []
    for threads in (1, 3):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fits.append(topiccli.nmf(X, 5, loss="kl", max_iter=30, tol=0.0, threads=threads))
    one, three = fits
    assert np.array_equal(one.W, three.W) and np.array_equal(one.H, three.H)


def test_kl_inference_recovers_planted_weights_and_empty_rows():
    rng = np.random.default_rng(4)
    H = rng.random((3, 30)) + 0.05
    W = rng.random((12, 3)) + 0.05
    W[5] = 0.0
    X = W @ H
    found = kl_fixed_h(X, H, tol=1e-14, max_iter=20000)
    assert np.allclose(found, W, atol=1e-4)
    assert np.all(found[5] == 0)


def test_cli_kl_json_and_table(sample_corpus):
    args = ["nmf", "--input", str(sample_corpus), "--k", "4", "--loss", "kl"]
    result = runner.invoke(app, [*args, "--format", "json"])
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert (report["loss"], report["solver"]) == ("kl", "ccd")
    assert report["divergence"] > 0
    assert report["reconstruction_error"] == pytest.approx(math.sqrt(2 * report["divergence"]))
    assert len(report["topics"]) == 4
    table = runner.invoke(app, args)
    assert table.exit_code == 0 and "D(X‖WH)" in table.stdout
    wrong = runner.invoke(app, [*args, "--solver", "hals"])
    assert wrong.exit_code == 2 and "does not minimise the kl loss" in wrong.stderr


def test_cli_save_and_infer_under_kl(sample_corpus, tmp_path):
    model = tmp_path / "m"
    fit = runner.invoke(
        app,
        ["nmf", "--input", str(sample_corpus), "--k", "6", "--loss", "kl", "--tol", "1e-7",
         "--max-iter", "2000", "--save", str(model), "--format", "json"],
    )  # fmt: skip
    assert fit.exit_code == 0, fit.stderr
    shown = runner.invoke(app, ["show", str(model), "--format", "json"])
    assert shown.exit_code == 0, shown.stderr
    assert json.loads(shown.stdout)["loss"] == "kl"
    inferred = runner.invoke(
        app, ["infer", str(model), "--input", str(sample_corpus), "--format", "json"]
    )
    assert inferred.exit_code == 0, inferred.stderr
    documents = json.loads(inferred.stdout)["documents"]
    # Inferring the training documents under KL gives back (nearly) the fit's own topics.
    from topiccli.models.bundle import load

    trained = np.argmax(load(model).doc_topics, axis=1)
    again = np.array([d["top_topic"] for d in documents])
    assert np.mean(trained == again) > 0.95


def test_relative_error_under_kl_is_the_frobenius_error_of_the_factors(sample_corpus):
    from topiccli.quality.explained import frobenius_error

    X = _counts(seed=5)
    fit = topiccli.nmf(X, 3, loss="kl")
    dense = np.linalg.norm(X.toarray() - fit.W @ fit.H)
    assert frobenius_error(X, fit.W, fit.H) == pytest.approx(dense, rel=1e-9)
    args = ["nmf", "--input", str(sample_corpus), "--k", "4", "--format", "json", "--docs", "1"]
    report = json.loads(runner.invoke(app, [*args, "--loss", "kl"]).stdout)
    metrics = report["metrics"]
    assert 0 < metrics["relative_reconstruction_error"] < 1
    assert 0 <= metrics["label_nmi"] <= 1 and metrics["coherence_npmi"] > 0
    for topic in report["topics"]:  # labels and representative documents under KL
        assert topic["label"] is not None and len(topic["representative_docs"]) == 1


def test_sweep_takes_the_loss(sample_corpus):
    base = ["sweep", "--input", str(sample_corpus), "--k", "3:4", "--format", "json"]
    reports = {}
    for loss in ("frobenius", "kl"):
        result = runner.invoke(app, [*base, "--loss", loss])
        assert result.exit_code == 0, result.stderr
        reports[loss] = json.loads(result.stdout)
        assert reports[loss]["loss"] == loss and len(reports[loss]["results"]) == 2
    assert json.loads(runner.invoke(app, base).stdout)["loss"] == "kl"  # the default
    differ = [a["coherence_npmi"] != b["coherence_npmi"] for a, b in
              zip(reports["kl"]["results"], reports["frobenius"]["results"])]  # fmt: skip
    assert any(differ)
    svd = runner.invoke(app, [*base, "--method", "svd", "--loss", "kl"])
    assert svd.exit_code == 2 and "--loss applies to --method nmf only" in svd.stderr


def test_nndsvd_zeros_are_lifted_so_kl_updates_can_move_them():
    from topiccli.factorize._nndsvd import initialize

    X = _counts(seed=6)
    W0, H0 = initialize(X, 4, "nndsvd", 0)
    assert (W0 == 0).any() and (H0 == 0).any()
    fit = topiccli.nmf(X, 4, loss="kl", init="nndsvd", tol=1e-8, max_iter=1000)
    assert fit.init == "nndsvd" and np.isfinite(fit.divergence)
    scale = fit.W.max()
    assert np.any(fit.W[W0 == 0] > 1e-3 * scale)  # zeros of the start did move
    nndsvda = topiccli.nmf(X, 4, loss="kl", tol=1e-8, max_iter=1000)
    assert fit.divergence <= 1.05 * nndsvda.divergence


def test_public_entry_with_empty_rows_and_columns_and_k1():
    X = _counts(seed=7).tolil()
    X[2, :] = 0
    X[:, 5] = 0
    X = X.tocsr()
    fit = topiccli.nmf(X, 1, loss="kl", tol=1e-12, max_iter=100)
    dense = X.toarray()
    expected = np.outer(dense.sum(1), dense.sum(0)) / dense.sum()  # KL's rank-1 optimum
    assert np.allclose(fit.W @ fit.H, expected, rtol=1e-6, atol=1e-12)
    assert np.all(fit.W[2] == 0) and np.all(fit.H[:, 5] == 0)
    assert fit.converged
