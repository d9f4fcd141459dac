"""A real HTTP fault proxy on 127.0.0.1, in front of a SPARQL endpoint (the Oxigraph test server).

It answers each request with the next fault of a script, then with its ``default`` (``PASS``:
forward to the upstream endpoint and relay the answer). Faults imitate what WDQS, QLever and
Oxigraph really send (``shared/reference/engines.md``):

=========================  ==============================================================
fault                      the answer
=========================  ==============================================================
``PASS``                   the upstream's own answer
``rate_limited("1")``      429, ``Retry-After: 1``, WDQS's text
``rate_limited_until(2)``  429 with ``Retry-After`` as an HTTP date 2 s ahead
``unavailable(503)``       503 (or any 5xx), an HTML error page
``banned()``               403 ``You have been banned until ...``
``timeout_500()``          500 ``text/plain``: ``SPARQL-QUERY: queryStr=...`` and a Java trace
``timeout_in_200(style)``  200: the real JSON starts, then WDQS's trace (``wdqs``),
                           Oxigraph's cancellation text (``oxigraph``) or QLever's
                           ``!!!!>>#`` report (``qlever``)
``qlever_timeout_429()``   429 with QLever's JSON ``Operation timed out``
``truncated(framed)``      200, the real body cut in half; ``framed``: Content-Length says the
                           full size (the client sees IncompleteRead), else a clean close
``reset()``                the connection reset (TCP RST) without an answer
``slow(seconds)``          waits, then ``PASS`` (past a short client timeout)
``html_200()``             200 ``text/html`` (a captive portal or error page)
``no_head_200()``          200 JSON without ``head``
``when(pred, f)``          ``f`` when ``pred(request)`` holds, else ``PASS`` (e.g. a timeout
                           only while a ``VALUES`` block is longer than N)
``capped(n)``              the real answer cut at n rows, ``X-SPARQL-MaxRows: n`` (Virtuoso)
``drip(s)``                200, then one byte every s seconds, never ending
``drip_headers(s)``        the status line and headers one byte every s seconds
``huge(size)``             200 with a body of ``size`` bytes
``body_200(text)``         200 SPARQL JSON with exactly ``text`` (malformed results)
``redirect(code, url)``    a redirect to ``url``
=========================  ==============================================================

Every request is recorded (method, path, headers, body, arrival time, fault applied), and the
proxy counts requests in flight, so tests can assert the User-Agent, the waits and the
concurrency the server saw. Start it with :func:`running` (a context manager that always stops
it) or :meth:`FaultProxy.start` / :meth:`FaultProxy.stop`.
"""

from __future__ import annotations

import email.utils
import json
import re
import socket
import struct
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))

WDQS_TRACE = (
    "\nSPARQL-QUERY: queryStr={query}\n"
    "java.util.concurrent.ExecutionException: java.util.concurrent.TimeoutException\n"
    "\tat java.util.concurrent.FutureTask.report(FutureTask.java:122)\n"
    "\tat com.bigdata.rdf.sail.webapp.BigdataServlet.submitApiTask(BigdataServlet.java:292)\n"
    "Caused by: java.util.concurrent.TimeoutException\n"
    "\tat com.bigdata.rdf.sail.webapp.QueryServlet.doSparqlQuery(QueryServlet.java:678)\n"
)
OXIGRAPH_CANCELLED = "The SPARQL operation has been cancelled"
QLEVER_EXPORT_ERROR = (
    "\n !!!!>># An error has occurred while exporting the query result. Unfortunately, due to "
    "limitations in the HTTP/1.1 protocol, there is no better way to report this than to "
    "append it to the incomplete result. The error message was:\n Operation timed out."
)


@dataclass
class Recorded:
    """One request as the proxy received it."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    at: float  # time.monotonic() on arrival
    fault: str = ""

    def header(self, name: str) -> str | None:
        """A header by case-insensitive name."""
        for k, v in self.headers.items():
            if k.lower() == name.lower():
                return v
        return None

    @property
    def user_agent(self) -> str:
        return self.header("User-Agent") or ""

    @property
    def query(self) -> str:
        """The SPARQL text: a sparql-query body, a form body's or the URL's ``query``."""
        ctype = (self.header("Content-Type") or "").split(";")[0].strip()
        if ctype == "application/sparql-query":
            return self.body.decode("utf-8")
        if ctype == "application/x-www-form-urlencoded":
            return urllib.parse.parse_qs(self.body.decode("ascii")).get("query", [""])[0]
        qs = urllib.parse.urlsplit(self.path).query
        return urllib.parse.parse_qs(qs).get("query", [""])[0]

    def values(self, var: str) -> list[str]:
        """The terms of the query's ``VALUES ?var { ... }`` block (empty when there is none)."""
        m = re.search(r"VALUES\s+\?" + re.escape(var) + r"\s*\{([^}]*)\}", self.query)
        return m.group(1).split() if m else []


