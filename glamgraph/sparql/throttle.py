"""Politeness per endpoint, shared by the whole process: few queries in flight, spaced out.

WMF asks for one query at a time; every engine that talks to the same endpoint URL (whichever
``Engine`` object, whichever thread) goes through the same gate:

- :func:`slot` admits at most ``limit`` callers per URL at once (the engine's ``in_flight``:
  ``Settings.concurrency``, else 1 for WDQS and the public endpoints, 2 for an Oxigraph, Virtuoso or QLever server of your own). A remote engine holds its slot for a whole query *including its retry waits*, so while
  one query honours a ``Retry-After`` no other query from this process hits that endpoint.
- :func:`pace` spaces request starts to the same URL at least ``min_interval`` seconds apart
  (``Settings.min_interval_s``, 1 s by default, 0 in tests).

>>> with slot("http://127.0.0.1:9/doc", 1):
...     pace("http://127.0.0.1:9/doc", 0.0, lambda s: None)
0.0
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager


class _Gate:
    """The shared state of one endpoint URL."""

    def __init__(self) -> None:
        self.cond = threading.Condition()
        self.in_flight = 0
        self.max_in_flight = 0
        self.next_start = 0.0  # time.monotonic() before which no request may start


_GATES: dict[str, _Gate] = {}
_GATES_LOCK = threading.Lock()


def _gate(url: str) -> _Gate:
    with _GATES_LOCK:
        gate = _GATES.get(url)
        if gate is None:
            gate = _GATES[url] = _Gate()
        return gate


@contextmanager
def slot(url: str, limit: int) -> Iterator[None]:
    """Hold one of ``limit`` places for ``url``; waits while ``limit`` others hold theirs.

    Each caller brings its own limit, so an engine configured for one query at a time never
    runs beside another query to the same URL, whatever the other engine's settings.
    """
    gate = _gate(url)
    with gate.cond:
        gate.cond.wait_for(lambda: gate.in_flight < max(1, limit))
        gate.in_flight += 1
        gate.max_in_flight = max(gate.max_in_flight, gate.in_flight)
    try:
        yield
    finally:
        with gate.cond:
            gate.in_flight -= 1
            gate.cond.notify_all()


def pace(url: str, min_interval: float, sleep: Callable[[float], None]) -> float:
    """Wait until ``min_interval`` seconds after the previous request to ``url`` started.

    The start time is reserved under the lock, so concurrent callers queue up one interval apart.
    Returns the seconds waited (0.0 when none).
    """
    gate = _gate(url)
    with gate.cond:
        now = time.monotonic()
        start = max(now, gate.next_start)
        gate.next_start = start + max(0.0, min_interval)
    wait = start - now
    if wait > 0:
        sleep(wait)
        return wait
    return 0.0


def max_in_flight(url: str) -> int:
    """The most requests this process ever had in flight to ``url`` at once (for tests)."""
    return _gate(url).max_in_flight
