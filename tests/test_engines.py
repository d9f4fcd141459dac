"""Engines: the embedded snapshot, the embedded test world, and a real Oxigraph server."""

from __future__ import annotations

from glamgraph import queries
from glamgraph.sparql import get_engine
from glamgraph.sparql.embedded import snapshot_info


def _rows(result):  # type: ignore[no-untyped-def]
    return sorted(tuple(sorted((k, v["value"]) for k, v in r.items())) for r in result.rows)


def test_snapshot_african_countries_have_iso_codes() -> None:
    res = get_engine("snapshot").run("countries-of-continent", continent="Q15")
    isos = res.values("iso")
    assert len(res) >= 54
    assert all(isos), "every row has an ISO code"
    assert {"NG", "EG", "ZA", "KE", "ET", "MA"} <= set(isos)
    assert "FR" not in isos
    assert res.endpoint == "snapshot" and res.query_name == "countries-of-continent"
    assert "#tool: glamgraph/" in res.query_text and "wd:Q15" in res.query_text
    expected = snapshot_info()["counts"]["countries_with_iso2_per_continent"]["Q15"]
    assert len(res) == expected


def test_same_rows_from_server_and_embedded_store(world_engine, server_engine) -> None:  # type: ignore[no-untyped-def]
    cases = [
        ("countries-of-continent", {"continent": "Q46"}),
        ("subdivisions-of-country", {"country": "Q142"}),
        ("class-closure", {"root": ["Q33506", "Q7075", "Q575727"]}),
        (
            "institutions-by-class-and-country",
            {"class": ["Q33506", "Q7075"], "country": ["Q142", "Q31", "Q55"]},
        ),
        ("region-by-iso", {"code": "NL"}),
        ("institution-details", {"item": ["Q9000001", "Q9000025"]}),
        ("institution-contacts", {"item": ["Q9000001", "Q9000025"]}),
        ("labels", {"item": ["Q9000001", "Q9000025"], "langs": ["fr", "en", "ar"]}),
    ]
    for name, params in cases:
        a = world_engine.run(name, **params)
        b = server_engine.run(name, **params)
        assert len(a) > 0, name
        assert _rows(a) == _rows(b), name
        assert b.endpoint_url.startswith("http://127.0.0.1:")


def test_world_countries_of_europe_are_current_only(world_engine) -> None:  # type: ignore[no-untyped-def]
    res = world_engine.run("countries-of-continent", continent="Q46")
    qids = set(res.qids("country"))
    assert "Q38872" not in qids  # Prussia: historical
    assert "Q33946" not in qids  # Czechoslovakia: dissolved
    assert {"Q142", "Q183", "Q31", "Q55", "Q29999"} <= qids  # both NL items carry the code


def test_truthy_hides_deprecated_and_normal_under_preferred(world_engine) -> None:  # type: ignore[no-untyped-def]
    res = world_engine.run(
        "institutions-by-class-and-country",
        **{"class": ["Q28564", "Q166118"], "country": ["Q142", "Q183", "Q31", "Q55"]},
    )
    pairs = {
        (r["item"]["value"].rsplit("/", 1)[1], r["country"]["value"].rsplit("/", 1)[1]) for r in res
    }
    assert ("Q9000003", "Q142") in pairs and ("Q9000003", "Q183") not in pairs
    assert ("Q9000026", "Q31") in pairs and ("Q9000026", "Q55") not in pairs


def test_bad_query_is_a_bad_query_error(world_engine) -> None:  # type: ignore[no-untyped-def]
    import pytest

    from glamgraph.errors import BadQuery

    with pytest.raises(BadQuery):
        world_engine.select("SELEKT nothing", "broken")
    q = queries.parse("x", "# title: x\nSELECT ?s WHERE { ?s ?p ?o } LIMIT 1")
    assert len(world_engine.run(q)) == 1


def test_a_detected_engine_kind_is_kept_with_the_cache(oxigraph_server, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A later run served from the query cache sees no Server header, yet writes the texts of
    the kind detected before (else its dialect, batch sizes and so its cache keys would differ);
    without the cache nothing is kept or read."""
    from glamgraph.sparql import Settings, remote

    def fresh_process() -> None:
        monkeypatch.setattr(remote, "_DETECTED", {})
        monkeypatch.setattr(remote, "_KEPT", {})

    fresh_process()
    eng = get_engine(oxigraph_server.url, fallback=[])
    assert eng.kind == "generic"  # nothing known before the first answer
    eng.run("region-by-iso", code="NL")
    assert eng.kind == "oxigraph"
    fresh_process()
    later = get_engine(oxigraph_server.url, fallback=[])
    assert later.kind == "oxigraph"  # before any request: kept with the cache
    fresh_process()
    no_cache = get_engine(oxigraph_server.url, Settings(use_cache=False), fallback=[])
    assert no_cache.kind == "generic"
