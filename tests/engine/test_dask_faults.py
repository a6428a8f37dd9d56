"""Faults on the Dask engine (issue 24): a worker killed at several moments of a run, addresses
where something other than a Dask scheduler listens, Dask's own log lines, the one check of
the timeout, and kills at random moments of a real ``topics`` process (``scripts/kill_trials``).

Every listener is on 127.0.0.1, every loop is bounded, and every process or thread started here
is ended. The random-moment trial runs ``TOPICS_KILL_TRIALS`` kills (1 by default, so ``make
test`` stays quick; ``TOPICS_KILL_TRIALS=20`` or the script itself for the full measurement).
"""

from __future__ import annotations

import contextlib
import http.server
import importlib.util
import json
import logging
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

pytest.importorskip(
    "distributed", reason="the dask extra is not installed (pip install 'topiccli[dask]')"
)

from topiccli import settings  # noqa: E402
from topiccli.cli import app  # noqa: E402
from topiccli.distributed import EngineError, cluster  # noqa: E402
from topiccli.distributed._session import Session  # noqa: E402
from topiccli.errors import UsageError  # noqa: E402
from topiccli.models import engine  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
ESSAYS = ROOT / "sample_corpora" / "essays"
runner = CliRunner()


@pytest.fixture(autouse=True)
def no_ambient_scheduler(monkeypatch):
    monkeypatch.delenv(settings.SCHEDULER_ENV, raising=False)
    monkeypatch.delenv("TOPICS_DEBUG", raising=False)


# --- something other than Dask at the address --------------------------------------------------


@contextlib.contextmanager
def listener(answer):
    """A TCP listener on 127.0.0.1 whose every connection is served by ``answer(sock)`` on a
    thread; closed (and its threads ended) on exit. Yields the address."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    server.settimeout(0.2)
    stop = threading.Event()
    accepted = []

    def serve():
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            accepted.append(conn)
            threading.Thread(target=answer, args=(conn, stop), daemon=True).start()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"tcp://127.0.0.1:{server.getsockname()[1]}"
    finally:
        stop.set()
        thread.join(5)
        for conn in accepted:
            with contextlib.suppress(OSError):
                conn.close()
        server.close()


def silent(conn, stop):
    """Accept and never answer."""
    stop.wait(30)


def garbage(conn, stop):
    """Answer with bytes that claim a frame of about 4.6 EiB, then random bytes."""
    with contextlib.suppress(OSError):
        conn.sendall((1).to_bytes(8, "little") + (0x4000_0000_0000_0000).to_bytes(8, "little"))
        while not stop.is_set():
            conn.sendall(os.urandom(4096))
            stop.wait(0.05)


def random_bytes(conn, stop):
    with contextlib.suppress(OSError):
        for _ in range(40):
            conn.sendall(os.urandom(4096))
            if stop.wait(0.05):
                break


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """``python3 -m http.server``'s handler, without its request log on stderr."""

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


