"""``topics svd``, ``topics nmf`` and ``topics sweep``: options → specs → topiccli.models → text.

Each command is the option group it takes (topiccli.cli.options) and a call into the library
with the specs those options fill: ``models.run.run_model`` (as ``TopicModel.fit``) or
``models.sweep.sweep``.
"""

from __future__ import annotations

import typer

from ..render.progress import progress_display
from . import options as opt
from .app import app
from .command import Given, command


def corpus_specs(given: Given) -> dict:
    """The source and vectorizer specs the source and vectorizer options describe (the data
    home, when not given, as the environment says: topiccli.settings)."""
    from ..specs import SourceSpec, VectorizerSettings

    extra = [str(path) for path in given.get("extra_stop_words") or ()]
    stop_words = "+".join([given["stop_words"], *extra])
    data_home = given["data_home"] or settings().data_home()  # the environment's, read here
    return {"source": given.spec(SourceSpec, data_home=data_home),
            "vectorizer": given.spec(VectorizerSettings, stop_words=stop_words)}  # fmt: skip


def seed_words(given: Given) -> dict:
    """``--seed-words``: the file read and checked now, before any data (ModelSpec.seed_words)."""
    path = given.get("seed_words")
    if path is None:
        return {}
    from ..models.seed_words import check_seed_count, read_seed_words

    seeds = read_seed_words(path)
    check_seed_count(seeds, given["k"])
    return {"seed_words": seeds}


def settings():
    """The environment's settings (topiccli.settings), read at the edge."""
    from ..settings import Settings

    return Settings.from_environ()


def cache_dir(given: Given):
    from ..cache import resolve_dir

    return resolve_dir(given["cache_dir_"], disabled=given["no_cache"], settings=settings())


def open_engine(given: Given):
    """The run's engine (models.engine), built once here from ``--scheduler`` and the
    environment, and handed to the run."""
    from ..models.engine import open_engine

    return open_engine(given["scheduler"], settings())


def fit(method: str, given: Given) -> None:
    """Fit, render, write: the whole of ``svd`` and ``nmf``."""
    from ..models.run import RunRequest, run_model
    from ..render.run import render
    from ..specs import AnalysisSpec, FitFiles, ModelSpec
    from .output import width_for, write_text

    request = given.spec(RunRequest, **corpus_specs(given), cache_dir=cache_dir(given),
                         model=given.spec(ModelSpec, method=method, **seed_words(given)),
                         files=given.spec(FitFiles),
                         analyses=given.spec(AnalysisSpec))  # fmt: skip
    with open_engine(given) as engine, progress_display(given["quiet"]) as progress:
        report = run_model(request, progress, engine)
    write_text(render(report, given["format"], width_for(request.output)), request.output)
    if given["plot"]:
        from ..render.plot import run_plot

        typer.echo(run_plot(report), err=True, nl=False)


@command(app, "svd", opt.SVD, short_help="Latent semantic analysis: truncated SVD.",
         epilog=opt.ENVIRONMENT)  # fmt: skip
def svd(given: Given) -> None:
    """Latent semantic analysis: truncated SVD of the document-term matrix.

    Topics come in order of singular value; each component's sign is fixed so that its largest
    term loading is positive, and its negative pole is shown too.
    """
    fit("svd", given)


@command(app, "nmf", opt.NMF, short_help="Nonnegative matrix factorization (KL or Frobenius).",
         epilog=opt.ENVIRONMENT)  # fmt: skip
def nmf(given: Given) -> None:
    """Nonnegative matrix factorization (KL or Frobenius loss) of the document-term matrix.

    Topics come in order of their share of the reconstructed corpus.
    """
    fit("nmf", given)


@command(app, "sweep", opt.SWEEP_OPTIONS, epilog=opt.ENVIRONMENT,
         short_help="Choose k: fit a range of k, score each, recommend one.")  # fmt: skip
def sweep(given: Given) -> None:
    """Choose k: fit every k of a range on one vectorized corpus and score each.

    Per k: coherence, diversity, fit, label NMI, stability (--seeds); then a recommended k.
    """
    from ..models.sweep import SweepRequest
    from ..models.sweep import sweep as run_sweep
    from ..render.sweep import render_sweep, sweep_dict
    from ..specs import SweepSpec
    from .output import width_for, write_text

    request = given.spec(SweepRequest, **corpus_specs(given), cache_dir=cache_dir(given),
                         sweep=given.spec(SweepSpec))  # fmt: skip
    with open_engine(given) as engine, progress_display(given["quiet"]) as progress:
        result = run_sweep(request, progress, engine)
    document = sweep_dict(result.info, result.rows, result.recommended, result.rule,
                          result.advice)  # fmt: skip
    write_text(render_sweep(document, given["format"], width_for(request.output)),
               request.output)  # fmt: skip
