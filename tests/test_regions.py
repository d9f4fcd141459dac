"""Regions: QIDs, ISO codes, world, unit rows, deterministic choices, refusals."""

from __future__ import annotations

import pytest

from glamgraph import regions
from glamgraph.errors import BadInput, UnknownRegion
from glamgraph.sparql import get_engine


@pytest.mark.parametrize(
    ("given", "qid", "kind"),
    [
        ("Q46", "Q46", "continent"),
        ("world", "world", "world"),
        ("WORLD", "world", "world"),
        ("Q142", "Q142", "country"),
        ("FR", "Q142", "country"),
        ("fr", "Q142", "country"),
        ("FR-IDF", "Q13917", "subdivision"),
        ("Q13917", "Q13917", "subdivision"),
        ("NL", "Q55", "country"),  # two items carry NL; the one with an M49 code wins
    ],
)
def test_resolve(world_engine, given: str, qid: str, kind: str) -> None:  # type: ignore[no-untyped-def]
    r = regions.resolve(given, world_engine)
    assert (r.qid, r.kind) == (qid, kind)
    if kind == "subdivision":
        assert r.parent == "Q142" and r.iso == "FR-IDF"


@pytest.mark.parametrize(
    ("given", "needle"),
    [
        ("Q38872", "former country"),  # Prussia, historical
        ("CS", "former country"),  # Czechoslovakia: dissolved, still has a code
        ("Q12538", "former"),  # a dissolved region
        ("ZZ", "no item carries"),
        ("Q90", "not a continent"),  # a city
        ("Q1> }", "unknown region"),
        ("Europe!", "unknown region"),
        ("", "unknown region"),
    ],
)
def test_refusals_name_the_region(world_engine, given: str, needle: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UnknownRegion) as exc:
        regions.resolve(given, world_engine)
    assert needle in str(exc.value)
    assert isinstance(exc.value, ValueError) and isinstance(exc.value, BadInput)


def test_units_of_europe_are_current_countries_one_per_code(world_engine) -> None:  # type: ignore[no-untyped-def]
    units = regions.units(regions.resolve("Q46", world_engine), world_engine)
    isos = [u.iso for u in units]
    assert isos == sorted(isos) and len(isos) == len(set(isos))
    assert [u.qid for u in units if u.iso == "NL"] == ["Q55"]
    assert {"Q38872", "Q33946", "Q29999"}.isdisjoint(u.qid for u in units)
    fr = next(u for u in units if u.iso == "FR")
    assert (fr.lat, fr.lon) == (46.6, 2.5)


def test_units_of_a_country_are_current_first_level_subdivisions(server_engine) -> None:  # type: ignore[no-untyped-def]
    units = regions.units(regions.resolve("FR", server_engine), server_engine)
    assert [(u.iso, u.qid) for u in units] == [
        ("FR-BRE", "Q12130"),
        ("FR-IDF", "Q13917"),
        ("FR-OCC", "Q18678265"),
    ]  # Midi-Pyrénées (dissolved) is not a unit


def test_world_units_cover_every_continent(world_engine) -> None:  # type: ignore[no-untyped-def]
    units = regions.units(regions.WORLD, world_engine)
    assert {"Q142", "Q1033", "Q1008"} <= {u.qid for u in units}


def test_borders(world_engine) -> None:  # type: ignore[no-untyped-def]
    pairs = regions.borders(["Q142", "Q183", "Q31", "Q189"], world_engine)
    assert pairs == [("Q31", "Q142"), ("Q31", "Q183"), ("Q142", "Q183")]


def test_snapshot_world_and_codes() -> None:
    eng = get_engine("snapshot")
    assert regions.resolve("JP", eng).qid == "Q17"
    # one unit per country with an ISO alpha-2 code in the shipped country table
    from importlib import resources

    table = (resources.files("glamgraph") / "data" / regions.NAMES_FILE).read_text("utf-8")
    codes = {c[2] for line in table.splitlines()[1:] if (c := line.split("\t"))[1] == "country"}
    world = regions.units(regions.WORLD, eng)
    assert len(world) == len(codes - {""})
    assert {r.iso for r in world} == codes - {""}


