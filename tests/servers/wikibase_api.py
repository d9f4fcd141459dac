"""A Wikibase's MediaWiki Action API on 127.0.0.1, answering what wikibaseintegrator sends.

It speaks ``format=json`` without ``formatversion`` (fv1 replies, ``errorformat=bc`` errors with
their help under ``*``), as WBI 0.12.15 asks:

- ``action=query&meta=tokens&type=login`` (sets a session cookie), ``action=login`` (bot
  password; ``lgpassword`` and ``lgtoken`` must be POSTed), ``meta=tokens&type=csrf`` (``+\\``
  for an anonymous session);
- ``wbgetentities`` (entities in the real shape with ``lastrevid``; ``missing`` ids);
- ``wbeditentity`` (``id``, ``data``, ``baserevid``, ``summary``, ``token``, ``assert``, ``bot``):
  new statements get GUIDs and hashes, every edit a new revision; with an older ``baserevid``
  the edit is patched onto the latest revision (warning ``wikibase-conflict-patched``) unless
  the properties it touches changed meanwhile (``editconflict``).

Errors are HTTP 200 with a ``MediaWiki-API-Error`` header, like MediaWiki: ``maxlag`` (with
``Retry-After`` and ``X-Database-Lag``; only for requests that carry ``maxlag``), ``badtoken``,
``assertuserfailed``, ``permissiondenied`` and any queued code. Every request is recorded
(action, parameters from the query string and the body, which came in the body, headers), and
every saved edit too. :func:`start` binds a free port in a thread; :func:`stop` joins it.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
import secrets
import threading
import urllib.parse
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

HELP = (
    "See http://127.0.0.1/w/api.php for API usage. Subscribe to the mediawiki-api-announce "
    "mailing list at &lt;https://lists.wikimedia.org/postorius/lists/"
    "mediawiki-api-announce.lists.wikimedia.org/&gt; for notice of API deprecations and "
    "breaking changes."
)
SERVEDBY = "mw-api-int.codfw.main-test"
ANON_TOKEN = "+\\"

MESSAGES = {
    "badtoken": "Invalid CSRF token.",
    "assertuserfailed": "You are no longer logged in, so the action could not be completed.",
    "assertbotfailed": 'You do not have the "bot" right, so the action could not be completed.',
    "permissiondenied": "You do not have the permissions needed to carry out this action.",
    "failed-save": "The save has failed.",
    "editconflict": "Edit conflict. Could not patch the current revision.",
    "protectedpage": "This page has been protected to prevent editing or other actions.",
}


def load_entities(path: Path) -> dict[str, dict[str, Any]]:
    """Entities from a ``wbgetentities``-shaped JSON file (``{"entities": {...}}``)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return dict(data["entities"])


@dataclass
class Request:
    """One request as the server received it."""

    method: str
    action: str
    params: dict[str, str]  # query string and body together (the body wins)
    body_params: frozenset[str]  # the names that came in the POST body
    headers: dict[str, str]
    raw_body: bytes = b""


@dataclass
class Edit:
    """One saved ``wbeditentity``."""

    item: str
    baserevid: int | None
    base_used: int  # the revision the edit was applied on
    revision: int  # the new revision
    summary: str
    added: list[dict[str, Any]]  # statements added (with their new GUIDs)
    user: str
    patched: bool = False


@dataclass
class _Session:
    login_token: str = ""
    user: str | None = None
    csrf: str = ""


@dataclass
class _Queued:
    action: str | None
    qid: str | None
    status: int
    body: dict[str, Any]
    headers: dict[str, str]
    needs_maxlag: bool = False
    lag: float = 0.0


