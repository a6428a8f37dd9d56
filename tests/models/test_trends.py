"""Topics over time and across groups (issue 25 items 1-2): the planted-trend targets, the
groups' planted difference, time parsing and bins, bad values, option checks, the Python API."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from topiccli.corpus.planted_trends import DIALECT, TOPICS, generate
from topiccli.corpus.times import parse_time, parse_times
from topiccli.errors import UsageError
from topiccli.quality.groups import log_odds
from topiccli.quality.prevalence import bootstrap_interval
from topiccli.quality.trends import choose_unit, period_index, period_name, time_bins

from ..trends_support import BAD_ROWS, curve, matched, planted_run

TRUTH = generate()


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    return planted_run(str(tmp_path_factory.getbasetemp() / "planted-trends"))


# --- the targets ---------------------------------------------------------------------------


def test_planted_curves_are_recovered(run):
    """Each of rise, fall, spike and flat correlates >= 0.95 with its true monthly share."""
    report = run["json"]
    assert report["over_time"]["bin"] == "month"  # auto: 24 months of 100 documents
    assert [b["bin"] for b in report["over_time"]["bins"]] == TRUTH.months
    topics = matched(report, TRUTH.topic_words)
    assert sorted(topics) == [0, 1, 2, 3], "each planted topic must be its own fitted topic"
    for j, name in enumerate(TOPICS):
        r = np.corrcoef(curve(report, topics[j]), TRUTH.shares[:, j])[0, 1]
        assert r >= 0.95, f"{name}: correlation {r:.4f}"


def test_the_spike_month_is_found_exactly(run):
    report = run["json"]
    spike = matched(report, TRUTH.topic_words)[TOPICS.index("spike")]
    found = int(np.argmax(curve(report, spike)))
    assert report["over_time"]["bins"][found]["bin"] == TRUTH.months[TRUTH.spike_month]


def test_intervals_hold_the_prevalence_and_the_words_follow_the_topic(run):
    for topic in run["json"]["over_time"]["topics"]:
        p, low, high = (np.array(topic[key], dtype=float) for key in ("prevalence", "low", "high"))
        assert np.all(low <= p + 1e-12) and np.all(p <= high + 1e-12)
        assert np.all(high - low > 0)
    report = run["json"]
    for j, t in enumerate(matched(report, TRUTH.topic_words)):
        for words in report["over_time"]["topics"][t]["words"]:
            assert len(set(words) & set(TRUTH.topic_words[j])) >= 8


def test_groups_show_the_planted_difference(run):
    """Group a has twice flat's weight; within rise, each group favours its own words."""
    groups = run["json"]["by_group"]
    assert [g["group"] for g in groups["groups"]] == ["a", "b"]
    topics = matched(run["json"], TRUTH.topic_words)
    flat = groups["topics"][topics[TOPICS.index("flat")]]
    assert flat["low"][0] > flat["high"][1], "a's flat share must clearly exceed b's"
    rise = groups["topics"][topics[TOPICS.index("rise")]]
    block = TRUTH.topic_words[TOPICS.index("rise")]
    for g, name in enumerate(("a", "b")):
        own = {block[i] for i in DIALECT[name]}
        assert set(rise["words"][g][:3]) == own
        assert all(z > 0 for z in rise["zeta"][g])


def test_time_by_group_cells_are_the_documents_of_both(run):
    cross = run["json"]["over_time_by_group"]
    assert cross["groups"] == ["a", "b"] and cross["bins"] == TRUTH.months
    dated = run["json"]["over_time"]["bins"]
    assert [sum(col) for col in zip(*cross["documents"])] == [b["documents"] for b in dated]


def test_bad_times_are_counted_and_reported_never_dropped(run):
    values = run["json"]["over_time"]["time_values"]
    assert values == {"documents": 2400, "with_time": 2398, "missing": 1, "bad": 1,
                      "bad_examples": [BAD_ROWS[5]]}  # fmt: skip
    assert run["json"]["corpus"]["n_documents"] == 2400  # fitted all the same
    assert sum(b["documents"] for b in run["json"]["over_time"]["bins"]) == 2398


def test_the_bad_times_warning(tmp_path):
    from topiccli.cli import app

    from ..trends_support import FIT, runner, write_corpus

    data = write_corpus(tmp_path / "c.jsonl", generate(docs_per_month=5, months=3, spike_month=1))
    args = [*FIT, "--input", str(data), "-f", "json", "--k", "2", "--no-cache"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "2 of 15 documents have no usable time in 'date'" in result.stderr
    assert "'not a date'" in result.stderr


# --- parsing and bins ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, expected",
    [
        ("2024-03-05", 1709596800.0),
        ("2024-03-05T10:00:00Z", 1709632800.0),
        ("2024-03-05 12:00+02:00", 1709632800.0),
        ("2024-03", 1709251200.0),
        ("2024", 1704067200.0),
        (1709596800, 1709596800.0),
        ("1709596800.5", 1709596800.5),
        ("yesterday", None),
        ("", None),
        (None, None),
        (True, None),
        (float("nan"), None),
        (1e20, None),
    ],
)
def test_parse_time(value, expected):
    assert parse_time(value) == expected


