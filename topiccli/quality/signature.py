"""Narrow (signature) topics: a topic whose weight comes from a handful of distinct documents.

A topic model happily spends a topic on one long post, on a few copies of the same text, or
on the posts that carry one author's signature. Such a topic can look coherent (its words
always come together) while saying nothing about the corpus. ``narrow`` marks it.

The evidence for topic t is its documents' weights w (the weights the table and the exports
share, negative SVD weights counted as 0):

* the **effective number of documents** carrying it, the participation ratio (Σw)²/Σw²: n
  for a weight spread evenly over n documents, 1 for a topic of one document. Near-duplicate
  documents count once: among the documents holding the first ``COVERED`` (90%) of the
  topic's weight (at most ``EXAMINED``, 400), two whose rows of the document-term matrix
  have a cosine similarity of at least ``NEAR_DUPLICATE`` (0.95) are near-duplicates, and
  each connected group of near-duplicates counts as one document of their summed weight;
* what chance gives on this corpus: the same participation ratio of every document's total
  weight, ``corpus_documents``. It is the number of documents when every document carries
  the same weight, and less when documents differ in length or some carry no term at all
  (short texts, empty documents), so a corpus of short texts is not measured against
  documents that are not there.

A topic is ``narrow`` when its effective number of documents is at most ``SHARE`` (1%) of the
corpus's (at least ``MIN_DOCUMENTS``, 3, in a tiny corpus): its weight comes from about 1% of
the documents or fewer, or from a group of near-duplicates; or when it is led by a block of
repeated words (below). Not when it is the main topic (the largest weight) of at least
``MAIN_SHARE`` (2%) of the documents (and at least ``MAIN_MIN``, 10, in a corpus of fewer
than 500, where 2% is still a handful): that many documents are mainly about it, and a topic
aligned with a label (half of its documents from one label, over 2% of the corpus) can have
its words from a prolific author's signature, as when the author writes in one group only.

With one exception: a topic led by a block whose documents share nothing *but* its top
words. ``shared_content`` measures it: the documents the topic wins, with its top words
removed, each row's cosine to their mean direction, averaged, over the same for as many
documents drawn at random (seeded; at most ``CONTENT_SAMPLE`` of each). A subject's
documents share words beyond its top eight; the posts of an author who signs in every group
share the signature and little else. Under ``SHARED_CONTENT`` (1.3) the block topic is
narrow however many documents it wins. On the hand-labelled fits of
scripts/evaluate_flag.md, the 9 block-led topics winning ≥ 2% that are signatures and not
label-aligned scored 0.96–1.24, the label-aligned ones 1.52–1.87, a topic of subject lines
1.39. It is not measured (and the guard holds) when the topic's documents are too short to
tell, their median holding fewer than twice as many terms as the top words removed: a
headline keeps a word or two beyond a topic's top words, and headlines of one story or one
game "share nothing else" for that reason alone (CLUE TNEWS at k = 40: 1.19–1.25).

``repeated_words`` lists a topic's top words that travel together as one block of text in a
handful of documents (a signature, a repeated footer): at least ``BLOCK`` (3) top words,
two of them linked when the rarer one's documents nearly all hold the other (overlap ≥
``SAME_DOCUMENTS``, 0.8, in at least 3 documents) and they meet at least ``LIFT`` (100, that
is 1/SHARE) times as often as independent words of their frequencies would, which for words
that travel together means each is in about 1% of the documents or fewer. A theme's words
coincide too (``armenian``, ``armenians``, ``turkish``), but over more documents: on all of
20 Newsgroups they meet 60–95 times as often as chance, a signature's 100–750 times
(scripts/evaluate_flag.md). And copies of one text hold its words in the same proportion
every time, where a theme's words come in varying counts: a block counts only when its linked
words' weights keep a fixed ratio (within ``SAME_RATIO``, 2%, of the median log ratio) in at
least ``SAME_TEXT`` (40%) of the documents holding both, on average over its linked pairs
(:func:`fixed_proportions`). On the hand-labelled fits signature blocks keep it in 56–100% of
their documents, the Armenian theme's blocks in 3–13%; the blocks of news subjects in corpora
not tuned on, 0–39% (oil prices, the Middle East, Darfur, a merger; scripts/evaluate_flag.md).
In short texts, where every word occurs once, any words do, and the test says nothing. A
topic led by such a block is narrow: its words come from one repeated piece of text.

Measured against hand labels in scripts/evaluate_flag.md.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from .. import held

SHARE = 0.01
MIN_DOCUMENTS = 3.0
EXAMINED = 400
COVERED = 0.9
NEAR_DUPLICATE = 0.95
BLOCK = 3
SAME_DOCUMENTS = 0.8
MAIN_SHARE = 0.02
MAIN_MIN = 10
LIFT = 1.0 / SHARE
SHARED_CONTENT = 1.3
CONTENT_SAMPLE = 2000
CONTENT_CAP = 100.0
SAME_TEXT = 0.4
SAME_RATIO = 0.02


def participation(weights: np.ndarray) -> float:
    """(Σw)²/Σw²: how many equal weights give the same spread (0 with no weight)."""
    total, squares = float(np.sum(weights)), float(np.sum(np.square(weights)))
    return total * total / squares if squares > 0 else 0.0


def near_duplicate_groups(rows) -> np.ndarray:
    """Each row's group: connected components of cosine similarity ≥ NEAR_DUPLICATE."""
    from scipy.sparse.csgraph import connected_components

    rows = sp.csr_matrix(rows, dtype=float)
    norms = np.sqrt(np.asarray(rows.multiply(rows).sum(axis=1)).ravel())
    scaled = sp.diags(1.0 / np.where(norms > 0, norms, 1.0)) @ rows
    similar = (scaled @ scaled.T).toarray() >= NEAR_DUPLICATE
    return connected_components(sp.csr_matrix(similar), directed=False)[1]


