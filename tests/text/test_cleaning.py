"""Cleaning before tokenizing (topiccli.text.clean): NFKC, markup, links and boilerplate, each
switchable, counted in the JSON report and ``--vocabulary``, and applied again by ``infer``."""

from __future__ import annotations

import json
import random

import pytest
from typer.testing import CliRunner

from topiccli.cli import app
from topiccli.text import clean

runner = CliRunner()

THEMES = {
    "space": "rocket orbit launch astronaut satellite moon mission telescope planet crew",
    "food": "recipe oven flour butter sugar bake dough kitchen pastry bread",
    "sport": "match goal striker league referee season coach stadium penalty keeper",
}
HTML_PAGE = """<!DOCTYPE html><html><head><title>{title}</title>
<style>.hljs {{ color: red }}</style><script>var span = document.href;</script></head>
<body><div class="content"><table><tr><td><span class="x">{body}</span></td></tr></table>
<p>See <a href="page.html">more</a> &amp; more&nbsp;here.</p><br/></div></body></html>"""
FOOTER = "Copyright Example Media Group, all rights reserved worldwide and forever."


def essays(n_per_theme: int = 12, seed: int = 0) -> list[tuple[str, str]]:
    """(label, text) pairs of three themes, reproducible."""
    rng = random.Random(seed)
    docs = []
    for label, words in THEMES.items():
        vocab = words.split()
        for _ in range(n_per_theme):
            docs.append((label, " ".join(rng.choice(vocab) for _ in range(40))))
    return docs


def write_jsonl(path, docs) -> None:
    with path.open("w", encoding="utf-8") as f:
        for i, (label, text) in enumerate(docs):
            f.write(json.dumps({"id": f"d{i}", "text": text, "label": label}) + "\n")


def fit(*args) -> dict:
    result = runner.invoke(app, ["nmf", *map(str, args), "--format", "json"])
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


# --- the steps, one by one ----------------------------------------------------------------------


def test_nfkc_folds_full_width_and_ligatures():
    counts = clean.empty_counts(clean.STEPS)
    out = clean.clean_document("ＡＢＣ １２３ ﬁle ｶﾀｶﾅ", ["nfkc"], counts)
    assert out == "ABC 123 file カタカナ"
    assert counts["nfkc_documents"] == 1
    assert clean.clean_document("plain ascii", ["nfkc"], counts) == "plain ascii"
    assert counts["nfkc_documents"] == 1


def test_html_document_loses_markup_and_decodes_entities():
    page = HTML_PAGE.format(title="Rockets", body="orbit launch")
    assert clean.is_markup(page)
    text = clean.strip_markup(page)
    words = set(text.replace(".", " ").split())
    assert {"Rockets", "orbit", "launch", "more", "here"} <= words
    for markup in ("span", "class", "href", "td", "div", "html", "hljs", "var", "<", "&amp;"):
        assert markup not in text
    assert "&" in text and "\xa0" in text  # &amp; and &nbsp; decoded


@pytest.mark.parametrize(
    "plain",
    [
        "if a < b and c > d then the loop stops",
        "Send it to <john@example.com> before <Friday>",
        "x<y, y>z, and 3 <b> 4 are comparisons",
        "C++ templates: vector<int> and map<string, int> hold values",
    ],
)
def test_plain_text_with_angle_brackets_is_untouched(plain):
    assert not clean.is_markup(plain)
    assert clean.clean_document(plain, ["markup"]) == plain


def test_entity_debris_without_ampersand_is_decoded():
    text = "Ansari X Prize of #36;10 million, quot;Yes quot; he said, a lt; b"
    out = clean.clean_document(text, ["markup"])
    assert out == 'Ansari X Prize of $10 million, "Yes " he said, a < b'


def test_urls_and_emails_are_removed_whole():
    text = ("Write to john.smith@cs.cmu.edu or <jdoe@mail.example.org>, see "
            "http://www.example.com/a/b?c=1 and www.topics.org/faq; ftp.uu.net has it, "
            "Amazon.com sells it; thanks")  # fmt: skip
    counts = clean.empty_counts(("links",))
    out = clean.clean_document(text, ["links"], counts)
    for piece in ("edu", "cmu", "com", "org", "net", "http", "www", "mail", "uu", "@"):
        assert piece not in out
    assert out.split() == ["Write", "to", "or", ",", "see", "and", "has", "it,", "Amazon",
                           "sells", "it;", "thanks"]  # fmt: skip
    assert (counts["urls"], counts["emails"]) == (4, 2)


