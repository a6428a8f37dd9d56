"""The ``narrow`` flag (quality.signature): a topic whose weight comes from a handful of
distinct documents, measured against what the corpus's own weights give by chance."""

from __future__ import annotations

import json

import numpy as np
import pytest
import scipy.sparse as sp
from typer.testing import CliRunner

from topiccli.cli import app
from topiccli.corpus.synthetic import planted, write_folder
from topiccli.quality import signature

from ..helpers import ROOT

runner = CliRunner()


def test_participation_counts_equal_weights_and_one_heavy_document():
    assert signature.participation(np.ones(50)) == 50
    assert signature.participation(np.r_[1.0, np.zeros(9)]) == 1
    assert signature.participation(np.zeros(4)) == 0


def test_weight_in_a_few_documents_is_narrow_and_spread_weight_is_not():
    rng = np.random.default_rng(0)
    n = 2000
    X = sp.random(n, 300, density=0.05, format="csr", random_state=1)
    W = np.zeros((n, 3))
    W[:, 0] = rng.random(n) * (rng.random(n) < 0.3)  # a theme over ~30% of the documents
    W[:, 1] = rng.random(n) * (rng.random(n) < 0.1)  # a smaller one, ~10%
    W[:5, 2] = 1.0  # five documents
    found = signature.signature(W, X)
    assert [f["narrow"] for f in found] == [False, False, True]
    assert found[2]["effective_documents"] <= 5.0 + 1e-9


def test_near_duplicates_count_once():
    """Fifty copies of one document carry a topic: fifty documents, one text."""
    n = 2000
    rng = np.random.default_rng(2)
    X = sp.random(n, 400, density=0.03, format="csr", random_state=3).tolil()
    for i in range(50):
        X[i] = X[0]
    W = np.zeros((n, 2))
    W[:50, 0] = 1.0 + 0.01 * rng.random(50)
    W[:, 1] = rng.random(n)
    found = signature.signature(W, X.tocsr())
    assert found[0]["narrow"] and found[0]["effective_documents"] < 2
    assert found[0]["near_duplicate_share"] >= 0.85 and not found[1]["narrow"]
    without = signature.signature(W, sp.random(n, 400, density=0.03, format="csr",
                                                random_state=4))  # fmt: skip
    assert not without[0]["narrow"]  # fifty distinct documents: 2.5% of the corpus


def test_empty_documents_do_not_count_as_chance():
    """Documents with no weight (no term) do not raise the bar a topic is measured against."""
    W = np.zeros((1000, 2))
    W[:100, 0] = 1.0
    W[100:200, 1] = 1.0
    assert signature.corpus_documents(W) == 200
    assert signature.narrow_floor(W) == 3.0  # max(3, 1% of 200)


def test_repeated_words_find_a_signature_block():
    words = ["gordon", "banks", "pitt", "pain", "food"]
    B = np.zeros((2000, 5))
    B[:12, :3] = 1  # a signature on 12 of 2000 posts
    B[5:60, 3] = 1
    B[40:100, 4] = 1
    B[0, 4] = 1
    found = signature.repeated_words(sp.csc_matrix(B), [np.arange(5)], [words])
    assert found == [["gordon", "banks", "pitt"]]
    common = np.zeros((2000, 3))
    common[:100] = 1  # three words always together, but in 5% of the documents: a theme
    assert signature.repeated_words(sp.csc_matrix(common), [np.arange(3)], [words[:3]]) == [[]]


def test_a_block_must_hold_its_words_in_fixed_proportions():
    """Twelve posts of 2,000 hold the same three words: as one repeated text (a signature:
    each word once, so their weights keep one ratio) they are a block; as a theme's words in
    varying counts (an article on oil prices: "oil" five times, "opec" once) they are not,
    however rare and however often they meet."""
    words = ["crude", "barrel", "opec"]
    rng = np.random.default_rng(7)
    copies = np.zeros((2000, 3))
    copies[:12] = [2.0, 3.0, 1.5]  # the same text: the same weights, up to a row's scale
    copies[:12] *= rng.uniform(0.5, 2.0, size=(12, 1))
    assert signature.repeated_words(sp.csc_matrix(copies), [np.arange(3)], [words]) == [words]
    theme = np.zeros((2000, 3))
    theme[:12] = rng.integers(1, 6, size=(12, 3)).astype(float)  # counts vary per article
    assert signature.repeated_words(sp.csc_matrix(theme), [np.arange(3)], [words]) == [[]]
    linked = np.ones((3, 3), dtype=bool)
    assert signature.fixed_proportions(sp.csc_matrix(copies), linked) == 1.0
    assert signature.fixed_proportions(sp.csc_matrix(theme), linked) < signature.SAME_TEXT
    assert signature.fixed_proportions(sp.csc_matrix(theme), np.zeros((3, 3), bool)) == 1.0


