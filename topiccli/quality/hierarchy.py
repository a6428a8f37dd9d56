"""The topic hierarchy: how a model's topics nest, from their word distributions alone.

Average-linkage (UPGMA) agglomerative clustering (``scipy.cluster.hierarchy.linkage``) on the
Jensen–Shannon distance between the topics' word distributions (quality.topic_distance, the
explorer map's distance). Average linkage never inverts: each merge is at least as high as
the merges below it. The tree is plain JSON: ``merges`` in order, node ``k + i`` being the
``i``-th merge of two earlier nodes (leaves ``0 … k−1`` are the topics).
"""

from __future__ import annotations

import numpy as np

from .topic_distance import js_distances, word_distributions

LINKAGE = "average"
DISTANCE = "jensen-shannon"
"""sqrt of the JS divergence in bits, in [0, 1] (quality.topic_distance.js_distances)."""


def linkage_matrix(method: str, components: np.ndarray) -> np.ndarray:
    """scipy's (k−1) × 4 linkage of the topics (rows: child a, child b, height, size)."""
    from scipy.cluster.hierarchy import linkage
    from scipy.spatial.distance import squareform

    D = js_distances(word_distributions(method, components))
    return linkage(squareform(D, checks=False), method=LINKAGE)


def topic_hierarchy(method: str, components: np.ndarray) -> dict:
    """The tree as JSON: ``{"linkage", "distance", "n_leaves", "merges": [{"id", "children",
    "height", "topics"}]}``; ``topics`` lists a node's leaves (ascending). Heights are rounded
    to 6 decimals, as the explorer's distances are. A model of one topic has no merges."""
    components = np.atleast_2d(np.asarray(components, dtype=np.float64))
    k = components.shape[0]
    merges: list[dict] = []
    if k > 1:
        leaves: dict[int, list[int]] = {t: [t] for t in range(k)}
        for i, (a, b, height, _) in enumerate(linkage_matrix(method, components)):
            node = k + i
            leaves[node] = sorted(leaves[int(a)] + leaves[int(b)])
            merges.append({"id": node, "children": sorted([int(a), int(b)]),
                           "height": round(float(height), 6),
                           "topics": leaves[node]})  # fmt: skip
    return {"linkage": LINKAGE, "distance": DISTANCE, "n_leaves": k, "merges": merges}


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
