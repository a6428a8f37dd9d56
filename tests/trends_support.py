"""The planted-trend corpus (topiccli.corpus.planted_trends) written as JSONL and fitted once
per test session through the command line, with every output of the time and group analyses."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import numpy as np
from typer.testing import CliRunner

from topiccli.cli import app
from topiccli.corpus.planted_trends import generate

runner = CliRunner()
BAD_ROWS = {5: "not a date", 7: None}
"""Rows whose time is spoiled: a value that is no time, and a missing field."""


def topics(*args) -> str:
    result = runner.invoke(app, [str(a) for a in args], env={"COLUMNS": "400"})
    assert result.exit_code == 0, result.output
    return result.stdout


def write_corpus(path: Path, corpus=None) -> Path:
    """The planted corpus as JSONL (id, text, date, group), rows BAD_ROWS spoiled."""
    corpus = corpus or generate()
    with path.open("w", encoding="utf-8") as handle:
        for i, (doc_id, text, time, group) in enumerate(
            zip(corpus.ids, corpus.texts, corpus.times, corpus.groups)
        ):
            record = {"id": doc_id, "text": text, "date": time, "group": group}
            if i in BAD_ROWS:
                if BAD_ROWS[i] is None:
                    del record["date"]
                else:
                    record["date"] = BAD_ROWS[i]
            handle.write(json.dumps(record) + "\n")
    return path


FIT = ["nmf", "--k", "4", "--language", "en", "--id-field", "id", "--time-field", "date",
       "--group-field", "group"]  # fmt: skip


@cache
def planted_run(folder: str) -> dict:
    """Every output of one fit of the planted corpus (paths under ``folder``)."""
    root = Path(folder)
    root.mkdir(parents=True, exist_ok=True)
    data = write_corpus(root / "planted.jsonl")
    fit = [*FIT, "--input", data, "--cache-dir", root / "cache"]  # the second fit reads it
    topics(*fit, "-f", "json", "-o", root / "report.json", "--save", root / "model",
           "--html", root / "page.html", "--trends", root / "trends.csv")  # fmt: skip
    topics("explore", root / "model", "-o", root / "model.html")
    return {
        "json": json.loads((root / "report.json").read_text(encoding="utf-8")),
        "trends_csv": (root / "trends.csv").read_text(encoding="utf-8"),
        "page": root / "page.html",
        "model_page": root / "model.html",
        "model": root / "model",
        "show_json": json.loads(topics("show", root / "model", "-f", "json")),
        "show_table": topics("show", root / "model"),
        "table": topics(*fit, "-f", "table"),
    }


def matched(report: dict, blocks: list[list[str]]) -> list[int]:
    """For each planted topic, the fitted topic sharing most of its top words with its block."""
    words = [set(t["words"]) for t in report["topics"]]
    return [max(range(len(words)), key=lambda t: len(words[t] & set(block))) for block in blocks]


def curve(report: dict, topic: int) -> np.ndarray:
    return np.array(report["over_time"]["topics"][topic]["prevalence"], dtype=np.float64)
