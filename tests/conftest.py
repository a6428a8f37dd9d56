"""Shared fixtures: the 20 Newsgroups archive (optional), sample corpora, planted data."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_corpora" / "essays"
ARCHIVE_ENV = "TOPICS_20NG_ARCHIVE"
TUTORIAL_CATEGORIES = ["alt.atheism", "talk.religion.misc", "comp.graphics", "sci.space"]
TUTORIAL_VECTORIZER = ("--vectorizer", "count", "--stop-words", "english", "--min-df", "1",
                       "--max-df", "1.0", "--token-pattern", "words", "--keep-contractions",
                       "--keep-junk", "--clean", "none")  # fmt: skip
"""The tutorial's CountVectorizer(stop_words="english"): scikit-learn's defaults, not ours."""


@pytest.fixture(autouse=True)
def private_cache_dir(tmp_path, monkeypatch) -> Path:
    """Every test gets its own corpus cache, so the suite never writes to the user's home."""
    directory = tmp_path / "topics-cache"
    monkeypatch.setenv("TOPICS_CACHE_DIR", str(directory))
    monkeypatch.delenv("TOPICS_CACHE", raising=False)
    return directory


@pytest.fixture(scope="session")
def newsgroups_home(tmp_path_factory) -> Path:
    """A scikit-learn data home holding 20 Newsgroups, imported from the shared archive.

    Skips when the archive is absent: the real 20news-bydate data cannot be downloaded here
    and must not be committed, so CI points TOPICS_20NG_ARCHIVE at a local copy.
    """
    archive = os.environ.get(ARCHIVE_ENV)
    if not archive or not Path(archive).is_file():
        pytest.skip(
            f"{ARCHIVE_ENV} does not name the 20news-bydate.tar.gz archive; the 20 Newsgroups "
            "checks need the real data (CI sets it from ../shared/data)"
        )
    from topiccli.corpus.archive import import_archive

    home = tmp_path_factory.mktemp("scikit_learn_data")
    import_archive(archive, home)
    return home


@pytest.fixture
def sample_corpus() -> Path:
    assert SAMPLE.is_dir(), "the bundled sample corpus is missing"
    return SAMPLE


HOUR_AGO = time.time() - 3600


def age(path: Path) -> None:
    """Backdate every file, as for data settled long before the run (see cache.RACY_NS)."""
    for file in [path, *path.rglob("*")]:
        os.utime(file, (HOUR_AGO, HOUR_AGO))


@pytest.fixture
def corpus(tmp_path, sample_corpus) -> Path:
    """A private, settled copy of the sample corpus that tests may edit."""
    copy = tmp_path / "essays"
    shutil.copytree(sample_corpus, copy)
    age(copy)
    return copy


def fit_report(source, settings, model, cache_dir=None, **files):
    """A finished fit through the application layer (``files``: FitFiles fields)."""
    from topiccli.models.run import RunRequest, run_model
    from topiccli.specs import FitFiles

    return run_model(RunRequest(source, settings, model, FitFiles(**files), cache_dir=cache_dir))


def load_matrix(source, settings, cache_dir=None):
    """(corpus, document-term matrix, cache state) for a SourceSpec, as a run builds them."""
    from topiccli.models.corpus_matrix import matrix_of

    return matrix_of(source, settings, cache_dir)