def test_boilerplate_footer_is_dropped_and_counted():
    docs = [text for _, text in essays()]
    with_footer = [f"{text}\n{FOOTER}" if i % 3 == 0 else text for i, text in enumerate(docs)]
    only_footer = FOOTER  # a document of nothing else keeps it
    cleaned = clean.clean_texts([*with_footer, only_footer], "boilerplate")
    assert cleaned.boilerplate == [FOOTER]
    n_footers = sum(i % 3 == 0 for i in range(len(docs)))
    assert cleaned.counts["boilerplate_removed"] == n_footers
    assert cleaned.counts["boilerplate_documents"] == n_footers
    assert cleaned.counts["boilerplate_segments"] == 1
    assert not any(FOOTER in text for text in cleaned.texts[:-1])
    assert cleaned.texts[-1] == FOOTER
    assert cleaned.texts[1] == docs[1]


def test_boilerplate_sentence_inside_a_line_is_found():
    docs = [f"{text}. {FOOTER} More words here." for _, text in essays(5)]
    docs += [text for _, text in essays(20, seed=1)]
    cleaned = clean.clean_texts(docs, "boilerplate")
    assert cleaned.boilerplate == [FOOTER]
    assert all("Copyright" not in t for t in cleaned.texts)
    assert all(t.endswith("More words here.") for t in cleaned.texts[:15])


def test_rare_repeats_are_not_boilerplate():
    docs = [text for _, text in essays(40)]
    docs = [f"{t}\nA sentence shared by only three of these many documents." if i < 3 else t
            for i, t in enumerate(docs)]  # fmt: skip
    assert clean.find_boilerplate(docs) == []


def test_boilerplate_is_deterministic_in_order():
    footers = [f"Footer number {i} of the newsletter, unsubscribe below." for i in range(3)]
    docs = [f"{t}\n{footers[i % 3]}\n{footers[0]}" for i, (_, t) in enumerate(essays(30))]
    first = clean.find_boilerplate(docs)
    assert first == clean.find_boilerplate(list(reversed(docs)))
    assert first[0] == footers[0] and sorted(first[1:]) == first[1:]


def test_boilerplate_found_in_blocks_is_what_one_pass_finds(monkeypatch):
    """Blocks of 7 documents: a footer in one document of each block (6 of 60: under the
    per-block count of a one-pass search, found by the candidates' exact second count), one
    in 4 documents (under the floor of 5), and footers concentrated in one block."""
    spread = "Sent from the newsletter desk, please do not reply to this."
    rare = "A rare closing line shared by four of the documents only."
    packed = [f"Packed footer number {i} repeated in the first block only." for i in range(2)]
    docs = []
    for i, (_, text) in enumerate(essays(60)):
        lines = [text]
        lines += [spread] if i % 10 == 3 else []
        lines += [rare] if i in (1, 20, 40, 59) else []
        lines += packed if i < 7 else []
        docs.append("\n".join(lines))
    whole = clean.find_boilerplate(docs)
    assert spread in whole and rare not in whole and set(packed) <= set(whole)
    monkeypatch.setattr(clean, "BOILERPLATE_BLOCK", 7)
    assert clean.find_boilerplate(docs) == whole


def test_unknown_step_is_refused_before_reading(tmp_path):
    result = runner.invoke(app, ["nmf", "--input", str(tmp_path / "absent"), "--clean", "soap"])
    assert result.exit_code == 2
    assert "--clean" in result.stderr and "soap" in result.stderr


# --- end to end ---------------------------------------------------------------------------------


@pytest.fixture
def html_corpus(tmp_path):
    """Thirty-six documents of three themes; a third of them HTML pages, a third with a
    footer, some with addresses."""
    docs = []
    for i, (label, text) in enumerate(essays()):
        if i % 3 == 0:
            text = HTML_PAGE.format(title=label, body=text)
        elif i % 3 == 1:
            text = f"{text}\n{FOOTER}\nMail editor@news.example.com or http://news.example.com/"
        docs.append((label, text))
    path = tmp_path / "docs.jsonl"
    write_jsonl(path, docs)
    return path


