"""Hostile and unreachable endpoints: each is a classified error with one line (exit 3, or 2 for
a query not meant for the engine), never a traceback, never a resent answer-less request.

Hostile servers are the fault proxy's (``tests/servers/faultproxy.py``) in front of the Oxigraph
test server; offline is a host name under ``.invalid`` (which never resolves) and a loopback port
nobody listens on.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from servers import faultproxy as fp
from servers.oxigraph import free_port

from glamgraph import queries, vocab
from glamgraph.cli import main
from glamgraph.errors import BadResponse, EndpointUnavailable, QueryTimeout
from glamgraph.sparql import Settings, get_engine, remote
from glamgraph.sparql.cache import Cache

ARGS = ["query", "region-by-iso", "--param", "code=FR", "--no-cache", "--no-fallback"]
GOOD_HEAD = '{"head":{"vars":["item"]},"results":{"bindings":'


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def one_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


@pytest.fixture()
def proxy(oxigraph_server: Any) -> Iterator[fp.FaultProxy]:
    with fp.running(oxigraph_server.url) as p:
        yield p


def fast(**kw: Any) -> Settings:
    base: dict[str, Any] = {
        "use_cache": False,
        "min_interval_s": 0.0,
        "timeout_s": 5.0,
        "max_attempts": 4,
        "backoff_s": 0.01,
    }
    base.update(kw)
    return Settings(**base)


@pytest.mark.parametrize(
    ("body", "why"),
    [
        (GOOD_HEAD + "[1,2]}}", "row 0 is not an object"),
        (GOOD_HEAD + '[{"item":{"type":"literal","value":5}}]}}', "'value' is not a string"),
        (
            GOOD_HEAD + '[{"item":{"type":"uri","value":"' + vocab.WD + "Q" + "7" * 5000 + '"}}]}}',
            "a QID of 5001 characters",
        ),
        ("[" * 200_000 + "]" * 200_000, "nested too deeply"),
    ],
    ids=["bindings-of-numbers", "value-5", "qid-5000-digits", "nested-200k"],
)
def test_malformed_endpoint_json_is_exit_3_in_one_line(
    capsys: pytest.CaptureFixture[str], proxy: fp.FaultProxy, body: str, why: str
) -> None:
    proxy.always(fp.body_200(body))
    code, out, err = run(capsys, *ARGS, "--endpoint", proxy.url)
    assert code == 3 and out == ""
    line = one_line(err)
    assert why in line and "region-by-iso" in line
    assert len(line) < 600
    assert len(proxy.requests) == 1  # a malformed answer is not resent


def test_a_cache_entry_of_the_right_shape_with_wrong_types_is_refetched(
    proxy: fp.FaultProxy, _isolated_cache: Path
) -> None:
    eng = get_engine(proxy.url, fast(use_cache=True))
    first = eng.run("region-by-iso", code="FR")
    cache = eng.cache()
    assert cache is not None
    path = cache.path(proxy.url, first.query_text)
    entry = json.loads(path.read_text())
    entry["payload"]["result"]["results"]["bindings"] = [{"item": {"type": "uri", "value": 5}}]
    entry["payload"]["duration_s"] = "slow"
    path.write_text(json.dumps(entry))
    with pytest.warns(Warning, match="not a string"):
        again = Cache(cache.root, 3600).get(proxy.url, first.query_text)
    assert again is None  # discarded, not a traceback
    res = get_engine(proxy.url, fast(use_cache=True)).run("region-by-iso", code="FR")
    assert res.rows == first.rows and not res.from_cache


def test_a_response_above_the_size_cap_is_refused(proxy: fp.FaultProxy) -> None:
    proxy.always(fp.huge(400 * 1024 * 1024, declare=True))  # refused from its Content-Length
    with pytest.raises(BadResponse) as info:
        get_engine(proxy.url, fast()).run("region-by-iso", code="FR")
    assert "larger than the cap of 256 MiB" in str(info.value) and len(proxy.requests) == 1
    proxy.reset_log()
    proxy.always(fp.huge(8 * 1024 * 1024))  # streamed without a length: cut at the cap
    t0 = time.monotonic()
    with pytest.raises(BadResponse) as info:
        get_engine(proxy.url, fast(max_response_bytes=1024 * 1024)).run("region-by-iso", code="FR")
    assert "larger than the cap of 1 MiB" in str(info.value) and len(proxy.requests) == 1
    assert time.monotonic() - t0 < 5


@pytest.mark.parametrize("fault", [fp.drip(0.5), fp.drip_headers(0.5)], ids=["body", "headers"])
def test_one_byte_a_second_ends_at_the_overall_deadline(
    capsys: pytest.CaptureFixture[str], proxy: fp.FaultProxy, fault: fp.Fault
) -> None:
    proxy.always(fault)
    t0 = time.monotonic()
    code, _, err = run(capsys, *ARGS, "--endpoint", proxy.url, "--timeout", "2")
    took = time.monotonic() - t0
    assert code == 3 and 1.8 <= took < 4.0, took
    assert "deadline of 2 s" in one_line(err)
    assert len(proxy.requests) == 1  # the query's timeout: not resent


def test_an_answer_less_204_is_never_resent(
    capsys: pytest.CaptureFixture[str], proxy: fp.FaultProxy
) -> None:
    proxy.always(fp.status(204))
    code, _, err = run(capsys, *ARGS, "--endpoint", proxy.url)
    assert code == 3 and "without a body (HTTP 204)" in one_line(err)
    assert len(proxy.requests) == 1


def test_default_chain_offline_fails_fast_suggesting_the_snapshot(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """wdqs -> qlever with no network: a name that does not resolve and a refused port."""
    monkeypatch.setitem(remote.KNOWN_URLS, "wdqs", "http://wdqs.glamgraph.invalid/sparql")
    monkeypatch.setitem(remote.KNOWN_URLS, "qlever", f"http://127.0.0.1:{free_port()}/api")
    t0 = time.monotonic()
    out = tmp_path / "out"
    code, _, err = run(capsys, "coverage", "Q15", "--no-cache", "--quiet", "--out", str(out))
    took = time.monotonic() - t0
    assert code == 3 and took < 10, (code, err)
    line = one_line(err)
    assert "--endpoint snapshot" in line and "refused" in line and "wdqs: unavailable" in line
    assert not out.exists() or not any(out.iterdir())


def test_a_query_not_meant_for_the_engine_is_refused(
    capsys: pytest.CaptureFixture[str], proxy: fp.FaultProxy, tmp_path: Path
) -> None:
    # a knowledge-graph query, as a user might copy it out of queries/graph/
    rq = tmp_path / "graph-only.rq"
    rq.write_text(queries.load_graph("coverage-institutions-per-unit").text, encoding="utf-8")
    code, out, err = run(capsys, "query", str(rq), "--endpoint", proxy.url, "--no-cache")
    assert code == 2 and out == ""
    assert "'# engines:' header lists graph" in one_line(err)
    assert proxy.requests == []


def test_307_is_followed_with_the_body_and_301_on_post_is_refused(
    proxy: fp.FaultProxy, oxigraph_server: Any, server_engine: Any
) -> None:
    expected = server_engine.run("region-by-iso", code="FR")
    proxy.script(fp.redirect(307, oxigraph_server.url))
    res = get_engine(proxy.url, fast()).run("region-by-iso", code="FR")
    assert res.rows == expected.rows and len(proxy.requests) == 1
    proxy.reset_log()
    proxy.always(fp.redirect(301, oxigraph_server.url))
    with pytest.raises(EndpointUnavailable) as info:
        get_engine(proxy.url, fast()).run("region-by-iso", code="FR")
    assert "redirects (HTTP 301)" in str(info.value) and oxigraph_server.url in str(info.value)
    assert len(proxy.requests) == 1


def test_known_engines_their_addresses_and_deadlines() -> None:
    settings = Settings(use_cache=False)
    qlever = remote.make_remote("qlever", settings)
    assert qlever.url == "https://qlever.dev/api/wikidata" and qlever.kind == "qlever"
    old = remote.make_remote("https://qlever.cs.uni-freiburg.de/api/wikidata", settings)
    assert old.url == qlever.url and old.kind == "qlever"
    assert qlever.timeout_s == 35.0 and remote.make_remote("wdqs", settings).timeout_s == 65.0
    assert remote.make_remote("qlever", Settings(use_cache=False, timeout_s=9)).timeout_s == 9
    named = remote.make_remote("http://127.0.0.1:1/sparql", Settings(engine_kind="virtuoso"))
    assert named.kind == "virtuoso" and named.row_cap == 10000


def test_a_client_deadline_on_a_split_query_splits_then_falls_back(
    proxy: fp.FaultProxy, oxigraph_server: Any, server_engine: Any
) -> None:
    """A part that gets no answer in time is cut in two like a server timeout."""
    countries = ["Q142", "Q183", "Q31", "Q55"]
    params = {"class_": ["Q33506", "Q7075"]}
    expected = server_engine.run("institutions-by-class-and-country", country=countries, **params)
    proxy.always(fp.when(lambda r: len(r.values("country")) > 2, fp.slow(3.0)))
    res = get_engine(proxy.url, fast(timeout_s=0.5)).run_split(
        "institutions-by-class-and-country", split="country", values=countries, **params
    )
    assert sorted(map(str, res.rows)) == sorted(map(str, expected.rows)) and res.parts == 2
    with pytest.raises(QueryTimeout):  # not resent: the deadline is the query's
        get_engine(proxy.url, fast(timeout_s=0.5)).run(
            "institutions-by-class-and-country", country=countries, **params
        )


def test_a_fallback_chain_moves_on_after_three_halvings(
    proxy: fp.FaultProxy, oxigraph_server: Any, server_engine: Any
) -> None:
    """Not ~8 successive timeouts down to one value: 1/8 of the batch, then the next engine."""
    countries = ["Q142", "Q183", "Q31", "Q55", "Q29", "Q189", "Q32", "Q233"]
    countries += ["Q1033", "Q30", "Q17", "Q148", "Q16", "Q408", "Q115", "Q117"]
    params = {"class_": ["Q33506", "Q7075"]}
    proxy.always(fp.timeout_500())
    eng = get_engine(proxy.url, fast(), fallback=[oxigraph_server.url])
    res = eng.run_split(
        "institutions-by-class-and-country", split="country", values=countries, **params
    )
    expected = server_engine.run("institutions-by-class-and-country", country=countries, **params)
    assert sorted(map(str, res.rows)) == sorted(map(str, expected.rows))
    assert res.fallback_from == proxy.url
    assert [len(r.values("country")) for r in proxy.requests] == [16, 8, 4, 2]


def test_engine_kind_named_on_the_command_line_decides_the_dialect(
    capsys: pytest.CaptureFixture[str], proxy: fp.FaultProxy
) -> None:
    args = [
        "query",
        "class-closure",
        "--param",
        "root=Q33506,Q7075",
        "--no-cache",
        "--format",
        "csv",
    ]
    code, out_ox, err = run(capsys, *args, "--endpoint", proxy.url, "--engine-kind", "oxigraph")
    assert code == 0, err
    code, out_vt, err = run(capsys, *args, "--endpoint", proxy.url, "--engine-kind", "virtuoso")
    assert code == 0, err
    first, second = (r.query for r in proxy.requests)
    assert "VALUES ?root { wd:Q33506 wd:Q7075 }" in first and "} UNION {" not in first
    assert "UNION\n  { ?class wdt:P279* wd:Q7075" in second and "VALUES ?root" not in second
    assert sorted(out_ox.splitlines()) == sorted(out_vt.splitlines()) and len(out_ox) > 100
    code, _, err = run(capsys, *args, "--endpoint", proxy.url, "--engine-kind", "fuseki")
    assert code == 2 and "fuseki" in err and "Traceback" not in err  # click: a usage error
