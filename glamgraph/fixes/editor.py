"""The logged-in Wikibase editor: login, the answers to wait out, one proposal's edit, secrets kept out.

- :class:`ResponseGuard`, a response hook on the login session, turns an answer to wait out
  (``maxlag``, ``readonly``, a rate limit, HTTP 5xx) into :class:`WaitOut` before
  wikibaseintegrator sees it; the project's one retry policy (:func:`glamgraph.client.call`)
  waits it out. :class:`StopRun` is an error every later edit would meet too.
- :class:`Session` is one logged-in run of edits: re-read, check, edit with ``baserevid``.
- :class:`Secret`, :func:`scrub` and :func:`redacted_logs` keep the bot password and tokens out
  of reprs, messages and third-party logs.
"""

from __future__ import annotations

import contextlib
import functools
import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Final, TypeVar

from glamgraph import vocab
from glamgraph.client import Verdict, user_agent
from glamgraph.client import call as retry_call
from glamgraph.client.retry_after import parse_retry_after
from glamgraph.client.secrets import Secret as Secret  # re-exported: fixes.Secret
from glamgraph.client.secrets import redacted_logs as client_redacted_logs
from glamgraph.client.secrets import scrub as scrub  # re-exported for apply
from glamgraph.errors import BadInput, MediaWikiError
from glamgraph.fixes.formats import EditAction, EditResult, wikibase_day
from glamgraph.fixes.proposals import Proposal
from glamgraph.mediawiki import check_credential_transport

# --- answers -----------------------------------------------------------------------------------
# MediaWiki error codes: waited out and retried / ending the run (every later edit would fail too).
_TRANSIENT_CODES: Final = frozenset({"maxlag", "readonly", "ratelimited"})
FATAL_CODES: Final = frozenset(
    {
        "assertuserfailed",
        "assertbotfailed",
        "assertnameduserfailed",
        "notloggedin",
        "blocked",
        "autoblocked",
        "globalblocking-blocked",
    }
)


