"""Score the hand-labelled topics of scripts/flag_labels.json with main's ``narrow`` flag.

The hand labels belong to the fits ``evaluate_flag.py --dump`` made at commit e9813c3; the
solvers and stopping rule changed since, so main's fits of the same corpora give other topics.
This script makes those fits again from a worktree of that commit, keeps each fit's weights
and matrix, checks every topic's words against the labels, and scores them with main's
``quality.signature``. The tables of scripts/evaluate_flag.md ("A third kind of evidence")
come from the dump it writes::

    git worktree add /tmp/flagwt e9813c3
    python -S scripts/flag_refits.py refit /tmp/flagwt DATA_HOME EXTRA.json OUT_DIR
    python scripts/flag_refits.py rescore OUT_DIR OUT_DIR/flag.json
    python scripts/evaluate_flag.py --report OUT_DIR/flag.json

``-S`` keeps the editable install of main out of the refit, so the worktree's ``topiccli`` is
the one imported; the environment's packages (``lib/python*/site-packages`` beside the
interpreter's ``bin``, as in a virtual environment) are added back by path. ``DATA_HOME`` is a
scikit-learn data home holding 20 Newsgroups, ``EXTRA.json`` evaluate_k's list of extra
labelled corpora. ``essays-copies`` is built as the labelled dump built it (six copies of one
post, each under a theme's label), not as e9813c3's script did.
"""

from __future__ import annotations

import json
import pickle
import sys
from pathlib import Path

MAIN = Path(__file__).resolve().parents[1]


def refit(tree: str, data_home: str, extra: str, out: str) -> int:
    # without site (-S), the environment's packages: next to the interpreter it was run as
    sys.path.extend(
        str(p) for p in Path(sys.executable).parents[1].glob("lib/python*/site-packages")
    )
    sys.path[:0] = [tree, f"{tree}/scripts"]
    import evaluate_flag as ef  # the worktree's
    import numpy as np
    import topiccli.runs.modeling as modeling

    seen = {}
    fit_model = modeling.fit_model

    def recording(dt, spec, *args, **kwargs):
        seen["dt"], seen["fitted"] = dt, fit_model(dt, spec, *args, **kwargs)
        return seen["fitted"]

    def kept(name, texts, labels, k, loss, snippets):
        rows = fit_corpus(name, texts, labels, k, loss, snippets)
        dt, fitted = seen["dt"], seen["fitted"]
        path = Path(out) / f"{name}-k{k}{'-' + loss if loss else ''}.pkl"
        with open(path, "wb") as f:
            pickle.dump({"X": dt.X, "terms": list(dt.terms), "W": np.asarray(fitted.weights),
                         "H": fitted.result.H, "rows": rows}, f)  # fmt: skip
        return rows

    own = ef.own_corpora

    def own_corpora(home, wanted):  # essays-copies as the labelled dump built it
        yield from own(home, [w for w in wanted if w != "essays-copies"])
        if "essays-copies" in wanted:
            corpus = ef.load_folder(Path(tree) / "sample_corpora" / "essays")
            post = "zorblat quexton frimble daxworth glimmerpost snorkelwave blibbertron " \
                   "wuzzlefrank " * 3  # fmt: skip
            themes = sorted(set(corpus.labels))
            texts = list(corpus.texts) + [f"{post} note {i}" for i in range(6)]
            labels = list(corpus.labels) + [themes[i % len(themes)] for i in range(6)]
            yield "essays-copies", texts, labels, 7, []

    from topiccli.corpus import load_folder

    ef.load_folder = load_folder
    modeling.fit_model, fit_corpus, ef.fit_corpus = recording, ef.fit_corpus, kept
    ef.own_corpora = own_corpora
    Path(out).mkdir(parents=True, exist_ok=True)

    class Args:
        dump, corpora, snippets = str(Path(out) / "refits.json"), None, None

    Args.data_home, Args.extra = data_home, extra
    return ef.dump(Args)


def rescore(out: str, dump: str) -> int:
    sys.path.insert(0, str(MAIN))
    import numpy as np
    import scipy.sparse as sp

    from topiccli.quality.describe import top_indices
    from topiccli.quality.doc_weights import top_topics
    from topiccli.quality.signature import repeated_words, signature

    labels = json.loads((MAIN / "scripts" / "flag_labels.json").read_text())["topics"]
    words = {(t["corpus"], t["k"], t["loss"] or "", t["topic"]): t["words"] for t in labels}
    rows = []
    for path in sorted(Path(out).glob("*.pkl")):
        with open(path, "rb") as f:
            fit = pickle.load(f)
        W, X, H, fitted = fit["W"], fit["X"], fit["H"], fit["rows"]
        winners = top_topics(W)
        sizes = np.bincount(winners[winners >= 0], minlength=W.shape[1])
        columns = [top_indices(row, 8) for row in H]
        union, where = np.unique(np.concatenate(columns), return_inverse=True)
        local = np.split(where.ravel(), np.cumsum([len(c) for c in columns])[:-1])
        blocks = repeated_words(sp.csc_matrix(X)[:, union], local, [r["words"] for r in fitted])
        found = signature(W, X, blocks, sizes, columns)
        for r, g, block in zip(fitted, found, blocks):
            r["repeated_words"] = block
            key = (r["corpus"], r["k"], r["loss"] or "", r["topic"])
            if key in words and words[key] != r["words"]:
                raise SystemExit(f"{key}: the refit's words are not the labelled topic's")
            rows.append({**r, **g})
    Path(dump).write_text(json.dumps(rows, indent=1))
    print(f"{len(rows)} topics, {sum(r['narrow'] for r in rows)} narrow -> {dump}")
    return 0


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    raise SystemExit(refit(*args) if command == "refit" else rescore(*args))
