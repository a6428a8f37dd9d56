"""The topic hierarchy, merged factors and automatic names (quality.hierarchy, quality.naming,
models.topic_edits), on planted topics: properties that hold whatever the data."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.cluster.hierarchy import linkage
from scipy.spatial.distance import squareform

from topiccli.errors import UsageError
from topiccli.explorer.data import js_distances as explorer_js
from topiccli.models.topic_edits import check_groups, merged_factors
from topiccli.quality.hierarchy import (
    REDUCE_DISTANCE,
    groups_at,
    membership_distances,
    reduction_tree,
    topic_hierarchy,
)
from topiccli.quality.naming import AUTO_JOIN, auto_names, check_name
from topiccli.quality.topic_distance import document_distances, js_distances, word_distributions


def planted(k: int = 6, n: int = 60, seed: int = 0) -> np.ndarray:
    """k topics in pairs: each pair shares most of its words, pairs share none."""
    rng = np.random.default_rng(seed)
    H = rng.random((k, n)) * 0.01
    block = n // (k // 2)
    for t in range(k):
        pair = t // 2
        H[t, pair * block : (pair + 1) * block] += 1.0 + rng.random(block)
        H[t, pair * block + (t % 2)] += 5.0  # each twin has a word of its own
    return H


@pytest.mark.parametrize("k", [2, 3, 6, 11])
def test_tree_has_k_leaves_monotone_heights_and_nested_topics(k):
    H = np.random.default_rng(k).random((k, 40)) ** 3
    tree = topic_hierarchy("nmf", H)
    merges = tree["merges"]
    assert tree["n_leaves"] == k and len(merges) == k - 1
    heights = [m["height"] for m in merges]
    assert heights == sorted(heights)  # average linkage never inverts
    assert merges[-1]["topics"] == list(range(k))  # the root holds every topic once
    for i, m in enumerate(merges):
        assert m["id"] == k + i and all(c < m["id"] for c in m["children"])
        below = sum((merges[c - k]["topics"] if c >= k else [c] for c in m["children"]), [])
        assert m["topics"] == sorted(below)


def test_tree_uses_the_explorer_distance():
    H = np.random.default_rng(1).random((5, 30))
    D = js_distances(word_distributions("nmf", H))
    assert explorer_js is js_distances  # one definition, shared
    expected = linkage(squareform(D, checks=False), method="average")
    tree = topic_hierarchy("nmf", H)
    assert [m["height"] for m in tree["merges"]] == [round(h, 6) for h in expected[:, 2]]


def test_planted_twins_merge_first_and_groups_at_cuts_there():
    tree = topic_hierarchy("nmf", planted())
    first = {tuple(m["topics"]) for m in tree["merges"][:3]}
    assert first == {(0, 1), (2, 3), (4, 5)}
    assert groups_at(tree, 3) == [[0, 1], [2, 3], [4, 5]]
    assert groups_at(tree, 6) == [[t] for t in range(6)]
    assert groups_at(tree, 1) == [list(range(6))]


def test_one_topic_has_no_merges():
    assert topic_hierarchy("nmf", np.ones((1, 4)))["merges"] == []


def test_merged_factors_keep_document_and_term_mass():
    rng = np.random.default_rng(2)
    W, H = rng.random((50, 6)), planted()
    groups = [[0, 1], [2], [3, 5], [4]]
    W2, H2 = merged_factors(W, H, groups)
    assert W2.shape == (50, 4) and H2.shape == (4, H.shape[1])
    np.testing.assert_allclose((W2 @ H2).sum(axis=1), (W @ H).sum(axis=1))  # per document
    np.testing.assert_allclose((W2 @ H2).sum(axis=0), (W @ H).sum(axis=0))  # per term
    np.testing.assert_allclose(W2[:, 1], W[:, 2])  # an unmerged topic is untouched
    np.testing.assert_allclose(H2[1], H[2])


def test_check_groups_completes_and_refuses():
    assert check_groups([[3, 1]], 4) == [[0], [1, 3], [2]]
    with pytest.raises(UsageError, match="topic 9 does not exist"):
        check_groups([[1, 9]], 4)
    with pytest.raises(UsageError, match="given twice"):
        check_groups([[1, 1]], 4)


def test_auto_names_are_distinctive_terms():
    terms = np.array([f"w{j}" for j in range(60)], dtype=object)
    H = planted()
    names = auto_names("nmf", H, np.ones(60), terms)
    assert len(names) == 6 and all(name.count(AUTO_JOIN) == 2 for name in names)
    # a twin's own word (planted 5× stronger) leads its name
    assert [name.split(AUTO_JOIN)[0] for name in names[:2]] == ["w0", "w1"]
    # a term frequent in the corpus loses rank to one special to the topic (λ < 1)
    tf = np.ones(60)
    tf[0] = 1e6
    assert not auto_names("nmf", H, tf, terms)[0].startswith("w0")


def test_names_are_one_line_and_bounded():
    assert check_name("  space \n flight ") == "space flight"
    with pytest.raises(ValueError):
        check_name("   ")
    with pytest.raises(ValueError):
        check_name("x" * 81)


def halves_and_decoys() -> tuple[np.ndarray, np.ndarray]:
    """(W, H) of 6 topics: (0, 1), (2, 3), (4, 5) are the two halves of three subjects (no word
    in common, the same documents), and (1, 2), (3, 4), (5, 0) alike in their words but
    weighing other documents."""
    rng = np.random.default_rng(3)
    words = [0, 1, 1, 2, 2, 0]  # each topic's block of 20 words
    H = rng.random((6, 60)) * 0.01
    for t, block in enumerate(words):
        H[t, block * 20 : (block + 1) * 20] += 1.0 + rng.random(20)
    W = rng.random((90, 6)) * 0.01
    for t in range(6):
        W[(t // 2) * 30 : (t // 2 + 1) * 30, t] += 1.0 + rng.random(30)
    return W, H


def test_document_distances_are_zero_for_shared_documents_and_one_for_none():
    W = np.array([[1.0, 2.0, 0.0, 0.0], [1.0, 2.0, 0.0, 0.0], [0.0, 0.0, 3.0, 0.0]])
    D = document_distances(W)
    assert D[0, 1] == pytest.approx(0.0) and D[0, 2] == pytest.approx(1.0)
    assert D[3, 0] == pytest.approx(1.0)  # a topic weighing no document is far from all
    np.testing.assert_array_equal(D, D.T)
    assert np.all(np.diag(D) == 0.0)


def test_reduction_merges_the_halves_of_a_subject_not_the_word_alike_topics():
    W, H = halves_and_decoys()
    tree = reduction_tree(H, W, 3)
    assert tree["distance"] == REDUCE_DISTANCE and len(tree["merges"]) == 5
    assert groups_at(tree, 3) == [[0, 1], [2, 3], [4, 5]]
    # the words alone (the exported hierarchy) would merge the decoys
    assert groups_at(topic_hierarchy("nmf", H), 3) == [[0, 5], [1, 2], [3, 4]]
    heights = [m["height"] for m in tree["merges"]]
    assert heights == sorted(heights)


def test_reduction_merges_the_fragments_of_each_subject_at_the_k_asked():
    """Three subjects cut into 3, 2 and 1 topics, each fragment weighing most of its subject's
    documents (overlapping ranges), at masses 0.3× to 3×: reduced to 3 they are the subjects;
    reduced to 2, no subject is split."""
    rng = np.random.default_rng(7)
    docs = [(0, 40), (0, 30), (10, 40), (40, 70), (45, 70), (70, 90)]
    scale = [1.0, 0.3, 3.0, 1.0, 2.0, 1.0]
    H = rng.random((6, 120)) * 0.01
    W = rng.random((90, 6)) * 0.01
    for t, ((a, b), s) in enumerate(zip(docs, scale)):
        H[t, t * 20 : (t + 1) * 20] += s * (1.0 + rng.random(20))
        W[a:b, t] += 1.0 + rng.random(b - a)
    assert groups_at(reduction_tree(H, W, 3), 3) == [[0, 1, 2], [3, 4], [5]]
    two = groups_at(reduction_tree(H, W, 2), 2)
    assert len(two) == 2
    assert all(sorted({0, 1, 2} & set(g)) in ([], [0, 1, 2]) for g in two)
    assert all(sorted({3, 4} & set(g)) in ([], [3, 4]) for g in two)


def test_membership_distances_clip_the_rank_and_keep_an_empty_topic_apart():
    W, H = halves_and_decoys()
    W[:, 5] = 0.0  # topic 5 weighs no document
    for k in (1, 3, 6, 50):  # up to more than the topics: the rank is clipped
        D = membership_distances(H, W, k)
        assert D.shape == (6, 6) and np.allclose(D, D.T) and np.all(np.diag(D) == 0.0)
        assert np.allclose(D[5, :5], 1.0)
    assert np.allclose(membership_distances(H, W[:1], 3), document_distances(W[:1] * H.sum(1)))


def test_memberships_of_a_large_corpus_read_a_seeded_sample_of_its_documents(monkeypatch):
    """Above MEMBERSHIP_SAMPLE documents the factorization reads a sample drawn with the seed:
    the same seed gives the same distances, another seed other ones, and the subjects (the
    fragments of three, as above, over ten times the documents) still merge at 3."""
    import topiccli.quality.hierarchy as hierarchy

    rng = np.random.default_rng(3)
    H = rng.random((6, 120)) * 0.01
    W = rng.random((900, 6)) * 0.01
    for t, (a, b) in enumerate([(0, 400), (0, 300), (100, 400), (400, 700), (450, 700),
                                (700, 900)]):  # fmt: skip
        H[t, t * 20 : (t + 1) * 20] += 1.0 + rng.random(20)
        W[a:b, t] += 1.0 + rng.random(b - a)
    full = membership_distances(H, W, 3)
    monkeypatch.setattr(hierarchy, "MEMBERSHIP_SAMPLE", 200)
    import topiccli.factorize as factorize

    seen, real_nmf = [], factorize.nmf

    def counted(M, *args, **kwargs):
        seen.append(M.shape)
        return real_nmf(M, *args, **kwargs)

    monkeypatch.setattr(factorize, "nmf", counted)
    one, again, other = (membership_distances(H, W, 3, seed) for seed in (0, 0, 1))
    assert seen == [(200, 6)] * 3
    np.testing.assert_array_equal(one, again)
    assert not np.array_equal(one, other) and not np.array_equal(one, full)
    assert groups_at(reduction_tree(H, W, 3, seed=5), 3) == [[0, 1, 2], [3, 4], [5]]
