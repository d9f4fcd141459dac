"""Harvest against the test world: one test per counting rule, on the real Oxigraph server."""

from __future__ import annotations

import itertools

import pytest

from glamgraph import harvest
from glamgraph.sparql import get_engine
from glamgraph.sparql.embedded import snapshot_info


@pytest.fixture(scope="module")
def europe(oxigraph_server):  # type: ignore[no-untyped-def]
    from glamgraph.sparql import Settings

    eng = get_engine(oxigraph_server.url, Settings(use_cache=False, min_interval_s=0.0))
    return harvest.harvest("Q46", eng, lang="fr,en", quiet=True)


def _by_qid(h):  # type: ignore[no-untyped-def]
    return {i.qid: i for i in h.institutions}


def test_counted_institutions_of_europe(europe) -> None:  # type: ignore[no-untyped-def]
    assert sorted(_by_qid(europe)) == sorted(
        [
            "Q9000001",
            "Q9000002",
            "Q9000003",
            "Q9000004",
            "Q9000005",
            "Q9000006",
            "Q9000014",
            "Q9000015",
            "Q9000017",
            "Q9000018",
            "Q9000019",
            "Q9000024",
            "Q9000025",
            "Q9000026",
            "Q9000028",
        ]
    )


def test_class_closure_several_levels_and_two_roots(europe) -> None:  # type: ignore[no-untyped-def]
    found = _by_qid(europe)
    assert found["Q9000028"].types == ("Q9100004",)  # 4 levels below museum
    assert found["Q9000017"].countries == ("Q32",)  # under museum and library: once
    assert {"Q9100001", "Q9100003", "Q9100004", "Q207694", "Q28564"} <= europe.classes.glam


def test_lookalikes_and_dissolved_and_non_glam_are_left_out(europe) -> None:  # type: ignore[no-untyped-def]
    found = _by_qid(europe)
    for qid in ("Q9000007", "Q9000008", "Q9000009", "Q9000010", "Q9000016"):
        assert qid not in found
    assert {"Q575727", "Q9100002", "Q24699794"} <= europe.classes.excluded
    assert "Q9100002" not in europe.classes.glam


def test_deprecated_and_preferred_ranks(europe) -> None:  # type: ignore[no-untyped-def]
    found = _by_qid(europe)
    assert found["Q9000003"].countries == ("Q142",)  # deprecated Germany ignored
    assert found["Q9000026"].countries == ("Q31",)  # preferred Belgium hides normal Netherlands


def test_p131_only_items_get_their_country(europe) -> None:  # type: ignore[no-untyped-def]
    found = _by_qid(europe)
    assert found["Q9000004"].countries == ("Q183",)  # Berlin -> Germany
    assert found["Q9000005"].countries == ("Q183",)  # village (no P17) -> Bavaria -> Germany
    assert found["Q9000005"].country_path == ("Q9200001", "Q980")
    assert found["Q9000015"].countries == ("Q142",)  # P131 is the country item itself
    assert found["Q9000014"].countries == ("Q142",)


def test_cross_border_counts_in_each(europe) -> None:  # type: ignore[no-untyped-def]
    assert _by_qid(europe)["Q9000006"].units == ("Q31", "Q55")


def test_historical_country_is_unplaced_with_reason(europe) -> None:  # type: ignore[no-untyped-def]
    unplaced = {u.qid: u for u in europe.unplaced}
    assert set(unplaced) == {"Q9000011", "Q9000013"}
    assert unplaced["Q9000011"].reason == "only country is historical (P17)"
    assert unplaced["Q9000011"].countries == ("Q38872",)
    assert unplaced["Q9000013"].reason == "only country is historical (via P131)"
    assert unplaced["Q9000011"].label == "Prussian State Library"
    assert "Q9000012" not in unplaced  # no country at all: only the world reports it
    # a current country elsewhere (Ghana) beside the historical one: placed, not unplaced
    assert "Q9000029" not in unplaced


def test_world_reports_items_with_no_country(world_engine) -> None:  # type: ignore[no-untyped-def]
    h = harvest.harvest("world", world_engine, quiet=True)
    reasons = {u.qid: u.reason for u in h.unplaced}
    assert reasons["Q9000012"] == "no country: no P17 and no P131"
    assert {"Q9000011", "Q9000013"} <= set(reasons)
    assert "Q9000020" in {i.qid for i in h.institutions}


