"""``--scheduler``: svd, nmf, sweep and infer on a Dask cluster (topiccli.models.engine).

One LocalCluster of 2 workers for the module, reached through ``--scheduler tcp://…``; the
tests that need it skip when the ``dask`` extra is not installed. Without ``--scheduler``
nothing imports dask.
"""

from __future__ import annotations

import importlib.util
import json
import logging
import os
import socket
import subprocess
import sys
import time

import numpy as np
import pytest
from typer.testing import CliRunner

from topiccli import settings
from topiccli.cli import app
from topiccli.models import engine

HAVE_DASK = importlib.util.find_spec("distributed") is not None
needs_dask = pytest.mark.skipif(
    not HAVE_DASK, reason="the dask extra is not installed (pip install 'topiccli[dask]')"
)
runner = CliRunner()


def topics(*args):
    return runner.invoke(app, [str(a) for a in args])


EACH_DOCUMENT = ("--clean", "nfkc+markup+links")
"""Cleaning the workers do as one machine does: each document's own steps. Boilerplate needs
the whole corpus and is not looked for where the workers read (pinned by
test_the_workers_say_they_look_for_no_boilerplate)."""


def run_json(*args):
    result = topics(*args, "--format", "json", "--no-cache")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def scheduler():
    from distributed import LocalCluster

    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                           dashboard_address="127.0.0.1:0", silence_logs=logging.ERROR)  # fmt: skip
    yield cluster.scheduler_address
    cluster.close()


@pytest.fixture(autouse=True)
def no_ambient_scheduler(monkeypatch):
    monkeypatch.delenv(settings.SCHEDULER_ENV, raising=False)


NO_DASK = """
import sys
from topiccli.cli import app
try:
    app(["nmf", "--input", sys.argv[1], "--k", "3", "--no-cache", "-q"], prog_name="topics")
except SystemExit as exit:
    assert not exit.code, exit.code
loaded = sorted({m.split(".")[0] for m in sys.modules} & {"dask", "distributed"})
assert not loaded, f"topics nmf imported {loaded}"
"""


def test_without_scheduler_nothing_imports_dask(sample_corpus):
    env = {k: v for k, v in os.environ.items() if k != settings.SCHEDULER_ENV}
    subprocess.run([sys.executable, "-c", NO_DASK, str(sample_corpus)], env=env, check=True,
                   capture_output=True)  # fmt: skip


def test_resolve_the_scheduler_setting(monkeypatch):
    monkeypatch.delenv(settings.SCHEDULER_ENV, raising=False)
    unset = settings.Settings.from_environ()
    assert engine.resolve(None, unset) is None
    assert engine.resolve("local:2", unset) == "local:2"
    assert engine.resolve(" none ") is None and engine.resolve("off") is None
    monkeypatch.setenv(settings.SCHEDULER_ENV, "tcp://10.0.0.1:8786")
    env = settings.Settings.from_environ()
    assert engine.resolve(None, env) == "tcp://10.0.0.1:8786"
    assert engine.resolve("none", env) is None  # the option wins over the environment
    assert isinstance(engine.open_engine("none", env), engine.LocalEngine)
    dask = engine.open_engine(None, env)  # built, not connected
    assert dask.describe() == {"kind": "dask", "scheduler": "tcp://10.0.0.1:8786"}
    assert isinstance(dask, engine.Engine) and isinstance(engine.LocalEngine(), engine.Engine)
    from topiccli.errors import UsageError

    with pytest.raises(UsageError):
        engine.resolve("  ")


SAME_RULE = ("--tol", "3e-5")
"""The Dask engine stops on a tolerance, this machine by default once the topics settle
(docs/settled.md): a comparison of the two asks both for the same rule."""
SAME_KL = (*SAME_RULE, "--solver", "amu")
"""The Dask engine runs KL by amu (this machine's default is ccd): the same rule and solver."""


