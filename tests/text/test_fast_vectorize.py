"""topiccli.text.fast_vectorize against its oracle, scikit-learn's CountVectorizer/TfidfVectorizer.

Every comparison is exact: the same terms in the same order, the same matrix entries and the
same IDF, bit for bit (TF-IDF included), or the same ValueError message.
"""

from __future__ import annotations

import re
import subprocess
import sys
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, CountVectorizer, TfidfVectorizer

from topiccli.text import fast_vectorize as fv

CUSTOM_STOP = frozenset({"ab", "the", "ßa", "x1", "__", "ab cd", "ǆa"})
STOP_CHOICES = {"none": None, "english": ENGLISH_STOP_WORDS, "custom": CUSTOM_STOP}


def sklearn_result(texts, kind="count", stop_words=None, **params):
    """scikit-learn's (X, terms, idf), or the ValueError message it raises."""
    tfidf = {k: params.pop(k) for k in ("norm", "use_idf", "smooth_idf", "sublinear_tf")
             if k in params}  # fmt: skip
    cls = TfidfVectorizer if kind == "tfidf" else CountVectorizer
    extra = tfidf if kind == "tfidf" else {}
    stop = None if stop_words is None else sorted(stop_words)
    vectorizer = cls(stop_words=stop, **params, **extra)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            X = vectorizer.fit_transform(texts)
    except ValueError as exc:
        return str(exc)
    X = X.tocsr().astype(np.float64)
    X.sort_indices()
    return X, vectorizer.get_feature_names_out(), getattr(vectorizer, "idf_", None)


def ours(texts, **params):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            return fv.fit_transform(texts, **params)
    except ValueError as exc:
        return str(exc)


def assert_same(texts, **params):
    expected = sklearn_result(texts, **dict(params))
    got = ours(texts, **params)
    if isinstance(expected, str) or isinstance(got, str):
        assert got == expected
        return
    X, terms, idf = got
    Y, sk_terms, sk_idf = expected
    assert terms.dtype == object
    assert terms.tolist() == sk_terms.tolist()
    assert X.dtype == np.float64 and X.format == "csr" and X.has_sorted_indices
    assert X.shape == Y.shape
    assert np.array_equal(X.indptr, Y.indptr)
    assert np.array_equal(X.indices, Y.indices)
    assert np.array_equal(X.data, Y.data)  # bit-equal, TF-IDF included
    if sk_idf is None:
        assert idf is None
    else:
        assert np.array_equal(idf, sk_idf)


# ----------------------------------------------------------------------------------------
# Python's \w, \b and the Rust class, on every code point

ALL_CODE_POINTS = [chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF]


def test_word_class_is_pythons_word_on_every_code_point():
    import polars as pl

    series = pl.Series(ALL_CODE_POINTS, dtype=pl.String)
    rust = series.str.contains(f"^{fv.word_class()}$").to_list()
    python = [re.fullmatch(r"\w", c) is not None for c in ALL_CODE_POINTS]
    different = [hex(ord(c)) for c, a, b in zip(ALL_CODE_POINTS, rust, python) if a != b]
    assert not different
    # and it is what Python documents: str.isalnum() or "_"
    assert python == [c.isalnum() or c == "_" for c in ALL_CODE_POINTS]
    # Rust's own \w disagrees (another Unicode version, and superscripts): hence the class
    native = series.str.contains(r"^\w$").to_list()
    assert native != python


def test_tokens_match_re_findall_around_every_code_point():
    """Each character between word characters and alone: Python's tokens, Rust's tokens."""
    import polars as pl

    texts = [f"ab{c}cd {c} x{c}" for c in ALL_CODE_POINTS]
    pattern = fv.rust_pattern(fv.DEFAULT_TOKEN_PATTERN)
    rust = pl.Series(texts, dtype=pl.String).str.extract_all(pattern).to_list()
    python = re.compile(fv.DEFAULT_TOKEN_PATTERN).findall
    different = [t for t, got in zip(texts, rust) if got != python(t)]
    assert not different[:5]


