"""When an NMF run stops: on the objective alone, or once the topics have settled.

A stopping rule is an object with ``start()`` returning a fresh *tracker*; the solvers' loop
calls ``tracker.done(n_iter, previous, current, W, Ht)`` after every accepted iteration, with
the objective before and after it and the factors (W is m×k, Ht is n×k; read, never changed).

* :class:`Tolerance` is the classic rule: stop when one iteration lowers the objective by less
  than ``tol`` of its value, (f_prev − f) < tol·f_prev.
* :class:`Settle` stops when what a user reads off the fit has stopped moving: every ``every``
  iterations it takes each topic's ``top_n`` words (the largest entries of a row of H) and each
  document's top topic (the largest entry of a row of W); a check is *quiet* when no topic's
  top words changed and at most ``doc_share`` of the documents changed their top topic since
  the previous check. It stops after ``patience`` quiet checks in a row, provided the objective
  fell by less than ``guard`` of its value per iteration on average over the last window (so a
  fit whose topics pause while the objective still drops keeps going). It also stops, as
  :class:`Tolerance` does, when an iteration lowers the objective by less than ``tol``.

Both are pure functions of the iterates, so the run stays deterministic on any thread count.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Tolerance:
    """Stop when one iteration lowers the objective by less than ``tol`` of its value."""

    tol: float

    def start(self) -> _ToleranceTracker:
        return _ToleranceTracker(self.tol)

    def describe(self) -> dict:
        return {"rule": "tolerance", "tol": self.tol}


class _ToleranceTracker:
    def __init__(self, tol: float):
        self.tol = tol

    def done(self, n_iter: int, previous: float, current: float, W, Ht) -> bool:
        return current == 0.0 or previous - current < self.tol * previous


@dataclass(frozen=True)
class Settle:
    """Stop once the top words and the documents' top topics stop changing (module doc)."""

    every: int = 5
    patience: int = 2
    top_n: int = 8
    doc_share: float = 0.001
    guard: float = 1e-4
    tol: float = 1e-8

    def start(self) -> _SettleTracker:
        return _SettleTracker(self)

    def describe(self) -> dict:
        return {"rule": "settle", **vars(self)}


def top_words(Ht: np.ndarray, n: int) -> np.ndarray:
    """Each topic's ``n`` largest entries of H (given as Hᵀ, n_terms×k), as sorted indices (k×n)."""
    n = min(n, Ht.shape[0])
    part = np.argpartition(-Ht, n - 1, axis=0)[:n]
    return np.sort(part.T, axis=1)


def top_topics(W: np.ndarray) -> np.ndarray:
    """Each document's top topic (the largest entry of its row of W; ties: the first)."""
    return np.argmax(W, axis=1)


class _SettleTracker:
    def __init__(self, rule: Settle):
        self.rule = rule
        self.words = None
        self.topics = None
        self.quiet = 0
        self.window_start = None  # the objective at the previous check

    def done(self, n_iter: int, previous: float, current: float, W, Ht) -> bool:
        rule = self.rule
        if current == 0.0 or previous - current < rule.tol * previous:
            return True
        if self.window_start is None:
            self.window_start = previous
        if n_iter % rule.every:
            return False
        words, topics = top_words(Ht, rule.top_n), top_topics(W)
        if self.words is not None:
            moved = np.count_nonzero(topics != self.topics)
            quiet = np.array_equal(words, self.words) and moved <= rule.doc_share * len(topics)
            self.quiet = self.quiet + 1 if quiet else 0
        drop = (self.window_start - current) / (rule.every * self.window_start)
        self.words, self.topics, self.window_start = words, topics, current
        return self.quiet >= rule.patience and drop < rule.guard
