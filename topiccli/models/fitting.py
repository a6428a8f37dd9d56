"""One model fitted and described: the core's factorization, its topics, its document weights.

Shared by ``fit`` (one run, refits for ``--seeds``) and ``sweep`` (every k).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ..errors import InvalidParameterError, UsageError
from ..report import Topic
from ..specs import ModelSpec
from ..text.vectorize import DocumentTerm


@dataclass(frozen=True)
class Placed:
    """A run's engine (``models.engine.Engine``) and its matrix where that engine computes on
    it (``Engine.place``: on a Dask cluster, scattered once for every fit of the run)."""

    engine: object
    X: object

    @classmethod
    def of(cls, engine, dt: DocumentTerm) -> Placed:
        return cls(engine, engine.place(dt.X))

    @classmethod
    def here(cls, dt: DocumentTerm) -> Placed:
        """``dt``'s matrix on this machine's engine (``models.engine.LocalEngine``)."""
        from .engine import LocalEngine

        return cls(LocalEngine(), dt.X)


@dataclass(frozen=True)
class Factorization:
    """A fit in the order topics are shown, its topics, its details and document weights."""

    result: object
    """The ordered SVDResult or NMFResult."""
    topics: list[Topic]
    details: dict
    weights: object
    """Documents × topics (topiccli.quality.doc_weights.document_weights)."""


_CHECKED = ("method", "k", "seed", "top_words", "docs", "seeds", "max_iter", "loss", "solver",
            "init", "tol", "alpha_w", "alpha_h", "l1_ratio", "dtype")  # fmt: skip
"""ModelSpec's fields topiccli.params checks (the first seven for SVD: its solver is its own)."""


def resolve_model(model: ModelSpec, vectorizer: str, local: bool = True) -> ModelSpec:
    """``model`` checked (UsageError, before any data is read) and resolved once: every None
    taken to the value it means (NMF: the vectorizer's loss, the loss's solver, the solver's
    start, alpha_h as alpha_w; SVD: the first solver, propack). ``tol`` stays None when none
    was asked for: the settle rule (specs.NMF_SETTLE) then decides when the fit stops
    (:func:`nmf_run_options`). ``local``: whether the engine is this machine (a cluster's
    default KL solver is amu, and ccd is refused there). What this returns is what the
    factorization runs with."""
    from ..factorize.options import SVD_SOLVERS, check_nmf_options
    from ..params import PARAMS, check
    from ..specs import DEFAULT_LOSS

    check({name: getattr(model, name) for name in _CHECKED[: 7 if model.method == "svd" else None]})
    if model.method == "svd":
        PARAMS["svd_solver"].check(model.solver, "solver")
        return replace(model, solver=model.solver or SVD_SOLVERS[0])
    loss = model.loss or DEFAULT_LOSS[vectorizer]
    try:
        solver, init = check_nmf_options(loss, model.solver, model.init, not local)
    except InvalidParameterError as exc:
        raise UsageError(str(exc), params=exc.params) from None
    alpha_h = model.alpha_w if model.alpha_h is None else model.alpha_h
    return replace(model, loss=loss, solver=solver, init=init, alpha_h=alpha_h)


def fit_model(dt: DocumentTerm, model: ModelSpec, callback=None, start=None,
              on: Placed | None = None) -> Factorization:  # fmt: skip
    """Factorize, order, describe, weigh ``model`` as :func:`resolve_model` made it, on
    ``on``'s engine (None: this machine). ``start``,
    an NMF start (W, H), replaces ``init``."""
    from ..quality.describe import describe_nmf, describe_svd

    on = on if on is not None else Placed.here(dt)
    document_weights = on.engine.document_weights
    result = factorize(dt, model, callback, start, on)
    if model.method == "svd":
        details = {"solver": result.solver, "singular_values": [float(s) for s in result.s]}
        topics = describe_svd(result, dt.terms, model.top_words)
        weights = document_weights("svd", result.Vt, on.X)
        return Factorization(result, topics, details, weights)
    details = {
        "solver": result.solver,
        "init": result.init,
        "loss": result.loss,
        "divergence": result.divergence,
        "reconstruction_error": result.reconstruction_error,
        "n_iter": result.n_iter,
        "converged": result.converged,
        **nmf_run_details(result, model, on.engine),
    }
    topics = describe_nmf(result, dt.terms, model.top_words)
    if model.seed_words:
        from .seed_words import seed_fields

        topics = [replace(t, **f) for t, f in zip(topics, seed_fields(model.seed_words, model.k))]
    weights = document_weights("nmf", result.H, on.X, result.loss, model.regularization)
    return Factorization(result, topics, details, weights)


