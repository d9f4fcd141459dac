"""A chain of engines behind one :class:`~glamgraph.sparql.engine.Engine`: the first that answers.

``get_engine("wdqs")`` is ``FallbackEngine([wdqs, qlever])``: when WDQS fails for reasons other
than the query itself, the same query text runs on QLever and the result says so
(``fallback_from="wdqs"``). What falls back, after the engine's own retries:

- :class:`~glamgraph.errors.EndpointUnavailable`, :class:`~glamgraph.errors.RateLimited` and
  :class:`~glamgraph.errors.BadResponse` past their retry budget (or a ban);
- :class:`~glamgraph.errors.QueryTimeout` (the server's deadline, the client's overall deadline,
  or a result at the server's row cap): for ``run_split``/``run_split_range`` once the splitter
  halved ``Settings.fallback_split_depth`` times (3: parts of 1/8) on that engine, or reached its
  floor (the whole split then reruns on the next engine, so a result never mixes engines; the
  last engine of the chain halves down to the floor); for a plain ``run``/``select`` at once.

:class:`~glamgraph.errors.BadQuery` never falls back: the query is wrong, not the endpoint.
After an endpoint-level failure (not a timeout) an engine is skipped by later queries for
``Settings.fallback_cooldown_s`` seconds, so a run does not wait out WDQS's retry budget on every
query while it is down. When every engine fails, the last error is raised with the earlier ones
named in its message.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from typing import Any

from glamgraph import queries
from glamgraph.errors import BadQuery, QueryTimeout, SparqlError
from glamgraph.sparql.engine import Engine, Settings
from glamgraph.sparql.result import QueryResult

log = logging.getLogger("glamgraph.sparql")


class FallbackEngine(Engine):
    """Engines tried in order; the same interface as one engine.

    ``name`` and ``url`` are the first engine's; a result from a later one carries its own
    ``endpoint``/``endpoint_url`` and ``fallback_from`` = the first engine's name.

    >>> from glamgraph.sparql import get_engine
    >>> eng = get_engine("wdqs", Settings(use_cache=False))
    >>> [e.name for e in eng.engines]
    ['wdqs', 'qlever']
    """

    def __init__(self, engines: Sequence[Engine], settings: Settings | None = None) -> None:
        if not engines:
            raise ValueError("a FallbackEngine needs at least one engine")
        self.engines: tuple[Engine, ...] = tuple(engines)
        self.primary = self.engines[0]
        super().__init__(self.primary.name, self.primary.url, settings or self.primary.settings)
        self._cool_until: dict[int, float] = {}

    @property
    def queries_sent(self) -> int:
        """Requests sent by every engine of the chain."""
        return sum(e.queries_sent for e in self.engines)

    @queries_sent.setter
    def queries_sent(self, value: int) -> None:
        """Ignored: ``Engine.__init__`` resets it; the counts live in the chained engines."""

    def _select(self, text: str, name: str) -> QueryResult:
        return self._chain(lambda e: e._fetch(text, name), name)

    def select(self, text: str, name: str = "", *, use_cache: bool | None = None) -> QueryResult:
        """Run the query text on the first engine that answers (each with its own cache)."""
        return self._chain(lambda e: e.select(text, name, use_cache=use_cache), name)

    def run(
        self, query: str | queries.Query, /, *, use_cache: bool | None = None, **params: object
    ) -> QueryResult:
        """``Engine.run`` on the first engine that answers, each writing the query in its dialect."""
        name = query if isinstance(query, str) else query.name
        return self._chain(lambda e: e.run(query, use_cache=use_cache, **params), name)

    def supports(self, query: queries.Query) -> bool:
        """Whether the first engine of the chain may run ``query``."""
        return self.primary.supports(query)

    def run_split(self, query: str | queries.Query, /, **kwargs: Any) -> QueryResult:
        """``Engine.run_split`` on the first engine that completes the whole split.

        ``on_part`` sees the parts of every engine tried, including those of a failed split.
        """
        name = query if isinstance(query, str) else query.name
        return self._chain(lambda e: e.run_split(query, **self._depth(e, kwargs)), name)

    def run_split_range(self, query: str | queries.Query, /, **kwargs: Any) -> QueryResult:
        """``Engine.run_split_range`` on the first engine that completes the whole split."""
        name = query if isinstance(query, str) else query.name
        return self._chain(lambda e: e.run_split_range(query, **self._depth(e, kwargs)), name)

    def _depth(self, engine: Engine, kwargs: dict[str, Any]) -> dict[str, Any]:
        """``max_depth`` for a split on ``engine``: bounded unless it is the last of the chain,
        so a query that keeps timing out moves on to the next engine at once."""
        if engine is self.engines[-1] or "max_depth" in kwargs:
            return kwargs
        return {**kwargs, "max_depth": self.settings.fallback_split_depth}

    def _order(self) -> list[Engine]:
        """The engines to try: those not cooling down (all of them if every one is)."""
        now = time.monotonic()
        ready = [e for e in self.engines if self._cool_until.get(id(e), 0.0) <= now]
        return ready or list(self.engines)

    def _chain(self, call: Callable[[Engine], QueryResult], name: str) -> QueryResult:
        failures: list[SparqlError] = []
        for engine in self._order():
            try:
                result = call(engine)
            except BadQuery as exc:
                _note(exc, failures)
                raise
            except SparqlError as exc:
                failures.append(exc)
                if not isinstance(exc, QueryTimeout) and self.settings.fallback_cooldown_s > 0:
                    self._cool_until[id(engine)] = (
                        time.monotonic() + self.settings.fallback_cooldown_s
                    )
                log.warning("%s; trying the next engine", " ".join(str(exc).split()))
                continue
            if engine is not self.primary:
                result = result.with_(fallback_from=self.primary.name)
            return result
        last = failures[-1]
        _note(last, failures[:-1])
        raise last

    def close(self) -> None:
        for engine in self.engines:
            engine.close()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {' -> '.join(e.name for e in self.engines)}>"


def _note(exc: SparqlError, earlier: list[SparqlError]) -> None:
    """Name the engines that failed before ``exc`` in its message."""
    if earlier:
        before = "; ".join(f"{e.endpoint or 'endpoint'}: {e.category}" for e in earlier)
        exc.message += f" (tried after: {before})"
