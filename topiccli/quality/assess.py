"""Attach the evidence to a fitted model's topics: per-topic scores and corpus-level metrics.

Per topic (``Topic.quality``): ``coherence_npmi`` (and ``negative_coherence_npmi`` for an SVD
component's other pole), ``n_documents`` (documents it wins), with labels ``label`` and
``label_share``, and with ``docs`` > 0 ``representative_docs``. The corpus-level ``metrics``
hold ``coherence_npmi`` (mean over topics), ``diversity``, the method's fit measure and, with
labels, ``label_nmi`` and ``label_purity``.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from .. import held
from . import coherence, documents, explained, labels, signature
from .describe import Topic, negative_indices, top_indices
from .doc_weights import top_topics


def assess(fitted, weights, X, topics: list[Topic], top_n: int, corpus=None, docs: int = 0,
           tokens=None):  # fmt: skip
    """(topics with ``quality`` filled in, metrics dict) for a fitted SVD or NMF model.

    ``weights`` are the documents' topic weights (quality.doc_weights: the one definition the
    table, labels and exports share). ``corpus`` (ids, texts, labels) is needed for labels and
    ``docs``; texts are read only for the representative documents. ``tokens`` (each
    document's tokens in order, or None) adds the sliding-window ``c_npmi``.

    Flags (quality.signature): ``narrow`` (the topic's weight comes from about 1% of the
    documents or fewer, near-duplicates counted once), with its evidence
    ``effective_documents`` and ``near_duplicate_share``, and ``repeated_words`` (top words
    that travel as one block of text, such as a signature), and, for a topic led by such a
    block that is the main topic of 2% of the documents or more, ``shared_content`` (what its
    documents share beyond its top words, against chance).

    Honest headline scores: the corpus-level ``coherence_npmi`` and ``c_npmi`` are means over
    every topic, so a flag, right or wrong, cannot move them; ``coherence_npmi_unflagged``
    (the mean over the topics not flagged) and ``n_narrow`` are reported beside them, and
    ``coherence_npmi_all`` (the same as ``coherence_npmi``) is kept for compatibility.
    """
    is_svd = hasattr(fitted, "Vt")
    components = fitted.Vt if is_svd else fitted.H
    positive = [top_indices(row, top_n) for row in components]
    columns = positive + ([negative_indices(row, top_n) for row in components] if is_svd else [])
    # The topics' words' columns, taken once (from the workers when X is held there).
    words, where = np.unique(np.concatenate(columns), return_inverse=True)
    B = held.columns(X, words)
    local = np.split(where.ravel(), np.cumsum([len(c) for c in columns])[:-1])
    scores = coherence.coherence_npmi(B, local)
    k = len(topics)
    winners = top_topics(weights)
    per_topic = _per_topic(B, local, scores, weights, X, winners, topics, positive)
    if is_svd:
        for t in range(k):
            has_pole = len(columns[k + t]) > 1
            per_topic[t]["negative_coherence_npmi"] = float(scores[k + t]) if has_pole else None
    metrics = _headline(scores, [p["narrow"] for p in per_topic], weights, topics)
    if tokens is not None:
        _add_window_coherence(per_topic, metrics, tokens, topics)
    metrics.update(_fit_metrics(fitted, X, is_svd))
    if corpus is not None:
        _add_corpus_evidence(per_topic, metrics, corpus, weights, winners, docs)
    described = [replace(topic, quality={**topic.quality, **per_topic[t]}) for t, topic in
                 enumerate(topics)]  # fmt: skip
    return described, metrics


def _per_topic(B, local, scores, weights, X, winners, topics: list[Topic],
               columns) -> list[dict]:  # fmt: skip
    """Each topic's scores from its words' columns ``B``: NPMI, documents won and supporting,
    and the flags with their evidence (quality.signature; ``columns``: each topic's top
    words' columns in X)."""
    k = len(topics)
    sizes = documents.topic_sizes(winners, k)
    support = coherence.support(B, local[:k])
    repeated = signature.repeated_words(B, local[:k], [list(t.words) for t in topics])
    flags = signature.signature(weights, X, repeated, sizes, columns[:k])
    return [
        {"coherence_npmi": float(scores[t]), "n_documents": int(sizes[t]),
         "support_documents": int(support[t]), "narrow": flags[t]["narrow"],
         "effective_documents": round(flags[t]["effective_documents"], 1),
         "near_duplicate_share": round(flags[t]["near_duplicate_share"], 4),
         "repeated_words": repeated[t], **_shared(flags[t]["shared_content"])}
        for t in range(k)
    ]  # fmt: skip


def _shared(value: float | None) -> dict:
    """``shared_content`` where the flag measured it (a block-led topic of ≥ 2%)."""
    return {} if value is None else {"shared_content": round(value, 3)}


def _headline(scores, narrow: list[bool], weights, topics: list[Topic]) -> dict:
    """The corpus-level scores: means over every topic, and over the topics not flagged."""
    k = len(topics)
    broad = [t for t in range(k) if not narrow[t]] or list(range(k))
    headline = float(np.mean(scores[:k])) if k else 0.0
    return {
        "coherence_npmi": headline,
        "coherence_npmi_all": headline,
        "coherence_npmi_unflagged": float(np.mean(scores[broad])) if k else 0.0,
        "n_narrow": int(sum(narrow)),
        "narrow_floor": round(signature.narrow_floor(weights), 1),
        "diversity": coherence.diversity([t.words for t in topics]),
    }


def _add_window_coherence(per_topic: list[dict], metrics: dict, tokens, topics) -> None:
    """The sliding-window ``c_npmi`` per topic and its mean over the topics that have one."""
    from .window_coherence import c_npmi

    windowed = c_npmi(tokens, [t.words for t in topics])
    for t in range(len(topics)):
        per_topic[t]["c_npmi"] = None if np.isnan(windowed[t]) else float(windowed[t])
    kept = [windowed[t] for t in range(len(topics)) if not np.isnan(windowed[t])]
    metrics["c_npmi"] = float(np.mean(kept)) if kept else None


def _add_corpus_evidence(per_topic: list[dict], metrics: dict, corpus, weights, winners,
                         docs: int) -> None:  # fmt: skip
    """Labels (each topic's dominant label, the corpus's label scores) when the corpus has them,
    and ``docs`` representative documents per topic when asked."""
    k = len(per_topic)
    if corpus.has_labels:
        for t, (label, share) in enumerate(labels.topic_labels(winners, corpus.labels, k)):
            per_topic[t].update(label=label, label_share=share)
        metrics.update(labels.label_scores(winners, corpus.labels))
    if docs > 0:
        chosen = documents.representative(weights, corpus.ids, corpus.texts, docs)
        for t in range(k):
            per_topic[t]["representative_docs"] = chosen[t]


def _fit_metrics(fitted, X, is_svd: bool) -> dict:
    if is_svd:
        ratios = explained.explained_variance_ratio(X, fitted.U, fitted.s)
        return {
            "explained_variance_ratio": [float(r) for r in ratios],
            "explained_variance_ratio_total": float(ratios.sum()),
        }
    error = fitted.reconstruction_error
    if getattr(fitted, "loss", "frobenius") != "frobenius":
        error = explained.frobenius_error(X, fitted.W, fitted.H)  # the solver reports √(2·D)
    return {"relative_reconstruction_error": explained.relative_error(X, error)}