def test_letter_classes_are_pythons_on_every_code_point():
    """letter_class is Python's [^\\W\\d_], non_letter_word_class its [\\d_], and the two
    split \\w: every \\d is a \\w (so a \\w-run is letters only iff it holds no [\\d_])."""
    import polars as pl

    series = pl.Series(ALL_CODE_POINTS, dtype=pl.String)
    for rust_class, python_class in [
        (fv.letter_class(), r"[^\W\d_]"),
        (fv.non_letter_word_class(), r"[\d_]"),
    ]:
        rust = series.str.contains(f"^{rust_class}$").to_list()
        python = [re.fullmatch(python_class, c) is not None for c in ALL_CODE_POINTS]
        different = [hex(ord(c)) for c, a, b in zip(ALL_CODE_POINTS, rust, python) if a != b]
        assert not different, python_class
    word = re.compile(r"\w").fullmatch
    letter = re.compile(r"[^\W\d_]").fullmatch
    digit = re.compile(r"[\d_]").fullmatch
    for c in ALL_CODE_POINTS:
        assert bool(word(c)) == (bool(letter(c)) or bool(digit(c)))
        assert not (letter(c) and digit(c))


# a mixed alphabet: letters, digits of several scripts, '_', superscripts, fractions, Nl,
# combining marks, joiners, CJK, astral letters and digits, punctuation and spaces
MIXED = list("aAbBzZ09_ '-.éßİıΣς¹²½Ⅻ٣۵中文ひ한") + [
    "\u0301", "\u0307", "\u200d", "\u00aa", "\u2160", "\U0001d7ce", "\U0001d400", "\U0001f600",
    "\u0660", "\uff10", "\uff41",
]  # fmt: skip


def _letter_runs(text: str, m: int) -> list[str]:
    """The maximal runs of \\w that consist only of letters and are >= m long (brute force)."""
    runs, current = [], []
    for c in text + " ":
        if c.isalnum() or c == "_":
            current.append(c)
            continue
        if len(current) >= m and all(x.isalnum() and not x.isdecimal() for x in current):
            runs.append("".join(current))
        current = []
    return runs


@settings(max_examples=2000, deadline=None)
@given(st.text(alphabet=st.sampled_from(MIXED), max_size=40), st.sampled_from([1, 2, 3]))
def test_letters_pattern_finds_the_maximal_letter_runs(text, m):
    """The claim the letters path rests on, for re.findall itself: \\b[^\\W\\d_]{m-1}
    [^\\W\\d_]+\\b finds exactly the maximal \\w-runs made of letters, >= m long (a
    letter being \\w, not decimal (sre's \\d), not '_')."""
    pattern = r"(?u)\b" + r"[^\W\d_]" * (m - 1) + r"[^\W\d_]+\b"
    assert fv._parse(pattern) == (m, True)
    assert re.findall(pattern, text) == _letter_runs(text, m)
    counted = r"\b[^\W\d_]{" + str(m - 1) + r"}[^\W\d_]+\b"
    assert fv._parse(counted) == (m, True)
    assert re.findall(counted, text) == _letter_runs(text, m)


def test_letters_pattern_examples():
    findall = re.compile(fv.LETTERS_TOKEN_PATTERN).findall
    assert findall("abc1 def_x ghi") == ["ghi"]
    # superscripts and fractions are \\w but no \\d: letters here; U+0301 is no \\w
    assert findall("x²y ab٣ ½ab a ab-cd e\u0301tt") == ["x²y", "½ab", "ab", "cd", "tt"]


def test_letter_tokens_match_re_findall_around_every_code_point():
    """Each character between letters, after a digit and alone: the pipeline's tokens
    (runs, then those with a [\\d_] dropped) against Python's."""
    import polars as pl

    texts = [f"ab{c}cd {c} x{c} 1{c}ab {c}{c}" for c in ALL_CODE_POINTS]
    runs, reject = fv.rust_patterns(fv.LETTERS_TOKEN_PATTERN)
    tokens = (
        pl.DataFrame({"text": texts}).with_row_index("doc")
        .select("doc", pl.col("text").str.extract_all(runs).alias("term"))
        .explode("term").drop_nulls("term").filter(~pl.col("term").str.contains(reject))
        .group_by("doc", maintain_order=True).agg("term")
    )  # fmt: skip
    rust = dict(zip(tokens["doc"].to_list(), tokens["term"].to_list()))
    python = re.compile(fv.LETTERS_TOKEN_PATTERN).findall
    different = [t for i, t in enumerate(texts) if rust.get(i, []) != python(t)]
    assert not different[:5]


