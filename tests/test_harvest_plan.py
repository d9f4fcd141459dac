"""The institutions plan: class batches without a country VALUES for continents and the world,
sized by the engine's kind, giving the same tables as the per-country plan."""

from __future__ import annotations

from pathlib import Path

import pytest

from glamgraph import harvest, vocab
from glamgraph.errors import BadInput
from glamgraph.sparql.embedded import EmbeddedEngine

WORLD_FILES = sorted((Path(__file__).resolve().parent / "world").glob("*.ttl"))
FETCH = {
    "institutions-of-classes",
    "institutions-of-classes-bulk",
    "institutions-by-class-and-country",
    "institutions-without-country",
}


def _engine(kind: str) -> EmbeddedEngine:
    eng = EmbeddedEngine.from_files(WORLD_FILES, name=f"world-{kind}")
    eng.kind = kind  # type: ignore[assignment]
    return eng


@pytest.fixture(scope="module")
def europe_generic() -> harvest.Harvest:
    return harvest.harvest("Q46", _engine("generic"), lang="en", quiet=True)


@pytest.fixture(scope="module")
def europe_wdqs() -> harvest.Harvest:
    return harvest.harvest("Q46", _engine("wdqs"), lang="en", quiet=True)


def _table(h: harvest.Harvest) -> tuple[object, ...]:
    return (
        sorted((i.qid, i.countries, i.units, i.types) for i in h.institutions),
        sorted((u.qid, u.reason, u.countries) for u in h.unplaced),
    )


def _details(i: object) -> tuple[object, ...]:
    fields = ("label", "label_lang", "types", "type_labels", "admin", "websites", "emails")
    fields += ("phones", "addresses", "lat", "lon")
    return tuple(getattr(i, f) for f in fields)


def test_a_continent_is_fetched_by_class_without_countries(europe_generic) -> None:  # type: ignore[no-untyped-def]
    fetched = [r for r in europe_generic.results if r.query_name in FETCH]
    assert [r.query_name for r in fetched] == ["institutions-of-classes"]  # one batch here
    text = fetched[0].query_text
    assert "VALUES ?class {" in text and "VALUES ?country" not in text
    assert "OPTIONAL { ?item wdt:P17 ?country }" in text


def test_wdqs_gets_small_batches_roots_alone_and_the_same_table(  # type: ignore[no-untyped-def]
    europe_generic, europe_wdqs
) -> None:
    assert _table(europe_wdqs) == _table(europe_generic)
    parts = [r for r in europe_wdqs.results if r.query_name == "institutions-of-classes"]
    sizes = [r.query_text.split("VALUES ?class {")[1].split("}")[0].split() for r in parts]
    roots = [f"wd:{r}" for r in vocab.DEFAULT_GLAM_ROOTS]
    glam_roots = [r for r in roots if r[3:] in europe_wdqs.classes.glam]
    assert [s for s in sizes[: len(glam_roots)]] == [[r] for r in glam_roots]
    assert all(len(s) <= harvest.CLASS_BATCH_BY_KIND["wdqs"] for s in sizes)
    assert sum(len(s) for s in sizes) == len(europe_wdqs.classes.glam)
    assert not any("VALUES ?country" in r.query_text for r in europe_wdqs.results)


def test_a_server_of_your_own_gets_parts_for_its_cores_and_the_same_table(  # type: ignore[no-untyped-def]
    europe_generic,
) -> None:
    own = harvest.harvest("Q46", _engine("oxigraph"), lang="en", quiet=True)
    assert _table(own) == _table(europe_generic)
    # the hash-joined form of the institutions query, giving the same table
    assert "institutions-of-classes" not in {r.query_name for r in own.results}
    parts = [r for r in own.results if r.query_name == "institutions-of-classes-bulk"]
    assert all("OPTIONAL { SELECT ?item ?country WHERE" in r.query_text for r in parts)
    assert len(parts) == min(len(own.classes.glam), harvest.CLASS_PARTS_BY_KIND["oxigraph"])
    sizes = [r.query_text.split("VALUES ?class {")[1].split("}")[0].split() for r in parts]
    assert sorted(c for s in sizes for c in s) == sorted(f"wd:{c}" for c in own.classes.glam)
    glam_roots = [f"wd:{r}" for r in vocab.DEFAULT_GLAM_ROOTS if r in own.classes.glam]
    # the roots (where most items sit) are dealt out first: as few roots per part as can be
    per_part = [sum(1 for r in glam_roots if r in s) for s in sizes]
    assert max(per_part) - min(per_part) <= 1, per_part
    # the institutions of a continent's items already came with their classes and P131 targets
    assert "institution-details" not in {r.query_name for r in own.results}
    names = {r.query_name for r in own.results}
    assert "institution-contacts-bulk" in names and "institution-contacts" not in names


def test_continent_plan_agrees_with_the_per_country_plan(europe_generic) -> None:  # type: ignore[no-untyped-def]
    """Each country of Europe, harvested on its own (one-country plan), has the institutions the
    continent plan placed in it."""
    eng = _engine("generic")
    for unit in europe_generic.units:
        alone = harvest.harvest(unit.qid, eng, lang="en", quiet=True)
        got = {i.qid for i in alone.institutions}
        want = {i.qid for i in europe_generic.institutions if unit.qid in i.countries}
        assert got == want, unit.qid
        # the same details, though the continent's classes and P131 targets came with its
        # institutions query and the country's with institution-details
        by_qid = {i.qid: i for i in europe_generic.institutions}
        for i in alone.institutions:
            assert _details(i) == _details(by_qid[i.qid]), i.qid
        names = {r.query_name for r in alone.results} & FETCH
        assert names == {"institutions-by-class-and-country", "institutions-without-country"}