def _same_topics(a, b):
    # Words in the same order up to near-ties: compare each topic's set of top words.
    assert [set(t["words"]) for t in a["topics"]] == [set(t["words"]) for t in b["topics"]]


@needs_dask
@pytest.mark.parametrize("loss", ["kl", "frobenius"])
def test_nmf_on_the_cluster_gives_the_same_topics(sample_corpus, scheduler, loss):
    same = SAME_KL if loss == "kl" else SAME_RULE
    args = ("nmf", *same, "--input", sample_corpus, "--k", 3, "--loss", loss)
    here, there = run_json(*args), run_json(*args, "--scheduler", scheduler)
    _same_topics(here, there)
    assert there["divergence"] == pytest.approx(here["divergence"], rel=1e-6)
    assert (there["n_iter"], there["solver"], there["init"]) == (
        here["n_iter"], here["solver"], here["init"])  # fmt: skip


@needs_dask
def test_the_cluster_fits_kl_by_amu_and_refuses_ccd_before_reading(sample_corpus, scheduler):
    args = ("nmf", "--input", sample_corpus, "--k", 3, "--max-iter", 5, "--scheduler", scheduler)
    assert run_json(*args)["solver"] == "amu"  # the cluster's default KL solver, as reported
    result = runner.invoke(app, [str(a) for a in (*args, "--solver", "ccd")])
    assert result.exit_code == 2
    assert "solver 'ccd' runs on one machine only" in result.stderr and "--solver" in result.stderr


@needs_dask
def test_svd_on_the_cluster_gives_the_same_singular_values(sample_corpus, scheduler):
    args = ("svd", "--input", sample_corpus, "--k", 4)
    here, there = run_json(*args), run_json(*args, "--scheduler", scheduler)
    np.testing.assert_allclose(there["singular_values"], here["singular_values"], rtol=1e-8)
    _same_topics(here, there)


@needs_dask
def test_sweep_on_the_cluster(sample_corpus, scheduler):
    args = ("sweep", *SAME_RULE, "--input", sample_corpus, "--k", "2:3")
    # The workers read the corpus; the resampling takes its subsamples' rows there.
    here, there = run_json(*args), on_the_workers(*args, "--scheduler", scheduler)
    assert [r["k"] for r in there["results"]] == [2, 3]
    assert there["recommended_k"] == here["recommended_k"]
    for a, b in zip(here["results"], there["results"]):
        # the engine fits KL by amu, this machine by ccd: the same loss, minimised to 3e-5
        rel = "relative_reconstruction_error"
        assert b[rel] == pytest.approx(a[rel], rel=1e-3)


@needs_dask
def test_a_model_saved_on_the_cluster_infers_on_this_machine(sample_corpus, scheduler, tmp_path):
    bundle, table = tmp_path / "model", tmp_path / "doc_topics.csv"
    fitted = run_json("nmf", "--input", sample_corpus, "--k", 3, "--scheduler", scheduler,
                      "--save", bundle, "--doc-topics", table)  # fmt: skip
    assert table.read_text().count("\n") == fitted["corpus"]["n_documents"] + 1
    here = topics("infer", bundle, "--input", sample_corpus, "--format", "json")
    assert here.exit_code == 0, here.stderr
    there = topics("infer", bundle, "--input", sample_corpus, "--format", "json",
                   "--scheduler", scheduler)  # fmt: skip
    assert there.exit_code == 0, there.stderr
    a, b = json.loads(here.stdout), json.loads(there.stdout)
    assert [d["id"] for d in a["documents"]] == [d["id"] for d in b["documents"]]
    # KL's fixed-H solve is decided on the client from the blocks' summed objective, as the
    # core decides it: the same weights as written (6 digits), the same top topics.
    assert [d["weights"] for d in a["documents"]] == [d["weights"] for d in b["documents"]]
    assert [d["top_topic"] for d in a["documents"]] == [d["top_topic"] for d in b["documents"]]


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@needs_dask
def test_an_unreachable_scheduler_is_one_line_and_fast(sample_corpus, monkeypatch):
    monkeypatch.setenv(settings.TIMEOUT_ENV, "2")
    address = f"tcp://127.0.0.1:{_closed_port()}"
    start = time.monotonic()
    result = topics("nmf", "--input", sample_corpus, "--k", 3, "--no-cache", "--scheduler", address)
    elapsed = time.monotonic() - start
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: cannot reach the Dask scheduler")
    assert address in lines[0] and elapsed < 8
    # The same through DASK_SCHEDULER_ADDRESS; --scheduler none runs here regardless.
    monkeypatch.setenv(settings.SCHEDULER_ENV, address)
    assert topics("nmf", "--input", sample_corpus, "--k", 3, "--no-cache").exit_code == 1
    ok = topics("nmf", "--input", sample_corpus, "--k", 3, "--no-cache", "--scheduler", "none")
    assert ok.exit_code == 0, ok.stderr