@contextlib.contextmanager
def http_server():
    """``python3 -m http.server`` on 127.0.0.1, in this process."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), QuietHandler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1})
    thread.start()
    try:
        yield f"tcp://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


LISTENERS = {
    "silent": lambda: listener(silent),
    "garbage": lambda: listener(garbage),
    "random bytes": lambda: listener(random_bytes),
    "http": http_server,
}


@pytest.mark.parametrize("kind", sorted(LISTENERS))
def test_a_listener_that_is_not_dask_is_one_error_within_the_timeout(kind):
    with LISTENERS[kind]() as address:
        began = time.monotonic()
        with pytest.raises(EngineError) as info:
            cluster.connect(address, timeout=1.0)
        elapsed = time.monotonic() - began
    message = str(info.value)
    assert "\n" not in message and address in message, message
    assert "Dask scheduler" in message
    assert elapsed < 1.0 + 3.0, elapsed


def test_the_cli_says_one_line_when_an_http_server_listens(sample_corpus, monkeypatch):
    monkeypatch.setenv(settings.TIMEOUT_ENV, "1")
    with http_server() as address:
        began = time.monotonic()
        result = runner.invoke(app, ["nmf", "--input", str(sample_corpus), "--k", "3",
                                     "--no-cache", "--scheduler", address])  # fmt: skip
        elapsed = time.monotonic() - began
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and address in lines[0], lines
    assert "internal error" not in lines[0]
    assert elapsed < 1.0 + 10.0, elapsed


# --- the timeout, checked once -----------------------------------------------------------------


@pytest.mark.parametrize("bad", ["0", "-1", "soon", "nan", "inf", 0, -2.5])
def test_the_timeout_is_one_check_and_a_usage_error(bad, monkeypatch):
    with pytest.raises(UsageError) as info:
        cluster.check_timeout(bad, "TOPICS_DASK_TIMEOUT")
    assert info.value.exit_code == 2 and "TOPICS_DASK_TIMEOUT" in str(info.value)
    with pytest.raises(UsageError):  # the library's own argument: the same check
        cluster.connect("tcp://127.0.0.1:1", timeout=bad)
    monkeypatch.setenv(settings.TIMEOUT_ENV, str(bad))
    with pytest.raises(UsageError) as info:  # the environment's: the same check, when built
        engine.open_engine("local", settings.Settings.from_environ())
    assert info.value.exit_code == 2 and "TOPICS_DASK_TIMEOUT" in str(info.value)


def test_the_timeout_defaults_and_reads_numbers(monkeypatch):
    assert cluster.check_timeout(None) == cluster.check_timeout("  ") == cluster.DEFAULT_TIMEOUT
    assert cluster.check_timeout(" 2.5 ") == 2.5 == cluster.check_timeout(2.5)
    monkeypatch.setenv(settings.TIMEOUT_ENV, "3")
    assert engine.open_engine("local", settings.Settings.from_environ()).timeout == 3.0
    monkeypatch.setenv(settings.TIMEOUT_ENV, "-1")  # only a Dask engine reads it
    assert isinstance(engine.open_engine("none", settings.Settings.from_environ()),
                      engine.LocalEngine)  # fmt: skip


def test_a_bad_timeout_in_the_environment_is_exit_2_before_any_data(sample_corpus, monkeypatch):
    monkeypatch.setenv(settings.TIMEOUT_ENV, "-1")
    result = runner.invoke(app, ["nmf", "--input", str(sample_corpus), "--k", "3", "--no-cache",
                                 "--scheduler", "tcp://127.0.0.1:1"])  # fmt: skip
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: TOPICS_DASK_TIMEOUT must be a positive number")


# --- Dask's log lines ---------------------------------------------------------------------------


def test_dask_log_lines_stay_off_stderr():
    script = (
        "import logging, sys\n"
        "from topiccli.distributed import cluster\n"
        "def emit():\n"
        "    logging.getLogger('distributed.scheduler').error(\"Couldn't gather keys\")\n"
        "    logging.getLogger('distributed.worker').warning('Compute Failed')\n"
        "    logging.getLogger('distributed.nanny').error('Worker process died')\n"
        "    logging.getLogger('tornado.application').error('Exception in callback')\n"
        "    logging.getLogger('asyncio').error('Task exception was never retrieved')\n"
        "import distributed\n"
        "emit()\n"
        "print('-- quiet --', file=sys.stderr, flush=True)\n"
        "cluster.quiet_logs()\n"
        "emit()\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=300)  # fmt: skip
    assert done.returncode == 0, done.stderr
    loud, quiet = done.stderr.split("-- quiet --\n")
    assert "Couldn't gather keys" in loud  # Dask's own handlers write them
    assert quiet == "", quiet


# --- a worker killed at several moments of a run -------------------------------------------------


@pytest.fixture
def scheduler():
    """A LocalCluster of 2 workers (its nannies restart a killed one) and a client on it; one
    per test, so a test never waits for a worker another test killed."""
    from distributed import Client, LocalCluster

    local = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                         dashboard_address="127.0.0.1:0", silence_logs=cluster.SILENT)  # fmt: skip
    client = Client(local, timeout=30)
    yield local.scheduler_address, client
    client.close()
    local.close()


MOMENTS = {
    # the first value every block needs (Hᵀ, once a scatter that could hang)
    "scatter": lambda what: what == "broadcast Ht",
    # a W half-step of the fit, a few iterations in
    "mid-iteration": lambda what: what == "the W half-step",
    # the fitted W coming back to the client
    "gather": lambda what: what == "the factor W",
    # the documents' weights (the KL fixed-H solve, its state on the workers)
    "weights": lambda what: what == "the document weights' step",
    # the --doc-topics parts being written by the workers
    "doc-topics parts": lambda what: what.startswith("the parts of"),
}
NTH = {"mid-iteration": 4, "weights": 3}


def _kill_one_worker(client) -> str | None:
    workers = sorted(client.nthreads())
    if not workers:
        return None
    victim = workers[0]
    with contextlib.suppress(Exception):  # the worker dies before it answers
        client.run(os._exit, 1, workers=[victim])
    return victim


@pytest.fixture
def kill_at(monkeypatch, scheduler):
    """``kill_at(moments)``: the next run kills one worker at each of those moments, once
    (after the step's tasks were submitted, before they are waited for)."""
    _, client = scheduler
    real_gather, real_broadcast = Session.gather, Session.broadcast

    def arm(moments):
        seen = dict.fromkeys(moments, 0)
        killed: dict = {}

        def maybe_kill(what: str) -> None:
            for moment in moments:
                if moment not in killed and MOMENTS[moment](what):
                    seen[moment] += 1
                    if seen[moment] == NTH.get(moment, 1):
                        killed[moment] = _kill_one_worker(client)

        def gather(self, futures, what="results"):
            maybe_kill(what)
            return real_gather(self, futures, what)

        def broadcast(self, value, what="data"):
            future = real_broadcast(self, value, what)
            maybe_kill(f"broadcast {what}")
            return future

        monkeypatch.setattr(Session, "gather", gather)
        monkeypatch.setattr(Session, "broadcast", broadcast)
        return killed

    return arm


def _run(sample_corpus, address, folder: Path):
    folder.mkdir()
    report, table = folder / "t.json", folder / "t.csv"
    # each document's own cleaning: the workers' and one machine's (no boilerplate warning)
    argv = ["nmf", "--input", str(sample_corpus), "--k", "4", "--max-iter", "8", "--tol", "0",
            "--no-cache", "--scheduler", address, "-f", "json", "-o", str(report),
            "--doc-topics", str(table), "--clean", "nfkc+markup+links"]  # fmt: skip
    result = runner.invoke(app, argv)
    return result, report, table


def _essentials(report: Path):
    data = json.loads(report.read_text())
    return [t["words"] for t in data["topics"]], data["divergence"], data["n_iter"]


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory):
    """The run's report essentials and --doc-topics bytes, with no worker lost (on a cluster
    of 2 workers, as the killed runs': the same blocks)."""
    from distributed import LocalCluster

    local = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                         dashboard_address="127.0.0.1:0", silence_logs=cluster.SILENT)  # fmt: skip
    try:
        address = local.scheduler_address
        plain, report, table = _run(ESSAYS, address, tmp_path_factory.mktemp("p") / "plain")
    finally:
        local.close()
    assert plain.exit_code == 0, plain.stderr
    return _essentials(report), table.read_bytes()


