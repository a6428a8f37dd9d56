"""One iteration of Frobenius NMF, chunked: HALS (the default) and multiplicative updates.

Both solvers alternate two *phases*. A phase updates one factor F (W, or Hᵀ) with the other, O,
fixed: for each row chunk A_c of its matrix (X for W, Xᵀ for Hᵀ) it forms the sparse product
P_c = A_c·O, updates F_c from P_c and the Gram matrix OᵀO, and returns F_cᵀF_c, ⟨P_c, F_c⟩ and
ΣF_c. The chunks run on our threads and are summed in chunk order. The loss then comes almost
for free from products already formed:

    ‖X − WH‖²_F = ‖X‖² − 2⟨XᵀW, Hᵀ⟩ + ⟨WᵀW, HHᵀ⟩.

Regularisation follows scikit-learn's objective
0.5‖X − WH‖² + l1_W·ΣW + 0.5·l2_W‖W‖² + l1_H·ΣH + 0.5·l2_H‖H‖².
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

# Components are swept in blocks: one gemm per block, then cheap sequential corrections inside.
_BLOCK = 8


@dataclass
class FactorStats:
    """What a phase learns about the factor it just updated."""

    gram: np.ndarray
    """FᵀF (k×k, float64)."""
    cross: float
    """⟨A·O, F⟩ with the *other* factor O that was held fixed."""
    total: float
    """ΣF."""
    extra: np.ndarray | None = None
    """What a phase's ``after`` hook summed over the chunks (the extrapolated Gram for HALS)."""


@dataclass
class Problem:
    """A chunked NMF problem: X by rows, Xᵀ by rows, ‖X‖² and the scaled penalties."""

    X: object
    Xt: object
    norm_sq: float
    l1_W: float = 0.0
    l1_H: float = 0.0
    l2_W: float = 0.0
    l2_H: float = 0.0
    max_inner: int = 1
    inner_delta: float = 0.1
    extras: dict = field(default_factory=dict)


def gram(F: np.ndarray) -> np.ndarray:
    return (F.T @ F).astype(np.float64, copy=False)


def squared_error(norm_sq: float, cross: float, gram_w: np.ndarray, gram_h: np.ndarray) -> float:
    """‖X − WH‖²_F from ‖X‖², ⟨XHᵀ, W⟩ and the two Gram matrices (never below 0)."""
    return max(norm_sq - 2.0 * cross + float(np.vdot(gram_w, gram_h)), 0.0)


def objective(p: Problem, error_sq: float, w: FactorStats, h: FactorStats) -> float:
    """The penalised objective the solvers decrease (scikit-learn's, with its 0.5 factors)."""
    value = 0.5 * error_sq
    if p.l1_W or p.l2_W:
        value += p.l1_W * w.total + 0.5 * p.l2_W * float(np.trace(w.gram))
    if p.l1_H or p.l2_H:
        value += p.l1_H * h.total + 0.5 * p.l2_H * float(np.trace(h.gram))
    return value


def _phase(runner, chunks, F, other, gram_o, update, l1, l2, backup=None, after=None):
    """Update F chunk by chunk from the products chunks·other; return its stats.

    ``backup``, if given, receives F's old rows; ``after(a, b, Fc)``, if given, runs on each
    updated chunk while it is in cache and returns a k×k matrix summed over the chunks (in
    ``FactorStats.extra``).
    """

    def task(c):
        a, b = chunks.bounds[c]
        P = chunks.parts[c] @ other
        Fc = F[a:b]
        if backup is not None:
            backup[a:b] = Fc
        update(Fc, P, gram_o, l1, l2)
        extra = None if after is None else after(a, b, Fc)
        return gram(Fc), float(np.vdot(P, Fc)), float(Fc.sum(dtype=np.float64)), extra

    parts = runner.map(task, len(chunks))
    stats = FactorStats(
        gram=_sum_in_order([g for g, _, _, _ in parts]),
        cross=sum(c for _, c, _, _ in parts),
        total=sum(t for _, _, t, _ in parts),
    )
    if after is not None:
        stats.extra = _sum_in_order([e for _, _, _, e in parts])
    return stats