@needs_dask
def test_ctrl_c_cancels_the_clusters_tasks_and_exits_130(sample_corpus, scheduler, tmp_path):
    import signal

    from distributed import Client

    from topiccli.corpus.synthetic import planted, write_folder

    # Big enough, and with more topics than planted, that --tol 0 keeps the fit going well
    # past the signal (an exact fit of the planted k stops as soon as the objective stops
    # falling, which on a busy machine can come before the signal).
    corpus = tmp_path / "planted"
    write_folder(planted(3000, 5, seed=1), corpus)
    out = tmp_path / "report.json"
    argv = [sys.executable, "-m", "topiccli", "nmf", "--input", str(corpus), "--k", "12",
            "--max-iter", "100000", "--tol", "0", "--no-cache", "--scheduler", scheduler,
            "-o", str(out)]  # fmt: skip
    env = {k: v for k, v in os.environ.items() if k != "TOPICS_DEBUG"}
    with Client(scheduler, timeout=10) as client:
        # Other tests' tasks may still be on the shared cluster, and leave while this runs:
        # this fit's tasks are the keys that were not there before.
        before = client.run_on_scheduler(_task_keys)

        def ours() -> set:
            return client.run_on_scheduler(_task_keys) - before

        def default_sigint():
            signal.signal(signal.SIGINT, signal.SIG_DFL)

        proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                env=env, preexec_fn=default_sigint)  # fmt: skip
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not ours() and proc.poll() is None:
            time.sleep(0.05)
        assert proc.poll() is None, f"the run ended before the signal: {proc.communicate()}"
        assert ours(), "the fit never reached the cluster"
        proc.send_signal(signal.SIGINT)
        start = time.monotonic()
        _, stderr = proc.communicate(timeout=30)
        assert proc.returncode == 130 and time.monotonic() - start < 10, stderr
        assert stderr.strip().splitlines() == [
            "Interrupted: stopped by Ctrl-C; no output was written"
        ]
        assert not out.exists()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and ours():
            time.sleep(0.1)
        assert not ours(), "the fit's tasks outlived it"


def _task_keys(dask_scheduler=None) -> set:
    return {str(key) for key in dask_scheduler.tasks if str(key).startswith("topiccli-")}


# --- --doc-topics written by partition ---------------------------------------------------------


@pytest.fixture
def records(tmp_path, sample_corpus):
    """The essays as JSONL records whose ids and labels need CSV quoting and JSON escapes
    (commas, quotes, newlines, non-ASCII), some documents without a label."""
    path = tmp_path / "records.jsonl"
    with path.open("w", encoding="utf-8") as handle:
        for i, file in enumerate(sorted(sample_corpus.rglob("*.txt"))):
            label = None if i % 5 == 0 else f'{file.parent.name}, "quoted"\nnext é'
            record = {"text": file.read_text(encoding="utf-8"), "id": f"doc,{i} «{file.stem}»"}
            if label is not None:
                record["label"] = label
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path


