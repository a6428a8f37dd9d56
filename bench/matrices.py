"""The benchmark's matrices: 20 Newsgroups (train/all × TF-IDF/Count) and planted corpora.

20 Newsgroups: headers, footers and quotes removed, English stop words; TF-IDF with
min_df=2, max_df=0.95; Count with scikit-learn's defaults. Planted corpora come from
``topiccli.corpus.synthetic.planted(texts=False)`` (20 topics, 60-word documents).
"""

from __future__ import annotations

from functools import cache

NEWSGROUPS = ("train-tfidf", "train-count", "all-tfidf", "all-count")
SYNTHETIC = {"synth-10k": 10_000, "synth-100k": 100_000, "synth-1M": 1_000_000}


@cache
def _texts(home: str, subset: str) -> tuple[str, ...]:
    from topiccli.corpus import load_newsgroups

    return tuple(load_newsgroups(None, subset, ("headers", "footers", "quotes"), home).texts)


def load(name: str, home: str | None):
    """The CSR matrix (float64) a benchmark name stands for."""
    if name in SYNTHETIC:
        from topiccli.corpus.synthetic import planted

        return planted(SYNTHETIC[name], 20, seed=0, texts=False).counts
    from topiccli.text.vectorize import VectorizerSettings, vectorize

    subset, kind = name.split("-")
    settings = (
        VectorizerSettings(kind="tfidf", min_df=2, max_df=0.95)
        if kind == "tfidf"
        else VectorizerSettings(kind="count")
    )
    return vectorize(list(_texts(home, subset)), settings).X.tocsr().astype(float)
