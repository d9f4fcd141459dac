"""One query at a time per endpoint across the process, and a minimum gap between requests,
as the server (a fault proxy that counts requests in flight) sees them."""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from servers import faultproxy as fp

from glamgraph.errors import BadInput
from glamgraph.sparql import Settings, get_engine

QUERY = "subdivisions-of-country"


def settings(**kw: Any) -> Settings:
    base: dict[str, Any] = {"use_cache": False, "min_interval_s": 0.0, "timeout_s": 5.0}
    base.update(kw)
    return Settings(**base)


@pytest.fixture()
def proxy(oxigraph_server: Any) -> Iterator[fp.FaultProxy]:
    with fp.running(oxigraph_server.url) as p:
        yield p


def run_in_threads(engines: list[Any], per_thread: int) -> list[BaseException]:
    errors: list[BaseException] = []

    def work(eng: Any) -> None:
        try:
            for _ in range(per_thread):
                eng.run(QUERY, country="Q142")
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(e,)) for e in engines]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return errors


@pytest.mark.parametrize("concurrency", [1, 2])
def test_queries_in_flight_per_endpoint(proxy: fp.FaultProxy, concurrency: int) -> None:
    proxy.always(fp.slow(0.15))
    # three separate engine objects: the limit is per endpoint URL, not per engine
    engines = [get_engine(proxy.url, settings(concurrency=concurrency)) for _ in range(3)]
    assert run_in_threads(engines, per_thread=2) == []
    assert len(proxy.requests) == 6
    assert proxy.max_in_flight == concurrency


def test_minimum_interval_between_requests(proxy: fp.FaultProxy) -> None:
    eng = get_engine(proxy.url, settings(min_interval_s=0.25))
    for country in ("Q142", "Q183", "Q31"):
        eng.run(QUERY, country=country)
    gaps = [b.at - a.at for a, b in itertools.pairwise(proxy.requests)]
    assert len(gaps) == 2 and min(gaps) >= 0.2  # 0.25 s apart at the client


def test_retry_waits_hold_the_endpoint(proxy: fp.FaultProxy) -> None:
    """While one query honours a Retry-After, no other query from this process goes out."""
    proxy.script(fp.rate_limited("1"))
    engines = [get_engine(proxy.url, settings(max_attempts=2)) for _ in range(2)]
    assert run_in_threads(engines, per_thread=1) == []
    first, second, _third = proxy.requests
    assert first.fault.startswith("429")
    assert second.at - first.at >= 0.99  # the other thread did not slip in during the wait


def test_the_place_goes_to_the_next_query_while_a_body_is_decoded(
    proxy: fp.FaultProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One query at a time to the server, but not one at a time in the client: a query whose
    answer is in lets its place go while its body is decoded, so the next one is answered
    meanwhile; the server still never sees two at once."""
    from glamgraph.sparql import remote

    real = remote.classify_body
    decoding: list[tuple[float, float]] = []

    def slow_decode(*args: Any, **kw: Any) -> Any:
        t0 = time.monotonic()
        time.sleep(0.3)
        try:
            return real(*args, **kw)
        finally:
            decoding.append((t0, time.monotonic()))

    monkeypatch.setattr(remote, "classify_body", slow_decode)
    engines = [get_engine(proxy.url, settings(concurrency=1)) for _ in range(2)]
    assert run_in_threads(engines, per_thread=2) == []
    assert proxy.max_in_flight == 1 and len(proxy.requests) == 4
    # a request went out while another query's body was being decoded
    starts = [r.at for r in proxy.requests]
    assert any(a < s < b for a, b in decoding for s in starts)


@pytest.mark.parametrize(
    ("kw", "needle"),
    [
        ({"concurrency": 0}, "concurrency"),
        ({"max_attempts": 0}, "max_attempts"),
        ({"min_interval_s": -1}, "min_interval_s"),
        ({"timeout_s": 0}, "timeout_s"),
        ({"split_floor": 0}, "split_floor"),
        ({"max_retry_after_s": float("nan")}, "max_retry_after_s"),
    ],
)
def test_settings_are_checked(kw: dict[str, Any], needle: str) -> None:
    with pytest.raises(BadInput, match=needle):
        Settings(**kw)
