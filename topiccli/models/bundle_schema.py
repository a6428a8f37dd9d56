"""What a model bundle's files may hold, declared once as data and checked field by field.

A bundle is never trusted (it may come from anyone), so every value ``bundle.load`` hands on
has first matched this schema: its type, its range, its length. A field that does not match
is named in a :class:`SchemaError` (``model.json: top_words must be an integer >= 1, not
'8'``), which the bundle reports as damage; nothing wrongly typed reaches the code that uses
it. The arrays have their own rules (:func:`check_arrays`): the declared names only, float64
of the shapes the other files imply, finite, and the signs and scales each method's arrays
always have.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np


class SchemaError(ValueError):
    """A bundle file's value does not match its declared schema."""


# --- the declaration language: a few field kinds, each a check and a description ---------


@dataclass(frozen=True)
class Int:
    low: int | None = None

    def check(self, value) -> bool:
        if isinstance(value, bool) or not isinstance(value, int):
            return False
        return self.low is None or value >= self.low

    def __str__(self) -> str:
        return "an integer" + (f" >= {self.low}" if self.low is not None else "")


@dataclass(frozen=True)
class Number:
    """A finite JSON number (integers too), at least ``low`` when given."""

    low: float | None = None

    def check(self, value) -> bool:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return False
        return math.isfinite(value) and (self.low is None or value >= self.low)

    def __str__(self) -> str:
        return "a finite number" + (f" >= {self.low}" if self.low is not None else "")


@dataclass(frozen=True)
class Kind:
    """A value of one of the JSON types ``types`` (``type(None)`` for null)."""

    types: tuple
    name: str

    def check(self, value) -> bool:
        return isinstance(value, self.types) and not (
            isinstance(value, bool) and bool not in self.types
        )

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True)
class OneOf:
    values: tuple

    def check(self, value) -> bool:
        return any(value == v and type(value) is type(v) for v in self.values)

    def __str__(self) -> str:
        return "one of " + ", ".join(repr(v) for v in self.values)


@dataclass(frozen=True)
class Nullable:
    inner: object

    def check(self, value) -> bool:
        return value is None or self.inner.check(value)

    def __str__(self) -> str:
        return f"{self.inner} or null"


@dataclass(frozen=True)
class ListOf:
    item: object
    length: tuple[int, int] | None = None
    """(shortest, longest) when the length is fixed by the schema."""

    def check(self, value) -> bool:
        if not isinstance(value, list):
            return False
        if self.length and not self.length[0] <= len(value) <= self.length[1]:
            return False
        return all(self.item.check(v) for v in value)

    def __str__(self) -> str:
        size = ""
        if self.length:
            low, high = self.length
            size = f" of {low}" if low == high else f" of {low} to {high}"
        return f"a list{size} of {self.item}"


@dataclass(frozen=True)
class Regex:
    """A string that compiles as a regular expression with at most one capturing group (what
    a token pattern must be for scikit-learn's analyzer)."""

    def check(self, value) -> bool:
        if not isinstance(value, str):
            return False
        try:
            return re.compile(value).groups <= 1
        except (re.error, RecursionError, OverflowError):
            return False

    def __str__(self) -> str:
        return "a regular expression with at most one group"


STRING = Kind((str,), "a string")
BOOL = Kind((bool,), "true or false")
OBJECT = Kind((dict,), "an object")
FLOAT_OR_NULL = Kind((int, float, type(None)), "a number or null")


@dataclass(frozen=True)
class Field:
    name: str
    kind: object
    required: bool = True


def check_object(value, fields: list[Field], where: str) -> None:
    """Refuse (SchemaError) an object lacking a required field or holding a mistyped one;
    fields the schema does not name are kept (written by a later topiccli, read by none)."""
    if not isinstance(value, dict):
        raise SchemaError(f"{where} must be an object")
    for field in fields:
        if field.name not in value:
            if field.required:
                raise SchemaError(f"{where} lacks {field.name!r}")
            continue
        if not field.kind.check(value[field.name]):
            raise SchemaError(
                f"{where}: {field.name} must be {field.kind}, not {_shown(value[field.name])}"
            )


def _shown(value) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


# --- the bundle's JSON files ------------------------------------------------------------

MANIFEST_ENTRY = [Field("bytes", Int(0)), Field("sha256", STRING)]

