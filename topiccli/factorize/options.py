"""The core's choices and the rules between them, checkable without numpy or any data.

A caller (the CLI, through topiccli.models) checks a loss × solver × start combination here
before reading a corpus, so a wrong combination is a usage error at once; ``nmf`` and
``truncated_svd`` apply the same rules at their own entry.
"""

from __future__ import annotations

from ..errors import InvalidParameterError

NMF_LOSSES = ("frobenius", "kl")
NMF_SOLVERS = ("hals", "mu", "amu", "ccd")
NMF_INITS = ("nndsvda", "nndsvd", "random")
LOSS_SOLVERS = {"frobenius": ("hals", "mu"), "kl": ("ccd", "amu", "mu")}
"""The solvers of each loss; the first is its default."""
DEFAULT_INIT = {"hals": "nndsvd", "mu": "nndsvda", "amu": "nndsvda", "ccd": "nndsvda"}
ONE_MACHINE_SOLVERS = ("ccd",)
"""Solvers that need X by columns as well as by rows (coordinate descent sweeps H along X's
columns), which no worker of a distributed engine holds: a cluster runs the loss's others."""
SVD_SOLVERS = ("propack", "arpack", "randomized")


def check_choice(name: str, value, choices) -> str:
    """Check that value is one of the allowed strings."""
    if value not in choices:
        allowed = ", ".join(repr(c) for c in choices)
        raise InvalidParameterError(f"{name} must be one of {allowed}, got {value!r}",
                                    params=(name,))  # fmt: skip
    return value


def check_nmf_options(loss: str, solver: str | None, init: str | None,
                      distributed: bool = False) -> tuple[str, str]:  # fmt: skip
    """Check a loss, solver and named start together; return the (solver, init) they resolve
    to (None takes the default: the loss's first solver, the solver's start). ``distributed``:
    for an engine whose workers hold X by rows only, where ONE_MACHINE_SOLVERS cannot run."""
    check_choice("loss", loss, NMF_LOSSES)
    solvers = LOSS_SOLVERS[loss]
    if distributed:
        solvers = tuple(s for s in solvers if s not in ONE_MACHINE_SOLVERS)
    if solver is None:
        solver = solvers[0]
    else:
        check_choice("solver", solver, NMF_SOLVERS)
        if distributed and solver in ONE_MACHINE_SOLVERS and solver in LOSS_SOLVERS[loss]:
            allowed = ", ".join(repr(s) for s in solvers)
            raise InvalidParameterError(
                f"solver {solver!r} runs on one machine only (it sweeps H along X's columns, "
                f"which no worker holds); on a cluster use one of {allowed}",
                params=("solver",),
            )
        if solver not in LOSS_SOLVERS[loss]:
            allowed = ", ".join(repr(s) for s in LOSS_SOLVERS[loss])
            raise InvalidParameterError(
                f"solver {solver!r} does not minimise the {loss} loss; use one of {allowed}",
                params=("solver",),
            )
    init = DEFAULT_INIT[solver] if init is None else check_choice("init", init, NMF_INITS)
    return solver, init
