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
from topiccli.quality.hierarchy import groups_at, topic_hierarchy
from topiccli.quality.naming import AUTO_JOIN, auto_names, check_name
from topiccli.quality.topic_distance import js_distances, word_distributions


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
