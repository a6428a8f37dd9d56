"""Edit a saved model's topics: merge some, reduce to fewer along the hierarchy, name them.

Every edit returns a new :class:`~topiccli.models.bundle.ModelBundle`; the input bundle is
only read (``topics merge``/``reduce`` save the result elsewhere with ``bundle.save``, atomic).

* **merge** (NMF): each topic's mass is split as W′ = W·diag(r) and
  P = diag(r)⁻¹·H (r: H's row sums, P: word distributions). A merged topic's distribution is
  the mass-weighted mixture of its members' (weights: their total mass c_t = Σ_d W′_dt), its
  documents' weights the sums of their members' W′, and its row of H that mixture times the
  members' mean row sum (so H keeps its scale). The reconstruction's per-document mass and
  per-term mass over the corpus are unchanged. The documents' weights are then solved against
  the merged topics on the training matrix (read as for reduce, below) and the topics scored
  as a fit scores them, so the new bundle's weights are what ``topics infer`` gives.
* **reduce** (NMF) replays the lowest merges of a tree of the topics until K topics are left
  (quality.hierarchy.groups_at), merges as above, then refines with a short warm-started fit
  of the training matrix: ``REFINE_FROBENIUS_ITER`` iterations of Frobenius HALS, then at
  most ``REFINE_MAX_ITER`` of the model's loss, solver and penalties, re-solving the document
  weights and scoring the topics as a fit does. The tree is not the words-only hierarchy a
  report exports but quality.hierarchy.reduction_tree, built for K: the topics' memberships
  in a rank-K factorization of the documents' topic masses. Merging word-alike topics that
  weigh other documents (several comp.* newsgroups) cost label NMI the direct fit keeps
  (20NG train 40→20: 0.363 against 0.490); merging by memberships, then HALS before KL,
  lands within 0.02 of a direct fit on 13 of 19 starts over four corpora (3 of 12 before),
  and on the default start of all seven corpora measured (docs/hierarchy.md). The
  matrix is rebuilt from the corpus the model was fitted on (the source recorded in
  model.json, or ``input`` when it moved) with the saved vectorizer settings, and must match
  the bundle's fingerprint: a bundle stores no document-term matrix.
* **names** are stored in model.json (``topics[i].name``, beside a seeded topic's seed
  words); automatic names are never stored as names. A merged or reduced model keeps its
  parents' names (joined by " / "), not their seed words (it was not fitted with them).

A merged or reduced bundle records its ``lineage``: the parent's fingerprint and k, the edit,
and each new topic's parent topics.
"""

from __future__ import annotations

import warnings
from dataclasses import replace
from pathlib import Path

import numpy as np

from ..errors import BundleError, ConvergenceWarning, UsageError
from .bundle import ModelBundle

REFINE_MAX_ITER = 5
REFINE_FROBENIUS_ITER = 10
"""The refinement: ``REFINE_FROBENIUS_ITER`` iterations of Frobenius HALS from the merged
factors, then at most ``REFINE_MAX_ITER`` of the model's own loss, solver and penalties (for
a Frobenius model, the two phases are one loss). A merged start sits close to a fixed point of
the KL updates, which then barely move it (40 → 20 on AG News, 6 starts, label NMI minus a
direct fit's: −0.033 after 20 KL iterations, −0.033 after 40); HALS updates whole topics at
once and leaves that point (−0.020 with 10 HALS iterations first). After HALS, more KL
iterations change little (AG News −0.027, −0.022, −0.021, −0.021 after 3, 5, 10, 15; BBC
+0.012, +0.013, +0.013, +0.013) but cost: on small corpora whose direct fit takes 2 s (GNAD),
weighing the documents and 5 KL iterations are already a quarter of it.
scripts/evaluate_reduce.py, docs/hierarchy.md."""


def check_nmf(bundle: ModelBundle, what: str) -> None:
    if bundle.method != "nmf":
        raise UsageError(f"{what} needs an NMF model: an SVD model's components are signed and "
                         "orthogonal, and their sum is no topic")  # fmt: skip


