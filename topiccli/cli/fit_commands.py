"""``topics svd``, ``topics nmf`` and ``topics sweep``: options → specs → topiccli.models → text."""

from __future__ import annotations

from pathlib import Path

import typer

from . import options as opt
from .app import app
from .errors import TopicsCommand, handled
from .options import DEFAULTS as D
from .progress import progress_display


def source_spec(
    input,
    glob,
    categories,
    subset,
    remove,
    max_file_bytes,
    data_home,
    text_field=None,
    id_field=None,
    label_field=None,
    no_labels=False,
):
    """The SourceSpec the source options describe."""
    from ..settings import Settings
    from ..specs import SourceSpec

    if data_home is None:
        data_home = Settings.from_environ().data_home()
    return SourceSpec(
        input=input,
        glob=glob,
        categories=tuple(opt.split_commas(categories)),
        subset=subset,
        remove=opt.remove_parts(remove),
        data_home=data_home,
        text_field=text_field,
        id_field=id_field,
        label_field=label_field,
        max_file_bytes=max_file_bytes,
        labels=not no_labels,
    )


def vectorizer_settings(vectorizer, stop_words, min_df, max_df, max_features, ngram_range,
                        extra_stop_words=None, token_pattern="letters", keep_contractions=False,
                        keep_junk=False, language="auto", lemmatize=None, clean=None,
                        plurals=None, phrases=False):  # fmt: skip
    from ..specs import VectorizerSettings

    stop_words = "+".join([stop_words, *(str(f) for f in extra_stop_words or ())])
    return VectorizerSettings(
        token_pattern=token_pattern,
        contractions="keep" if keep_contractions else "strip",
        junk="keep" if keep_junk else "drop",
        language=language.strip().lower(),
        lemmatize=lemmatize,
        kind=vectorizer,
        stop_words=stop_words,
        min_df=min_df,
        max_df=max_df,
        max_features=max_features,
        ngram_range=ngram_range,
        **({} if clean is None else {"clean": clean}),
        **({} if plurals is None else {"plurals": plurals}),
        **({"phrases": True} if phrases else {}),
    )


def seed_options(path, strength, k: int) -> dict:
    """ModelSpec's seed fields from ``--seed-words`` (the file read and checked now, before any
    data) and ``--seed-strength``."""
    if path is None:
        return {} if strength is None else {"seed_strength": strength}
    from ..models.seed_words import check_seed_count, read_seed_words

    seeds = read_seed_words(path)
    check_seed_count(seeds, k)
    return {"seed_words": seeds, "seed_strength": strength}


def cache_dir(option: Path | None, no_cache: bool):
    from ..cache import resolve_dir
    from ..settings import Settings

    return resolve_dir(option, disabled=no_cache, settings=Settings.from_environ())


def open_engine(scheduler: str | None):
    """The run's engine, built once here from ``--scheduler`` and the environment."""
    from ..models.engine import open_engine
    from ..settings import Settings

    return open_engine(scheduler, Settings.from_environ())


def run_fit(request, fmt: str, plot: bool, quiet: bool, scheduler: str | None = None) -> None:
    """Fit, render, write: the whole of ``svd`` and ``nmf`` once their specs are built."""
    from ..models.run import fit
    from ..render.run import render
    from .output import width_for, write_text

    with open_engine(scheduler) as engine, progress_display(quiet) as progress:
        report = fit(request, progress, engine)
    write_text(render(report, fmt, width_for(request.output)), request.output)
    if plot:
        from ..render.plot import run_plot

        typer.echo(run_plot(report), err=True, nl=False)


