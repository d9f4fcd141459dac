"""networkx views: nearest affiliate by multi-source BFS, ties by distance then code, islands."""

from __future__ import annotations

from glamgraph import network
from glamgraph.model import Region


def test_hops_then_distance_then_code() -> None:
    #   A(cov X) - U - B(cov Y)      U is 1 hop from both; B is nearer by distance
    #   C(cov Z) -- far -- V          V: only C reachable, 1 hop
    g = network.border_graph(["A", "B", "U", "C", "V", "I"], [("A", "U"), ("U", "B"), ("C", "V")])
    coords = {
        "A": (0.0, 0.0),
        "B": (0.0, 2.0),
        "U": (0.0, 1.5),
        "C": (40.0, 40.0),
        "V": (41.0, 41.0),
        "I": (0.0, 2.2),
    }
    covered = {"A": ("X",), "B": ("Y",), "C": ("Z",)}
    res = network.nearest_affiliates(g, covered, coords)
    assert res["U"] == network.Nearest(
        "Y", "B", 1, round(network.haversine_km((0, 1.5), (0, 2)), 1)
    )
    assert res["V"].affiliate == "Z" and res["V"].hops == 1
    # I is an island: no border path, nearest covered region by distance (B), hops empty
    assert res["I"].affiliate == "Y" and res["I"].hops is None and res["I"].via_region == "B"
    assert set(res) == {"U", "V", "I"}


def test_tie_on_hops_and_distance_goes_to_the_smaller_code() -> None:
    g = network.border_graph(["A", "B", "U"], [("A", "U"), ("U", "B")])
    coords = {"A": (0.0, -1.0), "B": (0.0, 1.0), "U": (0.0, 0.0)}
    res = network.nearest_affiliates(g, {"A": ("WM-Z",), "B": ("WM-A",)}, coords)
    assert res["U"].affiliate == "WM-A"


def test_fewer_hops_beat_shorter_distance() -> None:
    # U borders B (far away) directly; A is close but two hops away
    g = network.border_graph(["A", "M", "U", "B"], [("A", "M"), ("M", "U"), ("U", "B")])
    coords = {"A": (0.0, 0.1), "M": (0.0, 0.05), "U": (0.0, 0.0), "B": (50.0, 50.0)}
    res = network.nearest_affiliates(g, {"A": ("NEAR",), "B": ("FAR",)}, coords)
    assert (res["U"].affiliate, res["U"].hops) == ("FAR", 1)
    assert (res["M"].affiliate, res["M"].hops) == ("NEAR", 1)


def test_ties_propagate_through_layers() -> None:
    # two paths of equal length to two covered regions: both are candidates two hops out
    g = network.border_graph(
        ["A", "B", "P", "Q", "U"], [("A", "P"), ("B", "Q"), ("P", "U"), ("Q", "U")]
    )
    coords = {"A": (0.0, 3.0), "B": (0.0, -1.0), "P": (0.0, 2.0), "Q": (0.0, -0.5), "U": (0.0, 0.0)}
    res = network.nearest_affiliates(g, {"A": ("AA",), "B": ("BB",)}, coords)
    assert (res["U"].affiliate, res["U"].hops) == ("BB", 2)


def test_nothing_reachable_nothing_said() -> None:
    g = network.border_graph(["U"], [])
    assert network.nearest_affiliates(g, {}, {"U": (0.0, 0.0)}) == {}


def test_hierarchy() -> None:
    t = network.hierarchy(
        Region("world", "world", "World"), [Region("Q142", "country", "France", "FR", parent="Q46")]
    )
    assert list(t.successors("world")) == ["Q46"] and list(t.successors("Q46")) == ["Q142"]


def test_hierarchy_is_a_tree_when_a_continent_is_its_own_unit() -> None:
    import networkx as nx

    t = network.hierarchy(
        Region("world", "world", "World"),
        [Region("Q51", "country", "Antarctica", "AQ", parent="Q51"),
         Region("Q142", "country", "France", "FR", parent="Q46")],
    )  # fmt: skip
    assert nx.is_tree(t.to_undirected()) and not list(nx.selfloop_edges(t))


