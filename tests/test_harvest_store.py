"""The harvest cache: ``coverage`` tables byte-identical cold, warm and with ``--no-cache``; a
warm run rebuilds no harvest; a changed input (a query result refetched, another language, a
damaged entry) is never served; ``--no-cache`` reuses and writes nothing."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from glamgraph import harvest as hv
from glamgraph import harvest_store
from glamgraph.cli import main
from glamgraph.client import CacheWarning
from glamgraph.export import reuse
from glamgraph.files import CACHE_ENV_VAR

MODULE = Path(__file__).parent / "world" / "module.lua"
TABLES = ("regions.csv", "unplaced.csv", "contacts.csv")


class _Counting:
    """Wraps :func:`glamgraph.harvest.harvest`, counting the harvests really built."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls = 0
        self._real = hv.harvest
        monkeypatch.setattr(hv, "harvest", self)

    def __call__(self, *args: Any, **kwargs: Any) -> hv.Harvest:
        self.calls += 1
        return self._real(*args, **kwargs)


def _coverage(url: str, out: Path, *extra: str) -> dict[str, bytes]:
    # the outputs of an earlier run with the same inputs would be reused (tests/test_reuse.py)
    # and the harvest cache not even read: these tests are about the harvest cache
    shutil.rmtree(Path(os.environ[CACHE_ENV_VAR]) / reuse.SOURCE, ignore_errors=True)
    code = main(
        [
            "coverage",
            "Q46",
            "--endpoint",
            url,
            "--affiliates",
            str(MODULE),
            "--out",
            str(out),
            "--quiet",
            *extra,
        ]
    )
    assert code == 0
    return {name: (out / name).read_bytes() for name in TABLES}


