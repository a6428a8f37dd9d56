"""Phrases: planted collocations found and joined on both vectorizer paths, the greedy join
the same in polars and Python, ``infer`` joining them in new text, and gensim's agreement."""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from topiccli.cli import app
from topiccli.specs import VectorizerSettings
from topiccli.text import phrases
from topiccli.text.vectorize import Vectorizer

runner = CliRunner()
FILLER = [f"w{chr(97 + i)}{chr(97 + j)}" for i in range(20) for j in range(10)]
FILLER = [w.replace("w", "q") for w in FILLER]  # letters only: the default token pattern


def _texts(n: int = 300, seed: int = 0) -> list[str]:
    """Filler words with "new york" and "space shuttle" planted in most documents."""
    rng = np.random.default_rng(seed)
    texts = []
    for i in range(n):
        words = list(rng.choice(FILLER, size=30))
        if i % 3:
            words[5:5] = ["new", "york"]
        if i % 2:
            words[12:12] = ["space", "shuttle"]
        words[20:20] = ["new"] if i % 5 == 0 else []  # "new" alone too: not always a phrase
        texts.append(" ".join(words))
    return texts


def _settings(**kw):
    return VectorizerSettings(phrases=True, min_df=1, max_df=1.0, clean="none",
                              language="en", **kw)  # fmt: skip


@pytest.mark.parametrize("pattern", ["letters", "[a-z]+"])  # polars path, scikit-learn path
def test_planted_phrases_are_found_and_joined(pattern):
    dt = Vectorizer(_settings(token_pattern=pattern)).fit_transform(_texts())
    assert {("new", "york"), ("space", "shuttle")} <= set(dt.phrases)
    terms = list(dt.terms)
    assert "new_york" in terms and "space_shuttle" in terms and "new" in terms
    assert "york" not in terms  # always consumed by new_york
    column = terms.index("new_york")
    assert dt.X[:, column].nnz == sum(1 for i in range(300) if i % 3)


def test_both_paths_give_the_same_matrix():
    fast = Vectorizer(_settings(kind="count")).fit_transform(_texts())
    slow = Vectorizer(_settings(kind="count", token_pattern="[a-z]{2,}")).fit_transform(_texts())
    assert fast.phrases == slow.phrases
    assert list(fast.terms) == list(slow.terms)
    assert (fast.X != slow.X).nnz == 0


def test_without_phrases_nothing_is_joined():
    dt = Vectorizer(VectorizerSettings(min_df=1, max_df=1.0, clean="none", language="en")
                    ).fit_transform(_texts())  # fmt: skip
    assert dt.phrases is None and not any("_" in t for t in dt.terms)


def test_polars_join_is_the_greedy_python_join():
    import polars as pl

    rng = np.random.default_rng(1)
    vocab = ["a", "b", "c", "d"]
    pairs = [("a", "b"), ("b", "c"), ("c", "c"), ("d", "a")]
    docs = [list(rng.choice(vocab, size=rng.integers(0, 12))) for _ in range(200)]
    frame = pl.DataFrame({"doc": [i for i, d in enumerate(docs) for _ in d],
                          "term": [t for d in docs for t in d]}).lazy()  # fmt: skip
    joined = phrases.join_frame(frame, pairs).collect()
    join = phrases.joiner(pairs)
    expected = [join(d) for d in docs]
    got = [[] for _ in docs]
    for doc, term in zip(joined["doc"].to_list(), joined["term"].to_list()):
        got[doc].append(term)
    assert got == expected
    assert join(["a", "b", "c", "c", "c"]) == ["a_b", "c_c", "c"]


def test_detect_frames_agrees_with_detect():
    import polars as pl

    texts = _texts(120, seed=2)
    docs = [t.split() for t in texts]
    frame = pl.DataFrame({"doc": [i for i, d in enumerate(docs) for _ in d],
                          "term": [t for d in docs for t in d]}).lazy()  # fmt: skip
    assert phrases.detect_frames([frame]) == phrases.detect(docs)


def test_infer_joins_the_saved_phrases(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    for i, text in enumerate(_texts()):
        (folder / f"{i}.txt").write_text(text)
    model = tmp_path / "model"
    args = ["nmf", "--input", folder, "-k", 2, "--phrases", "--min-df", 1, "--max-df", 1.0,
            "--vocabulary", "--quiet", "--format", "json", "--save", model]  # fmt: skip
    result = runner.invoke(app, [str(a) for a in args])
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["vectorizer"]["phrases"] is True
    assert report["vocabulary"]["phrases"]["threshold"] == phrases.THRESHOLD
    assert "new_york" in report["vocabulary"]["phrases"]["examples"]
    from topiccli.models.bundle import load
    from topiccli.text.vectorizer_state import transform

    bundle = load(model)
    X = transform(
        bundle.vectorizer, bundle.terms, bundle.idf, ["flew from New York by space shuttle"]
    )
    found = {str(bundle.terms[j]) for j in X.indices}
    assert {"new_york", "space_shuttle"} <= found


def test_gensim_finds_the_same_phrases():
    gensim_phrases = pytest.importorskip("gensim.models.phrases")
    rng = np.random.default_rng(5)
    vocab = [f"t{i}" for i in range(60)]
    docs = []
    for _ in range(400):  # Zipf-like words with a few planted pairs and near-misses
        words = list(rng.choice(vocab, size=25, p=_zipf(len(vocab))))
        for (a, b), p in (("t50", "t51"), 0.6), (("t3", "t4"), 0.3), (("t55", "t1"), 0.2):
            if rng.random() < p:
                words[rng.integers(0, 20) : 0] = [a, b]
        docs.append(words)
    model = gensim_phrases.Phrases(docs, min_count=phrases.MIN_COUNT, threshold=phrases.THRESHOLD,
                                   scoring="npmi", delimiter="_")  # fmt: skip
    ours = {"_".join(pair) for pair in phrases.detect(docs)}
    assert ours == set(model.export_phrases())
    assert "t50_t51" in ours


def _zipf(n: int) -> np.ndarray:
    p = 1.0 / np.arange(1, n + 1)
    return p / p.sum()
