"""Are a fit setting's topics settled? (issue 26, item 0)

For a matrix and a fit setting, the reference is the same model from the same start run to
tolerance 1e-8 or 1,000 iterations. A fit is *settled* when, against it:

* every topic keeps at least 7 of its top 8 words (topics matched one to one by the overlap of
  their top 8 words, Hungarian assignment);
* at least 99% of the documents keep their top topic (through the same matching);
* its objective is within 1e-3 relative of the reference's.

Every fit is deterministic and a stopping rule only decides *when* the run stops, so one
reference run serves every rule: it records, after each iteration, the objective, each topic's
top 8 words and each document's top topic, and any rule is replayed on that record
(:func:`replay`). Each cell also reports its first settled iterate (:func:`first_settled`):
where a rule that knew the reference would stop, the floor of any rule. The records are
cached under ``--cache`` (default /work/tmp/settle), since reference runs are slow.

    python scripts/settled.py                      # the 16 bench cells, today's defaults
    python scripts/settled.py --cells train-tfidf:20:frobenius --json out.json

Cells are ``matrix:k:loss`` with the matrices of ``bench.defaults`` (20NG train/all ×
TF-IDF/Count) or ``corpus:NAME`` for /work/corpora/NAME.jsonl vectorized as the CLI does.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TOP_N = 8
REF_TOL, REF_MAX_ITER = 1e-8, 1000
MIN_WORDS, MIN_DOCS, MAX_GAP = 7, 0.99, 1e-3
CELLS = tuple(
    f"{m}:{k}:{loss}"
    for m in ("train-tfidf", "train-count", "all-tfidf", "all-count")
    for k in (10, 20)
    for loss in ("frobenius", "kl")
)


class Recorder:
    """A stopping rule that stops as Tolerance(1e-8) does and records every accepted iterate."""

    def __init__(self, tol: float = REF_TOL):
        from topiccli.factorize.stopping import Tolerance

        self.inner = Tolerance(tol)
        self.tol = tol
        self.n_iter, self.previous, self.current, self.words, self.topics, self.clock = (
            [], [], [], [], [], []
        )  # fmt: skip
        self.t0 = None
        self.spent = 0.0

    def start(self):
        tracker = self.inner.start()
        self.t0 = time.perf_counter()

        class _Track:
            def done(_, n_iter, previous, current, W, Ht):
                from topiccli.factorize.stopping import top_topics, top_words

                mark = time.perf_counter()
                self.n_iter.append(n_iter)
                self.previous.append(previous)
                self.current.append(current)
                self.words.append(top_words(Ht, TOP_N).astype(np.int32))
                self.topics.append(top_topics(W).astype(np.int16))
                self.spent += time.perf_counter() - mark
                self.clock.append(time.perf_counter() - self.t0 - self.spent)
                return tracker.done(n_iter, previous, current, W, Ht)

        return _Track()

    def arrays(self) -> dict:
        return {
            "n_iter": np.array(self.n_iter), "previous": np.array(self.previous),
            "current": np.array(self.current), "words": np.array(self.words),
            "topics": np.array(self.topics), "clock": np.array(self.clock),
        }  # fmt: skip


def settings_for(loss: str) -> dict:
    """The fit the model layer runs for ``loss`` by default (its stopping rule and max_iter)."""
    from topiccli.factorize.stopping import Settle, Tolerance
    from topiccli.specs import ModelSpec

    spec = ModelSpec(method="nmf", loss=loss)
    stop = spec.nmf_stop(loss)
    kind = stop.pop("rule")
    rule = Tolerance(stop["tol"]) if kind == "tolerance" else Settle(**stop)
    return {"loss": loss, "max_iter": spec.max_iter, "rule": rule}


def former_rules(loss: str) -> dict:
    """The defaults before issue 26: the loss's NMF_TOL, max_iter 200."""
    from topiccli.factorize.stopping import Tolerance
    from topiccli.specs import NMF_TOL

    return {"former tol": (Tolerance(NMF_TOL[loss]), 200)}


def load_matrix(name: str, cache: Path):
    """A cell's matrix (CSR float64), cached as .npz under ``cache``."""
    import scipy.sparse as sp

    path = cache / "matrices" / f"{name.replace(':', '_')}.npz"
    if path.is_file():
        return sp.load_npz(path).tocsr()
    path.parent.mkdir(parents=True, exist_ok=True)
    X = _corpus_matrix(name.split(":", 1)[1]) if name.startswith("corpus:") else _newsgroups(name)
    partial = path.with_suffix(".part.npz")
    sp.save_npz(partial, X)
    partial.replace(path)
    return X


