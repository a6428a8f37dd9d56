"""Commands built from the option table (topiccli.cli.options): one decorator for every command.

``@command(app, "nmf", options.NMF, ...)`` gives the body one :class:`Given` (the parsed
options by name) and builds the Typer command's signature from the named options, in their
order, so a command's body is its few lines of work. The decorator is also the one place a
command's failures become one line and an exit code (:func:`topiccli.cli.errors.handled`).
"""

from __future__ import annotations

import functools
import inspect
from dataclasses import fields

from .errors import TopicsCommand, handled
from .options import OPTIONS, Opt


class Given(dict):
    """One command's parsed options by name, and the specs they fill (by field name)."""

    def __init__(self, values: dict, options: list[Opt]) -> None:
        super().__init__(values)
        self.options = options

    def spec(self, cls, **given):
        """A ``cls`` (a spec dataclass) with every field an option of this command fills,
        converted as the option says; ``given`` fields win."""
        names = {f.name for f in fields(cls)} - set(given)
        values = {o.target: o.convert(self[o.name]) if o.convert else self[o.name]
                  for o in self.options if o.target in names}  # fmt: skip
        return cls(**values, **given)


def _option(item: str | Opt) -> Opt:
    return OPTIONS[item] if isinstance(item, str) else item


def signature(options: list[Opt]) -> inspect.Signature:
    """The signature Typer reads: one keyword parameter per option, annotated with its Typer
    settings, its default the option's."""
    kinds = inspect.Parameter
    return inspect.Signature([
        kinds(o.name, kinds.POSITIONAL_OR_KEYWORD, annotation=o.annotation(),
              default=kinds.empty if o.is_required else o.default)
        for o in options
    ])  # fmt: skip


def command(app, name: str, options, **settings):
    """Register ``body(given)`` as command ``name`` of ``app`` taking ``options`` (names in
    OPTIONS or :class:`Opt`); its docstring is the command's help unless ``help`` is given."""
    opts = [_option(item) for item in options]

    def register(body):
        @functools.wraps(body)
        def run(**values) -> None:
            with handled():
                body(Given(values, opts))

        run.__signature__ = signature(opts)
        run.__annotations__ = {p.name: p.annotation for p in run.__signature__.parameters.values()}
        del run.__wrapped__  # Typer reads this signature, not the body's
        app.command(name, cls=TopicsCommand, **settings)(run)
        return body

    return register