@pytest.mark.parametrize("pattern", [fv.DEFAULT_TOKEN_PATTERN, r"\w+", r"\b\w\w\w+\b",
                                     fv.LETTERS_TOKEN_PATTERN])  # fmt: skip
@pytest.mark.parametrize("lowercase", [True, False])
@pytest.mark.parametrize("share", [0.0, 1.0])  # non-ASCII documents: Rust regex, Python re
def test_ascii_and_other_documents_give_pythons_runs(pattern, lowercase, share, monkeypatch):
    """ASCII documents (bytes.translate, split at spaces) and the others (the Rust regex),
    interleaved in one block: every ASCII character between word characters and alone, and
    the same texts with a non-ASCII character added, against re.findall."""
    import polars as pl

    monkeypatch.setattr(fv, "OTHER_SHARE", share)
    texts = [f"Ab{chr(c)}cD {chr(c)} X{chr(c)} 1{chr(c)}aB {chr(c)}{chr(c)}" for c in range(128)]
    texts += [t + " é" + t for t in texts] + ["", "é", "ab", "İx ab", "AB", "ab\ud800cd Σας"]
    texts = [texts[i] for i in np.random.default_rng(0).permutation(len(texts))]
    runs, reject = fv.rust_patterns(pattern)
    frame = fv._runs(texts, lowercase, runs, fv._min_run(pattern))
    if reject is not None:
        frame = frame.filter(~pl.col("term").str.contains(reject))
    got = frame.group_by("doc", maintain_order=True).agg("term").collect()
    found = dict(zip(got["doc"].to_list(), got["term"].to_list()))
    findall = re.compile(pattern).findall
    for i, t in enumerate(texts):
        assert found.get(i, []) == findall(t.lower() if lowercase else t), repr(t)


@settings(max_examples=50, deadline=None)
@given(
    st.lists(st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=6), max_size=60)
)
def test_polars_sorts_strings_as_python(words):
    """UTF-8 byte order is code-point order (astral characters after U+FFFF included)."""
    import polars as pl

    words += ["\uffff", "\U00010000", "\ue000", "a", "ab", "a\x00", ""]
    assert pl.Series(words, dtype=pl.String).sort().to_list() == sorted(words)


# ----------------------------------------------------------------------------------------
# hypothesis: texts × settings, compared exactly

ALPHABET = list(
    "abcdeABCDE xyzXYZ 0123456789 _'’.,;:!?-()\"\n\téÉßẞİıΣσςΑΔΟǅǆﬃ¹²³⁴⁵½Ⅻ٣۵中文ひらがな한국"
) + ["\u0301", "\u0307", "\u00aa", "\u00b5", "\u2160", "\U0001d7ce", "\U0001f600", "\u200d"]

text = st.text(alphabet=st.sampled_from(ALPHABET), max_size=60)
texts_strategy = st.lists(st.one_of(text, st.just(""), st.sampled_from(["ab ab", "Σας ΟΔΟΣ"])),
                          min_size=0, max_size=12)  # fmt: skip

df_value = st.sampled_from([1, 2, 3, 0, 0.0, 0.1, 0.5, 0.95, 1.0])


