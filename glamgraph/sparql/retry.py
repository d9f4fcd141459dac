"""When to resend a SPARQL request, and how long to wait first (built on tenacity).

=====================================  =======================================================
failure                                policy
=====================================  =======================================================
:class:`RateLimited` (429)             wait exactly ``Retry-After`` (seconds or HTTP date), or
                                       ``Settings.retry_after_default_s`` when the server names
                                       none; a ``Retry-After`` above ``Settings.max_retry_after_s``
                                       fails at once instead of waiting
:class:`RateLimited` (403 ban)         never retried: resending would extend the ban
:class:`EndpointUnavailable`           500/502/503/504
                                       and resets: exponential backoff with jitter
                                       (``Settings.backoff_s`` doubling, at most
                                       ``Settings.backoff_max_s``); other 4xx are not retried;
                                       a refused connection, a host name that does not resolve
                                       or no connection within the deadline is not retried
                                       (``retryable=False``: fail fast offline, fall back)
:class:`BadResponse`                   truncated or invalid bodies: backoff as above; bindings
                                       of the wrong shape, a body above the size cap and an
                                       answer without a body (204) are not retried
:class:`QueryTimeout`                  never resent as is (the deadline is deterministic): the
                                       splitter cuts the query instead; this includes the
                                       client's own overall deadline and a result at the
                                       server's row cap
:class:`BadQuery` (400)                never retried
=====================================  =======================================================

Every query gets at most ``Settings.max_attempts`` requests. The error that ends the run is the
last one, with ``attempts`` set, so its message says how hard glamgraph tried.

>>> from glamgraph.errors import EndpointUnavailable, QueryTimeout
>>> from glamgraph.sparql.engine import Settings
>>> s = Settings()
>>> transient(EndpointUnavailable("x", status=503), s), transient(QueryTimeout("x"), s)
(True, False)
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_attempt
from tenacity.wait import wait_exponential_jitter

from glamgraph.errors import (
    BadQuery,
    BadResponse,
    EndpointUnavailable,
    QueryTimeout,
    RateLimited,
    SparqlError,
)

if TYPE_CHECKING:
    from glamgraph.sparql.engine import Settings

T = TypeVar("T")
log = logging.getLogger("glamgraph.sparql")

#: HTTP statuses of an :class:`EndpointUnavailable` that are worth another try.
RETRY_STATUSES = frozenset({408, 500, 502, 503, 504})


def sleeper(settings: Settings) -> Callable[[float], None]:
    """The sleep function to use: ``Settings.sleep`` when injected (tests), else ``time.sleep``."""
    return settings.sleep if settings.sleep is not None else time.sleep


def over_cap(exc: BaseException, settings: Settings) -> bool:
    """True for a 429 whose ``Retry-After`` is longer than ``Settings.max_retry_after_s``."""
    return (
        isinstance(exc, RateLimited)
        and exc.retry_after is not None
        and not exc.retry_after <= settings.max_retry_after_s
    )


def transient(exc: BaseException, settings: Settings) -> bool:
    """Whether resending the same request may succeed (see the table above)."""
    if not isinstance(exc, SparqlError) or isinstance(exc, QueryTimeout | BadQuery):
        return False
    if exc.retryable is not None:
        return exc.retryable
    if isinstance(exc, RateLimited):
        return not exc.banned and not over_cap(exc, settings)
    if isinstance(exc, EndpointUnavailable):
        return exc.status is None or exc.status in RETRY_STATUSES or exc.status >= 500
    return isinstance(exc, BadResponse)


def wait_for(settings: Settings) -> Callable[[RetryCallState], float]:
    """Tenacity's wait: ``Retry-After`` for a 429, exponential backoff with jitter otherwise."""
    backoff = wait_exponential_jitter(
        multiplier=settings.backoff_s if settings.backoff_s > 0 else 1.0,
        max=settings.backoff_max_s,
        jitter=settings.backoff_s,
    )

    def wait(state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome is not None else None
        if isinstance(exc, RateLimited):
            ra = exc.retry_after
            if ra is None or not math.isfinite(ra):
                ra = settings.retry_after_default_s
            return max(0.0, min(ra, settings.max_retry_after_s))
        if settings.backoff_s <= 0:
            return 0.0
        return float(backoff(state))

    return wait


def call(fn: Callable[[], T], settings: Settings) -> T:
    """Run ``fn`` (one request) until it succeeds, fails for good, or the attempts run out.

    Raises:
        SparqlError: the last failure, with ``attempts`` set to the number of requests made.
    """
    attempts = 0

    def attempt() -> T:
        nonlocal attempts
        attempts += 1
        return fn()

    def before_sleep(state: RetryCallState) -> None:
        exc = state.outcome.exception() if state.outcome is not None else None
        wait = state.next_action.sleep if state.next_action is not None else 0.0
        log.warning(
            "%s; retrying in %.1f s (attempt %d of %d)",
            " ".join(str(exc).split()),
            wait,
            state.attempt_number + 1,
            settings.max_attempts,
        )

    retrying = Retrying(
        stop=stop_after_attempt(settings.max_attempts),
        wait=wait_for(settings),
        retry=retry_if_exception(lambda e: transient(e, settings)),
        sleep=sleeper(settings),
        before_sleep=before_sleep,
        reraise=True,
    )
    try:
        return retrying(attempt)
    except SparqlError as exc:
        exc.attempts = attempts
        if isinstance(exc, RateLimited) and over_cap(exc, settings):
            exc.message += (
                f" (the server asks to wait {exc.retry_after:g} s, above the cap of "
                f"{settings.max_retry_after_s:g} s: Settings.max_retry_after_s)"
            )
        raise
