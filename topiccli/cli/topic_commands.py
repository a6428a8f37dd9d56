"""``topics merge``, ``topics reduce`` and ``topics name``: edit a saved model's topics.

merge and reduce read the training corpus again (the source the bundle records, or
``--input``), write a new bundle (atomically) and print its topics as ``topics show`` does;
they never change the input bundle. name rewrites the bundle it names, atomically.
The work is topiccli.models.topic_edits'.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from . import options as opt
from .app import app
from .errors import TopicsCommand, handled

NewModel = Annotated[
    Path,
    typer.Option("--output", "-o", help="Where to write the new model bundle (a new folder)."),
]
ReplaceNew = Annotated[
    bool, typer.Option("--force", metavar=opt.FLAG, help="Replace an existing bundle at -o.")
]
Topics = Annotated[list[int], typer.Argument(help="The topics to merge into one (two or more).")]
ReduceK = Annotated[int, typer.Option("--k", "-k", min=1, help="The number of topics to keep.")]
ReduceInput = Annotated[
    Optional[Path],
    typer.Option("--input", "-i", help="The training corpus, if it moved since the fit "
                 "(default: the source the model records; it must be the same documents)."),
]  # fmt: skip
Quiet = Annotated[bool, typer.Option("--quiet", "-q", metavar=opt.FLAG,
                                     help="No progress display on stderr.")]  # fmt: skip


def _print_model(path: Path, format: str) -> None:
    from ..models.reuse import show as show_model
    from ..render.run import render
    from .output import width_for, write_text

    write_text(render(show_model(path), format, width_for(None)), None)


def _check_new(model: Path, output: Path, force: bool) -> None:
    from ..errors import UsageError
    from ..models.bundle import check_destination

    if output.resolve() == model.resolve():
        raise UsageError("-o must name a new bundle: the input bundle is never changed",
                         params=("output",))  # fmt: skip
    check_destination(output, force)


@app.command("merge", cls=TopicsCommand, short_help="Merge topics of a saved model into one.")
def merge(
    model: opt.ModelPath,
    topics: Topics,
    output: NewModel,
    input: ReduceInput = None,
    force: ReplaceNew = False,
    format: opt.Format = "table",
    quiet: Quiet = False,
) -> None:
    """Merge two or more topics of a saved NMF model into one and save the result as a new
    bundle (the input is never changed). The merged topic's words are its members'
    mass-weighted mixture; the training documents (read again from where the model says it
    came from, or --input) are then weighed against the new topics and scored as a fit is,
    without refitting (docs/hierarchy.md)."""
    with handled():
        from ..models.bundle import load, save
        from ..models.topic_edits import merge as merge_topics
        from .progress import progress_display

        _check_new(model, output, force)
        bundle = load(model)
        with progress_display(quiet) as progress:
            merged = merge_topics(bundle, [list(topics)], source=_source(bundle, input),
                                  progress=progress)  # fmt: skip
        save(merged, output, force=force)
        _print_model(output, format)


def _source(bundle, input: Path | None):
    """The training corpus at ``input`` (read as the model's recorded source), or None: the
    recorded source itself."""
    if input is None:
        return None
    from dataclasses import replace

    from ..models.topic_edits import recorded_source

    corpus = {**bundle.metadata["corpus"], "path": str(input)}
    return replace(recorded_source(corpus), input=input)


@app.command("reduce", cls=TopicsCommand, short_help="Reduce a saved model to fewer topics.")
def reduce(
    model: opt.ModelPath,
    k: ReduceK,
    output: NewModel,
    input: ReduceInput = None,
    force: ReplaceNew = False,
    format: opt.Format = "table",
    quiet: Quiet = False,
) -> None:
    """Reduce a saved NMF model to K topics: merge up its topic hierarchy, then refine with a
    short warm-started fit on the training corpus (read again from where the model says it
    came from, or --input; it must match the model's fingerprint). Saves a new bundle; the
    input is never changed."""
    with handled():
        from ..models.bundle import load, save
        from ..models.topic_edits import reduce as reduce_topics
        from .progress import progress_display

        _check_new(model, output, force)
        bundle = load(model)
        with progress_display(quiet) as progress:
            reduced = reduce_topics(bundle, k, source=_source(bundle, input), progress=progress)
        save(reduced, output, force=force)
        _print_model(output, format)


@app.command("name", cls=TopicsCommand, short_help="Name a topic of a saved model.")
def name(
    model: opt.ModelPath,
    topic: Annotated[int, typer.Argument(help="The topic's number.")],
    text: Annotated[Optional[str], typer.Argument(metavar="NAME", help="The name.")] = None,
    remove: Annotated[
        bool, typer.Option("--remove", metavar=opt.FLAG, help="Remove the topic's name.")
    ] = False,  # fmt: skip
) -> None:
    """Store your name for a topic in the model bundle (rewritten atomically). Every output
    (show, JSON, CSV, --doc-topics, the explorer) shows it as the topic's name; automatic
    names are shown apart, as automatic."""
    with handled():
        from ..errors import UsageError
        from ..models.bundle import load, save
        from ..models.topic_edits import set_name

        if (text is None) == (not remove):
            raise UsageError("give a NAME, or --remove to remove the topic's name",
                             params=("name", "remove"))  # fmt: skip
        save(set_name(load(model), topic, None if remove else text), model, force=True)
        typer.echo(f"topic {topic}: " + ("name removed" if remove else f"named {text!r}"),
                   err=True)  # fmt: skip
