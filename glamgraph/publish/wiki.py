"""Reading a page and editing it through the Action API, logged in with wikibaseintegrator.

The login is wikibaseintegrator's (``wbi_login.Login``, a bot password: login token, login,
CSRF token, session cookies); edits go through ``wbi_helpers.mediawiki_api_call_helper``, which
adds the token, ``assert`` and ``maxlag``. Reads use ``wbi_helpers.mediawiki_api_call`` on the
same logged-in session (or, for a dry run, on an anonymous ``requests`` session).

Every request carries ``maxlag``. Answers that ask the client to come back later (``maxlag``,
``readonly``, ``ratelimited``, HTTP 429) are turned into :class:`_Transient` by a response hook
before wikibaseintegrator looks at them (its own waits ignore ``Retry-After``), and retried by
tenacity: the server's ``Retry-After`` first (capped: a longer wait fails at once), else
``max(5, lag)`` for maxlag, else exponential backoff with jitter. An edit is retried only after an
answer that guarantees it was not saved (maxlag, readonly, rate limit); after a timeout or an
HTTP 5xx it is not resent, and the message says to check the page history.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Final, TypeVar

from glamgraph.client import Settings, Verdict
from glamgraph.client import call as retry_call
from glamgraph.client.retry_after import parse_retry_after
from glamgraph.client.secrets import scrub
from glamgraph.errors import BadInput, MediaWikiError
from glamgraph.mediawiki import parse_response
from glamgraph.publish.credentials import Credentials

log = logging.getLogger("glamgraph.publish")

T = TypeVar("T")

#: Answers that say "not now": the request was not carried out, resending it is safe.
SAFE_TO_RESEND: Final = frozenset({"maxlag", "readonly", "ratelimited"})
CONFLICT_CODES: Final = frozenset({"editconflict", "pagedeleted", "articleexists", "missingtitle"})
PROTECTED_CODES: Final = frozenset(
    {
        "protectedpage",
        "cascadeprotected",
        "protectednamespace",
        "protectednamespace-interface",
        "protectedtitle",
        "permissiondenied",
        "noedit",
        "writeapidenied",
    }
)
BLOCKED_CODES: Final = frozenset(
    {"blocked", "autoblocked", "globalblocking-blocked", "globalblocking-blocked-nopassreset"}
)


class EditConflict(MediaWikiError):
    """The page changed between glamgraph's read and its write: nothing was edited (exit 3)."""


class _Transient(Exception):
    """An answer to wait out; ``safe``: the request was certainly not carried out."""

    def __init__(
        self, why: str, *, safe: bool, retry_after: float | None = None, lag: float | None = None
    ) -> None:
        super().__init__(why)
        self.why = why
        self.safe = safe
        self.retry_after = retry_after
        self.lag = lag


def _float(value: Any) -> float | None:
    try:
        out = float(value)
    except (TypeError, ValueError):
        return None
    return out if out == out else None


def _hook(response: Any, *args: Any, **kwargs: Any) -> Any:
    """A ``requests`` response hook: raise :class:`_Transient` for answers to wait out."""
    status = int(response.status_code)
    retry_after = parse_retry_after(response.headers.get("Retry-After"))
    code = response.headers.get("MediaWiki-API-Error", "") or ""
    lag = _float(response.headers.get("X-Database-Lag"))
    if code in SAFE_TO_RESEND or status == 429:
        with contextlib.suppress(ValueError):
            err = response.json().get("error", {})
            if isinstance(err, dict) and err.get("lag") is not None:
                lag = _float(err.get("lag"))
        why = f"API code {code}" if code else "HTTP 429"
        if lag is not None:
            why += f", lag {lag:g} s"
        raise _Transient(why, safe=True, retry_after=retry_after, lag=lag)
    if status in (500, 502, 503, 504):
        raise _Transient(f"HTTP {status}", safe=False, retry_after=retry_after)
    return response


@dataclass(frozen=True)
class PageState:
    """A page as read just now.

    Attributes:
        title: the title as the wiki normalised it.
        exists: whether the page exists.
        text: its current wikitext ('' for a missing page).
        revid: the current revision (``None`` for a missing page).
        timestamp: that revision's timestamp.
        curtimestamp: the wiki's clock at the read (the edit's ``starttimestamp``).
    """

    title: str
    exists: bool
    text: str
    revid: int | None
    timestamp: str | None
    curtimestamp: str


