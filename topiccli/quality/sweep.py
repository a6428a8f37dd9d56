"""Choosing k: the evidence for one k of a sweep, its score and the recommended k (with the
agreement criterion the advice of ``quality.advice`` decides instead).

The sweep itself (fitting every k on one vectorized corpus) is ``topiccli.models.sweep``.

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

"""

from __future__ import annotations

from dataclasses import dataclass

from . import stability
from .assess import assess

RULE = (
    "score = (1 + coherence_npmi)/2 × diversity × stability; "
    "recommended k = highest score, the smaller k on a tie"
)
ONE_SEED = " (stability counts as 1 with one seed)"


AGREEMENT_RULE = (
    "agreement = mean Average Jaccard (top 20 terms, topics matched by the Hungarian method) "
    "between the NNDSVD fit on all documents and {samples} random-start fits on random 80% "
    "subsamples "
    "(Greene, O'Callaghan & Cunningham 2014); advice: the k within 2 paired standard errors "
    "of the best agreement form the range, or no clear k when the range spans more than 4 k "
    "or reaches an end of the sweep, or the best agreement varies by more than 0.15 or is "
    "under 0.5 (docs/advice.md)"
)


def rule(seeds: int, criterion: str = "score", samples: int = 10) -> str:
    """The recommended-k rule in words."""
    if criterion == "agreement":
        return AGREEMENT_RULE.format(samples=samples)
    return RULE + (ONE_SEED if seeds == 1 else "")


def within_noise(rows: list[SweepRow], best: int | None) -> list[int]:
    """The other ks whose agreement is within the spread (one standard deviation, the larger
    of the two) of the recommended k's: the data cannot tell them apart."""
    chosen = next((r for r in rows if r.k == best and r.agreement is not None), None)
    if chosen is None:
        return []
    return [
        r.k
        for r in rows
        if r.k != best
        and r.agreement is not None
        and chosen.agreement - r.agreement <= max(chosen.agreement_std, r.agreement_std)
    ]


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
    agreement: float | None = None
    """Mean Average-Jaccard agreement of subsample fits with the full fit (Greene et al.)."""
    agreement_std: float | None = None


def score(coherence_npmi: float, diversity: float, stability_value: float | None) -> float:
    """The recommended-k score (see the module docstring)."""
    factor = 1.0 if stability_value is None else stability_value
    return (1.0 + coherence_npmi) / 2.0 * diversity * factor


def recommend(rows: list[SweepRow], criterion: str = "score") -> int | None:
    """The k of highest score (or agreement); the smaller k on a tie."""

    def value(row):
        return row.agreement if criterion == "agreement" else row.score

    best = None
    for row in sorted(rows, key=lambda r: r.k):
        if best is None or value(row) > value(best) + 1e-12:
            best = row
    return None if best is None else best.k


def score_k(k: int, fitted, weights, topics, runs: list[list[list[str]]], X, corpus,
            top_n: int) -> SweepRow:  # fmt: skip
    """The row of one k: the first seed's fit (its weights and topics) scored, and the
    stability of all seeds' top words (``runs``)."""
    _, metrics = assess(fitted, weights, X, topics, top_n, corpus)
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
