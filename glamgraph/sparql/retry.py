"""When to resend a SPARQL request, and how long to wait first: the SPARQL classifier plugged
into the client layer's one retry policy (:func:`glamgraph.client.call`).

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
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from glamgraph.client import Verdict
from glamgraph.client import call as client_call
from glamgraph.client.retry import over_cap as client_over_cap
from glamgraph.client.retry import sleeper as client_sleeper
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
    return client_sleeper(settings)


def over_cap(exc: BaseException, settings: Settings) -> bool:
    """True for a 429 whose ``Retry-After`` is longer than ``Settings.max_retry_after_s``."""
    return isinstance(exc, RateLimited) and client_over_cap(exc.retry_after, settings)


def _resendable(exc: BaseException) -> bool:
    """Whether the failure is of a kind worth resending, the ``Retry-After`` cap aside."""
    if not isinstance(exc, SparqlError) or isinstance(exc, QueryTimeout | BadQuery):
        return False
    if exc.retryable is not None:
        return exc.retryable
    if isinstance(exc, RateLimited):
        return not exc.banned
    if isinstance(exc, EndpointUnavailable):
        return exc.status is None or exc.status in RETRY_STATUSES or exc.status >= 500
    return isinstance(exc, BadResponse)


def transient(exc: BaseException, settings: Settings) -> bool:
    """Whether resending the same request may succeed (see the table above)."""
    return _resendable(exc) and not over_cap(exc, settings)


def classifier(settings: Settings) -> Callable[[BaseException], Verdict]:
    """The SPARQL classifier for the client layer's one retry policy: a 429 waits its
    ``Retry-After`` (``Settings.retry_after_default_s`` when it names none); other transient
    failures take the policy's backoff."""

    def classify(exc: BaseException) -> Verdict:
        if not _resendable(exc):
            return Verdict(False)
        if isinstance(exc, RateLimited):
            ra = exc.retry_after
            if ra is None or not math.isfinite(ra):
                ra = min(settings.retry_after_default_s, settings.max_retry_after_s)
            return Verdict(True, ra)
        return Verdict(True)

    return classify


def call(fn: Callable[[], T], settings: Settings) -> T:
    """Run ``fn`` (one request) until it succeeds, fails for good, or the attempts run out,
    under the client layer's one retry policy (:func:`glamgraph.client.call`).

    Raises:
        SparqlError: the last failure, with ``attempts`` set to the number of requests made.
    """

    def too_long(exc: BaseException, wait: float) -> BaseException:
        if isinstance(exc, SparqlError):
            exc.message += (
                f" (the server asks to wait {wait:g} s, above the cap of "
                f"{settings.max_retry_after_s:g} s: Settings.max_retry_after_s)"
            )
        return exc

    def gave_up(exc: BaseException, attempts: int) -> BaseException:
        if isinstance(exc, SparqlError):
            exc.attempts = attempts
        return exc

    return client_call(fn, settings, classifier(settings), too_long=too_long, gave_up=gave_up)
