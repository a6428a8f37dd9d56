"""Evidence for ``--phrases`` (issue 25, "Phrases"): agreement with gensim's ``Phrases`` at the
same thresholds, and the vectorizer's time with and without phrases.

On 20 Newsgroups (``--subset all`` by default), with the default vectorizer settings:

* **time**: ``Vectorizer.fit_transform`` (cleaning, tokenizing, counting, weighing: the whole
  vectorize stage) without and with ``phrases=True``, best of ``--repeat`` runs each;
* **agreement**: gensim's ``Phrases(sentences, min_count=MIN_COUNT, threshold=THRESHOLD,
  scoring="npmi")`` fed the very tokens our detection reads (the cleaned, prepared texts
  through scikit-learn's analyzer, stop words removed), its ``export_phrases()`` against the
  phrases we found: Jaccard |ours ∩ gensim| / |ours ∪ gensim|, with recall and precision.

    .venv/bin/topics data import /work/shared/data/20news-bydate.tar.gz --data-home /tmp/sd
    nice .venv/bin/python scripts/evaluate_phrases.py --data-home /tmp/sd

Needs gensim (``pip install -e '.[peers]'``).
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import replace


def load(subset: str, data_home: str | None) -> list[str]:
    from topiccli.corpus import Source, check_source
    from topiccli.specs import SourceSpec

    spec = SourceSpec(subset=subset, data_home=data_home)
    return list(Source(check_source(spec)).load().texts)


def timed(settings, texts, repeat: int):
    from topiccli.text.vectorize import Vectorizer

    best, dt = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        dt = Vectorizer(settings).fit_transform(texts)
        best = min(best, time.perf_counter() - start)
    return best, dt


def gensim_phrases(settings, texts) -> set[str]:
    """gensim's phrases over the tokens our detection reads."""
    from gensim.models.phrases import Phrases

    from topiccli.text import clean, phrases
    from topiccli.text.vectorize import prepared, sklearn_vectorizer

    cleaned = prepared(settings, clean.clean_texts(texts, settings.clean).texts)
    analyze = sklearn_vectorizer(replace(settings, ngram_range=(1, 1))).build_analyzer()
    model = Phrases((analyze(t) for t in cleaned), min_count=phrases.MIN_COUNT,
                    threshold=phrases.THRESHOLD, scoring="npmi",
                    delimiter=phrases.DELIMITER)  # fmt: skip
    return set(model.export_phrases())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-home", default=None)
    parser.add_argument("--subset", default="all")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--out", default=None)
    args = parser.parse_args()

    from topiccli.specs import VectorizerSettings
    from topiccli.text import phrases

    texts = load(args.subset, args.data_home)
    plain_s, plain = timed(VectorizerSettings(), texts, args.repeat)
    joined_s, joined = timed(VectorizerSettings(phrases=True), texts, args.repeat)
    ours = {phrases.DELIMITER.join(pair) for pair in joined.phrases}
    theirs = gensim_phrases(plain.settings, texts)
    both = ours & theirs
    result = {
        "documents": len(texts),
        "threshold": phrases.THRESHOLD,
        "min_count": phrases.MIN_COUNT,
        "plain_seconds": round(plain_s, 2),
        "phrases_seconds": round(joined_s, 2),
        "time_ratio": round(joined_s / plain_s, 3),
        "ours": len(ours),
        "gensim": len(theirs),
        "jaccard": round(len(both) / max(1, len(ours | theirs)), 4),
        "recall": round(len(both) / max(1, len(theirs)), 4),
        "precision": round(len(both) / max(1, len(ours)), 4),
        "only_ours": sorted(ours - theirs)[:20],
        "only_gensim": sorted(theirs - ours)[:20],
        "terms_plain": len(plain.terms),
        "terms_with_phrases": len(joined.terms),
        "examples": [t for t in joined.terms if phrases.DELIMITER in t][:30],
    }
    text = json.dumps(result, indent=1)
    if args.out:
        with open(args.out, "w", encoding="utf-8") as handle:
            handle.write(text + "\n")
    print(text)


if __name__ == "__main__":
    main()
