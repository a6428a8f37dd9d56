"""Quality evidence: NPMI against a brute-force reference, fit measures against scikit-learn,
SVD poles, labels, representative documents, and planted topics coming back out."""

from __future__ import annotations

import itertools
import json
import math

import numpy as np
import pytest
import scipy.sparse as sp
from typer.testing import CliRunner

from topiccli.cli import app
from topiccli.corpus.synthetic import planted, write_folder
from topiccli.factorize import nmf, truncated_svd
from topiccli.quality import coherence, documents, explained, labels
from topiccli.quality.assess import assess
from topiccli.quality.describe import NEGLIGIBLE, describe_nmf, describe_svd, order_nmf

from ..helpers import TUTORIAL_CATEGORIES

runner = CliRunner()


def brute_npmi(B: np.ndarray, cols: list[int]) -> float:
    """NPMI by counting documents one by one (the definition in coherence.py)."""
    n = B.shape[0]
    values = []
    for i, j in itertools.combinations(cols, 2):
        di = sum(1 for row in B if row[i])
        dj = sum(1 for row in B if row[j])
        dij = sum(1 for row in B if row[i] and row[j])
        if dij == 0:
            values.append(-1.0)
        elif dij == n:
            values.append(1.0)
        else:
            pij, pi, pj = dij / n, di / n, dj / n
            values.append(math.log(pij / (pi * pj)) / -math.log(pij))
    return sum(values) / len(values)


def test_npmi_matches_brute_force_on_a_tiny_matrix():
    rng = np.random.default_rng(1)
    counts = rng.poisson(0.8, size=(25, 9)).astype(float)
    counts[:, 6] = 0
    counts[:12, 6] = 3  # word 6 only in the first half ...
    counts[:, 7] = 0
    counts[12:, 7] = 1  # ... word 7 only in the second: they never co-occur (NPMI −1)
    counts[:, 8] = 2  # word 8 is in every document
    topics = [[0, 1, 2, 3], [6, 7], [4, 5, 6, 7, 8], [8, 0]]
    got = coherence.coherence_npmi(sp.csr_matrix(counts), [np.array(t) for t in topics])
    expected = [brute_npmi(counts > 0, t) for t in topics]
    assert got == pytest.approx(expected, abs=1e-12)
    assert got[1] == -1.0
    dense = coherence.coherence_npmi(counts, [np.array(t) for t in topics])
    assert dense == pytest.approx(expected, abs=1e-12)


def test_diversity_is_the_share_of_distinct_words():
    assert coherence.diversity([["a", "b"], ["b", "c"]]) == 0.75
    assert coherence.diversity([["a", "b"], ["c", "d"]]) == 1.0


def test_explained_variance_ratio_matches_scikit_learn():
    from sklearn.decomposition import TruncatedSVD

    X = sp.random(60, 40, density=0.15, random_state=3, format="csr")
    ours = truncated_svd(X, 5)
    ratios = explained.explained_variance_ratio(X, ours.U, ours.s)
    reference = TruncatedSVD(5, algorithm="arpack", random_state=0).fit(X)
    assert ratios == pytest.approx(reference.explained_variance_ratio_, rel=1e-8)


def test_relative_error_is_relative_to_the_norm_of_x():
    X = sp.csr_matrix(np.array([[3.0, 0.0], [0.0, 4.0]]))
    assert explained.relative_error(X, 2.5) == pytest.approx(0.5)


def test_svd_poles_are_the_two_ends_of_each_component():
    X = sp.random(80, 50, density=0.2, random_state=4, format="csr")
    terms = np.array([f"w{j}" for j in range(50)], dtype=object)
    result = truncated_svd(X, 4)
    for topic, row in zip(describe_svd(result, terms, 5), result.Vt):
        order = np.argsort(row)
        assert topic.words == list(terms[order[::-1][:5]])
        negatives = [j for j in order[:5] if row[j] < 0]
        assert topic.negative_words == list(terms[negatives])
        assert topic.negative_weights == sorted(topic.negative_weights)
        assert all(w < 0 for w in topic.negative_weights)


