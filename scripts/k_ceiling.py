"""The ceiling of the stability evidence for the k advice (issue 22): how informative can any
rule reading the agreement curves be without being contradicted by the labels?

For each stored run of ``scripts/evaluate_k.py`` (per-subsample agreements, paired across k)
this computes the ks that are statistically indistinguishable from the best k, as a *band*:

* ``Z = z``: the ks whose mean agreement is within z standard errors of the paired difference
  of the best's (``quality.advice.plausible``; z = 0 is the single best k, z = 2 the advice's);
* ``boot``: the ks that are the best k on at least one of the most frequent 95% of 2,000
  bootstrap resamples of the subsamples (paired: the same resample for every k).

A band yields a range [lo, hi] (optionally *padded* upward to 4 values: the band's lo to
lo + 3). On a corpus the range is *good* when it spans at most 4 values and holds the labelled
k ± 1, *bad* when it spans at most 4 values and does not (a rule that gives it is
contradicted), *wide* otherwise (only "no clear k" is honest). Two ceilings follow:

* **oracle abstention**: a rule that knew the labels and said "no clear k" exactly on the bad
  corpora would be informative on every good one: #good is the most any rule giving this
  band can reach;
* **monotone rules**: a rule that decides "range or no clear k" from the curve alone, by any
  thresholds on features where larger means more confident (``FEATURES``), must also give a
  range on every corpus at least as confident in every feature; a good corpus can therefore
  be informative only if no bad corpus dominates it. The count of such good corpora bounds
  every threshold rule of this family (the advice's included), tuned on all corpora at once.

    python scripts/k_ceiling.py curves.json,curves_extra.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

WIDTH = 4
FEATURES = ("best mean", "−best std", "best inside", "band inside", "−width", "prominence")


def load(paths: str) -> list[tuple[str, int, list[int], np.ndarray]]:
    """(name, labels, ks, agreements: ks × subsamples) per stored run."""
    out = []
    for path in paths.split(","):
        for run in json.loads(Path(path).read_text()):
            ks = sorted(int(k) for k in run["curves"])
            S = np.array([run["curves"][str(k)]["nndsvd"]["samples"] for k in ks])
            out.append((run["name"], run["labels"], ks, S))
    return out


def band(ks, S, how) -> list[int]:
    """Indices of the ks indistinguishable from the best (see the module docstring)."""
    from topiccli.quality.advice import plausible

    if how != "boot":
        return plausible(ks, S.tolist(), z=float(how))[1]
    rng = np.random.default_rng(0)
    picks = rng.integers(0, S.shape[1], size=(2000, S.shape[1]))
    best = np.argmax(S[:, picks].mean(axis=2), axis=0)
    share = np.bincount(best, minlength=len(ks)) / len(best)
    order = np.argsort(-share, kind="stable")
    return sorted(order[: int(np.searchsorted(np.cumsum(share[order]), 0.95)) + 1].tolist())


def judge(ks, S, label, how, pad=False) -> tuple[str, tuple[int, int], tuple]:
    """(good | bad | wide, the range, the features) of one corpus under one band."""
    close = band(ks, S, how)
    lo, hi = ks[min(close)], ks[max(close)]
    step = ks[1] - ks[0]
    width = (hi - lo) // step + 1
    if pad and width <= WIDTH:
        hi = lo + (WIDTH - 1) * step
        width = WIDTH
    means = S.mean(axis=1)
    best = int(np.argmax(means))
    outside = [means[i] for i in range(len(ks)) if ks[i] < lo or ks[i] > hi]
    features = (means[best], -S[best].std(), 0 < best < len(ks) - 1,
                lo > ks[0] and hi < ks[-1], -width,
                means[best] - max(outside) if outside else 0.0)  # fmt: skip
    if width > WIDTH:
        return "wide", (lo, hi), features
    return ("good" if lo - 1 <= label <= hi + 1 else "bad"), (lo, hi), features


def dominated(good: tuple, bads: list[tuple]) -> bool:
    """Whether some bad corpus is at least as confident as ``good`` in every feature."""
    return any(all(b >= g for b, g in zip(bad, good)) for bad in bads)


def corpus_table(runs) -> None:
    print("| corpus | labels | best k (mean ± std) | band, Z = 2 | width | labels ± 1 in band | "
          "band, bootstrap | Z = 2 range |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|")
    for name, label, ks, S in runs:
        close, boot = band(ks, S, 2.0), band(ks, S, "boot")
        best = int(np.argmax(S.mean(axis=1)))
        verdict, (lo, hi), _ = judge(ks, S, label, 2.0)
        inside = any(abs(ks[i] - label) <= 1 for i in close)
        print(f"| {name} | {label} | {ks[best]} ({S[best].mean():.2f} ± {S[best].std():.2f}) | "
              f"{', '.join(str(ks[i]) for i in close)} | {(hi - lo) // (ks[1] - ks[0]) + 1} | "
              f"{'yes' if inside else '**no**'} | {', '.join(str(ks[i]) for i in boot)} | "
              f"{verdict} |")  # fmt: skip


def ceiling_table(runs) -> None:
    print("\n| band | range | good | bad | wide | oracle abstention | monotone rules | "
          "bad corpora that block a good one |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|")
    n = len(runs)
    for how in (0.0, 1.0, 1.5, 2.0, 3.0, "boot"):
        for pad in (False, True):
            judged = [(name, *judge(ks, S, label, how, pad)) for name, label, ks, S in runs]
            goods = [(name, f) for name, v, _, f in judged if v == "good"]
            bads = [(name, f) for name, v, _, f in judged if v == "bad"]
            free = [g for g in goods if not dominated(g[1], [f for _, f in bads])]
            blockers = sorted({b for b, bf in bads for _, gf in goods
                               if all(x >= y for x, y in zip(bf, gf))})  # fmt: skip
            wide = n - len(goods) - len(bads)
            label = "bootstrap 95%" if how == "boot" else f"Z = {how:g}"
            print(f"| {label} | {'padded to 4' if pad else 'band'} | {len(goods)} | {len(bads)} | "
                  f"{wide} | {len(goods)} ({len(goods) / n:.0%}) | {len(free)} "
                  f"({len(free) / n:.0%}) | {', '.join(blockers) or '—'} |")  # fmt: skip


def threshold_oracle(runs) -> None:
    """The most corpora any rule of the advice's family informs with 0 contradictions, the
    thresholds chosen on all 33 corpora at once (an upper bound for that family): a band
    (Z) or the band padded to 4 values; "no clear k" when the best mean agreement is under
    a minimum, its spread over a maximum, the best k is the smallest or the largest swept
    (each condition on or off), the range reaches a swept edge (on or off), or it spans
    more than 4 values."""
    import itertools

    print("\n| band | range | best rule (min mean, max spread, conditions) | informative | "
          "contradicted |")  # fmt: skip
    print("|---|---|---|---|---|")
    for how, pad in itertools.product((0.0, 1.0, 2.0, 3.0), (False, True)):
        facts = []
        for _, label, ks, S in runs:
            verdict, (lo, hi), _ = judge(ks, S, label, how, pad)
            means = S.mean(axis=1)
            best = int(np.argmax(means))
            facts.append((verdict, means[best], S[best].std(), best == 0,
                          best == len(ks) - 1, lo <= ks[0] or hi >= ks[-1]))  # fmt: skip
        found = (-1, None)
        for rule in itertools.product((0.0, 0.5, 0.6, 0.7, 0.8), (0.05, 0.1, 0.15, 0.2, 1.0),
                                      (False, True), (False, True), (False, True)):  # fmt: skip
            least, most, first, last, edge = rule
            given = [f[0] for f in facts if f[0] != "wide" and f[1] >= least and f[2] <= most
                     and not (first and f[3]) and not (last and f[4])
                     and not (edge and f[5])]  # fmt: skip
            if "bad" not in given and len(given) > found[0]:
                found = (len(given), rule)
        least, most, first, last, edge = found[1]
        names = [n for n, on in (("not smallest", first), ("not largest", last),
                                 ("inside the sweep", edge)) if on]  # fmt: skip
        print(
            f"| {f'Z = {how:g}'} | {'padded to 4' if pad else 'band'} | ≥ {least:g}, "
            f"≤ {most:g}, {', '.join(names) or 'no condition'} | {found[0]} "
            f"({found[0] / len(runs):.0%}) | 0 |"
        )


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    runs = load(argv[0])
    corpus_table(runs)
    ceiling_table(runs)
    threshold_oracle(runs)
    placed = sum(abs(ks[int(np.argmax(S.mean(axis=1)))] - label) <= WIDTH
                 for _, label, ks, S in runs)  # fmt: skip
    print(
        f"\nAny range of ≤ {WIDTH} values holding the best k and placed by the labels: "
        f"{placed} of {len(runs)}."
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
