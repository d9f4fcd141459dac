"""Remote SPARQL engines over HTTP, through SPARQLWrapper: WDQS, QLever, any SPARQL 1.1 URL.

Only this module imports SPARQLWrapper. It sends glamgraph's User-Agent, POSTs the query as
``application/sparql-query``, keeps its own deadline, reads the raw body and classifies every way
the public endpoints fail (``../shared/reference/engines.md``) into the error tree of
:mod:`glamgraph.errors`. A broken body is never an empty result.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import urllib.error
from collections.abc import Sequence
from typing import Any

from SPARQLWrapper import JSON, POST, POSTDIRECTLY, SPARQLWrapper
from SPARQLWrapper import SPARQLExceptions as swe

from glamgraph import vocab
from glamgraph._version import user_agent
from glamgraph.errors import (
    BadQuery,
    BadResponse,
    EndpointUnavailable,
    QueryTimeout,
    RateLimited,
    SparqlError,
)
from glamgraph.sparql.engine import Engine, Settings, timed
from glamgraph.sparql.result import QueryResult

#: Texts by which engines report a timeout inside a body (Blazegraph, Oxigraph, QLever).
TIMEOUT_MARKERS = (
    "TimeoutException",
    "Query deadline is expired",
    "The SPARQL operation has been cancelled",
    "Operation timed out",
    "!!!!>># An error has occurred",
)

KNOWN_URLS = {"wdqs": vocab.WDQS_URL, "qlever": vocab.QLEVER_URL}


def _snippet(body: bytes | str, n: int = 160) -> str:
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    return " ".join(text.split())[:n]


def classify_body(body: bytes, *, endpoint: str, name: str, status: int | None) -> dict[str, Any]:
    """Parse a 200 body as SPARQL JSON, or raise the right error. Never returns a partial result.

    >>> classify_body(b'{"head":{"vars":[]},"results":{"bindings":[]}}', endpoint="e", name="q",
    ...               status=200)["results"]
    {'bindings': []}
    >>> classify_body(b'{"head":{"vars":["c"]},"results":{"bindings":[java.util.concurrent.'
    ...               b'TimeoutException', endpoint="e", name="q", status=200)
    Traceback (most recent call last):
    ...
    glamgraph.errors.QueryTimeout: e: timeout running query q (HTTP 200): the server's deadline ran out (reported inside the response body)
    """
    kw: dict[str, Any] = {"endpoint": endpoint, "query_name": name, "status": status}
    text = body.decode("utf-8", "replace")
    if any(m in text for m in TIMEOUT_MARKERS):
        raise QueryTimeout(
            "the server's deadline ran out (reported inside the response body)", **kw
        )
    head = text.lstrip()[:200].lower()
    if head.startswith("<!doctype html") or head.startswith("<html"):
        raise BadResponse(f"an HTML page instead of SPARQL JSON: {_snippet(text)!r}", **kw)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BadResponse(f"truncated or invalid JSON ({exc.msg} at char {exc.pos})", **kw) from exc
    if (
        not isinstance(data, dict)
        or not isinstance(data.get("head"), dict)
        or not isinstance(data.get("results"), dict)
        or not isinstance(data["results"].get("bindings"), list)
    ):
        raise BadResponse("JSON without head/results/bindings", **kw)
    return data


def classify_http_error(
    status: int, body: bytes, headers: Any, *, endpoint: str, name: str
) -> SparqlError:
    """The error for a non-200 answer (status, body and headers as the server sent them)."""
    kw: dict[str, Any] = {"endpoint": endpoint, "query_name": name, "status": status}
    text = body.decode("utf-8", "replace")
    if any(m in text for m in TIMEOUT_MARKERS) and status != 429:
        return QueryTimeout("the server's deadline ran out", **kw)
    if status == 429:
        if "Operation timed out" in text:  # QLever reports its timeout as 429
            return QueryTimeout("the server's deadline ran out (QLever 429)", **kw)
        return RateLimited(
            f"too many requests: {_snippet(text, 100)!r}",
            retry_after=parse_retry_after(headers.get("Retry-After") if headers else None),
            **kw,
        )
    if status == 403 and "banned" in text.lower():
        return RateLimited(f"banned: {_snippet(text, 200)!r}", **kw)
    if status == 400:
        return BadQuery(f"the endpoint refused the query: {_snippet(text, 300)!r}", **kw)
    if status in (500, 502, 503, 504) or status >= 500:
        return EndpointUnavailable(f"server error: {_snippet(text, 120)!r}", **kw)
    return EndpointUnavailable(f"unexpected HTTP status: {_snippet(text, 120)!r}", **kw)


def parse_retry_after(value: str | None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header: delta-seconds or an HTTP date.

    >>> parse_retry_after("7")
    7.0
    >>> parse_retry_after(None) is None
    True
    """
    if value is None:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    import datetime as dt
    from email.utils import parsedate_to_datetime

    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - dt.datetime.now(dt.UTC)).total_seconds())