class Fault:
    """What the proxy answers to one request. The base class forwards (``PASS``)."""

    name = "pass"

    def respond(self, h: _Handler, rec: Recorded) -> None:
        status, headers, body = h.forward(rec)
        h.send(status, body, headers)


PASS = Fault()


class _Status(Fault):
    def __init__(
        self, name: str, status: int, body: bytes, ctype: str, headers: dict[str, str]
    ) -> None:
        self.name, self.status, self.body, self.ctype, self.headers = (
            name,
            status,
            body,
            ctype,
            headers,
        )

    def respond(self, h: _Handler, rec: Recorded) -> None:
        h.send(self.status, self.body, {"Content-Type": self.ctype, **self.headers})


def status(code: int, body: str = "", ctype: str = "text/plain", **headers: str) -> Fault:
    """Any status with a fixed body and headers."""
    return _Status(f"status {code}", code, body.encode(), ctype, headers)


def rate_limited(retry_after: str | None = "1") -> Fault:
    """WDQS's 429; ``retry_after`` is the header's raw value (``None``: no header)."""
    n = retry_after if retry_after is not None and retry_after.isdigit() else "60"
    headers = {"Retry-After": retry_after} if retry_after is not None else {}
    return _Status(
        f"429 Retry-After {retry_after}",
        429,
        f"Too Many Requests - Please retry in {n} seconds.".encode(),
        "text/plain",
        headers,
    )


def rate_limited_until(seconds_ahead: float) -> Fault:
    """A 429 whose ``Retry-After`` is an HTTP date, computed when the request arrives."""

    class _Until(Fault):
        name = f"429 Retry-After date +{seconds_ahead:g}s"

        def respond(self, h: _Handler, rec: Recorded) -> None:
            when = email.utils.formatdate(time.time() + seconds_ahead, usegmt=True)
            h.send(429, b"Too Many Requests", {"Content-Type": "text/plain", "Retry-After": when})

    return _Until()


def unavailable(code: int = 503) -> Fault:
    return _Status(
        f"{code}",
        code,
        f"<html><body><h1>{code} Service Unavailable</h1></body></html>".encode(),
        "text/html",
        {},
    )


def banned() -> Fault:
    return _Status(
        "403 banned",
        403,
        b"You have been banned until 2099-01-01T00:00:00Z, please respect throttling and "
        b"retry-after headers.",
        "text/plain",
        {},
    )


class _Timeout500(Fault):
    name = "500 timeout"

    def respond(self, h: _Handler, rec: Recorded) -> None:
        h.send(
            500,
            WDQS_TRACE.format(query=rec.query).lstrip().encode(),
            {"Content-Type": "text/plain"},
        )


def timeout_500() -> Fault:
    """WDQS's timeout before the result started: 500 text/plain with the Java trace."""
    return _Timeout500()


