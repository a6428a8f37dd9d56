"""The run cache: a run repeated on unchanged data with the same options is answered from disk,
without loading, vectorizing, fitting, or importing numpy; anything else runs again."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from topiccli.cache import checked, runs
from topiccli.cli import app
from topiccli.specs import ModelSpec

from ..helpers import SAMPLE, age, fit_json
from .cache_support import (
    forbid_loading,
    run_entries,
    run_json,
    runner,
    without_run_details,
)


def forbid_fitting(monkeypatch) -> None:
    forbid_loading(monkeypatch)

    def fail(*args, **kwargs):
        raise AssertionError("a run cache hit must not fit")

    monkeypatch.setattr("topiccli.models.fitting.factorize", fail)


@pytest.mark.parametrize("method", ["svd", "nmf"])
def test_a_repeated_run_is_answered_without_loading_or_fitting(corpus, monkeypatch, method):
    args = (method, "--input", corpus, "--k", 4, "--docs", 2)
    first, _ = run_json(*args)
    assert first["run_cache"] == "miss"
    forbid_fitting(monkeypatch)
    second, stderr = run_json(*args)
    assert second["run_cache"] == "hit" and second["corpus"]["cache"] == "hit" and stderr == ""
    assert without_run_details(second) == without_run_details(first)
    assert {second["timings"][stage] for stage in ("load", "vectorize", "factorize")} == {0.0}
    table = runner.invoke(app, [str(a) for a in args])  # the table renders the stored run too
    assert table.exit_code == 0, table.stderr
    assert all(" ".join(t["words"][:3]) in table.stdout for t in first["topics"])


def test_every_model_option_and_the_data_are_part_of_the_key(corpus, private_cache_dir):
    base = ("nmf", "--input", corpus, "--k", 3, "--max-iter", 30)
    assert run_json(*base)[0]["run_cache"] == "miss"
    for option, value in [("--seed", 1), ("--top-words", 5), ("--docs", 1), ("--tol", "1e-3"),
                          ("--loss", "frobenius"), ("--init", "random"), ("--alpha-w", "0.01"),
                          ("--seeds", 2), ("--vectorizer", "count")]:  # fmt: skip
        assert run_json(*base, option, value)[0]["run_cache"] == "miss", option
    assert run_json(*base[:-2], "--max-iter", 31)[0]["run_cache"] == "miss"
    assert run_json("svd", "--input", corpus, "--k", 3)[0]["run_cache"] == "miss"
    assert run_json(*base)[0]["run_cache"] == "hit"
    count = len(run_entries(private_cache_dir))
    edited = corpus / "astronomy" / "01.txt"
    edited.write_text(edited.read_text(encoding="utf-8") + "\nzyzzyva\n", encoding="utf-8")
    age(corpus)
    after, _ = run_json(*base)
    assert after["run_cache"] == "miss" and after["corpus"]["cache"] == "miss"
    assert len(run_entries(private_cache_dir)) == count  # the new entry replaced the old one


HIT_WITHOUT_NUMPY = """
import sys
from topiccli.cli import app
try:
    app(sys.argv[1:], prog_name="topics")
except SystemExit as exit:
    assert not exit.code, exit.code
