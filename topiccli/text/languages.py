"""Which language a corpus is written in: ``--language auto`` detects it on a sample.

The detector is py3langid (Lui & Baldwin's langid.py model, 97 languages, pure Python with
numpy): on 300 documents per language it was as accurate as lingua on documents of a sentence
or more, and far faster and smaller (docs/languages.md). A corpus is described by its
languages' shares in the sample; the *resolved* language of a run is the codes of the
languages that matter, dominant first, joined by ``+`` (``en``, ``zh``, ``en+zh``): the stop
words of each are used, and a language that is written without spaces (``SEGMENTED``) turns
segmentation on. Plain Python; the detector is imported only when detecting.
"""

from __future__ import annotations

import heapq
import re
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import UsageError

AUTO = "auto"
SEGMENTED = ("zh", "ja", "ko", "th")
"""Languages written without spaces between words: they need a segmenter (text.segment)."""
MARKED = ("th", "lo", "km", "my", "hi", "mr", "ne", "bn", "pa", "gu", "or", "ta", "te", "kn",
          "ml", "si", "bo", "ar", "fa", "ur", "ps", "he", "yi")  # fmt: skip
"""Languages whose words carry combining marks (vowel signs): the default ``letters`` token
pattern becomes ``letters_marks`` for them (text_rules), so their words stay whole."""
ONE_CHARACTER = ("zh", "ja")
"""Languages whose segmented words may be one character long: a run in these alone reads
``letters`` as ``letters_one`` (text_rules)."""
SAMPLE = 300
"""Documents detected per corpus (a sample of a larger corpus: ``sample_openings``)."""
SAMPLE_CHARS = 300
"""Characters of each sampled document given to the detector (its opening)."""
MIXED_SHARE = 0.10
"""A second language counts when at least this share of the sample is written in it."""
SEGMENTED_SHARE = 0.01
"""A language written without spaces counts from this share (its documents would otherwise
become clauses, whatever their number)."""
NAMES = {
    "en": "English", "de": "German", "fr": "French", "es": "Spanish", "it": "Italian",
    "pt": "Portuguese", "nl": "Dutch", "sv": "Swedish", "da": "Danish", "no": "Norwegian",
    "fi": "Finnish", "pl": "Polish", "cs": "Czech", "ru": "Russian", "uk": "Ukrainian",
    "tr": "Turkish", "el": "Greek", "ar": "Arabic", "he": "Hebrew", "hi": "Hindi",
    "zh": "Chinese", "ja": "Japanese", "ko": "Korean", "th": "Thai", "vi": "Vietnamese",
    "id": "Indonesian", "hu": "Hungarian", "ro": "Romanian", "fa": "Persian",
}  # fmt: skip
"""Names for messages; any ISO 639-1 code is accepted."""
FOLDED = {"wuu": "zh", "yue": "zh", "cmn": "zh", "nan": "zh", "hak": "zh", "gan": "zh",
          "lzh": "zh", "nb": "no", "nn": "no"}  # fmt: skip
"""The detector's varieties counted as their ISO 639-1 language (Wu and Cantonese Chinese
are written with the same characters and segmented alike; Bokmål and Nynorsk as Norwegian)."""
_CODE = re.compile(r"[a-z]{2}")
_LETTER = re.compile(r"[^\W\d_]")


def name(code: str) -> str:
    """``de`` → ``German`` (the code itself when unnamed)."""
    return NAMES.get(code, code)


def codes(language: str) -> tuple[str, ...]:
    """``"en+zh"`` → ("en", "zh")."""
    return tuple(c for c in language.split("+") if c)


def check_language(value: str) -> str:
    """``auto`` or ISO 639-1 codes joined by ``+``; UsageError otherwise (before any data)."""
    value = value.strip().lower()
    if value == AUTO:
        return value
    parts = codes(value)
    if not parts or any(_CODE.fullmatch(c) is None for c in parts):
        raise UsageError(
            f"language must be auto or an ISO 639-1 code such as en, de, zh (or codes joined "
            f"by +), got {value!r}",
            params=("language",),
        )
    return "+".join(dict.fromkeys(parts))


@dataclass(frozen=True)
class Detection:
    """What detection found: the languages that matter (dominant first), every language's
    share of the sampled documents that had letters, and how many were sampled."""

    codes: tuple[str, ...]
    shares: dict = field(default_factory=dict)
    sample: int = 0
    method: str = "detected"

    @property
    def language(self) -> str:
        return "+".join(self.codes)

    def as_dict(self) -> dict:
        return {"code": self.language, "method": self.method, "shares": dict(self.shares),
                "sample": self.sample}  # fmt: skip


def given(language: str) -> Detection:
    """The Detection of a language the user named (nothing detected)."""
    return Detection(codes(language), {c: None for c in codes(language)}, 0, "given")


def detect(texts, sample: int = SAMPLE) -> Detection:
    """Detect the languages of ``texts`` on a sample of ``sample`` documents (all of a smaller
    corpus), see ``sample_openings``: each document's opening is classified on its own, and
    the shares decide (see MIXED_SHARE, SEGMENTED_SHARE)."""
    return detect_openings([opening for _, opening in sample_openings(texts, sample)])