def test_json_report_counts_each_step_and_markup_never_becomes_terms(html_corpus):
    args = ["--input", html_corpus, "--text-field", "text", "--label-field", "label", "--k", 3]
    report = fit(*args, "--vocabulary", "--min-df", 1)
    counts = report["corpus"]["cleaning"]
    assert counts["steps"] == ["nfkc", "markup", "links", "boilerplate"]
    assert counts["markup_documents"] == 12
    assert counts["urls"] == 12 and counts["emails"] == 12
    # the footer, and the pages' own "See more & more here." line: each in 12 of 36 documents
    assert counts["boilerplate_removed"] == 24 and counts["boilerplate_segments"] == 2
    assert report["vocabulary"]["cleaning"] == counts
    words = {w for t in report["topics"] for w in t["words"]}
    markup = {"span", "class", "href", "td", "div", "html", "hljs", "com", "mail", "http"}
    assert not words & markup
    assert {t["label"] for t in report["topics"]} == set(THEMES)

    raw = fit(*args, "--vocabulary", "--min-df", 1, "--clean", "none")
    assert raw["corpus"]["cleaning"] == {"steps": []}
    # the vocabularies themselves: without cleaning the markup does become terms
    from topiccli import TopicModel

    texts = [json.loads(line)["text"] for line in html_corpus.read_text("utf-8").splitlines()]
    tags = {"span", "class", "href", "td", "div", "html", "hljs"}
    cleaned = TopicModel(k=3, min_df=1).fit(texts).vocabulary_
    raw_terms = TopicModel(k=3, min_df=1, clean="none").fit(texts).vocabulary_
    assert not tags & set(cleaned) and tags <= set(raw_terms)
    assert raw["corpus"]["n_terms"] > report["corpus"]["n_terms"]


def test_vocabulary_table_says_what_cleaning_did(html_corpus):
    result = runner.invoke(app, ["nmf", "--input", str(html_corpus), "--text-field", "text",
                                 "--k", "3", "--vocabulary"])  # fmt: skip
    assert result.exit_code == 0, result.stderr
    text = " ".join(result.stdout.split())
    assert "Cleaning (nfkc+markup+links+boilerplate):" in text
    assert "12 HTML/XML documents stripped of markup" in text
    assert "24 boilerplate segments dropped (2 distinct, from 24 documents)" in text


def test_infer_cleans_new_documents_as_the_fit_did(html_corpus, tmp_path):
    model = tmp_path / "model"
    fit("--input", html_corpus, "--text-field", "text", "--k", 3, "--save", model)
    state = json.loads((model / "vectorizer.json").read_text())
    assert state["clean"] == "nfkc+markup+links+boilerplate"
    assert FOOTER in state["boilerplate"] and len(state["boilerplate"]) == 2
    body = THEMES["space"]
    docs = tmp_path / "new.jsonl"
    write_jsonl(docs, [("a", HTML_PAGE.format(title="space", body=body)),
                       ("b", f"{body}\n{FOOTER}\nsee http://x.example.com/"),
                       ("c", body)])  # fmt: skip
    result = runner.invoke(app, ["infer", str(model), "--input", str(docs), "--text-field",
                                 "text", "--format", "json"])  # fmt: skip
    assert result.exit_code == 0, result.stderr
    weights = [d["weights"] for d in json.loads(result.stdout)["documents"]]
    a, b, c = weights
    assert b == pytest.approx(c, abs=1e-12)  # footer and URL dropped: the same as the body alone
    top = max(range(3), key=lambda t: c[t])
    assert max(range(3), key=lambda t: a[t]) == top


# --- English leftovers: plurals and greetings ---------------------------------------------------


def test_plural_candidates_and_fold_map():
    from topiccli.text import plurals

    assert plurals.candidates("studies") == ["study", "studie"]
    assert plurals.candidates("boxes") == ["box", "boxe"]
    assert plurals.candidates("files") == ["file"]
    assert plurals.candidates("cases") == ["case", "cas"]
    assert plurals.candidates("glasses") == ["glass", "glasse"]
    assert plurals.fold_map(["buses", "bus"]) == {"buses": "bus"}
    assert plurals.fold_map(["boxeses", "boxes", "box"]) == {"boxeses": "box", "boxes": "box"}
    for word in ("class", "virus", "analysis", "news", "physics", "was", "its"):
        assert plurals.candidates(word) == [] or word[:-1] not in plurals.fold_map(
            [word, word[:-1]]).values()  # fmt: skip
        assert word not in plurals.fold_map([word, word[:-1], word[:-2]])
    vocab = ["star", "stars", "file", "files", "box", "boxes", "study", "studies", "keys", "glass"]
    assert plurals.fold_map(vocab) == {"stars": "star", "files": "file", "boxes": "box",
                                       "studies": "study"}  # fmt: skip


