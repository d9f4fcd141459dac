"""glamgraph's exceptions: one tree, each error carrying what the user needs to act.

::

    GlamgraphError                  every error glamgraph raises on purpose
    ├── BadInput (ValueError)       the user's input: region, QID, file, option  -> exit 2
    │   ├── UnknownRegion           a region that does not resolve
    │   ├── UnknownQuery            a query name with no .rq file
    │   ├── MalformedFile           a module, registry or cache file that does not parse
    │   └── CacheUnusable           the cache directory cannot be created, read or written
    ├── SourceError                 a source failed after retries                -> exit 3
    │   ├── SparqlError             carries endpoint, query name, last HTTP status
    │   │   ├── QueryTimeout        the server's deadline (also hidden in a 200 body): split, never resent
    │   │   ├── RateLimited         429 past the retry budget or above the Retry-After cap, or a ban (403)
    │   │   ├── EndpointUnavailable 5xx, connection refused or reset, client timeout (retried)
    │   │   ├── BadResponse         truncated JSON, HTML served as 200, missing head/results (retried)
    │   │   └── BadQuery            400: the query itself is wrong (never retried, never falls back)
    │   └── MediaWikiError          the MediaWiki Action API answered an error
    └── WriteError                  an output could not be written               -> exit 2

>>> issubclass(UnknownRegion, ValueError)
True
>>> str(QueryTimeout("deadline expired", endpoint="wdqs", query_name="q", status=500))
'wdqs: timeout running query q (HTTP 500): deadline expired'
>>> str(EndpointUnavailable("server error", endpoint="wdqs", status=503, attempts=5))
'wdqs: unavailable (HTTP 503, after 5 attempts): server error'
"""

from __future__ import annotations


class GlamgraphError(Exception):
    """Root of every error glamgraph raises on purpose."""

    exit_code = 1


class BadInput(GlamgraphError, ValueError):
    """The user's input (a region, QID, file, option) is wrong. CLI exit code 2."""

    exit_code = 2


class UnknownRegion(BadInput):
    """A region given as QID, ISO code or ``world`` that does not resolve."""


class UnknownQuery(BadInput):
    """A query name with no ``.rq`` file in ``queries/``, or a missing file."""


class MalformedFile(BadInput):
    """A module, registry or cache file that does not parse; the message names file and line."""


class CacheUnusable(BadInput):
    """The on-disk cache directory cannot be created, read or written; the message names it."""


class WriteError(GlamgraphError):
    """An output directory or file could not be written. CLI exit code 2."""

    exit_code = 2


class SourceError(GlamgraphError):
    """A remote source failed after retries. CLI exit code 3."""

    exit_code = 3


class SparqlError(SourceError):
    """A SPARQL endpoint failed; carries the endpoint, the query name and the last HTTP status.

    Attributes:
        message: why, in words (the server's own text where it helps).
        endpoint: the engine name (``wdqs``, ``qlever``) or the endpoint URL.
        query_name: the query that failed (a file stem in ``queries/``), if known.
        status: the last HTTP status (``None`` when no answer came: reset, refused, client timeout).
        attempts: how many requests were made before giving up.
        retryable: ``False`` when resending cannot help even though the category usually is
            transient; ``None`` lets the retry policy decide by category and status.
    """

    category = "error"

    def __init__(
        self,
        message: str,
        *,
        endpoint: str = "",
        query_name: str = "",
        status: int | None = None,
        attempts: int = 1,
        retryable: bool | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.endpoint = endpoint
        self.query_name = query_name
        self.status = status
        self.attempts = attempts
        self.retryable = retryable

    def __str__(self) -> str:
        where = self.endpoint or "endpoint"
        what = f" running query {self.query_name}" if self.query_name else ""
        notes = [f"HTTP {self.status}"] if self.status is not None else []
        if self.attempts > 1:
            notes.append(f"after {self.attempts} attempts")
        paren = f" ({', '.join(notes)})" if notes else ""
        return f"{where}: {self.category}{what}{paren}: {self.message}"


class QueryTimeout(SparqlError):
    """The server's deadline ran out (a 500, or a stack trace inside an HTTP 200 body)."""

    category = "timeout"


class RateLimited(SparqlError):
    """HTTP 429 past the retry budget or above the ``Retry-After`` cap, or a ban (403 "banned").

    ``retry_after`` is the server's requested wait in seconds (``None`` when it named none);
    ``banned`` is true for a ban, which is never retried.
    """

    category = "rate limited"

    def __init__(
        self,
        message: str,
        *,
        retry_after: float | None = None,
        banned: bool = False,
        **kw: object,
    ) -> None:
        super().__init__(message, **kw)  # type: ignore[arg-type]
        self.retry_after = retry_after
        self.banned = banned


class EndpointUnavailable(SparqlError):
    """5xx, connection refused or reset, or the client's own timeout."""

    category = "unavailable"


class BadResponse(SparqlError):
    """A body that is not a complete SPARQL JSON result (truncated, HTML, missing members)."""

    category = "broken response"


class BadQuery(SparqlError):
    """The endpoint refused the query itself (HTTP 400); never retried."""

    category = "bad query"


class MediaWikiError(SourceError):
    """The MediaWiki Action API answered an error or could not be reached."""
