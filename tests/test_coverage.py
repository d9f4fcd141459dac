"""Coverage rules on the test world, through the knowledge graph, with affiliates given as data.

Affiliates (fixtures): WMFR chapter France, WMDE chapter Germany (recognised); WMBE chapter
Belgium derecognised; WMNL chapter Netherlands suspended; ART thematic (claims Spain); NGUG user
group Nigeria; IDF user group Île-de-France (subdivision level).
"""

from __future__ import annotations

import pytest
import rdflib

from glamgraph.coverage import coverage
from glamgraph.model import Affiliate


def aff(code: str, type_: str, countries: tuple[str, ...], status: str = "recognised") -> Affiliate:
    return Affiliate(code, f"Test {code}", type_, countries, status, f"test fixture {code}")  # type: ignore[arg-type]


AFFILIATES = [
    aff("WMFR", "chapter", ("Q142",)),
    aff("WMDE", "chapter", ("Q183",)),
    aff("WMBE", "chapter", ("Q31",), "derecognised"),
    aff("WMNL", "chapter", ("Q55",), "suspended"),
    aff("ART", "thematic", ("Q29",)),
    aff("NGUG", "user group", ("Q1033",)),
    aff("IDF", "user group", ("Q13917",)),
]


@pytest.fixture(scope="module")
def europe(oxigraph_server):  # type: ignore[no-untyped-def]
    from glamgraph.sparql import Settings, get_engine

    eng = get_engine(oxigraph_server.url, Settings(use_cache=False, min_interval_s=0.0))
    return coverage("Q46", endpoint=eng, affiliates=AFFILIATES, quiet=True)


def test_counts_and_covering_affiliates(europe) -> None:  # type: ignore[no-untyped-def]
    table = {r.region: (r.institutions, r.affiliates, r.uncovered) for r in europe.rows}
    assert table == {
        "Q31": (2, (), True),  # Belgium: chapter derecognised
        "Q183": (3, ("WMDE",), False),
        "Q29": (1, (), True),  # Spain: a thematic organisation covers nothing
        "Q142": (5, ("WMFR",), False),
        "Q189": (1, (), True),
        "Q32": (2, (), True),
        "Q233": (1, (), True),
        "Q55": (1, (), True),  # Netherlands: chapter suspended
    }


def test_nearest_by_hops_distance_and_islands(europe) -> None:  # type: ignore[no-untyped-def]
    rows = {r.region: r for r in europe.rows}
    # Belgium borders France and Germany (1 hop each): Germany's centre is nearer
    assert (rows["Q31"].nearest_affiliate, rows["Q31"].hops) == ("WMDE", 1)
    assert (rows["Q29"].nearest_affiliate, rows["Q29"].hops) == ("WMFR", 1)  # Spain -> France
    assert rows["Q55"].nearest_affiliate == "WMDE"
    # islands: no border path, nearest covered region by distance, hops empty
    assert rows["Q189"].hops is None and rows["Q189"].distance_km is not None
    assert rows["Q233"].hops is None and rows["Q233"].nearest_affiliate in ("WMFR", "WMDE")
    # whom to contact: the nearest affiliate, by code and name (no channel known for these)
    for r in europe.uncovered():
        assert [c.code for c in r.contacts] == [r.nearest_affiliate]
        assert r.contacts[0].name == f"Test {r.nearest_affiliate}"
        assert r.contacts[0].channel_source == "none" and r.contacts[0].channel == ""
    assert rows["Q142"].nearest_affiliate is None
    assert [c.code for c in rows["Q142"].contacts] == ["WMFR"]  # covered: its local affiliate
    assert all(r.status == ("uncovered" if r.uncovered else "covered") for r in europe.rows)


