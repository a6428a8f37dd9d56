"""One run from source to topics: load → vectorize → factorize → describe, timed per stage."""

from __future__ import annotations

import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .corpus import Corpus, load_folder, load_newsgroups, records
from .corpus.folder import DEFAULT_MAX_FILE_BYTES, TRUNCATED
from .corpus.folder import selection as folder_selection
from .corpus.newsgroups import selection as newsgroups_selection
from .errors import CorpusError, InvalidParameterError, TopicsWarning
from .report import RunReport, Topic
from .vectorize import DocumentTerm, VectorizerSettings, check_settings, vectorize

# The numeric modules (topics, quality, factorize) are imported where a fit needs them: a run
# answered by the run cache renders without them.

METHODS = ("svd", "nmf")
DEFAULT_LOSS = {"count": "kl", "tfidf": "kl"}
"""NMF's loss when none is given, by vectorizer: chosen on evidence (README, make compare-loss)."""


@dataclass(frozen=True)
class SourceSpec:
    """Where the documents come from: a folder/file (``input``) or 20 Newsgroups."""

    input: Path | None = None
    glob: str | None = None
    categories: tuple[str, ...] = ()
    subset: str = "train"
    remove: tuple[str, ...] = ("headers", "footers", "quotes")
    data_home: Path | None = None
    text_field: str | None = None
    """For .jsonl/.csv files and stdin (``input`` "-"): the fields holding text, id, label."""
    id_field: str | None = None
    label_field: str | None = None
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES
    """A folder's files are read up to this many bytes each (so memory stays bounded)."""

    @property
    def fields(self):
        from .corpus.records import Fields

        return Fields(self.text_field, self.id_field, self.label_field)


@dataclass(frozen=True)
class ModelSpec:
    """What to fit and how to describe it."""

    method: str
    k: int = 6
    seed: int = 0
    top_words: int = 8
    max_iter: int = 200
    tol: float = 1e-4
    solver: str | None = None
    """None: the method's default (svd: propack; nmf: the loss's, hals or amu)."""
    loss: str | None = None
    """NMF loss, ``"frobenius"`` or ``"kl"``; None: the vectorizer's default (DEFAULT_LOSS)."""
    init: str | None = None
    """NMF start; None: the solver's default."""
    alpha_w: float = 0.0
    alpha_h: float | None = None
    """None: the same as ``alpha_w`` (scikit-learn's "same")."""
    l1_ratio: float = 0.0
    docs: int = 0
    """Representative documents listed per topic (0: none)."""
    seeds: int = 1
    """Fits for the stability check (1: none); see topiccli.quality.stability."""


class _Timer:
    def __init__(self, progress=None) -> None:
        self.timings: dict[str, float] = {}
        self.progress = progress

    @contextmanager
    def stage(self, name: str):
        """Time a block; a stage entered twice adds up. A progress display hears of it."""
        if self.progress is not None:
            self.progress.stage(name)
        start = time.perf_counter()
        yield
        elapsed = self.timings.get(name, 0.0) + time.perf_counter() - start
        self.timings[name] = round(elapsed, 6)


def check_source(source: SourceSpec) -> SourceSpec:
    """Refuse source options that are wrong in themselves, before anything is read."""
    if source.max_file_bytes < 1:
        raise InvalidParameterError(f"--max-file-bytes must be >= 1, got {source.max_file_bytes}")
    if source.input is None:
        from .corpus.newsgroups import check_selection

        check_selection(source.categories, source.subset, source.remove)
    return source


def load(source: SourceSpec) -> Corpus:
    """Load the corpus a source names."""
    records.check_fields(source.input, source.fields)
    if records.record_format(source.input):
        return records.load_records(source.input, source.fields)
    if source.input is not None:
        return load_folder(source.input, source.glob, source.max_file_bytes)
    return load_newsgroups(source.categories, source.subset, source.remove, source.data_home)


def selection(source: SourceSpec) -> dict:
    """How the JSON report describes a source, known without loading it."""
    records.check_fields(source.input, source.fields)
    if records.record_format(source.input):
        return records.selection(source.input, source.fields)
    if source.input is not None:
        return folder_selection(source.input, source.glob)
    return newsgroups_selection(source.categories, source.subset, source.remove, source.data_home)


