"""NMF's default stopping tolerance: one per loss (specs.NMF_TOL), an explicit --tol wins."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from topiccli.specs import NMF_TOL, REFIT_TOL, ModelSpec, SweepSpec, VectorizerSettings


def test_each_loss_has_its_default_and_an_explicit_tol_wins():
    assert set(NMF_TOL) == {"frobenius", "kl"}
    spec = ModelSpec(method="nmf")
    assert spec.tol is None
    assert spec.nmf_tol("frobenius") == NMF_TOL["frobenius"]
    assert spec.nmf_tol("kl") == NMF_TOL["kl"]
    assert ModelSpec(method="nmf", tol=1e-3).nmf_tol("kl") == 1e-3
    assert ModelSpec(method="nmf", tol=0.0).nmf_tol("frobenius") == 0.0
    assert SweepSpec().model(5).tol is None
    assert REFIT_TOL > 0


@pytest.mark.parametrize("loss", ["frobenius", "kl"])
@pytest.mark.parametrize("tol", [None, 1e-3])
def test_factorize_passes_the_resolved_tol(monkeypatch, loss, tol):
    from topiccli.models import fitting as modeling
    from topiccli.models.engine import LocalEngine
    from topiccli.text.vectorize import DocumentTerm

    seen = {}
    from topiccli.factorize import nmf as core_nmf

    def spy(X, k, **kwargs):
        seen.update(kwargs)
        return core_nmf(X, k, **kwargs)

    engine = LocalEngine()
    monkeypatch.setattr(engine, "nmf", spy)
    rng = np.random.default_rng(0)
    X = sp.csr_matrix(rng.poisson(1.0, (20, 12)).astype(float))
    dt = DocumentTerm(X=X, terms=np.array([f"t{i}" for i in range(12)]), idf=None,
                      settings=VectorizerSettings(kind="count"))  # fmt: skip
    modeling.factorize(dt, ModelSpec(method="nmf", k=3, loss=loss, tol=tol),
                       on=modeling.Placed(engine, X))  # fmt: skip
    assert seen["loss"] == loss
    assert seen["tol"] == (NMF_TOL[loss] if tol is None else tol)


def test_cli_help_states_the_defaults():
    from topiccli.cli.options import Tol

    help_text = Tol.__metadata__[0].help
    assert f"{NMF_TOL['frobenius']:g}" in help_text and f"{NMF_TOL['kl']:g}" in help_text
