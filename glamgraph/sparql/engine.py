"""One small interface for every SPARQL engine glamgraph can ask.

An :class:`Engine` runs a query and returns a :class:`~glamgraph.sparql.result.QueryResult`:
the bindings plus the query text, the endpoint, the duration and whether it came from the cache.
Behind it: ``wdqs`` and ``qlever`` (public Wikidata endpoints), any SPARQL 1.1 URL (all three via
SPARQLWrapper, see :mod:`glamgraph.sparql.remote`), and ``snapshot``, the offline sample shipped in
the wheel, served in-process by an embedded Oxigraph store (:mod:`glamgraph.sparql.embedded`).

>>> from glamgraph.sparql import get_engine
>>> eng = get_engine("snapshot")
>>> res = eng.run("countries-of-continent", continent="Q538")
>>> "AU" in res.values("iso")
True
"""

from __future__ import annotations

import logging
import threading
import time
from abc import ABC, abstractmethod
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from itertools import islice
from typing import TYPE_CHECKING, ClassVar, Generic, TypeVar

from glamgraph import queries
from glamgraph._version import __version__
from glamgraph.client.settings import Settings as Settings  # re-exported: engines take it
from glamgraph.errors import BadInput, QueryTimeout
from glamgraph.redaction import redact_url
from glamgraph.sparql.result import QueryResult, merge

if TYPE_CHECKING:
    from glamgraph.sparql.cache import Cache


log = logging.getLogger("glamgraph.sparql")
_P = TypeVar("_P")


