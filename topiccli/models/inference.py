"""Reuse a saved model: describe its topics again, and infer the topics of new documents.

New documents are vectorized with the bundle's vocabulary, analyzer and IDF weights (nothing is
refitted, and scikit-learn is not imported), then weighed against the model's topics as
topiccli.quality.doc_weights defines it for every document, training or new:

* **NMF:** w ≥ 0 minimizing the fit's loss against the fixed topics H — least squares, or
  D(x‖w·H) for a model fitted with ``--loss kl`` — with the fit's penalty on W;
* **SVD:** the projection x·Vᵀ. For a training document this is its row of U·Σ (X·V = U·Σ),
  the document-topic weights a fit exports, so the two agree.

A document's top topic is the one with the largest weight; a document with no term of the
vocabulary has all-zero weights and no top topic.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from ..corpus import Corpus
from ..errors import BundleError
from .bundle import ModelBundle

WORD_DEPENDENT = frozenset(
    {"coherence_npmi", "negative_coherence_npmi", "diversity", "stability", "unstable", "seeds"}
)
"""Evidence computed on the fit's top words: it does not hold for another word count."""


@dataclass(frozen=True)
class Inference:
    """Topic weights for a corpus of new documents."""

    corpus: Corpus
    weights: np.ndarray
    """documents × k."""
    top_topic: np.ndarray
    """Each document's topic of largest weight; -1 for a document with all-zero weights."""
    n_unmatched: int
    """Documents sharing no term with the model's vocabulary."""


def weigh_documents(bundle: ModelBundle, corpus: Corpus, weigh=None, X=None) -> Inference:
    """Vectorize ``corpus`` as the model's training data was, then weigh it against the topics.

    ``weigh``, if given, replaces ``quality.doc_weights.document_weights`` (same signature and
    result): the Dask engine's, which weighs the documents next to their rows on the workers
    (``--scheduler``). ``X``, if given, is the corpus already vectorized over the model's
    vocabulary (on the workers that read it: a ``held.HeldMatrix``)."""
    from ..held import row_lengths
    from ..quality.doc_weights import document_weights, top_topics
    from ..text.vectorizer_state import transform

    if X is None:
        X = transform(bundle.vectorizer, bundle.terms, bundle.idf, corpus.texts)
    details = bundle.metadata.get("details", {})
    loss = details.get("loss", "frobenius")
    if bundle.method == "nmf" and loss not in ("frobenius", "kl"):
        raise BundleError(f"this topiccli cannot infer topics for an NMF fitted with loss {loss!r}")
    weigh = weigh or document_weights
    weights = weigh(bundle.method, bundle.components, X, loss=loss,
                    regularization=bundle.metadata.get("regularization"))  # fmt: skip
    if not np.isfinite(weights).all():  # the schema refuses what would give this; a guard
        raise BundleError("the model's topics give document weights that are not finite numbers "
                          "(a damaged bundle?); save the model again")  # fmt: skip
    unmatched = int(np.count_nonzero(row_lengths(X) == 0))
    return Inference(corpus, weights, top_topics(weights), unmatched)


def show_report(bundle: ModelBundle, top_words: int, timings: dict | None = None):
    """A report.RunReport of a saved model, described exactly as the fit described it.

    The evidence that depends on the top words (coherence, diversity, stability) belongs to
    the fit's word count; with another ``top_words`` it is left out, and the rest (documents
    won, labels, representative documents, the fit measure) is kept.
    """
    from ..factorize import NMFResult, SVDResult
    from ..factorize.options import SVD_SOLVERS
    from ..quality.describe import describe_nmf, describe_svd
    from ..report import RunReport
    from ..specs import ModelSpec

    meta = bundle.metadata
    details = dict(meta["details"])
    if bundle.method == "svd":
        s = bundle.topic_weights
        with np.errstate(divide="ignore", invalid="ignore"):
            U = np.nan_to_num(bundle.doc_topics / s)
        solver = details.get("solver", SVD_SOLVERS[0])  # a bundle from before solvers were saved
        fit = SVDResult(U=U, s=s, Vt=bundle.components, solver=solver)
    else:
        fit = NMFResult(
            W=bundle.doc_topics,
            H=bundle.components,
            n_iter=details.get("n_iter", 0),
            converged=details.get("converged", True),
            reconstruction_error=details.get("reconstruction_error", float("nan")),
            solver=details.get("solver", "mu"),
            init=details.get("init", "nndsvda"),
            loss=details.get("loss", "frobenius"),
            divergence=details.get("divergence"),
        )
    model = ModelSpec(method=bundle.method, k=bundle.k, seed=bundle.seed, top_words=top_words)
    describe = describe_svd if bundle.method == "svd" else describe_nmf
    # the weights the fit reported, bit for bit (a sum over W can round differently by layout)
    topics = [
        replace(topic, weight=float(weight))
        for topic, weight in zip(describe(fit, bundle.terms, top_words), bundle.topic_weights)
    ]
    given = meta.get("topics") or [{}] * len(topics)  # what the user gave: names, seed words
    topics = [replace(t, **{key: value for key, value in fields.items()
                            if key in ("name", "seed_words")})
              for t, fields in zip(topics, given)]  # fmt: skip
    quality = meta.get("quality") or {}
    metrics = {}
    if quality:
        same_words = top_words == meta.get("top_words")
        metrics = {key: value for key, value in quality["metrics"].items()
                   if same_words or key not in WORD_DEPENDENT}  # fmt: skip
        topics = [replace(t, quality={key: value for key, value in q.items()  # names: annotate
                                      if key != "auto_name"
                                      and (same_words or key not in WORD_DEPENDENT)})
                  for t, q in zip(topics, quality["topics"])]  # fmt: skip
    topics, tree = annotate_bundle(bundle, topics)
    return RunReport(model=model, corpus=dict(meta["corpus"]),
                     vectorizer=dict(meta["vectorizer"]), topics=topics, details=details,
                     timings=dict(timings or {}), factors=fit, metrics=metrics,
                     hierarchy=tree)  # fmt: skip


def term_frequency(bundle: ModelBundle) -> np.ndarray:
    """Each term's total in the training matrix; for an older bundle without it, the model's
    own reconstruction of the corpus (as the explorer does)."""
    if bundle.term_frequency is not None:
        return bundle.term_frequency
    return np.abs(bundle.doc_topics @ bundle.components).sum(axis=0)


def annotate_bundle(bundle: ModelBundle, topics):
    """A saved model's topics with the user's names and the automatic ones, and its tree."""
    from ..quality.naming import annotate, stored_names

    return annotate(bundle.method, bundle.components, term_frequency(bundle), bundle.terms,
                    topics, stored_names(bundle.metadata, bundle.k))  # fmt: skip
