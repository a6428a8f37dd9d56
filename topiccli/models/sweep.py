"""``sweep``: every k of a range fitted on one vectorized corpus, each scored; a recommended k.

NMF is fitted for every k and seed (the first seed as a plain run, the others as stability
refits). SVD is fitted once per seed at the largest k: the leading k components of an exact
truncated SVD are the rank-k truncated SVD, so every smaller k is read off that one
decomposition.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..corpus import Source, check_source
from ..errors import InvalidParameterError
from ..specs import SourceSpec, SweepSpec, VectorizerSettings
from ..text.vectorize import Vectorizer
from .corpus_matrix import corpus_description, load_and_vectorize
from .engine import Engine, LocalEngine
from .fitting import Placed, fit_model, iteration_label, refit_words, resolve_model
from .outputs import check_outputs
from .run import inputs_of
from .stages import Stages, warn_skipped


@dataclass(frozen=True)
class SweepRequest:
    source: SourceSpec
    vectorizer: VectorizerSettings
    sweep: SweepSpec
    output: Path | None = None
    cache_dir: Path | None = None
    html: Path | None = None


@dataclass(frozen=True, kw_only=True)
class SweepResult:
    """The settings, the corpus, one row per k, the recommended k and the rule."""

    info: dict
    rows: list = field(default_factory=list)
    recommended: int | None = None
    rule: str = ""
    advice: dict | None = None
    """quality.advice: the verdict ("range" or "no_clear_k"), the range, the evidence and what
    to do next; with the agreement criterion only."""


def sweep(request: SweepRequest, progress=None, engine: Engine | None = None) -> SweepResult:
    """Run the sweep (see the module) on ``engine`` (None: this machine), options checked first."""
    from ..quality.sweep import recommend, rule, within_noise

    engine = engine or LocalEngine()
    spec = request.sweep
    source = Source(check_source(request.source))
    vectorizer = Vectorizer(request.vectorizer)
    if spec.method == "svd" and spec.loss is not None:
        from ..errors import UsageError

        raise UsageError("loss applies to method nmf only", params=("loss", "method"))
    model = resolve_model(spec.model(spec.ks[0]), request.vectorizer.kind, engine.local)
    check_outputs(
        {"output": request.output, "html": request.html},
        lambda: inputs_of(source, request.vectorizer),
    )
    stages = Stages(progress)
    stages.timings["cache"] = 0.0
    corpus, dt, cache_state = load_and_vectorize(source, vectorizer, request.cache_dir, stages,
                                                 engine=engine)  # fmt: skip
    warn_skipped(corpus.skipped, request.source.max_file_bytes)
    start = time.perf_counter()
    rows = _rows(dt, corpus, spec, model, stages, engine)
    stages.timings["fit"] = round(time.perf_counter() - start, 6)
    info = _info(spec, model, corpus_description(corpus, dt, cache_state), dt, stages, engine)
    criterion = spec.chosen_criterion
    advice = None
    if criterion == "agreement":
        from ..quality.advice import advise

        with stages.stage("stability", f"refitting {spec.samples} subsamples per k"):
            rows, samples = _with_agreement(rows, dt, spec, engine)
        advice = advise([r.k for r in rows], samples)
        best, close = advice.best, advice.within_noise
    else:
        best = recommend(rows, criterion)
        close = within_noise(rows, best)
    info.update(criterion=criterion, samples=spec.samples if criterion == "agreement" else None,
                within_noise=close)  # fmt: skip
    result = SweepResult(info=info, rows=rows, recommended=best,
                         rule=rule(spec.seeds, criterion, spec.samples),
                         advice=advice.as_dict() if advice else None)  # fmt: skip
    if request.html is not None:
        from ..render.sweep import sweep_dict
        from .explore import sweep_page, write_page

        document = sweep_dict(result.info, result.rows, result.recommended, result.rule,
                              result.advice)  # fmt: skip
        write_page(sweep_page(document), request.html)
    return result


def _info(spec: SweepSpec, model, corpus: dict, dt, stages: Stages, engine: Engine) -> dict:
    """The sweep's settings and corpus, as its report states them."""
    return {
        "method": spec.method,
        **({"loss": model.loss} if spec.method == "nmf" else {}),
        "ks": list(spec.ks),
        "seeds": spec.seeds,
        "seed": spec.seed,
        "top_words": spec.top_words,
        "corpus": corpus,
        "vectorizer": dt.settings.as_dict(),
        "engine": engine.describe(),
        "timings": stages.timings,
    }


