"""Model bundles: save → show → infer round trips, no pickle, integrity, --force, atomicity."""

from __future__ import annotations

import csv
import hashlib
import json
import zipfile
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from topiccli.cli import app
from topiccli.errors import BundleError
from topiccli.models import bundle as bundle_module
from topiccli.models.bundle import FILES, MANIFEST, load

runner = CliRunner()


def topics(*args, **kwargs):
    return runner.invoke(app, [str(a) for a in args], **kwargs)


def ok(*args, **kwargs):
    result = topics(*args, **kwargs)
    assert result.exit_code == 0, result.stderr
    return result


def fit(method, corpus, model, *extra):
    args = (method, "--input", corpus, "--k", 4, "--vectorizer", "tfidf", "--save", model)
    return json.loads(ok(*args, *extra, "--format", "json").stdout)


@pytest.mark.parametrize("method", ["nmf", "svd"])
def test_round_trip_show_prints_the_same_topics_and_infer_agrees(sample_corpus, tmp_path, method):
    model = tmp_path / "model"
    report = fit(method, sample_corpus, model, "--doc-topics", tmp_path / "fit.csv")
    shown = json.loads(ok("show", model, "--format", "json").stdout)
    assert shown["topics"] == report["topics"]
    for key in ("method", "k", "seed", "schema_version", "vectorizer"):
        assert shown[key] == report[key]
    assert (
        ok("show", model, "--format", "csv").stdout
        == ok(
            method, "--input", sample_corpus, "--k", 4, "--vectorizer", "tfidf", "--format", "csv"
        ).stdout
    )
    assert "top words" in ok("show", model).stdout

    ok("infer", model, "--input", sample_corpus, "--doc-topics", tmp_path / "infer.csv")
    fitted = list(csv.DictReader((tmp_path / "fit.csv").open(encoding="utf-8")))
    inferred = list(csv.DictReader((tmp_path / "infer.csv").open(encoding="utf-8")))
    assert [r["id"] for r in fitted] == [r["id"] for r in inferred]
    assert len(fitted) == report["corpus"]["n_documents"]
    weighted = [i for i, row in enumerate(fitted) if row["top_topic"] != ""]
    same = sum(fitted[i]["top_topic"] == inferred[i]["top_topic"] for i in weighted)
    assert len(weighted) > 0.9 * len(fitted) and same >= 0.99 * len(weighted)


def test_show_top_words_defaults_to_the_fit_and_can_change(sample_corpus, tmp_path):
    model = tmp_path / "m"
    fit("nmf", sample_corpus, model, "--top-words", 5)
    shown = json.loads(ok("show", model, "--format", "json").stdout)
    assert all(len(t["words"]) == 5 for t in shown["topics"])
    more = json.loads(ok("show", model, "--format", "json", "--top-words", 12).stdout)
    assert all(len(t["words"]) == 12 for t in more["topics"])
    assert [t["words"][:5] for t in more["topics"]] == [t["words"] for t in shown["topics"]]


def test_bundle_has_no_pickle_and_loads_with_allow_pickle_false(sample_corpus, tmp_path):
    model = tmp_path / "m"
    fit("nmf", sample_corpus, model)
    assert sorted(p.name for p in model.iterdir()) == sorted((*FILES, MANIFEST))
    for path in model.iterdir():
        head = path.read_bytes()[:2]
        assert head != b"\x80\x04" and head[:1] != b"\x80", f"{path.name} looks like a pickle"
    with zipfile.ZipFile(model / "arrays.npz") as archive:
        for name in archive.namelist():
            assert b"pickle" not in archive.read(name)[:128]
    with np.load(model / "arrays.npz", allow_pickle=False) as arrays:
        assert {"components", "topic_weights", "doc_topics", "idf"} <= set(arrays.files)
        assert all(arrays[name].dtype == np.float64 for name in arrays.files)
    for name in ("model.json", "vocabulary.json", "vectorizer.json", "documents.json"):
        json.loads((model / name).read_text(encoding="utf-8"))
    meta = json.loads((model / "model.json").read_text(encoding="utf-8"))
    assert meta["schema_version"] == 1 and meta["method"] == "nmf" and meta["k"] == 4
    assert meta["fingerprint"].startswith("sha256:")
    assert {"topiccli", "numpy", "scipy", "scikit-learn", "python"} <= meta["versions"].keys()
    vectorizer = json.loads((model / "vectorizer.json").read_text(encoding="utf-8"))
    assert "the" in vectorizer["stop_words"] and vectorizer["tfidf"]["norm"] == "l2"