@pytest.fixture
def partitions(monkeypatch):
    """Counts the tables written by partition (the client side of distributed.parts)."""
    from topiccli.distributed import parts

    calls = []
    real = parts.write_partitioned

    def recording(client, blocks, *args, **kwargs):
        written = real(client, blocks, *args, **kwargs)
        calls.append((len(blocks), written))
        return written

    monkeypatch.setattr(parts, "write_partitioned", recording)
    return calls


def _leftovers(folder, keep):
    """What a run left in ``folder`` besides ``keep`` and the test's own cache folder (the
    conftest's ``topics-cache``, where the language detector's model is unpacked once)."""
    return sorted(p.name for p in folder.iterdir() if p.name not in {*keep, "topics-cache"})


@needs_dask
@pytest.mark.parametrize(
    ("method", "options", "name"),
    [
        ("nmf", ("--loss", "kl", *SAME_KL), "table.csv"),
        ("nmf", ("--loss", "kl", *SAME_KL), "table.jsonl"),
        ("nmf", ("--loss", "frobenius", "--normalize", *SAME_RULE), "table.csv"),
        ("nmf", ("--loss", "kl", "--normalize", *SAME_KL), "table.jsonl"),
        ("svd", (), "table.csv"),
    ],
)
def test_doc_topics_written_by_partition_are_the_one_machine_bytes(
    records, scheduler, tmp_path, partitions, method, options, name
):
    args = (method, "--input", records, "--id-field", "id", "--label-field", "label",
            "--k", 3, *options)  # fmt: skip
    out = tmp_path / "out"
    out.mkdir()
    here, there = out / f"here-{name}", out / f"there-{name}"
    run_json(*args, "--doc-topics", here)
    assert partitions == []
    run_json(*args, "--doc-topics", there, "--scheduler", scheduler)
    # The workers read the one records file, spread over both of them: a part per block.
    assert partitions == [(2, True)]
    assert there.read_bytes() == here.read_bytes()
    assert "doc,1 «" in there.read_text(encoding="utf-8")  # the tricky ids were written
    assert _leftovers(out, {here.name, there.name}) == []  # no part folder, no temp file


@needs_dask
def test_a_part_that_fails_leaves_no_file_and_no_parts(sample_corpus, scheduler, tmp_path,
                                                       monkeypatch):  # fmt: skip
    from topiccli.render import doc_topics

    real = doc_topics.write_part

    def fails_after_some_rows(handle, weights, fmt, ids, labels, normalize):
        # Runs on the workers (pickled by value): the block holding the first document is
        # written whole, every other block writes its rows, then its disk "fills up".
        real(handle, weights, fmt, ids, labels, normalize)
        if "astronomy/01.txt" not in ids:
            handle.flush()
            raise OSError(28, "No space left on device (injected)")

    monkeypatch.setattr(doc_topics, "write_part", fails_after_some_rows)
    table = tmp_path / "table.csv"
    old = b"the previous table\n"
    for existing in (False, True):
        if existing:
            table.write_bytes(old)
        result = topics("nmf", "--input", sample_corpus, "--k", 3, "--no-cache",
                        "--scheduler", scheduler, "--doc-topics", table, "-q",
                        *EACH_DOCUMENT)  # fmt: skip
        assert result.exit_code == 1
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"Error: cannot write {table}"), lines
        assert "No space left on device (injected)" in lines[0]
        assert _leftovers(tmp_path, {table.name}) == []  # no parts, no temporary file
        assert table.read_bytes() == old if existing else not table.exists()


