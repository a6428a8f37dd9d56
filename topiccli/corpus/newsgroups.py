"""Load 20 Newsgroups from scikit-learn's cache, so the dataset is shared with scikit-learn."""

from __future__ import annotations

import os
import warnings
from pathlib import Path, PurePath

from ..errors import DatasetNotFoundError, UsageError
from ..specs import NEWSGROUP_PARTS, SUBSETS
from . import bydate_cache
from .model import Corpus
from .newsgroup_parts import STRIPPERS

CATEGORIES = (
    "alt.atheism",
    "comp.graphics",
    "comp.os.ms-windows.misc",
    "comp.sys.ibm.pc.hardware",
    "comp.sys.mac.hardware",
    "comp.windows.x",
    "misc.forsale",
    "rec.autos",
    "rec.motorcycles",
    "rec.sport.baseball",
    "rec.sport.hockey",
    "sci.crypt",
    "sci.electronics",
    "sci.med",
    "sci.space",
    "soc.religion.christian",
    "talk.politics.guns",
    "talk.politics.mideast",
    "talk.politics.misc",
    "talk.religion.misc",
)
REMOVABLE = NEWSGROUP_PARTS
CACHE_NAME = "20news-bydate_py3.pkz"  # what sklearn's _pkl_filepath makes of "20news-bydate.pkz"


def data_home(path=None) -> Path:
    """scikit-learn's data home, as ``sklearn.datasets.get_data_home`` names it.

    Computed here so a cached run can find (and fingerprint) the 20 Newsgroups cache file
    without importing scikit-learn; unlike scikit-learn, it creates nothing. ``path`` None is
    scikit-learn's default folder: ``SCIKIT_LEARN_DATA`` is read at the edge
    (``topiccli.settings``, the CLI's ``--data-home`` default).
    """
    if path is None:
        path = os.path.join("~", "scikit_learn_data")
    return Path(os.path.expanduser(path))


def selection(categories, subset: str, remove, home) -> dict:
    """The JSON report's description of a 20 Newsgroups selection (validated here)."""
    chosen, removed = check_selection(categories, subset, remove)
    return {
        "source": "20newsgroups",
        "subset": subset,
        "categories": chosen or list(CATEGORIES),
        "remove": removed,
        "data_home": str(data_home(home)),
    }


def check_selection(categories, subset: str, remove) -> tuple[list[str] | None, list[str]]:
    """Validate the 20 Newsgroups choices; return (categories or None for all, remove)."""
    chosen = sorted(set(categories)) if categories else None
    unknown = sorted(set(chosen or ()) - set(CATEGORIES))
    if unknown:
        raise UsageError(
            f"unknown categor{'y' if len(unknown) == 1 else 'ies'} {', '.join(unknown)}; "
            f"valid categories are: {', '.join(CATEGORIES)}",
            params=("categories",),
        )
    if subset not in SUBSETS:
        raise UsageError(
            f"subset must be one of {', '.join(SUBSETS)}, got {subset!r}", params=("subset",)
        )
    bad = sorted(set(remove) - set(REMOVABLE))
    if bad:
        raise UsageError(
            f"remove takes {', '.join(REMOVABLE)} or none; got {', '.join(bad)}",
            params=("remove",),
        )
    return chosen, [part for part in REMOVABLE if part in set(remove)]


def load_newsgroups(
    categories=None, subset: str = "train", remove=REMOVABLE, data_home=None
) -> Corpus:
    """Load 20 Newsgroups from scikit-learn's cache (``fetch_20newsgroups`` downloads it if
    allowed and it is missing).

    Two shortcuts, each giving the same posts as ``fetch_20newsgroups(shuffle=False)``: the
    cache file is read directly (bydate_cache.py), without importing scikit-learn, and
    headers, footers and quotes are stripped after the categories are chosen, by the same rules
    (newsgroup_parts.py; scikit-learn strips the whole subset first, most of its loading time
    when few categories are wanted). Only a missing cache goes through scikit-learn's loader.
    """
    chosen, removed = check_selection(categories, subset, remove)
    described = selection(categories, subset, remove, data_home)
    home = described["data_home"]
    pending = bydate_cache.start_reading(Path(home) / CACHE_NAME)
    posts = None
    if pending is not None:
        posts = bydate_cache.choose_posts(pending, subset, chosen)
    if posts is None:
        posts = _fetch(home, subset, chosen, ())
    texts, filenames, labels = posts
    for part in removed:
        strip = STRIPPERS[part]
        texts = [strip(text) for text in texts]
    return Corpus(
        texts=texts,
        ids=["/".join(PurePath(f).parts[-3:]) for f in filenames],
        labels=labels,
        selection=described,
    )


def _fetch(home: str, subset: str, chosen: list[str] | None, removed):
    """(texts, filenames, label names) from ``fetch_20newsgroups``, downloading if needed."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from sklearn.datasets import fetch_20newsgroups

            bunch = fetch_20newsgroups(
                data_home=home,
                subset=subset,
                categories=chosen,
                remove=tuple(removed),
                shuffle=False,
                n_retries=1,
                delay=0.1,
            )
    except OSError as exc:
        raise DatasetNotFoundError(
            f"20 Newsgroups is not cached in {home} and could not be downloaded ({exc}). "
            "Import a local copy with `topics data import 20news-bydate.tar.gz`, "
            "or use your own documents with input",
            params=("input",),
        ) from exc
    names = list(bunch.target_names)
    return list(bunch.data), list(bunch.filenames), [names[t] for t in bunch.target]
