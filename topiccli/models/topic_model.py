"""``TopicModel``: a scikit-learn-style estimator over texts that runs the CLI's own fit.

``fit`` turns its parameters into the specs ``topics nmf``/``topics svd`` build from their
options (``SourceSpec``, ``VectorizerSettings``, ``ModelSpec``; the defaults are those
dataclasses' own) and calls ``topiccli.models.run.run_model`` with them: the same checks, loading,
vectorizing, factorizing, describing and scoring as the command line, so the same texts and
options give the same topics and the same JSON report. Texts held in memory reach the run as
``SourceSpec.documents``; a path is read by the CLI's loaders.

``transform`` is ``topics infer``: new texts are vectorized with the fitted vocabulary,
analyzer and IDF (topiccli.text.vectorizer_state) and weighed against the fixed topics
(models.inference). ``save``/``load`` are the pickle-free bundle (models.bundle) that
``--save`` writes and ``topics show``/``infer`` read; ``explore`` writes the HTML explorer.
"""

from __future__ import annotations

import inspect
from dataclasses import fields, replace
from pathlib import Path

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from ..specs import (
    AnalysisSpec,
    Documents,
    ModelSpec,
    SourceSpec,
    SweepSpec,
    VectorizerSettings,
)
from .estimators import sklearn_constraints
from .run import RunRequest

_MODEL = tuple(f.name for f in fields(ModelSpec) if f.name != "method")
"""TopicModel's parameters that are ModelSpec fields, of the same names (``seed_words`` also as
a file, a mapping or word lists: :func:`seed_topics`)."""
_VECTORIZER = tuple(f.name for f in fields(VectorizerSettings) if f.name != "kind")
"""TopicModel's parameters that are VectorizerSettings fields (besides ``vectorizer``: kind)."""
_SOURCE = ("glob", "text_field", "id_field", "label_field")
"""TopicModel's parameters that are SourceSpec fields: how a path given to fit is read."""
_FIELDS = ("time_field", "group_field")
"""SourceSpec fields read for the analyses (after ``engine``): each document's time, group."""
_ANALYSIS = ("time_bin", "by_label")
"""TopicModel's parameters that are AnalysisSpec fields (``trends``, a CSV file, is the CLI's)."""


_CHECKED = ("method", "k", "vectorizer", "seed", "top_words", "max_iter", "tol", "dtype", "loss",
            "seeds", "docs", "max_features", "alpha_w", "alpha_h", "l1_ratio",
            "plurals")  # fmt: skip
"""The parameters scikit-learn checks at ``fit`` (topiccli.params says how)."""


def _signature() -> inspect.Signature:
    """TopicModel's parameters, read off the specs' fields (names, defaults, types), so each
    is declared once: ``method`` and ``k`` first, then the vectorizer's, the model's, the
    source's and ``engine`` (where ``fit`` computes: no spec's field), keyword-only."""
    kinds = inspect.Parameter
    spec_fields = {f.name: f for cls in (ModelSpec, VectorizerSettings, SourceSpec, RunRequest,
                                         AnalysisSpec) for f in fields(cls)}  # fmt: skip
    spec_fields["vectorizer"] = next(f for f in fields(VectorizerSettings) if f.name == "kind")
    spec_fields["method"] = next(f for f in fields(SweepSpec) if f.name == "method")
    model = (n for n in _MODEL if n != "k")
    names = ("vectorizer", *_VECTORIZER, *model, *_SOURCE, "engine", *_FIELDS, *_ANALYSIS)
    params = [kinds("self", kinds.POSITIONAL_OR_KEYWORD)]
    for position, name in enumerate(("method", "k", *names)):
        kind = kinds.POSITIONAL_OR_KEYWORD if position < 2 else kinds.KEYWORD_ONLY
        if name == "engine":
            params.append(kinds(name, kind, default=None))
            continue
        field = spec_fields[name]
        params.append(kinds(name, kind, default=field.default, annotation=field.type))
    return inspect.Signature(params, return_annotation="None")


_SIGNATURE = _signature()