def load_and_vectorize(
    source: SourceSpec,
    settings: VectorizerSettings,
    cache_dir: Path | None = None,
    timer=None,
    lookup=None,
) -> tuple[Corpus, DocumentTerm, str]:
    """The corpus and its matrix, from the cache when it holds them; and "hit"/"miss"/"off".

    With ``cache_dir`` None nothing is cached. A miss stores what it built (see cache.py).
    ``lookup``: the source's cache key (cache.lookup_key), if the caller has it already.
    """
    timer = timer or _Timer()
    store = None
    if records.is_stdin(source.input):
        cache_dir = None  # stdin is read once and has no fingerprint
    if cache_dir is not None:
        from .cache import CorpusCache, lookup_key

        with timer.stage("cache"):
            store, lookup = CorpusCache(cache_dir), lookup or lookup_key(source, settings)
            found = store.get(
                lookup.key, settings, selection(source), reload=lambda: load(source).texts
            )
        if found is not None:
            timer.timings.update(load=0.0, vectorize=0.0)
            return (*found, "hit")
    with timer.stage("load"):
        corpus = load(source)
    with timer.stage("vectorize"):
        dt = vectorize(corpus.texts, settings)
    if store is None:
        return corpus, dt, "off"
    with timer.stage("cache"):
        if not lookup.storable and source.input is None:  # the loader just fetched the data
            lookup = lookup_key(source, settings)
        if lookup.storable:
            store.put(lookup.key, corpus, dt)
    return corpus, dt, "miss"


def run(
    source: SourceSpec,
    settings: VectorizerSettings,
    model: ModelSpec,
    cache_dir: Path | None = None,
    progress=None,
    reuse: bool = True,
) -> RunReport:
    """Fit one model and describe its topics; ``cache_dir`` caches the corpus and the finished
    run (None: off).

    ``reuse``: a run the cache already holds is answered from it (cache.runs), without its
    factors (``report.fit``, ``matrix`` and ``documents`` are None); pass False when they are
    needed. ``progress`` (a topiccli.quality.progress.Progress, or None) hears of every stage
    and NMF iteration.
    """
    if model.method not in METHODS:
        raise InvalidParameterError(f"method must be one of {', '.join(METHODS)}")
    check_settings(settings)
    records.check_fields(source.input, source.fields)  # a cached run reads no source to check
    timer = _Timer(progress)
    timer.timings.update(cache=0.0)
    runs = _RunLookup.open(source, settings, model, cache_dir, timer)
    if runs is not None and reuse:
        found = runs.get(source, timer)
        if found is not None:
            return found
    corpus, dt, cache_state = load_and_vectorize(
        source, settings, cache_dir, timer, runs and runs.lookup
    )
    warn_skipped(corpus.skipped, source)
    if dt.X.shape[0] < 2:
        raise CorpusError(
            f"only {dt.X.shape[0]} document to model; topics need at least 2 documents "
            "(give a folder of files, or a .jsonl/.csv file of records)"
        )
    from .cache.runs import heard_warnings
    from .quality.assess import assess

    with heard_warnings() as heard:
        with timer.stage("factorize"):
            fitted = _factorize(dt, model, progress and progress.iterations(model))
        with timer.stage("describe"):
            topics, details = _describe(fitted, dt, model)
        with timer.stage("metrics"):
            topics, metrics = assess(fitted, dt.X, topics, model.top_words, corpus, model.docs)
        if model.seeds > 1:
            with timer.stage("stability"):
                topics, metrics = _stability(dt, model, topics, metrics, progress)
    corpus_info = {
        **corpus.selection,
        "n_documents": dt.X.shape[0],
        "n_terms": dt.X.shape[1],
        "skipped": dict(corpus.skipped),
        "cache": cache_state,
    }
    report = RunReport(model, corpus_info, settings.as_dict(), topics, details, timer.timings,
                       fitted, dt, corpus, metrics=metrics)  # fmt: skip
    if runs is not None:
        runs.put(report, heard, timer)
    return report


@dataclass
class _RunLookup:
    """A run's place in the run cache (cache.runs), found from the corpus's cache key."""

    cache: object
    lookup: object
    key: str
    model: ModelSpec

    @classmethod
    def open(cls, source, settings, model, cache_dir, timer) -> _RunLookup | None:
        if cache_dir is None or records.is_stdin(source.input):
            return None
        from .cache.key import lookup_key
        from .cache.runs import RunCache, run_key

        with timer.stage("cache"):
            lookup = lookup_key(source, settings)
            return cls(RunCache(cache_dir), lookup, run_key(lookup.key, model), model)

    def get(self, source, timer) -> RunReport | None:
        """The stored run, its skipped-file and fit warnings given again; None on a miss."""
        from .cache.runs import warn_again

        with timer.stage("cache"):
            found = self.cache.get(self.key, self.model)
        if found is None:
            return None
        report, heard = found
        warn_skipped(report.corpus["skipped"], source)
        for category, message in heard:
            warn_again(category, message)
        report.timings = {**timer.timings, **dict.fromkeys(_STAGES, 0.0)}
        report.run_cache = "hit"
        return report

    def put(self, report: RunReport, heard, timer) -> None:
        """Store a finished run, unless its data changed too recently to be fingerprinted."""
        report.run_cache = "miss"
        if self.lookup.storable:
            with timer.stage("cache"):
                self.cache.put(self.key, report, heard)


