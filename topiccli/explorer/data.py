"""The explorer's data: topic distributions, distances, the map, relevance-ranked terms.

Plain arrays in (``ExplorerInput``), one JSON-able dict out (``page_data``). Everything the page
draws is computed here, except the term order for the current λ, which the page recomputes from
the shipped log-probabilities with the same float64 arithmetic as ``relevance``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..quality.doc_weights import NO_TOPIC, top_topics
from ..quality.hierarchy import topic_hierarchy
from ..quality.naming import auto_names
from ..quality.story import FLAG_MEANINGS, label_counts, topic_facts, topic_story
from ..quality.topic_distance import js_distances, relevance, word_distributions
from ..quality.topic_distance import normalise_rows as _normalise_rows

SCHEMA_VERSION = 2
R = 30
"""Terms shown per topic (and per SVD pole) at any λ."""
LAMBDA_STEPS = 100
"""The λ grid is i/LAMBDA_STEPS for i = 0..LAMBDA_STEPS (0, 0.01, …, 1), as the slider's."""
SNIPPET_CHARS = 300
HOVER_WORDS = 8
QUALITY_KEYS = (
    "coherence_npmi",
    "n_documents",
    "label",
    "label_share",
    "stability",
    "unstable",
    "narrow",
    "effective_documents",
    "shared_content",
)


@dataclass(frozen=True)
class ExplorerInput:
    method: str
    """"nmf" or "svd"."""
    components: np.ndarray
    """k × n_terms: NMF's H (≥ 0) or SVD's Vt (signed)."""
    doc_topics: np.ndarray
    """m × k: NMF's W or SVD's U·Σ (documents' topic weights)."""
    terms: Sequence[str]
    term_frequency: np.ndarray
    """n_terms: each term's total in the document-term matrix (column sums of X)."""
    topic_weights: Sequence[float]
    """NMF: each topic's share (sum 1); SVD: singular values."""
    doc_ids: Sequence[str]
    doc_labels: Sequence[str | None] | None
    snippets: Sequence[str] | None
    quality: Sequence[dict]
    metrics: dict
    title: str
    texts_note: str | None = None
    """Why ``snippets`` is None (e.g. a bundle saved without its snippets), and what to do."""
    language: object = None
    """The language the run assumed (the report's ``language``: a code, or a dict), if any."""
    names: Sequence[str | None] | None = None
    """The user's topic names (``topics name``; None: unnamed), as the report gives them."""
    analyses: dict | None = None
    """Topics over time and across groups (the report's ``over_time``, ``by_group``, …), drawn
    by trends.js; None or empty without them."""
    seed_words: Sequence[Sequence[str] | None] | None = None
    """A seeded topic's seed words (``--seed-words``; None: a free topic), as the report
    gives them."""


# ----------------------------------------------------------------------------- distributions


def topic_distributions(inp: ExplorerInput) -> np.ndarray:
    """k × n word distributions for the map (quality.topic_distance.word_distributions)."""
    return word_distributions(inp.method, inp.components)


def pole_distributions(inp: ExplorerInput) -> list[list[tuple[str, np.ndarray | None]]]:
    """Per topic, its poles as (name, p(w|pole)); None for an SVD pole with no terms.

    NMF: one pole, "topic", the row of H normalised. SVD: "positive" and "negative", the squared
    loadings of the positive (negative) terms, normalised over that pole.
    """
    comps = np.asarray(inp.components, dtype=np.float64)
    if inp.method != "svd":
        return [[("topic", row)] for row in _normalise_rows(np.clip(comps, 0.0, None))]
    out = []
    for row in comps:
        scale = float(np.abs(row).max(initial=0.0))
        floor = 1e-12 * scale  # as topics.negative_indices: rounding noise is no pole
        poles = []
        for name, part in (("positive", row > floor), ("negative", row < -floor)):
            mass = np.where(part, np.square(row), 0.0)
            total = mass.sum()
            poles.append((name, mass / total if total > 0 else None))
        out.append(poles)
    return out


