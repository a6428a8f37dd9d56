"""Hypothesis over the folder loader (issue 6): any names and bytes, any cap, never a crash;
what is not read is skipped and counted."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from topiccli.corpus import load_folder
from topiccli.errors import CorpusError

LOADER = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


NAME_CHARS = st.characters(
    blacklist_categories=("Cs",), blacklist_characters="/\x00", max_codepoint=0x2FFF
)


NAMES = st.text(NAME_CHARS, min_size=1, max_size=12).filter(lambda s: s not in (".", ".."))


RAW_NAMES = st.binary(min_size=1, max_size=12).filter(
    lambda b: b"/" not in b and b"\x00" not in b and b not in (b".", b"..")
)


@LOADER
@given(
    files=st.lists(
        st.tuples(st.one_of(NAMES.map(os.fsencode), RAW_NAMES), st.binary(max_size=300)),
        min_size=1,
        max_size=8,
        unique_by=lambda f: f[0],
    ),
    cap=st.sampled_from([1, 7, 64, 10_000]),
)
def test_the_loader_never_crashes_it_skips_and_counts(tmp_path_factory, files, cap):
    root = tmp_path_factory.mktemp("fuzz")
    for name, content in files:
        with open(os.path.join(os.fsencode(root), name), "wb") as handle:
            handle.write(content)
    try:
        corpus = load_folder(root, max_file_bytes=cap)
    except CorpusError as exc:
        assert "no readable text files" in str(exc)
        return
    visible = [n for n, _ in files if not n.startswith(b".")]
    left_out = sum(v for k, v in corpus.skipped.items() if k != "truncated")
    assert len(corpus.texts) + left_out == len(visible)
    assert len(corpus.ids) == len(set(corpus.ids)) == len(corpus.texts)
    for doc_id, text in zip(corpus.ids, corpus.texts):
        doc_id.encode("utf-8")  # ids are valid Unicode, even from undecodable names
        assert text.strip()
        assert len(text.encode("utf-8")) <= 3 * cap  # cut at the cap, then decoded