def check_groups(groups: list[list[int]], k: int) -> list[list[int]]:
    """Groups of topic ids (each in 0..k−1, none twice) completed by the unlisted topics as
    singletons, ordered by their first topic."""
    seen: set[int] = set()
    for group in groups:
        for t in group:
            if not 0 <= t < k:
                raise UsageError(f"topic {t} does not exist: the model has topics 0 to {k - 1}",
                                 params=("topics",))  # fmt: skip
            if t in seen:
                raise UsageError(f"topic {t} is given twice", params=("topics",))
            seen.add(t)
    full = [sorted(g) for g in groups if g] + [[t] for t in range(k) if t not in seen]
    return sorted(full, key=lambda g: g[0])


def merged_factors(W: np.ndarray, H: np.ndarray, groups: list[list[int]]):
    """(W, H) with each group's topics merged (see the module), one column/row per group."""
    r = H.sum(axis=1)
    mass_w = W * r  # W′
    c = mass_w.sum(axis=0)
    new_w = np.zeros((W.shape[0], len(groups)))
    new_h = np.zeros((len(groups), H.shape[1]))
    for g, members in enumerate(groups):
        cg, rg = c[members], r[members]
        weights = cg / cg.sum() if cg.sum() > 0 else np.full(len(members), 1.0 / len(members))
        P = H[members] / np.where(rg > 0, rg, 1.0)[:, None]
        scale = float(weights @ rg) or 1.0
        new_h[g] = (weights @ P) * scale
        new_w[:, g] = mass_w[:, members].sum(axis=1) / scale
    return new_w, new_h


def merge(bundle: ModelBundle, groups: list[list[int]], *, source=None, matrix=None,
          progress=None, cache_dir=None) -> ModelBundle:  # fmt: skip
    """The model with each group of topics merged into one (at its first topic's place), its
    documents re-weighed and its topics scored on the training matrix (``matrix`` or
    ``source``, as :func:`reduce` reads them); no refit."""
    check_nmf(bundle, "merge")
    groups = check_groups(groups, bundle.k)
    if len(groups) == bundle.k:
        raise UsageError("merge needs at least two topics to merge", params=("topics",))
    corpus, dt = matrix or training_matrix(bundle, source, progress, cache_dir)
    _, H = merged_factors(bundle.doc_topics, bundle.components, groups)
    report = rescore(bundle, corpus, dt, H, progress)
    return _edited(bundle, report, groups, "merge")


def _edited(bundle: ModelBundle, report, groups: list[list[int]], edit: str, **extra):
    """The bundle of an edit's report, with the parent's names carried over and its lineage."""
    from ..quality.naming import with_names
    from .bundle import from_report

    new = from_report(report, snippets=bundle.snippets is not None)
    meta = with_names({**new.metadata, "lineage": _lineage(bundle, edit, groups, **extra)},
                      _group_names(bundle.metadata, bundle.k, groups))  # fmt: skip
    return replace(new, metadata=meta)


def _group_names(meta: dict, k: int, groups: list[list[int]]) -> list[str | None]:
    """A group's user name: its members' names joined by " / " (None if none was named)."""
    from ..quality.naming import stored_names

    names = stored_names(meta, k)
    out = []
    for members in groups:
        given = [names[t] for t in members if names[t]]
        out.append(" / ".join(given) if given else None)
    return out


def _lineage(bundle: ModelBundle, edit: str, groups: list[list[int]], **extra) -> dict:
    return {"edit": edit, "parent_k": bundle.k,
            "parent_fingerprint": bundle.metadata.get("fingerprint"),
            "topics": [list(g) for g in groups], **extra}  # fmt: skip


