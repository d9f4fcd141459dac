"""File helpers shared by the on-disk caches: :func:`cache_root` is where the SPARQL and
MediaWiki caches live."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Final

import platformdirs

#: The environment variable that moves every cache (``--no-cache`` and settings aside).
CACHE_ENV_VAR: Final = "GLAMGRAPH_CACHE_DIR"


def cache_root(cache_dir: str | os.PathLike[str] | None = None) -> Path:
    """The cache folder: ``cache_dir``, else ``$GLAMGRAPH_CACHE_DIR``, else the platform's.

    >>> str(cache_root("/tmp/x"))
    '/tmp/x'
    """
    if cache_dir:
        return Path(cache_dir)
    env = os.environ.get(CACHE_ENV_VAR)
    if env:
        return Path(env)
    return Path(platformdirs.user_cache_dir("glamgraph"))