def corpus_distribution(term_frequency: np.ndarray) -> np.ndarray:
    """p(w): term_frequency normalised to sum 1 (uniform if it is all zero)."""
    tf = np.clip(np.asarray(term_frequency, dtype=np.float64).ravel(), 0.0, None)
    return _normalise_rows(tf[None, :])[0]


# ----------------------------------------------------------------------------- distances, map


MAP_TOLERANCE = 1e-6
"""The map leaves out the rarest terms whose largest p(w|t) over all topics add up to at most
this: each omitted term adds ≥ 0 and ≤ (p + q)/2 bits to a pair's divergence, so the JS
divergence drops by at most this much (and stays exact for topics that differ elsewhere)."""


def classical_mds(D: np.ndarray, dims: int = 2) -> np.ndarray:
    """k × dims coordinates whose distances approximate D (exact when D embeds in dims).

    Eigen-decomposes the double-centred squared distances (numpy eigh); negative eigenvalues
    (a non-Euclidean D) count as zero. Each axis's sign is fixed so its largest-magnitude
    coordinate is positive. k = 1 gives the origin; coincident topics share a point.
    """
    D = np.asarray(D, dtype=np.float64)
    k = D.shape[0]
    if k == 0:
        return np.zeros((0, dims))
    J = np.eye(k) - np.full((k, k), 1.0 / k)
    B = -0.5 * J @ np.square(D) @ J
    B = 0.5 * (B + B.T)
    values, vectors = np.linalg.eigh(B)
    order = np.argsort(-values, kind="stable")[:dims]
    coords = np.zeros((k, dims))
    for axis, index in enumerate(order):
        value = values[index]
        if value <= 1e-12 * max(1.0, float(np.abs(values).max())):
            continue
        vec = vectors[:, index]
        pivot = int(np.argmax(np.abs(vec)))
        if vec[pivot] < 0:
            vec = -vec
        coords[:, axis] = vec * math.sqrt(value)
    return np.nan_to_num(coords)


# ----------------------------------------------------------------------------- relevance


def lambda_grid() -> list[float]:
    return [i / LAMBDA_STEPS for i in range(LAMBDA_STEPS + 1)]


def relevance_order(log_p: np.ndarray, log_pw: np.ndarray, lam: float, n: int = R) -> np.ndarray:
    """Indices of the n most relevant entries, most relevant first; ties: earlier index first."""
    return _top_n(relevance(np.asarray(log_p), np.asarray(log_pw), lam), n)


def _top_n(scores: np.ndarray, n: int) -> np.ndarray:
    """Indices of the n largest scores, largest first, ties to the earlier index (as a stable
    sort of the whole array would give, but partitioning first)."""
    if scores.size > n:
        threshold = np.partition(scores, scores.size - n)[scores.size - n]
        pool = np.flatnonzero(scores >= threshold)  # every tie with the n-th value stays in
    else:
        pool = np.arange(scores.size)
    return pool[np.lexsort((pool, -scores[pool]))][:n]


CHUNK = 10
"""Grid steps per interval when bounding which terms can reach a top R (see kept_terms)."""


