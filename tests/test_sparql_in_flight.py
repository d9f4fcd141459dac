"""Independent batches of one harvest stage in flight together on engines that take it (two on
a server of your own, always one on WDQS): the same harvest, in the same order, and the server
sees no more requests at once than the engine's limit."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from servers import faultproxy as fp

from glamgraph import harvest as hv
from glamgraph import vocab
from glamgraph.errors import BadQuery
from glamgraph.sparql import Settings, get_engine, in_order
from glamgraph.sparql.remote import RemoteEngine


def settings(**kw: Any) -> Settings:
    base: dict[str, Any] = {"use_cache": False, "min_interval_s": 0.0, "timeout_s": 20.0}
    base.update(kw)
    return Settings(**base)


@pytest.fixture()
def proxy(oxigraph_server: Any) -> Iterator[fp.FaultProxy]:
    with fp.running(oxigraph_server.url) as p:
        yield p


# --- in_order ------------------------------------------------------------------------------


def test_in_order_yields_in_the_items_order_with_calls_overlapping() -> None:
    running, most = 0, 0
    lock = threading.Lock()

    def call(x: int) -> int:
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        time.sleep(0.05 if x % 2 == 0 else 0.01)  # later items finish first
        with lock:
            running -= 1
        return x * 10

    assert list(in_order(call, range(7), in_flight=2)) == [0, 10, 20, 30, 40, 50, 60]
    assert most == 2


def test_in_order_with_one_in_flight_runs_on_the_callers_thread() -> None:
    threads = list(in_order(lambda _x: threading.current_thread(), range(3), in_flight=1))
    assert threads == [threading.current_thread()] * 3


def test_in_order_raises_the_first_failure_in_order_after_the_values_before_it() -> None:
    started: list[int] = []

    def call(x: int) -> int:
        started.append(x)
        if x in (2, 3):
            time.sleep(0.05 if x == 2 else 0.0)  # the later failure comes back first
            raise ValueError(f"item {x}")
        return x

    got: list[int] = []
    with pytest.raises(ValueError, match="item 2"):
        for value in in_order(call, range(10), in_flight=2):
            got.append(value)
    assert got == [0, 1]
    time.sleep(0.1)
    assert max(started) <= 3  # nothing started after the failure was met


# --- the engine's limit ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "kw", "expected"),
    [
        ("http://127.0.0.1:9/query", {"engine_kind": "oxigraph"}, 2),
        ("http://127.0.0.1:9/query", {"engine_kind": "virtuoso"}, 2),
        ("http://127.0.0.1:9/query", {"engine_kind": "qlever"}, 2),
        ("http://127.0.0.1:9/query", {}, 1),  # unknown make (not yet detected)
        ("http://127.0.0.1:9/query", {"engine_kind": "oxigraph", "concurrency": 3}, 3),
        ("http://127.0.0.1:9/query", {"engine_kind": "oxigraph", "concurrency": 1}, 1),
        ("http://127.0.0.1:9/query", {"engine_kind": "wdqs", "concurrency": 4}, 1),
        (vocab.WDQS_URL, {"concurrency": 4}, 1),
        (vocab.QLEVER_URL, {"concurrency": 4}, 1),
    ],
)
def test_queries_in_flight_by_engine_kind(url: str, kw: dict[str, Any], expected: int) -> None:
    eng = get_engine(url, settings(**kw), fallback=[])
    assert isinstance(eng, RemoteEngine) and eng.in_flight == expected


def test_a_fallback_chain_and_the_embedded_store_take_one_at_a_time(world_engine: Any) -> None:
    assert get_engine("wdqs", settings()).in_flight == 1
    assert world_engine.in_flight == 1


# --- a harvest with two requests in flight -------------------------------------------------


def _harvest(url: str, monkeypatch: pytest.MonkeyPatch, **kw: Any) -> tuple[Any, list[Any]]:
    # small batches, so that every stage has several independent ones
    for table in ("CLASS_BATCH_BY_KIND", "DETAIL_BATCH_BY_KIND", "ADMIN_BATCH_BY_KIND"):
        monkeypatch.setitem(getattr(hv, table), "oxigraph", 3)
    hv._CLASS_CACHE.clear()
    steps: list[Any] = []
    eng = get_engine(url, settings(engine_kind="oxigraph", **kw), fallback=[])
    h = hv.harvest("Q46", eng, lang="fr,en", progress=lambda *a: steps.append(a))
    return h, steps


def test_a_harvest_with_two_in_flight_is_the_same_harvest(
    proxy: fp.FaultProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    one, steps_one = _harvest(proxy.url, monkeypatch, concurrency=1)
    assert proxy.max_in_flight == 1
    proxy.reset_log()
    proxy.always(fp.slow(0.02))
    two, steps_two = _harvest(proxy.url, monkeypatch)  # the kind's default: two
    assert proxy.max_in_flight == 2
    assert two.institutions == one.institutions and two.unplaced == one.unplaced
    assert two.chain_countries == one.chain_countries
    assert [(r.query_text, r.rows) for r in two.results] == [
        (r.query_text, r.rows) for r in one.results
    ]
    assert steps_two == steps_one  # the progress callback sees the same steps, in order
    assert two.queries_sent == one.queries_sent == len(proxy.requests)


def test_the_first_details_part_is_asked_while_the_chains_are_walked(
    proxy: fp.FaultProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The items placed by their P17 are known before the placement: the first part of their
    details goes out while the P131 chains are walked (the server would wait for the client
    otherwise), within the engine's two in flight; with one in flight it waits its turn."""
    proxy.always(fp.slow(0.05))
    _harvest(proxy.url, monkeypatch)  # two in flight
    names = [_name(r) for r in proxy.requests]
    first_details = names.index("institution-contacts-bulk")
    assert "admin-parents" in names[first_details + 1 :]
    assert proxy.max_in_flight == 2
    proxy.reset_log()
    _harvest(proxy.url, monkeypatch, concurrency=1)
    names = [_name(r) for r in proxy.requests]
    assert "admin-parents" not in names[names.index("institution-contacts-bulk") :]


def _name(rec: fp.Recorded) -> str:
    """The query name of a request (from the ``#tool:`` line glamgraph puts first)."""
    return rec.query.split("\n", 1)[0].rsplit(" ", 1)[-1]


class _RefuseDetails(fp.Fault):
    """A 400 for the details query (a continent's: ``institution-contacts``) of every batch but the
    first; every other query passes."""

    name = "refuse-details"

    def __init__(self) -> None:
        self.seen = 0
        self.lock = threading.Lock()

    def respond(self, h: Any, rec: fp.Recorded) -> None:
        if "institution-contacts" in rec.query:
            with self.lock:
                self.seen += 1
                first = self.seen == 1
            if not first:
                h.send(400, b"refused", {"Content-Type": "text/plain"})
                return
        super().respond(h, rec)


@pytest.mark.parametrize("in_flight", [1, 2])
def test_a_failing_batch_fails_the_harvest_as_with_one_in_flight(
    proxy: fp.FaultProxy, monkeypatch: pytest.MonkeyPatch, in_flight: int
) -> None:
    proxy.always(_RefuseDetails())
    with pytest.raises(BadQuery) as info:
        _harvest(proxy.url, monkeypatch, concurrency=in_flight)
    assert info.value.query_name == "institution-contacts-bulk"  # a server of your own
    details = [r for r in proxy.requests if "institution-contacts" in r.query]
    # the first batch's, then the refused one; with two in flight, one more may have started
    # before the refusal was met (when the first batch's value was taken), none after it
    assert 2 <= len(details) <= 1 + in_flight
