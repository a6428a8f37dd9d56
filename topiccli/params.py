"""Every parameter's constraint and meaning, declared once as data.

In the spirit of scikit-learn's ``_parameter_constraints`` (``utils/_param_validation.py``):
each entry says which values a parameter takes (:class:`Interval`, :class:`Choice`, ``None``)
and what it means. The defaults stay the specs' dataclass fields (topiccli.specs); this table
says what may replace them. Three readers and no restatement:

* the CLI (topiccli.cli.options) turns a :class:`Choice` into the option's choices, an
  :class:`Interval` into its bounds, and ``help`` into its help text;
* ``TopicModel``, ``NMF`` and ``TruncatedSVD`` validate their parameters with it
  (:func:`check`, or scikit-learn's own check through topiccli.models.constraints);
* the model layer's entry (topiccli.models.fitting.resolve_model) checks a ModelSpec with
  it, then resolves it once.

Each public entry validates; what it hands down is trusted. Importing this module loads no
numpy (``topics --help`` stays instant).
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

from .errors import UsageError
from .factorize.options import NMF_INITS, NMF_LOSSES, NMF_SOLVERS, SVD_SOLVERS
from .specs import DTYPES, METHODS, SUBSETS, TIME_BINS, VECTORIZERS


@dataclass(frozen=True)
class Interval:
    """A number of ``kind`` (int or float) between ``low`` and ``high`` (inclusive; None: open)."""

    kind: type
    low: float | None = None
    high: float | None = None

    def accepts(self, value) -> bool:
        number = numbers.Integral if self.kind is int else numbers.Real
        if isinstance(value, bool) or not isinstance(value, number):
            return False
        return (self.low is None or value >= self.low) and (self.high is None or value <= self.high)

    def __str__(self) -> str:
        kind = "an integer" if self.kind is int else "a number"
        if self.low is not None and self.high is not None:
            return f"{kind} from {self.low:g} to {self.high:g}"
        return f"{kind} of at least {self.low:g}" if self.low is not None else kind


@dataclass(frozen=True)
class Choice:
    """One of a few strings."""

    values: tuple[str, ...]

    def accepts(self, value) -> bool:
        return isinstance(value, str) and value in self.values

    def __str__(self) -> str:
        return "one of " + ", ".join(repr(v) for v in self.values)


@dataclass(frozen=True)
class Param:
    """One parameter: what it takes (any of ``allowed``; None in it: None is allowed too; empty:
    checked where it is parsed) and what it means (``help``, the CLI's help text)."""

    name: str
    help: str
    allowed: tuple = ()

    @property
    def choices(self) -> tuple[str, ...] | None:
        return next((c.values for c in self.allowed if isinstance(c, Choice)), None)

    @property
    def interval(self) -> Interval | None:
        return next((c for c in self.allowed if isinstance(c, Interval)), None)

    @property
    def optional(self) -> bool:
        return None in self.allowed

    def check(self, value, name: str | None = None) -> None:
        """Raise a UsageError (exit 2) naming this parameter (or ``name``, its name in the
        caller's words) unless ``value`` is allowed."""
        if not self.allowed or any(c is None and value is None or c is not None and
                                   c.accepts(value) for c in self.allowed):  # fmt: skip
            return
        said = " or ".join("None" if c is None else str(c) for c in self.allowed)
        name = name or self.name
        raise UsageError(f"{name} must be {said}, got {value!r}", params=(name,))


def _p(name: str, help: str, *allowed) -> Param:
    return Param(name, help, tuple(allowed))


COUNT = Interval(int, 1)
"""A whole number of at least 1."""
NONNEGATIVE = Interval(float, 0.0)

_TABLE = [
    # -- source ----------------------------------------------------------------------------
    _p("input", "A folder of text files, one text file, a .jsonl/.csv/.parquet file of records "
       "(or a quoted glob of them), or - for stdin, instead of 20 Newsgroups."),
    _p("glob", "Only files matching this glob (on the name; on the path if it has /)."),
    _p("categories", "20 Newsgroups categories, comma-separated or repeated."),
    _p("subset", "20 Newsgroups subset.", Choice(SUBSETS)),
    _p("remove", "Parts of each 20 Newsgroups post to strip: headers, footers, quotes, or none."),
    _p("max_file_bytes", "Read at most this much of each file in a folder (e.g. 16M); longer "
       "files are cut there with a warning, so memory stays bounded."),
    _p("data_home", "scikit-learn data home (default: its own, honouring SCIKIT_LEARN_DATA)."),
    _p("text_field", "JSONL/CSV/Parquet input: the field (column) holding each document's text."),
    _p("id_field", "JSONL/CSV/Parquet input: the field (column) holding each document's id."),
    _p("label_field", "JSONL/CSV/Parquet input: the field (column) holding each document's "
       "label."),
    _p("time_field", "JSONL/CSV input: the field holding each document's time (ISO date or "
       "datetime, or epoch seconds): topics over time. Values that are no time are counted and "
       "warned."),
    _p("group_field", "JSONL/CSV input: the field naming each document's group: topics across "
       "groups."),
    _p("time_bin", "Time bins; auto: the finest unit with at most 60 bins of at least 10 "
       "documents each on average.", Choice(TIME_BINS)),
    _p("by_label", "Topics across groups, the groups being the documents' labels."),
    _p("trends", "Write the over-time and by-group rows (prevalence, interval, words) to "
       "FILE.csv."),
    # -- vectorizer ------------------------------------------------------------------------
    _p("vectorizer", "Term weighting.", Choice(VECTORIZERS)),
    _p("stop_words", "+-joined lists: auto (the language's list; english+fillers for English), "
       "an ISO 639-1 code (de, zh, ...), english (scikit-learn's), fillers (20 conversational "
       "words such as said, just, mr), none, or a file with one stop word a line."),
    _p("token_pattern", "letters (two or more letters, no digits), words (scikit-learn's "
       "\\w\\w+) or a regular expression."),
    _p("contractions", "Tokenize don't, it's as they are (default: strip the clitic: do, it).",
       Choice(("strip", "keep"))),
    _p("junk", "Keep uuencoded, base64 and binary-like documents (default: skip and count "
       "them).", Choice(("drop", "keep"))),
    _p("clean", "+-joined cleaning steps before tokenizing: nfkc (Unicode normalization), "
       "markup (HTML/XML documents lose their tags; entities decoded), links (URLs and e-mail "
       "addresses removed), boilerplate (lines/sentences repeated in 0.3% or more of the "
       "documents dropped); or none."),
    _p("plurals", "English plurals: fold (stars counted as star, when the corpus has star too), "
       "keep, or auto (fold when the stop words are English).", Choice(("auto", "fold", "keep"))),
    _p("language", "auto (detected on a sample of the documents) or an ISO 639-1 code such as "
       "en, de, zh, ja, ko, th. Chinese, Japanese, Korean and Thai are split into words (pip "
       "install 'topiccli[languages]'); docs/languages.md."),
    _p("lemmatize", "Count words by lemma (Häuser → haus; simplemma, pip install "
       "'topiccli[lemmatize]'), for the languages it covers. Default: on for a detected "
       "language other than English that simplemma covers, when it is installed."),
    _p("phrases", "Join collocations (NPMI > 0.5, seen >= 10 times) into single terms such as "
       "new_york before weighting. See docs/seeds-and-phrases.md."),
    _p("min_df", "Ignore terms in fewer documents (integer count, float proportion, or auto: "
       "max(2, 0.05% of the documents))."),
    _p("max_df", "Ignore terms in more documents (integer count, or float proportion)."),
    _p("max_features", "Keep only the most frequent terms.", COUNT, None),
    _p("ngram_range", "MIN,MAX word n-gram lengths."),
    # -- model -----------------------------------------------------------------------------
    _p("method", "The model to fit.", Choice(tuple(sorted(METHODS)))),
    _p("k", "Number of topics.", COUNT),
    _p("seed", "Random seed; same inputs and seed give the same topics.", Interval(int, 0)),
    _p("svd_solver", "propack/arpack: exact Lanczos; randomized: Halko et al. (approximate).",
       Choice(SVD_SOLVERS), None),
    _p("loss", "frobenius: least squares; kl: Kullback-Leibler divergence (PLSA's).",
       Choice(NMF_LOSSES), None),
    _p("solver", "frobenius: hals (coordinate descent) or mu (multiplicative updates); kl: ccd "
       "(extrapolated coordinate descent; one machine only), amu (over-relaxed multiplicative "
       "updates; a cluster's default) or mu.",
       Choice(NMF_SOLVERS), None),
    _p("init", "Starting point.", Choice(tuple(sorted(NMF_INITS))), None),
    _p("alpha_w", "Regularisation of W (document-topic), as scikit-learn's alpha_W.",
       NONNEGATIVE),
    _p("alpha_h", "Regularisation of H (topic-term), as scikit-learn's alpha_H.", NONNEGATIVE,
       None),
    _p("l1_ratio", "Share of L1 in the regularisation (0: L2 only; 1: L1, sparser topics).",
       Interval(float, 0.0, 1.0)),
    _p("max_iter", "Iteration cap.", COUNT),
    _p("seed_words", "Seeded topics, one a line: '[name:] word word ...'; they come first, the "
       "other topics stay free. See docs/seeds-and-phrases.md."),
    _p("seed_strength", "How hard seeded topics are held to their words: guide documents per "
       "seeded topic as a share of an average topic's documents (0: a seeded start only).",
       NONNEGATIVE, None),
    _p("tol", "Stop when the loss falls by less than this fraction in one iteration.",
       NONNEGATIVE, None),
    _p("dtype", "NMF's precision: float32 halves the memory traffic; float64 (the default) "
       "keeps the documents' top topics as settled (docs/settled.md).", Choice(DTYPES), None),
    _p("top_words", "Words shown per topic.", COUNT),
    _p("docs", "List each topic's N most representative documents (id, weight, snippet).",
       Interval(int, 0)),
    _p("seeds", "Fit N seeds and report each topic's stability (flagging unstable ones).",
       COUNT),
    # -- sweep -----------------------------------------------------------------------------
    _p("criterion", "How k is recommended: agreement (stability of the top 20 terms under 80% "
       "subsamples, Greene et al. 2014) or score (coherence × diversity × seed stability).",
       Choice(("agreement", "score")), None),
    _p("samples", "Subsamples per k for --criterion agreement.", COUNT),
    # -- files and engine ------------------------------------------------------------------
    _p("doc_topics", "Write each document's topic weights to FILE.csv, FILE.jsonl or "
       "FILE.parquet."),
    _p("html", "Also write a self-contained HTML explorer of the result (opens offline)."),
    _p("vocabulary", "Report what vectorizing kept and pruned (and why), the most frequent "
       "terms, and stop words the token pattern never produces."),
    _p("normalize", "Document-topic weights as proportions per document (NMF; each row sums "
       "to 1)."),
    _p("save", "Save the fitted model as a bundle folder (reuse it with show and infer)."),
    _p("save_snippets", "Keep in the --save bundle the first 300 characters of the documents "
       "its explorer page shows (each topic's 10 most representative), so `topics explore` "
       "can show them."),
    _p("force", "Replace an existing bundle at --save."),
    _p("scheduler", "Factorize on a Dask cluster (pip install 'topiccli[dask]'): local or "
       "local:N starts N workers on 127.0.0.1, tcp://host:8786 is a running scheduler, none "
       "forces this machine."),
]  # fmt: skip

PARAMS: dict[str, Param] = {p.name: p for p in _TABLE}
"""Parameter name → its declaration (the library's names: ``alpha_w``, ``min_df``...)."""


def check(values: dict) -> None:
    """Check every value whose name the table knows (a UsageError names the first bad one)."""
    for name, value in values.items():
        param = PARAMS.get(name)
        if param is not None:
            param.check(value)