def examined(column: np.ndarray) -> np.ndarray:
    """The documents a topic's near-duplicate check reads: those holding the first COVERED of
    its weight (at least 2, at most EXAMINED), heaviest first, with weight > 0."""
    w = np.clip(np.asarray(column, dtype=float), 0.0, None)
    total = float(w.sum())
    if total <= 0:
        return np.zeros(0, dtype=np.intp)
    order = np.argsort(-w, kind="stable")
    most = int(np.searchsorted(np.cumsum(w[order]), COVERED * total)) + 1
    order = order[: min(max(most, 2), EXAMINED)]
    return order[w[order] > 0]


def topic_evidence(column: np.ndarray, X, rows_of=None) -> dict:
    """``effective_documents`` (near-duplicates merged) and ``near_duplicate_share`` (the
    share of the topic's weight in documents with a near-duplicate among those
    :func:`examined`). ``rows_of(indices)`` gives those rows of X (default: ``held.rows``)."""
    w = np.clip(np.asarray(column, dtype=float), 0.0, None)
    total = float(w.sum())
    if total <= 0:
        return {"effective_documents": 0.0, "near_duplicate_share": 0.0}
    order = examined(w)
    if len(order) < 2:
        return {"effective_documents": participation(w), "near_duplicate_share": 0.0}
    rows = (rows_of or (lambda idx: held.rows(X, idx)))(np.sort(order))
    groups = near_duplicate_groups(rows[np.argsort(np.argsort(order))])
    merged = np.bincount(groups, weights=w[order])
    rest = w.copy()
    rest[order] = 0.0
    duplicated = np.bincount(groups)[groups] > 1
    return {
        "effective_documents": participation(np.concatenate([merged, rest[rest > 0]])),
        "near_duplicate_share": float(w[order][duplicated].sum() / total),
    }


def _row_reader(W: np.ndarray, X):
    """``rows_of`` for :func:`topic_evidence`: for a held X, every topic's examined rows
    fetched at once (one round trip to the workers, not one a topic); None otherwise."""
    if not isinstance(X, held.HeldMatrix):
        return None
    union = np.unique(np.concatenate([examined(W[:, t]) for t in range(W.shape[1])] or [[]]))
    local = held.rows(X, union.astype(np.intp))
    return lambda idx: local[np.searchsorted(union, idx)]


def corpus_documents(weights: np.ndarray) -> float:
    """What chance gives: the participation ratio of the documents' total weights."""
    return participation(np.clip(np.asarray(weights, dtype=float), 0.0, None).sum(axis=1))


def narrow_floor(weights: np.ndarray) -> float:
    """The effective number of documents at or under which a topic is narrow."""
    return max(MIN_DOCUMENTS, SHARE * corpus_documents(weights))


def signature(weights, X, repeated: list[list[str]] | None = None, sizes=None,
              columns: list[np.ndarray] | None = None) -> list[dict]:  # fmt: skip
    """Each topic's ``effective_documents``, ``near_duplicate_share``, ``shared_content`` and
    ``narrow``: carried by about 1% of the documents or fewer, or led by a block of repeated
    words (``repeated[t]``, from ``repeated_words``, at least BLOCK of them); and the main
    topic of fewer than MAIN_SHARE of the documents, or of MAIN_MIN (``sizes[t]``: the
    documents it wins), unless it is led by a block and its documents share less than
    SHARED_CONTENT beyond its top words (``columns[t]``: their columns in X).
    ``shared_content`` is None where it was not needed (see the module)."""
    from .doc_weights import top_topics

    W = np.asarray(weights)
    floor = narrow_floor(W)
    rows_of = _row_reader(W, X)
    winners = None
    out = []
    for t in range(W.shape[1]):
        found = topic_evidence(W[:, t], X, rows_of)
        block = len(repeated[t]) >= BLOCK if repeated is not None else False
        few = sizes is None or sizes[t] < max(MAIN_SHARE * W.shape[0], MAIN_MIN)
        found["shared_content"] = None
        if block and not few and columns is not None:
            winners = top_topics(W) if winners is None else winners
            found["shared_content"] = shared_content(X, np.flatnonzero(winners == t), columns[t])
            few = found["shared_content"] is not None and found["shared_content"] < SHARED_CONTENT
        found["narrow"] = bool((found["effective_documents"] <= floor or block) and few)
        out.append(found)
    return out


