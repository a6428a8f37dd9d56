"""Ctrl-C during a run: exit 130, one line, nothing written, also from inside a C extension."""

from __future__ import annotations

from typer.testing import CliRunner

from topiccli.cli import app

from ..helpers import write_docs

runner = CliRunner()


def test_ctrl_c_during_the_fit_exits_130_and_writes_nothing(tmp_path, monkeypatch):
    corpus = write_docs(tmp_path / "docs")
    out = tmp_path / "out" / "topics.json"
    out.parent.mkdir()

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("topiccli.models.fitting.factorize", interrupted)
    result = runner.invoke(app, ["nmf", "-i", str(corpus), "--k", "2", "-o", str(out)])
    assert result.exit_code == 130
    assert result.stderr.startswith("Interrupted:") and len(result.stderr.splitlines()) == 1
    assert list(out.parent.iterdir()) == []


def test_ctrl_c_inside_a_c_extension_is_still_an_interrupt(tmp_path, monkeypatch):
    """scipy's PROPACK calls back into Python; a Ctrl-C there surfaces as a SystemError."""
    corpus = write_docs(tmp_path / "docs")

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
