"""What a command asks for, as plain frozen data: the source, the vectorizer, the model.

This module is the one owner of every default (the dataclass fields; the CLI's options read
them from here) and imports nothing heavy, so the run cache, the renderers and ``--help``
can use it without numpy. Validation of these specs lives at the application's entry
(``topiccli.models.validate``), not here.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

METHODS = ("svd", "nmf")
VECTORIZERS = ("count", "tfidf")
NMF_LOSSES = ("frobenius", "kl")
DEFAULT_LOSS = {"count": "kl", "tfidf": "kl"}
"""NMF's loss when none is given, by vectorizer: chosen on evidence (README, make compare-loss)."""
NMF_TOL = {"frobenius": 2e-6, "kl": 3e-5}
"""NMF's stopping tolerance when none is given, by loss: the run stops when one iteration lowers
the objective by less than this fraction, (f_prev − f) < tol·f_prev. Chosen so the final
objective ends within 1e-4 (Frobenius) / 5e-4 (KL) relative of scikit-learn's defaults' on 20NG
(train/all × TF-IDF/Count × k = 10, 20; bench/defaults.py, measured in bench/RESULTS.md)."""
REFIT_TOL = 1e-4
"""The tolerance of the helper fits when none is given (the stability check's warm starts and the
sweep's resampling refits): they compare top words, not objectives."""

NEWSGROUP_PARTS = ("headers", "footers", "quotes")
"""The parts of a 20 Newsgroups post that can be stripped (all of them by default)."""
SUBSETS = ("train", "test", "all")
STOP_WORD_LISTS = ("auto", "english", "fillers", "none")
"""The named stop-word lists ``VectorizerSettings.stop_words`` may join with files by ``+``
(besides ISO 639-1 codes, each its language's list: topiccli.text.stopwords)."""
MAX_FILE_BYTES = 16 * 2**20
"""The most read from any one file of a folder (16 MiB), so memory stays bounded."""


@dataclass(frozen=True, eq=False)
class Documents:
    """Texts held in memory (from Python: ``topiccli.TopicModel``), with their ids and labels;
    compared by identity, so a spec holding them never hashes or compares the texts."""

    texts: tuple[str, ...]
    ids: tuple[str, ...]
    labels: tuple[str | None, ...] | None = None


@dataclass(frozen=True)
class SourceSpec:
    """Where the documents come from: a folder/file (``input``), texts in memory
    (``documents``) or 20 Newsgroups."""

    input: Path | None = None
    glob: str | None = None
    categories: tuple[str, ...] = ()
    subset: str = "train"
    remove: tuple[str, ...] = NEWSGROUP_PARTS
    data_home: Path | None = None
    text_field: str | None = None
    """For .jsonl/.csv files and stdin (``input`` "-"): the fields holding text, id, label."""
    id_field: str | None = None
    label_field: str | None = None
    max_file_bytes: int = MAX_FILE_BYTES
    """A folder's files are read up to this many bytes each (so memory stays bounded)."""
    labels: bool = True
    """False (``--no-labels``): the documents have no labels, whatever their subfolders, a
    label field or the newsgroups say."""
    documents: Documents | None = None
    """Texts given from Python instead of ``input`` (never cached: they have no fingerprint)."""
    time_field: str | None = None
    """For .jsonl/.csv files and stdin: the field holding each document's time (ISO date or
    datetime, or epoch seconds), for topics over time (quality.trends)."""
    group_field: str | None = None
    """For .jsonl/.csv files and stdin: the field naming each document's group, for topics
    across groups (quality.groups)."""

    @property
    def is_stdin(self) -> bool:
        return self.input is not None and str(self.input) == "-"


