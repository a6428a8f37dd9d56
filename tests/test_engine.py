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
    # KL's fixed-H solve stops on the objective of the rows it is given (tol 1e-7), so block by
    # block it stops at slightly different points: within 1e-4 relative, same top topics.
    weights = [[d["weights"] for d in x["documents"]] for x in (a, b)]
    np.testing.assert_allclose(weights[1], weights[0], rtol=1e-4, atol=1e-5)
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
@pytest.mark.xfail(
    strict=False,
    reason="known defect: run after the rest of the suite, the SIGINT is sometimes not seen "
    "by the fit on the cluster and the run completes (exit 0); it passes alone and with "
    "tests/test_distributed.py — under investigation",
)
def test_ctrl_c_cancels_the_clusters_tasks_and_exits_130(sample_corpus, scheduler, tmp_path):
    import signal

    from distributed import Client

    from topiccli.synthetic import planted, write_folder

    # Big enough that --tol 0 keeps the fit going well past the signal (on the 72 essays the
    # objective can stop falling within seconds on a busy machine, and the run ends first).
    corpus = tmp_path / "planted"
    write_folder(planted(3000, 5, seed=1), corpus)
    out = tmp_path / "report.json"
    argv = [sys.executable, "-m", "topiccli", "nmf", "--input", str(corpus), "--k", "3",
            "--max-iter", "100000", "--tol", "0", "--no-cache", "--scheduler", scheduler,
            "-o", str(out)]  # fmt: skip
    env = {k: v for k, v in os.environ.items() if k != "TOPICS_DEBUG"}
    with Client(scheduler, timeout=10) as client:
        before = client.run_on_scheduler(_n_tasks)  # other tests' tasks may still be there

        def default_sigint():
            signal.signal(signal.SIGINT, signal.SIG_DFL)

        proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                env=env, preexec_fn=default_sigint)  # fmt: skip
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and client.run_on_scheduler(_n_tasks) <= before:
            time.sleep(0.1)  # until this fit's tasks are on the cluster
        assert client.run_on_scheduler(_n_tasks) > before, "the fit never reached the cluster"
        proc.send_signal(signal.SIGINT)
        start = time.monotonic()
        _, stderr = proc.communicate(timeout=30)
        assert proc.returncode == 130 and time.monotonic() - start < 10
        assert stderr.strip().splitlines() == [
            "Interrupted: stopped by Ctrl-C; no output was written"
        ]
        assert not out.exists()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and client.run_on_scheduler(_n_tasks):
            time.sleep(0.1)
        assert client.run_on_scheduler(_n_tasks) == 0, "the fit's tasks outlived it"


def _n_tasks(dask_scheduler=None) -> int:
    return sum(1 for key in dask_scheduler.tasks if str(key).startswith("topiccli-"))
