"""The ``topics`` command line (a thin layer over topiccli.models).

Importing Typer and the app takes a moment; a Ctrl-C in that moment exits with 130 and one
line, as one during a run does, rather than a traceback.
"""

import sys

try:
    from . import fit_commands, model_commands, topic_commands  # noqa: F401  (register them)
    from .app import app
except KeyboardInterrupt:  # pragma: no cover - depends on when the key is pressed
    print("Interrupted: stopped by Ctrl-C while starting", file=sys.stderr)
    sys.exit(130)


def main() -> None:
    """Console-script entry point."""
    app(prog_name="topics")


__all__ = ["app", "main"]
