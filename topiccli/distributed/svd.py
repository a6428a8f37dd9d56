"""Exact truncated SVD of a distributed matrix: scipy's svds on products run by the workers.

:func:`operator` is a ``scipy.sparse.linalg.LinearOperator`` whose X·v (and X·V) runs as one
task per row block (Xᵢ·v, concatenated in block order) and whose Xᵀ·u runs as Xᵢᵀ·uᵢ on each
block, summed in block order; only vectors of length n or of a block's rows travel. The core's
own driver (``factorize.steps.lanczos``: PROPACK, falling back to ARPACK when its Krylov space
is too small, with the core's start vectors and residual check) runs on it, and the result
gets the core's ordering and sign convention (each component's largest-magnitude term loading
positive). The blocks are rebuilt by Dask if a worker dies, so a lost worker only delays a
product; every product has a deadline.
"""

from __future__ import annotations

import numpy as np

from ..factorize.steps import SVDResult, check_choice, check_rank, check_seed, lanczos, orient_signs
from ._session import Session, interruptible
from .blocks import DistributedCSR

SOLVERS = ("propack", "arpack")


def _times(A, v):
    return A @ v


def operator(data: DistributedCSR, session: Session, failures: list | None = None):
    """``data`` as a LinearOperator whose products run on the workers.

    With ``failures`` (a list), a product that raises (a worker lost, a deadline, Ctrl-C)
    appends its exception there and returns zeros, as does every product after it. PROPACK
    calls the products from Fortran, where an exception is not propagated: it surfaced as a
    ``SystemError`` or, worse, the iteration went on with what the failed call left and ended
    with other singular vectors (measured: 2 of 20 runs whose worker was killed at random).
    The caller raises the first failure once the solver returns (:func:`truncated_svd`)."""
    from scipy.sparse.linalg import LinearOperator

    blocks, transposed = data.blocks, data.transposed()
    dtype = data.dtype

    def right(V):
        V = np.asarray(V, dtype=dtype)
        V_f = session.broadcast(V, "v")
        parts = session.gather([session.submit(_times, b, V_f, what="Xv") for b in blocks],
                               "X·v")  # fmt: skip
        return np.concatenate(parts, axis=0)

    def left(U):
        U = np.asarray(U, dtype=dtype)
        futures = [session.submit(_times, t, np.ascontiguousarray(U[a:b]), what="Xtu")
                   for t, (a, b) in zip(transposed, data.bounds)]  # fmt: skip
        parts = session.gather(futures, "Xᵀ·u")
        total = parts[0].copy()
        for part in parts[1:]:
            total += part
        return total

    if failures is not None:
        right, left = (
            _guarded(right, data.shape[0], failures),
            _guarded(left, data.shape[1], failures),
        )
    return LinearOperator(
        data.shape,
        matvec=lambda v: right(np.ravel(v)),
        rmatvec=lambda u: left(np.ravel(u)),
        matmat=right,
        rmatmat=left,
        dtype=dtype,
    )


def _guarded(product, rows: int, failures: list):
    """``product`` that records its exception in ``failures`` and returns zeros of its shape
    instead (and returns zeros without running once anything failed)."""

    def call(V):
        if not failures:
            try:
                return product(V)
            except BaseException as exc:  # noqa: BLE001 - re-raised by truncated_svd
                failures.append(exc)
        return np.zeros((rows, *np.shape(V)[1:]))

    return call


def _solve(A, failures: list, k: int, solver: str, seed: int):
    """lanczos on A, then the first product's failure raised, if any (see :func:`operator`)."""
    try:
        found = lanczos(A, A, k, solver, seed)
    except Exception:
        if failures:
            raise failures[0] from None
        raise
    if failures:
        raise failures[0]
    return found


def truncated_svd(
    data: DistributedCSR, k: int, *, solver: str = "propack", seed: int = 0, timeout: float = 600.0
) -> SVDResult:
    """The k leading singular triplets of ``data``, as :func:`topiccli.truncated_svd` gives them
    (``solver`` ``"propack"`` or ``"arpack"``; both exact). ``timeout`` bounds each product."""
    k = check_rank(k, data.shape, strict=True)
    check_choice("solver", solver, SOLVERS)
    seed = check_seed(seed)
    session = Session(data.client, f"svd-{solver}", timeout)
    failures: list = []
    A = operator(data, session, failures)
    U, s, Vt = interruptible(session, _solve, A, failures, k, solver, seed)
    order = np.argsort(-s, kind="stable")
    U, s, Vt = U[:, order], s[order], Vt[order]
    U, Vt = orient_signs(U, Vt)
    return SVDResult(U=np.ascontiguousarray(U), s=s, Vt=np.ascontiguousarray(Vt), solver=solver)
