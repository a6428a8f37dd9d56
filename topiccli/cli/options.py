"""Every option of every command, declared once: one :class:`Opt` each, in one table.

An option names the library parameter it sets (topiccli.params: its choices, bounds and help)
and the spec field it fills (``field``: of SourceSpec, VectorizerSettings, ModelSpec,
SweepSpec, FitFiles or the request), so a command's signature, its help and the specs it
builds all come from here; topiccli.cli.command builds the commands from the option groups at
the end. Adding an option is one :class:`Opt` in :data:`OPTIONS` and its name in a group: a
spec field of the same name (or ``field``) receives its value with nothing else to write.

Defaults come from the specs' dataclasses (topiccli.specs), never restated here. Parsers turn
option text into values and raise ``typer.BadParameter`` (a usage error, exit 2).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Annotated, Literal, Optional

import typer

from ..params import PARAMS
from ..specs import (
    K_RANGE,
    NMF_TOL,
    AnalysisSpec,
    ModelSpec,
    SourceSpec,
    SweepSpec,
    VectorizerSettings,  # fmt: skip
)

SOURCE = "Source (default: 20 Newsgroups)"
VECTORIZE = "Vectorizer"
MODEL = "Model"
OUTPUT = "Output"
QUALITY = "Quality"
SWEEP = "Sweep"
CACHE = "Cache"
MODEL_FILES = "Model files"
ENGINE = "Engine"
ANALYSES = "Over time and by group"
DOCUMENTS = "Documents"
"""infer's source panel: it reads --input only (never 20 Newsgroups)."""
FLAG = ""
"""The metavar of an on/off flag: none (Typer would show ``<bool>``, yet a flag takes no value)."""

ENVIRONMENT = (
    "Environment: TOPICS_NUM_THREADS (worker threads, default: the CPUs available), "
    "TOPICS_CACHE_DIR and TOPICS_CACHE=0 (the cache), TOPICS_DEBUG=1 (tracebacks), "
    "COLUMNS (table width), DASK_SCHEDULER_ADDRESS and TOPICS_DASK_TIMEOUT (--scheduler)."
)


def split_commas(values: list[str] | None) -> list[str]:
    """Accept ``--x a,b --x c`` as [a, b, c]."""
    return [part.strip() for value in values or [] for part in value.split(",") if part.strip()]


def remove_parts(values: list[str] | None) -> tuple[str, ...]:
    """``--remove``: every part by default; ``none`` for none."""
    parts = split_commas(values)
    if not values:
        return SourceSpec.remove
    return () if parts == ["none"] else tuple(parts)


def parse_df(value: str | None) -> int | float | str | None:
    """A document frequency as scikit-learn takes it (an integer count or a float proportion),
    or ``auto``."""
    if value is None or value == "auto":
        return value
    try:
        return int(value)
    except ValueError:
        pass
    try:
        return float(value)
    except ValueError:
        raise typer.BadParameter(
            f"expected an integer count or a proportion, got {value!r}"
        ) from None


def parse_ngram_range(value: str) -> tuple[int, int]:
    """``"1,2"`` → (1, 2)."""
    parts = value.split(",")
    try:
        low, high = (int(p) for p in parts)
    except ValueError:
        raise typer.BadParameter(f"expected MIN,MAX such as 1,2, got {value!r}") from None
    if not 1 <= low <= high:
        raise typer.BadParameter(f"expected 1 <= MIN <= MAX, got {value!r}")
    return low, high


def parse_k_range(value: str) -> tuple[int, ...]:
    """``FIRST:LAST[:STEP]`` → the ks (a bad range is a usage error, exit 2)."""
    from ..errors import UsageError
    from ..specs import parse_k_range as parse

    try:
        return parse(value)
    except UsageError as exc:
        raise typer.BadParameter(str(exc).removeprefix("k expects ")) from None


_SIZE_UNITS = {"": 1, "K": 2**10, "M": 2**20, "G": 2**30}


