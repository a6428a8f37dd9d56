"""Option definitions shared by every command that fits a model (``svd``, ``nmf``).

Each group is a list of ``inspect.Parameter`` so a command's signature can be assembled from
groups; Typer reads the assembled signature like a hand-written one.
"""

from __future__ import annotations

import inspect
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Literal, Optional

import typer

SOURCE = "Source (default: 20 Newsgroups)"
VECTORIZE = "Vectorizer"
MODEL = "Model"
OUTPUT = "Output"
QUALITY = "Quality"
SWEEP = "Sweep"
CACHE = "Cache"

NEWSGROUP_PARTS = ("headers", "footers", "quotes")


def _split_commas(values: list[str] | None) -> list[str]:
    """Accept ``--x a,b --x c`` as [a, b, c]."""
    return [part.strip() for value in values or [] for part in value.split(",") if part.strip()]


def parse_df(value: str | None) -> int | float | None:
    """A document frequency as scikit-learn takes it: an integer count or a float proportion."""
    if value is None:
        return None
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


def parse_k_range(value: str) -> str:
    """Check ``FIRST:LAST[:STEP]`` early, so a bad range is a usage error (exit 2)."""
    from ..errors import InvalidParameterError
    from ..quality.sweep import parse_k_range as parse

    try:
        parse(value)
    except InvalidParameterError as exc:
        raise typer.BadParameter(str(exc)) from None
    return value


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


def _option(name: str, annotation, default) -> inspect.Parameter:
    return inspect.Parameter(
        name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=annotation
    )


SOURCE_OPTIONS = [
    _option(
        "input",
        Annotated[
            Optional[Path],
            typer.Option(
                "--input",
                "-i",
                help="A folder of text files, one text file, a .jsonl/.csv file of records, or "
                "- for stdin, instead of 20 Newsgroups.",
                rich_help_panel=SOURCE,
            ),
        ],
        None,
    ),
    _option(
        "glob",
        Annotated[
            Optional[str],
            typer.Option(
                help="Only files matching this glob (on the name; on the path if it has /).",
                rich_help_panel=SOURCE,
            ),
        ],
        None,
    ),
    _option(
        "categories",
        Annotated[
            Optional[list[str]],
            typer.Option(
                "--categories",
                "-c",
                help="20 Newsgroups categories, comma-separated or repeated.",
                rich_help_panel=SOURCE,
            ),
        ],
        None,
    ),
    _option(
        "subset",
        Annotated[
            Literal["train", "test", "all"],
            typer.Option(help="20 Newsgroups subset.", rich_help_panel=SOURCE),
        ],
        "train",
    ),
    _option(
        "remove",
        Annotated[
            Optional[list[str]],
            typer.Option(
                help="Parts of each post to strip: headers,footers,quotes (default all; 'none' for "
                "none).",
                rich_help_panel=SOURCE,
            ),
        ],
        None,
    ),
    _option(
        "max_file_bytes",
        Annotated[
            str,
            typer.Option(
                help="Read at most this much of each file in a folder (e.g. 16M); longer files "
                "are cut there with a warning, so memory stays bounded.",
                callback=parse_size,
                rich_help_panel=SOURCE,
            ),
        ],
        "16M",
    ),
    _option(
        "data_home",
        Annotated[
            Optional[Path],
            typer.Option(
                help="scikit-learn data home (default: its own, honouring SCIKIT_LEARN_DATA).",
                rich_help_panel=SOURCE,
            ),
        ],
        None,
    ),
]

VECTORIZER_OPTIONS = [
    _option(
        "vectorizer",
        Annotated[
            Literal["count", "tfidf"],
            typer.Option(help="Term weighting.", rich_help_panel=VECTORIZE),
        ],
        "count",
    ),
    _option(
        "stop_words",
        Annotated[
            str,
            typer.Option(
                help="english, none, or a file with one stop word a line.",
                rich_help_panel=VECTORIZE,
            ),
        ],
        "english",
    ),
    _option(
        "min_df",
        Annotated[
            str,
            typer.Option(
                help="Ignore terms in fewer documents (integer count, or float proportion).",
                callback=parse_df,
                rich_help_panel=VECTORIZE,
            ),
        ],
        "1",
    ),
    _option(
        "max_df",
        Annotated[
            str,
            typer.Option(
                help="Ignore terms in more documents (integer count, or float proportion).",
                callback=parse_df,
                rich_help_panel=VECTORIZE,
            ),
        ],
        "1.0",
    ),
    _option(
        "max_features",
        Annotated[
            Optional[int],
            typer.Option(
                min=1, help="Keep only the most frequent terms.", rich_help_panel=VECTORIZE
            ),
        ],
        None,
    ),
    _option(
        "ngram_range",
        Annotated[
            str,
            typer.Option(
                help="MIN,MAX word n-gram lengths.",
                callback=parse_ngram_range,
                rich_help_panel=VECTORIZE,
            ),
        ],
        "1,1",
    ),
]