def factorize(dt: DocumentTerm, model: ModelSpec, callback=None, start=None,
              on: Placed | None = None):  # fmt: skip
    """``on``'s engine's fit for ``model`` (None: this machine; NMF components ordered by
    share)."""
    from ..quality.describe import order_nmf

    on = on if on is not None else Placed.here(dt)
    engine = on.engine
    if model.method == "svd":
        return engine.truncated_svd(on.X, model.k, solver=model.solver, seed=model.seed)
    reg = model.regularization
    if model.seed_words:  # on this machine's matrix (a cluster's engine is sent it per fit)
        return _seeded(dt, model, engine.nmf, callback)
    X, options = nmf_run_options(on.X, model, local=is_local(engine))
    result = engine.nmf(
        X,
        model.k,
        loss=model.loss,
        solver=model.solver,
        init=model.init if start is None else start,
        max_iter=model.max_iter,
        seed=model.seed,
        alpha_W=reg["alpha_W"],
        alpha_H=reg["alpha_H"],
        l1_ratio=reg["l1_ratio"],
        callback=callback,
        **options,
    )
    return order_nmf(result)


def nmf_run_details(result, model: ModelSpec, engine=None) -> dict:
    """How an NMF fit ran on ``engine`` (None: this machine), for the report: its stopping
    rule, precision and warm start."""
    settle = model.tol is None and is_local(engine) and not model.seed_words
    return {"stop_rule": "settle" if settle else "tolerance", "dtype": str(result.W.dtype),
            "warm_rows": int(getattr(result, "warm_rows", 0))}  # fmt: skip


def is_local(engine) -> bool:
    """Whether ``engine`` fits in this process (None: this machine; ``Engine.local``)."""
    return engine is None or bool(getattr(engine, "local", False))


def nmf_run_options(X, model: ModelSpec, *, local: bool) -> tuple:
    """(X in the fit's precision, the stopping and start options) for an NMF of ``model`` as
    :func:`resolve_model` made it.

    On this machine (``local``) the model's stopping rule (``ModelSpec.nmf_stop``: settled
    topics unless a tolerance was asked for), its precision and its warm start. The Dask engine
    keeps the plain tolerance (the loss's NMF_TOL unless one was asked for), float64 and a cold
    start: its factors live on the workers.
    """
    if not local:
        return X, {"tol": model.nmf_tol(model.loss)}
    from ..factorize.stopping import Settle

    stop = model.nmf_stop(model.loss)
    rule = stop.pop("rule")
    options = {"tol": stop["tol"]} if rule == "tolerance" else {"stop": Settle(**stop)}
    dtype = model.nmf_dtype(X.shape[0])
    if X.dtype != dtype:
        X = X.astype(dtype)
    return X, {**options, "warm": model.nmf_warm(X.shape[0])}


def _seeded(dt: DocumentTerm, model: ModelSpec, nmf, callback):
    """The seeded fit (topiccli.factorize.seeding): seeded topics first, in the seed file's
    order, then the free ones by decreasing share."""
    import numpy as np

    from ..errors import UsageError
    from ..factorize.seeding import Seeding, seeded_nmf
    from ..held import HeldMatrix
    from ..quality.describe import order_nmf
    from .seed_words import seed_columns

    if isinstance(dt.X, HeldMatrix):
        raise UsageError("--seed-words needs the document-term matrix on this machine; this "
                         "corpus is read and held on the Dask workers",
                         params=("seed_words",))  # fmt: skip
    columns = tuple(np.asarray(c, dtype=np.int64)
                    for c in seed_columns(dt.terms, model.seed_words, dt.fold))  # fmt: skip
    reg = model.regularization
    result = seeded_nmf(dt.X, model.k, Seeding(columns, model.seed_strength), nmf=nmf,
                        loss=model.loss, solver=model.solver, init=model.init,
                        max_iter=model.max_iter, tol=model.nmf_tol(model.loss),
                        seed=model.seed,
                        alpha_W=reg["alpha_W"], alpha_H=reg["alpha_H"], l1_ratio=reg["l1_ratio"],
                        callback=callback)  # fmt: skip
    s = len(columns)
    if s == model.k:
        return result
    free = order_nmf(replace(result, W=result.W[:, s:], H=result.H[s:]))
    return replace(result, W=np.hstack([result.W[:, :s], free.W]),
                   H=np.vstack([result.H[:s], free.H]))  # fmt: skip


def refit_words(dt: DocumentTerm, variant: ModelSpec, callback=None,
                on: Placed | None = None) -> list[list[str]]:  # fmt: skip
    """The top words of a stability refit (``variant``, as quality.stability.reseeded makes it,
    resolved here) on ``on``'s engine (None: this machine): NMF under KL starts where
    topiccli.quality.stability.refit_start says (a random start refined by Frobenius HALS,
    whose tolerance the unresolved ``tol`` decides)."""
    from ..quality import stability
    from ..quality.describe import describe_nmf, describe_svd

    on = on if on is not None else Placed.here(dt)
    model = resolve_model(variant, dt.settings.kind, on.engine.local)
    start = None
    if model.method == "nmf":
        start = stability.refit_start(on.X, variant, model.loss, nmf=on.engine.nmf)
    result = factorize(dt, model, callback, start, on)
    describe = describe_svd if model.method == "svd" else describe_nmf
    return [t.words for t in describe(result, dt.terms, model.top_words)]


def iteration_label(model: ModelSpec, extra: str | None = None) -> str:
    """How a progress display names one NMF fit."""
    return f"NMF k={model.k}" + (f" ({extra})" if extra else "")