class TopicModel(TransformerMixin, BaseEstimator):
    """Topics of a collection of texts, fitted by ``topics nmf``/``topics svd``'s own run.

    Parameters are the CLI's options, named as its fields are (``--k`` → ``k``,
    ``--vectorizer`` → ``vectorizer``, ``--alpha-w`` → ``alpha_w``, ...) with the CLI's
    defaults (``topiccli.specs``); ``method`` is ``"nmf"`` (default) or ``"svd"``. ``None``
    means what the CLI does when the option is not given (e.g. ``loss``: the vectorizer's
    default, KL; ``tol``: the settled-topics rule, ``NMF_SETTLE``). ``dtype`` (NMF precision)
    and ``warm`` (start from a seeded sample's fit, ``NMF_WARM``) are the model's too.

    ``fit(X, y=None)`` accepts a list of texts, a pandas or polars Series, a one-column array
    (a ``ColumnTransformer``'s output), a pandas or polars DataFrame or an Arrow table (the
    column ``text_field``, else its only column, else ``text``; ``id_field`` and
    ``label_field`` name its id and label columns), an Arrow array or ChunkedArray, or a path
    the CLI reads (a folder, one text file, a .jsonl/.csv/.parquet file or a glob of shards).
    ``y``, if given, labels the documents (label agreement in the report). pandas and pyarrow
    are never required: their objects are recognized by what they offer.

    Fitted attributes: ``topics_`` (a polars DataFrame: topic, rank, word, weight),
    ``doc_topics_`` (documents × k, the fit's document weights, as ``--doc-topics``),
    ``doc_ids_``, ``vocabulary_`` (term → column), ``components_`` (k × terms), ``report_``
    (the JSON report of ``topics nmf --format json`` as a typed
    :class:`~topiccli.models.fit_report.FitReport`; ``report_.to_dict()`` is the JSON) and
    ``bundle_`` (the model as ``--save`` writes it).

    ``engine`` is where ``fit`` computes (``topiccli.models.engine``): an ``Engine`` (a
    ``LocalEngine(threads=N)``, or ``topiccli.distributed.engine.DaskEngine(address)``, used as
    given and left open for the caller to close), a scheduler address as ``--scheduler`` takes
    it (``"local"``, ``"local:N"``, ``"tcp://host:8786"``, ``"none"``: an engine opened for the
    fit and closed after it), or None: what the environment says, as on the command line
    (``DASK_SCHEDULER_ADDRESS``, else this machine on ``TOPICS_NUM_THREADS`` threads).
    ``transform`` and ``score`` compute on this machine.
    """

    _parameter_constraints: dict = {**sklearn_constraints({name: name for name in _CHECKED}),
                                    "warm": ["boolean", None]}  # fmt: skip
    """The checks scikit-learn runs at ``fit``, read off topiccli.params; the solver and init
    (whose choices depend on the method) and every other option are checked by the run itself
    before any text is read (topiccli.models.run.prepare), as on the command line."""

    def __init__(self, *args, **params) -> None:
        bound = _SIGNATURE.bind(self, *args, **params)
        bound.apply_defaults()
        for name, value in list(bound.arguments.items())[1:]:
            setattr(self, name, value)

    __init__.__signature__ = _SIGNATURE  # scikit-learn reads the parameters (get_params, clone)

    # -- the specs, as the CLI builds them -------------------------------------------------

    def model_spec(self) -> ModelSpec:
        """The ModelSpec ``topics <method>`` would build from the same options."""
        values = {name: getattr(self, name) for name in _MODEL}
        values["seed_words"] = seed_topics(self.seed_words)
        return ModelSpec(method=self.method, **values)

    def vectorizer_settings(self) -> VectorizerSettings:
        """The VectorizerSettings the same options give (``ngram_range`` as a pair)."""
        values = {name: getattr(self, name) for name in _VECTORIZER}
        values["ngram_range"] = tuple(values["ngram_range"])
        return VectorizerSettings(kind=self.vectorizer, **values)

    def source_spec(self, X, y=None) -> SourceSpec:
        """Where the run reads ``X``: a path through the CLI's loaders, else texts in memory."""
        fields = {name: getattr(self, name) for name in (*_SOURCE, *_FIELDS)}
        if _is_path(X):
            return SourceSpec(input=Path(X), **fields)
        if self.time_field is not None or self.group_field is not None:
            raise ValueError("time_field and group_field read a .jsonl/.csv path; for texts in "
                             "memory pass the times or groups to topics_over_time or "
                             "topics_per_group")  # fmt: skip
        texts = texts_of(X, self.text_field)
        ids = _frame_ids(X, self.id_field, len(texts))
        y = _frame_column(X, self.label_field) if y is None and self.label_field else y
        labels = None if y is None else tuple(None if v is None else str(v) for v in _list(y))
        if labels is not None and len(labels) != len(texts):
            raise ValueError(f"y has {len(labels)} labels for {len(texts)} texts")
        return SourceSpec(documents=Documents(tuple(texts), ids, labels))

    # -- fitting ---------------------------------------------------------------------------

    def fit(self, X, y=None):
        """Run the CLI's fit on ``X`` (see the class); returns self."""
        from ..settings import Settings
        from .bundle import from_report
        from .engine import engine_of
        from .run import run_model

        self._validate_params()
        request = RunRequest(source=self.source_spec(X, y), vectorizer=self.vectorizer_settings(),
                             model=self.model_spec(),
                             analyses=AnalysisSpec(**{n: getattr(self, n)
                                                      for n in _ANALYSIS}))  # fmt: skip
        engine, owned = engine_of(self.engine, Settings.from_environ())
        try:
            report = run_model(request, engine=engine)
        finally:
            if owned:
                engine.close()
        self._report = report
        self._bundle_path = None
        self._set_fitted(from_report(report), report)
        return self

    def fit_transform(self, X, y=None, **params):
        """Fit, then one row of weights per given text: ``doc_topics_`` (the fit's, as
        ``--doc-topics``) when the fit kept every text, else ``transform(X)`` (a text dropped
        as junk is weighed as ``topics infer`` weighs it). Both agree to rounding. For a path,
        ``doc_topics_``: the rows of the documents the CLI's loader kept."""
        self.fit(X, y)
        if _is_path(X) or len(self.doc_ids_) == len(texts_of(X, self.text_field)):
            return self.doc_topics_
        return self.transform(X)

    def _set_fitted(self, bundle, report) -> None:
        from ..render.run import to_dict
        from .fit_report import FitReport

        self.bundle_ = bundle
        self.components_ = bundle.components
        self.doc_topics_ = bundle.doc_topics
        self.doc_ids_ = list(bundle.doc_ids)
        self.vocabulary_ = {str(term): j for j, term in enumerate(bundle.terms)}
        self.topics_ = topics_frame(report.topics)
        self.report_ = FitReport.from_dict(to_dict(report))
        self.names_ = [t.name for t in report.topics]
        self.auto_names_ = [t.auto_name for t in report.topics]

    # -- using a fitted model --------------------------------------------------------------

    def transform(self, X):
        """Topic weights of new texts (documents × k), as ``topics infer`` computes them."""
        return self._inference(X).weights

    def _inference(self, X):
        from ..corpus import Source
        from .inference import weigh_documents

        check_is_fitted(self, "bundle_")
        corpus = Source(self.source_spec(X)).load()
        return weigh_documents(self.bundle_, corpus)

    def score(self, X, y=None) -> float:
        """How well the topics' top words hang together in the texts ``X``: the mean over
        topics of the sliding-window NPMI (``c_npmi``, the report's measure, in [-1, 1],
        higher is better) of each topic's top words, counted over ``X`` tokenized as the fit
        tokenized. A topic none of whose word pairs occur in ``X`` is left out; -1.0 when
        none is left. Made for model selection (``GridSearchCV``'s default scorer)."""
        from ..corpus import Source
        from ..quality.window_coherence import c_npmi
        from .run import document_tokens

        check_is_fitted(self, "bundle_")
        corpus = Source(self.source_spec(X)).load()
        words = [list(words) for words in self.topics_.group_by("topic", maintain_order=True)
                 .agg("word")["word"].to_list()]  # fmt: skip
        values = [v for v in c_npmi(document_tokens(corpus, self.vectorizer_settings()), words)
                  if not np.isnan(v)]  # fmt: skip
        return float(np.mean(values)) if values else -1.0

    def topics_over_time(self, times=None, *, time_bin: str | None = None):
        """Each topic's prevalence per time bin with its bootstrap interval, documents won and
        words (``--time-field``; models.analyses), as a polars DataFrame: topic, bin,
        documents, topic_documents, prevalence, low, high, words. ``times``: one per document
        of ``doc_ids_`` (ISO text, dates, datetimes or epoch seconds); default: the fit's
        ``time_field`` values (also after ``load``). Words need the fit's matrix (this
        session's fit) or the fit's own times and bins (a loaded model)."""
        from .analyses import table

        check_is_fitted(self, "bundle_")
        return table(self.bundle_, "time", times, time_bin, self._matrix())

    def topics_per_group(self, groups=None):
        """Each topic's prevalence per group with its interval and distinguishing words
        (``--group-field``/``by_label``; models.analyses), as a polars DataFrame: topic,
        group, documents, topic_documents, prevalence, low, high, words, zeta. ``groups``: one
        per document of ``doc_ids_``; default: the fit's group values (also after ``load``)."""
        from .analyses import table

        check_is_fitted(self, "bundle_")
        return table(self.bundle_, "group", groups, None, self._matrix())

    def topics_over_time_by_group(self, times=None, groups=None, *, time_bin: str | None = None):
        """Each topic's prevalence per group and time bin with its interval, documents won and
        words (both ``--time-field`` and ``--group-field``/``by_label``; models.analyses), as
        a polars DataFrame: topic, group, bin, documents, topic_documents, prevalence, low,
        high, words. ``times``/``groups``: one per document of ``doc_ids_``, as for
        :meth:`topics_over_time` and :meth:`topics_per_group`; default: the fit's values."""
        from .analyses import table

        check_is_fitted(self, "bundle_")
        return table(self.bundle_, "time_group", times, time_bin, self._matrix(), groups=groups)

    def _matrix(self):
        return None if getattr(self, "_report", None) is None else self._report.matrix

    def save(self, path, *, force: bool = False) -> Path:
        """Write the model bundle (as ``--save``; ``force`` replaces an existing one)."""
        from .bundle import save

        check_is_fitted(self, "bundle_")
        return save(self.bundle_, Path(path), force=force)

    @classmethod
    def load(cls, path) -> TopicModel:
        """A fitted TopicModel from a bundle (``--save`` or :meth:`save`): its parameters and
        topics as saved, ready to ``transform``, ``score``, ``save`` and ``explore``."""
        from .bundle import load
        from .inference import show_report

        bundle = load(Path(path))
        meta = bundle.metadata
        model = cls(**_saved_params(meta))
        model._report = None
        model._bundle_path = Path(path)
        model._set_fitted(bundle, show_report(bundle, meta.get("top_words", ModelSpec.top_words)))
        return model

    # -- editing the topics (models.topic_edits): each returns a new fitted TopicModel -------

    def hierarchy(self) -> dict:
        """The topic tree: average linkage on the topics' Jensen–Shannon distance, as JSON
        (``merges`` with their heights; quality.hierarchy)."""
        from ..quality.hierarchy import topic_hierarchy

        check_is_fitted(self, "bundle_")
        return topic_hierarchy(self.bundle_.method, self.bundle_.components)

    def merge(self, topics, X=None) -> TopicModel:
        """A new model with ``topics`` (ids) merged into one (``topics merge``: no refit; the
        training documents re-weighed). The training matrix as for :meth:`reduce`."""
        from .topic_edits import merge

        return self._edited(merge(self.bundle_, [list(topics)], **self._training(X)))

    def reduce(self, k: int, X=None) -> TopicModel:
        """A new model of ``k`` topics: the topics that make up one subject of a rank-``k``
        view of the documents merged (quality.hierarchy.reduction_tree cut at ``k``), then
        refined by a short warm-started fit (``topics reduce``). The training matrix is the
        fit's own after ``fit``; after ``load`` it is read again from the recorded source, or
        from ``X`` (the training texts or path)."""
        from .topic_edits import reduce

        return self._edited(reduce(self.bundle_, k, **self._training(X)))

    def _training(self, X) -> dict:
        check_is_fitted(self, "bundle_")
        if X is not None:
            return {"source": self.source_spec(X)}
        report = getattr(self, "_report", None)
        return {} if report is None else {"matrix": (report.documents, report.matrix)}

    def set_name(self, topic: int, name: str | None) -> TopicModel:
        """Name ``topic`` (None removes its name); returns self. ``save`` stores the name."""
        from .inference import show_report
        from .topic_edits import set_name

        check_is_fitted(self, "bundle_")
        self.bundle_ = set_name(self.bundle_, topic, name)
        self.names_ = [t.name for t in show_report(self.bundle_, self.top_words).topics]
        if self._report is not None:  # the fit's own page and report carry the names too
            self._report = replace(self._report, topics=[
                replace(t, name=n) for t, n in zip(self._report.topics, self.names_)])  # fmt: skip
            from .fit_report import FitReport

            document = self.report_.to_dict()
            document["topics"] = [{**{key: v for key, v in entry.items() if key != "name"},
                                   **({"name": n} if n else {})}
                                  for entry, n in zip(document["topics"], self.names_)]  # fmt: skip
            self.report_ = FitReport.from_dict(document)
        return self

    def _edited(self, bundle) -> TopicModel:
        from sklearn.base import clone

        from .inference import show_report

        model = clone(self).set_params(k=bundle.k)
        model._report, model._bundle_path = None, None
        model._set_fitted(bundle, show_report(bundle, self.top_words))
        return model

    def explore(self, path) -> Path:
        """Write the self-contained HTML explorer of the model (as ``--html``/``topics
        explore``): with the documents' openings after a fit, with ids only after ``load``."""
        from .explore import fit_page, page_of_bundle, write_page

        check_is_fitted(self, "bundle_")
        page = fit_page(self._report) if self._report is not None else \
            page_of_bundle(self.bundle_)  # fmt: skip
        write_page(page, Path(path))
        return Path(path)


