"""Topics against known labels (20 Newsgroups categories, or the subfolders of ``--input``).

Each topic's ``label`` is the most common label among the labelled documents it wins (ties:
the alphabetically first), and ``label_share`` that label's share of them. Over all labelled
documents that win a topic, ``label_nmi`` is scikit-learn's normalized mutual information
(arithmetic mean normalization) between winning topic and label, and ``label_purity`` the share
of documents whose label is their topic's dominant label.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def _usable(assignments: np.ndarray, labels: Sequence[str | None]) -> tuple[np.ndarray, list]:
    keep = [i for i, label in enumerate(labels) if label is not None and assignments[i] >= 0]
    return assignments[keep], [labels[i] for i in keep]


def topic_labels(
    assignments: np.ndarray, labels: Sequence[str | None], k: int
) -> list[tuple[str | None, float | None]]:
    """(dominant label, its share) for each topic; (None, None) for a topic winning none."""
    topics, names = _usable(assignments, labels)
    result = []
    for t in range(k):
        won = sorted(name for name, topic in zip(names, topics) if topic == t)
        if not won:
            result.append((None, None))
            continue
        values, counts = np.unique(won, return_counts=True)
        best = int(np.argmax(counts))  # np.unique sorts, so a tie goes to the first name
        result.append((str(values[best]), float(counts[best] / len(won))))
    return result


def label_scores(assignments: np.ndarray, labels: Sequence[str | None]) -> dict:
    """``label_nmi`` and ``label_purity`` (None when no labelled document wins a topic)."""
    topics, names = _usable(assignments, labels)
    if not names:
        return {"label_nmi": None, "label_purity": None}
    from sklearn.metrics import normalized_mutual_info_score
    from sklearn.metrics.cluster import contingency_matrix

    table = contingency_matrix(names, topics)
    purity = float(table.max(axis=0).sum() / table.sum())
    return {
        "label_nmi": float(normalized_mutual_info_score(names, topics)),
        "label_purity": purity,
    }
