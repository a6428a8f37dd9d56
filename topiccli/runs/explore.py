"""The HTML explorer of a fit, a saved model or a sweep (topiccli.explorer), written atomically."""

from __future__ import annotations

from pathlib import Path

from ..atomic import atomic_text_file


def fit_page(report) -> str:
    """The explorer page of a finished fit (a report that kept its factors and weights)."""
    from ..explorer import explorer_html
    from ..explorer.adapt import from_fit

    corpus, dt = report.documents, report.matrix
    inp = from_fit(report.model.method, report.fit, dt.X, dt.terms, corpus.ids, corpus.labels,
                   corpus.texts, [t.quality for t in report.topics], report.metrics,
                   _title(report.model.method, report.model.k, dt.X.shape,
                          report.corpus.get("language")),
                   doc_weights=report.weights)  # fmt: skip
    return explorer_html(inp)


def bundle_page(path: Path) -> str:
    """The explorer page of a saved model (no texts: no snippets)."""
    import numpy as np

    from ..bundle import load
    from ..explorer import ExplorerInput, explorer_html

    bundle = load(path)
    quality = bundle.metadata.get("quality") or {}
    frequency = bundle.term_frequency
    if frequency is None:  # an older bundle: the model's own reconstruction of the corpus
        frequency = np.abs(bundle.doc_topics @ bundle.components).sum(axis=0)
    inp = ExplorerInput(
        method=bundle.method, components=bundle.components, doc_topics=bundle.doc_topics,
        terms=[str(t) for t in bundle.terms], term_frequency=frequency,
        topic_weights=[float(w) for w in bundle.topic_weights], doc_ids=bundle.doc_ids,
        doc_labels=bundle.doc_labels, snippets=None,
        quality=list(quality.get("topics") or [{}] * bundle.k),
        metrics=dict(quality.get("metrics") or {}),
        title=_title(bundle.method, bundle.k, (len(bundle.doc_ids), len(bundle.terms)),
                     (bundle.metadata.get("corpus") or {}).get("language")),
    )  # fmt: skip
    return explorer_html(inp)


def sweep_page(document: dict) -> str:
    """The explorer page of a sweep (its JSON document, render.sweep.sweep_dict)."""
    from ..explorer import sweep_html

    return sweep_html(document)


def write_page(html: str, path: Path) -> None:
    with atomic_text_file(path) as handle:
        handle.write(html)


def _title(method: str, k: int, shape, language: dict | None = None) -> str:
    """The page's title; it says which language the words were read as (and whether it was
    detected or given), English included."""
    title = f"{method.upper()} · k={k} · {shape[0]} documents × {shape[1]} terms"
    if isinstance(language, dict) and isinstance(language.get("code"), str):
        from ..text.languages import codes, name

        read_as = " + ".join(name(c) for c in codes(language["code"]))
        title += f" · read as {read_as} ({language.get('method', 'detected')})"
    return title
