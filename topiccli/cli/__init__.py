"""The ``topics`` command line (a thin layer over the library)."""

from . import model_commands  # noqa: F401  (registers show and infer on the app)
from .app import app


def main() -> None:
    """Console-script entry point."""
    app(prog_name="topics")


__all__ = ["app", "main"]
