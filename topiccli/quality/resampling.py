"""Choosing k by stability under resampling (Greene, O'Callaghan & Cunningham 2014).

"How Many Topics? Stability Analysis for Topic Models" (ECML PKDD 2014; reference code
derekgreene/topic-stability). For each candidate k:

1. a *reference* model is fitted on all documents;
2. ``n_samples`` models are fitted on random subsamples of ``fraction`` (80%) of the
   documents, drawn without replacement from a seeded generator (so the whole analysis is
   deterministic for a given ``seed``);
3. each subsample model's topics are compared with the reference's by their top ``top_t``
   (20) terms. Two ranked lists are compared by **Average Jaccard**,
   AJ(a, b) = (1/t) Σ_{d=1..t} |a₁..d ∩ b₁..d| / |a₁..d ∪ b₁..d|, which weighs agreement at the
   top of the lists most; the topics of the two models are paired one-to-one by the Hungarian
   algorithm (``scipy.optimize.linear_sum_assignment``) maximizing the total AJ, and the
   models' **agreement** is the mean AJ over matched pairs;
4. k's stability is the mean agreement over the samples (with its standard deviation).

The most stable k (highest mean agreement) is the recommendation: a k that matches the
structure of the data is found again on most subsamples, while too few or too many topics
merge or split themes differently on each one. As Greene et al., the reference is fitted
from the deterministic NNDSVD start and the samples from random starts: the caller passes
``fit_reference(X, k, seed)`` and ``fit_top_terms(X, k, seed)`` (the reference is fitted with
seed ``seed``, sample ``i`` with seed ``seed + 1 + i``). A random-start reference adds its own
local minimum to every comparison: over 16 labelled corpora it found the labelled k (±1) on
8, the NNDSVD reference on 11 (scripts/evaluate_k.md).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

FitTopTerms = Callable[[object, int, int], list[list[str]]]


def average_jaccard(a: Sequence[str], b: Sequence[str]) -> float:
    """Mean over depths d = 1…t of the Jaccard overlap of the two lists' first d terms.

    t is the length of the shorter list; two empty lists score 1.
    """
    t = min(len(a), len(b))
    if t == 0:
        return 1.0 if len(a) == len(b) else 0.0
    total = 0.0
    seen_a, seen_b, shared = set(), set(), 0  # the first d terms of each, and their overlap
    for x, y in zip(a[:t], b[:t]):
        if x not in seen_a:
            seen_a.add(x)
            shared += x in seen_b
        if y not in seen_b:
            seen_b.add(y)
            shared += y in seen_a
        total += shared / (len(seen_a) + len(seen_b) - shared)
    return total / t


def aj_matrix(first: Sequence[Sequence[str]], second: Sequence[Sequence[str]]) -> np.ndarray:
    """Average Jaccard of every topic of ``first`` with every topic of ``second``."""
    return np.array([[average_jaccard(a, b) for b in second] for a in first]).reshape(
        len(first), len(second)
    )


def agreement(reference: Sequence[Sequence[str]], other: Sequence[Sequence[str]]) -> float:
    """Mean Average Jaccard over the best one-to-one matching of the two models' topics.

    With unequal numbers of topics, the unmatched topics of the larger model count 0 (the
    mean is over the larger number), so dropping a topic lowers the agreement.
    """
    from scipy.optimize import linear_sum_assignment

    if not len(reference) and not len(other):
        return 1.0
    table = aj_matrix(reference, other)
    rows, cols = linear_sum_assignment(table, maximize=True)
    return float(table[rows, cols].sum() / max(len(reference), len(other)))


def subsample(n_rows: int, fraction: float, rng: np.random.Generator) -> np.ndarray:
    """Sorted row indices of a random subsample of ⌊fraction·n⌉ rows (at least 1)."""
    size = max(1, min(n_rows, int(round(fraction * n_rows))))
    return np.sort(rng.choice(n_rows, size=size, replace=False))


def stability_by_resampling(
    X,
    ks: Sequence[int],
    fit_top_terms: FitTopTerms,
    n_samples: int = 10,
    fraction: float = 0.8,
    seed: int = 0,
    top_t: int = 20,
    fit_reference: FitTopTerms | None = None,
) -> list[dict]:
    """One dict per k: ``k``, ``agreement`` (mean over samples), ``agreement_std`` and
    ``samples`` (each sample's agreement with the reference). See the module docstring.

    ``X`` is indexed by rows (a CSR matrix or an array); ``fit_top_terms(X_sub, k, seed)``
    returns each topic's terms, best first (only the first ``top_t`` are compared);
    ``fit_reference`` (the same signature; default ``fit_top_terms``) fits the reference on all
    rows. The same subsamples are used for every k, so the ks are compared on equal terms.
    """
    if not 0.0 < fraction <= 1.0:
        raise ValueError(f"fraction must be in (0, 1], got {fraction}")
    if n_samples < 1:
        raise ValueError(f"n_samples must be >= 1, got {n_samples}")
    n_rows = X.shape[0]
    rng = np.random.default_rng(seed)
    samples = [subsample(n_rows, fraction, rng) for _ in range(n_samples)]
    rows = []
    for k in ks:
        reference = [list(t[:top_t]) for t in (fit_reference or fit_top_terms)(X, k, seed)]
        scores = []
        for i, chosen in enumerate(samples):
            other = [list(t[:top_t]) for t in fit_top_terms(X[chosen], k, seed + 1 + i)]
            scores.append(agreement(reference, other))
        rows.append(
            {
                "k": int(k),
                "agreement": float(np.mean(scores)),
                "agreement_std": float(np.std(scores)),
                "samples": [float(s) for s in scores],
            }
        )
    return rows


def recommend(rows: Sequence[dict]) -> int | None:
    """The k of highest mean agreement; the smaller k on a tie (within 1e-12)."""
    best = None
    for row in sorted(rows, key=lambda r: r["k"]):
        if best is None or row["agreement"] > best["agreement"] + 1e-12:
            best = row
    return None if best is None else best["k"]


def nmf_top_terms(terms: Sequence[str], top_t: int = 20, nmf=None, **nmf_options) -> FitTopTerms:
    """A ``fit_top_terms`` fitting topiccli's own NMF (``topiccli.nmf(X, k, seed=seed,
    **nmf_options)``, or the ``nmf`` given: the Dask engine's on a cluster), each topic's
    terms by decreasing weight (ties: the earlier term).

    Pass ``init="random"`` for Greene et al.'s random starts on the subsamples: NNDSVD ignores
    the seed, so with it only the subsample varies.
    """
    import warnings

    from ..errors import ConvergenceWarning
    from .describe import top_indices

    if nmf is None:
        from ..factorize import nmf

    vocabulary = np.asarray(terms)

    def fit(X, k: int, seed: int) -> list[list[str]]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            result = nmf(X, k, seed=seed, **nmf_options)
        # the rows' stable argsort cut at top_t, without sorting whole rows
        order = [top_indices(row, top_t) for row in np.asarray(result.H)]
        return [[str(w) for w in vocabulary[row]] for row in order]

    return fit
