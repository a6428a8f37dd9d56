"""``topics merge``, ``topics reduce`` and ``topics name`` on the sample corpus: new bundles that
``show``/``infer``/``explore`` read, the input bundle left byte for byte, and one name (the
user's, and the automatic one marked as such) in every output."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from topiccli.cli import app
from topiccli.models.topic_edits import REFINE_FROBENIUS_ITER, REFINE_MAX_ITER

from ..helpers import SAMPLE

runner = CliRunner()


def validate(document: dict, kind: str) -> None:
    """``document`` matches ``$defs[kind]`` of the packaged JSON Schema."""
    from importlib.resources import files

    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads((files("topiccli") / "schema" / "report.schema.json").read_text())
    schema = {key: value for key, value in schema.items() if key != "oneOf"}
    schema["$ref"] = f"#/$defs/{kind}"
    errors = [f"{list(e.absolute_path)}: {e.message}"
              for e in jsonschema.Draft202012Validator(schema).iter_errors(document)]  # fmt: skip
    assert not errors, errors[:5]


def topics(*args, code: int = 0) -> str:
    result = runner.invoke(app, [str(a) for a in args], env={"COLUMNS": "300"})
    assert result.exit_code == code, result.output
    return result.stdout if code == 0 else result.output


def digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.iterdir())}  # fmt: skip


def page(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    block = re.search(r'<script type="application/json" id="topics-data">(.*?)</script>', text,
                      re.S)  # fmt: skip
    return json.loads(block.group(1))


@pytest.fixture(scope="module")
def model(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("edits")
    topics("nmf", "--input", SAMPLE, "--k", "6", "--save", folder / "model", "-q")
    return folder / "model"


def test_merge_writes_a_new_loadable_bundle_and_leaves_the_input(model, tmp_path):
    before = digest(model)
    report = json.loads(topics("merge", model, "1", "4", "-o", tmp_path / "merged", "-f", "json"))
    assert digest(model) == before
    validate(report, "report")
    assert report["k"] == 5 and len(report["hierarchy"]["merges"]) == 4
    meta = json.loads((tmp_path / "merged" / "model.json").read_text(encoding="utf-8"))
    assert meta["lineage"]["topics"] == [[0], [1, 4], [2], [3], [5]]
    shown = json.loads(topics("show", tmp_path / "merged", "-f", "json"))
    assert [t["words"] for t in shown["topics"]] == [t["words"] for t in report["topics"]]
    inferred = json.loads(topics("infer", tmp_path / "merged", "--input", SAMPLE, "-f", "json"))
    assert all(len(d["weights"]) == 5 for d in inferred["documents"])
    # the merge keeps mass: the merged topic's share is about its members' sum (the documents'
    # weights are solved again against the merged topics, so not exactly)
    original = json.loads(topics("show", model, "-f", "json"))["topics"]
    assert report["topics"][1]["weight"] == pytest.approx(
        original[1]["weight"] + original[4]["weight"], rel=0.05
    )
    assert report["n_iter"] == 0  # no refit


def test_reduce_refits_to_k_along_the_tree_and_leaves_the_input(model, tmp_path):
    before = digest(model)
    tree = json.loads(topics("show", model, "-f", "json"))["hierarchy"]
    report = json.loads(topics("reduce", model, "--k", "3", "-o", tmp_path / "r", "-f", "json",
                               "-q"))  # fmt: skip
    assert digest(model) == before
    validate(report, "report")
    assert report["k"] == 3 and report["n_iter"] <= REFINE_MAX_ITER
    assert report["refine_frobenius_iterations"] == REFINE_FROBENIUS_ITER
    # the footer says the capped phases are a refinement, not a fit that failed to converge
    footer = topics("show", tmp_path / "r").splitlines()[-1]
    assert f"refined after {REFINE_FROBENIUS_ITER} HALS and {report['n_iter']}" in footer
    meta = json.loads((tmp_path / "r" / "model.json").read_text(encoding="utf-8"))
    groups = meta["lineage"]["topics"]
    assert sorted(t for g in groups for t in g) == list(range(6))
    assert meta["lineage"]["distance"] == "memberships"
    # the groups are the reduction tree's (documents and words) cut at 3, not the words-only
    # hierarchy the report exports
    from topiccli.models.bundle import load
    from topiccli.quality.hierarchy import groups_at, reduction_tree

    parent = load(model)
    cut = groups_at(reduction_tree(parent.components, parent.doc_topics, 3, parent.seed), 3)
    assert sorted(groups) == cut
    assert len(tree["merges"]) == 5
    assert meta["fingerprint"] == json.loads((model / "model.json").read_text())["fingerprint"]
    topics("infer", tmp_path / "r", "--input", SAMPLE, "-f", "json")
    topics("explore", tmp_path / "r", "-o", tmp_path / "r.html")


def test_edits_refuse_to_overwrite_the_input_and_svd(model, tmp_path):
    before = digest(model)
    out = topics("merge", model, "0", "1", "-o", model, "--force", code=2)
    assert "never changed" in out
    assert digest(model) == before
    topics("svd", "--input", SAMPLE, "--k", "3", "--save", tmp_path / "svd", "-q")
    out = topics("merge", tmp_path / "svd", "0", "1", "-o", tmp_path / "m", code=2)
    assert "NMF model" in out


def test_reduce_refuses_another_corpus(model, tmp_path):
    other = tmp_path / "other"
    shutil.copytree(SAMPLE, other)
    first = sorted(p for p in other.rglob("*") if p.is_file())[0]
    first.write_text("a different document about nothing in particular", encoding="utf-8")
    out = topics("reduce", model, "--k", "2", "-o", tmp_path / "r", "--input", other, "-q",
                 code=1)  # fmt: skip
    assert "not the one the model was fitted on" in out
    assert not (tmp_path / "r").exists()


def test_a_name_shows_in_every_output_and_auto_names_stay_marked(model, tmp_path):
    named = tmp_path / "named"
    shutil.copytree(model, named)
    topics("name", named, "2", "space  flight")
    report = json.loads(topics("show", named, "-f", "json"))
    validate(report, "report")
    auto = {t["id"]: t["auto_name"] for t in report["topics"]}
    assert report["topics"][2]["name"] == "space flight"
    assert [t.get("name") for t in report["topics"] if t["id"] != 2] == [None] * 5
    assert all(auto.values())  # every topic has an automatic name, apart from the user's
    table = topics("show", named)
    cells = {int(line.split("│")[1]): line.split("│")[-3:-1]
             for line in table.splitlines() if re.match(r"│ +\d+ │", line)}  # fmt: skip
    rows = {t: words.strip() for t, (words, _) in cells.items()}
    assert rows[2].startswith("[space flight] ")  # the user's name before the words
    assert not any(rows[t].startswith("[") for t in rows if t != 2)
    # the automatic names in their own column, in brackets, for named topics too
    assert {t: auto.strip() for t, (_, auto) in cells.items()} == \
        {t: f"[{name}]" for t, name in auto.items()}  # fmt: skip
    for row in csv.DictReader(io.StringIO(topics("show", named, "-f", "csv"))):
        topic = int(row["topic"])
        assert row["name"] == ("space flight" if topic == 2 else "")
        assert row["auto_name"] == auto[topic]
    topics("explore", named, "-o", tmp_path / "page.html")
    data = page(tmp_path / "page.html")
    assert [(t["name"], t["auto_name"]) for t in data["topics"]] == \
        [(t.get("name"), t["auto_name"]) for t in report["topics"]]  # fmt: skip
    assert data["hierarchy"] == report["hierarchy"]
    inferred = json.loads(topics("infer", named, "--input", SAMPLE, "-f", "json",
                                 "--doc-topics", tmp_path / "dt.csv"))  # fmt: skip
    validate(inferred, "infer")
    assert [t["name"] for t in inferred["topics"]] == [t.get("name") for t in report["topics"]]
    rows = list(csv.DictReader(io.StringIO((tmp_path / "dt.csv").read_text(encoding="utf-8"))))
    assert {r["top_topic_name"] for r in rows if r["top_topic"] == "2"} == {"space flight"}
    assert {r["top_topic_name"] for r in rows if r["top_topic"] != "2"} == {""}
    assert all(d["top_topic_name"] == ("space flight" if d["top_topic"] == 2 else None)
               for d in inferred["documents"])  # fmt: skip
    # the name travels through merge (joined) and reduce, and --remove takes it away
    merged = json.loads(topics("merge", named, "2", "3", "-o", tmp_path / "m", "-f", "json"))
    assert merged["topics"][2]["name"] == "space flight"
    topics("name", named, "2", "--remove")
    assert "name" not in json.loads(topics("show", named, "-f", "json"))["topics"][2]
    topics("name", named, "9", "x", code=2)


def test_the_fit_and_its_bundle_tell_the_same_tree_and_auto_names(tmp_path):
    report = json.loads(topics("nmf", "--input", SAMPLE, "--k", "5", "-f", "json", "--save",
                               tmp_path / "m", "--html", tmp_path / "p.html", "-q"))  # fmt: skip
    shown = json.loads(topics("show", tmp_path / "m", "-f", "json"))
    stored = json.loads((tmp_path / "m" / "model.json").read_text(encoding="utf-8"))
    assert report["hierarchy"] == shown["hierarchy"] == stored["hierarchy"]
    assert report["hierarchy"] == page(tmp_path / "p.html")["hierarchy"]
    assert [t["auto_name"] for t in report["topics"]] == \
        [t["auto_name"] for t in shown["topics"]] == \
        [t["auto_name"] for t in page(tmp_path / "p.html")["topics"]]  # fmt: skip


def test_reduce_recovers_planted_topics_from_their_halves():
    """A k=6 model whose topics are the two halves of three planted ones (each topic's words
    dealt alternately to two halves with no word in common, both weighing its documents)
    reduces to the planted three; the words alone would pair the halves otherwise."""
    from dataclasses import replace

    import numpy as np

    from topiccli import TopicModel
    from topiccli.corpus.synthetic import planted
    from topiccli.models.topic_edits import reduce, reduction_groups
    from topiccli.quality.hierarchy import REDUCE_DISTANCE, groups_at, topic_hierarchy

    truth = planted(240, 3, seed=5)
    model = TopicModel(k=3).fit(truth.texts)
    bundle, report = model.bundle_, model._report
    H, W = bundle.components, bundle.doc_topics
    order = np.argsort(-H, axis=1)
    rows = []
    for half in (0, 1):  # topics t and t + 3 are the halves of topic t
        for t in range(3):
            row = np.zeros_like(H[t])
            row[order[t, half::2]] = H[t, order[t, half::2]]
            rows.append(row)
    halves = replace(bundle, k=6, components=np.vstack(rows), doc_topics=np.hstack([W, W]),
                     topic_weights=np.tile(bundle.topic_weights, 2) / 2)  # fmt: skip
    expected = [[0, 3], [1, 4], [2, 5]]
    assert reduction_groups(halves, 3) == expected
    assert groups_at(topic_hierarchy("nmf", halves.components), 3) != expected
    reduced = reduce(halves, 3, matrix=(report.documents, report.matrix))
    assert sorted(reduced.metadata["lineage"]["topics"]) == expected
    assert reduced.metadata["lineage"]["distance"] == REDUCE_DISTANCE

    def top(components):
        return sorted(sorted(np.argsort(-row)[:8].tolist()) for row in components)

    assert top(reduced.components) == top(H)  # the planted topics' words, recovered
    planted_words = [set(words) for words in truth.topic_words]
    for row in reduced.components:
        assert any({bundle.terms[j] for j in np.argsort(-row)[:8]} <= words
                   for words in planted_words)  # fmt: skip


def test_reduce_refines_a_frobenius_model_under_its_own_loss():
    """A Frobenius model reduces with both refinement phases under its loss: the new model is
    a Frobenius HALS fit of k topics, and its recorded iterations are the two phases' caps."""
    from topiccli import TopicModel
    from topiccli.corpus.synthetic import planted

    truth = planted(240, 6, seed=2)
    model = TopicModel(k=6, loss="frobenius").fit(truth.texts)
    reduced = model.reduce(3)
    details = reduced.bundle_.metadata["details"]
    assert reduced.bundle_.k == 3 and details["loss"] == "frobenius"
    assert details["solver"] == "hals" and details["n_iter"] <= REFINE_MAX_ITER
    lineage = reduced.bundle_.metadata["lineage"]
    assert lineage["refine_frobenius_iterations"] == REFINE_FROBENIUS_ITER
    assert sorted(t for g in lineage["topics"] for t in g) == list(range(6))
    assert (reduced.bundle_.components >= 0).all()
