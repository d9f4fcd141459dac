"""The one settings object every request reads: timeouts, attempts, ``Retry-After`` cap,
back-off, cache, the operator's contact.

Built once (by the CLI from its options, or by the caller) and passed down to every SPARQL,
MediaWiki and Wikibase request, so an option given on the command line reaches all of them.

>>> s = Settings(use_cache=False, timeout_s=5)
>>> s.user_agent("urllib/3.11").startswith("glamgraph/")
True
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Final

from glamgraph import queries, vocab
from glamgraph.client.agent import user_agent
from glamgraph.errors import BadInput

#: The environment variable that points the affiliates module fetch at another MediaWiki API.
META_API_ENV_VAR: Final = "GLAMGRAPH_META_API"


@dataclass(frozen=True)
class Settings:
    """How every request behaves (SPARQL, MediaWiki, Wikibase). Frozen: built once by the CLI
    or the caller and passed down, never mutated.

    The defaults suit the public Wikidata Query Service: one query at a time, a second apart, a
    ``Retry-After`` honoured up to two minutes (a longer one fails at once with
    :class:`~glamgraph.errors.RateLimited` rather than blocking a run), at most five requests
    per query, results cached for a day. Tests use ``min_interval_s=0`` and a recording
    ``sleep``.

    Attributes:
        timeout_s: the client's own overall deadline per HTTP request (connect, headers and the
            whole body, not per socket read); ``None`` (default) means the engine kind's:
            65 s for WDQS (its deadline is 60 s), 35 s for QLever (its built-in 30 s), 65 s
            otherwise. Running out of it counts as the query's timeout (split, then fall back).
        max_response_bytes: the largest response body read (256 MiB); a larger one fails with
            :class:`~glamgraph.errors.BadResponse` without being resent.
        engine_kind: the make of a URL endpoint (``virtuoso``, ``oxigraph``, ``qlever``,
            ``wdqs``, ``generic``), which decides the dialect queries are written in and the
            row cap; ``None`` detects it once per endpoint from the ``Server`` header. The named
            endpoints ``wdqs`` and ``qlever`` always have their own kind.
        row_cap: the server's row cap on a SELECT result when it does not announce it
            (Virtuoso's ``ResultSetMaxRows``: 10,000 by default, announced in ``X-SPARQL-MaxRows``
            when it cuts); ``None`` uses the kind's known default.
        max_attempts: requests per query for transient failures (429, 5xx, resets, broken bodies).
        max_retry_after_s: the cap on a server's ``Retry-After`` (120 s): a longer requested wait
            fails with ``RateLimited`` instead of waiting.
        retry_after_default_s: the wait after a 429 that names no ``Retry-After`` (60 s, as WMF
            asks), capped by ``max_retry_after_s``.
        backoff_s: the first backoff after a 5xx, reset or broken body; doubles per attempt,
            plus up to as much random jitter. ``0`` retries at once.
        backoff_max_s: the longest single backoff.
        min_interval_s: the minimum gap between the starts of two requests to the same endpoint
            URL, across the whole process; ``None`` (default) means 1 s for the shared public
            endpoints (WDQS, QLever) and none for your own.
        concurrency: queries in flight per endpoint URL across the process; ``None`` (default)
            means the engine's own (``in_flight`` of the engine): one for WDQS (WMF asks for one
            query at a time, and glamgraph never sends WDQS more, whatever this says), for the
            public QLever endpoint and for an endpoint of unknown make; two for an endpoint
            whose make is known and that is not public (Oxigraph, Virtuoso, a QLever of your
            own), so the server computes one batch while glamgraph reads the previous one.
        use_cache: read and write the on-disk cache (remote engines only).
        cache_ttl_s: how long a cached result stays fresh (0: always refetch).
        cache_dir: the cache folder; ``None`` means ``GLAMGRAPH_CACHE_DIR`` or the platform's.
        split_floor: the smallest partition the adaptive splitter tries (values, or the width of
            a QID-number range); a timeout at that size is final.
        fallback_cooldown_s: after an engine in a fallback chain fails for endpoint reasons
            (unavailable, rate limited, broken responses), later queries skip it for this long.
        fallback_split_depth: in a fallback chain, how many times an engine other than the last
            halves a split query that times out (3: down to 1/8 of it) before the next engine
            gets the whole query; the last engine halves down to ``split_floor``.
        user_agent_extra: appended to glamgraph's User-Agent.
        contact: the operator's contact for the User-Agent (an email address or URL); ``None``
            reads ``GLAMGRAPH_CONTACT``.
        maxlag: the ``maxlag`` sent to MediaWiki APIs (seconds of replication lag tolerated).
        meta_api: the MediaWiki API the affiliates module is read from; ``None`` reads
            ``GLAMGRAPH_META_API``, else Meta-Wiki.
        sleep: the function that waits (``time.sleep`` when ``None``); tests inject a recorder.

    >>> Settings(cache_ttl_s=-1)
    Traceback (most recent call last):
    ...
    glamgraph.errors.BadInput: Settings.cache_ttl_s (--cache-ttl): negative cache TTL -1 s; use 0 or more seconds
    """

    timeout_s: float | None = None
    max_response_bytes: int = 256 * 1024 * 1024
    engine_kind: str | None = None
    row_cap: int | None = None
    max_attempts: int = 5
    max_retry_after_s: float = 120.0
    retry_after_default_s: float = 60.0
    backoff_s: float = 1.0
    backoff_max_s: float = 30.0
    min_interval_s: float | None = None
    concurrency: int | None = None
    use_cache: bool = True
    cache_ttl_s: float = 86400.0
    cache_dir: str | os.PathLike[str] | None = None
    split_floor: int = 1
    fallback_cooldown_s: float = 300.0
    fallback_split_depth: int = 3
    user_agent_extra: str = ""
    contact: str | None = None
    maxlag: int = 5
    meta_api: str | None = None
    sleep: Callable[[float], None] | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        def bad(name: str, why: str) -> BadInput:
            return BadInput(f"Settings.{name}: {why}")

        if not self.cache_ttl_s >= 0:  # also refuses NaN
            raise bad(
                "cache_ttl_s (--cache-ttl)",
                f"negative cache TTL {self.cache_ttl_s:g} s; use 0 or more seconds",
            )
        if self.timeout_s is not None and not (
            self.timeout_s > 0 and math.isfinite(self.timeout_s)
        ):
            raise bad(
                "timeout_s (--timeout)",
                f"must be a positive number of seconds, got {self.timeout_s:g}",
            )
        if self.maxlag < 0:
            raise bad("maxlag", f"must be 0 or more seconds, got {self.maxlag}")
        if self.max_attempts < 1:
            raise bad("max_attempts", f"must be 1 or more, got {self.max_attempts}")
        if self.concurrency is not None and self.concurrency < 1:
            raise bad("concurrency", f"must be 1 or more, got {self.concurrency}")
        if self.max_response_bytes < 1:
            raise bad("max_response_bytes", f"must be 1 or more, got {self.max_response_bytes}")
        if self.row_cap is not None and self.row_cap < 1:
            raise bad("row_cap", f"must be 1 or more, got {self.row_cap}")
        if self.engine_kind is not None and self.engine_kind not in queries.ENGINE_KINDS:
            raise bad(
                "engine_kind (--engine-kind)",
                f"unknown engine kind {self.engine_kind!r} "
                f"(known: {', '.join(queries.ENGINE_KINDS)})",
            )
        if self.split_floor < 1:
            raise bad("split_floor", f"must be 1 or more, got {self.split_floor}")
        for name in (
            "max_retry_after_s",
            "retry_after_default_s",
            "backoff_s",
            "backoff_max_s",
            "min_interval_s",
            "fallback_cooldown_s",
        ):
            value = getattr(self, name)
            if value is not None and not value >= 0:
                raise bad(name, f"must be 0 or more seconds, got {value:g}")

    def user_agent(self, *libraries: str) -> str:
        """The User-Agent of a request made with these settings (see
        :func:`glamgraph.client.user_agent`)."""
        extra = (self.user_agent_extra,) if self.user_agent_extra else ()
        return user_agent(self.contact, *libraries, *extra)

    def meta_api_url(self) -> str:
        """The MediaWiki API of the affiliates module: ``meta_api``, else
        ``$GLAMGRAPH_META_API``, else Meta-Wiki's."""
        return self.meta_api or os.environ.get(META_API_ENV_VAR) or vocab.META_API