class StopRun(Exception):
    """An error every later edit would meet too: the run ends here."""

    def __init__(self, reason: str, base_revision: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.base_revision = base_revision


class WaitOut(Exception):
    """A MediaWiki answer to wait out (maxlag, readonly, rate limit, 5xx), raised by the hook."""

    def __init__(self, code: str, status: int, retry_after: float | None, lag: float | None):
        super().__init__(f"{code} (HTTP {status})")
        self.code = code
        self.status = status
        self.retry_after = retry_after
        self.lag = lag


def _to_float(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


class ResponseGuard:
    """A response hook on the login session: turns answers to wait out into :class:`WaitOut`.

    Raised before wikibaseintegrator looks at the answer, so its own waits (which ignore
    ``Retry-After``) never run; the retry loop of :class:`Session` waits instead. It also keeps
    the warnings of the last answer (wikibaseintegrator drops them).
    """

    def __init__(self) -> None:
        self.warnings: list[str] = []

    def __call__(self, response: Any, *args: Any, **kwargs: Any) -> Any:
        code = response.headers.get("MediaWiki-API-Error", "") or ""
        lag = _to_float(response.headers.get("X-Database-Lag"))
        try:
            body = response.json()
        except ValueError:
            body = None
        self.warnings = []
        if isinstance(body, dict):
            err = body.get("error")
            if isinstance(err, dict):
                code = code or str(err.get("code", ""))
                lag = _to_float(err.get("lag")) if err.get("lag") is not None else lag
            self.warnings = _warning_names(body.get("warnings"))
        status = int(response.status_code)
        if code in _TRANSIENT_CODES or status in (429, 500, 502, 503, 504):
            retry_after = parse_retry_after(response.headers.get("Retry-After"))
            raise WaitOut(code or f"HTTP {status}", status, retry_after, lag)
        return response


def _warning_names(warnings: Any) -> list[str]:
    names: list[str] = []
    if isinstance(warnings, dict):
        for module in warnings.values():
            if isinstance(module, dict):
                for msg in module.get("messages", []) or []:
                    if isinstance(msg, dict) and msg.get("name"):
                        names.append(str(msg["name"]))
                if "*" in module and not module.get("messages"):
                    names.append(str(module["*"]))
    return names


@contextlib.contextmanager
def redacted_logs(secrets: Sequence[str]) -> Iterator[None]:
    """The client layer's log redaction (:func:`glamgraph.client.secrets.redacted_logs`), with
    wikibaseintegrator's loggers loaded first and its tracebacks of the errors this module
    handles and reports itself left out."""
    import wikibaseintegrator
    import wikibaseintegrator.datatypes
    import wikibaseintegrator.wbi_backoff
    import wikibaseintegrator.wbi_login  # noqa: F401 - their loggers exist once imported
    from wikibaseintegrator.wbi_exceptions import MaxRetriesReachedException, MWApiError

    with client_redacted_logs(secrets, (WaitOut, MWApiError, MaxRetriesReachedException)):
        yield


# --- edit --------------------------------------------------------------------------------------
def api_error(exc: Exception, what: str) -> str:
    code = str(getattr(exc, "code", "") or type(exc).__name__)
    info = " ".join(str(getattr(exc, "info", "") or "").split())
    return f"{what}: {code}: {info}" if info else f"{what}: {code}"


def force_append() -> Any:
    from wikibaseintegrator.wbi_enums import ActionIfExists

    return ActionIfExists.FORCE_APPEND


def _item_values(entity: Any, pid: str, *, include_deprecated: bool) -> list[str]:
    """The item ids of ``entity``'s ``pid`` statements (``?`` for unknown / no value)."""
    out: list[str] = []
    for claim in entity.claims.get(pid):
        if not include_deprecated and claim.rank.value == "deprecated":
            continue
        value = (claim.mainsnak.datavalue or {}).get("value")
        out.append(str(value.get("id", "?")) if isinstance(value, dict) else "?")
    return out


def stale(entity: Any, prop: Proposal) -> str:
    """Why the proposal no longer fits the item as it is now ("" when it still does)."""
    if entity.id and entity.id != prop.item:
        return f"the item is now a redirect to {entity.id}"
    now = _item_values(entity, vocab.COUNTRY_P, include_deprecated=True)
    if now:
        return f"it has a {vocab.COUNTRY_P} now: {' '.join(now)}"
    located = _item_values(entity, vocab.LOCATED_IN, include_deprecated=False)
    if prop.path and prop.path[0] not in located:
        shown = " ".join(located) or "none"
        return f"its {vocab.LOCATED_IN} changed since the harvest (now: {shown})"
    return ""


def statement(prop: Proposal) -> Any:
    """The ``P17`` statement of a proposal, with its reference (URL and retrieval day)."""
    from wikibaseintegrator import datatypes
    from wikibaseintegrator.models import Reference, References
    from wikibaseintegrator.wbi_enums import WikibaseTimePrecision

    refs = References()
    if prop.reference_url or prop.retrieved:
        ref = Reference()
        order: list[str] = []
        if prop.reference_url:
            ref.add(datatypes.URL(prop_nr=vocab.REFERENCE_URL, value=prop.reference_url))
            order.append(vocab.REFERENCE_URL)
        if prop.retrieved:
            ref.add(
                datatypes.Time(
                    prop_nr=vocab.RETRIEVED,
                    time=wikibase_day(prop.retrieved),
                    precision=WikibaseTimePrecision.DAY,
                )
            )
            order.append(vocab.RETRIEVED)
        ref.snaks_order = order
        refs.add(ref)
    return datatypes.Item(prop_nr=vocab.COUNTRY_P, value=prop.country, references=refs)


# --- session -----------------------------------------------------------------------------------
log = logging.getLogger("glamgraph.wikibase")

T = TypeVar("T")


@dataclass(frozen=True)
class RetryPolicy:
    """The retry settings of one run of edits (what :func:`glamgraph.client.call` reads)."""

    max_attempts: int
    max_retry_after_s: float
    backoff_s: float
    backoff_max_s: float
    sleep: Callable[[float], None] | None = None


class Session:
    """One logged-in run of edits: login, retries, throttle, checks."""

    def __init__(
        self,
        api_url: str,
        *,
        user: str,
        password: str,
        maxlag: int,
        max_attempts: int,
        max_wait: float,
        min_interval: float,
        conflict_retries: int,
        is_bot: bool,
        timeout: float,
        sleep: Callable[[float], None],
        clock: Callable[[], float],
        contact: str | None = None,
        allow_insecure_http: bool = False,
    ) -> None:
        from wikibaseintegrator import WikibaseIntegrator

        self.api_url = api_url
        self.policy = RetryPolicy(
            max_attempts=max(1, max_attempts),
            max_retry_after_s=max_wait,
            backoff_s=5.0,
            backoff_max_s=max_wait,
            sleep=sleep,
        )
        self.min_interval = min_interval
        self.conflict_retries = max(0, conflict_retries)
        self.is_bot = is_bot
        self.sleep = sleep
        self.clock = clock
        self.last_edit: float | None = None
        # every read and write: our maxlag; no retries nor waits inside wikibaseintegrator
        self.kw: dict[str, Any] = {
            "maxlag": maxlag,
            "max_retries": 1,
            "retry_after": 0,
            "timeout": timeout,
        }
        self.login = login(
            api_url, user, password, timeout, contact, allow_insecure_http=allow_insecure_http
        )
        self.guard = ResponseGuard()
        self.login.get_session().hooks["response"].append(self.guard)
        self.wbi = WikibaseIntegrator(login=self.login, is_bot=is_bot)

    # -- retry and throttle --

    def call(self, what: str, fn: Callable[[], T]) -> T:
        """``fn()`` under the project's one retry policy (:func:`glamgraph.client.call`).

        Answers to wait out (:class:`WaitOut`: maxlag, readonly, rate limits, HTTP 5xx) and
        connection failures are retried: a server's ``Retry-After`` is waited exactly, a lag
        without one at least 5 s, anything else with exponential backoff; a requested wait above
        ``max_wait`` ends the run at once (never clamped and resent early). :class:`StopRun` when
        the answers do not go away.
        """
        import requests
        from wikibaseintegrator.wbi_exceptions import MaxRetriesReachedException

        def classify(exc: BaseException) -> Verdict:
            if isinstance(exc, WaitOut):
                if exc.retry_after is not None:
                    return Verdict(True, exc.retry_after)
                if exc.lag is not None:
                    return Verdict(True, max(exc.lag, 5.0))
                return Verdict(True)
            return Verdict(isinstance(exc, MaxRetriesReachedException | requests.RequestException))

        def why(exc: BaseException) -> str:
            if isinstance(exc, WaitOut):
                return exc.code + (f", lag {exc.lag:g} s" if exc.lag is not None else "")
            return "connection failed" if not str(exc) else type(exc).__name__

        def too_long(exc: BaseException, wait: float) -> BaseException:
            return StopRun(
                f"{what}: {why(exc)}; the server asks to wait {wait:g} s, above the cap of "
                f"{self.policy.max_retry_after_s:g} s"
            )

        def gave_up(exc: BaseException, attempts: int) -> BaseException:
            if classify(exc).retry:
                return StopRun(f"{what}: {why(exc)}, still after {attempts} attempts")
            return exc

        return retry_call(fn, self.policy, classify, too_long=too_long, gave_up=gave_up)

    def throttle(self) -> None:
        if self.last_edit is None or self.min_interval <= 0:
            return
        wait = self.min_interval - (self.clock() - self.last_edit)
        if wait > 0:
            self.sleep(wait)

    # -- one proposal --

    def read(self, qid: str) -> Any:
        # claims and revision only: a big item's labels and sitelinks are not needed to add a P17
        return self.call(f"read {qid}", lambda: self.wbi.item.get(qid, props=["claims"], **self.kw))

    def apply(self, prop: Proposal) -> EditResult:
        from wikibaseintegrator.wbi_exceptions import (
            MissingEntityException,
            MWApiError,
            NonExistentEntityError,
        )

        def result(action: EditAction, detail: str = "", **kw: Any) -> EditResult:
            return EditResult(prop.item, action, prop.country, detail=detail, **kw)

        conflicts = 0
        token_renewed = False
        while True:
            try:
                entity = self.read(prop.item)
            except (MissingEntityException, NonExistentEntityError):
                return result("skipped", "the item no longer exists")
            except MWApiError as exc:
                return result("failed", api_error(exc, "read"))
            base = entity.lastrevid
            why = stale(entity, prop)
            if why:
                return result("skipped", why, base_revision=base)
            entity.claims.add(statement(prop), action_if_exists=force_append())
            self.throttle()
            try:
                written = self.call(
                    f"edit {prop.item}", functools.partial(self.write, entity, base, prop.summary)
                )
            except MWApiError as exc:
                code = str(getattr(exc, "code", ""))
                if code == "editconflict" and conflicts < self.conflict_retries:
                    conflicts += 1
                    log.warning("%s: edit conflict; reading it again", prop.item)
                    continue
                if code == "badtoken" and not token_renewed:
                    token_renewed = True
                    self.login.generate_edit_credentials()
                    continue
                if code in FATAL_CODES or code == "badtoken":
                    raise StopRun(api_error(exc, "edit"), base) from None
                return result("failed", api_error(exc, "edit"), base_revision=base)
            except StopRun as exc:
                exc.base_revision = base
                raise
            note = ""
            if any("conflict-patched" in w for w in self.guard.warnings):
                note = "patched onto a newer revision (" + ", ".join(self.guard.warnings) + ")"
            return result("edited", note, revision=written.lastrevid, base_revision=base)

    def write(self, entity: Any, base: int, summary: str) -> Any:
        """``wbeditentity`` with only the ``P17`` claims, based on revision ``base``."""
        from wikibaseintegrator.wbi_enums import EntityField

        try:
            return entity.write(
                summary=summary,
                login=self.login,
                is_bot=self.is_bot,
                fields_to_update=[EntityField.CLAIMS],
                limit_claims=[vocab.COUNTRY_P],
                baserevid=base,
                **self.kw,
            )
        finally:
            self.last_edit = self.clock()


def login(
    api_url: str,
    user: str,
    password: str,
    timeout: float,
    contact: str | None = None,
    *,
    allow_insecure_http: bool = False,
) -> Any:
    """A ``wbi_login.Login`` (bot password); refusals as :class:`BadInput`, failures as
    :class:`MediaWikiError`. No message ever holds the password; none is sent over plain HTTP
    to another machine unless ``allow_insecure_http``."""
    check_credential_transport(api_url, allow_insecure_http=allow_insecure_http)
    import requests
    from wikibaseintegrator import wbi_login

    try:
        return wbi_login.Login(
            user=user,
            password=Secret(password),
            mediawiki_api_url=api_url,
            user_agent=user_agent(contact),
            timeout=timeout,
        )
    except wbi_login.LoginError as exc:
        raise BadInput(
            f"login to {api_url} as {user} refused: {scrub(str(exc), password)}"
        ) from None
    except requests.RequestException as exc:
        raise MediaWikiError(
            f"login to {api_url} failed: {type(exc).__name__}: {scrub(str(exc), password)}"
        ) from None
    except (KeyError, ValueError, TypeError) as exc:
        # WrongToken has no "reason" (KeyError); HTML instead of JSON (ValueError)
        raise MediaWikiError(
            f"login to {api_url} failed: unexpected answer ({type(exc).__name__}: "
            f"{scrub(str(exc), password)})"
        ) from None


@contextlib.contextmanager
def wbi_config(api_url: str, contact: str | None = None) -> Iterator[None]:
    """wikibaseintegrator's global config pointed at ``api_url`` (restored afterwards).

    Set before the login, since WBI refuses a write whose URL differs from the login's. Its own
    backoff is off (it would log the login's keyword arguments); this module retries instead.
    """
    from wikibaseintegrator.wbi_config import config

    saved = dict(config)
    base = api_url.rsplit("/", 1)[0]
    config.update(
        {
            "MEDIAWIKI_API_URL": api_url,
            "MEDIAWIKI_INDEX_URL": f"{base}/index.php",
            "MEDIAWIKI_REST_URL": f"{base}/rest.php",
            "USER_AGENT": user_agent(contact),
            "BACKOFF_MAX_TRIES": 1,
        }
    )
    try:
        yield
    finally:
        config.clear()
        config.update(saved)