def kept_terms(p: np.ndarray, pw: np.ndarray, n: int = R) -> np.ndarray:
    """The union over the λ grid of the n most relevant terms (term indices, ascending).

    Only terms with p(w|t) > 0 and p(w) > 0 can rank (others have relevance −∞). The exact
    search over the grid runs on a short candidate list: τ(λ), the n-th best score among the
    n best terms at λ = 0 and at λ = 1, is a lower bound on the real n-th best score, and a term's
    score is linear in λ, so on an interval of the grid a term whose score at both ends stays
    below the smallest τ inside the interval can rank nowhere in it.
    """
    live = np.flatnonzero((p > 0) & (pw > 0))
    if live.size <= n:
        return live
    lp = np.log(p[live])
    lpw = np.log(pw[live])
    b = lp - lpw  # relevance at λ = 0; at λ = 1 it is lp
    seed = np.union1d(_top_n(lp, n), _top_n(b, n))
    grid = np.asarray(lambda_grid())
    seed_scores = grid[:, None] * lp[seed] + (1.0 - grid[:, None]) * b[seed]
    tau = np.sort(seed_scores, axis=1)[:, -n]
    tau = tau - 1e-9 * np.maximum(1.0, np.abs(tau))  # room for rounding between formulas
    # a first cut with the smallest τ anywhere: a term's score is at most max(score at 0, at 1)
    candidates = np.flatnonzero(np.maximum(lp, b) >= tau.min())
    lp, lpw = lp[candidates], lpw[candidates]
    ends = relevance(lp, lpw, grid[::CHUNK][:, None]) if candidates.size else None
    possible = np.zeros(candidates.size, dtype=bool)
    for c, lo in enumerate(range(0, LAMBDA_STEPS, CHUNK)):
        hi = min(lo + CHUNK, LAMBDA_STEPS)
        high = np.maximum(ends[c], relevance(lp, lpw, grid[hi]) if hi % CHUNK else ends[c + 1])
        possible |= high >= tau[lo : hi + 1].min()
    candidates, lp, lpw = candidates[possible], lp[possible], lpw[possible]
    if candidates.size <= n:
        return np.sort(live[candidates])
    # the exact top n at every grid point, all at once (the same float64 arithmetic)
    scores = relevance(lp, lpw, grid[:, None])
    nth = np.partition(scores, candidates.size - n, axis=1)[:, candidates.size - n]
    within = scores >= nth[:, None]
    kept = set(np.flatnonzero(within[within.sum(axis=1) == n].any(axis=0)).tolist())
    for row in np.flatnonzero(within.sum(axis=1) > n):  # ties at the n-th score: by index
        kept.update(relevance_order(lp, lpw, grid[row], n).tolist())
    return np.sort(live[candidates[np.fromiter(kept, dtype=np.int64)]])


# ----------------------------------------------------------------------------- page data


def page_data(inp: ExplorerInput, top_terms: int = R, docs_per_topic: int = 5) -> dict:
    """Everything the page shows, as plain JSON-able values (no NaN, no infinities)."""
    comps = np.atleast_2d(np.asarray(inp.components, dtype=np.float64))
    k, n_terms = comps.shape
    doc_topics = np.asarray(inp.doc_topics, dtype=np.float64).reshape(-1, k)
    terms = [str(t) for t in inp.terms]
    if len(terms) != n_terms:
        raise ValueError(f"{len(terms)} terms for {n_terms} component columns")
    pw = corpus_distribution(inp.term_frequency)
    D = js_distances(topic_distributions(inp), MAP_TOLERANCE)
    winners = top_topics(doc_topics)
    facts = topic_facts(winners, inp.doc_labels, k)
    table: dict[int, int] = {}  # term index -> position in the page's term table
    topics = _topic_entries(inp, doc_topics, terms, pw, classical_mds(D), facts, table,
                            top_terms=top_terms, docs_per_topic=docs_per_topic)  # fmt: skip
    return _finite(
        {
            "schema_version": SCHEMA_VERSION,
            "method": inp.method,
            "title": str(inp.title),
            "k": k,
            "n_documents": doc_topics.shape[0],
            "n_terms": n_terms,
            "R": top_terms,
            "lambda_steps": LAMBDA_STEPS,
            "terms": _term_table(table, terms, pw),
            "topics": topics,
            "distances": [[round(float(v), 6) for v in row] for row in D],
            "hierarchy": topic_hierarchy(inp.method, comps),
            "doc_counts": {
                "per_topic": [f["n_documents"] for f in facts],
                "all_zero": int(np.count_nonzero(winners == NO_TOPIC)),
            },  # fmt: skip
            "labels": _label_table(inp.doc_labels, winners, k),
            "texts": {"available": inp.snippets is not None, "note": inp.texts_note},
            "language": language_text(inp.language),
            "flag_meanings": dict(FLAG_MEANINGS),
            "metrics": {key: v for key, v in dict(inp.metrics).items() if _scalar(v)},
            **{
                key: value
                for key, value in (inp.analyses or {}).items()
                if key in ("over_time", "by_group", "over_time_by_group")
            },  # fmt: skip
        }
    )


