"""topiccli.TopicModel: the CLI's fit from Python, in scikit-learn's Pipeline and GridSearchCV."""

from __future__ import annotations

import inspect
import json
from dataclasses import fields

import numpy as np
import polars as pl
import pytest
from typer.testing import CliRunner

from topiccli.corpus import load_folder
from topiccli.models import TopicModel
from topiccli.specs import AnalysisSpec, ModelSpec, SourceSpec, SweepSpec, VectorizerSettings

from ..helpers import SAMPLE


@pytest.fixture(scope="module")
def essays():
    corpus = load_folder(SAMPLE)
    return corpus.texts, [label for label in corpus.labels]


def test_defaults_are_the_specs_own():
    """Every parameter named after a spec field defaults to that field's default."""
    params = inspect.signature(TopicModel).parameters
    specs = {}
    for spec in (ModelSpec, VectorizerSettings, SourceSpec, AnalysisSpec):
        specs.update({f.name: f.default for f in fields(spec) if f.name in params})
    specs.update(vectorizer=VectorizerSettings.kind, method=SweepSpec.method, engine=None)
    assert {name: params[name].default for name in specs} == specs
    assert set(params) == set(specs)
    # every model and vectorizer option of the CLI is a parameter
    assert {f.name for f in fields(ModelSpec)} - set(params) == set()
    assert {f.name for f in fields(VectorizerSettings)} - set(params) == {"kind"}


def test_fit_gives_the_cli_topics_and_report(essays, tmp_path):
    texts, _ = essays
    result = CliRunner().invoke(
        __import__("topiccli.cli", fromlist=["app"]).app,
        ["nmf", "--input", str(SAMPLE), "--k", "4", "--format", "json"],
    )
    cli = json.loads(result.stdout)
    model = TopicModel(k=4).fit(texts)
    report = model.report_
    assert [t["words"] for t in report["topics"]] == [t["words"] for t in cli["topics"]]
    assert report["divergence"] == cli["divergence"] and report["loss"] == "kl"
    words = model.topics_.group_by("topic", maintain_order=True).agg("word")["word"].to_list()
    assert words == [t["words"] for t in cli["topics"]]
    assert model.topics_.columns == ["topic", "rank", "word", "weight"]
    assert model.doc_topics_.shape == (len(texts), 4)
    assert model.components_.shape == (4, len(model.vocabulary_))
    # a path goes through the CLI's own loader, to the same topics
    assert TopicModel(k=4).fit(SAMPLE).topics_.equals(model.topics_)


def test_transform_is_infer_and_a_bundle_round_trips(essays, tmp_path):
    texts, labels = essays
    model = TopicModel(k=3, method="svd").fit(texts, labels)
    assert model.report_["metrics"]["label_nmi"] is not None  # y labels the documents
    weights = model.fit_transform(texts, labels)
    assert np.array_equal(weights, model.doc_topics_)  # the fit's, as --doc-topics
    # infer on the training texts: the same weights, to rounding
    np.testing.assert_allclose(model.transform(texts), weights, rtol=1e-9, atol=1e-12)
    model.save(tmp_path / "model")
    again = TopicModel.load(tmp_path / "model")
    # the bundle records the options as the fit resolved them ("auto" stop words, language,
    # lemmatize)
    resolved = {name: model.report_["vectorizer"][name]
                for name in ("stop_words", "language", "lemmatize")}  # fmt: skip
    assert again.get_params() == {**model.get_params(), **resolved}
    assert again.topics_.equals(model.topics_)
    assert np.array_equal(again.transform(texts[:5]), model.transform(texts[:5]))
    page = again.explore(tmp_path / "page.html").read_text()
    assert "<html" in page.lower()
    fitted_page = model.explore(tmp_path / "fit.html").read_text()
    assert texts[0][:40].split()[0] in fitted_page  # the fit's page shows the texts


def test_score_is_the_reports_c_npmi_on_the_training_texts(essays):
    texts, _ = essays
    model = TopicModel(k=4).fit(texts)
    per_topic = [t.quality["c_npmi"] for t in model._report.topics]
    assert model.score(texts) == pytest.approx(np.mean(per_topic), abs=1e-12)
    assert -1.0 <= model.score(texts[:20]) <= 1.0


def test_pipeline_after_a_column_transformer_on_a_dataframe(essays):
    from sklearn.compose import ColumnTransformer
    from sklearn.pipeline import Pipeline

    texts, labels = essays
    frame = pl.DataFrame({"text": texts, "label": labels, "n": list(range(len(texts)))})
    pipe = Pipeline([
        ("select", ColumnTransformer([("text", "passthrough", ["text"])])),
        ("topics", TopicModel(k=3)),
    ])  # fmt: skip
    weights = pipe.fit_transform(frame)
    direct = TopicModel(k=3).fit(texts)
    assert np.array_equal(weights, direct.doc_topics_)
    assert np.array_equal(pipe.transform(frame[:4]), direct.transform(texts[:4]))
    assert pipe.score(frame) == direct.score(texts)


