"""Sliding-window c_npmi against gensim's CoherenceModel (gensim is the ``peers`` extra)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from topiccli.quality.window_coherence import analyzer_tokens, c_npmi, window_counts


def random_corpus(seed: int, n_docs: int = 40, vocab_size: int = 30, longest: int = 30):
    rng = np.random.default_rng(seed)
    vocab = [f"w{i}" for i in range(vocab_size)]
    # lengths from 0 (an empty document) to beyond the window; repeats within a window
    docs = [list(rng.choice(vocab, size=rng.integers(0, longest))) for _ in range(n_docs)]
    present = sorted({w for d in docs for w in d})
    topics = [list(rng.choice(present, size=6, replace=False)) for _ in range(4)]
    return docs, topics


def gensim_scores(docs, topics, window):
    gensim = pytest.importorskip("gensim")
    from gensim.models.coherencemodel import CoherenceModel

    model = CoherenceModel(
        topics=topics,
        texts=docs,
        dictionary=gensim.corpora.Dictionary(docs),
        coherence="c_npmi",
        window_size=window,
        topn=max(len(t) for t in topics),
        processes=1,
    )
    return model.get_coherence_per_topic()


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("window", [2, 3, 10])
def test_equals_gensim(seed, window):
    docs, topics = random_corpus(seed)
    expected = gensim_scores(docs, topics, window)
    assert c_npmi(docs, topics, window=window) == pytest.approx(expected, abs=1e-9)


def test_equals_gensim_on_the_sample_essays(sample_corpus):
    texts = [p.read_text(encoding="utf-8") for p in sorted(sample_corpus.rglob("*.txt"))]
    docs = analyzer_tokens(texts)
    topics = [
        ["star", "telescope", "planet", "sky", "light", "night", "moon", "galaxy"],
        ["flour", "oven", "dough", "bread", "butter", "minutes", "salt", "sugar"],
        ["chord", "music", "piano", "song", "notes", "oven", "flour", "make"],
    ]
    topics = [[w for w in t if any(w in d for d in docs)] for t in topics]
    expected = gensim_scores(docs, topics, 10)
    assert c_npmi(docs, topics) == pytest.approx(expected, abs=1e-9)


def test_a_repeated_word_counts_as_gensim_counts_it():
    # windows of 3: [a x a] [x a y] [a y z] [y z q]; gensim's mask loses "a" when its first copy
    # leaves although the second is still inside, so "a" is in 1 window; the textbook count is 3
    docs = [["a", "x", "a", "y", "z", "q"]]
    vocab = {"a": 0, "y": 1}
    occ, joint, n = window_counts(docs, vocab, 3)
    assert n == 4 and occ.tolist() == [1, 3] and joint[0, 1] == 0
    occ, joint, n = window_counts(docs, vocab, 3, counting="boolean")
    assert occ.tolist() == [3, 3] and joint[0, 1] == 2


def test_short_and_empty_documents_are_one_window_each():
    docs = [[], ["a", "b"], ["a", "c", "b", "d"]]
    occ, joint, n = window_counts(docs, {"a": 0, "b": 1}, 10)
    assert n == 3 and occ.tolist() == [2, 2] and joint[0, 1] == 2


def test_independent_and_inseparable_pairs():
    always = [["a", "b"]] * 5 + [["c"]] * 5
    score = c_npmi(always, [["a", "b"]])[0]
    assert score == pytest.approx(1.0, abs=1e-9)
    never = [["a"]] * 5 + [["b"]] * 5
    assert c_npmi(never, [["a", "b"]])[0] < -0.9


def test_unknown_words_are_dropped_and_a_lone_word_is_nan():
    docs = [["a", "b", "c"], ["a", "b"]]
    assert c_npmi(docs, [["a", "b", "zzz"]]) == pytest.approx(c_npmi(docs, [["a", "b"]]))
    assert math.isnan(c_npmi(docs, [["a", "zzz"]])[0])


def test_a_word_listed_twice_pairs_with_itself():
    docs, topics = random_corpus(3)
    topics = [topics[0] + topics[0][:1]]
    assert c_npmi(docs, topics, 3) == pytest.approx(gensim_scores(docs, topics, 3), abs=1e-9)


def test_analyzer_tokens_keep_order_and_drop_stop_words():
    assert analyzer_tokens(["The cat sat on the mat, 42 times!"]) == [
        ["cat", "sat", "mat", "42", "times"]
    ]
    assert analyzer_tokens(["a cat"], stop_words=None, token_pattern=r"(?u)\b\w+\b") == [
        ["a", "cat"]
    ]


def test_bad_arguments():
    with pytest.raises(ValueError):
        c_npmi([["a"]], [["a"]], window=0)
    with pytest.raises(ValueError):
        c_npmi([["a"]], [["a"]], counting="other")