@needs_dask
def test_workers_that_cannot_see_the_folder_leave_the_table_to_the_client(
    sample_corpus, scheduler, tmp_path, monkeypatch, partitions
):
    from topiccli.distributed import parts

    # The client writes its marker under another name than the workers look for, as when the
    # destination's folder is not on a filesystem the workers share: no worker sees it.
    monkeypatch.setattr(parts, "MARKER", "another-machine")
    args = ("nmf", *SAME_KL, "--input", sample_corpus, "--k", 3, "--no-cache")
    here, there = tmp_path / "here.jsonl", tmp_path / "there.jsonl"
    assert topics(*args, "--doc-topics", here, "-q").exit_code == 0
    result = topics(*args, "--doc-topics", there, "--scheduler", scheduler, "-q")
    assert result.exit_code == 0, result.stderr
    assert partitions == [(4, False)]  # the workers read the folder in 2 shares each
    assert "cannot see the folder" in result.stderr and "wrote the document-topic" in result.stderr
    assert there.read_bytes() == here.read_bytes()
    assert _leftovers(tmp_path, {here.name, there.name}) == []


@needs_dask
@pytest.mark.parametrize(
    ("method", "options"),
    [("nmf", ("--loss", "kl")), ("nmf", ("--loss", "frobenius")), ("svd", ())],
)
def test_infer_doc_topics_by_partition_are_the_one_machine_bytes(
    sample_corpus, scheduler, tmp_path, partitions, method, options
):  # fmt: skip
    bundle = tmp_path / "model"
    run_json(method, "--input", sample_corpus, "--k", 3, *options, "--save", bundle)
    here, there = tmp_path / "here.jsonl", tmp_path / "there.jsonl"
    args = ("infer", bundle, "--input", sample_corpus, "--format", "json")
    assert topics(*args, "--doc-topics", here).exit_code == 0
    result = topics(*args, "--doc-topics", there, "--scheduler", scheduler)
    assert result.exit_code == 0, result.stderr
    assert partitions == [(4, True)]  # the workers read the folder in 2 shares each
    assert there.read_bytes() == here.read_bytes()
    assert _leftovers(tmp_path, {"model", here.name, there.name}) == []


# --- the workers read the corpus -----------------------------------------------------------------


def on_the_workers_raw(*args):
    """The command's result where any reading or vectorizing of the corpus on the client
    fails: the workers must do both."""
    from topiccli.corpus.source import Source
    from topiccli.text import vectorizer_state
    from topiccli.text.vectorize import Vectorizer

    def refuse(*_, **__):
        raise AssertionError("the client read or vectorized the corpus")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Source, "load", refuse)
        patch.setattr(Vectorizer, "fit_transform", refuse)
        patch.setattr(vectorizer_state, "transform", refuse)
        return topics(*args)


def on_the_workers(*args):
    """``run_json`` with the workers reading and vectorizing (``on_the_workers_raw``)."""
    result = on_the_workers_raw(*args, "--format", "json", "--no-cache")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def _same_run(here: dict, there: dict) -> None:
    """The one-machine report and the cluster's: the same corpus, vocabulary and topics, the
    same counts-based scores exactly and the others to rounding."""
    assert there["corpus"] == here["corpus"]
    assert there.get("vocabulary") == here.get("vocabulary")
    for a, b in zip(here["topics"], there["topics"]):
        assert b["words"] == a["words"]
        for key in ("coherence_npmi", "c_npmi", "n_documents", "support_documents", "label",
                    "label_share", "narrow", "stability"):  # fmt: skip
            assert b.get(key) == a.get(key), key
        docs_a, docs_b = a.get("representative_docs", []), b.get("representative_docs", [])
        shown = [(d["id"], d["snippet"]) for d in docs_a]
        assert [(d["id"], d["snippet"]) for d in docs_b] == shown
        assert [d["weight"] for d in docs_b] == pytest.approx([d["weight"] for d in docs_a])
    assert there["metrics"].keys() == here["metrics"].keys()
    for key, value in here["metrics"].items():
        assert there["metrics"][key] == pytest.approx(value, rel=1e-9), key


