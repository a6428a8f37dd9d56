"""The topic hierarchy: how a model's topics nest, from their word distributions alone.

Average-linkage (UPGMA) agglomerative clustering (``scipy.cluster.hierarchy.linkage``) on the
Jensen–Shannon distance between the topics' word distributions (quality.topic_distance, the
explorer map's distance). Average linkage never inverts: each merge is at least as high as
the merges below it. The tree is plain JSON: ``merges`` in order, node ``k + i`` being the
``i``-th merge of two earlier nodes (leaves ``0 … k−1`` are the topics).
"""

from __future__ import annotations

import warnings

import numpy as np

from ..errors import ConvergenceWarning
from .topic_distance import document_distances, js_distances, word_distributions

LINKAGE = "average"
DISTANCE = "jensen-shannon"
"""sqrt of the JS divergence in bits, in [0, 1] (quality.topic_distance.js_distances)."""

REDUCE_DISTANCE = "memberships"
"""``topics reduce`` to K topics merges on how the topics share documents, read at rank K
(:func:`reduction_tree`): each topic's mass in each training document (its weight times its
row sum of H, so that the documents × topics matrix M gives X ≈ M·P with P the topics' word
distributions) is factorized at rank K, M ≈ A·B (Frobenius NMF, NNDSVD start: deterministic),
and two topics are at 1 − the cosine of their columns of B: their memberships in the K
components of the documents' topic mixtures. Topics that make up one of the K subjects
together (the halves of a subject, or fragments of one) have the same membership and merge
first; topics alike in words but weighing other documents stay apart.

Measured with the refinement (topiccli.models.topic_edits) against the former distance (0.8 ×
the cosine of the documents' weights + 0.2 × the Jensen–Shannon distance of the words) and
refinement, k = 40 → 20, label NMI minus a direct k = 20 fit's from the same start, mean over
starts (how many within 0.02): BBC 6 starts −0.044 (2) → +0.005 (4), AG News 6 starts −0.039
(1) → −0.028 (2), GNAD 4 starts +0.135 (4), 20 Newsgroups train 3 starts −0.004 (3). Most of
the gain is the refinement's HALS phase; with it, the memberships add +0.008, +0.001, +0.013
on BBC, AG News and 20 Newsgroups over the former distance (docs/hierarchy.md)."""

MEMBERSHIP_MAX_ITER = 100
MEMBERSHIP_TOL = 1e-4
"""The rank-K factorization of the documents × topics masses stops at the core's usual
tolerance, not near convergence: its groups are not settled even then (against a run to
1e-8, k = 40 → 20 on 28 stored fits of seven corpora, 0–6 of the 20 groups differ at 1e-6 and
0–7 at 1e-4), and the refined reduction does not follow the difference: label NMI minus a
direct fit's, mean over starts, 1e-6 → 1e-4: BBC +0.013 → +0.019, AG News −0.022 → −0.015,
Korean headlines +0.090 → +0.088, Chinese +0.138 → +0.145, Japanese +0.076 → +0.079. And it
is faster: on 10,000 headlines 0.07–0.17 s instead of 0.27–0.40 s, against direct fits of
about 2 s (scripts/evaluate_reduce.py, docs/hierarchy.md)."""
MEMBERSHIP_SAMPLE = 3_000
"""The factorization reads a seeded sample of at most this many documents' masses, so that its
cost does not grow with the corpus (a million documents × 40 topics would be a 320 MB dense
matrix, factorized again every iteration). Measured against all the documents, tolerance 1e-4,
label NMI after refinement minus the direct fit's, mean over starts (within 0.02): AG News
−0.015 (4 of 6) both, 20 Newsgroups train −0.004 → −0.003 (2 of 3 both), Korean headlines
+0.088 → +0.091, Chinese +0.145 → +0.143, Japanese +0.079 → +0.082 (3 of 3 each); a sample of
5,000 did worse on AG News (−0.025) and 20 Newsgroups (1 of 3). Best of three, all documents
against the sample: AG News 0.069 → 0.033 s, 20 Newsgroups train 0.107 → 0.018 s, Korean
headlines 0.090 → 0.054 s; ten times the documents, 0.53–1.03 s → 0.03–0.06 s. At most
MEMBERSHIP_SAMPLE × k masses, it runs on one thread: its per-topic sweeps are too short for
two threads to pay (AG News, 7,600 × 40: 0.16 s on two, mostly waiting, against 0.04 s on
one); the factors are the same on any thread count."""