def texts_of(X, text_field: str | None = None) -> list[str]:
    """The texts of a list, a Series, a one-column array, a DataFrame or an Arrow table or
    array (see TopicModel)."""
    X = from_arrow(X)
    columns = getattr(X, "columns", None)
    if columns is not None and not isinstance(X, np.ndarray):
        names = [str(c) for c in columns]
        name = text_field or (names[0] if len(names) == 1 else "text")
        if name not in names:
            raise ValueError(f"the DataFrame has no column {name!r} (set text_field)")
        X = X[name]
    values = np.asarray(_list(X), dtype=object)
    if values.ndim == 2 and values.shape[1] == 1:
        values = values[:, 0]
    if values.ndim != 1:
        raise ValueError(f"expected texts (one column), got an array of shape {values.shape}")
    if not all(isinstance(v, str) for v in values):
        raise ValueError("every document must be a str")
    return [str(v) for v in values]


def from_arrow(X):
    """An Arrow object that is neither pandas nor polars (a pyarrow Table, RecordBatch,
    ChunkedArray or Array, or anything with the Arrow PyCapsule interface) as a polars
    DataFrame or Series; any other ``X`` as it is. polars reads the capsule: pyarrow is never
    imported here."""
    module = type(X).__module__.split(".")[0]
    arrow = hasattr(X, "__arrow_c_stream__") or hasattr(X, "__arrow_c_array__")
    if not arrow or module in ("polars", "pandas", "numpy"):
        return X
    import polars as pl

    if hasattr(X, "column_names"):  # a table or a record batch
        return pl.DataFrame(X)
    series = pl.Series(X)
    return series.struct.unnest() if series.dtype == pl.Struct else series


