"""The corpus cache: hits skip loading and vectorizing, edits and corruption force a rebuild."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from topiccli import cache
from topiccli.specs import SourceSpec
from topiccli.text.vectorize import VectorizerSettings

from ..helpers import HOUR_AGO, TUTORIAL_CATEGORIES, age, load_matrix
from .cache_support import (
    entries,
    forbid_loading,
    forget_runs,
    run_json,
    without_run_details,
)


def test_second_run_is_a_hit_that_neither_loads_nor_vectorizes(
    corpus, private_cache_dir, monkeypatch
):
    args = ("nmf", "--input", corpus, "--k", 4, "--vectorizer", "count")
    first, _ = run_json(*args)
    assert first["corpus"]["cache"] == "miss"
    assert len(entries(private_cache_dir)) == 1
    forbid_loading(monkeypatch)
    second, stderr = run_json(*args)
    assert second["corpus"]["cache"] == "hit" and stderr == ""
    assert second["timings"]["load"] == second["timings"]["vectorize"] == 0.0
    assert without_run_details(second) == without_run_details(first)


def test_a_different_setting_or_k_reuses_or_separates_entries(corpus, private_cache_dir):
    base = ("svd", "--input", corpus)
    assert run_json(*base, "--k", 3)[0]["corpus"]["cache"] == "miss"
    assert run_json(*base, "--k", 5)[0]["corpus"]["cache"] == "hit"  # k is not a corpus setting
    for option, value in [("--vectorizer", "count"), ("--min-df", "2"), ("--min-df", "0.05"),
                          ("--ngram-range", "1,2"), ("--stop-words", "none"),
                          ("--max-features", "50"), ("--glob", "0*.txt")]:  # fmt: skip
        assert run_json(*base, "--k", 2, option, value)[0]["corpus"]["cache"] == "miss", option
    assert len(entries(private_cache_dir)) == 8
    assert run_json(*base, "--min-df", "2")[0]["corpus"]["cache"] == "hit"


def test_an_edited_file_misses_and_is_read_afresh(corpus):
    args = ("svd", "--input", corpus, "--k", 3, "--min-df", 1)
    before, _ = run_json(*args)
    run_json(*args)
    edited = corpus / "astronomy" / "01.txt"
    edited.write_text(edited.read_text() + "\nzyzzyva\n", encoding="utf-8")
    after, _ = run_json(*args)
    assert after["corpus"]["cache"] == "miss"
    assert after["corpus"]["n_terms"] == before["corpus"]["n_terms"] + 1


def test_an_edit_that_keeps_size_and_mtime_still_misses(corpus):
    args = ("svd", "--input", corpus, "--k", 3)
    run_json(*args)
    edited = corpus / "astronomy" / "01.txt"
    text = edited.read_text(encoding="utf-8")
    edited.write_text(text.replace("the", "zyx", 1), encoding="utf-8")
    os.utime(edited, (HOUR_AGO, HOUR_AGO))  # the size is the same, the mtime restored
    after, _ = run_json(*args)
    assert after["corpus"]["cache"] == "miss"


def test_added_and_removed_files_miss(corpus):
    args = ("svd", "--input", corpus, "--k", 3)
    run_json(*args)
    extra = corpus / "astronomy" / "99.txt"
    extra.write_text("comets and meteors and comets", encoding="utf-8")
    age(corpus)
    grown, _ = run_json(*args)
    assert grown["corpus"]["cache"] == "miss"
    extra.unlink()
    shrunk, _ = run_json(*args)
    assert shrunk["corpus"]["cache"] == "miss"
    assert shrunk["corpus"]["n_documents"] == grown["corpus"]["n_documents"] - 1


def test_an_entry_from_newer_data_replaces_the_old_one(corpus, private_cache_dir):
    args = ("svd", "--input", corpus, "--k", 3)
    run_json(*args)
    run_json(*args, "--vectorizer", "count")
    before = entries(private_cache_dir)
    edited = corpus / "astronomy" / "02.txt"
    edited.write_text(edited.read_text(encoding="utf-8") + " saffron", encoding="utf-8")
    age(corpus)
    assert run_json(*args)[0]["corpus"]["cache"] == "miss"
    after = entries(private_cache_dir)
    assert len(after) == 2 and len(set(before) & set(after)) == 1  # tfidf's is untouched
    # each entry's three files and its alias (the superseded entry's alias is gone with it)
    assert len(list((private_cache_dir / cache.SUBDIR).iterdir())) == 2 * 3 + 2
    assert len(list((private_cache_dir / cache.SUBDIR).glob("*.alias"))) == 2
    assert run_json(*args)[0]["corpus"]["cache"] == "hit"


def test_recently_modified_data_is_not_stored(corpus, private_cache_dir):
    (corpus / "astronomy" / "01.txt").touch()  # an edit may still be under way
    args = ("svd", "--input", corpus, "--k", 3)
    assert run_json(*args)[0]["corpus"]["cache"] == "miss"
    assert entries(private_cache_dir) == []


def test_a_changed_stop_word_file_misses(corpus, tmp_path):
    words = tmp_path / "stop.txt"
    words.write_text("the\nand\n", encoding="utf-8")
    args = ("svd", "--input", corpus, "--k", 3, "--stop-words", words)
    assert run_json(*args)[0]["corpus"]["cache"] == "miss"
    assert run_json(*args)[0]["corpus"]["cache"] == "hit"
    words.write_text("the\nand\nof\n", encoding="utf-8")
    assert run_json(*args)[0]["corpus"]["cache"] == "miss"


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda p: p.with_suffix(".npz").write_bytes(b""), id="empty-arrays"),
        pytest.param(
            lambda p: p.with_suffix(".npz").write_bytes(p.with_suffix(".npz").read_bytes()[:-50]),
            id="truncated-arrays",
        ),
        pytest.param(lambda p: _flip_byte(p.with_suffix(".npz")), id="flipped-byte"),
        pytest.param(lambda p: p.with_suffix(".npz").unlink(), id="missing-arrays"),
        pytest.param(lambda p: p.write_text("{not json", encoding="utf-8"), id="garbled-json"),
        pytest.param(lambda p: _edit_json(p, n_terms=1, terms=["x"]), id="inconsistent-json"),
        pytest.param(lambda p: _flip_byte(p), id="flipped-json-byte"),
        pytest.param(lambda p: _edit_json(p, ids=["a"]), id="edited-json-with-checksum"),
    ],
)
def test_a_corrupt_entry_is_reported_ignored_and_rebuilt(corpus, private_cache_dir, damage):
    args = ("svd", "--input", corpus, "--k", 3)
    first, _ = run_json(*args)
    [entry] = entries(private_cache_dir)
    damage(entry)
    forget_runs(private_cache_dir)
    rebuilt, stderr = run_json(*args)
    assert rebuilt["corpus"]["cache"] == "miss"
    assert "Warning: ignoring a corrupt corpus cache entry" in stderr
    assert without_run_details(rebuilt) == without_run_details(first)
    forget_runs(private_cache_dir)
    again, stderr = run_json(*args)
    assert again["corpus"]["cache"] == "hit" and stderr == ""


def _flip_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


def _edit_json(path: Path, **changes) -> None:
    """Change the entry and re-sign it, so only the consistency checks can catch it."""
    from topiccli.cache import checked

    wrapped = json.loads(path.read_text(encoding="utf-8"))
    wrapped["entry"].update(changes)
    path.write_bytes(checked.wrap(json.dumps(wrapped["entry"]).encode("ascii")))


def test_texts_are_read_lazily_and_corrupt_texts_come_from_the_source(corpus, private_cache_dir):
    source = SourceSpec(input=corpus)
    settings = VectorizerSettings()
    built, _, state = load_matrix(source, settings, private_cache_dir)
    assert state == "miss"
    hit, _, state = load_matrix(source, settings, private_cache_dir)
    assert state == "hit" and isinstance(hit.texts, cache.LazyTexts)
    assert hit.texts._texts is None  # nothing read yet
    assert list(hit.texts) == built.texts and hit.ids == built.ids and hit.labels == built.labels
    [entry] = entries(private_cache_dir)
    _flip_byte(entry.with_suffix(".texts.zz"))
    damaged, _, state = load_matrix(source, settings, private_cache_dir)
    with pytest.warns(cache.CacheWarning, match="reading the source again"):
        assert damaged.texts[3] == built.texts[3]


def test_no_cache_option_and_env_turn_it_off(corpus, private_cache_dir):
    args = ("svd", "--input", corpus, "--k", 3)
    assert run_json(*args, "--no-cache")[0]["corpus"]["cache"] == "off"
    assert run_json(*args, env={"TOPICS_CACHE": "0"})[0]["corpus"]["cache"] == "off"
    assert not private_cache_dir.exists()
    assert run_json(*args)[0]["corpus"]["cache"] == "miss"
    assert run_json(*args, "--no-cache")[0]["corpus"]["cache"] == "off"


def test_cache_dir_option_moves_the_cache(corpus, tmp_path, private_cache_dir):
    elsewhere = tmp_path / "elsewhere"
    args = ("svd", "--input", corpus, "--k", 3, "--cache-dir", elsewhere)
    assert run_json(*args)[0]["corpus"]["cache"] == "miss"
    assert run_json(*args)[0]["corpus"]["cache"] == "hit"
    assert len(entries(elsewhere)) == 1 and not private_cache_dir.exists()


def test_an_unwritable_cache_warns_and_the_run_goes_on(corpus, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    report, stderr = run_json("svd", "--input", corpus, "--k", 3, "--cache-dir", blocker)
    assert report["corpus"]["cache"] == "miss" and report["topics"]
    assert "could not write the corpus cache" in stderr


def test_default_location_follows_xdg_then_home(monkeypatch, tmp_path):
    from topiccli.settings import Settings

    def resolved(*args, **kwargs):
        return cache.resolve_dir(*args, settings=Settings.from_environ(), **kwargs)

    monkeypatch.delenv("TOPICS_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert resolved() == tmp_path / "xdg" / "topiccli"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/ignored")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert resolved() == tmp_path / "home" / ".cache" / "topiccli"
    monkeypatch.setenv("TOPICS_CACHE_DIR", str(tmp_path / "env"))
    assert resolved() == tmp_path / "env"
    assert cache.resolve_dir() != tmp_path / "env"  # the library reads no environment itself
    assert resolved(tmp_path / "opt") == tmp_path / "opt"
    for off in ("0", "false", "no", "off", "OFF"):
        monkeypatch.setenv("TOPICS_CACHE", off)
        assert resolved(tmp_path / "opt") is None
    monkeypatch.setenv("TOPICS_CACHE", "1")
    assert resolved(disabled=True) is None


WARM_RUN = """
import sys
from topiccli.cli import app
try:
    app(sys.argv[1:], prog_name="topics")
