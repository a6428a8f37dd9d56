"""Any language (issue 21): detection, segmentation, stop words per language, lemmatizing,
and the warnings that say what went wrong (topiccli.text)."""

from __future__ import annotations

import importlib.util
import json
import warnings

import pytest
from typer.testing import CliRunner

from topiccli.cli import app
from topiccli.errors import TopicsWarning, UsageError, VectorizeError
from topiccli.specs import VectorizerSettings
from topiccli.text import languages, segment, stopwords
from topiccli.text.vectorize import Vectorizer, stop_word_set, tokenizer

from ..helpers import age, zh_corpus

runner = CliRunner()

EN = "The striker scored twice and the team won the league match at the stadium."
DE = "Die Regierung hat gestern im Parlament ein neues Gesetz über die Steuern beschlossen."


def zh_unsplit(n: int = 40) -> list[str]:
    """Documents each one unbroken run of Chinese characters, all different: read as a
    space-delimited language, every document is one clause that no other has."""
    import itertools

    sentences = [s.strip("。").replace("，", "") for s in zh_corpus(1)]
    pairs = itertools.islice(itertools.permutations(sentences, 2), n)
    return [a + b for a, b in pairs]


def needs(module: str):
    """The extra ``make install`` installs; skipped only where it is missing."""
    if importlib.util.find_spec(module) is None:
        pytest.skip(f"{module} is not installed (make install installs it)")


# --- segmenters on fixed sentences ----------------------------------------------------------


def test_chinese_is_segmented_into_words():
    needs("rjieba")
    words = segment.segment("我们在北京大学学习计算机科学", "zh").split()
    assert "我们" in words and "学习" in words
    assert "我们在北京大学学习计算机科学" not in words


def test_japanese_keeps_content_words_in_dictionary_form():
    needs("sudachipy")
    words = segment.segment("東京で友達と美味しいラーメンを食べました。", "ja").split()
    assert words == ["東京", "友達", "美味しい", "ラーメン", "食べる"]  # no particles (で, と, を)


def test_korean_keeps_content_morphemes_not_particles_or_endings():
    needs("kiwipiepy")
    words = segment.segment(
        "컴퓨터의 성능이 좋아졌다고 그는 말했다. 달걀로 요리를 했다.", "ko"
    ).split()
    assert {"컴퓨터", "성능", "달걀", "요리"} <= set(words)
    assert not {"컴퓨터의", "달걀로", "말했다", "의", "로", "를"} & set(words)
    assert "좋다" in words  # an adjective's stem, as stem+다


def test_thai_is_segmented():
    needs("pythainlp")
    words = segment.segment("ฉันชอบกินข้าวผัดที่ร้านอาหารไทย", "th").split()
    assert "ชอบ" in words and len(words) >= 5


def test_thai_and_indic_words_keep_their_vowel_signs():
    texts = ["ฉันชอบกินข้าวผัด ร้านอาหาร", "हिन्दी भाषा बहुत सुंदर है"] * 3
    dt = Vectorizer(VectorizerSettings(language="th+hi", min_df=1, max_df=1.0,
                                       stop_words="none")).fit_transform(texts)  # fmt: skip
    assert dt.settings.token_pattern == "letters_marks"
    assert {"हिन्दी", "भाषा", "ร้านอาหาร"} <= set(dt.terms)


def test_segmenting_on_every_core_keeps_document_order(monkeypatch):
    needs("rjieba")
    texts = [f"{s}{i}" for i, s in enumerate(zh_corpus(2))] + [EN]
    alone = segment.segment_texts(texts, "zh", workers=1)
    monkeypatch.setattr(segment, "POOL_CHARS", 0)  # a process pool even for a small corpus
    assert segment.segment_texts(texts, "zh", workers=2) == alone
    assert alone[-1] == EN and "球队" in alone[0].split()


