"""Where the corpus cache lives, and whether it is on at all."""

from __future__ import annotations

import os
from pathlib import Path

from ..settings import CACHE_DIR_ENV as ENV_DIR
from ..settings import CACHE_ENV as ENV_SWITCH
from ..settings import OFF_VALUES, Settings

__all__ = ["ENV_DIR", "ENV_SWITCH", "OFF_VALUES", "resolve_dir"]


def resolve_dir(option: str | os.PathLike | None = None, disabled: bool = False,
                settings: Settings | None = None) -> Path | None:  # fmt: skip
    """The cache directory to use, or None when caching is off.

    ``--no-cache`` (``disabled``) or ``TOPICS_CACHE=0`` turn it off; otherwise ``option``
    (``--cache-dir``), else ``TOPICS_CACHE_DIR``, else ``$XDG_CACHE_HOME/topiccli`` (when
    absolute, as the XDG spec asks), else ``~/.cache/topiccli``. The variables are the
    ``settings`` the edge read (None: none set).
    """
    settings = settings if settings is not None else Settings()
    if disabled or not settings.cache_enabled:
        return None
    if option is not None:
        return Path(option).expanduser()
    return settings.cache_home()
