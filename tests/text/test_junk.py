"""Junk documents: uuencoded, base64 and binary-looking texts; real posts stay."""

from __future__ import annotations

import base64
import binascii
import random

import pytest

from topiccli.corpus.junk import junk_documents, junk_reason


def payload(n_bytes: int, seed: int = 0) -> bytes:
    rng = random.Random(seed)
    return bytes(rng.randrange(256) for _ in range(n_bytes))


def uuencoded(data: bytes, header: bool = True) -> str:
    lines = [binascii.b2a_uu(data[i : i + 45]).decode("ascii").rstrip("\n")
             for i in range(0, len(data), 45)]  # fmt: skip
    body = "\n".join(lines)
    return f"begin 644 picture.gif\n{body}\n`\nend\n" if header else body


PROSE = (
    "The committee met on Tuesday to discuss the budget for next year. Several members "
    "argued that the library needs more money for books, while others wanted new chairs. "
)


def test_a_uuencoded_attachment_is_junk():
    text = "Here is the picture I promised.\n\n" + uuencoded(payload(45 * 40))
    assert junk_reason(text) == "uuencoded"


def test_a_short_uuencoded_block_with_its_header_is_junk():
    assert junk_reason(PROSE + "\n" + uuencoded(payload(45 * 4))) == "uuencoded"


def test_uuencoded_lines_without_trailing_spaces_still_count():
    data = b"".join(payload(39, seed=i) + bytes(6) for i in range(12))  # each line ends in zeros
    lines = uuencoded(data, header=False).splitlines()
    assert all(len(line.rstrip()) < 61 for line in lines)
    assert junk_reason("\n".join(line.rstrip() for line in lines)) == "uuencoded"


def test_base64_block_is_junk_and_a_signature_is_not():
    encoded = base64.encodebytes(payload(57 * 20, seed=1)).decode("ascii")
    assert junk_reason(PROSE + "\n" + encoded) == "base64"
    signature = base64.encodebytes(payload(57 * 3, seed=2)).decode("ascii")
    text = PROSE * 3 + "\n-----BEGIN PGP SIGNATURE-----\n" + signature + "-----END PGP-----\n"
    assert junk_reason(text) is None


def test_binary_like_text_is_junk():
    rng = random.Random(3)
    alphabet = "!\"#$%&'()*+,-012345689@ABCDEFGHIJKLMNPQRSTUVXYZ[`abcdefhijklmpqr"
    lines = [":" + "".join(rng.choice(alphabet) for _ in range(63)) for _ in range(30)]
    assert junk_reason("(This file must be converted with BinHex 4.0)\n" + "\n".join(lines))
    assert junk_reason(PROSE + "\n".join(lines)) == "binary"


@pytest.mark.parametrize(
    "text",
    [
        PROSE * 5,
        # a table of numbers
        "Name      AB   H  HR  AVG\n"
        + "\n".join(f"Player{i:02d}  {100 + i}  {30 + i}  {i % 7}  .{300 + i}" for i in range(60)),
        # C code
        "Try this:\n"
        + "\n".join(
            f"    window{i} = XCreateWindow(display, root, 0, 0, {i}, {2 * i}, 0);"
            for i in range(40)
        ),
        # message ids and addresses
        "\n".join(
            f"In <1993Apr{i:02d}.211038.{i}@newshub.ists.ca> someone wrote" for i in range(40)
        ),  # fmt: skip
        "",
        "short",
    ],
)
def test_real_text_is_kept(text):
    assert junk_reason(text) is None


def test_junk_documents_lists_indices_and_reasons():
    texts = [PROSE, uuencoded(payload(45 * 20)), PROSE]
    assert junk_documents(texts) == {1: "uuencoded"}


KNOWN_UUENCODED = [
    "20news-bydate-train/talk.politics.guns/54380",
    "20news-bydate-train/comp.os.ms-windows.misc/9976",
    "20news-bydate-train/comp.os.ms-windows.misc/9542",
    "20news-bydate-train/sci.crypt/15545",
    "20news-bydate-test/comp.os.ms-windows.misc/10140",
    "20news-bydate-test/comp.windows.x/67988",
]


@pytest.mark.newsgroups
def test_20_newsgroups_junk(newsgroups_home):
    from topiccli.corpus import load_newsgroups

    corpus = load_newsgroups(None, "all", data_home=newsgroups_home)
    found = junk_documents(corpus.texts)
    flagged = {corpus.ids[i]: reason for i, reason in found.items()}
    for name in KNOWN_UUENCODED:
        assert flagged.get(name) == "uuencoded", name
    assert len(found) < 0.01 * len(corpus.texts)
    # tables of statistics stay
    assert "20news-bydate-train/rec.sport.baseball/104542" not in flagged
    assert "20news-bydate-train/rec.sport.hockey/53602" not in flagged
