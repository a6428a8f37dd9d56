"""Reuse a saved model: describe its topics again, and infer the topics of new documents.

New documents are vectorized with the bundle's vocabulary, analyzer and IDF weights (nothing is
refitted), then placed in the model's topic space:

* **NMF:** each document's weights w ≥ 0 minimize ‖x − w·H‖₂ with H fixed — a nonnegative
  least-squares problem per document, solved for all documents at once by HALS sweeps over the
  k columns of W (each sweep is a few dense m×k operations, no Python loop over documents).
* **NMF under KL** (a model fitted with ``--loss kl``): w ≥ 0 minimizes the divergence
  D(x‖w·H) instead, by the same multiplicative updates the fit used (``factorize._kl``).
* **SVD:** the projection x·Vᵀ. For a training document this is its row of U·Σ (X·V = U·Σ),
  the document-topic weights a fit exports, so the two agree.

A document's top topic is the one with the largest weight; a document with no term of the
vocabulary has all-zero weights and no top topic.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from .bundle import ModelBundle
from .corpus import Corpus

NNLS_MAX_SWEEPS = 2000
NNLS_TOL = 1e-10


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


def infer(bundle: ModelBundle, corpus: Corpus) -> Inference:
    """Vectorize ``corpus`` as the model's training data was, then infer its topic weights."""
    from .vectorizer_state import transform

    X = transform(bundle.vectorizer, bundle.terms, bundle.idf, corpus.texts)
    loss = bundle.metadata.get("details", {}).get("loss", "frobenius")
    weights = project(bundle.method, bundle.components, X, loss, **w_penalty(bundle))
    unmatched = int(np.count_nonzero(np.diff(X.indptr) == 0))
    return Inference(corpus, weights, top_topics(weights), unmatched)


def project(
    method: str,
    components: np.ndarray,
    X,
    loss: str = "frobenius",
    l1: float = 0.0,
    l2: float = 0.0,
) -> np.ndarray:
    """Topic weights of the rows of X: NNLS or min KL against H (NMF), the projection X·Vᵀ (SVD).

    ``loss`` is the NMF fit's; ``l1``/``l2`` penalize W as the fit did (see :func:`w_penalty`).
    """
    if method == "svd":
        return np.ascontiguousarray(np.asarray(X @ components.T, dtype=np.float64))
    if loss == "kl":
        from .factorize._kl import kl_fixed_h

        return kl_fixed_h(X, components, l1=l1, l2=l2)
    if loss != "frobenius":
        from .errors import BundleError

        raise BundleError(f"this topiccli cannot infer topics for an NMF fitted with loss {loss!r}")
    return nnls_fixed_h(X, components, l1=l1, l2=l2)


def w_penalty(bundle: ModelBundle) -> dict:
    """The penalty on W the bundle's NMF fit used (see :func:`penalty`)."""
    reg = bundle.metadata.get("regularization")
    return penalty(bundle.method, reg, bundle.components.shape[1])


def penalty(method: str, regularization: dict | None, n_terms: int) -> dict:
    """An NMF fit's penalty on W as per-entry weights: n·α_W·ρ (L1) and n·α_W·(1−ρ) (L2).

    n is the number of terms, as in the core's objective (scikit-learn's scaling).
    """
    reg = regularization or {}
    alpha, ratio = float(reg.get("alpha_W", 0.0)), float(reg.get("l1_ratio", 0.0))
    if method != "nmf" or alpha == 0.0:
        return {}
    return {"l1": n_terms * alpha * ratio, "l2": n_terms * alpha * (1.0 - ratio)}


