"""One small interface for every SPARQL engine glamgraph can ask.

An :class:`Engine` runs a query and returns a :class:`~glamgraph.sparql.result.QueryResult`:
the bindings plus the query text, the endpoint, the duration and whether it came from the cache.
Behind it: ``wdqs`` and ``qlever`` (public Wikidata endpoints), any SPARQL 1.1 URL (all three via
SPARQLWrapper, see :mod:`glamgraph.sparql.remote`), and ``snapshot``, the offline sample shipped in
the wheel, served in-process by an embedded Oxigraph store (:mod:`glamgraph.sparql.embedded`).

>>> eng = get_engine("snapshot")
>>> res = eng.run("countries-of-continent", continent="Q538")
>>> "AU" in res.values("iso")
True
"""

from __future__ import annotations

import re
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final, Literal

from glamgraph import queries
from glamgraph._version import __version__
from glamgraph.errors import BadInput, QueryTimeout
from glamgraph.sparql.result import QueryResult, merge

EngineName = Literal["wdqs", "qlever", "snapshot"]
ENGINE_NAMES: Final[tuple[str, ...]] = ("wdqs", "qlever", "snapshot")
_URL_RE: Final = re.compile(r"https?://[A-Za-z0-9.\-\[\]:]+(:[0-9]{1,5})?(/[^\s]*)?")


@dataclass(frozen=True)
class Settings:
    """How an engine behaves. Frozen: pass a new one rather than mutating global state.

    Attributes:
        timeout_s: the client's own deadline per HTTP request.
        max_attempts: attempts per query for transient failures (429, 5xx, resets).
        max_retry_after_s: the cap on a server's ``Retry-After`` (longer waits fail instead).
        min_interval_s: the minimum gap between two requests to the same endpoint.
        concurrency: queries in flight per endpoint (WDQS asks for one).
        use_cache: read and write the on-disk cache.
        cache_ttl_s: how long a cached result stays fresh.
        cache_dir: the cache folder; ``None`` means ``GLAMGRAPH_CACHE_DIR`` or the platform's.
        split_floor: the smallest partition the adaptive splitter will try.
        user_agent_extra: appended to glamgraph's User-Agent (e.g. your contact address).
    """

    timeout_s: float = 65.0
    max_attempts: int = 5
    max_retry_after_s: float = 120.0
    min_interval_s: float = 1.0
    concurrency: int = 1
    use_cache: bool = True
    cache_ttl_s: float = 86400.0
    cache_dir: str | None = None
    split_floor: int = 1
    user_agent_extra: str = ""

    def __post_init__(self) -> None:
        if self.cache_ttl_s < 0:
            raise BadInput(f"negative cache TTL: {self.cache_ttl_s}")
        if self.timeout_s <= 0 or self.max_attempts < 1 or self.concurrency < 1:
            raise BadInput("timeout, attempts and concurrency must be positive")


class Engine(ABC):
    """A SPARQL engine: ``select()`` runs text, ``run()`` runs a named query with parameters."""

    name: str
    url: str

    def __init__(self, name: str, url: str, settings: Settings | None = None) -> None:
        self.name = name
        self.url = url
        self.settings = settings or Settings()
        self.queries_sent = 0

    @abstractmethod
    def _select(self, text: str, name: str) -> QueryResult:
        """Run one query text and return its result (no cache, no splitting)."""

    def select(self, text: str, name: str = "", *, use_cache: bool | None = None) -> QueryResult:
        """Run a SELECT query text and return the bindings with their provenance."""
        return self._select(text, name)

    def prepare(self, query: str | queries.Query, params: Mapping[str, object]) -> tuple[str, str]:
        """The query's name and its text with parameters filled and a ``#tool:`` line on top."""
        q = queries.resolve(query) if isinstance(query, str) else query
        text = queries.fill(q, params)  # type: ignore[arg-type]
        return q.name, f"#tool: glamgraph/{__version__} {q.name}\n{text}"

    def run(
        self, query: str | queries.Query, /, *, use_cache: bool | None = None, **params: object
    ) -> QueryResult:
        """Run a shipped query (by name), a ``.rq`` path or a loaded :class:`Query`.

        Parameters are checked and written in as typed terms (see :func:`glamgraph.queries.fill`).
        """
        name, text = self.prepare(query, params)
        return self.select(text, name, use_cache=use_cache)

    def run_split(
        self,
        query: str | queries.Query,
        /,
        *,
        split: str,
        values: Sequence[str],
        use_cache: bool | None = None,
        on_part: Callable[[QueryResult], None] | None = None,
        **params: object,
    ) -> QueryResult:
        """Run a query over a partition (``split`` names a list parameter), halving on timeout.

        A part that times out is not retried as is (the server's deadline is deterministic): it is
        cut in two and both halves run, recursively, down to ``settings.split_floor`` values;
        below that the :class:`QueryTimeout` propagates. The parts' rows are merged without
        duplicates.
        """
        results: list[QueryResult] = []

        def go(part: Sequence[str]) -> None:
            try:
                res = self.run(query, use_cache=use_cache, **params, **{split: list(part)})
            except QueryTimeout:
                if len(part) <= max(1, self.settings.split_floor):
                    raise
                mid = len(part) // 2
                go(part[:mid])
                go(part[mid:])
                return
            results.append(res)
            if on_part is not None:
                on_part(res)

        if values:
            go(list(values))
        q = queries.resolve(query) if isinstance(query, str) else query
        return merge(results, q.name)

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release resources (connections, stores)."""

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name} {self.url}>"


_ENGINE_LOCK = threading.Lock()
_SNAPSHOT: Engine | None = None


def check_endpoint(endpoint: str) -> str:
    """Accept an engine name or an http(s) URL; anything else is refused with exit-2 input error.

    >>> check_endpoint("qlever")
    'qlever'
    >>> check_endpoint("ftp://x")
    Traceback (most recent call last):
    ...
    glamgraph.errors.BadInput: unknown endpoint: 'ftp://x' (use wdqs, qlever, snapshot or an http(s) URL)
    """
    if endpoint in ENGINE_NAMES or _URL_RE.fullmatch(endpoint):
        return endpoint
    raise BadInput(f"unknown endpoint: {endpoint!r} (use wdqs, qlever, snapshot or an http(s) URL)")


def get_engine(
    endpoint: str | Engine = "wdqs",
    settings: Settings | None = None,
    *,
    fallback: Sequence[str] | None = None,
) -> Engine:
    """An engine by name (``wdqs``, ``qlever``, ``snapshot``) or SPARQL endpoint URL.

    ``wdqs`` falls back to ``qlever`` by default when WDQS fails for reasons other than the query;
    pass ``fallback=[]`` to switch that off or another chain of names/URLs to change it. The
    ``snapshot`` engine is shared within the process (its store loads once).
    """
    global _SNAPSHOT
    if isinstance(endpoint, Engine):
        return endpoint
    endpoint = check_endpoint(endpoint)
    if endpoint == "snapshot":
        with _ENGINE_LOCK:
            if _SNAPSHOT is None:
                from glamgraph.sparql.embedded import snapshot_engine

                _SNAPSHOT = snapshot_engine(settings)
            return _SNAPSHOT
    from glamgraph.sparql.remote import make_remote

    return make_remote(endpoint, settings, fallback=fallback)


def timed() -> Callable[[], float]:
    """A stopwatch: call the returned function for the seconds since."""
    t0 = time.perf_counter()
    return lambda: time.perf_counter() - t0
