"""`make compare`: topiccli against the tools users pick instead (issue 13, item 5), on the
same vocabulary with the same independent scores (README, "Against the tools users pick
instead").

**One vocabulary.** Each corpus is loaded and vectorized once with topiccli's default
vectorizer (``matrix_of(SourceSpec(...), VectorizerSettings())``: TF-IDF, letters-only tokens,
contractions stripped, English + fillers stop words, min_df auto, max_df 0.5, junk dropped),
and once more with ``VectorizerSettings(kind="count")``, otherwise the same; the script asserts
that both give the same documents and the same terms in the same order. The NMF tools get the
TF-IDF matrix, the LDA tools the counts of the same terms (tomotopy: each document's terms
repeated by their counts). Every tool's topics are therefore words of the same vocabulary.

**Tools** (k = the number of labels; every setting not named is the tool's default):

* topiccli ``nmf`` with its defaults (KL) and with ``--loss frobenius`` (``fit_model``, the
  stage ``topics nmf`` runs; documents' weights as the run reports and exports them);
* scikit-learn ``NMF(k, random_state=0)`` and
  ``LatentDirichletAllocation(k, random_state=0, learning_method="batch", n_jobs=...)``;
* gensim ``LdaMulticore(workers=..., passes=..., random_state=0)`` and
  ``gensim.models.Nmf(passes=..., random_state=0)`` (on ``Sparse2Corpus`` of the matrices);
* tomotopy ``LDAModel(k=k, seed=0)`` trained ``--tomotopy-iterations`` iterations with
  ``--workers`` workers.

**Scores**, the same for every tool:

* time — wall time of the fit alone (``time.perf_counter``), the tools run one after another in
  this one process; converting the matrix to a tool's input is not timed, and reading the
  documents' topics back (topiccli: solving W against H, as ``--doc-topics`` does;
  scikit-learn LDA: ``transform``; gensim: ``inference``, ``get_document_topics``; tomotopy:
  ``get_topic_dist``) is timed apart, ``read_seconds`` in the JSON;
* label NMI — scikit-learn's ``normalized_mutual_info_score`` of the labels and each
  document's argmax topic (documents left without terms are left out, for every tool);
* c_npmi — the mean over topics of the sliding-window NPMI (window 10) of the top 10 words,
  counted on ``topiccli.text.vectorize.tokenizer(settings)`` applied to the texts.
  ``topiccli.quality.window_coherence.c_npmi`` computes it (it equals gensim's
  ``CoherenceModel(coherence="c_npmi")``); one row per corpus (``--gensim-check``, topiccli's
  default row) is recomputed with gensim's ``CoherenceModel`` and the two must agree;
* diversity — the share of distinct words among all topics' top 10 words.

Usage (the 20 Newsgroups train subset needs the archive: ``--data-home`` where it was imported
with ``topics data import``, else TOPICS_20NG_ARCHIVE or ../shared/data beside the checkout is
imported into a temporary folder):

    nice -n 10 .venv/bin/python scripts/compare_peers.py --data-home /tmp/peers-data \
        --out bench/results/compare_peers.json

Prints a markdown table on stdout, progress on stderr; ``--out`` gets the rows as JSON (the
settings, scores, times and the machine's load average around each fit; no text or topic words
of 20 Newsgroups).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import sys
import tempfile
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TOP = 10
"""Top words per topic for c_npmi and diversity."""
WINDOW = 10
"""c_npmi's sliding window (gensim's default for c_npmi)."""
TOOLS = (
    "topiccli-kl", "topiccli-frobenius", "sklearn-nmf", "sklearn-lda", "gensim-lda",
    "gensim-nmf", "tomotopy-lda",
)  # fmt: skip


@dataclass
class Corpus:
    name: str
    k: int
    terms: list[str]
    tfidf: object
    counts: object
    labels: np.ndarray
    tokens: list[list[str]]
    has_terms: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        self.has_terms = np.diff(self.counts.indptr) > 0


@dataclass
class Fit:
    """What a tool gives back: its topic-term weights, the documents' topic weights, the
    fit's wall time, and the settings it ran with."""

    topic_terms: np.ndarray
    doc_topics: np.ndarray
    seconds: float
    settings: str
    extra: dict = field(default_factory=dict)


# ----------------------------------------------------------------------------- corpora


def archive_path() -> Path | None:
    env = os.environ.get("TOPICS_20NG_ARCHIVE")
    path = Path(env) if env else ROOT.parent / "shared" / "data" / "20news-bydate.tar.gz"
    return path if path.is_file() else None


