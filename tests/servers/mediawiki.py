"""A small MediaWiki Action API on 127.0.0.1 that answers page reads in the real JSON shape.

It serves ``action=query&prop=revisions&...&formatversion=2`` as Meta-Wiki does (``normalized``
titles, a ``pages`` list, ``revisions[0].slots.main.content``; ``missing`` and ``invalid``
pages), records every request (path, parameters, headers) and can be told to fail first:
:meth:`Server.fail_next` queues canned answers (a status, headers and a body) served before the
real one. :func:`start` binds a free port in a thread; :func:`stop` shuts it down and joins it.
"""

from __future__ import annotations

import json
import threading
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

DOCREF = (
    "See https://meta.wikimedia.org/w/api.php for API usage. Subscribe to the "
    "mediawiki-api-announce mailing list at &lt;https://lists.wikimedia.org/postorius/lists/"
    "mediawiki-api-announce.lists.wikimedia.org/&gt; for notice of API deprecations and "
    "breaking changes."
)


@dataclass
class Page:
    content: str
    revid: int = 27654321
    parentid: int = 27650000
    timestamp: str = "2025-03-01T10:20:30Z"
    pageid: int = 123456
    ns: int = 828


@dataclass
class Canned:
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Seen:
    path: str
    params: dict[str, str]
    headers: dict[str, str]


def api_error(code: str, info: str, **extra: Any) -> bytes:
    """An ``errorformat=bc`` error envelope (formatversion=2)."""
    err = {"code": code, "info": info, **extra, "docref": DOCREF}
    return json.dumps({"error": err, "servedby": "mw-api-ext.eqiad.main-7d9f"}).encode()


def maxlag(lag: int = 7) -> Canned:
    """The maxlag answer: HTTP 200, ``Retry-After``, ``X-Database-Lag``, error code maxlag."""
    body = api_error(
        "maxlag",
        f"Waiting for 10.64.16.5: {lag} seconds lagged.",
        host="10.64.16.5",
        lag=lag,
        type="db",
    )
    headers = {
        "Retry-After": str(max(5, lag)),
        "X-Database-Lag": str(lag),
        "MediaWiki-API-Error": "maxlag",
    }
    return Canned(200, body, headers)


def _normalise(title: str) -> str:
    title = title.replace("_", " ").strip()
    return title[:1].upper() + title[1:]


class Server:
    """The running server: its pages, the requests it saw, the failures still queued."""

    def __init__(self) -> None:
        self.pages: dict[str, Page] = {}
        self.seen: list[Seen] = []
        self.queue: list[Canned] = []
        self._lock = threading.Lock()
        self.httpd: ThreadingHTTPServer | None = None
        self.thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        assert self.httpd is not None
        return int(self.httpd.server_address[1])

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/w/api.php"

    def add_page(self, title: str, content: str, **kw: Any) -> Page:
        page = Page(content, **kw)
        self.pages[_normalise(title)] = page
        return page

    def fail_next(self, *answers: Canned) -> None:
        with self._lock:
            self.queue.extend(answers)

    def answer(self, path: str, params: dict[str, str], headers: dict[str, str]) -> Canned:
        with self._lock:
            self.seen.append(Seen(path, params, headers))
            if self.queue:
                return self.queue.pop(0)
        if path != "/w/api.php":
            return Canned(404, b"<!DOCTYPE html><html><body>Not Found</body></html>")
        if params.get("action") != "query" or params.get("prop") != "revisions":
            return Canned(200, api_error("badvalue", "Unrecognized value for parameter."))
        title = params.get("titles", "")
        query: dict[str, Any] = {}
        norm = _normalise(title)
        if norm != title:
            query["normalized"] = [{"fromencoded": False, "from": title, "to": norm}]
        if any(c in title for c in "[]{}|#<>"):
            query["pages"] = [
                {
                    "title": title,
                    "invalidreason": f'The requested page title contains invalid characters: "{title}".',
                    "invalid": True,
                }
            ]
        elif norm not in self.pages:
            query["pages"] = [{"ns": 828, "title": norm, "missing": True}]
        else:
            p = self.pages[norm]
            query["pages"] = [
                {
                    "pageid": p.pageid,
                    "ns": p.ns,
                    "title": norm,
                    "revisions": [
                        {
                            "revid": p.revid,
                            "parentid": p.parentid,
                            "timestamp": p.timestamp,
                            "slots": {
                                "main": {
                                    "contentmodel": "Scribunto",
                                    "contentformat": "text/plain",
                                    "content": p.content,
                                }
                            },
                        }
                    ],
                }
            ]
        body = json.dumps({"batchcomplete": True, "query": query}).encode()
        return Canned(200, body, {"Content-Type": "application/json; charset=utf-8"})


def _handler(server: Server) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            parts = urllib.parse.urlsplit(self.path)
            params = dict(urllib.parse.parse_qsl(parts.query, keep_blank_values=True))
            canned = server.answer(parts.path, params, dict(self.headers.items()))
            self.send_response(canned.status)
            headers = {"Content-Type": "application/json; charset=utf-8", **canned.headers}
            for k, v in headers.items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(canned.body)))
            self.end_headers()
            self.wfile.write(canned.body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


def start() -> Server:
    """Serve on a free port of 127.0.0.1 in a daemon thread."""
    server = Server()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(server))
    httpd.daemon_threads = True
    server.httpd = httpd
    server.thread = threading.Thread(
        target=httpd.serve_forever,
        kwargs={"poll_interval": 0.05},
        name="mediawiki-test",
        daemon=True,
    )
    server.thread.start()
    return server


def stop(server: Server) -> None:
    """Shut the server down, close its socket and wait for its thread."""
    if server.httpd is not None:
        server.httpd.shutdown()
        server.httpd.server_close()
    if server.thread is not None:
        server.thread.join(timeout=10)
