"""Load 20 Newsgroups through scikit-learn's loader, so its cache is shared with scikit-learn."""

from __future__ import annotations

import warnings
from pathlib import PurePath

from ..errors import DatasetNotFoundError, InvalidParameterError
from .model import Corpus

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
SUBSETS = ("train", "test", "all")
REMOVABLE = ("headers", "footers", "quotes")


def check_selection(categories, subset: str, remove) -> tuple[list[str] | None, list[str]]:
    """Validate the 20 Newsgroups choices; return (categories or None for all, remove)."""
    chosen = sorted(set(categories)) if categories else None
    unknown = sorted(set(chosen or ()) - set(CATEGORIES))
    if unknown:
        raise InvalidParameterError(
            f"unknown categor{'y' if len(unknown) == 1 else 'ies'} {', '.join(unknown)}; "
            f"valid categories are: {', '.join(CATEGORIES)}"
        )
    if subset not in SUBSETS:
        raise InvalidParameterError(f"subset must be one of {', '.join(SUBSETS)}, got {subset!r}")
    bad = sorted(set(remove) - set(REMOVABLE))
    if bad:
        raise InvalidParameterError(f"--remove takes {', '.join(REMOVABLE)}; got {', '.join(bad)}")
    return chosen, [part for part in REMOVABLE if part in set(remove)]


def load_newsgroups(
    categories=None, subset: str = "train", remove=REMOVABLE, data_home=None
) -> Corpus:
    """Load 20 Newsgroups via ``sklearn.datasets.fetch_20newsgroups`` (downloading if allowed)."""
    chosen, removed = check_selection(categories, subset, remove)
    from sklearn.datasets import fetch_20newsgroups, get_data_home

    home = get_data_home(data_home)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
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
            "or use your own documents with `--input PATH`"
        ) from exc
    names = list(bunch.target_names)
    selection = {
        "source": "20newsgroups",
        "subset": subset,
        "categories": chosen or list(CATEGORIES),
        "remove": removed,
        "data_home": str(home),
    }
    return Corpus(
        texts=list(bunch.data),
        ids=["/".join(PurePath(f).parts[-3:]) for f in bunch.filenames],
        labels=[names[t] for t in bunch.target],
        selection=selection,
    )
