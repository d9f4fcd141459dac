"""Engines by name or URL: ``wdqs``, ``qlever``, ``snapshot`` / ``snapshot:FILE``, any SPARQL
endpoint URL, and fallback chains of them.

The factory lives apart from :mod:`glamgraph.sparql.engine` (the interface every engine
implements), so that the engines import the interface and this module imports the engines, and
no two modules of the package import each other.

>>> eng = get_engine("snapshot")
>>> res = eng.run("countries-of-continent", continent="Q538")
>>> "AU" in res.values("iso")
True
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Mapping, Sequence
from typing import Final, Literal
from urllib.parse import urlsplit

from glamgraph.errors import BadInput
from glamgraph.redaction import redact_url
from glamgraph.sparql.embedded import default_snapshot_path, snapshot_engine
from glamgraph.sparql.engine import Engine, Settings
from glamgraph.sparql.fallback import FallbackEngine
from glamgraph.sparql.remote import make_remote

EngineName = Literal["wdqs", "qlever", "snapshot"]
ENGINE_NAMES: Final[tuple[str, ...]] = ("wdqs", "qlever", "snapshot")
#: The fallback chain of an engine name when ``get_engine(..., fallback=None)``.
DEFAULT_FALLBACK: Final[Mapping[str, tuple[str, ...]]] = {"wdqs": ("qlever",)}
_URL_RE: Final = re.compile(r"https?://[A-Za-z0-9.\-\[\]:]+(:[0-9]{1,5})?(/[^\s]*)?")

_ENGINE_LOCK = threading.Lock()
#: Snapshot engines by file (their stores load once per process).
_SNAPSHOTS: dict[str, Engine] = {}
#: ``snapshot:FILE``: a snapshot file served in-process (see :mod:`glamgraph.sparql.snapfile`).
SNAPSHOT_PREFIX: Final = "snapshot:"


def check_endpoint(endpoint: str) -> str:
    """Accept an engine name or an http(s) URL; anything else is refused with exit-2 input error.

    >>> check_endpoint("qlever")
    'qlever'
    >>> check_endpoint("ftp://x")
    Traceback (most recent call last):
    ...
    glamgraph.errors.BadInput: unknown endpoint: 'ftp://x' (use wdqs, qlever, snapshot or an http(s) URL)
    >>> check_endpoint("http://127.0.0.1:99999/sparql")
    Traceback (most recent call last):
    ...
    glamgraph.errors.BadInput: unknown endpoint: 'http://127.0.0.1:99999/sparql' (malformed URL: Port out of range 0-65535)
    """
    if endpoint in ENGINE_NAMES:
        return endpoint
    if endpoint.startswith(SNAPSHOT_PREFIX) and endpoint[len(SNAPSHOT_PREFIX) :].strip():
        return endpoint
    shown = redact_url(endpoint)
    if _URL_RE.fullmatch(endpoint):
        try:
            parts = urlsplit(endpoint)
            parts.port  # noqa: B018 - raises ValueError for a bad port
        except ValueError as exc:
            raise BadInput(f"unknown endpoint: {shown!r} (malformed URL: {exc})") from None
        if parts.hostname:
            return endpoint
    raise BadInput(f"unknown endpoint: {shown!r} (use wdqs, qlever, snapshot or an http(s) URL)")


def get_engine(
    endpoint: str | Engine = "wdqs",
    settings: Settings | None = None,
    *,
    fallback: Sequence[str] | None = None,
) -> Engine:
    """An engine by name (``wdqs``, ``qlever``, ``snapshot``) or SPARQL endpoint URL.

    ``wdqs`` falls back to ``qlever`` by default when WDQS fails for reasons other than the query;
    pass ``fallback=[]`` to switch that off or another chain of names/URLs to change it (the
    result of a fallback says so in ``fallback_from``). The ``snapshot`` engine is shared within
    the process (its store loads once) and does not cache.

    Raises:
        BadInput: an unknown engine name or a malformed URL (in ``endpoint`` or ``fallback``).
        CacheUnusable: caching is on and the cache folder cannot be used.

    >>> get_engine("wdqs", Settings(use_cache=False))
    <FallbackEngine wdqs -> qlever>
    >>> get_engine("wdqs", Settings(use_cache=False), fallback=[])
    <RemoteEngine wdqs https://query.wikidata.org/sparql>
    """
    if isinstance(endpoint, Engine):
        return endpoint
    endpoint = check_endpoint(endpoint)
    chain = DEFAULT_FALLBACK.get(endpoint, ()) if fallback is None else tuple(fallback)
    others = [e for e in dict.fromkeys(check_endpoint(f) for f in chain) if e != endpoint]
    primary = _single_engine(endpoint, settings)
    if not others:
        return primary
    return FallbackEngine([primary, *(_single_engine(e, settings) for e in others)], settings)


def snapshot_path(endpoint: str) -> str | None:
    """The snapshot file ``endpoint`` names (``snapshot``, ``snapshot:FILE``), as an absolute
    path, without reading it; ``None`` for other endpoints.

    >>> snapshot_path("snapshot:/data/w.snap"), snapshot_path("wdqs")
    ('/data/w.snap', None)
    """
    if endpoint == "snapshot" or endpoint.startswith(SNAPSHOT_PREFIX):
        raw = endpoint[len(SNAPSHOT_PREFIX) :].strip()
        return os.path.abspath(os.path.expanduser(raw) if raw else default_snapshot_path())
    return None


def _single_engine(endpoint: str, settings: Settings | None) -> Engine:
    path = snapshot_path(endpoint)
    if path is not None:
        try:  # a file rebuilt in this process is loaded again
            st = os.stat(path)
            key = f"{path}|{st.st_size}|{st.st_mtime_ns}"
        except OSError:
            key = path
        with _ENGINE_LOCK:
            if key not in _SNAPSHOTS:
                _SNAPSHOTS[key] = snapshot_engine(settings, path)
            return _SNAPSHOTS[key]
    return make_remote(endpoint, settings)
