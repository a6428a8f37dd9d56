"""Shared fixtures: the 20 Newsgroups archive (optional), sample corpora, planted data."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from .helpers import ARCHIVE_ENV, SAMPLE, age


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


@pytest.fixture
def corpus(tmp_path, sample_corpus) -> Path:
    """A private, settled copy of the sample corpus that tests may edit."""
    copy = tmp_path / "essays"
    shutil.copytree(sample_corpus, copy)
    age(copy)
    return copy


@pytest.fixture(scope="session")
def essays_model(tmp_path_factory) -> Path:
    """A model of the sample essays (NMF, k=6) saved once for the session's show/infer tests."""
    from typer.testing import CliRunner

    from topiccli.cli import app

    folder = tmp_path_factory.mktemp("model") / "essays.model"
    args = ["nmf", "-i", str(SAMPLE), "--k", "6", "--save", str(folder), "--no-cache"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.stderr
    return folder
