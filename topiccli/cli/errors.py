"""Where every failure becomes one line on stderr and an exit code (see the README).

0 success · 1 a problem with data or environment the user can fix · 2 usage (Typer's own) ·
130 interrupted · 141 stdout closed early (a broken pipe). ``TOPICS_DEBUG=1`` re-raises.
"""

from __future__ import annotations

import os
import sys
import warnings
from contextlib import contextmanager

import typer

from ..errors import TopicsError

EXIT_INTERRUPTED = 130
EXIT_BROKEN_PIPE = 141


def debug_enabled() -> bool:
    return os.environ.get("TOPICS_DEBUG", "") not in ("", "0")


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    print(f"Warning: {message}", file=sys.stderr)


@contextmanager
def handled():
    """Run a command body, translating our errors, Ctrl-C and broken pipes to exit codes."""
    previous = warnings.showwarning
    warnings.showwarning = _show_warning
    try:
        yield
    except TopicsError as exc:
        if debug_enabled():
            raise
        typer.echo(f"Error: {exc}", err=True)
        raise typer.Exit(exc.exit_code) from None
    except KeyboardInterrupt:
        if debug_enabled():
            raise
        typer.echo("Interrupted.", err=True)
        raise typer.Exit(EXIT_INTERRUPTED) from None
    except BrokenPipeError:
        _silence_stdout()
        raise typer.Exit(EXIT_BROKEN_PIPE) from None
    except Exception as exc:  # a bug: still one line, with the way to the traceback
        if debug_enabled():
            raise
        typer.echo(
            f"Error: internal error ({type(exc).__name__}: {exc}); "
            "rerun with TOPICS_DEBUG=1 for the traceback and please report it",
            err=True,
        )
        raise typer.Exit(1) from None
    finally:
        warnings.showwarning = previous


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush cannot raise again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
