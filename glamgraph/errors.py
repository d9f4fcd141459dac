"""glamgraph's exceptions: one tree, each error carrying what the user needs to act.

::

    GlamgraphError                  every error glamgraph raises on purpose
    ├── BadInput (ValueError)       the user's input: region, QID, file, option  -> exit 2
    │   ├── UnknownRegion           a region that does not resolve
    │   ├── UnknownQuery            a query name with no .rq file
    │   └── MalformedFile           a module, registry or cache file that does not parse
    ├── SourceError                 a source failed after retries                -> exit 3
    │   ├── SparqlError             carries endpoint, query name, last HTTP status
    │   │   ├── QueryTimeout        the server's deadline (also hidden in a 200 body)
    │   │   ├── RateLimited         429 past the retry budget, or a ban (403)
    │   │   ├── EndpointUnavailable 5xx, connection refused or reset, client timeout
    │   │   ├── BadResponse         truncated JSON, HTML served as 200, missing head/results
    │   │   └── BadQuery            400: the query itself is wrong (not retried)
    │   └── MediaWikiError          the MediaWiki Action API answered an error
    └── WriteError                  an output could not be written               -> exit 2

>>> issubclass(UnknownRegion, ValueError)
True
>>> str(QueryTimeout("deadline expired", endpoint="wdqs", query_name="q", status=500))
'wdqs: timeout running query q (HTTP 500): deadline expired'
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


class WriteError(GlamgraphError):
    """An output directory or file could not be written. CLI exit code 2."""

    exit_code = 2


class SourceError(GlamgraphError):
    """A remote source failed after retries. CLI exit code 3."""

    exit_code = 3


class SparqlError(SourceError):
    """A SPARQL endpoint failed; carries the endpoint, the query name and the last HTTP status."""

    category = "error"

    def __init__(
        self,
        message: str,
        *,
        endpoint: str = "",
        query_name: str = "",
        status: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.endpoint = endpoint
        self.query_name = query_name
        self.status = status

    def __str__(self) -> str:
        where = self.endpoint or "endpoint"
        what = f" running query {self.query_name}" if self.query_name else ""
        status = f" (HTTP {self.status})" if self.status is not None else ""
        return f"{where}: {self.category}{what}{status}: {self.message}"


class QueryTimeout(SparqlError):
    """The server's deadline ran out (a 500, or a stack trace inside an HTTP 200 body)."""

    category = "timeout"


class RateLimited(SparqlError):
    """HTTP 429 past the retry budget, or a ban (403 "You have been banned")."""

    category = "rate limited"

    def __init__(self, message: str, *, retry_after: float | None = None, **kw: object) -> None:
        super().__init__(message, **kw)  # type: ignore[arg-type]
        self.retry_after = retry_after


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
