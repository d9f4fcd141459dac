"""Affiliates: the module fixture normalised against the test world and the snapshot, the Wikidata
complement, the organiser's registry, and fetching the module from a loopback MediaWiki API."""

from __future__ import annotations

import csv
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from servers import mediawiki as mw

from glamgraph import vocab
from glamgraph.affiliates import (
    COUNTRY_NAME_VARIANTS,
    AffiliateWarning,
    RegistryRow,
    load,
    load_affiliates,
    meta_page_key,
    name_key,
    read_registry,
    resolve_country_names,
)
from glamgraph.errors import MalformedFile, MediaWikiError
from glamgraph.model import AffiliateSet, Disagreement
from glamgraph.sparql import get_engine

WORLD = Path(__file__).resolve().parent / "world"
MODULE = WORLD / "module.lua"
REGISTRY = WORLD / "registry_ok.csv"
SHARED_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data"


def load_noting(*args: Any, **kw: Any) -> tuple[AffiliateSet, list[str]]:
    """load_affiliates, with the warnings it gave."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = load_affiliates(*args, **kw)
    notes = [str(w.message) for w in caught if issubclass(w.category, AffiliateWarning)]
    return result, notes


@pytest.fixture()
def world(world_engine):  # type: ignore[no-untyped-def]
    return load_noting(MODULE, endpoint=world_engine)


@pytest.fixture()
def meta() -> Iterator[mw.Server]:
    srv = mw.start()
    srv.add_page(vocab.AFFILIATES_MODULE, MODULE.read_text(encoding="utf-8"))
    try:
        yield srv
    finally:
        mw.stop(srv)


# --- the module, normalised -------------------------------------------------------------------


def test_required_affiliates_normalised(world) -> None:  # type: ignore[no-untyped-def]
    affs, _ = world
    got = {a.code: (a.name, a.type, a.countries, a.status) for a in affs}
    assert got["WMFR"] == ("Wikimedia France", "chapter", ("Q142",), "recognised")
    assert got["WMDE"] == (
        "Wikimedia Deutschland",
        "chapter",
        ("Q183",),
        "recognised",
    )  # recognized
    assert got["WMBE"] == ("Wikimedia Belgium", "chapter", ("Q31",), "derecognised")
    assert got["WMNL"] == (
        "Wikimedia Nederland",
        "chapter",
        ("Q55",),
        "suspended",
    )  # The Netherlands
    assert got["WPMF"] == ("Wiki Project Med Foundation", "thematic", (), "recognised")
    assert got["WMNGUG"][1:] == ("user group", ("Q1033",), "recognised")
    assert got["WMCIUG"][1:] == ("user group", ("Q1008",), "recognised")  # Côte d'Ivoire
    assert got["WMHK"][3] == "derecognised"  # "derecognized"
    assert got["WIKIEDU"][1] == "other"  # Allied or other organization
    assert [a.code for a in affs][:4] == ["WMFR", "WMDE", "WMBE", "WMNL"]  # module order
    assert len(affs) == 14


def test_fields_dates_and_source(world) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt

    affs, _ = world
    fr, de, be = affs.by_code("WMFR"), affs.by_code("WMDE"), affs.by_code("WMBE")
    assert fr.agreement_date == dt.date(2004, 10, 1)  # DD/MM/YYYY
    assert de.agreement_date == dt.date(2004, 6, 13)  # YYYY/MM/DD
    assert affs.by_code("WPMF").agreement_date == dt.date(2012, 12, 5)  # ISO
    assert be.derecognition_date == dt.date(2024, 6, 15) and be.note.startswith("Fixture")
    assert fr.region == "Europe" and fr.contact == "User:Example contact"
    assert fr.page == "https://meta.wikimedia.org/wiki/Wikim%C3%A9dia_France"
    assert fr.unique_id == "a1b2c3d4-0001" and fr.country_names == ("France",)
    assert fr.source == f"file:{MODULE} +wikidata Q9300010"
    assert affs.by_code("WMCZ").source == f"file:{MODULE}"  # not on Wikidata
    assert affs.module_source == f"file:{MODULE}" and affs.module_path == str(MODULE)
    assert affs.module_url == MODULE.as_uri() and affs.revision is None
    assert len(affs.module_sha256) == 64
    assert affs.to_dataframe().set_index("code").loc["WMFR", "status"] == "recognised"


def test_thematic_and_international_get_no_countries(world) -> None:  # type: ignore[no-untyped-def]
    affs, notes = world
    wpmf, lgbt = affs.by_code("WPMF"), affs.by_code("WMLGBT")
    assert wpmf.countries == () and wpmf.country_names == ("Canada",) and wpmf.unresolved == ()
    assert lgbt.countries == () and lgbt.region == "International" and lgbt.unresolved == ()
    assert not any("Canada" in n for n in notes)


def test_unresolved_names_are_warned_and_listed(world) -> None:  # type: ignore[no-untyped-def]
    affs, notes = world
    cz = affs.by_code("WMCZ")  # "Czech Republic" is not in the test world
    assert cz.countries == () and cz.unresolved == ("Czech Republic",)
    assert {(u.code, u.name) for u in affs.unresolved} == {
        ("WMCZ", "Czech Republic"),
        ("WMDC", "United States of America"),
        ("WMHK", "Hong Kong"),
        ("WMGHUG", "Republic of Ghana"),
        ("WIKIEDU", "United States of America"),
    }
    cz_note = next(n for n in notes if "WMCZ" in n)
    assert cz_note.startswith(f"{MODULE}, line ") and "'Czech Republic' matched no" in cz_note


def test_odd_names_resolve_on_the_snapshot() -> None:
    affs, _ = load_noting(MODULE, endpoint="snapshot")
    got = {a.code: a.countries for a in affs}
    assert got["WMNL"] == ("Q55",)  # The Netherlands
    assert got["WMCIUG"] == ("Q1008",)  # Côte d'Ivoire (label: Ivory Coast)
    assert got["WMCZ"] == ("Q213",)  # Czech Republic
    assert got["WMDC"] == got["WIKIEDU"] == ("Q30",)  # United States of America
    assert got["WMHK"] == ("Q8646",)
    assert [(u.code, u.name) for u in affs.unresolved] == [("WMGHUG", "Republic of Ghana")]
    assert affs.wikidata_classes == {label: () for label in vocab.AFFILIATE_CLASS_LABELS}
    assert not affs.disagreements and all(a.wikidata == "" for a in affs)


def test_names_go_in_one_batched_query(world_engine) -> None:  # type: ignore[no-untyped-def]
    before = world_engine.queries_sent
    affs, _ = load_noting(MODULE, endpoint=world_engine, wikidata=False)
    assert world_engine.queries_sent - before == 1
    assert [q["query_name"] for q in affs.queries] == ["names-to-items"]


def test_resolve_country_names_rules() -> None:
    r = resolve_country_names(
        [
            "Netherlands",
            "The Netherlands",
            "Côte d’Ivoire",
            "UK",
            "Czechia",
            "Republic of Serbia",
            "Nowhere",
            "  France ",
        ],
        "snapshot",
    )
    assert r.qids == {
        "Netherlands": "Q55",
        "The Netherlands": "Q55",
        "Côte d’Ivoire": "Q1008",
        "UK": "Q145",
        "Czechia": "Q213",
        "Republic of Serbia": "Q403",
        "France": "Q142",
    }
    assert r.how["Netherlands"] == "label" and r.how["Republic of Serbia"] == "alias"
    assert r.how["UK"] == r.how["Czechia"] == "variant label"  # a curated variant beats an alias
    assert r.unresolved == ("Nowhere",)


def test_variant_table_holds_names_not_identifiers() -> None:
    by_key: dict[str, str] = {}
    for variant, canonical in COUNTRY_NAME_VARIANTS.items():
        for text in (variant, canonical):
            assert not (text[:1] == "Q" and text[1:].isdigit()), text
        assert by_key.setdefault(name_key(variant), canonical) == canonical, variant
    for canonical in COUNTRY_NAME_VARIANTS.values():  # no chains: a canonical name is final
        assert by_key.get(name_key(canonical), canonical) == canonical, canonical


@pytest.mark.skipif(not (SHARED_DATA / "countries.csv").exists(), reason="../shared/data absent")
def test_every_country_name_and_alias_of_the_reference_resolves_on_the_snapshot() -> None:
    with (SHARED_DATA / "countries.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    labels = {r["label_en"]: r["qid"] for r in rows}
    aliases = {r["ne_admin"]: r["qid"] for r in rows if r["ne_admin"]}
    res = resolve_country_names([*labels, *aliases], "snapshot")

    def share(names: dict[str, str]) -> tuple[int, list[str]]:
        ok = [n for n, q in names.items() if res.qids.get(n) == q]
        return len(ok), sorted(set(names) - set(ok))

    coded = {r["label_en"]: r["qid"] for r in rows if r["iso2"]}
    n_lab, failed_lab = share(coded)
    n_all, failed_all = share(labels)
    n_ali, failed_ali = share(aliases)
    print(
        f"\ncountry labels (with ISO code) resolved: {n_lab}/{len(coded)} "
        f"({100 * n_lab / len(coded):.1f} %)\n"
        f"country labels (all rows): {n_all}/{len(labels)} ({100 * n_all / len(labels):.1f} %),"
        f" failed: {failed_all}\n"
        f"aliases (ne_admin): {n_ali}/{len(aliases)} ({100 * n_ali / len(aliases):.1f} %),"
        f" failed: {failed_ali}"
    )
    # 100 % of the labels, the two countries without ISO code (Somaliland, Northern Cyprus,
    # typed country in the snapshot) included, and of the aliases
    assert failed_lab == [] and failed_all == []
    assert failed_ali == []
    assert not res.unresolved


# --- Wikidata as a complement ------------------------------------------------------------------


def test_wikidata_adds_operating_area_headquarters_website(world) -> None:  # type: ignore[no-untyped-def]
    affs, _ = world
    fr, de = affs.by_code("WMFR"), affs.by_code("WMDE")
    assert (fr.wikidata, fr.operating_area, fr.headquarters) == ("Q9300010", ("Q142",), ("Q90",))
    assert fr.website == "https://www.wikimedia.fr/"
    assert de.operating_area == ("Q183",)  # the deprecated France is hidden (truthy only)
    assert de.emails == ("info@wikimedia.de.example",) and fr.emails == ()  # P968, no mailto:
    assert affs.by_code("WMNGUG").wikidata == "Q9300015"  # matched through P856 = Meta page
    assert affs.by_code("WMNL").wikidata == "Q9300013"  # matched through the Meta sitelink
    assert affs.by_code("WPMF").operating_area == (vocab.WORLDWIDE,)
    assert affs.wikidata_classes == {
        "Wikimedia chapter": ("Q9300001",),
        "Wikimedia thematic organization": ("Q9300002",),
        "Wikimedia user group": ("Q9300003",),
    }
    assert affs.wikidata_unmatched == ("Q9300019",)  # only on Wikidata: reported, not added
    assert "Q9300019" not in {a.wikidata for a in affs}


def test_meta_wiki_wins_and_disagreements_are_reported(world) -> None:  # type: ignore[no-untyped-def]
    affs, notes = world
    assert affs.disagreements == [
        Disagreement("WMNL", "countries", "Q55", "Q29999", "Q9300013"),
        Disagreement("WMCIUG", "type", "user group", "chapter", "Q9300016"),
        Disagreement("WMLUFX", "status", "recognised", "dissolved 2020-01-01 (P576)", "Q9300018"),
    ]
    assert affs.by_code("WMNL").countries == ("Q55",)
    assert affs.by_code("WMCIUG").type == "user group"
    assert affs.by_code("WMLUFX").status == "recognised"
    assert sum("disagree" in n for n in notes) == 3
    assert any(
        n.startswith("WMNL: Meta-Wiki and Wikidata (Q9300013) disagree on countries") for n in notes
    )


def test_wikidata_fills_countries_only_when_the_module_gives_none(world) -> None:  # type: ignore[no-untyped-def]
    affs, _ = world
    gh = affs.by_code("WMGHUG")
    assert gh.countries == ("Q117",) and gh.unresolved == ("Republic of Ghana",)
    assert "countries from Wikidata Q9300017" in gh.note
    assert gh.source.endswith("+wikidata Q9300017")


def test_same_answer_through_a_real_sparql_server(world, server_engine) -> None:  # type: ignore[no-untyped-def]
    affs, _ = world
    over_http, _ = load_noting(MODULE, endpoint=server_engine)
    assert [(a.code, a.countries, a.wikidata, a.operating_area) for a in over_http] == [
        (a.code, a.countries, a.wikidata, a.operating_area) for a in affs
    ]
    assert over_http.disagreements == affs.disagreements


def test_matching_keys() -> None:
    assert meta_page_key("https://meta.wikimedia.org/wiki/Wikimedia_LGBT%2B") == "wikimedia lgbt+"
    assert meta_page_key("https://meta.wikimedia.org/w/index.php?title=Wikimedia_CH") == (
        "wikimedia ch"
    )
    assert meta_page_key("https://en.wikipedia.org/wiki/Wikimedia_CH") == ""


# --- the organiser's registry -------------------------------------------------------------------


def test_registry_adds_and_overrides(world_engine) -> None:  # type: ignore[no-untyped-def]
    affs, _ = load_noting(MODULE, registry=REGISTRY, endpoint=world_engine)
    be = affs.by_code("WMBE")
    assert be.status == "recognised" and be.contact == "info@wikimedia.example.be"
    assert be.name == "Wikimedia Belgium" and be.type == "chapter"  # empty cells: no override
    assert be.countries == ("Q31",)
    assert be.source == f"file:{MODULE} +wikidata Q9300012 +registry {REGISTRY} line 2"
    cz = affs.by_code("WMCZ")
    assert cz.countries == ("Q213",) and cz.unresolved == ()
    assert "WMCZ" not in {u.code for u in affs.unresolved}  # the organiser fixed it
    idf = affs.by_code("IDF")
    assert (idf.name, idf.type, idf.countries, idf.status) == (
        "Wikimedia Île-de-France User Group",
        "user group",
        ("Q13917",),  # FR-IDF through region-by-iso
        "recognised",  # "recognized"
    )
    assert idf.source == f"registry {REGISTRY} line 4"
    assert idf.note == "a subdivision group, new (fixture)"
    nlbe = affs.by_code("NLBE")
    assert nlbe.name == 'Fixture "Low Countries" User Group'
    assert nlbe.countries == ("Q55", "Q31", "Q32")  # NL: Q55 (has M49) rather than Q29999
    assert nlbe.source == f"registry {REGISTRY} line 6" and nlbe.status == "recognised"
    nl = affs.by_code("WMNL")
    assert nl.status == "suspended" and nl.note == "suspended, contact via the board"
    assert [a.code for a in affs][-2:] == ["IDF", "NLBE"]
    assert affs.registry == str(REGISTRY)
    kinds = [s["kind"] for s in affs.sources]
    assert kinds == ["module", "wikidata", "registry"]
    assert all(s["key"] in be.source for s in affs.sources)


BAD = {
    "registry_bad_header.csv": (1, "unknown column 'email'"),
    "registry_bad_missing_column.csv": (1, "missing column 'note'"),
    "registry_bad_status.csv": (3, "bad status 'active'"),
    "registry_bad_type.csv": (4, "bad type 'club'"),
    "registry_bad_iso.csv": (3, "unknown ISO code 'ZZ'"),
    "registry_bad_qid.csv": (2, "malformed QID 'Q0142'"),
    "registry_bad_csv.csv": (3, "not valid CSV"),
    "registry_bad_fields.csv": (3, "8 fields, expected 7"),
    "registry_bad_encoding.csv": (2, "not UTF-8"),
    "registry_bad_country.csv": (2, "'France' in countries is neither a QID nor an ISO code"),
    "registry_bad_duplicate.csv": (3, "code 'wmfr' already on line 2"),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_malformed_registries_are_refused(name: str, world_engine, meta: mw.Server) -> None:  # type: ignore[no-untyped-def]
    line, problem = BAD[name]
    path = WORLD / name
    with pytest.raises(MalformedFile) as err:
        load_affiliates(None, registry=path, endpoint=world_engine, api_url=meta.api_url)
    msg = str(err.value)
    assert msg.startswith(f"{path}, line {line}: "), msg
    assert problem in msg
    assert err.value.exit_code == 2
    assert meta.seen == []  # refused before the module was fetched


def test_unreadable_and_empty_registries(tmp_path: Path, world_engine) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(MalformedFile, match="cannot read the file"):
        load_affiliates(MODULE, registry=tmp_path / "absent.csv", endpoint=world_engine)
    with pytest.raises(MalformedFile, match="cannot read the file"):
        load_affiliates(MODULE, registry=tmp_path, endpoint=world_engine)  # a directory
    empty = tmp_path / "empty.csv"
    empty.write_text("\n\n", encoding="utf-8")
    with pytest.raises(MalformedFile, match="empty file: no header"):
        load_affiliates(MODULE, registry=empty, endpoint=world_engine)


def test_registry_with_bom_crlf_and_reordered_columns(tmp_path: Path, world_engine) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "excel.csv"
    path.write_bytes(
        "\ufeffname,code,type,countries,status,contact,note\r\n"
        "Fixture Berlin Group,DEBE,user group,DE-BE,suspended,,\r\n".encode()
    )
    rows = read_registry(path)
    assert rows == [
        RegistryRow(2, "DEBE", "Fixture Berlin Group", "user group", ("DE-BE",), "suspended")
    ]
    affs, _ = load_noting(MODULE, registry=path, endpoint=world_engine, wikidata=False)
    assert affs.by_code("DEBE").countries == ("Q64",)


# --- where the module comes from ----------------------------------------------------------------


def test_module_fetched_from_meta_wiki(meta: mw.Server, world_engine) -> None:  # type: ignore[no-untyped-def]
    affs, _ = load_noting(endpoint=world_engine, api_url=meta.api_url)
    source = "Module:Organizational_Informations rev 27654321 (2025-03-01T10:20:30Z)"
    assert affs.module_source == source
    assert affs.by_code("WMCZ").source == source
    assert affs.by_code("WMFR").source == source + " +wikidata Q9300010"
    assert (affs.revision, affs.timestamp) == (27654321, "2025-03-01T10:20:30Z")
    assert affs.module_url.endswith("/w/index.php?oldid=27654321")
    assert affs.sources[0]["revision"] == 27654321
    (seen,) = meta.seen
    assert seen.params["titles"] == "Module:Organizational_Informations"
    assert seen.headers["User-Agent"].startswith("glamgraph/")
    again, _ = load_noting(endpoint=world_engine, api_url=meta.api_url)  # cached for a day
    assert len(meta.seen) == 1 and again.from_cache


def test_missing_module_page_is_a_source_error(meta: mw.Server, world_engine) -> None:  # type: ignore[no-untyped-def]
    meta.pages.clear()
    with pytest.raises(MediaWikiError, match="API code missing") as err:
        load_affiliates(endpoint=world_engine, api_url=meta.api_url)
    assert err.value.exit_code == 3


def test_malformed_module_from_meta_wiki_names_the_revision_and_line(
    meta: mw.Server, world_engine
) -> None:  # type: ignore[no-untyped-def]
    meta.add_page(vocab.AFFILIATES_MODULE, "return {\n  { group_name = os.getenv('HOME') },\n}")
    with pytest.raises(MalformedFile) as err:
        load_affiliates(endpoint=world_engine, api_url=meta.api_url)
    assert str(err.value).startswith(
        "Module:Organizational_Informations rev 27654321 (2025-03-01T10:20:30Z), line 2: 'os'"
    )


def test_snapshot_endpoint_uses_the_snapshot_copy_without_fetching() -> None:
    affs, _ = load_noting(endpoint="snapshot", api_url="http://127.0.0.1:9/w/api.php")
    # as many as the snapshot's build recorded (from the shared affiliates table)
    from glamgraph.sparql.embedded import snapshot_info

    assert len(affs) == snapshot_info()["counts"]["affiliates"]
    assert affs.by_code("ROU-MDA").countries == ("Q217", "Q218")  # two countries in one group
    assert affs.module_source == "snapshot module (reconstructed)"
    assert all(a.source == "snapshot module (reconstructed)" for a in affs)
    assert affs.by_code("DE").countries == ("Q183",)
    assert affs.module_path.endswith("snapshot.snap")  # the module travels inside the snapshot


def test_module_as_source_text(world_engine) -> None:  # type: ignore[no-untyped-def]
    text = "-- mine\nreturn {\n  { affiliate_code = 'X1', group_name = 'Fixture', org_type = 'Chapter',\n"
    text += "    group_country = 'Nigeria', recognition_status = 'recognised' },\n}\n"
    affs, _ = load_noting(text, endpoint=world_engine)
    (x1,) = affs
    assert x1.countries == ("Q1033",) and x1.source.startswith("module text (sha256 ")
    assert affs.module_source == x1.source


def test_odd_entries_are_warned_about_not_dropped(world_engine) -> None:  # type: ignore[no-untyped-def]
    text = """return {
      { affiliate_code = 'A', group_name = 'A', org_type = 'Club', group_country = 'France',
        agreement_date = '31/02/2020' },
      { unique_id = 'u-2', group_name = 'B', org_type = 'Chapter', recognition_status = 'paused',
        derecognition_date = '01/01/2020' },
      { org_type = 'Chapter' },
    }"""
    affs, notes = load_noting(text, endpoint=world_engine, wikidata=False)
    a, b = affs
    assert (a.type, a.status, a.agreement_date) == ("other", "recognised", None)
    assert (b.code, b.status) == ("u-2", "derecognised")
    assert any("unknown org_type 'Club'" in n for n in notes)
    assert any("no recognition_status; taken as 'recognised'" in n for n in notes)
    assert any("unknown recognition_status 'paused'" in n for n in notes)
    assert any("agreement_date '31/02/2020' ignored" in n for n in notes)
    assert any("line 6: an entry without affiliate_code" in n for n in notes)


def test_a_module_whose_entries_are_not_tables_is_refused(world_engine) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(MalformedFile, match=r"module text: an affiliate entry that is not a table"):
        load_affiliates("return { 'just a string' }", endpoint=world_engine)
    with pytest.raises(MalformedFile, match="cannot read"):
        load_affiliates("/nonexistent/module.lua", endpoint=world_engine)


def test_get_engine_by_name_and_module_alias() -> None:
    assert load is load_affiliates
    assert get_engine("snapshot").name == "snapshot"


def test_a_name_on_several_items_takes_the_lowest_qid_with_a_warning(tmp_path: Path) -> None:
    from glamgraph.sparql.embedded import EmbeddedEngine

    ttl = tmp_path / "congo.ttl"
    ttl.write_text(
        "@prefix wd: <http://www.wikidata.org/entity/> .\n"
        "@prefix wdt: <http://www.wikidata.org/prop/direct/> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        'wd:Q974 skos:altLabel "Congo"@en ; wdt:P297 "CD" .\n'
        'wd:Q971 skos:altLabel "Congo"@en ; wdt:P297 "CG" .\n',
        encoding="utf-8",
    )
    eng = EmbeddedEngine.from_files([ttl], name="congo")
    res = resolve_country_names(["Congo"], eng)
    assert res.qids == {"Congo": "Q971"} and res.ambiguous == {"Congo": ("Q971", "Q974")}
    text = "return {\n { affiliate_code = 'CG', group_name = 'X', org_type = 'User Group',\n"
    text += "   group_country = 'Congo', recognition_status = 'recognised' } }"
    affs, notes = load_noting(text, endpoint=eng, wikidata=False)
    assert affs[0].countries == ("Q971",)
    assert any("'Congo' matches several items (Q971, Q974); Q971 taken" in n for n in notes)


# --- provenance as data: SourceRef --------------------------------------------------------------


def test_every_affiliate_carries_typed_source_references(world_engine) -> None:  # type: ignore[no-untyped-def]
    from glamgraph.model import SourceRef

    affs, _ = load_noting(MODULE, registry=REGISTRY, endpoint=world_engine)
    assert all(a.refs for a in affs)
    be = affs.by_code("WMBE")  # module entry, Wikidata item, then registry line 2
    assert [r.kind for r in be.refs] == ["module", "wikidata", "registry"]
    mod_ref, wd_ref, reg_ref = be.refs
    assert mod_ref.id == str(MODULE) and mod_ref.line is not None and mod_ref.line > 1
    assert wd_ref.id == world_engine.display_url and wd_ref.url == vocab.WD + "Q9300012"
    assert reg_ref == SourceRef("registry", str(REGISTRY), line=2, url=REGISTRY.as_uri())
    assert be.last_ref == reg_ref
    assert affs.by_code("IDF").refs == (
        SourceRef("registry", str(REGISTRY), line=4, url=REGISTRY.as_uri()),
    )
    cz = affs.by_code("WMCZ")  # not on Wikidata
    assert [r.kind for r in cz.refs] == ["module", "registry"]
    # every reference points into a source the set describes, by kind and id
    described = {(s["kind"], s["id"]) for s in affs.sources}
    assert all(r.source_key in described for a in affs for r in a.refs)


def test_module_reference_names_the_revision(meta: mw.Server, world_engine) -> None:  # type: ignore[no-untyped-def]
    affs, _ = load_noting(endpoint=world_engine, api_url=meta.api_url)
    ref = affs.by_code("WMCZ").refs[0]
    assert (ref.kind, ref.id, ref.revision) == ("module", vocab.AFFILIATES_MODULE, 27654321)
    assert ref.url.endswith("/w/index.php?oldid=27654321")


def test_named_graph_comes_from_the_references_not_the_text() -> None:
    import dataclasses

    from glamgraph.graph import GraphBuilder
    from glamgraph.model import Affiliate, SourceRef

    mod = SourceRef("module", "/m.lua", line=3)
    reg = SourceRef("registry", "/r.csv", line=2)
    sources = [
        {"key": "file:/m.lua", "kind": "module", "id": "/m.lua"},
        {"key": "registry /r.csv", "kind": "registry", "id": "/r.csv"},
    ]
    base = Affiliate("A", "A", "chapter", ("Q1",), "recognised", "", refs=(mod,))
    # the sentence says "registry", the data says module: the data wins, and the other way round
    misleading = dataclasses.replace(base, source="file:/m.lua +registry /r.csv line 9")
    overridden = dataclasses.replace(base, code="B", source="edited by hand", refs=(mod, reg))
    orphan = dataclasses.replace(base, code="C", refs=(SourceRef("registry", "/other.csv"),))
    builder = GraphBuilder("run")
    graphs = builder.add_affiliates([misleading, overridden, orphan], sources)
    module_g, registry_g, fallback_g = graphs
    placed = {s.rsplit("/", 1)[-1].rstrip(">"): g for s, _p, _o, g in builder.quads}
    assert placed["A"] == module_g and placed["B"] == registry_g and placed["C"] == fallback_g
    assert fallback_g.endswith("affiliates>")
