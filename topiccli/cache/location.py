"""Where the corpus cache lives, and whether it is on at all."""

from __future__ import annotations

import os
from pathlib import Path

ENV_DIR = "TOPICS_CACHE_DIR"
ENV_SWITCH = "TOPICS_CACHE"
OFF_VALUES = ("0", "false", "no", "off")


def resolve_dir(option: str | os.PathLike | None = None, disabled: bool = False) -> Path | None:
    """The cache directory to use, or None when caching is off.

    ``--no-cache`` (``disabled``) or ``TOPICS_CACHE=0`` turn it off; otherwise ``option``
    (``--cache-dir``), else ``TOPICS_CACHE_DIR``, else ``$XDG_CACHE_HOME/topiccli`` (when
    absolute, as the XDG spec asks), else ``~/.cache/topiccli``.
    """
    if disabled or os.environ.get(ENV_SWITCH, "").strip().lower() in OFF_VALUES:
        return None
    if option is not None:
        return Path(option).expanduser()
    if os.environ.get(ENV_DIR):
        return Path(os.environ[ENV_DIR]).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    base = Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".cache"
    return base / "topiccli"
