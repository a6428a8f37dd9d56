"""The HTML explorer of a fit, a saved model or a sweep (topiccli.explorer), written atomically."""

from __future__ import annotations

from pathlib import Path

from ..storage.atomic import atomic_text_file


def fit_page(report) -> str:
    """The explorer page of a finished fit (a report that kept its factors and weights)."""
    from ..explorer import explorer_html
    from ..explorer.adapt import from_fit

    corpus, dt = report.documents, report.matrix
    inp = from_fit(report.model.method, report.factors, dt.X, dt.terms, corpus.ids, corpus.labels,
                   corpus.texts, [t.quality for t in report.topics], report.metrics,
                   _title(report.model.method, report.model.k, dt.X.shape),
                   doc_weights=report.weights, names=[t.name for t in report.topics],
                   language=report_language({"language": getattr(report, "language", None)},
                                            report.details, report.corpus,
                                            report.vectorizer))  # fmt: skip
    from dataclasses import replace

    inp = replace(inp, analyses=report.analyses or None,
                  seed_words=[t.seed_words for t in report.topics])  # fmt: skip
    return explorer_html(inp)


NO_SNIPPETS = (
    "This page was made from a saved model, and the model was saved without its documents' "
    "texts (a bundle keeps none unless asked), so each document shows its id only. To include "
    "them, fit again with --save DIR --save-snippets: the bundle then keeps the first 300 "
    "characters of the documents this page shows. Or write the page at fit time with --html."
)


def report_language(*parts: dict | None):
    """The ``language`` a report carries (at its top level: ``details``; or in its corpus or
    vectorizer description), or None."""
    for part in parts:
        if isinstance(part, dict) and part.get("language") not in (None, ""):
            return part["language"]
    return None


def explore_bundle(path: Path, output: Path | None) -> str:
    """``topics explore``: the page of the saved model at ``path``, once ``output`` (None:
    stdout) is known to be neither the model nor an unwritable place (before any reading)."""
    from .outputs import check_not_input, check_output_path

    check_not_input(output, [path])
    check_output_path(output)
    return bundle_page(path)


def bundle_page(path: Path) -> str:
    """The explorer page of a saved model (with the snippets it kept, if saved with them; else
    the page says why the texts are absent and how to include them)."""
    from .bundle import load

    return page_of_bundle(load(path))


def page_of_bundle(bundle) -> str:
    """The explorer page of a model bundle held in memory (see bundle_page)."""
    import numpy as np

    from ..explorer import ExplorerInput, explorer_html
    from ..quality.naming import stored_names
    from .analyses import of_bundle
    from .seed_words import stored_seed_words

    snippets = None
    if bundle.snippets is not None:
        snippets = [bundle.snippets.get(row) for row in range(len(bundle.doc_ids))]
    quality = bundle.metadata.get("quality") or {}
    frequency = bundle.term_frequency
    if frequency is None:  # an older bundle: the model's own reconstruction of the corpus
        frequency = np.abs(bundle.doc_topics @ bundle.components).sum(axis=0)
    inp = ExplorerInput(
        method=bundle.method, components=bundle.components, doc_topics=bundle.doc_topics,
        terms=[str(t) for t in bundle.terms], term_frequency=frequency,
        topic_weights=[float(w) for w in bundle.topic_weights], doc_ids=bundle.doc_ids,
        doc_labels=bundle.doc_labels, snippets=snippets,
        quality=list(quality.get("topics") or [{}] * bundle.k),
        metrics=dict(quality.get("metrics") or {}),
        title=_title(bundle.method, bundle.k, (len(bundle.doc_ids), len(bundle.terms))),
        texts_note=None if snippets is not None else NO_SNIPPETS,
        names=stored_names(bundle.metadata, bundle.k),
        seed_words=stored_seed_words(bundle.metadata, bundle.k),
        language=report_language(bundle.metadata.get("details"), bundle.metadata.get("corpus"),
                                 bundle.metadata.get("vectorizer"), bundle.metadata),
        analyses=of_bundle(bundle),
    )  # fmt: skip
    return explorer_html(inp)


def sweep_page(document: dict) -> str:
    """The explorer page of a sweep (its JSON document, render.sweep.sweep_dict)."""
    from ..explorer import sweep_html

    return sweep_html(document)


def write_page(html: str, path: Path) -> None:
    with atomic_text_file(path) as handle:
        handle.write(html)


def _title(method: str, k: int, shape) -> str:
    return f"{method.upper()} · k={k} · {shape[0]} documents × {shape[1]} terms"