@st.composite
def vectorizer_settings(draw):
    params = {
        "kind": draw(st.sampled_from(["count", "tfidf"])),
        "stop_words": STOP_CHOICES[draw(st.sampled_from(sorted(STOP_CHOICES)))],
        "min_df": draw(df_value),
        "max_df": draw(df_value),
        "max_features": draw(st.sampled_from([None, None, 1, 2, 5, 50])),
        "ngram_range": draw(st.sampled_from([(1, 1), (1, 1), (1, 2), (2, 3), (2, 2)])),
        "lowercase": draw(st.sampled_from([True, True, False])),
    }
    if params["kind"] == "tfidf":
        params["norm"] = draw(st.sampled_from(["l2", "l1", None]))
        params["use_idf"] = draw(st.booleans())
        params["smooth_idf"] = draw(st.booleans())
        params["sublinear_tf"] = draw(st.booleans())
    return params


DEFAULT_BLOCK_CHARS = fv.BLOCK_CHARS
DEFAULT_OTHER_SHARE = fv.OTHER_SHARE


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts=texts_strategy, params=vectorizer_settings(), block=st.sampled_from([0, 1, 7, 40]),
       share=st.sampled_from([0.05, 1.0]))  # fmt: skip
def test_same_as_scikit_learn(texts, params, block, share):
    # small blocks: several blocks of documents, merged over the union of their vocabularies;
    # share 1.0: non-ASCII documents through Python's re, beside the ASCII ones
    fv.BLOCK_CHARS = block or DEFAULT_BLOCK_CHARS
    fv.OTHER_SHARE = share
    try:
        assert_same(texts, **params)
    finally:
        fv.BLOCK_CHARS = DEFAULT_BLOCK_CHARS
        fv.OTHER_SHARE = DEFAULT_OTHER_SHARE


LETTERS_PATTERNS = [
    fv.LETTERS_TOKEN_PATTERN,
    r"\b[^\W\d_]+\b",
    r"\b[^\W\d_]{2}[^\W\d_]+\b",
]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    texts=texts_strategy,
    params=vectorizer_settings(),
    block=st.sampled_from([0, 1, 7, 40]),
    pattern=st.sampled_from(LETTERS_PATTERNS + [fv.LETTERS_TOKEN_PATTERN] * 3),
    share=st.sampled_from([0.05, 1.0]),
)
def test_letters_same_as_scikit_learn(texts, params, block, pattern, share):
    fv.BLOCK_CHARS = block or DEFAULT_BLOCK_CHARS
    fv.OTHER_SHARE = share
    try:
        assert_same(texts, token_pattern=pattern, **params)
    finally:
        fv.BLOCK_CHARS = DEFAULT_BLOCK_CHARS
        fv.OTHER_SHARE = DEFAULT_OTHER_SHARE


@pytest.mark.parametrize("kind", ["count", "tfidf"])
@pytest.mark.parametrize("ngrams", [(1, 1), (1, 3)])
def test_special_lowercase_and_scripts(kind, ngrams):
    texts = [
        "İstanbul İSTANBUL ıstanbul",  # 'İ'.lower() is 'i' + U+0307, which is no \w
        "ΟΔΟΣ ΣΑΣ Σ ΣΣ ΑΣ.ΑΣ ὈΔΥΣΣΕΎΣ",  # final sigma in context
        "STRAẞE straße ǅemal ǄEMAL ﬃx ŉa",  # 'ẞ' -> 'ß', titlecase digraphs, ligatures
        "x¹ a²b ³³ H₂O ½½ ⅫⅫ 𝟎𝟏 ٣٤ ab_cd __ _a",  # superscripts, fractions, Nl, math digits
        "don't l’été e\u0301te\u0301 a\u200db \U0001f600\U0001f600",
        "",
        "中文 文字 ひらがな 한국어 ᄀᄀ",
    ]
    for lowercase in (True, False):
        for pattern in (fv.DEFAULT_TOKEN_PATTERN, fv.LETTERS_TOKEN_PATTERN):
            assert_same(texts, kind=kind, stop_words=None, ngram_range=ngrams,
                        lowercase=lowercase, token_pattern=pattern)  # fmt: skip


def test_lone_surrogates_are_no_word_characters():
    texts = ["ab\ud800cd ef", "\udcff\udcffgh ab"]
    assert_same(texts, kind="count", stop_words=None)