# --- the unit-row rule (nearest_for_units) ------------------------------------------------------
# World: countries A - B - C in a row; B is covered by "WM-B", C by "WM-C".
# A's subdivisions: S1 - S2 - S3 in a row; S3 borders nothing else in A.
WORLD = ["A", "B", "C"]
WORLD_BORDERS = [("A", "B"), ("B", "C")]
SUBS = ["S1", "S2", "S3"]
SUB_BORDERS = [("S1", "S2"), ("S2", "S3")]
COORDS = {
    "A": (0.0, 0.0),
    "B": (0.0, 5.0),
    "C": (0.0, 10.0),
    "S1": (0.0, -1.0),
    "S2": (0.0, 0.0),
    "S3": (0.0, 1.0),
}


def test_units_that_are_countries_use_the_world_border_graph() -> None:
    covering = {"B": ["WM-B"], "C": ["WM-C"]}
    near = network.nearest_for_units(
        WORLD, covering, COORDS, unit_borders=WORLD_BORDERS, world=WORLD,
        world_borders=WORLD_BORDERS,
    )  # fmt: skip
    assert set(near) == {"A"}  # covered countries get no nearest
    assert near["A"] == network.Nearest(
        "WM-B", "B", 1, round(network.haversine_km((0, 0), (0, 5)), 1)
    )


def test_subdivisions_prefer_a_covered_subdivision_of_their_own_country() -> None:
    covering = {"S1": ["WM-S1"], "B": ["WM-B"]}
    near = network.nearest_for_units(
        SUBS, covering, COORDS, unit_borders=SUB_BORDERS, world=WORLD,
        world_borders=WORLD_BORDERS, country="A",
    )  # fmt: skip
    assert set(near) == {"S2", "S3"}
    assert (near["S2"].affiliate, near["S2"].hops) == ("WM-S1", 1)
    assert (near["S3"].affiliate, near["S3"].hops) == ("WM-S1", 2)


def test_subdivisions_of_an_uncovered_country_get_the_country_s_nearest_affiliate() -> None:
    covering = {"B": ["WM-B"], "C": ["WM-C"]}
    near = network.nearest_for_units(
        SUBS, covering, COORDS, unit_borders=SUB_BORDERS, world=WORLD,
        world_borders=WORLD_BORDERS, country="A",
    )  # fmt: skip
    assert set(near) == set(SUBS)
    for q in SUBS:
        # B is the country's nearest; no hop count; the distance is the subdivision's own
        assert (near[q].affiliate, near[q].via_region, near[q].hops) == ("WM-B", "B", None)
        assert near[q].distance_km == round(network.haversine_km(COORDS[q], COORDS["B"]), 1)
    assert near["S1"].distance_km != near["S3"].distance_km


def test_subdivision_without_coordinates_takes_the_country_s_distance() -> None:
    covering = {"B": ["WM-B"]}
    coords = {k: v for k, v in COORDS.items() if k != "S2"}
    near = network.nearest_for_units(
        SUBS, covering, coords, unit_borders=SUB_BORDERS, world=WORLD,
        world_borders=WORLD_BORDERS, country="A",
    )  # fmt: skip
    assert near["S2"].distance_km == round(network.haversine_km(COORDS["A"], COORDS["B"]), 1)


def test_subdivisions_of_a_country_covered_as_a_whole_get_no_foreign_affiliate() -> None:
    covering = {"A": ["WM-A"], "B": ["WM-B"]}
    near = network.nearest_for_units(
        SUBS, covering, COORDS, unit_borders=SUB_BORDERS, world=WORLD,
        world_borders=WORLD_BORDERS, country="A",
    )  # fmt: skip
    assert near == {}


def test_no_affiliate_anywhere_gives_nobody() -> None:
    near = network.nearest_for_units(
        SUBS, {}, COORDS, unit_borders=SUB_BORDERS, world=WORLD, world_borders=WORLD_BORDERS,
        country="A",
    )  # fmt: skip
    assert near == {}