MODEL_OPTIONS = [
    _option(
        "k",
        Annotated[
            int, typer.Option("--k", "-k", min=1, help="Number of topics.", rich_help_panel=MODEL)
        ],
        6,
    ),
    _option(
        "seed",
        Annotated[
            int,
            typer.Option(
                min=0,
                help="Random seed; same inputs and seed give the same topics.",
                rich_help_panel=MODEL,
            ),
        ],
        0,
    ),
]

SVD_OPTIONS = [
    _option(
        "solver",
        Annotated[
            Literal["propack", "arpack", "randomized"],
            typer.Option(
                "--solver",
                "--svd-solver",
                help="propack/arpack: exact Lanczos; randomized: Halko et al. (approximate).",
                rich_help_panel=MODEL,
            ),
        ],
        "propack",
    ),
]

NMF_OPTIONS = [
    _option(
        "loss",
        Annotated[
            Optional[Literal["frobenius", "kl"]],
            typer.Option(
                help="frobenius: least squares; kl: Kullback-Leibler divergence (PLSA's). "
                "Default: kl (chosen on evidence, see README).",
                rich_help_panel=MODEL,
            ),
        ],
        None,
    ),
    _option(
        "solver",
        Annotated[
            Optional[Literal["hals", "mu", "amu"]],
            typer.Option(
                help="frobenius: hals (coordinate descent, default) or mu (multiplicative "
                "updates); kl: amu (over-relaxed multiplicative updates, default) or mu.",
                rich_help_panel=MODEL,
            ),
        ],
        None,
    ),
    _option(
        "init",
        Annotated[
            Optional[Literal["nndsvd", "nndsvda", "random"]],
            typer.Option(
                help="Starting point (default: nndsvd for hals, nndsvda for mu and amu).",
                rich_help_panel=MODEL,
            ),
        ],
        None,
    ),
    _option(
        "alpha_w",
        Annotated[
            float,
            typer.Option(
                "--alpha-w",
                min=0.0,
                help="Regularisation of W (document-topic), as scikit-learn's alpha_W.",
                rich_help_panel=MODEL,
            ),
        ],
        0.0,
    ),
    _option(
        "alpha_h",
        Annotated[
            Optional[float],
            typer.Option(
                "--alpha-h",
                min=0.0,
                help="Regularisation of H (topic-term), as alpha_H (default: --alpha-w).",
                rich_help_panel=MODEL,
            ),
        ],
        None,
    ),
    _option(
        "l1_ratio",
        Annotated[
            float,
            typer.Option(
                "--l1-ratio",
                min=0.0,
                max=1.0,
                help="Share of L1 in the regularisation (0: L2 only; 1: L1, sparser topics).",
                rich_help_panel=MODEL,
            ),
        ],
        0.0,
    ),
    _option(
        "max_iter",
        Annotated[int, typer.Option(min=1, help="Iteration cap.", rich_help_panel=MODEL)],
        200,
    ),
    _option(
        "tol",
        Annotated[
            float,
            typer.Option(
                min=0.0,
                help="Stop when the loss falls by less than this fraction in one iteration.",
                rich_help_panel=MODEL,
            ),
        ],
        1e-4,
    ),
]

OUTPUT_OPTIONS = [
    _option(
        "top_words",
        Annotated[int, typer.Option(min=1, help="Words shown per topic.", rich_help_panel=OUTPUT)],
        8,
    ),
    _option(
        "format",
        Annotated[
            Literal["table", "json", "csv"],
            typer.Option(
                "--format",
                "-f",
                help="table for people; json or csv for programs.",
                rich_help_panel=OUTPUT,
            ),
        ],
        "table",
    ),
    _option(
        "output",
        Annotated[
            Optional[Path],
            typer.Option(
                "--output",
                "-o",
                help="Write to this file instead of stdout.",
                rich_help_panel=OUTPUT,
            ),
        ],
        None,
    ),
]