def test_grid_search_picks_k_by_the_c_npmi_score(essays):
    from sklearn.model_selection import GridSearchCV, KFold

    texts, _ = essays
    search = GridSearchCV(TopicModel(), {"k": [2, 6]}, cv=KFold(2, shuffle=True, random_state=0))
    search.fit(np.array(texts, dtype=object))
    scores = search.cv_results_["mean_test_score"]
    assert search.best_params_["k"] == [2, 6][int(np.argmax(scores))]
    assert search.best_estimator_.topics_["topic"].n_unique() == search.best_params_["k"]
    assert np.all(np.isfinite(scores))


def test_options_are_checked_as_the_cli_checks_them(essays):
    texts, _ = essays
    with pytest.raises(ValueError, match="method"):
        TopicModel(method="lda").fit(texts)
    with pytest.raises(ValueError, match="solver"):
        TopicModel(loss="frobenius", solver="amu").fit(texts)
    with pytest.raises(ValueError, match="str"):
        TopicModel().fit([1, 2, 3])


def test_import_topiccli_stays_light():
    import subprocess
    import sys

    code = (
        "import sys, topiccli, topiccli.models; assert topiccli.TopicModel.__name__; "
        "print(sorted(m for m in ('numpy', 'scipy', 'sklearn') if m in sys.modules))"
    )
    light = (
        "import sys, topiccli, topiccli.models; "
        "print(sorted(m for m in ('numpy', 'scipy', 'sklearn') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", light], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)  # fmt: skip
    assert "sklearn" in loaded.stdout


class _Counting:
    """An engine that is the local one, counting what it is asked (an Engine by its shape)."""

    def __init__(self, threads: int) -> None:
        from topiccli.models.engine import LocalEngine

        self.inner, self.asked, self.closed = LocalEngine(threads), [], False

    def __getattr__(self, name):
        if name.startswith("__") or name in ("inner", "asked"):
            raise AttributeError(name)
        self.asked.append(name)
        return getattr(self.inner, name)

    def describe(self) -> dict:
        return {**self.inner.describe(), "counted": True}

    def close(self) -> None:
        self.closed = True


def test_the_engine_is_the_one_given_and_the_topics_are_the_same(essays):
    from sklearn.base import clone

    from topiccli.errors import UsageError

    texts, _ = essays
    counting = _Counting(threads=1)
    given = TopicModel(k=3, engine=counting).fit(texts)
    assert {"place", "nmf", "document_weights"} <= set(counting.asked)
    assert given.report_["engine"] == {"kind": "local", "threads": 1, "counted": True}
    assert not counting.closed  # an engine passed in is the caller's to close
    default = TopicModel(k=3).fit(texts)  # this machine, every CPU: the same topics
    assert default.report_["engine"]["kind"] == "local"
    assert given.topics_.equals(default.topics_)
    assert np.array_equal(given.doc_topics_, default.doc_topics_)
    assert TopicModel(k=3, engine="none").fit(texts).topics_.equals(default.topics_)
    assert clone(given).get_params()["engine"] is not None
    with pytest.raises(UsageError, match="engine must be"):
        TopicModel(k=3, engine=42).fit(texts)


def test_seed_words_from_python_steer_as_the_cli_does(essays, tmp_path):
    texts, _ = essays
    seeds = tmp_path / "seeds.txt"
    seeds.write_text("music: chord rhythm melody\nmedicine: fever blood\n", encoding="utf-8")
    by_file = TopicModel(k=4, seed_words=seeds).fit(texts)
    by_dict = TopicModel(k=4, seed_words={"music": "chord rhythm melody",
                                          "medicine": ["fever", "blood"]}).fit(texts)  # fmt: skip
    assert np.array_equal(by_file.doc_topics_, by_dict.doc_topics_)
    topics = by_dict.report_["topics"]
    assert [t["name"] for t in topics[:2]] == ["music", "medicine"]
    assert {"chord", "rhythm", "melody"} <= set(topics[0]["words"])
    assert {"fever", "blood"} <= set(topics[1]["words"])
    cli = CliRunner().invoke(__import__("topiccli.cli", fromlist=["app"]).app,
                             ["nmf", "--input", str(SAMPLE), "--k", "4", "--seed-words",
                              str(seeds), "--format", "json"])  # fmt: skip
    assert [t["words"] for t in json.loads(cli.stdout)["topics"]] == [t["words"] for t in topics]
