"""Cleaning real text before it is tokenized: Unicode normalization, markup, addresses and
boilerplate. Each step is named, switchable and counted, so ``--vocabulary`` and the JSON
report say what it did.

The steps (``VectorizerSettings.clean``, ``+``-joined; ``none`` for no cleaning):

* ``nfkc`` — Unicode NFKC normalization: full-width ``ＡＢＣ１２３`` → ``ABC123``, ligatures
  ``ﬁ`` → ``fi``, compatibility forms and half-width katakana folded, so one word is one term.
  ASCII documents are left alone without a look (they are always NFKC).
* ``markup`` — a document that *is* HTML/XML (decided per document, :func:`is_markup`: at
  least ``MIN_TAGS`` tags, a closing tag or a declaration among them, or tags making up
  ``MARKUP_SHARE`` of its characters) loses its scripts, styles, comments and tags, and its
  entities are decoded; so ``span class href td div`` never become terms. A plain-text
  document keeps its ``<`` and ``>`` (``if a < b``, ``<john@example.com>``). In every
  document, well-formed entities (``&quot;``, ``&#36;``) are decoded, and entity debris whose
  ampersand was lost upstream (``quot;``, ``#36;``, as AG News has) is decoded too, so
  ``quot gt lt amp`` never become terms.
* ``links`` — URLs (with a scheme or ``www.``), e-mail addresses, message ids and host names
  (``cs.cmu.edu``) are removed as whole tokens, and a site named by its domain keeps its name
  (``Amazon.com`` → ``Amazon``), so no ``edu com mail`` pieces remain.
* ``boilerplate`` — segments (lines, and sentences ending in ``. ! ? 。 ！ ？``) of at least
  ``MIN_SEGMENT`` characters that recur verbatim in at least ``BOILERPLATE_SHARE`` (0.3%) of the
  documents (and at least ``BOILERPLATE_FLOOR`` of them) are dropped from every document that
  has other text: legal footers, bylines, newsletter notices. A document made only of such
  segments keeps them (a duplicated headline is a duplicate, not boilerplate). The segments
  found are kept with the model, so ``infer`` drops the same ones from new documents.

Everything is deterministic: the same texts give the same output on any thread count.
"""

from __future__ import annotations

import html
import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

STEPS = ("nfkc", "markup", "links", "boilerplate")
"""Every cleaning step, in the order they run."""
DEFAULT = "+".join(STEPS)
"""All of them: the default."""
NONE = "none"

MIN_TAGS = 3
"""A document with at least this many tags, one of them closing (``</p>``), self-closing
(``<br/>``) or a declaration (``<!DOCTYPE``, ``<?xml``), is markup."""
MARKUP_SHARE = 0.2
"""…or one whose tags make up at least this share of its characters."""
MIN_SEGMENT = 20
"""Segments shorter than this many characters are never boilerplate (``Thanks,``, ``--``)."""
BOILERPLATE_SHARE = 0.003
"""A segment in at least this share of the documents is boilerplate. Chosen on the evaluation
corpora (docs/cleaning.md): footers, signatures and bylines recur in 0.3–12% of documents
(20 Newsgroups' most frequent signature in 0.39%, 10kGNAD's legal footer in 1.2%, livedoor's
in 12%), while no sentence of content recurs in more than 0.22% (a quotation in 5 of BBC
News's 2,225 articles)."""
BOILERPLATE_FLOOR = 5
"""…and in at least this many documents (so small corpora do not lose a shared sentence)."""
MAX_BOILERPLATE = 1000
"""At most this many boilerplate segments are kept (the most frequent), bounding the bundle."""
CLEAN_BLOCK = 100_000
"""Documents cleaned by one polars pass (memory: each pass copies its block a few times)."""
BOILERPLATE_BLOCK = 100_000
"""Documents whose segments are grouped at once when looking for boilerplate (memory)."""

