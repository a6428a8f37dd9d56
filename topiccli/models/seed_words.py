"""Seed words (``--seed-words FILE``): the file read, its words found in the vocabulary, and
the columns handed to the core's seeded NMF (topiccli.factorize.seeding).

The file holds one seeded topic a line, a few words each, with an optional name before a
colon (``space: nasa orbit shuttle launch``); blank lines and lines starting with ``#`` are
skipped. Words are lower-cased, as the vectorizer lower-cases. A word the vocabulary lacks is
an error that names it and says why it is absent: a stop word, a word the token pattern never
produces, pruned by min_df or max_df (with its document frequency), or absent from the corpus.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import InvalidParameterError, UsageError

MAX_SEED_FILE_BYTES = 1_000_000


@dataclass(frozen=True)
class SeedTopic:
    """One line of a seed-word file: an optional name and its words."""

    name: str | None
    words: tuple[str, ...]


def read_seed_words(path: Path | str) -> tuple[SeedTopic, ...]:
    """The seeded topics a seed-word file lists (UsageError: unreadable, empty, malformed)."""
    path = Path(path)
    try:
        if path.stat().st_size > MAX_SEED_FILE_BYTES:
            raise UsageError(f"seed words file {path} is over {MAX_SEED_FILE_BYTES} bytes",
                             params=("seed_words",))  # fmt: skip
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read seed words file {path}: {exc}",
                         params=("seed_words",)) from None  # fmt: skip
    topics = [parse_seed_line(line, path, number)
              for number, line in enumerate(text.splitlines(), start=1)
              if line.strip() and not line.lstrip().startswith("#")]  # fmt: skip
    if not topics:
        raise UsageError(f"seed words file {path} lists no topic", params=("seed_words",))
    return tuple(topics)


def parse_seed_line(line: str, path, number: int) -> SeedTopic:
    """``[name:] word word ...`` as a SeedTopic (UsageError naming the line if it has no word
    or repeats one)."""
    name, _, words = line.partition(":") if ":" in line else ("", "", line)
    found = tuple(dict.fromkeys(word.lower() for word in words.split()))
    if not found:
        raise UsageError(f"{path} line {number}: a seeded topic needs at least one word",
                         params=("seed_words",))  # fmt: skip
    return SeedTopic(name.strip() or None, found)


def check_seed_count(seeds, k: int) -> None:
    """At most k seeded topics (UsageError, before any data is read)."""
    if len(seeds) > k:
        raise UsageError(f"the seed words file lists {len(seeds)} topics, more than k={k}",
                         params=("seed_words", "k"))  # fmt: skip


def seed_columns(terms, seeds, fold=None) -> tuple:
    """Each seeded topic's columns in the sorted vocabulary ``terms`` (plural seed words read
    as the singular they were folded into, ``fold``); None for a word not there."""
    import numpy as np

    terms = np.asarray(terms, dtype=object)
    fold = fold or {}
    out = []
    for topic in seeds:
        columns = []
        for word in topic.words:
            word = fold.get(word, word)
            i = int(np.searchsorted(terms, word))
            columns.append(i if i < len(terms) and terms[i] == word else None)
        out.append(columns)
    return tuple(out)


def check_seed_words(dt, seeds, texts) -> None:
    """Every seed word is in ``dt``'s vocabulary, else InvalidParameterError naming each missing
    word and why it is absent (the texts are counted again, without pruning, to say which)."""
    missing = [word for topic, columns in zip(seeds, seed_columns(dt.terms, seeds, dt.fold))
               for word, column in zip(topic.words, columns) if column is None]  # fmt: skip
    if not missing:
        return
    reasons = absent_reasons(missing, dt.settings, texts)
    lines = "; ".join(f"'{word}' {reasons[word]}" for word in missing)
    raise InvalidParameterError(f"seed words not in the vocabulary: {lines}",
                                params=("seed_words",))  # fmt: skip


def absent_reasons(words, settings, texts) -> dict[str, str]:
    """Why each of ``words`` is not in the vocabulary the settings make of ``texts``."""
    import re
    from dataclasses import replace

    import numpy as np

    from ..text import rules
    from ..text.vectorize import stop_word_set, vectorize

    stop = stop_word_set(settings) or frozenset()
    pattern = re.compile(rules.token_pattern(settings.token_pattern))
    everything = vectorize(texts, replace(settings, min_df=1, max_df=1.0, max_features=None))
    df = np.diff(everything.X.tocsc().indptr)
    n = len(texts)
    min_df = rules.resolve_min_df(settings.min_df, n)
    low = min_df if isinstance(min_df, int) else min_df * n
    high = settings.max_df if isinstance(settings.max_df, int) else settings.max_df * n
    reasons = {}
    for word, column in zip(words, seed_columns(everything.terms, [SeedTopic(None, tuple(words))],
                                                everything.fold)[0]):  # fmt: skip
        if word in stop:
            reasons[word] = "is a stop word (see --stop-words)"
        elif pattern.fullmatch(word) is None:
            reasons[word] = f"is never tokenized: the token pattern {settings.token_pattern!r} " \
                            "cannot produce it"  # fmt: skip
        elif column is None:
            reasons[word] = "never occurs in the corpus"
        elif df[column] < low:
            reasons[word] = f"was pruned by min_df={min_df} (in {df[column]} documents)"
        elif df[column] > high:
            reasons[word] = f"was pruned by max_df={settings.max_df} (in {df[column]} of {n} " \
                            "documents)"  # fmt: skip
        else:
            reasons[word] = "was pruned by max_features"
    return reasons


def seed_fields(seeds, k: int) -> list[dict]:
    """Per topic, what the report and the bundle store of the seeding: ``name`` and
    ``seed_words`` for the seeded topics (the first ones), nothing for the free ones."""
    fields = []
    for i in range(k):
        if i < len(seeds):
            topic = seeds[i]
            fields.append({**({"name": topic.name} if topic.name else {}),
                           "seed_words": list(topic.words)})  # fmt: skip
        else:
            fields.append({})
    return fields


def stored_seed_words(metadata: dict, k: int) -> list[list[str] | None]:
    """The seed words a bundle's model.json holds (``topics[i].seed_words``; None: a free
    topic), as the report gives them."""
    topics = metadata.get("topics")
    if not isinstance(topics, list) or len(topics) != k:
        return [None] * k
    return [list(t["seed_words"]) if isinstance(t, dict) and t.get("seed_words") is not None
            else None for t in topics]  # fmt: skip
