"""One story across every output: the same run told by the table, JSON, CSV, ``--doc-topics``,
the explorer (``--html``), the saved bundle, ``topics show`` (table, JSON, CSV) and
``topics explore`` of the bundle, and ``topics infer --doc-topics`` on the training documents.

Each output is read back the way a user's program would (the table parsed from its text, the
page's embedded JSON block, the bundle's files) and compared with the JSON report, field by
field: topic ids (numbered from 0), top words, documents won, dominant label and its share,
flags. Where an output carries the raw per-document data (``--doc-topics``, the bundle's
arrays, the explorer's topics × labels table) the counts and labels are recomputed here from
it, independently of topiccli.quality.story. The target is 0 disagreements.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from topiccli.cli import app

from ..helpers import SAMPLE, table_rows

runner = CliRunner()
RUNS = {
    # svd at k=8 and nmf at k=10 on the essays raise flags (narrow), so flags are compared
    # with content; --seeds 2 adds stability and its flag to the nmf story
    "svd": ["svd", "--k", "8"],
    "nmf": ["nmf", "--k", "10", "--seeds", "2"],
    # the four-group SVD page where the explorer once contradicted itself (dominant label,
    # documents per topic: signed against absolute weights)
    "svd-20ng": [
        "svd",
        "--k",
        "4",
        "--categories",
        "alt.atheism,sci.space,comp.graphics,rec.autos",
    ],
}
PARAMS = [pytest.param(name, marks=pytest.mark.newsgroups) if name.endswith("20ng") else name
          for name in RUNS]  # fmt: skip
STORY = ("n_documents", "label", "label_share", "flags")


def topics(*args, env=None) -> str:
    result = runner.invoke(app, [str(a) for a in args], env={"COLUMNS": "400", **(env or {})})
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.fixture(scope="module", params=PARAMS)
def outputs(request, tmp_path_factory):
    """Every output of one run (and of its saved bundle), as text or parsed files."""
    folder = tmp_path_factory.mktemp(f"story-{request.param}")
    cache = folder / "cache"
    if request.param.endswith("20ng"):
        source = ["--data-home", request.getfixturevalue("newsgroups_home")]
    else:
        source = ["--input", SAMPLE]
    fit = [*RUNS[request.param], *source, "--cache-dir", cache]
    topics(*fit, "-f", "json", "-o", folder / "report.json", "--html", folder / "page.html",
           "--doc-topics", folder / "doc_topics.csv", "--save", folder / "model",
           "--save-snippets")  # fmt: skip
    out = {
        "json": json.loads((folder / "report.json").read_text(encoding="utf-8")),
        "table": topics(*fit, "-f", "table"),
        "csv": topics(*fit, "-f", "csv"),
        "doc_topics": (folder / "doc_topics.csv").read_text(encoding="utf-8"),
        "explorer": page_data(folder / "page.html"),
        "bundle": folder / "model",
        "show_json": json.loads(topics("show", folder / "model", "-f", "json")),
        "show_table": topics("show", folder / "model", "-f", "table"),
        "show_csv": topics("show", folder / "model", "-f", "csv"),
    }
    if "--input" in source:  # infer on the training documents: the fit's weights again
        topics("infer", folder / "model", *source, "--doc-topics", folder / "infer.csv")
        out["infer_doc_topics"] = (folder / "infer.csv").read_text(encoding="utf-8")
    topics("explore", folder / "model", "-o", folder / "bundle.html")
    out["bundle_explorer"] = page_data(folder / "bundle.html")
    return RUNS[request.param][0], out


def page_data(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    block = re.search(
        r'<script type="application/json" id="topics-data">(.*?)</script>', text, re.S
    )
    return json.loads(block.group(1))


# --- reading each output back -------------------------------------------------------------


def from_json(report: dict) -> list[dict]:
    return [{"id": t["id"], "words": t["words"], "negative_words": t.get("negative_words"),
             **{f: t.get(f) for f in STORY}} for t in report["topics"]]  # fmt: skip


def from_table(text: str) -> list[dict]:
    """The table's rows (continuation lines of a wrapped row joined), by its header names."""
    out = []
    for row in table_rows(text):
        label, share = None, None
        if row.get("label") not in (None, "—"):
            label, percent = row["label"].rsplit(" ", 1)
            share = int(percent.rstrip("%")) / 100
        words = row["top words"]
        negative = None
        if words.startswith("+ "):
            positive, _, rest = words[2:].partition(" / − ")
            words, negative = positive, ([] if rest == "(none)" else rest.split())
        out.append({"id": int(row["#"]), "words": words.split(), "negative_words": negative,
                    "n_documents": int(row["docs"]) if "docs" in row else None,
                    "label": label, "label_share": share,
                    "flags": row.get("flags", "").split()})  # fmt: skip
    return out