@pytest.mark.parametrize(
    "moments",
    [("scatter", "gather", "doc-topics parts"), ("mid-iteration", "weights")],
    ids=["scatter+gather+parts", "mid-iteration+weights"],
)
def test_a_worker_killed_at_several_moments_gives_the_same_result(
    sample_corpus, scheduler, uninterrupted, kill_at, moments, tmp_path
):
    address, client = scheduler
    killed = kill_at(moments)
    hit, report, table = _run(sample_corpus, address, tmp_path / "hit")
    assert sorted(killed) == sorted(moments), f"the run never reached {set(moments) - set(killed)}"
    lines = hit.stderr.strip().splitlines()
    # Only our own lines: no raw Dask log line, no traceback.
    assert all(line.startswith(("Error:", "Warning:")) for line in lines), lines
    assert hit.exit_code == 0, lines  # the steps ran again: the uninterrupted result
    words, divergence, n_iter = _essentials(report)
    assert (words, n_iter) == (uninterrupted[0][0], uninterrupted[0][2])
    assert divergence == pytest.approx(uninterrupted[0][1], rel=1e-12)
    assert table.read_bytes() == uninterrupted[1]
    assert sorted(p.name for p in (tmp_path / "hit").iterdir()) == ["t.csv", "t.json"]


def test_parts_lost_with_a_worker_are_written_by_the_client(tmp_path, monkeypatch):
    """When the parts cannot be rebuilt (their rows were lost with a worker), the client, which
    holds every row, writes the same table itself and says so."""
    import numpy as np

    from topiccli.distributed.errors import WorkerLost
    from topiccli.models import doc_topics

    weights = np.random.default_rng(0).random((7, 3))
    ids, labels = [f"d{i}" for i in range(7)], ["a", "b"] * 3 + ["a"]
    here = tmp_path / "here.csv"
    doc_topics.write_doc_topics(here, ids, labels, weights, normalize=False)

    from topiccli.distributed import parts
    from topiccli.distributed.engine import DaskEngine

    class Rows:  # the weights' row blocks, as DaskEngine.document_weights keeps them
        client, blocks, bounds = None, [], [(0, 4), (4, 7)]

    def lost(*args):
        raise WorkerLost("the parts were lost (cancelled) on the Dask cluster")

    engine = DaskEngine("tcp://nowhere:8786", 1.0)  # never connected
    engine._weights = (weights.copy(), Rows())
    monkeypatch.setattr(parts, "write_partitioned", lost)
    there = tmp_path / "there.csv"
    with pytest.warns(Warning, match="a Dask worker was lost while writing"):
        doc_topics.write_doc_topics(there, ids, labels, weights, normalize=False, engine=engine)
    assert there.read_bytes() == here.read_bytes()
    # other weights than the workers hold: written here, without a word
    assert not engine.write_by_part(there, weights + 1, None, None, "")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["here.csv", "there.csv"]


