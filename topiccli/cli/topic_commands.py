"""``topics merge``, ``topics reduce`` and ``topics name``: edit a saved model's topics.

merge and reduce read the training corpus again (the source the bundle records, or
``--input``; from the corpus cache when the fit left it there), write a new bundle
(atomically) and print its topics as ``topics show`` does; they never change the input bundle.
name rewrites the bundle it names, atomically.
The work is topiccli.models.topic_edits'; the options are declared in topiccli.cli.options
(``MERGE``, ``REDUCE``, ``NAME``).
"""

from __future__ import annotations

from pathlib import Path

import typer

from . import options as opt
from .app import app
from .command import Given, command


def _print_model(path: Path, format: str) -> None:
    from ..models.reuse import show as show_model
    from ..render.run import render
    from .output import width_for, write_text

    write_text(render(show_model(path), format, width_for(None)), None)


def _check_new(model: Path, output: Path, force: bool) -> None:
    from ..errors import UsageError
    from ..models.bundle import check_bundle_path

    if output.resolve() == model.resolve():
        raise UsageError("-o must name a new bundle: the input bundle is never changed",
                         params=("output",))  # fmt: skip
    check_bundle_path(output, force)


def _edit(given: Given, edit) -> None:
    """Check the new bundle's path, load the model, ``edit(bundle, source=…, cache_dir=…,
    progress=…)`` it (the training corpus: --input or the recorded source, found in the
    corpus cache when the fit left it there), save the result at -o and print its topics."""
    from ..models.bundle import load, save
    from ..render.progress import progress_display
    from .fit_commands import cache_dir

    model, output, force = given["model"], given["new_bundle"], given["replace_bundle"]
    _check_new(model, output, force)
    bundle = load(model)
    training = {"source": _source(bundle, given["training_input"]), "cache_dir": cache_dir(given)}
    with progress_display(given["edit_quiet"]) as progress:
        edited = edit(bundle, progress=progress, **training)
    save(edited, output, force=force)
    _print_model(output, given["format"])


@command(app, "merge", opt.MERGE, short_help="Merge topics of a saved model into one.")
def merge(given: Given) -> None:
    """Merge two or more topics of a saved NMF model into one and save the result as a new
    bundle (the input is never changed). The merged topic's words are its members'
    mass-weighted mixture; the training documents (read again from where the model says it
    came from, or --input) are then weighed against the new topics and scored as a fit is,
    without refitting (docs/hierarchy.md)."""
    from ..models.topic_edits import merge as merge_topics

    groups = [list(given["topics"])]
    _edit(given, lambda bundle, **training: merge_topics(bundle, groups, **training))


def _source(bundle, input: Path | None):
    """The training corpus at ``input`` (read as the model's recorded source), or None: the
    recorded source itself."""
    if input is None:
        return None
    from dataclasses import replace

    from ..models.topic_edits import recorded_source

    corpus = {**bundle.metadata["corpus"], "path": str(input)}
    return replace(recorded_source(corpus), input=input)


@command(app, "reduce", opt.REDUCE, short_help="Reduce a saved model to fewer topics.")
def reduce(given: Given) -> None:
    """Reduce a saved NMF model to K topics: merge the topics that share documents as one of K
    subjects (a tree of the topics cut at K), then refine with a short warm-started fit on the
    training corpus (read again from where the model says it came from, or --input; it must
    match the model's fingerprint). Saves a new bundle; the input is never changed."""
    from ..models.topic_edits import reduce as reduce_topics

    k = given["reduce_k"]
    _edit(given, lambda bundle, **training: reduce_topics(bundle, k, **training))


@command(app, "name", opt.NAME, short_help="Name a topic of a saved model.")
def name(given: Given) -> None:
    """Store your name for a topic in the model bundle (rewritten atomically). Every output
    (show, JSON, CSV, --doc-topics, the explorer) shows it as the topic's name; automatic
    names are shown apart, as automatic."""
    from ..errors import UsageError
    from ..models.bundle import load, save
    from ..models.topic_edits import set_name

    model, topic, text, remove = (given[k] for k in ("model", "topic", "topic_name",
                                                      "remove_name"))  # fmt: skip
    if (text is None) == (not remove):
        raise UsageError("give a NAME, or --remove to remove the topic's name",
                         params=("name", "remove"))  # fmt: skip
    save(set_name(load(model), topic, None if remove else text), model, force=True)
    typer.echo(f"topic {topic}: " + ("name removed" if remove else f"named {text!r}"), err=True)
