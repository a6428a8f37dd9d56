"""The corpus and its document-term matrix, from the corpus cache when it holds them."""

from __future__ import annotations

from pathlib import Path

from ..corpus import Corpus, Source
from ..text.vectorize import DocumentTerm, Vectorizer
from .stages import Stages


def load_and_vectorize(
    source: Source,
    vectorizer: Vectorizer,
    cache_dir: Path | None,
    stages: Stages,
    lookup=None,
    engine=None,
) -> tuple[Corpus, DocumentTerm, str]:
    """(corpus, matrix, "hit"/"miss"/"off"/"workers"). With ``cache_dir`` None nothing is
    cached; a miss stores what it built (cache.entry). ``lookup``: the source's cache key, if
    known already. ``engine`` (``models.engine.Engine``, None: this machine): on a Dask cluster
    whose workers see the files, they read and vectorize the corpus (``Engine.read``): its
    matrix and texts stay there, and it is not stored. The corpus comes as the options want it
    (``Source.as_chosen``: ``--no-labels``)."""
    corpus, dt, state = _load_and_vectorize(source, vectorizer, cache_dir, stages, lookup, engine)
    return source.as_chosen(corpus), dt, state


def _load_and_vectorize(source, vectorizer, cache_dir, stages, lookup, engine):
    settings = vectorizer.settings
    store = None
    if cache_dir is not None and source.cacheable:
        from ..cache import CorpusCache, lookup_key

        with stages.stage("cache"):
            store, lookup = CorpusCache(cache_dir), lookup or lookup_key(source, settings)
            found = store.get(lookup.key, settings, source.selection(),
                              reload=lambda: source.load().texts)  # fmt: skip
        if found is not None:
            stages.skipped("load", "vectorize")
            return (*found, "hit")
    if engine is not None:
        engine.connect()  # a cluster is reached before anything is read
    # phrases are found over the whole corpus (text.phrases): such a corpus is read here
    if engine is not None and not settings.phrases and engine.reads(source):
        labels = {"load": "reading on the workers", "vectorize": "vectorizing on the workers"}
        corpus, dt = engine.read(source, settings,
                                 stage=lambda name: stages.stage(name, labels[name]))  # fmt: skip
        _check_enough(corpus)
        return corpus, dt, "off" if store is None else WORKERS
    with stages.stage("load", "reading"):
        corpus = source.load(stages.documents("reading"))
        if settings.junk == "drop":
            from ..corpus.junk import drop_junk

            corpus = drop_junk(corpus)
    _check_enough(corpus)
    with stages.stage("vectorize"):
        dt = vectorizer.fit_transform(corpus.texts)
    if store is None:
        return corpus, dt, "off"
    with stages.stage("cache"):
        if not lookup.storable and source.kind == "20newsgroups":  # the loader just fetched it
            lookup = lookup_key(source, settings)
        if lookup.storable and store.put(lookup.key, corpus, dt):
            # a saved model records the settings as resolved: its refits find this entry
            store.alias(lookup_key(source, dt.settings).key, lookup.key)
    return corpus, dt, "miss"


WORKERS = "workers"
"""The corpus cache state of a corpus the Dask workers read: its matrix and texts stay on
them, so the corpus cache does not store it (the run cache still does)."""


def _check_enough(corpus: Corpus) -> None:
    if len(corpus.texts) < 2:
        from ..errors import CorpusError

        raise CorpusError(
            f"only {len(corpus.texts)} document to model; topics need at least 2 documents "
            "(give a folder of files, or a .jsonl/.csv file of records)"
        )


def corpus_description(corpus: Corpus, dt: DocumentTerm, cache_state: str) -> dict:
    """The report's ``corpus`` object."""
    return {
        **corpus.selection,
        "n_documents": dt.X.shape[0],
        "n_terms": dt.X.shape[1],
        "skipped": dict(corpus.skipped),
        **({"cleaning": dt.cleaning} if dt.cleaning is not None else {}),
        "cache": cache_state,
        "language": dt.language,
    }


def matrix_of(source, settings, cache_dir: Path | None = None):
    """(corpus, matrix, cache state) for a SourceSpec and VectorizerSettings: the same stage a
    run uses, for scripts and benchmarks."""
    return load_and_vectorize(Source(source), Vectorizer(settings), cache_dir, Stages())
