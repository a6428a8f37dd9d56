"""scripts/compare_peers.py (`make compare`) on the sample essays: one vocabulary for every
tool, the same scores, topiccli's c_npmi equal to gensim's on the row it cross-checks."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).parents[2] / "scripts" / "compare_peers.py"


def _script():
    spec = importlib.util.spec_from_file_location("compare_peers", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_compare_peers_on_the_essays(tmp_path, capsys):
    pytest.importorskip("gensim")
    script = _script()
    out = tmp_path / "peers.json"
    tools = "topiccli-kl,topiccli-frobenius,sklearn-nmf,gensim-nmf"
    assert script.main(["--corpora", "essays", "--tools", tools, "--out", str(out)]) == 0
    table = capsys.readouterr().out
    assert table.startswith("| corpus | tool | settings | time (s) | label NMI | c_npmi |")
    rows = json.loads(out.read_text())["rows"]
    assert [r["key"] for r in rows] == tools.split(",")
    assert {tuple(r["shape"]) for r in rows} == {tuple(rows[0]["shape"])}  # one vocabulary
    assert rows[0]["c_npmi_gensim"] == pytest.approx(rows[0]["c_npmi"], abs=1e-9)
    for r in rows:
        assert 0.0 <= r["label_nmi"] <= 1.0 and 0.0 < r["diversity"] <= 1.0
        assert -1.0 <= r["c_npmi"] <= 1.0 and r["seconds"] >= 0.0
    assert rows[0]["label_nmi"] > 0.9  # topiccli's defaults find the six themes
