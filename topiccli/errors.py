"""The exceptions and warnings topiccli raises on purpose: one hierarchy for every layer.

Every error a user can fix derives from :class:`TopicsError`; its ``exit_code`` is the CLI's
(1: data or environment, 2: usage). Messages speak the library's words (``max_iter``, ``k``);
``params`` names the parameters a message concerns, so the CLI can say ``--max-iter`` instead,
read off the option table (``topiccli.cli.errors.flags``); no library module knows the flags.
"""

from __future__ import annotations


class TopicsError(Exception):
    """A problem with the data, the options or the environment that the user can fix."""

    exit_code = 1

    def __init__(self, message: str = "", *, params: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.params = tuple(params)


class InvalidParameterError(TopicsError, ValueError):
    """A parameter value is out of range or of the wrong kind (found with the data: exit 1)."""


class UsageError(InvalidParameterError):
    """Option values wrong in themselves, found before any data is read (exit 2)."""

    exit_code = 2


class CorpusError(TopicsError):
    """The corpus could not be loaded, or holds nothing usable."""


class DatasetNotFoundError(CorpusError):
    """20 Newsgroups is neither cached locally nor downloadable."""


class ArchiveError(TopicsError):
    """An archive given to ``topics data import`` is corrupt, unsafe or not the expected one."""


class VectorizeError(TopicsError):
    """Vectorizing produced no usable matrix (for example, an empty vocabulary)."""


class OutputError(TopicsError):
    """Output could not be written where the user asked."""


class BundleError(TopicsError):
    """A model bundle cannot be written, or is missing, damaged or from a newer topiccli."""


class TopicsWarning(UserWarning):
    """Base class of the warnings topiccli emits; ``params`` as for :class:`TopicsError`
    (a subclass may name the ones its messages always concern)."""

    default_params: tuple[str, ...] = ()

    def __init__(self, message: str = "", *, params: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.params = tuple(params) or self.default_params


class ConvergenceWarning(TopicsWarning):
    """An iterative solver stopped at its iteration cap before meeting its tolerance."""

    default_params = ("max_iter", "tol")


class CacheWarning(TopicsWarning):
    """A corpus cache entry was unreadable or could not be written; the run goes on without it."""
