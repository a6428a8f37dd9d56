"""The fixes behind the fault matrix, each at the layer that owns it (issue 6)."""

from __future__ import annotations

import errno
import io
import json
import os
import stat
import tarfile
import threading
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from typer.testing import CliRunner

from topiccli import nmf, truncated_svd
from topiccli.cli import app
from topiccli.cli.output import write_text
from topiccli.corpus import archive as archive_module
from topiccli.corpus import folder as folder_module
from topiccli.corpus import load_folder
from topiccli.corpus.archive import import_archive
from topiccli.errors import ArchiveError, InvalidParameterError, OutputError

from .fault_matrix import GOOD_DOCS, mini_archive, snapshot

runner = CliRunner()


def _corpus(folder, texts=GOOD_DOCS):
    folder.mkdir(parents=True, exist_ok=True)
    for i, text in enumerate(texts):
        (folder / f"d{i}.txt").write_text(text)
    return folder


def _temps(folder):
    return [p.name for p in folder.iterdir() if p.name.startswith(".")]


# --- output -------------------------------------------------------------------------------


class _FullDisk(io.StringIO):
    def write(self, text):
        raise OSError(errno.ENOSPC, "No space left on device")


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


def test_ctrl_c_during_the_fit_exits_130_and_writes_nothing(tmp_path, monkeypatch):
    corpus = _corpus(tmp_path / "docs")
    out = tmp_path / "out" / "topics.json"
    out.parent.mkdir()

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("topiccli.models.fitting.factorize", interrupted)
    result = runner.invoke(app, ["nmf", "-i", str(corpus), "--k", "2", "-o", str(out)])
    assert result.exit_code == 130
    assert result.stderr.startswith("Interrupted:") and len(result.stderr.splitlines()) == 1
    assert list(out.parent.iterdir()) == []


def test_output_destination_is_checked_before_any_work(tmp_path, monkeypatch):
    corpus = _corpus(tmp_path / "docs")
    monkeypatch.setattr("topiccli.corpus.source.Source.load", lambda *a: pytest.fail("read data"))
    result = runner.invoke(app, ["nmf", "-i", str(corpus), "-o", str(tmp_path / "no" / "x")])
    assert result.exit_code == 1 and "does not exist" in result.stderr


def test_no_input_changes_across_a_whole_cli_run(tmp_path):
    tmp_path = tmp_path / "work"  # the corpus cache lives beside it, in the parent
    corpus = _corpus(tmp_path / "docs")
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


# --- the folder loader -------------------------------------------------------------------


def test_a_cut_file_ends_on_a_whole_character(tmp_path):
    (tmp_path / "utf8.txt").write_bytes("é".encode() * 100)  # 2 bytes each
    (tmp_path / "utf16.txt").write_bytes("ü".encode("utf-16") * 1)
    (tmp_path / "utf16.txt").write_bytes("ü".encode("utf-16")[:2] + "ü".encode("utf-16-le") * 50)
    corpus = load_folder(tmp_path, max_file_bytes=51)
    texts = dict(zip(corpus.ids, corpus.texts))
    assert texts["utf8.txt"] == "é" * 25  # not Windows-1252 mojibake of a split character
    assert texts["utf16.txt"] == "ü" * 24
    assert corpus.skipped == {"truncated": 2}


def test_a_large_file_is_read_only_up_to_the_cap(tmp_path, monkeypatch):
    (tmp_path / "big.txt").write_bytes(b"word " * 10_000)
    reads = []
    real_open = folder_module.open_regular  # the bounded reader every folder file goes through

    def spy(file):
        handle = real_open(file)
        real_read = handle.read
        handle_read = lambda n=-1: reads.append(n) or real_read(n)  # noqa: E731
        return _Proxy(handle, handle_read)

    monkeypatch.setattr(folder_module, "open_regular", spy)
    corpus = load_folder(tmp_path, max_file_bytes=1000)
    assert reads == [1001] and len(corpus.texts[0]) <= 1000


class _Proxy:
    def __init__(self, handle, read):
        self._handle, self.read = handle, read

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._handle.close()


def test_unreadable_files_and_folders_are_skipped_and_counted(tmp_path, monkeypatch):
    _corpus(tmp_path / "ok")
    (tmp_path / "secret.txt").write_text("private words")
    (tmp_path / "locked").mkdir()
    (tmp_path / "locked" / "x.txt").write_text("hidden words")
    real_open, real_scandir = folder_module.open_regular, os.scandir

    def deny_open(file):
        if str(file).endswith("secret.txt"):
            raise PermissionError(errno.EACCES, "Permission denied", str(file))
        return real_open(file)

    def deny_scandir(path="."):
        if str(path).endswith("locked"):
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(folder_module, "open_regular", deny_open)
    monkeypatch.setattr(os, "scandir", deny_scandir)
    corpus = load_folder(tmp_path)
    assert len(corpus.texts) == len(GOOD_DOCS)
    assert corpus.skipped == {"unreadable": 2}