def page_state(data: Any, title: str, api_url: str) -> PageState:
    """The :class:`PageState` in a ``prop=revisions`` answer (``formatversion`` 1 or 2).

    >>> page_state({"curtimestamp": "2025-01-01T00:00:00Z", "query": {"pages": [
    ...     {"ns": 0, "title": "GLAM/Contacts", "missing": True}]}}, "GLAM/Contacts", "u")
    PageState(title='GLAM/Contacts', exists=False, text='', revid=None, timestamp=None, curtimestamp='2025-01-01T00:00:00Z')
    """
    cur = str(data.get("curtimestamp", "")) if isinstance(data, dict) else ""
    query = data.get("query") if isinstance(data, dict) else None
    pages = query.get("pages") if isinstance(query, dict) else None
    if isinstance(pages, dict):
        pages = list(pages.values())
    if isinstance(pages, list) and pages and isinstance(pages[0], dict):
        page = pages[0]
        if page.get("missing") not in (None, False) and page.get("invalid") in (None, False):
            return PageState(str(page.get("title", title)), False, "", None, None, cur)
    rev = parse_response(_fv2_content(data), title, api_url)
    if rev.contentmodel and rev.contentmodel != "wikitext":
        raise BadInput(f"{rev.title}: content model {rev.contentmodel}, not wikitext; not edited")
    return PageState(rev.title, True, rev.content, rev.revid, rev.timestamp, cur)


def _fv2_content(data: Any) -> Any:
    """A formatversion=1 answer's slot content moved to ``content`` (as in formatversion=2)."""
    with contextlib.suppress(AttributeError, KeyError, TypeError, IndexError):
        pages = data["query"]["pages"]
        for page in pages.values() if isinstance(pages, dict) else pages:
            for rev in page.get("revisions", []):
                main = rev["slots"]["main"]
                if "content" not in main and "*" in main:
                    main["content"] = main["*"]
    return data


