"""``TopicModel.report_``: the JSON report of a fit (``topics nmf --format json``) as typed,
frozen objects.

The JSON document (its schema: topiccli/schema/report.schema.json) is the one source: a
:class:`FitReport` is built from it, keyword by keyword, and gives it back unchanged with
:meth:`FitReport.to_dict`. The fields people read most are typed attributes
(``report_.metrics.c_npmi``, ``report_.topics[0].words``, ``report_.divergence``); every
other field of the document sits in the object's ``extra`` mapping, so a field the schema gains
later is never lost. Lists become tuples and objects read-only mappings: a report is a value.
``report_["topics"]`` (the JSON field of that name) still works, for code written against the
dict ``report_`` was before.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from types import MappingProxyType
from typing import Any


def frozen(value):
    """``value`` with its lists as tuples and its objects as read-only mappings, deeply."""
    if isinstance(value, dict):
        return MappingProxyType({key: frozen(item) for key, item in value.items()})
    if isinstance(value, (list, tuple)):
        return tuple(frozen(item) for item in value)
    return value


def _build(cls, document: Mapping, nested: dict | None = None):
    """``cls`` from a JSON object: its fields by name (``nested`` ones built by their own
    class), every other key into ``extra``."""
    nested = nested or {}
    names = {f.name for f in fields(cls)} - {"extra", "document"}
    values = {}
    for name in names & set(document):
        value = document[name]
        values[name] = nested[name](value) if name in nested and value is not None else \
            frozen(value)  # fmt: skip
    extra = {key: frozen(value) for key, value in document.items() if key not in names}
    return cls(**values, extra=MappingProxyType(extra))


@dataclass(frozen=True, kw_only=True)
class TopicSummary:
    """One topic of the report: its words and weights, and its quality where measured."""

    id: int
    weight: float
    words: tuple[str, ...]
    weights: tuple[float, ...]
    negative_words: tuple[str, ...] | None = None
    """SVD: the component's negative pole."""
    negative_weights: tuple[float, ...] | None = None
    coherence_npmi: float | None = None
    c_npmi: float | None = None
    n_documents: int | None = None
    label: str | None = None
    label_share: float | None = None
    stability: float | None = None
    flags: tuple[str, ...] = ()
    extra: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    """The topic's other JSON fields (``narrow``, ``representative_docs``, ...)."""

    @classmethod
    def from_dict(cls, document: Mapping) -> TopicSummary:
        return _build(cls, document)


@dataclass(frozen=True, kw_only=True)
class CorpusSummary:
    """Where the documents came from and what was kept."""

    source: str
    n_documents: int
    n_terms: int | None = None
    path: str | None = None
    skipped: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))
    language: Mapping[str, Any] | None = None
    extra: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))

    @classmethod
    def from_dict(cls, document: Mapping) -> CorpusSummary:
        return _build(cls, document)


@dataclass(frozen=True, kw_only=True)
class Metrics:
    """Corpus-level quality (None: not measured for this run)."""

    coherence_npmi: float | None = None
    diversity: float | None = None
    c_npmi: float | None = None
    label_nmi: float | None = None
    label_purity: float | None = None
    stability: float | None = None
    relative_reconstruction_error: float | None = None
    explained_variance_ratio_total: float | None = None
    extra: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))

    @classmethod
    def from_dict(cls, document: Mapping) -> Metrics:
        return _build(cls, document)


def _topics(items) -> tuple[TopicSummary, ...]:
    return tuple(TopicSummary.from_dict(item) for item in items)


@dataclass(frozen=True, kw_only=True)
class FitReport:
    """A fit's JSON report, typed (see the module); :meth:`to_dict` is the JSON document."""

    schema_version: int
    method: str
    k: int
    seed: int
    corpus: CorpusSummary
    vectorizer: Mapping[str, Any]
    metrics: Metrics
    topics: tuple[TopicSummary, ...]
    solver: str | None = None
    loss: str | None = None
    """NMF: "kl" or "frobenius"."""
    init: str | None = None
    divergence: float | None = None
    """NMF with the KL loss: the final D(X‖WH)."""
    reconstruction_error: float | None = None
    n_iter: int | None = None
    converged: bool | None = None
    singular_values: tuple[float, ...] | None = None
    vocabulary: Mapping[str, Any] | None = None
    engine: Mapping[str, Any] | None = None
    run_cache: str = "off"
    timings: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))
    extra: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    """The report's other JSON fields."""
    document: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}), repr=False,
                                        compare=False)  # fmt: skip
    """The JSON document itself (read-only); :meth:`to_dict` gives a copy."""

    @classmethod
    def from_dict(cls, document: Mapping) -> FitReport:
        """The typed report of a JSON report (``topics nmf --format json``'s document)."""
        nested = {"corpus": CorpusSummary.from_dict, "metrics": Metrics.from_dict,
                  "topics": _topics}  # fmt: skip
        built = _build(cls, document, nested)
        return replace(built, document=MappingProxyType(copy.deepcopy(dict(document))))

    def to_dict(self) -> dict:
        """The JSON document, as ``topics nmf --format json`` writes it (a copy)."""
        return copy.deepcopy(dict(self.document))

    def __getitem__(self, key: str):
        """The JSON field ``key`` (``report_["topics"]``): the document's own value."""
        return self.to_dict()[key]
