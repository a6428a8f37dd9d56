"""The exceptions topiccli raises on purpose.

Every error a user can fix derives from :class:`TopicsError`. The CLI turns any of them into
one ``Error: …`` line on stderr and exit code 1, in one place (``topiccli.cli.errors``).
"""

from __future__ import annotations


class TopicsError(Exception):
    """A problem with the data, the options or the environment that the user can fix."""

    exit_code = 1


class InvalidParameterError(TopicsError, ValueError):
    """A parameter value is out of range or of the wrong kind."""


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
    """Base class of the warnings topiccli emits."""


class ConvergenceWarning(TopicsWarning):
    """An iterative solver stopped at its iteration cap before meeting its tolerance."""


class CacheWarning(TopicsWarning):
    """A corpus cache entry was unreadable or could not be written; the run goes on without it."""
