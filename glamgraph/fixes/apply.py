"""Making the proposed edits: the checks before any request, the run, its report."""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Final
from urllib.parse import urlsplit

from glamgraph import vocab
from glamgraph.client.secrets import BOT_PASSWORD_ENV, BOT_USER_ENV
from glamgraph.errors import BadInput
from glamgraph.fixes.editor import Session, StopRun, redacted_logs, scrub, wbi_config
from glamgraph.fixes.formats import EditResult, write_report
from glamgraph.fixes.proposals import Proposal, Proposals
from glamgraph.mediawiki import check_credential_transport
from glamgraph.model import Records

log = logging.getLogger("glamgraph.wikibase")

#: Environment variables holding the bot password (``User@BotName`` and the generated password).
ENV_USER: Final = BOT_USER_ENV
ENV_PASSWORD: Final = BOT_PASSWORD_ENV


def credentials_from_env(environ: Mapping[str, str] | None = None) -> tuple[str, str]:
    """The bot password from ``GLAMGRAPH_BOT_USER`` and ``GLAMGRAPH_BOT_PASSWORD``.

    Raises:
        BadInput: either is unset or empty (the message names the variables, never a value).

    >>> credentials_from_env({})
    Traceback (most recent call last):
    ...
    glamgraph.errors.BadInput: --apply needs a bot password: set GLAMGRAPH_BOT_USER (User@BotName) and GLAMGRAPH_BOT_PASSWORD; nothing was sent
    """
    env = os.environ if environ is None else environ
    user, password = env.get(ENV_USER, "").strip(), env.get(ENV_PASSWORD, "")
    if not user or not password:
        raise BadInput(
            f"--apply needs a bot password: set {ENV_USER} (User@BotName) and {ENV_PASSWORD}; "
            "nothing was sent"
        )
    return user, password


