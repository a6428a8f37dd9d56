"""Topic names: the user's (``topics name``, or a seed-word file's ``name:``; stored in the
bundle's model.json ``topics``) and automatic ones.

An automatic name is a topic's ``AUTO_TERMS`` most distinctive terms by relevance at
λ = ``AUTO_LAMBDA`` (quality.topic_distance.relevance, with p(w) the corpus's term
distribution: the explorer's ranking), joined by ``AUTO_JOIN``. A joined term (a phrase such
as ``new_york`` or ``new york``) is shown as one. Automatic names are always reported apart
from the user's (``auto_name`` vs ``name``), so no output presents them as chosen by a person.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from .topic_distance import normalise_rows, relevance

AUTO_TERMS = 3
AUTO_LAMBDA = 0.6
"""Sievert & Shirley's (2014) recommended λ: distinctive terms that are still frequent."""
AUTO_JOIN = " · "
NAME_MAX_CHARS = 80


def auto_names(method: str, components, term_frequency, terms) -> list[str]:
    """Each topic's automatic name (SVD: from its positive pole's squared loadings)."""
    comps = np.atleast_2d(np.asarray(components, dtype=np.float64))
    mass = np.where(comps > 0, np.square(comps) if method == "svd" else comps, 0.0)
    P = normalise_rows(mass)
    pw = normalise_rows(np.clip(np.asarray(term_frequency, dtype=np.float64), 0, None)[None])[0]
    names = []
    with np.errstate(divide="ignore"):
        log_pw = np.log(pw)
        for row, positive in zip(P, mass.sum(axis=1) > 0):
            if not positive:
                names.append("")
                continue
            scores = np.where((row > 0) & (pw > 0), relevance(np.log(row), log_pw, AUTO_LAMBDA),
                              -np.inf)  # fmt: skip
            order = np.lexsort((np.arange(scores.size), -scores))[:AUTO_TERMS]
            names.append(AUTO_JOIN.join(str(terms[j]) for j in order if np.isfinite(scores[j])))
    return names


def check_name(name: str) -> str:
    """A user's name, stripped: one line of 1 to NAME_MAX_CHARS characters (ValueError)."""
    text = " ".join(str(name).split())
    if not text:
        raise ValueError("a topic name must not be empty")
    if len(text) > NAME_MAX_CHARS:
        raise ValueError(f"a topic name has at most {NAME_MAX_CHARS} characters, "
                         f"not {len(text)}")  # fmt: skip
    return text


def stored_names(metadata: dict, k: int) -> list[str | None]:
    """The user's names a bundle's model.json holds (``topics[i].name``; None: unnamed)."""
    topics = metadata.get("topics")
    if not isinstance(topics, list) or len(topics) != k:
        return [None] * k
    return [t.get("name") if isinstance(t, dict) else None for t in topics]


def with_names(metadata: dict, names: list[str | None]) -> dict:
    """model.json with the user's names set in ``topics`` (each topic's other fields, such as
    its seed words, kept); ``topics`` is left out when no topic has a name or anything else."""
    k = len(names)
    old = metadata.get("topics")
    old = old if isinstance(old, list) and len(old) == k else [{}] * k
    topics = [{**{key: v for key, v in t.items() if key != "name"},
               **({"name": n} if n else {})} for t, n in zip(old, names)]  # fmt: skip
    out = {key: v for key, v in metadata.items() if key not in ("topics", "names")}
    return {**out, "topics": topics} if any(topics) else out


def named(topics, names, autos) -> list:
    """``topics`` (report.Topic) with their user ``name`` and ``auto_name`` set."""
    return [replace(t, name=n, auto_name=a or None) for t, n, a in zip(topics, names, autos)]


def annotate(method: str, components, term_frequency, terms, topics, names=None):
    """(topics with their names, the topic hierarchy): what every output adds to a model's
    topics, computed the same way for a fit, a saved model and an edited one."""
    from .hierarchy import topic_hierarchy

    autos = auto_names(method, components, term_frequency, terms)
    names = list(names) if names is not None else [t.name for t in topics]  # e.g. seeded
    return named(topics, names, autos), topic_hierarchy(method, components)
