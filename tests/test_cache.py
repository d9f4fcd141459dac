"""The on-disk query cache: keys, TTL, atomic writes, corrupt entries, unusable folders, and
what reaches it through a remote engine (only good results, never over a good entry)."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import platformdirs
import pytest
from servers import faultproxy as fp

from glamgraph.errors import BadInput, CacheUnusable, EndpointUnavailable, QueryTimeout
from glamgraph.sparql import QueryResult, Settings, get_engine
from glamgraph.sparql.cache import Cache, CacheWarning, cache_key, cache_root

URL = "http://127.0.0.1:1/sparql"
TEXT = "#tool: glamgraph/0 demo\nSELECT ?x WHERE { ?x ?p ?o }"
QUERY = "subdivisions-of-country"


def result(text: str = TEXT, url: str = URL, **kw: Any) -> QueryResult:
    base: dict[str, Any] = {
        "vars": ("x", "label"),
        "rows": [
            {
                "x": {"type": "uri", "value": "http://www.wikidata.org/entity/Q142"},
                "label": {"type": "literal", "value": "Île-de-France", "xml:lang": "fr"},
            }
        ],
        "query_name": "demo",
        "query_text": text,
        "endpoint": "e",
        "endpoint_url": url,
        "duration_s": 0.25,
    }
    base.update(kw)
    return QueryResult(**base)


def entries(root: Path) -> list[Path]:
    return sorted((root / "sparql").glob("*"))


def settings(**kw: Any) -> Settings:
    base: dict[str, Any] = {
        "use_cache": True,
        "min_interval_s": 0.0,
        "timeout_s": 5.0,
        "max_attempts": 2,
        "sleep": lambda s: None,
    }
    base.update(kw)
    return Settings(**base)


@pytest.fixture()
def proxy(oxigraph_server: Any) -> Iterator[fp.FaultProxy]:
    with fp.running(oxigraph_server.url) as p:
        yield p


# --- the Cache itself ------------------------------------------------------------------------


def test_round_trip_keeps_rows_and_provenance(tmp_path: Path) -> None:
    cache = Cache(tmp_path, ttl_s=60)
    original = result()
    path = cache.put(original)
    assert path is not None and path.name == cache_key(URL, TEXT) + ".json"
    entry = json.loads(path.read_text(encoding="utf-8"))
    assert entry["format"] == "glamgraph-cache/1" and entry["source"] == "sparql"
    payload = entry["payload"]
    assert payload["endpoint_url"] == URL and payload["query_name"] == "demo"
    assert payload["result"]["results"]["bindings"] == original.rows
    back = cache.get(URL, TEXT)
    assert back is not None and back.from_cache
    assert back.rows == original.rows and back.vars == original.vars
    assert back.query_text == TEXT and back.query_name == "demo"
    assert back.endpoint == "e" and back.endpoint_url == URL
    assert back.started == original.started  # the fetch time, not the read time
    assert [p.name for p in entries(tmp_path)] == [path.name]  # no temporary files left


def test_key_is_endpoint_and_exact_text(tmp_path: Path) -> None:
    cache = Cache(tmp_path, ttl_s=60)
    cache.put(result())
    assert cache.get(URL, TEXT + " ") is None
    assert cache.get(URL.replace(":1/", ":2/"), TEXT) is None
    assert cache_key(URL, TEXT) != cache_key(URL, TEXT + " ")


def test_ttl(tmp_path: Path) -> None:
    Cache(tmp_path, ttl_s=60).put(result(started=dt.datetime.now(dt.UTC) - dt.timedelta(hours=2)))
    assert Cache(tmp_path, ttl_s=3600).get(URL, TEXT) is None
    assert Cache(tmp_path, ttl_s=3 * 3600).get(URL, TEXT) is not None
    assert Cache(tmp_path, ttl_s=0).get(URL, TEXT) is None
    assert len(entries(tmp_path)) == 1  # stale is kept until a good refetch replaces it


def test_negative_ttl_is_bad_input() -> None:
    with pytest.raises(BadInput, match="negative cache TTL"):
        Settings(cache_ttl_s=-1)


@pytest.mark.parametrize(
    "damage",
    [
        lambda b: b[: len(b) // 2],  # truncated
        lambda b: b"",  # empty
        lambda b: b"\xff\xfe garbage",  # not UTF-8
        lambda b: b"[1, 2, 3]",  # JSON, not an entry
        lambda b: re.sub(rb'"bindings": ?\[', b'"bindings": {"a": [', b),  # wrong shape
        lambda b: b.replace(b"SELECT", b"SELECT DISTINCT"),  # another query's entry
        lambda b: b.replace(b"+00:00", b""),  # fetch time without zone
    ],
    ids=["truncated", "empty", "binary", "list", "shape", "foreign", "naive-time"],
)
def test_corrupt_entries_are_discarded_with_a_warning(tmp_path: Path, damage: Any) -> None:
    cache = Cache(tmp_path, ttl_s=60)
    path = cache.put(result())
    assert path is not None
    damaged = damage(path.read_bytes())
    assert damaged != path.read_bytes()
    path.write_bytes(damaged)
    with pytest.warns(CacheWarning, match="discarding corrupt or unusable sparql cache entry"):
        assert cache.get(URL, TEXT) is None
    assert not path.exists()


def test_a_failed_write_leaves_the_old_entry_and_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = Cache(tmp_path, ttl_s=60)
    path = cache.put(result())
    assert path is not None
    before = path.read_bytes()

    def broken_replace(src: Any, dst: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.warns(CacheWarning, match="could not write"):
        assert cache.put(result(rows=[])) is None
    assert path.read_bytes() == before
    assert [p.name for p in entries(tmp_path)] == [path.name]


def test_cached_and_split_results_are_not_stored(tmp_path: Path) -> None:
    cache = Cache(tmp_path, ttl_s=60)
    assert cache.put(result(from_cache=True)) is None
    assert cache.put(result(parts=3)) is None
    assert entries(tmp_path) == []


def test_cache_folder_precedence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GLAMGRAPH_CACHE_DIR", str(tmp_path / "env"))
    assert cache_root(str(tmp_path / "settings")) == tmp_path / "settings"
    assert cache_root(None) == tmp_path / "env"
    monkeypatch.delenv("GLAMGRAPH_CACHE_DIR")
    assert cache_root(None) == Path(platformdirs.user_cache_dir("glamgraph"))


def test_unusable_cache_folder_is_bad_input_naming_it(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    with pytest.raises(CacheUnusable) as info:
        Cache(blocker, ttl_s=60)
    assert str(blocker) in str(info.value) and isinstance(info.value, BadInput)
    assert info.value.exit_code == 2
    # the engine refuses at once, before any request
    with pytest.raises(CacheUnusable, match="not-a-folder"):
        get_engine(URL, settings(cache_dir=str(blocker / "below")))
    # with the cache off the folder is never touched
    get_engine(URL, settings(use_cache=False, cache_dir=str(blocker / "below")))


# --- through a remote engine and a fault proxy -----------------------------------------------


def test_second_run_comes_from_the_cache(proxy: fp.FaultProxy, _isolated_cache: Path) -> None:
    eng = get_engine(proxy.url, settings())
    first = eng.run(QUERY, country="Q142")
    again = eng.run(QUERY, country="Q142")
    assert len(proxy.requests) == 1
    assert not first.from_cache and again.from_cache
    assert again.rows == first.rows and again.query_text == first.query_text
    assert again.query_name == QUERY and again.endpoint_url == proxy.url
    assert again.started == first.started
    # use_cache=False per call, and Settings(use_cache=False), both skip it
    assert not eng.run(QUERY, use_cache=False, country="Q142").from_cache
    assert (
        not get_engine(proxy.url, settings(use_cache=False)).run(QUERY, country="Q142").from_cache
    )
    assert len(proxy.requests) == 3
    assert len(entries(_isolated_cache)) == 1


def test_a_failed_refetch_never_replaces_a_good_entry(
    proxy: fp.FaultProxy, _isolated_cache: Path
) -> None:
    get_engine(proxy.url, settings()).run(QUERY, country="Q142")
    (path,) = entries(_isolated_cache)
    before, mtime = path.read_bytes(), path.stat().st_mtime_ns
    stale = get_engine(proxy.url, settings(cache_ttl_s=0))
    for fault, error in [
        (fp.unavailable(503), EndpointUnavailable),
        (fp.timeout_in_200("wdqs"), QueryTimeout),
        (fp.truncated(), Exception),
        (fp.html_200(), Exception),
    ]:
        proxy.always(fault)
        with pytest.raises(error):
            stale.run(QUERY, country="Q142")
        assert path.read_bytes() == before and path.stat().st_mtime_ns == mtime
        assert entries(_isolated_cache) == [path]
    proxy.always(fp.PASS)
    refreshed = stale.run(QUERY, country="Q142")  # a good refetch does replace it
    assert not refreshed.from_cache
    fetched = json.loads(path.read_bytes())["payload"]["fetched"]
    assert fetched != json.loads(before)["payload"]["fetched"]


@pytest.mark.parametrize(
    "fault",
    [fp.timeout_in_200("oxigraph"), fp.truncated(framed=False), fp.html_200(), fp.no_head_200()],
    ids=lambda f: f.name,
)
def test_nothing_broken_lands_in_the_cache(
    proxy: fp.FaultProxy, _isolated_cache: Path, fault: fp.Fault
) -> None:
    proxy.always(fault)
    with pytest.raises(Exception):  # noqa: B017 - the category is tested elsewhere
        get_engine(proxy.url, settings()).run(QUERY, country="Q142")
    assert entries(_isolated_cache) == []


def test_corrupt_entry_is_refetched_and_replaced(
    proxy: fp.FaultProxy, _isolated_cache: Path
) -> None:
    eng = get_engine(proxy.url, settings())
    good = eng.run(QUERY, country="Q142")
    (path,) = entries(_isolated_cache)
    path.write_bytes(path.read_bytes()[:100])
    with pytest.warns(CacheWarning):
        again = eng.run(QUERY, country="Q142")
    assert not again.from_cache and again.rows == good.rows and len(proxy.requests) == 2
    assert json.loads(path.read_bytes())["payload"]["result"]["results"]["bindings"] == good.rows


def test_snapshot_engine_does_not_cache(_isolated_cache: Path) -> None:
    snap = get_engine("snapshot")
    res = snap.run("region-by-iso", code="FR")
    assert not snap.run("region-by-iso", code="FR").from_cache and not res.from_cache
    assert not (_isolated_cache / "sparql").exists()
