"""Helpers shared by the corpus-cache and run-cache tests: CLI runs, cache entries, guards."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from typer.testing import CliRunner

from topiccli import cache
from topiccli.cache import runs
from topiccli.cli import app

runner = CliRunner()


def run_json(*args, env=None):
    result = runner.invoke(app, [str(a) for a in (*args, "--format", "json")], env=env)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout), result.stderr


def without_run_details(report: dict) -> dict:
    """The report minus what legitimately differs between a hit and a miss."""
    report = json.loads(json.dumps(report))
    report.pop("timings")
    report.pop("run_cache")
    report["corpus"].pop("cache")
    return report


def entries(directory: Path) -> list[Path]:
    return sorted(directory.glob(f"{cache.SUBDIR}/*.json"))


def run_entries(directory: Path) -> list[Path]:
    return sorted(directory.glob(f"{runs.SUBDIR}/*.json"))


def forget_runs(directory: Path) -> None:
    """Drop the finished runs, so the next run fits again from the corpus cache."""
    shutil.rmtree(directory / runs.SUBDIR, ignore_errors=True)


def forbid_loading(monkeypatch) -> None:
    def fail(*args, **kwargs):
        raise AssertionError("a cache hit must neither load nor vectorize")

    monkeypatch.setattr("topiccli.corpus.source.Source.load", fail)
    monkeypatch.setattr("topiccli.text.vectorize.Vectorizer.fit_transform", fail)