def test_subdivision_coverage(world_engine) -> None:  # type: ignore[no-untyped-def]
    cov = coverage("FR", endpoint=world_engine, affiliates=AFFILIATES, quiet=True)
    rows = {r.iso: r for r in cov.rows}
    assert rows["FR-IDF"].affiliates == ("IDF", "WMFR")  # national + its own subdivision group
    assert rows["FR-BRE"].affiliates == ("WMFR",)
    assert not any(r.uncovered for r in cov.rows)
    # without the national chapter, only Île-de-France is covered; Brittany gets a contact
    no_fr = [a for a in AFFILIATES if a.code != "WMFR"]
    cov2 = coverage("FR", endpoint=world_engine, affiliates=no_fr, quiet=True)
    rows2 = {r.iso: r for r in cov2.rows}
    assert rows2["FR-IDF"].affiliates == ("IDF",) and not rows2["FR-IDF"].uncovered
    assert rows2["FR-BRE"].uncovered and rows2["FR-BRE"].nearest_affiliate == "IDF"
    assert rows2["FR-OCC"].institutions == 0 and not rows2["FR-OCC"].uncovered


def test_africa_unreachable_and_far(world_engine) -> None:  # type: ignore[no-untyped-def]
    cov = coverage("Q15", endpoint=world_engine, affiliates=AFFILIATES, quiet=True)
    rows = {r.region: r for r in cov.rows}
    assert (rows["Q962"].nearest_affiliate, rows["Q962"].hops) == ("NGUG", 1)  # Benin
    assert (rows["Q117"].nearest_affiliate, rows["Q117"].hops) == (
        "NGUG",
        3,
    )  # Ghana via Togo, Benin
    assert rows["Q945"].institutions == 0 and not rows["Q945"].uncovered  # Togo: nothing to cover
    assert rows["Q1011"].hops is None  # Cape Verde: island
    # a historical country (Prussia) beside a current one (Ghana): counted in Ghana
    assert any(i.qid == "Q9000029" and "Q117" in i.units for i in cov.institutions)
    assert not any(u.qid == "Q9000029" for u in cov.unplaced)


def test_type_counts_per_root(europe) -> None:  # type: ignore[no-untyped-def]
    lux = europe.row("Q32")  # a library-museum (two roots) and an art museum
    counts = dict(lux.type_counts)
    assert lux.institutions == 2
    assert (counts["museums"], counts["libraries"], counts["archives"]) == (2, 1, 0)
    assert list(counts) == [
        "museums", "libraries", "archives", "art_galleries", "zoos", "botanical_gardens",
        "aquariums",
    ]  # fmt: skip
    df = europe.to_dataframe()
    assert int(df.loc[df["region"] == "Q32", "museums"].iloc[0]) == 2


def test_no_affiliate_anywhere_gives_the_fallback_contact(world_engine) -> None:  # type: ignore[no-untyped-def]
    cov = coverage(
        "Q15", endpoint=world_engine, affiliates=[], fallback_contact="GLAM-UG", quiet=True
    )
    assert all(r.nearest_affiliate == "GLAM-UG" for r in cov.uncovered())
    assert len(cov.uncovered()) == 5
    # every row without an affiliate anywhere gets the fallback contact, with its page
    for r in cov.rows:
        (c,) = r.contacts
        assert (c.code, c.channel_source) == ("GLAM-UG", "fallback")
        assert c.page == c.channel == "https://meta.wikimedia.org/wiki/GLAM"
    # the default fallback: the international GLAM-Wiki community and its page
    cov2 = coverage("Q15", endpoint=world_engine, affiliates=[], quiet=True)
    c = cov2.uncovered()[0].contacts[0]
    assert (c.code, c.page) == ("GLAM-Wiki", "https://meta.wikimedia.org/wiki/GLAM")
    cov3 = coverage(
        "Q15", endpoint=world_engine, affiliates=[], quiet=True,
        fallback_contact="GLAM Team|https://example.org/glam",
    )  # fmt: skip
    c = cov3.uncovered()[0].contacts[0]
    assert (c.name, c.page, c.channel) == ("GLAM Team", "https://example.org/glam", c.page)


