"""The Dask engine (``topiccli.distributed``) on a small LocalCluster of 2 workers.

Skipped when the ``dask`` extra is not installed. Agreement with the core from the same start
(objective within 1e-6 relative, both losses), singular values within 1e-8, the two-pass
vectorizer against the one-machine Vectorizer (bit for bit), traffic per iteration, and
faults: a worker killed mid-fit, an unreachable scheduler, Ctrl-C.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import warnings
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip(
    "distributed", reason="the dask extra is not installed (pip install 'topiccli[dask]')"
)

import topiccli  # noqa: E402
from topiccli.corpus.synthetic import planted  # noqa: E402
from topiccli.distributed import (  # noqa: E402
    EngineError,
    close,
    connect,
    scatter_csr,
    vectorize_files,
)
from topiccli.distributed.nmf import Traffic, nmf  # noqa: E402
from topiccli.distributed.svd import truncated_svd  # noqa: E402
from topiccli.text.vectorize import VectorizerSettings  # noqa: E402

SOLVERS = [("frobenius", "hals"), ("frobenius", "mu"), ("kl", "mu"), ("kl", "amu")]


@pytest.fixture(scope="module")
def client():
    c = connect("local:2", timeout=30)
    yield c
    close(c)


@pytest.fixture(scope="module")
def matrix():
    return planted(240, 4, words_per_topic=15, background_words=60, seed=3, texts=False).counts


@pytest.fixture(scope="module")
def start(matrix):
    rng = np.random.default_rng(7)
    k = 4
    return rng.random((matrix.shape[0], k)) + 0.1, rng.random((k, matrix.shape[1])) + 0.1


@pytest.fixture(scope="module")
def blocks(client, matrix):
    return scatter_csr(client, matrix, 3)


def test_importing_topiccli_does_not_import_dask():
    code = (
        "import sys, topiccli, topiccli.factorize, topiccli.cli, topiccli.cli.app, "
        "topiccli.distributed; "
        "bad = [m for m in sys.modules if m.split('.')[0] in ('dask', 'distributed')]; "
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


@pytest.mark.parametrize(("loss", "solver"), SOLVERS)
def test_nmf_agrees_with_the_core_from_the_same_start(blocks, matrix, start, loss, solver):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        core = topiccli.nmf(matrix, 4, loss=loss, solver=solver, init=start, max_iter=25, tol=1e-7)
        dist = nmf(blocks, 4, loss=loss, solver=solver, init=start, max_iter=25, tol=1e-7)
    assert isinstance(dist, type(core))
    assert dist.n_iter == core.n_iter and dist.converged == core.converged
    assert abs(dist.divergence - core.divergence) <= 1e-6 * core.divergence
    assert dist.W.shape == core.W.shape and dist.H.shape == core.H.shape
    np.testing.assert_allclose(dist.W, core.W, rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(dist.H, core.H, rtol=1e-6, atol=1e-9)
    assert (dist.loss, dist.solver, dist.init) == (loss, solver, "custom")


def test_nmf_named_start_matches_the_core(blocks, matrix):
    # the engine's default KL solver is amu (ccd would sweep X by columns)
    core = topiccli.nmf(matrix, 4, loss="kl", solver="amu", max_iter=10, tol=1e-6)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        dist = nmf(blocks, 4, loss="kl", max_iter=10, tol=1e-6)
    assert dist.init == core.init == "nndsvda" and dist.solver == "amu"
    assert abs(dist.divergence - core.divergence) <= 1e-6 * core.divergence


def test_ccd_is_refused_on_the_blocks_rather_than_replaced(blocks):
    from topiccli.errors import InvalidParameterError

    with pytest.raises(InvalidParameterError, match="one machine only.*'amu', 'mu'"):
        nmf(blocks, 4, loss="kl", solver="ccd", max_iter=2)


@pytest.mark.parametrize("loss", ["kl", "frobenius"])
@pytest.mark.parametrize("regularization", [{}, {"alpha_W": 0.01, "l1_ratio": 0.5}])
def test_document_weights_on_the_blocks_equal_the_cores(blocks, matrix, loss, regularization):
    from topiccli.distributed.weights import document_weights as on_blocks
    from topiccli.quality.doc_weights import document_weights

    H = topiccli.nmf(matrix, 4, loss=loss, max_iter=30).H
    rows = on_blocks(blocks, "nmf", H, loss, regularization)
    assert rows.bounds == blocks.bounds and rows.shape == (matrix.shape[0], 4)
    core = document_weights("nmf", H, matrix, loss, regularization)
    # KL's solve is decided on the client from the blocks' sums, as the core decides it, so it
    # stops at the same step (block by block it would stop about 1e-4 relative elsewhere).
    np.testing.assert_allclose(rows.gather(), core, rtol=1e-12, atol=1e-13)
    rows.release()


def test_svd_document_weights_on_the_blocks_are_the_cores_bits(blocks, matrix):
    from topiccli.distributed.weights import document_weights as on_blocks
    from topiccli.quality.doc_weights import document_weights

    Vt = topiccli.truncated_svd(matrix, 4).Vt
    assert np.array_equal(on_blocks(blocks, "svd", Vt).gather(),
                          document_weights("svd", Vt, matrix))  # fmt: skip


@pytest.mark.parametrize("solver", ["propack", "arpack"])
def test_svd_matches_the_core(blocks, matrix, solver):
    core = topiccli.truncated_svd(matrix, 5, solver=solver)
    dist = truncated_svd(blocks, 5, solver=solver)
    np.testing.assert_allclose(dist.s, core.s, rtol=1e-8)
    # The same sign convention: the same vectors, not just up to sign.
    np.testing.assert_allclose(dist.Vt, core.Vt, atol=1e-7)
    np.testing.assert_allclose(dist.U, core.U, atol=1e-7)


def test_traffic_per_iteration_scales_with_p_k_n_not_m(client):
    """Bytes per iteration: O(P·(k·n + k²)), and the same for twice the documents."""
    rows = {}
    for m, k, P in [(200, 3, 2), (400, 3, 2), (200, 6, 2), (200, 3, 4)]:
        X = planted(m, 3, words_per_topic=10, background_words=30, seed=1, texts=False).counts
        data = scatter_csr(client, X, P)
        n = X.shape[1]
        rng = np.random.default_rng(0)
        init = (rng.random((m, k)) + 0.1, rng.random((k, n)) + 0.1)
        for loss in ("frobenius", "kl"):
            traffic = Traffic()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                nmf(data, k, loss=loss, init=init, max_iter=3, tol=0, traffic=traffic)
            per = traffic.per_iteration[-1]
            rows[(m, k, P, loss)] = sum(per)
            # Hᵀ to each of the 2 workers and back n×k from each block, a few times: ≤ 8 copies.
            assert sum(per) <= 8 * 8 * (P + 2) * (k * n + k * k + 16), (m, k, P, loss, per)
        data.release()
    for loss in ("frobenius", "kl"):
        assert rows[(400, 3, 2, loss)] == rows[(200, 3, 2, loss)]  # independent of m
        assert rows[(200, 6, 2, loss)] > 1.6 * rows[(200, 3, 2, loss)]  # grows with k
        assert rows[(200, 3, 4, loss)] > 1.3 * rows[(200, 3, 2, loss)]  # grows with P


# --- the two-pass vectorizer -------------------------------------------------------------------


@pytest.fixture(scope="module")
def corpus_files(tmp_path_factory):
    """Text files, a JSONL file and a CSV file in a folder; the texts topics reads from it, in
    its order (a folder's files are texts, .jsonl and .csv ones too, as the folder loader
    reads them)."""
    import csv

    root = tmp_path_factory.mktemp("dcorpus")
    docs = planted(150, 4, words_per_topic=20, background_words=40, seed=5).texts
    extra = ["the and of it is", "The quick brown fox", "a b c", "Ünïcode wörds here ¹²"]
    docs = [d + " " + extra[i % 4] for i, d in enumerate(docs)]
    (root / "a_records.csv").parent.mkdir(exist_ok=True)
    with open(root / "a_records.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["id", "text"])
        for i, d in enumerate(docs[:50]):
            w.writerow([f"r{i}", d])
    with open(root / "b_records.jsonl", "w", encoding="utf-8") as f:
        for i, d in enumerate(docs[50:100]):
            f.write(json.dumps({"text": d}) + "\n")
    (root / "c").mkdir()
    for i, d in enumerate(docs[100:]):
        (root / "c" / f"doc{i:03d}.txt").write_text(d, encoding="utf-8")
    from topiccli.corpus.folder import load_folder

    return root, load_folder(root).texts


def _assert_same_matrix(data, expected):
    """The gathered distributed matrix is ``expected`` (a DocumentTerm) bit for bit."""
    got = data.gather()
    assert got.shape == expected.X.shape == data.shape
    assert list(data.terms) == list(expected.terms)
    assert np.array_equal(got.indptr, expected.X.indptr)
    assert np.array_equal(got.indices, expected.X.indices)
    assert np.array_equal(got.data, expected.X.data)
    if expected.idf is None:
        assert data.idf is None
    else:
        assert np.array_equal(data.idf, expected.idf)


@pytest.mark.parametrize(
    ("kind", "min_df", "max_df", "max_features"),
    [
        ("count", 1, 1.0, None),
        ("count", 3, 0.5, None),
        ("count", 0.05, 60, None),
        ("count", 2, 100, 40),
        ("tfidf", 2, 0.9, None),
        ("tfidf", 0.02, 120, 50),
    ],
)
def test_vectorizer_equals_the_one_machine_vectorizer(client, corpus_files, kind, min_df,
                                                      max_df, max_features):  # fmt: skip
    from topiccli.text.vectorize import Vectorizer

    root, texts = corpus_files
    settings = VectorizerSettings(kind=kind, min_df=min_df, max_df=max_df,
                                  max_features=max_features)  # fmt: skip
    data = vectorize_files(client, root, settings, partitions=4)
    assert data.partitions > 1
    _assert_same_matrix(data, Vectorizer(settings).fit_transform(texts))
    assert len(data.ids) == len(texts)
    data.release()


ESSAYS = Path(__file__).resolve().parents[2] / "sample_corpora" / "essays"
"""72 essays in 6 subfolders: four shares hold fewer than 20 documents each, so min_df
"auto" is 1 per share but 2 on the whole corpus."""

SETTINGS = [
    VectorizerSettings(),
    VectorizerSettings(kind="count"),
    VectorizerSettings(min_df=1, max_df=1.0, ngram_range=(1, 2), stop_words="none"),
    VectorizerSettings(kind="count", min_df=1, max_df=1.0, ngram_range=(1, 2), stop_words="none"),
    VectorizerSettings(token_pattern="words", contractions="keep", max_features=300),
    VectorizerSettings(
        kind="count", token_pattern="words", stop_words="english", max_df=0.8, max_features=150
    ),
    VectorizerSettings(token_pattern=r"(?u)\b[a-z]{3,}\b", min_df=3),  # scikit-learn's path
    VectorizerSettings(junk="keep", min_df=0.05),
]


def _one_machine(spec, settings):
    """The documents ``topics`` loads from ``spec`` (junk dropped as the settings say) and
    the one-machine matrix of them."""
    from topiccli.corpus import Source
    from topiccli.corpus.junk import drop_junk
    from topiccli.text.vectorize import Vectorizer

    corpus = Source(spec).load()
    if settings.junk == "drop":
        corpus = drop_junk(corpus)
    return corpus, Vectorizer(settings).fit_transform(corpus.texts)


@pytest.mark.parametrize("settings", SETTINGS, ids=range(len(SETTINGS)))
def test_vectorizer_on_the_essays_is_the_one_machine_matrix(client, settings):
    from topiccli.specs import SourceSpec

    corpus, expected = _one_machine(SourceSpec(input=ESSAYS), settings)
    data = vectorize_files(client, ESSAYS, settings, partitions=4)
    assert data.partitions == 4
    _assert_same_matrix(data, expected)
    assert data.ids == corpus.ids
    data.release()


@pytest.fixture(scope="module")
def essay_shards(tmp_path_factory):
    """The essays as three JSONL shards (a glob), with a uuencoded post, a record without
    text, a blank one and a document of contractions added."""
    import binascii
    import random

    from topiccli.corpus.folder import load_folder

    root = tmp_path_factory.mktemp("shards")
    texts = load_folder(ESSAYS).texts
    rng = random.Random(0)
    data = bytes(rng.randrange(256) for _ in range(45 * 30))
    uu = "\n".join(binascii.b2a_uu(data[i : i + 45]).decode("ascii").rstrip("\n")
                   for i in range(0, len(data), 45))  # fmt: skip
    records = [{"text": t} for t in texts]
    records.insert(5, {"text": "Here is the picture.\nbegin 644 a.gif\n" + uu + "\n`\nend\n"})
    records.insert(30, {"title": "no text here"})
    records.insert(31, {"text": "   "})
    records.insert(40, {"text": "I don't think it's what we'll do; they can't, won't, "
                                "shan't. Don't! It’s theirs; we've, you'd, I'm."})  # fmt: skip
    for number, part in enumerate((records[:20], records[20:50], records[50:])):
        with open(root / f"part-{number}.jsonl", "w", encoding="utf-8") as f:
            f.writelines(json.dumps(r) + "\n" for r in part)
    return root


@pytest.mark.parametrize("settings", SETTINGS, ids=range(len(SETTINGS)))
def test_vectorizer_on_jsonl_shards_is_the_one_machine_matrix(client, essay_shards, settings):
    from topiccli.specs import SourceSpec

    pattern = str(essay_shards / "part-*.jsonl")
    corpus, expected = _one_machine(SourceSpec(input=Path(pattern)), settings)
    data = vectorize_files(client, pattern, settings, partitions=3)
    assert data.partitions > 1
    _assert_same_matrix(data, expected)
    assert data.ids == corpus.ids
    assert data.skipped == corpus.skipped
    assert data.skipped.get("uuencoded", 0) == (1 if settings.junk == "drop" else 0)
    assert data.skipped["no text"] == data.skipped["empty"] == 1
    data.release()


@pytest.fixture
def one_big_jsonl(tmp_path, monkeypatch):
    """The essays three times over as one .jsonl file with CRLF and LF lines, blank lines and
    non-ASCII text, and any .jsonl of 1 KiB or more cut into line ranges."""
    from topiccli.corpus.folder import load_folder
    from topiccli.distributed import blocks

    monkeypatch.setattr(blocks, "SPLIT_BYTES", 1024)
    texts = load_folder(ESSAYS).texts
    path = tmp_path / "big.jsonl"
    with open(path, "wb") as handle:
        for copy in range(3):
            for i, text in enumerate(texts):
                end = b"\r\n" if i % 3 == 0 else b"\n"
                record = {"text": f"{text} ünïcödé {copy}", "n": i}
                handle.write(json.dumps(record, ensure_ascii=copy == 1).encode("utf-8") + end)
                if i % 17 == 0:
                    handle.write(b"\n")  # a blank line: numbered, never a record
    return path


def test_one_large_jsonl_file_is_read_in_line_ranges_by_several_workers(client, one_big_jsonl):
    from topiccli.specs import SourceSpec

    settings = VectorizerSettings()
    corpus, expected = _one_machine(SourceSpec(input=one_big_jsonl), settings)
    data = vectorize_files(client, one_big_jsonl, settings, partitions=4)
    assert data.partitions == 4  # one file, four shares of its lines
    _assert_same_matrix(data, expected)
    assert data.ids == corpus.ids  # the whole file's line numbers
    data.release()


def test_a_bad_line_in_a_range_names_the_files_line(client, one_big_jsonl):
    from topiccli.errors import CorpusError

    lines = one_big_jsonl.read_bytes().split(b"\n")
    lines[150] = b"{not json"
    one_big_jsonl.write_bytes(b"\n".join(lines))
    with pytest.raises(CorpusError, match="line 151: not valid JSON"):
        vectorize_files(client, one_big_jsonl, VectorizerSettings(), partitions=4)


def test_a_jsonl_file_not_in_utf8_stays_whole(client, tmp_path, monkeypatch):
    from topiccli.distributed import blocks
    from topiccli.specs import SourceSpec

    monkeypatch.setattr(blocks, "SPLIT_BYTES", 256)
    path = tmp_path / "latin.jsonl"
    words = ["café crème", "naïve façade", "señor piñata", "über straße"]
    body = "".join(json.dumps({"text": f"{words[i % 4]} text number {i} and more"},
                              ensure_ascii=False) + "\n" for i in range(60))  # fmt: skip
    path.write_bytes(body.encode("cp1252"))
    settings = VectorizerSettings(min_df=1)
    corpus, expected = _one_machine(SourceSpec(input=path), settings)
    data = vectorize_files(client, path, settings, partitions=4)
    assert data.partitions == 1  # read whole, in the encoding found on the whole file
    _assert_same_matrix(data, expected)
    data.release()


def test_vectorizer_resolves_min_df_auto_on_the_whole_corpus(client):
    from topiccli.text.rules import resolve_min_df

    data = vectorize_files(client, ESSAYS, VectorizerSettings(kind="count"), partitions=4)
    X = data.gather()
    assert max(b - a for a, b in data.bounds) < 20 <= X.shape[0]  # "auto" is 1 in a share
    assert resolve_min_df("auto", X.shape[0]) == 2
    assert np.diff(X.tocsc().indptr).min() == 2  # every kept term is in >= 2 documents
    data.release()


def test_vectorizer_strips_contractions_as_the_settings_say(client, tmp_path):
    (tmp_path / "a.txt").write_text("We don't know; it's late. They can't go.", "utf-8")
    (tmp_path / "b.txt").write_text("You won't see it. Don't go, we'll stay.", "utf-8")
    settings = VectorizerSettings(stop_words="none", max_df=1.0)
    stripped = vectorize_files(client, tmp_path, settings)
    kept = vectorize_files(client, tmp_path, replace(settings, contractions="keep"))
    assert {"don", "ll"} & set(stripped.terms) == set()
    assert {"can", "will", "do"} <= set(stripped.terms)
    assert {"don", "ll"} <= set(kept.terms)
    stripped.release()
    kept.release()


def test_vectorizer_refuses_contradicting_df(client, corpus_files):
    from topiccli.errors import VectorizeError

    root, _ = corpus_files
    with pytest.raises(VectorizeError, match="fewer documents"):
        vectorize_files(client, root, VectorizerSettings(min_df=50, max_df=0.1))


# --- what the layers above ask of a matrix and texts held on the workers ------------------------


def test_a_matrix_on_the_workers_answers_as_the_local_one(client):
    import scipy.sparse as sp

    from topiccli import held
    from topiccli.distributed.blocks import rebalance
    from topiccli.models.bundle import fingerprint

    rng = np.random.default_rng(3)
    X = sp.random(203, 40, density=0.1, format="csr", random_state=rng)
    X.sort_indices()
    data = scatter_csr(client, X, partitions=5)  # blocks of about 40 rows
    np.testing.assert_allclose(held.column_sums(data), held.column_sums(X), rtol=1e-13)
    assert held.squared_norm(data) == pytest.approx(held.squared_norm(X), rel=1e-13)
    columns = [3, 0, 17, 39]
    assert (held.columns(data, columns) != held.columns(X, columns)).nnz == 0
    W, H = rng.random((203, 4)), rng.random((4, 40))
    assert held.cross(data, W, H) == pytest.approx(held.cross(X, W, H), rel=1e-12)
    for rows in (7, 40, 1000):  # runs inside blocks, straddling them, and one for all
        assert held.row_digests(data, rows) == held.row_digests(X, rows)
    ids = [f"d{i}" for i in range(203)]
    assert fingerprint(ids, data) == fingerprint(ids, X)
    assert fingerprint(ids, data) != fingerprint(ids, X[::-1])
    chosen = np.array([0, 5, 40, 41, 150, 202])
    assert (data[chosen].gather() != X[chosen]).nnz == 0
    assert (held.rows(data, chosen) != held.rows(X, chosen)).nnz == 0  # a flag's documents
    assert held.rows(data, chosen).shape == (6, 40)
    one = scatter_csr(client, X, partitions=1)
    spread = rebalance(one, 3)
    assert spread.partitions == 3 and spread.bounds[-1][1] == 203
    assert (spread.gather() != X).nnz == 0
    data.release()
    spread.release()


def test_the_narrow_flag_reads_the_same_evidence_on_the_workers(client):
    """Near-duplicates and shared content are measured on the workers' rows (fetched once for
    every topic): the same flags and figures as on the local matrix."""
    import scipy.sparse as sp

    from topiccli.quality.signature import signature

    rng = np.random.default_rng(5)
    X = sp.random(400, 60, density=0.1, format="lil", random_state=rng)
    for i in range(1, 6):
        X[i] = X[0]  # six copies carry topic 0
    X[:40, :4] = 1.0  # topic 1: a four-word block on 10% of the documents, nothing else shared
    X = X.tocsr()
    W = np.zeros((400, 3))
    W[:6, 0] = 1.0
    W[6:40, 1] = 1.0
    W[40:, 2] = rng.random(360) + 0.5
    repeated = [[], ["a", "b", "c", "d"], []]
    sizes = np.array([6, 34, 360])
    columns = [np.arange(4, 12), np.arange(4), np.arange(12, 20)]
    data = scatter_csr(client, X, partitions=4)
    here = signature(W, X, repeated, sizes, columns)
    there = signature(W, data, repeated, sizes, columns)
    assert there == here
    assert here[0]["narrow"] and here[0]["near_duplicate_share"] > 0.9
    assert here[1]["shared_content"] is not None
    data.release()


def test_texts_on_the_workers_answer_as_the_local_ones(client):
    from topiccli.corpus.folder import load_folder
    from topiccli.distributed.texts import WorkerTexts
    from topiccli.quality.window_coherence import c_npmi, window_counts
    from topiccli.text.vectorize import tokenizer

    settings = VectorizerSettings()
    texts = load_folder(ESSAYS).texts
    data = vectorize_files(client, ESSAYS, settings, partitions=4)
    held = WorkerTexts(client, data.documents, data.bounds, settings)
    assert len(held) == len(texts) and data.partitions == 4
    assert held.take([71, 0, 35, 36]) == [texts[71], texts[0], texts[35], texts[36]]
    assert held[10] == texts[10] and held[-1] == texts[-1] and held[-2:] == texts[-2:]
    assert held.openings(60) == [t[:60] for t in texts]
    tokens = tokenizer(settings)
    vocabulary = {"garden": 0, "soil": 1, "match": 2, "stars": 3}
    chosen = np.array([1, 2, 20, 40, 41, 70])
    here = window_counts([tokens(texts[i]) for i in chosen], vocabulary)
    there = held.window_counts(chosen, vocabulary, 10, "gensim")
    np.testing.assert_array_equal(there[0], here[0])
    np.testing.assert_array_equal(there[1], here[1])
    assert there[2] == here[2]
    topics = [["garden", "soil", "plants"], ["match", "season", "players"]]
    every = np.arange(len(texts))
    local = c_npmi([tokens(t) for t in texts], topics)

    class Counted:
        window_counts = staticmethod(lambda *args: held.window_counts(every, *args))

    assert c_npmi(Counted(), topics) == local
    data.release()


# --- faults ------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_unreachable_scheduler_is_one_line_within_the_timeout():
    address = f"tcp://127.0.0.1:{_free_port()}"
    began = time.monotonic()
    with pytest.raises(EngineError) as info:
        connect(address, timeout=2.0)
    elapsed = time.monotonic() - began
    message = str(info.value)
    assert "\n" not in message and address in message and "2 s" in message
    assert elapsed < 2.0 + 3.0, elapsed


def test_no_address_and_no_environment(monkeypatch):
    monkeypatch.delenv("DASK_SCHEDULER_ADDRESS", raising=False)
    with pytest.raises(EngineError, match="DASK_SCHEDULER_ADDRESS"):
        connect(None)


def _killer(client, at: int):
    """A callback that kills one worker (its process exits) once, after iteration ``at``."""
    state = {"killed": None}

    def callback(n_iter, error):
        if n_iter == at and state["killed"] is None:
            victim = sorted(client.nthreads())[0]
            state["killed"] = victim
            with contextlib.suppress(Exception):
                client.run(os._exit, 1, workers=[victim])
            time.sleep(0.3)

    return callback, state


def _wait_for_two_workers(client):
    client.wait_for_workers(2, timeout=30)


@pytest.mark.parametrize("loss", ["frobenius", "kl"])
def test_worker_killed_mid_fit_restarts_to_the_same_result(client, blocks, start, loss):
    _wait_for_two_workers(client)
    solver = "mu"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        plain = nmf(blocks, 4, loss=loss, solver=solver, init=start, max_iter=8, tol=0)
        callback, state = _killer(client, 3)
        began = time.monotonic()
        traffic = Traffic()
        hit = nmf(blocks, 4, loss=loss, solver=solver, init=start, max_iter=8, tol=0,
                  callback=callback, timeout=60, traffic=traffic)  # fmt: skip
    assert state["killed"] is not None and state["killed"] not in client.nthreads()
    assert traffic.restarts == 1
    assert time.monotonic() - began < 60
    assert hit.divergence == pytest.approx(plain.divergence, rel=1e-12)
    np.testing.assert_allclose(hit.W, plain.W, rtol=1e-10, atol=1e-12)
    _wait_for_two_workers(client)


def test_worker_killed_without_restarts_is_one_clear_error(client, blocks, start):
    _wait_for_two_workers(client)
    callback, state = _killer(client, 2)
    began = time.monotonic()
    with pytest.raises(EngineError) as info:
        nmf(blocks, 4, loss="kl", init=start, max_iter=50, tol=0, callback=callback,
            max_restarts=0, timeout=60)  # fmt: skip
    assert time.monotonic() - began < 30
    assert "\n" not in str(info.value) and "left during the fit" in str(info.value)
    _wait_for_two_workers(client)


def test_a_worker_killed_holding_what_the_workers_read_is_rebuilt_from_the_files(client):
    from topiccli import held
    from topiccli.corpus.folder import load_folder
    from topiccli.distributed.texts import WorkerTexts

    _wait_for_two_workers(client)
    settings = VectorizerSettings()
    data = vectorize_files(client, ESSAYS, settings, partitions=4)
    texts = WorkerTexts(client, data.documents, data.bounds, settings)
    options = dict(loss="kl", solver="mu", max_iter=6, tol=0, seed=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        plain = nmf(data, 4, **options)
        callback, state = _killer(client, 3)
        traffic = Traffic()
        hit = nmf(data, 4, callback=callback, timeout=60, traffic=traffic, **options)
    assert state["killed"] is not None and traffic.restarts == 1
    assert hit.divergence == pytest.approx(plain.divergence, rel=1e-12)
    # The killed worker's blocks and texts were read again by Dask from the tasks' lineage.
    local = load_folder(ESSAYS).texts
    assert texts.take([0, 35, 71]) == [local[0], local[35], local[71]]
    assert held.row_digests(data) == held.row_digests(data.gather())
    data.release()
    _wait_for_two_workers(client)


@pytest.fixture
def python_sigint():
    """Python's own SIGINT handler for the test: a shell's background job (CI under ``&``)
    starts with SIGINT ignored, and then no Ctrl-C reaches anything."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)