@dataclass(frozen=True)
class VectorizerSettings:
    """Every choice that shapes the document-term matrix (scikit-learn's meaning where it has
    one; the defaults and the evidence for them: topiccli.text.rules)."""

    kind: str = "tfidf"
    stop_words: str = "auto"
    """``+``-joined: ``auto`` (the language's list; ``english+fillers`` for English),
    ``english`` (scikit-learn's list), ``fillers`` (topiccli's), an ISO 639-1 code, ``none``,
    or the path of a file, one word a line."""
    min_df: int | float | str = "auto"
    """A document count, a proportion, or ``"auto"``: max(2, ⌈0.0005·n⌉)."""
    max_df: int | float = 0.5
    max_features: int | None = None
    ngram_range: tuple[int, int] = (1, 1)
    token_pattern: str = "letters"
    """``letters`` (two or more letters), ``words`` (scikit-learn's ``\\w\\w+``) or a regex."""
    contractions: str = "strip"
    """``strip`` (``don't`` → ``do`` before tokenizing) or ``keep``."""
    junk: str = "drop"
    """``drop`` (uuencoded, base64 and binary-like documents are skipped and counted) or
    ``keep``."""
    clean: str = "nfkc+markup+links+boilerplate"
    """``+``-joined cleaning steps before tokenizing (topiccli.text.clean), or ``none``."""
    plurals: str = "keep"
    """``fold`` English plurals into singulars present in the corpus (topiccli.text.plurals),
    ``keep`` them, or ``auto``: fold when the stop words are English's. ``keep`` by default:
    folding lowered label NMI on 2 of 4 20 Newsgroups selections (scripts/evaluate_languages.md)."""
    language: str = "auto"
    """``auto`` (detected on a sample, topiccli.text.languages) or ISO 639-1 codes joined by
    ``+``; a vectorized matrix's settings hold the resolved codes."""
    lemmatize: bool | None = None
    """Reduce words to their lemmas (simplemma) before counting; topiccli.text.lemmatize.
    ``None`` (auto): lemmatize when the detected language is not English and simplemma covers
    it (German label NMI 0.382 → 0.398, junk topics 2 → 0: scripts/evaluate_languages.md);
    English keeps its measured default (no lemmas). A vectorized matrix's settings hold the
    resolved bool."""
    phrases: bool = False
    """Join collocations found by NPMI into single terms (``new_york``); topiccli.text.phrases."""

    def as_dict(self) -> dict:
        data = asdict(self)
        data["ngram_range"] = list(self.ngram_range)
        if not self.phrases:  # said only when asked for: earlier outputs and keys unchanged
            del data["phrases"]
        return data

    @property
    def stop_word_files(self) -> list[Path]:
        """The stop-word files these settings read (inputs of the run)."""
        return [Path(item) for item in self.stop_words.split("+")
                if item and item not in STOP_WORD_LISTS and not _is_code(item)]  # fmt: skip


def _is_code(item: str) -> bool:
    """A stop-word item naming a language's list (two lowercase letters, e.g. ``de``)."""
    return len(item) == 2 and item.isalpha() and item.islower()


@dataclass(frozen=True)
class ModelSpec:
    """What to fit and how to describe it."""

    method: str
    k: int = 6
    seed: int = 0
    top_words: int = 8
    max_iter: int = 200
    tol: float | None = None
    """None: the loss's default (NMF_TOL)."""
    solver: str | None = None
    """None: the method's default (svd: propack; nmf: the loss's, hals or amu)."""
    loss: str | None = None
    """NMF loss, ``"frobenius"`` or ``"kl"``; None: the vectorizer's default (DEFAULT_LOSS)."""
    init: str | None = None
    """NMF start; None: the solver's default."""
    alpha_w: float = 0.0
    alpha_h: float | None = None
    """None: the same as ``alpha_w`` (scikit-learn's "same")."""
    l1_ratio: float = 0.0
    docs: int = 0
    """Representative documents listed per topic (0: none)."""
    seeds: int = 1
    """Fits for the stability check (1: none); see topiccli.quality.stability."""
    seed_words: tuple = ()
    """NMF: the seeded topics (topiccli.models.seed_words.SeedTopic), topics 0..s−1."""
    seed_strength: float | None = None
    """How hard seeded topics are held (topiccli.factorize.seeding); None: the core's default."""

    def nmf_loss(self, vectorizer: str) -> str:
        """The NMF loss a run uses: the one asked for, else the vectorizer's default."""
        return self.loss or DEFAULT_LOSS[vectorizer]

    def nmf_tol(self, loss: str) -> float:
        """The stopping tolerance an NMF fit under ``loss`` uses: the one asked for, else the
        loss's default (NMF_TOL)."""
        return NMF_TOL[loss] if self.tol is None else self.tol

    @property
    def regularization(self) -> dict:
        """The NMF penalties in scikit-learn's words (``alpha_H`` resolved from "same")."""
        alpha_h = self.alpha_w if self.alpha_h is None else self.alpha_h
        return {"alpha_W": float(self.alpha_w), "alpha_H": float(alpha_h),
                "l1_ratio": float(self.l1_ratio)}  # fmt: skip


