"""The one definition of a topic's documents, label and flags (topiccli.quality.story), the
bundle's optional snippets, and the explorer's reading of a report's language and a sweep's
advice."""

from __future__ import annotations

import hashlib
import json
from collections import Counter

import numpy as np
import pytest
from typer.testing import CliRunner

from topiccli.cli import app
from topiccli.explorer.data import _advice, language_text
from topiccli.models.bundle import SNIPPET_CHARS, SNIPPETS, load, snippet_rows
from topiccli.models.explore import NO_SNIPPETS, bundle_page
from topiccli.quality import labels as label_module
from topiccli.quality.doc_weights import top_topics
from topiccli.quality.story import (
    FLAG_MEANINGS,
    FLAGS,
    dominant_label,
    label_counts,
    topic_facts,
    topic_flags,
    topic_story,
)

from ..helpers import names_option

runner = CliRunner()


def topics(*args):
    return runner.invoke(app, [str(a) for a in args])


# --- the shared definitions ---------------------------------------------------------------


def test_flags_come_in_one_order_and_each_has_words():
    assert topic_flags({"unstable": True, "narrow": True}) == ["narrow", "unstable"]
    assert topic_flags({"unstable": True, "narrow": False}) == ["unstable"]
    assert topic_flags({}) == []
    assert set(FLAG_MEANINGS) == set(FLAGS)
    assert topic_story({"n_documents": 5, "label": "x", "label_share": 0.6, "narrow": True}) == {
        "n_documents": 5,
        "label": "x",
        "label_share": 0.6,
        "flags": ["narrow"],
    }
    assert topic_story({}) == {"n_documents": None, "label": None, "label_share": None,
                               "flags": []}  # fmt: skip


def test_facts_count_winners_and_the_dominant_label_with_ties_to_the_first_name():
    winners = np.array([0, 0, 0, 1, 1, 2, -1, 0, 1])
    labels = ["b", "a", "b", "a", "b", None, "a", None, "c"]
    facts = topic_facts(winners, labels, 4)
    assert [f["n_documents"] for f in facts] == [4, 3, 1, 0]
    # topic 0: b, a, b (one unlabelled) → b 2/3; topic 1: a, b, c tie → a; 2: only unlabelled
    assert [(f["label"], f["label_share"]) for f in facts] == [
        ("b", 2 / 3), ("a", 1 / 3), (None, None), (None, None)]  # fmt: skip
    names, counts = label_counts(winners, labels, 4)
    assert names == ["a", "b", "c"] and counts[0] == [1, 2, 0] and counts[3] == [0, 0, 0]
    assert label_counts(winners, None, 4) is None
    assert label_counts(winners, [None] * 9, 4) is None
    assert "label" not in topic_facts(winners, None, 4)[0]
    assert dominant_label(["a", "b"], [3, 3]) == ("a", 0.5)


def test_facts_agree_with_a_plain_count_on_random_data():
    rng = np.random.default_rng(7)
    weights = rng.random((500, 6)) ** 3
    weights[rng.random(500) < 0.05] = 0.0  # documents with no top topic
    labels = [None if rng.random() < 0.1 else f"g{rng.integers(5)}" for _ in range(500)]
    winners = top_topics(weights)
    facts = topic_facts(winners, labels, 6)
    for t in range(6):
        won = [label for w, label in zip(winners, labels) if w == t and label is not None]
        counts = Counter(won)
        best = min(counts, key=lambda name: (-counts[name], name))
        assert facts[t]["n_documents"] == int(np.sum(winners == t))
        assert (facts[t]["label"], facts[t]["label_share"]) == (best, counts[best] / len(won))
    # the quality layer's own functions are this definition
    assert label_module.topic_labels(winners, labels, 6) == [
        (f["label"], f["label_share"]) for f in facts]  # fmt: skip


# --- the explorer's readings ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "text"),
    [(None, None), ("", None), ("de", "de"), ({"code": "zh"}, "zh"),
     ({"detected": "de", "shares": {"de": 0.7, "en": 0.3}}, "de (mixed: de 70%, en 30%)"),
     ({"shares": {"en": 1.0}}, None), ({"code": "en", "shares": {"en": 1.0}}, "en"),
     ({"code": "de", "shares": {"en": 25, "de": 75}}, "de (mixed: de 75%, en 25%)")],
)  # fmt: skip
def test_language_in_words(language, text):
    assert language_text(language) == text


