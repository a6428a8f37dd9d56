"""Finished runs on disk: a run repeated on unchanged data with the same options is answered
from here, skipping loading, vectorizing and fitting (and the numeric imports they need).

An entry is one checked JSON file, ``DIR/runs-vFORMAT/KEY.json`` (checked.py: written whole
through a rename, carrying its own SHA-256): the report's plain data (topics with their quality
evidence, metrics, the method's details, the corpus and vectorizer descriptions) and the
warnings the run gave, which a hit gives again. KEY is ``WHAT-OPTIONS-STATE``: the corpus key's
WHAT and STATE (key.py: source, vectorizer settings, data fingerprint, versions) around a digest
of every model option and the numpy and scipy versions, so a change of data, option or library
misses. Storing an entry deletes the ones it supersedes (same WHAT and OPTIONS, another STATE).
Runs that need the factors themselves (``--save``, ``--doc-topics``) are never answered here.
"""

from __future__ import annotations

import hashlib
import json
import os
import warnings
from contextlib import contextmanager, suppress
from dataclasses import asdict, fields
from pathlib import Path

from .. import errors
from ..report import RunReport, Topic
from .checked import CorruptEntry, read_entry, unwrap, warn, wrap, write_atomic
from .key import package_version

FORMAT = 2
SUBDIR = f"runs-v{FORMAT}"
_TOPIC_FIELDS = {f.name for f in fields(Topic)}


def run_key(corpus_key: str, model, labels: bool = True) -> str:
    """The key of the run ``model`` (a specs.ModelSpec) on the corpus keyed ``corpus_key``
    (``labels`` False: the run ignores the documents' labels, ``--no-labels``)."""
    what, state = corpus_key.split("-", 1)
    options = {
        "model": asdict(model),
        "numpy": package_version("numpy"),
        "scipy": package_version("scipy"),
        **({} if labels else {"labels": False}),
    }
    digest = hashlib.sha256(json.dumps(options, sort_keys=True).encode()).hexdigest()[:24]
    return f"{what}-{digest}-{state}"


class RunCache:
    """The run entries under one cache directory."""

    def __init__(self, directory: str | os.PathLike) -> None:
        self.directory = Path(directory) / SUBDIR

    def path(self, key: str) -> Path:
        return self.directory / f"{key}.json"

    def get(self, key: str, model) -> tuple[RunReport, list[tuple[str, str]]] | None:
        """The report stored under ``key`` for ``model`` and the warnings its run gave (see
        ``warn_again``), or None if absent or failing a check (then warned)."""
        return read_entry(
            self.path(key), lambda content: _decode(key, content, model), "run cache",
            "running again",
        )  # fmt: skip

    def put(self, key: str, report: RunReport, heard: list[tuple[str, str]]) -> bool:
        """Store a finished run atomically; on failure warn and carry on."""
        entry = {
            "format": FORMAT,
            "key": key,
            "corpus": report.corpus,
            "vectorizer": report.vectorizer,
            "details": report.details,
            "metrics": report.metrics,
            "topics": [asdict(topic) for topic in report.topics],
            "hierarchy": report.hierarchy,
            "warnings": [list(pair) for pair in heard],
        }
        try:
            content = wrap(json.dumps(entry, allow_nan=True).encode("utf-8"))
            self.directory.mkdir(parents=True, exist_ok=True)
            write_atomic(self.path(key), content)
        except (OSError, TypeError, ValueError) as exc:
            warn(f"could not write the run cache in {self.directory} ({exc}); continuing")
            return False
        self._drop_superseded(key)
        return True

    def _drop_superseded(self, key: str) -> None:
        """Delete entries for the same source, settings and options from older data."""
        what, options, _ = key.split("-", 2)
        for path in self.directory.glob(f"{what}-{options}-*.json"):
            if path.stem != key:
                with suppress(OSError):  # another process may have removed it; it is only space
                    path.unlink(missing_ok=True)


def _decode(key: str, content: bytes, model) -> tuple[RunReport, list[tuple[str, str]]]:
    """Parse and check an entry: (report, warnings); CorruptEntry if it fails."""
    entry = json.loads(unwrap(content))
    if not isinstance(entry, dict) or entry.get("format") != FORMAT or entry.get("key") != key:
        raise CorruptEntry("its key or format does not match")
    parts = [entry.get(name) for name in ("corpus", "vectorizer", "details", "metrics")]
    topics, heard = entry.get("topics"), entry.get("warnings")
    if not all(isinstance(part, dict) for part in parts) or not isinstance(topics, list):
        raise CorruptEntry("its report is incomplete")
    if not all(isinstance(t, dict) and set(t) == _TOPIC_FIELDS for t in topics):
        raise CorruptEntry("its topics are malformed")
    if not isinstance(heard, list) or not all(_is_warning(pair) for pair in heard):
        raise CorruptEntry("its warnings are malformed")
    corpus, vectorizer, details, metrics = parts
    report = RunReport(model=model, corpus={**corpus, "cache": "hit"}, vectorizer=vectorizer,
                       topics=[Topic(**t) for t in topics], details=details,
                       metrics=metrics, hierarchy=entry.get("hierarchy"))  # fmt: skip
    return report, [tuple(pair) for pair in heard]


def _is_warning(pair) -> bool:
    return isinstance(pair, list) and len(pair) == 2 and all(isinstance(s, str) for s in pair)


def warn_again(category: str, message: str) -> None:
    """Give again a warning a stored run gave (``category``: a topiccli.errors class name)."""
    found = getattr(errors, category, None)
    if not (isinstance(found, type) and issubclass(found, errors.TopicsWarning)):
        found = errors.TopicsWarning
    warnings.warn(message, found, stacklevel=3)


@contextmanager
def heard_warnings():
    """Collect the TopicsWarnings a block gives, as (category, message), for ``put``. Every
    warning the block gives still reaches the user, when it ends (also if it fails)."""
    heard: list[tuple[str, str]] = []
    caught: list = []
    try:
        with warnings.catch_warnings(record=True) as caught:
            yield heard
    finally:
        for w in caught:
            if issubclass(w.category, errors.TopicsWarning):
                heard.append((w.category.__name__, str(w.message)))
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno, source=w.source)