def linkage_matrix(method: str, components: np.ndarray) -> np.ndarray:
    """scipy's (k−1) × 4 linkage of the topics (rows: child a, child b, height, size)."""
    return _linkage(js_distances(word_distributions(method, components)))


def _linkage(D: np.ndarray) -> np.ndarray:
    from scipy.cluster.hierarchy import linkage
    from scipy.spatial.distance import squareform

    return linkage(squareform(D, checks=False), method=LINKAGE)


def topic_hierarchy(method: str, components: np.ndarray) -> dict:
    """The tree as JSON: ``{"linkage", "distance", "n_leaves", "merges": [{"id", "children",
    "height", "topics"}]}``; ``topics`` lists a node's leaves (ascending). Heights are rounded
    to 6 decimals, as the explorer's distances are. A model of one topic has no merges."""
    components = np.atleast_2d(np.asarray(components, dtype=np.float64))
    k = components.shape[0]
    Z = linkage_matrix(method, components) if k > 1 else None
    return _tree(Z, k, DISTANCE)


def reduction_tree(components: np.ndarray, weights: np.ndarray, k: int, seed: int = 0) -> dict:
    """The tree ``topics reduce`` cuts to reach ``k`` topics (REDUCE_DISTANCE; same JSON as
    :func:`topic_hierarchy`): an NMF model's topics (``components``, H) clustered, average
    linkage, on their memberships in a rank-``k`` factorization of the documents' topic masses
    (``weights``, documents × topics, times H's row sums; ``seed`` draws the documents'
    sample, MEMBERSHIP_SAMPLE)."""
    components = np.atleast_2d(np.asarray(components, dtype=np.float64))
    n = components.shape[0]
    Z = _linkage(membership_distances(components, weights, k, seed)) if n > 1 else None
    return _tree(Z, n, REDUCE_DISTANCE)


def membership_distances(components: np.ndarray, weights: np.ndarray, k: int,
                         seed: int = 0) -> np.ndarray:  # fmt: skip
    """topics × topics: 1 − the cosine of the topics' memberships B in M ≈ A·B at rank ``k``
    (M: the topic masses of the documents, or of a sample of MEMBERSHIP_SAMPLE of them drawn
    with ``seed``; see REDUCE_DISTANCE). ``k`` is clipped to what M's shape allows; a topic
    weighing no document is at distance 1 from every other."""
    from ..factorize import nmf

    weights = np.asarray(weights, dtype=np.float64)
    if weights.shape[0] > MEMBERSHIP_SAMPLE:
        rng = np.random.default_rng(seed)
        weights = weights[np.sort(rng.choice(weights.shape[0], MEMBERSHIP_SAMPLE, replace=False))]
    masses = weights * components.sum(axis=1)
    rank = min(int(k), min(masses.shape) - 1)  # the core's NNDSVD start needs k < min(shape)
    if rank < 1 or not np.any(masses):
        return document_distances(masses)
    with warnings.catch_warnings():  # a grouping step: its cap is no user's concern
        warnings.simplefilter("ignore", ConvergenceWarning)
        fit = nmf(masses, rank, loss="frobenius", max_iter=MEMBERSHIP_MAX_ITER,
                  tol=MEMBERSHIP_TOL, threads=1)  # fmt: skip
    return document_distances(fit.H)


def _tree(Z, k: int, distance: str) -> dict:
    merges: list[dict] = []
    if Z is not None:
        leaves: dict[int, list[int]] = {t: [t] for t in range(k)}
        for i, (a, b, height, _) in enumerate(Z):
            node = k + i
            leaves[node] = sorted(leaves[int(a)] + leaves[int(b)])
            merges.append({"id": node, "children": sorted([int(a), int(b)]),
                           "height": round(float(height), 6),
                           "topics": leaves[node]})  # fmt: skip
    return {"linkage": LINKAGE, "distance": distance, "n_leaves": k, "merges": merges}


def groups_at(tree: dict, n_groups: int) -> list[list[int]]:
    """The topics grouped as the tree stands with ``n_groups`` nodes left: its first
    ``k − n_groups`` merges replayed (lowest first). Groups are ordered by their first topic."""
    k = tree["n_leaves"]
    if not 1 <= n_groups <= k:
        raise ValueError(f"n_groups must be in 1..{k}, got {n_groups}")
    owner = {t: t for t in range(k)}
    for merge in tree["merges"][: k - n_groups]:
        for topic in merge["topics"]:
            owner[topic] = merge["id"]
    groups: dict[int, list[int]] = {}
    for topic in range(k):
        groups.setdefault(owner[topic], []).append(topic)
    return sorted(groups.values(), key=lambda g: g[0])
