"""Inference against a fixed model: the rebuilt vectorizer, NNLS against H, SVD projection."""

from __future__ import annotations

import json

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.optimize import nnls
from typer.testing import CliRunner

from topiccli.cli import app
from topiccli.corpus import load_folder
from topiccli.factorize import project
from topiccli.factorize.transform import nnls_fixed_h
from topiccli.quality.doc_weights import top_topics
from topiccli.text.vectorize import VectorizerSettings, vectorize
from topiccli.text.vectorizer_state import capture, transform

runner = CliRunner()


def test_nnls_matches_scipy_row_by_row():
    rng = np.random.default_rng(0)
    H = rng.random((5, 40))
    H[2] = 0.7 * H[1] + 0.3 * H[3]  # nearly dependent topics make the problem harder
    X = sp.random(60, 40, density=0.3, random_state=1, format="csr")
    W = nnls_fixed_h(X, H)
    expected = np.array([nnls(H.T, row)[0] for row in X.toarray()])
    assert W.min() >= 0
    objective = np.linalg.norm(X.toarray() - W @ H, axis=1)
    best = np.linalg.norm(X.toarray() - expected @ H, axis=1)
    assert np.allclose(objective, best, rtol=1e-7, atol=1e-10)


def test_nnls_recovers_planted_weights_and_zero_rows():
    rng = np.random.default_rng(3)
    H = rng.random((4, 30))
    W = rng.random((20, 4)) * (rng.random((20, 4)) > 0.4)
    W[5] = 0
    got = nnls_fixed_h(sp.csr_matrix(W @ H), H)
    assert np.allclose(got, W, atol=1e-8)
    assert top_topics(got)[5] == -1
    assert (top_topics(got)[W.any(axis=1)] == W[W.any(axis=1)].argmax(axis=1)).all()


def test_svd_projection_is_u_sigma_of_the_training_rows():
    from topiccli.factorize import truncated_svd

    X = sp.random(50, 30, density=0.3, random_state=2, format="csr")
    fit = truncated_svd(X, 4)
    assert np.allclose(project(X, fit.Vt), fit.U * fit.s, atol=1e-10)


@pytest.mark.parametrize(
    "settings",
    [
        VectorizerSettings(kind="tfidf", min_df=2, max_df=0.9),
        VectorizerSettings(kind="count", ngram_range=(1, 2), max_features=500),
        VectorizerSettings(kind="tfidf", stop_words="none", ngram_range=(1, 2)),
    ],
)
def test_rebuilt_vectorizer_reproduces_the_training_matrix(sample_corpus, settings):
    texts = load_folder(sample_corpus).texts
    dt = vectorize(texts, settings)
    state = json.loads(json.dumps(capture(settings)))  # as it comes back from the bundle
    X = transform(state, dt.terms, dt.idf, texts)
    assert X.shape == dt.X.shape
    assert abs(X - dt.X).max() < 1e-12


def test_stop_word_file_is_saved_by_content(sample_corpus, tmp_path):
    words = tmp_path / "stop.txt"
    words.write_text("# mine\nstars\nsoil\n")
    state = capture(VectorizerSettings(kind="count", stop_words=str(words)))
    words.unlink()  # the bundle must not need the file any more
    assert state["stop_words"] == ["soil", "stars"]
    X = transform(state, np.array(["soil", "stars", "moon"], dtype=object), None,
                  ["soil stars moon moon"])  # fmt: skip
    assert X.toarray().tolist() == [[0.0, 0.0, 2.0]]


def test_infer_formats_and_unknown_words(sample_corpus, tmp_path):
    model = tmp_path / "m"
    fit = runner.invoke(app, ["nmf", "--input", str(sample_corpus), "--k", "4",
                              "--save", str(model)])  # fmt: skip
    assert fit.exit_code == 0, fit.stderr
    docs = tmp_path / "new"
    docs.mkdir()
    (docs / "a.txt").write_text("the telescope showed stars and a galaxy near the moon")
    (docs / "b.txt").write_text("zzzz qqqq xxxx")
    args = ["infer", str(model), "--input", str(docs)]
    as_json = runner.invoke(app, [*args, "--format", "json"])
    assert as_json.exit_code == 0, as_json.stderr
    report = json.loads(as_json.stdout)
    assert report["model"]["method"] == "nmf" and report["model"]["k"] == 4
    assert report["corpus"]["n_documents"] == 2 and report["corpus"]["n_unmatched"] == 1
    assert "1 of 2 documents share no word" in as_json.stderr
    a, b = report["documents"]
    assert a["id"] == "a.txt" and len(a["weights"]) == 4 and a["top_topic"] is not None
    assert "stars" in report["topics"][a["top_topic"]]["words"]
    assert b["top_topic"] is None and b["weights"] == [0.0] * 4
    lines = runner.invoke(app, [*args, "--format", "jsonl"]).stdout.splitlines()
    assert [json.loads(line) for line in lines] == report["documents"]
    rows = runner.invoke(app, [*args, "--format", "csv"]).stdout.splitlines()
    assert rows[0] == "id,label,top_topic,topic_0,topic_1,topic_2,topic_3"
    assert rows[2].startswith("b.txt,,,0.0,")
    table = runner.invoke(app, args).stdout
    assert "a.txt" in table and "(no known words)" in table