def sources(names: list[str], data_home: Path | None):
    """(name, SourceSpec) for each corpus asked for and available."""
    from topiccli.specs import SourceSpec

    for name in names:
        if name == "20ng":
            if data_home is None:
                print("no 20 Newsgroups data: skipping 20ng", file=sys.stderr)
                continue
            yield "20NG train, all 20", SourceSpec(data_home=data_home)
        elif name == "essays":
            yield "sample essays", SourceSpec(input=ROOT / "sample_corpora" / "essays")
        else:
            raise SystemExit(f"unknown corpus {name!r} (20ng, essays)")


def load(name: str, source) -> Corpus:
    """Both matrices of one corpus, checked to share documents and vocabulary."""
    from topiccli.models.corpus_matrix import matrix_of
    from topiccli.text.vectorize import VectorizerSettings, tokenizer

    settings = VectorizerSettings()
    corpus, tfidf, _ = matrix_of(source, settings)
    count_corpus, counts, _ = matrix_of(source, VectorizerSettings(kind="count"))
    assert settings.kind == "tfidf", "topiccli's default vectorizer is TF-IDF"
    assert list(corpus.texts) == list(count_corpus.texts), "the same documents"
    assert tfidf.X.shape == counts.X.shape, (tfidf.X.shape, counts.X.shape)
    assert np.array_equal(tfidf.terms, counts.terms), "the same vocabulary, in the same order"
    assert np.array_equal(tfidf.X.indptr, counts.X.indptr)
    assert np.array_equal(tfidf.X.indices, counts.X.indices), "the same nonzeros"
    labels = np.asarray([str(label) for label in corpus.labels])
    k = len({label for label in corpus.labels if label is not None})
    tokens = tokenizer(settings)
    return Corpus(
        name=name, k=k, terms=[str(t) for t in tfidf.terms], tfidf=tfidf.X, counts=counts.X,
        labels=labels, tokens=[tokens(text) for text in corpus.texts],
    )  # fmt: skip


# ----------------------------------------------------------------------------- the tools


def quiet():
    """Convergence and deprecation warnings off while a tool runs (the table is the output)."""
    context = warnings.catch_warnings()
    context.__enter__()
    warnings.simplefilter("ignore")
    return context


def fit_topiccli(c: Corpus, loss: str | None, args) -> Fit:
    from topiccli.models.fitting import factorize, resolve_model
    from topiccli.quality.doc_weights import document_weights
    from topiccli.specs import ModelSpec
    from topiccli.text.vectorize import DocumentTerm, VectorizerSettings

    model = resolve_model(ModelSpec(method="nmf", k=c.k, loss=loss), "tfidf")
    dt = DocumentTerm(X=c.tfidf, terms=np.asarray(c.terms), idf=None,
                      settings=VectorizerSettings())  # fmt: skip
    start = time.perf_counter()
    result = factorize(dt, model)
    seconds = time.perf_counter() - start
    used = model.loss
    W = document_weights("nmf", result.H, c.tfidf, used, model.regularization)
    read = time.perf_counter() - start - seconds
    settings = f"tfidf, loss {used}, {result.solver}, {result.n_iter} it"
    return Fit(result.H, W, seconds, settings, {"n_iter": result.n_iter, "read_seconds": read})


def fit_sklearn_nmf(c: Corpus, args) -> Fit:
    from sklearn.decomposition import NMF

    model = NMF(c.k, random_state=0)
    start = time.perf_counter()
    W = model.fit_transform(c.tfidf)
    seconds = time.perf_counter() - start  # W is the fit's own: nothing to read back
    settings = f"tfidf, NMF(k, random_state=0): frobenius, cd, {model.n_iter_} it"
    return Fit(model.components_, W, seconds, settings, {"n_iter": int(model.n_iter_)})


def fit_sklearn_lda(c: Corpus, args) -> Fit:
    from sklearn.decomposition import LatentDirichletAllocation

    model = LatentDirichletAllocation(c.k, random_state=0, learning_method="batch",
                                      n_jobs=args.workers)  # fmt: skip
    start = time.perf_counter()
    model.fit(c.counts)
    seconds = time.perf_counter() - start
    theta = model.transform(c.counts)
    extra = {"n_iter": int(model.n_iter_), "read_seconds": time.perf_counter() - start - seconds}
    settings = f"counts, batch, n_jobs={args.workers}, {model.n_iter_} it"
    return Fit(model.components_, theta, seconds, settings, extra)


def _gensim_corpus(X) -> list:
    from gensim.matutils import Sparse2Corpus

    return list(Sparse2Corpus(X, documents_columns=False))


def _dense_topics(rows, k: int) -> np.ndarray:
    out = np.zeros((len(rows), k))
    for i, row in enumerate(rows):
        for topic, weight in row:
            out[i, topic] = weight
    return out