def test_subdivisions_through_the_p131_chain(world_engine) -> None:  # type: ignore[no-untyped-def]
    h = harvest.harvest("FR", world_engine, quiet=True)
    units = {i.qid: i.units for i in h.institutions}
    assert units["Q9000001"] == ("Q13917",)  # Paris -> Île-de-France
    assert units["Q9000002"] == ("Q12130",)  # Rennes -> Brittany
    assert units["Q9000003"] == ("Q13917",)
    assert units["Q9000015"] == ()  # located in the country itself: no subdivision
    assert h.outside_units == 1
    idf = harvest.harvest("FR-IDF", world_engine, quiet=True)
    assert sorted(i.qid for i in idf.institutions) == ["Q9000001", "Q9000003", "Q9000014"]


def test_contact_fields_normalised(europe) -> None:  # type: ignore[no-untyped-def]
    m = _by_qid(europe)["Q9000001"]
    assert m.label == "Musée d'Exemple" and m.label_lang == "fr"
    assert m.website == "https://musee.example.org/"
    assert m.email == "contact@musee.example.org"  # no mailto:
    assert m.phone == "+33-1-23-45-67-89"  # no tel:
    assert m.addresses == (("1 rue de l'Exemple, 75001 Paris", "fr"),)
    assert (m.lat, m.lon) == (48.8566, 2.3522)  # WKT is lon-first
    assert m.type_labels == ("museum",)


def test_language_fallback(world_engine) -> None:  # type: ignore[no-untyped-def]
    h = harvest.harvest("Q46", world_engine, lang="de", quiet=True)
    found = _by_qid(h)
    assert found["Q9000004"].label == "Bibliothek Berlin"  # de exists
    assert found["Q9000002"].label == "Galerie Moderne"  # only mul
    assert found["Q9000002"].label_lang == "mul"
    assert found["Q9000024"].label == "Madrid Art Gallery"  # neither: any label, deterministic
    ja = harvest.harvest("Q46", world_engine, lang="ja,en", quiet=True)
    assert _by_qid(ja)["Q9000028"].label == "ビデオアート美術館"


def test_plan_never_sends_a_subclass_path_in_institution_queries(europe) -> None:  # type: ignore[no-untyped-def]
    names = [r.query_name for r in europe.results]
    assert names.count("class-closure") <= 1  # resolved once per engine (earlier tests may have)
    for r in europe.results:
        body = "\n".join(x for x in r.query_text.splitlines() if not x.startswith("#"))
        if r.query_name.startswith("institution"):
            assert "P279" not in body, r.query_name
        if r.query_name.startswith("institutions-"):
            assert "wdt:P31 ?class" in body, r.query_name
    assert europe.queries_sent <= 20


def test_custom_roots(world_engine) -> None:  # type: ignore[no-untyped-def]
    h = harvest.harvest("Q46", world_engine, roots=["Q43501"], quiet=True)
    assert [i.qid for i in h.institutions] == ["Q9000015"]


def test_snapshot_africa_matches_build_record() -> None:
    import glamgraph

    found = glamgraph.institutions("Q15", endpoint="snapshot", quiet=True)
    counts = snapshot_info()["counts"]
    assert len(found) == counts["institutions_per_continent"]["Q15"]
    per_country: dict[str, int] = {}
    for i in found:
        for c in i.countries:
            per_country[c] = per_country.get(c, 0) + 1
    expected = {c: n for c, n in counts["institutions_per_country"].items() if c in per_country}
    assert per_country == expected
    df = found.to_dataframe()
    assert {"qid", "label", "countries", "website", "lat", "lon"} <= set(df.columns)


def test_classes_are_resolved_once_per_engine(world_engine) -> None:  # type: ignore[no-untyped-def]
    harvest._CLASS_CACHE.clear()
    first = harvest.harvest("Q15", world_engine, quiet=True)
    second = harvest.harvest("Q46", world_engine, quiet=True)
    assert [r.query_name for r in first.results].count("class-closure") == 1
    assert [r.query_name for r in second.results].count("class-closure") == 0


