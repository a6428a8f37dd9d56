"""``svd`` and ``nmf``: one model from source to described topics, and the files it writes
(``--save``, ``--doc-topics``, ``--html``).

``run_model(request)`` checks every option first (UsageError, exit 2, before any data is read) and
every output destination (OutputError), answers a repeated run from the run cache, otherwise
loads and vectorizes (or reads the corpus cache), factorizes, describes, weighs and scores the
topics, refits other seeds for ``seeds`` > 1, stores the run, and writes ``--save`` and
``--doc-topics``. The caller renders the returned report.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..corpus import Source, check_source
from ..errors import VectorizeError
from ..report import RunReport
from ..specs import AnalysisSpec, FitFiles, ModelSpec, SourceSpec, VectorizerSettings
from ..text.vectorize import Vectorizer
from .corpus_matrix import corpus_description, load_and_vectorize
from .engine import Engine, LocalEngine
from .fitting import Placed, fit_model, iteration_label, refit_words, resolve_model
from .outputs import check_bundle_destination, check_outputs, check_row_format
from .stages import Stages, warn_skipped

SKIPPED_ON_HIT = ("load", "vectorize", "factorize", "metrics")
"""The stages a run answered by the run cache skips (reported as 0 seconds)."""


@dataclass(frozen=True)
class RunRequest:
    """Everything ``svd``/``nmf`` is asked: what to read, how to vectorize, what to fit, where
    to write (``output``, the report's destination, is only checked here; the caller writes)."""

    source: SourceSpec
    vectorizer: VectorizerSettings
    model: ModelSpec
    files: FitFiles = field(default_factory=FitFiles)
    output: Path | None = None
    cache_dir: Path | None = None
    analyses: AnalysisSpec = field(default_factory=AnalysisSpec)
    """Topics over time and across groups (models.analyses)."""


@dataclass(frozen=True)
class Plan:
    """A checked request: its source and vectorizer, ready to run."""

    request: RunRequest
    source: Source
    vectorizer: Vectorizer
    model: ModelSpec
    """The request's model resolved once (models.fitting.resolve_model): what is fitted."""


def prepare(request: RunRequest, engine: Engine | None = None) -> Plan:
    """Check every option (UsageError) and every output (OutputError), reading no data;
    ``engine``: where the run computes (None: this machine)."""
    source = Source(check_source(request.source))
    vectorizer = Vectorizer(request.vectorizer)
    model = resolve_model(request.model, request.vectorizer.kind, engine is None or engine.local)
    from . import analyses

    scheduler = None if engine is None else engine.describe().get("scheduler")
    analyses.check(request.source, request.analyses, request.model.method, scheduler)
    files = request.files
    check_outputs(
        {
            "output": request.output,
            "doc_topics": files.doc_topics,
            "html": files.html,
            "save": files.save,
            "trends": request.analyses.trends,
        },  # fmt: skip
        lambda: inputs_of(source, request.vectorizer),
    )
    check_row_format(files.doc_topics)
    if files.save_snippets and files.save is None:
        from ..errors import UsageError

        raise UsageError("save_snippets keeps texts in a saved model: give save too",
                         params=("save_snippets", "save"))  # fmt: skip
    check_bundle_destination(files.save, files.force,
                             [request.output, files.doc_topics, files.html])  # fmt: skip
    return Plan(request, source, vectorizer, model)


def inputs_of(source: Source, settings: VectorizerSettings | None, *extra) -> list[Path]:
    """Every path a run reads: the source's, a stop-word file, and ``extra``."""
    paths = source.input_paths()
    if settings is not None:
        paths.extend(settings.stop_word_files)
    return paths + [Path(p) for p in extra if p is not None]


def run_model(request: RunRequest, progress=None, engine: Engine | None = None) -> RunReport:
    """Run one fit (see the module docstring) on ``engine`` (``models.engine``; None: this
    machine's :class:`LocalEngine`); the report names it."""
    engine = engine if engine is not None else LocalEngine()
    return replace(_fit(request, progress, engine), engine=engine.describe())


def _fit(request: RunRequest, progress, engine: Engine) -> RunReport:
    plan = prepare(request, engine)
    model = plan.model
    stages = Stages(progress)
    stages.timings["cache"] = 0.0
    from . import analyses

    asked = analyses.wanted(request.source, request.analyses)
    runs = None if asked else _RunLookup.open(plan, stages)  # the cache keeps no analyses
    if runs is not None and not request.files.needs_factors:
        found = runs.get(stages)
        if found is not None:
            return found
    corpus, dt, cache_state = _matrix(request, plan, stages, runs, engine)
    from ..cache.runs import heard_warnings
    from ..quality.assess import assess

    with heard_warnings() as heard:
        with stages.stage("factorize", "fitting"):
            callback = stages.iterations(iteration_label(model), model.max_iter)
            on = Placed.of(engine, dt)
            fitted = fit_model(dt, model, callback, on=on)
        with stages.stage("metrics", "scoring topics"):
            topics, metrics = assess(
                fitted.result,
                fitted.weights,
                dt.X,
                fitted.topics,
                model.top_words,
                corpus,
                model.docs,
                tokens=document_tokens(corpus, dt.settings),
            )
            metrics["c_npmi_documents"] = min(len(corpus.texts), C_NPMI_DOCUMENTS)
        if model.seeds > 1:
            with stages.stage("stability", "refitting other seeds"):
                topics, metrics = _stability(dt, request.model, on, topics, metrics, stages)
    topics, tree = annotate_fit(fitted.result, dt, topics)
    found = _beside_topics(request, asked, corpus, dt, fitted, stages)
    report = RunReport(model=model, corpus=corpus_description(corpus, dt, cache_state),
                       vectorizer=dt.settings.as_dict(), topics=topics, details=fitted.details,
                       timings=stages.timings, factors=fitted.result, matrix=dt,
                       documents=corpus, metrics=metrics, weights=fitted.weights,
                       hierarchy=tree, **found)  # fmt: skip
    if runs is not None:
        report = runs.put(report, heard, stages)
    write_fit_files(report, request.files, engine)
    return report


def annotate_fit(result, dt, topics):
    """A fit's topics with their automatic names, and its topic hierarchy (quality.naming)."""
    from ..held import column_sums
    from ..quality.naming import annotate

    svd = hasattr(result, "Vt")
    components = result.Vt if svd else result.H
    return annotate("svd" if svd else "nmf", components, column_sums(dt.X), dt.terms, topics)


def _matrix(request: RunRequest, plan, stages: Stages, runs, engine: Engine):
    """(corpus, document-term matrix, cache state) for the fit, the corpus cache first; skipped
    files warned about, and seed words checked against the vocabulary."""
    try:
        corpus, dt, cache_state = load_and_vectorize(
            plan.source, plan.vectorizer, request.cache_dir, stages, runs and runs.lookup, engine
        )
    except VectorizeError as exc:  # --vocabulary reports even then (what was there to prune)
        if request.files.vocabulary and getattr(exc, "vocabulary", None) is not None:
            exc.vocabulary_report = exc.vocabulary()
        raise
    warn_skipped(corpus.skipped, request.source.max_file_bytes)
    if request.model.seed_words:
        from .seed_words import check_seed_words

        check_seed_words(dt, request.model.seed_words, corpus.texts)
    return corpus, dt, cache_state


def _beside_topics(request: RunRequest, asked: bool, corpus, dt, fitted, stages) -> dict:
    """The RunReport fields a run adds when asked: the analyses (``asked``) and the
    vocabulary report (``files.vocabulary``)."""
    found = {}
    if asked:
        with stages.stage("analyses", "topics over time and across groups"):
            found = _analyze(request, corpus, dt, fitted)
    if request.files.vocabulary:
        from ..text.vectorize import vocabulary_report

        with stages.stage("vocabulary", "reporting the vocabulary"):
            found["vocabulary"] = vocabulary_report(corpus.texts, dt.settings, dt)
    return found


def _analyze(request: RunRequest, corpus, dt, fitted) -> dict:
    """The time and group analyses (``analyses``) and what a bundle keeps of them
    (``analyses_saved``), as RunReport fields; the ``trends`` CSV written."""
    from . import analyses

    spec = request.analyses
    values = analyses.documents_values(corpus, request.source, spec)
    found = analyses.analyze(values, fitted.weights, fitted.result.H, request.model.seed,
                             spec.time_bin, X=dt.X, terms=dt.terms)  # fmt: skip
    analyses.warn_time_values(found)
    saved = {"documents": values, "time_bin": spec.time_bin,
             "words": analyses.stored_words(found)}  # fmt: skip
    if spec.trends is not None:
        from ..render.trends import trends_csv
        from ..storage.atomic import atomic_text_file

        with atomic_text_file(spec.trends) as handle:
            handle.write(trends_csv(found))
    return {"analyses": found, "analyses_saved": saved}


C_NPMI_DOCUMENTS = 100_000
"""c_npmi counts windows over at most this many documents (a seeded sample of a larger corpus,
said in ``metrics.c_npmi_documents``): tokenizing is Python work, about 0.2 ms a document."""


def document_tokens(corpus, settings: VectorizerSettings):
    """Each document's tokens in order (for the sliding-window c_npmi), made as they are read;
    for texts held on the Dask workers, their ``window_counts`` over the same documents (each
    worker tokenizes and counts its own)."""
    import numpy as np

    from ..held import HeldTexts
    from ..text.vectorize import tokenizer

    texts = corpus.texts
    chosen = np.arange(len(texts))
    if len(texts) > C_NPMI_DOCUMENTS:
        chosen = np.sort(np.random.default_rng(0).choice(len(texts), C_NPMI_DOCUMENTS, False))
    if isinstance(texts, HeldTexts):
        return _Windows(functools.partial(texts.window_counts, chosen))
    tokens = tokenizer(settings)
    return (tokens(texts[int(i)]) for i in chosen)


@dataclass(frozen=True)
class _Windows:
    """Sliding-window counts made elsewhere (``window_coherence.c_npmi`` asks for them)."""

    window_counts: object


def _stability(dt, model: ModelSpec, on: Placed, topics, metrics, stages: Stages):
    """``model`` as asked (each reseeded variant is resolved by refit_words)."""
    from ..quality import stability

    runs = [[t.words for t in topics]]
    for variant in stability.reseeded(model, model.seeds):
        callback = stages.iterations(iteration_label(variant, f"seed {variant.seed}"),
                                     variant.max_iter)  # fmt: skip
        runs.append(refit_words(dt, variant, callback, on))
    return stability.attach(topics, metrics, runs)


def write_fit_files(report: RunReport, files: FitFiles, engine: Engine | None = None) -> None:
    """Save the bundle and write the document-topic table, as asked (atomically; the table by
    partition on a Dask cluster, models.doc_topics)."""
    if files.save is not None:
        from .bundle import from_report, save

        save(from_report(report, snippets=files.save_snippets), files.save, force=files.force)
    if files.doc_topics is not None:
        from .doc_topics import write_doc_topics

        corpus = report.documents
        write_doc_topics(files.doc_topics, corpus.ids, corpus.labels, report.weights,
                         files.normalize, engine)  # fmt: skip
    if files.html is not None:
        from .explore import fit_page, write_page

        write_page(fit_page(report), files.html)


@dataclass
class _RunLookup:
    """A run's place in the run cache (cache.runs), found from the corpus's cache key."""

    cache: object
    lookup: object
    key: str
    plan: Plan

    @classmethod
    def open(cls, plan: Plan, stages: Stages) -> _RunLookup | None:
        if plan.request.cache_dir is None or not plan.source.cacheable:
            return None
        from ..cache.key import lookup_key
        from ..cache.runs import RunCache, run_key

        with stages.stage("cache", "reading the cache"):
            lookup = lookup_key(plan.source, plan.request.vectorizer)
            key = run_key(lookup.key, plan.request.model, labels=plan.request.source.labels)
            return cls(RunCache(plan.request.cache_dir), lookup, key, plan)

    def get(self, stages: Stages) -> RunReport | None:
        """The stored run, its skipped-file and fit warnings given again; None on a miss."""
        from ..cache.runs import warn_again

        with stages.stage("cache", "reading the cache"):
            found = self.cache.get(self.key, self.plan.request.model)
        if found is None:
            return None
        report, heard = found
        # the entry describes the run that filled it; this run's source is said as this run
        # names it (the same files may be reached by another path, from another folder)
        corpus = {**report.corpus, **self.plan.source.selection()}
        warn_skipped(corpus["skipped"], self.plan.request.source.max_file_bytes)
        for category, message in heard:
            warn_again(category, message)
        stages.skipped(*SKIPPED_ON_HIT)
        return replace(report, corpus=corpus, timings=dict(stages.timings), run_cache="hit")

    def put(self, report: RunReport, heard, stages: Stages) -> RunReport:
        """Store a finished run, unless its data changed too recently to be fingerprinted; the
        report, saying so."""
        report = replace(report, run_cache="miss")
        if self.lookup.storable:
            with stages.stage("cache", "storing the run"):
                self.cache.put(self.key, report, heard)
        return report
