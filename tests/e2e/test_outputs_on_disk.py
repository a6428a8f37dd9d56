"""What a run leaves on disk: a full disk or stdout is an error that keeps the old file, FIFOs
and links are written through, permissions follow the umask, and no input changes."""

from __future__ import annotations

import errno
import io
import os
import stat
import threading

import pytest
from typer.testing import CliRunner

from topiccli.cli import app
from topiccli.cli.output import write_text
from topiccli.errors import OutputError

from ..helpers import write_docs
from .fault_matrix import snapshot

runner = CliRunner()


class _FullDisk(io.StringIO):
    def write(self, text):
        raise OSError(errno.ENOSPC, "No space left on device")


def _temps(folder):
    return [p.name for p in folder.iterdir() if p.name.startswith(".")]


def test_a_full_disk_keeps_the_old_file_and_leaves_no_temporary(tmp_path, monkeypatch):
    target = tmp_path / "out.json"
    target.write_text("old report")
    real_fdopen = os.fdopen

    def fdopen(fd, *args, **kwargs):
        handle = real_fdopen(fd, *args, **kwargs)
        handle.write = _FullDisk().write
        return handle

    monkeypatch.setattr("topiccli.storage.atomic.os.fdopen", fdopen)
    with pytest.raises(OutputError, match="No space left on device"):
        write_text("new report", target)
    assert target.read_text() == "old report"
    assert _temps(tmp_path) == []


def test_a_full_stdout_is_an_error_not_a_crash(monkeypatch):
    monkeypatch.setattr("sys.stdout", _FullDisk())
    monkeypatch.setattr("topiccli.cli.output.silence_stdout", lambda: None)
    with pytest.raises(OutputError, match="cannot write to stdout: No space left"):
        write_text("report", None)


def test_a_fifo_is_written_into_not_replaced(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_text()))
    reader.start()
    write_text("through the pipe", fifo)
    reader.join(timeout=10)
    assert received == ["through the pipe"]
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


def test_new_files_get_the_usual_permissions_and_old_ones_keep_theirs(tmp_path):
    umask = os.umask(0o022)
    try:
        write_text("x", tmp_path / "new.txt")
        old = tmp_path / "old.txt"
        old.write_text("y")
        old.chmod(0o640)
        write_text("z", old)
    finally:
        os.umask(umask)
    assert stat.S_IMODE(os.stat(tmp_path / "new.txt").st_mode) == 0o644
    assert stat.S_IMODE(os.stat(old).st_mode) == 0o640 and old.read_text() == "z"


def test_a_link_as_output_is_followed_and_kept(tmp_path):
    real = tmp_path / "real.txt"
    real.write_text("old")
    link = tmp_path / "link.txt"
    link.symlink_to(real)
    write_text("new", link)
    assert link.is_symlink() and real.read_text() == "new"


def test_no_input_changes_across_a_whole_cli_run(tmp_path):
    tmp_path = tmp_path / "work"  # the corpus cache lives beside it, in the parent
    corpus = write_docs(tmp_path / "docs")
    (corpus / "link.txt").symlink_to(corpus / "d0.txt")
    stop = tmp_path / "stop.txt"
    stop.write_text("the\n")
    past = os.stat(corpus).st_mtime - 3600
    for path in [*corpus.iterdir(), stop]:
        if not path.is_symlink():
            os.utime(path, (past, past))  # old enough to be cached
    (tmp_path / "out").mkdir()
    before = snapshot(tmp_path)
    for n, command in enumerate(("nmf", "svd", "nmf")):  # the second nmf is a cache hit
        out = tmp_path / "out" / f"{n}.json"
        args = [command, "-i", corpus, "--k", 2, "--stop-words", stop, "-f", "json", "-o", out]
        result = runner.invoke(app, [str(a) for a in args])
        assert result.exit_code == 0, result.stderr
    assert snapshot(tmp_path) == before