@dataclass(frozen=True)
class SweepSpec:
    """A sweep over k: the model settings shared by every fit, the ks and the seeds."""

    method: str = "nmf"
    ks: tuple[int, ...] = tuple(range(2, 21))
    seeds: int = 1
    seed: int = 0
    top_words: int = ModelSpec.top_words
    max_iter: int = ModelSpec.max_iter
    tol: float | None = ModelSpec.tol
    """None: the loss's default (NMF_TOL); REFIT_TOL for the resampling refits."""
    loss: str | None = None
    criterion: str | None = None
    """``agreement`` (stability under resampling, Greene et al. 2014; NMF's default) or
    ``score`` (coherence × diversity × seed stability; SVD's default)."""
    samples: int = 10
    """Subsamples of 80% of the documents per k for the agreement criterion."""

    @property
    def chosen_criterion(self) -> str:
        return self.criterion or ("agreement" if self.method == "nmf" else "score")

    def model(self, k: int) -> ModelSpec:
        return ModelSpec(method=self.method, k=k, seed=self.seed, top_words=self.top_words,
                         max_iter=self.max_iter, tol=self.tol, loss=self.loss)  # fmt: skip


@dataclass(frozen=True)
class FitFiles:
    """The files a fit may write besides its report."""

    save: Path | None = None
    """A model bundle folder (``topics show``/``infer`` read it)."""
    force: bool = False
    """Replace an existing bundle at ``save``."""
    save_snippets: bool = False
    """Keep in the bundle the openings of the documents its explorer page shows."""
    doc_topics: Path | None = None
    """Each document's topic weights, as .csv or .jsonl."""
    normalize: bool = False
    """Document weights as proportions per document (rows sum to 1) in ``doc_topics``."""
    html: Path | None = None
    """The self-contained HTML explorer of the fit (topiccli.explorer)."""
    vocabulary: bool = False
    """Report what vectorizing kept and pruned (``vocabulary`` in the report)."""

    @property
    def needs_factors(self) -> bool:
        """Whether the run must fit (a run-cache hit keeps no factors)."""
        return self.vocabulary or any(
            p is not None for p in (self.save, self.doc_topics, self.html)
        )


TIME_BINS = ("day", "week", "month", "quarter", "year", "auto")


@dataclass(frozen=True)
class AnalysisSpec:
    """Which analyses of a fit to run besides its topics: over time (``SourceSpec.time_field``)
    and across groups (``SourceSpec.group_field``, or the labels with ``by_label``)."""

    time_bin: str = "auto"
    """The time bins: day, week, month, quarter, year, or auto (quality.trends' rule)."""
    by_label: bool = False
    """Group the documents by their labels (when no group field is given)."""
    trends: Path | None = None
    """A CSV file of every analysis row (render.trends: topic, bin, group, prevalence, …)."""


K_RANGE = "2:20"
"""The sweep's default range of k."""


def parse_k_range(text: str) -> tuple[int, ...]:
    """``"2:20"`` or ``"2:20:2"`` (inclusive) → the ks; a single ``"5"`` is (5,)."""
    from .errors import UsageError

    parts = text.split(":")
    try:
        numbers = [int(p) for p in parts]
    except ValueError:
        numbers = []
    if len(numbers) == 1:
        numbers = [numbers[0], numbers[0]]
    if len(numbers) not in (2, 3):
        raise UsageError(f"k expects FIRST:LAST[:STEP] such as 2:20, got {text!r}", params=("k",))
    first, last, step = (*numbers, 1) if len(numbers) == 2 else numbers
    if not (1 <= first <= last and step >= 1):
        raise UsageError(f"k expects 1 <= FIRST <= LAST and STEP >= 1, got {text!r}", params=("k",))
    return tuple(range(first, last + 1, step))