def apply_fixes(
    proposals: Proposals | Iterable[Proposal],
    api_url: str = vocab.WIKIDATA_API,
    *,
    user: str,
    password: str,
    out_dir: str | Path | None = None,
    maxlag: int = 5,
    max_attempts: int = 6,
    max_wait: float = 120.0,
    min_interval: float = 5.0,
    conflict_retries: int = 1,
    is_bot: bool = False,
    timeout: float = 60.0,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
    progress: Callable[[EditResult], None] | None = None,
    contact: str | None = None,
    allow_insecure_http: bool = False,
) -> Records[EditResult]:
    """Make the proposed edits through wikibaseintegrator, logged in with a bot password.

    For each proposal: re-read the item (``wbgetentities``); skip it if it has a ``P17`` now, or if
    the first step of its ``P131`` path is no longer among its ``P131`` values; otherwise add the
    statement (with its reference) by ``wbeditentity`` sending only the ``P17`` claims and the
    revision read as ``baserevid``. An edit conflict re-reads the item and tries again
    (``conflict_retries`` times); a ``maxlag``, ``readonly`` or rate-limit answer (or an HTTP
    5xx / connection error) is waited out, ``Retry-After`` first, at most ``max_wait`` seconds a
    time and ``max_attempts`` times a request. Errors that every later edit would meet too (lost
    session, block, lag that does not go away) end the run; the remaining proposals are reported as
    skipped. Other errors (e.g. ``permissiondenied`` on a protected item) fail that edit only.

    Args:
        proposals: from :func:`propose_country_fixes`, or any proposals.
        api_url: the MediaWiki Action API (``…/w/api.php``); Wikidata by default.
        user: the bot password's user name, ``User@BotName``.
        password: the bot password (never logged or stored).
        out_dir: where ``edits-report.csv`` goes (written even when interrupted); none: not written.
        maxlag: the ``maxlag`` parameter sent with every read and edit.
        max_attempts: attempts per request on maxlag and other transient answers.
        max_wait: the longest single wait in seconds.
        min_interval: seconds between the starts of two edits (throttle).
        conflict_retries: re-reads after an edit conflict before the edit is reported failed.
        is_bot: flag the edits as bot edits (``bot=1``, ``assert=bot``).
        timeout: seconds to wait for one HTTP answer.
        sleep: how to wait (injectable: tests pass a recorder).
        clock: a monotonic clock in seconds (injectable with ``sleep``).
        progress: called with each result as soon as it is known.
        contact: the operator's contact for the User-Agent (``None``: ``GLAMGRAPH_CONTACT``).
        allow_insecure_http: send the bot password over plain ``http://`` to a host other than
            loopback (refused by default).

    Returns:
        One :class:`EditResult` per proposal, in order.

    Raises:
        BadInput: no credentials (before any request), a malformed ``api_url``, or the login refused.
        MediaWikiError: the API could not be reached or answered nonsense at login.
        WriteError: the report could not be written.

    Example:
        >>> apply_fixes([], "http://127.0.0.1:1/w/api.php", user="", password="")
        Traceback (most recent call last):
        ...
        glamgraph.errors.BadInput: --apply needs a bot password: set GLAMGRAPH_BOT_USER (User@BotName) and GLAMGRAPH_BOT_PASSWORD; nothing was sent
    """
    credentials_from_env({ENV_USER: user or "", ENV_PASSWORD: password or ""})
    api_url = check_api_url(api_url)
    check_credential_transport(api_url, allow_insecure_http=allow_insecure_http)
    todo = list(proposals)
    results: Records[EditResult] = Records()

    def record(res: EditResult) -> None:
        results.append(res)
        log.info("%s %s: %s %s", res.action, res.item, res.revision or "", res.detail)
        if progress is not None:
            progress(res)

    try:
        if not todo:
            return results
        with wbi_config(api_url, contact), redacted_logs([password]):
            session = Session(
                api_url,
                user=user,
                password=password,
                maxlag=maxlag,
                max_attempts=max_attempts,
                max_wait=max_wait,
                min_interval=min_interval,
                conflict_retries=conflict_retries,
                is_bot=is_bot,
                timeout=timeout,
                sleep=sleep,
                clock=clock,
                contact=contact,
                allow_insecure_http=allow_insecure_http,
            )
            stop = ""
            for prop in todo:
                if stop:
                    record(EditResult(prop.item, "skipped", prop.country, detail=stop))
                    continue
                try:
                    record(session.apply(prop))
                except StopRun as exc:
                    record(
                        EditResult(
                            prop.item,
                            "failed",
                            prop.country,
                            base_revision=exc.base_revision,
                            detail=exc.reason,
                        )
                    )
                    stop = f"not attempted: the run stopped at {prop.item} ({exc.reason})"
                except Exception as exc:  # unknown state: report it and edit nothing more
                    why = f"unexpected {type(exc).__name__}: {scrub(str(exc), password)}"
                    log.error("%s: %s", prop.item, why)
                    record(EditResult(prop.item, "failed", prop.country, detail=why))
                    stop = f"not attempted: the run stopped at {prop.item} ({why})"
        return results
    finally:
        if out_dir is not None and (results or not todo):  # a failed login leaves the old report
            write_report(results, out_dir)


def check_api_url(url: str) -> str:
    """``url`` if it is an http(s) URL with a host, else :class:`BadInput` naming it.

    >>> check_api_url("http://127.0.0.1:8080/w/api.php")
    'http://127.0.0.1:8080/w/api.php'
    >>> check_api_url("api.php")
    Traceback (most recent call last):
    ...
    glamgraph.errors.BadInput: malformed MediaWiki API URL: 'api.php' (expected http(s)://host/w/api.php)
    """
    try:
        parts = urlsplit(url)
        ok = parts.scheme in ("http", "https") and bool(parts.hostname)
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError:
        ok = False
    if not ok:
        raise BadInput(f"malformed MediaWiki API URL: {url!r} (expected http(s)://host/w/api.php)")
    return url