def _topic_entries(inp: ExplorerInput, doc_topics: np.ndarray, terms: list[str],
                   pw: np.ndarray, xy: np.ndarray, facts: list[dict], table: dict[int, int],
                   *, top_terms: int, docs_per_topic: int) -> list[dict]:  # fmt: skip
    """One entry per topic: its share, place on the map, poles, documents, quality and story.
    The poles' kept terms are entered in ``table`` in the order the topics and poles come."""
    k = doc_topics.shape[1]
    svd = inp.method == "svd"
    weights = np.asarray(list(inp.topic_weights), dtype=np.float64)
    mass = np.square(weights) if svd else np.clip(weights, 0.0, None)
    shares = _normalise_rows(mass[None, :])[0] if k else mass
    quality = [inp.quality[t] if t < len(inp.quality) else {} for t in range(k)]
    poles = pole_distributions(inp)
    names = list(inp.names) if inp.names is not None else [None] * k
    seeds = list(inp.seed_words) if inp.seed_words is not None else [None] * k
    autos = auto_names(inp.method, inp.components, inp.term_frequency, terms)
    topics = []
    for t in range(k):
        pole_entries = [_pole_entry(name, p, pw, top_terms, table) for name, p in poles[t]]
        first = poles[t][0][1]
        hover = [] if first is None else [terms[i] for i in _top(first, HOVER_WORDS)]
        topics.append(
            {
                "id": t,
                "name": names[t],
                "auto_name": autos[t] or None,
                "seed_words": None if seeds[t] is None else list(seeds[t]),
                "share": float(shares[t]),
                "weight": float(weights[t]) if t < weights.size else 0.0,
                "x": float(xy[t, 0]),
                "y": float(xy[t, 1]),
                "hover_words": hover,
                "poles": pole_entries,
                "docs": _documents(inp, doc_topics[:, t], docs_per_topic, svd),
                "quality": _quality(quality[t]),
                "story": {**topic_story(quality[t]), **facts[t]},
            }
        )
    return topics


def _pole_entry(
    name: str, p: np.ndarray | None, pw: np.ndarray, top_terms: int, table: dict[int, int]
) -> dict:
    """A pole's kept terms (as positions in the page's term table), their p and log p."""
    if p is None:
        return {"name": name, "terms": [], "p": [], "lp": []}
    kept = kept_terms(p, pw, top_terms)
    return {
        "name": name,
        "terms": [table.setdefault(int(i), len(table)) for i in kept],
        "p": [float(v) for v in p[kept]],
        "lp": [float(v) for v in np.log(p[kept])],
    }


def _term_table(table: dict[int, int], terms: list[str], pw: np.ndarray) -> dict:
    """The page's term table, in the order the poles entered the terms: text, p and log p."""
    order = sorted(table, key=table.get)
    return {
        "text": [terms[i] for i in order],
        "p": [float(pw[i]) for i in order],
        "lp": [float(v) for v in np.log(pw[order])] if order else [],
    }


def _top(p: np.ndarray, n: int) -> np.ndarray:
    order = _top_n(p, n)
    return order[p[order] > 0]


def _documents(inp: ExplorerInput, column: np.ndarray, n: int, svd: bool) -> dict:
    """The n documents of largest weight (SVD also: the n most negative), with snippets."""

    def entry(i: int) -> dict:
        label = inp.doc_labels[i] if inp.doc_labels is not None else None
        snippet = inp.snippets[i] if inp.snippets is not None else None
        return {
            "id": str(inp.doc_ids[i]),
            "weight": float(column[i]),
            "label": None if label is None else str(label),
            "snippet": None if snippet is None else _snippet(snippet),
        }

    top = _top_n(column, n)
    out = {"positive": [entry(int(i)) for i in top if column[i] > 0]}
    if svd:
        bottom = _top_n(-column, n)
        out["negative"] = [entry(int(i)) for i in bottom if column[i] < 0]
    return out


def _snippet(text: str) -> str:
    flat = " ".join(str(text).split())
    if len(flat) <= SNIPPET_CHARS:
        return flat
    return flat[: SNIPPET_CHARS - 1].rstrip() + "…"


