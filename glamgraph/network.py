"""networkx views of the regions: the hierarchy, the border graph, the nearest affiliate.

The nearest affiliate to an uncovered region is found by a **multi-source breadth-first search**
from every covered region at once over the border graph (``P47``): one pass gives each region's
hop distance to the nearest covered region, and the set of covered regions at that distance is
carried along the BFS layers. Ties are broken by great-circle distance between the regions'
coordinate locations (``P625``), then by affiliate code. A region with no border path to a
covered region gets the covered region nearest by distance, with ``hops`` left empty.

>>> g = border_graph(["A", "B", "C", "D"], [("A", "B"), ("B", "C")])
>>> coords = {"A": (0.0, 0.0), "B": (0.0, 1.0), "C": (0.0, 2.0), "D": (10.0, 10.0)}
>>> res = nearest_affiliates(g, {"A": ("WM-A",)}, coords)
>>> res["C"].affiliate, res["C"].hops, res["D"].hops, res["D"].affiliate
('WM-A', 2, None, 'WM-A')
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import networkx as nx

from glamgraph.model import Region

EARTH_RADIUS_KM = 6371.0088


def haversine_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance in km between two ``(lat, lon)`` points.

    >>> round(haversine_km((48.8566, 2.3522), (52.52, 13.405)))
    877
    """
    lat1, lon1 = map(math.radians, a)
    lat2, lon2 = map(math.radians, b)
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def border_graph(nodes: Iterable[str], edges: Iterable[tuple[str, str]]) -> nx.Graph:
    """An undirected graph of regions joined where they share a border (edges to unknown nodes
    are dropped)."""
    g = nx.Graph()
    g.add_nodes_from(nodes)
    g.add_edges_from((a, b) for a, b in edges if a in g and b in g and a != b)
    return g


def hierarchy(region: Region, units: Sequence[Region]) -> nx.DiGraph:
    """The region hierarchy as a tree: world → continents → countries → subdivisions.

    >>> t = hierarchy(Region("Q46", "continent", "Europe"), [Region("Q142", "country", "France",
    ...               parent="Q46")])
    >>> list(t.successors("Q46"))
    ['Q142']
    """
    t = nx.DiGraph()
    t.add_node(region.qid, kind=region.kind, label=region.label)
    for u in units:
        t.add_node(u.qid, kind=u.kind, label=u.label, iso=u.iso)
        parent = u.parent if u.parent and region.kind == "world" else region.qid
        if region.kind == "world" and u.parent:
            t.add_edge("world", u.parent)
        if parent != u.qid:  # Antarctica (Q51) is a continent and its own unit: no self-loop
            t.add_edge(parent, u.qid)
    return t


@dataclass(frozen=True)
class Nearest:
    """Whom to contact for an uncovered region."""

    affiliate: str
    via_region: str
    hops: int | None
    distance_km: float | None


def _distance(a: str, b: str, coords: Mapping[str, tuple[float, float]]) -> float:
    if a in coords and b in coords:
        return haversine_km(coords[a], coords[b])
    return math.inf


