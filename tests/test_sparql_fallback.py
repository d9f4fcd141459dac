"""FallbackEngine: the same query on the next engine when one fails for endpoint reasons.

Two fault proxies stand in for WDQS and QLever, both in front of the Oxigraph test server, so
every request each "endpoint" receives can be counted.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from servers import faultproxy as fp

from glamgraph.errors import BadInput, BadQuery, EndpointUnavailable, QueryTimeout
from glamgraph.sparql import Settings, get_engine
from glamgraph.sparql.fallback import FallbackEngine
from glamgraph.sparql.remote import RemoteEngine

QUERY = "subdivisions-of-country"
BY_COUNTRY = "institutions-by-class-and-country"
CLASSES = ["Q33506", "Q7075", "Q166118", "Q28564", "Q9100001", "Q2281788"]
COUNTRIES = ["Q31", "Q183", "Q142", "Q55"]


def settings(**kw: Any) -> Settings:
    base: dict[str, Any] = {
        "use_cache": False,
        "min_interval_s": 0.0,
        "timeout_s": 5.0,
        "max_attempts": 2,
        "sleep": lambda s: None,
    }
    base.update(kw)
    return Settings(**base)


def rows(result: Any) -> list[tuple[tuple[str, str], ...]]:
    return sorted(tuple(sorted((k, v["value"]) for k, v in r.items())) for r in result.rows)


@pytest.fixture()
def main(oxigraph_server: Any) -> Iterator[fp.FaultProxy]:
    with fp.running(oxigraph_server.url) as p:
        yield p


@pytest.fixture()
def backup(oxigraph_server: Any) -> Iterator[fp.FaultProxy]:
    with fp.running(oxigraph_server.url) as p:
        yield p


def test_wdqs_falls_back_to_qlever_by_default_and_chains_are_configurable() -> None:
    s = settings()
    eng = get_engine("wdqs", s)
    assert isinstance(eng, FallbackEngine)
    assert [e.name for e in eng.engines] == ["wdqs", "qlever"]
    assert eng.name == "wdqs" and "query.wikidata.org" in eng.url
    assert isinstance(get_engine("wdqs", s, fallback=[]), RemoteEngine)
    assert isinstance(get_engine("qlever", s), RemoteEngine)  # only wdqs has a default chain
    custom = get_engine("qlever", s, fallback=["http://127.0.0.1:9/sparql", "wdqs", "qlever"])
    assert isinstance(custom, FallbackEngine)
    assert [e.name for e in custom.engines] == ["qlever", "http://127.0.0.1:9/sparql", "wdqs"]
    with pytest.raises(BadInput, match="ftp://x"):
        get_engine("wdqs", s, fallback=["ftp://x"])


def test_unavailable_main_falls_back_with_the_same_query(
    main: fp.FaultProxy, backup: fp.FaultProxy, server_engine: Any
) -> None:
    main.always(fp.unavailable(503))
    eng = get_engine(main.url, settings(), fallback=[backup.url])
    res = eng.run(QUERY, country="Q142")
    assert rows(res) == rows(server_engine.run(QUERY, country="Q142"))
    assert res.fallback_from == main.url
    assert res.endpoint == backup.url and res.endpoint_url == backup.url
    assert len(main.requests) == 2  # its own retry budget first
    assert [r.query for r in backup.requests] == [main.requests[0].query] == [res.query_text]


@pytest.mark.parametrize(
    "fault",
    [fp.banned(), fp.rate_limited("3600"), fp.html_200(), fp.timeout_in_200("wdqs"), fp.reset()],
    ids=lambda f: f.name,
)
def test_every_endpoint_failure_falls_back(
    main: fp.FaultProxy, backup: fp.FaultProxy, fault: fp.Fault
) -> None:
    main.always(fault)
    res = get_engine(main.url, settings(), fallback=[backup.url]).run(QUERY, country="Q142")
    assert len(res) == 3 and res.fallback_from == main.url and len(backup.requests) == 1


@pytest.mark.filterwarnings("ignore:.*query type:RuntimeWarning")
def test_bad_query_never_falls_back(main: fp.FaultProxy, backup: fp.FaultProxy) -> None:
    eng = get_engine(main.url, settings(), fallback=[backup.url])
    with pytest.raises(BadQuery):
        eng.select("SELEKT ?x WHERE {}", "broken")
    assert len(main.requests) == 1 and backup.requests == []


def test_when_all_fail_the_last_error_names_the_others(
    main: fp.FaultProxy, backup: fp.FaultProxy
) -> None:
    main.always(fp.banned())
    backup.always(fp.unavailable(503))
    with pytest.raises(EndpointUnavailable) as info:
        get_engine(main.url, settings(), fallback=[backup.url]).run(QUERY, country="Q142")
    message = str(info.value)
    assert message.startswith(backup.url) and "HTTP 503" in message
    assert f"tried after: {main.url}: rate limited" in message


def test_a_failing_engine_cools_down(main: fp.FaultProxy, backup: fp.FaultProxy) -> None:
    main.always(fp.unavailable(503))
    eng = get_engine(main.url, settings(fallback_cooldown_s=60), fallback=[backup.url])
    eng.run(QUERY, country="Q142")
    second = eng.run(QUERY, country="Q13917")  # main is skipped while it cools down
    assert len(main.requests) == 2 and len(backup.requests) == 2
    assert second.fallback_from == main.url
    assert eng.queries_sent == 4  # the chain's requests, for harvest's report


def test_without_cooldown_the_main_engine_is_tried_again(
    main: fp.FaultProxy, backup: fp.FaultProxy
) -> None:
    main.script(fp.unavailable(503), fp.unavailable(503))  # then it recovers
    eng = get_engine(main.url, settings(fallback_cooldown_s=0), fallback=[backup.url])
    assert eng.run(QUERY, country="Q142").fallback_from == main.url
    again = eng.run(QUERY, country="Q142")
    assert again.fallback_from is None and again.endpoint == main.url
    assert len(main.requests) == 3 and len(backup.requests) == 1


def test_a_timeout_does_not_cool_the_engine_down(
    main: fp.FaultProxy, backup: fp.FaultProxy
) -> None:
    main.script(fp.timeout_in_200("wdqs"))
    eng = get_engine(main.url, settings(fallback_cooldown_s=60), fallback=[backup.url])
    assert eng.run(QUERY, country="Q142").fallback_from == main.url
    assert eng.run(QUERY, country="Q142").fallback_from is None  # a timeout is the query's


def test_split_falls_back_only_once_the_floor_is_reached(
    main: fp.FaultProxy, backup: fp.FaultProxy, server_engine: Any
) -> None:
    main.always(fp.when(lambda r: len(r.values("country")) > 0, fp.timeout_in_200("wdqs")))
    backup.always(fp.when(lambda r: len(r.values("country")) > 2, fp.timeout_in_200("qlever")))
    eng = get_engine(main.url, settings(), fallback=[backup.url])
    res = eng.run_split(BY_COUNTRY, split="country", values=COUNTRIES, **{"class": CLASSES})
    clean = server_engine.run(BY_COUNTRY, country=COUNTRIES, **{"class": CLASSES})
    assert rows(res) == rows(clean) and len(clean) > 0
    assert [len(r.values("country")) for r in main.requests] == [4, 2, 1]  # down to the floor
    assert [len(r.values("country")) for r in backup.requests] == [4, 2, 2]  # the whole split
    assert res.fallback_from == main.url and res.endpoint == backup.url and res.parts == 2


def test_range_split_falls_back_too(main: fp.FaultProxy, backup: fp.FaultProxy) -> None:
    main.always(fp.timeout_in_200("oxigraph"))
    eng = get_engine(main.url, settings(), fallback=[backup.url])
    res = eng.run_split_range(
        "institutions-without-country", lo=9_000_000, hi=9_000_099, floor=50, **{"class": CLASSES}
    )
    assert len(main.requests) == 2 and len(backup.requests) == 1
    assert res.fallback_from == main.url and len(res) > 0


def test_fallback_results_are_cached_under_the_engine_that_answered(
    main: fp.FaultProxy, backup: fp.FaultProxy
) -> None:
    main.always(fp.unavailable(503))
    eng = get_engine(
        main.url, settings(use_cache=True, fallback_cooldown_s=0), fallback=[backup.url]
    )
    first = eng.run(QUERY, country="Q142")
    again = eng.run(QUERY, country="Q142")
    assert not first.from_cache and again.from_cache
    assert again.fallback_from == main.url and again.endpoint_url == backup.url
    assert len(backup.requests) == 1 and len(main.requests) == 4  # never a cached failure


def test_a_timeout_on_a_plain_query_falls_back_at_once(
    main: fp.FaultProxy, backup: fp.FaultProxy
) -> None:
    main.always(fp.timeout_500())
    backup.always(fp.timeout_in_200("qlever"))
    with pytest.raises(QueryTimeout) as info:
        get_engine(main.url, settings(), fallback=[backup.url]).run(QUERY, country="Q142")
    assert len(main.requests) == 1 and len(backup.requests) == 1
    assert "timeout" in str(info.value)