@app.command(
    "svd",
    cls=TopicsCommand,
    short_help="Latent semantic analysis: truncated SVD.",
    epilog=opt.ENVIRONMENT,
)
def svd(
    input: opt.Input = None,
    glob: opt.Glob = None,
    categories: opt.Categories = None,
    subset: opt.Subset = D["subset"],
    remove: opt.Remove = None,
    max_file_bytes: opt.MaxFileBytes = opt.MAX_FILE_BYTES,
    data_home: opt.DataHome = None,
    text_field: opt.TextField = None,
    id_field: opt.IdField = None,
    label_field: opt.LabelField = None,
    no_labels: opt.NoLabels = False,
    vectorizer: opt.Vectorizer = D["vectorizer"],
    stop_words: opt.StopWords = D["stop_words"],
    extra_stop_words: opt.ExtraStopWords = None,
    token_pattern: opt.TokenPattern = D["token_pattern"],
    keep_contractions: opt.KeepContractions = False,
    keep_junk: opt.KeepJunk = False,
    language: opt.Language = D["language"],
    lemmatize: opt.Lemmatize = None,
    clean: opt.Clean = D["clean"],
    plurals: opt.Plurals = D["plurals"],
    phrases: opt.Phrases = False,
    min_df: opt.MinDf = D["min_df"],
    max_df: opt.MaxDf = D["max_df"],
    max_features: opt.MaxFeatures = None,
    ngram_range: opt.NgramRange = D["ngram_range"],
    k: opt.K = D["k"],
    seed: opt.Seed = D["seed"],
    solver: opt.SvdSolver = "propack",
    top_words: opt.TopWords = D["top_words"],
    format: opt.Format = "table",
    output: opt.Output = None,
    doc_topics: opt.DocTopics = None,
    html: opt.Html = None,
    vocabulary: opt.Vocabulary = False,
    save: opt.Save = None,
    save_snippets: opt.SaveSnippets = False,
    force: opt.Force = False,
    docs: opt.Docs = 0,
    seeds: opt.Seeds = 1,
    plot: opt.Plot = False,
    quiet: opt.Quiet = False,
    cache_dir_: opt.CacheDir = None,
    no_cache: opt.NoCache = False,
    scheduler: opt.Scheduler = None,
) -> None:
    """Latent semantic analysis: truncated SVD of the document-term matrix.

    Topics come in order of singular value; each component's sign is fixed so that its largest
    term loading is positive, and its negative pole is shown too.
    """
    with handled():
        from ..models.run import FitRequest
        from ..specs import FitFiles, ModelSpec

        request = FitRequest(
            source_spec(
                input,
                glob,
                categories,
                subset,
                remove,
                max_file_bytes,
                data_home,
                text_field,
                id_field,
                label_field,
                no_labels,
            ),
            vectorizer_settings(
                vectorizer,
                stop_words,
                min_df,
                max_df,
                max_features,
                ngram_range,
                extra_stop_words,
                token_pattern,
                keep_contractions,
                keep_junk,
                language,
                lemmatize,
                clean,
                plurals,
                phrases,
            ),
            ModelSpec(
                method="svd",
                k=k,
                seed=seed,
                top_words=top_words,
                solver=solver,
                docs=docs,
                seeds=seeds,
            ),
            FitFiles(
                save=save,
                force=force,
                doc_topics=doc_topics,
                html=html,
                vocabulary=vocabulary,
                save_snippets=save_snippets,
            ),
            output,
            cache_dir(cache_dir_, no_cache),
        )
        run_fit(request, format, plot, quiet, scheduler)