QUALITY_OPTIONS = [
    _option(
        "docs",
        Annotated[
            int,
            typer.Option(
                min=0,
                help="List each topic's N most representative documents (id, weight, snippet).",
                rich_help_panel=QUALITY,
            ),
        ],
        0,
    ),
    _option(
        "seeds",
        Annotated[
            int,
            typer.Option(
                min=1,
                help="Fit N seeds and report each topic's stability (flagging unstable ones).",
                rich_help_panel=QUALITY,
            ),
        ],
        1,
    ),
    _option(
        "plot",
        Annotated[
            bool,
            typer.Option(
                "--plot",
                help="Draw the singular value spectrum (SVD) or topic sizes (NMF) on stderr.",
                rich_help_panel=QUALITY,
            ),
        ],
        False,
    ),
] + [QUIET := _option(
        "quiet",
        Annotated[
            bool,
            typer.Option(
                "--quiet",
                "-q",
                help="No progress display on stderr (it only shows when stderr is a terminal).",
                rich_help_panel=QUALITY,
            ),
        ],
        False,
    )]  # fmt: skip


@contextmanager
def progress_display(values: dict):
    """A progress display for the command's run (or None: not a terminal, or --quiet)."""
    from ..quality.progress import make_progress

    progress = make_progress(values.get("quiet", False))
    if progress is None:
        yield None
        return
    with progress:
        yield progress


CACHE_OPTIONS = [
    _option(
        "cache_dir",
        Annotated[
            Optional[Path],
            typer.Option(
                help="Where loaded, vectorized corpora are kept for repeated runs (default: "
                "TOPICS_CACHE_DIR, else $XDG_CACHE_HOME/topiccli or ~/.cache/topiccli).",
                rich_help_panel=CACHE,
            ),
        ],
        None,
    ),
    _option(
        "no_cache",
        Annotated[
            bool,
            typer.Option(
                "--no-cache",
                help="Neither read nor write the corpus cache (also: TOPICS_CACHE=0).",
                rich_help_panel=CACHE,
            ),
        ],
        False,
    ),
]


def signature(*groups: list[inspect.Parameter]) -> inspect.Signature:
    """A command signature made of option groups, in order."""
    return inspect.Signature([p for group in groups for p in group])


def categories(values) -> list[str]:
    return _split_commas(values)


def remove_parts(values) -> list[str]:
    parts = _split_commas(values)
    if not values:
        return list(NEWSGROUP_PARTS)
    return [] if parts == ["none"] else parts


MODEL_FILES = "Model files"

SAVE_OPTIONS = [
    _option(
        "save",
        Annotated[
            Optional[Path],
            typer.Option(
                help="Save the fitted model as a bundle folder (reuse it with show and infer).",
                rich_help_panel=MODEL_FILES,
            ),
        ],
        None,
    ),
    _option(
        "force",
        Annotated[
            bool,
            typer.Option(
                "--force", help="Replace an existing bundle at --save.", rich_help_panel=MODEL_FILES
            ),
        ],
        False,
    ),
]

DOC_TOPICS_OPTIONS = [
    _option(
        "doc_topics",
        Annotated[
            Optional[Path],
            typer.Option(
                help="Write each document's topic weights to FILE.csv or FILE.jsonl.",
                rich_help_panel=OUTPUT,
            ),
        ],
        None,
    ),
]


RECORD_OPTIONS = [
    _option(
        "text_field",
        Annotated[
            Optional[str],
            typer.Option(
                help="JSONL/CSV input: the field holding each document's text [default: text].",
                rich_help_panel=SOURCE,
            ),
        ],
        None,
    ),
    _option(
        "id_field",
        Annotated[
            Optional[str],
            typer.Option(
                help="JSONL/CSV input: the field holding each document's id (default: its "
                "line or row number).",
                rich_help_panel=SOURCE,
            ),
        ],
        None,
    ),
    _option(
        "label_field",
        Annotated[
            Optional[str],
            typer.Option(
                help="JSONL/CSV input: the field holding each document's label.",
                rich_help_panel=SOURCE,
            ),
        ],
        None,
    ),
]


SWEEP_OPTIONS = [
    _option(
        "method",
        Annotated[
            Literal["nmf", "svd"],
            typer.Option(help="The model to sweep.", rich_help_panel=SWEEP),
        ],
        "nmf",
    ),
    _option(
        "k",
        Annotated[
            str,
            typer.Option(
                "--k",
                "-k",
                help="FIRST:LAST[:STEP], inclusive, e.g. 2:20 or 2:20:2.",
                callback=parse_k_range,
                rich_help_panel=SWEEP,
            ),
        ],
        "2:20",
    ),
    _option(
        "seeds",
        Annotated[
            int,
            typer.Option(min=1, help="Fits per k, for the stability score.", rich_help_panel=SWEEP),
        ],
        1,
    ),
    *[p for p in MODEL_OPTIONS if p.name == "seed"],
    *[p for p in NMF_OPTIONS if p.name in ("loss", "max_iter", "tol")],
    *[p for p in OUTPUT_OPTIONS if p.name in ("top_words", "format", "output")],
    QUIET,
]
