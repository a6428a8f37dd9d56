"""``--scheduler``: svd, nmf, sweep and infer on a Dask cluster (topiccli.runs.engine).

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

from topiccli.cli import app
from topiccli.runs import engine

HAVE_DASK = importlib.util.find_spec("distributed") is not None
needs_dask = pytest.mark.skipif(
    not HAVE_DASK, reason="the dask extra is not installed (pip install 'topiccli[dask]')"
)
runner = CliRunner()


def topics(*args):
    return runner.invoke(app, [str(a) for a in args])


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
    monkeypatch.delenv(engine.SCHEDULER_ENV, raising=False)


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
    env = {k: v for k, v in os.environ.items() if k != engine.SCHEDULER_ENV}
    subprocess.run([sys.executable, "-c", NO_DASK, str(sample_corpus)], env=env, check=True,
                   capture_output=True)  # fmt: skip


def test_resolve_the_scheduler_setting(monkeypatch):
    assert engine.resolve(None) is None
    assert engine.resolve("local:2") == "local:2"
    assert engine.resolve(" none ") is None and engine.resolve("off") is None
    monkeypatch.setenv(engine.SCHEDULER_ENV, "tcp://10.0.0.1:8786")
    assert engine.resolve(None) == "tcp://10.0.0.1:8786"
    assert engine.resolve("none") is None  # the option wins over the environment
    from topiccli.errors import UsageError

    with pytest.raises(UsageError):
        engine.resolve("  ")


def _same_topics(a, b):
    # Words in the same order up to near-ties: compare each topic's set of top words.
    assert [set(t["words"]) for t in a["topics"]] == [set(t["words"]) for t in b["topics"]]


@needs_dask
@pytest.mark.parametrize("loss", ["kl", "frobenius"])
def test_nmf_on_the_cluster_gives_the_same_topics(sample_corpus, scheduler, loss):
    args = ("nmf", "--input", sample_corpus, "--k", 3, "--loss", loss)
    here, there = run_json(*args), run_json(*args, "--scheduler", scheduler)
    _same_topics(here, there)
    assert there["divergence"] == pytest.approx(here["divergence"], rel=1e-6)
    assert (there["n_iter"], there["solver"], there["init"]) == (
        here["n_iter"], here["solver"], here["init"])  # fmt: skip


@needs_dask
def test_svd_on_the_cluster_gives_the_same_singular_values(sample_corpus, scheduler):
    args = ("svd", "--input", sample_corpus, "--k", 4)
    here, there = run_json(*args), run_json(*args, "--scheduler", scheduler)
    np.testing.assert_allclose(there["singular_values"], here["singular_values"], rtol=1e-8)
    _same_topics(here, there)


@needs_dask
def test_sweep_on_the_cluster(sample_corpus, scheduler):
    args = ("sweep", "--input", sample_corpus, "--k", "2:3")
    here, there = run_json(*args), run_json(*args, "--scheduler", scheduler)
    assert [r["k"] for r in there["results"]] == [2, 3]
    assert there["recommended_k"] == here["recommended_k"]
    for a, b in zip(here["results"], there["results"]):
        rel = "relative_reconstruction_error"
        assert b[rel] == pytest.approx(a[rel], rel=1e-6)


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
    monkeypatch.setenv(engine.TIMEOUT_ENV, "2")
    address = f"tcp://127.0.0.1:{_closed_port()}"
    start = time.monotonic()
    result = topics("nmf", "--input", sample_corpus, "--k", 3, "--no-cache", "--scheduler", address)
    elapsed = time.monotonic() - start
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: cannot reach the Dask scheduler")
    assert address in lines[0] and elapsed < 8
    # The same through DASK_SCHEDULER_ADDRESS; --scheduler none runs here regardless.
    monkeypatch.setenv(engine.SCHEDULER_ENV, address)
    assert topics("nmf", "--input", sample_corpus, "--k", 3, "--no-cache").exit_code == 1
    ok = topics("nmf", "--input", sample_corpus, "--k", 3, "--no-cache", "--scheduler", "none")
    assert ok.exit_code == 0, ok.stderr


@needs_dask
def test_ctrl_c_cancels_the_clusters_tasks_and_exits_130(sample_corpus, scheduler, tmp_path):
    import signal

    from distributed import Client

    from topiccli.synthetic import planted, write_folder

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
    return sorted(p.name for p in folder.iterdir() if p.name not in keep)


@needs_dask
@pytest.mark.parametrize(
    ("method", "options", "name"),
    [
        ("nmf", ("--loss", "kl"), "table.csv"),
        ("nmf", ("--loss", "kl"), "table.jsonl"),
        ("nmf", ("--loss", "frobenius", "--normalize"), "table.csv"),
        ("nmf", ("--loss", "kl", "--normalize"), "table.jsonl"),
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
                        "--scheduler", scheduler, "--doc-topics", table, "-q")  # fmt: skip
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
    args = ("nmf", "--input", sample_corpus, "--k", 3, "--no-cache")
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
    assert partitions == [(2, True)]
    assert there.read_bytes() == here.read_bytes()
    assert _leftovers(tmp_path, {"model", here.name, there.name}) == []