def test_links_loops_and_special_files(tmp_path):
    docs = _corpus(tmp_path / "docs")
    (tmp_path / "outside.txt").write_text("from outside the folder")
    (docs / "in.txt").symlink_to(tmp_path / "outside.txt")
    (docs / "loop").symlink_to(docs, target_is_directory=True)
    (docs / "dead.txt").symlink_to(tmp_path / "gone")
    os.mkfifo(docs / "fifo.txt")
    corpus = load_folder(docs)
    assert "in.txt" in corpus.ids and "from outside the folder" in corpus.texts
    assert len(corpus.ids) == len(GOOD_DOCS) + 1  # the loop is walked once
    assert corpus.skipped == {"broken link": 1, "not a regular file": 1}


def test_undecodable_names_become_valid_ids_and_the_cache_stores_them(tmp_path):
    docs = _corpus(tmp_path / "docs")
    with open(os.fsencode(docs) + b"/caf\xe9.txt", "wb") as handle:
        handle.write(b"coffee shop beans roast")
    past = os.stat(docs).st_mtime - 3600
    for name in os.listdir(os.fsencode(docs)):
        os.utime(os.path.join(os.fsencode(docs), name), (past, past))
    assert "caf\\xe9.txt" in load_folder(docs).ids
    args = ["nmf", "-i", str(docs), "--k", "2", "-f", "json"]
    first, second = runner.invoke(app, args), runner.invoke(app, args)
    assert first.exit_code == second.exit_code == 0, first.stderr
    assert '"cache": "miss"' in first.stdout and '"cache": "hit"' in second.stdout


def test_skipped_files_are_reported_in_one_warning(tmp_path):
    docs = _corpus(tmp_path / "docs")
    (docs / "blob.bin").write_bytes(b"\x00\x01")
    (docs / "blank.txt").write_text("  ")
    result = runner.invoke(app, ["svd", "-i", str(docs), "--k", "2", "-f", "csv"])
    assert result.exit_code == 0
    assert result.stderr == "Warning: skipped 2 file(s): 1 binary, 1 empty\n"


# --- archives ------------------------------------------------------------------------------


def test_a_bomb_is_refused_at_its_header_without_inflating_it(tmp_path):
    """The header claims 4 GiB; the data is absent. Checking lazily stops at the header."""
    bomb = tmp_path / "bomb.tar.gz"
    header = tarfile.TarInfo("20news-bydate-train/alt.atheism/1")
    header.size = 4 * 2**30
    import gzip

    with gzip.open(bomb, "wb") as out:
        out.write(header.tobuf(format=tarfile.GNU_FORMAT) + bytes(2**16))
    home = tmp_path / "home"
    with pytest.raises(ArchiveError, match="refusing archive member .* of 4294967296 bytes"):
        import_archive(bomb, home)
    assert list(home.iterdir()) == []


def test_too_many_members_stop_the_read(tmp_path, monkeypatch):
    monkeypatch.setattr(archive_module, "MAX_MEMBERS", 10)
    with pytest.raises(ArchiveError, match="over 10 members"):
        import_archive(mini_archive(tmp_path / "a.tar.gz"), tmp_path / "home")


def test_data_home_problems_are_clear(tmp_path, monkeypatch):
    archive = mini_archive(tmp_path / "a.tar.gz")
    blocker = tmp_path / "file"
    blocker.write_text("in the way")
    with pytest.raises(ArchiveError, match="cannot use .* as the data home"):
        import_archive(archive, blocker / "home")
    monkeypatch.setattr(archive_module.os, "access", lambda *a: False)
    with pytest.raises(ArchiveError, match="not writable"):
        import_archive(archive, tmp_path / "home")


# --- degenerate data -----------------------------------------------------------------------


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_nan_and_infinity_never_reach_the_core(bad):
    X = sp.random(6, 5, density=0.5, random_state=0, format="csr")
    X.data[0] = bad
    for fit in (lambda: nmf(X, 2), lambda: truncated_svd(X, 2)):
        with pytest.raises(InvalidParameterError, match="NaN or infinity"):
            fit()


def test_an_all_zero_matrix_gives_finite_factors_and_converges_at_once():
    X = sp.csr_matrix((5, 4))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # an exact fit is converged: no max-iter warning
        res = nmf(X, 2, max_iter=5)
    assert np.isfinite(res.W).all() and np.isfinite(res.H).all()
    assert res.reconstruction_error == 0.0 and res.converged and res.n_iter == 1
    svd = truncated_svd(X, 2)
    assert np.isfinite(svd.s).all() and (svd.s == 0).all()