def parse_size(value: str | int | None) -> int | None:
    """``"16M"``, ``"16MiB"``, ``"500k"`` or ``"1048576"`` → bytes (binary units), at least 1."""
    if value is None or isinstance(value, int):
        return value
    text = value.strip().upper().removesuffix("IB").removesuffix("B")
    digits = text.rstrip("KMG")
    try:
        size = int(digits) * _SIZE_UNITS[text[len(digits) :]]
    except (ValueError, KeyError):
        raise typer.BadParameter(
            f"expected a size such as 16M, 500K or 1048576, got {value!r}"
        ) from None
    if size < 1:
        raise typer.BadParameter(f"expected a size of at least 1 byte, got {value!r}")
    return size


def _size_text(size: int) -> str:
    for unit, factor in (("G", 2**30), ("M", 2**20), ("K", 2**10)):
        if size % factor == 0:
            return f"{size // factor}{unit}"
    return str(size)


def _language(value: str) -> str:
    return value.strip().lower()


def _on_off(on: str, off: str):
    return lambda flag: on if flag else off


@dataclass(frozen=True)
class Opt:
    """One command-line option (or argument): its parameter name in the command, the library
    parameter it sets (``param``, default the same name: topiccli.params gives its choices,
    bounds and help unless ``help`` says otherwise), the spec field it fills (``field``,
    default the name; ``convert`` turns the parsed value into the field's), its panel and
    Typer's settings (``flags``, ``callback``, ``show_default``, ``metavar``...)."""

    name: str
    panel: str | None = None
    type: object = None
    """The value's type when the parameter's constraint does not say it (a str to parse, a path)."""
    default: object = None
    help: str | None = None
    param: str | None = None
    field: str | None = None
    convert: object = None
    flags: tuple[str, ...] = ()
    argument: bool = False
    required: bool | None = None
    """Whether the command needs it (None: an argument is required, an option is not)."""
    settings: dict = dataclasses.field(default_factory=dict)
    metavar: str | None = None
    """The value's name in the help (``FILE``, ``DIR``...; else cli.helptext's, by type)."""

    @property
    def is_required(self) -> bool:
        return self.argument if self.required is None else self.required

    @property
    def target(self) -> str:
        return self.field or self.name

    @property
    def spec_param(self):
        return PARAMS.get(self.param or self.name)

    def annotation(self):
        """The ``Annotated[type, typer.Option(...)]`` Typer reads from a signature."""
        param = self.spec_param
        help_text = self.help if self.help is not None else (param.help if param else None)
        settings = dict(self.settings)
        if self.metavar is not None:
            settings["metavar"] = self.metavar
        kind = self.type
        if kind is None and param is not None and param.choices:
            kind = Literal[param.choices]  # type: ignore[valid-type]
        if param is not None and param.interval is not None and self.type is None:
            interval = param.interval
            kind = interval.kind
            settings.setdefault("min", interval.low)
            if interval.high is not None:
                settings.setdefault("max", interval.high)
        if kind is bool:
            settings.setdefault("metavar", FLAG)
        optional = (param is not None and param.optional) or self.default is None
        if optional and kind not in (None, bool) and not (self.argument or self.is_required):
            kind = Optional[kind]
        if self.argument:
            return Annotated[kind, typer.Argument(help=help_text, **settings)]
        flags = self.flags or (("--" + self.name.replace("_", "-"),) if kind is bool else ())
        return Annotated[kind, typer.Option(*flags, rich_help_panel=self.panel, help=help_text,
                                            **settings)]  # fmt: skip


def _opts(*options: Opt) -> dict[str, Opt]:
    return {o.name: o for o in options}


_OPTIONAL_PATH = Optional[Path]
_OPTIONAL_TEXT = Optional[str]
_MANY_TEXTS = Optional[list[str]]

