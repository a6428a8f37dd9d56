"""Corpus loading: 20 Newsgroups (through scikit-learn's cache), a folder of text, or records
(JSONL, CSV, stdin); :class:`Source` dispatches among them for a run."""

from .folder import load_folder
from .model import Corpus
from .newsgroups import CATEGORIES, REMOVABLE, check_selection, load_newsgroups
from .source import Source, check_source

__all__ = [
    "CATEGORIES",
    "REMOVABLE",
    "Corpus",
    "Source",
    "check_selection",
    "check_source",
    "load_folder",
    "load_newsgroups",
]
