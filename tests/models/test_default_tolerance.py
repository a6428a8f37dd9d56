"""NMF's default stopping tolerance: one per loss (specs.NMF_TOL), an explicit --tol wins, and the
numbers the help and the guide state are the ones a fit stops at."""

from __future__ import annotations

import re

import numpy as np
import pytest
import scipy.sparse as sp

from topiccli.specs import NMF_TOL, REFIT_TOL, ModelSpec, SweepSpec, VectorizerSettings

from ..helpers import ROOT, fit_json, topics


def test_each_loss_has_its_default_and_an_explicit_tol_wins():
    assert set(NMF_TOL) == {"frobenius", "kl"}
    spec = ModelSpec(method="nmf")
    assert spec.tol is None
    assert spec.nmf_tol("frobenius") != spec.nmf_tol("kl")  # one default per loss
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
    if tol is None:  # this machine's default: the settle rule (factorize.stopping), no tolerance
        from topiccli.factorize.stopping import Settle

        assert isinstance(seen["stop"], Settle) and "tol" not in seen
    else:
        assert seen["tol"] == tol and "stop" not in seen


def stated_defaults(text: str, pattern: str) -> dict[str, str]:
    """The tolerance per loss a text states, as written there."""
    found = re.search(pattern, " ".join(text.replace("│", " ").split()))
    assert found, f"no stated defaults matching {pattern!r}"
    return {"frobenius": found["frobenius"], "kl": found["kl"]}


NUMBER = r"[0-9.]+(?:e-?[0-9]+)?"


@pytest.mark.parametrize("loss", ["frobenius", "kl"])
def test_the_help_and_the_guide_state_the_default_stopping_rule(sample_corpus, loss):
    """What a user reads: by default the fit stops once the topics settle (the report says
    so, docs/settled.md); ``--tol T`` asks for the tolerance rule, and a looser one stops
    sooner. The Dask engine's tolerances are the ones the help states."""
    shown = " ".join(
        topics("nmf", "--help", env={"COLUMNS": "200"}).stdout.replace("│", " ").split()
    )
    assert "stop once the topics settle" in shown
    dask = stated_defaults(
        shown, rf"--dask: (?P<frobenius>{NUMBER}) for frobenius, (?P<kl>{NUMBER}) for kl"
    )
    assert float(dask[loss]) == NMF_TOL[loss]
    guide = (ROOT / "docs" / "guide" / "models.md").read_text(encoding="utf-8")
    assert "once the topics settle" in guide and "settled.md" in guide
    args = ("nmf", "-i", sample_corpus, "--k", 4, "--loss", loss, "--no-cache")
    default = fit_json(*args)
    assert default["converged"] and default["stop_rule"] == "settle"
    tight = fit_json(*args, "--tol", 1e-9)
    looser = fit_json(*args, "--tol", 1e-3)
    assert tight["stop_rule"] == looser["stop_rule"] == "tolerance"
    assert looser["n_iter"] < default["n_iter"] <= tight["n_iter"]
