"""One story for names and seed words: a seeded fit (``--seed-words``, one seeded topic named in
the file, one not) told by its table, JSON, CSV and explorer page, then its saved bundle with a
free topic named by ``topics name``, told by model.json, ``topics show`` (table, JSON, CSV) and
``topics explore``. Every output gives each topic the same user name, automatic name and seed
words as the JSON report (the bundle's outputs: with the new name), and never shows an
automatic name as the user's."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from typer.testing import CliRunner

from topiccli.cli import app

from ..helpers import SAMPLE, table_rows

SEEDS = "space: planet star telescope\npatients blood fever\n"
K = 5
NAMED, NAME = 3, "kitchen & garden"
"""The free topic ``topics name`` names in the bundle."""
FIELDS = ("name", "auto_name", "seed_words")


def topics(*args) -> str:
    result = CliRunner().invoke(app, [str(a) for a in args], env={"COLUMNS": "400"})
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.fixture(scope="module")
def outputs(tmp_path_factory) -> dict:
    folder = tmp_path_factory.mktemp("names")
    (folder / "seeds.txt").write_text(SEEDS, encoding="utf-8")
    fit = ["nmf", "--input", SAMPLE, "--k", K, "--seed-words", folder / "seeds.txt",
           "--cache-dir", folder / "cache"]  # fmt: skip
    topics(*fit, "-f", "json", "-o", folder / "report.json", "--html", folder / "page.html",
           "--save", folder / "model")  # fmt: skip
    topics("name", folder / "model", NAMED, NAME)
    topics("explore", folder / "model", "-o", folder / "model.html")
    return {
        "json": json.loads((folder / "report.json").read_text(encoding="utf-8")),
        "table": topics(*fit, "-f", "table"),
        "csv": topics(*fit, "-f", "csv"),
        "explorer": page_data(folder / "page.html"),
        "model_json": json.loads((folder / "model" / "model.json").read_text(encoding="utf-8")),
        "show_json": json.loads(topics("show", folder / "model", "-f", "json")),
        "show_table": topics("show", folder / "model", "-f", "table"),
        "show_csv": topics("show", folder / "model", "-f", "csv"),
        "bundle_explorer": page_data(folder / "model.html"),
    }


# --- reading each output back -------------------------------------------------------------


def page_data(path) -> dict:
    """The explorer page's embedded data (its JSON block)."""
    text = path.read_text(encoding="utf-8")
    block = re.search(r'<script type="application/json" id="topics-data">(.*?)</script>', text,
                      re.S)  # fmt: skip
    return json.loads(block.group(1))


def from_json(report: dict) -> list[dict]:
    return [{f: t.get(f) for f in FIELDS} for t in report["topics"]]


def names_from_table(text: str) -> list[dict]:
    """The user's name and seeds lead the top words (``[name; seeds a b] …``); the automatic
    name has its own column, in brackets."""
    out = []
    for row in table_rows(text):
        name, seeds = None, None
        words = row["top words"]
        if words.startswith("["):
            parts = words[1 : words.index("] ")].split("; ")
            if parts[-1].startswith("seeds "):
                seeds = parts.pop()[len("seeds ") :].split()
            name = "; ".join(parts) or None
        auto = row["auto name"]
        out.append({"name": name, "auto_name": None if auto == "—" else auto.strip("[]"),
                    "seed_words": seeds})  # fmt: skip
    return out


def from_csv(text: str) -> list[dict]:
    found: dict[int, dict] = {}
    for row in csv.DictReader(io.StringIO(text)):
        entry = {"name": row["name"] or None, "auto_name": row["auto_name"] or None,
                 "seed_words": row["seed_words"].split() or None}  # fmt: skip
        assert found.setdefault(int(row["topic"]), entry) == entry  # every row of a topic
    return [found[t] for t in sorted(found)]


def from_explorer(data: dict) -> list[dict]:
    return [{f: t.get(f) for f in FIELDS} for t in data["topics"]]


def from_bundle(meta: dict) -> list[dict]:
    given = meta.get("topics") or [{}] * meta["k"]
    return [{"name": g.get("name"), "auto_name": q.get("auto_name"),
             "seed_words": g.get("seed_words")}
            for g, q in zip(given, meta["quality"]["topics"])]  # fmt: skip


def disagreements(out: dict) -> list[tuple]:
    """(output, topic, field, want, got) for every difference from the JSON report (the
    bundle's outputs: the report with topic NAMED renamed)."""
    fit = from_json(out["json"])
    renamed = [dict(t, name=NAME) if i == NAMED else t for i, t in enumerate(fit)]
    readers = {
        "table": (fit, names_from_table(out["table"])),
        "csv": (fit, from_csv(out["csv"])),
        "explorer": (fit, from_explorer(out["explorer"])),
        "bundle": (renamed, from_bundle(out["model_json"])),
        "show_json": (renamed, from_json(out["show_json"])),
        "show_table": (renamed, names_from_table(out["show_table"])),
        "show_csv": (renamed, from_csv(out["show_csv"])),
        "bundle_explorer": (renamed, from_explorer(out["bundle_explorer"])),
    }
    found = []
    for output, (want, got) in readers.items():
        if len(want) != len(got):
            found.append((output, "*", "topics", len(want), len(got)))
            continue
        for t, (w, g) in enumerate(zip(want, got)):
            found.extend((output, t, f, w[f], g[f]) for f in FIELDS if w[f] != g[f])
    return found


def test_every_output_gives_the_same_names_and_seeds(outputs):
    assert disagreements(outputs) == []


def test_the_comparison_has_content(outputs):
    """Seeded topics first (one named by its file, one not), a free topic unnamed, every topic
    an automatic name apart from any user name, and the table's words after the prefix."""
    report = outputs["json"]["topics"]
    assert report[0]["name"] == "space"
    assert report[0]["seed_words"] == ["planet", "star", "telescope"]
    assert "name" not in report[1] and report[1]["seed_words"] == ["patients", "blood", "fever"]
    assert all("seed_words" not in t and "name" not in t for t in report[2:])
    assert all(t["auto_name"] and t["auto_name"] != t.get("name") for t in report)
    assert outputs["show_json"]["topics"][NAMED]["name"] == NAME
    words = [row["top words"] for row in table_rows(outputs["table"])]
    assert [w.split() for w in words[2:]] == [t["words"] for t in report[2:]]


def test_a_changed_output_is_caught(outputs):
    broken = json.loads(json.dumps(outputs, default=str))
    broken["explorer"]["topics"][1]["seed_words"] = None
    broken["model_json"]["quality"]["topics"][2]["auto_name"] = "something else"
    broken["show_csv"] = outputs["show_csv"].replace(NAME, "another name")
    fields = {(output, t, field) for output, t, field, _, _ in disagreements(broken)}
    assert {("explorer", 1, "seed_words"), ("bundle", 2, "auto_name"),
            ("show_csv", NAMED, "name")} <= fields  # fmt: skip
