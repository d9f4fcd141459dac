"""Politeness per endpoint, shared by the whole process: few queries in flight, spaced out.

WMF asks for one query at a time; every engine that talks to the same endpoint URL (whichever
``Engine`` object, whichever thread) goes through the same gate:

- :func:`slot` admits at most ``limit`` callers per URL at once (the engine's ``in_flight``:
  ``Settings.concurrency``, else 1 for WDQS and the public endpoints, 2 for an Oxigraph, Virtuoso or QLever server of your own). A remote engine holds its slot for a whole query *including its retry waits*, so while
  one query honours a ``Retry-After`` no other query from this process hits that endpoint;
  it lets the slot go once the answer is in, while it decodes the body (another query is then
  answered meanwhile), and takes one again for a retry.
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


class Place:
    """One of a URL's places in flight, held from :func:`slot`: :meth:`release` lets it go
    early (a query whose answer is in, while the body is decoded), :meth:`take` takes one again
    (waiting while ``limit`` others hold theirs)."""

    def __init__(self, gate: _Gate, limit: int) -> None:
        self._gate, self._limit = gate, max(1, limit)
        self.held = False

    def take(self) -> None:
        """Hold a place (nothing to do when one is held)."""
        if self.held:
            return
        gate = self._gate
        with gate.cond:
            gate.cond.wait_for(lambda: gate.in_flight < self._limit)
            gate.in_flight += 1
            gate.max_in_flight = max(gate.max_in_flight, gate.in_flight)
        self.held = True

    def release(self) -> None:
        """Let the place go (nothing to do when none is held)."""
        if not self.held:
            return
        gate = self._gate
        with gate.cond:
            gate.in_flight -= 1
            gate.cond.notify_all()
        self.held = False


@contextmanager
def slot(url: str, limit: int) -> Iterator[Place]:
    """Hold one of ``limit`` places for ``url``; waits while ``limit`` others hold theirs.

    Each caller brings its own limit, so an engine configured for one query at a time never
    runs beside another query to the same URL, whatever the other engine's settings. The place
    is let go at the end, or earlier by :meth:`Place.release`.
    """
    place = Place(_gate(url), limit)
    place.take()
    try:
        yield place
    finally:
        place.release()


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