class WikiClient:
    """One wiki's Action API: anonymous reads, or a bot-password login for reads and the edit.

    Args:
        api_url: the wiki's ``api.php``.
        user_agent: glamgraph's User-Agent, with the operator's contact.
        maxlag: the ``maxlag`` sent with every request.
        max_attempts: attempts per request for answers to wait out.
        max_retry_after_s: the cap on a server's ``Retry-After``; a longer wait fails at once.
        backoff_max_s: the longest pause without a ``Retry-After``.
        timeout_s: seconds to wait for one answer.
        sleep: how to wait (tests pass a recorder).
    """

    def __init__(
        self,
        api_url: str,
        *,
        user_agent: str,
        maxlag: int = 5,
        max_attempts: int = 5,
        max_retry_after_s: float = 120.0,
        backoff_max_s: float = 30.0,
        timeout_s: float = 60.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        import requests
        from wikibaseintegrator.wbi_helpers import get_user_agent

        self.api_url = api_url
        self.user_agent = user_agent
        self.maxlag = maxlag
        self.max_attempts = max(1, max_attempts)
        self.max_retry_after_s = max_retry_after_s
        self.timeout_s = timeout_s
        self._sleep = sleep
        self.policy = Settings(
            max_attempts=max(1, max_attempts),
            max_retry_after_s=max_retry_after_s,
            backoff_s=1.0,
            backoff_max_s=backoff_max_s,
            timeout_s=timeout_s,
            maxlag=maxlag,
            sleep=self._sleep_noted,
        )
        self.login: Any = None
        self.user = ""
        self.session: Any = requests.Session()
        self.session.headers["User-Agent"] = get_user_agent(user_agent)
        self.session.hooks["response"].append(_hook)
        self.waits: list[float] = []

    def close(self) -> None:
        """Close the HTTP sessions (anonymous and logged in) and their connections."""
        self.session.close()
        if self.login is not None:
            self.login.get_session().close()

    # -- login --

    def log_in(self, creds: Credentials) -> None:
        """Log in with the bot password (wikibaseintegrator's ``Login``).

        Raises:
            BadInput: the wiki refused the user name or password.
            MediaWikiError: the wiki could not be reached or answered nonsense.
        """
        import requests
        from wikibaseintegrator import wbi_login

        try:
            with _no_wbi_backoff():
                login = wbi_login.Login(
                    user=creds.user,
                    password=creds.password,
                    mediawiki_api_url=self.api_url,
                    user_agent=self.user_agent,
                    timeout=self.timeout_s,
                )
        except wbi_login.LoginError as exc:
            raise BadInput(
                f"login to {self.api_url} as {creds.user} refused: "
                f"{scrub(str(exc), creds.password)}; nothing was edited"
            ) from None
        except _Transient as exc:  # pragma: no cover - login requests carry no maxlag
            raise MediaWikiError(f"login to {self.api_url} failed: {exc.why}") from None
        except requests.RequestException as exc:
            raise MediaWikiError(
                f"login to {self.api_url} failed: {type(exc).__name__}: "
                f"{scrub(str(exc), creds.password)}"
            ) from None
        except (KeyError, ValueError, TypeError) as exc:  # WrongToken has no reason; HTML
            raise MediaWikiError(
                f"login to {self.api_url} failed: unexpected answer ({type(exc).__name__})"
            ) from None
        login.get_session().hooks["response"].append(_hook)
        self.login = login
        self.session = login.get_session()
        self.user = creds.user

    # -- requests --

    def read(self, title: str) -> PageState:
        """The page's current revision (uncached), and the wiki's clock.

        Raises:
            MediaWikiError: an invalid title, an API error, or no answer after the retries.
        """
        params: dict[str, Any] = {
            "action": "query",
            "prop": "revisions",
            "titles": title,
            "rvprop": "content|ids|timestamp",
            "rvslots": "main",
            "curtimestamp": "1",
            "format": "json",
            "formatversion": "2",
            "maxlag": str(self.maxlag),
        }
        if self.login is not None:
            params["assert"] = "user"
        try:
            data = self._retry(f"read {title}", lambda: self._get(params), resend_unsafe=True)
        except _ApiError as exc:
            raise MediaWikiError(
                f"{title}: {self.api_url} answered an error (API code {exc.code}): {exc.info}"
            ) from None
        return page_state(data, title, self.api_url)

    def _get(self, params: dict[str, Any]) -> Any:
        from wikibaseintegrator.wbi_helpers import mediawiki_api_call

        return mediawiki_api_call(
            "GET",
            mediawiki_api_url=self.api_url,
            session=self.session,
            params=params,
            max_retries=1,
            retry_after=0,
            timeout=self.timeout_s,
        )

    def edit(self, data: dict[str, str], *, bot: bool) -> dict[str, Any]:
        """``action=edit`` with ``data`` (logged in; token, ``assert`` and ``maxlag`` added).

        Returns:
            The ``edit`` object of the answer.

        Raises:
            EditConflict: the page changed since it was read (or was deleted, or created).
            MediaWikiError: any other refusal (protected page, blocked user, lost session...).
        """
        from wikibaseintegrator.wbi_helpers import mediawiki_api_call_helper

        if self.login is None:  # pragma: no cover - publish logs in first
            raise MediaWikiError("an edit needs a login")
        renewed = False
        while True:

            def send() -> Any:
                return mediawiki_api_call_helper(
                    dict(data),
                    login=self.login,
                    mediawiki_api_url=self.api_url,
                    user_agent=self.user_agent,
                    allow_anonymous=False,
                    max_retries=1,
                    retry_after=0,
                    maxlag=self.maxlag,
                    is_bot=bot,
                    timeout=self.timeout_s,
                )

            try:
                answer = self._retry(f"edit {data.get('title')}", send, resend_unsafe=False)
            except _ApiError as exc:
                if exc.code == "badtoken" and not renewed:
                    renewed = True
                    self.login.generate_edit_credentials()
                    continue
                raise self._edit_error(data.get("title", ""), exc) from None
            edit = answer.get("edit") if isinstance(answer, dict) else None
            if not isinstance(edit, dict) or edit.get("result") != "Success":
                shown = " ".join(str(edit or answer)[:200].split())
                raise MediaWikiError(
                    f"{data.get('title')}: {self.api_url} did not save the edit: {shown}"
                )
            return edit

    def _edit_error(self, title: str, exc: _ApiError) -> MediaWikiError:
        where = f"{title} on {self.api_url}"
        code, info = exc.code, exc.info
        if code in CONFLICT_CODES:
            return EditConflict(
                f"{where} changed since it was read (API code {code}: {info}); nothing was "
                "edited and the other edit is kept: run publish again to see the new diff"
            )
        if code in PROTECTED_CODES:
            return MediaWikiError(
                f"{where} is protected: {self.user} may not edit it (API code {code}: {info}); "
                "nothing was edited"
            )
        if code in BLOCKED_CODES:
            reason = exc.extra.get("blockinfo", {}).get("blockreason", "") if exc.extra else ""
            why = f", reason: {reason}" if reason else ""
            return MediaWikiError(
                f"{self.user} is blocked on {self.api_url} (API code {code}: {info}{why}); "
                "nothing was edited"
            )
        return MediaWikiError(f"{where}: the edit was refused (API code {code}: {info})")

    # -- retry --

    def _retry(self, what: str, fn: Callable[[], T], *, resend_unsafe: bool) -> T:
        """``fn()`` under the project's one retry policy (:func:`glamgraph.client.call`), with
        this client's classifier; errors as glamgraph's.

        ``resend_unsafe`` is false for an edit: an edit whose answer was lost (timeout, 5xx,
        connection error) is never sent again, since it may have been saved.
        """
        import requests
        from wikibaseintegrator.wbi_exceptions import MaxRetriesReachedException, MWApiError

        cap = self.policy.max_retry_after_s

        def classify(exc: BaseException) -> Verdict:
            if isinstance(exc, _Transient):
                if not (exc.safe or resend_unsafe):
                    return Verdict(False)
                if exc.retry_after is not None:
                    return Verdict(True, exc.retry_after)
                return Verdict(True, max(5.0, exc.lag) if exc.lag is not None else None)
            return Verdict(
                resend_unsafe
                and isinstance(
                    exc, MaxRetriesReachedException | requests.ConnectionError | requests.Timeout
                )
            )

        def too_long(exc: BaseException, wait: float) -> BaseException:
            why = getattr(exc, "why", type(exc).__name__)
            return MediaWikiError(
                f"{what}: {self.api_url} asked to wait {wait:g} s ({why}), "
                f"more than the cap of {cap:g} s"
            )

        try:
            return retry_call(fn, self.policy, classify, too_long=too_long)
        except _Transient as exc:
            if not exc.safe and not resend_unsafe:
                raise MediaWikiError(
                    f"{what}: {self.api_url} answered {exc.why}; the edit may or may not have "
                    "been saved: check the page history before trying again"
                ) from None
            raise MediaWikiError(
                f"{what}: {self.api_url} still answered {exc.why} after "
                f"{self.policy.max_attempts} attempts"
            ) from None
        except MWApiError as exc:
            raise _ApiError(exc) from None
        except (MaxRetriesReachedException, requests.RequestException) as exc:
            kind = "no answer" if not isinstance(exc, requests.HTTPError) else str(exc)
            if isinstance(exc, requests.JSONDecodeError):
                kind = "an answer that is not API JSON"
            tail = (
                f" after {self.policy.max_attempts} attempts"
                if resend_unsafe
                else "; the edit may or may not have been saved: check the page history"
            )
            raise MediaWikiError(
                f"{what}: {self.api_url}: {kind} ({type(exc).__name__}){tail}"
            ) from None

    def _sleep_noted(self, seconds: float) -> None:
        self.waits.append(float(seconds))
        self._sleep(seconds)


class _ApiError(Exception):
    """An API error answer (code, info and the rest of the error object)."""

    def __init__(self, exc: Any) -> None:
        err = getattr(exc, "error_dict", {}) or {}
        self.code = str(getattr(exc, "code", "") or err.get("code", "?"))
        self.info = " ".join(str(getattr(exc, "info", "") or err.get("info", "")).split())
        self.extra = {k: v for k, v in err.items() if k not in ("code", "info", "*", "docref")}
        super().__init__(f"{self.code}: {self.info}")


@contextlib.contextmanager
def _no_wbi_backoff() -> Iterator[None]:
    """wikibaseintegrator's login without its own backoff (which would log its arguments)."""
    from wikibaseintegrator.wbi_config import config

    saved = config.get("BACKOFF_MAX_TRIES")
    config["BACKOFF_MAX_TRIES"] = 1
    try:
        yield
    finally:
        config["BACKOFF_MAX_TRIES"] = saved