def test_labels_dominant_share_nmi_and_purity():
    winners = np.array([0, 0, 0, 1, 1, 2, -1, 1])
    names = ["a", "a", "b", "b", "b", None, "a", "c"]
    assert labels.topic_labels(winners, names, 4) == [
        ("a", pytest.approx(2 / 3)),
        ("b", pytest.approx(2 / 3)),
        (None, None),
        (None, None),
    ]
    scores = labels.label_scores(winners, names)
    assert scores["label_purity"] == pytest.approx(4 / 6)
    from sklearn.metrics import normalized_mutual_info_score

    expected = normalized_mutual_info_score(["a", "a", "b", "b", "b", "c"], [0, 0, 0, 1, 1, 1])
    assert scores["label_nmi"] == pytest.approx(expected)


@pytest.mark.parametrize("seed", range(4))
def test_nmi_equals_scikit_learns(seed):
    from sklearn.metrics import normalized_mutual_info_score

    rng = np.random.default_rng(seed)
    truth = rng.integers(0, 1 + seed, size=50).astype(str)
    found = rng.integers(0, 3, size=50) if seed != 3 else np.zeros(50, int)
    ours = labels.normalized_mutual_info(labels.contingency(truth, found))
    assert ours == pytest.approx(normalized_mutual_info_score(truth, found), abs=1e-12)


def test_representative_documents_and_snippets():
    weights = np.array([[0.1, 0.0], [0.9, 0.0], [0.5, 0.2]])
    ids = ["x.txt", "y.txt", "z.txt"]
    texts = ["short", "  many\n\twords   here ", "z" * 300]
    chosen = documents.representative(weights, ids, texts, 2)
    assert [d["id"] for d in chosen[0]] == ["y.txt", "z.txt"]
    assert chosen[0][0] == {"id": "y.txt", "weight": 0.9, "snippet": "many words here"}
    assert [d["id"] for d in chosen[1]] == ["z.txt"]  # no document with weight 0
    assert len(chosen[1][0]["snippet"]) == documents.SNIPPET_CHARS
    assert chosen[1][0]["snippet"].endswith("…")


@pytest.fixture(scope="module")
def planted_corpus():
    return planted(400, 5, words_per_topic=30, background_words=100, purity=0.8, seed=2)


def test_planted_topics_are_recovered_and_more_coherent_than_shuffled(planted_corpus):
    pc = planted_corpus
    X = pc.counts
    terms = np.array(pc.vocabulary, dtype=object)
    fitted = order_nmf(nmf(X, 5, seed=0, max_iter=400))
    topics = describe_nmf(fitted, terms, 8)
    planted_sets = [set(words) for words in pc.topic_words]
    background = set(pc.vocabulary) - set().union(*planted_sets)
    matched = set()
    for topic in topics:
        topical = set(topic.words) - background  # the commonest background word shows up too
        owner = [i for i, words in enumerate(planted_sets) if topical <= words]
        assert len(owner) == 1 and len(topical) >= 6, topic.words
        matched.add(owner[0])
    assert matched == set(range(5))  # every planted topic is found, once
    described, metrics = assess(fitted, fitted.W, X, topics, 8)
    rng = np.random.default_rng(0)
    vocab_index = {w: j for j, w in enumerate(pc.vocabulary)}
    all_words = [vocab_index[w] for t in topics for w in t.words]
    shuffled = rng.permutation(all_words).reshape(5, 8)
    shuffled_scores = coherence.coherence_npmi(X, list(shuffled))
    planted_scores = [t.quality["coherence_npmi"] for t in described]
    assert min(planted_scores) > max(shuffled_scores)
    assert metrics["coherence_npmi"] > 0.1 > float(np.mean(shuffled_scores))
    assert metrics["diversity"] >= 0.8


