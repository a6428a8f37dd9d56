"""A generated corpus with known topic prevalence over time and known group differences, to
check the time and group analyses (quality.trends, quality.groups) against the truth.

Four topics over ``months`` months (default 24, from January 2024), each a block of its own
pseudo-words (corpus.synthetic.vocabulary): ``rise`` (weight rising linearly 0.1 → 0.5),
``fall`` (0.5 → 0.1), ``spike`` (0.1, and 0.6 in the month ``spike_month``) and ``flat`` (0.3).
A month's true shares are those weights normalized to sum to 1. Each document mixes the topics
with proportions drawn from a Dirichlet around its month's shares (``concentration``) and draws
its words from them; a few words come from a shared background.

Groups: each document is in group ``a`` or ``b`` (alternately). Group ``a`` has ``flat``'s
weight multiplied by ``group_boost``; and within ``rise``, group ``a`` draws the block's words
``DIALECT["a"]`` (its first three) ``DIALECT_BOOST`` times as often as the others, and group
``b`` the words ``DIALECT["b"]`` (the next three): they distinguish each group in that topic.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from .synthetic import vocabulary

TOPICS = ("rise", "fall", "spike", "flat")
DIALECT = {"a": (0, 1, 2), "b": (3, 4, 5)}
"""Each group's own words within ``rise``: positions in its block."""
DIALECT_BOOST = 4.0


@dataclass(frozen=True)
class TrendCorpus:
    """Texts with ids, times (ISO dates), groups and the truth."""

    texts: list[str]
    ids: list[str]
    times: list[str]
    groups: list[str]
    months: list[str]
    shares: np.ndarray
    """months × topics: the true prevalence (all documents)."""
    topic_words: list[list[str]]
    spike_month: int


def weights(months: int, spike_month: int) -> np.ndarray:
    """months × topics: the unnormalized planted weights (see the module docstring)."""
    m = np.arange(months) / max(months - 1, 1)
    spike = np.full(months, 0.1)
    spike[spike_month] = 0.6
    return np.column_stack([0.1 + 0.4 * m, 0.5 - 0.4 * m, spike, np.full(months, 0.3)])


def generate(docs_per_month: int = 100, months: int = 24, spike_month: int = 14, *,
             words_per_topic: int = 60, doc_length: int = 80, concentration: float = 3.0,
             group_boost: float = 2.0, seed: int = 0) -> TrendCorpus:  # fmt: skip
    """Draw the corpus (deterministic for a seed)."""
    rng = np.random.default_rng(seed)
    words = vocabulary(len(TOPICS) * words_per_topic + 50)
    blocks = [words[i * words_per_topic : (i + 1) * words_per_topic] for i in range(len(TOPICS))]
    background = words[len(TOPICS) * words_per_topic :]
    planted = weights(months, spike_month)
    shares = np.zeros((months, len(TOPICS)))
    texts, ids, times, groups = [], [], [], []
    for month in range(months):
        start = date(2024 + month // 12, month % 12 + 1, 1)
        for i in range(docs_per_month):
            group = "ab"[i % 2]
            w = planted[month].copy()
            if group == "a":
                w[3] *= group_boost
            mix = rng.dirichlet(concentration * w / w.sum())
            shares[month] += mix / docs_per_month
            texts.append(_document(rng, mix, blocks, background, group, doc_length))
            ids.append(f"d{len(ids)}")
            times.append(start.replace(day=1 + int(rng.integers(28))).isoformat())
            groups.append(group)
    return TrendCorpus(texts, ids, times, groups,
                       [f"{2024 + m // 12}-{m % 12 + 1:02d}" for m in range(months)],
                       shares, blocks, spike_month)  # fmt: skip


def _document(rng, mix, blocks, background, group: str, length: int) -> str:
    """One text: ``length`` words, 90% from the topics in proportions ``mix``, the rest from
    the background; in ``rise`` (topic 0) each group favours its ``DIALECT`` words."""
    counts = rng.multinomial(int(length * 0.9), mix)
    tokens = []
    for topic, n in enumerate(counts):
        block = blocks[topic]
        p = np.ones(len(block))
        if topic == 0:  # each group's own few words within the topic
            p[list(DIALECT[group])] *= DIALECT_BOOST
        tokens += list(rng.choice(block, size=n, p=p / p.sum()))
    tokens += list(rng.choice(background, size=length - len(tokens)))
    rng.shuffle(tokens)
    return " ".join(tokens)