def _newsgroups(name: str):
    import tempfile

    from bench.defaults import matrix
    from bench.run import archive_path
    from topiccli.corpus.archive import import_archive

    with tempfile.TemporaryDirectory() as home:
        import_archive(archive_path(), home)
        return matrix(home, name)


def _corpus_matrix(name: str):
    """/work/corpora/NAME.jsonl vectorized as `topics nmf` does with its defaults."""
    from topiccli.models.corpus_matrix import matrix_of
    from topiccli.specs import SourceSpec, VectorizerSettings

    source = SourceSpec(input=Path(f"/work/corpora/{name}.jsonl"))
    _, dt, _ = matrix_of(source, VectorizerSettings())
    return dt.X.tocsr().astype(np.float64)


def record_key(cell: str, solver: str | None) -> str:
    """The cache key of a cell's reference run with ``solver`` (None: the loss's default).

    Records of the solvers that were the defaults before solvers were named (hals, amu) keep
    the cell's name; another solver's record adds ``:solver``."""
    from topiccli.factorize.options import check_nmf_options

    resolved, _ = check_nmf_options(cell.rsplit(":", 1)[1], solver, None)
    return cell if resolved in ("hals", "amu") else f"{cell}:{resolved}"


def reference(X, k: int, loss: str, cache: Path, key: str, solver: str | None = None) -> dict:
    """The recorded reference run of (X, k, loss) with ``solver`` (None: the loss's default)
    from the default start (cached under ``key``, see :func:`record_key`)."""
    import warnings

    import topiccli

    digest = hashlib.sha1(f"{key}:{X.shape}:{X.nnz}:{X.sum():.10g}".encode()).hexdigest()[:10]
    path = cache / "refs" / f"{key.replace(':', '_')}-{digest}.npz"
    if path.is_file():
        return dict(np.load(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    recorder = Recorder()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        start = time.perf_counter()
        topiccli.nmf(X, k, loss=loss, solver=solver, max_iter=REF_MAX_ITER, stop=recorder)
        seconds = time.perf_counter() - start
    record = {**recorder.arrays(), "seconds": np.array(seconds)}
    partial = path.with_suffix(".part.npz")
    np.savez_compressed(partial, **record)
    partial.replace(path)
    return record


def replay(record: dict, rule, max_iter: int, k: int) -> int:
    """The index in ``record`` at which ``rule`` stops a run capped at ``max_iter``."""
    tracker = rule.start()
    last = 0
    m = record["topics"].shape[1]
    for i, n_iter in enumerate(record["n_iter"]):
        if n_iter > max_iter:
            break
        last = i
        W = np.zeros((m, k))
        W[np.arange(m), record["topics"][i]] = 1.0
        Ht = _fake_ht(record["words"][i], k)
        if tracker.done(int(n_iter), float(record["previous"][i]), float(record["current"][i]),
                        W, Ht):  # fmt: skip
            return i
    return last


def _fake_ht(words: np.ndarray, k: int) -> np.ndarray:
    n = int(words.max()) + 1
    Ht = np.zeros((n + TOP_N, k))
    for j in range(k):
        Ht[words[j], j] = 1.0
    return Ht


def first_settled(record: dict, rows=None) -> int:
    """The index in ``record`` of the first iterate from which every later one is settled:
    where a stopping rule that knew the reference (an oracle) would stop, the floor of any
    rule's iterations on this run."""
    flags = [compare(record, i, rows)["settled"] for i in range(len(record["n_iter"]))]
    first = len(flags) - 1
    while first > 0 and flags[first - 1]:
        first -= 1
    return first


def compare(record: dict, i: int, rows=None) -> dict:
    """Settledness of the record's i-th iterate against its last one (the reference).

    ``rows``: the documents that count (a boolean mask; documents without any term have no top
    topic, their W row is zero or nearly, so they are left out)."""
    from scipy.optimize import linear_sum_assignment

    words, ref_words = record["words"][i], record["words"][-1]
    k = len(words)
    overlap = np.array([[len(np.intersect1d(a, b)) for b in ref_words] for a in words])
    ours, theirs = linear_sum_assignment(overlap, maximize=True)
    kept = overlap[ours, theirs]
    mapping = np.empty(k, dtype=np.int64)
    mapping[ours] = theirs
    same = mapping[record["topics"][i]] == record["topics"][-1]
    docs = float(np.mean(same if rows is None else same[rows]))
    gap = float(record["current"][i] / record["current"][-1] - 1.0)
    return {
        "n_iter": int(record["n_iter"][i]), "seconds": float(record["clock"][i]),
        "words_kept": int(kept.min()), "docs_kept": docs, "gap": gap,
        "settled": bool(kept.min() >= MIN_WORDS and docs >= MIN_DOCS and gap <= MAX_GAP),
    }  # fmt: skip


def run_cell(cell: str, cache: Path, rules: dict, log=print, solver: str | None = None) -> dict:
    matrix, k, loss = cell.rsplit(":", 2)
    k = int(k)
    X = load_matrix(matrix, cache)
    key = record_key(cell, solver)
    record = reference(X, k, loss, cache, key, solver)
    out = {"cell": key, "shape": list(X.shape), "nnz": int(X.nnz),
           "reference": {"n_iter": int(record["n_iter"][-1]),
                         "seconds": float(record["seconds"])}, "rules": {}}  # fmt: skip
    first = compare(record, first_settled(record, nonempty(X)), nonempty(X))
    out["first_settled"] = first
    log(f"{key} [first settled] it={first['n_iter']} ({first['seconds']:.1f}s)")
    for name, (rule, max_iter) in rules.items():
        result = compare(record, replay(record, rule, max_iter, k), nonempty(X))
        out["rules"][name] = result
        log(f"{key} [{name}] it={result['n_iter']} words={result['words_kept']}/8 "
            f"docs={result['docs_kept']:.4f} gap={result['gap']:.2e} "
            f"{'SETTLED' if result['settled'] else 'not'} ({result['seconds']:.1f}s)")  # fmt: skip
    return out


def default_rules(loss: str) -> dict:
    s = settings_for(loss)
    return {**former_rules(loss), "defaults": (s["rule"], s["max_iter"])}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cells", default=",".join(CELLS))
    parser.add_argument("--cache", type=Path, default=Path("/work/tmp/settle"))
    parser.add_argument("--json", type=Path)
    parser.add_argument("--solver", default=None, help="the solver (default: the loss's)")
    args = parser.parse_args()

    def log(line):
        print(line, file=sys.stderr, flush=True)

    results = []
    for cell in args.cells.split(","):
        results.append(run_cell(cell, args.cache, default_rules(cell.rsplit(":", 1)[1]), log,
                                args.solver))  # fmt: skip
    print(markdown(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


def markdown(results: list[dict]) -> str:
    lines = ["| cell | ref iters | rule | iters | worst top-8 kept | docs kept | gap | settled |",
             "|---|---|---|---|---|---|---|---|"]  # fmt: skip
    for r in results:
        for name, c in {"first settled (oracle)": r["first_settled"], **r["rules"]}.items():
            lines.append(
                f"| {r['cell']} | {r['reference']['n_iter']} | {name} | {c['n_iter']} | "
                f"{c['words_kept']}/8 | {100 * c['docs_kept']:.1f}% | {c['gap']:.1e} | "
                f"{'yes' if c['settled'] else 'NO'} |"
            )
    return "\n".join(lines)


def nonempty(X) -> np.ndarray:
    """Rows of X with at least one nonzero (the documents that have a top topic)."""
    return np.diff(X.indptr) > 0


def compare_fit(W: np.ndarray, H: np.ndarray, objective: float, record: dict, rows=None) -> dict:
    """Settledness of any fit (W, H, objective) against a record's reference (its last iterate)."""
    from topiccli.factorize.stopping import top_topics, top_words

    one = {"words": np.array([top_words(np.ascontiguousarray(H.T), TOP_N)]),
           "topics": np.array([top_topics(W)]), "current": np.array([objective]),
           "n_iter": np.array([0]), "clock": np.array([0.0])}  # fmt: skip
    both = {key: np.concatenate([one[key], record[key][-1:]]) for key in one}
    result = compare(both, 0, rows)
    del result["n_iter"], result["seconds"]
    return result


if __name__ == "__main__":
    main()