@dataclass
class Server:
    """The API's state: entities with their revisions, users, sessions, queued faults, records."""

    entities: dict[str, dict[str, Any]]
    users: dict[str, str] = field(default_factory=dict)  # bot-password user -> password
    port: int = 0
    requests: list[Request] = field(default_factory=list)
    edits: list[Edit] = field(default_factory=list)
    revisions: dict[str, dict[int, dict[str, Any]]] = field(default_factory=dict)
    denied: dict[str, str] = field(default_factory=dict)  # qid -> error code for edits
    before_edit: dict[str, Callable[[Server], None]] = field(default_factory=dict)
    _queue: list[_Queued] = field(default_factory=list)
    _sessions: dict[str, _Session] = field(default_factory=dict)
    _next_rev: int = 0
    lock: threading.RLock = field(default_factory=threading.RLock)
    _httpd: ThreadingHTTPServer | None = None
    _thread: threading.Thread | None = None

    def __post_init__(self) -> None:
        self.entities = copy.deepcopy(self.entities)
        top = max((int(e.get("lastrevid", 0)) for e in self.entities.values()), default=0)
        self._next_rev = max(top, 2_211_855_000) + 1
        for qid, entity in self.entities.items():
            self.revisions[qid] = {int(entity["lastrevid"]): copy.deepcopy(entity)}

    @property
    def url(self) -> str:
        """The API URL (``…/w/api.php``)."""
        return f"http://127.0.0.1:{self.port}/w/api.php"

    # -- what the tests set up --

    def queue_maxlag(
        self,
        lag: float = 7,
        *,
        retry_after: str | None = None,
        action: str | None = None,
        times: int = 1,
    ) -> None:
        """Answer the next ``times`` requests (of ``action``) that carry ``maxlag`` below ``lag``
        with MediaWiki's maxlag error: ``Retry-After: max(maxlag, 5)`` unless given."""
        body = {
            "error": {
                "code": "maxlag",
                "info": f"Waiting for 10.64.16.5: {lag:g} seconds lagged.",
                "host": "10.64.16.5",
                "lag": lag,
                "type": "db",
                "*": HELP,
            },
            "servedby": SERVEDBY,
        }
        headers = {"X-Database-Lag": str(int(lag))}
        if retry_after is not None:
            headers["Retry-After"] = retry_after
        for _ in range(times):
            self._queue.append(_Queued(action, None, 200, body, headers, True, lag))

    def queue_error(
        self, code: str, *, action: str | None = "wbeditentity", qid: str | None = None
    ) -> None:
        """Answer the next request of ``action`` (for ``qid``) with the error ``code``, once."""
        self._queue.append(_Queued(action, qid, 200, error_body(code), {}))

    def add_statement(self, qid: str, pid: str, value: str, user: str = "SomeoneElse") -> int:
        """Someone else adds an item-valued statement: a new revision, returned."""
        with self.lock:
            entity = self.entities[qid]
            st = statement(qid, pid, value)
            entity.setdefault("claims", {}).setdefault(pid, []).append(st)
            rev = self._save(qid, entity)
            self.edits.append(Edit(qid, None, rev - 1, rev, "concurrent", [st], user))
            return rev

    def set_label(self, qid: str, lang: str, text: str) -> int:
        """Someone else changes a label: a new revision that touches no statement."""
        with self.lock:
            entity = self.entities[qid]
            entity.setdefault("labels", {})[lang] = {"language": lang, "value": text}
            return self._save(qid, entity)

    def actions(self) -> list[str]:
        """The actions of every request received, in order (``tokens:login`` for token queries)."""
        return [r.action for r in self.requests]

    def of(self, action: str) -> list[Request]:
        """The requests of one action."""
        return [r for r in self.requests if r.action == action]

    # -- the API --

    def _save(self, qid: str, entity: dict[str, Any]) -> int:
        rev = self._next_rev
        self._next_rev += 1
        entity["lastrevid"] = rev
        entity["modified"] = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        self.revisions.setdefault(qid, {})[rev] = copy.deepcopy(entity)
        return rev

    def _take_queued(self, action: str, params: dict[str, str]) -> _Queued | None:
        qid = params.get("id") or params.get("ids")
        for i, q in enumerate(self._queue):
            if q.action is not None and q.action != action:
                continue
            if q.qid is not None and q.qid != qid:
                continue
            if q.needs_maxlag:
                if "maxlag" not in params:
                    continue
                try:
                    if float(params["maxlag"]) >= q.lag:
                        continue
                except ValueError:
                    continue
            return self._queue.pop(i)
        return None

    def handle(
        self, method: str, params: dict[str, str], body_names: frozenset[str], cookie: str | None
    ) -> tuple[int, dict[str, Any], dict[str, str]]:
        """Answer one request: (status, JSON body, extra headers)."""
        action = params.get("action", "")
        if params.get("format") != "json":
            return 200, {"error": {"code": "badformat", "info": "format=json only here"}}, {}
        with self.lock:
            queued = self._take_queued(action, params)
            if queued is not None:
                headers = dict(queued.headers)
                if queued.needs_maxlag and "Retry-After" not in headers:
                    headers["Retry-After"] = str(max(int(float(params["maxlag"])), 5))
                return queued.status, queued.body, headers
            session, set_cookie = self._session(cookie)
            headers = {"Set-Cookie": set_cookie} if set_cookie else {}
            if action == "query" and params.get("meta") == "tokens":
                return 200, self._tokens(session, params.get("type", "csrf")), headers
            if action == "login":
                return 200, self._login(session, params, body_names), headers
            if action == "wbgetentities":
                return 200, self._get(params), headers
            if action == "wbeditentity":
                return 200, self._edit(session, params, body_names), headers
            return (
                200,
                error_body("badvalue", f'Unrecognized value for parameter "action": {action}.'),
                headers,
            )

    def _session(self, cookie: str | None) -> tuple[_Session, str]:
        sid = None
        if cookie:
            for part in cookie.split(";"):
                name, _, value = part.strip().partition("=")
                if name == "testwiki_session" and value in self._sessions:
                    sid = value
        if sid is None:
            sid = secrets.token_hex(16)
            self._sessions[sid] = _Session()
            return self._sessions[sid], f"testwiki_session={sid}; path=/; HttpOnly"
        return self._sessions[sid], ""

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

    def _get(self, params: dict[str, str]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        props = set(params["props"].split("|")) if params.get("props") else None
        info = ("pageid", "ns", "title", "lastrevid", "modified", "type", "id")
        for qid in params.get("ids", "").split("|"):
            if qid in self.entities:
                entity = copy.deepcopy(self.entities[qid])
                if props is not None:  # "info" gives the page and revision keys
                    keep = set(props) | ({*info} if "info" in props else {"type", "id"})
                    entity = {k: v for k, v in entity.items() if k in keep}
                out[qid] = entity
            else:
                out[qid] = {"id": qid, "missing": ""}
        return {"entities": out, "success": 1}

    def _edit(
        self, session: _Session, params: dict[str, str], body_names: frozenset[str]
    ) -> dict[str, Any]:
        token = params.get("token", "")
        if "token" not in body_names or not session.csrf or token != session.csrf:
            return error_body("badtoken")
        if params.get("assert") == "user" and session.user is None:
            return error_body("assertuserfailed")
        if params.get("assert") == "bot":
            return error_body("assertbotfailed")
        qid = params.get("id", "")
        if qid not in self.entities:
            return error_body("no-such-entity", f'Could not find an entity with the ID "{qid}".')
        if qid in self.denied:
            return error_body(self.denied[qid])
        hook = self.before_edit.pop(qid, None)
        if hook is not None:
            hook(self)
        try:
            data = json.loads(params.get("data", "{}"))
        except json.JSONDecodeError:
            return error_body("invalid-json", "Invalid json: The serialization is not valid JSON.")
        current = self.entities[qid]
        base_param = params.get("baserevid")
        patched = False
        if base_param is not None:
            base_rev = int(base_param)
            base = self.revisions[qid].get(base_rev)
            if base is None:
                return error_body("nosuchrevid", f"There is no revision with ID {base_rev}.")
            if base_rev != current["lastrevid"]:
                touched = set(data.get("claims", {}))
                for pid in touched:
                    if base.get("claims", {}).get(pid) != current.get("claims", {}).get(pid):
                        return {
                            "error": {
                                "code": "editconflict",
                                "info": MESSAGES["editconflict"],
                                "messages": [
                                    {
                                        "name": "wikibase-api-editconflict",
                                        "parameters": [],
                                        "html": {"*": MESSAGES["editconflict"]},
                                    },
                                    {
                                        "name": "edit-conflict",
                                        "parameters": [],
                                        "html": {"*": "Edit conflict."},
                                    },
                                ],
                                "*": HELP,
                            },
                            "servedby": SERVEDBY,
                        }
                patched = True
        base_used = int(current["lastrevid"])
        added: list[dict[str, Any]] = []
        for pid, statements in data.get("claims", {}).items():
            existing = current.setdefault("claims", {}).setdefault(pid, [])
            for st in statements:
                if "id" in st and "remove" in st:
                    existing[:] = [s for s in existing if s.get("id") != st["id"]]
                elif "id" in st:
                    existing[:] = [st if s.get("id") == st["id"] else s for s in existing]
                else:
                    new = _complete(qid, st)
                    existing.append(new)
                    added.append(new)
            if not existing:
                del current["claims"][pid]
        for key in ("labels", "descriptions", "sitelinks"):
            current.setdefault(key, {}).update(data.get(key, {}))
        current.setdefault("aliases", {}).update(data.get("aliases", {}))
        rev = self._save(qid, current)
        self.edits.append(
            Edit(
                qid,
                int(base_param) if base_param is not None else None,
                base_used,
                rev,
                params.get("summary", ""),
                added,
                session.user or "",
                patched,
            )
        )
        entity = {
            k: v
            for k, v in copy.deepcopy(current).items()
            if k not in ("pageid", "ns", "title", "modified")
        }
        answer: dict[str, Any] = {"entity": entity, "success": 1}
        if patched:
            answer["warnings"] = {
                "wbeditentity": {
                    "messages": [
                        {
                            "name": "wikibase-conflict-patched",
                            "parameters": [],
                            "html": {"*": "Your edit was patched into the latest version."},
                            "type": "warning",
                        }
                    ]
                }
            }
        return answer


def error_body(code: str, info: str | None = None) -> dict[str, Any]:
    """An ``errorformat=bc`` error envelope, formatversion 1 (help text under ``*``)."""
    return {
        "error": {"code": code, "info": info or MESSAGES.get(code, code), "*": HELP},
        "servedby": SERVEDBY,
    }


def _hash(value: Any) -> str:
    return hashlib.sha1(json.dumps(value, sort_keys=True).encode()).hexdigest()


def _complete(qid: str, st: dict[str, Any]) -> dict[str, Any]:
    """A submitted statement as Wikibase stores it: GUID, snak hashes, reference hashes/order."""
    new = copy.deepcopy(st)
    new["id"] = f"{qid}${str(uuid.uuid4()).upper()}"
    new.setdefault("type", "statement")
    new.setdefault("rank", "normal")
    new["mainsnak"]["hash"] = _hash(new["mainsnak"].get("datavalue"))
    refs = []
    for ref in new.get("references", []):
        for snaks in ref.get("snaks", {}).values():
            for snak in snaks:
                snak["hash"] = _hash(snak.get("datavalue"))
        ref["snaks-order"] = ref.get("snaks-order") or list(ref.get("snaks", {}))
        ref["hash"] = _hash(ref["snaks"])
        refs.append(ref)
    if refs:
        new["references"] = refs
    return new


def statement(qid: str, pid: str, value: str) -> dict[str, Any]:
    """An item-valued statement in the stored shape."""
    datavalue = {
        "value": {"entity-type": "item", "numeric-id": int(value[1:]), "id": value},
        "type": "wikibase-entityid",
    }
    return {
        "mainsnak": {
            "snaktype": "value",
            "property": pid,
            "hash": _hash(datavalue),
            "datavalue": datavalue,
            "datatype": "wikibase-item",
        },
        "type": "statement",
        "id": f"{qid}${str(uuid.uuid4()).upper()}",
        "rank": "normal",
    }


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
        record = Request(
            method,
            action,
            params,
            frozenset(form),
            {k: v for k, v in self.headers.items()},
            body,
        )
        with api.lock:
            api.requests.append(record)
        if url.path != "/w/api.php":
            self._send(404, {"error": "not found"}, {})
            return
        status, answer, headers = api.handle(
            method, params, frozenset(form), self.headers.get("Cookie")
        )
        if "error" in answer and isinstance(answer["error"], dict):
            headers = {**headers, "MediaWiki-API-Error": str(answer["error"].get("code", ""))}
        self._send(status, answer, headers)

    def _send(self, status: int, answer: dict[str, Any], headers: dict[str, str]) -> None:
        payload = json.dumps(answer, ensure_ascii=False).encode("utf-8")
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


def start(entities: dict[str, dict[str, Any]], users: dict[str, str]) -> Server:
    """Serve ``entities`` on a free loopback port in a background thread."""
    api = Server(entities, users)
    httpd = _HTTPServer(("127.0.0.1", 0), _Handler)
    httpd.api = api
    api.port = int(httpd.server_address[1])
    api._httpd = httpd
    api._thread = threading.Thread(
        target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, name="wikibase-api", daemon=True
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
