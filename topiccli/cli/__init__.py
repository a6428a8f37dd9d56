"""The ``topics`` command line (a thin layer over the library)."""

from .app import app


def main() -> None:
    """Console-script entry point."""
    app(prog_name="topics")


__all__ = ["app", "main"]