def shared_content(X, members: np.ndarray, drop, seed: int = 0) -> float | None:
    """How much more the rows ``members`` of X share beyond the columns ``drop`` than as many
    rows drawn at random (``seed``): :func:`cohesion` of each, at most CONTENT_SAMPLE rows
    (a seeded draw), as a ratio (1: no more than chance; 0 when the members share nothing
    beyond ``drop``; CONTENT_CAP when only they share anything). None when the members are
    too short to tell: their median row holds fewer than twice as many terms as ``drop``
    (headlines keep too few words beyond a topic's top words for their overlap to mean
    anything)."""
    rng = np.random.default_rng(seed)
    members = np.asarray(members, dtype=np.intp)
    if len(members) > CONTENT_SAMPLE:
        members = rng.choice(members, CONTENT_SAMPLE, replace=False)
    chance = rng.choice(X.shape[0], len(members), replace=False)
    drop = np.asarray(drop, dtype=np.intp)
    rows = sp.csr_matrix(held.rows(X, np.sort(members)))
    if not len(members) or np.median(np.diff(rows.indptr)) < 2 * len(drop):
        return None
    inside = cohesion(rows, drop)
    base = cohesion(held.rows(X, np.sort(chance)), drop)
    if inside <= 0.0 or base <= 0.0:
        return CONTENT_CAP if inside > 0.0 else 0.0
    return min(inside / base, CONTENT_CAP)


def cohesion(rows, drop) -> float:
    """The mean cosine of the rows (the columns ``drop`` removed; rows left empty skipped) to
    their mean direction: 1 when they are all alike, about 1/√n for n unrelated rows."""
    rows = sp.csr_matrix(rows, dtype=np.float64, copy=True)
    rows.data[np.isin(rows.indices, drop)] = 0.0
    rows.eliminate_zeros()
    norms = np.sqrt(np.asarray(rows.multiply(rows).sum(axis=1)).ravel())
    kept = norms > 0
    if not kept.any():
        return 0.0
    unit = sp.diags(1.0 / norms[kept]) @ rows[kept]
    centre = np.asarray(unit.mean(axis=0)).ravel()
    size = float(np.linalg.norm(centre))
    return float(np.mean(unit @ centre)) / size if size > 0 else 0.0


def repeated_words(B, local: list[np.ndarray], words: list[list[str]]) -> list[list[str]]:
    """For each topic, its top words that travel as one block (see the module docstring).

    ``B`` holds the topics' words' columns (documents × words), ``local[t]`` topic t's
    columns in ``B`` (in its words' order) and ``words[t]`` the words themselves.
    """
    from scipy.sparse.csgraph import connected_components

    values = sp.csc_matrix(B, dtype=float)
    present = values.copy()
    present.data[:] = 1.0
    out = []
    for cols, names in zip(local, words):
        if len(cols) < BLOCK:
            out.append([])
            continue
        block = present[:, cols]
        both = (block.T @ block).toarray()
        sizes = np.diag(both)
        smaller = np.minimum.outer(sizes, sizes)
        overlap = np.divide(both, smaller, out=np.zeros_like(both), where=smaller > 0)
        lift = np.divide(both * block.shape[0], np.outer(sizes, sizes),
                         out=np.zeros_like(both), where=both > 0)  # fmt: skip
        linked = (overlap >= SAME_DOCUMENTS) & (both >= 3) & (lift >= LIFT)
        np.fill_diagonal(linked, False)
        _, groups = connected_components(sp.csr_matrix(linked), directed=False)
        kept = [g for g in np.flatnonzero(np.bincount(groups) >= BLOCK)
                if fixed_proportions(values[:, cols], linked & (groups[:, None] == g))
                >= SAME_TEXT]  # fmt: skip
        out.append([names[i] for i in range(len(cols)) if groups[i] in kept])
    return out


def fixed_proportions(columns, linked: np.ndarray) -> float:
    """How often linked words occur in the same proportion: for each linked pair (``linked``,
    upper triangle read), the share of the documents holding both where the log ratio of
    their weights is within ``SAME_RATIO`` of its median; the mean over the pairs (1 with no
    pair). Copies of one text hold its words in the same proportion every time; a theme's
    words come in varying counts. Where every weight is one occurrence (short texts, binary
    counts) any two words are in fixed proportions, and this says nothing."""
    columns = sp.csc_matrix(columns, copy=True)  # eliminate_zeros must not touch the caller's
    columns.eliminate_zeros()
    ptr, rows, weights = columns.indptr, columns.indices, columns.data
    shares = []
    for i, j in zip(*np.nonzero(np.triu(linked, 1))):
        _, at_i, at_j = np.intersect1d(rows[ptr[i] : ptr[i + 1]], rows[ptr[j] : ptr[j + 1]],
                                       assume_unique=True, return_indices=True)  # fmt: skip
        if not len(at_i):
            continue
        ratio = np.log(weights[ptr[i] + at_i] / weights[ptr[j] + at_j])
        shares.append(float(np.mean(np.abs(ratio - np.median(ratio)) <= SAME_RATIO)))
    return float(np.mean(shares)) if shares else 1.0
