"""Where every failure becomes one line on stderr and an exit code (see the README).

0 success · 1 a problem with data or environment the user can fix · 2 usage (a bad option or
value: Typer's own checks and ours) · 130 interrupted · 141 stdout closed early (a broken
pipe, as a shell reports a program killed by SIGPIPE). ``TOPICS_DEBUG=1`` re-raises.

Two places feed this module: :func:`handled` wraps every command body (our errors, Ctrl-C,
broken pipes, bugs), and :class:`OneLineErrorsGroup` is the command group whose ``main`` turns
Typer's usage errors into the same single ``Error: …`` line instead of a usage block and a
boxed panel.

The library's messages speak its own words (``max_iter``, ``min_df``); an error or warning
names the parameters it concerns (``params``), and :func:`flags` says them as the command
line's flags, read off the option table (topiccli.cli.options), the one place that knows both.
"""

from __future__ import annotations

import functools
import os
import re
import sys
import warnings
from contextlib import contextmanager, suppress

import typer
from typer.core import TyperCommand, TyperGroup

from ..errors import TopicsError

EXIT_DATA = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
EXIT_BROKEN_PIPE = 141

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")

SCIKIT_LEARN_NAMES = {"alpha_W": "alpha_w", "alpha_H": "alpha_h"}
"""Parameters the library's messages spell as scikit-learn does, and their names here."""


@functools.cache
def flags() -> dict[str, str]:
    """Library parameter → command-line flag, read off the option table (cli.options): each
    option's own name and the parameter it sets, said as its first long flag."""
    from .options import OPTIONS

    table = {}
    for option in OPTIONS.values():
        if option.argument:
            continue
        flag = next((f for f in option.flags if f.startswith("--")), None)
        flag = flag or "--" + option.name.replace("_", "-")
        for name in (option.param, option.name):
            if name is not None:
                table.setdefault(name, flag)
    table.update({sk: table[ours] for sk, ours in SCIKIT_LEARN_NAMES.items()})
    return table


def in_flags(message: object, params) -> str:
    """``message`` with each parameter it concerns (``params``) said as its flag: the name as
    a word of its own, never a piece of a path (``out/html/report.html`` stays as it is)."""
    text = str(message)
    for name in params or ():
        flag = flags().get(name)
        if flag is not None:
            pattern = rf"(?<![\w./\\~-]){re.escape(name)}(?![\w/\\~-]|\.\w)"
            text = re.sub(pattern, flag, text)
    return text


def debug_enabled() -> bool:
    from ..settings import Settings

    return Settings.from_environ().debug


def one_line(message: object) -> str:
    """The message with control characters (a newline in a file name…) escaped: one line."""
    text = str(message).encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return _CONTROL.sub(lambda m: repr(m.group())[1:-1], text).strip()


def say(prefix: str, message: object) -> None:
    """Write ``prefix: message`` as one line on stderr; a closed stderr is not worth a crash."""
    with suppress(OSError, ValueError):
        print(f"{prefix}: {one_line(message)}", file=sys.stderr, flush=True)


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    say("Warning", in_flags(message, getattr(message, "params", None)))


@contextmanager
def handled():
    """Run a command body, translating our errors, Ctrl-C and broken pipes to exit codes."""
    previous = warnings.showwarning
    warnings.showwarning = _show_warning
    try:
        yield
    except (typer.Exit, typer.Abort, typer.TyperException):
        raise  # Typer's own exits and usage errors: OneLineErrorsGroup reports them
    except TopicsError as exc:
        if debug_enabled():
            raise
        message = in_flags(exc, exc.params)
        _vocabulary_on_failure(exc)
        if exc.exit_code == EXIT_USAGE:
            message = _with_help_hint(message)
        say("Error", message)
        raise typer.Exit(exc.exit_code) from None
    except KeyboardInterrupt:
        if debug_enabled():
            raise
        _interrupted()
    except BrokenPipeError:
        silence_stdout()
        raise typer.Exit(EXIT_BROKEN_PIPE) from None
    except Exception as exc:  # a bug: still one line, with the way to the traceback
        if debug_enabled():
            raise
        if _caused_by(exc, KeyboardInterrupt):  # Ctrl-C inside a C extension: scipy's PROPACK
            _interrupted()  # raises a SystemError around it
        say(
            "Error",
            f"internal error ({type(exc).__name__}: {exc}); "
            "rerun with TOPICS_DEBUG=1 for the traceback and please report it",
        )
        raise typer.Exit(EXIT_DATA) from None
    finally:
        warnings.showwarning = previous


_INTERRUPT_REPORTED = []