@app.command(
    "nmf",
    cls=TopicsCommand,
    short_help="Nonnegative matrix factorization (KL or Frobenius).",
    epilog=opt.ENVIRONMENT,
)
def nmf(
    input: opt.Input = None,
    glob: opt.Glob = None,
    categories: opt.Categories = None,
    subset: opt.Subset = D["subset"],
    remove: opt.Remove = None,
    max_file_bytes: opt.MaxFileBytes = opt.MAX_FILE_BYTES,
    data_home: opt.DataHome = None,
    text_field: opt.TextField = None,
    id_field: opt.IdField = None,
    label_field: opt.LabelField = None,
    no_labels: opt.NoLabels = False,
    vectorizer: opt.Vectorizer = D["vectorizer"],
    stop_words: opt.StopWords = D["stop_words"],
    extra_stop_words: opt.ExtraStopWords = None,
    token_pattern: opt.TokenPattern = D["token_pattern"],
    keep_contractions: opt.KeepContractions = False,
    keep_junk: opt.KeepJunk = False,
    language: opt.Language = D["language"],
    lemmatize: opt.Lemmatize = None,
    clean: opt.Clean = D["clean"],
    plurals: opt.Plurals = D["plurals"],
    phrases: opt.Phrases = False,
    min_df: opt.MinDf = D["min_df"],
    max_df: opt.MaxDf = D["max_df"],
    max_features: opt.MaxFeatures = None,
    ngram_range: opt.NgramRange = D["ngram_range"],
    k: opt.K = D["k"],
    seed: opt.Seed = D["seed"],
    loss: opt.Loss = None,
    solver: opt.NmfSolver = None,
    init: opt.Init = None,
    alpha_w: opt.AlphaW = 0.0,
    alpha_h: opt.AlphaH = None,
    l1_ratio: opt.L1Ratio = 0.0,
    max_iter: opt.MaxIter = D["max_iter"],
    tol: opt.Tol = D["tol"],
    dtype: opt.Dtype = None,
    seed_words: opt.SeedWords = None,
    seed_strength: opt.SeedStrength = None,
    top_words: opt.TopWords = D["top_words"],
    format: opt.Format = "table",
    output: opt.Output = None,
    doc_topics: opt.DocTopics = None,
    html: opt.Html = None,
    vocabulary: opt.Vocabulary = False,
    normalize: opt.Normalize = False,
    save: opt.Save = None,
    save_snippets: opt.SaveSnippets = False,
    force: opt.Force = False,
    docs: opt.Docs = 0,
    seeds: opt.Seeds = 1,
    plot: opt.Plot = False,
    quiet: opt.Quiet = False,
    cache_dir_: opt.CacheDir = None,
    no_cache: opt.NoCache = False,
    scheduler: opt.Scheduler = None,
    time_field: opt.TimeField = None,
    time_bin: opt.TimeBin = "auto",
    group_field: opt.GroupField = None,
    by_label: opt.ByLabel = False,
    trends: opt.Trends = None,
) -> None:
    """Nonnegative matrix factorization (KL or Frobenius loss) of the document-term matrix.

    Topics come in order of their share of the reconstructed corpus.
    """
    with handled():
        from dataclasses import replace

        from ..models.run import FitRequest
        from ..specs import AnalysisSpec, FitFiles, ModelSpec

        request = FitRequest(
            replace(
                source_spec(
                    input,
                    glob,
                    categories,
                    subset,
                    remove,
                    max_file_bytes,
                    data_home,
                    text_field,
                    id_field,
                    label_field,
                    no_labels,
                ),
                time_field=time_field,
                group_field=group_field,
            ),
            vectorizer_settings(
                vectorizer,
                stop_words,
                min_df,
                max_df,
                max_features,
                ngram_range,
                extra_stop_words,
                token_pattern,
                keep_contractions,
                keep_junk,
                language,
                lemmatize,
                clean,
                plurals,
                phrases,
            ),
            ModelSpec(
                method="nmf",
                k=k,
                seed=seed,
                top_words=top_words,
                max_iter=max_iter,
                tol=tol,
                dtype=dtype,
                solver=solver,
                loss=loss,
                init=init,
                alpha_w=alpha_w,
                alpha_h=alpha_h,
                l1_ratio=l1_ratio,
                docs=docs,
                seeds=seeds,
                **seed_options(seed_words, seed_strength, k),
            ),
            FitFiles(
                save=save,
                save_snippets=save_snippets,
                force=force,
                doc_topics=doc_topics,
                normalize=normalize,
                html=html,
                vocabulary=vocabulary,
            ),
            output,
            cache_dir(cache_dir_, no_cache),
            analyses=AnalysisSpec(time_bin=time_bin, by_label=by_label, trends=trends),
        )
        run_fit(request, format, plot, quiet, scheduler)