def _frame_column(X, name: str | None):
    """Column ``name`` of a DataFrame or Arrow table ``X`` (None: not one, or no name)."""
    X = from_arrow(X)
    if name is None or getattr(X, "columns", None) is None or isinstance(X, np.ndarray):
        return None
    if name not in [str(c) for c in X.columns]:
        raise ValueError(f"the DataFrame has no column {name!r} (set id_field/label_field)")
    return X[name]


def _frame_ids(X, id_field: str | None, n: int) -> tuple[str, ...]:
    """The documents' ids: a DataFrame's ``id_field`` column (unique), else 0, 1, ..."""
    column = _frame_column(X, id_field)
    if column is None:
        return tuple(str(i) for i in range(n))
    ids = tuple(str(v) for v in _list(column))
    if len(set(ids)) != len(ids):
        raise ValueError(f"the ids in column {id_field!r} must be unique")
    return ids


def c_npmi_scorer(estimator, X, y=None) -> float:
    """A scorer for scikit-learn's model selection (``GridSearchCV(..., scoring=
    c_npmi_scorer)``): ``estimator.score(X)``, the mean c_npmi of a fitted TopicModel's topics
    in the texts ``X`` (higher is better); a Pipeline ending in a TopicModel passes ``X``
    through its other steps first."""
    return float(estimator.score(X))