class _TimeoutIn200(Fault):
    def __init__(self, style: str) -> None:
        self.style = style
        self.name = f"timeout in 200 ({style})"

    def respond(self, h: _Handler, rec: Recorded) -> None:
        code, _headers, body = h.forward(rec)
        text = (
            body.decode("utf-8") if code == 200 else '{"head":{"vars":[]},"results":{"bindings":['
        )
        start = text.find('"bindings":[')
        cut = text[: start + len('"bindings":[')] if start >= 0 else text[: len(text) // 2]
        if self.style == "wdqs":
            # a first complete binding, then the trace (as Blazegraph streams it)
            rest = text[len(cut) :]
            first = rest[: rest.find("}},") + 3] if "}}," in rest else ""
            tail = cut + first + WDQS_TRACE.format(query=rec.query)
        elif self.style == "oxigraph":
            tail = cut + OXIGRAPH_CANCELLED
        else:
            tail = cut + QLEVER_EXPORT_ERROR
        h.send(
            200, tail.encode(), {"Content-Type": "application/sparql-results+json"}, length=False
        )


def timeout_in_200(style: str = "wdqs") -> Fault:
    """A 200 whose JSON starts and then turns into a timeout report (``wdqs|oxigraph|qlever``)."""
    if style not in ("wdqs", "oxigraph", "qlever"):
        raise ValueError(style)
    return _TimeoutIn200(style)


def qlever_timeout_429() -> Fault:
    return _Status(
        "429 qlever timeout",
        429,
        b'{"query":"...","status":"ERROR","resultsize":0,"time":{"total":"30000ms"},'
        b'"exception":"Operation timed out. Last operation: IndexScan"}',
        "application/json",
        {},
    )


class _Truncated(Fault):
    def __init__(self, framed: bool) -> None:
        self.framed = framed
        self.name = f"truncated ({'framed' if framed else 'clean close'})"

    def respond(self, h: _Handler, rec: Recorded) -> None:
        code, headers, body = h.forward(rec)
        half = body[: max(1, len(body) // 2)]
        if self.framed:
            h.send_response(code)
            h.send_header("Content-Type", headers.get("Content-Type", "application/json"))
            h.send_header("Content-Length", str(len(body)))
            h.end_headers()
            h.wfile.write(half)
            h.wfile.flush()
            h.close_connection = True
        else:
            h.send(code, half, headers, length=False)


def truncated(framed: bool = True) -> Fault:
    return _Truncated(framed)


class _Reset(Fault):
    name = "reset"

    def respond(self, h: _Handler, rec: Recorded) -> None:
        h.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        h.connection.close()
        h.close_connection = True


def reset() -> Fault:
    """Reset the connection (RST) without answering."""
    return _Reset()


class _Slow(Fault):
    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.name = f"slow {seconds:g}s"

    def respond(self, h: _Handler, rec: Recorded) -> None:
        if h.proxy.stopping.wait(self.seconds):
            return
        PASS.respond(h, rec)


def slow(seconds: float) -> Fault:
    """Answer (pass through) only after ``seconds``; stopping the proxy cuts the wait short."""
    return _Slow(seconds)


def html_200() -> Fault:
    return _Status(
        "html 200",
        200,
        b"<!DOCTYPE html><html><head><title>Wikimedia Error</title></head>"
        b"<body>Our servers are currently under maintenance.</body></html>",
        "text/html",
        {},
    )


class _Capped(Fault):
    def __init__(self, max_rows: int) -> None:
        self.max_rows = max_rows
        self.name = f"capped {max_rows}"

    def respond(self, h: _Handler, rec: Recorded) -> None:
        status, headers, body = h.forward(rec)
        data = json.loads(body)
        bindings = data["results"]["bindings"]
        if len(bindings) >= self.max_rows:  # as Virtuoso: cut, and say so in a header
            data["results"]["bindings"] = bindings[: self.max_rows]
            headers["X-SPARQL-MaxRows"] = str(self.max_rows)
        h.send(status, json.dumps(data).encode(), headers)


def capped(max_rows: int) -> Fault:
    """The real answer cut at ``max_rows`` rows with ``X-SPARQL-MaxRows`` (Virtuoso's row cap)."""
    return _Capped(max_rows)


class _Drip(Fault):
    name = "drip"

    def __init__(self, interval: float) -> None:
        self.interval = interval

    def respond(self, h: _Handler, rec: Recorded) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "application/sparql-results+json")
        h.send_header("Connection", "close")
        h.end_headers()
        for byte in b'{"head":{"vars":["x"]},"results":{"bindings":[' * 1000:
            if h.server.proxy.stopping.wait(self.interval):
                return
            h.wfile.write(bytes([byte]))
            h.wfile.flush()


class _DripHeaders(Fault):
    name = "drip headers"

    def __init__(self, interval: float) -> None:
        self.interval = interval

    def respond(self, h: _Handler, rec: Recorded) -> None:
        for byte in b"HTTP/1.0 200 OK\r\n" + b"X-Slow: " + b"a" * 10000:
            if h.server.proxy.stopping.wait(self.interval):
                return
            h.wfile.write(bytes([byte]))
            h.wfile.flush()


def drip_headers(interval: float = 1.0) -> Fault:
    """The status line and headers one byte every ``interval`` seconds, never finished."""
    return _DripHeaders(interval)


def drip(interval: float = 1.0) -> Fault:
    """200, then one byte of a never-ending body every ``interval`` seconds."""
    return _Drip(interval)


class _Huge(Fault):
    name = "huge"

    def __init__(self, size: int, declare: bool) -> None:
        self.size = size
        self.declare = declare

    def respond(self, h: _Handler, rec: Recorded) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "application/sparql-results+json")
        if self.declare:
            h.send_header("Content-Length", str(self.size))
        h.send_header("Connection", "close")
        h.end_headers()
        head = b'{"head":{"vars":["x"]},"results":{"bindings":['
        row = b'{"x":{"type":"literal","value":"' + b"a" * 1000 + b'"}},'
        h.wfile.write(head)
        sent = len(head)
        while sent < self.size and not h.server.proxy.stopping.is_set():
            h.wfile.write(row)
            sent += len(row)


def huge(size: int, declare: bool = False) -> Fault:
    """200 with a well-formed-looking body of ``size`` bytes (``declare``: in Content-Length)."""
    return _Huge(size, declare)


def body_200(body: str | bytes) -> Fault:
    """200 ``application/sparql-results+json`` with exactly ``body``."""
    raw = body.encode() if isinstance(body, str) else body
    return _Status("body 200", 200, raw, "application/sparql-results+json", {})


def redirect(code: int, location: str) -> Fault:
    """``code`` (301, 302, 307, 308) with ``Location``."""
    return _Status(f"redirect {code}", code, b"", "text/plain", {"Location": location})


def no_head_200() -> Fault:
    return _Status(
        "no head 200", 200, b'{"results":{"bindings":[]}}', "application/sparql-results+json", {}
    )


class _When(Fault):
    def __init__(self, pred: Callable[[Recorded], bool], then: Fault, otherwise: Fault) -> None:
        self.pred, self.then, self.otherwise = pred, then, otherwise
        self.name = f"when({then.name})"

    def respond(self, h: _Handler, rec: Recorded) -> None:
        chosen = self.then if self.pred(rec) else self.otherwise
        rec.fault = chosen.name
        chosen.respond(h, rec)


def when(pred: Callable[[Recorded], bool], then: Fault, otherwise: Fault = PASS) -> Fault:
    """``then`` for requests where ``pred`` holds, ``otherwise`` for the others."""
    return _When(pred, then, otherwise)


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.0"

    @property
    def proxy(self) -> FaultProxy:
        return self.server.proxy

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        rec = Recorded(self.command, self.path, dict(self.headers.items()), body, time.monotonic())
        fault = self.proxy._next_fault()
        rec.fault = fault.name
        self.proxy._enter(rec)
        try:
            fault.respond(self, rec)
        except (BrokenPipeError, ConnectionResetError, OSError):
            pass  # the client gave up (its own timeout): nothing to answer
        finally:
            self.proxy._leave()

    def forward(self, rec: Recorded) -> tuple[int, dict[str, str], bytes]:
        """Send the request on to the upstream endpoint; its status, headers and body."""
        url = self.proxy.upstream
        qs = urllib.parse.urlsplit(rec.path).query
        if qs:
            url += "?" + qs
        headers = {
            k: v
            for k in ("Content-Type", "Accept", "User-Agent")
            if (v := rec.header(k)) is not None
        }
        req = urllib.request.Request(url, data=rec.body or None, headers=headers, method=rec.method)
        try:
            with _OPENER.open(req, timeout=30) as r:
                return r.status, dict(r.headers.items()), r.read()
        except urllib.error.HTTPError as exc:
            return exc.code, dict(exc.headers.items()), exc.read()

    def send(self, code: int, body: bytes, headers: dict[str, str], *, length: bool = True) -> None:
        """Answer with ``body``; ``length=False`` omits Content-Length and ends by closing."""
        self.send_response(code)
        for k, v in headers.items():
            if k.lower() not in (
                "content-length",
                "transfer-encoding",
                "connection",
                "date",
                "server",
            ):
                self.send_header(k, v)
        if length:
            self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)
        self.wfile.flush()
        self.close_connection = True


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    proxy: FaultProxy

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client that went away mid-answer is part of the tests