def _label_table(labels, winners: np.ndarray, k: int) -> dict | None:
    """Documents by (top topic, label): topics × labels counts (quality.story); None without
    labels."""
    table = label_counts(winners, labels, k)
    if table is None:
        return None
    names, counts = table
    return {"names": names, "counts": counts}


def language_text(language) -> str | None:
    """The report's ``language`` in words: a code as it is; a dict by its code (``code``,
    ``language``, ``detected`` or ``assumed``) and, for a mixed corpus, its ``shares``."""
    if language is None or language == "":
        return None
    if not isinstance(language, dict):
        return str(language)
    code = next((language[key] for key in ("code", "language", "detected", "assumed")
                 if isinstance(language.get(key), str)), None)  # fmt: skip
    shares = language.get("shares")
    parts = []
    if isinstance(shares, dict) and len(shares) > 1:
        ranked = sorted(shares.items(), key=lambda kv: -_number(kv[1]))
        scale = 100.0 if max(_number(v) for v in shares.values()) > 1 else 1.0  # percentages
        parts = [f"{name} {_number(share) / scale:.0%}" for name, share in ranked[:5]]
    if code is None and not parts:
        return None
    text = code or "mixed"
    return f"{text} (mixed: {', '.join(parts)})" if parts else text


def _number(value) -> float:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else 0.0


def _quality(q: dict) -> dict:
    return {key: q[key] for key in QUALITY_KEYS if key in q and _scalar(q[key])}


def _scalar(v) -> bool:
    return v is None or isinstance(v, (bool, int, float, str, np.floating, np.integer))


def _finite(value):
    """Replace NaN/±inf (never valid JSON) by None, and numpy scalars by Python ones."""
    if isinstance(value, dict):
        return {key: _finite(v) for key, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    if isinstance(value, (np.bool_,)):
        return bool(value)
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value) if math.isfinite(value) else None
    return value


# ----------------------------------------------------------------------------- pages


def explorer_html(inp: ExplorerInput, top_terms: int = R) -> str:
    """The whole explorer page: one self-contained HTML file (no network, works from file://)."""
    from .page import build_page

    return build_page("explorer", inp.title, page_data(inp, top_terms))


def sweep_html(sweep: dict) -> str:
    """A sweep's page: scores by k with the recommended k marked, and the table of rows."""
    from .page import build_page

    corpus = sweep.get("corpus") or {}
    title = f"{str(sweep.get('method', '')).upper()} sweep · k = " + ", ".join(
        str(k) for k in sweep.get("ks", [r.get("k") for r in sweep.get("results", [])])
    )
    if corpus.get("n_documents"):
        title += f" · {corpus['n_documents']} documents × {corpus.get('n_terms', '?')} terms"
    data = {
        "schema_version": SCHEMA_VERSION,
        "method": sweep.get("method"),
        "title": title,
        "seeds": sweep.get("seeds"),
        "rule": sweep.get("rule"),
        "recommended_k": sweep.get("recommended_k"),
        "criterion": sweep.get("criterion") or "score",
        "within_noise": [int(k) for k in sweep.get("within_noise") or [] if _is_int(k)],
        "advice": _advice(sweep.get("advice")),
        "results": [
            {key: v for key, v in row.items() if _scalar(v)} for row in sweep.get("results", [])
        ],
    }
    return build_page("sweep", title, _finite(data))


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _advice(advice) -> dict | None:
    """The sweep's ``advice`` (verdict, k_range, criterion, evidence, next), kept only when its
    fields have the documented types; None when the sweep has none (an older report)."""
    if not isinstance(advice, dict) or advice.get("verdict") not in ("range", "no_clear_k"):
        return None
    k_range = advice.get("k_range")
    if not (isinstance(k_range, (list, tuple)) and len(k_range) == 2
            and all(_is_int(k) for k in k_range)):  # fmt: skip
        k_range = None
    return {
        "verdict": advice["verdict"],
        "k_range": None if k_range is None else [min(k_range), max(k_range)],
        "criterion": str(advice.get("criterion") or ""),
        "evidence": str(advice.get("evidence") or ""),
        "next": str(advice.get("next") or ""),
    }
