"""The logged-in Wikibase session: login, maxlag and retries, throttle, one proposal's edit."""

from __future__ import annotations

import contextlib
import functools
import logging
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from glamgraph import vocab
from glamgraph._version import user_agent
from glamgraph.errors import BadInput, MediaWikiError
from glamgraph.mediawiki import check_credential_transport
from glamgraph.wikibase.answers import _FATAL_CODES, _Guard, _Stop, _Transient
from glamgraph.wikibase.edit import _api_error, _force_append, _stale, _statement
from glamgraph.wikibase.proposals import Proposal
from glamgraph.wikibase.redact import _scrub, _Secret
from glamgraph.wikibase.report import EditAction, EditResult

log = logging.getLogger("glamgraph.wikibase")

T = TypeVar("T")


class _Session:
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
        allow_insecure_http: bool = False,
    ) -> None:
        from wikibaseintegrator import WikibaseIntegrator

        self.api_url = api_url
        self.max_attempts = max(1, max_attempts)
        self.max_wait = max_wait
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
        self.login = _login(
            api_url, user, password, timeout, allow_insecure_http=allow_insecure_http
        )
        self.guard = _Guard()
        self.login.get_session().hooks["response"].append(self.guard)
        self.wbi = WikibaseIntegrator(login=self.login, is_bot=is_bot)

    # -- retry and throttle --

    def call(self, what: str, fn: Callable[[], T]) -> T:
        """``fn()``, waiting out transient answers; :class:`_Stop` when they do not go away."""
        import requests
        from wikibaseintegrator.wbi_exceptions import MaxRetriesReachedException

        for attempt in range(1, self.max_attempts + 1):
            try:
                return fn()
            except _Transient as exc:
                why = exc.code
                if exc.retry_after is not None:
                    wait = exc.retry_after
                elif exc.lag is not None:
                    wait = max(exc.lag, 5.0)
                else:
                    wait = 5.0 * attempt
                if exc.lag is not None:
                    why += f", lag {exc.lag:g} s"
            except (MaxRetriesReachedException, requests.RequestException) as exc:
                why = "connection failed" if not str(exc) else f"{type(exc).__name__}"
                wait = 5.0 * attempt
            if attempt == self.max_attempts:
                raise _Stop(f"{what}: {why}, still after {attempt} attempts")
            wait = min(max(wait, 0.0), self.max_wait)
            log.warning(
                "%s: %s; waiting %g s (attempt %d of %d)",
                what,
                why,
                wait,
                attempt,
                self.max_attempts,
            )
            self.sleep(wait)
        raise AssertionError("unreachable")  # pragma: no cover

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
                return result("failed", _api_error(exc, "read"))
            base = entity.lastrevid
            why = _stale(entity, prop)
            if why:
                return result("skipped", why, base_revision=base)
            entity.claims.add(_statement(prop), action_if_exists=_force_append())
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
                if code in _FATAL_CODES or code == "badtoken":
                    raise _Stop(_api_error(exc, "edit"), base) from None
                return result("failed", _api_error(exc, "edit"), base_revision=base)
            except _Stop as exc:
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


def _login(
    api_url: str, user: str, password: str, timeout: float, *, allow_insecure_http: bool = False
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
            password=_Secret(password),
            mediawiki_api_url=api_url,
            user_agent=user_agent(),
            timeout=timeout,
        )
    except wbi_login.LoginError as exc:
        raise BadInput(
            f"login to {api_url} as {user} refused: {_scrub(str(exc), password)}"
        ) from None
    except requests.RequestException as exc:
        raise MediaWikiError(
            f"login to {api_url} failed: {type(exc).__name__}: {_scrub(str(exc), password)}"
        ) from None
    except (KeyError, ValueError, TypeError) as exc:
        # WrongToken has no "reason" (KeyError); HTML instead of JSON (ValueError)
        raise MediaWikiError(
            f"login to {api_url} failed: unexpected answer ({type(exc).__name__}: "
            f"{_scrub(str(exc), password)})"
        ) from None


@contextlib.contextmanager
def _wbi_config(api_url: str) -> Iterator[None]:
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
            "USER_AGENT": user_agent(),
            "BACKOFF_MAX_TRIES": 1,
        }
    )
    try:
        yield
    finally:
        config.clear()
        config.update(saved)