def set_name(bundle: ModelBundle, topic: int, name: str | None) -> ModelBundle:
    """The model with ``topic`` named ``name`` (None removes the user's name)."""
    from ..quality.naming import check_name, stored_names, with_names

    if not 0 <= topic < bundle.k:
        raise UsageError(f"topic {topic} does not exist: the model has topics 0 to "
                         f"{bundle.k - 1}", params=("topic",))  # fmt: skip
    names = stored_names(bundle.metadata, bundle.k)
    try:
        names[topic] = None if name is None else check_name(name)
    except ValueError as exc:
        raise UsageError(str(exc), params=("name",)) from None
    return replace(bundle, metadata=with_names(bundle.metadata, names))


# --- reduce -------------------------------------------------------------------------------


def reduce(bundle: ModelBundle, k: int, *, source=None, matrix=None, max_iter=REFINE_MAX_ITER,
           progress=None, cache_dir=None) -> ModelBundle:  # fmt: skip
    """The model reduced to ``k`` topics along its hierarchy and refined (see the module).

    ``matrix``: (corpus, DocumentTerm) of the training data when the caller holds them (a
    TopicModel just fitted); else ``source`` (a SourceSpec) or the source model.json records
    is read and vectorized again, or found in the corpus cache under ``cache_dir`` (None: no
    cache), where the fit left it."""
    from ..quality.hierarchy import REDUCE_DISTANCE

    check_nmf(bundle, "reduce")
    if not 1 <= k < bundle.k:
        raise UsageError(f"k must be between 1 and {bundle.k - 1} (the model has {bundle.k} "
                         "topics)", params=("k",))  # fmt: skip
    groups = reduction_groups(bundle, k)
    corpus, dt = matrix or training_matrix(bundle, source, progress, cache_dir)
    W0, H0 = merged_factors(bundle.doc_topics, bundle.components, groups)
    report, order = refine(bundle, corpus, dt, k, (W0, H0), max_iter, progress)
    return _edited(bundle, report, [groups[i] for i in order], "reduce",
                   refine_iterations=max_iter, refine_frobenius_iterations=REFINE_FROBENIUS_ITER,
                   distance=REDUCE_DISTANCE)  # fmt: skip


def reduction_groups(bundle: ModelBundle, k: int) -> list[list[int]]:
    """The ``k`` groups of the bundle's topics that :func:`reduce` merges: the reduction tree
    (quality.hierarchy.reduction_tree, on the topics' memberships in a rank-``k``
    factorization of the training documents' topic masses) cut at ``k`` nodes."""
    from ..quality.hierarchy import groups_at, reduction_tree

    return groups_at(reduction_tree(bundle.components, bundle.doc_topics, k, bundle.seed), k)


def training_matrix(bundle: ModelBundle, source=None, progress=None, cache_dir=None):
    """(corpus, DocumentTerm) of the model's training data, read again (or from the corpus
    cache under ``cache_dir``, None: none) and checked against the bundle's fingerprint
    (BundleError if it is another corpus or was vectorized otherwise)."""
    from ..corpus import Source, check_source
    from ..text.vectorize import Vectorizer
    from .bundle import fingerprint
    from .corpus_matrix import load_and_vectorize
    from .stages import Stages

    spec = source if source is not None else recorded_source(bundle.metadata.get("corpus", {}))
    settings = saved_settings(bundle.metadata.get("vectorizer", {}))
    src = Source(check_source(spec))
    corpus, dt, _ = load_and_vectorize(src, Vectorizer(settings), cache_dir, Stages(progress))
    corpus = src.as_chosen(corpus)
    found = fingerprint(corpus.ids, dt.X)
    if found != bundle.metadata.get("fingerprint"):
        raise BundleError("the corpus read for the refit is not the one the model was fitted "
                          f"on ({_where(spec)} gives another document-term matrix); give the "
                          "training corpus with input", params=("input",))  # fmt: skip
    return corpus, dt


def _where(spec) -> str:
    return str(spec.input) if spec.input is not None else "20 Newsgroups"


