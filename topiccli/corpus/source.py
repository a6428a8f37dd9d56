"""One owner for a run's source: which loader reads it, how it is described, what it reads.

A :class:`Source` wraps a :class:`~topiccli.specs.SourceSpec` and learns each fact about it
once: a folder is walked a single time per run, and that listing serves the corpus cache's
fingerprint, the check that no output lands on an input, and the loading itself.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

from ..errors import UsageError
from ..specs import SourceSpec
from . import folder, newsgroups, records
from .model import Corpus

NEWSGROUPS = "20newsgroups"
TEXTS = "texts"
"""Texts given from Python (``SourceSpec.documents``)."""


def check_source(spec: SourceSpec) -> SourceSpec:
    """Refuse source options wrong in themselves, before anything is read (UsageError)."""
    if spec.max_file_bytes < 1:
        raise UsageError(
            f"max_file_bytes must be >= 1, got {spec.max_file_bytes}", params=("max_file_bytes",)
        )
    if spec.documents is not None:
        if spec.input is not None or spec.categories:
            raise UsageError("give documents or an input, not both", params=("input",))
    elif spec.input is None:
        newsgroups.check_selection(spec.categories, spec.subset, spec.remove)
    elif spec.categories:
        raise UsageError(
            "categories chooses 20 Newsgroups groups and does not apply to input (to read "
            "part of a folder, choose its files with glob)",
            params=("categories", "input", "glob"),
        )
    records.check_fields(spec.input, fields(spec))
    return spec


def fields(spec: SourceSpec) -> records.Fields:
    return records.Fields(spec.text_field, spec.id_field, spec.label_field, spec.time_field,
                          spec.group_field)  # fmt: skip


class Source:
    """A source as one run sees it: its kind, its description, its files, its corpus."""

    def __init__(self, spec: SourceSpec) -> None:
        self.spec = spec
        self.fields = fields(spec)

    @cached_property
    def kind(self) -> str:
        """ "stdin", "jsonl", "csv", "parquet", "folder" (a folder or one text file), "texts" (in
        memory) or "20newsgroups"."""
        if self.spec.documents is not None:
            return TEXTS
        if self.spec.input is None:
            return NEWSGROUPS
        return records.record_format(self.spec.input) or "folder"

    @property
    def cacheable(self) -> bool:
        """stdin is read once and texts in memory have no fingerprint: never cached."""
        return self.kind not in ("stdin", TEXTS)

    @cached_property
    def listing(self) -> tuple[list[Path], dict[str, int]]:
        """The files a folder source reads and what its walk skipped: walked once per run."""
        if self.kind == TEXTS:
            return [], {}
        if self.kind != "folder":
            if records.is_pattern(self.spec.input):  # shards: the files the glob matches
                return records.shards(self.spec.input), {}
            return ([Path(self.spec.input)] if self.kind in records.FILE_FORMATS else []), {}
        return folder.list_files(Path(self.spec.input), self.spec.glob)

    def selection(self) -> dict:
        """How the JSON report describes the source, known without loading it."""
        spec = self.spec
        if self.kind == TEXTS:
            return {"source": TEXTS}
        if self.kind == NEWSGROUPS:
            return newsgroups.selection(spec.categories, spec.subset, spec.remove, spec.data_home)
        if self.kind == "folder":
            return folder.selection(spec.input, spec.glob)
        if records.is_pattern(spec.input):  # as the shard loader describes them
            return {**records.selection(spec.input, self.fields), "shards": len(self.listing[0])}
        return records.selection(spec.input, self.fields)

    def load(self, counted=None) -> Corpus:
        """Read the corpus; ``counted(n)``, if given, hears the documents read so far (a
        folder, records or shards; 20 Newsgroups comes whole from scikit-learn's cache)."""
        spec = self.spec
        if self.kind == TEXTS:
            return _held_corpus(spec.documents)
        if self.kind == NEWSGROUPS:
            return newsgroups.load_newsgroups(
                spec.categories, spec.subset, spec.remove, spec.data_home
            )
        if self.kind == "folder":
            return folder.load_folder(spec.input, spec.glob, spec.max_file_bytes, self.listing,
                                      counted)  # fmt: skip
        return records.load_records(spec.input, self.fields, counted=counted,
                                    max_bytes=spec.max_file_bytes)  # fmt: skip

    def as_chosen(self, corpus: Corpus) -> Corpus:
        """``corpus`` as the options want it: without labels under ``--no-labels`` (applied
        after loading, so a cached corpus serves both choices)."""
        return corpus if self.spec.labels else corpus.unlabelled()

    def input_paths(self) -> list[Path]:
        """Every path the run reads from the source: the input itself (not stdin) and, for a
        folder, the files outside it that its links lead to (they are inputs too)."""
        if self.kind == "stdin":  # stdin redirected from a file: that file is an input
            found = records.stdin_file()
            return [found] if found is not None else []
        if self.kind in (NEWSGROUPS, TEXTS):
            return []
        if records.is_pattern(self.spec.input):
            return list(self.listing[0])
        root = Path(self.spec.input)
        paths = [root]
        if root.is_dir():
            inside = root.resolve()
            targets = (file.resolve() for file in self.listing[0])
            paths += [target for target in targets if inside not in target.parents]
        return paths


def _held_corpus(documents) -> Corpus:
    """The corpus of texts given in memory (as a loader would return it)."""
    labels = None if documents.labels is None else list(documents.labels)
    return Corpus(list(documents.texts), list(documents.ids), labels, {"source": TEXTS})