@pytest.mark.parametrize("workers", [2, 3, 5])
def test_threaded_norms_are_scikit_learns(monkeypatch, workers):
    """The row norms on several threads (ranges of rows): the same bits."""
    monkeypatch.setattr(fv, "THREADED_NNZ", 0)
    monkeypatch.setattr(fv, "_workers", lambda: workers)
    rng = np.random.default_rng(workers)
    words = [f"w{i:03d}" for i in range(500)] + ["ab", "cd"]
    lengths = rng.integers(0, 120, 300)
    texts = [" ".join(rng.choice(words, n)) for n in lengths]
    texts[3] = texts[17] = ""
    for params in ({}, {"norm": "l1"}, {"sublinear_tf": True, "ngram_range": (1, 2)}):
        assert_same(texts, kind="tfidf", stop_words=None, **params)
        assert_same(texts[:7], kind="tfidf", stop_words=None, **params)


def test_max_features_ties_break_as_scikit_learn():
    """Many terms share each corpus frequency: scikit-learn's (unstable) argsort decides."""
    rng = np.random.default_rng(0)
    words = [f"w{i:03d}" for i in range(300)]
    texts = [" ".join(rng.choice(words, 20)) for _ in range(100)]
    for kind in ("count", "tfidf"):
        for limit in (1, 17, 100, 299):
            assert_same(texts, kind=kind, stop_words=None, max_features=limit)
            assert_same(texts, kind=kind, stop_words=None, max_features=limit, min_df=2,
                        ngram_range=(1, 2))  # fmt: skip


# ----------------------------------------------------------------------------------------
# errors, warnings, fallbacks


@pytest.mark.parametrize(
    "texts, params, message",
    [
        ([], {}, "empty vocabulary; perhaps the documents only contain stop words"),
        (["", " . "], {}, "empty vocabulary; perhaps the documents only contain stop words"),
        (["the and of", "a the"], {"stop_words": ENGLISH_STOP_WORDS}, "empty vocabulary"),
        (["ab cd", "ab"], {"min_df": 2, "max_df": 1}, "max_df corresponds to < documents"),
        (["ab cd", "ab"], {"min_df": 0.9, "max_df": 0.2}, "max_df corresponds to < documents"),
        (["ab cd", "ab ef", "ab gh"], {"min_df": 2, "max_df": 2}, "After pruning, no terms"),
        (["ab cd", "ef gh"], {"min_df": 2}, "After pruning, no terms remain"),
    ],
)
def test_errors_are_scikit_learns(texts, params, message):
    params = {"stop_words": None, **params}
    for kind in ("count", "tfidf"):
        expected = sklearn_result(texts, kind=kind, **dict(params))
        assert isinstance(expected, str) and expected.startswith(message)
        with pytest.raises(ValueError) as caught:
            fv.fit_transform(texts, kind=kind, **params)
        assert str(caught.value) == expected


def test_english_as_a_string_goes_to_scikit_learn():
    X, terms, _ = fv.fit_transform(["the ab cd", "ab"], stop_words="english")
    assert terms.tolist() == ["ab", "cd"]


def test_a_string_is_refused():
    with pytest.raises(ValueError, match="Iterable over raw text documents expected"):
        fv.fit_transform("ab cd", stop_words=None)


def test_stop_word_warning_is_scikit_learns():
    stop = frozenset({"we've", "ab"})
    with pytest.warns(UserWarning) as ours_warned:
        fv.fit_transform(["we've ab cd"], stop_words=stop)
    with pytest.warns(UserWarning) as theirs:
        CountVectorizer(stop_words=sorted(stop)).fit_transform(["we've ab cd"])
    assert [str(w.message) for w in ours_warned] == [str(w.message) for w in theirs]