OPTIONS = _opts(
    # -- source ----------------------------------------------------------------------------
    Opt("input", SOURCE, _OPTIONAL_PATH, flags=("--input", "-i"), metavar="PATH"),
    Opt("glob", SOURCE, _OPTIONAL_TEXT, metavar="GLOB"),
    Opt("categories", SOURCE, _MANY_TEXTS, flags=("--categories", "-c"),
        convert=lambda v: tuple(split_commas(v)), metavar="NAMES"),
    Opt("subset", SOURCE, default=SourceSpec.subset),
    Opt("remove", SOURCE, _MANY_TEXTS, convert=remove_parts,
        settings={"show_default": "headers,footers,quotes"}, metavar="PARTS"),
    Opt("max_file_bytes", SOURCE, str, default=_size_text(SourceSpec.max_file_bytes),
        settings={"callback": parse_size}, metavar="SIZE"),
    Opt("data_home", SOURCE, _OPTIONAL_PATH, metavar="DIR"),
    Opt("text_field", SOURCE, _OPTIONAL_TEXT, settings={"show_default": "text"}, metavar="FIELD"),
    Opt("id_field", SOURCE, _OPTIONAL_TEXT, metavar="FIELD",
        settings={"show_default": "the line or row number"}),
    Opt("label_field", SOURCE, _OPTIONAL_TEXT, metavar="FIELD"),
    Opt("no_labels", SOURCE, bool, False, field="labels", convert=lambda v: not v,
        help="Give the documents no labels: subfolder names, --label-field and newsgroups are "
        "not read as classes (no label column, label NMI or label in --doc-topics)."),
    # -- vectorizer ------------------------------------------------------------------------
    Opt("vectorizer", VECTORIZE, default=VectorizerSettings.kind, field="kind"),
    Opt("stop_words", VECTORIZE, str, VectorizerSettings.stop_words, metavar="LISTS"),
    Opt("extra_stop_words", VECTORIZE, Optional[list[Path]],
        help="A file of more stop words, added to --stop-words (repeatable).", metavar="FILE"),
    Opt("token_pattern", VECTORIZE, str, VectorizerSettings.token_pattern, metavar="PATTERN"),
    Opt("keep_contractions", VECTORIZE, bool, False, param="contractions",
        field="contractions", convert=_on_off("keep", "strip")),
    Opt("keep_junk", VECTORIZE, bool, False, param="junk", field="junk",
        convert=_on_off("keep", "drop")),
    Opt("language", VECTORIZE, str, VectorizerSettings.language, convert=_language),
    Opt("lemmatize", VECTORIZE, Optional[bool], None, flags=("--lemmatize/--no-lemmatize",),
        settings={"show_default": False}),
    Opt("clean", VECTORIZE, str, VectorizerSettings.clean),
    Opt("plurals", VECTORIZE, default=VectorizerSettings.plurals),
    Opt("phrases", VECTORIZE, bool, False),
    Opt("min_df", VECTORIZE, str, str(VectorizerSettings.min_df), metavar="DF",
        settings={"callback": parse_df}),
    Opt("max_df", VECTORIZE, str, str(VectorizerSettings.max_df), metavar="DF",
        settings={"callback": parse_df}),
    Opt("max_features", VECTORIZE),
    Opt("ngram_range", VECTORIZE, str, ",".join(map(str, VectorizerSettings.ngram_range)),
        settings={"callback": parse_ngram_range}, metavar="MIN,MAX"),
    # -- model -----------------------------------------------------------------------------
    Opt("k", MODEL, default=ModelSpec.k, flags=("--k", "-k")),
    Opt("seed", MODEL, default=ModelSpec.seed),
    Opt("svd_solver", MODEL, default=PARAMS["svd_solver"].choices[0], field="solver",
        flags=("--solver", "--svd-solver")),
    Opt("loss", MODEL, settings={"show_default": "kl, chosen on evidence (see the README)"}),
    Opt("solver", MODEL, settings={"show_default": "hals for frobenius, ccd for kl"}),
    Opt("init", MODEL, settings={"show_default": "nndsvd for hals, nndsvda for mu, amu and ccd"}),
    Opt("alpha_w", MODEL, default=ModelSpec.alpha_w, flags=("--alpha-w",)),
    Opt("alpha_h", MODEL, flags=("--alpha-h",), settings={"show_default": "--alpha-w"}),
    Opt("l1_ratio", MODEL, default=ModelSpec.l1_ratio, flags=("--l1-ratio",)),
    Opt("max_iter", MODEL, default=ModelSpec.max_iter),
    Opt("tol", MODEL, help=PARAMS["tol"].help.removesuffix(".") + " (default: stop once the "
        "topics settle: top words and documents' top topics unchanged over two checks; --dask: "
        f"{NMF_TOL['frobenius']:g} for frobenius, {NMF_TOL['kl']:g} for kl)."),
    Opt("dtype", MODEL),
    Opt("seed_words", MODEL, Optional[Path], field="seed_file", metavar="FILE",
        flags=("--seed-words",)),
    Opt("seed_strength", MODEL, settings={"show_default": "0.1 under kl, 0.25 under frobenius"}),
    # -- output ----------------------------------------------------------------------------
    Opt("top_words", OUTPUT, default=ModelSpec.top_words),
    Opt("format", OUTPUT, Literal["table", "json", "csv"], "table", flags=("--format", "-f"),
        help="table for people; json or csv for programs."),
    Opt("output", OUTPUT, _OPTIONAL_PATH, flags=("--output", "-o"),
        help="Write to this file instead of stdout.", metavar="FILE"),
    Opt("doc_topics", OUTPUT, _OPTIONAL_PATH, metavar="FILE"),
    Opt("html", OUTPUT, _OPTIONAL_PATH, metavar="FILE"),
    Opt("vocabulary", OUTPUT, bool, False),
    Opt("normalize", OUTPUT, bool, False),
    Opt("save", MODEL_FILES, _OPTIONAL_PATH, metavar="DIR"),
    Opt("save_snippets", MODEL_FILES, bool, False),
    Opt("force", MODEL_FILES, bool, False),
    # -- quality, cache and engine ---------------------------------------------------------
    Opt("docs", QUALITY, default=ModelSpec.docs),
    Opt("seeds", QUALITY, default=ModelSpec.seeds),
    Opt("plot", QUALITY, bool, False, help="Draw the singular value spectrum (SVD) or the "
        "documents each topic wins (NMF) on stderr."),
    Opt("quiet", QUALITY, bool, False, flags=("--quiet", "-q"),
        help="No progress display on stderr (it only shows when stderr is a terminal)."),
    Opt("cache_dir_", CACHE, _OPTIONAL_PATH, flags=("--cache-dir",), help="Where vectorized "
        "corpora and finished runs are kept for repeated runs (default: TOPICS_CACHE_DIR, else "
        "$XDG_CACHE_HOME/topiccli or ~/.cache/topiccli).", metavar="DIR"),
    Opt("no_cache", CACHE, bool, False, help="Neither read nor write the corpus cache or the "
        "run cache (also: TOPICS_CACHE=0)."),
    Opt("scheduler", ENGINE, _OPTIONAL_TEXT, flags=("--scheduler",), settings={
        "metavar": "ADDRESS", "show_default": "this machine, or DASK_SCHEDULER_ADDRESS when set"}),
    # -- analyses --------------------------------------------------------------------------
    Opt("time_field", ANALYSES, _OPTIONAL_TEXT, metavar="FIELD"),
    Opt("time_bin", ANALYSES, default=AnalysisSpec.time_bin),
    Opt("group_field", ANALYSES, _OPTIONAL_TEXT, metavar="FIELD"),
    Opt("by_label", ANALYSES, bool, False, flags=("--by-label/--no-by-label",)),
    Opt("trends", ANALYSES, _OPTIONAL_PATH, metavar="FILE"),
    # -- sweep -----------------------------------------------------------------------------
    Opt("method", SWEEP, default=SweepSpec.method, help="The model to sweep."),
    Opt("k_range", SWEEP, str, K_RANGE, field="ks", flags=("--k", "-k"),
        help="FIRST:LAST[:STEP], inclusive, e.g. 2:20 or 2:20:2.",
        settings={"callback": parse_k_range}, metavar="FIRST:LAST[:STEP]"),
    Opt("sweep_seeds", SWEEP, default=SweepSpec.seeds, field="seeds", param="seeds",
        flags=("--seeds",), help="Fits per k, for the stability score."),
    Opt("criterion", SWEEP, settings={"show_default": "agreement for nmf, score for svd"}),
    Opt("samples", SWEEP, default=SweepSpec.samples),
    # -- saved models ----------------------------------------------------------------------
    Opt("model", argument=True, type=Path, help="A model bundle folder written by --save."),
    Opt("show_top_words", OUTPUT, default=None, field="top_words", param="top_words",
        flags=("--top-words",), settings={"show_default": "as many as the fit showed"}),
    Opt("row_format", OUTPUT, Literal["table", "json", "csv", "jsonl"], "table",
        flags=("--format", "-f"),
        help="table for people; json, csv or jsonl (one document a line) for programs."),
    # -- editing a saved model's topics (topics merge, reduce, name) --------------------------
    Opt("new_bundle", type=Path, flags=("--output", "-o"), required=True, metavar="FILE",
        help="Where to write the new model bundle (a new folder)."),
    Opt("training_input", type=_OPTIONAL_PATH, flags=("--input", "-i"),
        help="The training corpus, if it moved since the fit (default: the source the model "
        "records; it must be the same documents)."),
    Opt("replace_bundle", type=bool, default=False, flags=("--force",),
        help="Replace an existing bundle at -o."),
    Opt("edit_quiet", type=bool, default=False, flags=("--quiet", "-q"),
        help="No progress display on stderr."),
    Opt("topics", argument=True, type=list[int],
        help="The topics to merge into one (two or more)."),
    Opt("reduce_k", type=int, flags=("--k", "-k"), required=True, settings={"min": 1},
        help="The number of topics to keep."),
    Opt("topic", argument=True, type=int, help="The topic's number."),
    Opt("topic_name", argument=True, required=False, type=_OPTIONAL_TEXT, metavar="NAME",
        help="The name."),
    Opt("remove_name", type=bool, default=False, flags=("--remove",),
        help="Remove the topic's name."),
)  # fmt: skip
"""Every option, by its parameter name in the commands."""