def test_parse_times_counts_missing_and_bad():
    seconds, counts = parse_times(["2024-01-01", None, "", "soon", 0])
    assert seconds == [1704067200.0, None, None, None, 0.0]
    assert counts == {"missing": 2, "bad": 1}


@pytest.mark.parametrize(
    "unit, name",
    [("day", "2024-03-06"), ("week", "2024-03-04"), ("month", "2024-03"), ("quarter", "2024-Q1"),
     ("year", "2024")],
)  # fmt: skip
def test_bins_are_calendar_periods(unit, name):
    wednesday = parse_time("2024-03-06T23:59:59")
    assert period_name(int(period_index(np.array([wednesday]), unit)[0]), unit) == name


def test_bins_run_without_gaps_and_leave_undated_documents_out():
    seconds = np.array([parse_time("2024-01-15"), np.nan, parse_time("2024-04-02")])
    bins, described = time_bins(seconds, "month")
    assert list(bins) == [0, -1, 3]
    assert [d["bin"] for d in described] == ["2024-01", "2024-02", "2024-03", "2024-04"]


def test_auto_picks_the_finest_unit_with_few_full_bins():
    start = parse_time("2024-01-01")
    two_years = start + np.arange(2400) * (730 * 86400 / 2400)
    assert choose_unit(two_years, "auto") == "month"
    one_week = start + np.arange(500) * (7 * 86400 / 500)
    assert choose_unit(one_week, "auto") == "day"
    decades = start - np.arange(200) * (30 * 365 * 86400 / 200)
    assert choose_unit(decades, "auto") == "year"
    assert choose_unit(two_years, "week") == "week"


def test_bootstrap_is_seeded_and_narrows_with_more_documents():
    rng = np.random.default_rng(0)
    theta = rng.dirichlet(np.ones(3), size=2000)
    a = bootstrap_interval(theta, np.arange(100), seed=0, tag=1, subset=0)
    b = bootstrap_interval(theta, np.arange(100), seed=0, tag=1, subset=0)
    assert all(np.array_equal(x, y) for x, y in zip(a, b))
    wide = a[1] - a[0]
    narrow = np.subtract(*bootstrap_interval(theta, np.arange(2000), 0, 1, 0)[::-1])
    assert np.all(narrow < wide)


def test_log_odds_favours_words_a_group_uses_more():
    pooled = np.array([100.0, 100.0, 100.0, 1.0])
    group = np.array([80.0, 20.0, 50.0, 1.0])
    zeta = log_odds(group, pooled - group, 0.1 * pooled)
    assert zeta[0] > zeta[2] > zeta[1]
    assert abs(zeta[2]) < 0.5  # an even split: no difference


# --- options -------------------------------------------------------------------------------


def test_options_are_checked_before_reading(tmp_path):
    from topiccli.models.run import RunRequest, prepare
    from topiccli.specs import AnalysisSpec, ModelSpec, SourceSpec, VectorizerSettings

    data = tmp_path / "x.jsonl"
    data.write_text('{"text": "a b"}\n')

    def request(model="nmf", scheduler=None, **analyses):
        from topiccli.models.engine import open_engine

        source = SourceSpec(input=data, time_field="date")
        return (RunRequest(source, VectorizerSettings(), ModelSpec(method=model),
                           analyses=AnalysisSpec(**analyses)), open_engine(scheduler))  # fmt: skip

    for bad, says in [(request("svd"), "NMF"), (request(scheduler="localhost:8786"), "Dask"),
                      (request(time_bin="fortnight"), "time_bin"),
                      (request(trends=tmp_path / "t.txt"), "CSV")]:  # fmt: skip
        with pytest.raises(UsageError, match=says):
            prepare(*bad)


def test_the_cli_refuses_the_fields_on_a_folder_and_trends_alone(tmp_path):
    from topiccli.cli import app

    from ..helpers import SAMPLE
    from ..trends_support import runner

    found = runner.invoke(app, ["nmf", "--input", str(SAMPLE), "--time-field", "date"])
    assert found.exit_code == 2 and "--time-field" in found.stderr
    found = runner.invoke(app, ["nmf", "--input", str(SAMPLE), "--trends", str(tmp_path / "t.csv")])
    assert found.exit_code == 2 and "--trends" in found.stderr
    data = tmp_path / "x.jsonl"
    data.write_text('{"text": "a b", "date": "2024-01-01"}\n')
    found = runner.invoke(app, ["nmf", "--input", str(data), "--time-field", "date",
                                "--scheduler", "tcp://127.0.0.1:1"])  # fmt: skip
    assert found.exit_code == 2 and "--scheduler" in found.stderr