def test_same_fit_gives_byte_identical_bundles(sample_corpus, tmp_path):
    fit("nmf", sample_corpus, tmp_path / "a")
    fit("nmf", sample_corpus, tmp_path / "b")
    for name in (*FILES, MANIFEST):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_existing_bundle_needs_force(sample_corpus, tmp_path):
    model = tmp_path / "m"
    fit("nmf", sample_corpus, model)
    before = (model / "model.json").read_bytes()
    args = ("svd", "--input", sample_corpus, "--k", 3, "--save", model)
    refused = topics(*args)
    assert refused.exit_code == 1 and "--force" in refused.stderr and refused.stdout == ""
    assert (model / "model.json").read_bytes() == before
    ok(*args, "--force")
    assert load(model).method == "svd" and load(model).k == 3
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "topics-cache") == ["m"]


def test_force_never_replaces_something_that_is_not_a_bundle(sample_corpus, tmp_path):
    precious = tmp_path / "notes"
    precious.mkdir()
    (precious / "todo.txt").write_text("keep me")
    result = topics("nmf", "--input", sample_corpus, "--save", precious, "--force")
    assert result.exit_code == 1 and "not a topiccli model bundle" in result.stderr
    assert (precious / "todo.txt").read_text() == "keep me"


def test_interrupted_save_leaves_no_partial_bundle(sample_corpus, tmp_path, monkeypatch):
    model = tmp_path / "m"
    written = []
    real_write = bundle_module._write_file

    def failing_write(path, content):
        written.append(path.name)
        if len(written) == 3:
            raise KeyboardInterrupt
        real_write(path, content)

    monkeypatch.setattr(bundle_module, "_write_file", failing_write)
    result = topics("nmf", "--input", sample_corpus, "--k", 3, "--save", model)
    assert result.exit_code == 130
    assert len(written) == 3
    assert not model.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".m.")]


def test_interrupted_replace_keeps_the_old_bundle(sample_corpus, tmp_path, monkeypatch):
    model = tmp_path / "m"
    fit("nmf", sample_corpus, model)
    before = {p.name: p.read_bytes() for p in model.iterdir()}

    def failing_write(path, content):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(bundle_module, "_write_file", failing_write)
    result = topics("svd", "--input", sample_corpus, "--k", 3, "--save", model, "--force")
    assert result.exit_code == 1 and "No space left on device" in result.stderr
    assert {p.name: p.read_bytes() for p in model.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "topics-cache") == ["m"]


def _saved(sample_corpus, tmp_path) -> Path:
    model = tmp_path / "m"
    fit("nmf", sample_corpus, model)
    return model


def _rewrite_manifest(model: Path, change) -> None:
    manifest = json.loads((model / MANIFEST).read_text())
    change(manifest)
    (model / MANIFEST).write_text(json.dumps(manifest))


def test_newer_schema_is_refused_by_name(sample_corpus, tmp_path):
    model = _saved(sample_corpus, tmp_path)
    _rewrite_manifest(model, lambda m: m.update(schema_version=2))
    result = topics("show", model)
    assert result.exit_code == 1
    assert "schema_version 2" in result.stderr and "upgrade topiccli" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda m: (m / "arrays.npz").write_bytes((m / "arrays.npz").read_bytes()[:500]),
         "arrays.npz has 500 bytes"),
        (lambda m: (m / "vocabulary.json").write_text(
            (m / "vocabulary.json").read_text().replace('"galaxy"', '"galaxz"')),
         "vocabulary.json fails its SHA-256 check"),
        (lambda m: (m / "model.json").unlink(), "model.json is missing"),
        (lambda m: (m / MANIFEST).write_text('{"format": "topiccli-model", "schema'),
         "manifest.json is not valid JSON"),
    ],
)  # fmt: skip
def test_damaged_bundle_gives_one_clear_error(sample_corpus, tmp_path, damage, message):
    model = _saved(sample_corpus, tmp_path)
    damage(model)
    for command in (("show", model), ("infer", model, "--input", sample_corpus)):
        result = topics(*command)
        assert result.exit_code == 1, result.stdout
        assert message in result.stderr and "damaged" in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1 and result.stdout == ""


def test_consistent_but_wrong_shapes_are_caught(sample_corpus, tmp_path):
    model = _saved(sample_corpus, tmp_path)
    vocabulary = json.loads((model / "vocabulary.json").read_text())
    content = json.dumps(vocabulary[:-1]).encode()
    (model / "vocabulary.json").write_bytes(content)

    def fix(manifest):
        manifest["files"]["vocabulary.json"] = {
            "bytes": len(content),
            "sha256": hashlib.sha256(content).hexdigest(),
        }

    _rewrite_manifest(model, fix)
    with pytest.raises(BundleError, match="components"):
        load(model)


def test_missing_or_foreign_bundle_paths(tmp_path):
    assert "no model bundle" in topics("show", tmp_path / "nothing").stderr
    (tmp_path / "file.txt").write_text("x")
    assert "is not a model bundle" in topics("show", tmp_path / "file.txt").stderr
    assert "has no manifest.json" in topics("show", tmp_path).stderr
