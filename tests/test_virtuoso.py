"""Virtuoso beside Oxigraph: the same commands give the same tables on both real engines.

A private OpenLink Virtuoso (``tests/servers/virtuoso.py``: own ini and database in a temporary
folder, loopback ports, stopped by its PID) serves the test world. Virtuoso differs from Oxigraph
where glamgraph must adapt: it never answers a query POSTed as ``application/sparql-query``, needs
a constant at a transitive path's end, refuses ``STRLANG`` with a tag from a variable, reports
query errors with HTTP 500 and cuts results at ``ResultSetMaxRows`` without an error.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import WORLD_FILES
from servers import faultproxy as fp
from servers import virtuoso

from glamgraph import harvest
from glamgraph.cli import main
from glamgraph.errors import BadQuery
from glamgraph.sparql import Settings, get_engine, term_qid
from glamgraph.sparql.remote import ResultCapped

MODULE = Path(__file__).parent / "world" / "module.lua"

pytestmark = pytest.mark.skipif(
    not virtuoso.available(),
    reason="virtuoso-t/isql-vt not installed (Debian package virtuoso-opensource)",
)


@pytest.fixture(scope="module")
def virtuoso_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[virtuoso.Server]:
    # ResultSetMaxRows below the store's size (the test world and Virtuoso's own triples), above
    # any answer of the coverage flow: a cut can be provoked for real.
    server = virtuoso.start(WORLD_FILES, tmp_path_factory.mktemp("virtuoso-world"), max_rows=1000)
    try:
        yield server
    finally:
        virtuoso.stop(server)


def fast(**kw: Any) -> Settings:
    base: dict[str, Any] = {
        "use_cache": False,
        "min_interval_s": 0.0,
        "timeout_s": 20.0,
        "max_attempts": 2,
        "backoff_s": 0.01,
    }
    base.update(kw)
    return Settings(**base)


def rows(result: Any) -> list[tuple[tuple[str, str], ...]]:
    return sorted(
        tuple(sorted((k, v["value"], v.get("xml:lang", "")) for k, v in r.items()))
        for r in result.rows
    )


def coverage(capsys: pytest.CaptureFixture[str], region: str, url: str, out: Path) -> None:
    code = main(
        [
            "coverage",
            region,
            "--endpoint",
            url,
            "--affiliates",
            str(MODULE),
            "--out",
            str(out),
            "--quiet",
            "--no-cache",
        ]
    )
    _, err = capsys.readouterr()
    assert code == 0, err


@pytest.mark.parametrize("region", ["Q46", "Q15", "Q142"])
def test_coverage_tables_identical_on_virtuoso_and_oxigraph(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    oxigraph_server: Any,
    virtuoso_server: virtuoso.Server,
    region: str,
) -> None:
    coverage(capsys, region, oxigraph_server.url, tmp_path / "ox")
    coverage(capsys, region, virtuoso_server.url, tmp_path / "vt")
    assert (tmp_path / "ox" / "regions.csv").read_bytes().count(b"\n") > 2  # rows to compare
    # a single country (one-item queries: region-info, its subdivisions) as well as continents
    for name in ("regions.csv", "unplaced.csv"):
        ox = (tmp_path / "ox" / name).read_bytes()
        assert (tmp_path / "vt" / name).read_bytes() == ox, name


def test_engine_kind_is_detected_and_dialect_queries_agree(
    virtuoso_server: virtuoso.Server, server_engine: Any
) -> None:
    eng = get_engine(virtuoso_server.url, fast())
    eng.run("region-by-iso", code="FR")
    assert eng.kind == "virtuoso"  # from the Server header of the first answer
    roots = ["Q33506", "Q7075", "Q575727"]
    closure = eng.run("class-closure", root=roots)
    assert "VALUES ?root" not in closure.query_text and "UNION" in closure.query_text
    assert rows(closure) == rows(server_engine.run("class-closure", root=roots))
    names = ["France", "Belgium", "Nowhere"]
    assert rows(eng.run("names-to-items", names=names)) == rows(
        server_engine.run("names-to-items", names=names)
    )


def test_a_syntax_error_fails_at_once_as_a_bad_query(virtuoso_server: virtuoso.Server) -> None:
    eng = get_engine(virtuoso_server.url, fast(max_attempts=5))
    t0 = time.monotonic()
    with pytest.raises(BadQuery) as info:
        eng.select("SELECT ?s WHERE { ?s ?p ", "broken")
    assert info.value.attempts == 1 and time.monotonic() - t0 < 5
    assert "broken" in str(info.value) and "Virtuoso 37000" in str(info.value)


def test_a_transitive_path_without_constant_is_a_bad_query_not_retried(
    virtuoso_server: virtuoso.Server,
) -> None:
    """The error Virtuoso reports with HTTP 500 is the query's: one request, exit-3 class."""
    eng = get_engine(virtuoso_server.url, fast(max_attempts=5, engine_kind="oxigraph"))
    with pytest.raises(BadQuery) as info:  # the oxigraph dialect keeps the VALUES block
        eng.run("class-closure", root=["Q33506", "Q7075"])
    assert info.value.attempts == 1 and info.value.status == 500
    assert "transitive start not given" in str(info.value)


