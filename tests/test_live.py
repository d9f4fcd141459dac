"""Live checks against the public endpoints: off by default (``pytest -m live`` runs them).

They need the internet (WDQS, QLever, Meta-Wiki), which CI does not have; run them by hand
before a release to see that the shipped queries still answer in the shapes glamgraph reads.
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


@pytest.mark.parametrize("endpoint", ["wdqs", "qlever"])
def test_class_closure_live(endpoint: str) -> None:
    res = get_engine(endpoint, LIVE, fallback=[]).run("class-closure", root=["Q33506"])
    assert len(set(res.qids("class"))) > 100  # museum-map found 371 museum classes


def test_affiliates_module_live() -> None:
    import glamgraph

    affs = glamgraph.affiliates(endpoint=get_engine("wdqs", LIVE))
    assert len(affs) > 100 and affs.revision
