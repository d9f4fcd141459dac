"""Adaptive splitting against a fault proxy whose timeouts depend on the partition size.

The proxy answers a timeout inside an HTTP 200 body (as WDQS and Oxigraph do) while a query's
``VALUES`` block, or its ``lo..hi`` QID-number range, is bigger than a threshold. The splitter
must halve exactly the parts that time out, and the merged rows must equal the unsplit,
fault-free rows.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from servers import faultproxy as fp

from glamgraph.errors import BadInput, QueryTimeout, RateLimited
from glamgraph.sparql import QueryResult, Settings, get_engine

BY_COUNTRY = "institutions-by-class-and-country"
NO_COUNTRY = "institutions-without-country"
CLASSES = [
    "Q166118", "Q167346", "Q207694", "Q22806", "Q2281788", "Q28564", "Q33506", "Q43501",
    "Q575727", "Q7075", "Q9100001", "Q9100002", "Q9100003", "Q9100004",
]  # fmt: skip
COUNTRIES = ["Q31", "Q183", "Q142", "Q189", "Q32", "Q233", "Q55"]


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


def rows(result: QueryResult) -> list[tuple[tuple[str, str], ...]]:
    return sorted(tuple(sorted((k, v["value"]) for k, v in r.items())) for r in result.rows)


def range_width(req: fp.Recorded) -> int:
    (lo,), (hi,) = req.values("lo"), req.values("hi")
    return int(hi) - int(lo) + 1


@pytest.fixture()
def proxy(oxigraph_server: Any) -> Iterator[fp.FaultProxy]:
    with fp.running(oxigraph_server.url) as p:
        yield p


def test_values_split_on_size_dependent_timeouts_equals_the_unsplit_rows(
    proxy: fp.FaultProxy, server_engine: Any
) -> None:
    clean = server_engine.run(BY_COUNTRY, country=COUNTRIES, **{"class": CLASSES})
    assert len(clean) >= 10
    proxy.always(fp.when(lambda r: len(r.values("country")) > 2, fp.timeout_in_200("oxigraph")))
    seen: list[QueryResult] = []
    res = get_engine(proxy.url, settings()).run_split(
        BY_COUNTRY, split="country", values=COUNTRIES, on_part=seen.append, **{"class": CLASSES}
    )
    assert rows(res) == rows(clean) and len(res) == len(clean)
    # 7 -> 3 + 4; 3 -> 1 + 2; 4 -> 2 + 2: the first half always first
    assert [len(r.values("country")) for r in proxy.requests] == [7, 3, 1, 2, 4, 2, 2]
    assert [r.values("country") for r in proxy.requests[-5:] if r.fault == "pass"] == [
        ["wd:Q31"],
        ["wd:Q183", "wd:Q142"],
        ["wd:Q189", "wd:Q32"],
        ["wd:Q233", "wd:Q55"],
    ]
    assert res.parts == 4 and len(seen) == 4
    # the result carries the unsplit query and the texts actually sent
    assert all(f"wd:{c}" in res.query_text for c in COUNTRIES)
    assert res.part_queries == tuple(r.query for r in proxy.requests if r.fault == "pass")
    assert res.query_name == BY_COUNTRY and res.endpoint == proxy.url


def test_below_the_floor_a_clear_query_timeout(proxy: fp.FaultProxy) -> None:
    proxy.always(fp.timeout_in_200("wdqs"))
    with pytest.raises(QueryTimeout) as info:
        get_engine(proxy.url, settings(split_floor=2)).run_split(
            BY_COUNTRY, split="country", values=COUNTRIES, **{"class": CLASSES}
        )
    # 7 -> 3 -> 1: a single value still times out (it is below the floor of 2 values)
    assert [len(r.values("country")) for r in proxy.requests] == [7, 3, 1]
    message = str(info.value)
    assert "timeout" in message and "split floor 2" in message
    assert "'country'" in message and "wd:Q31" not in message and "Q31" in message
    assert info.value.status == 200 and info.value.query_name == BY_COUNTRY


def test_floor_argument_overrides_settings(proxy: fp.FaultProxy) -> None:
    proxy.always(fp.timeout_in_200("qlever"))
    with pytest.raises(QueryTimeout):
        get_engine(proxy.url, settings()).run_split(
            BY_COUNTRY, split="country", values=COUNTRIES, floor=4, **{"class": CLASSES}
        )
    assert [len(r.values("country")) for r in proxy.requests] == [7, 3]


def test_range_split_on_size_dependent_timeouts_equals_the_unsplit_rows(
    proxy: fp.FaultProxy, server_engine: Any
) -> None:
    lo, hi = 9_000_000, 9_000_031  # the test world's institutions are Q9000001...
    clean = server_engine.run(NO_COUNTRY, lo=lo, hi=hi, **{"class": CLASSES})
    assert len(clean) >= 5
    proxy.always(fp.when(lambda r: range_width(r) > 8, fp.timeout_in_200("wdqs")))
    res = get_engine(proxy.url, settings()).run_split_range(
        NO_COUNTRY, lo=lo, hi=hi, **{"class": CLASSES}
    )
    assert rows(res) == rows(clean)
    assert [range_width(r) for r in proxy.requests] == [32, 16, 8, 8, 16, 8, 8]
    passed = [(r.values("lo")[0], r.values("hi")[0]) for r in proxy.requests if r.fault == "pass"]
    assert passed == [
        ("9000000", "9000007"),
        ("9000008", "9000015"),
        ("9000016", "9000023"),
        ("9000024", "9000031"),
    ]
    assert res.parts == 4
    assert "VALUES ?lo { 9000000 }" in res.query_text and "VALUES ?hi { 9000031 }" in res.query_text


def test_range_split_floor(proxy: fp.FaultProxy) -> None:
    proxy.always(fp.timeout_in_200("oxigraph"))
    with pytest.raises(QueryTimeout) as info:
        get_engine(proxy.url, settings()).run_split_range(
            NO_COUNTRY, lo=0, hi=4095, floor=1000, **{"class": CLASSES}
        )
    assert [range_width(r) for r in proxy.requests] == [4096, 2048, 1024, 512]
    assert "lo=0..hi=511" in str(info.value) and "split floor 1000" in str(info.value)


def test_other_errors_in_a_part_are_not_split(proxy: fp.FaultProxy) -> None:
    proxy.script(fp.timeout_in_200("wdqs"), fp.banned())
    with pytest.raises(RateLimited):
        get_engine(proxy.url, settings()).run_split(
            BY_COUNTRY, split="country", values=COUNTRIES, **{"class": CLASSES}
        )
    assert len(proxy.requests) == 2


def test_duplicates_and_empty_partitions(proxy: fp.FaultProxy, server_engine: Any) -> None:
    eng = get_engine(proxy.url, settings())
    empty = eng.run_split(BY_COUNTRY, split="country", values=[], **{"class": CLASSES})
    assert len(empty) == 0 and empty.parts == 0 and proxy.requests == []
    res = eng.run_split(
        BY_COUNTRY, split="country", values=["Q142", "Q31", "Q142"], **{"class": CLASSES}
    )
    assert proxy.requests[0].values("country") == ["wd:Q142", "wd:Q31"]
    clean = server_engine.run(BY_COUNTRY, country=["Q142", "Q31"], **{"class": CLASSES})
    assert rows(res) == rows(clean)


def test_split_on_a_non_list_parameter_is_refused(proxy: fp.FaultProxy) -> None:
    eng = get_engine(proxy.url, settings())
    with pytest.raises(BadInput, match="not a list parameter"):
        eng.run_split("subdivisions-of-country", split="country", values=["Q142"])
    with pytest.raises(BadInput, match="not an int parameter"):
        eng.run_split_range(BY_COUNTRY, lo=0, hi=9, country="Q142", **{"class": "Q33506"})
    with pytest.raises(BadInput, match="malformed QID"):
        eng.run_split(BY_COUNTRY, split="country", values=["Q1 }"], **{"class": "Q33506"})
    assert proxy.requests == []  # parameters are checked before anything is sent


def test_split_parts_come_from_the_cache_the_second_time(
    proxy: fp.FaultProxy, server_engine: Any
) -> None:
    proxy.always(fp.when(lambda r: len(r.values("country")) > 4, fp.timeout_in_200("wdqs")))
    eng = get_engine(proxy.url, settings(use_cache=True))
    first = eng.run_split(BY_COUNTRY, split="country", values=COUNTRIES, **{"class": CLASSES})
    n = len(proxy.requests)
    again = eng.run_split(BY_COUNTRY, split="country", values=COUNTRIES, **{"class": CLASSES})
    # the unsplit query timed out, so it was not cached: it is asked again, then the parts are
    # read from the cache
    assert len(proxy.requests) == n + 1
    assert again.from_cache and not first.from_cache
    assert rows(again) == rows(first) and again.query_text == first.query_text
    assert again.part_queries == first.part_queries


def test_snapshot_split_and_range_work_in_process() -> None:
    snap = get_engine("snapshot")
    whole = snap.run("borders", region=["Q142", "Q183"])
    split = snap.run_split("borders", split="region", values=["Q142", "Q183"])
    assert rows(split) == rows(whole) and not split.from_cache


def test_merged_rows_are_distinct_by_their_terms_in_first_seen_order() -> None:
    from glamgraph.sparql import merge

    def lit(value: str, **kw: str) -> dict[str, str]:
        return {"type": "literal", "value": value, **kw}

    a = {"x": lit("1"), "y": lit("2")}
    a_reordered = {"y": lit("2"), "x": lit("1")}  # the same row
    swapped = {"x": lit("2"), "y": lit("1")}  # the same values on other variables
    tagged = {"x": lit("1", **{"xml:lang": "en"}), "y": lit("2")}
    typed = {"x": {"type": "uri", "value": "1"}, "y": lit("2")}
    other = {"x": lit("3")}
    first = QueryResult(vars=("x", "y"), rows=[a, swapped, other, a])
    second = QueryResult(vars=("x", "y"), rows=[a_reordered, tagged, typed, other])
    merged = merge([first, second])
    assert merged.rows == [a, swapped, other, tagged, typed]
    assert merge([first]).rows == [a, swapped, other]