def from_csv(text: str, svd: bool) -> list[dict]:
    """The CSV's rows by topic (an SVD pole with no terms has no rows: an empty list)."""
    found: dict[int, dict] = {}
    for row in csv.DictReader(io.StringIO(text)):
        t = found.setdefault(int(row["topic"]), {
            "id": int(row["topic"]), "words": [], "negative_words": [] if svd else None,
            "n_documents": int(row["n_documents"]) if row["n_documents"] else None,
            "label": row["label"] or None,
            "label_share": float(row["label_share"]) if row["label_share"] else None,
            "flags": row["flags"].split()})  # fmt: skip
        if row["pole"] == "+":
            t["words"].append(row["word"])
        else:
            t["negative_words"].append(row["word"])
    return [found[t] for t in sorted(found)]


def recount(winners: list[int], labels: list[str | None], k: int) -> list[dict]:
    """Documents won and the dominant label, counted here from per-document rows."""
    out = []
    for t in range(k):
        won = [label for top, label in zip(winners, labels) if top == t and label is not None]
        counts = Counter(won)
        best = min(counts, key=lambda name: (-counts[name], name)) if counts else None
        out.append({"id": t, "n_documents": sum(1 for top in winners if top == t), "label": best,
                    "label_share": counts[best] / len(won) if won else None})  # fmt: skip
    return out


def from_doc_topics(text: str, k: int) -> list[dict]:
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0])[3:] == [f"topic_{t}" for t in range(k)]
    winners = [int(r["top_topic"]) if r["top_topic"] else -1 for r in rows]
    return recount(winners, [r["label"] or None for r in rows], k)


def from_explorer(data: dict) -> list[dict]:
    out = []
    for t in data["topics"]:
        story = t["story"]
        entry = {"id": t["id"], "words": t["hover_words"], **{f: story[f] for f in STORY}}
        entry["count_panel"] = data["doc_counts"]["per_topic"][t["id"]]
        if data["labels"]:
            row = data["labels"]["counts"][t["id"]]
            names = data["labels"]["names"]
            entry["label_table"] = recount_row(names, row)
        out.append(entry)
    return out


def recount_row(names: list[str], row: list[int]) -> tuple[str | None, float | None]:
    total = sum(row)
    if not total:
        return None, None
    best = max(range(len(row)), key=lambda j: (row[j], -j))
    return names[best], row[best] / total


def from_bundle(folder: Path) -> list[dict]:
    """The bundle's stored story (model.json) and the one its arrays give (doc_topics)."""
    meta = json.loads((folder / "model.json").read_text(encoding="utf-8"))
    documents = json.loads((folder / "documents.json").read_text(encoding="utf-8"))
    with np.load(folder / "arrays.npz", allow_pickle=False) as arrays:
        weights = arrays["doc_topics"]
    winners = np.argmax(weights, axis=1)
    winners[~np.any(weights != 0, axis=1)] = -1
    counted = recount(winners.tolist(), documents["labels"], meta["k"])
    out = []
    for t, (q, c) in enumerate(zip(meta["quality"]["topics"], counted)):
        flags = [f for f in ("narrow", "unstable") if q.get(f)]
        out.append({"id": t, "n_documents": q.get("n_documents"), "label": q.get("label"),
                    "label_share": q.get("label_share"), "flags": flags,
                    "arrays": (c["n_documents"], c["label"], c["label_share"])})  # fmt: skip
    return out


# --- the comparison ----------------------------------------------------------------------