def sample_openings(texts, sample: int = SAMPLE) -> list[tuple[int, str]]:
    """The sampled documents' openings, as (key, opening): the ``sample`` distinct openings
    with the smallest CRC-32. Chosen by content, not position, so the sample is the same
    however the corpus is split: a Dask share returns its own smallest and the client keeps
    the smallest of them all (``merge_samples``), the very sample one machine takes. Distinct,
    so a text repeated many times (a template, a footer-only post) counts once."""
    openings = {str(text)[:SAMPLE_CHARS] for text in texts}
    keyed = ((zlib.crc32(o.encode("utf-8", "replace")), o) for o in openings)
    return heapq.nsmallest(sample, keyed)


def merge_samples(parts, sample: int = SAMPLE) -> list[tuple[int, str]]:
    """The sample of a corpus from its parts' ``sample_openings``."""
    return heapq.nsmallest(sample, {tuple(pair) for part in parts for pair in part})


def detect_openings(openings: list[str]) -> Detection:
    """``detect`` on the sampled openings themselves. A corpus with no letters at all reads
    as English."""
    classify = _classifier()
    counts: dict[str, int] = {}
    for opening in openings:
        if _LETTER.search(opening) is None:
            continue
        code = classify(opening)
        code = FOLDED.get(code, code)
        counts[code] = counts.get(code, 0) + 1
    total = sum(counts.values())
    if total == 0:
        return Detection(("en",), {}, 0)
    shares = {c: round(k / total, 4) for c, k in sorted(counts.items(), key=lambda x: -x[1])}
    kept = [c for c, s in shares.items() if _CODE.fullmatch(c)
            and (s >= MIXED_SHARE or (c in SEGMENTED and s >= SEGMENTED_SHARE))]  # fmt: skip
    dominant = next((c for c in shares if _CODE.fullmatch(c)), "en")
    chosen_codes = [dominant] + [c for c in kept if c != dominant]
    return Detection(tuple(chosen_codes), shares, total)


def _classifier():
    """``text → ISO code`` with py3langid's model (loaded once per process)."""
    global _IDENTIFIER
    if _IDENTIFIER is None:
        _IDENTIFIER = _load_identifier()
    identifier = _IDENTIFIER
    return lambda text: identifier.classify(text)[0]


_IDENTIFIER = None


def _load_identifier():
    """py3langid's identifier. Its model ships LZMA-compressed, and decompressing it takes
    ~1 s of CPU on every run, so the decompressed arrays are kept (68 MB) in the user's cache
    folder on first use (as topiccli.cache.location places it; TOPICS_CACHE=0 keeps nothing)
    and read from there (~0.2 s)."""
    try:
        import py3langid.modelio as modelio
        from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier
    except ImportError:  # a core dependency; said in one line if an install lost it
        from ..errors import TopicsError

        raise TopicsError(
            "--language auto needs py3langid: pip install py3langid (or give --language CODE)"
        ) from None
    import numpy as np

    source = Path(MODEL_FILE) if Path(MODEL_FILE).is_absolute() else Path(MODEL_DIR) / MODEL_FILE
    cached = _model_cache(source)
    if cached is not None and not cached.is_file():
        _decompress(source, cached)
    if cached is None or not cached.is_file():
        return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=False)
    with np.load(cached, allow_pickle=False) as data:
        return LanguageIdentifier(
            np.asarray(data["ptc"]), np.asarray(data["pc"]), data["classes"].tolist(),
            modelio._to_array(data["nextmove"]), data["out_feat"].tolist(), norm_probs=False,
            tk_row=modelio._to_array(data["nextmove_row"]),
        )  # fmt: skip


def _model_cache(source: Path) -> Path | None:
    """Where the decompressed model is kept (None when caching is off)."""
    import os

    if os.environ.get("TOPICS_CACHE", "").strip().lower() in ("0", "false", "no", "off"):
        return None
    if os.environ.get("TOPICS_CACHE_DIR"):
        base = Path(os.environ["TOPICS_CACHE_DIR"]).expanduser()
    else:
        xdg = os.environ.get("XDG_CACHE_HOME", "")
        base = Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".cache"
        base = base / "topiccli"
    try:
        stat = source.stat()
    except OSError:
        return None
    return base / "models" / f"py3langid-{stat.st_size}-{int(stat.st_mtime)}.npz"


def _decompress(source: Path, target: Path) -> None:
    """Decompress the model to ``target`` atomically; a failure only costs speed."""
    import lzma
    import os
    import shutil
    import tempfile

    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=target.parent, suffix=".partial")
        try:
            with os.fdopen(fd, "wb") as out, lzma.open(source) as src:
                shutil.copyfileobj(src, out, length=1 << 20)
            os.replace(temporary, target)
        finally:
            if os.path.exists(temporary):
                os.unlink(temporary)
    except (OSError, lzma.LZMAError):
        pass
