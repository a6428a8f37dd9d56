"""The HTML explorer's data and page, without a browser (topiccli.explorer)."""

from __future__ import annotations

import json
import math
import re
from html.parser import HTMLParser

import numpy as np
import pytest

from topiccli.explorer import ExplorerInput, explorer_html, page_data, sweep_html
from topiccli.explorer.data import (
    LAMBDA_STEPS,
    R,
    classical_mds,
    js_distances,
    kept_terms,
    relevance_order,
)
from topiccli.explorer.page import json_for_script
from topiccli.quality.story import FLAG_MEANINGS

from .explorer_support import direct_order, fitted

LAMBDAS = (0.0, 0.25, 0.6, 1.0)


class _Scripts(HTMLParser):
    """Every <script>'s attributes and text, as a browser's tokenizer splits them."""

    def __init__(self):
        super().__init__()
        self.scripts, self._current = [], None

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self._current = [dict(attrs), ""]

    def handle_data(self, data):
        if self._current is not None:
            self._current[1] += data

    def handle_endtag(self, tag):
        if tag == "script" and self._current is not None:
            self.scripts.append(tuple(self._current))
            self._current = None


def scripts(page: str) -> list[tuple[dict, str]]:
    parser = _Scripts()
    parser.feed(page)
    return parser.scripts


def embedded_data(page: str) -> dict:
    blocks = [text for attrs, text in scripts(page) if attrs.get("type") == "application/json"]
    assert len(blocks) == 1
    return json.loads(blocks[0])


def tiny_input(k: int, method: str = "nmf", **changes) -> ExplorerInput:
    rng = np.random.default_rng(k)
    n, m = 40, 12
    comps = rng.random((k, n)) ** 3
    if method == "svd":
        comps = comps - comps.mean(axis=1, keepdims=True)
        comps /= np.linalg.norm(comps, axis=1, keepdims=True)
    fields = dict(
        method=method,
        components=comps,
        doc_topics=rng.random((m, k)),
        terms=[f"term{i}" for i in range(n)],
        term_frequency=rng.random(n) + 0.1,
        topic_weights=list(np.full(k, 1.0 / k)),
        doc_ids=[f"d{i}" for i in range(m)],
        doc_labels=[("a", "b", None)[i % 3] for i in range(m)],
        snippets=[f"text {i}" for i in range(m)],
        quality=[{} for _ in range(k)],
        metrics={"diversity": 1.0, "nan_metric": float("nan")},
        title=f"tiny k={k}",
    )
    fields.update(changes)
    return ExplorerInput(**fields)


# ----------------------------------------------------------------------------- distances, MDS


def test_js_distance_is_symmetric_zero_on_the_diagonal_and_at_most_one_bit():
    rng = np.random.default_rng(0)
    P = rng.random((7, 50)) ** 4
    P[3, :25] = 0  # disjoint supports reach the bound
    P[4, 25:] = 0
    P[5] = P[0]  # identical rows are at distance 0
    P /= P.sum(axis=1, keepdims=True)
    D = js_distances(P)
    assert np.array_equal(D, D.T)
    assert np.all(np.diag(D) == 0)
    assert np.all((D >= 0) & (D <= 1.0))
    assert D[3, 4] == pytest.approx(1.0)  # sqrt(ln 2 nats) = 1 bit: the maximum
    assert D[0, 5] == 0
    # the JS divergence (D²) in nats is at most ln 2
    assert np.all(np.square(D) * math.log(2) <= math.log(2) + 1e-12)
    # against a direct formula for one pair
    p, q = P[0], P[1]
    mix = (p + q) / 2
    jsd = 0.5 * np.sum(p * np.log2(p / mix)) + 0.5 * np.sum(q * np.log2(q / mix))
    assert D[0, 1] == pytest.approx(math.sqrt(jsd), rel=1e-12)


def test_mds_reproduces_a_two_topic_distance_exactly_and_degenerate_cases_stay_finite():
    for d in (0.0, 0.3, 1.0):
        xy = classical_mds(np.array([[0.0, d], [d, 0.0]]))
        assert xy.shape == (2, 2)
        assert np.linalg.norm(xy[0] - xy[1]) == pytest.approx(d, abs=1e-12)
    triangle = np.array([[0, 3, 4], [3, 0, 5], [4, 5, 0]], dtype=float)  # embeds in the plane
    xy = classical_mds(triangle)
    got = np.linalg.norm(xy[:, None] - xy[None], axis=2)
    assert np.allclose(got, triangle, atol=1e-9)
    assert np.array_equal(classical_mds(np.zeros((1, 1))), np.zeros((1, 2)))
    assert np.array_equal(classical_mds(np.zeros((4, 4))), np.zeros((4, 2)))


