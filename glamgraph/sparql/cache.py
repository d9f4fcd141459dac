"""The on-disk query cache: one JSON file per (endpoint URL, exact query text).

Where: ``Settings.cache_dir`` if set, else the ``GLAMGRAPH_CACHE_DIR`` environment variable, else
``platformdirs.user_cache_dir("glamgraph")``; SPARQL entries live in its ``sparql/`` folder as
``<sha256(endpoint URL + newline + query text)>.json``. An entry holds the SPARQL JSON result as
the endpoint sent it, the fetch time (UTC), the endpoint and the query name and text::

    {"format": "glamgraph-sparql-cache/1", "endpoint": "wdqs",
     "endpoint_url": "https://query.wikidata.org/sparql", "query_name": "...",
     "query_text": "...", "fetched": "2026-01-01T12:00:00+00:00", "duration_s": 1.2,
     "result": {"head": {"vars": [...]}, "results": {"bindings": [...]}}}

Rules:

- An entry is fresh for ``Settings.cache_ttl_s`` seconds (a day by default); ``0`` makes every
  entry stale, so every query is refetched (and the entry refreshed on success).
- Only complete, validated results are written, and only after a successful fetch: a failed fetch
  never replaces (or removes) a good entry.
- Writes are atomic: a temporary file in the same folder, flushed, then ``os.replace``.
- A corrupt, truncated or foreign entry is never returned: it is discarded with a
  :class:`CacheWarning` (through :mod:`warnings`) and the query is refetched.
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

import contextlib
import datetime as dt
import hashlib
import json
import os
import tempfile
import warnings
from pathlib import Path
from typing import Any, Final

from glamgraph._files import CACHE_ENV_VAR as ENV_VAR
from glamgraph._files import atomic_path
from glamgraph._files import cache_root as cache_root  # re-exported: where Cache lives
from glamgraph.errors import CacheUnusable
from glamgraph.redaction import redact_url
from glamgraph.sparql.result import QueryResult, check_bindings

FORMAT: Final = "glamgraph-sparql-cache/1"
SUBDIR: Final = "sparql"


class CacheWarning(UserWarning):
    """A cache entry was unusable (corrupt, truncated, foreign) or could not be written."""


def cache_key(endpoint_url: str, query_text: str) -> str:
    """The entry's key: sha256 of the endpoint URL, a newline and the exact query text.

    >>> cache_key("http://127.0.0.1/q", "ASK {}")[:12]
    'ad5a5773303a'
    """
    return hashlib.sha256(f"{endpoint_url}\n{query_text}".encode()).hexdigest()


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Cache:
    """A folder of cached SPARQL results (see the module documentation for the rules).

    Args:
        root: the cache folder (entries go to its ``sparql/`` sub-folder); see :func:`cache_root`.
        ttl_s: seconds an entry stays fresh.

    Raises:
        CacheUnusable: the folder cannot be created, listed or written.
    """

    def __init__(self, root: str | os.PathLike[str], ttl_s: float) -> None:
        self.root = Path(root)
        self.dir = self.root / SUBDIR
        self.ttl_s = float(ttl_s)
        self._check()

    def _check(self) -> None:
        """Create the folder and prove it can be listed and written, or raise CacheUnusable."""
        hint = f"set {ENV_VAR} to a writable folder, or use --no-cache"
        try:
            self.dir.mkdir(parents=True, exist_ok=True)
            os.listdir(self.dir)
            fd, probe = tempfile.mkstemp(dir=self.dir, prefix=".probe-")
            os.close(fd)
            os.unlink(probe)
        except OSError as exc:
            why = exc.strerror or exc.__class__.__name__
            raise CacheUnusable(
                f"cache directory {str(self.dir)!r} is not usable: {why} ({hint})"
            ) from exc

    def path(self, endpoint_url: str, query_text: str) -> Path:
        """The file that holds (or would hold) the entry for this endpoint and query."""
        return self.dir / f"{cache_key(endpoint_url, query_text)}.json"

    def _discard(self, path: Path, why: str) -> None:
        message = f"discarding unusable cache entry {str(path)!r}: {why}; refetching"
        warnings.warn(message, CacheWarning, stacklevel=4)
        with contextlib.suppress(OSError):
            path.unlink()

    def get(self, endpoint_url: str, query_text: str) -> QueryResult | None:
        """The cached result, fresh and valid, or ``None`` (missing, stale or discarded).

        The result says ``from_cache=True``, and ``started`` is when it was fetched.
        """
        path = self.path(endpoint_url, query_text)
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            self._discard(path, f"unreadable ({exc.strerror or exc.__class__.__name__})")
            return None
        try:
            entry = json.loads(raw.decode("utf-8"))
            result = _from_entry(entry, endpoint_url, query_text)
        except (ValueError, KeyError, TypeError, RecursionError) as exc:
            self._discard(path, str(exc) or exc.__class__.__name__)
            return None
        age = (_utcnow() - result.started).total_seconds()
        if age >= self.ttl_s or age < -300:  # stale, or fetched "in the future" (clock change)
            return None
        return result

    def put(self, result: QueryResult, *, url: str | None = None) -> Path | None:
        """Store a fetched result atomically; returns its path (``None`` if it was not written).

        ``url`` is the real endpoint URL the entry is keyed by (default: the result's
        ``endpoint_url``); only its redacted form is written into the entry.

        Cached and split results are not stored (again); a write failure (disk
        full, folder removed) is a :class:`CacheWarning`, not an error: the result is still good.
        """
        if result.from_cache or not result.endpoint_url or result.parts != 1:
            return None
        path = self.path(url or result.endpoint_url, result.query_text)
        entry = {
            "format": FORMAT,
            "endpoint": redact_url(result.endpoint),
            "endpoint_url": redact_url(url or result.endpoint_url),
            "query_name": result.query_name,
            "query_text": result.query_text,
            "fetched": result.started.isoformat(),
            "duration_s": result.duration_s,
            "result": {"head": {"vars": list(result.vars)}, "results": {"bindings": result.rows}},
        }
        data = json.dumps(entry, ensure_ascii=False).encode("utf-8")
        try:
            with atomic_path(path, private=True, fsync=True) as tmp:
                tmp.write_bytes(data)
        except OSError as exc:
            message = f"could not write cache entry {str(path)!r}: {exc}"
            warnings.warn(message, CacheWarning, stacklevel=3)
            return None
        return path

    def clear(self) -> int:
        """Remove every entry; returns how many were removed."""
        n = 0
        for p in self.dir.glob("*.json"):
            with contextlib.suppress(OSError):
                p.unlink()
                n += 1
        return n


def _from_entry(entry: Any, endpoint_url: str, query_text: str) -> QueryResult:
    """Validate a parsed entry and turn it into a result; ValueError/KeyError/TypeError if bad."""
    if not isinstance(entry, dict) or entry.get("format") != FORMAT:
        raise ValueError("not a glamgraph SPARQL cache entry")
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
        duration_s=float(entry.get("duration_s", 0.0)),
        from_cache=True,
    )