@needs_dask
@pytest.mark.parametrize(
    "options",
    [
        ("nmf", "--loss", "kl", "--seeds", 2, *SAME_KL),
        ("nmf", "--loss", "frobenius", *SAME_RULE),
        ("svd",),
    ],
    ids=["nmf-kl-seeds", "nmf-frobenius", "svd"],
)
def test_the_workers_read_a_folder_and_the_report_is_the_one_machines(
    sample_corpus, scheduler, options
):
    args = (*options, "--input", sample_corpus, "--k", 4, "--docs", 2, "--vocabulary",
            *EACH_DOCUMENT)  # fmt: skip
    here, there = run_json(*args), on_the_workers(*args, "--scheduler", scheduler)
    _same_run(here, there)
    assert there["metrics"]["label_nmi"] is not None  # the subfolders' labels came back
    assert there["vocabulary"]["terms_before_pruning"] > there["corpus"]["n_terms"]
    assert ("stability" in there["metrics"]) == ("--seeds" in options)


@needs_dask
def test_the_workers_read_one_records_file_with_ids_and_labels(records, scheduler):
    args = ("nmf", *SAME_KL, "--input", records, "--id-field", "id", "--label-field", "label",
            "--k", 3, "--docs", 3, *EACH_DOCUMENT)  # fmt: skip
    here, there = run_json(*args), on_the_workers(*args, "--scheduler", scheduler)
    _same_run(here, there)
    assert any("«" in d["id"] for t in there["topics"] for d in t["representative_docs"])


@needs_dask
def test_the_workers_read_shards_as_one_corpus(sample_corpus, scheduler, tmp_path):
    files = sorted(sample_corpus.rglob("*.txt"))
    for number in range(3):
        with (tmp_path / f"part-{number}.jsonl").open("w", encoding="utf-8") as handle:
            for file in files[number::3]:
                handle.write(json.dumps({"text": file.read_text(encoding="utf-8")}) + "\n")
    args = (
        "nmf",
        *SAME_KL,
        "--input",
        tmp_path / "part-*.jsonl",
        "--k",
        3,
        "--docs",
        1,
        *EACH_DOCUMENT,
    )
    here, there = run_json(*args), on_the_workers(*args, "--scheduler", scheduler)
    _same_run(here, there)
    assert there["corpus"]["n_documents"] == len(files)


@needs_dask
def test_the_workers_say_they_look_for_no_boilerplate(tmp_path, scheduler):
    """Default cleaning on the workers: each document's steps, counted as one machine counts
    them, and a warning that boilerplate (a whole-corpus step) was not looked for."""
    footer = "This article was first published by the Example Gazette news agency."
    for number in range(12):
        theme = ("gardens soil compost seedlings", "telescope orbit planets galaxy")[
            number % 3 == 0
        ]
        body = f"Notes on {theme} and {theme.split()[number % 4]} today. " * 5
        link = " see https://example.org/page for more" if number % 2 else ""  # 6 links
        (tmp_path / f"{number:02}.txt").write_text(f"{body}{link}\n{footer}\n", "utf-8")
    args = ("nmf", *SAME_KL, "--input", tmp_path, "--k", 2)
    here = run_json(*args)
    result = on_the_workers_raw(*args, "--scheduler", scheduler, "--format", "json",
                                "--no-cache")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    there = json.loads(result.stdout)
    assert "boilerplate lines are not looked for" in result.stderr
    assert here["corpus"]["cleaning"]["boilerplate_documents"] == 12
    assert there["corpus"]["cleaning"]["steps"] == ["nfkc", "markup", "links"]
    assert there["corpus"]["cleaning"]["urls"] == here["corpus"]["cleaning"]["urls"] == 6