def recorded_source(corpus: dict):
    """The SourceSpec of the source a bundle's model.json describes (``corpus``)."""
    from ..specs import SourceSpec

    kind = corpus.get("source")
    if kind == "20newsgroups":
        home = corpus.get("data_home")
        return SourceSpec(subset=corpus.get("subset", "train"),
                          categories=tuple(corpus.get("categories") or ()),
                          remove=tuple(corpus.get("remove") or ()),
                          data_home=Path(home) if home else None)  # fmt: skip
    if kind == "folder":
        return SourceSpec(input=Path(corpus["path"]), glob=corpus.get("glob"))
    if kind in (None, "texts") or "path" not in corpus:
        raise UsageError("the model was fitted on texts given from Python, which a bundle "
                         "does not keep: give the training corpus with input",
                         params=("input",))  # fmt: skip
    return SourceSpec(input=Path(corpus["path"]), text_field=corpus.get("text_field"),
                      id_field=corpus.get("id_field"), label_field=corpus.get("label_field"),
                      labels=corpus.get("label_field") is not None or kind == "folder")  # fmt: skip


def saved_settings(vectorizer: dict):
    """The VectorizerSettings a bundle's model.json records (the fit's, as resolved)."""
    from dataclasses import fields

    from ..specs import VectorizerSettings

    names = {f.name for f in fields(VectorizerSettings)}
    values = {key: value for key, value in vectorizer.items() if key in names}
    if "ngram_range" in values:
        values["ngram_range"] = tuple(values["ngram_range"])
    return VectorizerSettings(**values)


def refine(bundle: ModelBundle, corpus, dt, k: int, start, max_iter: int, progress=None):
    """(the refined fit's RunReport, the order of its topics in terms of ``start``'s): the
    fit's own describing, weighing and scoring of a warm-started NMF, after
    REFINE_FROBENIUS_ITER iterations of Frobenius HALS from ``start`` (see REFINE_MAX_ITER)."""
    from .fitting import fit_model
    from .stages import Stages

    model = refit_spec(bundle, k, max_iter)
    stages = Stages(progress)
    with stages.stage("factorize", "refining"), warnings.catch_warnings():
        # a refinement stops at its cap by design: the report's ``converged`` says so
        warnings.simplefilter("ignore", ConvergenceWarning)
        moved, hals_iter = _frobenius_phase(bundle, dt, k, start, model.loss, stages)
        fitted = fit_model(dt, model, stages.iterations(f"NMF k={k} (refine)", max_iter),
                           start=moved)  # fmt: skip
    fitted.details["refine_frobenius_iterations"] = hals_iter
    return scored(model, corpus, dt, fitted, stages), _order_of(fitted.result.H, start[1])


def _frobenius_phase(bundle: ModelBundle, dt, k: int, start, loss: str, stages):
    """The refinement's first phase: ((W, H), iterations run) of REFINE_FROBENIUS_ITER
    iterations of HALS (Frobenius, the model's penalties) from ``start``; for KL, with exact
    zeros lifted to the floor the KL solvers need (a zero never moves under them)."""
    from ..factorize.warm import lift_zeros
    from .fitting import factorize

    spec = refit_spec(bundle, k, REFINE_FROBENIUS_ITER, loss="frobenius", solver="hals")
    result = factorize(dt, spec, stages.iterations(f"NMF k={k} (HALS)", REFINE_FROBENIUS_ITER),
                       start)  # fmt: skip
    if loss == "frobenius":
        return (result.W, result.H), result.n_iter
    return (lift_zeros(result.W, dt.X), lift_zeros(result.H, dt.X)), result.n_iter


