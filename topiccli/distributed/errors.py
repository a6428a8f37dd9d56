"""The errors of the distributed engine: each a :class:`~topiccli.errors.TopicsError`."""

from __future__ import annotations

from ..errors import TopicsError


class EngineError(TopicsError):
    """The Dask cluster could not be reached, lost a worker it could not do without, or timed
    out; the message is one line naming the address or the step."""


class WorkerLost(EngineError):
    """A worker holding state of the running computation left the cluster."""