def test_advice_is_kept_only_in_its_documented_shape():
    good = {"verdict": "range", "k_range": [7, 5], "criterion": "agreement", "evidence": "e",
            "next": "n", "extra": 1}  # fmt: skip
    assert _advice(good) == {"verdict": "range", "k_range": [5, 7], "criterion": "agreement",
                             "evidence": "e", "next": "n"}  # fmt: skip
    assert _advice({"verdict": "no_clear_k", "k_range": None})["k_range"] is None
    assert _advice({"verdict": "range", "k_range": ["a", 3]})["k_range"] is None
    assert _advice({"verdict": "maybe"}) is None
    assert _advice(None) is None and _advice("range") is None


# --- snippets in a bundle -----------------------------------------------------------------


def test_snippet_rows_are_each_topics_top_documents():
    weights = np.array([[3.0, -1.0], [1.0, 2.0], [0.0, -5.0], [2.0, 0.5]])
    assert snippet_rows(weights, "nmf", n=1) == [0, 1]
    assert snippet_rows(weights, "svd", n=1) == [0, 1, 2]  # and the most negative of topic 1


def _fit_and_save(corpus, model, *extra):
    args = ("svd", "--input", corpus, "--k", 4, "--save", model, "-f", "json", *extra)
    result = topics(*args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_save_snippets_keeps_the_pages_documents_and_the_page_shows_them(sample_corpus, tmp_path):
    _fit_and_save(sample_corpus, tmp_path / "with", "--save-snippets")
    bundle = load(tmp_path / "with")
    assert bundle.snippets and set(bundle.snippets) == set(snippet_rows(bundle.doc_topics, "svd"))
    assert all(0 < len(text) <= SNIPPET_CHARS for text in bundle.snippets.values())
    manifest = json.loads((tmp_path / "with" / "manifest.json").read_text())
    assert SNIPPETS in manifest["files"]
    data = _data(bundle_page(tmp_path / "with"))
    assert data["texts"] == {"available": True, "note": None}
    row = {doc_id: i for i, doc_id in enumerate(bundle.doc_ids)}
    shown = [d for t in data["topics"] for pole in t["docs"].values() for d in pole]
    assert shown and all(d["snippet"] == bundle.snippets[row[d["id"]]] for d in shown)

    _fit_and_save(sample_corpus, tmp_path / "without")
    assert load(tmp_path / "without").snippets is None
    assert not (tmp_path / "without" / SNIPPETS).exists()
    data = _data(bundle_page(tmp_path / "without"))
    assert data["texts"] == {"available": False, "note": NO_SNIPPETS}
    assert "--save DIR --save-snippets" in NO_SNIPPETS


def _data(page: str) -> dict:
    start = page.index('id="topics-data">') + len('id="topics-data">')
    return json.loads(page[start : page.index("</script>", start)])


def test_edited_snippets_are_damage(sample_corpus, tmp_path):
    model = tmp_path / "model"
    _fit_and_save(sample_corpus, model, "--save-snippets")
    rows = json.loads((model / SNIPPETS).read_text())
    rows["rows"][0][0] = 10**6  # a row past the documents, with the manifest updated to match
    content = (json.dumps(rows) + "\n").encode()
    (model / SNIPPETS).write_bytes(content)
    manifest = json.loads((model / "manifest.json").read_text())
    manifest["files"][SNIPPETS] = {"bytes": len(content),
                                   "sha256": hashlib.sha256(content).hexdigest()}  # fmt: skip
    (model / "manifest.json").write_text(json.dumps(manifest))
    result = topics("explore", model, "-o", tmp_path / "page.html")
    assert result.exit_code == 1 and "damaged" in result.stderr and SNIPPETS in result.stderr


def test_save_snippets_needs_save(sample_corpus):
    result = topics("nmf", "--input", sample_corpus, "--k", 3, "--save-snippets")
    assert result.exit_code == 2
    assert names_option(result.stderr, "--save-snippets") and names_option(result.stderr, "--save")