def _sum_in_order(matrices):
    """Σ matrices, in chunk order (so the sum does not depend on the thread count)."""
    total = matrices[0].copy()
    for m in matrices[1:]:
        total += m
    return total


# --- HALS -------------------------------------------------------------------------------------


def _hals_prepare(gram_o: np.ndarray, l2: float, dtype):
    """The scaled Gram S (row t divided by its diagonal) and the diagonal's inverse."""
    G = gram_o.copy()
    if l2:
        G.flat[:: G.shape[0] + 1] += l2
    diag = G.diagonal().copy()
    inv = np.divide(1.0, diag, out=np.zeros_like(diag), where=diag > 0)
    return (G * inv[:, None]).astype(dtype), inv.astype(dtype)


def _hals_sweep(Ft: np.ndarray, Q: np.ndarray, S: np.ndarray, D: np.ndarray) -> float:
    """One pass over the k components of a transposed tile Ft (k×b), in place.

    Component t moves to max(0, F_t + Q_t − S_t·F), the exact minimiser of the loss in F_t with
    the other components fixed. Components go in blocks: one gemm gives the block's gradients
    from the tile as it was, and each component then corrects for the earlier ones of its block
    (D holds their changes). Returns ‖ΔF‖² of the pass.
    """
    k = Ft.shape[0]
    moved = 0.0
    for s in range(0, k, _BLOCK):
        e = min(s + _BLOCK, k)
        G = Q[s:e] - S[s:e] @ Ft
        for j in range(e - s):
            t = s + j
            g = G[j]
            if j:
                g -= S[t, s:t] @ D[:j]
            # new − old = max(old + g, 0) − old = max(g, −old): exact zeros where clipped.
            np.negative(Ft[t], out=D[j])
            np.maximum(g, D[j], out=D[j])
            Ft[t] += D[j]
        moved += float(np.vdot(D[: e - s], D[: e - s]))
    return moved


def _hals_update(max_inner: int, delta: float):
    def update(Fc, P, prepared, l1, l2):
        S, inv = prepared
        Ft = np.ascontiguousarray(Fc.T)
        Q = P.T - l1 if l1 else P.T
        Q = np.multiply(Q, inv[:, None], dtype=Fc.dtype)
        D = np.empty((_BLOCK, Ft.shape[1]), dtype=Fc.dtype)
        first = _hals_sweep(Ft, Q, S, D)
        # Gillis & Glineur: the products are paid for, so sweep again while it still moves.
        for _ in range(max_inner - 1):
            if _hals_sweep(Ft, Q, S, D) <= delta * delta * first:
                break
        Fc[...] = Ft.T

    return update


@dataclass
class Extrapolation:
    """Ang & Gillis's (2019) extrapolation with restarts: how far H jumps along its last move.

    β grows by ``grow`` after each accepted iteration (capped by β̄, which itself creeps up
    to 1) and shrinks by ``shrink`` after a rejected one, where β̄ drops back to the β that
    last worked.
    """

    beta: float = 0.5
    cap: float = 1.0
    shrink: float = 1.5
    grow: float = 1.05
    grow_cap: float = 1.01

    def accepted(self) -> None:
        self.beta = min(self.cap, self.grow * self.beta)
        self.cap = min(1.0, self.grow_cap * self.cap)

    def rejected(self) -> None:
        self.cap = self.beta
        self.beta /= self.shrink


