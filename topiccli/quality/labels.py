"""Topics against known labels (20 Newsgroups categories, or the subfolders of ``--input``).

Each topic's ``label`` is the most common label among the labelled documents it wins (ties:
the alphabetically first), and ``label_share`` that label's share of them. Over all labelled
documents that win a topic, ``label_nmi`` is the normalized mutual information between winning
topic and label, MI / mean(H(label), H(topic)): scikit-learn's
``normalized_mutual_info_score`` with its default arithmetic normalization and its edge cases,
computed here in a few numpy lines so that a run served from the corpus cache never imports
scikit-learn (about 1 s); the tests check it against scikit-learn's. ``label_purity`` is the
share of documents whose label is their topic's dominant label.
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
    """(dominant label, its share) for each topic; (None, None) for a topic winning none.

    The one definition every output shares (``story.label_counts``/``story.dominant_label``)."""
    from .story import dominant_label, label_counts

    table = label_counts(assignments, labels, k)
    if table is None:
        return [(None, None)] * k
    names, counts = table
    return [dominant_label(names, row) for row in counts]


def label_scores(assignments: np.ndarray, labels: Sequence[str | None]) -> dict:
    """``label_nmi`` and ``label_purity`` (None when no labelled document wins a topic)."""
    topics, names = _usable(assignments, labels)
    if not names:
        return {"label_nmi": None, "label_purity": None}
    table = contingency(names, topics)
    purity = float(table.max(axis=0).sum() / table.sum())
    return {"label_nmi": normalized_mutual_info(table), "label_purity": purity}


def contingency(first: Sequence, second: Sequence) -> np.ndarray:
    """Counts of each (first, second) value pair: classes × clusters."""
    _, rows = np.unique(np.asarray(first), return_inverse=True)
    _, cols = np.unique(np.asarray(second), return_inverse=True)
    table = np.zeros((rows.max() + 1, cols.max() + 1))
    np.add.at(table, (rows, cols), 1.0)
    return table


def normalized_mutual_info(table: np.ndarray) -> float:
    """MI / arithmetic mean of the two entropies, from a contingency table (as scikit-learn)."""
    if table.shape[0] == table.shape[1] == 1:
        return 1.0  # both labelings are a single class: identical
    n = table.sum()
    joint = table[table > 0] / n
    row = table.sum(axis=1) / n
    col = table.sum(axis=0) / n
    outer = np.outer(row, col)[table > 0]
    mi = float(np.sum(joint * (np.log(joint) - np.log(outer))))
    if mi <= 0:
        return 0.0
    h_rows = -float(np.sum(row[row > 0] * np.log(row[row > 0])))
    h_cols = -float(np.sum(col[col > 0] * np.log(col[col > 0])))
    return mi / max((h_rows + h_cols) / 2, np.finfo(np.float64).eps)