def fit_gensim_lda(c: Corpus, args) -> Fit:
    from gensim.models import LdaMulticore

    bow = _gensim_corpus(c.counts)
    id2word = dict(enumerate(c.terms))
    start = time.perf_counter()
    model = LdaMulticore(bow, num_topics=c.k, id2word=id2word, workers=args.gensim_workers,
                         passes=args.lda_passes, random_state=0)  # fmt: skip
    seconds = time.perf_counter() - start
    gamma, _ = model.inference(bow)
    read = time.perf_counter() - start - seconds
    settings = f"counts, workers={args.gensim_workers}, passes={args.lda_passes}"
    return Fit(model.get_topics(), gamma, seconds, settings, {"read_seconds": read})


def fit_gensim_nmf(c: Corpus, args) -> Fit:
    from gensim.models import Nmf

    bow = _gensim_corpus(c.tfidf)
    id2word = dict(enumerate(c.terms))
    start = time.perf_counter()
    model = Nmf(bow, num_topics=c.k, id2word=id2word, passes=args.gensim_nmf_passes,
                random_state=0)  # fmt: skip
    seconds = time.perf_counter() - start
    theta = _dense_topics([model.get_document_topics(d, minimum_probability=0.0) for d in bow],
                          c.k)  # fmt: skip
    read = time.perf_counter() - start - seconds
    settings = f"tfidf, passes={args.gensim_nmf_passes}"
    return Fit(model.get_topics(), theta, seconds, settings, {"read_seconds": read})


def fit_tomotopy(c: Corpus, args) -> Fit:
    import tomotopy as tp

    model = tp.LDAModel(k=c.k, seed=0)
    X = c.counts
    rows = []  # document index of each tomotopy document (empty documents are not added)
    for i in range(X.shape[0]):
        lo, hi = X.indptr[i], X.indptr[i + 1]
        if lo == hi:
            continue
        words = [c.terms[j] for j, n in zip(X.indices[lo:hi], X.data[lo:hi]) for _ in range(int(n))]
        model.add_doc(words)
        rows.append(i)
    start = time.perf_counter()
    model.train(args.tomotopy_iterations, workers=args.workers)
    seconds = time.perf_counter() - start
    index = {w: j for j, w in enumerate(c.terms)}
    phi = np.zeros((c.k, len(c.terms)))
    for t in range(c.k):
        for w, p in zip(model.used_vocabs, model.get_topic_word_dist(t)):
            phi[t, index[w]] = p
    theta = np.zeros((X.shape[0], c.k))
    for i, doc in zip(rows, model.docs):
        theta[i] = doc.get_topic_dist()
    read = time.perf_counter() - start - seconds
    settings = f"counts, {args.tomotopy_iterations} it, workers={args.workers}"
    return Fit(phi, theta, seconds, settings, {"read_seconds": read})


RUNNERS = {
    "topiccli-kl": ("topiccli `nmf` (defaults)", lambda c, a: fit_topiccli(c, None, a)),
    "topiccli-frobenius": ("topiccli `nmf --loss frobenius`",
                           lambda c, a: fit_topiccli(c, "frobenius", a)),
    "sklearn-nmf": ("scikit-learn NMF", fit_sklearn_nmf),
    "sklearn-lda": ("scikit-learn LatentDirichletAllocation", fit_sklearn_lda),
    "gensim-lda": ("gensim LdaMulticore", fit_gensim_lda),
    "gensim-nmf": ("gensim Nmf", fit_gensim_nmf),
    "tomotopy-lda": ("tomotopy LDAModel", fit_tomotopy),
}  # fmt: skip


# ----------------------------------------------------------------------------- scores


def top_words(topic_terms: np.ndarray, terms: list[str], n: int = TOP) -> list[list[str]]:
    order = np.argsort(-np.asarray(topic_terms), axis=1, kind="stable")[:, :n]
    return [[terms[j] for j in row] for row in order]


def score(c: Corpus, fit: Fit) -> dict:
    from sklearn.metrics import normalized_mutual_info_score

    from topiccli.quality.coherence import diversity
    from topiccli.quality.window_coherence import c_npmi

    winners = np.argmax(fit.doc_topics, axis=1)
    keep = c.has_terms & np.any(fit.doc_topics != 0, axis=1)
    words = top_words(fit.topic_terms, c.terms)
    npmi = [s for s in c_npmi(c.tokens, words, window=WINDOW) if not math.isnan(s)]
    return {
        "label_nmi": float(normalized_mutual_info_score(c.labels[keep], winners[keep])),
        "c_npmi": float(np.mean(npmi)) if npmi else float("nan"),
        "diversity": float(diversity(words)),
        "documents_scored": int(keep.sum()),
        "words": words,
    }


def gensim_c_npmi(c: Corpus, words: list[list[str]]) -> float:
    """gensim's own c_npmi of the same topics over the same token sequences."""
    from gensim.corpora import Dictionary
    from gensim.models import CoherenceModel

    dictionary = Dictionary(c.tokens)
    model = CoherenceModel(topics=words, texts=c.tokens, dictionary=dictionary,
                           coherence="c_npmi", topn=TOP, window_size=WINDOW,
                           processes=1)  # fmt: skip
    return float(model.get_coherence())


