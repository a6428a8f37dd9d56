"""The documents' texts kept on the workers that read them (``vectorize_files``'s ``documents``).

:class:`WorkerTexts` is a ``topiccli.held.HeldTexts``: the client knows how many texts there
are and which block holds each; a few texts (representative documents), every text's opening
(the explorer's snippets) or the sliding-window counts of the topics' words (c_npmi) are
computed where the texts are, and only those come back. The window counts are sums over
documents, so the blocks' sums are the whole corpus's, exactly.
"""

from __future__ import annotations

import numpy as np

from ..held import HeldTexts
from ..text.vectorize import VectorizerSettings
from ._session import Session, retrying


class WorkerTexts(HeldTexts):
    """Texts in corpus order: ``futures[i]`` holds the texts of rows ``bounds[i]``;
    ``settings`` tokenize them for the window counts (None: new documents, never counted)."""

    def __init__(self, client, futures: list, bounds: list[tuple[int, int]],
                 settings: VectorizerSettings | None, timeout: float = 600.0) -> None:  # fmt: skip
        self.client = client
        self.futures = futures
        self.bounds = bounds
        self.settings = settings
        self.timeout = timeout
        self._starts = np.array([a for a, _ in bounds], dtype=np.int64)

    def __len__(self) -> int:
        return self.bounds[-1][1] if self.bounds else 0

    def _by_block(self, indices) -> dict[int, np.ndarray]:
        """Each block's local positions of ``indices`` (global, any order)."""
        indices = np.asarray(indices, dtype=np.int64)
        if len(indices) and (indices.min() < 0 or indices.max() >= len(self)):
            raise IndexError(f"text index out of range 0…{len(self) - 1}")
        block = np.searchsorted(self._starts, indices, side="right") - 1
        return {int(b): indices[block == b] - self._starts[b] for b in np.unique(block)}

    def _gather(self, what: str, func, args_of) -> list:
        """``func(texts of block b, *args)`` for each (b, args), with b; run again after a lost
        worker (the texts are rebuilt by Dask from the files)."""
        blocks = list(args_of)

        def run():
            session = Session(self.client, what, self.timeout)
            futures = [session.submit(func, self.futures[b], *args, what=what)
                       for b, args in blocks]  # fmt: skip
            return session.gather(futures, what)

        return list(zip([b for b, _ in blocks], retrying(self.client, self.timeout, run,
                                                         what=what)))  # fmt: skip

    def take(self, indices) -> list[str]:
        indices = [int(i) for i in indices]
        wanted = self._by_block(indices)
        found: dict[int, str] = {}
        for b, texts in self._gather("take", _take, ((b, (local,)) for b, local in
                                                     wanted.items())):  # fmt: skip
            start = int(self._starts[b])
            found.update((start + int(i), t) for i, t in zip(wanted[b], texts))
        return [found[i] for i in indices]

    def openings(self, chars: int) -> list[str]:
        every = ((b, (chars,)) for b in range(len(self.futures)))
        parts = self._gather("openings", _openings, every)
        return [t for _, texts in parts for t in texts]

    def window_counts(self, chosen, vocabulary, window, counting):
        parts = self._gather("windows", _window_counts,
                             ((b, (local, vocabulary, self.settings, window, counting))
                              for b, local in self._by_block(chosen).items()))  # fmt: skip
        n_words = len(vocabulary)
        occurrences, joint, n_windows = np.zeros(n_words), np.zeros((n_words, n_words)), 0
        for _, (occ, pairs, n) in parts:
            occurrences += occ
            joint += pairs
            n_windows += n
        return occurrences, joint, n_windows


def _take(texts, local) -> list[str]:
    return [texts[int(i)] for i in local]


def _openings(texts, chars: int) -> list[str]:
    return [t[:chars] for t in texts]


def _window_counts(texts, local, vocabulary, settings, window, counting):
    from ..quality.window_coherence import window_counts
    from ..text.vectorize import tokenizer

    tokens = tokenizer(settings)
    return window_counts((tokens(texts[int(i)]) for i in local), vocabulary, window, counting)
