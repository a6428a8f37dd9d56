"""The engine a run used, named in the JSON report and below the table (local or Dask)."""

from __future__ import annotations

from ..helpers import SAMPLE, fit_json, topics


def test_the_engine_is_named_in_json_and_below_the_table(essays_model):
    env = {"TOPICS_NUM_THREADS": "3"}
    local = {"kind": "local", "threads": 3}
    assert fit_json("nmf", "-i", SAMPLE, "--k", 4, env=env)["engine"] == local
    hit = fit_json("nmf", "-i", SAMPLE, "--k", 4, env=env)
    assert hit["run_cache"] == "hit" and hit["engine"] == local
    assert fit_json("sweep", "-i", SAMPLE, "--k", "2:3", "--samples", 2, env=env)["engine"] == local
    assert fit_json("infer", essays_model, "-i", SAMPLE, env=env)["engine"] == local
    table = topics("nmf", "-i", SAMPLE, "--k", 4, env=env).stdout
    assert "Engine: this machine (3 threads); answered from the run cache" in table
    assert (
        "Engine: this machine (3 threads)"
        in topics("infer", essays_model, "-i", SAMPLE, env=env).stdout
    )


def test_a_dask_engine_is_named_by_its_scheduler():
    from topiccli.distributed.engine import DaskEngine
    from topiccli.render.present import engine_line

    described = DaskEngine("tcp://10.0.0.1:8786", 1.0).describe()  # never connected
    assert described == {"kind": "dask", "scheduler": "tcp://10.0.0.1:8786"}
    assert engine_line({**described, "workers": 4}) == (
        "Engine: Dask scheduler tcp://10.0.0.1:8786 (4 workers)"
    )
    assert engine_line({**described, "workers": 1}).endswith("(1 worker)")
    assert engine_line({"kind": "local", "threads": 1}) == "Engine: this machine (1 thread)"
