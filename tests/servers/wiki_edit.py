"""A MediaWiki Action API on 127.0.0.1 that reads and edits wikitext pages, as a wiki does.

It answers what ``glamgraph publish`` (through wikibaseintegrator's login session) sends, in the
real JSON shapes (``formatversion=2`` when asked, else fv1; ``errorformat=bc`` errors with their
help under ``docref`` (fv2) or ``*`` (fv1), HTTP 200 with a ``MediaWiki-API-Error`` header):

- ``action=query&meta=tokens&type=login`` (sets a session cookie), ``action=login`` (bot
  password ``User@BotName``; ``lgpassword`` and ``lgtoken`` must be POSTed; ``Success``,
  ``Failed`` with the reason, ``WrongToken``), ``meta=tokens&type=csrf`` (``+\\`` when anonymous);
- ``action=query&prop=revisions&titles=…&rvprop=content|ids|timestamp&rvslots=main`` with
  ``curtimestamp`` (``normalized`` titles, ``missing`` and ``invalid`` pages);
- ``action=edit`` (``title``, ``text``, ``summary``, ``baserevid``, ``basetimestamp``,
  ``starttimestamp``, ``nocreate``, ``createonly``, ``md5``, ``bot``, ``assert``, ``token``):
  POST only, token in the body. An edit whose base revision is not the page's latest is an
  ``editconflict`` (no three-way merge here: stricter than MediaWiki, which merges edits to
  other lines); the same text is ``nochange`` (no new revision); ``missingtitle`` with
  ``nocreate``, ``articleexists`` with ``createonly``, ``pagedeleted`` when the page was deleted
  after ``starttimestamp``; ``protectedpage`` and ``blocked`` (with ``blockinfo``) on demand;
  ``badmd5``, ``badtoken``, ``assertuserfailed``, ``assertbotfailed`` (a user without the bot
  right), ``assertanonfailed``;
- ``maxlag`` (``Retry-After: max(maxlag, 5)``, ``X-Database-Lag``) for queued lags, only for
  requests that carry ``maxlag`` below the lag.

Every request is recorded (method, action, parameters from the query string and the body, the
names that came in the body, headers, the raw body) and every saved revision is kept.
:meth:`Server.edit_as` is someone else editing; :attr:`Server.before_edit` runs a callable when
the next ``action=edit`` arrives (a concurrent edit between glamgraph's read and its write).
:func:`start` binds a free port in a thread; :func:`stop` shuts it down and joins it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
import threading
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

DOCREF = (
    "See http://127.0.0.1/w/api.php for API usage. Subscribe to the mediawiki-api-announce "
    "mailing list at &lt;https://lists.wikimedia.org/postorius/lists/"
    "mediawiki-api-announce.lists.wikimedia.org/&gt; for notice of API deprecations and "
    "breaking changes."
)
SERVEDBY = "mw-api-int.eqiad.main-test"
ANON_TOKEN = "+\\"
EPOCH = dt.datetime(2025, 3, 1, 10, 20, 30, tzinfo=dt.UTC)

MESSAGES = {
    "badtoken": "Invalid CSRF token.",
    "assertuserfailed": "You are no longer logged in, so the action could not be completed.",
    "assertbotfailed": 'You do not have the "bot" right, so the action could not be completed.',
    "assertanonfailed": "You are logged in, so the action could not be completed.",
    "editconflict": "Edit conflict.",
    "missingtitle": "The page you specified doesn't exist.",
    "articleexists": "The article you tried to create has been created already.",
    "pagedeleted": "The page has been deleted since you fetched its timestamp.",
    "protectedpage": "This page has been protected to prevent editing or other actions.",
    "blocked": "You have been blocked from editing.",
    "badmd5": "The supplied MD5 hash was incorrect.",
    "mustbeposted": 'The "edit" module requires a POST request.',
    "notoken": 'The "token" parameter must be set.',
}


@dataclass
class Revision:
    """One saved revision of a page."""

    revid: int
    parentid: int
    timestamp: str
    user: str
    comment: str
    text: str


@dataclass
class Page:
    """A page and its history (oldest first)."""

    title: str
    pageid: int
    history: list[Revision] = field(default_factory=list)
    protected: bool = False
    deleted_at: str = ""  # when it was deleted (its history is kept, as on a wiki)

    @property
    def latest(self) -> Revision:
        return self.history[-1]

    @property
    def exists(self) -> bool:
        return bool(self.history) and not self.deleted_at


@dataclass
class Request:
    """One request as the server received it."""

    method: str
    action: str  # "tokens:login" / "tokens:csrf" for token queries
    params: dict[str, str]  # query string and body together (the body wins)
    body_params: frozenset[str]
    headers: dict[str, str]
    raw_body: bytes = b""


@dataclass
class _Session:
    login_token: str = ""
    user: str | None = None
    csrf: str = ""


@dataclass
class _Queued:
    action: str | None
    status: int
    body: dict[str, Any] | bytes
    headers: dict[str, str]
    needs_maxlag: bool = False
    lag: float = 0.0


def normalise(title: str) -> str:
    """A title as MediaWiki stores it: underscores as spaces, first letter upper case."""
    title = " ".join(title.replace("_", " ").split())
    return title[:1].upper() + title[1:]


def error_body(
    code: str, info: str | None = None, fv2: bool = True, **extra: Any
) -> dict[str, Any]:
    """An ``errorformat=bc`` error envelope: help under ``docref`` (fv2) or ``*`` (fv1)."""
    err: dict[str, Any] = {"code": code, "info": info or MESSAGES.get(code, code), **extra}
    err["docref" if fv2 else "*"] = DOCREF
    return {"error": err, "servedby": SERVEDBY}


@dataclass
class Server:
    """The wiki's state: pages, users, sessions, queued faults, and the record of requests."""

    users: dict[str, str] = field(default_factory=dict)  # bot-password user -> password
    bots: set[str] = field(default_factory=set)  # users with the bot right
    blocked: set[str] = field(default_factory=set)
    pages: dict[str, Page] = field(default_factory=dict)
    port: int = 0
    requests: list[Request] = field(default_factory=list)
    before_edit: list[Callable[[Server], None]] = field(default_factory=list)
    lock: threading.RLock = field(default_factory=threading.RLock)
    _queue: list[_Queued] = field(default_factory=list)
    _sessions: dict[str, _Session] = field(default_factory=dict)
    _next_rev: int = 27_654_321
    _next_page: int = 123_456
    _clock: int = 0
    _httpd: ThreadingHTTPServer | None = None
    _thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """The API URL (``…/w/api.php``)."""
        return f"http://127.0.0.1:{self.port}/w/api.php"

    # -- what the tests set up and read --

    def now(self) -> str:
        """The wiki's clock: a second later on each call, so every revision has its own time."""
        self._clock += 1
        return (EPOCH + dt.timedelta(seconds=self._clock)).strftime("%Y-%m-%dT%H:%M:%SZ")

    def create(self, title: str, text: str, user: str = "Someone") -> Page:
        """A page with one revision."""
        with self.lock:
            self._save(normalise(title), text, user, "created")
            return self.pages[normalise(title)]

    def edit_as(self, user: str, title: str, text: str, comment: str = "") -> Revision:
        """Someone else saves a new revision of ``title``."""
        with self.lock:
            return self._save(normalise(title), text, user, comment)

    def delete(self, title: str) -> None:
        """The page is deleted (its history kept)."""
        with self.lock:
            self.pages[normalise(title)].deleted_at = self.now()

    def expire_tokens(self) -> None:
        """Every CSRF token handed out so far stops working (as after a session reset)."""
        with self.lock:
            for session in self._sessions.values():
                if session.csrf:
                    session.csrf = secrets.token_hex(20) + "+\\"

    def protect(self, title: str) -> None:
        with self.lock:
            self.pages[normalise(title)].protected = True

    def text(self, title: str) -> str:
        """The current text of a page."""
        return self.pages[normalise(title)].latest.text

    def queue_maxlag(self, lag: float = 7, *, action: str | None = None, times: int = 1) -> None:
        """Answer the next ``times`` requests (of ``action``) that carry ``maxlag`` below ``lag``
        with MediaWiki's maxlag error (``Retry-After: max(maxlag, 5)``)."""
        body = error_body(
            "maxlag",
            f"Waiting for 10.64.16.5: {lag:g} seconds lagged.",
            host="10.64.16.5",
            lag=lag,
            type="db",
        )
        headers = {"X-Database-Lag": str(int(lag))}
        for _ in range(times):
            self._queue.append(_Queued(action, 200, body, headers, True, lag))

    def queue_answer(
        self,
        action: str | None,
        status: int,
        body: dict[str, Any] | bytes,
        headers: dict[str, str],
    ) -> None:
        """Answer the next request of ``action`` with this (JSON, or raw bytes), once."""
        self._queue.append(_Queued(action, status, body, headers))

    def of(self, action: str) -> list[Request]:
        """The requests of one action (``edit``, ``login``, ``query``, ``tokens:csrf``…)."""
        return [r for r in self.requests if r.action == action]

    # -- the API --

    def _save(self, title: str, text: str, user: str, comment: str) -> Revision:
        page = self.pages.get(title)
        if page is None:
            page = self.pages[title] = Page(title, self._next_page)
            self._next_page += 1
        parent = page.latest.revid if page.history and not page.deleted_at else 0
        page.deleted_at = ""
        rev = Revision(self._next_rev, parent, self.now(), user, comment, text)
        self._next_rev += 1
        page.history.append(rev)
        return rev

    def _take_queued(self, action: str, params: dict[str, str]) -> _Queued | None:
        for i, q in enumerate(self._queue):
            if q.action is not None and q.action != action:
                continue
            if q.needs_maxlag:
                try:
                    if float(params.get("maxlag", "inf")) >= q.lag:
                        continue
                except ValueError:
                    continue
            return self._queue.pop(i)
        return None

    def handle(
        self,
        method: str,
        action: str,
        params: dict[str, str],
        body_names: frozenset[str],
        cookie: str | None,
    ) -> tuple[int, dict[str, Any] | bytes, dict[str, str]]:
        """Answer one request: (status, JSON body or raw bytes, extra headers)."""
        fv2 = params.get("formatversion") in ("2", "latest")
        if params.get("format") != "json":
            return 200, error_body("badformat", "format=json only here", fv2), {}
        with self.lock:
            queued = self._take_queued(action, params)
            if queued is not None:
                headers = dict(queued.headers)
                if queued.needs_maxlag:
                    headers["Retry-After"] = str(max(int(float(params["maxlag"])), 5))
                return queued.status, queued.body, headers
            session, set_cookie = self._session(cookie)
            headers = {"Set-Cookie": set_cookie} if set_cookie else {}
            failed = self._check_assert(session, params, fv2)
            if failed is not None:
                return 200, failed, headers
            if action.startswith("tokens:"):
                return 200, self._tokens(session, action.split(":", 1)[1]), headers
            if action == "login":
                return 200, self._login(session, params, body_names), headers
            if action == "query":
                return 200, self._query(params, fv2), headers
            if action == "edit":
                return 200, self._edit(method, session, params, body_names, fv2), headers
            return (
                200,
                error_body(
                    "badvalue", f'Unrecognized value for parameter "action": {action}.', fv2
                ),
                headers,
            )

    def _session(self, cookie: str | None) -> tuple[_Session, str]:
        if cookie:
            for part in cookie.split(";"):
                name, _, value = part.strip().partition("=")
                if name == "testwiki_session" and value in self._sessions:
                    return self._sessions[value], ""
        sid = secrets.token_hex(16)
        self._sessions[sid] = _Session()
        return self._sessions[sid], f"testwiki_session={sid}; path=/; HttpOnly"

    def _check_assert(
        self, session: _Session, params: dict[str, str], fv2: bool
    ) -> dict[str, Any] | None:
        wanted = params.get("assert")
        if wanted == "user" and session.user is None:
            return error_body("assertuserfailed", fv2=fv2)
        if wanted == "bot" and (session.user is None or session.user not in self.bots):
            return error_body("assertbotfailed", fv2=fv2)
        if wanted == "anon" and session.user is not None:
            return error_body("assertanonfailed", fv2=fv2)
        return None

    def _tokens(self, session: _Session, kind: str) -> dict[str, Any]:
        if kind == "login":
            session.login_token = secrets.token_hex(20) + "+\\"
            return {"batchcomplete": "", "query": {"tokens": {"logintoken": session.login_token}}}
        if session.user is None:
            token = ANON_TOKEN
        else:
            session.csrf = session.csrf or secrets.token_hex(20) + "+\\"
            token = session.csrf
        return {"batchcomplete": "", "query": {"tokens": {"csrftoken": token}}}

    def _login(
        self, session: _Session, params: dict[str, str], body_names: frozenset[str]
    ) -> dict[str, Any]:
        if not {"lgpassword", "lgtoken"} <= body_names:
            return error_body(
                "mustpostparams",
                "The following parameters were found in the query string, but must be in the "
                "POST body: lgpassword, lgtoken.",
                fv2=False,
            )
        if not session.login_token or params.get("lgtoken") != session.login_token:
            return {"login": {"result": "WrongToken"}}
        user = params.get("lgname", "")
        if self.users.get(user) is None or self.users[user] != params.get("lgpassword"):
            return {
                "login": {
                    "result": "Failed",
                    "reason": "Incorrect username or password entered. Please try again.",
                }
            }
        session.user = user
        session.csrf = ""
        return {"login": {"result": "Success", "lguserid": 12345, "lgusername": user.split("@")[0]}}

    def _query(self, params: dict[str, str], fv2: bool) -> dict[str, Any]:
        if params.get("prop") != "revisions" or "titles" not in params:
            return error_body("badvalue", "Only prop=revisions&titles= is served here.", fv2)
        title = params["titles"]
        norm = normalise(title)
        query: dict[str, Any] = {}
        if norm != title:
            query["normalized"] = [{"fromencoded": False, "from": title, "to": norm}]
        page = self.pages.get(norm)
        entry: dict[str, Any]
        if any(c in title for c in "[]{}|#<>") or not norm:
            entry = {
                "title": title,
                "invalidreason": f'The requested page title contains invalid characters: "{title}".',
                "invalid": True if fv2 else "",
            }
        elif page is None or not page.exists:
            entry = {"ns": 0, "title": norm, "missing": True if fv2 else ""}
        else:
            rev = page.latest
            main: dict[str, Any] = {"contentmodel": "wikitext", "contentformat": "text/x-wiki"}
            main["content" if fv2 else "*"] = rev.text
            entry = {
                "pageid": page.pageid,
                "ns": 0,
                "title": norm,
                "revisions": [
                    {
                        "revid": rev.revid,
                        "parentid": rev.parentid,
                        "timestamp": rev.timestamp,
                        "slots": {"main": main},
                    }
                ],
            }
        if fv2:
            query["pages"] = [entry]
        else:
            key = str(entry.get("pageid", -1))
            query["pages"] = {key: entry}
        out: dict[str, Any] = {"batchcomplete": True if fv2 else "", "query": query}
        if params.get("curtimestamp") is not None:
            out = {"curtimestamp": self.now(), **out}
        return out

    def _edit(
        self,
        method: str,
        session: _Session,
        params: dict[str, str],
        body_names: frozenset[str],
        fv2: bool,
    ) -> dict[str, Any]:
        def err(code: str, **extra: Any) -> dict[str, Any]:
            return error_body(code, fv2=fv2, **extra)

        if method != "POST":
            return err("mustbeposted")
        hooks, self.before_edit[:] = list(self.before_edit), []
        for hook in hooks:
            hook(self)
        if "token" not in params:
            return err("notoken")
        if (
            "token" not in body_names
            or session.user is None
            or not session.csrf
            or params["token"] != session.csrf
        ):
            return err("badtoken")
        user = session.user
        if user in self.blocked:
            return err(
                "blocked",
                blockinfo={
                    "blockid": 4242,
                    "blockedby": "Admin",
                    "blockedbyid": 7,
                    "blockreason": "Malfunctioning bot",
                    "blockedtimestamp": "2025-02-01T00:00:00Z",
                    "blockexpiry": "infinite",
                },
            )
        title = normalise(params.get("title", ""))
        text = params.get("text")
        if not title or text is None:
            return err("missingparam", info='The "title" and "text" parameters must be set.')
        if "md5" in params and hashlib.md5(text.encode()).hexdigest() != params["md5"]:
            return err("badmd5")
        page = self.pages.get(title)
        exists = page is not None and page.exists
        if not exists:
            if "nocreate" in params:
                return err("missingtitle")
            start = params.get("starttimestamp", "")
            if page is not None and page.deleted_at and start and start < page.deleted_at:
                return err("pagedeleted")
        else:
            assert page is not None
            if "createonly" in params:
                return err("articleexists")
            if page.protected:
                return err("protectedpage")
            base = params.get("baserevid")
            base_ts = params.get("basetimestamp")
            latest = page.latest
            if (base is not None and base != str(latest.revid)) or (
                base_ts is not None and base_ts != latest.timestamp
            ):
                return err("editconflict")
            if text == latest.text:
                out: dict[str, Any] = {
                    "result": "Success",
                    "pageid": page.pageid,
                    "title": title,
                    "contentmodel": "wikitext",
                    "nochange": True if fv2 else "",
                }
                return {"edit": out}
        rev = self._save(title, text, user.split("@")[0], params.get("summary", ""))
        saved = self.pages[title]
        out = {
            "result": "Success",
            "pageid": saved.pageid,
            "title": title,
            "contentmodel": "wikitext",
            "oldrevid": rev.parentid,
            "newrevid": rev.revid,
            "newtimestamp": rev.timestamp,
        }
        if not exists:
            out["new"] = True if fv2 else ""
        return {"edit": out}


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _HTTPServer

    def log_message(self, format: str, *args: Any) -> None:  # quiet: tests read the records
        pass

    def do_GET(self) -> None:
        self._serve("GET", b"")

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self._serve("POST", self.rfile.read(length) if length else b"")

    def _serve(self, method: str, body: bytes) -> None:
        api = self.server.api
        url = urllib.parse.urlsplit(self.path)
        query = dict(urllib.parse.parse_qsl(url.query, keep_blank_values=True))
        form: dict[str, str] = {}
        ctype = self.headers.get("Content-Type", "")
        if body and ctype.startswith("application/x-www-form-urlencoded"):
            form = dict(urllib.parse.parse_qsl(body.decode("utf-8"), keep_blank_values=True))
        params = {**query, **form}
        action = params.get("action", "")
        if action == "query" and params.get("meta") == "tokens":
            action = f"tokens:{params.get('type', 'csrf')}"
        record = Request(method, action, params, frozenset(form), dict(self.headers.items()), body)
        with api.lock:
            api.requests.append(record)
        if url.path != "/w/api.php":
            self._send(404, {"error": "not found"}, {})
            return
        status, answer, headers = api.handle(
            method, action, params, frozenset(form), self.headers.get("Cookie")
        )
        if isinstance(answer, dict) and isinstance(answer.get("error"), dict):
            headers = {**headers, "MediaWiki-API-Error": str(answer["error"].get("code", ""))}
        self._send(status, answer, headers)

    def _send(self, status: int, answer: dict[str, Any] | bytes, headers: dict[str, str]) -> None:
        payload = (
            answer if isinstance(answer, bytes) else json.dumps(answer, ensure_ascii=False).encode()
        )
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        for k, v in headers.items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(payload)


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    api: Server

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that drops a kept-alive connection is no error worth printing."""
        import sys

        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def start(users: dict[str, str] | None = None) -> Server:
    """Serve an empty wiki on a free loopback port in a background thread."""
    api = Server(users=dict(users or {}))
    httpd = _HTTPServer(("127.0.0.1", 0), _Handler)
    httpd.api = api
    api.port = int(httpd.server_address[1])
    api._httpd = httpd
    api._thread = threading.Thread(
        target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, name="wiki-edit", daemon=True
    )
    api._thread.start()
    return api


def stop(api: Server) -> None:
    """Shut the server down and wait for its thread."""
    if api._httpd is not None:
        api._httpd.shutdown()
        api._httpd.server_close()
    if api._thread is not None:
        api._thread.join(timeout=10)
