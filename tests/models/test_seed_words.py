"""Seed words: the core's seeded NMF (both losses, free topics, determinism, the hold), the seed
file, missing words explained, and the CLI's JSON, table and bundle."""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from topiccli.cli import app
from topiccli.corpus.synthetic import planted, write_folder
from topiccli.errors import InvalidParameterError, UsageError
from topiccli.factorize import Seeding, nmf, seeded_nmf
from topiccli.models.seed_words import absent_reasons, read_seed_words
from topiccli.specs import VectorizerSettings

runner = CliRunner()


@pytest.fixture(scope="module")
def corpus():
    return planted(400, 4, words_per_topic=30, background_words=100, seed=3)


def _top(H, t, n=10):
    return set(np.argsort(-H[t], kind="stable")[:n].tolist())


@pytest.mark.parametrize("loss", ["frobenius", "kl"])
def test_seeded_topic_holds_its_seeds_and_free_topics_find_the_rest(corpus, loss):
    X, wpt = corpus.counts, 30
    seeds = np.array([2 * wpt + 4, 2 * wpt + 7, 2 * wpt + 11])  # planted topic 2, not its top
    r = seeded_nmf(X, 4, Seeding((seeds,)), loss=loss, max_iter=300, tol=1e-6)
    top0 = _top(r.H, 0)
    assert set(seeds.tolist()) <= top0
    assert {j // wpt for j in top0} <= {2, 4}  # planted topic 2 (and background words, 4+)
    for t in (1, 2, 3):  # the free topics are free: no seed among their top words ...
        assert not set(seeds.tolist()) & _top(r.H, t)
    assert {min(_top(r.H, t, 5)) // wpt for t in (1, 2, 3)} == {0, 1, 3}  # ... the others
    assert r.W.shape == (X.shape[0], 4) and r.init.startswith("seeded+")
    again = seeded_nmf(X, 4, Seeding((seeds,)), loss=loss, max_iter=300, tol=1e-6)
    np.testing.assert_array_equal(r.H, again.H)
    np.testing.assert_array_equal(r.W, again.W)


def test_guide_documents_hold_a_seed_the_data_would_drop(corpus):
    """A background word seeded with two topic words: the seeded start alone lets it drift
    out of the topic's top words; the guide documents (strength > 0) keep it there."""
    X, wpt = corpus.counts, 30
    background = 4 * wpt + 60  # a rare background word
    seeds = np.array([wpt + 3, wpt + 9, background])
    held = seeded_nmf(X, 4, Seeding((seeds,)), loss="kl", max_iter=300, tol=1e-6)
    loose = seeded_nmf(X, 4, Seeding((seeds,), 0.0), loss="kl", max_iter=300, tol=1e-6)
    assert background in _top(held.H, 0)
    assert background not in _top(loose.H, 0)


def test_seeded_divergence_is_measured_on_the_documents_alone(corpus):
    X = corpus.counts
    r = seeded_nmf(X, 4, Seeding(([5, 6],)), loss="frobenius", max_iter=50)
    direct = 0.5 * np.linalg.norm(X.toarray() - r.W @ r.H) ** 2
    assert r.divergence == pytest.approx(direct, rel=1e-9)
    assert nmf(X, 4, max_iter=50).W.shape == r.W.shape


def test_seeding_is_checked():
    X = np.ones((6, 5))
    with pytest.raises(InvalidParameterError, match="columns"):
        seeded_nmf(X, 2, Seeding(([7],)))
    with pytest.raises(InvalidParameterError, match="1 to k=2"):
        seeded_nmf(X, 2, Seeding(([0], [1], [2])))


def test_seed_file_names_words_and_refuses_empty_lines(tmp_path):
    path = tmp_path / "seeds.txt"
    path.write_text("# comment\nspace: NASA orbit shuttle\n\nmedicine doctor\n", encoding="utf-8")
    seeds = read_seed_words(path)
    assert [(s.name, s.words) for s in seeds] == [
        ("space", ("nasa", "orbit", "shuttle")), (None, ("medicine", "doctor"))]  # fmt: skip
    path.write_text("space:\n", encoding="utf-8")
    with pytest.raises(UsageError, match="line 1"):
        read_seed_words(path)


def test_absent_words_say_why():
    texts = ["alpha beta gamma", "alpha beta delta", "alpha gamma beta", "alpha zeta"] * 3
    texts.append("epsilon alpha")
    settings = VectorizerSettings(min_df=2, max_df=0.9, clean="none", stop_words="english",
                                  language="en")  # fmt: skip
    reasons = absent_reasons(["the", "x11", "omega", "epsilon", "alpha"], settings, texts)
    assert reasons["the"].startswith("is a stop word")
    assert reasons["x11"].startswith("is never tokenized")
    assert reasons["omega"] == "never occurs in the corpus"
    assert reasons["epsilon"].startswith("was pruned by min_df=2 (in 1 documents)")
    assert reasons["alpha"].startswith("was pruned by max_df=0.9")


def _cli(*args):
    return runner.invoke(app, [str(a) for a in args])


def test_cli_seeds_come_first_named_in_json_table_and_bundle(corpus, tmp_path):
    folder = tmp_path / "docs"
    write_folder(corpus, folder)
    words = corpus.topic_words
    seeds = tmp_path / "seeds.txt"
    seeds.write_text(f"third: {words[2][3]} {words[2][6]}\n{words[0][4]} {words[0][8]}\n")
    model = tmp_path / "model"
    base = ("nmf", "--input", folder, "-k", 4, "--seed-words", seeds, "--min-df", 1, "--quiet")
    result = _cli(*base, "--format", "json", "--save", model)
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    first, second, *free = report["topics"]
    assert first["name"] == "third" and first["seed_words"] == [words[2][3], words[2][6]]
    assert set(first["seed_words"]) <= set(first["words"])
    assert "name" not in second and set(second["seed_words"]) <= set(second["words"])
    assert all("seed_words" not in t and "name" not in t for t in free)
    assert report["init"].startswith("seeded+")
    shown = json.loads(_cli("show", model, "--format", "json").stdout)
    assert [t.get("seed_words") for t in shown["topics"]] == [
        t.get("seed_words") for t in report["topics"]]  # fmt: skip
    assert shown["topics"][0]["name"] == "third"
    table = _cli(*base)
    assert "[third; seeds " in table.stdout


def test_cli_missing_seed_word_is_an_error_naming_it(corpus, tmp_path):
    folder = tmp_path / "docs"
    write_folder(corpus, folder)
    seeds = tmp_path / "seeds.txt"
    seeds.write_text(f"{corpus.topic_words[1][0]} the unheardofword\n")
    result = _cli(
        "nmf",
        "--input",
        folder,
        "-k",
        3,
        "--seed-words",
        seeds,
        "--quiet",
        "--stop-words",
        "english",
    )
    assert result.exit_code == InvalidParameterError.exit_code
    assert "'the' is a stop word" in result.stderr
    assert "'unheardofword' never occurs in the corpus" in result.stderr
    too_many = tmp_path / "many.txt"
    too_many.write_text("a1 b\nc d\ne f\ng h\n")
    result = _cli("nmf", "--input", folder, "-k", 3, "--seed-words", too_many, "--quiet")
    assert result.exit_code == UsageError.exit_code and "more than --k=3" in result.stderr
