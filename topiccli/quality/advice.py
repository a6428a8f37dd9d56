"""What a sweep can honestly say about k: a range of plausible k, or "no clear k".

The evidence is the agreement under resampling (``resampling``: Greene, O'Callaghan &
Cunningham 2014): for every k, the agreement of each of the same ``n`` subsample fits with
the reference fit. Because every k is scored on the same subsamples, two ks are compared by
their *paired* differences, which removes the part of the noise the subsamples share.

The rule (``advise``):

1. the best k has the highest mean agreement (the smaller k on a tie);
2. a k is *plausible* when its mean agreement is not below the best's by more than
   ``Z`` (2) standard errors of the paired difference, the standard error being at least
   ``FLOOR`` (0.01) so that a perfectly repeated fit does not make every tiny gap decisive;
3. the range is [smallest, largest] plausible k;
4. the verdict is ``no_clear_k`` when
   * the best mean agreement is under ``MIN_AGREEMENT`` (0.5): fewer than half of a topic's
     top words come back on a typical subsample, so no k is reproducible;
   * the best k is the largest k swept: the curve may still rise beyond it;
   * the best k is the smallest k swept: the coarsest split is the easiest to reproduce (on
     20 Newsgroups mixtures of 3–8 groups k = 2 is often the most stable), which is no
     evidence for any k;
   * the best k's own agreement varies by more than ``MAX_SPREAD`` (0.15, one standard
     deviation) across subsamples: its topics come back on some subsamples and not on
     others;
   * the range reaches the smallest or the largest k swept: a range is only given when ks on
     both sides of it are lower by more than the noise (a bounded peak);
   * the range spans more than ``MAX_WIDTH`` (4) values of k: the curve is flat within its
     noise;

   otherwise it is ``range``.

The constants and conditions were chosen on part of the evaluation corpora and checked on the
rest (scripts/evaluate_k.md, which says which condition was added after seeing which corpus).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

Z = 2.0
FLOOR = 0.01
MAX_WIDTH = 4
MIN_AGREEMENT = 0.5
MAX_SPREAD = 0.15


@dataclass(frozen=True)
class Advice:
    """The verdict, the range (None under no_clear_k), the best-supported k inside it (None
    under no_clear_k), the ks within noise of the best, and two sentences for the user."""

    verdict: str
    k_range: tuple[int, int] | None
    best: int | None
    within_noise: list[int]
    evidence: str
    next: str
    criterion: str = "agreement"

    def as_dict(self) -> dict:
        return {
            "verdict": self.verdict,
            "k_range": list(self.k_range) if self.k_range else None,
            "criterion": self.criterion,
            "evidence": self.evidence,
            "next": self.next,
        }


def plausible(ks: Sequence[int], samples: Sequence[Sequence[float]], z: float | None = None,
              floor: float | None = None) -> tuple[int, list[int]]:  # fmt: skip
    """(index of the best k, indices of the plausible ks, the best included); ``z`` and
    ``floor`` default to Z and FLOOR."""
    z = Z if z is None else z
    floor = FLOOR if floor is None else floor
    values = [np.asarray(s, dtype=float) for s in samples]
    means = np.array([v.mean() for v in values])
    best = int(np.argmax(means))  # the first (smaller k) on a tie
    close = []
    for i, v in enumerate(values):
        diff = values[best] - v if len(v) == len(values[best]) else None
        if diff is not None and len(diff) > 1:
            spread = diff.std(ddof=1) / np.sqrt(len(diff))
        else:  # unpaired: the two spreads
            spread = np.hypot(values[best].std(), v.std()) / np.sqrt(max(1, len(v)))
        if means[best] - means[i] <= z * max(spread, floor):
            close.append(i)
    return best, close


def advise(ks: Sequence[int], samples: Sequence[Sequence[float]]) -> Advice:
    """The advice for agreement samples per k (see the module docstring)."""
    ks = [int(k) for k in ks]
    if not ks:
        return Advice("no_clear_k", None, None, [], "No k was swept.", _next(None))
    best, close = plausible(ks, samples)
    means = [float(np.mean(s)) for s in samples]
    stds = [float(np.std(s)) for s in samples]
    lo, hi = ks[min(close)], ks[max(close)]
    within = [ks[i] for i in close if i != best]
    spread = f"{means[best]:.2f} ± {stds[best]:.2f} over {len(samples[best])} subsamples"
    peak = f"k = {ks[best]} ({spread})"
    if len(ks) == 1:
        return Advice("no_clear_k", None, None, [], f"Only {peak} was swept: nothing to compare it "
                      "with.", _next(None))  # fmt: skip
    span = f"{lo}–{hi}" if lo != hi else f"{lo}"
    if means[best] < MIN_AGREEMENT:
        reason = (
            f"no k is reproducible: the best agreement, {peak}, is under {MIN_AGREEMENT}, "
            "so fewer than half of a topic's top words come back on a typical subsample"
        )
    elif best == len(ks) - 1:
        reason = f"the agreement is highest at the largest k swept, {peak}, and may rise beyond it"
    elif best == 0:
        reason = (
            f"the agreement is highest at the smallest k swept, {peak}: the coarsest "
            "split is the easiest to reproduce, which does not single out a k"
        )
    elif stds[best] > MAX_SPREAD:
        reason = (
            f"the best k, {peak}, is not reproduced on every subsample (its spread is "
            f"over {MAX_SPREAD:g})"
        )
    elif lo == ks[0] or hi == ks[-1]:
        edge = "smallest" if lo == ks[0] else "largest"
        reason = (
            f"k = {', '.join(str(ks[i]) for i in close)} are within {Z:g} standard errors "
            f"of the best, {peak}, and reach the {edge} k swept, so the sweep does not "
            "bound them"
        )
    elif hi - lo + 1 > MAX_WIDTH:
        reason = (
            f"the curve is flat within its noise: k = {', '.join(str(ks[i]) for i in close)} "
            f"(spanning {span}) are within {Z:g} standard errors of the best, {peak}"
        )
    else:
        evidence = (f"Agreement under resampling peaks at {peak}; "
                    + (f"k = {', '.join(map(str, within))} within {Z:g} standard errors of it, "
                       "the other k lower." if within else "every other k is lower by more than "
                       f"{Z:g} standard errors."))  # fmt: skip
        return Advice("range", (lo, hi), ks[best], within, evidence, _next((lo, hi)))
    return Advice("no_clear_k", None, None, within, f"No clear k: {reason}.", _next(None))


def _next(k_range) -> str:
    if k_range is None:
        return ("Choose k by the granularity you need: read the topics of a few k with "
                "`topics nmf --k K` and the same input options.")  # fmt: skip
    lo, hi = k_range
    if lo == hi:
        return (
            f"Read the topics at k = {lo} with `topics nmf --k {lo}` and the same input "
            "options; a finer or coarser k is a choice of granularity."
        )
    return (
        f"Choose within k = {lo}–{hi} by the granularity you need: read each with "
        f"`topics nmf --k K` and the same input options."
    )