@dataclass
class FaultProxy:
    """The proxy: ``script()`` faults, read ``requests``; ``url`` is its SPARQL endpoint."""

    upstream: str
    default: Fault = PASS
    requests: list[Recorded] = field(default_factory=list)
    stopping: threading.Event = field(default_factory=threading.Event)
    in_flight: int = 0
    max_in_flight: int = 0
    _queue: deque[Fault] = field(default_factory=deque)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _server: _Server | None = None
    _thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        assert self._server is not None, "not started"
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/query"

    def script(self, *faults: Fault) -> FaultProxy:
        """Answer the next requests with these faults, in order (then with ``default``)."""
        with self._lock:
            self._queue.extend(faults)
        return self

    def always(self, fault: Fault) -> FaultProxy:
        """Answer every request (after any scripted ones) with ``fault``."""
        self.default = fault
        return self

    def reset_log(self) -> None:
        with self._lock:
            self.requests.clear()
            self.max_in_flight = self.in_flight

    def faults(self) -> list[str]:
        """The fault applied to each recorded request, in arrival order."""
        return [r.fault for r in self.requests]

    def _next_fault(self) -> Fault:
        with self._lock:
            return self._queue.popleft() if self._queue else self.default

    def _enter(self, rec: Recorded) -> None:
        with self._lock:
            self.requests.append(rec)
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)

    def _leave(self) -> None:
        with self._lock:
            self.in_flight -= 1

    def start(self) -> FaultProxy:
        server = _Server(("127.0.0.1", 0), _Handler)
        server.proxy = self
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, args=(0.05,), name="faultproxy", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, cut short any slow answer, close the socket, join the thread."""
        self.stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=10)
        self._server = self._thread = None


@contextmanager
def running(upstream: str) -> Iterator[FaultProxy]:
    """A started proxy in front of ``upstream``, stopped for sure on exit."""
    proxy = FaultProxy(upstream).start()
    try:
        yield proxy
    finally:
        proxy.stop()
