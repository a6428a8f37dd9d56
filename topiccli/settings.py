"""The environment, read once at the edge (the CLI, ``TopicModel``) into one :class:`Settings`.

Nothing below the edge reads ``os.environ``: the values here are handed down as arguments (the
core's thread count, the engine's scheduler and timeout, the cache folder, the table width,
whether ``TOPICS_DEBUG`` asks for tracebacks). Values are kept as the environment wrote them
and checked where they are used, so a bad variable fails only the command that needs it (a bad
``TOPICS_DASK_TIMEOUT`` only a ``--scheduler`` run, with the one check of the Dask timeout,
``distributed.cluster.check_timeout``: exit 2).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

SCHEDULER_ENV = "DASK_SCHEDULER_ADDRESS"
TIMEOUT_ENV = "TOPICS_DASK_TIMEOUT"
THREADS_ENV = "TOPICS_NUM_THREADS"
DEBUG_ENV = "TOPICS_DEBUG"
CACHE_ENV = "TOPICS_CACHE"
CACHE_DIR_ENV = "TOPICS_CACHE_DIR"
OFF_VALUES = ("0", "false", "no", "off")


@dataclass(frozen=True)
class Settings:
    """What the environment says, each field named for its variable (None: not set)."""

    scheduler: str | None = None
    """``DASK_SCHEDULER_ADDRESS``: the Dask scheduler when ``--scheduler`` is not given."""
    dask_timeout: str | None = None
    """``TOPICS_DASK_TIMEOUT``: seconds to reach the scheduler (checked by the Dask engine)."""
    num_threads: str | None = None
    """``TOPICS_NUM_THREADS``: the core's worker threads (:meth:`threads`)."""
    debug: bool = False
    """``TOPICS_DEBUG`` set to anything but 0: errors re-raise with their traceback."""
    cache: str | None = None
    """``TOPICS_CACHE``: 0/false/no/off turns every cache off."""
    cache_dir: str | None = None
    """``TOPICS_CACHE_DIR``: the cache folder."""
    xdg_cache_home: str | None = None
    columns: str | None = None
    """``COLUMNS``: the table width."""
    scikit_learn_data: str | None = None
    """``SCIKIT_LEARN_DATA``: where 20 Newsgroups is kept (scikit-learn's data home)."""

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """The settings ``environ`` (default: this process's environment) gives."""
        env = os.environ if environ is None else environ

        def get(name: str) -> str | None:
            value = env.get(name, "").strip()
            return value or None

        return cls(
            scheduler=get(SCHEDULER_ENV),
            dask_timeout=env.get(TIMEOUT_ENV),
            num_threads=get(THREADS_ENV),
            debug=env.get(DEBUG_ENV, "") not in ("", "0"),
            cache=get(CACHE_ENV),
            cache_dir=env.get(CACHE_DIR_ENV) or None,
            xdg_cache_home=env.get("XDG_CACHE_HOME") or None,
            columns=get("COLUMNS"),
            scikit_learn_data=env.get("SCIKIT_LEARN_DATA"),
        )

    def threads(self) -> int | None:
        """The core's worker threads: ``TOPICS_NUM_THREADS``, else None (the core's default:
        the CPUs available)."""
        if self.num_threads is None:
            return None
        try:
            n = int(self.num_threads)
        except ValueError:
            n = 0
        if n >= 1:
            return n
        from .errors import InvalidParameterError

        raise InvalidParameterError(
            f"{THREADS_ENV} must be a positive integer, got {self.num_threads!r}"
        )

    @property
    def cache_enabled(self) -> bool:
        """Whether ``TOPICS_CACHE`` leaves caching on."""
        return (self.cache or "").lower() not in OFF_VALUES

    def data_home(self) -> Path | None:
        """scikit-learn's data home as ``SCIKIT_LEARN_DATA`` names it (None: not set)."""
        return Path(self.scikit_learn_data) if self.scikit_learn_data else None

    def cache_home(self) -> Path:
        """The cache folder: ``TOPICS_CACHE_DIR``, else ``$XDG_CACHE_HOME/topiccli`` (when
        absolute, as the XDG spec asks), else ``~/.cache/topiccli``."""
        if self.cache_dir:
            return Path(self.cache_dir).expanduser()
        xdg = self.xdg_cache_home or ""
        base = Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".cache"
        return base / "topiccli"