# ----------------------------------------------------------------------------- relevance


@pytest.mark.parametrize("method", ["nmf", "svd"])
def test_relevance_order_in_page_data_equals_a_direct_numpy_computation(method):
    report, inp = fitted(method)
    data = page_data(inp)
    lpw = np.asarray(data["terms"]["lp"])
    for topic in data["topics"]:
        for pole in topic["poles"]:
            if not pole["terms"]:
                continue
            index = np.asarray(pole["terms"])
            for lam in LAMBDAS:
                order = relevance_order(np.asarray(pole["lp"]), lpw[index], lam, R)
                shown = [data["terms"]["text"][index[j]] for j in order]
                expected = direct_order(report, topic["id"], lam, R, pole["name"])
                assert shown == expected, (method, topic["id"], pole["name"], lam)


def test_kept_terms_cover_every_grid_point_and_stay_within_the_documented_bound():
    report, inp = fitted("nmf")
    data = page_data(inp)
    for topic in data["topics"]:
        kept = topic["poles"][0]["terms"]
        # the documented bound: R at least (when the topic has R terms), R × 101 at most
        assert R <= len(kept) <= R * (LAMBDA_STEPS + 1)
        assert len(set(kept)) == len(kept)
        # and, measured on the essays, far below it (README: about 2–3 × R)
        assert len(kept) <= 4 * R
    # the exact union over the grid, by brute force on a random topic
    rng = np.random.default_rng(1)
    p = rng.random(500) ** 6
    p /= p.sum()
    pw = rng.random(500) ** 2
    pw /= pw.sum()
    lp, lpw = np.log(p), np.log(pw)
    brute = set()
    for i in range(LAMBDA_STEPS + 1):
        brute.update(relevance_order(lp, lpw, i / LAMBDA_STEPS, R).tolist())
    assert sorted(brute) == kept_terms(p, pw, R).tolist()


# ----------------------------------------------------------------------------- the page


URL_CONTEXTS = [
    r"""\b(?:src|href|action|poster|srcset)\s*=\s*["']?\s*(?:[a-z]+:)?//""",
    r"""url\(\s*["']?\s*(?:[a-z]+:)?//""",
    r"@import",
    r"\bfetch\s*\(",
    r"XMLHttpRequest",
    r"\bimportScripts\b",
    r"navigator\.sendBeacon",
    r"new\s+(?:WebSocket|EventSource|Worker)\b",
]


@pytest.mark.parametrize("method", ["nmf", "svd"])
def test_the_page_references_nothing_outside_itself(method):
    _, inp = fitted(method)
    page = explorer_html(inp)
    for pattern in URL_CONTEXTS:
        assert not re.search(pattern, page, re.IGNORECASE), pattern
    for attr in re.findall(r"""\b(?:src|href)\s*=\s*["']([^"']*)""", page, re.IGNORECASE):
        assert attr.startswith(("#", "data:")), attr
    assert "default-src 'none'" in page  # and the CSP forbids loading anything anyway


def test_the_json_block_round_trips_and_a_snippet_cannot_break_out():
    hostile = "</script><script>window.pwned=1</script> <!--<script> & </SCRIPT >"
    inp = tiny_input(3, snippets=[hostile] * 12, title="<b>title</b> </script>")
    data = page_data(inp)
    page = explorer_html(inp)
    assert embedded_data(page) == json.loads(json.dumps(data))
    assert any(hostile in d["snippet"] for t in data["topics"] for d in t["docs"]["positive"])
    found = scripts(page)
    assert len(found) == 2  # the data block and the page's own script: nothing injected
    assert page.lower().count("</script") == 2
    assert "<b>title</b>" not in page
    assert "<" not in json_for_script({"s": hostile})


def test_the_real_page_round_trips_its_data():
    _, inp = fitted("nmf")
    assert embedded_data(explorer_html(inp)) == json.loads(json.dumps(page_data(inp)))


@pytest.mark.parametrize("k", [1, 2])
@pytest.mark.parametrize("method", ["nmf", "svd"])
def test_one_and_two_topics_build(k, method):
    inp = tiny_input(k, method)
    data = embedded_data(explorer_html(inp))
    assert data["k"] == len(data["topics"]) == k
    for t in data["topics"]:
        assert isinstance(t["x"], float) and isinstance(t["y"], float)
    if k == 2:
        d = data["distances"][0][1]
        gap = math.dist((data["topics"][0]["x"], data["topics"][0]["y"]),
                        (data["topics"][1]["x"], data["topics"][1]["y"]))  # fmt: skip
        assert gap == pytest.approx(d, abs=1e-6)
    assert data["metrics"]["nan_metric"] is None  # NaN is not JSON