def test_a_capped_result_is_split_until_every_row_arrives(
    virtuoso_server: virtuoso.Server, server_engine: Any
) -> None:
    """Virtuoso announces a cut result in ``X-SPARQL-MaxRows``; a proxy imitates a server whose
    ResultSetMaxRows is small (cutting the real answer, with the header): the splitter halves the
    partition until no part reaches the cap, and the merged rows are the complete answer."""
    classes = ["Q33506", "Q7075", "Q166118", "Q207694", "Q43501"]
    countries = ["Q142", "Q183", "Q31", "Q55", "Q29", "Q189", "Q32", "Q233"]
    full = server_engine.run("institutions-by-class-and-country", class_=classes, country=countries)
    per_country = [
        len(server_engine.run("institutions-by-class-and-country", class_=classes, country=c))
        for c in countries
    ]
    cap = max(per_country) + 1  # every single country fits; the whole does not
    assert len(full) > 2 * cap
    with fp.running(virtuoso_server.url) as proxy:
        proxy.always(fp.capped(cap))
        eng = get_engine(proxy.url, fast())
        with pytest.raises(ResultCapped):  # never taken as complete
            eng.run("institutions-by-class-and-country", class_=classes, country=countries)
        res = eng.run_split(
            "institutions-by-class-and-country", split="country", values=countries, class_=classes
        )
    assert res.parts > 2
    assert rows(res) == rows(full)


def test_the_real_row_cap_is_never_taken_as_a_complete_result(
    virtuoso_server: virtuoso.Server,
) -> None:
    eng = get_engine(virtuoso_server.url, fast())
    with pytest.raises(ResultCapped) as info:
        eng.select("SELECT ?s ?p ?o WHERE { ?s ?p ?o }", "everything")
    assert "1000 rows" in str(info.value) and "X-SPARQL-MaxRows" in str(info.value)
    assert info.value.attempts == 1
    assert len(eng.select("SELECT ?s WHERE { ?s ?p ?o } LIMIT 999", "below")) == 999


def test_doctor_passes_on_virtuoso(
    virtuoso_server: virtuoso.Server, capsys: pytest.CaptureFixture[str]
) -> None:
    """``glamgraph doctor`` checks every shipped query on the second engine too: the queries
    not meant for Virtuoso are skipped with the reason, the others answer with the test world's
    known answers."""
    code = main(
        [
            "doctor",
            "--endpoint",
            virtuoso_server.url,
            "--known",
            "continent=Q46",
            "--known",
            "min_countries=5",
        ]
    )
    out, err = capsys.readouterr()
    assert code == 0, out + err
    rows = [ln.split() for ln in out.splitlines() if ln.startswith(virtuoso_server.url)]
    verdicts = {(r[1], r[2]): r[-1] for r in rows}
    assert verdicts[("class-closure", "production")] == "ok"
    assert verdicts[("countries-of-continent", "one")] == "ok"
    assert verdicts[("region-info", "small")] == "ok"  # one item: every OPTIONAL still answers
    assert "FAIL" not in {v for v in verdicts.values()}


def test_both_forms_of_the_institutions_query_agree_on_both_servers(
    virtuoso_server: virtuoso.Server, server_engine: Any
) -> None:
    """The hash-joined institutions and contacts queries (sub-selects) have the rows of the
    item-by-item forms on Virtuoso and on Oxigraph, and the servers the same institutions."""
    eng = get_engine(virtuoso_server.url, fast())
    for engine in (eng, server_engine):
        engine.run("region-by-iso", code="FR")  # the kind is learnt from the first answer
    classes = [term_qid(r, "class") for r in eng.run("class-closure", root=["Q33506"]).rows]
    classes = sorted({c for c in classes if c})
    assert len(classes) > 1
    got = {}
    for name, engine in (("virtuoso", eng), ("oxigraph", server_engine)):
        bulk = rows(engine.run("institutions-of-classes-bulk", class_=classes))
        assert bulk and bulk == rows(engine.run("institutions-of-classes", class_=classes)), name
        items = sorted(
            {
                q
                for r in engine.run("institutions-of-classes", class_=classes).rows
                if (q := term_qid(r, "item"))
            }
        )
        langs = ["en", "mul"]
        contacts = rows(engine.run("institution-contacts-bulk", item=items, langs=langs))
        assert contacts == rows(engine.run("institution-contacts", item=items, langs=langs))
        if name == "virtuoso":
            got_contacts = contacts
        got[name] = bulk
    # (the contacts' coordinates are written differently: Virtuoso gives WKT as "POINT(...)")
    assert got["virtuoso"] == got["oxigraph"]
    # the size a world's harvest sends it (a larger VALUES block is refused: SP030)
    _, size = harvest.contacts_plan(eng, 1_000_000)
    padding = [f"Q{8_000_000 + i}" for i in range(size - len(items))]
    big = eng.run("institution-contacts-bulk", item=items + padding, langs=["en", "mul"])
    assert rows(big) == got_contacts