def hals_step(p: Problem, runner, W: np.ndarray, Ht: np.ndarray, state: dict) -> tuple:
    """One HALS iteration: update W against an extrapolated Hᵀ, then Hᵀ against the new W.

    The accepted factors live in W and Ht. The new pair is accepted only if it lowers the
    objective; otherwise W and Ht keep their values, the extrapolation is cut back and the next
    iteration is a plain HALS step, so the accepted objective never rises.
    Returns (‖X − WH‖², stats of W, stats of H, accepted) for the pair now in W and Ht.
    """
    update = _hals_update(p.max_inner, p.inner_delta)
    if "extrapolation" not in state:
        state.update(extrapolation=Extrapolation(), Hy=Ht, gram_y=gram(Ht), best=None,
                     W_old=np.empty_like(W), Ht_old=np.empty_like(Ht),
                     buffers=(np.empty_like(Ht), np.empty_like(Ht)))  # fmt: skip
    ex, Hy, best = state["extrapolation"], state["Hy"], state["best"]
    W_old, Ht_old, buffers = state["W_old"], state["Ht_old"], state["buffers"]
    # Hy is Ht (first step, or after a rejection) or one of two buffers; fill the other.
    Hy_next = buffers[1] if Hy is buffers[0] else buffers[0]
    # β the next extrapolation uses if this step is accepted (Extrapolation.accepted's rule).
    beta = ex.beta if best is None else min(ex.cap, ex.grow * ex.beta)

    extrapolate = extrapolation_step(Ht_old, Hy_next, beta)

    # W and Ht are updated in place; their old rows go to W_old and Ht_old on the way, to fall
    # back on if the objective rose (rare).
    w = _phase(runner, p.X, W, Hy, _hals_prepare(state["gram_y"], p.l2_W, W.dtype), update,
               p.l1_W, 0, backup=W_old)  # fmt: skip
    h = _phase(runner, p.Xt, Ht, W, _hals_prepare(w.gram, p.l2_H, W.dtype), update,
               p.l1_H, 0, backup=Ht_old, after=extrapolate)  # fmt: skip
    error_sq = squared_error(p.norm_sq, h.cross, w.gram, h.gram)
    value = objective(p, error_sq, w, h)
    if best is None or value <= best[0]:
        if best is not None:
            ex.accepted()
        state.update(Hy=Hy_next, gram_y=h.extra, best=(value, error_sq, w, h))
        return error_sq, w, h, True
    W[...] = W_old
    Ht[...] = Ht_old
    ex.rejected()
    state.update(Hy=Ht, gram_y=best[3].gram)
    return best[1], best[2], best[3], False


# --- Multiplicative updates ---------------------------------------------------------------------


def _mu_update(Fc, P, gram_o, l1, l2):
    """F ← F ∘ P / (F·OᵀO + l1 + l2·F + ε): Lee & Seung, with scikit-learn's penalties."""
    denom = Fc @ gram_o
    if l2:
        denom += l2 * Fc
    denom += l1 + np.finfo(Fc.dtype).eps
    Fc *= P / denom


def mu_step(p: Problem, runner, W: np.ndarray, Ht: np.ndarray, state: dict) -> tuple:
    """One MU iteration as the tutorial derives it: H first, then W."""
    gram_w = state.get("gram_w")
    if gram_w is None:
        gram_w = gram(W)
    h = _phase(runner, p.Xt, Ht, W, gram_w.astype(W.dtype), _mu_update, p.l1_H, p.l2_H)
    w = _phase(runner, p.X, W, Ht, h.gram.astype(W.dtype), _mu_update, p.l1_W, p.l2_W)
    state["gram_w"] = w.gram
    return squared_error(p.norm_sq, w.cross, w.gram, h.gram), w, h, True


def extrapolation_step(Ht_old, Hy_next, beta: float):
    """A :func:`phase` chunk step that writes the extrapolated Hy = max(0, Ht + β(Ht − Ht_old))
    of the chunk ``Fc`` (rows a:b of the new Ht) into ``Hy_next`` and returns its Gram, while
    the chunk is in cache; the one machine's HALS and the Dask engine's take the same step."""

    def extrapolate(a, b, Fc):
        Y = np.subtract(Fc, Ht_old[a:b], out=Hy_next[a:b])
        Y *= beta
        Y += Fc
        np.maximum(Y, 0, out=Y)
        return gram(Y)

    return extrapolate