@app.command(
    "sweep",
    cls=TopicsCommand,
    short_help="Choose k: fit a range of k, score each, recommend one.",
    epilog=opt.ENVIRONMENT,
)
def sweep(
    input: opt.Input = None,
    glob: opt.Glob = None,
    categories: opt.Categories = None,
    subset: opt.Subset = D["subset"],
    remove: opt.Remove = None,
    max_file_bytes: opt.MaxFileBytes = opt.MAX_FILE_BYTES,
    data_home: opt.DataHome = None,
    text_field: opt.TextField = None,
    id_field: opt.IdField = None,
    label_field: opt.LabelField = None,
    no_labels: opt.NoLabels = False,
    vectorizer: opt.Vectorizer = D["vectorizer"],
    stop_words: opt.StopWords = D["stop_words"],
    extra_stop_words: opt.ExtraStopWords = None,
    token_pattern: opt.TokenPattern = D["token_pattern"],
    keep_contractions: opt.KeepContractions = False,
    keep_junk: opt.KeepJunk = False,
    language: opt.Language = D["language"],
    lemmatize: opt.Lemmatize = None,
    clean: opt.Clean = D["clean"],
    plurals: opt.Plurals = D["plurals"],
    phrases: opt.Phrases = False,
    min_df: opt.MinDf = D["min_df"],
    max_df: opt.MaxDf = D["max_df"],
    max_features: opt.MaxFeatures = None,
    ngram_range: opt.NgramRange = D["ngram_range"],
    method: opt.Method = D["method"],
    k: opt.KRange = D["k_range"],
    seeds: opt.SweepSeeds = 1,
    criterion: opt.Criterion = None,
    samples: opt.Samples = 10,
    seed: opt.Seed = D["seed"],
    loss: opt.Loss = None,
    max_iter: opt.MaxIter = D["max_iter"],
    tol: opt.Tol = D["tol"],
    top_words: opt.TopWords = D["top_words"],
    format: opt.Format = "table",
    output: opt.Output = None,
    html: opt.Html = None,
    quiet: opt.Quiet = False,
    cache_dir_: opt.CacheDir = None,
    no_cache: opt.NoCache = False,
    scheduler: opt.Scheduler = None,
) -> None:
    """Choose k: fit every k of a range on one vectorized corpus and score each.

    Per k: coherence, diversity, fit, label NMI, stability (--seeds); then a recommended k.
    """
    with handled():
        from ..models.sweep import SweepRequest
        from ..models.sweep import sweep as run_sweep
        from ..render.sweep import render_sweep, sweep_dict
        from ..specs import SweepSpec
        from .output import width_for, write_text

        request = SweepRequest(
            source_spec(
                input,
                glob,
                categories,
                subset,
                remove,
                max_file_bytes,
                data_home,
                text_field,
                id_field,
                label_field,
                no_labels,
            ),
            vectorizer_settings(
                vectorizer,
                stop_words,
                min_df,
                max_df,
                max_features,
                ngram_range,
                extra_stop_words,
                token_pattern,
                keep_contractions,
                keep_junk,
                language,
                lemmatize,
                clean,
                plurals,
                phrases,
            ),
            SweepSpec(
                method=method,
                ks=k,
                seeds=seeds,
                seed=seed,
                top_words=top_words,
                max_iter=max_iter,
                tol=tol,
                loss=loss,
                criterion=criterion,
                samples=samples,
            ),
            output,
            cache_dir(cache_dir_, no_cache),
            html,
        )
        with open_engine(scheduler) as engine, progress_display(quiet) as progress:
            result = run_sweep(request, progress, engine)
        document = sweep_dict(
            result.info, result.rows, result.recommended, result.rule, result.advice
        )
        write_text(render_sweep(document, format, width_for(output)), output)
