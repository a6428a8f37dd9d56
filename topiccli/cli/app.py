"""The ``topics`` app: the command group, ``--version``, and ``topics data import``.

The commands themselves live in fit_commands.py (svd, nmf, sweep) and model_commands.py (show,
infer); each parses its options, builds specs, calls one function of topiccli.models, renders
and writes. Nothing here computes.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Annotated

import typer

from .command import command
from .errors import OneLineErrorsGroup, TopicsGroup
from .options import OPTIONS, Opt

app = typer.Typer(
    name="topics",
    cls=OneLineErrorsGroup,
    help="Topic modeling from the command line: text in, readable topics out.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
data_app = typer.Typer(cls=TopicsGroup, help="Manage local datasets (20 Newsgroups).",
                       no_args_is_help=True)  # fmt: skip
app.add_typer(data_app, name="data", short_help="Manage local datasets (20 Newsgroups).")


def _print_version(value: bool) -> None:
    if value:
        from .. import __version__

        typer.echo(f"topics {__version__}")
        raise typer.Exit()


@app.callback()
def _options(
    version: Annotated[bool, typer.Option("--version", callback=_print_version, is_eager=True,
                                          help="Show the version and exit.")] = False,
) -> None:  # fmt: skip
    """Topic modeling from the command line: text in, readable topics out."""


@command(data_app, "import", [
    Opt("archive", argument=True, type=Path, help="A local copy of 20news-bydate.tar.gz."),
    replace(OPTIONS["data_home"], panel=None, help="scikit-learn data home (default: its own)."),
    replace(OPTIONS["force"], panel=None, help="Import again even if the data home has it."),
])  # fmt: skip
def data_import(given) -> None:
    """Make a local 20news-bydate.tar.gz available to topics and to scikit-learn, offline."""
    from ..corpus.archive import ensure_imported
    from ..settings import Settings

    data_home = given["data_home"] or Settings.from_environ().data_home()
    path, imported = ensure_imported(given["archive"], data_home, given["force"])
    if imported:
        typer.echo(f"20 Newsgroups cached at {path}", err=True)
    else:
        typer.echo(f"20 Newsgroups is already cached at {path} (--force imports it again)",
                   err=True)  # fmt: skip