def nearest_affiliates(
    graph: nx.Graph,
    covered: Mapping[str, Sequence[str]],
    coords: Mapping[str, tuple[float, float]],
    targets: Iterable[str] | None = None,
) -> dict[str, Nearest]:
    """For each uncovered node (or each of ``targets``), the nearest covered region's affiliate.

    Args:
        graph: the border graph (nodes are region QIDs).
        covered: covered region -> the codes of its covering affiliates.
        coords: region -> ``(lat, lon)``; regions without coordinates lose distance ties.
        targets: the regions to answer for (default: every uncovered node of ``graph``).
    """
    sources = [n for n in covered if covered[n] and n in graph]
    want = [t for t in (targets if targets is not None else graph.nodes) if not covered.get(t)]
    # one multi-source BFS: hop distance to the nearest covered region, and which ones tie
    hops: dict[str, int] = dict.fromkeys(sources, 0)
    nearest: dict[str, set[str]] = {s: {s} for s in sources}
    layer = list(sources)
    while layer:
        nxt: list[str] = []
        for node in layer:
            for nb in graph.neighbors(node):
                if nb not in hops:
                    hops[nb] = hops[node] + 1
                    nearest[nb] = set(nearest[node])
                    nxt.append(nb)
                elif hops[nb] == hops[node] + 1:
                    nearest[nb] |= nearest[node]
        layer = nxt
    all_covered = [n for n in covered if covered[n]]
    out: dict[str, Nearest] = {}
    for t in want:
        if t in hops:
            cands = nearest[t]
            h: int | None = hops[t]
        else:
            cands = set(all_covered)
            h = None
        if not cands:
            continue
        best = min(
            ((_distance(t, c, coords), min(covered[c]), c) for c in cands),
            key=lambda x: (x[0], x[1], x[2]),
        )
        dist = None if math.isinf(best[0]) else round(best[0], 1)
        if h is None and dist is None:
            continue  # no border path and no coordinates: nothing to say
        out[t] = Nearest(best[1], best[2], h, dist)
    return out


def nearest_for_units(
    units: Sequence[str],
    covering: Mapping[str, Sequence[str]],
    coords: Mapping[str, tuple[float, float]],
    *,
    unit_borders: Iterable[tuple[str, str]],
    world: Sequence[str],
    world_borders: Iterable[tuple[str, str]],
    country: str | None = None,
) -> dict[str, Nearest]:
    """The nearest affiliate of every unit row without a local one.

    Countries (``country`` is ``None``: the units are the world's or a continent's countries):
    the nearest covered country over the world's border graph (:func:`nearest_affiliates`).

    Subdivisions of ``country``: first the nearest covered subdivision over the subdivisions'
    own borders; a subdivision that has none within reach, in a country no affiliate covers
    as a whole, gets the affiliate nearest to the country over the world's border graph, with
    no hop count and the distance from the subdivision to that affiliate's region (the
    country's distance when coordinates are missing). A subdivision of a country covered as a
    whole is not given an affiliate of another country.

    Args:
        units: the unit rows (QIDs).
        covering: region -> codes of its local affiliates (countries and subdivisions alike).
        coords: region -> ``(lat, lon)``.
        unit_borders: borders between the units (the same as ``world_borders`` for countries).
        world: the world's countries; ``world_borders``: their borders.
        country: the country whose subdivisions the units are, ``None`` for countries.

    >>> near = nearest_for_units(["S1", "S2"], {"B": ["WM-B"]}, {"S1": (0.0, 0.0),
    ...     "S2": (0.0, 1.0), "B": (0.0, 3.0), "A": (0.0, 0.5)}, unit_borders=[("S1", "S2")],
    ...     world=["A", "B"], world_borders=[("A", "B")], country="A")
    >>> near["S1"].affiliate, near["S1"].hops, near["S1"].distance_km
    ('WM-B', None, 333.6)
    """
    uncovered = [u for u in units if not covering.get(u)]
    if not uncovered:
        return {}
    if country is None:
        g = border_graph(world, world_borders)
        return nearest_affiliates(g, covering, coords, uncovered)
    g = border_graph(units, unit_borders)
    local = {u: covering.get(u, []) for u in units}
    near = nearest_affiliates(g, local, coords, uncovered) if any(local.values()) else {}
    missing = [q for q in uncovered if q not in near]
    if not missing or covering.get(country):
        return near
    wg = border_graph(world, world_borders)
    at_country = nearest_affiliates(wg, covering, coords, [country]).get(country)
    if at_country is None:
        return near
    for q in missing:
        via = at_country.via_region
        dist = (
            round(haversine_km(coords[q], coords[via]), 1)
            if q in coords and via in coords
            else at_country.distance_km
        )
        near[q] = Nearest(at_country.affiliate, via, None, dist)
    return near