@pytest.mark.filterwarnings("ignore::topiccli.errors.ConvergenceWarning")  # MU at max_iter=50
def test_all_zero_rows_and_columns_give_finite_factors():
    rng = np.random.default_rng(0)
    X = sp.random(8, 7, density=0.6, random_state=rng, format="lil")
    X[2, :] = 0  # a document with no terms left
    X[:, 4] = 0  # a term no document has
    X = X.tocsr()
    for solver in ("hals", "mu"):
        res = nmf(X, 3, solver=solver, max_iter=50)
        assert np.isfinite(res.W).all() and np.isfinite(res.H).all()
        assert res.W.min() >= 0 and res.H.min() >= 0
        assert np.allclose(res.W[2] @ res.H, 0) and np.allclose(res.W @ res.H[:, 4], 0)
    svd = truncated_svd(X, 3)
    assert np.isfinite(svd.U).all() and np.allclose(svd.U[2], 0) and np.allclose(svd.Vt[:, 4], 0)


# --- the command line ---------------------------------------------------------------------


def test_nmf_at_max_iter_warns_and_reports_not_converged(tmp_path):
    corpus = _corpus(tmp_path / "docs")
    args = ["nmf", "-i", str(corpus), "--k", "2", "--max-iter", "1", "--tol", "0", "-f", "json"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0
    assert json.loads(result.stdout)["converged"] is False
    assert result.stderr.startswith("Warning: ") and "--max-iter=1" in result.stderr


@pytest.mark.parametrize(
    "args",
    [["nmf", "--k", "0"], ["nmf", "--format", "xml"], ["svd", "--nope"], ["frobnicate"]],
)
def test_usage_errors_are_one_line_not_a_panel(args):
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("Error: ") and len(result.stderr.splitlines()) == 1
    assert "--help" in result.stderr


def test_contradicting_values_are_usage_errors_found_before_any_reading(tmp_path, monkeypatch):
    monkeypatch.setattr(
        "topiccli.corpus.source.Source.load", lambda *a: pytest.fail("read the corpus")
    )
    result = runner.invoke(app, ["nmf", "-i", str(tmp_path), "--min-df", "5", "--max-df", "2"])
    assert result.exit_code == 2 and "--min-df (5) is larger than --max-df (2)" in result.stderr


def test_no_arguments_still_show_the_help():
    result = runner.invoke(app, [])
    assert result.exit_code == 2 and "Usage" in result.output and "Error" not in result.output


def test_debug_mode_re_raises_usage_problems_of_ours(monkeypatch):
    monkeypatch.setenv("TOPICS_DEBUG", "1")
    result = runner.invoke(app, ["nmf", "--categories", "sci.spice"])
    assert isinstance(result.exception, InvalidParameterError)


def test_a_newline_in_a_message_stays_on_one_line(tmp_path):
    missing = tmp_path / "two\nlines"
    result = runner.invoke(app, ["nmf", "-i", str(missing)])
    assert result.exit_code == 1 and result.stderr.count("\n") == 1
    assert "two\\nlines" in result.stderr


@pytest.mark.parametrize(
    ("text", "size"), [("16M", 16 * 2**20), ("500k", 500 * 2**10), ("1GiB", 2**30), ("7", 7)]
)
def test_sizes_parse_in_binary_units(text, size):
    from topiccli.cli.options import parse_size

    assert parse_size(text) == size


def test_the_cap_on_file_size_is_part_of_the_cache_key(tmp_path):
    from topiccli.cache import lookup_key
    from topiccli.specs import SourceSpec
    from topiccli.text.vectorize import VectorizerSettings

    settings = VectorizerSettings()
    whole = lookup_key(SourceSpec(input=tmp_path), settings).key
    capped = lookup_key(SourceSpec(input=tmp_path, max_file_bytes=1000), settings).key
    assert whole != capped


def test_ctrl_c_inside_a_c_extension_is_still_an_interrupt(tmp_path, monkeypatch):
    """scipy's PROPACK calls back into Python; a Ctrl-C there surfaces as a SystemError."""
    corpus = _corpus(tmp_path / "docs")

    def interrupted_in_c(*args, **kwargs):
        try:
            raise KeyboardInterrupt
        except KeyboardInterrupt as exc:
            raise SystemError(
                "<built-in function dlansvd> returned a result with an exception set"
            ) from exc

    monkeypatch.setattr("topiccli.models.fitting.factorize", interrupted_in_c)
    result = runner.invoke(app, ["svd", "-i", str(corpus), "--k", "2"])
    assert result.exit_code == 130 and result.stderr.startswith("Interrupted:")