UNGUARDED = """
import json
from topiccli.text import segment
segment.POOL_CHARS = 0  # a process pool even for these few documents
texts = ["我们的球队赢了比赛", "股票市场今天上涨", "这家餐厅的菜很好吃"] * 20
out = segment.segment_texts(texts, "zh", workers=2)
print(json.dumps(out == [segment.segment(t, "zh") for t in texts]))
"""


def test_a_script_without_a_main_guard_segments_on_one_core_and_says_why(tmp_path):
    """Spawned workers re-run an unguarded script, which Python refuses while they start: the
    pool breaks. The documents are then segmented here, with the same words, and a warning
    names the guard; before, the run died with BrokenProcessPool."""
    import subprocess
    import sys

    script = tmp_path / "unguarded.py"
    script.write_text(UNGUARDED, encoding="utf-8")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                          timeout=300, cwd=tmp_path)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "true"
    assert "segmenting on one core" in done.stderr and "__main__" in done.stderr


def test_text_without_spaceless_script_is_untouched():
    assert segment.segment(EN, "zh") == EN
    assert segment.segment_texts([EN, DE], "en") == [EN, DE]


# --- the bigram fallback and the missing extra ------------------------------------------------


def test_bigrams_follow_lucenes_cjk_analyzer():
    assert segment.bigrams("北京大学 is big") == ["北京", "京大", "大学", "is", "big"]
    assert segment.bigrams("中 x") == ["中", "x"]


@pytest.fixture
def no_chinese_segmenter(monkeypatch):
    """Simulate an install without the zh extra: neither rjieba nor jieba can be found."""
    real = importlib.util.find_spec

    def find_spec(name, *args, **kwargs):
        if name.split(".")[0] in ("rjieba", "jieba"):
            return None
        return real(name, *args, **kwargs)

    monkeypatch.setattr(importlib.util, "find_spec", find_spec)
    segment._segmenter.cache_clear()
    segment._MEMO.clear()
    yield
    segment._segmenter.cache_clear()


def test_missing_extra_warns_in_one_line_and_falls_back_to_bigrams(no_chinese_segmenter):
    with pytest.warns(TopicsWarning) as heard:
        out = segment.segment_texts(["我们在北京大学学习"], "zh")
    messages = [str(w.message) for w in heard]
    assert any("pip install 'topiccli[zh]'" in m for m in messages)
    assert all("\n" not in m for m in messages)
    assert out == ["我们 们在 在北 北京 京大 大学 学学 学习"]


def test_without_the_extra_chinese_still_never_becomes_clauses(no_chinese_segmenter):
    with warnings.catch_warnings(record=True) as heard:
        warnings.simplefilter("always")
        dt = Vectorizer(VectorizerSettings(language="zh")).fit_transform(zh_corpus())
    assert max(len(str(t)) for t in dt.terms) == 2  # bigrams, not clauses
    assert any("topiccli[zh]" in str(w.message) for w in heard)


# --- detection --------------------------------------------------------------------------------


def test_detection_on_mixed_input_reports_the_shares():
    texts = [f"{EN} {i}" for i in range(30)] + zh_corpus(1) * 2 + [f"{DE} {i}" for i in range(10)]
    found = languages.detect(texts)  # 30 English, 12 distinct Chinese, 10 German
    assert found.codes[0] == "en"
    assert set(found.codes) == {"en", "zh", "de"}
    assert found.shares["en"] == pytest.approx(30 / 52, abs=0.02)
    assert found.shares["zh"] == pytest.approx(12 / 52, abs=0.02)


def test_the_sample_is_the_same_however_the_corpus_is_split():
    texts = [f"{EN} {i}" for i in range(700)] + [f"{DE} {i}" for i in range(300)]
    whole = languages.sample_openings(texts)
    parts = [languages.sample_openings(texts[i : i + 137]) for i in range(0, len(texts), 137)]
    assert languages.merge_samples(parts) == whole and len(whole) == languages.SAMPLE