except SystemExit as exit:
    assert not exit.code, exit.code
assert "sklearn" not in sys.modules, "a warm run imported scikit-learn"
"""


@pytest.mark.newsgroups
def test_tutorial_warm_run_skips_scikit_learn_and_matches_the_cold_run(
    newsgroups_home, private_cache_dir
):
    args = ["svd", "--categories", ",".join(TUTORIAL_CATEGORIES), "--k", "10",
            "--data-home", str(newsgroups_home), "--format", "json"]  # fmt: skip
    cold, _ = run_json(*args[:-2])
    assert cold["corpus"]["cache"] == "miss"
    forget_runs(private_cache_dir)  # the corpus cache's path; test_run_cache_* cover the other
    warm = subprocess.run(
        [sys.executable, "-c", WARM_RUN, *args], capture_output=True, text=True, check=True
    )
    report = json.loads(warm.stdout)
    assert report["corpus"]["cache"] == "hit"
    warm_report, cold_report = without_run_details(report), without_run_details(cold)
    warm_metrics, cold_metrics = warm_report.pop("metrics"), cold_report.pop("metrics")
    assert warm_report == cold_report
    # scores are sums over BLAS products: the same to the last bits or nearly (an earlier
    # test in this process may leave BLAS another thread count than the fresh warm process)
    assert warm_metrics.keys() == cold_metrics.keys()
    for name, value in cold_metrics.items():
        assert warm_metrics[name] == (
            pytest.approx(value, rel=1e-12, abs=1e-15)
            if isinstance(value, (float, list))
            else value
        ), name
    assert report["corpus"]["n_documents"] == 2034


@pytest.mark.newsgroups
@pytest.mark.parametrize(
    "subset, categories, remove",
    [
        ("train", ["alt.atheism", "sci.space"], ("headers", "footers", "quotes")),
        ("all", None, ()),
        ("test", ["sci.space", "comp.graphics"], ("quotes",)),
    ],
)
def test_loading_matches_scikit_learn_post_for_post(
    newsgroups_home, monkeypatch, subset, categories, remove
):
    from sklearn.datasets import fetch_20newsgroups

    from topiccli.corpus import bydate_cache, load_newsgroups

    theirs = fetch_20newsgroups(
        data_home=newsgroups_home,
        subset=subset,
        categories=categories,
        remove=remove,
        shuffle=False,
        download_if_missing=False,
    )
    own_reader = load_newsgroups(categories, subset, remove, newsgroups_home)
    # the fallback, when the cache file is not laid out as bydate_cache expects
    monkeypatch.setattr(bydate_cache, "choose_posts", lambda *args: None)
    fallback = load_newsgroups(categories, subset, remove, newsgroups_home)
    for ours in (own_reader, fallback):
        assert ours.texts == list(theirs.data)
        assert ours.labels == [theirs.target_names[t] for t in theirs.target]
        assert ours.ids == ["/".join(Path(f).parts[-3:]) for f in theirs.filenames]


def newsgroups_key(home=None, **choices) -> cache.Lookup:
    source = SourceSpec(data_home=home, **choices)
    return cache.lookup_key(source, VectorizerSettings())


def test_newsgroups_key_follows_the_selection_and_scikit_learns_cache_file(tmp_path, monkeypatch):
    home = tmp_path / "skl"
    home.mkdir()
    assert not newsgroups_key(home).storable  # no cache file yet: the loader will download
    pkz = home / "20news-bydate_py3.pkz"
    pkz.write_bytes(b"stand-in for scikit-learn's cache")
    first = newsgroups_key(home, categories=("sci.space", "alt.atheism"))
    assert first.storable
    assert newsgroups_key(home, categories=("alt.atheism", "sci.space")) == first
    assert newsgroups_key(home, categories=("alt.atheism",)) != first
    others = [
        newsgroups_key(home, categories=("sci.space", "alt.atheism"), subset="all"),
        newsgroups_key(home, categories=("sci.space", "alt.atheism"), remove=("headers",)),
    ]
    assert first not in others and others[0] != others[1]
    monkeypatch.setenv("SCIKIT_LEARN_DATA", str(home))  # read at the edge: topiccli.settings
    from topiccli.settings import Settings

    home_of_env = Settings.from_environ().data_home()
    assert newsgroups_key(home_of_env, categories=("sci.space", "alt.atheism")) == first
    replacement = tmp_path / "new.pkz"
    replacement.write_bytes(b"stand-in for scikit-learn's cache")  # same size
    os.replace(replacement, pkz)  # as `topics data import` and scikit-learn replace it
    assert newsgroups_key(home, categories=("sci.space", "alt.atheism")) != first


def test_key_needs_no_scikit_learn_import(tmp_path):
    code = (
        "import sys; from pathlib import Path; from topiccli import cache;"
        "from topiccli.specs import SourceSpec; from topiccli.text.vectorize import "
        "VectorizerSettings as V; cache.lookup_key(SourceSpec(data_home=Path(sys.argv[1])), V());"
        "assert 'sklearn' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code, str(tmp_path)], check=True)


def test_package_versions_are_read_without_importing_them():
    import numpy
    import scipy
    import sklearn

    assert cache.key.package_version("sklearn") == sklearn.__version__
    assert cache.key.package_version("numpy") == numpy.__version__
    assert cache.key.package_version("scipy") == scipy.__version__
    assert cache.key.package_version("no_such_package_here") == "unknown"


def test_a_segmented_corpus_read_back_is_tokenized_without_its_segmenter(
    tmp_path, private_cache_dir, monkeypatch
):
    """A corpus in a language written without spaces stores its segmentations with its entry:
    read back (a new process: the segmenter's memory empty), its c_npmi tokens come out the
    same without calling the segmenter. A damaged segmentations file is warned about, and
    the segmenter runs again."""
    from topiccli.text import segment
    from topiccli.text.vectorize import tokenizer

    from ..helpers import zh_corpus

    path = tmp_path / "zh.jsonl"
    path.write_text("".join(json.dumps({"text": t}) + "\n" for t in zh_corpus()), "utf-8")
    age(path)
    calls, real = [], segment._segmenter

    def counted(code):
        words = real(code)
        return lambda text: calls.append(text) or words(text)

    monkeypatch.setattr(segment, "_segmenter", counted)
    source, settings = SourceSpec(input=path), VectorizerSettings(language="zh")
    built, dt, state = load_matrix(source, settings, private_cache_dir)
    assert state == "miss" and calls
    expected = [tokenizer(dt.settings)(t) for t in built.texts]
    [entry] = entries(private_cache_dir)
    assert entry.with_suffix(".segments.zz").exists()

    segment._MEMO.clear()
    calls.clear()
    hit, dt, state = load_matrix(source, settings, private_cache_dir)
    assert state == "hit"
    assert [tokenizer(dt.settings)(t) for t in hit.texts] == expected
    assert calls == []

    segment._MEMO.clear()
    _flip_byte(entry.with_suffix(".segments.zz"))
    with pytest.warns(cache.CacheWarning, match="segmenting again"):
        damaged, dt, state = load_matrix(source, settings, private_cache_dir)
    assert state == "hit"
    assert [tokenizer(dt.settings)(t) for t in damaged.texts] == expected
    assert calls


def test_reduce_and_merge_find_the_fit_s_corpus_in_the_cache(
    corpus, tmp_path, private_cache_dir, monkeypatch
):
    """A fit stores its corpus under the settings asked and aliases it under the settings as
    resolved (what the bundle records): reduce and merge then read neither the corpus nor
    vectorize it, and give what they give without the cache."""
    model = tmp_path / "model"
    run_json("nmf", "--input", corpus, "--k", 5, "--save", model)
    [entry] = entries(private_cache_dir)
    [alias] = sorted(private_cache_dir.glob(f"{cache.SUBDIR}/*.alias"))
    assert alias.read_text("ascii") == entry.stem and alias.stem != entry.stem
    uncached = {edit: run_json(*args, "-o", tmp_path / f"{edit}-off", "--no-cache")[0]
                for edit, args in (("reduce", ("reduce", model, "--k", 3)),
                                   ("merge", ("merge", model, 0, 1)))}  # fmt: skip
    forbid_loading(monkeypatch)
    for edit, args in (("reduce", ("reduce", model, "--k", 3)), ("merge", ("merge", model, 0, 1))):
        cached, _ = run_json(*args, "-o", tmp_path / edit)
        assert cached["topics"] == uncached[edit]["topics"], edit
        assert cached["metrics"] == uncached[edit]["metrics"], edit


def test_an_alias_names_only_a_cache_key(tmp_path):
    """An alias file is followed only when it holds a key as the cache writes them."""
    store = cache.CorpusCache(tmp_path)
    store.directory.mkdir(parents=True)
    key = "0123456789abcdef01234567-89abcdef0123456789abcdef"
    (store.directory / "aaaaaaaaaaaaaaaaaaaaaaaa-bbbbbbbbbbbbbbbbbbbbbbbb.alias").write_text(
        "../../etc/passwd", "ascii"
    )
    assert store._aliased("aaaaaaaaaaaaaaaaaaaaaaaa-bbbbbbbbbbbbbbbbbbbbbbbb") == (
        "aaaaaaaaaaaaaaaaaaaaaaaa-bbbbbbbbbbbbbbbbbbbbbbbb"
    )
    store.alias("aaaaaaaaaaaaaaaaaaaaaaaa-cccccccccccccccccccccccc", key)
    assert store._aliased("aaaaaaaaaaaaaaaaaaaaaaaa-cccccccccccccccccccccccc") == key
    assert [p.stem for p in store.directory.glob("*.alias")] == [
        "aaaaaaaaaaaaaaaaaaaaaaaa-cccccccccccccccccccccccc"
    ]  # the older STATE's alias is dropped


def test_an_entry_is_written_without_building_its_files_whole_in_memory(
    corpus, private_cache_dir, monkeypatch
):
    """The texts are compressed a block at a time and decompress to their JSON list whatever
    the block size; the arrays go straight to their file (never through write_atomic's bytes)
    and the entry reads back."""
    import zlib

    from topiccli.cache import entry

    texts = [f'doc {i} "quoted", ünïcode 北京 \\ {i}' for i in range(23)] + ["", "["]
    for block in (1, 5, 10_000):
        monkeypatch.setattr(entry, "_BLOCK_TEXTS", block)
        assert json.loads(zlib.decompress(entry._compressed_list(texts))) == texts
    assert json.loads(zlib.decompress(entry._compressed_list([]))) == []
    whole, real = [], entry.write_atomic

    def recorded(path, content):
        whole.append(path.suffix)
        return real(path, content)

    monkeypatch.setattr(entry, "write_atomic", recorded)
    source, settings = SourceSpec(input=corpus), VectorizerSettings()
    built, dt, state = load_matrix(source, settings, private_cache_dir)
    assert state == "miss" and ".npz" not in whole and ".zz" in whole
    hit, again, state = load_matrix(source, settings, private_cache_dir)
    assert state == "hit" and (again.X != dt.X).nnz == 0 and list(hit.texts) == list(built.texts)
