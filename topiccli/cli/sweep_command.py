"""``topics sweep``: parse the range, vectorize once, sweep, render. Thin like the rest of cli/."""

from __future__ import annotations

import time

from . import options as opt


def run_sweep(values: dict, source, settings) -> None:
    from ..cache import resolve_dir
    from ..errors import InvalidParameterError
    from ..pipeline import (
        ModelSpec,
        _Timer,
        fit,
        load_and_vectorize,
        nmf_loss,
        refit,
        warn_skipped,
    )
    from ..quality.sweep import parse_k_range, recommend, sweep
    from ..quality.sweep_render import render_sweep
    from .model_files import check_outputs, inputs_of
    from .output import write_text

    ks = parse_k_range(values["k"])
    if values["method"] == "svd" and values["loss"] is not None:
        raise InvalidParameterError("--loss applies to --method nmf only")
    output = values["output"]
    check_outputs({"--output": output}, lambda: inputs_of(source, settings))
    cache_dir = resolve_dir(values["cache_dir"], disabled=values["no_cache"])
    model = ModelSpec(
        method=values["method"],
        k=ks[0],
        seed=values["seed"],
        top_words=values["top_words"],
        max_iter=values["max_iter"],
        tol=values["tol"],
        loss=values["loss"],
    )
    with opt.progress_display(values) as progress:
        timer = _Timer(progress)
        timer.timings.update(cache=0.0)
        corpus, dt, cache_state = load_and_vectorize(source, settings, cache_dir, timer)
        warn_skipped(corpus.skipped, source)
        start = time.perf_counter()
        rows = sweep(
            dt, corpus, model, ks, values["seeds"], fit=fit, refit=refit, progress=progress
        )
        timer.timings["fit"] = round(time.perf_counter() - start, 6)
    info = {
        "method": model.method,
        **({"loss": nmf_loss(model, settings)} if model.method == "nmf" else {}),
        "ks": ks,
        "seeds": values["seeds"],
        "seed": model.seed,
        "top_words": model.top_words,
        "corpus": {
            **corpus.selection,
            "n_documents": dt.X.shape[0],
            "n_terms": dt.X.shape[1],
            "skipped": dict(corpus.skipped),
            "cache": cache_state,
        },
        "vectorizer": settings.as_dict(),
        "timings": timer.timings,
    }
    write_text(render_sweep(info, rows, recommend(rows), values["format"]), output)