# ----------------------------------------------------------------------------- main


def run_corpus(c: Corpus, tools: list[str], args) -> list[dict]:
    rows = []
    print(f"== {c.name}: {c.counts.shape[0]} documents × {c.counts.shape[1]} terms, k = {c.k}",
          file=sys.stderr, flush=True)  # fmt: skip
    for key in tools:
        tool, runner = RUNNERS[key]
        load_before = os.getloadavg()
        context = quiet()
        try:
            fit = runner(c, args)
        finally:
            context.__exit__(None, None, None)
        load_after = os.getloadavg()
        scores = score(c, fit)
        words = scores.pop("words")
        row = {
            "corpus": c.name, "k": c.k, "shape": list(c.counts.shape), "key": key, "tool": tool,
            "settings": fit.settings, "seconds": fit.seconds, **scores, **fit.extra,
            "load_before": list(load_before), "load_after": list(load_after),
        }  # fmt: skip
        if args.gensim_check and key == tools[0]:
            start = time.perf_counter()
            row["c_npmi_gensim"] = gensim_c_npmi(c, words)
            row["c_npmi_gensim_seconds"] = time.perf_counter() - start
            difference = abs(row["c_npmi_gensim"] - row["c_npmi"])
            assert difference < 1e-9, f"c_npmi differs from gensim's by {difference}"
        rows.append(row)
        check = f" (gensim {row['c_npmi_gensim']:+.4f})" if "c_npmi_gensim" in row else ""
        print(f"{key}: {fit.seconds:.1f} s, nmi {row['label_nmi']:.3f}, "
              f"c_npmi {row['c_npmi']:+.3f}{check}, div {row['diversity']:.2f}; "
              f"load {load_before[0]:.2f} → {load_after[0]:.2f}",
              file=sys.stderr, flush=True)  # fmt: skip
    return rows


def table(rows: list[dict]) -> str:
    lines = [
        "| corpus | tool | settings | time (s) | label NMI | c_npmi | diversity |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['corpus']} (k={r['k']}) | {r['tool']} | {r['settings']} | "
            f"{r['seconds']:.1f} | {r['label_nmi']:.3f} | {r['c_npmi']:+.3f} | "
            f"{r['diversity']:.2f} |"
        )
    return "\n".join(lines)


def parse(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--data-home", type=Path, help="a data home holding the imported 20news-bydate archive"
    )
    parser.add_argument("--corpora", default="20ng,essays", help="comma-separated: 20ng, essays")
    parser.add_argument("--tools", default=",".join(TOOLS), help="comma-separated tool keys")
    parser.add_argument(
        "--workers", type=int, default=2, help="tomotopy workers and scikit-learn LDA n_jobs"
    )
    parser.add_argument(
        "--gensim-workers",
        type=int,
        default=1,
        help="LdaMulticore workers (its default on 2 cores: cpu_count() - 1)",
    )
    parser.add_argument("--lda-passes", type=int, default=10, help="gensim LdaMulticore passes")
    parser.add_argument("--gensim-nmf-passes", type=int, default=10, help="gensim Nmf passes")
    parser.add_argument("--tomotopy-iterations", type=int, default=1000)
    parser.add_argument(
        "--no-gensim-check",
        dest="gensim_check",
        action="store_false",
        help="skip recomputing one row's c_npmi with gensim's CoherenceModel",
    )
    parser.add_argument("--out", type=Path, help="write the rows as JSON here")
    return parser.parse_args(argv)  # fmt: skip


def main(argv=None) -> int:
    args = parse(argv)
    tools = args.tools.split(",")
    unknown = sorted(set(tools) - set(TOOLS))
    if unknown:
        raise SystemExit(f"unknown tools {unknown} (choose from {', '.join(TOOLS)})")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        home = args.data_home
        if home is None and "20ng" in args.corpora.split(","):
            archive = archive_path()
            if archive is not None:
                from topiccli.corpus.archive import import_archive

                home = Path(tmp) / "data"
                import_archive(archive, home)
        for name, source in sources(args.corpora.split(","), home):
            rows += run_corpus(load(name, source), tools, args)
    print(table(rows))
    if args.out is not None:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        versions = _versions()
        meta = {"machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                            "platform": platform.platform()}, "versions": versions}  # fmt: skip
        args.out.write_text(json.dumps({**meta, "rows": rows}, indent=1) + "\n", encoding="utf-8")
    return 0


def _versions() -> dict:
    from importlib.metadata import PackageNotFoundError, version

    found = {}
    for name in ("topiccli", "scikit-learn", "gensim", "tomotopy", "numpy", "scipy"):
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = None
    return found


if __name__ == "__main__":
    raise SystemExit(main())
