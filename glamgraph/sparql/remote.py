"""Remote SPARQL engines over HTTP, through SPARQLWrapper: WDQS, QLever, any SPARQL 1.1 URL.

Only this package imports SPARQLWrapper. A :class:`RemoteEngine` sends glamgraph's User-Agent,
POSTs the query as ``application/sparql-query``, keeps its own deadline (``Settings.timeout_s``),
reads the raw body and classifies every way the public endpoints fail
(``shared/reference/engines.md``) into the error tree of :mod:`glamgraph.errors`:

==========================================================  ===========================
what came back                                              error
==========================================================  ===========================
400, 414                                                    BadQuery
429 with ``Retry-After`` (seconds or HTTP date) or without  RateLimited (``retry_after``)
429 ``Operation timed out`` (QLever's timeout)              QueryTimeout
403 ``You have been banned``                                RateLimited (``banned``)
500 with ``TimeoutException``/``deadline`` in the body      QueryTimeout
200 whose body turns into a trace, Oxigraph's cancellation
text or QLever's ``!!!!>>#`` marker                         QueryTimeout
other 5xx, reset, refused, the client's own timeout          EndpointUnavailable
truncated or invalid JSON, HTML as 200, no head/results     BadResponse
==========================================================  ===========================

A broken body is never an empty result. :meth:`RemoteEngine._fetch` wraps one request in the
per-endpoint throttle (:mod:`glamgraph.sparql.throttle`) and the retry policy
(:mod:`glamgraph.sparql.retry`).
"""

from __future__ import annotations

import ast
import contextlib
import datetime as dt
import http.client
import json
import re
import urllib.error
import urllib.parse
from typing import Any

from SPARQLWrapper import JSON, POST, POSTDIRECTLY, SPARQLWrapper
from SPARQLWrapper import SPARQLExceptions as swe

from glamgraph import vocab
from glamgraph._http import parse_retry_after
from glamgraph._version import user_agent
from glamgraph.errors import (
    BadInput,
    BadQuery,
    BadResponse,
    EndpointUnavailable,
    QueryTimeout,
    RateLimited,
    SparqlError,
)
from glamgraph.sparql import retry, throttle
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
#: The gap between two requests to a shared public endpoint when Settings leave it open.
PUBLIC_MIN_INTERVAL_S = 1.0


def min_interval(url: str, settings: Settings) -> float:
    """Seconds between two request starts to ``url``: ``Settings.min_interval_s`` when set,
    else 1 s for the shared public endpoints (WDQS, QLever) and none for your own.

    >>> min_interval(vocab.WDQS_URL, Settings()), min_interval("http://127.0.0.1:7878/query", Settings())
    (1.0, 0.0)
    >>> min_interval("http://127.0.0.1:7878/query", Settings(min_interval_s=0.5))
    0.5
    """
    if settings.min_interval_s is not None:
        return settings.min_interval_s
    return PUBLIC_MIN_INTERVAL_S if url in KNOWN_URLS.values() else 0.0


_RETRY_IN_RE = re.compile(r"retry in (\d+(?:\.\d+)?) seconds", re.IGNORECASE)


def _snippet(body: bytes | str, n: int = 160) -> str:
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    return " ".join(text.split())[:n]


def _has_timeout_marker(text: str) -> bool:
    return any(m in text for m in TIMEOUT_MARKERS)


def _error_text(text: str, n: int) -> str:
    """The useful part of an error body: QLever's JSON ``exception``, else a snippet."""
    if text.lstrip().startswith("{"):
        with contextlib.suppress(ValueError):
            data = json.loads(text)
            if isinstance(data, dict) and isinstance(data.get("exception"), str):
                return _snippet(data["exception"], n)
    return _snippet(text, n)