@pytest.mark.parametrize(
    "pattern, accepted",
    [
        (r"(?u)\b\w\w+\b", True),
        (r"\b\w\w+\b", True),
        (r"\w\w+", True),
        (r"\w+", True),
        (r"(?u)\b\w+\b", True),
        (r"\b\w\w\w+\b", True),
        (r"\b[a-z]+\b", False),
        (r"\b\w\w+\b|\d", False),
        (r"(?i)\b\w\w+\b", False),
        (r"(\w\w+)", False),
        (r"\w\w*", False),
        (r"\S+", False),
        (r"(?u)\b[^\W\d_][^\W\d_]+\b", True),
        (r"\b[^\W\d_][^\W\d_]+\b", True),
        (r"\b[^\W\d_]+\b", True),
        (r"\b[^\W\d_][^\W\d_][^\W\d_]+\b", True),
        (r"\b[^\W\d_]{2}[^\W\d_]+\b", True),
        (r"\b[^\W_\d][^\d\W_]+\b", True),
        (r"[^\W\d_][^\W\d_]+", False),  # "1ab" -> "ab": a match inside a run
        (r"\b[^\W\d_][^\W\d_]+", False),
        (r"[^\W\d_][^\W\d_]+\b", False),
        (r"\b[^\W\d][^\W\d]+\b", False),
        (r"\b[^\W\d_]{2,}\b", False),
        (r"\b[^\W\d_]*\b", False),
        (r"\b\w[^\W\d_]+\b", False),
    ],
)
def test_supports(pattern, accepted):
    assert fv.supports(token_pattern=pattern, ngram_range=(1, 1)) is accepted
    texts = ["Ab cd_e f1 ¹² x", "naïve ab-cd", "", "1ab ab1 a1b ab_ _ab x²y ٣ab abc ab"]
    assert_same(texts, kind="count", stop_words=None, token_pattern=pattern)


def test_supports_refuses_other_analyzer_settings():
    base = {"token_pattern": fv.DEFAULT_TOKEN_PATTERN, "ngram_range": (1, 1)}
    assert fv.supports(**base, analyzer="word", strip_accents=None, binary=False, kind="tfidf")
    for name, value in [("analyzer", "char"), ("strip_accents", "unicode"), ("binary", True),
                        ("tokenizer", str.split), ("preprocessor", str.upper),
                        ("vocabulary", {"ab": 0}), ("input", "filename")]:  # fmt: skip
        assert not fv.supports(**base, **{name: value})
    assert not fv.supports(**base, lowercase="yes")


def test_supports_refuses_odd_ngram_ranges():
    assert fv.supports(token_pattern=fv.DEFAULT_TOKEN_PATTERN, ngram_range=(1, 2))
    assert not fv.supports(token_pattern=fv.DEFAULT_TOKEN_PATTERN, ngram_range=(2, 1))
    assert not fv.supports(token_pattern=fv.DEFAULT_TOKEN_PATTERN, ngram_range=(0, 1))
    assert not fv.supports(token_pattern=fv.DEFAULT_TOKEN_PATTERN, ngram_range="1,2")


