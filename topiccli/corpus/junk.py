"""Junk documents: encoded attachments and binary-looking text that no topic should explain.

A uuencoded GIF posted to a newsgroup turns into thousands of "words" (``ax``, ``m1te``,
``an``…) that a topic model happily gathers into a topic of their own, and a few such posts
dominate a raw Count matrix (see the performance notes). :func:`junk_reason` names what makes
a text junk, or returns None:

* ``"uuencoded"``: at least ``UU_MIN_LINES`` (10) uuencoded lines, or a ``begin NNN name``
  header followed by at least 3. A uuencoded line of a full 45-byte group is ``M`` and 60
  characters from the uuencode alphabet (space to backquote); trailing spaces are often
  stripped in transit, so 50–61 characters count.
* ``"base64"``: at least ``BASE64_MIN_LINES`` (10) lines of 40–76 characters from the base64
  alphabet (with optional ``=`` padding) holding upper-case letters, lower-case letters and
  digits. A PGP signature (3–4 such lines) stays.
* ``"binary"``: other encoded or binary-like text (BinHex, hex dumps with no words, mangled
  bytes). A whitespace-separated token is *garbled* when it is at least 16 characters long,
  less than 70% letters and mixes at least three of: upper-case, lower-case, digits, other
  characters; an e-mail address, a message id (``<1993Apr21.2110.123@host>``) or a URL is
  never garbled. A text of at least ``BINARY_MIN_CHARS`` (500) non-space characters is binary
  when garbled tokens hold at least ``BINARY_SHARE`` (60%) of them.

Measured on all 18,846 posts of 20 Newsgroups (headers, footers and quotes removed): 22 posts
are uuencoded (the 14-part bitmap of comp.os.ms-windows.misc, executables, a GIF in
talk.politics.guns, an encrypted tar in sci.crypt, a Mac benchmark record, X tools), one is
BinHex (binary), none is base64: 23 in all, 0.12%. Tables of sports statistics or budgets
(letters under 30% of the characters), C code, build logs and lists of message ids stay: their
numbers are short tokens or their long tokens are mostly letters; the nearest kept post (a
``truss`` trace) has 53% garbled characters.
"""

from __future__ import annotations

import re

UU_MIN_LINES = 10
BASE64_MIN_LINES = 10
BINARY_MIN_CHARS = 500
BINARY_SHARE = 0.6
GARBLED_MIN_LENGTH = 16

_UU_LINE = re.compile(r"^M[\x20-\x60]{49,60}$", re.M)
_UU_BEGIN = re.compile(r"^begin [0-7]{3,4} \S[^\n]*\n(?:[^\n]*\n){0,3}?M[\x20-\x60]{49,60}$", re.M)
_BASE64_LINE = re.compile(r"^[A-Za-z0-9+/]{40,76}={0,2}$", re.M)
_ADDRESS = re.compile(r"[(<\[]?[\w.$%+=/-]+@[\w.-]+[>)\]]?[,;:.]?|[a-z]+://\S+")


def junk_reason(text: str) -> str | None:
    """``"uuencoded"``, ``"base64"`` or ``"binary"`` for a junk text, else None."""
    lines = [line.rstrip() for line in text.splitlines()]
    stripped = "\n".join(lines)
    uu_lines = len(_UU_LINE.findall(stripped))
    if uu_lines >= UU_MIN_LINES or (uu_lines >= 3 and _UU_BEGIN.search(stripped)):
        return "uuencoded"
    if _base64_lines(stripped) >= BASE64_MIN_LINES:
        return "base64"
    if _garbled_share(text) >= BINARY_SHARE:
        return "binary"
    return None


def _base64_lines(text: str) -> int:
    return sum(
        1
        for line in _BASE64_LINE.findall(text)
        if any(c.isupper() for c in line)
        and any(c.islower() for c in line)
        and any(c.isdigit() for c in line)
    )


def _garbled(token: str) -> bool:
    if len(token) < GARBLED_MIN_LENGTH:
        return False
    if sum(c.isalpha() for c in token) >= 0.7 * len(token) or _ADDRESS.fullmatch(token):
        return False
    kinds = (
        any(c.isupper() for c in token)
        + any(c.islower() for c in token)
        + any(c.isdigit() for c in token)
        + any(not c.isalnum() for c in token)
    )
    return kinds >= 3


def _garbled_share(text: str) -> float:
    """The share of non-space characters in garbled tokens (0 for texts under the minimum)."""
    tokens = text.split()
    total = sum(map(len, tokens))
    if total < BINARY_MIN_CHARS:
        return 0.0
    return sum(len(t) for t in tokens if _garbled(t)) / total


def junk_documents(texts) -> dict[int, str]:
    """{index: reason} for every junk text of ``texts``."""
    found = {}
    for i, text in enumerate(texts):
        reason = junk_reason(text)
        if reason is not None:
            found[i] = reason
    return found


def drop_junk(corpus):
    """``corpus`` without its junk documents, each counted in ``skipped`` by reason (so the
    skipped-files warning and the report's ``corpus.skipped`` say what was left out)."""
    found = junk_documents(corpus.texts)
    if not found:
        return corpus
    keep = [i for i in range(len(corpus.texts)) if i not in found]
    skipped = dict(corpus.skipped)
    for reason in found.values():
        skipped[reason] = skipped.get(reason, 0) + 1
    return corpus.rows(keep, skipped)