def test_cli_docs_labels_and_metrics_in_json(sample_corpus):
    result = runner.invoke(
        app,
        ["nmf", "--input", str(sample_corpus), "--k", "6", "--vectorizer", "tfidf",
         "--docs", "3", "--format", "json"],
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    m = report["metrics"]
    assert -1 <= m["coherence_npmi"] <= 1 and 0 < m["diversity"] <= 1
    assert 0 < m["relative_reconstruction_error"] < 1
    assert 0 <= m["label_nmi"] <= 1 and 0 < m["label_purity"] <= 1
    sizes = 0
    for topic in report["topics"]:
        assert -1 <= topic["coherence_npmi"] <= 1
        assert topic["label"] in {p.name for p in sample_corpus.iterdir()}
        assert 0 < topic["label_share"] <= 1
        docs = topic["representative_docs"]
        assert len(docs) == 3
        assert [d["weight"] for d in docs] == sorted((d["weight"] for d in docs), reverse=True)
        for doc in docs:
            assert (sample_corpus / doc["id"]).is_file()
            assert "\n" not in doc["snippet"] and doc["snippet"]
        sizes += topic["n_documents"]
    assert sizes == report["corpus"]["n_documents"]
    assert "metrics" in report["timings"]


def test_svd_table_shows_both_poles(sample_corpus):
    result = runner.invoke(app, ["svd", "--input", str(sample_corpus), "--k", "3"])
    assert result.exit_code == 0, result.stderr
    assert "+ " in result.stdout and " / − " in result.stdout
    assert "explained variance" in result.stdout


@pytest.mark.newsgroups
def test_newsgroups_labels_and_svd_poles(newsgroups_home):
    from pathlib import Path

    from topiccli.specs import SourceSpec
    from topiccli.text.vectorize import VectorizerSettings

    from ..helpers import load_matrix as load_and_vectorize

    args = ["--categories", ",".join(TUTORIAL_CATEGORIES), "--data-home", str(newsgroups_home),
            "--k", "6", "--format", "json"]  # fmt: skip
    result = runner.invoke(app, ["svd", *args])
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert 0 < report["metrics"]["label_nmi"] <= 1
    assert {t["label"] for t in report["topics"]} <= set(TUTORIAL_CATEGORIES) | {None}
    ratios = report["metrics"]["explained_variance_ratio"]
    assert len(ratios) == 6 and sum(ratios) == pytest.approx(
        report["metrics"]["explained_variance_ratio_total"]
    )
    source = SourceSpec(categories=tuple(TUTORIAL_CATEGORIES), data_home=Path(newsgroups_home))
    _, dt, _ = load_and_vectorize(source, VectorizerSettings())
    svd = truncated_svd(dt.X, 6)
    for topic, row in zip(report["topics"], svd.Vt):
        order = np.argsort(row, kind="stable")
        largest = np.argsort(-row, kind="stable")[:8]  # ties: the earlier term (TF-IDF has them)
        assert topic["words"] == list(dt.terms[largest])  # largest first
        floor = NEGLIGIBLE * np.abs(row).max()  # rounding noise is no pole
        negatives = [j for j in order[:8] if row[j] < -floor]
        assert topic["negative_words"] == list(dt.terms[negatives])  # most negative first
    assert any(len(t["negative_words"]) == 8 for t in report["topics"][1:])
    nmf_report = json.loads(runner.invoke(app, ["nmf", *args]).stdout)
    assert 0 < nmf_report["metrics"]["label_nmi"] <= 1


def test_stability_matches_topics_one_to_one():
    from topiccli.quality import stability

    a = [["x", "y", "z"], ["p", "q", "r"]]
    b = [["p", "q", "s"], ["x", "y", "z"]]  # same topics, other order, one word changed
    assert stability.matched_overlap(a, b) == pytest.approx([1.0, 0.5])
    assert stability.topic_stability(a, [b, a]) == pytest.approx([1.0, 0.75])
    assert stability.run_stability([a, b, a]) == pytest.approx((0.75 + 1.0 + 0.75) / 3)
    assert stability.run_stability([a]) is None


def test_k_range_parsing():
    from topiccli.errors import InvalidParameterError
    from topiccli.specs import parse_k_range

    assert parse_k_range("2:5") == (2, 3, 4, 5)
    assert parse_k_range("2:20:6") == (2, 8, 14, 20)
    assert parse_k_range("7") == (7,)
    for bad in ("5:2", "0:3", "a:b", "2:5:0", "1:2:3:4"):
        with pytest.raises(InvalidParameterError):
            parse_k_range(bad)


def test_sweep_recommends_the_planted_k(tmp_path):
    pc = planted(300, 5, words_per_topic=30, background_words=100, purity=0.8, seed=2)
    write_folder(pc, tmp_path)
    result = runner.invoke(
        app,
        ["sweep", "--input", str(tmp_path), "--stop-words", "none", "--k", "2:8",
         "--seeds", "3", "--format", "json"],
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["recommended_k"] == 5
    assert [r["k"] for r in report["results"]] == list(range(2, 9))
    best = max(report["results"], key=lambda r: r["score"])
    assert best["k"] == 5 and best["stability"] == pytest.approx(1.0)
    for row in report["results"]:
        expected = (1 + row["coherence_npmi"]) / 2 * row["diversity"] * row["stability"]
        assert row["score"] == pytest.approx(expected)
        assert 0 < row["relative_reconstruction_error"] < 1 and 0 <= row["label_nmi"] <= 1
    assert report["results"][3]["label_nmi"] == pytest.approx(1.0)  # k=5 finds the labels
    table = runner.invoke(app, ["sweep", "--input", str(tmp_path), "--k", "4:6", "--method",
                                "svd"])  # fmt: skip
    assert table.exit_code == 0 and "Recommended k = " in table.stdout
    assert "Score by k" in table.stdout and "expl. var." in table.stdout


def test_sweep_rejects_a_bad_range_as_usage(sample_corpus):
    result = runner.invoke(app, ["sweep", "--input", str(sample_corpus), "--k", "9:3"])
    assert result.exit_code == 2 and "FIRST" in result.stderr


def test_seeds_give_per_topic_stability_and_plot_goes_to_stderr(sample_corpus):
    result = runner.invoke(
        app,
        ["nmf", "--input", str(sample_corpus), "--k", "6", "--vectorizer", "tfidf",
         "--seeds", "3", "--plot", "--format", "json"],
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)  # stdout stays pure data
    assert report["metrics"]["seeds"] == 3 and 0 < report["metrics"]["stability"] <= 1
    for topic in report["topics"]:
        assert 0 <= topic["stability"] <= 1
        assert topic["unstable"] == (topic["stability"] < 0.5)
    assert "Documents won per topic" in result.stderr and "█" in result.stderr
    svd = runner.invoke(app, ["svd", "--input", str(sample_corpus), "--k", "3", "--plot"])
    assert "Singular value spectrum" in svd.stderr and "σ 2 " in svd.stderr
    assert "Singular value" not in svd.stdout


def test_unstable_topics_are_flagged_in_the_table():
    from types import SimpleNamespace

    from topiccli.quality.describe import Topic
    from topiccli.render.present import quality_columns

    topic = Topic(0, 1.0, ["a"], [1.0], quality={"stability": 0.25, "unstable": True})
    report = SimpleNamespace(topics=[topic])
    cells = {heading: cell(topic) for heading, cell in quality_columns(report)}
    assert cells["stability"] == "0.25" and cells["flags"] == "unstable"


def test_progress_only_on_a_terminal_and_never_when_quiet():
    import io

    from topiccli.render.progress import make_progress

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    assert make_progress(stream=io.StringIO()) is None
    assert make_progress(quiet=True, stream=Terminal()) is None
    stream = Terminal()
    with make_progress(stream=stream) as progress:
        progress.stage("loading documents")
        callback = progress.iterations("NMF k=3", 10)
        callback(1, 2.5)
    assert "NMF k=3" in stream.getvalue()


def _run_with_stderr_on_a_terminal(args: list[str]) -> tuple[int, bytes, bytes]:
    """Run ``python -m topiccli ARGS`` with stdout on a pipe and stderr on a pseudo-terminal."""
    import os
    import subprocess
    import sys
    import threading

    pty = pytest.importorskip("pty", reason="pseudo-terminals are POSIX-only")
    master, slave = pty.openpty()
    env = {**os.environ, "TERM": "xterm", "COLUMNS": "100"}
    command = [sys.executable, "-m", "topiccli", *args]
    proc = subprocess.Popen(
        command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=slave, env=env
    )
    os.close(slave)
    err = bytearray()

    def drain() -> None:  # read the terminal while the command runs, so it never blocks
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the command closed the terminal
                break
            if not chunk:
                break
            err.extend(chunk)

    reader = threading.Thread(target=drain)
    reader.start()
    out = proc.stdout.read()
    proc.wait(timeout=120)
    reader.join(timeout=10)
    os.close(master)
    return proc.returncode, out, bytes(err)


def test_progress_shows_on_a_terminal_stderr_never_on_stdout_and_not_with_quiet(sample_corpus):
    args = ["nmf", "--input", str(sample_corpus), "--k", "4", "--format", "json"]
    piped = runner.invoke(app, args)  # stderr not a terminal: no progress
    assert piped.exit_code == 0 and piped.stderr == ""
    # That run filled this test's private corpus cache: the two below skip scikit-learn (and
    # fit: another k is another run).
    args[args.index("--k") + 1] = "5"
    code, out, err = _run_with_stderr_on_a_terminal(args)
    assert code == 0, err.decode(errors="replace")
    report = json.loads(out)  # stdout is pure data: no escape codes, no progress lines
    assert report["k"] == 5 and b"\x1b" not in out
    shown = err.decode()
    assert "reading the cache" in shown and "fitting" in shown
    assert "NMF k=5 · iteration" in shown and " · error " in shown
    code, out, err = _run_with_stderr_on_a_terminal([*args, "--quiet"])
    assert code == 0 and json.loads(out)["k"] == 5
    assert err == b""  # --quiet: nothing at all on stderr


def test_kl_refits_start_from_frobenius_so_stability_measures_topics_not_a_solver_trap(
    sample_corpus,
):
    from topiccli.models.fitting import factorize, fit_model, resolve_model
    from topiccli.quality import stability
    from topiccli.quality.describe import describe_nmf
    from topiccli.specs import ModelSpec, SourceSpec
    from topiccli.text.vectorize import VectorizerSettings

    from ..helpers import load_matrix

    _, dt, _ = load_matrix(SourceSpec(input=sample_corpus), VectorizerSettings())
    model = ModelSpec(method="nmf", k=6, loss="kl")
    reference = fit_model(dt, resolve_model(model, dt.settings.kind)).result
    variants = stability.reseeded(model, 3)
    assert stability.refit_start(dt.X, variants[0], "frobenius") is None
    W, H = stability.refit_start(dt.X, variants[0], "kl")
    assert W.shape == (dt.X.shape[0], 6) and H.shape == (6, dt.X.shape[1])

    def refit(variant):
        resolved = resolve_model(variant, dt.settings.kind)
        return factorize(dt, resolved, start=stability.refit_start(dt.X, variant, "kl"))

    warm = [reference] + [refit(v) for v in variants]
    raw = [reference] + [factorize(dt, resolve_model(v, dt.settings.kind))
                         for v in variants]  # init="random", straight into KL  # fmt: skip
    # Raw random starts settle well above the reference's divergence; warm ones do not.
    assert min(r.divergence for r in raw[1:]) > 1.05 * reference.divergence
    assert max(r.divergence for r in warm[1:]) < 1.02 * reference.divergence

    def words(results):
        return [[t.words for t in describe_nmf(r, dt.terms, 8)] for r in results]

    warm_stability = stability.run_stability(words(warm))
    raw_stability = stability.run_stability(words(raw))
    # measured: 1.0 against 0.30 (random starts into KL scatter: a third of the words agree)
    assert warm_stability > 0.9 and raw_stability < warm_stability - 0.5


def test_progress_counts_documents_and_their_rate():
    import io

    from topiccli.render.progress import make_progress

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    stream = Terminal()
    with make_progress(stream=stream) as progress:
        progress.stage("reading")
        counted = progress.documents("reading")
        counted(1024)
    shown = stream.getvalue()
    assert "reading · 1,024 documents · " in shown and " documents/s" in shown


def test_a_run_that_reads_shows_documents_per_second_on_the_terminal(sample_corpus):
    args = ["nmf", "--input", str(sample_corpus), "--k", "3", "--format", "json", "--no-cache"]
    code, out, err = _run_with_stderr_on_a_terminal(args)
    assert code == 0, err.decode(errors="replace")
    assert json.loads(out)["k"] == 3
    shown = err.decode()
    from topiccli.corpus import load_folder

    n = len(load_folder(sample_corpus))  # the documents the run read, before any junk check
    assert f"reading · {n:,} documents · " in shown and " documents/s" in shown


def test_infer_shows_its_progress_on_a_terminal_only(sample_corpus, tmp_path):
    model = tmp_path / "m"
    fit = runner.invoke(app, ["nmf", "--input", str(sample_corpus), "--k", "4", "--save",
                              str(model), "--no-cache"])  # fmt: skip
    assert fit.exit_code == 0, fit.stderr
    args = ["infer", str(model), "--input", str(sample_corpus), "--format", "json"]
    piped = runner.invoke(app, args)  # stderr not a terminal: nothing there
    assert piped.exit_code == 0 and piped.stderr == ""
    assert set(json.loads(piped.stdout)["timings"]) == {"load_model", "load", "infer"}
    code, out, err = _run_with_stderr_on_a_terminal(args)
    assert code == 0, err.decode(errors="replace")
    assert (
        json.loads(out)["corpus"]["n_documents"]
        == json.loads(piped.stdout)["corpus"]["n_documents"]
    )
    shown = err.decode()
    assert "loading the model" in shown and "inferring topic weights" in shown
    assert " documents · " in shown and " documents/s" in shown
    code, out, err = _run_with_stderr_on_a_terminal([*args, "--quiet"])
    assert code == 0 and err == b""