def test_cold_warm_and_no_cache_tables_are_byte_identical(
    oxigraph_server: Any, tmp_path: Path, _isolated_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    built = _Counting(monkeypatch)
    cold = _coverage(oxigraph_server.url, tmp_path / "cold")
    assert built.calls == 1
    entries = list((_isolated_cache / harvest_store.SOURCE).glob("*.json"))
    assert len(entries) == 1  # the assembled harvest, stored once
    warm = _coverage(oxigraph_server.url, tmp_path / "warm")
    assert built.calls == 1  # served from the harvest cache: no harvest rebuilt
    no_cache = _coverage(oxigraph_server.url, tmp_path / "none", "--no-cache")
    assert built.calls == 2  # --no-cache reuses nothing
    assert cold == warm == no_cache
    assert all(cold[name] for name in TABLES)
    assert b"Q142" in cold["regions.csv"]


def test_no_cache_writes_no_entry(
    oxigraph_server: Any, tmp_path: Path, _isolated_cache: Path
) -> None:
    _coverage(oxigraph_server.url, tmp_path / "out", "--no-cache")
    assert not list((_isolated_cache / harvest_store.SOURCE).glob("*.json"))


def test_a_refetched_query_result_is_not_served(
    oxigraph_server: Any, tmp_path: Path, _isolated_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    built = _Counting(monkeypatch)
    cold = _coverage(oxigraph_server.url, tmp_path / "cold")
    # one query result changes on disk (as a refetch after its TTL would): the harvest built on
    # the old result is stale
    (entry,) = (_isolated_cache / harvest_store.SOURCE).glob("*.json")
    behind = json.loads(entry.read_text(encoding="utf-8"))["payload"]["queries"]
    assert len(behind) > 5  # every query the harvest sent, by its query-cache key
    victim = _isolated_cache / "sparql" / f"{behind[len(behind) // 2][0]}.json"
    assert victim.is_file()
    st = victim.stat()
    os.utime(victim, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))
    again = _coverage(oxigraph_server.url, tmp_path / "again")
    assert built.calls == 2
    assert again == cold
    # a removed result: not served either
    victim.unlink()
    _coverage(oxigraph_server.url, tmp_path / "third")
    assert built.calls == 3


def test_other_languages_are_another_entry(
    oxigraph_server: Any, tmp_path: Path, _isolated_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    built = _Counting(monkeypatch)
    _coverage(oxigraph_server.url, tmp_path / "en")
    _coverage(oxigraph_server.url, tmp_path / "fr", "--lang", "fr,en")
    assert built.calls == 2
    assert len(list((_isolated_cache / harvest_store.SOURCE).glob("*.json"))) == 2


def test_a_damaged_entry_is_discarded_and_rebuilt(
    oxigraph_server: Any, tmp_path: Path, _isolated_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    built = _Counting(monkeypatch)
    cold = _coverage(oxigraph_server.url, tmp_path / "cold")
    (entry,) = (_isolated_cache / harvest_store.SOURCE).glob("*.json")
    entry.write_bytes(entry.read_bytes()[:200])  # truncated
    with pytest.warns(CacheWarning):
        again = _coverage(oxigraph_server.url, tmp_path / "again")
    assert built.calls == 2 and again == cold


def test_payload_round_trip(server_engine: Any) -> None:
    h = hv.harvest("Q46", server_engine, lang="en", quiet=True)
    payload = json.loads(json.dumps(harvest_store.to_payload(h, [])))  # as written and read
    # the rows are compact: a term repeated across rows and results is written once
    terms = sum(len(r) for res in h.results for r in res.rows)
    assert len(payload["terms"]) < terms
    back = harvest_store.from_payload(payload)
    assert back.region == h.region
    assert list(back.units) == list(h.units)
    assert list(back.institutions) == list(h.institutions)
    assert list(back.unplaced) == list(h.unplaced)
    assert back.classes == h.classes
    assert back.chain_countries == h.chain_countries
    assert [r.rows for r in back.results] == [r.rows for r in h.results]
    assert [[list(row) for row in r.rows] for r in back.results] == [
        [list(row) for row in r.rows] for r in h.results
    ]  # the variables of each row in their order
    assert [r.query_text for r in back.results] == [r.query_text for r in h.results]
    assert all(r.from_cache for r in back.results) and back.queries_sent == 0


def test_a_payload_whose_rows_refer_to_no_term_is_refused(server_engine: Any) -> None:
    h = hv.harvest("Q46", server_engine, lang="en", quiet=True)
    payload = json.loads(json.dumps(harvest_store.to_payload(h, [])))
    payload["terms"] = payload["terms"][:1]
    with pytest.raises(ValueError):
        harvest_store.from_payload(payload)


def test_an_edited_query_file_is_another_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    from glamgraph import queries

    copy = tmp_path / "queries"
    shutil.copytree(queries.queries_dir(), copy)
    monkeypatch.setattr(queries, "queries_dir", lambda: copy)
    monkeypatch.setattr(harvest_store, "_code_digest", None)
    before = harvest_store.code_digest()
    details = copy / "institution-details.rq"
    details.write_text(details.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    monkeypatch.setattr(harvest_store, "_code_digest", None)
    assert harvest_store.code_digest() != before


def test_a_big_entry_is_written_by_a_child_and_is_the_same_entry(
    oxigraph_server: Any,
    tmp_path: Path,
    _isolated_cache: Path,
    monkeypatch: pytest.MonkeyPatch,
    forks: list[int],
) -> None:
    """From BACKGROUND_FROM institutions a forked child writes the entry while the run goes on;
    the entry is the one this process would have written, and the next run is served from it."""

    from glamgraph.client import background

    forked = forks
    monkeypatch.setenv("GLAMGRAPH_WRITE_PROCESSES", "1")  # one process: no fork at all
    # both runs below then find the same query cache and class closure (kept in the process)
    _coverage(oxigraph_server.url, tmp_path / "first")
    for old in (_isolated_cache / harvest_store.SOURCE).glob("*.json"):
        old.unlink()
    _coverage(oxigraph_server.url, tmp_path / "here")
    assert not forked
    (entry,) = (_isolated_cache / harvest_store.SOURCE).glob("*.json")
    here = json.loads(entry.read_bytes())["payload"]
    entry.unlink()

    monkeypatch.delenv("GLAMGRAPH_WRITE_PROCESSES")
    monkeypatch.setattr(harvest_store, "BACKGROUND_FROM", 0)
    built = _Counting(monkeypatch)
    cold = _coverage(oxigraph_server.url, tmp_path / "cold")
    assert len(forked) >= 1 and built.calls == 1  # the entry's child (the writer may fork too)
    background.wait()
    (entry,) = (_isolated_cache / harvest_store.SOURCE).glob("*.json")
    assert json.loads(entry.read_bytes())["payload"] == here
    warm = _coverage(oxigraph_server.url, tmp_path / "warm")
    assert built.calls == 1 and warm == cold


def test_a_child_that_fails_reports_one_line_and_the_run_goes_on(
    capfd: pytest.CaptureFixture[str], forks: list[int]
) -> None:

    from glamgraph.client import background

    def fail() -> None:
        raise OSError("No space left on device")

    assert background.detach(fail, what="writing an entry") is True
    assert len(forks) == 1
    background.wait()
    err = capfd.readouterr().err
    assert err == "glamgraph: warning: writing an entry failed: No space left on device\n"


def test_a_child_works_at_the_lowest_priority(tmp_path: Path, forks: list[int]) -> None:
    """A detached child's work takes the CPU the run leaves idle: it runs niced, the parent not."""
    from glamgraph.client import background

    seen = tmp_path / "niceness"
    before = os.nice(0)
    assert background.detach(lambda: seen.write_text(str(os.nice(0)))) is True
    background.wait()
    assert int(seen.read_text()) == min(19, before + background.CHILD_NICENESS)
    assert os.nice(0) == before


def _query_graphs(cov: Any) -> dict[str, set[tuple[str, str, str]]]:
    """Each query graph of a coverage's Dataset by its name after the run id, with its triples."""
    out: dict[str, set[tuple[str, str, str]]] = {}
    for s, p, o, g in cov.graph.quads((None, None, None, None)):
        name = str(g)
        if "/query/" in name:
            out.setdefault(name.split("/query/", 1)[1], set()).add((str(s), str(p), str(o)))
    return out


def test_results_loaded_during_the_harvest_make_the_same_graph(
    oxigraph_server: Any, _isolated_cache: Path
) -> None:
    """A harvest that runs hands each result to the graph as it comes (on_result); one served
    from the cache hands none, and the coverage adds them after: the same query graphs."""
    from glamgraph.coverage import coverage
    from glamgraph.sparql import Settings, get_engine

    def run() -> Any:
        eng = get_engine(oxigraph_server.url, Settings(cache_dir=_isolated_cache))
        return coverage("Q46", endpoint=eng, module=str(MODULE), quiet=True)

    fed: list[Any] = []
    real = hv.harvest

    def watched(*args: Any, **kwargs: Any) -> hv.Harvest:
        h = real(*args, **kwargs)
        fed.append((kwargs.get("on_result") is not None, [r.query_name for r in h.results]))
        return h

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(hv, "harvest", watched)
        cold = run()
        warm = run()
    assert len(fed) == 1 and fed[0][0]  # built once, with the graph fed as it ran
    cold_graphs, warm_graphs = _query_graphs(cold), _query_graphs(warm)
    assert any(name.endswith("institution-contacts-bulk") for name in cold_graphs)
    assert cold_graphs == warm_graphs
    assert cold.rows == warm.rows


def test_on_result_sees_every_result_in_order(server_engine: Any) -> None:
    seen: list[Any] = []
    h = hv.harvest("Q46", server_engine, lang="en", quiet=True, on_result=seen.append)
    assert seen == h.results and all(a is b for a, b in zip(seen, h.results, strict=True))


def test_a_fork_while_the_graph_loads_alongside_waits_for_the_loads(
    forks: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The graph loads each query result on a thread of its own while the harvest goes on; the
    harvest cache's child is forked only once that thread has loaded everything and ended, and
    loading goes on after the fork."""
    import threading

    from glamgraph import graph as kg
    from glamgraph.client import background
    from glamgraph.sparql import QueryResult

    alive_at_fork: list[list[str]] = []
    fork = os.fork

    def watched() -> int:
        alive_at_fork.append([t.name for t in threading.enumerate()])
        return fork()

    monkeypatch.setattr(os, "fork", watched)

    def result(n: int) -> QueryResult:
        rows = [{"item": {"type": "uri", "value": f"http://www.wikidata.org/entity/Q{i}"},
                 "class": {"type": "uri", "value": "http://www.wikidata.org/entity/Q33506"}}
                for i in range(n * 1000, n * 1000 + 500)]  # fmt: skip
        return QueryResult(("item", "class"), rows, query_name="institutions-of-classes-bulk")

    builder = kg.GraphBuilder("test")
    with builder.loading_alongside():
        builder.add_query_result(result(1))
        assert any(t.name.startswith("glamgraph-graph-load") for t in threading.enumerate())
        assert background.detach(lambda: None) is True
        builder.add_query_result(result(2))  # after the fork: a thread again
    background.wait()
    assert len(forks) == 1 and len(alive_at_fork) == 1
    assert not any(name.startswith("glamgraph-graph-load") for name in alive_at_fork[0])
    store = kg.oxigraph_store(builder.build())
    classes = store.quads_for_pattern(None, None, None, None)
    assert sum(1 for q in classes if str(q.predicate).endswith("P31>")) == 1000


def test_the_payloads_term_table_keeps_every_term_apart_and_shares_equal_ones() -> None:
    """Rows encoded as indices into one table of terms read back as the same rows: a URI and a
    literal of the same text, a plain and a language-tagged literal, a typed one are distinct
    terms; equal terms are one entry (whatever their key order), so one object read back."""
    from glamgraph.harvest_store import _decode_rows, _Terms

    uri = {"type": "uri", "value": "http://www.wikidata.org/entity/Q1"}
    rows = [
        {"x": uri, "y": {"type": "literal", "value": "http://www.wikidata.org/entity/Q1"}},
        {"x": {"value": uri["value"], "type": "uri"}, "y": {"type": "literal", "value": "a"}},
        {"y": {"type": "literal", "value": "a", "xml:lang": "en"}},
        {"y": {"type": "literal", "value": "a", "xml:lang": "fr"}},
        {
            "y": {
                "type": "literal",
                "value": "1",
                "datatype": "http://www.w3.org/2001/XMLSchema#int",
            }
        },
        {"y": {"type": "literal", "value": "1"}},
    ]
    table = _Terms()
    encoded = table.rows(rows)
    assert len(table.terms) == 7  # the URI once, then six distinct literals
    back = _decode_rows(encoded, table.terms, [tuple(s) for s in table.shapes])
    assert back == rows
    assert back[0]["x"] is back[1]["x"]