def test_ctrl_c_cancels_the_fits_futures(client, blocks, start, python_sigint):
    _wait_for_two_workers(client)

    def ours(dask_scheduler):
        return [str(k) for k in dask_scheduler.tasks if str(k).startswith("topiccli-nmf")]

    before = set(client.run_on_scheduler(ours))

    def callback(n_iter, error):
        if n_iter == 2:  # a real SIGINT, arriving while the next step is being waited for
            threading.Timer(0.02, os.kill, (os.getpid(), signal.SIGINT)).start()

    with pytest.raises(KeyboardInterrupt):
        nmf(blocks, 4, loss="kl", init=start, max_iter=10_000, tol=0, callback=callback)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        left = set(client.run_on_scheduler(ours)) - before
        if not left:
            break
        time.sleep(0.2)
    assert not left, sorted(left)[:5]


def test_a_ctrl_c_lost_in_a_finalizer_is_raised_at_the_next_wait(python_sigint):
    """Python drops a KeyboardInterrupt raised inside ``__del__`` (a Dask future's finalizer
    runs often during a fit); the latch keeps it for the next wait."""
    import gc

    from topiccli.distributed import _session

    with _session.latched_sigint():
        handler = signal.getsignal(signal.SIGINT)

        class Finalized:
            def __del__(self):
                handler(signal.SIGINT, None)

        Finalized()
        gc.collect()
        with pytest.raises(KeyboardInterrupt):
            _session._raise_if_interrupted()
        _session._raise_if_interrupted()  # raised once
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # restored


def test_an_ignored_sigint_stays_ignored():
    """A caller that ignores Ctrl-C (a background job) keeps it ignored during a fit."""
    from topiccli.distributed import _session

    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        with _session.latched_sigint():
            assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
    finally:
        signal.signal(signal.SIGINT, previous)
