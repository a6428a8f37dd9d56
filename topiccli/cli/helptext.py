"""A command's ``--help`` in the user's words, not Typer's internals.

Typer shows an option's Python type (``<list[str]>``, ``<int range> [x>=1]``), wraps a
spelled-out default in parentheses (``[default: (kl, …)]``) and reads help texts as rich
markup, so ``pip install 'topiccli[dask]'`` loses its ``[dask]``. :func:`prepare` rewrites a
command's options once, just before its help is drawn (parsing and checks are untouched: the
ranges are enforced by the options' types): a value name (``N``, ``FILE``, ``DIR``…), the
range and a spelled-out default said in the help's own words, no type beside an argument
(``MODEL`` says what it is), and every help text escaped so rich shows it as written.
"""

from __future__ import annotations

VALUE_NAMES = {
    "input": "PATH",
    "glob": "GLOB",
    "categories": "NAMES",
    "remove": "PARTS",
    "max_file_bytes": "SIZE",
    "data_home": "DIR",
    "text_field": "FIELD",
    "id_field": "FIELD",
    "label_field": "FIELD",
    "time_field": "FIELD",
    "group_field": "FIELD",
    "trends": "FILE",
    "stop_words": "LISTS",
    "extra_stop_words": "FILE",
    "token_pattern": "PATTERN",
    "min_df": "DF",
    "max_df": "DF",
    "ngram_range": "MIN,MAX",
    "output": "FILE",
    "doc_topics": "FILE",
    "html": "FILE",
    "save": "DIR",
    "cache_dir_": "DIR",
}
"""Value names by parameter; the others follow their type (:func:`_value_name`)."""
TEXT_NAMES = {"k": "FIRST:LAST[:STEP]"}
"""Value names of text options whose name another command gives a number (``sweep --k``)."""


def prepare(command) -> None:
    """Rewrite ``command``'s options for display (once; see the module docstring)."""
    if getattr(command, "_help_prepared", False):
        return
    from rich.markup import escape

    for param in command.params:
        if getattr(param, "param_type_name", "") == "argument":
            param.display_type_rich = lambda ctx: None  # its name (MODEL) says what it is
            param.help = escape(param.help or "")
            continue
        if getattr(param, "param_type_name", "") != "option":
            continue
        if getattr(param, "is_flag", False):
            param.metavar = param.metavar or ""  # a flag takes no value: no <bool>
        elif param.metavar is None and not _is_choice(param):
            named = VALUE_NAMES.get(param.name) or _value_name(param)
            param.metavar = TEXT_NAMES.get(param.name, named) if named == "TEXT" else named
        help_text = (param.help or "").strip()
        if isinstance(param.show_default, str):
            help_text = _sentence(help_text, f"Default: {param.show_default}")
            param.show_default = False
        limits = _range(param)
        if limits:
            help_text = _before_stop(help_text, f" ({limits})")
        param.help = escape(help_text)
    for name in ("help", "epilog"):
        if getattr(command, name, None):
            setattr(command, name, escape(getattr(command, name)))
    command._help_prepared = True


def _is_choice(param) -> bool:
    descriptor = getattr(param, "type_descriptor", None)
    if descriptor is not None:
        return bool(descriptor.is_choice)
    return type(getattr(param, "type", None)).__name__ == "Choice"


def _value_name(param) -> str:
    """``N`` for whole numbers, ``X`` for real ones, ``PATH`` for paths, else ``TEXT``
    (of the element, for a repeatable option)."""
    from pathlib import Path
    from typing import get_args, get_origin

    descriptor = getattr(param, "type_descriptor", None)
    kind = getattr(descriptor, "annotation", None)
    while get_origin(kind) is not None and get_args(kind):  # list[X], Optional[X]
        kind = next((a for a in get_args(kind) if a is not type(None)), None)
    if kind is None:  # an older Typer: its click type names the kind
        kind = {"IntRange": int, "INT": int, "FloatRange": float, "FLOAT": float,
                "Path": Path}.get(type(getattr(param, "type", None)).__name__)  # fmt: skip
    if kind is bool:
        return "TEXT"
    if kind is int:
        return "N"
    if kind is float:
        return "X"
    if isinstance(kind, type) and issubclass(kind, Path):
        return "PATH"
    return "TEXT"


def _range(param) -> str:
    """The option's bounds in words ("at least 1", "0 to 1"), moved out of Typer's display
    (``param.min``/``max`` only feed that display; the type enforces them)."""
    low, high = getattr(param, "min", None), getattr(param, "max", None)
    param.min = param.max = None
    if low is not None and high is not None:
        return f"{low:g} to {high:g}"
    if low is not None:
        return f"at least {low:g}"
    if high is not None:
        return f"at most {high:g}"
    return ""


def _before_stop(text: str, addition: str) -> str:
    """``addition`` inserted before the text's final full stop (or at its end)."""
    return f"{text[:-1]}{addition}." if text.endswith(".") else f"{text}{addition}"


def _sentence(text: str, sentence: str) -> str:
    """``sentence`` after ``text``, as a sentence of its own."""
    if text and not text.endswith("."):
        text += "."
    return f"{text} {sentence}.".strip()
