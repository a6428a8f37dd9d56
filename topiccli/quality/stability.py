"""Stability across seeds: do a topic's top words come back when the model is fitted again?

With ``--seeds N`` the model is fitted N times: first exactly as without the option (the run
that is reported), then N − 1 times with seeds ``seed+1 … seed+N−1``. NMF's refits start from
a random initialization (``init="random"``), since its default NNDSVD start ignores the seed;
SVD refits only change the solver's starting vector, so an exact LSA is stable unless two
singular values are nearly equal (then the components can rotate into each other).

Two runs' topics are paired one-to-one by the Hungarian method
(``scipy.optimize.linear_sum_assignment``) maximizing the total Jaccard overlap
|A ∩ B| / |A ∪ B| of their top-word sets. A topic's ``stability`` is its matched Jaccard
overlap averaged over the other N − 1 runs (1: the same top words every time); below
``UNSTABLE_BELOW`` it is flagged ``unstable``. The run-level ``stability`` (also the sweep's)
is the mean matched overlap over all topics and all pairs of runs.
"""

from __future__ import annotations

from dataclasses import replace
from itertools import combinations

import numpy as np

UNSTABLE_BELOW = 0.5
"""A topic whose top words overlap its best matches by less than half is flagged."""


def jaccard_matrix(first: list[list[str]], second: list[list[str]]) -> np.ndarray:
    """Jaccard overlap of every topic of ``first`` with every topic of ``second``."""
    a_sets, b_sets = [set(w) for w in first], [set(w) for w in second]
    table = np.zeros((len(a_sets), len(b_sets)))
    for i, a in enumerate(a_sets):
        for j, b in enumerate(b_sets):
            union = len(a | b)
            table[i, j] = len(a & b) / union if union else 1.0
    return table


def matched_overlap(first: list[list[str]], second: list[list[str]]) -> np.ndarray:
    """For each topic of ``first``, the overlap with its partner in the best one-to-one match."""
    from scipy.optimize import linear_sum_assignment

    table = jaccard_matrix(first, second)
    rows, cols = linear_sum_assignment(table, maximize=True)
    result = np.zeros(len(first))
    result[rows] = table[rows, cols]
    return result


def topic_stability(reference: list[list[str]], others: list[list[list[str]]]) -> np.ndarray:
    """Each reference topic's matched overlap, averaged over the other runs."""
    if not others:
        return np.ones(len(reference))
    return np.mean([matched_overlap(reference, other) for other in others], axis=0)


def run_stability(runs: list[list[list[str]]]) -> float | None:
    """Mean matched overlap over all topics and all pairs of runs (None for one run)."""
    pairs = list(combinations(runs, 2))
    if not pairs:
        return None
    return float(np.mean([matched_overlap(a, b).mean() for a, b in pairs]))


def reseeded(model, seeds: int) -> list:
    """The ModelSpecs of the N − 1 refits (see the module docstring)."""
    init = "random" if model.method == "nmf" else getattr(model, "init", None)
    return [replace(model, seed=model.seed + i, init=init, docs=0) for i in range(1, seeds)]


def refit_start(X, model, loss: str, nmf=None):
    """The start (W, H) of an NMF refit under the KL loss, or None (the refit's own init).
    ``nmf``: the factorizer to use (default the core's; the Dask engine's on a cluster).

    Multiplicative updates from a raw random start settle in poor minima of the KL divergence:
    on the sample essays at k = 6, about 8% above the NNDSVDa start's (scikit-learn's KL solver
    does the same), and their top words then differ from run to run by chance. Stability would
    measure that solver trap, not the topics. So a KL refit starts from the seed's random start
    refined by Frobenius HALS (which reaches good minima from random starts), then runs KL.
    """
    if loss != "kl":
        return None
    import warnings

    from ..errors import ConvergenceWarning
    from ..specs import REFIT_TOL

    if nmf is None:
        from ..factorize import nmf

    with warnings.catch_warnings():  # a start need not converge; the KL fit after it reports
        warnings.simplefilter("ignore", ConvergenceWarning)
        warm = nmf(X, model.k, init="random", seed=model.seed, max_iter=model.max_iter,
                   tol=REFIT_TOL if model.tol is None else model.tol)  # fmt: skip
    return warm.W, warm.H


def attach(topics, metrics: dict, runs: list[list[list[str]]]):
    """Topics with ``stability``/``unstable`` and metrics with ``stability``/``seeds``."""
    per_topic = topic_stability(runs[0], runs[1:])
    described = [
        replace(
            t, quality={**t.quality, "stability": float(s), "unstable": bool(s < UNSTABLE_BELOW)}
        )
        for t, s in zip(topics, per_topic)
    ]
    return described, {**metrics, "stability": run_stability(runs), "seeds": len(runs)}