def test_detection_is_deterministic_and_samples_large_corpora():
    texts = [f"{EN} {i}" for i in range(800)] + [f"{DE} {i}" for i in range(200)] + [EN] * 500
    first, second = languages.detect(texts), languages.detect(texts)
    assert first == second and first.sample == languages.SAMPLE
    assert first.codes == ("en", "de")


def test_language_option_is_checked_before_any_data():
    with pytest.raises(UsageError):
        Vectorizer(VectorizerSettings(language="chinese"))
    result = runner.invoke(app, ["nmf", "--input", "/no/such/place", "--language", "x1"])
    assert result.exit_code == 2 and "--language" in result.stderr


# --- stop words per language ------------------------------------------------------------------


def test_auto_stop_words_follow_the_language():
    assert stopwords.resolve("auto", "en") == "english+fillers"
    assert stopwords.resolve("auto", "de") == "de"
    assert stopwords.resolve("auto+my.txt", "en+zh") == "english+fillers+zh+my.txt"
    german = stop_word_set(VectorizerSettings(stop_words="de"))
    assert {"und", "der", "nicht"} <= german and "regierung" not in german
    chinese = VectorizerSettings(stop_words="zh", token_pattern="letters_one")  # as resolved
    assert {"的", "我们"} <= stop_word_set(chinese)


def test_english_default_is_unchanged():
    texts = [EN, EN.upper(), "A match."]
    resolved = Vectorizer(VectorizerSettings(max_df=1.0)).fit_transform(texts)
    assert resolved.settings.language == "en"
    assert resolved.settings.stop_words == "english+fillers"
    assert stop_word_set(resolved.settings) == stop_word_set(
        VectorizerSettings(stop_words="english+fillers")
    )


def test_stop_words_apply_after_segmentation():
    needs("rjieba")
    dt = Vectorizer(VectorizerSettings(min_df=1)).fit_transform(zh_corpus())
    terms = set(map(str, dt.terms))
    assert dt.settings.language == "zh" and dt.settings.stop_words == "zh"
    assert dt.settings.token_pattern == "letters_one"  # one-character words count in Chinese
    assert {"球队", "股票", "餐厅", "菜"} <= terms
    assert "我们" not in terms  # a Chinese stop word, as the segmenter cuts it


def test_bundled_lists_keep_only_whole_tokens_and_warn_of_nothing(tmp_path):
    """The Korean list's multi-word phrases can never match a token: they are dropped, so a
    Korean run no longer repeats scikit-learn's "inconsistent" warning with a hundred tokens;
    the single-token entries stay. A user's own list is kept whole, warning included."""
    needs("kiwipiepy")
    korean = stop_word_set(VectorizerSettings(stop_words="ko"))
    assert "예를 들자면" not in korean and all(" " not in w for w in korean)
    assert {"그리고", "하지만"} & korean
    texts = ["정부는 오늘 새로운 경제 정책을 발표했다", "축구 대표팀이 경기에서 승리했다"] * 5
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # any warning fails the test
        Vectorizer(VectorizerSettings(language="ko", min_df=1, max_df=1.0)).fit_transform(texts)
    own = tmp_path / "phrases.txt"
    own.write_text("예를 들자면\n", encoding="utf-8")
    assert "예를 들자면" in stop_word_set(VectorizerSettings(stop_words=str(own)))
    with pytest.warns(UserWarning, match="inconsistent"):
        Vectorizer(VectorizerSettings(language="ko", min_df=1, max_df=1.0,
                                      stop_words=str(own))).fit_transform(texts)  # fmt: skip


def test_extra_stop_words_still_add(tmp_path):
    extra = tmp_path / "more.txt"
    extra.write_text("regierung\n", encoding="utf-8")
    words = stop_word_set(VectorizerSettings(stop_words=f"de+{extra}"))
    assert "regierung" in words and "und" in words


# --- what went wrong --------------------------------------------------------------------------


def test_clauses_warn_and_name_the_cause():
    texts = zh_corpus()
    with pytest.warns(TopicsWarning, match="clauses") as heard:
        dt = Vectorizer(VectorizerSettings(language="en", min_df=1)).fit_transform(texts)
    assert any("--language" in str(w.message) for w in heard)
    assert dt.language["mean_term_length"] > 5