def _vocabulary_on_failure(exc: BaseException) -> None:
    """``--vocabulary`` on a run whose vectorizing kept nothing: what there was, on stderr."""
    report = getattr(exc, "vocabulary_report", None)
    if report is None:
        return
    from ..render.run import vocabulary_lines

    with suppress(OSError, ValueError):
        for line in vocabulary_lines(report):
            print(line, file=sys.stderr)


class Terminated(KeyboardInterrupt):
    """SIGTERM (or SIGHUP), raised where the run is, as Ctrl-C raises KeyboardInterrupt: the
    same unwinding removes every temporary file, and the same one line reports it."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _raise_terminated(signum, frame) -> None:
    _SIGNALLED.append(signum)  # wherever it is caught (Typer, a C extension), it is named
    raise Terminated(signum)


@contextmanager
def signal_policy():
    """SIGTERM and SIGHUP handled as Ctrl-C for the time of a command (main thread only: a
    handler cannot be set elsewhere, as under some test runners)."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    signals = [signal.SIGTERM] + ([signal.SIGHUP] if hasattr(signal, "SIGHUP") else [])
    previous = {}
    for signum in signals:
        if signal.getsignal(signum) is signal.SIG_IGN:  # nohup: keep ignoring it
            continue
        previous[signum] = signal.signal(signum, _raise_terminated)
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


_SIGNALLED: list[int] = []


def _interrupted():
    """Report a Ctrl-C or SIGTERM (once) and exit 130."""
    _report_interrupt()
    raise typer.Exit(EXIT_INTERRUPTED) from None


def _report_interrupt() -> None:
    import signal

    cause = signal.Signals(_SIGNALLED[-1]).name if _SIGNALLED else "Ctrl-C"
    say("Interrupted", f"stopped by {cause}; no output was written")
    _INTERRUPT_REPORTED.append(True)


def _caused_by(exc: BaseException, kind: type) -> bool:
    """Whether ``kind`` is somewhere in the chain of exceptions that led to ``exc``."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, kind):
            return True
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return False


def _with_help_hint(message: str) -> str:
    """A usage error points to the command's help, as Typer's own usage errors do."""
    from typer._click.globals import get_current_context  # Typer's own click

    ctx = get_current_context(silent=True)
    return f"{message} (see '{ctx.command_path} --help')" if ctx is not None else message


def silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush cannot raise again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


class OneLineErrorsGroup(TyperGroup):
    """Typer's group, but a usage error is one ``Error: …`` line (exit 2), not a panel, and
    its own help is plain text.

    Used by the ``topics`` app, so the console script and Typer's test runner agree.
    """

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        _INTERRUPT_REPORTED.clear()
        _SIGNALLED.clear()
        try:
            with signal_policy():
                result = super().main(
                    args=args,
                    prog_name=prog_name,
                    complete_var=complete_var,
                    standalone_mode=False,
                    **extra,
                )
        except typer.TyperException as exc:  # click's ClickException and its usage errors
            if not standalone_mode:
                raise
            if type(exc).__name__ == "NoArgsIsHelpError":  # no arguments: the help, on stderr
                exc.show()
            else:
                say("Error", _usage_message(exc))
            sys.exit(getattr(exc, "exit_code", EXIT_USAGE))
        except typer.Abort:
            if not standalone_mode:
                raise
            say("Error", "aborted")
            sys.exit(EXIT_DATA)
        if result == EXIT_INTERRUPTED and not _INTERRUPT_REPORTED:  # Typer caught a Ctrl-C
            _report_interrupt()  # outside a command
        if standalone_mode:
            sys.exit(result if isinstance(result, int) else 0)
        return result

    def format_help(self, ctx, formatter) -> None:
        """``topics --help``: the command list in click's plain layout. It has no option panels
        for rich to draw, and skipping Typer's rich renderer (about 0.15 s of imports) keeps the
        first thing a new user types instant; each command's own help stays rich."""
        return super(TyperGroup, self).format_help(ctx, formatter)


def _usage_message(exc) -> str:
    message = exc.format_message() if hasattr(exc, "format_message") else str(exc)
    ctx = getattr(exc, "ctx", None)
    if ctx is not None:
        message = f"{message.rstrip()} (see '{ctx.command_path} --help')"
    return message


class _FlagHelp:
    """``--help``/``-h`` shows no ``<bool>`` value: it is a flag."""

    def get_help_option(self, ctx):
        option = super().get_help_option(ctx)
        if option is not None:
            option.metavar = ""
        return option


class TopicsCommand(_FlagHelp, TyperCommand):
    """A command whose help speaks the user's words (cli.helptext) and whose ``-h`` is a
    flag."""

    def format_help(self, ctx, formatter) -> None:
        from .helptext import prepare

        prepare(self)
        return super().format_help(ctx, formatter)


class TopicsGroup(_FlagHelp, TyperGroup):
    """A group of commands (``topics data``) whose ``-h`` is a flag."""