def test_three_states_and_contact_channels(world_engine) -> None:  # type: ignore[no-untyped-def]
    from dataclasses import replace

    affs = [
        replace(AFFILIATES[5], contact="ng@example.org", contact_source="registry",
                page="Test NGUG"),
    ]  # fmt: skip
    cov = coverage("Q15", endpoint=world_engine, affiliates=affs, quiet=True)
    rows = {r.region: r for r in cov.rows}
    togo = rows["Q945"]  # no institution, no affiliate
    assert togo.status == "no_institutions" and not togo.uncovered
    assert [c.code for c in togo.contacts] == ["NGUG"]  # still someone to write to
    assert cov.no_institutions() and togo in cov.no_institutions()
    benin = rows["Q962"]
    assert benin.status == "uncovered"
    (c,) = benin.contacts
    assert (c.code, c.name, c.channel, c.channel_source) == (
        "NGUG", "Test NGUG", "ng@example.org", "registry"
    )  # fmt: skip
    assert c.page == "https://meta.wikimedia.org/wiki/Test_NGUG"
    assert rows["Q1033"].status == "covered" and rows["Q1033"] in cov.covered()
    df = cov.uncovered().to_dataframe()
    assert set(df["status"]) == {"uncovered"} and str(df["hops"].dtype) == "Int64"
    assert set(cov.covered().to_dataframe()["status"]) == {"covered"}
    none = cov.no_institutions().to_dataframe()
    assert set(none["status"]) == {"no_institutions"} and set(none["institutions"]) == {0}
    assert len(cov.uncovered()) + len(cov.covered()) + len(none) == len(cov.rows)
    full = cov.to_dataframe()
    assert {"status", "museums", "aquariums", "contact_name", "contact_channel"} <= set(full)


def test_channel_order_registry_module_wikidata_page() -> None:
    from glamgraph.coverage import affiliate_contact

    base = Affiliate("X", "Wikimedia X", "chapter", ("Q1",), "recognised", "m", page="Wikimedia X")
    from dataclasses import replace

    assert affiliate_contact(base).channel_source == "meta-wiki-page"
    assert affiliate_contact(base).channel == "https://meta.wikimedia.org/wiki/Wikimedia_X"
    web = replace(base, websites=("https://x.example",))
    assert affiliate_contact(web).channel_source == "wikidata-website"
    mail = replace(web, emails=("info@x.example",))
    assert (affiliate_contact(mail).channel, affiliate_contact(mail).channel_source) == (
        "info@x.example", "wikidata-email"
    )  # fmt: skip
    mod = replace(mail, contact="User:X", contact_source="module")
    assert affiliate_contact(mod).channel_source == "module"
    reg = replace(mail, contact="x@registry.example", contact_source="registry")
    assert affiliate_contact(reg).channel == "x@registry.example"


def test_graph_has_named_graphs_with_provenance(europe) -> None:  # type: ignore[no-untyped-def]
    ds = europe.graph
    prov = rdflib.Namespace("http://www.w3.org/ns/prov#")
    gg = rdflib.Namespace("https://w3id.org/glamgraph/ns#")
    default = ds.default_graph.identifier
    named = {g.identifier for g in ds.graphs() if g.identifier != default}
    assert len(named) >= 10
    assert len(ds.default_graph) == 0  # every triple sits in a named graph
    prov_graph = next(g for g in ds.graphs() if str(g.identifier).endswith("/provenance"))
    for g in named:
        if str(g).endswith("/provenance"):
            continue
        act = prov_graph.value(g, prov.wasGeneratedBy)
        assert act is not None, f"{g} has no prov:wasGeneratedBy"
        assert prov_graph.value(act, prov.startedAtTime) is not None
    # a query graph records its query text and endpoint
    qgraphs = [g for g in named if "/query/" in str(g) and "institutions-of-classes" in str(g)]
    act = prov_graph.value(qgraphs[0], prov.wasGeneratedBy)
    assert "wdt:P31 ?class" in str(prov_graph.value(act, gg.queryText))
    assert str(prov_graph.value(act, gg.endpointUrl)).startswith("http://127.0.0.1:")
    # and the Wikidata facts are where the query put them
    fr = rdflib.URIRef("http://www.wikidata.org/entity/Q142")
    item = rdflib.URIRef("http://www.wikidata.org/entity/Q9000001")
    p17 = rdflib.URIRef("http://www.wikidata.org/prop/direct/P17")
    assert (item, p17, fr) in ds.get_context(qgraphs[0]) or any(
        (item, p17, fr) in ds.get_context(g) for g in qgraphs
    )


