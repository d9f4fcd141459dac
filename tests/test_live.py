"""Live checks against the public endpoints: off by default (``pytest -m live`` runs them).

They need the internet (WDQS, QLever, Meta-Wiki), which CI does not have; run them by hand
before a release to see that the shipped queries still answer in the shapes glamgraph reads.
Every engine here runs without fallback and without cache (each test also has its own empty
cache folder), so a result speaks of that endpoint alone.
"""

from __future__ import annotations

import pytest

from glamgraph.sparql import Settings, get_engine

pytestmark = pytest.mark.live

LIVE = Settings(use_cache=False, timeout_s=60, max_attempts=2)


@pytest.mark.parametrize("endpoint", ["wdqs", "qlever"])
def test_countries_of_africa_live(endpoint: str) -> None:
    res = get_engine(endpoint, LIVE, fallback=[]).run("countries-of-continent", continent="Q15")
    isos = set(res.values("iso"))
    assert len(res) >= 54 and {"NG", "EG", "ZA", "KE"} <= isos
    # the labels come back (a language filter inside an OPTIONAL is a constant now)
    labels = {r["iso"]["value"]: r.get("label", {}).get("value") for r in res.rows}
    assert labels["NG"] == "Nigeria" and labels["EG"] == "Egypt"
    assert all(labels.values()), [iso for iso, label in labels.items() if not label]


@pytest.mark.parametrize("endpoint", ["wdqs", "qlever"])
def test_region_labels_in_another_language_live(endpoint: str) -> None:
    from glamgraph import regions

    eng = get_engine(endpoint, LIVE, fallback=[])
    africa = {r.iso: r.label for r in regions.units(regions.resolve("Q15", eng), eng, lang="fr")}
    assert africa["EG"] == "Égypte" and africa["NG"] == "Nigeria"
    assert regions.resolve("NG", eng).label == "Nigeria"
    france = {r.iso: r.label for r in regions.units(regions.resolve("FR", eng), eng, lang="en")}
    assert france.get("FR-IDF") == "Île-de-France", france


@pytest.mark.parametrize("endpoint", ["wdqs", "qlever"])
def test_doctor_live(endpoint: str) -> None:
    """Every shipped query at a small and a production size, with Wikidata's known answers."""
    from glamgraph import doctor

    report = doctor.doctor([endpoint], settings=LIVE)
    assert report.ok, report.table()


@pytest.mark.parametrize("endpoint", ["wdqs", "qlever"])
def test_class_closure_live(endpoint: str) -> None:
    res = get_engine(endpoint, LIVE, fallback=[]).run("class-closure", root=["Q33506"])
    assert len(set(res.qids("class"))) > 100  # museum-map found 371 museum classes


def test_affiliates_module_live() -> None:
    import glamgraph

    affs = glamgraph.affiliates(endpoint=get_engine("wdqs", LIVE, fallback=[]))
    assert len(affs) > 100 and affs.revision
