"""The corpus every loader returns: texts with ids, optional labels, and where they came from."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

COUNT_EVERY = 512
"""A loader tells its ``counted`` callback the documents read so far once per this many."""


def tell(counted: Callable[[int], None] | None, n: int, final: bool = False) -> None:
    """Call ``counted(n)`` every ``COUNT_EVERY`` documents and once at the end (``final``)."""
    if counted is not None and (final or n % COUNT_EVERY == 0):
        counted(n)


@dataclass(frozen=True)
class Corpus:
    """Documents in a fixed order.

    ``ids`` name each document (a path relative to the input, or a 20 Newsgroups file name);
    ``labels`` hold each document's class (a subfolder or newsgroup name), ``None`` where a
    document has none, or are ``None`` altogether. ``selection`` describes the source and the
    choices made, for the JSON report; ``skipped`` counts files left out, by reason.
    """

    texts: list[str]
    ids: list[str]
    labels: list[str | None] | None
    selection: dict
    skipped: dict[str, int] = field(default_factory=dict)
    values: dict[str, list] = field(default_factory=dict)
    """Other per-document record fields by role, as read (``"time"``, ``"group"``: from
    ``time_field``/``group_field``; corpus.records), aligned with ``texts``."""

    def __len__(self) -> int:
        return len(self.texts)

    def rows(self, keep: list[int], skipped: dict[str, int]) -> Corpus:
        """The documents ``keep`` (in that order), with every per-document list cut alike
        (texts, ids, labels, values) and ``skipped`` as the new counts."""
        labels = None if self.labels is None else [self.labels[i] for i in keep]
        values = {role: [column[i] for i in keep] for role, column in self.values.items()}
        return replace(self, texts=[self.texts[i] for i in keep], ids=[self.ids[i] for i in keep],
                       labels=labels, skipped=skipped, values=values)  # fmt: skip

    def unlabelled(self) -> Corpus:
        """The same documents without labels (``--no-labels``)."""
        return replace(self, labels=None)

    @property
    def has_labels(self) -> bool:
        return self.labels is not None and any(label is not None for label in self.labels)