def test_import_is_light():
    code = (
        "import sys, topiccli.text.fast_vectorize as f; "
        "f.supports(token_pattern=f.DEFAULT_TOKEN_PATTERN, ngram_range=(1, 1)); "
        "print(sorted(m for m in ('numpy', 'polars', 'scipy', 'sklearn') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_fast_path_needs_no_scikit_learn():
    code = (
        "import sys, topiccli.text.fast_vectorize as f; "
        "f.fit_transform(['ab cd ab', 'cd ef', ''], kind='tfidf', stop_words=frozenset({'ef'}),"
        " ngram_range=(1, 2)); print('sklearn' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# ----------------------------------------------------------------------------------------
# the real thing: 20 Newsgroups train, headers, footers and quotes removed


@pytest.mark.newsgroups
def test_newsgroups_train():
    import os
    from pathlib import Path

    archive = os.environ.get("TOPICS_20NG_ARCHIVE")
    if not archive or not Path(archive).is_file():
        pytest.skip("TOPICS_20NG_ARCHIVE does not name the 20news-bydate.tar.gz archive")
    from bench.vectorizer import archive_posts  # tarfile + scikit-learn's strip functions

    texts = archive_posts(archive, "train")[0]
    assert len(texts) == 11314
    common = {"stop_words": ENGLISH_STOP_WORDS, "min_df": 2, "max_df": 0.95}
    assert_same(texts, kind="count", **common)
    assert_same(texts, kind="tfidf", **common)
    assert_same(texts[:4000], kind="tfidf", **common, ngram_range=(1, 2), max_features=20000,
                sublinear_tf=True)  # fmt: skip
    letters = {**common, "token_pattern": fv.LETTERS_TOKEN_PATTERN}
    assert_same(texts, kind="count", **letters)
    assert_same(texts, kind="tfidf", **letters)
    assert_same(texts[:4000], kind="tfidf", **letters, ngram_range=(1, 2), max_features=20000,
                sublinear_tf=True)  # fmt: skip


def test_block_counts_do_not_depend_on_row_order():
    """The fallback for groups whose documents are not ascending (polars keeps row order)."""
    import polars as pl

    docs = [0, 0, 1, 2, 2, 2, 3, 5]
    terms = ["ab", "cd", "ab", "cd", "cd", "ef", "ab", "ab"]
    ordered = pl.DataFrame({"doc": pl.Series(docs, dtype=pl.UInt32), "term": terms})
    shuffled = ordered.reverse()
    X, vocab, _ = fv._block_counts(ordered.lazy(), 6)
    Y, vocab2, _ = fv._block_counts(shuffled.lazy(), 6)
    assert vocab.to_list() == vocab2.to_list() == ["ab", "cd", "ef"]
    assert (X != Y).nnz == 0 and Y.has_sorted_indices
    assert X.toarray().tolist() == [[1, 1, 0], [1, 0, 0], [0, 2, 1], [1, 0, 0], [0, 0, 0],
                                    [1, 0, 0]]  # fmt: skip


def test_the_pipeline_vectorizes_on_the_parallel_path_without_scikit_learn():
    """topiccli.text.vectorize takes the parallel path for its settings: the same matrix as
    scikit-learn's, and a folder run need not import scikit-learn to vectorize."""
    import subprocess
    import sys
    from pathlib import Path

    from topiccli.corpus import load_folder
    from topiccli.text.vectorize import VectorizerSettings, prepared, sklearn_vectorizer, vectorize

    essays = Path(__file__).parents[2] / "sample_corpora" / "essays"
    texts = load_folder(essays).texts
    for kind in ("count", "tfidf"):
        settings = VectorizerSettings(kind=kind, min_df=2, max_df=0.95, token_pattern="words")
        ours = vectorize(texts, settings)
        theirs = sklearn_vectorizer(settings, min_df=2)
        expected = theirs.fit_transform(prepared(settings, texts)).tocsr()
        expected.sort_indices()
        assert list(ours.terms) == list(theirs.get_feature_names_out())
        assert (expected != ours.X).nnz == 0
    code = (
        "import sys\nfrom topiccli.corpus import load_folder\n"
        "from topiccli.text.vectorize import VectorizerSettings, vectorize\n"
        f"texts = load_folder({str(essays)!r}).texts\n"
        "vectorize(texts, VectorizerSettings(token_pattern='words'))\n"
        "assert 'sklearn' not in sys.modules\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("long_row", [fv.LONG_ROW, 3])
def test_row_sums_are_sequential_left_to_right(monkeypatch, long_row):
    """Each row's sum is the left-to-right loop a C extension runs (not numpy's pairwise sum),
    for short rows, rows past LONG_ROW (summed one by one) and empty rows alike."""
    monkeypatch.setattr(fv, "LONG_ROW", long_row)
    rng = np.random.default_rng(5)
    lengths = rng.integers(0, 40, size=300)
    lengths[[3, 70]] = 0
    lengths[11] = 5000
    indptr = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(lengths, out=indptr[1:])
    values = rng.random(int(indptr[-1])) * 10.0 ** rng.integers(-8, 8, size=int(indptr[-1]))
    sums = fv._sequential_row_sums(values, indptr, lengths)
    for row, (a, b) in enumerate(zip(indptr[:-1], indptr[1:])):
        total = 0.0
        for value in values[a:b].tolist():
            total += value
        assert sums[row] == total