def test_a_worker_lost_past_every_restart_is_one_clear_error(sample_corpus, scheduler,
                                                             monkeypatch, tmp_path):  # fmt: skip
    """A worker lost at every step of the fit: the restarts run out, one Error: line and no
    output file at all."""
    address, client = scheduler
    real_gather = Session.gather
    kills = []

    def gather(self, futures, what="results"):
        if what == "the W half-step" and len(kills) < 6 and self.watch:
            kills.append(_kill_one_worker(client))
            time.sleep(0.2)
        return real_gather(self, futures, what)

    monkeypatch.setattr(Session, "gather", gather)
    result, report, table = _run(sample_corpus, address, tmp_path / "hit")
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), lines
    assert "internal error" not in lines[0] and "restart" in lines[0], lines
    assert list((tmp_path / "hit").iterdir()) == []  # no partial output


# --- kills at random moments of a real topics process ---------------------------------------------


def test_kills_at_random_moments_end_bounded_and_clean(tmp_path):
    """``scripts/kill_trials.py``: kill -9 one worker process of ``topics nmf --scheduler
    local:2`` at a random moment; each run ends with the uninterrupted result or one clear
    Error: line, never a hang, an internal error, a raw log line or a partial output."""
    spec = importlib.util.spec_from_file_location("kill_trials", ROOT / "scripts/kill_trials.py")
    trials = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(trials)
    count = int(os.environ.get("TOPICS_KILL_TRIALS", "1"))
    out = tmp_path / "trials.json"
    summary = trials.main(["--trials", str(count), "--input", str(ESSAYS),
                           "--max-iter", "20", "--no-alone", "--out", str(out),
                           "--seed", str(int(time.time()))])  # fmt: skip
    assert isinstance(summary, dict), "the uninterrupted run failed"
    runs = json.loads(out.read_text())["trials"]
    for run in runs:
        assert run["end"] in ("same", "clear error"), run
        assert not run["partial"] and run["raw_lines"] == 0, run
    logging.getLogger(__name__).info("kill trials: %s", summary)


# --- a product failing inside PROPACK ------------------------------------------------------------


@pytest.mark.parametrize("solver", ["propack", "arpack"])
def test_a_product_failing_inside_the_svd_raises_its_own_error(solver):
    """PROPACK calls the distributed products from Fortran, which does not pass an exception
    on: a worker lost during the SVD start surfaced as a SystemError or as other singular
    vectors. Guarded, the product's own error (here WorkerLost, on the 6th product) is raised
    once the solver returns, and no product runs after it."""
    import numpy as np
    import scipy.sparse as sp
    from scipy.sparse.linalg import LinearOperator

    from topiccli.distributed.errors import WorkerLost
    from topiccli.distributed.svd import _guarded, _solve

    X = sp.random(300, 200, density=0.05, random_state=0, format="csr")
    calls = []

    def product(A):
        def run(V):
            calls.append(1)
            if len(calls) == 6:
                raise WorkerLost("Dask worker(s) tcp://127.0.0.1:1 left during the fit")
            return A @ V

        return run

    failures: list = []
    right = _guarded(product(X), X.shape[0], failures)
    left = _guarded(product(X.T.tocsr()), X.shape[1], failures)
    A = LinearOperator(X.shape, matvec=lambda v: right(np.ravel(v)),
                       rmatvec=lambda u: left(np.ravel(u)), matmat=right, rmatmat=left,
                       dtype=np.float64)  # fmt: skip
    with pytest.raises(WorkerLost, match="left during the fit"):
        _solve(A, failures, 5, solver, 0)
    assert len(calls) == 6  # nothing ran after the failure