def test_documents_without_terms_are_reported_and_warned():
    needs("rjieba")
    texts = zh_corpus() + ["12345"] * 6  # no word in these
    with pytest.warns(TopicsWarning, match="keep no term"):
        dt = Vectorizer(VectorizerSettings()).fit_transform(texts)
    assert dt.language["documents_without_terms"] == pytest.approx(6 / len(texts), abs=1e-3)


def test_stop_list_in_another_language_warns():
    with pytest.warns(TopicsWarning, match="reads as German"):
        settings = VectorizerSettings(stop_words="english", min_df=1, max_df=1.0)
        Vectorizer(settings).fit_transform([DE] * 5)


def test_no_terms_error_names_the_real_cause():
    texts = zh_unsplit()
    settings = VectorizerSettings(language="en")
    with (
        pytest.raises(VectorizeError, match="never split into words") as caught,
        warnings.catch_warnings(),
    ):
        warnings.simplefilter("ignore")
        Vectorizer(settings).fit_transform(texts)
    assert "lower min_df" not in str(caught.value)
    assert caught.value.vocabulary()["terms_before_pruning"] > 0


def test_vocabulary_is_reported_even_when_the_run_fails(tmp_path):
    corpus = tmp_path / "docs.jsonl"
    texts = zh_unsplit()
    corpus.write_text("".join(json.dumps({"text": t}) + "\n" for t in texts), encoding="utf-8")
    result = runner.invoke(app, ["nmf", "--input", str(corpus), "--language", "en",
                                 "--vocabulary", "--k", "2", "--no-cache"])  # fmt: skip
    assert result.exit_code == 1
    assert "never split into words" in result.stderr
    assert "Vocabulary: 0 of" in result.stderr and "Most frequent before pruning" in result.stderr


# --- the report, the bundle, infer -------------------------------------------------------------


def test_report_header_and_bundle_carry_the_language(tmp_path):
    needs("rjieba")
    corpus = tmp_path / "docs.jsonl"
    corpus.write_text("".join(json.dumps({"text": t}) + "\n" for t in zh_corpus()),
                      encoding="utf-8")  # fmt: skip
    bundle = tmp_path / "model"
    result = runner.invoke(app, ["nmf", "--input", str(corpus), "--k", "3", "--no-cache",
                                 "--format", "json", "--save", str(bundle)])  # fmt: skip
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["corpus"]["language"]["code"] == "zh"
    assert report["vectorizer"]["language"] == "zh"
    words = {w for topic in report["topics"] for w in topic["words"]}
    assert {"球队", "股票", "餐厅"} & words
    table = runner.invoke(app, ["nmf", "--input", str(corpus), "--k", "3", "--no-cache"])
    assert "language zh" in table.stdout.splitlines()[0]
    state = json.loads((bundle / "vectorizer.json").read_text(encoding="utf-8"))
    assert state["language"] == "zh" and state["state_version"] == 3
    new = tmp_path / "new.jsonl"
    new.write_text(json.dumps({"text": "球队在足球比赛中进球。"}) + "\n", encoding="utf-8")
    inferred = runner.invoke(app, ["infer", str(bundle), "--input", str(new), "-f", "json"])
    assert inferred.exit_code == 0, inferred.stderr
    assert "sport" not in inferred.stdout  # (no labels) but the text met the vocabulary:
    from topiccli.models.bundle import load
    from topiccli.text.vectorizer_state import transform

    model = load(bundle)
    X = transform(model.vectorizer, model.terms, model.idf, ["球队在足球比赛中进球。"])
    assert X.nnz >= 2  # segmented as the training texts were (球队, 足球, 比赛, 进球)


def test_tokenizer_segments_as_the_vectorizer_does():
    needs("rjieba")
    tokens = tokenizer(VectorizerSettings(language="zh", stop_words="zh"))
    assert "球队" in tokens("今天的足球比赛非常精彩，球队进球三次。")