def scored(model, corpus, dt, fitted, stages):
    """The RunReport of a fitted (or merged) model: scored, named and described as a fit."""
    from ..quality.assess import assess
    from ..report import RunReport
    from .corpus_matrix import corpus_description
    from .run import annotate_fit, document_tokens

    with stages.stage("metrics", "scoring topics"):
        topics, metrics = assess(fitted.result, fitted.weights, dt.X, fitted.topics,
                                 model.top_words, corpus, model.docs,
                                 tokens=document_tokens(corpus, dt.settings))  # fmt: skip
    topics, tree = annotate_fit(fitted.result, dt, topics)
    return RunReport(model=model, corpus=corpus_description(corpus, dt, "off"),
                     vectorizer=dt.settings.as_dict(), topics=topics, details=fitted.details,
                     timings=stages.timings, factors=fitted.result, matrix=dt, documents=corpus,
                     metrics=metrics, weights=fitted.weights, hierarchy=tree)  # fmt: skip


def rescore(bundle: ModelBundle, corpus, dt, H: np.ndarray, progress=None):
    """The RunReport of fixed topics ``H`` (a merge): the documents' weights solved against
    them under the model's loss and penalty, the loss at those weights, no iteration."""
    import math

    from ..factorize import NMFResult, kl_divergence
    from ..quality.describe import describe_nmf
    from ..quality.explained import frobenius_error
    from .engine import LocalEngine
    from .fitting import Factorization
    from .stages import Stages

    model = refit_spec(bundle, H.shape[0], 1)
    loss = model.loss
    stages = Stages(progress)
    with stages.stage("factorize", "weighing the documents"):
        W = LocalEngine().document_weights("nmf", H, dt.X, loss, model.regularization)
        divergence = (kl_divergence(dt.X, W, H) if loss == "kl"
                      else 0.5 * frobenius_error(dt.X, W, H) ** 2)  # fmt: skip
    solver = (bundle.metadata.get("details") or {}).get("solver", "")
    result = NMFResult(W=W, H=H, n_iter=0, converged=True, solver=solver, init="custom",
                       reconstruction_error=math.sqrt(2.0 * divergence), loss=loss,
                       divergence=divergence)  # fmt: skip
    details = {"solver": solver, "init": "custom", "loss": loss, "divergence": divergence,
               "reconstruction_error": result.reconstruction_error, "n_iter": 0,
               "converged": True}  # fmt: skip
    fitted = Factorization(result, describe_nmf(result, dt.terms, model.top_words), details, W)
    return scored(model, corpus, dt, fitted, stages)


def refit_spec(bundle: ModelBundle, k: int, max_iter: int, *, loss: str | None = None,
               solver: str | None = None):  # fmt: skip
    """The ModelSpec of the bundle's fit, with ``k`` topics and ``max_iter`` iterations
    (and ``loss``/``solver`` instead of the fit's when given), resolved
    (topiccli.models.fitting.resolve_model) as a fit's is."""
    from ..specs import ModelSpec, VectorizerSettings
    from .fitting import resolve_model

    meta = bundle.metadata
    details = meta.get("details") or {}
    reg = meta.get("regularization") or {}
    kind = (meta.get("vectorizer") or {}).get("kind", VectorizerSettings.kind)
    spec = ModelSpec(method="nmf", k=k, seed=bundle.seed, top_words=meta.get("top_words", 8),
                     max_iter=max_iter, loss=loss or details.get("loss"),
                     solver=solver or details.get("solver"),
                     alpha_w=reg.get("alpha_W", ModelSpec.alpha_w), alpha_h=reg.get("alpha_H"),
                     l1_ratio=reg.get("l1_ratio", ModelSpec.l1_ratio))  # fmt: skip
    return resolve_model(spec, kind)


def _order_of(H: np.ndarray, H0: np.ndarray) -> list[int]:
    """For each row of the refined (share-ordered) H, the row of the start it came from:
    order_nmf permutes rows, and a warm start keeps each row's identity, so the rows are
    matched by their word distributions (each start row used once)."""
    from ..quality.topic_distance import js_distances, word_distributions

    P = word_distributions("nmf", np.vstack([H, H0]))
    D = js_distances(P)[: H.shape[0], H.shape[0] :]
    from scipy.optimize import linear_sum_assignment

    _, cols = linear_sum_assignment(D)
    return [int(c) for c in cols]