def classify_body(body: bytes, *, endpoint: str, name: str, status: int | None) -> dict[str, Any]:
    """Parse a 200 body as SPARQL JSON, or raise the right error. Never returns a partial result.

    A complete, well-formed SPARQL JSON document is a result, whatever its literals say. A body
    that breaks off is a :class:`QueryTimeout` when a timeout report follows the break (WDQS's
    Java trace, Oxigraph's cancellation, QLever's ``!!!!>>#``), else a :class:`BadResponse`.

    >>> classify_body(b'{"head":{"vars":[]},"results":{"bindings":[]}}', endpoint="e", name="q",
    ...               status=200)["results"]
    {'bindings': []}
    >>> classify_body(b'{"head":{"vars":["c"]},"results":{"bindings":[java.util.concurrent.'
    ...               b'TimeoutException', endpoint="e", name="q", status=200)
    Traceback (most recent call last):
    ...
    glamgraph.errors.QueryTimeout: e: timeout running query q (HTTP 200): the server's deadline ran out (reported inside the response body)
    >>> classify_body(b'{"head":{"vars":["c"]},"results":{"bind', endpoint="e", name="q",
    ...               status=200)
    Traceback (most recent call last):
    ...
    glamgraph.errors.BadResponse: e: broken response running query q (HTTP 200): truncated or invalid JSON: Unterminated string starting at (char 34 of 39)
    """
    kw: dict[str, Any] = {"endpoint": endpoint, "query_name": name, "status": status}
    text = body.decode("utf-8", "replace")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        # What follows the point where the JSON broke is the server's own report, if any.
        if _has_timeout_marker(text[max(0, exc.pos - 64) :]):
            raise QueryTimeout(
                "the server's deadline ran out (reported inside the response body)", **kw
            ) from None
        head = text.lstrip()[:500].lower()
        if head.startswith("<!doctype html") or head.startswith("<html") or "<html" in head:
            raise BadResponse(
                f"an HTML page instead of SPARQL JSON: {_snippet(text)!r}", **kw
            ) from None
        if "user-agent" in head and "policy" in head:  # the WMF edge refusing a User-Agent
            raise BadResponse(
                f"the endpoint refused glamgraph's User-Agent: {_snippet(text)!r}",
                retryable=False,
                **kw,
            ) from None
        if not text.strip():
            raise BadResponse("an empty response body", **kw) from None
        raise BadResponse(
            f"truncated or invalid JSON: {exc.msg} (char {exc.pos} of {len(text)})", **kw
        ) from None
    if isinstance(data, dict) and isinstance(data.get("exception"), str):  # QLever error JSON
        if _has_timeout_marker(data["exception"]):
            raise QueryTimeout(
                f"the server's deadline ran out: {_snippet(data['exception'])}", **kw
            )
        raise BadResponse(
            f"an error report instead of a result: {_snippet(data['exception'])}", **kw
        )
    if (
        not isinstance(data, dict)
        or not isinstance(data.get("head"), dict)
        or not isinstance(data["head"].get("vars", []), list)
        or not isinstance(data.get("results"), dict)
        or not isinstance(data["results"].get("bindings"), list)
    ):
        raise BadResponse(f"JSON without head/results/bindings: {_snippet(text, 100)!r}", **kw)
    return data


def classify_http_error(
    status: int, body: bytes, headers: Any, *, endpoint: str, name: str
) -> SparqlError:
    """The error for a non-200 answer (status, body and headers as the server sent them).

    >>> classify_http_error(429, b"Too Many Requests", {"Retry-After": "7"}, endpoint="wdqs",
    ...                     name="q").retry_after
    7.0
    >>> type(classify_http_error(429, b'{"exception":"Operation timed out."}', {},
    ...                          endpoint="qlever", name="q")).__name__
    'QueryTimeout'
    """
    kw: dict[str, Any] = {"endpoint": endpoint, "query_name": name, "status": status}
    text = body.decode("utf-8", "replace")
    lower = text.lower()
    if status == 429:
        if "Operation timed out" in text:  # QLever reports its timeout as 429
            return QueryTimeout(
                f"the server's deadline ran out (QLever 429): {_error_text(text, 120)!r}", **kw
            )
        retry_after = parse_retry_after(headers.get("Retry-After") if headers else None)
        if retry_after is None and (m := _RETRY_IN_RE.search(text)):
            retry_after = float(m.group(1))
        wait = f"Retry-After {retry_after:g} s" if retry_after is not None else "no Retry-After"
        return RateLimited(
            f"too many requests ({wait}): {_snippet(text, 100)!r}", retry_after=retry_after, **kw
        )
    if status == 400:
        return BadQuery(f"the endpoint refused the query: {_error_text(text, 300)!r}", **kw)
    if _has_timeout_marker(text):
        return QueryTimeout(f"the server's deadline ran out: {_error_text(text, 120)!r}", **kw)
    if status == 403 and "banned" in lower:
        return RateLimited(f"banned: {_snippet(text, 200)!r}", banned=True, **kw)
    if status == 403 and "user-agent" in lower:
        return EndpointUnavailable(
            f"the endpoint refused glamgraph's User-Agent: {_snippet(text, 200)!r}", **kw
        )
    if status == 414:
        return BadQuery("the request URI is too long", **kw)
    if status == 404:
        return EndpointUnavailable(f"no SPARQL endpoint at this URL: {_snippet(text, 80)!r}", **kw)
    if status == 401:
        return EndpointUnavailable("unauthorized", **kw)
    if status >= 500:
        return EndpointUnavailable(f"server error: {_error_text(text, 120)!r}", **kw)
    return EndpointUnavailable(f"unexpected HTTP status: {_snippet(text, 120)!r}", **kw)