@needs_dask
def test_a_model_fitted_where_the_workers_read_saves_the_same_bundle(
    sample_corpus, scheduler, tmp_path
):
    from topiccli.models.bundle import load

    args = ("nmf", *SAME_KL, "--input", sample_corpus, "--k", 3)
    run_json(*args, "--save", tmp_path / "here")
    on_the_workers(*args, "--scheduler", scheduler, "--save", tmp_path / "there",
                   "--html", tmp_path / "page.html")  # fmt: skip
    here, there = load(tmp_path / "here"), load(tmp_path / "there")
    # The same matrix, fingerprinted on the workers block by block to the same digest.
    assert there.metadata["fingerprint"] == here.metadata["fingerprint"]
    assert (there.doc_ids, there.doc_labels) == (here.doc_ids, here.doc_labels)
    np.testing.assert_allclose(there.term_frequency, here.term_frequency, rtol=1e-12)
    np.testing.assert_allclose(there.doc_topics, here.doc_topics, rtol=1e-6, atol=1e-9)
    page = (tmp_path / "page.html").read_text(encoding="utf-8")
    assert "Compost is garden gold" in page  # snippets made from the texts on the workers
    inferred = topics("infer", tmp_path / "there", "--input", sample_corpus, "--format", "json")
    assert inferred.exit_code == 0, inferred.stderr


@needs_dask
def test_the_run_cache_keeps_a_run_the_workers_read(sample_corpus, scheduler, tmp_path):
    args = ("nmf", "--input", sample_corpus, "--k", 3, "--format", "json", "--cache-dir",
            tmp_path / "cache", "--scheduler", scheduler)  # fmt: skip
    first = topics(*args)
    assert first.exit_code == 0, first.stderr
    report = json.loads(first.stdout)
    assert report["corpus"]["cache"] == "workers"  # not stored: the matrix is on the workers
    assert report["run_cache"] == "miss"
    again = json.loads(topics(*args).stdout)
    assert again["run_cache"] == "hit" and again["topics"] == report["topics"]


class _Blind:
    """A client whose workers see no file."""

    def run(self, func, *args):
        return {"tcp://w1": False, "tcp://w2": True}


def test_workers_that_cannot_see_the_input_leave_reading_to_the_client(sample_corpus):
    from topiccli.corpus import Source
    from topiccli.distributed.engine import DaskEngine
    from topiccli.errors import TopicsWarning
    from topiccli.specs import SourceSpec

    active = DaskEngine("tcp://nowhere:8786", 1.0)
    active.client = _Blind()
    with pytest.warns(TopicsWarning, match="cannot see"):
        assert active.reads(Source(SourceSpec(input=sample_corpus))) is False
    assert active.reads(Source(SourceSpec(input=None))) is False  # 20 Newsgroups: read here
    active.client = None


@needs_dask
@pytest.mark.parametrize("method", ["nmf", "svd"])
def test_infer_on_the_cluster_reads_on_the_workers(records, scheduler, tmp_path, method):
    bundle = tmp_path / "model"
    run_json(method, "--input", records, "--id-field", "id", "--label-field", "label", "--k", 3,
             "--save", bundle)  # fmt: skip
    args = ("infer", bundle, "--input", records, "--id-field", "id", "--label-field", "label",
            "--format", "json")  # fmt: skip
    here = topics(*args, "--doc-topics", tmp_path / "here.csv")
    assert here.exit_code == 0, here.stderr
    there = on_the_workers_raw(*args, "--scheduler", scheduler, "--doc-topics",
                               tmp_path / "there.csv")  # fmt: skip
    assert there.exit_code == 0, there.stderr
    a, b = json.loads(here.stdout), json.loads(there.stdout)
    assert b["corpus"] == a["corpus"]
    assert [d["id"] for d in b["documents"]] == [d["id"] for d in a["documents"]]
    assert [d["weights"] for d in b["documents"]] == [d["weights"] for d in a["documents"]]
    assert (tmp_path / "there.csv").read_bytes() == (tmp_path / "here.csv").read_bytes()