MODEL = [
    Field("schema_version", Int(1)),
    Field("method", OneOf(("svd", "nmf"))),
    Field("k", Int(1)),
    Field("seed", Int()),
    Field("top_words", Int(1), required=False),
    Field("details", OBJECT),
    Field("regularization", Nullable(OBJECT), required=False),
    Field("corpus", OBJECT),
    Field("vectorizer", OBJECT),
    Field("fingerprint", STRING, required=False),
    Field("versions", OBJECT, required=False),
    Field("quality", Nullable(OBJECT), required=False),
    Field("topics", ListOf(OBJECT), required=False),
    Field("hierarchy", Nullable(OBJECT), required=False),
    Field("lineage", Nullable(OBJECT), required=False),
]

TOPIC_FIELDS = [
    Field("name", STRING, required=False),
    Field("seed_words", ListOf(STRING), required=False),
]
"""What model.json's ``topics`` holds per topic: what the user gave (a name, seed words)."""

DETAILS = [
    Field("solver", STRING, required=False),
    Field("init", Nullable(STRING), required=False),
    Field("loss", OneOf(("frobenius", "kl")), required=False),
    Field("n_iter", Int(0), required=False),
    Field("converged", BOOL, required=False),
    Field("reconstruction_error", FLOAT_OR_NULL, required=False),
    Field("divergence", FLOAT_OR_NULL, required=False),
]

REGULARIZATION = [
    Field("alpha_W", Number(0), required=False),
    Field("alpha_H", Number(0), required=False),
    Field("l1_ratio", Number(0), required=False),
]

QUALITY = [Field("metrics", OBJECT), Field("topics", ListOf(OBJECT))]

NUMBER = Kind((int, float), "a number")
COUNT_OR_NULL = Nullable(Int(0))
METRICS = [
    *(Field(name, NUMBER, required=False) for name in (
        "coherence_npmi", "coherence_npmi_all", "diversity", "explained_variance_ratio_total",
        "relative_reconstruction_error")),
    *(Field(name, FLOAT_OR_NULL, required=False) for name in (
        "c_npmi", "label_nmi", "label_purity", "stability")),
    *(Field(name, COUNT_OR_NULL, required=False) for name in (
        "n_narrow", "c_npmi_documents", "seeds")),
    Field("explained_variance_ratio", ListOf(FLOAT_OR_NULL), required=False),
]  # fmt: skip
"""The corpus-level evidence a fit reports (``quality.metrics``), as the renderers use it."""

REPRESENTATIVE = [Field("weight", NUMBER), Field("id", STRING), Field("snippet", STRING)]
TOPIC_QUALITY = [
    Field("coherence_npmi", NUMBER, required=False),
    Field("stability", NUMBER, required=False),
    Field("c_npmi", FLOAT_OR_NULL, required=False),
    Field("label_share", FLOAT_OR_NULL, required=False),
    Field("n_documents", Int(0), required=False),
    Field("support_documents", Int(0), required=False),
    Field("narrow", BOOL, required=False),
    Field("unstable", BOOL, required=False),
    Field("label", Nullable(STRING), required=False),
    Field("representative_docs", ListOf(OBJECT), required=False),
    Field("auto_name", STRING, required=False),
]
"""One topic's evidence (``quality.topics[i]``) and its automatic name."""

DOCUMENTS = [Field("ids", ListOf(STRING)), Field("labels", Nullable(ListOf(Nullable(STRING))))]

VECTORIZER = [
    Field("state_version", Int(1)),
    Field("kind", OneOf(("count", "tfidf"))),
    Field("analyzer", OneOf(("word",))),
    Field("lowercase", BOOL),
    Field("token_pattern", Regex()),
    Field("strip_accents", Nullable(OneOf(("ascii", "unicode")))),
    Field("stop_words", Nullable(ListOf(STRING))),
    Field("ngram_range", ListOf(Int(1), (2, 2))),
    Field("binary", BOOL),
    Field("contractions", OneOf(("keep", "strip")), required=False),
    Field("tfidf", Nullable(OBJECT)),
    Field("settings", OBJECT, required=False),
]

TFIDF = [
    Field("norm", Nullable(OneOf(("l1", "l2")))),
    Field("use_idf", BOOL),
    Field("smooth_idf", BOOL),
    Field("sublinear_tf", BOOL),
]