def _block_corpus(shared_subject: bool):
    """2,000 documents of 30 words from 3,000 (each word in about 1% of them); the first 100
    (5%) also carry a four-word block, as one author's signature, and, with
    ``shared_subject``, a dozen words each from a subject of 40 words that no other document
    uses: (X, W with topic 0 on the first 100 documents, its block's and top words' columns)."""
    rng = np.random.default_rng(7)
    n, vocabulary = 2000, 3000
    rows = [list(rng.choice(np.arange(44, vocabulary), 30, replace=False)) for _ in range(n)]
    for i in range(100):
        rows[i] += [0, 1, 2, 3]  # the block
        if shared_subject:
            rows[i] += list(4 + rng.choice(40, 12, replace=False))
    indptr = np.cumsum([0] + [len(r) for r in rows])
    X = sp.csr_matrix((np.ones(indptr[-1]), np.concatenate(rows), indptr), shape=(n, vocabulary))
    W = np.zeros((n, 2))
    W[:100, 0] = 1.0
    W[100:, 1] = 1.0
    top = np.array([0, 1, 2, 3, 4, 5, 6, 7])
    return X, W, top


@pytest.mark.parametrize("shared_subject", [False, True])
def test_a_block_topic_of_many_documents_is_narrow_when_they_share_nothing_else(
    shared_subject,
):
    """A signature block on 5% of the documents: the 2% guard would keep it unflagged, but
    its documents share nothing beyond their top words (an author signing in every group),
    so it is narrow. The same block over documents sharing a subject (an author writing in
    one group, the topic aligned with its label) stays unflagged."""
    X, W, top = _block_corpus(shared_subject)
    sizes = np.array([100, 1900])
    block = [["w0", "w1", "w2", "w3"], []]
    found = signature.signature(W, X, block, sizes, [top, top + 8])
    value = found[0]["shared_content"]
    if shared_subject:
        assert value > 1.5 * signature.SHARED_CONTENT and not found[0]["narrow"]
    else:
        assert value < 1.15 and found[0]["narrow"]
    assert found[1]["shared_content"] is None and not found[1]["narrow"]  # no block: not asked
    without = signature.signature(W, X, block, sizes)  # no columns given: the guard holds
    assert not without[0]["narrow"] and without[0]["shared_content"] is None


def test_shared_content_is_not_measured_on_documents_too_short_to_tell():
    """Headlines of one story: a three-word block plus three words each, on 5% of the
    documents. Beyond the top eight words a headline keeps nothing to share, so the ratio
    would be low for that reason alone: it is not measured, and the 2% guard holds."""
    rng = np.random.default_rng(3)
    n, vocabulary = 2000, 3000
    rows = [list(rng.choice(np.arange(44, vocabulary), 6, replace=False)) for _ in range(n)]
    for i in range(100):
        rows[i] = [0, 1, 2] + rows[i][:3]
    indptr = np.cumsum([0] + [len(r) for r in rows])
    X = sp.csr_matrix((np.ones(indptr[-1]), np.concatenate(rows), indptr), shape=(n, vocabulary))
    W = np.zeros((n, 2))
    W[:100, 0] = 1.0
    W[100:, 1] = 1.0
    top = np.arange(8)
    assert signature.shared_content(X, np.arange(100), top) is None
    found = signature.signature(W, X, [["w0", "w1", "w2"], []], np.array([100, 1900]),
                                [top, top + 8])  # fmt: skip
    assert found[0]["shared_content"] is None and not found[0]["narrow"]


def test_cohesion_and_shared_content_read_beyond_the_dropped_columns():
    same = sp.csr_matrix(np.tile([1.0, 1.0, 0.0, 2.0], (5, 1)))
    assert signature.cohesion(same, []) == pytest.approx(1.0)
    assert signature.cohesion(same, [0, 1, 3]) == 0.0  # nothing left to share
    X, _, top = _block_corpus(False)
    value = signature.shared_content(X, np.arange(100), top)
    assert value == signature.shared_content(X, np.arange(100), top)  # seeded: the same
    assert 0.8 < value < 1.15
    empty = sp.csr_matrix((50, 10))
    assert signature.shared_content(empty, np.arange(5), []) == 0.0  # nothing to share
    alike = np.c_[np.ones((50, 3)), np.eye(50)]  # rows unrelated past columns 0-2
    alike[:5, 3:] = 1.0  # five rows that also share every other word: 1 against 1/√5
    value = signature.shared_content(sp.csr_matrix(alike), np.arange(5), [0, 1, 2])
    assert value == pytest.approx(np.sqrt(5)) and value > signature.SHARED_CONTENT