def _is_path(X) -> bool:
    return isinstance(X, (str, Path))


def _list(values) -> list:
    for method in ("to_list", "tolist"):  # polars, pandas and numpy
        if hasattr(values, method):
            return getattr(values, method)()
    return list(values)


def topics_frame(topics):
    """The topics' top words as a polars DataFrame: topic, rank, word, weight."""
    import polars as pl

    rows = [(t.id, rank, word, float(weight)) for t in topics
            for rank, (word, weight) in enumerate(zip(t.words, t.weights))]  # fmt: skip
    return pl.DataFrame(rows, schema={"topic": pl.Int64, "rank": pl.Int64, "word": pl.String,
                                      "weight": pl.Float64}, orient="row")  # fmt: skip


def _saved_params(meta: dict) -> dict:
    """A bundle's options as TopicModel parameters (what ``model.json`` records)."""
    vectorizer = dict(meta.get("vectorizer") or {})
    params = {name: vectorizer[name] for name in _VECTORIZER if name in vectorizer}
    if "ngram_range" in params:
        params["ngram_range"] = tuple(params["ngram_range"])
    if "kind" in vectorizer:
        params["vectorizer"] = vectorizer["kind"]
    details = meta.get("details") or {}
    if meta["method"] == "nmf":
        params.update(loss=details.get("loss"), solver=details.get("solver"),
                      init=details.get("init"))  # fmt: skip
        regularization = meta.get("regularization") or {}
        params.update(alpha_w=regularization.get("alpha_W", ModelSpec.alpha_w),
                      alpha_h=regularization.get("alpha_H"),
                      l1_ratio=regularization.get("l1_ratio", ModelSpec.l1_ratio))  # fmt: skip
    return {"method": meta["method"], "k": meta["k"], "seed": meta["seed"],
            "top_words": meta.get("top_words", ModelSpec.top_words), **params}  # fmt: skip


def seed_topics(seed_words) -> tuple:
    """``seed_words`` as ModelSpec holds them: a seed-word file's path (``--seed-words``), a
    mapping ``{name: words}``, a sequence of word lists (unnamed topics) or SeedTopics."""
    import os

    from .seed_words import SeedTopic, read_seed_words

    if isinstance(seed_words, (str, os.PathLike)):
        return read_seed_words(seed_words)
    if isinstance(seed_words, dict):
        items = [(name, words) for name, words in seed_words.items()]
    else:
        items = [(None, topic) for topic in seed_words]
    return tuple(topic if isinstance(topic, SeedTopic) else
                 SeedTopic(name, tuple(dict.fromkeys(w.lower() for w in _words(topic))))
                 for name, topic in items)  # fmt: skip


def _words(topic) -> list[str]:
    """A seeded topic's words: a string split at spaces, or the sequence itself."""
    return topic.split() if isinstance(topic, str) else list(topic)
