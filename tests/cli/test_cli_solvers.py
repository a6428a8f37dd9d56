"""The solver, init and regularisation options of `topics nmf` and `topics svd`."""

from __future__ import annotations

import pytest

from ..helpers import fit_json, topics


def test_nmf_reports_the_default_solver_and_init(sample_corpus):
    report = fit_json("nmf", "--input", sample_corpus, "--k", 4)
    assert (report["loss"], report["solver"], report["init"]) == ("kl", "ccd", "nndsvda")
    report = fit_json("nmf", "--input", sample_corpus, "--k", 4, "--loss", "frobenius")
    assert (report["loss"], report["solver"], report["init"]) == ("frobenius", "hals", "nndsvd")


@pytest.mark.parametrize(
    ("args", "solver", "init"),
    [
        (("--solver", "mu"), "mu", "nndsvda"),
        (("--solver", "mu", "--init", "nndsvd"), "mu", "nndsvd"),
        (("--init", "random"), "ccd", "random"),
        (("--solver", "amu"), "amu", "nndsvda"),
        (("--loss", "frobenius", "--init", "random"), "hals", "random"),
    ],
)
def test_nmf_solver_and_init_options(sample_corpus, args, solver, init):
    report = fit_json("nmf", "--input", sample_corpus, "--k", 4, *args)
    assert (report["solver"], report["init"]) == (solver, init)
    assert report["reconstruction_error"] > 0 and report["n_iter"] >= 1


def test_l1_regularisation_gives_sparser_topics(sample_corpus):
    # --top-words beyond the vocabulary lists every term, so zero loadings show. Frobenius: HALS
    # sets an entry to zero exactly where the L1 term outweighs its gradient (under KL, L1 on
    # both factors mostly trades scale between them on this corpus: the zeros hardly move).
    base = ("nmf", "--input", sample_corpus, "--k", 4, "--vectorizer", "tfidf", "--top-words", 9999,
            "--tol", "1e-6", "--loss", "frobenius")  # fmt: skip
    plain = fit_json(*base)
    # L1 on both factors (--alpha-h defaults to --alpha-w): on one alone, the other grows.
    sparse = fit_json(*base, "--alpha-w", 5e-5, "--l1-ratio", 1)
    nonzero = lambda r: sum(w > 0 for t in r["topics"] for w in t["weights"])  # noqa: E731
    assert nonzero(sparse) < nonzero(plain)


@pytest.mark.parametrize("flag", ["--solver", "--svd-solver"])
@pytest.mark.parametrize("solver", ["propack", "arpack", "randomized"])
def test_svd_solver_option(sample_corpus, flag, solver):
    report = fit_json("svd", "--input", sample_corpus, "--k", 3, flag, solver)
    assert report["solver"] == solver
    assert len(report["singular_values"]) == 3


@pytest.mark.parametrize(
    "args",
    [
        ("nmf", "--solver", "cd"),
        ("nmf", "--l1-ratio", "2"),
        ("nmf", "--alpha-w", "-1"),
        ("svd", "--solver", "hals"),
    ],
)
def test_out_of_range_solver_options_are_usage_errors(sample_corpus, args):
    result = topics(args[0], "--input", sample_corpus, *args[1:])
    assert result.exit_code == 2
