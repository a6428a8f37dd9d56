"""Another source of evidence for the k advice (issue 22): how topics map from k to k + 1.

Reads the reference fits saved by ``scripts/evaluate_k.py --refs DIR`` (the sweep's NNDSVD
fit on all documents at every k swept, plus one k beyond) and the stored agreement curves.

For each step k → k + 1 a topic at k *changes* when no topic at k + 1 has a term profile
within cosine ``TAU`` of it (it split, or was rebuilt); otherwise the step only adds a topic.
The idea (a topic hierarchy, as in Greene et al.'s topic-splitting view): below the natural
k a step splits a mixed topic, past it a step adds a small side topic and keeps the others.
The *transition* is the first k (above the smallest swept) whose incoming step changed a topic
and whose next ``m`` steps change none.

Printed: per corpus the number of changed topics per step, the transition, and the
reconstruction-error elbow of the same fits (the k whose incoming drop is largest relative
to its outgoing drop); then rules combining the transition with the stability band
(``k_ceiling.band``): a range is the band's ks within 1 of the transition, given only when
the transition lies in the band, the best mean agreement is at least 0.5 and the best k's
spread is under a cap; the variant is chosen on the tune corpora (``evaluate_k.TUNE``) and
scored on the check corpora.

    python scripts/k_mapping.py DIR curves.json,curves_extra.json
"""

from __future__ import annotations

import itertools
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

TAUS = (0.9, 0.95)


def changed(fits, ks, tau: float) -> dict[int, int]:
    """Per k, how many topics at k have no topic at the next k within cosine ``tau``."""
    step = ks[1] - ks[0]

    def unit(H):
        norms = np.linalg.norm(H, axis=1, keepdims=True)
        return H / np.where(norms > 0, norms, 1.0)

    return {k: int(((unit(fits[f"H{k}"]) @ unit(fits[f"H{k + step}"]).T).max(axis=1) < tau)
                   .sum()) for k in ks}  # fmt: skip


def transition(counts: dict[int, int], ks, m: int) -> int | None:
    """The first k (not the smallest) entered by a changing step and left by m quiet ones."""
    for i in range(1, len(ks) - m + 1):
        if counts[ks[i - 1]] > 0 and all(counts[ks[j]] == 0 for j in range(i, i + m)):
            return ks[i]
    return None


def elbow(fits, ks) -> int:
    """The k whose incoming drop of the relative residual is largest against its outgoing."""
    every = ks + [ks[-1] + ks[1] - ks[0]]
    drops = -np.diff([float(fits[f"err{k}"]) for k in every])
    ratios = [drops[i - 1] / max(drops[i], 1e-12) for i in range(1, len(every) - 1)]
    return every[1 + int(np.argmax(ratios))]


def mark(k: int | None, label: int) -> str:
    """A k for the table: bold when more than 1 from the labels, a dash when there is none."""
    return "—" if k is None else (f"{k}" if abs(k - label) <= 1 else f"**{k}**")


def combined(run, rule) -> str:
    """good | bad | none for one corpus under one combined rule."""
    from k_ceiling import band

    name, label, ks, S, fits = run
    tau, m, z, cap = rule
    K = transition(changed(fits, ks, tau), ks, m)
    means = S.mean(axis=1)
    best = int(np.argmax(means))
    close = [ks[i] for i in band(ks, S, z)]
    if K is None or K not in close or means[best] < 0.5 or S[best].std() > cap:
        return "none"
    lo, hi = min(k for k in close if abs(k - K) <= 1), max(k for k in close if abs(k - K) <= 1)
    return "good" if lo - 1 <= label <= hi + 1 else "bad"


def advice_range(ks, S) -> bool:
    """Whether the advice (``quality.advice``) gives a range on these curves."""
    from topiccli.quality.advice import advise

    return advise(ks, S.tolist()).verdict == "range"


def main(argv=None) -> int:
    from evaluate_k import TUNE
    from k_ceiling import load

    argv = sys.argv[1:] if argv is None else argv
    folder = Path(argv[0])
    runs = [(n, lab, ks, S, np.load(folder / f"{n}.npz")) for n, lab, ks, S in load(argv[1])
            if (folder / f"{n}.npz").exists()]  # fmt: skip
    print("| corpus | labels | changed topics per step k → k+1 (τ = 0.9) | transition (m = 1) | "
          "elbow |")  # fmt: skip
    print("|---|---|---|---|---|")
    for name, label, ks, _, fits in runs:
        counts = changed(fits, ks, 0.9)
        K, e = transition(counts, ks, 1), elbow(fits, ks)
        print(f"| {name} | {label} | {' '.join(f'{k}:{c}' for k, c in counts.items())} | "
              f"{mark(K, label)} | {mark(e, label)} |")  # fmt: skip
    for tau, m in itertools.product(TAUS, (1, 2)):
        points = [transition(changed(f, ks, tau), ks, m) for _, _, ks, _, f in runs]
        hits = sum(k is not None and abs(k - r[1]) <= 1 for k, r in zip(points, runs))
        print(
            f"\ntransition τ = {tau}, m = {m}: within ±1 of the labels on {hits} of "
            f"{len(runs)}, none on {points.count(None)}"
        )
    print(
        f"elbow: within ±1 on {sum(abs(elbow(f, ks) - lab) <= 1 for _, lab, ks, _, f in runs)}"
        f" of {len(runs)}"
    )
    tune = [r for r in runs if r[0].startswith(TUNE)]
    check = [r for r in runs if not r[0].startswith(TUNE)]
    advised = {r[0] for r in runs if advice_range(r[2], r[3])}
    print("\n| τ | m | Z | max spread | tune: informative | tune: contradicted | "
          "check: informative | check: contradicted | where the advice says no clear k: "
          "informative | contradicted (corpora) |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|---|")
    for rule in itertools.product(TAUS, (1, 2), (1.0, 2.0, 3.0), (0.15, 1.0)):
        t = [combined(r, rule) for r in tune]
        c = [combined(r, rule) for r in check]
        more = [(r[0], combined(r, rule)) for r in runs if r[0] not in advised]
        bad = [n for n, v in more if v == "bad"]
        print(
            f"| {' | '.join(f'{x:g}' for x in rule)} | {t.count('good')} | {t.count('bad')} | "
            f"{c.count('good')} | {c.count('bad')} | {sum(v == 'good' for _, v in more)} | "
            f"{len(bad)} ({', '.join(bad) or '—'}) |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
