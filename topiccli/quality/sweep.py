"""Choosing k: fit every k of a range on one vectorized corpus and score each.

For each k the sweep reports the mean NPMI coherence, the diversity, the fit (NMF: relative
reconstruction error; SVD: total explained variance ratio), the label NMI when documents have
labels and, with several seeds, the stability (see ``stability``: mean best-match Jaccard
overlap of top words over all pairs of seeds).

Recommended k. Each k gets ``score = (1 + coherence_npmi)/2 × diversity × stability`` (the
stability factor is 1 with a single seed): coherent topics (NPMI rescaled to [0, 1]) that do
not repeat each other's words and come back under other seeds. The recommended k has the
highest score; on a tie, the smaller k. Too small a k merges themes, so words that never meet
share a topic and coherence falls; too large a k splits themes into near-duplicates, so
diversity (and stability) fall.

SVD is fitted once per seed at the largest k: the leading k components of an exact truncated
SVD are the rank-k truncated SVD, so every smaller k is read off that one decomposition.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ..errors import InvalidParameterError
from ..factorize import SVDResult
from . import stability
from .assess import assess

RULE = (
    "score = (1 + coherence_npmi)/2 × diversity × stability (stability = 1 with one seed); "
    "recommended k = highest score, the smaller k on a tie"
)


def parse_k_range(text: str) -> list[int]:
    """``"2:20"`` or ``"2:20:2"`` (inclusive) → the list of k; a single ``"5"`` is [5]."""
    parts = text.split(":")
    try:
        numbers = [int(p) for p in parts]
    except ValueError:
        numbers = []
    if len(numbers) == 1:
        numbers = [numbers[0], numbers[0]]
    if len(numbers) not in (2, 3):
        raise InvalidParameterError(f"expected FIRST:LAST[:STEP] such as 2:20, got {text!r}")
    first, last, step = (*numbers, 1) if len(numbers) == 2 else numbers
    if not (1 <= first <= last and step >= 1):
        raise InvalidParameterError(f"expected 1 <= FIRST <= LAST and STEP >= 1, got {text!r}")
    return list(range(first, last + 1, step))


@dataclass(frozen=True)
class SweepRow:
    """The evidence for one k."""

    k: int
    coherence_npmi: float
    diversity: float
    fit: float
    """NMF: relative reconstruction error; SVD: total explained variance ratio."""
    label_nmi: float | None
    stability: float | None
    score: float


def score(coherence_npmi: float, diversity: float, stability_value: float | None) -> float:
    """The recommended-k score (see the module docstring)."""
    factor = 1.0 if stability_value is None else stability_value
    return (1.0 + coherence_npmi) / 2.0 * diversity * factor


def recommend(rows: list[SweepRow]) -> int | None:
    """The k of highest score; the smaller k on a tie."""
    best = None
    for row in sorted(rows, key=lambda r: r.k):
        if best is None or row.score > best.score + 1e-12:
            best = row
    return None if best is None else best.k


def sweep(dt, corpus, model, ks: list[int], seeds: int = 1, fit=None, refit=None, progress=None):
    """One SweepRow per k. ``fit(dt, model, callback)`` is pipeline.fit and ``refit`` (the
    other seeds' NMF fits) pipeline.refit: passed in, so there is no import cycle."""
    limit = min(dt.X.shape) - 1
    if ks[-1] > limit:
        raise InvalidParameterError(
            f"k must be between 1 and min(n_documents, n_terms) - 1 = {limit} for a "
            f"{dt.X.shape[0]}×{dt.X.shape[1]} matrix; the sweep asks for {ks[-1]}"
        )
    advance = progress.task(f"sweeping k = {ks[0]}…{ks[-1]}", len(ks)) if progress else None
    if model.method == "svd":
        largest = [fit(dt, replace(m, k=ks[-1]), None)[0] for m in _seed_models(model, seeds)]
    rows = []
    for k in ks:
        if model.method == "svd":
            fitted_runs = [_leading(f, k) for f in largest]
            described = [_describe(fitted, dt, replace(model, k=k)) for fitted in fitted_runs]
        else:
            described = []
            for i, variant in enumerate(_seed_models(replace(model, k=k), seeds)):
                callback = progress and progress.iterations(variant, f"seed {variant.seed}")
                fitted, topics, _ = (fit if i == 0 else refit or fit)(dt, variant, callback)
                described.append((fitted, topics))
        rows.append(_row(k, described, dt, corpus, model.top_words))
        if advance:
            advance()
    return rows


def _seed_models(model, seeds: int) -> list:
    return [model, *stability.reseeded(model, seeds)]


def _leading(result: SVDResult, k: int) -> SVDResult:
    return replace(result, U=result.U[:, :k], s=result.s[:k], Vt=result.Vt[:k])


def _describe(fitted, dt, model):
    from ..topics import describe_svd

    return fitted, describe_svd(fitted, dt.terms, model.top_words)


def _row(k: int, described, dt, corpus, top_n: int) -> SweepRow:
    fitted, topics = described[0]
    _, metrics = assess(fitted, dt.X, topics, top_n, corpus)
    runs = [[t.words for t in topics] for _, topics in described]
    stable = stability.run_stability(runs)
    fit_value = metrics.get(
        "relative_reconstruction_error", metrics.get("explained_variance_ratio_total")
    )
    return SweepRow(
        k=k,
        coherence_npmi=metrics["coherence_npmi"],
        diversity=metrics["diversity"],
        fit=float(fit_value),
        label_nmi=metrics.get("label_nmi"),
        stability=stable,
        score=score(metrics["coherence_npmi"], metrics["diversity"], stable),
    )