def in_panel(name: str, panel: str, help: str | None = None) -> Opt:
    """Option ``name`` shown in another help panel (with other help)."""
    option = OPTIONS[name]
    return replace(option, panel=panel, help=option.help if help is None else help)


# fmt: off
SOURCE_OPTIONS = ("input", "glob", "categories", "subset", "remove", "max_file_bytes",
                  "data_home", "text_field", "id_field", "label_field", "no_labels")
VECTORIZER_OPTIONS = ("vectorizer", "stop_words", "extra_stop_words", "token_pattern",
                      "keep_contractions", "keep_junk", "language", "lemmatize", "clean",
                      "plurals", "phrases", "min_df", "max_df", "max_features", "ngram_range")
NMF_OPTIONS = ("loss", "solver", "init", "alpha_w", "alpha_h", "l1_ratio", "max_iter", "tol",
               "dtype", "seed_words", "seed_strength")
FILE_OPTIONS = ("save", "save_snippets", "force")
RUN_OPTIONS = ("docs", "seeds", "plot", "quiet", "cache_dir_", "no_cache", "scheduler")
ANALYSIS_OPTIONS = ("time_field", "time_bin", "group_field", "by_label", "trends")
CORPUS = SOURCE_OPTIONS + VECTORIZER_OPTIONS
SVD = (*CORPUS, "k", "seed", "svd_solver", "top_words", "format", "output", "doc_topics", "html",
       "vocabulary", *FILE_OPTIONS, *RUN_OPTIONS)
NMF = (*CORPUS, "k", "seed", *NMF_OPTIONS, "top_words", "format", "output", "doc_topics",
       "html", "vocabulary", "normalize", *FILE_OPTIONS, *RUN_OPTIONS, *ANALYSIS_OPTIONS)
SWEEP_OPTIONS = (*CORPUS, "method", "k_range", "sweep_seeds", "criterion", "samples", "seed",
                 "loss", "max_iter", "tol", "top_words", "format", "output", "html", "quiet",
                 "cache_dir_", "no_cache", "scheduler")
EDIT_OPTIONS = ("new_bundle", "training_input", "replace_bundle", "format", "edit_quiet",
                "cache_dir_", "no_cache")
MERGE = ("model", "topics", *EDIT_OPTIONS)
REDUCE = ("model", "reduce_k", *EDIT_OPTIONS)
NAME = ("model", "topic", "topic_name", "remove_name")
# fmt: on
"""The option groups of the commands, in the order their help lists them."""
