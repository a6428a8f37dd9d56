"""The commands' options as shared ``Annotated`` aliases, so each command's signature reads
as a plain list of parameters (in the style of huggingface_hub's ``cli/_cli_utils.py``).

Defaults come from the specs' dataclasses (topiccli.specs), never restated here. Parsers turn
option text into values and raise ``typer.BadParameter`` (a usage error, exit 2).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal, Optional

import typer

from ..specs import K_RANGE, NMF_TOL, ModelSpec, SourceSpec, SweepSpec, VectorizerSettings

SOURCE = "Source (default: 20 Newsgroups)"
VECTORIZE = "Vectorizer"
MODEL = "Model"
OUTPUT = "Output"
QUALITY = "Quality"
SWEEP = "Sweep"
CACHE = "Cache"
MODEL_FILES = "Model files"
ENGINE = "Engine"
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


def in_panel(alias, panel: str, help: str | None = None):
    """``alias`` (an ``Annotated`` option) shown in another help panel, with other help."""
    import copy
    from typing import get_args

    base, info = get_args(alias)
    info = copy.copy(info)
    info.rich_help_panel = panel
    if help is not None:
        info.help = help
    return Annotated[base, info]


# --- source ------------------------------------------------------------------------------
Input = Annotated[
    Optional[Path],
    typer.Option(
        "--input",
        "-i",
        rich_help_panel=SOURCE,
        help="A folder of text files, one text file, a .jsonl/.csv/.parquet file of records (or "
        "a quoted glob of them), or - for stdin, instead of 20 Newsgroups.",
    ),
]
Glob = Annotated[
    Optional[str],
    typer.Option(
        rich_help_panel=SOURCE,
        help="Only files matching this glob (on the name; on the path if it has /).",
    ),
]
Categories = Annotated[
    Optional[list[str]],
    typer.Option(
        "--categories",
        "-c",
        rich_help_panel=SOURCE,
        help="20 Newsgroups categories, comma-separated or repeated.",
    ),
]
Subset = Annotated[
    Literal["train", "test", "all"],
    typer.Option(rich_help_panel=SOURCE, help="20 Newsgroups subset."),
]
Remove = Annotated[
    Optional[list[str]],
    typer.Option(
        rich_help_panel=SOURCE,
        show_default="headers,footers,quotes",
        help="Parts of each 20 Newsgroups post to strip: headers, footers, quotes, or none.",
    ),
]
MaxFileBytes = Annotated[
    str,
    typer.Option(
        callback=parse_size,
        rich_help_panel=SOURCE,
        help="Read at most this much of each file in a folder (e.g. 16M); longer files are cut "
        "there with a warning, so memory stays bounded.",
    ),
]
MAX_FILE_BYTES = _size_text(SourceSpec.max_file_bytes)
DataHome = Annotated[
    Optional[Path],
    typer.Option(
        rich_help_panel=SOURCE,
        help="scikit-learn data home (default: its own, honouring SCIKIT_LEARN_DATA).",
    ),
]
TextField = Annotated[
    Optional[str],
    typer.Option(
        rich_help_panel=SOURCE,
        show_default="text",
        help="JSONL/CSV/Parquet input: the field (column) holding each document's text.",
    ),
]
IdField = Annotated[
    Optional[str],
    typer.Option(
        rich_help_panel=SOURCE,
        show_default="the line or row number",
        help="JSONL/CSV/Parquet input: the field (column) holding each document's id.",
    ),
]
LabelField = Annotated[
    Optional[str],
    typer.Option(
        rich_help_panel=SOURCE,
        help="JSONL/CSV/Parquet input: the field (column) holding each document's label.",
    ),
]

NoLabels = Annotated[
    bool,
    typer.Option(
        "--no-labels",
        metavar=FLAG,
        rich_help_panel=SOURCE,
        help="Give the documents no labels: subfolder names, --label-field and newsgroups are "
        "not read as classes (no label column, label NMI or label in --doc-topics).",
    ),
]

# --- vectorizer --------------------------------------------------------------------------
Vectorizer = Annotated[
    Literal["count", "tfidf"], typer.Option(rich_help_panel=VECTORIZE, help="Term weighting.")
]
StopWords = Annotated[
    str,
    typer.Option(
        rich_help_panel=VECTORIZE,
        help="+-joined lists: auto (the language's list; english+fillers for English), an "
        "ISO 639-1 code (de, zh, ...), english (scikit-learn's), fillers (20 conversational "
        "words such as said, just, mr), none, or a file with one stop word a line.",
    ),
]
ExtraStopWords = Annotated[
    Optional[list[Path]],
    typer.Option(
        rich_help_panel=VECTORIZE,
        help="A file of more stop words, added to --stop-words (repeatable).",
    ),
]
TokenPattern = Annotated[
    str,
    typer.Option(
        rich_help_panel=VECTORIZE,
        help="letters (two or more letters, no digits), words (scikit-learn's \\w\\w+) or a "
        "regular expression.",
    ),
]
KeepContractions = Annotated[
    bool,
    typer.Option(
        "--keep-contractions",
        metavar=FLAG,
        rich_help_panel=VECTORIZE,
        help="Tokenize don't, it's as they are (default: strip the clitic: do, it).",
    ),
]
Clean = Annotated[
    str,
    typer.Option(
        rich_help_panel=VECTORIZE,
        help="+-joined cleaning steps before tokenizing: nfkc (Unicode normalization), markup "
        "(HTML/XML documents lose their tags; entities decoded), links (URLs and e-mail "
        "addresses removed), boilerplate (lines/sentences repeated in 0.3% or more of the "
        "documents dropped); or none.",
    ),
]
Plurals = Annotated[
    Literal["auto", "fold", "keep"],
    typer.Option(
        rich_help_panel=VECTORIZE,
        help="English plurals: fold (stars counted as star, when the corpus has star too), "
        "keep, or auto (fold when the stop words are English).",
    ),
]
Language = Annotated[
    str,
    typer.Option(
        rich_help_panel=VECTORIZE,
        help="auto (detected on a sample of the documents) or an ISO 639-1 code such as en, "
        "de, zh, ja, ko, th. Chinese, Japanese, Korean and Thai are split into words "
        "(pip install 'topiccli[languages]'); docs/languages.md.",
    ),
]
Lemmatize = Annotated[
    Optional[bool],  # noqa: UP045 - typer reads the annotation
    typer.Option(
        "--lemmatize/--no-lemmatize",
        rich_help_panel=VECTORIZE,
        show_default=False,
        help="Count words by lemma (Häuser → haus; simplemma, pip install "
        "'topiccli[lemmatize]'), for the languages it covers. Default: on for a detected "
        "language other than English that simplemma covers, when it is installed.",
    ),
]
KeepJunk = Annotated[
    bool,
    typer.Option(
        "--keep-junk",
        metavar=FLAG,
        rich_help_panel=VECTORIZE,
        help="Keep uuencoded, base64 and binary-like documents (default: skip and count them).",
    ),
]
MinDf = Annotated[
    str,
    typer.Option(
        callback=parse_df,
        rich_help_panel=VECTORIZE,
        help="Ignore terms in fewer documents (integer count, float proportion, or auto: "
        "max(2, 0.05% of the documents)).",
    ),
]
MaxDf = Annotated[
    str,
    typer.Option(
        callback=parse_df,
        rich_help_panel=VECTORIZE,
        help="Ignore terms in more documents (integer count, or float proportion).",
    ),
]
MaxFeatures = Annotated[
    Optional[int],
    typer.Option(min=1, rich_help_panel=VECTORIZE, help="Keep only the most frequent terms."),
]
NgramRange = Annotated[
    str,
    typer.Option(
        callback=parse_ngram_range, rich_help_panel=VECTORIZE, help="MIN,MAX word n-gram lengths."
    ),
]

# --- model -------------------------------------------------------------------------------
K = Annotated[
    int, typer.Option("--k", "-k", min=1, rich_help_panel=MODEL, help="Number of topics.")
]
Seed = Annotated[
    int,
    typer.Option(
        min=0, rich_help_panel=MODEL, help="Random seed; same inputs and seed give the same topics."
    ),
]
SvdSolver = Annotated[
    Literal["propack", "arpack", "randomized"],
    typer.Option(
        "--solver",
        "--svd-solver",
        rich_help_panel=MODEL,
        help="propack/arpack: exact Lanczos; randomized: Halko et al. (approximate).",
    ),
]
Loss = Annotated[
    Optional[Literal["frobenius", "kl"]],
    typer.Option(
        rich_help_panel=MODEL,
        show_default="kl, chosen on evidence (see the README)",
        help="frobenius: least squares; kl: Kullback-Leibler divergence (PLSA's).",
    ),
]
NmfSolver = Annotated[
    Optional[Literal["hals", "mu", "amu"]],
    typer.Option(
        rich_help_panel=MODEL,
        show_default="hals for frobenius, amu for kl",
        help="frobenius: hals (coordinate descent) or mu (multiplicative updates); kl: amu "
        "(over-relaxed multiplicative updates) or mu.",
    ),
]
Init = Annotated[
    Optional[Literal["nndsvd", "nndsvda", "random"]],
    typer.Option(
        rich_help_panel=MODEL,
        show_default="nndsvd for hals, nndsvda for mu and amu",
        help="Starting point.",
    ),
]
AlphaW = Annotated[
    float,
    typer.Option(
        "--alpha-w",
        min=0.0,
        rich_help_panel=MODEL,
        help="Regularisation of W (document-topic), as scikit-learn's alpha_W.",
    ),
]
AlphaH = Annotated[
    Optional[float],
    typer.Option(
        "--alpha-h",
        min=0.0,
        rich_help_panel=MODEL,
        show_default="--alpha-w",
        help="Regularisation of H (topic-term), as scikit-learn's alpha_H.",
    ),
]
L1Ratio = Annotated[
    float,
    typer.Option(
        "--l1-ratio",
        min=0.0,
        max=1.0,
        rich_help_panel=MODEL,
        help="Share of L1 in the regularisation (0: L2 only; 1: L1, sparser topics).",
    ),
]
MaxIter = Annotated[int, typer.Option(min=1, rich_help_panel=MODEL, help="Iteration cap.")]
Tol = Annotated[
    Optional[float],
    typer.Option(
        min=0.0,
        rich_help_panel=MODEL,
        help="Stop when the loss falls by less than this fraction in one iteration "
        f"(default: {NMF_TOL['frobenius']:g} for frobenius, {NMF_TOL['kl']:g} for kl).",
    ),
]

# --- output ------------------------------------------------------------------------------
TopWords = Annotated[
    int, typer.Option(min=1, rich_help_panel=OUTPUT, help="Words shown per topic.")
]
Format = Annotated[
    Literal["table", "json", "csv"],
    typer.Option(
        "--format", "-f", rich_help_panel=OUTPUT, help="table for people; json or csv for programs."
    ),
]
Output = Annotated[
    Optional[Path],
    typer.Option(
        "--output", "-o", rich_help_panel=OUTPUT, help="Write to this file instead of stdout."
    ),
]
DocTopics = Annotated[
    Optional[Path],
    typer.Option(
        rich_help_panel=OUTPUT,
        help="Write each document's topic weights to FILE.csv, FILE.jsonl or FILE.parquet.",
    ),
]
Vocabulary = Annotated[
    bool,
    typer.Option(
        "--vocabulary",
        metavar=FLAG,
        rich_help_panel=OUTPUT,
        help="Report what vectorizing kept and pruned (and why), the most frequent terms, and "
        "stop words the token pattern never produces.",
    ),
]
Html = Annotated[
    Optional[Path],
    typer.Option(
        rich_help_panel=OUTPUT,
        help="Also write a self-contained HTML explorer of the result (opens offline).",
    ),
]
Normalize = Annotated[
    bool,
    typer.Option(
        "--normalize",
        metavar=FLAG,
        rich_help_panel=OUTPUT,
        help="Document-topic weights as proportions per document (NMF; each row sums to 1).",
    ),
]
Save = Annotated[
    Optional[Path],
    typer.Option(
        rich_help_panel=MODEL_FILES,
        help="Save the fitted model as a bundle folder (reuse it with show and infer).",
    ),
]
SaveSnippets = Annotated[
    bool,
    typer.Option(
        "--save-snippets",
        metavar=FLAG,
        rich_help_panel=MODEL_FILES,
        help="Keep in the --save bundle the first 300 characters of the documents its explorer "
        "page shows (each topic's 10 most representative), so `topics explore` can show them.",
    ),
]
Force = Annotated[
    bool,
    typer.Option(
        "--force",
        metavar=FLAG,
        rich_help_panel=MODEL_FILES,
        help="Replace an existing bundle at --save.",
    ),
]

# --- quality and cache -------------------------------------------------------------------
Docs = Annotated[
    int,
    typer.Option(
        min=0,
        rich_help_panel=QUALITY,
        help="List each topic's N most representative documents (id, weight, snippet).",
    ),
]
Seeds = Annotated[
    int,
    typer.Option(
        min=1,
        rich_help_panel=QUALITY,
        help="Fit N seeds and report each topic's stability (flagging unstable ones).",
    ),
]
Plot = Annotated[
    bool,
    typer.Option(
        "--plot",
        metavar=FLAG,
        rich_help_panel=QUALITY,
        help="Draw the singular value spectrum (SVD) or the documents each topic wins (NMF) on "
        "stderr.",
    ),
]
Quiet = Annotated[
    bool,
    typer.Option(
        "--quiet",
        "-q",
        metavar=FLAG,
        rich_help_panel=QUALITY,
        help="No progress display on stderr (it only shows when stderr is a terminal).",
    ),
]
CacheDir = Annotated[
    Optional[Path],
    typer.Option(
        "--cache-dir",
        rich_help_panel=CACHE,
        help="Where vectorized corpora and finished runs are kept for repeated runs (default: "
        "TOPICS_CACHE_DIR, else $XDG_CACHE_HOME/topiccli or ~/.cache/topiccli).",
    ),
]
NoCache = Annotated[
    bool,
    typer.Option(
        "--no-cache",
        metavar=FLAG,
        rich_help_panel=CACHE,
        help="Neither read nor write the corpus cache or the run cache (also: TOPICS_CACHE=0).",
    ),
]

# --- engine ------------------------------------------------------------------------------
Scheduler = Annotated[
    Optional[str],
    typer.Option(
        "--scheduler",
        metavar="ADDRESS",
        rich_help_panel=ENGINE,
        show_default="this machine, or DASK_SCHEDULER_ADDRESS when set",
        help="Factorize on a Dask cluster (pip install 'topiccli[dask]'): local or local:N "
        "starts N workers on 127.0.0.1, tcp://host:8786 is a running scheduler, none forces "
        "this machine.",
    ),
]

# --- sweep -------------------------------------------------------------------------------
Method = Annotated[
    Literal["nmf", "svd"], typer.Option(rich_help_panel=SWEEP, help="The model to sweep.")
]
KRange = Annotated[
    str,
    typer.Option(
        "--k",
        "-k",
        callback=parse_k_range,
        rich_help_panel=SWEEP,
        help="FIRST:LAST[:STEP], inclusive, e.g. 2:20 or 2:20:2.",
    ),
]
SweepSeeds = Annotated[
    int, typer.Option(min=1, rich_help_panel=SWEEP, help="Fits per k, for the stability score.")
]

Criterion = Annotated[
    Optional[Literal["agreement", "score"]],
    typer.Option(
        rich_help_panel=SWEEP,
        show_default="agreement for nmf, score for svd",
        help="How k is recommended: agreement (stability of the top 20 terms under 80% "
        "subsamples, Greene et al. 2014) or score (coherence × diversity × seed stability).",
    ),
]
Samples = Annotated[
    int,
    typer.Option(min=1, rich_help_panel=SWEEP, help="Subsamples per k for --criterion agreement."),
]

# --- models ------------------------------------------------------------------------------
ModelPath = Annotated[Path, typer.Argument(help="A model bundle folder written by --save.")]
ShowTopWords = Annotated[
    Optional[int],
    typer.Option(
        min=1,
        rich_help_panel=OUTPUT,
        show_default="as many as the fit showed",
        help="Words shown per topic.",
    ),
]
RowFormat = Annotated[
    Literal["table", "json", "csv", "jsonl"],
    typer.Option(
        "--format",
        "-f",
        rich_help_panel=OUTPUT,
        help="table for people; json, csv or jsonl (one document a line) for programs.",
    ),
]

DEFAULTS = {
    "k": ModelSpec.k,
    "seed": ModelSpec.seed,
    "top_words": ModelSpec.top_words,
    "max_iter": ModelSpec.max_iter,
    "tol": ModelSpec.tol,
    "vectorizer": VectorizerSettings.kind,
    "stop_words": VectorizerSettings.stop_words,
    "token_pattern": VectorizerSettings.token_pattern,
    "clean": VectorizerSettings.clean,
    "plurals": VectorizerSettings.plurals,
    "language": VectorizerSettings.language,
    "min_df": str(VectorizerSettings.min_df),
    "max_df": str(VectorizerSettings.max_df),
    "ngram_range": ",".join(map(str, VectorizerSettings.ngram_range)),
    "subset": SourceSpec.subset,
    "method": SweepSpec.method,
    "k_range": K_RANGE,
}
"""Defaults as option text, read off the specs (so they are written in one place)."""

# --- seed words and phrases (docs/seeds-and-phrases.md) -----------------------------------------

SeedWords = Annotated[
    Optional[Path],
    typer.Option(
        "--seed-words",
        metavar="FILE",
        rich_help_panel=MODEL,
        help="Seeded topics, one a line: '[name:] word word ...'; they come first, the other "
        "topics stay free. See docs/seeds-and-phrases.md.",
    ),
]
SeedStrength = Annotated[
    Optional[float],
    typer.Option(
        "--seed-strength",
        min=0.0,
        rich_help_panel=MODEL,
        show_default="0.1 under kl, 0.25 under frobenius",
        help="How hard seeded topics are held to their words: guide documents per seeded "
        "topic as a share of an average topic's documents (0: a seeded start only).",
    ),
]
Phrases = Annotated[
    bool,
    typer.Option(
        "--phrases",
        metavar=FLAG,
        rich_help_panel=VECTORIZE,
        help="Join collocations (NPMI > 0.5, seen >= 10 times) into single terms such as "
        "new_york before weighting. See docs/seeds-and-phrases.md.",
    ),
]

ANALYSES = "Over time and by group"
TimeField = Annotated[
    Optional[str],
    typer.Option(
        rich_help_panel=ANALYSES,
        help="JSONL/CSV input: the field holding each document's time (ISO date or datetime, "
        "or epoch seconds): topics over time. Values that are no time are counted and warned.",
    ),
]
TimeBin = Annotated[
    Literal["day", "week", "month", "quarter", "year", "auto"],
    typer.Option(
        rich_help_panel=ANALYSES,
        help="Time bins; auto: the finest unit with at most 60 bins of at least 10 documents "
        "each on average.",
    ),
]
GroupField = Annotated[
    Optional[str],
    typer.Option(
        rich_help_panel=ANALYSES,
        help="JSONL/CSV input: the field naming each document's group: topics across groups.",
    ),
]
ByLabel = Annotated[
    bool,
    typer.Option(
        rich_help_panel=ANALYSES,
        help="Topics across groups, the groups being the documents' labels.",
    ),
]
Trends = Annotated[
    Optional[Path],
    typer.Option(
        rich_help_panel=ANALYSES,
        help="Write the over-time and by-group rows (prevalence, interval, words) to FILE.csv.",
    ),
]
