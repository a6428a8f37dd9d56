"""scikit-learn's CountVectorizer/TfidfVectorizer output, tokenized and counted on every core.

``fit_transform`` gives exactly what ``CountVectorizer(...).fit_transform`` or
``TfidfVectorizer(...).fit_transform`` give (indices sorted, as float64): the same vocabulary
in the same (sorted) order, the same integer counts, the same IDF and the same TF-IDF values
bit for bit, the same ValueErrors with scikit-learn's messages, and the same stop-word
consistency warning. Settings ``supports`` refuses (another token pattern), input that is not
a list of str, and parameters scikit-learn's validation rejects are handed to scikit-learn
itself, so the result (or its error) is still scikit-learn's.

How it stays exact
------------------
* **Lowercasing** is Python's own ``str.lower`` (one C call a document), so 'İ' -> 'i̇', final
  sigma, 'ẞ' -> 'ß' and every multi-character lowercase are Python's. Rust's
  ``to_lowercase`` (polars') follows another Unicode version and is not used. On an ASCII
  document (``str.isascii``) ``str.lower`` maps A-Z to a-z and nothing else, so there the
  ``bytes.translate`` below does it.
* **ASCII documents** (nearly all of 20NG's) skip the regex: one ``bytes.translate`` keeps
  Python's ASCII ``\\w`` ([0-9A-Za-z_]; A-Z lowercased) and turns every other byte into a
  space, polars splits at the spaces, and a filter on the byte length (which, in ASCII, is
  the character length) drops the empty strings and the runs shorter than m: the maximal
  runs of >= m word characters, as below, a third cheaper in CPU than the regex. In a block
  where the other documents hold at most ``OTHER_SHARE`` of the characters, each of them is
  replaced by its runs of >= m word characters found by Python's own ``re`` (``\\w{m,}``),
  joined by spaces (no space is ``\\w``; >= m characters are >= m bytes, so the filter keeps
  them); a block with more goes through the Rust regex below whole. The test: every ASCII
  character alone and between word characters, mixed with non-ASCII documents, both ways.
* **Tokens.** For the patterns ``supports`` accepts, ``(?u)`` optional, ``\\b`` optional on
  either side, ``\\w`` repeated m-1 times, then ``\\w+`` — the default ``(?u)\\b\\w\\w+\\b`` is
  m = 2 — Python's ``re.findall`` returns exactly the maximal runs of word characters that are
  at least m characters long: a match can only start where a run starts (``\\b``, or the
  previous match ended at a run's end), the greedy ``\\w+`` then takes the whole run and the
  closing ``\\b`` holds there; runs shorter than m never match. (sre's ``\\b`` uses the same
  predicate as its ``\\w``: ``str.isalnum() or '_'``.) The Rust regex ``[W]{m,}`` finds the same
  runs when W is the same set of characters, so W is built at run time from the running
  Python's own ``\\w`` (the runs of ``re.finditer(r"\\w+", every code point)``: ~730 ranges),
  not from Rust's ``\\w``, which follows another Unicode version (superscript digits ¹²³, for
  one, are ``\\w`` in Python and not in Rust). tests/text/test_fast_vectorize.py checks, through
  polars, every code point 0..0x10FFFF alone and between word characters.
* **Letters only.** For ``LETTERS_TOKEN_PATTERN``, ``(?u)\\b[^\\W\\d_][^\\W\\d_]+\\b``, and its
  family ``\\b[^\\W\\d_]{m-1}[^\\W\\d_]+\\b``, ``re.findall`` returns exactly the maximal runs
  of word characters that are made only of letters (``[^\\W\\d_]``: ``\\w`` but no ``\\d``, no
  '_') and are at least m long: a match starts only where a run starts (``\\b``), the greedy
  class takes the run's letters, and the closing ``\\b`` holds only if the run ends there; if
  a digit or '_' follows, backtracking cannot help (``\\b`` never holds between two word
  characters), and no later start inside the run has a ``\\b``. So ``"abc1 def_x ghi"`` gives
  ``["ghi"]``. (Python's letters include what is ``\\w`` without being decimal: superscripts
  ¹²³, fractions ½, Roman numerals Ⅻ, so ``"x²y"`` is a token.) Here: the runs of >= m word
  characters as above, then those holding a character of ``[\\d_]`` (the word characters that
  are no letters: every ``\\d`` is a ``\\w``) dropped, that class also built from Python's
  own ``[\\d_]`` over every code point (``non_letter_word_class``). Tests: the claim itself
  against a brute force over random strings (digits of several scripts, '_', superscripts,
  combining marks, CJK…), both classes on every code point, and scikit-learn as the oracle.
* **Order.** polars sorts strings by their UTF-8 bytes, which is code-point order, Python's
  order. Lone surrogates (not UTF-8) are never word characters: they become U+FFFD, also none.
* **Stop words, n-grams, pruning** follow ``_word_ngrams`` and ``_limit_features``: stop words
  leave before n-grams are formed; ``max_features`` ranks with scikit-learn's own unstable
  ``(-tfs[mask]).argsort()`` on an array of the same dtype (int64 for Count, float64 for
  TF-IDF) and order, so even its tie-breaking is the same.
* **TF-IDF** is ``TfidfTransformer``'s arithmetic operation for operation. The row norms are
  the subtle part: scikit-learn sums each row in storage order, which is the order the terms
  first appeared in the corpus, not column order; ``normalize_as_sklearn`` reproduces that
  order and the sequential sum (see there), so even the last bit agrees.

Measurements (2 cores, idle; ``python -m bench.vectorizer``, 2026-12-02)
-----------------------------------------------------------------------
English stop words, min_df=2, max_df=0.95; medians of alternating rounds (5 on 20NG, 3 on
the 200k corpus); every pair of results identical. CPU ratio: scikit-learn's CPU seconds
over ours (all threads).

| corpus (docs, characters) | vectorizer | scikit-learn | ours | speedup | CPU ratio |
|---|---|---|---|---|---|
| 20NG train (11,314; 14 M) | Count | 1.05 s | 0.23 s | 4.56x | 3.03x |
| 20NG train | TF-IDF | 1.11 s | 0.28 s | 3.94x | 2.56x |
| 20NG all (18,846; 22 M) | Count | 1.75 s | 0.40 s | 4.36x | 2.92x |
| 20NG all | TF-IDF | 1.74 s | 0.41 s | 4.25x | 2.68x |
| 200k generated (200,000; 225 M) | Count | 18.31 s | 3.70 s | 4.95x | 2.85x |
| 200k generated | TF-IDF | 18.07 s | 4.41 s | 4.09x | 2.39x |

What the last round changed (the same day, before: 3.78x, 3.24x, 4.18x, 3.64x, 4.71x, 4.05x in
the same order): a corpus of at most two blocks' worth is one block on polars' streaming
engine (no merge); a block's entries found from document changes and group starts; the TF-IDF
row sums keyed by first appearance through a per-row sort. scikit-learn is one thread, so the
wall ratio is at most the CPU ratio times the cores ours gets.

Peak RSS on the 200k corpus, fresh process, 395 MB of texts already loaded: Count 951 MB
(scikit-learn 732 MB), TF-IDF 951 MB (scikit-learn 737 MB).

Choosing the library (20NG-all, 22 M characters, CPU seconds on one thread): polars'
``str.extract_all`` 0.25 s (its regex search alone 0.14 s), pyarrow's
``split_pattern_regex`` 0.51 s and ``count_substring_regex`` alone 0.36 s, so pyarrow was
dropped; the whole polars pipeline is 0.59 s of CPU against scikit-learn's 1.65 s, and
polars spreads it over both cores. Processes running scikit-learn's analyzer over chunks
would need those 1.65 s of CPU (plus pickling the tokens back) and could at best halve
them on two cores. So ours is ~2.8x less work and the rest is parallelism: on a loaded
machine the ratio falls towards 2.8x. First call in a process: ~0.4 s (numpy, scipy and
polars imports, 0.15 s of it for building the word class), not included above.

Memory and threads: a corpus of at most ``BLOCK_WORKERS`` × ``BLOCK_CHARS`` characters is
one block, collected on polars' streaming engine (which spreads its tokenizing and grouping
over the cores); a larger one is processed in blocks of ~``BLOCK_CHARS`` characters,
``BLOCK_WORKERS`` (2) at a time on threads, so one block's serial steps (the Python-side
translation, numpy's counting) overlap the other's polars work; each block becomes a CSR
block over its own sorted vocabulary, and blocks are merged at the end (the map from a
block's sorted vocabulary into the global sorted vocabulary is increasing, so indices stay
sorted), copied on threads and each freed as it is copied. Peak memory is about twice the
CSR matrix plus two blocks' tokens. The TF-IDF row norms run on threads over ranges of rows
(each row's sum is its own, so the bits do not depend on the split).

polars is imported inside the functions only: importing this module imports nothing heavy,
and the fast path never imports scikit-learn.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from numbers import Integral, Real
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    import scipy.sparse

from .rules import LETTERS_TOKEN_PATTERN  # noqa: E402,F401  (topiccli's default)
from .rules import WORD_TOKEN_PATTERN as DEFAULT_TOKEN_PATTERN  # noqa: E402

"""Words of two or more letters: no digits, no underscores, no digit-letter mixes."""
BLOCK_CHARS = 12_000_000
"""Characters of text tokenized at once (bounds the memory of the exploded tokens)."""

LONG_ROW = 4096
"""Rows with more entries than this have their TF-IDF norms summed one by one
(``_sequential_row_sums``)."""

THREADED_NNZ = 1 << 18
"""Entries from which the row norms are computed on several threads."""

BLOCK_WORKERS = 2
"""Blocks tokenized and counted at once, each on its own thread (polars and numpy release
the GIL; each block also uses polars' own threads)."""

BLOCK_DOCS = 1 << 20
"""Documents at most in a block (``seen`` keeps 30 bits for a block's document number)."""

_ANALYZER_DEFAULTS = {
    "analyzer": "word",
    "tokenizer": None,
    "preprocessor": None,
    "strip_accents": None,
    "vocabulary": None,
    "binary": False,
    "input": "content",
}
"""scikit-learn settings this module does not implement: ``supports`` wants their defaults."""

_PATTERN = re.compile(r"(?:\(\?u\))?(?:\\b)?((?:\\w)*)\\w\+(?:\\b)?")
_LETTER = r"\[\^(?:\\W\\d_|\\W_\\d|\\d\\W_|\\d_\\W|_\\W\\d|_\\d\\W)\]"
_LETTERS_PATTERN = re.compile(
    rf"(?:\(\?u\))?\\b(?:((?:{_LETTER})*)|{_LETTER}\{{(\d{{1,3}})\}})({_LETTER})\+\\b"
)


def _parse(token_pattern) -> tuple[int, bool] | None:
    """(m, letters_only) when ``token_pattern`` finds exactly the maximal runs of >= m word
    characters (made only of letters, ``[^\\W\\d_]``, when ``letters_only``), else None."""
    if not isinstance(token_pattern, str):
        return None
    match = _PATTERN.fullmatch(token_pattern)
    if match is not None:
        return len(match.group(1)) // 2 + 1, False
    match = _LETTERS_PATTERN.fullmatch(token_pattern)
    if match is None:
        return None
    if match.group(2) is not None:
        return int(match.group(2)) + 1, True
    return len(match.group(1)) // len(match.group(3)) + 1, True  # every spelling is 8 long


def _min_run(token_pattern: str) -> int | None:
    """m when ``token_pattern`` finds exactly the maximal runs of >= m word characters
    (of letters only, for the letters patterns; see ``_parse``)."""
    parsed = _parse(token_pattern)
    return None if parsed is None else parsed[0]


def supports(*, token_pattern: str = DEFAULT_TOKEN_PATTERN, ngram_range=(1, 1),
             lowercase: bool = True, **_) -> bool:  # fmt: skip
    """True when ``fit_transform`` is guaranteed identical to scikit-learn for these settings.

    Accepted token patterns:

    * ``(?u)`` optional, ``\\b`` optional at either end, then ``\\w`` repeated, ending in
      ``\\w+``: the default ``(?u)\\b\\w\\w+\\b``, ``\\w+``, ``\\b\\w\\w\\w+\\b``…
    * letters only (``LETTERS_TOKEN_PATTERN``): ``(?u)`` optional, then ``\\b``,
      ``[^\\W\\d_]`` repeated (or ``[^\\W\\d_]{k}``), ``[^\\W\\d_]+``, ``\\b``: the letters
      default ``(?u)\\b[^\\W\\d_][^\\W\\d_]+\\b``, ``\\b[^\\W\\d_]+\\b``,
      ``\\b[^\\W\\d_]{2}[^\\W\\d_]+\\b``… (``[^\\W\\d_]`` may list \\W, \\d and _ in any order;
      both ``\\b`` are required: without them a match may start or end inside a run,
      "1ab" -> "ab").

    Anything else (other character classes, alternatives, other escapes, capture groups,
    flags, ``\\w*``) is refused, and so are an n-gram range that is not two integers
    1 <= MIN <= MAX and any other scikit-learn analyzer setting given with a value other than
    its default (analyzer, tokenizer, preprocessor, strip_accents, vocabulary, binary, input):
    the caller then uses scikit-learn.
    """
    if _parse(token_pattern) is None:
        return False
    for name, default in _ANALYZER_DEFAULTS.items():
        if name in _ and _[name] != default:  # scikit-learn's other analyzer settings
            return False
    if not isinstance(lowercase, bool):
        return False
    try:
        low, high = ngram_range
    except (TypeError, ValueError):
        return False
    return isinstance(low, Integral) and isinstance(high, Integral) and 1 <= low <= high


def _every_code_point() -> str:
    """Every code point, in order, as one string (surrogates included): built from their
    UTF-32 bytes, 0.01 s against 0.12 s for joining a million ``chr`` (not kept: 4 MB)."""
    import numpy as np

    return np.arange(0x110000, dtype="<u4").tobytes().decode("utf-32-le", "surrogatepass")


@lru_cache(maxsize=4)
def char_class(python_class: str = r"\w") -> str:
    """A Rust regex character class of exactly the characters the running Python's
    ``python_class`` (a one-character regex such as ``\\w``) matches, from every code point."""
    parts = []
    for match in re.finditer(f"(?:{python_class})+", _every_code_point()):
        first, last = match.start(), match.end() - 1
        parts.append(f"\\x{{{first:X}}}" if first == last else f"\\x{{{first:X}}}-\\x{{{last:X}}}")
    return "[" + "".join(parts) + "]"


def word_class() -> str:
    """A regex character class of exactly the characters the running Python's ``\\w`` matches."""
    return char_class(r"\w")


def letter_class() -> str:
    """The same for Python's ``[^\\W\\d_]`` (word characters but decimal digits and '_')."""
    return char_class(r"[^\W\d_]")


def non_letter_word_class() -> str:
    """The same for Python's ``[\\d_]``: the word characters that are no letters (every
    ``\\d`` is a ``\\w``), so a run of word characters is letters only iff it has none."""
    return char_class(r"[\d_]")


def rust_pattern(token_pattern: str) -> str:
    """The Rust regex finding the same runs as the Python ``token_pattern`` (see supports);
    for a letters pattern the runs that hold a ``non_letter_word_class`` character must then
    be dropped (``rust_patterns``)."""
    return rust_patterns(token_pattern)[0]


def rust_patterns(token_pattern: str) -> tuple[str, str | None]:
    """(runs, reject): the Rust regex of the runs, and the one whose runs are dropped (None
    for the ``\\w`` patterns)."""
    parsed = _parse(token_pattern)
    if parsed is None:
        raise ValueError(f"token pattern {token_pattern!r} has no exact Rust equivalent")
    m, letters = parsed
    return f"{word_class()}{{{m},}}", non_letter_word_class() if letters else None


_SURROGATES = re.compile("[\ud800-\udfff]")


def _series(texts: list[str]):
    import polars as pl

    try:
        return pl.Series("text", texts, dtype=pl.String)
    except UnicodeEncodeError:
        # lone surrogates are no word characters; U+FFFD is none either
        return pl.Series("text", [_SURROGATES.sub("\ufffd", t) for t in texts], dtype=pl.String)


@lru_cache(maxsize=1)
def _implode_is_in() -> bool:
    """Whether ``is_in`` takes its set as one imploded list (polars >= 1.28-ish; older
    versions compare row by row with it), found by trying."""
    import polars as pl

    try:
        found = pl.Series(["a", "b"]).is_in(pl.Series(["a"]).implode()).to_list()
    except Exception:
        return False
    return found == [True, False]


def _ascii_table(lowercase: bool) -> bytes:
    """``bytes.translate`` table: Python's ASCII ``\\w`` ([0-9A-Za-z_]) kept, A-Z lowercased
    when ``lowercase`` (on ASCII text ``str.lower`` does exactly that), every other byte a
    space."""
    table = bytearray(b" " * 256)
    for c in b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_":
        table[c] = c + 32 if lowercase and 65 <= c <= 90 else c
    return bytes(table)


_ASCII_TABLES = {lowercase: _ascii_table(lowercase) for lowercase in (False, True)}


OTHER_SHARE = 0.05
"""A block whose non-ASCII documents hold more than this share of its characters goes
through the Rust regex whole; below it, those documents through Python's ``re``."""


def _runs(chunk: list[str], lowercase: bool, pattern: str, m: int):
    """(doc, term): every run of >= m word characters of a block's documents, in document
    then text order, each document lowercased first as Python's ``str.lower`` does.

    An ASCII document (most of them) is lowercased and has its non-word characters turned
    into spaces by one ``bytes.translate``, then split at the spaces in polars (the runs of
    ASCII ``\\w``, plus empty strings and runs shorter than m, which a length filter drops:
    in ASCII, bytes are characters): a third cheaper than the regex. The few other documents
    become their runs of >= m characters found by Python's own ``re`` (``\\w{m,}``), joined
    by spaces (>= m characters are >= m bytes: the filter keeps them all). A block with many
    non-ASCII documents (``OTHER_SHARE``) goes through the Rust ``pattern`` instead.
    """
    import polars as pl

    ascii_docs = [t.isascii() for t in chunk]
    other_chars = sum(len(t) for t, is_ascii in zip(chunk, ascii_docs) if not is_ascii)
    if other_chars > OTHER_SHARE * sum(map(len, chunk)):
        lowered = [t.lower() for t in chunk] if lowercase else chunk
        return (
            pl.DataFrame([_series(lowered)]).lazy().with_row_index("doc")
            .select("doc", pl.col("text").str.extract_all(pattern).alias("term"))
            .explode("term").drop_nulls("term")
        )  # fmt: skip
    table = _ASCII_TABLES[lowercase]
    runs = re.compile(rf"\w{{{m},}}").findall
    translated = [
        t.encode().translate(table) if is_ascii
        else " ".join(runs(t.lower() if lowercase else t)).encode()  # no surrogate is \w
        for t, is_ascii in zip(chunk, ascii_docs)
    ]  # fmt: skip
    text = pl.Series("text", translated, dtype=pl.Binary).cast(pl.String)
    del translated
    return (
        pl.DataFrame([text]).lazy().with_row_index("doc")
        .select("doc", pl.col("text").str.split(" ").alias("term"))
        .explode("term").filter(pl.col("term").str.len_bytes() >= m)
    )  # fmt: skip


def _tokens(runs, stop_words, ngram_range, with_seen: bool, reject: str | None = None,
            phrases=None):  # fmt: skip
    """(doc, term, seen) of every n-gram of a block, as scikit-learn's analyzer makes them.

    The tokens are the ``runs`` (``_runs``) but those ``reject`` finds something in, with
    ``phrases`` (pairs, topiccli.text.phrases) joined once stop words have left.

    ``seen`` orders the n-grams as scikit-learn meets them: by document, then n, then position
    (``doc << 34 | (n - low) << 31 | unigram row``; a block has < 2**24 documents and
    < 2**31 tokens), so a term's smallest ``seen`` is its first appearance in the corpus.
    """
    import polars as pl

    frame = runs
    drop = []
    if reject is not None:  # runs with a digit or '_' for the letters patterns
        drop.append(pl.col("term").str.contains(reject))
    if stop_words:
        stop = pl.Series(sorted(stop_words), dtype=pl.String)
        drop.append(pl.col("term").is_in(stop.implode() if _implode_is_in() else stop))
    if drop:
        frame = frame.filter(~pl.any_horizontal(drop) if len(drop) > 1 else ~drop[0])
    if phrases is not None:
        from .phrases import join_frame

        frame = join_frame(frame, phrases)
    frame = frame.with_row_index("row")
    low, high = ngram_range
    grams = []
    for n in range(low, high + 1):
        seen = (
            pl.col("doc").cast(pl.UInt64) * (1 << 34)
            + pl.lit((n - low) << 31, dtype=pl.UInt64)
            + pl.col("row").cast(pl.UInt64)
        ).alias("seen")
        extra = [seen] if with_seen else []  # only TF-IDF's norm needs it
        if n == 1:
            grams.append(frame.select("doc", "term", *extra))
            continue
        shifted = [pl.col("term").shift(-i) for i in range(n)]
        same_doc = pl.col("doc").shift(-(n - 1)) == pl.col("doc")
        grams.append(
            frame.select(
                "doc",
                pl.concat_str(shifted, separator=" ").alias("term"),
                *extra,
                same_doc.fill_null(False).alias("same"),
            )
            .filter("same")
            .drop("same")
        )
    return grams[0] if len(grams) == 1 else pl.concat(grams)


def _block_counts(tokens, n_docs: int):
    """A block's CSR counts over its own sorted vocabulary, that vocabulary (polars) and each
    term's first appearance (``seen``, numpy uint64).

    polars groups the (doc, term) rows by term, in parallel, keeping each group's rows in
    their order (documents ascending): that is the block's matrix by columns, with each
    repeated document of a column adjacent, so run lengths give the counts. The columns are
    then put in term order (sorting the V terms, not the rows), and the CSC -> CSR conversion
    leaves every row's indices sorted.
    """
    import numpy as np
    import polars as pl
    import scipy.sparse as sp

    with_seen = "seen" in tokens.collect_schema()
    extra = [pl.col("seen").min()] if with_seen else []
    # polars' streaming engine splits even one block's tokenizing and grouping across the
    # cores: 10-20% less wall time than the in-memory engine on a 20NG-sized block
    grouped = tokens.group_by("term").agg("doc", *extra).collect(engine="streaming")
    order = grouped["term"].arg_sort().to_numpy()  # the V groups, not the rows, are sorted
    vocab = grouped["term"].gather(order)
    seen = grouped["seen"].to_numpy()[order] if with_seen else None
    lengths = grouped["doc"].list.len().to_numpy()
    docs = grouped["doc"].explode().to_numpy()
    del grouped
    n, n_terms = len(docs), len(lengths)
    group_start = np.zeros(n_terms + 1, dtype=np.int64)
    np.cumsum(lengths, out=group_start[1:])
    if n > 1:  # never seen: polars keeps the order of rows within a group
        down = docs[1:] < docs[:-1]
        down[group_start[1:-1] - 1] = False  # the comparisons across two groups
        if down.any():
            term = np.repeat(np.arange(n_terms, dtype=np.int32), lengths)
            docs = docs[np.lexsort((docs, term))]
        del down
    # an entry of the block's matrix starts where the document changes or a group begins
    start = np.empty(n, dtype=bool)
    start[:1] = True
    np.not_equal(docs[1:], docs[:-1], out=start[1:])
    start[group_start[:-1]] = True
    first = np.flatnonzero(start)
    del start
    counts = np.diff(first, append=n).astype(np.float64)
    indptr = np.searchsorted(first, group_start)
    by_term = sp.csc_matrix((counts, docs[first].astype(np.int32), indptr), shape=(n_docs, n_terms))
    X = by_term[:, order].tocsr()  # columns in term order
    X.has_sorted_indices = True  # CSC -> CSR emits each row's columns in order
    return X, vocab, seen


def _merge(blocks, n_docs: int):
    """One CSR matrix over the union of the blocks' vocabularies (sorted), that vocabulary,
    and each term's rank of first appearance in the corpus (int64).

    Each block's sorted vocabulary maps into the sorted union by an increasing map (so rows
    stay sorted); the blocks are copied through their maps on ``_workers()`` threads (numpy
    releases the GIL), each block freed once copied: the peak is the result and the blocks.
    """
    import numpy as np
    import polars as pl
    import scipy.sparse as sp

    if len(blocks) == 1:
        X, vocab, seen = blocks[0]
        if seen is None:
            return X, vocab, None
        return X, vocab, _ranks(seen)
    locals_ = pl.concat([vocab for _, vocab, _ in blocks])
    vocab = locals_.unique().sort()
    nnz = sum(X.nnz for X, _, _ in blocks)
    index_dtype = np.int32 if max(nnz, len(vocab)) <= np.iinfo(np.int32).max else np.int64
    # every block's map at once: position in the union of each local term
    remap = (
        pl.LazyFrame({"term": locals_}).select(pl.col("term").cast(pl.Enum(vocab)).to_physical())
        .collect()["term"].to_numpy().astype(index_dtype)
    )  # fmt: skip
    del locals_
    splits = np.cumsum([len(local) for _, local, _ in blocks])[:-1]
    remaps = np.split(remap, splits)
    rank = None
    if blocks[0][2] is not None:
        rank = _first_appearance(remaps, [seen for _, _, seen in blocks], len(vocab))
    data = np.empty(nnz, dtype=np.float64)
    indices = np.empty(nnz, dtype=index_dtype)
    indptr = np.empty(n_docs + 1, dtype=index_dtype)
    indptr[0] = 0
    offsets = np.cumsum([0] + [X.nnz for X, _, _ in blocks]).tolist()
    rows = np.cumsum([0] + [X.shape[0] for X, _, _ in blocks]).tolist()

    def copy(b: int) -> None:
        X = blocks[b][0]
        blocks[b] = None  # freed once copied
        offset, end, row = offsets[b], offsets[b + 1], rows[b]
        np.take(remaps[b], X.indices, out=indices[offset:end])  # increasing: rows stay sorted
        data[offset:end] = X.data
        np.add(X.indptr[1:], offset, out=indptr[row + 1 : row + 1 + X.shape[0]])

    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(_workers()) as pool:
        for done in [pool.submit(copy, b) for b in range(len(blocks))]:
            done.result()
    X = sp.csr_matrix((data, indices, indptr), shape=(n_docs, len(vocab)))
    X.has_sorted_indices = True
    return X, vocab, rank


def _ranks(keys):
    """The rank of each key in ascending order (keys distinct)."""
    import numpy as np

    rank = np.empty(len(keys), dtype=np.int64)
    rank[np.argsort(keys)] = np.arange(len(keys), dtype=np.int64)
    return rank


def _first_appearance(remaps, seens, n_terms: int):
    """Each term's rank of first appearance: by its first block, then its ``seen`` there."""
    import numpy as np

    first_block = np.empty(n_terms, dtype=np.int64)
    first_seen = np.empty(n_terms, dtype=np.uint64)
    for b in range(len(remaps) - 1, -1, -1):  # the earliest block writes last
        first_block[remaps[b]] = b
        first_seen[remaps[b]] = seens[b]
    order = np.lexsort((first_seen, first_block))
    rank = np.empty(n_terms, dtype=np.int64)
    rank[order] = np.arange(n_terms, dtype=np.int64)
    return rank


def _valid(kind, min_df, max_df, max_features, norm, use_idf, smooth_idf, sublinear_tf) -> bool:
    """False for settings scikit-learn's parameter validation refuses (it then raises)."""

    def df_ok(value):
        if isinstance(value, bool):
            return False
        if isinstance(value, Integral):
            return value >= 1
        return isinstance(value, Real) and 0.0 <= value <= 1.0

    if kind not in ("count", "tfidf") or not (df_ok(min_df) and df_ok(max_df)):
        return False
    if max_features is not None and (
        isinstance(max_features, bool) or not isinstance(max_features, Integral)
        or max_features < 1
    ):  # fmt: skip
        return False
    if kind == "tfidf":
        if norm not in (None, "l1", "l2"):
            return False
        if not all(isinstance(v, bool) for v in (use_idf, smooth_idf, sublinear_tf)):
            return False
    return True


def _sklearn(texts, kind, **params):
    """scikit-learn's own result (used where this module would not be exact)."""
    import numpy as np
    import scipy.sparse as sp
    from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer

    if kind == "tfidf":
        vectorizer = TfidfVectorizer(**params)
    else:
        for name in ("norm", "use_idf", "smooth_idf", "sublinear_tf"):
            params.pop(name)
        vectorizer = CountVectorizer(**params)
    X = sp.csr_matrix(vectorizer.fit_transform(texts)).astype(np.float64, copy=False)
    X.sort_indices()
    return X, vectorizer.get_feature_names_out(), getattr(vectorizer, "idf_", None)


def _warn_stop_words(stop_words, token_pattern: str, lowercase: bool) -> None:
    """scikit-learn's warning when tokenizing the stop words gives words not among them."""
    if not stop_words:
        return
    import warnings

    tokenize = re.compile(token_pattern).findall
    inconsistent = set()
    for word in stop_words:
        for token in tokenize(word.lower() if lowercase else word):
            if token not in stop_words:
                inconsistent.add(token)
    if inconsistent:
        warnings.warn(
            "Your stop_words may be inconsistent with your preprocessing. Tokenizing the stop "
            f"words generated tokens {sorted(inconsistent)!r} not in stop_words.",
            stacklevel=3,
        )


def fit_transform(
    texts: Sequence[str],
    *,
    kind: str = "count",
    stop_words: frozenset[str] | None,
    min_df: int | float = 1,
    max_df: int | float = 1.0,
    max_features: int | None = None,
    ngram_range: tuple[int, int] = (1, 1),
    token_pattern: str = DEFAULT_TOKEN_PATTERN,
    lowercase: bool = True,
    norm: str | None = "l2",
    use_idf: bool = True,
    smooth_idf: bool = True,
    sublinear_tf: bool = False,
    phrases=None,
) -> tuple[scipy.sparse.csr_matrix, np.ndarray, np.ndarray | None]:
    """(X, terms, idf) exactly as scikit-learn's vectorizer of ``kind`` would give them.

    X is a float64 CSR matrix with sorted indices (documents × terms), terms an object array
    in scikit-learn's column order, idf the IDF weights (TF-IDF with ``use_idf``) or None.
    Raises scikit-learn's ValueErrors: "empty vocabulary; perhaps the documents only contain
    stop words", "max_df corresponds to < documents than min_df", "After pruning, no terms
    remain. Try a lower min_df or a higher max_df." ``phrases`` (pairs, topiccli.text.phrases)
    are joined into single terms before n-grams are formed (the parallel path only).
    """
    if isinstance(texts, str):
        raise ValueError("Iterable over raw text documents expected, string object received.")
    params = dict(
        stop_words=stop_words if stop_words is None or isinstance(stop_words, str)
        else sorted(stop_words),
        min_df=min_df, max_df=max_df, max_features=max_features,
        ngram_range=tuple(ngram_range), token_pattern=token_pattern, lowercase=lowercase,
        norm=norm, use_idf=use_idf, smooth_idf=smooth_idf, sublinear_tf=sublinear_tf,
    )  # fmt: skip
    texts = list(texts)
    exact = supports(token_pattern=token_pattern, ngram_range=ngram_range, lowercase=lowercase)
    valid = _valid(kind, min_df, max_df, max_features, norm, use_idf, smooth_idf, sublinear_tf)
    if isinstance(stop_words, str):  # scikit-learn's "english": its own business
        exact = False
    if not (exact and valid) or not all(type(t) is str for t in texts):
        if phrases is not None:
            raise ValueError("phrases are joined on the parallel path only")
        return _sklearn(texts, kind, **params)
    import numpy as np

    X, vocab, rank = _count_all(texts, stop_words, ngram_range=ngram_range,
                                token_pattern=token_pattern, lowercase=lowercase,
                                first_appearance=kind == "tfidf" and norm is not None,
                                phrases=phrases)  # fmt: skip
    X, vocab, dfs, rank = _prune(X, vocab, rank, len(texts), kind=kind, min_df=min_df,
                                 max_df=max_df, max_features=max_features)  # fmt: skip
    terms = np.asarray(vocab.to_list(), dtype=object)
    idf = None
    if kind == "tfidf":
        X, idf = _tfidf(X, dfs, rank, norm, use_idf, smooth_idf, sublinear_tf)
    return X, terms, idf


EMPTY_VOCABULARY = "empty vocabulary; perhaps the documents only contain stop words"
"""scikit-learn's message when no term is left before pruning (no documents included)."""


def _count_all(texts: list[str], stop_words, *, ngram_range, token_pattern: str,
               lowercase: bool, first_appearance: bool, phrases=None):  # fmt: skip
    """``count`` over the whole corpus, after the stop-word warning, with scikit-learn's error
    when there is no document or no term."""
    stop = None if stop_words is None else frozenset(stop_words)
    _warn_stop_words(stop, token_pattern, lowercase)
    if len(texts) == 0:  # scikit-learn: no documents, so no vocabulary
        raise ValueError(EMPTY_VOCABULARY)
    X, vocab, rank = count(texts, stop_words=stop, ngram_range=ngram_range,
                           token_pattern=token_pattern, lowercase=lowercase,
                           first_appearance=first_appearance, phrases=phrases)  # fmt: skip
    if len(vocab) == 0:
        raise ValueError(EMPTY_VOCABULARY)
    return X, vocab, rank


def _prune(X, vocab, rank, n_docs: int, *, kind: str, min_df, max_df, max_features):
    """CountVectorizer.fit_transform's document-count limits, then its _limit_features:
    (X, vocabulary, document frequencies, first-appearance ranks) of the kept columns."""
    import numpy as np

    dfs = np.bincount(X.indices, minlength=X.shape[1])
    totals = None
    if max_features is not None:
        totals = np.bincount(X.indices, weights=X.data, minlength=X.shape[1])
    mask = feature_mask(dfs, totals, n_docs, kind=kind, min_df=min_df, max_df=max_df,
                        max_features=max_features)  # fmt: skip
    kept = np.flatnonzero(mask)
    if len(kept) < X.shape[1]:
        X = _keep_columns(X, mask)
        vocab = vocab.gather(kept)
        dfs = dfs[kept]
        rank = None if rank is None else _ranks(rank[kept])  # 0..len(kept)-1 again
    return X, vocab, dfs, rank


def count(texts: list[str], *, stop_words: frozenset[str] | None, ngram_range=(1, 1),
          token_pattern: str = DEFAULT_TOKEN_PATTERN, lowercase: bool = True,
          first_appearance: bool = False, phrases=None):  # fmt: skip
    """(X, vocabulary, rank): the counts of ``texts`` (float64 CSR, indices sorted) over their
    own sorted vocabulary (a polars Series), before any pruning, and with
    ``first_appearance`` each term's rank of first appearance in ``texts`` (int64; None
    otherwise), the order scikit-learn stores each row in (see ``normalize_as_sklearn``).

    The counting half of ``fit_transform``, for settings ``supports`` accepts; a corpus
    counted in parts (``topiccli.distributed``) calls it once per part. Documents go in
    blocks of about ``BLOCK_CHARS`` characters, ``BLOCK_WORKERS`` at a time on threads.
    """
    from ..memory import release_freed_memory

    pattern, reject = rust_patterns(token_pattern)
    m = _min_run(token_pattern)
    stop = None if not stop_words else frozenset(stop_words)
    n_docs = len(texts)
    ranges = _block_ranges(texts)

    def block(bounds):
        start, end = bounds
        runs = _runs(texts[start:end], lowercase, pattern, m)
        tokens = _tokens(runs, stop, tuple(ngram_range), first_appearance, reject, phrases)
        del runs
        return _block_counts(tokens, end - start)

    if not ranges:
        import numpy as np
        import polars as pl
        import scipy.sparse as sp

        rank = np.zeros(0, dtype=np.int64) if first_appearance else None
        return sp.csr_matrix((0, 0), dtype=np.float64), pl.Series([], dtype=pl.String), rank
    workers = min(BLOCK_WORKERS, len(ranges))
    if workers <= 1:
        blocks = [block(bounds) for bounds in ranges]
    else:  # one block's serial steps (lowercasing, numpy) overlap another's polars work
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(workers) as pool:
            blocks = list(pool.map(block, ranges))
    merged = _merge(blocks, n_docs)
    del blocks
    release_freed_memory()  # the blocks' and polars' memory, before pruning copies X
    return merged


def detect_phrases(texts: list[str], *, stop_words: frozenset[str] | None,
                   token_pattern: str = DEFAULT_TOKEN_PATTERN, lowercase: bool = True,
                   threshold: float | None = None,
                   min_count: int | None = None) -> list:  # fmt: skip
    """The phrases of ``texts`` (sorted pairs; topiccli.text.phrases): one tokenizing pass as
    ``count`` tokenizes, then unigram and bigram counts over the blocks, scored by NPMI."""
    from . import phrases

    pattern, reject = rust_patterns(token_pattern)
    m = _min_run(token_pattern)
    stop = None if not stop_words else frozenset(stop_words)
    frames = []
    for start, end in _block_ranges(texts):
        runs = _runs(texts[start:end], lowercase, pattern, m)
        frame = _tokens(runs, stop, (1, 1), False, reject).select("doc", "term")
        frames.append(frame.collect().lazy())
    if not frames:
        return []
    return phrases.detect_frames(
        frames,
        phrases.THRESHOLD if threshold is None else threshold,
        phrases.MIN_COUNT if min_count is None else min_count,
    )


def _block_ranges(texts) -> list[tuple[int, int]]:
    """The corpus's blocks of documents, (start, end) each (see ``count``)."""
    n_docs = len(texts)
    # A corpus of at most BLOCK_WORKERS blocks' worth is one block: the same characters in
    # flight as that many blocks at once, and no merge; polars' streaming engine spreads it
    # over the cores (20NG all, 22 M characters: 8% less wall time than two blocks). Larger
    # corpora: blocks of about equal size, at most BLOCK_CHARS characters, BLOCK_WORKERS at
    # a time (one block at a time of twice the size is 15% slower on 200k documents).
    total = sum(map(len, texts))
    if total <= BLOCK_WORKERS * BLOCK_CHARS:
        block_chars = max(1, total)
    else:
        block_chars = max(1, -(-total // max(1, -(-total // max(1, BLOCK_CHARS)))))
    ranges, start = [], 0
    while start < n_docs:
        end, size = start, 0
        while end < n_docs and (size < block_chars and end - start < BLOCK_DOCS or end == start):
            size += len(texts[end])
            end += 1
        ranges.append((start, end))
        start = end
    return ranges


def feature_mask(dfs, totals, n_docs: int, *, kind: str, min_df, max_df, max_features):
    """The kept terms (a boolean mask over the sorted vocabulary), as ``CountVectorizer``'s
    document-count limits and ``_limit_features`` choose them: ``min_df <= df <= max_df``
    (an integer counts documents, a float is a proportion of ``n_docs``), then the
    ``max_features`` terms of highest total count ``totals`` (needed only with
    ``max_features``), ranked with scikit-learn's own unstable ``(-tfs[mask]).argsort()``
    on an array of its dtype (int64 for Count, float64 for TF-IDF), so ties break the same.

    Raises scikit-learn's ValueErrors ("max_df corresponds to < documents than min_df",
    "After pruning, no terms remain...").
    """
    import numpy as np

    max_doc_count = max_df if isinstance(max_df, Integral) else max_df * n_docs
    min_doc_count = min_df if isinstance(min_df, Integral) else min_df * n_docs
    if max_doc_count < min_doc_count:
        raise ValueError("max_df corresponds to < documents than min_df")
    mask = (dfs <= max_doc_count) & (dfs >= min_doc_count)
    if max_features is not None and mask.sum() > max_features:
        # the same array (dtype and order) scikit-learn argsorts, so the same tie-breaking
        tfs = np.asarray(totals).astype(np.int64 if kind == "count" else np.float64)
        mask_inds = (-tfs[mask]).argsort()[:max_features]
        new_mask = np.zeros(len(dfs), dtype=bool)
        new_mask[np.where(mask)[0][mask_inds]] = True
        mask = new_mask
    if not mask.any():
        raise ValueError("After pruning, no terms remain. Try a lower min_df or a higher max_df.")
    return mask


def idf_weights(dfs, n_docs: int, smooth_idf: bool = True):
    """``TfidfTransformer``'s idf, operation for operation: log((n + s) / (df + s)) + 1."""
    import numpy as np

    df = np.asarray(dfs).astype(np.float64)
    df += float(smooth_idf)
    n_samples = n_docs + int(smooth_idf)
    idf = np.full_like(df, fill_value=n_samples, dtype=np.float64)
    idf /= df
    np.log(idf, out=idf)
    idf += 1.0
    return idf


def _keep_columns(X, mask):
    """X restricted to the columns where ``mask`` holds, renumbered in order (rows stay sorted)."""
    import numpy as np
    import scipy.sparse as sp

    keep = mask[X.indices]
    new_index = (np.cumsum(mask) - 1).astype(X.indices.dtype)
    counts = np.zeros(X.nnz + 1, dtype=X.indptr.dtype)
    np.cumsum(keep, out=counts[1:])
    indptr = counts[X.indptr]
    del counts
    Y = sp.csr_matrix(
        (X.data[keep], new_index[X.indices[keep]].astype(X.indices.dtype), indptr),
        shape=(X.shape[0], int(mask.sum())),
    )
    Y.has_sorted_indices = True
    return Y


def _tfidf(X, dfs, rank, norm, use_idf, smooth_idf, sublinear_tf):
    """TfidfTransformer.fit then transform, operation for operation (bit-equal)."""
    import numpy as np

    idf = idf_weights(dfs, X.shape[0], smooth_idf) if use_idf else None
    if sublinear_tf:
        np.log(X.data, X.data)
        X.data += 1.0
    if idf is not None:
        X.data *= idf[X.indices]
    if norm is not None:
        normalize_as_sklearn(X, norm, rank)  # scikit-learn's normalize, sum for sum
    return X, idf


def normalize_as_sklearn(X, norm: str, rank, workers: int | None = None) -> None:
    """Normalize X's rows in place with exactly the sums scikit-learn's ``normalize`` computes.

    scikit-learn (``_inplace_csr_row_normalize_l1/l2`` in sparsefuncs_fast.pyx) adds up each
    row sequentially in its storage order, ``s += x * x`` (or ``fabs(x)``) from 0.0, skips a
    row whose sum is 0, else divides the row by ``sqrt(s)`` (or ``s``). Its rows are stored in
    the order the terms first appeared in the corpus (``_sort_features`` renumbers the columns
    without re-sorting the rows), and rounding makes the order show in the last bit. So: put
    each row's entries in first-appearance order (columns renumbered by first appearance, then
    CSR -> CSC -> CSR, which orders every row), add them
    sequentially (``_sequential_row_sums``), and divide.

    Every row is computed on its own, so ranges of rows (of about equal numbers of entries) go
    to ``workers`` threads (numpy and scipy's sparsetools release the GIL): the same sums.
    """
    import numpy as np

    if X.nnz == 0:
        return
    if workers is None:
        workers = _workers() if X.nnz >= THREADED_NNZ else 1
    ranks = rank.astype(X.indices.dtype)
    targets = np.linspace(0, X.nnz, workers + 1)[1:-1]
    cuts = np.searchsorted(X.indptr, targets).tolist()
    bounds = sorted({0, X.shape[0], *cuts})
    parts = list(zip(bounds[:-1], bounds[1:]))
    if len(parts) == 1:
        _normalize_rows(X, norm, ranks, *parts[0])
        return
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(len(parts)) as pool:
        for done in [pool.submit(_normalize_rows, X, norm, ranks, lo, hi) for lo, hi in parts]:
            done.result()


def _workers() -> int:
    """Threads for the numpy steps: the cores this process may use (at most 4)."""
    import os

    try:
        return max(1, min(4, len(os.sched_getaffinity(0))))
    except AttributeError:  # not on Linux
        return max(1, min(4, os.cpu_count() or 1))


def _normalize_rows(X, norm: str, ranks, lo: int, hi: int) -> None:
    """``normalize_as_sklearn`` for rows lo..hi-1 (``ranks``: rank in X's index dtype)."""
    import numpy as np
    import scipy.sparse as sp

    first, last = int(X.indptr[lo]), int(X.indptr[hi])
    if first == last:
        return
    indptr = X.indptr[lo : hi + 1] - first
    lengths = np.diff(indptr)
    data = X.data[first:last]  # a view: the rows are divided in place
    terms = np.abs(data) if norm == "l1" else np.multiply(data, data)
    # each row's terms keyed by first appearance, then sorted within the row (scipy's
    # per-row sort, cache-local: cheaper than two transposes across all columns)
    by_appearance = sp.csr_matrix(
        (terms, ranks[X.indices[first:last]], indptr), shape=(hi - lo, len(ranks)), copy=False
    )
    by_appearance.has_sorted_indices = False
    by_appearance.sort_indices()
    sums = _sequential_row_sums(by_appearance.data, indptr, lengths)
    del by_appearance, terms
    if norm == "l2":
        np.sqrt(sums, out=sums)
    sums[sums == 0.0] = 1.0  # scikit-learn leaves such rows alone; x / 1.0 == x
    data /= np.repeat(sums, lengths)  # the same divisions, in any order


def _sequential_row_sums(values, indptr, lengths):
    """Each row's sum, added left to right from 0.0 as a C loop would (not numpy's pairwise sum).

    Rows in order of decreasing length: step j adds every row's j-th value (the rows longer
    than j are a prefix of that order) to its running sum, one vectorized addition per
    position, so each row is summed strictly in order. Rows longer than ``LONG_ROW`` (a
    document with that many distinct terms) are each summed by ``np.cumsum``, also a
    sequential scan, so the steps stop at ``LONG_ROW``.
    """
    import numpy as np

    n_rows = len(lengths)
    sums = np.zeros(n_rows, dtype=np.float64)
    if n_rows == 0 or len(values) == 0:
        return sums
    starts = indptr[:-1].astype(np.int64)
    for row in np.flatnonzero(lengths > LONG_ROW).tolist():
        sums[row] = np.cumsum(values[starts[row] : starts[row] + lengths[row]])[-1]
    short = np.flatnonzero((lengths > 0) & (lengths <= LONG_ROW))
    if len(short) == 0:
        return sums
    order = short[np.argsort(-lengths[short], kind="stable")]
    longest = lengths[order]
    position = starts[order]
    active = np.searchsorted(-longest, -np.arange(int(longest[0])), side="left")
    running = np.zeros(len(order), dtype=np.float64)
    for j, a in enumerate(active.tolist()):
        running[:a] += values[position[:a] + j]
    sums[order] = running
    return sums