def test_infer_refuses_to_write_onto_an_input(sample_corpus, tmp_path):
    model = tmp_path / "m"
    assert runner.invoke(app, ["svd", "--input", str(sample_corpus), "--k", "2",
                               "--save", str(model)]).exit_code == 0  # fmt: skip
    docs = tmp_path / "docs.txt"
    docs.write_text("stars and soil")
    before = docs.read_bytes()
    for option in ("--output", "--doc-topics"):
        target = docs if option == "--output" else tmp_path / "m" / "x.csv"
        result = runner.invoke(app, ["infer", str(model), "--input", str(docs), option,
                                     str(target)])  # fmt: skip
        assert result.exit_code == 1 and "it is an input" in result.stderr
    assert docs.read_bytes() == before


def test_penalized_nnls_matches_a_brute_force_optimum():
    rng = np.random.default_rng(5)
    H = rng.random((3, 12))
    X = sp.csr_matrix(rng.random((8, 12)))
    l1, l2 = 0.3, 0.7
    W = nnls_fixed_h(X, H, l1=l1, l2=l2)
    # KKT for ½‖x − wH‖² + l1·Σw + ½·l2·‖w‖²: gradient ≥ 0, and = 0 where w > 0
    gradient = W @ (H @ H.T) - X.toarray() @ H.T + l1 + l2 * W
    assert W.min() >= 0 and gradient.min() > -1e-9
    assert np.abs(gradient[W > 0]).max() < 1e-9


def test_regularized_fit_and_infer_agree(sample_corpus, tmp_path):
    model = tmp_path / "m"
    args = ["nmf", "--input", str(sample_corpus), "--k", "4", "--vectorizer", "tfidf",
            "--alpha-w", "0.00003", "--l1-ratio", "0.5", "--tol", "1e-8"]  # fmt: skip
    args += ["--max-iter", "1000"]
    fit = runner.invoke(
        app, [*args, "--save", str(model), "--doc-topics", str(tmp_path / "f.jsonl")]
    )
    assert fit.exit_code == 0, fit.stderr
    meta = json.loads((model / "model.json").read_text())
    assert meta["regularization"] == {"alpha_W": 3e-05, "alpha_H": 3e-05, "l1_ratio": 0.5}
    inferred = runner.invoke(app, ["infer", str(model), "--input", str(sample_corpus),
                                   "--format", "jsonl"])  # fmt: skip
    assert inferred.exit_code == 0, inferred.stderr
    fitted = [json.loads(line) for line in (tmp_path / "f.jsonl").read_text().splitlines()]
    again = [json.loads(line) for line in inferred.stdout.splitlines()]
    W_fit = np.array([row["weights"] for row in fitted])
    W_inf = np.array([row["weights"] for row in again])
    assert W_fit.max() > 0.1
    assert np.abs(W_fit - W_inf).max() < 1e-3 * W_fit.max()
    # without the penalty the weights would be larger: infer really applies it
    from topiccli.models.bundle import load

    bundle = load(model)
    X = transform(bundle.vectorizer, bundle.terms, bundle.idf, load_folder(sample_corpus).texts)
    assert nnls_fixed_h(X, bundle.components).sum() > 1.01 * W_inf.sum()


@pytest.mark.parametrize("method", ["nmf", "svd"])
def test_infer_agrees_with_the_fits_own_weights(sample_corpus, method):
    """Not only with the export: with the W (or U·Σ) the solver itself ended on."""
    from topiccli.models.bundle import from_report
    from topiccli.models.inference import infer
    from topiccli.specs import ModelSpec, SourceSpec

    from ..helpers import fit_report

    report = fit_report(SourceSpec(input=sample_corpus), VectorizerSettings(kind="tfidf"),
                        ModelSpec(method=method, k=6))  # fmt: skip
    own = report.fit.W if method == "nmf" else report.fit.U * report.fit.s
    inferred = infer(from_report(report), load_folder(sample_corpus)).weights
    weighted = np.any(own != 0, axis=1)
    same = top_topics(own)[weighted] == top_topics(inferred)[weighted]
    assert same.mean() >= 0.99
    exported = report.weights  # what the table, --doc-topics and the bundle hold
    assert np.allclose(inferred, exported, rtol=0, atol=1e-12)
    assert np.array_equal(top_topics(inferred), top_topics(exported))
    if method == "svd":
        assert np.allclose(inferred, own, atol=1e-10)