def test_the_world_reports_items_without_country_from_the_same_rows() -> None:
    h = harvest.harvest("world", _engine("generic"), lang="en", quiet=True)
    assert not {r.query_name for r in h.results} & {"institutions-without-country"}
    reasons = {u.reason for u in h.unplaced}
    assert any(r.startswith("no country") for r in reasons), reasons


def test_fewer_institution_queries_than_the_former_plan(europe_generic) -> None:  # type: ignore[no-untyped-def]
    """The former plan: ceil(countries/60) x ceil(classes/250) with P17, one per class batch for
    historical P17 and one per class batch without P17; now one per class batch."""
    k = len(europe_generic.classes.glam)
    former = -(-len(europe_generic.units) // 60) * -(-k // 250) + 2 * -(-k // 250)
    now = sum(1 for r in europe_generic.results if r.query_name in FETCH)
    assert now < former


def test_batch_sizes_by_engine_kind() -> None:
    assert harvest.CLASS_BATCH_BY_KIND["wdqs"] < 100
    for kind in ("qlever", "oxigraph", "virtuoso", "embedded", "generic"):
        assert harvest.CLASS_BATCH_BY_KIND[kind] >= 10 * harvest.CLASS_BATCH_BY_KIND["wdqs"]
    assert harvest.class_batch(_engine("qlever")) == harvest.CLASS_BATCH_BY_KIND["qlever"]


@pytest.mark.parametrize("kind", ["oxigraph", "qlever", "virtuoso", "embedded"])
def test_the_bulk_form_gives_the_same_rows_and_details(kind: str, europe_generic) -> None:  # type: ignore[no-untyped-def]
    """Per engine kind of BULK_JOIN_KINDS: the hash-joined institutions query, the same rows as
    the item-by-item form, so the same harvest, details included."""
    eng = _engine(kind)
    assert harvest.institutions_query(eng) == "institutions-of-classes-bulk"
    classes = sorted(europe_generic.classes.glam)

    def rows(name: str) -> list[tuple[tuple[str, str], ...]]:
        res = eng.run(name, class_=classes, use_cache=False)
        return sorted(tuple(sorted((k, v["value"]) for k, v in r.items())) for r in res.rows)

    got = rows("institutions-of-classes-bulk")
    assert got and got == rows("institutions-of-classes")
    items = sorted({i.qid for i in europe_generic.institutions})
    contacts = {
        name: sorted(
            tuple(sorted((k, v["value"], v.get("xml:lang", "")) for k, v in r.items()))
            for r in eng.run(name, item=items, langs=["en", "mul"], use_cache=False).rows
        )
        for name in ("institution-contacts", "institution-contacts-bulk")
    }
    assert contacts["institution-contacts"]
    assert contacts["institution-contacts-bulk"] == contacts["institution-contacts"]
    h = harvest.harvest("Q46", eng, lang="en", quiet=True)
    assert "institution-contacts-bulk" in {r.query_name for r in h.results}
    assert _table(h) == _table(europe_generic)
    want = {i.qid: _details(i) for i in europe_generic.institutions}
    assert {i.qid: _details(i) for i in h.institutions} == want


def test_wdqs_and_unknown_servers_keep_the_item_by_item_form(europe_generic, europe_wdqs) -> None:  # type: ignore[no-untyped-def]
    for h in (europe_generic, europe_wdqs):
        names = {r.query_name for r in h.results}
        assert "institutions-of-classes" in names and "institutions-of-classes-bulk" not in names
    with pytest.raises(BadInput, match="institutions-of-classes-bulk"):
        _engine("wdqs").run("institutions-of-classes-bulk", class_=["Q33506"], use_cache=False)


def test_bulk_contacts_come_in_a_few_large_parts(monkeypatch: pytest.MonkeyPatch) -> None:
    """A world or continent on a server of your own: CONTACT_PARTS contact queries for the
    items placed by their P17 (asked while the P131 chains are walked), each of at least the
    engine's detail batch and at most BULK_DETAIL_MAX items, then the others (placed by a
    chain, unplaced) in parts of the same size."""
    eng = _engine("oxigraph")
    small = harvest.detail_batch(eng)
    assert harvest.contacts_plan(eng, 10) == ("institution-contacts-bulk", small)
    assert harvest.contacts_plan(eng, 100_000) == ("institution-contacts-bulk", 25_000)
    assert harvest.contacts_plan(eng, 10**6) == ("institution-contacts-bulk", 50_000)
    assert harvest.contacts_plan(_engine("wdqs"), 100_000) == ("institution-contacts", 300)
    # Virtuoso refuses a VALUES block of 25,000 rows: the hash-joined form, its detail batch
    virtuoso = harvest.detail_batch(_engine("virtuoso"))
    assert harvest.contacts_plan(_engine("virtuoso"), 100_000) == (
        "institution-contacts-bulk",
        virtuoso,
    )
    assert harvest.contacts_plan(_engine("virtuoso"), 10) == ("institution-contacts-bulk", virtuoso)
    monkeypatch.setattr(harvest, "DETAIL_BATCH_BY_KIND", {"oxigraph": 2})
    h = harvest.harvest("Q46", eng, lang="en", quiet=True)
    parts = [r for r in h.results if r.query_name == "institution-contacts-bulk"]
    early = sum(1 for i in h.institutions if not i.country_path)  # placed by their P17
    late = len(h.institutions) + len(h.unplaced) - early
    batch = -(-early // harvest.CONTACT_PARTS)
    assert late > 0 and batch > 2
    assert len(parts) == harvest.CONTACT_PARTS + -(-late // batch)
    assert all(p.query_text.count("wd:Q") <= batch for p in parts)
