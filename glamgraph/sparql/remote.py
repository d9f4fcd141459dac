"""Remote SPARQL engines over HTTP, through SPARQLWrapper: WDQS, QLever, any SPARQL 1.1 URL.

Only this package imports SPARQLWrapper. A :class:`RemoteEngine` sends glamgraph's User-Agent,
POSTs the query as a URL-encoded form (``query=...``, which every engine accepts: Virtuoso never
answers an ``application/sparql-query`` body, QLever refuses a form with URL parameters), keeps
its own overall deadline per request (``Settings.timeout_s``, or the engine kind's default: not
per socket read, so an endpoint sending one byte a second is cut off in time), caps the size of
a response (``Settings.max_response_bytes``), reads the raw body and classifies every way the
endpoints fail (engines.md in the project's reference notes) into the error tree of
:mod:`glamgraph.errors`:

==========================================================  ===========================
what came back                                              error
==========================================================  ===========================
400, 414; a 5xx whose body is a compile or syntax error     BadQuery (never retried)
(Virtuoso ``37000``/``SP030``, ``MalformedQueryException``)
429 with ``Retry-After`` (seconds or HTTP date) or without  RateLimited (``retry_after``)
429 ``Operation timed out`` (QLever's timeout)              QueryTimeout
403 ``You have been banned``                                RateLimited (``banned``)
500 with ``TimeoutException``/``deadline`` in the body      QueryTimeout
200 whose body turns into a trace, Oxigraph's cancellation
text or QLever's ``!!!!>>#`` marker                         QueryTimeout
the client's overall deadline ran out while waiting/reading QueryTimeout (split, then
                                                            fall back; never resent)
a refused connection, a host name that does not resolve,   EndpointUnavailable, not
no connection within the deadline                           retried (fail fast offline)
301/302/303 to a POST                                       EndpointUnavailable, not retried
other 5xx, reset                                            EndpointUnavailable
truncated or invalid JSON, HTML as 200, no head/results,    BadResponse
bindings of the wrong shape or types
204 or another answer without a body; a body above the cap  BadResponse, not retried
as many rows as the server's row cap (``X-SPARQL-MaxRows``  ResultCapped (a QueryTimeout:
or Virtuoso's default 10,000)                               split, never taken as complete)
==========================================================  ===========================

307/308 redirects are followed with the body (up to five). SPARQLWrapper builds each request
(form body, User-Agent, Accept); glamgraph sends it with its own urllib opener, because
SPARQLWrapper's ``query()`` offers only a per-socket-read timeout, no size cap, and urllib's
default redirect handling (a POST turned into a body-less GET on 301/302, an error on 307/308).

A broken body is never an empty result. :meth:`RemoteEngine._fetch` wraps one request in the
per-endpoint throttle (:mod:`glamgraph.sparql.throttle`) and the retry policy
(:mod:`glamgraph.sparql.retry`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import http.client
import json
import logging
import re
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

import orjson
from SPARQLWrapper import JSON, POST, SELECT, URLENCODED, SPARQLWrapper

from glamgraph import queries, vocab
from glamgraph.client import JsonStore
from glamgraph.client.retry_after import parse_retry_after
from glamgraph.errors import (
    BadQuery,
    BadResponse,
    CacheUnusable,
    EndpointUnavailable,
    QueryTimeout,
    RateLimited,
    SparqlError,
)
from glamgraph.files import cache_root
from glamgraph.sparql import retry, throttle
from glamgraph.sparql.engine import Engine, Settings, timed
from glamgraph.sparql.result import QueryResult, check_bindings

#: Texts by which engines report a timeout inside a body (Blazegraph, Oxigraph, QLever).
TIMEOUT_MARKERS = (
    "TimeoutException",
    "Query deadline is expired",
    "The SPARQL operation has been cancelled",
    "Operation timed out",
    "!!!!>># An error has occurred",
    "Virtuoso S1T00 Error",
    "estimated execution time",
)

KNOWN_URLS = {"wdqs": vocab.WDQS_URL, "qlever": vocab.QLEVER_URL}
#: Earlier addresses of the known endpoints, taken as the current one.
URL_ALIASES = {vocab.QLEVER_OLD_URL: vocab.QLEVER_URL}
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
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError:
        # orjson is stricter than json (no NaN, no invalid UTF-8, no unpaired surrogate, at
        # most 1,024 levels): what it refuses is parsed by json, which accepts or words the error
        data = _loads_text(body, kw)
    return _check_document(data, body, kw)


def _loads_text(body: bytes, kw: dict[str, Any]) -> Any:
    """The body parsed by :mod:`json` (after UTF-8 decoding with replacement), or the error."""
    text = body.decode("utf-8", "replace")
    try:
        return json.loads(text)
    except RecursionError:
        raise BadResponse(
            "JSON nested too deeply to be a SPARQL result", retryable=False, **kw
        ) from None
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


def _check_document(data: Any, body: bytes, kw: dict[str, Any]) -> dict[str, Any]:
    """``data`` (a parsed body) as SPARQL JSON results, or the error it is."""
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
        raise BadResponse(f"JSON without head/results/bindings: {_snippet(body, 100)!r}", **kw)
    why = check_bindings(data["head"].get("vars", []), data["results"]["bindings"])
    if why is not None:
        raise BadResponse(f"malformed SPARQL JSON: {why}", retryable=False, **kw)
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
    if status >= 500 and _bad_query_5xx(text):
        return BadQuery(
            f"the engine reports an error in the query: {_error_text(text, 300)!r}", **kw
        )
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


class ResultCapped(QueryTimeout):
    """A result with exactly as many rows as the server's row cap: maybe cut, never complete.

    A :class:`QueryTimeout` so that the splitter cuts the query (each part then fits under the
    cap) and a fallback chain tries the next engine; never resent as is.
    """

    category = "result capped"


#: Kinds whose engine cuts a SELECT result at a row cap, with the cap they ship with.
DEFAULT_ROW_CAPS: dict[str, int] = {"virtuoso": 10000}
#: The client's default overall deadline per request, by engine kind (seconds).
DEFAULT_TIMEOUTS: dict[str, float] = {"wdqs": 65.0, "qlever": 35.0}
DEFAULT_TIMEOUT_S = 65.0
#: Queries in flight per endpoint URL when ``Settings.concurrency`` is not set, by engine kind
#: (two where the server is yours to load; see :attr:`RemoteEngine.in_flight`).
DEFAULT_IN_FLIGHT: dict[str, int] = {
    "wdqs": 1,
    "qlever": 2,
    "oxigraph": 2,
    "virtuoso": 2,
    "generic": 1,
}
#: Redirects followed (307/308 only) before giving up.
MAX_REDIRECTS = 5
_READ_CHUNK = 64 * 1024
#: ``Server`` header prefixes (lower case) and the engine kind they reveal.
SERVER_KINDS = (("virtuoso", "virtuoso"), ("oxigraph", "oxigraph"), ("qlever", "qlever"))
_KIND_LOCK = threading.Lock()
_DETECTED: dict[str, queries.EngineKind] = {}
#: The client store's folder where a detected kind is kept per endpoint URL, so that a run
#: served from the query cache (no answer, no ``Server`` header) writes the same query texts.
KIND_SOURCE = "engines"
_KEPT: dict[tuple[str, str], queries.EngineKind | None] = {}
log = logging.getLogger("glamgraph.sparql")


def kind_from_server(server: str | None) -> queries.EngineKind:
    """The engine kind a ``Server`` header names, else ``generic``.

    >>> kind_from_server("Virtuoso/07.20.3229 (Linux) x86_64-pc-linux-gnu")
    'virtuoso'
    >>> kind_from_server("nginx")
    'generic'
    """
    low = (server or "").strip().lower()
    for prefix, kind in SERVER_KINDS:
        if low.startswith(prefix):
            return kind  # type: ignore[return-value]
    return "generic"


class _Redirect(urllib.request.HTTPRedirectHandler):
    """307/308: the same request (body included) at the new address; 301/302/303 on a POST: no.

    urllib would turn a POST met by a 301/302/303 into a body-less GET (which an endpoint answers
    400, a "bad query") and raise on 307/308; both hide where the endpoint went.
    """

    max_redirections = MAX_REDIRECTS

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: Any,
        code: int,
        msg: str,
        headers: Any,
        newurl: str,
    ) -> urllib.request.Request | None:
        if code in (307, 308):
            if urllib.parse.urlsplit(newurl).scheme not in ("http", "https"):
                return None
            return urllib.request.Request(
                newurl,
                data=req.data,
                headers=dict(req.header_items()),
                method=req.get_method(),
            )
        if req.get_method() == "POST":
            return None  # urlopen raises HTTPError(code): classified as a refused redirect
        return super().redirect_request(req, fp, code, msg, headers, newurl)


class _Watchdog:
    """Shuts the sockets of one request down when its overall deadline passes.

    Each socket read already waits at most the time left (see :func:`_read_body`), but a server
    can trickle its status line and headers, which urllib reads before glamgraph sees the
    response; the watchdog ends those too. Its connections register their sockets here.
    """

    def __init__(self, timeout: float) -> None:
        self.sockets: list[socket.socket] = []
        self.fired = False
        self._lock = threading.Lock()
        self._timer = threading.Timer(timeout, self._fire)
        self._timer.daemon = True

    def add(self, sock: socket.socket | None) -> None:
        with self._lock:
            if sock is not None:
                self.sockets.append(sock)
                if self.fired:
                    self._shut(sock)

    def _fire(self) -> None:
        with self._lock:
            self.fired = True
            for sock in self.sockets:
                self._shut(sock)

    @staticmethod
    def _shut(sock: socket.socket) -> None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)

    def __enter__(self) -> _Watchdog:
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()


def _opener(watchdog: _Watchdog) -> urllib.request.OpenerDirector:
    """An opener whose connections register their sockets with ``watchdog``."""

    class _HTTPConnection(http.client.HTTPConnection):
        def connect(self) -> None:
            super().connect()
            watchdog.add(self.sock)

    class _HTTPSConnection(http.client.HTTPSConnection):
        def connect(self) -> None:
            super().connect()
            watchdog.add(self.sock)

    class _HTTP(urllib.request.HTTPHandler):
        def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
            return self.do_open(_HTTPConnection, req)

    class _HTTPS(urllib.request.HTTPSHandler):
        def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
            return self.do_open(_HTTPSConnection, req)

    return urllib.request.build_opener(_Redirect(), _HTTP(), _HTTPS())


def _read_body(response: Any, deadline: float, cap: int) -> bytes:
    """The whole body, within the overall ``deadline`` (monotonic) and at most ``cap`` bytes.

    Each socket read waits at most the time left, so a server that trickles bytes cannot hold
    the client past the deadline. Raises TimeoutError (deadline) or _TooLarge (cap).
    """
    length = response.headers.get("Content-Length")
    if length and length.strip().isdigit() and int(length) > cap:
        raise _TooLarge(int(length))
    sock = _socket_of(response)
    chunks: list[bytes] = []
    size = 0
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("overall deadline")
        if sock is not None:
            sock.settimeout(left)
        chunk = response.read1(_READ_CHUNK)
        if not chunk:
            break
        size += len(chunk)
        if size > cap:
            raise _TooLarge(size)
        chunks.append(chunk)
    return b"".join(chunks)


class _TooLarge(Exception):
    def __init__(self, size: int) -> None:
        super().__init__(size)
        self.size = size


def _socket_of(response: Any) -> socket.socket | None:
    """The socket under an ``http.client.HTTPResponse`` (to bound each read by the deadline)."""
    raw = getattr(getattr(response, "fp", None), "raw", None)
    sock = getattr(raw, "_sock", None)
    return sock if isinstance(sock, socket.socket) else None


def _mib(n: int) -> str:
    return f"{n / (1024 * 1024):.0f} MiB"


def _bad_query_5xx(text: str) -> bool:
    """Whether a 5xx body reports an error of the query (compile, syntax), not of the server."""
    head = text.lstrip()[:400]
    return bool(
        re.match(r"Virtuoso (37000|22007|22023|42S22|SP\d{3})\b", head)
        or "SP030" in head
        or "MalformedQueryException" in text[:4000]
        or "Invalid SPARQL query" in head
    )


def _connection_error(exc: BaseException) -> str | None:
    """A refused connection or an unresolvable host, in words; ``None`` for other errors."""
    reason: object = getattr(exc, "reason", exc)
    if isinstance(reason, socket.gaierror):
        return f"the host name does not resolve ({reason.strerror or reason})"
    if isinstance(reason, ConnectionRefusedError):
        return "the connection was refused"
    if isinstance(reason, OSError) and reason.errno in (
        errno.ENETUNREACH,
        errno.EHOSTUNREACH,
        errno.EADDRNOTAVAIL,
    ):
        return f"the network is unreachable ({reason.strerror})"
    return None


OFFLINE_HINT = "no network? --endpoint snapshot answers offline from the shipped sample"


class RemoteEngine(Engine):
    """A SPARQL 1.1 endpoint over HTTP.

    ``_select`` makes one request; ``_fetch`` holds the endpoint's throttle slot and retries
    transient failures (see :mod:`glamgraph.sparql.retry`); ``select`` adds the on-disk cache.
    The engine's :attr:`kind` is known for ``wdqs``/``qlever``, named by
    ``Settings.engine_kind``, or detected once per URL from the ``Server`` header of its first
    answer (no extra request).
    """

    caches = True

    def __init__(
        self,
        name: str,
        url: str,
        settings: Settings | None = None,
        kind: queries.EngineKind | None = None,
    ) -> None:
        super().__init__(name, url, settings)
        self.user_agent = self.settings.user_agent("SPARQLWrapper/2")
        self._kind: queries.EngineKind | None = kind
        self._sent_lock = threading.Lock()
        if self._kind is None and self.settings.engine_kind is not None:
            self._kind = self.settings.engine_kind  # type: ignore[assignment]

    @property
    def kind(self) -> queries.EngineKind:
        """The engine's make: named, known by name, or read from the ``Server`` header of the
        endpoint's first answer (remembered per URL for the process); ``generic`` until then,
        whose dialect is the portable one (it runs on Virtuoso too)."""
        if self._kind is not None:
            return self._kind
        with _KIND_LOCK:
            found = _DETECTED.get(self.url)
        return found or self._kept_kind() or "generic"

    @kind.setter
    def kind(self, value: queries.EngineKind) -> None:
        self._kind = value

    def _kind_store(self) -> JsonStore | None:
        if not (self.caches and self.settings.use_cache):
            return None
        try:
            return JsonStore(self.settings.cache_dir, KIND_SOURCE, self.settings.cache_ttl_s)
        except CacheUnusable:
            return None  # the query cache says so when it is used

    def _kept_kind(self) -> queries.EngineKind | None:
        """The kind detected by an earlier run (kept with the query cache, same time to live)."""
        where = (str(cache_root(self.settings.cache_dir)), self.url)
        with _KIND_LOCK:
            if where in _KEPT:
                return _KEPT[where]
        store = self._kind_store()

        def check(p: Any) -> queries.EngineKind:
            if not isinstance(p, dict) or p.get("kind") not in queries.ENGINE_KINDS:
                raise ValueError("not an engine kind")
            return p["kind"]  # type: ignore[no-any-return]

        kept = store.get((self.url,), check) if store is not None else None
        with _KIND_LOCK:
            _KEPT[where] = kept
        return kept

    def _note_server(self, headers: Any) -> None:
        """Learn the engine kind from an answer's ``Server`` header, once per URL."""
        if self._kind is not None or headers is None:
            return
        with _KIND_LOCK:
            if self.url in _DETECTED:
                return
            found = _DETECTED[self.url] = kind_from_server(headers.get("Server"))
        if found != "generic":
            log.info("%s: detected engine kind %s", self.name, found)
        if found != self._kept_kind() and (store := self._kind_store()) is not None:
            store.put((self.url,), {"kind": found})
            with _KIND_LOCK:
                _KEPT[(str(cache_root(self.settings.cache_dir)), self.url)] = found

    @property
    def timeout_s(self) -> float:
        """The overall deadline per request: ``Settings.timeout_s`` or the kind's default."""
        if self.settings.timeout_s is not None:
            return self.settings.timeout_s
        kind = self._kind or ("wdqs" if self.url == vocab.WDQS_URL else None)
        return DEFAULT_TIMEOUTS.get(kind or "", DEFAULT_TIMEOUT_S)

    @property
    def in_flight(self) -> int:
        """Queries in flight to this endpoint URL, across the process: ``Settings.concurrency``,
        else the kind's default (:data:`DEFAULT_IN_FLIGHT`: one for an endpoint of unknown
        make). WDQS and the public QLever endpoint always get one (WMF asks for one query at a
        time; the public QLever is shared likewise), whatever the settings say."""
        kind = self.kind
        if kind == "wdqs" or self.url in KNOWN_URLS.values():
            return 1
        if self.settings.concurrency is not None:
            return self.settings.concurrency
        return DEFAULT_IN_FLIGHT.get(kind, 1)

    @property
    def row_cap(self) -> int | None:
        """The row cap assumed when the server does not announce one (``None``: no cap known)."""
        if self.settings.row_cap is not None:
            return self.settings.row_cap
        return DEFAULT_ROW_CAPS.get(self.kind)

    def _wrapper(self) -> SPARQLWrapper:
        # A form POST goes to the URL as given: its own query parameters (an access token, say)
        # stay in the URL, where the server expects them; the query travels in the body.
        sw = SPARQLWrapper(self.url, agent=self.user_agent)
        sw.setMethod(POST)
        sw.setRequestMethod(URLENCODED)
        sw.setReturnFormat(JSON)
        sw.setOnlyConneg(True)
        sw.addCustomHttpHeader("Accept", "application/sparql-results+json")
        return sw

    def _fetch(self, text: str, name: str) -> QueryResult:
        settings = self.settings
        sleep = retry.sleeper(settings)

        interval = min_interval(self.url, settings)

        with throttle.slot(self.url, self.in_flight) as place:

            def attempt() -> QueryResult:
                place.take()  # again, for a retry after an answer that did not decode
                throttle.pace(self.url, interval, sleep)
                return self._select(text, name, place)

            return retry.call(attempt, settings)

    def _select(self, text: str, name: str, place: throttle.Place | None = None) -> QueryResult:
        kw: dict[str, Any] = {"endpoint": self.name, "query_name": name}
        timeout = self.timeout_s
        cap = self.settings.max_response_bytes
        sw = self._wrapper()
        # Always a query (``query=``), never an update: ``setQuery`` would guess the type from
        # the text (regular expressions over all of it, slow for a query with thousands of
        # values, and misled by words in comments), so the text and the type are set as is. An
        # update sent as ``query=`` is a syntax error to every SPARQL protocol server, never
        # executed (user files are refused before, by queries.check_query_form).
        sw.queryString = text
        sw.queryType = SELECT
        # SPARQLWrapper builds the request (form body, User-Agent, Accept); it is sent with our
        # opener for an overall deadline, a size cap and the redirect policy (module docstring).
        request = sw._createRequest()
        started = dt.datetime.now(dt.UTC)
        watch = timed()
        deadline = time.monotonic() + timeout
        with self._sent_lock:  # in_order may run this engine's queries on two threads
            self.queries_sent += 1
        watchdog = _Watchdog(timeout)
        try:
            status, headers, body = self._exchange(request, watchdog, deadline, timeout, cap, name)
        except SparqlError as exc:
            if not watchdog.fired or isinstance(exc, QueryTimeout | BadQuery | RateLimited):
                raise
            watchdog.fired = True
        if watchdog.fired:  # whatever the cut-off connection looked like: the deadline ran out
            raise QueryTimeout(
                f"no complete answer within the client's deadline of {timeout:g} s", **kw
            )
        if status != 200 and not body:
            raise BadResponse(
                f"an answer without a body (HTTP {status}); not resent",
                status=status,
                retryable=False,
                **kw,
            )
        if place is not None:
            # the answer is in: its place goes to the next query while this body is checked
            # and decoded (a quarter of a 100k world's details: ~0.3 s)
            place.release()
        data = classify_body(body, endpoint=self.name, name=name, status=status)
        rows = data["results"]["bindings"]
        announced = headers.get("X-SPARQL-MaxRows")
        row_cap = int(announced) if announced and announced.strip().isdigit() else self.row_cap
        if row_cap is not None and len(rows) >= row_cap:
            raise ResultCapped(
                f"{len(rows)} rows, the server's row cap"
                + (" (X-SPARQL-MaxRows)" if announced else f" for {self.kind}")
                + ": the result may be cut; split the query",
                status=status,
                **kw,
            )
        return QueryResult(
            vars=tuple(data["head"].get("vars", [])),
            rows=rows,
            query_name=name,
            query_text=text,
            endpoint=self.name,
            endpoint_url=self.display_url,
            started=started,
            duration_s=watch(),
        )

    def _exchange(
        self,
        request: urllib.request.Request,
        watchdog: _Watchdog,
        deadline: float,
        timeout: float,
        cap: int,
        name: str,
    ) -> tuple[int, Any, bytes]:
        """Send one request; its status, headers and body, or the classified error."""
        kw: dict[str, Any] = {"endpoint": self.name, "query_name": name}
        try:
            with watchdog, _opener(watchdog).open(request, timeout=timeout) as response:
                status = int(response.status)
                headers = response.headers
                self._note_server(headers)
                body = _read_body(response, deadline, cap)
        except urllib.error.HTTPError as exc:
            self._note_server(exc.headers)
            if exc.code in (301, 302, 303, 307, 308):
                where = exc.headers.get("Location", "?") if exc.headers else "?"
                raise EndpointUnavailable(
                    f"the endpoint redirects (HTTP {exc.code}) to {where!r}; a POST is not "
                    "followed there: use that address as the endpoint",
                    status=exc.code,
                    retryable=False,
                    **kw,
                ) from None
            err_body = b""
            with contextlib.suppress(OSError, http.client.HTTPException, _TooLarge, ValueError):
                err_body = _read_body(exc, time.monotonic() + min(5.0, timeout), 1024 * 1024)
            raise classify_http_error(
                exc.code, err_body, exc.headers, endpoint=self.name, name=name
            ) from None
        except _TooLarge as exc:
            raise BadResponse(
                f"response larger than the cap of {_mib(cap)} ({_mib(exc.size)} or more; "
                "Settings.max_response_bytes)",
                status=200,
                retryable=False,
                **kw,
            ) from None
        except TimeoutError:
            raise QueryTimeout(
                f"no complete answer within the client's deadline of {timeout:g} s", **kw
            ) from None
        except http.client.IncompleteRead as exc:
            raise BadResponse(
                f"truncated response (connection closed after {len(exc.partial)} bytes of the body)",
                status=200,
                **kw,
            ) from None
        except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as exc:
            reason = getattr(exc, "reason", None) or exc
            if isinstance(reason, TimeoutError):
                raise EndpointUnavailable(
                    f"no connection within {timeout:g} s ({OFFLINE_HINT})", retryable=False, **kw
                ) from None
            offline = _connection_error(exc)
            if offline is not None:
                raise EndpointUnavailable(
                    f"{offline} ({OFFLINE_HINT})", retryable=False, **kw
                ) from None
            what = f"{type(reason).__name__}: {reason}" if isinstance(reason, Exception) else reason
            raise EndpointUnavailable(f"connection failed ({what})", **kw) from None
        return status, headers, body


def make_remote(endpoint: str, settings: Settings | None = None) -> RemoteEngine:
    """A remote engine by name (``wdqs``, ``qlever``) or URL (no fallback; see ``get_engine``).

    The named engines have their own kind; a URL's kind is ``Settings.engine_kind`` or detected.
    An old address of a known engine (QLever's ``qlever.cs.uni-freiburg.de``) is an alias of it.
    """
    url = URL_ALIASES.get(endpoint, endpoint)
    url = KNOWN_URLS.get(url, url)
    named = next((k for k, v in KNOWN_URLS.items() if v == url), None)
    name = endpoint if endpoint in KNOWN_URLS else url
    return RemoteEngine(name, url, settings, kind=named)  # type: ignore[arg-type]
