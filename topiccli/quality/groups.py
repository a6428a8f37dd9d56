"""Topics across groups (``--group-field`` or ``--by-label``): each topic's prevalence per group
with a bootstrap interval, the documents it wins there, each topic's distinguishing words per
group, and, given times too, prevalence per group and time bin (definitions of prevalence,
interval and attributed term weight: quality.prevalence).

**Distinguishing words**: the weighted log-odds ratio with an informative Dirichlet prior
(Monroe, Colaresi & Quinn 2008, "Fightin' Words", eqs. 22-24), computed within each topic on
its topic-attributed term weights R_g(t, j), group g against all other documents:

    δ_j = log((y_gj + α_j) / (n_g + α_0 − y_gj − α_j))
          − log((y_rj + α_j) / (n_r + α_0 − y_rj − α_j))
    ζ_j = δ_j / sqrt(1 / (y_gj + α_j) + 1 / (y_rj + α_j))

with y_g = R_g(t, ·), y_r the other documents' R(t, ·), n their sums, and the prior
α = ``PRIOR_SHARE`` × the topic's pooled R(t, ·) (α_0 its sum): words rare in the topic are
shrunk toward no difference. A group's words are its ``TOP_WORDS`` terms of largest positive
ζ. With TF-IDF the attributed weights stand in for counts, so ζ ranks words but its scale is
not a count z-score.
"""

from __future__ import annotations

import numpy as np

from .doc_weights import top_topics
from .prevalence import TOP_WORDS, attributed, responsibilities, shares, subset_words, top_indices
from .trends import choose_unit, prevalence_table, time_bins

PRIOR_SHARE = 0.1
"""The prior's mass as a share of the topic's pooled attributed weight."""
GROUP_TAG, CROSS_TAG = 2, 3
"""The bootstrap's stream tags for groups and for group × time bins."""


def group_members(groups) -> tuple[list[str], list[np.ndarray]]:
    """The distinct groups (sorted) and each one's document rows; None/"" is no group."""
    values = np.array(["" if g is None else str(g) for g in groups], dtype=object)
    names = sorted({g for g in values if g != ""})
    return names, [np.flatnonzero(values == name) for name in names]


def log_odds(y_group: np.ndarray, y_rest: np.ndarray, prior: np.ndarray) -> np.ndarray:
    """ζ per term (see the module docstring); terms with no weight anywhere get 0."""
    a0 = prior.sum()
    n_g, n_r = y_group.sum(), y_rest.sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        g = np.log((y_group + prior) / (n_g + a0 - y_group - prior))
        r = np.log((y_rest + prior) / (n_r + a0 - y_rest - prior))
        zeta = (g - r) / np.sqrt(1.0 / (y_group + prior) + 1.0 / (y_rest + prior))
    return np.where(np.isfinite(zeta) & (prior > 0), zeta, 0.0)


def by_group(weights: np.ndarray, H: np.ndarray, groups, seed: int, *, X=None,
             terms=None, Q=None) -> dict:  # fmt: skip
    """The group analysis (JSON-ready): groups, and per topic its prevalence, interval and
    documents won per group, and (given X, H and terms) its distinguishing words per group."""
    weights = np.asarray(weights, dtype=np.float64)
    names, members = group_members(groups)
    theta = shares(weights, H)
    table = prevalence_table(theta, top_topics(weights), members, seed, GROUP_TAG)
    described = [{"group": name, "documents": int(len(rows))}
                 for name, rows in zip(names, members)]  # fmt: skip
    if X is not None:
        words, zetas = distinguishing_words(X, weights, H, terms, members, Q=Q)
        for t, topic in enumerate(table):
            topic["words"] = [w[t] for w in words]
            topic["zeta"] = [z[t] for z in zetas]
    return {"groups": described, "prior_share": PRIOR_SHARE, "topics": table}


def distinguishing_words(X, W, H, terms, members, n: int = TOP_WORDS, Q=None):
    """Per group, per topic: its ``n`` words of largest positive ζ and their ζ (rounded);
    ``Q``: X's responsibilities, if already computed."""
    Q = responsibilities(X, W, H) if Q is None else Q
    pooled = attributed(Q, W, H, np.concatenate(members) if members else np.arange(0))
    words, zetas = [], []
    for rows in members:
        own = attributed(Q, W, H, rows)
        group_words, group_zetas = [], []
        zetas_g = np.array([log_odds(own[t], pooled[t] - own[t], PRIOR_SHARE * pooled[t])
                            for t in range(H.shape[0])])  # fmt: skip
        for zeta, order in zip(zetas_g, top_indices(zetas_g, n)):
            order = [j for j in order if zeta[j] > 0]
            group_words.append([str(terms[j]) for j in order])
            group_zetas.append([round(float(zeta[j]), 4) for j in order])
        words.append(group_words)
        zetas.append(group_zetas)
    return words, zetas


def by_group_over_time(weights: np.ndarray, H: np.ndarray, groups, seconds, time_bin: str,
                       seed: int, *, X=None, terms=None, Q=None) -> dict:  # fmt: skip
    """Prevalence per group and time bin (each topic: a list per group of values per bin)
    and, given the document-term X and the terms, each cell's words (as over_time's per bin:
    the topic's attributed term weight in the cell's documents)."""
    weights = np.asarray(weights, dtype=np.float64)
    seconds = np.asarray(seconds, dtype=np.float64)
    unit = choose_unit(seconds, time_bin)
    bins, described = time_bins(seconds, unit)
    names, members = group_members(groups)
    theta = shares(weights, H)
    top = top_topics(weights)
    cells = [np.intersect1d(rows, np.flatnonzero(bins == b)) for rows in members
             for b in range(len(described))]  # fmt: skip
    table = prevalence_table(theta, top, cells, seed, CROSS_TAG)
    if X is not None:
        Q = responsibilities(X, weights, H) if Q is None else Q
        per_cell = [subset_words(Q, weights, H, rows, terms) for rows in cells]
        for t, topic in enumerate(table):
            topic["words"] = [words[t] for words in per_cell]
    n_bins = len(described)
    for topic in table:
        for name in ("prevalence", "low", "high", "documents", "words"):
            if name not in topic:
                continue
            values = topic[name]
            topic[name] = [values[g * n_bins : (g + 1) * n_bins] for g in range(len(names))]
    return {"bin": unit, "bins": [entry["bin"] for entry in described], "groups": names,
            "documents": [[int(len(cells[g * n_bins + b])) for b in range(n_bins)]
                          for g in range(len(names))],
            "topics": table}  # fmt: skip
