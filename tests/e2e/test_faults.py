"""Bad input, pipes and faults (issue 6): one clear line, the documented exit code, nothing lost.

Every row of tests/e2e/fault_matrix.py that can run in-process is a test here (through CliRunner),
and one test runs the whole matrix, those rows and the ones that need a real process (closed
pipes, a full disk, Ctrl-C), through the real ``topics`` executable, checking each row's exit
code, that stderr holds no traceback and one message line, and that no input file changed.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from typer.testing import CliRunner

from topiccli.cli import app

from .fault_matrix import ROWS, Row, build_workspace, remove_deep, snapshot

runner = CliRunner()
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


@pytest.fixture(scope="session")
def workspace(tmp_path_factory):
    ws = build_workspace(tmp_path_factory.mktemp("faults"))
    yield ws
    (ws / "readonly").chmod(0o755)  # so pytest can clean up
    (ws / "private" / "secret.txt").chmod(0o644)
    remove_deep(ws / "deep")  # pytest's cleanup recurses


def _skip_reason(row: Row) -> str | None:
    if row.root_only is True and not IS_ROOT:
        return "only meaningful as root (a non-root run covers it with a read-only folder)"
    if row.root_only is False and IS_ROOT:
        return "root ignores file permissions; the row runs as a normal user (see also /sys row)"
    return None


def check(row: Row, code: int, stderr: str, stdout: str = "") -> None:
    """The three promises of every row: exit code, no traceback, one clear line.

    A failing row ends in its single ``Error:`` line; any line before it is a ``Warning:``.
    """
    assert code == row.code, f"{row.name}: exit {code}, stderr: {stderr!r}"
    assert "Traceback" not in stderr, f"{row.name}: {stderr}"
    lines = stderr.splitlines()
    if code in (0, 141):  # success, or a reader that left early: no error message at all
        assert all(line.startswith("Warning: ") for line in lines), f"{row.name}: {stderr!r}"
    else:
        # exactly one error line, last; warnings (a cache that could not be written…) may precede
        prefix = "Interrupted: " if code == 130 else "Error: "
        *warnings, last = lines or [""]
        assert last.startswith(prefix), f"{row.name}: {stderr!r}"
        assert all(w.startswith("Warning: ") for w in warnings), f"{row.name}: {stderr!r}"
    if row.stderr:
        assert row.stderr in stderr, f"{row.name}: {stderr!r}"
    for piece in row.stdout:  # untrusted text shown as it is, escapes visible
        assert piece in stdout, f"{row.name}: {piece!r} not in {stdout!r}"
    if row.stdout:
        assert not any(ch in stdout for ch in "\x1b\x07\x9b\u202e"), f"{row.name}: {stdout!r}"
    if code == 0 and row.mode == "cli" and "json" in row.args and "-o" not in row.args:
        assert json.loads(stdout)["topics"], row.name


CLI_ROWS = [r for r in ROWS if r.mode == "cli"]


@pytest.mark.parametrize("row", CLI_ROWS, ids=[r.name for r in CLI_ROWS])
def test_row_in_process(row, workspace):
    if reason := _skip_reason(row):
        pytest.skip(reason)
    result = runner.invoke(app, row.argv(workspace))
    check(row, result.exit_code, result.stderr, result.stdout)


def test_the_whole_matrix_through_the_real_executable(workspace, tmp_path, monkeypatch):
    """Every row in its own ``topics`` process (two at a time: the rows are independent).

    Rows that succeed read their corpus from a cache warmed in-process first, so most
    processes skip importing scikit-learn (the suite runs on two shared cores).
    """
    monkeypatch.setenv("TOPICS_CACHE_DIR", str(tmp_path / "shared-cache"))  # rows share hits
    before = snapshot(workspace)
    rows = [row for row in ROWS if not _skip_reason(row)]
    for row in rows:  # warm the shared corpus cache in this process, where scikit-learn is
        if row.mode == "cli":  # already imported; each row's cold path is tested above
            runner.invoke(app, row.argv(workspace))
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda row: run_process(row, workspace), rows))
    for row, (code, stdout, stderr) in zip(rows, results):
        check(row, code, stderr, stdout)
    assert sorted(p.name for p in (workspace / "out").iterdir()) == []
    assert snapshot(workspace) == before, "a run changed an input file"
    assert len(results) == len(rows) > 60


def executable() -> list[str]:
    """The installed console script when there is one, else ``python -m topiccli``."""
    script = Path(sys.executable).with_name("topics")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "topiccli"]


def run_process(row: Row, ws: Path, timeout: float = 120) -> tuple[int, str, str]:
    """Run a row through the real executable as its mode says; (exit code, stdout, stderr)."""
    argv = [*executable(), *row.argv(ws)]
    env = {**os.environ, "COLUMNS": "100"}
    env.pop("TOPICS_DEBUG", None)
    if row.mode == "cli":
        done = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=timeout)
        return done.returncode, done.stdout, done.stderr
    if row.mode == "closed-stdout":
        read_end, write_end = os.pipe()
        os.close(read_end)
        with subprocess.Popen(argv, stdout=write_end, stderr=subprocess.PIPE, env=env) as proc:
            os.close(write_end)
            stderr = proc.stderr.read().decode()
        return proc.returncode, "", stderr
    if row.mode == "head":
        with subprocess.Popen(
            argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env
        ) as proc:
            head = proc.stdout.read(100)
            proc.stdout.close()
            stderr = proc.stderr.read().decode()
        assert len(head) == 100
        # the pipe may take the whole report before head leaves (exit 0) or not (exit 141)
        code = 0 if proc.returncode in (0, 141) else proc.returncode
        return code, "", stderr
    if row.mode == "stdout-full":
        with open("/dev/full", "wb") as full:
            done = subprocess.run(argv, stdout=full, stderr=subprocess.PIPE, env=env)
        return done.returncode, "", done.stderr.decode()
    if row.mode == "fsize":
        import resource

        def limit():
            resource.setrlimit(resource.RLIMIT_FSIZE, (64, 64))

        done = subprocess.run(
            argv, capture_output=True, text=True, env=env, preexec_fn=limit, timeout=timeout
        )
        return done.returncode, done.stdout, done.stderr
    if row.mode in ("sigint", "sigterm"):
        signum = signal.SIGINT if row.mode == "sigint" else signal.SIGTERM
        return _interrupt(argv, env, ws, timeout, signum)
    if row.mode == "stdin":
        return _with_stdin(argv, env, row.stdin.replace("{ws}", str(ws)), timeout)
    raise AssertionError(f"unknown mode {row.mode}")


def _with_stdin(argv, env, stdin: str, timeout: float) -> tuple[int, str, str]:
    """Run with stdin reading the file ``stdin``, or closed (``<&-``) for "closed"."""
    if stdin == "closed":
        done = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=timeout,
                              stdin=None, preexec_fn=lambda: os.close(0))  # fmt: skip
        return done.returncode, done.stdout, done.stderr
    with open(stdin, "rb") as handle:
        done = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=timeout,
                              stdin=handle)  # fmt: skip
    return done.returncode, done.stdout, done.stderr


def _interrupt(argv, env, ws: Path, timeout: float, signum=signal.SIGINT):
    """Send ``signum`` once the run is past loading (its new corpus cache entry exists): in
    NMF. (exit code, stdout, stderr)."""
    import tempfile

    cache = Path(tempfile.mkdtemp(prefix="sigint-cache-", dir=ws.parent))
    env = {**env, "TOPICS_CACHE_DIR": str(cache)}

    def python_sigint():  # a background job (CI under '&') starts with SIGINT ignored
        signal.signal(signal.SIGINT, signal.SIG_DFL)

    with subprocess.Popen(
        argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True,
        preexec_fn=python_sigint,
    ) as proc:  # fmt: skip
        deadline = time.monotonic() + timeout
        while not list(cache.glob("corpus-v*/*.json")) and time.monotonic() < deadline:
            if proc.poll() is not None:
                break
            time.sleep(0.05)
        time.sleep(0.2)
        proc.send_signal(signum)
        stdout, stderr = proc.communicate(timeout=timeout)
    return proc.returncode, stdout, stderr


def test_debug_mode_re_raises_with_the_traceback(workspace):
    env = {**os.environ, "TOPICS_DEBUG": "1"}
    done = subprocess.run(
        [*executable(), "nmf", "--no-cache", "-i", str(workspace / "no-such")],
        capture_output=True,
        text=True,
        env=env,
    )
    assert done.returncode == 1
    assert "Traceback" in done.stderr and "CorpusError" in done.stderr
