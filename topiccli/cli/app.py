"""The ``topics`` commands: parse options, call the library, render. Nothing else lives here."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from . import model_files
from . import options as opt
from .errors import OneLineErrorsGroup, handled, usage_errors

app = typer.Typer(
    name="topics",
    cls=OneLineErrorsGroup,
    help="Topic modeling from the command line: text in, readable topics out.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
data_app = typer.Typer(help="Manage local datasets (20 Newsgroups).", no_args_is_help=True)
app.add_typer(data_app, name="data")


def source_spec(values: dict):
    """The pipeline.SourceSpec the source options describe (shared by fits and ``infer``)."""
    from ..pipeline import SourceSpec

    return SourceSpec(
        input=values["input"],
        glob=values["glob"],
        categories=tuple(opt.categories(values["categories"])),
        subset=values["subset"],
        remove=tuple(opt.remove_parts(values["remove"])),
        data_home=values["data_home"],
        text_field=values.get("text_field"),
        id_field=values.get("id_field"),
        label_field=values.get("label_field"),
        max_file_bytes=values.get("max_file_bytes") or SourceSpec.max_file_bytes,
    )


def _vectorizer_settings(values: dict):
    from ..vectorize import VectorizerSettings

    return VectorizerSettings(
        kind=values["vectorizer"],
        stop_words=values["stop_words"],
        min_df=values["min_df"],
        max_df=values["max_df"],
        max_features=values["max_features"],
        ngram_range=values["ngram_range"],
    )


def check_options(source, settings) -> None:
    """Option values wrong in themselves are usage errors (exit 2), found before any reading."""
    from ..pipeline import check_source
    from ..vectorize import check_settings

    with usage_errors():
        check_source(source)
        check_settings(settings)


def _fit_and_render(method: str, values: dict) -> None:
    """The one implementation behind ``svd`` and ``nmf``."""
    with handled():
        from ..cache import resolve_dir
        from ..pipeline import ModelSpec, run
        from ..render import render
        from .output import write_text

        source = source_spec(values)
        settings = _vectorizer_settings(values)
        model = ModelSpec(
            method=method,
            k=values["k"],
            seed=values["seed"],
            top_words=values["top_words"],
            max_iter=values.get("max_iter", 200),
            tol=values.get("tol", 1e-4),
            solver=values.get("solver"),
            loss=values.get("loss"),
            init=values.get("init"),
            alpha_w=values.get("alpha_w", 0.0),
            alpha_h=values.get("alpha_h"),
            l1_ratio=values.get("l1_ratio", 0.0),
            docs=values.get("docs", 0),
            seeds=values.get("seeds", 1),
        )
        check_options(source, settings)
        output = values["output"]
        model_files.check_fit_outputs(values, source, settings)
        cache_dir = resolve_dir(values["cache_dir"], disabled=values["no_cache"])
        with opt.progress_display(values) as progress:
            needs_factors = values.get("save") is not None or values.get("doc_topics") is not None
            report = run(source, settings, model, cache_dir=cache_dir, progress=progress,
                         reuse=not needs_factors)  # fmt: skip
        model_files.write_fit_outputs(values, report)
        write_text(render(report, values["format"]), output)
        if values.get("plot"):
            from ..quality.plot import run_plot

            typer.echo(run_plot(report), err=True, nl=False)


def _model_command(method: str, help_text: str, *extra):
    def command(**values) -> None:
        _fit_and_render(method, values)

    command.__name__ = method
    command.__doc__ = help_text
    command.__signature__ = opt.signature(
        opt.SOURCE_OPTIONS,
        opt.RECORD_OPTIONS,
        opt.VECTORIZER_OPTIONS,
        opt.MODEL_OPTIONS,
        *extra,
        opt.OUTPUT_OPTIONS,
        opt.DOC_TOPICS_OPTIONS,
        opt.SAVE_OPTIONS,
        opt.QUALITY_OPTIONS,
        opt.CACHE_OPTIONS,
    )
    return command


app.command("svd")(
    _model_command(
        "svd",
        "Latent semantic analysis: truncated SVD of the document-term matrix.\n\n"
        "Topics come in order of singular value; each component's sign is fixed so that its "
        "largest term loading is positive.",
        opt.SVD_OPTIONS,
    )
)
app.command("nmf")(
    _model_command(
        "nmf",
        "Nonnegative matrix factorization (Frobenius or KL loss) of the document-term matrix.\n\n"
        "Topics come in order of their share of the reconstructed corpus.",
        opt.NMF_OPTIONS,
    )
)


def sweep(**values) -> None:
    """Choose k: fit every k of a range on one vectorized corpus and score each.

    Per k: coherence, diversity, fit, label NMI, stability (--seeds); then a recommended k.
    """
    with handled():
        from .sweep_command import run_sweep

        source, settings = source_spec(values), _vectorizer_settings(values)
        check_options(source, settings)
        run_sweep(values, source, settings)


sweep.__signature__ = opt.signature(
    opt.SOURCE_OPTIONS,
    opt.RECORD_OPTIONS,
    opt.VECTORIZER_OPTIONS,
    opt.SWEEP_OPTIONS,
    opt.CACHE_OPTIONS,
)
app.command("sweep")(sweep)


@data_app.command("import")
def data_import(
    archive: Annotated[Path, typer.Argument(help="A local copy of 20news-bydate.tar.gz.")],
    data_home: Annotated[
        Optional[Path], typer.Option(help="scikit-learn data home (default: its own).")
    ] = None,
) -> None:
    """Make a local 20news-bydate.tar.gz available to topics and to scikit-learn, offline."""
    with handled():
        from ..corpus.archive import import_archive

        path = import_archive(archive, data_home)
        typer.echo(f"20 Newsgroups cached at {path}", err=True)
