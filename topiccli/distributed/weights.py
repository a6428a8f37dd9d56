"""Documents' topic weights computed where their rows live, and kept there as row blocks.

The weights are the one definition of ``topiccli.quality.doc_weights.document_weights`` (SVD's X·Vᵀ,
NMF's W solved against the fit's final H), computed block by block next to X's row blocks.
The result, :class:`DistributedRows`, holds one future per block of rows, so the rows can be
used on the workers (``--doc-topics`` written by partition, ``distributed.parts``) and gathered
once for the client's scoring.

SVD's projection and the Frobenius non-negative least squares separate by rows (each row is
solved from its own products), so each block runs the core's own function. The KL solve does
not quite: its over-relaxation exponent and its stopping rule follow the objective of all the
rows at once (``_kl.kl_fixed_h``). Solving block by block would stop each block elsewhere
(about 1e-4 relative), so here the blocks run the W half-steps and return their sums, and the
client takes the acceptance and stopping decisions from the summed objective, exactly as the
core takes them: the weights agree with the core's up to rounding in the order of the sums.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..factorize.steps import ETA_MAX, GROWTH, Penalty, SparsePattern, sum_in_order
from ._session import Session, interruptible
from .blocks import DistributedCSR
from .nmf import _first, _kl_state, _pattern_sums, _second, kl_w_update

KL_MAX_ITER = 1000
KL_TOL = 1e-7
"""``_kl.kl_fixed_h``'s defaults (the ones ``nmf_transform`` uses)."""


@dataclass
class DistributedRows:
    """Dense row blocks on the workers: ``blocks[i]`` holds rows ``bounds[i]`` (rows × k)."""

    client: object
    blocks: list
    bounds: list[tuple[int, int]]
    shape: tuple[int, int]

    def gather(self, timeout: float = 600.0) -> np.ndarray:
        """All the rows on the client, in order."""
        session = Session(self.client, "rows", timeout)
        parts = interruptible(session, session.gather, self.blocks, "the document weights")
        return np.vstack(parts) if parts else np.zeros(self.shape)

    def release(self) -> None:
        for future in self.blocks:
            future.release()


def document_weights(
    data: DistributedCSR,
    method: str,
    components,
    loss: str = "frobenius",
    regularization: dict | None = None,
    timeout: float = 600.0,
) -> DistributedRows:
    """The documents' weights against ``components`` (NMF's H, SVD's Vᵀ), as
    ``quality.doc_weights.document_weights`` gives them for the whole matrix, as row blocks on
    the workers (see the module description)."""
    components = np.asarray(components, dtype=np.float64)
    k = components.shape[0]
    kl = method == "nmf" and loss == "kl"
    # The KL solve's state lives only on the workers: it watches them, and a loss raises
    # WorkerLost at once (the caller runs it again, ``_session.retrying``).
    session = Session(data.client, f"weights-{method}", timeout, watch_workers=kl)
    if kl:
        reg = regularization or {}
        penalty = Penalty.scaled(data.shape, reg.get("alpha_W", 0.0), 0.0,
                                 float(reg.get("l1_ratio", 0.0)))  # fmt: skip
        blocks = interruptible(session, _kl_fixed_h, session, data, components, penalty)
    else:
        from ..quality.doc_weights import document_weights as weigh

        shared = session.broadcast(components, "components")
        blocks = [
            session.submit(weigh, method, shared, x, loss, regularization, what="weights")
            for x in data.blocks
        ]
    return DistributedRows(data.client, blocks, list(data.bounds), (data.shape[0], k))


def _float64_pattern(X):
    return SparsePattern(X.astype(np.float64) if X.dtype != np.float64 else X)


def _kl_start(pattern, total: float, k: int):
    """``kl_fixed_h``'s start for one block: each row's total spread as ΣX_i·/ΣH."""
    m = pattern.shape[0]
    rows = np.bincount(np.repeat(np.arange(m), pattern.counts), pattern.x, minlength=m)
    return np.ascontiguousarray(
        np.repeat((rows / total if total > 0 else rows * 0.0)[:, None], k, axis=1)
    )


def _kl_start_state(pattern, total: float, k: int, Ht):
    return _kl_state(pattern, _kl_start(pattern, total, k), Ht)


def _kl_fixed_h(session: Session, data: DistributedCSR, H: np.ndarray, penalty: Penalty):
    """``_kl.kl_fixed_h`` with W's blocks on the workers; returns the W block futures."""
    k = H.shape[0]
    Ht = np.ascontiguousarray(H.T)
    patterns = data.derived("pattern64", _float64_pattern)
    sums = session.gather([session.submit(_pattern_sums, p, what="sums") for p in patterns], "Σx")
    xlogx, sum_x = math.fsum(a for a, _ in sums), math.fsum(b for _, b in sums)
    Ht_f = session.broadcast(Ht, "Ht")
    h_colsum = Ht.sum(axis=0, dtype=np.float64)
    l1, l2 = penalty.l1_W, penalty.l2_W

    def run(func, states, *args):
        pairs = [session.submit(func, p, s, *args, what="W") for p, s in zip(patterns, states)]
        new = [session.submit(_first, pair, what="state") for pair in pairs]
        smalls = session.gather([session.submit(_second, pair, what="small") for pair in pairs],
                                "the document weights' step")  # fmt: skip
        return new, objective(smalls)

    def objective(smalls) -> float:
        # SparsePattern.divergence and Penalty.value (W's part), from the blocks' sums.
        colsum = sum_in_order([s[1] for s in smalls])
        cross = math.fsum(s[0] for s in smalls)
        div = max(xlogx - cross - sum_x + float(np.dot(colsum, h_colsum)), 0.0)
        value = div
        if l1:
            value += l1 * math.fsum(s[2] for s in smalls)
        if l2:
            value += 0.5 * l2 * math.fsum(s[3] for s in smalls)
        return value

    total = float(H.sum())
    states, current = run(_start_from_none, [None] * len(patterns), total, k, Ht_f)
    eta = 1.0
    previous = current
    for _ in range(KL_MAX_ITER):
        # _KLState.half_step(0, relax=True)
        if eta == 1.0:
            states, current = run(kl_w_update, states, Ht_f, 1.0, l1, l2)
            eta = GROWTH
        else:
            before = current
            candidate, value = run(kl_w_update, states, Ht_f, eta, l1, l2)
            if value <= before:
                states, current, eta = candidate, value, min(eta * GROWTH, ETA_MAX)
            else:
                states, current = run(kl_w_update, states, Ht_f, 1.0, l1, l2)
                eta = 1.0
        if current == 0.0 or previous - current < KL_TOL * previous:
            break
        previous = current
    return [session.submit(_first, s, what="weights") for s in states]


def _start_from_none(pattern, _state, total: float, k: int, Ht):
    return _kl_start_state(pattern, total, k, Ht)
