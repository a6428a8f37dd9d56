"""Corpus loading: 20 Newsgroups (through scikit-learn's cache) or a folder of text."""

from .folder import load_folder
from .model import Corpus
from .newsgroups import CATEGORIES, REMOVABLE, SUBSETS, check_selection, load_newsgroups

__all__ = [
    "CATEGORIES",
    "REMOVABLE",
    "SUBSETS",
    "Corpus",
    "check_selection",
    "load_folder",
    "load_newsgroups",
]
