"""What a run produces, as plain data: its topics and the report a renderer reads.

Nothing here imports numpy, so a run answered from the cache (topiccli.cache.runs) renders
without loading the numeric stack.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .corpus import Corpus
    from .specs import ModelSpec
    from .text.vectorize import DocumentTerm


@dataclass(frozen=True)
class Topic:
    """One topic: its position, its weight and its top words with their loadings."""

    id: int
    weight: float
    words: list[str]
    weights: list[float]
    negative_words: list[str] | None = None
    """SVD: the component's other pole, its most negative loadings (most negative first)."""
    negative_weights: list[float] | None = None
    quality: dict = field(default_factory=dict)
    """Per-topic evidence added by topiccli.quality (coherence, label, documents, …)."""
    name: str | None = None
    """The topic's name, if the user gave one (a seed-word file's ``name:``)."""
    seed_words: list[str] | None = None
    """A seeded topic's seed words (``--seed-words``); None for a free topic."""


@dataclass
class RunReport:
    """Everything a renderer needs; ``details`` holds method-specific diagnostics."""

    model: ModelSpec
    corpus: dict
    vectorizer: dict
    topics: list[Topic]
    details: dict
    timings: dict[str, float] = field(default_factory=dict)
    fit: object = field(default=None, repr=False, compare=False)
    """The ordered SVDResult/NMFResult, for saving a model or exporting document weights;
    None when the run came from the cache (topiccli.cache.runs)."""
    matrix: DocumentTerm | None = field(default=None, repr=False, compare=False)
    documents: Corpus | None = field(default=None, repr=False, compare=False)
    metrics: dict = field(default_factory=dict)
    """Corpus-level quality (topiccli.quality): coherence, diversity, fit, label agreement."""
    run_cache: str = "off"
    """Whether the run came from the run cache: "hit", "miss" (run and stored) or "off"."""
    vocabulary: dict | None = None
    """What vectorizing kept and pruned (``--vocabulary``), or None."""
    weights: object = field(default=None, repr=False, compare=False)
    """Documents × topics (topiccli.quality.doc_weights), None when the run came from the cache."""
    engine: dict | None = None
    """Where the run factorizes (models.engine.describe); None for a saved model (``show``)."""
    analyses: dict = field(default_factory=dict)
    """Topics over time and across groups (models.analyses): ``over_time``, ``by_group``,
    ``over_time_by_group``, as the JSON report holds them; empty when not asked for."""
    analyses_saved: dict | None = field(default=None, repr=False, compare=False)
    """What a bundle keeps to reproduce ``analyses``: per-document values, bins, words."""