def _sparqlwrapper_body(exc: Exception) -> bytes:
    """The response body SPARQLWrapper folded into its exception's message (as ``repr``)."""
    text = str(exc)
    marker = "\n\nResponse:\n"
    if marker in text:
        with contextlib.suppress(ValueError, SyntaxError):
            value = ast.literal_eval(text.split(marker, 1)[1])
            if isinstance(value, bytes):
                return value
    return b""


class RemoteEngine(Engine):
    """A SPARQL 1.1 endpoint over HTTP.

    ``_select`` makes one request; ``_fetch`` holds the endpoint's throttle slot and retries
    transient failures (see :mod:`glamgraph.sparql.retry`); ``select`` adds the on-disk cache.
    """

    caches = True

    def __init__(self, name: str, url: str, settings: Settings | None = None) -> None:
        super().__init__(name, url, settings)
        self.user_agent = user_agent(f"SPARQLWrapper/2 {self.settings.user_agent_extra}".strip())

    def _wrapper(self) -> SPARQLWrapper:
        # SPARQLWrapper appends "?<params>" to the endpoint: the URL's own query parameters
        # (an access token, say) go in as parameters, or they would be mangled.
        base, _, own = self.url.partition("?")
        sw = SPARQLWrapper(base, agent=self.user_agent)
        for key, value in urllib.parse.parse_qsl(own, keep_blank_values=True):
            sw.addParameter(key, value)
        sw.setMethod(POST)
        sw.setRequestMethod(POSTDIRECTLY)
        sw.setReturnFormat(JSON)
        sw.setOnlyConneg(True)
        sw.addCustomHttpHeader("Accept", "application/sparql-results+json")
        # setTimeout() keeps whole seconds only; the attribute is what urlopen receives.
        sw.timeout = float(self.settings.timeout_s)  # type: ignore[assignment]
        return sw

    def _fetch(self, text: str, name: str) -> QueryResult:
        settings = self.settings
        sleep = retry.sleeper(settings)

        interval = min_interval(self.url, settings)

        def attempt() -> QueryResult:
            throttle.pace(self.url, interval, sleep)
            return self._select(text, name)

        with throttle.slot(self.url, settings.concurrency):
            return retry.call(attempt, settings)

    def _select(self, text: str, name: str) -> QueryResult:
        kw: dict[str, Any] = {"endpoint": self.name, "query_name": name}
        sw = self._wrapper()
        sw.setQuery(text)
        if sw.isSparqlUpdateRequest():  # a last guard under queries.check_query_form: never send
            raise BadInput(
                f"query {name or '(text)'}: a SPARQL Update, not a query: glamgraph never writes "
                "to an endpoint"
            )
        started = dt.datetime.now(dt.UTC)
        watch = timed()
        self.queries_sent += 1
        try:
            response = sw.query()
            status = int(getattr(response.response, "status", 200) or 200)
            body = response.response.read()
        except swe.SPARQLWrapperException as exc:
            # 400/401/404/414/500: SPARQLWrapper read the body into its message; the HTTPError
            # it replaced still has the status and headers.
            cause = exc.__context__
            code = cause.code if isinstance(cause, urllib.error.HTTPError) else 500
            headers = cause.headers if isinstance(cause, urllib.error.HTTPError) else None
            raise classify_http_error(
                code, _sparqlwrapper_body(exc), headers, endpoint=self.name, name=name
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
                f"truncated response (connection closed after {len(exc.partial)} bytes of the body)",
                status=200,
                **kw,
            ) from exc
        except (urllib.error.URLError, http.client.HTTPException, OSError) as exc:
            reason = getattr(exc, "reason", None) or exc
            if isinstance(reason, TimeoutError):
                raise EndpointUnavailable(
                    f"client timeout: no connection within {self.settings.timeout_s:g} s", **kw
                ) from exc
            what = f"{type(reason).__name__}: {reason}" if isinstance(reason, Exception) else reason
            raise EndpointUnavailable(f"connection failed ({what})", **kw) from exc
        data = classify_body(body, endpoint=self.name, name=name, status=status)
        return QueryResult(
            vars=tuple(data["head"].get("vars", [])),
            rows=data["results"]["bindings"],
            query_name=name,
            query_text=text,
            endpoint=self.name,
            endpoint_url=self.display_url,
            started=started,
            duration_s=watch(),
        )


def make_remote(endpoint: str, settings: Settings | None = None) -> RemoteEngine:
    """A remote engine by name (``wdqs``, ``qlever``) or URL (no fallback; see ``get_engine``)."""
    url = KNOWN_URLS.get(endpoint, endpoint)
    name = endpoint if endpoint in KNOWN_URLS else url
    return RemoteEngine(name, url, settings)
