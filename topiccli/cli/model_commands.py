"""``topics show`` and ``topics infer``: reuse a model bundle written by ``--save``."""

from __future__ import annotations

import inspect
import time
from pathlib import Path
from typing import Annotated, Literal, Optional

import typer

from . import options as opt
from .app import app, source_spec
from .errors import handled, usage_errors

MODEL_ARGUMENT = inspect.Parameter(
    "model",
    inspect.Parameter.POSITIONAL_OR_KEYWORD,
    annotation=Annotated[Path, typer.Argument(help="A model bundle folder written by --save.")],
)

SHOW_TOP_WORDS = opt._option(
    "top_words",
    Annotated[
        Optional[int],
        typer.Option(
            min=1,
            help="Words shown per topic (default: as many as the fit showed).",
            rich_help_panel=opt.OUTPUT,
        ),
    ],
    None,
)

INFER_FORMAT = opt._option(
    "format",
    Annotated[
        Literal["table", "json", "csv", "jsonl"],
        typer.Option(
            "--format",
            "-f",
            help="table for people; json, csv or jsonl (one document a line) for programs.",
            rich_help_panel=opt.OUTPUT,
        ),
    ],
    "table",
)


def _output_options(*replacements: inspect.Parameter) -> list[inspect.Parameter]:
    """The shared output options, with some replaced by name."""
    by_name = {p.name: p for p in replacements}
    return [by_name.get(p.name, p) for p in opt.OUTPUT_OPTIONS]


def show(**values) -> None:
    """Print a saved model's topics again, without the corpus (same formats as a fit)."""
    with handled():
        from ..bundle import load
        from ..infer import show_report
        from ..render import render
        from .output import check_destination, check_not_input, write_text

        model, output = values["model"], values["output"]
        check_not_input(output, [model])
        check_destination(output)
        start = time.perf_counter()
        bundle = load(model)
        loaded = time.perf_counter()
        top_words = values["top_words"] or bundle.metadata.get("top_words", 8)
        report = show_report(bundle, top_words)
        report.timings.update(load=round(loaded - start, 6),
                              describe=round(time.perf_counter() - loaded, 6))  # fmt: skip
        write_text(render(report, values["format"]), output)


show.__signature__ = opt.signature([MODEL_ARGUMENT], _output_options(SHOW_TOP_WORDS))
app.command("show")(show)


def infer(**values) -> None:
    """Infer the topics of new documents with a saved model (its vocabulary, never refitted).

    NMF: nonnegative least squares of each document against the topics; SVD: the projection
    onto the components. Each document gets its topic weights and its top topic.
    """
    with handled():
        import warnings

        from ..atomic import atomic_text_file
        from ..bundle import load
        from ..errors import TopicsWarning
        from ..export import DocTopics, write_file, write_rows
        from ..infer import infer as run_inference
        from ..infer import show_report
        from ..pipeline import check_source, warn_skipped
        from ..pipeline import load as load_corpus
        from .model_files import check_outputs, inputs_of

        model, output, doc_topics, fmt = (values[n] for n in ("model", "output", "doc_topics",
                                                              "format"))  # fmt: skip
        source = source_spec(values)
        with usage_errors():
            check_source(source)
        outputs = {"--output": output, "--doc-topics": doc_topics}
        check_outputs(outputs, lambda: inputs_of(source, None, model))
        if doc_topics is not None:
            from ..export import format_for

            format_for(doc_topics)
        timings = {}
        start = time.perf_counter()
        bundle = load(model)
        timings["load_model"] = time.perf_counter() - start
        corpus = load_corpus(source)
        warn_skipped(corpus.skipped, source)
        timings["load"] = time.perf_counter() - start - timings["load_model"]
        inference = run_inference(bundle, corpus)
        timings["infer"] = time.perf_counter() - start - timings["load_model"] - timings["load"]
        if inference.n_unmatched:
            warnings.warn(
                f"{inference.n_unmatched} of {len(corpus)} documents share no word with the "
                "model's vocabulary; they have all-zero weights and no top topic",
                TopicsWarning,
                stacklevel=1,
            )
        table = DocTopics(corpus.ids, corpus.labels, inference.weights, inference.top_topic)
        if doc_topics is not None:
            write_file(doc_topics, table)
        if fmt in ("csv", "jsonl"):
            _stream(table, fmt, output, atomic_text_file, write_rows)
            return
        words = [t.words for t in show_report(bundle, values["top_words"]).topics]
        header = _header(bundle, model, corpus, inference, words, timings)
        _write_text(_render(table, fmt, header, words, bundle, len(corpus)), output)


def _stream(table, fmt, output, atomic_text_file, write_rows) -> None:
    import sys

    if output is None:
        from .output import stdout_errors

        with stdout_errors():
            write_rows(sys.stdout, fmt, table)
            sys.stdout.flush()
        return
    with atomic_text_file(output) as handle:
        write_rows(handle, fmt, table)


def _header(bundle, model, corpus, inference, words, timings) -> dict:
    return {
        "schema_version": 1,
        "model": {
            "path": str(model),
            "method": bundle.method,
            "k": bundle.k,
            "fingerprint": bundle.metadata.get("fingerprint"),
        },
        "corpus": {
            **corpus.selection,
            "n_documents": len(corpus),
            "skipped": dict(corpus.skipped),
            "n_unmatched": inference.n_unmatched,
        },
        "topics": [{"id": t, "words": w} for t, w in enumerate(words)],
        "timings": {name: round(value, 6) for name, value in timings.items()},
    }


def _render(table, fmt, header, words, bundle, n_docs) -> str:
    from ..export import infer_json, infer_table

    if fmt == "json":
        return infer_json(table, header)
    title = f"{bundle.method.upper()} model · k={bundle.k} · {n_docs} documents"
    return infer_table(table, words, title)


def _write_text(text: str, output) -> None:
    from .output import write_text

    write_text(text, output)


infer.__signature__ = opt.signature(
    [MODEL_ARGUMENT],
    opt.SOURCE_OPTIONS,
    opt.RECORD_OPTIONS,
    _output_options(INFER_FORMAT),
    opt.DOC_TOPICS_OPTIONS,
)
app.command("infer")(infer)
