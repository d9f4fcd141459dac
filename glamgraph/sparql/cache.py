"""The SPARQL results in the client layer's one on-disk store (folder ``sparql/``).

Where: ``Settings.cache_dir`` if set, else the ``GLAMGRAPH_CACHE_DIR`` environment variable, else
``platformdirs.user_cache_dir("glamgraph")``; SPARQL entries live in its ``sparql/`` folder, one
per (endpoint URL, exact query text), in the envelope of :class:`glamgraph.client.JsonStore`
whose payload holds the SPARQL JSON result as the endpoint sent it, the fetch time (UTC), the
endpoint (credentials redacted) and the query name and text::

    {"endpoint": "wdqs", "endpoint_url": "https://query.wikidata.org/sparql",
     "query_name": "...", "query_text": "...", "fetched": "2026-01-01T12:00:00+00:00",
     "duration_s": 1.2, "result": {"head": {"vars": [...]}, "results": {"bindings": [...]}}}

Rules (the store's, the same for every source):

- An entry is fresh for ``Settings.cache_ttl_s`` seconds after its fetch (a day by default);
  ``0`` makes every entry stale, so every query is refetched (and the entry refreshed on success).
- Only complete, validated results are written, and only after a successful fetch: a failed fetch
  never replaces (or removes) a good entry.
- Writes are atomic: a private temporary file in the same folder, flushed, then ``os.replace``.
- A corrupt, truncated or foreign entry, or one of the right shape with wrong types, is never
  returned: it is discarded with a :class:`CacheWarning` (through :mod:`warnings`) and the query
  is refetched.
- A cache folder that cannot be created, read or written is the user's input to fix:
  :class:`~glamgraph.errors.CacheUnusable` (exit code 2) names it.

>>> import tempfile
>>> from glamgraph.sparql.result import QueryResult
>>> c = Cache(tempfile.mkdtemp(), ttl_s=60)
>>> r = QueryResult(vars=("x",), rows=[], query_name="demo", query_text="SELECT ?x {}",
...                 endpoint="e", endpoint_url="http://127.0.0.1:1/q")
>>> _ = c.put(r)
>>> c.get("http://127.0.0.1:1/q", "SELECT ?x {}").from_cache
True
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any, Final

from glamgraph.client import CacheWarning as CacheWarning  # re-exported: one cache warning
from glamgraph.client import JsonStore
from glamgraph.client.store import key_digest
from glamgraph.files import cache_root as cache_root  # re-exported: where Cache lives
from glamgraph.redaction import redact_url
from glamgraph.sparql.result import QueryResult, check_bindings

SUBDIR: Final = "sparql"


def cache_key(endpoint_url: str, query_text: str) -> str:
    """The entry's key: sha256 of the endpoint URL, a newline and the exact query text.

    >>> cache_key("http://127.0.0.1/q", "ASK {}")[:12]
    'ad5a5773303a'
    """
    return key_digest((endpoint_url, query_text))


class Cache:
    """The SPARQL folder of the on-disk store (see the module documentation for the rules).

    Args:
        root: the cache folder (entries go to its ``sparql/`` sub-folder); see :func:`cache_root`.
        ttl_s: seconds an entry stays fresh.

    Raises:
        CacheUnusable: the folder cannot be created, listed or written.
    """

    def __init__(self, root: str | os.PathLike[str], ttl_s: float) -> None:
        self.store = JsonStore(root, SUBDIR, ttl_s)
        self.root = self.store.root
        self.dir = self.store.dir
        self.ttl_s = self.store.ttl_s

    def path(self, endpoint_url: str, query_text: str) -> Path:
        """The file that holds (or would hold) the entry for this endpoint and query."""
        return self.store.path((endpoint_url, query_text))

    def get(self, endpoint_url: str, query_text: str) -> QueryResult | None:
        """The cached result, fresh and valid, or ``None`` (missing, stale or discarded).

        The result says ``from_cache=True``, and ``started`` is when it was fetched.
        """
        return self.store.get(
            (endpoint_url, query_text), lambda p: _from_payload(p, endpoint_url, query_text)
        )

    def put(self, result: QueryResult, *, url: str | None = None) -> Path | None:
        """Store a fetched result atomically; returns its path (``None`` if it was not written).

        ``url`` is the real endpoint URL the entry is keyed by (default: the result's
        ``endpoint_url``); only its redacted form is written into the entry.

        Cached and split results are not stored (again); a write failure (disk
        full, folder removed) is a :class:`CacheWarning`, not an error: the result is still good.
        """
        if result.from_cache or not result.endpoint_url or result.parts != 1:
            return None
        payload = {
            "endpoint": redact_url(result.endpoint),
            "endpoint_url": redact_url(url or result.endpoint_url),
            "query_name": result.query_name,
            "query_text": result.query_text,
            "fetched": result.started.isoformat(),
            "duration_s": result.duration_s,
            "result": {"head": {"vars": list(result.vars)}, "results": {"bindings": result.rows}},
        }
        key = (url or result.endpoint_url, result.query_text)
        return self.store.put(key, payload, saved_at=result.started)

    def clear(self) -> int:
        """Remove every entry; returns how many were removed."""
        return self.store.clear()


def _from_payload(entry: Any, endpoint_url: str, query_text: str) -> QueryResult:
    """Validate a cached payload and turn it into a result; ValueError/KeyError/TypeError if bad."""
    if not isinstance(entry, dict):
        raise ValueError("not a SPARQL cache entry")
    if entry["endpoint_url"] != redact_url(endpoint_url) or entry["query_text"] != query_text:
        raise ValueError("entry is for another endpoint or query")
    fetched = dt.datetime.fromisoformat(entry["fetched"])
    if fetched.tzinfo is None:
        raise ValueError("fetch time without a time zone")
    res = entry["result"]
    vars_ = res["head"]["vars"]
    rows = res["results"]["bindings"]
    why = check_bindings(vars_, rows)
    if why is not None:
        raise ValueError(why)
    if not isinstance(entry.get("query_name", ""), str) or not isinstance(
        entry.get("endpoint", ""), str
    ):
        raise ValueError("query_name or endpoint is not a string")
    duration = entry.get("duration_s", 0.0)
    if isinstance(duration, bool) or not isinstance(duration, int | float):
        raise ValueError("duration_s is not a number")
    return QueryResult(
        vars=tuple(vars_),
        rows=rows,
        query_name=str(entry.get("query_name", "")),
        query_text=query_text,
        endpoint=str(entry.get("endpoint", "")),
        endpoint_url=redact_url(endpoint_url),
        started=fetched,
        duration_s=float(duration),
        from_cache=True,
    )