def test_chain_countries_are_recorded_for_items_without_p17(world_engine) -> None:  # type: ignore[no-untyped-def]
    h = harvest.harvest("FR", world_engine, quiet=True)
    assert h.chain_countries["Q9000014"] == ("Q142",)
    assert h.chain_countries["Q9000004"] == ("Q183",)  # outside the region, still recorded
    assert h.chain_countries["Q9000013"] == ()  # only a former country on the chain
    assert "Q9000001" not in h.chain_countries  # has P17


# --- small functions, progress as a callback ---------------------------------------------------


def test_progress_callback_counts_every_query_and_finishes(world_engine) -> None:  # type: ignore[no-untyped-def]
    from glamgraph import harvest as hv

    steps: list[tuple[str, int, int]] = []
    h = hv.harvest("Q46", world_engine, progress=lambda *a: steps.append(a))
    assert steps and {s[0] for s in steps} == {"harvest Q46"}
    done = [s[1] for s in steps if s[1] > 0]
    assert done == sorted(done) and all(b - a in (0, 1) for a, b in itertools.pairwise(done))
    assert all(d <= t for _, d, t in steps)
    assert steps[-1][1] == steps[-1][2]  # the bar ends full
    # each tick is one institutions, chain, details or class-label query of the harvest
    assert 0 < steps[-1][1] <= h.queries_sent


def test_plan_fetch_place_assemble_give_the_harvest(world_engine) -> None:  # type: ignore[no-untyped-def]
    from glamgraph import harvest as hv

    results: list = []  # type: ignore[type-arg]
    plan = hv.plan_harvest("Q46", world_engine, lang="en", results=results)
    assert plan.by_class and plan.continents == ("Q46",) and "Q142" in plan.countries
    assert plan.planned_queries == len(plan.batches) + 1
    found = hv.fetch_candidates(plan, world_engine, results)
    chains = hv.Chains(world_engine, results, lambda: None)
    placed = hv.place_candidates(plan, found, chains)
    assert set(found.item_countries) <= set(placed.item_countries)
    assert not set(placed.item_countries) & set(placed.unplaced)
    whole = hv.harvest("Q46", world_engine, lang="en", quiet=True)
    assert {i.qid for i in whole.institutions} <= set(placed.item_countries)
    assert {u.qid for u in whole.unplaced} == set(placed.unplaced)


def test_the_library_draws_no_progress_bar_itself() -> None:
    import ast
    from pathlib import Path

    import glamgraph

    root = Path(glamgraph.__file__).parent
    for name in ("harvest.py", "coverage.py"):
        tree = ast.parse((root / name).read_text(encoding="utf-8"))
        mods = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names} | {
            n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)
        }
        assert not any(m.split(".")[0] == "tqdm" for m in mods), name


def test_an_institution_takes_its_first_point_and_best_label() -> None:
    """Several coordinates: the first in (lat, lon) order among the valid ones; labels: the
    first language asked that has a non-blank one, then the first language by name."""
    glam, names = {"Q33506"}, {"Q33506": "museum"}
    d = {
        "labels": {"fr": " ", "de": "Museum", "ca": "Museu"},
        "type": {"Q33506", "Q5"},
        "coord": {"Point(10 50)", "Point(20 40)", "Point(1 95)", "nonsense"},
    }
    inst = harvest._institution("Q1", d, {"Q183"}, ("Q183",), glam, names, ["fr", "de"], ())
    assert (inst.lat, inst.lon) == (40.0, 20.0)
    assert (inst.label, inst.label_lang) == ("Museum", "de")
    assert inst.types == ("Q33506",) and inst.type_labels == ("museum",)
    other = harvest._institution("Q1", d, {"Q183"}, ("Q183",), glam, names, ["en"], ())
    assert (other.label, other.label_lang) == ("Museu", "ca")  # by name: ca before de
    bare = harvest._institution(
        "Q2", {"labels": {"en": ""}, "coord": {"Point(1 95)"}}, set(), (), glam, names, ["en"], ()
    )
    assert (bare.label, bare.label_lang, bare.lat, bare.lon) == ("Q2", "", None, None)
