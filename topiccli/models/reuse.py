"""``show`` and ``infer``: reuse a model bundle written by ``--save``."""

from __future__ import annotations

import time
import warnings
from dataclasses import dataclass, replace
from pathlib import Path

from ..corpus import Source, check_source
from ..errors import TopicsWarning, UsageError
from ..report import RunReport
from ..specs import ModelSpec, SourceSpec
from .engine import Engine, LocalEngine
from .outputs import check_not_input, check_output_path, check_outputs, check_row_format
from .run import inputs_of
from .stages import Stages, warn_skipped


def show(model: Path, top_words: int | None = None, output: Path | None = None) -> RunReport:
    """A saved model's report again, described as the fit described it (``top_words``: None
    for the fit's own count). Evidence computed on the fit's top words is left out, with a
    warning, when another count is asked for."""
    from .bundle import load
    from .inference import WORD_DEPENDENT, show_report

    check_not_input(output, [model])
    check_output_path(output)
    start = time.perf_counter()
    bundle = load(model)
    loaded = time.perf_counter()
    fitted_words = bundle.metadata.get("top_words", 8)
    count = top_words or fitted_words
    from .analyses import of_bundle

    report = replace(show_report(bundle, count), analyses=of_bundle(bundle))
    dropped = sorted(WORD_DEPENDENT & set(bundle.metadata.get("quality", {}).get("metrics", {})))
    if count != fitted_words and dropped:
        warnings.warn(
            TopicsWarning(
                f"{', '.join(dropped)} are not shown: they were computed on the fit's "
                f"{fitted_words} top words, not {count} (top_words)",
                params=("top_words",),
            ),
            stacklevel=2,
        )
    report.timings.update(load=round(loaded - start, 6),
                          describe=round(time.perf_counter() - loaded, 6))  # fmt: skip
    return report


@dataclass(frozen=True)
class InferRequest:
    model: Path
    source: SourceSpec
    top_words: int = ModelSpec.top_words
    output: Path | None = None
    doc_topics: Path | None = None
    normalize: bool = False


@dataclass(frozen=True, kw_only=True)
class InferResult:
    """The documents' weights (render.doc_topics.DocTopics), the topics' words and a header
    describing the model and the corpus, for a renderer."""

    table: object
    words: list[list[str]]
    header: dict
    title: str


def infer_documents(request: InferRequest, progress=None,
                    engine: Engine | None = None) -> InferResult:  # fmt: skip
    """Weigh new documents against a saved model on ``engine`` (None: this machine); write
    ``doc_topics`` if asked."""
    from ..render.doc_topics import DocTopics
    from .bundle import load
    from .inference import show_report, weigh_documents

    if request.source.input is None:
        raise UsageError(
            "infer needs documents: give input (a folder, a .jsonl/.csv file, or - for stdin)",
            params=("input",),
        )
    source = Source(check_source(request.source))
    outputs = {"output": request.output, "doc_topics": request.doc_topics}
    check_outputs(outputs, lambda: inputs_of(source, None, request.model))
    check_row_format(request.doc_topics)
    engine, stages = engine or LocalEngine(), Stages(progress)
    with stages.stage("load_model", "loading the model"):
        bundle = load(request.model)
        engine.connect()
    X = None
    if engine.reads(source):
        with stages.stage("load", "reading on the workers"):
            corpus, X = engine.read_new(source, bundle)
    else:
        with stages.stage("load", "reading"):
            corpus = source.load(stages.documents("reading"))
    corpus = source.as_chosen(corpus)
    warn_skipped(corpus.skipped, request.source.max_file_bytes)
    with stages.stage("infer", "inferring topic weights"):
        inference = weigh_documents(bundle, corpus, engine.document_weights, X)
    if inference.n_unmatched:
        warnings.warn(
            f"{inference.n_unmatched} of {len(corpus)} documents share no word with the "
            "model's vocabulary; they have all-zero weights and no top topic",
            TopicsWarning,
            stacklevel=2,
        )
    described = show_report(bundle, request.top_words).topics
    names = [t.name for t in described] if any(t.name for t in described) else None
    table = DocTopics(corpus.ids, corpus.labels, inference.weights, inference.top_topic, names)
    if request.normalize:
        table = table.normalized()
    if request.doc_topics is not None:
        from .doc_topics import write_doc_topics

        write_doc_topics(request.doc_topics, corpus.ids, corpus.labels, inference.weights,
                         request.normalize, engine, names)  # fmt: skip
    words = [t.words for t in described]
    header = _header(request, bundle, corpus, inference, described, stages.timings, engine)
    title = f"{bundle.method.upper()} model · k={bundle.k} · {len(corpus)} documents"
    return InferResult(table=table, words=words, header=header, title=title)


def _header(request: InferRequest, bundle, corpus, inference, described, timings,
            engine: Engine) -> dict:  # fmt: skip
    """What an inference's JSON says besides its rows: the model, the corpus, the topics."""
    from ..render import SCHEMA_VERSION

    return {
        "schema_version": SCHEMA_VERSION,
        "model": {"path": str(request.model), "method": bundle.method, "k": bundle.k,
                  "fingerprint": bundle.metadata.get("fingerprint")},  # fmt: skip
        "corpus": {**corpus.selection, "n_documents": len(corpus),
                   "skipped": dict(corpus.skipped), "n_unmatched": inference.n_unmatched},
        "normalized": request.normalize,
        "topics": [{"id": t.id, "words": t.words, "name": t.name, "auto_name": t.auto_name}
                   for t in described],
        "engine": engine.describe(),
        "timings": {name: round(value, 6) for name, value in timings.items()},
    }  # fmt: skip