heavy = sorted({"numpy", "scipy", "sklearn"} & set(sys.modules))
assert not heavy, f"a run cache hit imported {heavy}"
"""


def test_a_hit_imports_neither_numpy_nor_scipy(corpus):
    args = ["nmf", "--input", str(corpus), "--k", "3"]
    assert run_json(*args)[0]["run_cache"] == "miss"
    for fmt in ("table", "json", "csv"):
        subprocess.run([sys.executable, "-c", HIT_WITHOUT_NUMPY, *args, "--format", fmt],
                       check=True, capture_output=True)  # fmt: skip


def test_the_warnings_of_the_run_are_given_again(corpus):
    (corpus / "astronomy" / "image.bin").write_bytes(b"\x00\x01\x02" * 50)
    age(corpus)
    args = ("nmf", "--input", corpus, "--k", 3, "--max-iter", 2)
    first, stderr_first = run_json(*args)
    assert "skipped 1 document(s)" in stderr_first and "stopped at --max-iter=2" in stderr_first
    second, stderr_second = run_json(*args)
    assert second["run_cache"] == "hit"
    assert stderr_second == stderr_first


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda p: p.write_text("{not json", encoding="utf-8"), id="garbled"),
        pytest.param(lambda p: p.write_bytes(p.read_bytes()[:-40]), id="truncated"),
        pytest.param(lambda p: _edit(p, key="another"), id="another-key"),
        pytest.param(lambda p: _edit(p, topics=[{"id": 0}]), id="malformed-topics"),
        pytest.param(lambda p: _edit(p, warnings=[["TopicsWarning"]]), id="malformed-warnings"),
        pytest.param(lambda p: _edit(p, metrics=None), id="missing-metrics"),
        pytest.param(lambda p: _edit(p, format=99), id="another-format"),
    ],
)
def test_a_corrupt_run_entry_is_reported_and_run_again(corpus, private_cache_dir, damage):
    args = ("svd", "--input", corpus, "--k", 3)
    first, _ = run_json(*args)
    [entry] = run_entries(private_cache_dir)
    damage(entry)
    again, stderr = run_json(*args)
    assert again["run_cache"] == "miss"
    assert "Warning: ignoring a corrupt run cache entry" in stderr
    assert without_run_details(again) == without_run_details(first)
    third, stderr = run_json(*args)
    assert third["run_cache"] == "hit" and stderr == ""


def _edit(path: Path, **changes) -> None:
    """Change the entry and re-sign it, so only the consistency checks can catch it."""
    wrapped = json.loads(path.read_text(encoding="utf-8"))
    wrapped["entry"].update(changes)
    path.write_bytes(checked.wrap(json.dumps(wrapped["entry"]).encode("utf-8")))


def test_save_and_doc_topics_fit_again_for_the_factors(corpus, tmp_path):
    args = ("nmf", "--input", corpus, "--k", 3)
    run_json(*args)
    table = tmp_path / "doc_topics.csv"
    report, _ = run_json(*args, "--save", tmp_path / "model", "--doc-topics", table)
    assert report["run_cache"] == "miss"
    assert (tmp_path / "model").is_dir()
    assert (
        len(table.read_text(encoding="utf-8").splitlines()) == report["corpus"]["n_documents"] + 1
    )


def test_no_cache_turns_the_run_cache_off(corpus, private_cache_dir):
    args = ("svd", "--input", corpus, "--k", 3, "--no-cache")
    assert run_json(*args)[0]["run_cache"] == "off"
    assert run_json(*args)[0]["run_cache"] == "off"
    assert not private_cache_dir.exists()


def test_the_key_follows_the_corpus_key_and_the_options():
    corpus_key = "a" * 24 + "-" + "b" * 24
    one = runs.run_key(corpus_key, ModelSpec(method="nmf", k=3))
    what, options, state = one.split("-")
    assert what == "a" * 24 and state == "b" * 24
    assert one == runs.run_key(corpus_key, ModelSpec(method="nmf", k=3))
    assert one != runs.run_key(corpus_key, ModelSpec(method="nmf", k=4))
    assert one != runs.run_key(corpus_key, ModelSpec(method="svd", k=3))


def test_a_run_cache_hit_reports_this_runs_corpus_path(tmp_path, monkeypatch):
    first = fit_json("nmf", "-i", SAMPLE.resolve(), "--k", 4)
    assert first["corpus"]["path"] == str(SAMPLE.resolve())
    monkeypatch.chdir(SAMPLE.parent)
    again = fit_json("nmf", "-i", SAMPLE.name, "--k", 4)
    assert again["run_cache"] == "hit"
    assert again["corpus"]["path"] == SAMPLE.name