def test_degenerate_inputs_build_without_nan():
    k, n, m = 3, 10, 5
    inp = tiny_input(
        k,
        components=np.zeros((k, n)),  # every topic empty: all at one point
        doc_topics=np.zeros((m, k)),  # every document all-zero
        terms=[f"t{i}" for i in range(n)],
        term_frequency=np.zeros(n),
        doc_ids=[str(i) for i in range(m)],
        doc_labels=None,
        snippets=None,
        topic_weights=[0.0] * k,
    )
    data = embedded_data(explorer_html(inp))
    assert data["doc_counts"] == {"per_topic": [0, 0, 0], "all_zero": 5}
    assert data["labels"] is None
    assert all(t["x"] == 0.0 and t["y"] == 0.0 for t in data["topics"])
    assert all(v == 0.0 for row in data["distances"] for v in row)


def test_svd_data_has_both_poles_with_the_right_signs():
    report, inp = fitted("svd")
    data = page_data(inp)
    with_negative = 0
    for topic in data["topics"]:
        names = [p["name"] for p in topic["poles"]]
        assert names == ["positive", "negative"]
        row = report.fit.Vt[topic["id"]]
        assert row[np.argmax(np.abs(row))] > 0  # the sign convention the page explains
        positive, negative = topic["poles"]
        term_index = {t: i for i, t in enumerate(report.matrix.terms)}
        for pole, sign in ((positive, 1), (negative, -1)):
            for j in pole["terms"]:
                assert sign * row[term_index[data["terms"]["text"][j]]] > 0
        with_negative += bool(negative["terms"])
        assert "negative" in topic["docs"]
    assert with_negative >= len(data["topics"]) - 1  # LSA's first component may be one-sided
    assert "sign is fixed so its largest loading is" in explorer_html(inp)


def test_documents_labels_and_quality_reach_the_page():
    report, inp = fitted("nmf")
    data = page_data(inp, docs_per_topic=4)
    assert sum(data["doc_counts"]["per_topic"]) + data["doc_counts"]["all_zero"] == 72
    assert np.sum(data["labels"]["counts"]) == 72
    for topic, source in zip(data["topics"], report.topics):
        docs = topic["docs"]["positive"]
        assert len(docs) == 4
        weights = report.fit.W[:, topic["id"]]
        assert docs[0]["weight"] == pytest.approx(weights.max())
        assert all(len(d["snippet"]) <= 300 for d in docs)
        assert topic["quality"]["label"] == source.quality["label"]
        assert "representative_docs" not in topic["quality"]


def test_flags_are_shipped_as_text_badges():
    inp = tiny_input(2, quality=[{"unstable": True, "narrow": True, "stability": 0.2}, {}])
    page = explorer_html(inp)
    assert embedded_data(page)["topics"][0]["quality"] == {
        "unstable": True,
        "narrow": True,
        "stability": 0.2,
    }
    data = embedded_data(page)
    assert data["topics"][0]["story"]["flags"] == ["narrow", "unstable"]
    assert data["topics"][1]["story"]["flags"] == []
    assert data["flag_meanings"] == FLAG_MEANINGS  # the badges' words, one definition


def test_sweep_page_marks_the_recommended_k_in_text():
    rows = [{"k": k, "coherence_npmi": 0.1 * k, "diversity": 1.0, "label_nmi": None,
             "stability": 1.0, "score": s, "relative_reconstruction_error": 0.9}
            for k, s in ((2, 0.3), (4, 0.5), (6, 0.4))]  # fmt: skip
    sweep = {"method": "nmf", "ks": [2, 4, 6], "seeds": 1, "corpus": {"n_documents": 9},
             "results": rows, "recommended_k": 4, "rule": "highest score </script>"}  # fmt: skip
    page = sweep_html(sweep)
    data = embedded_data(page)
    assert data["recommended_k"] == 4 and len(data["results"]) == 3
    assert "recommended k=" in page and "★ recommended" in page
    assert len(scripts(page)) == 2
    for pattern in URL_CONTEXTS:
        assert not re.search(pattern, page, re.IGNORECASE), pattern


# ----------------------------------------------------------------------------- 20 Newsgroups


@pytest.mark.newsgroups
def test_twenty_newsgroups_all_k20_page_is_small(newsgroups_home):
    """The page of the largest corpus stays small (no time is asserted: a loaded machine is no
    evidence of speed)."""
    report, inp = fitted("nmf", 20, "all", str(newsgroups_home))
    page = explorer_html(inp)
    assert report.matrix.X.shape[0] == 18846 - sum(report.documents.skipped.values())
    assert len(page.encode()) <= 3 * 1024 * 1024
