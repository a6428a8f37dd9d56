"""Phrases (``--phrases``): collocations found by NPMI over the corpus, joined into one term.

Two adjacent tokens a b (after stop words leave, in the same document) form a phrase when

    count(a b) >= MIN_COUNT  and  NPMI(a, b) = ln(p(a b) / (p(a) p(b))) / −ln p(a b) > THRESHOLD

with p(x) = count(x) / N over the corpus's N tokens: gensim's ``Phrases(scoring="npmi")``
(its ``npmi_scorer``), the reference ``tests`` and ``scripts/evaluate_phrases.py`` compare
against. NPMI is 1 for a pair that only ever occurs together and 0 for independent words,
whatever their frequency, so one threshold suits every corpus size. A document's tokens are
then read left to right and each phrase joined as ``a_b`` (``DELIMITER``), the pair consumed:
in ``new york city`` with both pairs phrases, ``new_york`` is joined and ``city`` stays (as
gensim's ``Phrases[...]`` does). Joined terms are weighed, pruned (min_df, max_df) and n-grammed
as any other term. The pairs found are kept with a saved model, so ``infer`` joins them in new
text.

Two implementations of the same rule: polars over the vectorizer's token frames
(``fast_vectorize``: one extra tokenizing pass, on every core) and plain Python over token
lists (the scikit-learn path and ``infer``).
"""

from __future__ import annotations

import math
from collections import Counter

THRESHOLD = 0.5
"""NPMI above which a pair is a phrase (gensim's npmi scores lie in [−1, 1])."""
MIN_COUNT = 10
"""Occurrences a pair needs to be scored at all (gensim's ``min_count``; its default is 5)."""
DELIMITER = "_"


def npmi(count_a, count_b, count_ab, total):
    """gensim's npmi_scorer on counts (works on numbers and on numpy/polars columns)."""
    pa, pb, pab = count_a / total, count_b / total, count_ab / total
    return _log(pab / (pa * pb)) / -_log(pab)


def _log(x):
    import numpy as np

    return np.log(x) if not isinstance(x, float) else math.log(x)


def detect(token_lists, threshold: float = THRESHOLD, min_count: int = MIN_COUNT) -> list:
    """The phrases (pairs (a, b), sorted) of documents given as token lists."""
    unigrams: Counter = Counter()
    bigrams: Counter = Counter()
    for tokens in token_lists:
        unigrams.update(tokens)
        bigrams.update(zip(tokens, tokens[1:]))
    total = sum(unigrams.values())
    found = []
    for (a, b), n in bigrams.items():
        scored = min_count <= n < total
        if (
            scored
            and npmi(float(unigrams[a]), float(unigrams[b]), float(n), float(total)) > threshold
        ):
            found.append((a, b))
    return sorted(found)


def joiner(pairs):
    """``tokens → tokens`` with the phrases ``pairs`` joined, left to right (module docstring)."""
    following: dict[str, set] = {}
    for a, b in pairs:
        following.setdefault(a, set()).add(b)
    if not following:
        return lambda tokens: tokens

    def join(tokens: list[str]) -> list[str]:
        out, i, n = [], 0, len(tokens)
        while i < n:
            token = tokens[i]
            if i + 1 < n and tokens[i + 1] in following.get(token, ()):
                out.append(token + DELIMITER + tokens[i + 1])
                i += 2
            else:
                out.append(token)
                i += 1
        return out

    return join


def detect_frames(frames, threshold: float = THRESHOLD, min_count: int = MIN_COUNT) -> list:
    """The phrases of token frames (polars LazyFrames of ``doc``, ``term`` in text order, one
    per block of documents): unigram and bigram counts summed over the blocks, then scored."""
    import polars as pl

    unigrams, bigrams = [], []
    for frame in frames:
        unigrams.append(frame.group_by("term").agg(pl.len().alias("n")))
        bigrams.append(
            frame.select(
                pl.col("term").alias("a"),
                pl.col("term").shift(-1).alias("b"),
                (pl.col("doc").shift(-1) == pl.col("doc")).alias("same"),
            )
            .filter(pl.col("same").fill_null(False))
            .group_by("a", "b")
            .agg(pl.len().alias("n"))
        )
    uni = pl.concat(unigrams).group_by("term").agg(pl.col("n").sum()).collect()
    total = float(uni["n"].sum())
    bi = (
        pl.concat(bigrams).group_by("a", "b").agg(pl.col("n").sum())
        .filter(pl.col("n") >= min_count).collect()
    )  # fmt: skip
    counts = uni.lazy().select(pl.col("term"), pl.col("n").cast(pl.Float64))
    scored = (
        bi.lazy()
        .join(counts.rename({"term": "a", "n": "na"}), on="a")
        .join(counts.rename({"term": "b", "n": "nb"}), on="b")
        .with_columns((pl.col("n").cast(pl.Float64) / total).alias("pab"))
        .filter(pl.col("pab") < 1.0)
        .with_columns(
            (
                (pl.col("pab") / (pl.col("na") / total * pl.col("nb") / total)).log()
                / -pl.col("pab").log()
            ).alias("npmi")
        )  # fmt: skip
        .filter(pl.col("npmi") > threshold)
        .select("a", "b")
        .collect()
    )
    return sorted(zip(scored["a"].to_list(), scored["b"].to_list()))


def join_frame(frame, pairs):
    """A token frame (``doc``, ``term``) with the phrases ``pairs`` joined left to right: in a
    run of consecutive joinable positions, the 1st, 3rd, ... are joined with the next token,
    which leaves the frame (the greedy rule of ``joiner``)."""
    import polars as pl

    if not pairs:
        return frame
    table = pl.DataFrame({"a": [a for a, _ in pairs], "b": [b for _, b in pairs],
                          "hit": [True] * len(pairs)}).lazy()  # fmt: skip
    marked = (
        frame.with_columns(
            pl.col("term").shift(-1).alias("b"),
            (pl.col("doc").shift(-1) == pl.col("doc")).fill_null(False).alias("same"),
        )
        .join(table, left_on=["term", "b"], right_on=["a", "b"], how="left", maintain_order="left")
        .with_columns((pl.col("hit").fill_null(False) & pl.col("same")).alias("hit"))
        .with_columns((pl.col("hit") & ~pl.col("hit").shift(1).fill_null(False)).alias("begins"))
        .with_row_index("at")
        .with_columns(pl.when("begins").then(pl.col("at")).forward_fill().alias("start"))
        .with_columns((pl.col("hit") & ((pl.col("at") - pl.col("start")) % 2 == 0)).alias("join"))
    )  # fmt: skip
    return (
        marked.filter(~pl.col("join").shift(1).fill_null(False))
        .select(
            "doc",
            pl.when("join")
            .then(pl.concat_str(["term", "b"], separator=DELIMITER))
            .otherwise(pl.col("term"))
            .alias("term"),
        )
    )  # fmt: skip
