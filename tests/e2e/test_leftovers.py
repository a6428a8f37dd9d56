"""Nothing lost, nothing left (issue 24): bundles saved whole or not at all, the umask
followed, a second save to the same new path refused, a killed run's leftovers swept by the
next run, and the bounded reader's refusals.

The kill test sends SIGKILL or SIGTERM to ``topics nmf --save M --force --doc-topics D`` at
several moments; after each, M holds the old bundle or the new one (never neither), D the old
file or the new one, and the next run leaves no temporary behind.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from topiccli.errors import BundleError
from topiccli.models.bundle import load, recover, save
from topiccli.storage import bounded, leftovers

from ..helpers import GOOD_DOCS

DOCS = GOOD_DOCS


def topics() -> list[str]:
    script = Path(sys.executable).with_name("topics")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "topiccli"]


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    """A small fitted bundle (loaded), from a six-document folder."""
    folder = tmp_path_factory.mktemp("leftovers")
    corpus = folder / "corpus"
    corpus.mkdir()
    for i, text in enumerate(DOCS):
        (corpus / f"d{i}.txt").write_text(text)
    subprocess.run([*topics(), "nmf", "-i", str(corpus), "--k", "2", "--no-cache", "-f", "csv",
                    "--save", str(folder / "m")], check=True, capture_output=True)  # fmt: skip
    return load(folder / "m")


def test_a_bundle_folder_follows_the_umask(bundle, tmp_path):
    previous = os.umask(0o022)
    try:
        save(bundle, tmp_path / "open")
        os.umask(0o077)
        save(bundle, tmp_path / "private")
    finally:
        os.umask(previous)
    assert (tmp_path / "open").stat().st_mode & 0o777 == 0o755
    assert (tmp_path / "private").stat().st_mode & 0o777 == 0o700


def test_two_saves_to_one_new_path_one_wins_the_other_fails_clearly(bundle, tmp_path):
    """Both pass the checks before either renames (a barrier between them); exactly one
    bundle lands and the other run says the path was taken, leaving it alone."""
    import topiccli.models.bundle as module

    barrier = threading.Barrier(2)
    original = module._write_files

    def write_then_wait(folder, b):
        original(folder, b)
        barrier.wait(timeout=30)

    outcomes = []

    def run():
        try:
            save(bundle, tmp_path / "m")
            outcomes.append("saved")
        except BundleError as exc:
            outcomes.append(str(exc))

    module._write_files = write_then_wait
    try:
        threads = [threading.Thread(target=run) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
    finally:
        module._write_files = original
    assert sorted(outcomes)[-1] == "saved" and outcomes.count("saved") == 1, outcomes
    assert "already exists (saved meanwhile by another run?)" in sorted(outcomes)[0]
    load(tmp_path / "m")
    assert [p.name for p in tmp_path.iterdir()] == ["m"]  # the loser's temporary is gone


def test_a_swap_killed_between_its_renames_is_restored(bundle, tmp_path):
    save(bundle, tmp_path / "m")
    aside = tmp_path / ".m.old-abcd1234"
    aside.mkdir()
    os.rename(tmp_path / "m", aside / "bundle")  # the state a SIGKILL there leaves
    with pytest.warns(UserWarning, match="restored the model bundle"):
        assert recover(tmp_path / "m")
    assert load(tmp_path / "m").k == bundle.k
    assert [p.name for p in tmp_path.iterdir()] == ["m"]


def test_the_sweep_removes_only_stale_leftovers_of_its_own_names(tmp_path):
    now = time.time()
    stale = [".out.json.tmp-abcd1234", ".m.partial-abcd1234", ".m.old-abcd1234"]
    for name in stale:
        (tmp_path / name).mkdir() if "tmp" not in name else (tmp_path / name).write_text("x")
        os.utime(tmp_path / name, (now - 7200, now - 7200))
    kept = [".out.json.tmp-fresh123", ".out.json.20240101", "out.json.tmp-abcd1234"]
    for name in kept[1:]:
        (tmp_path / name).write_text("a user's file")
        os.utime(tmp_path / name, (now - 7200, now - 7200))
    (tmp_path / kept[0]).write_text("a live run's")
    with pytest.warns(leftovers.LeftoverWarning, match="removed 1 leftover"):
        leftovers.sweep_beside(tmp_path / "out.json", "tmp")
    with pytest.warns(leftovers.LeftoverWarning, match="removed 2 leftover"):
        leftovers.sweep_beside(tmp_path / "m", "partial", "old")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(kept)


def test_the_bounded_reader_refuses_fifos_devices_and_long_files(tmp_path):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    with pytest.raises(bounded.NotRegular, match="FIFO"):
        bounded.read_bounded(fifo, 100)  # returns at once: no writer is waited for
    with pytest.raises(bounded.NotRegular, match="character device"):
        bounded.read_bounded("/dev/zero", 100)
    (tmp_path / "f").write_bytes(b"x" * 101)
    with pytest.raises(bounded.TooLarge):
        bounded.read_bounded(tmp_path / "f", 100)
    assert bounded.read_bounded(tmp_path / "f", 101) == b"x" * 101
    (tmp_path / "loop").symlink_to(tmp_path / "loop")
    with pytest.raises(OSError):
        bounded.read_bounded(tmp_path / "loop", 100)


def test_read_line_cuts_a_long_line_and_reads_past_it():
    import io

    stream = io.BytesIO(b"short\n" + b"y" * 50 + b"\nlast")
    assert bounded.read_line(stream, 10) == (b"short\n", False)
    assert bounded.read_line(stream, 10) == (b"y" * 10, True)
    assert bounded.read_line(stream, 10) == (b"last", False)
    assert bounded.read_line(stream, 10) == (b"", False)


def test_nothing_lost_when_a_save_is_killed_at_any_moment(tmp_path):
    """SIGKILL or SIGTERM at six moments of a run replacing a bundle and a CSV: after each,
    the bundle loads (old or new: its fingerprint is one of the two) and the CSV is whole;
    then the next run, with the leftovers made stale, sweeps every temporary away."""
    from topiccli.corpus.synthetic import planted

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for i, text in enumerate(planted(400, 6, seed=3).texts):
        (corpus / f"d{i}.txt").write_text(text)
    out = tmp_path / "out"
    out.mkdir()
    model, table = out / "m", out / "w.csv"
    base = [*topics(), "nmf", "-i", str(corpus), "--k", "6", "--no-cache", "-f", "csv",
            "--save", str(model), "--doc-topics", str(table), "--force"]  # fmt: skip
    subprocess.run([*base, "--seed", "1"], check=True, capture_output=True)
    old_rows = table.read_text().count("\n")
    for trial, delay in enumerate([0.3, 1.0, 1.6, 2.2, 3.0, 4.0]):
        sig = signal.SIGKILL if trial % 2 == 0 else signal.SIGTERM
        proc = subprocess.Popen([*base, "--seed", str(trial + 2)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # fmt: skip
        time.sleep(delay)
        proc.send_signal(sig)
        _, stderr = proc.communicate(timeout=120)
        if sig == signal.SIGTERM and proc.returncode == 130:
            assert stderr.decode().strip().endswith("stopped by SIGTERM; no output was written")
        recover(model)
        bundle = load(model)  # old or new, never neither
        assert bundle.k == 6
        assert table.read_text().count("\n") == old_rows  # a whole table, old or new
    past = time.time() - 2 * leftovers.STALE_SECONDS
    for path in out.iterdir():
        os.utime(path, (past, past))
    done = subprocess.run([*base, "--seed", "99"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in out.iterdir()) == ["m", "w.csv"], done.stderr
    assert json.loads((model / "manifest.json").read_text())["format"] == "topiccli-model"