class RemoteEngine(Engine):
    """A SPARQL 1.1 endpoint over HTTP (one attempt per ``_select``; retries live above)."""

    def __init__(self, name: str, url: str, settings: Settings | None = None) -> None:
        super().__init__(name, url, settings)
        self.user_agent = user_agent(f"SPARQLWrapper/2 {self.settings.user_agent_extra}".strip())

    def _wrapper(self) -> SPARQLWrapper:
        sw = SPARQLWrapper(self.url, agent=self.user_agent)
        sw.setMethod(POST)
        sw.setRequestMethod(POSTDIRECTLY)
        sw.setReturnFormat(JSON)
        sw.setOnlyConneg(True)
        sw.addCustomHttpHeader("Accept", "application/sparql-results+json")
        sw.setTimeout(int(max(1, round(self.settings.timeout_s))))
        return sw

    def _select(self, text: str, name: str) -> QueryResult:
        kw: dict[str, Any] = {"endpoint": self.name, "query_name": name}
        sw = self._wrapper()
        sw.setQuery(text)
        watch = timed()
        self.queries_sent += 1
        try:
            response = sw.query()
            status = int(getattr(response.response, "status", 200) or 200)
            body = response.response.read()
        except swe.QueryBadFormed as exc:
            raise BadQuery(
                f"the endpoint refused the query: {_snippet(str(exc), 300)}", status=400, **kw
            ) from exc
        except swe.EndPointNotFound as exc:
            raise EndpointUnavailable("no SPARQL endpoint at this URL", status=404, **kw) from exc
        except swe.URITooLong as exc:
            raise BadQuery("the request URI is too long", status=414, **kw) from exc
        except swe.Unauthorized as exc:
            raise EndpointUnavailable("unauthorized", status=401, **kw) from exc
        except swe.EndPointInternalError as exc:
            raise classify_http_error(
                500, str(exc).encode(), None, endpoint=self.name, name=name
            ) from exc
        except urllib.error.HTTPError as exc:
            err_body = b""
            with contextlib.suppress(OSError, http.client.HTTPException):
                err_body = exc.read()
            raise classify_http_error(
                exc.code, err_body, exc.headers, endpoint=self.name, name=name
            ) from exc
        except TimeoutError as exc:
            raise EndpointUnavailable(
                f"client timeout: no answer within {self.settings.timeout_s:g} s", **kw
            ) from exc
        except http.client.IncompleteRead as exc:
            raise BadResponse(
                "truncated response (connection closed mid-body)", status=200, **kw
            ) from exc
        except (urllib.error.URLError, ConnectionError, http.client.HTTPException, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise EndpointUnavailable(f"connection failed: {reason}", **kw) from exc
        data = classify_body(body, endpoint=self.name, name=name, status=status)
        return QueryResult(
            vars=tuple(data["head"].get("vars", [])),
            rows=data["results"]["bindings"],
            query_name=name,
            query_text=text,
            endpoint=self.name,
            endpoint_url=self.url,
            duration_s=watch(),
        )


def make_remote(
    endpoint: str, settings: Settings | None = None, *, fallback: Sequence[str] | None = None
) -> Engine:
    """A remote engine by name (``wdqs``, ``qlever``) or URL."""
    url = KNOWN_URLS.get(endpoint, endpoint)
    name = endpoint if endpoint in KNOWN_URLS else url
    return RemoteEngine(name, url, settings)