# --- lemmatize --------------------------------------------------------------------------------


def test_lemmatize_merges_plural_and_singular():
    needs("simplemma")
    texts = ["The files and the file were saved.", "Stars and a star in the sky."] * 3
    plain = Vectorizer(VectorizerSettings(min_df=1, max_df=1.0)).fit_transform(texts)
    lemmas = Vectorizer(VectorizerSettings(min_df=1, max_df=1.0, lemmatize=True)).fit_transform(
        texts
    )
    assert {"files", "file", "stars", "star"} <= set(plain.terms)
    assert {"file", "star"} <= set(lemmas.terms) and not {"files", "stars"} & set(lemmas.terms)


def test_lemmatize_german():
    needs("simplemma")
    texts = ["Die Häuser sind alt.", "Das Haus ist neu."] * 3
    dt = Vectorizer(VectorizerSettings(min_df=1, max_df=1.0, lemmatize=True,
                                       language="de")).fit_transform(texts)  # fmt: skip
    assert "haus" in set(dt.terms) and "häuser" not in set(dt.terms)


def test_detected_german_is_lemmatized_by_default_and_english_is_not():
    needs("simplemma")
    german = [
        "Die Häuser in der Stadt sind alt und die Regierung baut neue Häuser.",
        "Das Haus am Fluss ist neu, sagte der Bürgermeister der Stadt gestern.",
    ] * 3
    dt = Vectorizer(VectorizerSettings(min_df=1, max_df=1.0)).fit_transform(german)
    assert dt.settings.language == "de" and dt.settings.lemmatize is True
    assert "haus" in set(dt.terms) and "häuser" not in set(dt.terms)
    off = VectorizerSettings(min_df=1, max_df=1.0, lemmatize=False)
    assert "häuser" in set(Vectorizer(off).fit_transform(german).terms)  # --no-lemmatize
    english = ["The files and the file were saved in the archive.", EN] * 3
    dt = Vectorizer(VectorizerSettings(min_df=1, max_df=1.0)).fit_transform(english)
    assert dt.settings.lemmatize is False and "files" in set(dt.terms)


def test_without_simplemma_german_is_counted_as_written_with_one_warning(monkeypatch):
    from topiccli.text import lemmatize

    real = importlib.util.find_spec

    def find_spec(name, *args):
        return None if name == "simplemma" else real(name, *args)

    monkeypatch.setattr(importlib.util, "find_spec", find_spec)
    with pytest.warns(TopicsWarning) as caught:
        assert lemmatize.auto_lemmatize("de") is False
    assert len(caught) == 1 and "topiccli[lemmatize]" in str(caught[0].message)
    assert lemmatize.auto_lemmatize("en") is False  # English: no lemmas, nothing to warn


def test_a_corpus_cache_hit_keeps_the_resolved_language(tmp_path):
    needs("rjieba")
    corpus = tmp_path / "docs.jsonl"
    corpus.write_text("".join(json.dumps({"text": t}) + "\n" for t in zh_corpus()),
                      encoding="utf-8")  # fmt: skip
    age(corpus)  # settled data: the cache stores it
    runs = []
    for i in range(2):
        args = ["nmf", "--input", str(corpus), "--k", "3", "--cache-dir", str(tmp_path / "c"),
                "-f", "json", "--doc-topics", str(tmp_path / f"d{i}.csv")]  # fmt: skip
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.stderr
        runs.append(json.loads(result.stdout))
    assert [r["corpus"]["cache"] for r in runs] == ["miss", "hit"]
    assert runs[1]["vectorizer"] == runs[0]["vectorizer"]
    assert runs[1]["vectorizer"]["token_pattern"] == "letters_one"
    assert runs[1]["corpus"]["language"] == runs[0]["corpus"]["language"]
    assert runs[1]["metrics"]["c_npmi"] == runs[0]["metrics"]["c_npmi"]
