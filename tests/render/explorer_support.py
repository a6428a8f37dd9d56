"""Fits shared by the explorer tests (cached per session): the sample essays, 20 Newsgroups."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np

from topiccli.explorer.adapt import from_fit

ROOT = Path(__file__).resolve().parents[2]
ESSAYS = ROOT / "sample_corpora" / "essays"


@cache
def fitted(method: str, k: int = 6, subset: str | None = None, home: str | None = None):
    """(report, ExplorerInput) for the essays (``subset`` None) or 20 Newsgroups."""
    from topiccli.specs import ModelSpec, SourceSpec
    from topiccli.text.vectorize import VectorizerSettings

    from ..helpers import fit_report

    if subset is None:
        source = SourceSpec(input=ESSAYS)
    else:
        source = SourceSpec(subset=subset, data_home=Path(home))
    report = fit_report(source, VectorizerSettings(kind="tfidf"), ModelSpec(method=method, k=k))
    m, n = report.matrix.X.shape
    title = f"{method.upper()} · k={k} · {m} documents × {n} terms"
    return report, explorer_input(report, title)


def explorer_input(report, title: str):
    docs = report.documents
    return from_fit(
        report.model.method,
        report.fit,
        report.matrix.X,
        report.matrix.terms,
        docs.ids,
        docs.labels,
        docs.texts,
        [t.quality for t in report.topics],
        report.metrics,
        title,
    )


def direct_order(report, topic: int, lam: float, n: int = 30, pole: str = "topic") -> list[str]:
    """The top-n terms by relevance, computed straight from the fit over the whole vocabulary."""
    fit = report.fit
    tf = np.asarray(report.matrix.X.sum(axis=0)).ravel()
    pw = tf / tf.sum()
    if report.model.method == "nmf":
        p = fit.H[topic] / fit.H[topic].sum()
    else:
        row = fit.Vt[topic]
        side = row > 0 if pole == "positive" else row < 0
        mass = np.where(side, row**2, 0.0)
        p = mass / mass.sum()
    live = np.flatnonzero((p > 0) & (pw > 0))
    lp, lpw = np.log(p[live]), np.log(pw[live])
    rel = lam * lp + (1 - lam) * (lp - lpw)
    order = live[np.lexsort((live, -rel))][:n]
    return [str(report.matrix.terms[i]) for i in order]
