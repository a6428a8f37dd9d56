"""An ExplorerInput from a fit's arrays (no report objects, so any caller can use it)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .. import held
from .data import SNIPPET_CHARS, ExplorerInput


def from_fit(
    method: str,
    fit,
    X,
    terms: Sequence[str],
    ids: Sequence[str],
    labels: Sequence[str | None] | None,
    texts: Sequence[str] | None,
    quality: Sequence[dict],
    metrics: dict,
    title: str,
    doc_weights=None,
    language=None,
) -> ExplorerInput:
    """The explorer's input for an ordered fit: NMF (``fit.W``, ``fit.H``) or SVD (``fit.U``,
    ``fit.s``, ``fit.Vt``); ``X`` the document-term matrix it was fitted on (sparse or dense).

    Texts are cut to short snippets here, so the input holds no whole documents. ``doc_weights``
    (documents × k) are the documents' topic weights when the caller has them (quality.doc_weights:
    what the table and exports use); else the fit's own W or U·Σ. ``language``: the report's
    language field, if it has one (the page says which language was assumed).
    """
    if method not in ("nmf", "svd"):
        raise ValueError(f"method must be 'nmf' or 'svd', got {method!r}")
    term_frequency = held.column_sums(X)
    components, doc_topics, weights = _nmf_arrays(fit) if method == "nmf" else _svd_arrays(fit)
    if doc_weights is not None:
        doc_topics = np.asarray(doc_weights, dtype=np.float64)
    snippets = None if texts is None else _snippets(texts)
    k = components.shape[0]
    quality = list(quality) + [{}] * max(0, k - len(quality))
    return ExplorerInput(
        method=method,
        components=components,
        doc_topics=doc_topics,
        terms=[str(t) for t in terms],
        term_frequency=term_frequency,
        topic_weights=[float(w) for w in weights],
        doc_ids=[str(i) for i in ids],
        doc_labels=None if labels is None else list(labels),
        snippets=snippets,
        quality=[dict(q) for q in quality[:k]],
        metrics=dict(metrics),
        title=title,
        texts_note=None if snippets is not None else NO_TEXTS,
        language=language,
    )


def _nmf_arrays(fit) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(components H, document weights W, each topic's share of the reconstructed mass)."""
    W = np.asarray(fit.W, dtype=np.float64)
    H = np.asarray(fit.H, dtype=np.float64)
    mass = W.sum(axis=0) * H.sum(axis=1)
    total = mass.sum()
    shares = mass / total if total > 0 else np.full(mass.shape, 1.0 / max(mass.size, 1))
    return H, W, shares


def _svd_arrays(fit) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(components Vt, document coordinates U·Σ, the singular values)."""
    s = np.asarray(fit.s, dtype=np.float64)
    return np.asarray(fit.Vt, dtype=np.float64), np.asarray(fit.U, dtype=np.float64) * s[None, :], s


def _snippets(texts) -> list[str]:
    """Each text's opening, whitespace folded, cut one past SNIPPET_CHARS (data.page_data
    shortens to SNIPPET_CHARS with an ellipsis)."""
    cut = SNIPPET_CHARS + 1
    if isinstance(texts, held.HeldTexts):  # only each text's opening comes here
        texts = texts.openings(SNIPPET_CHARS * 4)
    return [" ".join(str(t)[: SNIPPET_CHARS * 4].split())[:cut] for t in texts]


NO_TEXTS = "The documents' texts were not given, so the page shows their ids only."