def disagreements(method: str, out: dict) -> tuple[list[tuple], int]:
    """(every disagreement as (output, topic, field, JSON's value, the output's), comparisons)."""
    truth = {t["id"]: t for t in from_json(out["json"])}
    k = out["json"]["k"]
    found, compared = [], 0

    def check(output: str, topic: int, field: str, want, got) -> None:
        nonlocal compared
        compared += 1
        if want != got:
            found.append((output, topic, field, want, got))

    def ids(output: str, entries: list[dict]) -> None:
        check(output, "*", "ids", list(range(k)), [e["id"] for e in entries])

    readers = {
        "table": from_table(out["table"]),
        "csv": from_csv(out["csv"], method == "svd"),
        "show_json": from_json(out["show_json"]),
        "show_table": from_table(out["show_table"]),
        "show_csv": from_csv(out["show_csv"], method == "svd"),
    }
    for output, entries in readers.items():
        ids(output, entries)
        for e in entries:
            if e["id"] not in truth:  # the ids check has counted it
                continue
            want = truth[e["id"]]
            for field in ("words", "negative_words", "n_documents", "label", "flags"):
                check(output, e["id"], field, want[field], e[field])
            check(output, e["id"], "label_share", share(want["label_share"], output),
                  share(e["label_share"], output))  # fmt: skip
    for output in ("explorer", "bundle_explorer"):
        entries = from_explorer(out[output])
        ids(output, entries)
        for e in entries:
            if e["id"] not in truth:  # the ids check has counted it
                continue
            want = truth[e["id"]]
            check(output, e["id"], "words", want["words"][:8], e["words"])
            for field in STORY:
                check(output, e["id"], field, want[field], e[field])
            check(output, e["id"], "n_documents (counts panel)", want["n_documents"],
                  e["count_panel"])  # fmt: skip
            if "label_table" in e:
                check(output, e["id"], "label (topics × labels)",
                      (want["label"], want["label_share"]), e["label_table"])  # fmt: skip
    for output in ("doc_topics", "infer_doc_topics"):
        if output not in out:
            continue
        entries = from_doc_topics(out[output], k)
        ids(output, entries)
        for e in entries:
            if e["id"] not in truth:
                continue
            want = truth[e["id"]]
            for field in ("n_documents", "label", "label_share"):
                check(output, e["id"], field, want[field], e[field])
    entries = from_bundle(out["bundle"])
    ids("bundle", entries)
    for e in entries:
        if e["id"] not in truth:
            continue
        want = truth[e["id"]]
        for field in STORY:
            check("bundle", e["id"], field, want[field], e[field])
        check("bundle", e["id"], "story of its arrays",
              (want["n_documents"], want["label"], want["label_share"]), e["arrays"])  # fmt: skip
    return found, compared


def share(value, output: str):
    """A label share at the precision the output prints it (table: whole percent; CSV: 6
    significant digits; elsewhere the float itself)."""
    if value is None:
        return None
    if output.endswith("table"):
        return round(value * 100)
    if output.endswith("csv"):
        return float(f"{value:.6g}")
    return value


def test_every_output_tells_the_same_story(outputs):
    method, out = outputs
    found, compared = disagreements(method, out)
    assert compared >= 40 * out["json"]["k"]  # every output, every topic, every field
    assert found == []


def test_the_story_has_content_to_compare(outputs):
    """The comparison is not vacuous: labels are known, and the runs raise flags."""
    _, out = outputs
    report = out["json"]["topics"]
    assert all(t["label"] is not None for t in report if t["n_documents"])
    assert sum(t["n_documents"] for t in report) > 0
    assert all(isinstance(t["flags"], list) for t in report)


def test_a_changed_output_is_caught(outputs):
    """The comparison finds a disagreement when one output tells another story."""
    method, out = outputs
    broken = dict(out)
    page = json.loads(json.dumps(out["explorer"]))
    page["topics"][0]["story"]["n_documents"] += 1
    broken["explorer"] = page
    broken["csv"] = _renumbered(out["csv"])
    found, _ = disagreements(method, broken)
    fields = {(output, field) for output, _, field, _, _ in found}
    assert ("explorer", "n_documents") in fields
    assert ("csv", "ids") in fields


def _renumbered(text: str) -> str:
    """The CSV with topics numbered from 1 (the explorer's old numbering)."""
    rows = list(csv.reader(io.StringIO(text)))
    for row in rows[1:]:
        row[0] = str(int(row[0]) + 1)
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue()