def test_trig_round_trip(europe, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "graph.trig"
    europe.graph.serialize(destination=str(path), format="trig")
    back = rdflib.Dataset()
    back.parse(str(path), format="trig")
    assert len(list(back.quads((None, None, None, None)))) == len(
        list(europe.graph.quads((None, None, None, None)))
    )
    assert all(
        g is not None and "glamgraph" in str(g)
        for _s, _p, _o, g in back.quads((None, None, None, None))
    )


def test_rows_show_their_queries(europe) -> None:  # type: ignore[no-untyped-def]
    row = europe.row("Q31")
    # a server of your own gets the hash-joined form of the institutions query
    assert "institutions-of-classes-bulk" in row.queries
    assert "coverage-affiliates-per-unit" in row.queries
    assert europe.query_texts["coverage-affiliates-per-unit"].startswith("#tool: glamgraph/")
    df = europe.to_dataframe()
    assert list(df.loc[df.region == "Q31", "uncovered"]) == [True]


def test_subset_to_one_region_and_one_class(europe) -> None:  # type: ignore[no-untyped-def]
    part = europe.subset(regions=["Q31"])
    assert [r.region for r in part.rows] == ["Q31"] and part.region.qid == "Q31"
    assert sorted(i.qid for i in part.institutions) == ["Q9000006", "Q9000026"]
    archives = europe.subset(types=["Q166118"])  # archives only
    assert archives.row("Q31").institutions == 1 and archives.row("Q31").uncovered
    assert archives.row("Q55").institutions == 0 and not archives.row("Q55").uncovered
    assert europe.row("Q55").uncovered  # the original is untouched


def test_country_without_subdivisions_gives_one_row(world_engine) -> None:  # type: ignore[no-untyped-def]
    cov = coverage("BE", endpoint=world_engine, affiliates=AFFILIATES, quiet=True)
    assert [(r.region, r.institutions, r.uncovered) for r in cov.rows] == [("Q31", 2, True)]
    assert (cov.rows[0].nearest_affiliate, cov.rows[0].hops) == ("WMDE", 1)  # country level


def test_subset_by_class_recounts_the_root_columns(europe) -> None:  # type: ignore[no-untyped-def]
    part = europe.subset(types=["Q207694"])  # art museums only
    lux = dict(part.row("Q32").type_counts)
    assert part.row("Q32").institutions == 1
    assert (lux["museums"], lux["libraries"]) == (1, 0)


def test_the_garbage_collector_is_paused_only_while_the_answer_is_built(world_engine) -> None:  # type: ignore[no-untyped-def]
    """coverage() and harvest() pause the cyclic collector while they build (their containers
    all stay alive), and leave it as they found it, also when they fail."""
    import gc

    from glamgraph import harvest
    from glamgraph.errors import GlamgraphError

    seen: list[bool] = []
    assert gc.isenabled()
    coverage(
        "Q46",
        endpoint=world_engine,
        affiliates=AFFILIATES,
        progress=lambda *a: seen.append(gc.isenabled()),
    )
    assert seen and not any(seen)  # paused during the harvest's queries
    assert gc.isenabled()
    alone: list[bool] = []
    harvest.harvest("Q46", world_engine, progress=lambda *a: alone.append(gc.isenabled()))
    assert alone and not any(alone) and gc.isenabled()
    with pytest.raises(GlamgraphError):
        harvest.harvest("Q0", world_engine, quiet=True)
    assert gc.isenabled()
    gc.disable()
    try:
        coverage("Q46", endpoint=world_engine, affiliates=AFFILIATES, quiet=True)
        assert not gc.isenabled()  # a caller's choice stays
    finally:
        gc.enable()