def fit_json(folder, k, *extra):
    result = runner.invoke(app, ["nmf", "-i", str(folder), "--k", str(k), "-f", "json",
                                 "--no-cache", *extra])  # fmt: skip
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_a_topic_of_near_duplicate_documents_is_flagged_and_label_aligned_ones_are_not(
    tmp_path,
):
    pc = planted(900, 4, words_per_topic=30, background_words=100, purity=0.8, seed=5)
    write_folder(pc, tmp_path)
    (tmp_path / "copies").mkdir()
    post = "zorblat quixel vantrow mirelda frobnic wuzzle " * 4
    for i in range(8):  # eight near-copies: under 1% of the documents
        (tmp_path / "copies" / f"{i}.txt").write_text(f"{post} extra{i}\n")
    report = fit_json(tmp_path, 6, "--stop-words", "none", "--min-df", "1")
    flagged = [t for t in report["topics"] if t["narrow"]]
    assert len(flagged) == 1 and "zorblat" in flagged[0]["words"]
    assert flagged[0]["near_duplicate_share"] > 0.85
    assert set(flagged[0]["repeated_words"]) >= {"zorblat", "quixel", "vantrow"}
    for topic in report["topics"]:
        if (topic["label"] or "").startswith("topic") and topic["label_share"] >= 0.5:
            assert not topic["narrow"]  # each planted theme: ~25% of the documents
            assert topic["repeated_words"] == []  # common words of a theme are not a block
    metrics = report["metrics"]
    assert metrics["n_narrow"] == 1 and metrics["narrow_floor"] >= 3


def test_short_documents_are_not_flagged_for_being_short(tmp_path):
    """Five-word documents: few hold half of a topic's top words (the old rule's support), yet
    every planted theme is carried by about a quarter of the corpus, and none is narrow."""
    pc = planted(1200, 4, words_per_topic=30, background_words=60, purity=0.8, doc_length=5,
                 seed=6)  # fmt: skip
    write_folder(pc, tmp_path)
    report = fit_json(tmp_path, 4, "--stop-words", "none")
    assert not any(t["narrow"] for t in report["topics"])
    assert all(t["effective_documents"] > 0.1 * 1200 for t in report["topics"])
    assert report["metrics"]["coherence_npmi"] == report["metrics"]["coherence_npmi_unflagged"]


def test_the_main_topic_of_two_percent_of_the_documents_is_never_narrow():
    """Fifty copies carry a topic, but they are 2.5% of the corpus and it is their main topic:
    that many documents are mainly about it, so it is not narrow (a label can align with it)."""
    n = 2000
    X = sp.random(n, 400, density=0.03, format="csr", random_state=3).tolil()
    for i in range(50):
        X[i] = X[0]
    W = np.zeros((n, 2))
    W[:50, 0] = 1.0
    W[:, 1] = np.random.default_rng(0).random(n)
    sizes = np.array([50, n - 50])
    assert signature.signature(W, X.tocsr())[0]["narrow"]
    assert not signature.signature(W, X.tocsr(), sizes=sizes)[0]["narrow"]
    assert signature.signature(W, X.tocsr(), sizes=np.array([39, n - 39]))[0]["narrow"]


def test_a_topic_carried_by_a_handful_of_documents_is_narrow_and_reported_beside_the_mean(
    tmp_path,
):
    """Two copies of one signature post among real essays: its topic is flagged ``narrow``,
    scored on its own; the headline coherence counts every topic (a flag cannot move it) and
    the mean without the flagged topics is reported beside it."""
    import shutil

    corpus = tmp_path / "docs"
    shutil.copytree(ROOT / "sample_corpora" / "essays", corpus)
    (corpus / "signature").mkdir()
    for i in range(2):
        (corpus / "signature" / f"{i}.txt").write_text(
            "zorblat quixel vantrow mirelda zorblat quixel vantrow mirelda " * 5
        )
    result = runner.invoke(
        app, ["nmf", "-i", str(corpus), "--k", "7", "-f", "json", "--min-df", "1", "--no-cache"]
    )
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    narrow = [t for t in report["topics"] if t["narrow"]]
    assert narrow and "zorblat" in narrow[0]["words"]
    assert narrow[0]["support_documents"] <= 2
    broad = [t["coherence_npmi"] for t in report["topics"] if not t["narrow"]]
    metrics = report["metrics"]
    assert metrics["n_narrow"] == len(narrow)
    everything = [t["coherence_npmi"] for t in report["topics"]]
    assert metrics["coherence_npmi"] == pytest.approx(sum(everything) / len(everything))
    assert metrics["coherence_npmi_unflagged"] == pytest.approx(sum(broad) / len(broad))
    assert metrics["coherence_npmi_all"] == metrics["coherence_npmi"]
    assert narrow[0]["effective_documents"] <= metrics["narrow_floor"]
    assert all("c_npmi" in t for t in report["topics"]) and metrics["c_npmi"] is not None