# --- Python --------------------------------------------------------------------------------


def test_topic_model_reproduces_the_analyses_from_the_bundle(run):
    from topiccli import TopicModel

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = TopicModel.load(run["model"])
    over_time = model.topics_over_time()
    assert over_time.columns[:4] == ["topic", "bin", "documents", "topic_documents"]
    assert over_time.height == 4 * 24
    first = run["json"]["over_time"]["topics"][0]
    assert over_time.filter(over_time["topic"] == 0)["prevalence"].to_list() == first["prevalence"]
    groups = model.topics_per_group()
    assert groups.height == 4 * 2
    assert groups["words"][0].to_list() == run["json"]["by_group"]["topics"][0]["words"][0]
    cross = model.topics_over_time_by_group()  # both together, as the JSON and the CSV
    report = run["json"]["over_time_by_group"]
    assert cross.columns[:3] == ["topic", "group", "bin"] and "words" in cross.columns
    assert cross.height == 4 * 2 * 24
    for t, topic in enumerate(report["topics"]):
        mine = cross.filter(cross["topic"] == t)
        assert mine["prevalence"].to_list() == [v for row in topic["prevalence"] for v in row]
        assert mine["words"].to_list() == [w for row in topic["words"] for w in row]
    import json

    saved = json.loads((run["model"] / "analyses.json").read_text(encoding="utf-8"))
    given = model.topics_over_time_by_group(saved["documents"]["time"]["values"],
                                            saved["documents"]["group"]["values"])  # fmt: skip
    assert given["prevalence"].to_list() == cross["prevalence"].to_list()
    assert "words" not in given.columns  # given values: words need the corpus


def test_junk_documents_take_their_times_and_groups_with_them():
    """A filter that drops documents (junk) cuts the time and group values alike."""
    import base64

    from topiccli.corpus.junk import drop_junk, junk_reason
    from topiccli.corpus.model import Corpus

    blob = "\n".join(base64.b64encode(bytes(range(i, i + 57))).decode() for i in range(40))
    assert junk_reason(blob) is not None
    values = {"time": ["2024-01-01", "2024-02-01", "2024-03-01"], "group": ["a", "b", "c"]}
    corpus = Corpus(["first text", blob, "third text"], ["1", "2", "3"], None, {}, {}, values)
    kept = drop_junk(corpus)
    assert kept.ids == ["1", "3"]
    assert kept.values == {"time": ["2024-01-01", "2024-03-01"], "group": ["a", "c"]}


def test_the_analyses_are_the_same_on_any_thread_count():
    from threadpoolctl import threadpool_limits

    from topiccli.models.analyses import analyze

    rng = np.random.default_rng(3)
    W, H = rng.random((3000, 6)), rng.random((6, 50))
    values = {"time": {"field": "t", "values": [f"2024-{1 + i % 12:02d}-01" for i in range(3000)]},
              "group": {"field": "g", "values": ["xyz"[i % 3] for i in range(3000)]}}  # fmt: skip
    with threadpool_limits(limits=1):
        one = analyze(values, W, H, 0, "auto")
    assert analyze(values, W, H, 0, "auto") == one


def test_parquet_times_and_groups_are_read(tmp_path):
    """A Parquet file's datetime column is a time (read as ISO text) and its group column a
    group; a null time is counted as missing."""
    import json
    from datetime import datetime

    import polars as pl

    from topiccli.cli import app

    from ..trends_support import runner

    small = generate(docs_per_month=6, months=4, spike_month=2)
    times = [datetime.fromisoformat(t) for t in small.times]
    times[3] = None
    path = tmp_path / "docs.parquet"
    pl.DataFrame({"text": small.texts, "when": times, "team": small.groups}).write_parquet(path)
    args = ["nmf", "--input", str(path), "--k", "2", "--language", "en", "--time-field", "when",
            "--group-field", "team", "--no-cache", "-f", "json"]  # fmt: skip
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert sum(b["documents"] for b in report["over_time"]["bins"]) == len(small.texts) - 1
    assert report["over_time"]["time_values"]["missing"] == 1
    assert report["over_time"]["time_values"]["with_time"] == len(small.texts) - 1
    assert [g["group"] for g in report["by_group"]["groups"]] == ["a", "b"]
