"""TopicModel's inputs (pandas, polars, Arrow, Parquet), its typed report, its c_npmi scorer
in a Pipeline after a ColumnTransformer on a pandas DataFrame and in GridSearchCV, and a saved
model's ``transform`` against ``topics infer``."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import polars as pl
import pytest
from typer.testing import CliRunner

import topiccli
from topiccli.cli import app
from topiccli.corpus import load_folder
from topiccli.models import FitReport, TopicModel, c_npmi_scorer

from ..helpers import SAMPLE

pd = pytest.importorskip("pandas", reason="pandas is in the test extra")
pa = pytest.importorskip("pyarrow", reason="pyarrow is in the test extra")


@pytest.fixture(scope="module")
def essays():
    corpus = load_folder(SAMPLE)
    return corpus.texts, corpus.ids, corpus.labels


@pytest.fixture(scope="module")
def fitted(essays):
    return TopicModel(k=4).fit(essays[0])


class Capsule:
    """Only the Arrow PyCapsule interface (as nanoarrow, DuckDB or any Arrow library offers)."""

    def __init__(self, arrow) -> None:
        self.arrow = arrow

    def __arrow_c_stream__(self, requested_schema=None):
        return self.arrow.__arrow_c_stream__(requested_schema)


def test_every_kind_of_texts_gives_the_same_topics(essays, fitted, tmp_path):
    texts, ids, labels = essays
    table = pa.table({"body": texts, "doc": ids, "group": labels})
    pl.from_arrow(table).write_parquet(tmp_path / "essays.parquet")
    inputs = {
        "pandas Series": pd.Series(texts),
        "pandas DataFrame": pd.DataFrame({"body": texts, "n": range(len(texts))}),
        "polars Series": pl.Series(texts),
        "polars DataFrame": pl.DataFrame({"body": texts, "n": range(len(texts))}),
        "Arrow Table": table,
        "Arrow ChunkedArray": pa.chunked_array([texts[:30], texts[30:]]),
        "Arrow Array": pa.array(texts),
        "Arrow capsule": Capsule(table),
        "Parquet path": str(tmp_path / "essays.parquet"),
    }
    for name, X in inputs.items():
        model = TopicModel(k=4, text_field="body").fit(X)
        assert model.topics_.equals(fitted.topics_), name
        assert np.array_equal(model.doc_topics_, fitted.doc_topics_), name


def test_a_frames_id_and_label_columns_name_and_label_the_documents(essays):
    texts, ids, labels = essays
    frame = pd.DataFrame({"text": texts, "doc": ids, "group": labels})
    model = TopicModel(k=4, id_field="doc", label_field="group").fit(frame)
    assert model.doc_ids_ == ids
    assert model.report_.metrics.label_nmi is not None
    with pytest.raises(ValueError, match="no column 'nope'"):
        TopicModel(k=4, id_field="nope").fit(frame)
    with pytest.raises(ValueError, match="must be a str"):
        TopicModel(k=4).fit(pd.Series([*texts[:10], None]))


def test_report_is_typed_frozen_and_is_the_clis_json(essays):
    result = CliRunner().invoke(app, ["nmf", "--input", str(SAMPLE), "--k", "4", "-f", "json",
                                      "--no-cache"])  # fmt: skip
    cli = json.loads(result.stdout)
    texts, ids, labels = essays
    frame = pl.DataFrame({"text": texts, "doc": ids, "group": labels})
    report = TopicModel(k=4, id_field="doc", label_field="group").fit(frame).report_
    assert isinstance(report, FitReport)
    document = report.to_dict()
    assert {key: v for key, v in document.items() if key not in ("corpus", "timings")} == {
        key: v for key, v in cli.items() if key not in ("corpus", "timings")
    }
    assert report.method == "nmf" and report.k == 4 and report.loss == "kl"
    assert report.divergence == cli["divergence"] and report.converged == cli["converged"]
    assert [list(t.words) for t in report.topics] == [t["words"] for t in cli["topics"]]
    assert report.topics[0].c_npmi == cli["topics"][0]["c_npmi"]
    assert report.metrics.c_npmi == cli["metrics"]["c_npmi"]
    assert report.corpus.n_documents == cli["corpus"]["n_documents"]
    assert report.corpus.source == "texts"
    assert report["topics"] == document["topics"]  # the JSON field, as the dict gave it
    with pytest.raises(dataclasses.FrozenInstanceError):
        report.k = 5
    with pytest.raises(TypeError):
        report.vectorizer["kind"] = "count"  # a read-only mapping
    assert isinstance(report.topics[0].words, tuple)


def test_c_npmi_scorer_is_the_reports_mean_c_npmi(essays, fitted):
    texts = essays[0]
    per_topic = [t.c_npmi for t in fitted.report_.topics]
    assert c_npmi_scorer(fitted, texts) == pytest.approx(np.mean(per_topic), abs=1e-12)
    assert topiccli.c_npmi_scorer is c_npmi_scorer


def _pipeline(k: int = 3):
    from sklearn.compose import ColumnTransformer
    from sklearn.pipeline import Pipeline

    return Pipeline([
        ("select", ColumnTransformer([("text", "passthrough", ["text"])])),
        ("topics", TopicModel(k=k)),
    ])  # fmt: skip


def test_pipeline_after_a_column_transformer_on_a_pandas_frame(essays):
    texts, _, labels = essays
    frame = pd.DataFrame({"text": texts, "label": labels, "n": np.arange(len(texts))})
    pipe = _pipeline(3)
    weights = pipe.fit_transform(frame)
    direct = TopicModel(k=3).fit(texts)
    assert weights.shape == (len(texts), 3)
    assert np.array_equal(weights, direct.doc_topics_)
    assert np.array_equal(pipe.transform(frame.iloc[:5]), direct.transform(texts[:5]))
    assert c_npmi_scorer(pipe, frame) == direct.score(texts)


def test_grid_search_over_a_pipeline_with_the_c_npmi_scorer(essays):
    from sklearn.model_selection import GridSearchCV, KFold

    texts, _, _ = essays
    frame = pd.DataFrame({"text": texts, "n": np.arange(len(texts))})
    cv = KFold(2, shuffle=True, random_state=0)
    search = GridSearchCV(_pipeline(), {"topics__k": [2, 5]}, scoring=c_npmi_scorer, cv=cv)
    search.fit(frame)
    scores = search.cv_results_["mean_test_score"]
    assert np.all(np.isfinite(scores)) and np.all((scores >= -1) & (scores <= 1))
    assert search.best_params_["topics__k"] == [2, 5][int(np.argmax(scores))]
    # each split's score is the c_npmi of that fold's model on its held-out texts
    train, test = next(cv.split(frame))
    fold = TopicModel(k=2).fit([texts[i] for i in train])
    assert search.cv_results_["split0_test_score"][0] == fold.score([texts[i] for i in test])


def test_a_loaded_model_transforms_as_topics_infer(essays, tmp_path):
    texts = essays[0]
    runner = CliRunner()
    saved = runner.invoke(app, ["nmf", "--input", str(SAMPLE), "--k", "4", "--save",
                                str(tmp_path / "model"), "-q", "--no-cache"])  # fmt: skip
    assert saved.exit_code == 0, saved.output
    inferred = runner.invoke(app, ["infer", str(tmp_path / "model"), "--input", str(SAMPLE),
                                   "--doc-topics", str(tmp_path / "dt.parquet"),
                                   "-o", str(tmp_path / "out.json"), "-f", "json"])  # fmt: skip
    assert inferred.exit_code == 0, inferred.output
    table = pl.read_parquet(tmp_path / "dt.parquet")
    cli = table.select(pl.col("^topic_.*$")).to_numpy()
    weights = TopicModel.load(tmp_path / "model").transform(texts)
    largest = np.abs(weights).max(axis=1, keepdims=True)
    written = np.where(np.abs(weights) <= 1e-9 * largest, 0.0, weights)
    np.testing.assert_allclose(written, cli, rtol=5e-6, atol=0)
    assert np.array_equal(weights.argmax(axis=1), table["top_topic"].to_numpy())
    documents = json.loads((tmp_path / "out.json").read_text())["documents"]
    assert [d["weights"] for d in documents] == cli.tolist()