_TAG = re.compile(r"<(?:/?[A-Za-z][\w:.-]*(?:\s[^<>]*)?/?|![A-Za-z][^<>]*|\?[A-Za-z][^<>]*)>")
_STRONG = re.compile(r"</[A-Za-z]|<[A-Za-z][^<>]*/>|<![Dd][Oo][Cc][Tt][Yy][Pp][Ee]|<\?xml")
_DROP_BLOCKS = re.compile(
    r"<(script|style|noscript|template)\b[^>]*>.*?</\1\s*>|<!--.*?-->|<!\[CDATA\[.*?\]\]>",
    re.IGNORECASE | re.DOTALL,
)
_BREAKS = re.compile(
    r"<(?:br|p|div|li|tr|td|th|h[1-6]|ul|ol|table|section|article|header|footer|pre|blockquote"
    r"|title|dt|dd)\b[^>]*>|</(?:p|div|li|tr|h[1-6]|ul|ol|table|section|article|pre|blockquote"
    r"|title|dd)\s*>",
    re.IGNORECASE,
)
_ENTITY = re.compile(r"&(?:#\d{1,7}|#[xX][0-9A-Fa-f]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_DEBRIS = re.compile(r"(?:quot|amp|lt|gt|nbsp|apos|#\d{2,5});")
"""Entities whose ``&`` was lost upstream (AG News: ``#36;10 million``, ``quot;Yes``)."""
URL_PATTERN = r"(?i)(?:\b(?:https?|ftp)://|\bwww\.)[^\s<>\"'()\[\]{}]+"
EMAIL_PATTERN = r"<?[\w.+=-]+@[\w-]+(?:\.[\w-]+)+>?"
"""URLs and e-mail addresses (message ids too): the same expressions in Python's ``re`` and in
polars (Rust's regex), which :func:`clean_texts` runs over the whole corpus at once."""
HOSTS_PATTERN = r"\b(?:[A-Za-z0-9-]+\.){2,}(?:com|org|net|edu|gov|mil)\b"
"""Host names of three or more labels (``cs.cmu.edu``, ``ftp.uu.net``): removed whole."""
SITE_PATTERN = r"\b([A-Za-z0-9-]+)\.(?:com|org|net|edu|gov|mil)\b"
"""A site named by its domain (``Amazon.com``): the name stays, the ``.com`` goes."""
_URL = re.compile(URL_PATTERN)
_EMAIL = re.compile(EMAIL_PATTERN)
_HOSTS = re.compile(HOSTS_PATTERN)
_SITE = re.compile(SITE_PATTERN)
_MAYBE_TAG = r"<[A-Za-z!?/]"
_MAYBE_ENTITY = (
    r"&(?:#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});"
    r"|(?:quot|amp|lt|gt|nbsp|apos|#[0-9]{2,5});"
)
"""Documents that may hold a tag or an entity (a cheap polars test; Python looks closer)."""
_SEGMENT_END = re.compile(r"([.!?。！？])[ \t]+")
"""A sentence ends at ``. ! ? 。 ！ ？`` followed by spaces (the same rule in polars and here)."""


def steps(spec: str) -> tuple[str, ...]:
    """``"nfkc+links"`` → ("nfkc", "links"); ``"none"`` → (); ``"all"`` → every step.
    Raises ValueError naming the unknown step."""
    items = [item for item in spec.split("+") if item]
    if items in ([NONE], []):
        return ()
    if items == ["all"]:
        return STEPS
    unknown = [item for item in items if item not in STEPS]
    if unknown:
        raise ValueError(
            f"clean takes {', '.join(STEPS)} joined by +, or none; unknown: {', '.join(unknown)}"
        )
    return tuple(step for step in STEPS if step in items)


@dataclass
class Cleaned:
    """Cleaned texts, what each step did, and the boilerplate segments found."""

    texts: list[str]
    counts: dict = field(default_factory=dict)
    boilerplate: list[str] = field(default_factory=list)


def is_markup(text: str) -> bool:
    """Whether a document is HTML/XML: enough tags, one of them unmistakable, or tags making
    up much of it. Plain text with a ``<`` or two is not."""
    if "<" not in text:
        return False
    tags = _TAG.findall(text)
    if not tags:
        return False
    if len(tags) >= MIN_TAGS and _STRONG.search(text):
        return True
    return sum(map(len, tags)) >= MARKUP_SHARE * len(text) and len(tags) >= 2


def strip_markup(text: str) -> str:
    """The text of an HTML/XML document: scripts, styles and comments out, block tags as line
    breaks, other tags as spaces, entities decoded."""
    text = _DROP_BLOCKS.sub(" ", text)
    text = _BREAKS.sub("\n", text)
    text = _TAG.sub(" ", text)
    return html.unescape(text)


def decode_entities(text: str) -> str:
    """Well-formed entities decoded, and entity debris that lost its ``&``."""
    if "&" in text:
        text = _ENTITY.sub(lambda m: html.unescape(m.group(0)), text)
    if ";" in text:
        text = _DEBRIS.sub(_debris, text)
    return text


def _debris(match: re.Match) -> str:
    """``quot;`` → ``"`` unless glued to a word or an ``&`` before it (then it is no debris)."""
    start, text = match.start(), match.string
    if start and (text[start - 1] == "&" or text[start - 1].isalnum() or text[start - 1] == "_"):
        return match.group(0)
    return html.unescape("&" + match.group(0))


def drop_links(text: str) -> tuple[str, int, int]:
    """(text without URLs and e-mail addresses, URLs removed, addresses removed)."""
    urls = emails = 0
    if "://" in text or "www." in text or "WWW." in text:
        text, urls = _URL.subn(" ", text)
    if "@" in text:
        text, emails = _EMAIL.subn(" ", text)
    if "." in text:
        text, hosts = _HOSTS.subn(" ", text)
        text, sites = _SITE.subn(r"\1", text)
        urls += hosts + sites
    return text, urls, emails


def clean_document(text: str, chosen: Sequence[str], counts: dict | None = None) -> str:
    """One document through the per-document steps (all but boilerplate); ``counts``, if
    given, is added to (documents changed by NFKC, markup documents, URLs, e-mails)."""
    if "nfkc" in chosen and not text.isascii() and not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
        if counts is not None:
            counts["nfkc_documents"] += 1
    if "markup" in chosen:
        if is_markup(text):
            text = strip_markup(text)
            if counts is not None:
                counts["markup_documents"] += 1
        else:
            decoded = decode_entities(text)
            if counts is not None and decoded != text:
                counts["entity_documents"] += 1
            text = decoded
    if "links" in chosen:
        text, urls, emails = drop_links(text)
        if counts is not None:
            counts["urls"] += urls
            counts["emails"] += emails
    return text


def empty_counts(chosen: Sequence[str]) -> dict:
    """The counters of the chosen steps, at zero."""
    counts = {"steps": list(chosen)}
    if "nfkc" in chosen:
        counts["nfkc_documents"] = 0
    if "markup" in chosen:
        counts["markup_documents"] = 0
        counts["entity_documents"] = 0
    if "links" in chosen:
        counts["urls"] = 0
        counts["emails"] = 0
    if "boilerplate" in chosen:
        counts.update(boilerplate_segments=0, boilerplate_removed=0, boilerplate_documents=0)
    return counts


def clean_each(
    texts: Sequence[str], chosen: Sequence[str], counts: dict | None = None
) -> list[str]:
    """:func:`clean_document` on every text: the same output, with the regular-expression work
    that touches most documents (finding candidates, removing URLs and addresses) done by
    polars over blocks of ``CLEAN_BLOCK`` documents, and Python's ``re`` only on the few
    documents that hold a tag or an entity. A document the steps leave as it was stays the
    same object, so an unchanged corpus is not held twice."""
    texts = texts if isinstance(texts, list) else list(texts)
    out: list[str] = []
    for a in range(0, len(texts), CLEAN_BLOCK):
        out.extend(_clean_block(texts[a : a + CLEAN_BLOCK], chosen, counts))
    return out


def _clean_block(out: list[str], chosen: Sequence[str], counts: dict | None) -> list[str]:
    """:func:`clean_each` on one block (``out``, a slice of the corpus: rewritten)."""
    if "nfkc" in chosen:
        out = [clean_document(t, ("nfkc",), counts) for t in out]
    if "markup" not in chosen and "links" not in chosen:
        return out
    import polars as pl

    series = pl.Series(out, dtype=pl.String)
    if "markup" in chosen:
        maybe = series.str.contains(_MAYBE_TAG) | series.str.contains(_MAYBE_ENTITY)
        for i in maybe.arg_true().to_list():
            out[i] = clean_document(out[i], ("markup",), counts)
        series = pl.Series(out, dtype=pl.String)
    if "links" in chosen:
        urls = series.str.count_matches(URL_PATTERN)
        series = series.str.replace_all(URL_PATTERN, " ")
        emails = series.str.count_matches(EMAIL_PATTERN)
        series = series.str.replace_all(EMAIL_PATTERN, " ")
        hosts = series.str.count_matches(HOSTS_PATTERN)
        series = series.str.replace_all(HOSTS_PATTERN, " ")
        sites = series.str.count_matches(SITE_PATTERN)
        cleaned = series.str.replace_all(SITE_PATTERN, "${1}").to_list()
        out = [old if new == old else new for old, new in zip(out, cleaned)]
        if counts is not None:
            counts["urls"] += int(urls.sum() + hosts.sum() + sites.sum())
            counts["emails"] += int(emails.sum())
    return out


def clean_texts(texts: Sequence[str], spec: str) -> Cleaned:
    """Every document through the chosen steps (``spec``, see :func:`steps`), with counts."""
    chosen = steps(spec)
    counts = empty_counts(chosen)
    if not chosen:
        return Cleaned(list(texts), counts)
    per_document = [s for s in chosen if s != "boilerplate"]
    out = clean_each(texts, per_document, counts) if per_document else list(texts)
    found: list[str] = []
    if "boilerplate" in chosen:
        found = find_boilerplate(out)
        out, removed, documents = drop_boilerplate(out, found)
        counts.update(boilerplate_segments=len(found), boilerplate_removed=removed,
                      boilerplate_documents=documents)  # fmt: skip
    return Cleaned(out, counts, found)


def apply(texts: Sequence[str], spec: str, boilerplate: Sequence[str] = ()) -> list[str]:
    """New documents cleaned as a fitted model's were: the same per-document steps, and the
    model's ``boilerplate`` segments dropped (none are looked for anew)."""
    chosen = steps(spec)
    per_document = [s for s in chosen if s != "boilerplate"]
    out = clean_each(texts, per_document) if per_document else list(texts)
    if "boilerplate" in chosen and boilerplate:
        out = drop_boilerplate(out, boilerplate)[0]
    return out


def segments(text: str) -> list[str]:
    """A document's segments: its lines, each split after sentence ends (``_SEGMENT_END``)."""
    return _SEGMENT_END.sub(r"\1\n", text).split("\n")


def find_boilerplate(texts: Sequence[str]) -> list[str]:
    """The segments (stripped, ≥ MIN_SEGMENT characters) found verbatim in at least
    max(BOILERPLATE_FLOOR, BOILERPLATE_SHARE·n) documents, most frequent first (ties in code
    point order), at most MAX_BOILERPLATE.

    The documents are read in blocks of ``BOILERPLATE_BLOCK``, so memory stays at one block's
    segments (grouping every segment of a million documents at once took 6 GB). A segment in
    ``floor`` documents of C blocks is in at least ⌈floor/C⌉ documents of one of them: the
    segments that reach that in some block are the candidates, and a second pass counts their
    documents exactly in every block (one block: the first pass's counts are exact)."""
    n = len(texts)
    floor = max(BOILERPLATE_FLOOR, BOILERPLATE_SHARE * n)
    if n < floor:
        return []
    import polars as pl

    blocks = [(a, min(a + BOILERPLATE_BLOCK, n)) for a in range(0, n, BOILERPLATE_BLOCK)]
    if len(blocks) == 1:
        counted = _segment_documents(texts, 0, n)
    else:
        least = math.ceil(floor / len(blocks))
        candidates = pl.concat([_segment_documents(texts, a, b).filter(pl.col("len") >= least)
                                for a, b in blocks]).select("segment").unique()  # fmt: skip
        counted = pl.concat([_segment_documents(texts, a, b, candidates) for a, b in blocks])
    found = (
        counted.group_by("segment")
        .agg(pl.col("len").sum())
        .filter(pl.col("len") >= floor)
        .sort(["len", "segment"], descending=[True, False])
        .head(MAX_BOILERPLATE)
    )
    return found["segment"].to_list()


def _segment_documents(texts: Sequence[str], a: int, b: int, only=None):
    """(segment, len): each segment of documents a..b (stripped, ≥ MIN_SEGMENT characters)
    with the number of those documents holding it; with ``only`` (a frame of segments), just
    those segments."""
    import polars as pl

    frame = pl.DataFrame({"text": pl.Series(list(texts[a:b]), dtype=pl.String)})
    segments_ = (
        frame.with_row_index("doc")
        .lazy()
        .select(
            "doc",
            pl.col("text")
            .str.replace_all(r"([.!?。！？])[ \t]+", "${1}\n")
            .str.split("\n")
            .alias("segment"),
        )
        .explode("segment")
        .with_columns(pl.col("segment").str.strip_chars())
        .filter(pl.col("segment").str.len_chars() >= MIN_SEGMENT)
    )
    if only is not None:
        segments_ = segments_.join(only.lazy(), on="segment", how="semi")
    return segments_.unique(["doc", "segment"]).group_by("segment").len().collect()


def drop_boilerplate(
    texts: Sequence[str], boilerplate: Sequence[str]
) -> tuple[list[str], int, int]:
    """(texts without the boilerplate segments, segments removed, documents changed). A
    document made only of boilerplate segments (and blank ones) is kept whole."""
    if not boilerplate:
        return list(texts), 0, 0
    known = set(boilerplate)
    few = len(known) <= 8
    out: list[str] = []
    removed = changed = 0
    for text in texts:
        if few and not any(segment in text for segment in known):
            out.append(text)
            continue
        parts = segments(text)
        kept = [p for p in parts if p.strip() not in known]
        if len(kept) == len(parts) or not any(p.strip() for p in kept):
            out.append(text)
            continue
        removed += len(parts) - len(kept)
        changed += 1
        out.append("\n".join(kept))
    return out, removed, changed