class Engine(ABC):
    """A SPARQL engine: ``select()`` runs text, ``run()`` runs a named query with parameters.

    ``select`` is the pipeline every query goes through: the on-disk cache (for engines whose
    class sets ``caches``), then :meth:`_fetch` (a remote engine's retry policy and per-endpoint
    throttle around :meth:`_select`, one request), then the cache again. ``run_split`` and
    ``run_split_range`` cut a query that times out into smaller ones.
    """

    #: Whether results of this engine go through the on-disk cache (remote engines: yes).
    caches: ClassVar[bool] = False
    #: Whether the harvest may send this engine the hash-joined ``-bulk`` forms of its queries
    #: when its kind joins by hash (``glamgraph.harvest.BULK_JOIN_KINDS``); a snapshot build's
    #: recording engine says no.
    bulk_forms: ClassVar[bool] = True

    name: str
    url: str
    #: The engine's make, which decides the dialect queries are rendered in.
    kind: queries.EngineKind = "generic"

    def __init__(self, name: str, url: str, settings: Settings | None = None) -> None:
        # The name is shown and stored, so it never carries a credential; ``url`` (the real
        # address, token included) is only sent to, and ``display_url`` is what is shown.
        self.name = redact_url(name)
        self.url = url
        self.display_url = redact_url(url)
        self.settings = settings or Settings()
        self.queries_sent = 0
        self._cache: Cache | None = None
        if self.caches and self.settings.use_cache:
            self.cache()  # an unusable cache folder is reported now, before any request

    @abstractmethod
    def _select(self, text: str, name: str) -> QueryResult:
        """Run one query text once and return its result (no cache, no retry, no splitting)."""

    def _fetch(self, text: str, name: str) -> QueryResult:
        """Get a fresh result under the engine's failure policy (the base: one attempt)."""
        return self._select(text, name)

    def cache(self, use_cache: bool | None = None) -> Cache | None:
        """The engine's on-disk cache, or ``None`` when it does not cache or caching is off."""
        use = self.settings.use_cache if use_cache is None else use_cache
        if not (self.caches and use):
            return None
        if self._cache is None:
            from glamgraph.sparql.cache import Cache, cache_root

            self._cache = Cache(cache_root(self.settings.cache_dir), self.settings.cache_ttl_s)
        return self._cache

    def select(self, text: str, name: str = "", *, use_cache: bool | None = None) -> QueryResult:
        """Run a SELECT query text and return the bindings with their provenance.

        A fresh cached result comes back with ``from_cache=True``; otherwise the query is
        fetched (retried as the engine's policy says) and a good result is cached.
        ``use_cache`` overrides ``Settings.use_cache`` for this call.
        """
        queries.refuse_update(text, name=name or "query")
        cache = self.cache(use_cache)
        if cache is not None:
            hit = cache.get(self.url, text)
            if hit is not None:
                return hit
        result = self._fetch(text, name)
        if cache is not None:
            cache.put(result, url=self.url)
        return result

    def prepare(self, query: str | queries.Query, params: Mapping[str, object]) -> tuple[str, str]:
        """The query's name and its text with parameters filled and a ``#tool:`` line on top.

        A trailing underscore is dropped from a parameter name, so a parameter that is a Python
        keyword can be passed as a keyword argument: ``class_=[...]`` fills ``class``.

        Raises:
            BadInput: the query's ``# engines:`` header does not list this engine's kind, or a
                parameter is wrong.
        """
        q = queries.resolve(query) if isinstance(query, str) else query
        kind = self.kind
        if not self.supports(q):
            raise BadInput(
                f"query {q.name} is not meant for {self.name} (engine kind {kind}): its "
                f"'# engines:' header lists {' '.join(q.engines)}"
            )
        named = {(k[:-1] if k.endswith("_") and k[:-1] else k): v for k, v in params.items()}
        text = queries.fill(q, named, engine_kind=kind)  # type: ignore[arg-type]
        return q.name, f"#tool: glamgraph/{__version__} {q.name}\n{text}"

    @property
    def serves_sample(self) -> bool:
        """True when the engine serves a sample snapshot (glamgraph's shipped one, built from
        ``../shared/data`` with a per-country cap and known gaps), not complete data."""
        return False

    @property
    def in_flight(self) -> int:
        """How many independent queries of one stage a caller may have in flight on this engine
        at once (see :func:`in_order`): one here (the embedded store answers in-process); a
        remote engine's own rule is in :attr:`RemoteEngine.in_flight
        <glamgraph.sparql.remote.RemoteEngine.in_flight>`."""
        return 1

    def supports(self, query: queries.Query) -> bool:
        """Whether this engine may run ``query`` (its ``# engines:`` header; see queries.supports)."""
        return queries.supports(query, self.kind)

    def run(
        self, query: str | queries.Query, /, *, use_cache: bool | None = None, **params: object
    ) -> QueryResult:
        """Run a shipped query (by name), a ``.rq`` path or a loaded :class:`Query`.

        Parameters are checked and written in as typed terms (see :func:`glamgraph.queries.fill`).

        >>> from glamgraph.sparql import get_engine
        >>> get_engine("snapshot").run("region-by-iso", code="FR").qids("item")
        ['Q142']
        >>> len(get_engine("snapshot").run("institutions-by-class-and-country",
        ...     class_=["Q43501"], country=["Q1033"])) > 0
        True
        """
        name, text = self.prepare(query, params)
        return self.select(text, name, use_cache=use_cache)

    def run_split(
        self,
        query: str | queries.Query,
        /,
        *,
        split: str,
        values: Sequence[str],
        use_cache: bool | None = None,
        on_part: Callable[[QueryResult], None] | None = None,
        floor: int | None = None,
        max_depth: int | None = None,
        **params: object,
    ) -> QueryResult:
        """Run a query over a partition (``split`` names a list parameter), halving on timeout.

        A part that times out is not resent as is (the server's deadline is deterministic): it is
        cut in two and both halves run, first half first, recursively down to ``floor`` values
        (default ``Settings.split_floor``); a part of that size that still times out raises
        :class:`QueryTimeout` naming the values. Repeated values are run once. The parts' rows
        are merged without duplicates, in part order; the merged result's ``query_text`` is the
        unsplit query, ``parts`` and ``part_queries`` tell what was sent. ``on_part`` sees each
        part's result as it arrives. ``max_depth`` (default: none) stops halving after that many
        levels (a part of 1/2**max_depth of the whole that times out raises): a fallback chain
        uses it to move to the next engine rather than halving on through more timeouts.

        >>> from glamgraph.sparql import get_engine
        >>> res = get_engine("snapshot").run_split(
        ...     "borders", split="region", values=["Q142", "Q183", "Q142"])
        >>> res.parts, "wd:Q142 wd:Q183 }" in res.query_text
        (1, True)
        """
        q = queries.resolve(query) if isinstance(query, str) else query
        param = q.params.get(split)
        if param is None or not param.type.endswith("+"):
            raise BadInput(f"query {q.name}: cannot split on {split!r}: not a list parameter")
        params.pop(split, None)
        vals = list(dict.fromkeys(str(v) for v in values))
        if not vals:
            return self._no_parts(q.name)
        name, full_text = self.prepare(q, {**params, split: vals})  # every parameter checked
        lowest = max(1, floor if floor is not None else self.settings.split_floor)
        whole = tuple(vals)

        def run_part(part: tuple[str, ...]) -> QueryResult:
            if part == whole:  # the text is the one prepared above
                return self.select(full_text, name, use_cache=use_cache)
            return self.run(q, use_cache=use_cache, **params, **{split: list(part)})

        def halve(part: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
            if len(part) <= lowest:
                return None
            mid = len(part) // 2
            return part[:mid], part[mid:]

        def describe(part: tuple[str, ...]) -> str:
            shown = " ".join(part[:5]) + (" ..." if len(part) > 5 else "")
            return f"{len(part)} value(s) of {split!r} ({shown})"

        return self._split(
            q.name, full_text, whole, run_part, halve, describe, lowest, on_part, max_depth
        )

    def run_split_range(
        self,
        query: str | queries.Query,
        /,
        *,
        lo: int,
        hi: int,
        lo_param: str = "lo",
        hi_param: str = "hi",
        use_cache: bool | None = None,
        on_part: Callable[[QueryResult], None] | None = None,
        floor: int | None = None,
        max_depth: int | None = None,
        **params: object,
    ) -> QueryResult:
        """Run a query over the integer range ``lo..hi`` (inclusive), halving it on timeout.

        For queries bounded by two ``int`` parameters, such as the QID number in
        ``institutions-without-country`` (``lo``/``hi``). Halves are ``lo..mid`` and
        ``mid+1..hi``; a range of ``floor`` numbers or fewer (default ``Settings.split_floor``)
        that still times out raises :class:`QueryTimeout`. Merging works as in :meth:`run_split`.

        >>> from glamgraph.sparql import get_engine
        >>> res = get_engine("snapshot").run_split_range(
        ...     "institutions-without-country", lo=0, hi=10**9, **{"class": "Q33506"})
        >>> res.parts, res.query_name
        (1, 'institutions-without-country')
        """
        q = queries.resolve(query) if isinstance(query, str) else query
        for pname in (lo_param, hi_param):
            param = q.params.get(pname)
            if param is None or param.type != "int":
                raise BadInput(f"query {q.name}: cannot split on {pname!r}: not an int parameter")
            params.pop(pname, None)
        lo, hi = int(lo), int(hi)
        if hi < lo:
            return self._no_parts(q.name)
        name, full_text = self.prepare(q, {**params, lo_param: lo, hi_param: hi})
        lowest = max(1, floor if floor is not None else self.settings.split_floor)

        def run_part(part: tuple[int, int]) -> QueryResult:
            if part == (lo, hi):  # the text is the one prepared above
                return self.select(full_text, name, use_cache=use_cache)
            return self.run(
                q, use_cache=use_cache, **params, **{lo_param: part[0], hi_param: part[1]}
            )

        def halve(part: tuple[int, int]) -> tuple[tuple[int, int], tuple[int, int]] | None:
            a, b = part
            if b - a + 1 <= lowest:
                return None
            mid = (a + b) // 2
            return (a, mid), (mid + 1, b)

        def describe(part: tuple[int, int]) -> str:
            return f"the range {lo_param}={part[0]}..{hi_param}={part[1]}"

        return self._split(
            q.name, full_text, (lo, hi), run_part, halve, describe, lowest, on_part, max_depth
        )

    def _no_parts(self, name: str) -> QueryResult:
        """The result of a split query with nothing to split: no parts, no rows."""
        return QueryResult(
            vars=(),
            rows=[],
            query_name=name,
            endpoint=self.name,
            endpoint_url=self.display_url,
            parts=0,
        )

    def _split(
        self,
        name: str,
        full_text: str,
        whole: _P,
        run_part: Callable[[_P], QueryResult],
        halve: Callable[[_P], tuple[_P, _P] | None],
        describe: Callable[[_P], str],
        lowest: int,
        on_part: Callable[[QueryResult], None] | None,
        max_depth: int | None = None,
    ) -> QueryResult:
        """The adaptive splitter behind run_split and run_split_range."""
        watch = timed()
        results: list[QueryResult] = []
        todo: list[tuple[_P, int]] = [(whole, 0)]
        while todo:
            part, depth = todo.pop()
            try:
                res = run_part(part)
            except QueryTimeout as exc:
                deep = max_depth is not None and depth >= max_depth
                halves = None if deep else halve(part)
                if halves is None:
                    why = f"split depth {max_depth}" if deep else f"split floor {lowest}"
                    raise QueryTimeout(
                        f"{exc.message}; {describe(part)} still timed out and is not split "
                        f"further ({why})",
                        endpoint=exc.endpoint,
                        query_name=exc.query_name or name,
                        status=exc.status,
                        attempts=exc.attempts,
                    ) from exc
                log.info("%s: timeout for %s; splitting it in two", self.name, describe(part))
                todo.extend((h, depth + 1) for h in reversed(halves))
                continue
            results.append(res)
            if on_part is not None:
                on_part(res)
        if len(results) == 1 and results[0].query_text == full_text:
            # not split: the result as it came, like run()'s (merge() would only compare its rows
            # with each other; 0.9 s of a 100k-institution harvest)
            return results[0]
        merged = merge(results, name, query_text=full_text)
        return merged.with_(duration_s=watch()) if len(results) > 1 else merged

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release resources (connections, stores)."""

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name} {self.display_url}>"


_R = TypeVar("_R")


class Started(Generic[_P, _R]):
    """One call on a daemon thread of its own, its value or exception kept (:func:`start`, and
    each call of :func:`in_order`)."""

    def __init__(self, fn: Callable[[_P], _R], arg: _P) -> None:
        self._fn, self._arg = fn, arg
        self._value: _R | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, daemon=True, name="glamgraph-query")
        self._thread.start()

    def _run(self) -> None:
        try:
            self._value = self._fn(self._arg)
        except BaseException as exc:  # handed to the caller, in order, by result()
            self._error = exc

    def result(self) -> _R:
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._value  # type: ignore[return-value]


def start(fn: Callable[[_P], _R], item: _P) -> Started[_P, _R]:
    """``fn(item)`` started now on a thread of its own: a call of a stage begun ahead, while the
    caller does other work (see :func:`in_order`'s ``first``); ``.result()`` waits for it."""
    return Started(fn, item)


def in_order(
    fn: Callable[[_P], _R],
    items: Iterable[_P],
    in_flight: int = 1,
    *,
    first: Started[_P, _R] | None = None,
) -> Iterator[_R]:
    """``fn(item)`` for each of ``items``, yielded in the items' order, with up to ``in_flight``
    calls running at once (threads: the wait is the server's).

    For the independent batches of one stage (``Engine.in_flight`` says how many an engine
    takes). With ``in_flight`` 1 the calls run one after the other on the caller's thread. The
    first item (in order) whose call fails raises its error when its turn comes: the values
    before it are yielded first, as if the calls ran one by one; calls already running then end
    on their own (their results are dropped) and no further call starts.

    ``first``: the call of the item before ``items``, begun ahead by :func:`start`: its value
    comes first, and while it runs it is one of the ``in_flight`` calls.

    >>> list(in_order(lambda x: x * x, range(5), in_flight=2))
    [0, 1, 4, 9, 16]
    >>> list(in_order(lambda x: x * x, [3, 4], in_flight=2, first=start(lambda x: x * x, 2)))
    [4, 9, 16]
    """
    if in_flight <= 1:
        if first is not None:
            yield first.result()
        for item in items:
            yield fn(item)
        return
    todo = iter(items)
    running: deque[Started[_P, _R]] = deque([first] if first is not None else [])
    running.extend(Started(fn, item) for item in islice(todo, in_flight - len(running)))
    while running:
        value = running.popleft().result()
        for item in islice(todo, 1):  # the next call starts while the caller reads this value
            running.append(Started(fn, item))
        yield value


def timed() -> Callable[[], float]:
    """A stopwatch: call the returned function for the seconds since."""
    t0 = time.perf_counter()
    return lambda: time.perf_counter() - t0