_STAGES = ("load", "vectorize", "factorize", "describe", "metrics")
"""The stages a cached run skips (reported as 0 seconds)."""


def fit(dt: DocumentTerm, model: ModelSpec, callback=None, start=None):
    """Factorize and describe: (fitted model, topics, method details). For sweeps and refits;
    ``start``, an NMF start (W, H), replaces ``model.init``."""
    fitted = _factorize(dt, model, callback, start)
    return (fitted, *_describe(fitted, dt, model))


def refit(dt: DocumentTerm, model: ModelSpec, callback=None):
    """A stability refit: ``fit``, except that NMF under the KL loss starts where
    topiccli.quality.stability.refit_start says (a random start refined by Frobenius HALS)."""
    from .quality import stability

    start = None
    if model.method == "nmf":
        start = stability.refit_start(dt.X, model, nmf_loss(model, dt.settings))
    return fit(dt, model, callback, start)


def _stability(dt: DocumentTerm, model: ModelSpec, topics, metrics, progress=None):
    from .quality import stability

    runs = [[t.words for t in topics]]
    for variant in stability.reseeded(model, model.seeds):
        callback = progress and progress.iterations(variant, f"seed {variant.seed}")
        runs.append([t.words for t in refit(dt, variant, callback)[1]])
    return stability.attach(topics, metrics, runs)


def nmf_loss(model: ModelSpec, settings: VectorizerSettings) -> str:
    """The NMF loss a run uses: the one asked for, else the vectorizer's default."""
    return model.loss or DEFAULT_LOSS[settings.kind]


def warn_skipped(skipped: dict[str, int], source: SourceSpec) -> None:
    """One warning for the files left out, one for files cut short (``skipped``: counts by
    reason, a corpus's ``skipped``); cached run or not."""
    import warnings

    left_out = {k: v for k, v in skipped.items() if k != TRUNCATED}
    if left_out:
        listed = ", ".join(f"{n} {reason}" for reason, n in sorted(left_out.items()))
        total = sum(left_out.values())
        warnings.warn(f"skipped {total} file(s): {listed}", TopicsWarning, stacklevel=2)
    cut = skipped.get(TRUNCATED, 0)
    if cut:
        warnings.warn(
            f"read only the first {source.max_file_bytes} bytes of {cut} larger file(s) "
            "(--max-file-bytes)",
            TopicsWarning,
            stacklevel=2,
        )


def _factorize(dt: DocumentTerm, model: ModelSpec, callback=None, start=None):
    from .factorize import nmf, truncated_svd
    from .topics import order_nmf

    if model.method == "svd":
        return truncated_svd(dt.X, model.k, solver=model.solver or "propack", seed=model.seed)
    result = nmf(
        dt.X,
        model.k,
        loss=nmf_loss(model, dt.settings),
        solver=model.solver,
        init=model.init if start is None else start,
        max_iter=model.max_iter,
        tol=model.tol,
        seed=model.seed,
        alpha_W=model.alpha_w,
        alpha_H="same" if model.alpha_h is None else model.alpha_h,
        l1_ratio=model.l1_ratio,
        callback=callback,
    )
    return order_nmf(result)


def _describe(fitted, dt: DocumentTerm, model: ModelSpec) -> tuple[list[Topic], dict]:
    from .topics import describe_nmf, describe_svd

    if model.method == "svd":
        details = {"solver": fitted.solver, "singular_values": [float(s) for s in fitted.s]}
        return describe_svd(fitted, dt.terms, model.top_words), details
    details = {
        "solver": fitted.solver,
        "init": fitted.init,
        "loss": fitted.loss,
        "divergence": fitted.divergence,
        "reconstruction_error": fitted.reconstruction_error,
        "n_iter": fitted.n_iter,
        "converged": fitted.converged,
    }
    return describe_nmf(fitted, dt.terms, model.top_words), details
