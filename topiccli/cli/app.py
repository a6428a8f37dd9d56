"""The ``topics`` app: the command group, ``--version``, and ``topics data import``.

The commands themselves live in fit_commands.py (svd, nmf, sweep) and model_commands.py (show,
infer); each parses its options, builds specs, calls one function of topiccli.models, renders
and writes. Nothing here computes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from .errors import OneLineErrorsGroup, TopicsCommand, TopicsGroup, handled

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


@data_app.command("import", cls=TopicsCommand)
def data_import(
    archive: Annotated[Path, typer.Argument(help="A local copy of 20news-bydate.tar.gz.")],
    data_home: Annotated[
        Optional[Path], typer.Option(help="scikit-learn data home (default: its own).")
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Import again even if the data home has it.")
    ] = False,
) -> None:
    """Make a local 20news-bydate.tar.gz available to topics and to scikit-learn, offline."""
    with handled():
        from ..corpus.archive import ensure_imported
        from ..settings import Settings

        if data_home is None:
            data_home = Settings.from_environ().data_home()
        path, imported = ensure_imported(archive, data_home, force)
        if imported:
            typer.echo(f"20 Newsgroups cached at {path}", err=True)
        else:
            typer.echo(f"20 Newsgroups is already cached at {path} (--force imports it again)",
                       err=True)  # fmt: skip