def test_plurals_fold_into_one_term_and_infer_folds_too(tmp_path):
    docs = [(label, text.replace("rocket orbit", "rockets orbits").replace("bread", "breads"))
            if i % 2 else (label, text) for i, (label, text) in enumerate(essays())]  # fmt: skip
    path = tmp_path / "docs.jsonl"
    write_jsonl(path, docs)
    args = ["--input", path, "--text-field", "text", "--k", 3, "--vocabulary"]
    folded = fit(*args, "--plurals", "fold", "--save", tmp_path / "model")
    kept = fit(*args)
    assert folded["vocabulary"]["plurals_folded"] == 3
    assert kept["vocabulary"]["plurals_folded"] == 0
    assert folded["corpus"]["n_terms"] == kept["corpus"]["n_terms"] - 3
    words = {w for t in folded["topics"] for w in t["words"]}
    assert {"rocket", "orbit"} <= words and not {"rockets", "orbits", "breads"} & words
    state = json.loads((tmp_path / "model" / "vectorizer.json").read_text())
    assert state["fold"] == {"breads": "bread", "orbits": "orbit", "rockets": "rocket"}
    new = tmp_path / "new.jsonl"
    write_jsonl(new, [("a", "rockets orbits rockets"), ("b", "rocket orbit rocket")])
    result = runner.invoke(app, ["infer", str(tmp_path / "model"), "--input", str(new),
                                 "--text-field", "text", "--format", "json"])  # fmt: skip
    assert result.exit_code == 0, result.stderr
    a, b = (d["weights"] for d in json.loads(result.stdout)["documents"])
    assert a == pytest.approx(b, abs=1e-12) and max(a) > 0


def test_plurals_auto_follows_the_english_stop_words(tmp_path):
    docs = [(label, text + (" stars star" if i % 3 == 0 else ""))
            for i, (label, text) in enumerate(essays())]  # fmt: skip
    path = tmp_path / "docs.jsonl"
    write_jsonl(path, docs)
    args = ["--input", path, "--text-field", "text", "--k", 3, "--vocabulary", "--plurals", "auto"]
    assert fit(*args)["vocabulary"]["plurals_folded"] == 1
    assert fit(*args, "--stop-words", "none")["vocabulary"]["plurals_folded"] == 0


def test_greetings_are_stop_words():
    from topiccli.text.rules import FILLERS

    assert {"thanks", "hi", "hello", "regards", "cheers"} <= FILLERS


@pytest.mark.parametrize("block", [100_000, 3])
def test_corpus_at_once_equals_document_by_document(block, monkeypatch):
    monkeypatch.setattr(clean, "CLEAN_BLOCK", block)  # 3: the corpus in three blocks
    texts = [
        HTML_PAGE.format(title="t", body="orbit launch"),
        "mail a.b@c.example.org, see https://x.example.com/p?q=1 or www.y.org/z. AT&T R&D",
        "hosts cs.cmu.edu and ftp.uu.net; shops Amazon.com, eBay.com. v1.2 e.g. i.e.",
        "quot;Yes quot; #36;10 &amp; &#8364; &bogus; q&amp;a",
        "ＡＢＣ ﬁle <b>bold</b> x < y > z",
        "plain text, nothing to do",
        "",
        "über straße naïve café <name@mail.example.de>",
    ]
    for chosen in (("nfkc",), ("markup",), ("links",), ("nfkc", "markup", "links")):
        counts_each, counts_one = clean.empty_counts(chosen), clean.empty_counts(chosen)
        together = clean.clean_each(texts, chosen, counts_each)
        alone = [clean.clean_document(t, chosen, counts_one) for t in texts]
        assert together == alone
        assert counts_each == counts_one
        # a document left as it was is the same object: the corpus is not held twice
        assert together[5] is texts[5]