def _rows(dt, corpus, spec: SweepSpec, resolved, stages: Stages, engine: Engine) -> list:
    """One scored row per k on ``engine``: ``resolved`` (the spec's model, resolved once)
    fitted at each k, and the reseeded variants of ``spec.model(k)`` refitted (resolved each
    by refit_words)."""
    from ..quality.sweep import score_k

    ks = spec.ks
    limit = min(dt.X.shape) - 1
    if ks[-1] > limit:
        raise InvalidParameterError(
            f"k must be between 1 and min(n_documents, n_terms) - 1 = {limit} for a "
            f"{dt.X.shape[0]}×{dt.X.shape[1]} matrix; the sweep asks for {ks[-1]}",
            params=("k",),
        )
    on = Placed.of(engine, dt)  # on a cluster, sent once for every k
    advance = (
        stages.progress.task(f"sweeping k = {ks[0]}…{ks[-1]}", len(ks)) if stages.progress else None
    )
    largest = []
    if spec.method == "svd":
        with stages.stage("factorize", f"fitting SVD at k = {ks[-1]}"):
            base = replace(resolved, k=ks[-1])
            largest = [fit_model(dt, m, on=on).result for m in _seed_models(base, spec.seeds)]
    rows = []
    for k in ks:
        model = replace(resolved, k=k)
        with stages.stage("factorize", f"fitting k = {k}"):
            if spec.method == "svd":
                fits = [_leading_fit(result, k, dt, model, on) for result in largest]
                first, runs = fits[0], [[t.words for t in f.topics] for f in fits]
            else:
                variants = _seed_models(spec.model(k), spec.seeds)
                first = fit_model(
                    dt, model, stages.iterations(iteration_label(model), model.max_iter), on=on
                )
                runs = [[t.words for t in first.topics]]
                for variant in variants[1:]:
                    label = iteration_label(variant, f"seed {variant.seed}")
                    runs.append(
                        refit_words(dt, variant, stages.iterations(label, variant.max_iter), on)
                    )
        with stages.stage("metrics", f"scoring k = {k}"):
            rows.append(
                score_k(
                    k, first.result, first.weights, first.topics, runs, dt.X, corpus, spec.top_words
                )
            )
        if advance:
            advance()
    return rows


def _with_agreement(rows: list, dt, spec: SweepSpec, engine: Engine) -> tuple[list, list]:
    """(each row with its agreement, each k's per-subsample agreements): the agreement under
    resampling (quality.resampling) of Frobenius HALS fits, the reference from NNDSVD and the
    subsamples from random starts, as Greene et al. KL from random starts settles in scattered
    minima (quality.stability.refit_start), and measured over six corpora the Frobenius
    agreement found the labelled k where the KL one did not (scripts/evaluate_defaults.md); the
    NNDSVD reference found it on 11 of 16 corpora where a random-start one found it on 8
    (scripts/evaluate_k.md)."""
    from ..quality.resampling import nmf_top_terms, stability_by_resampling
    from ..specs import REFIT_TOL

    options = {"loss": "frobenius", "max_iter": spec.max_iter,
               "tol": REFIT_TOL if spec.tol is None else spec.tol}  # fmt: skip
    nmf = engine.nmf  # each subsample is sent to a cluster for its fit
    found = stability_by_resampling(
        dt.X, [r.k for r in rows], nmf_top_terms(dt.terms, nmf=nmf, init="random", **options),
        n_samples=spec.samples, seed=spec.seed,
        fit_reference=nmf_top_terms(dt.terms, nmf=nmf, init="nndsvd", **options),
    )  # fmt: skip
    rows = [replace(row, agreement=f["agreement"], agreement_std=f["agreement_std"])
            for row, f in zip(rows, found)]  # fmt: skip
    return rows, [f["samples"] for f in found]


def _seed_models(model, seeds: int) -> list:
    from ..quality import stability

    return [model, *stability.reseeded(model, seeds)]


def _leading_fit(result, k: int, dt, model, on: Placed):
    """The rank-k truncated SVD read off a larger one, described and weighed like a fit."""
    from ..quality.describe import describe_svd
    from .fitting import Factorization

    document_weights = on.engine.document_weights
    leading = replace(result, U=result.U[:, :k], s=result.s[:k], Vt=result.Vt[:k])
    topics = describe_svd(leading, dt.terms, model.top_words)
    return Factorization(leading, topics, {}, document_weights("svd", leading.Vt, on.X))