def test_a_country_without_subdivisions_is_its_own_unit(world_engine) -> None:  # type: ignore[no-untyped-def]
    be = regions.resolve("BE", world_engine)
    assert [u.qid for u in regions.units(be, world_engine)] == ["Q31"]


@pytest.mark.parametrize(
    ("given", "qid"),
    [
        ("Europe", "Q46"),
        ("europe", "Q46"),
        ("  EUROPE ", "Q46"),
        ("q46", "Q46"),
        ("q142", "Q142"),
        ("France", "Q142"),
        ("FRA", "Q142"),
        ("fra", "Q142"),
        ("Côte d'Ivoire", "Q1008"),
        ("cote d'ivoire", "Q1008"),
        ("Cote d’Ivoire", "Q1008"),  # typographic apostrophe
        ("Ivory Coast", "Q1008"),
        ("Czechia", "Q213"),  # an alias beside the label
        ("Holland", "Q55"),
        ("UK", "Q145"),  # not an ISO alpha-2 code: a name
        ("USA", "Q30"),
        ("Åland", "Q5689"),
        ("aland", "Q5689"),
    ],
)
def test_names_as_people_type_them(given: str, qid: str) -> None:
    assert regions.resolve(given, get_engine("snapshot")).qid == qid


def test_names_on_the_test_world_need_no_query(world_engine) -> None:  # type: ignore[no-untyped-def]
    assert regions.resolve("france", world_engine).qid == "Q142"
    assert regions.resolve("Cote d'Ivoire", world_engine).qid == "Q1008"
    assert regions.resolve("europe", world_engine) == regions.resolve("Q46", world_engine)


def test_an_ambiguous_name_is_refused_with_its_candidates() -> None:
    with pytest.raises(UnknownRegion) as err:
        regions.resolve("Congo", get_engine("snapshot"))
    msg = str(err.value)
    assert err.value.exit_code == 2 and "\n" not in msg
    assert "ambiguous" in msg and "Q974" in msg and "Q971" in msg
    assert "Democratic Republic of the Congo" in msg


def test_an_unknown_name_gets_the_closest_names() -> None:
    with pytest.raises(UnknownRegion) as err:
        regions.resolve("Frnace", get_engine("snapshot"))
    assert "closest names: France" in str(err.value) and err.value.exit_code == 2
    with pytest.raises(UnknownRegion):
        regions.resolve("Atlantis Major", get_engine("snapshot"))


def test_the_name_table_is_built_from_the_country_table() -> None:
    table = regions.name_table()
    assert table.by_iso3["DEU"] == "Q183"
    assert table.by_name["europe"] == ("Q46",)
    assert len({q for qs in table.by_name.values() for q in qs}) >= 250  # every country


def test_a_subdivision_on_the_shipped_sample_is_refused_with_the_reason() -> None:
    with pytest.raises(UnknownRegion) as err:
        regions.resolve("FR-IDF", get_engine("snapshot"))
    msg = str(err.value)
    assert "subdivision" in msg and "shipped sample" in msg and "--endpoint wdqs" in msg
    assert "no item carries" not in msg


def test_labels_follow_every_language_in_order(world_engine) -> None:  # type: ignore[no-untyped-def]
    europe = regions.resolve("Q46", world_engine)
    fr = {r.qid: r.label for r in regions.units(europe, world_engine, lang="fr,en")}
    assert (fr["Q183"], fr["Q31"], fr["Q142"]) == ("Allemagne", "Belgique", "France")
    assert fr["Q29"] == "Spain"  # no French label: the next language, never the QID
    de = {r.qid: r.label for r in regions.units(europe, world_engine, lang=["de", "en"])}
    assert (de["Q183"], de["Q31"]) == ("Deutschland", "Belgium")
    assert not any(label.startswith("Q") for label in de.values())
    subs = regions.units(regions.resolve("FR", world_engine), world_engine, lang="fr,en")
    assert "Bretagne" in {r.label for r in subs}


def test_query_result_data_frame_gives_bare_qids() -> None:
    res = get_engine("snapshot").run("countries-of-continent", continent="Q46")
    df = res.to_dataframe()
    assert list(df.columns) == list(res.vars)
    assert "Q142" in set(df["country"]) and not any(
        str(v).startswith("http") for v in df["country"]
    )
    assert set(df.loc[df["country"] == "Q142", "iso"]) == {"FR"}