def fitted_weights(report) -> np.ndarray:
    """The training documents' topic weights as ``infer`` defines them, from a finished fit.

    SVD: X·Vᵀ (= U·Σ, with exact zeros for empty documents). NMF: W solved against the final
    H — the fit's last half-step done exactly, which can only lower its loss. The fit's own W
    is one iterate short of that (solvers stop at a tolerance), so exporting it would make
    ``infer`` on the same documents disagree (scikit-learn's fit_transform ≠ transform).
    """
    from .bundle import regularization

    fit, X = report.fit, report.matrix.X
    if report.model.method == "svd":
        return project("svd", fit.Vt, X)
    loss = report.details.get("loss", "frobenius")
    reg = penalty("nmf", regularization(report.model), X.shape[1])
    return project("nmf", fit.H, X, loss, **reg)


def top_topics(weights: np.ndarray) -> np.ndarray:
    """Index of each row's largest weight (the first on a tie); -1 for an all-zero row."""
    top = np.argmax(weights, axis=1) if weights.shape[1] else np.zeros(len(weights), int)
    top[~np.any(weights != 0, axis=1)] = -1
    return top


def nnls_fixed_h(
    X,
    H: np.ndarray,
    *,
    l1: float = 0.0,
    l2: float = 0.0,
    max_sweeps: int = NNLS_MAX_SWEEPS,
    tol: float = NNLS_TOL,
) -> np.ndarray:
    """W ≥ 0 minimizing ½‖X − W·H‖²_F + l1·ΣW + ½·l2·‖W‖²_F for a fixed H, all rows at once.

    HALS: W[:, t] ← max(0, W[:, t] + ((X·Hᵀ)[:, t] − W·(H·Hᵀ + l2·I)[:, t] − l1) /
    ((H·Hᵀ)[t, t] + l2)), the exact minimizer over column t with the others fixed. Starts from
    the clipped unconstrained solution; a row leaves the sweeps once one changes it by less
    than ``tol`` relative to its norm, so the cost follows the hard rows. X is only touched
    once, in X·Hᵀ.
    """
    H = np.asarray(H, dtype=np.float64)
    XHt = np.asarray(X @ H.T, dtype=np.float64) - l1
    HHt = H @ H.T + l2 * np.eye(H.shape[0])
    diagonal = np.diag(HHt).copy()
    W = np.maximum(np.linalg.lstsq(HHt, XHt.T, rcond=None)[0].T, 0.0)
    W[:, diagonal <= 0.0] = 0.0  # a topic with no terms takes no weight
    topics = np.flatnonzero(diagonal > 0.0)
    active = np.arange(W.shape[0])
    for _ in range(max_sweeps):
        if not active.size:
            break
        block, target = np.asfortranarray(W[active]), XHt[active]
        change = np.zeros(active.size)
        for t in topics:
            column = block[:, t]
            updated = np.maximum(column + (target[:, t] - block @ HHt[:, t]) / diagonal[t], 0.0)
            change += (updated - column) ** 2
            block[:, t] = updated
        W[active] = block
        norms = np.einsum("ij,ij->i", block, block)
        active = active[change > tol * tol * np.maximum(norms, np.finfo(float).tiny)]
    return W


def show_report(bundle: ModelBundle, top_words: int, timings: dict | None = None):
    """A pipeline.RunReport of a saved model, described exactly as the fit described it."""
    from .factorize import NMFResult, SVDResult
    from .pipeline import ModelSpec, RunReport
    from .topics import describe_nmf, describe_svd

    meta = bundle.metadata
    details = dict(meta["details"])
    if bundle.method == "svd":
        s = bundle.topic_weights
        with np.errstate(divide="ignore", invalid="ignore"):
            U = np.nan_to_num(bundle.doc_topics / s)
        fit = SVDResult(U=U, s=s, Vt=bundle.components, solver=details.get("solver", "propack"))
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
    quality = meta.get("quality") or {}
    metrics = {}
    if quality and top_words == meta.get("top_words"):  # coherence & co. are of those words
        metrics = dict(quality["metrics"])
        topics = [replace(t, quality=dict(q)) for t, q in zip(topics, quality["topics"])]
    return RunReport(model, dict(meta["corpus"]), dict(meta["vectorizer"]), topics, details,
                     dict(timings or {}), fit=fit, metrics=metrics)  # fmt: skip