def check_model(metadata: dict) -> None:
    """model.json: its fields, then the objects inside it that loading uses."""
    check_object(metadata, MODEL, "model.json")
    check_object(metadata["details"], DETAILS, "model.json details")
    if metadata.get("regularization") is not None:
        check_object(metadata["regularization"], REGULARIZATION, "model.json regularization")
    if "topics" in metadata:
        if len(metadata["topics"]) != metadata["k"]:
            raise SchemaError("model.json topics must hold one object per topic (k)")
        for i, topic in enumerate(metadata["topics"]):
            check_object(topic, TOPIC_FIELDS, f"model.json topic {i}")
    quality = metadata.get("quality")
    if quality:
        check_object(quality, QUALITY, "model.json quality")
        if len(quality["topics"]) != metadata["k"]:
            raise SchemaError("model.json quality: topics must hold one object per topic (k)")
        check_object(quality["metrics"], METRICS, "model.json quality metrics")
        for i, topic in enumerate(quality["topics"]):
            check_object(topic, TOPIC_QUALITY, f"model.json quality topic {i}")
            for doc in topic.get("representative_docs", ()):
                check_object(doc, REPRESENTATIVE, f"model.json quality topic {i} document")


def check_documents(documents: dict) -> None:
    check_object(documents, DOCUMENTS, "documents.json")
    labels = documents["labels"]
    if labels is not None and len(labels) != len(documents["ids"]):
        raise SchemaError("documents.json has labels for a different number of documents")


def check_vocabulary(vocabulary) -> None:
    if not ListOf(STRING).check(vocabulary):
        raise SchemaError("vocabulary.json must be a list of strings")
    if len(set(vocabulary)) != len(vocabulary):
        raise SchemaError("vocabulary.json lists a term twice")


def check_vectorizer(state: dict) -> None:
    check_object(state, VECTORIZER, "vectorizer.json")
    low, high = state["ngram_range"]
    if low > high:
        raise SchemaError("vectorizer.json: ngram_range must run from low to high")
    if state["kind"] == "tfidf":
        check_object(state["tfidf"], TFIDF, "vectorizer.json tfidf")


# --- the arrays -------------------------------------------------------------------------

ARRAY_NAMES = ("components", "topic_weights", "doc_topics", "idf", "term_frequency")
REQUIRED_ARRAYS = ("components", "topic_weights", "doc_topics")
TINY = np.finfo(np.float64).tiny
"""The smallest normal float64: a topic whose largest weight is below it (a subnormal) gives
NaN document weights (its squared norm underflows to 0), so such a topic is refused."""


def array_shapes(metadata: dict, n_terms: int, n_docs: int) -> dict[str, tuple[int, ...]]:
    """The shape each array must have, from model.json's k and the other files' lengths."""
    k = metadata["k"]
    return {
        "components": (k, n_terms),
        "topic_weights": (k,),
        "doc_topics": (n_docs, k),
        "idf": (n_terms,),
        "term_frequency": (n_terms,),
    }


def check_arrays(method: str, arrays: dict[str, np.ndarray]) -> None:
    """The values' rules (the names, dtypes and shapes were checked as they were read):
    finite everywhere; NMF's topics, weights and shares non-negative; SVD's topics rows of
    unit vectors (entries at most 1 in size); IDF weights positive; term counts
    non-negative; no topic whose weights are all subnormal."""
    for name, array in arrays.items():
        if not np.isfinite(array).all():
            raise SchemaError(f"array {name} holds values that are not finite")
    components = arrays["components"]
    if method == "nmf":
        for name in ("components", "topic_weights", "doc_topics"):
            if (arrays[name] < 0).any():
                raise SchemaError(f"array {name} holds negative values (an NMF's never do)")
    elif (np.abs(components) > 1 + 1e-6).any():
        raise SchemaError("array components holds entries above 1 in size (SVD topics are "
                          "unit vectors)")  # fmt: skip
    if components.size:
        largest = np.abs(components).max(axis=1)
        if ((largest > 0) & (largest < TINY)).any():
            raise SchemaError("array components has a topic of subnormal weights only")
    if "idf" in arrays and (arrays["idf"] <= 0).any():
        raise SchemaError("array idf holds values that are not positive")
    if "term_frequency" in arrays and (arrays["term_frequency"] < 0).any():
        raise SchemaError("array term_frequency holds negative values")
