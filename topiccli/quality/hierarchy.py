"""The topic hierarchy: how a model's topics nest, from their word distributions alone.

Average-linkage (UPGMA) agglomerative clustering (``scipy.cluster.hierarchy.linkage``) on the
Jensen–Shannon distance between the topics' word distributions (quality.topic_distance, the
explorer map's distance). Average linkage never inverts: each merge is at least as high as
the merges below it. The tree is plain JSON: ``merges`` in order, node ``k + i`` being the
``i``-th merge of two earlier nodes (leaves ``0 … k−1`` are the topics).
"""

from __future__ import annotations

import numpy as np

from .topic_distance import document_distances, js_distances, word_distributions

LINKAGE = "average"
DISTANCE = "jensen-shannon"
"""sqrt of the JS divergence in bits, in [0, 1] (quality.topic_distance.js_distances)."""

REDUCE_DISTANCE = "documents+jensen-shannon"
REDUCE_DOCUMENT_SHARE = 0.8
"""``topics reduce`` merges on REDUCE_DOCUMENT_SHARE × the document distance (1 − cosine of the
topics' document weights, quality.topic_distance.document_distances) + the rest × the JS
distance, average linkage (:func:`reduction_tree`). Topics that weigh the same documents are
two halves of one subject; topics alike in words but weighing other documents (the comp.*
newsgroups) stay apart. Measured on 4 labelled corpora, k = 40 → 20 after the refinement
(label NMI minus a direct k = 20 fit's; scripts/evaluate_reduce.py, docs/hierarchy.md): share
0 (words only) −0.127 / +0.019 / +0.002 / −0.071 on 20NG train / BBC / AG News / GNAD; 0.5
−0.037 / −0.004 / −0.013 / −0.074; 0.65 −0.029 / −0.002 / +0.001 / −0.072; 0.8 −0.013 /
−0.009 / −0.004 / −0.078; 1 (documents only) −0.008 / −0.029 / −0.008 / −0.093. 0.8 is the
share whose worst case over the first three is smallest."""


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


def reduction_tree(components: np.ndarray, weights: np.ndarray) -> dict:
    """The tree ``topics reduce`` cuts (REDUCE_DISTANCE; same JSON as :func:`topic_hierarchy`):
    an NMF model's topics (``components``, H) clustered on their words and on the documents
    they weigh (``weights``, documents × k), see REDUCE_DOCUMENT_SHARE."""
    components = np.atleast_2d(np.asarray(components, dtype=np.float64))
    k = components.shape[0]
    Z = None
    if k > 1:
        share = REDUCE_DOCUMENT_SHARE
        D = (share * document_distances(weights)
             + (1.0 - share) * js_distances(word_distributions("nmf", components)))  # fmt: skip
        Z = _linkage(D)
    return _tree(Z, k, REDUCE_DISTANCE)


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
