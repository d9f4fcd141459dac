"""The one retry policy of every glamgraph request, built on tenacity.

A protocol (SPARQL, MediaWiki, Wikibase) plugs in a *classifier*: a function that looks at the
exception one request raised and answers with a :class:`Verdict`: whether resending the same
request may succeed, and how long the server asked to wait (``Retry-After``, ``maxlag``). The
policy itself is the same for all:

=====================================  =======================================================
verdict                                what :func:`call` does
=====================================  =======================================================
``retry=False``                        raise at once (a bad query, a missing page, a ban)
``retry=True, wait_s=None``            exponential backoff with jitter: ``backoff_s`` doubling,
                                       at most ``backoff_max_s``
``retry=True, wait_s=W``               wait exactly ``W`` seconds (the server's ``Retry-After``)
                                       when ``W <= max_retry_after_s``; a longer wait fails at
                                       once (``too_long`` decides the error), never clamped
=====================================  =======================================================

At most ``max_attempts`` requests are made; the error that ends the run is the last one.

>>> from types import SimpleNamespace
>>> s = SimpleNamespace(max_attempts=3, max_retry_after_s=10, backoff_s=0, backoff_max_s=0,
...                     sleep=lambda s: None)
>>> tries = []
>>> def flaky():
...     tries.append(1)
...     if len(tries) < 3:
...         raise ConnectionResetError("reset")
...     return "ok"
>>> call(flaky, s, lambda exc: Verdict(isinstance(exc, ConnectionResetError)))
'ok'
>>> len(tries)
3
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol, TypeVar

from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_attempt
from tenacity.wait import wait_exponential_jitter

T = TypeVar("T")
log = logging.getLogger("glamgraph.client")


class RetrySettings(Protocol):
    """The settings :func:`call` reads (``glamgraph.client.Settings`` has them all)."""

    @property
    def max_attempts(self) -> int: ...
    @property
    def max_retry_after_s(self) -> float: ...
    @property
    def backoff_s(self) -> float: ...
    @property
    def backoff_max_s(self) -> float: ...
    @property
    def sleep(self) -> Callable[[float], None] | None: ...


@dataclass(frozen=True)
class Verdict:
    """A classifier's answer about one failed request.

    Attributes:
        retry: whether the same request may succeed if sent again.
        wait_s: the wait the server asked for (``Retry-After`` or a lag), or ``None`` for the
            policy's backoff.
    """

    retry: bool
    wait_s: float | None = None


Classifier = Callable[[BaseException], Verdict]


def sleeper(settings: RetrySettings) -> Callable[[float], None]:
    """The sleep function: ``settings.sleep`` when injected (tests), else ``time.sleep``."""
    return settings.sleep if settings.sleep is not None else time.sleep


def over_cap(wait_s: float | None, settings: RetrySettings) -> bool:
    """True for a server-requested wait longer than ``settings.max_retry_after_s`` (or NaN).

    >>> from types import SimpleNamespace
    >>> s = SimpleNamespace(max_retry_after_s=120.0)
    >>> over_cap(121, s), over_cap(120, s), over_cap(None, s), over_cap(float("nan"), s)
    (True, False, False, True)
    """
    return wait_s is not None and not wait_s <= settings.max_retry_after_s


def call(
    fn: Callable[[], T],
    settings: RetrySettings,
    classify: Classifier,
    *,
    too_long: Callable[[BaseException, float], BaseException] | None = None,
    gave_up: Callable[[BaseException, int], BaseException] | None = None,
) -> T:
    """Run ``fn`` (one request) until it succeeds, fails for good, or the attempts run out.

    Args:
        fn: sends one request and returns its answer, or raises.
        settings: attempts, Retry-After cap, backoff, sleep (see :class:`RetrySettings`).
        classify: the protocol's classifier of failures.
        too_long: makes the error raised when the server asks to wait longer than the cap
            (default: the failure itself).
        gave_up: makes the error raised when the call fails for good, from the last failure
            (or what ``too_long`` made of it) and the number of requests made (default: the
            failure itself).

    Raises:
        BaseException: what ``fn`` raised last, or what ``too_long`` / ``gave_up`` made of it.
    """
    attempts = 0
    capped: list[tuple[BaseException, float]] = []

    def attempt() -> T:
        nonlocal attempts
        attempts += 1
        return fn()

    def should_retry(exc: BaseException) -> bool:
        verdict = classify(exc)
        if not verdict.retry:
            return False
        if over_cap(verdict.wait_s, settings):
            capped.append((exc, float(verdict.wait_s or 0.0)))
            return False
        return True

    backoff = wait_exponential_jitter(
        multiplier=settings.backoff_s if settings.backoff_s > 0 else 1.0,
        max=settings.backoff_max_s,
        jitter=settings.backoff_s,
    )

    def wait(state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome is not None else None
        if exc is not None:
            requested = classify(exc).wait_s
            if requested is not None and math.isfinite(requested):
                return max(0.0, requested)
        if settings.backoff_s <= 0:
            return 0.0
        return float(min(settings.backoff_max_s, backoff(state)))

    def before_sleep(state: RetryCallState) -> None:
        exc = state.outcome.exception() if state.outcome is not None else None
        pause = state.next_action.sleep if state.next_action is not None else 0.0
        log.warning(
            "%s; retrying in %.1f s (attempt %d of %d)",
            " ".join(str(exc).split()),
            pause,
            state.attempt_number + 1,
            settings.max_attempts,
        )

    retrying = Retrying(
        stop=stop_after_attempt(settings.max_attempts),
        wait=wait,
        retry=retry_if_exception(should_retry),
        sleep=sleeper(settings),
        before_sleep=before_sleep,
        reraise=True,
    )
    try:
        return retrying(attempt)
    except Exception as exc:
        err: BaseException = exc
        if capped and capped[-1][0] is exc and too_long is not None:
            err = too_long(exc, capped[-1][1])
        if gave_up is not None:
            err = gave_up(err, attempts)
        if err is exc:
            raise
        raise err from exc
