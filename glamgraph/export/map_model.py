"""What a map shows, whatever it is drawn on: the regions by state with their contacts, the
institution dots, the key, the colours. ``map.png`` (:mod:`glamgraph.export.maps`) and
``map.html`` (:mod:`glamgraph.export.map_html`) both draw this model."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

from glamgraph.export.cells import xml_safe
from glamgraph.export.common import (
    http_url,
    machine_order,
    provenance_line,
    qid_key,
    text_key,
    valid_coordinates,
    without_coordinates,
)
from glamgraph.export.map_geo import (
    Projection,
    Ring,
    centre_of,
    load_points,
    load_shapes,
    ring_area,
    shapes_credit,
)
from glamgraph.model import Coverage, CoverageRow, Institution, RegionStatus

#: Fill colours of the three states (blue and orange stay apart for colour-blind readers).
COVERED_COLOUR: Final = "#6baed6"
UNCOVERED_COLOUR: Final = "#f16913"
NO_INSTITUTIONS_COLOUR: Final = "#d9d9d9"
CONTEXT_COLOUR: Final = "#f2f2f2"
SEA_COLOUR: Final = "#ffffff"
DOT_COLOUR: Final = "#08306b"
BORDER_COLOUR: Final = "#ffffff"
STATE_COLOURS: Final[dict[str, str]] = {
    "covered": COVERED_COLOUR,
    "uncovered": UNCOVERED_COLOUR,
    "no_institutions": NO_INSTITUTIONS_COLOUR,
}
STATE_NAMES: Final[dict[str, str]] = {
    "covered": "covered: a local Wikimedia affiliate",
    "uncovered": "uncovered: GLAM institutions, no local affiliate",
    "no_institutions": "no GLAM institution found",
}
#: Past this many institutions the PNG bins them in hexagons.
HEXBIN_FROM: Final = 3000
WIDTH, HEIGHT = 1200, 800
SUBDIVISION_NOTE: Final = (
    "Subdivision shapes are not shipped: regions are drawn as markers inside the country outline."
)
META_WIKI: Final = "https://meta.wikimedia.org/wiki/"


def _safe(text: str) -> str:
    """Text fit for any output: no XML-forbidden characters, no line breaks.

    >>> _safe(" a\\x00b\\n c\\u00a0d "), _safe("Musée d'Orsay")
    ('ab c d', "Musée d'Orsay")
    """
    # Most labels are already fit: printable (no control, separator other than the space,
    # surrogate or non-character) with single inner spaces; they are returned as they are.
    if text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
        return text
    return " ".join(xml_safe(text).split())


def clip(text: str, width: int) -> str:
    """``text`` on one line of at most ``width`` characters (an ellipsis when cut).

    >>> clip("Bosnia and Herzegovina", 10)
    'Bosnia an…'
    """
    text = _safe(text)
    return text if len(text) <= width else text[: width - 1] + "…"


@dataclass(frozen=True)
class MapContact:
    """The affiliate to contact about a region, as the map shows it."""

    code: str
    name: str = ""
    page: str = ""  # its Meta-Wiki page (an https URL), or ""
    channel: str = ""


@dataclass
class MapRegion:
    """One unit region as drawn: its shape (or a marker), state, counts and contact."""

    qid: str
    label: str
    status: RegionStatus
    institutions: int
    lon: float | None  # the label/marker point
    lat: float | None
    polygons: tuple[tuple[Ring, ...], ...] = ()
    type_counts: tuple[tuple[str, int], ...] = ()
    contacts: tuple[MapContact, ...] = ()
    affiliates: tuple[str, ...] = ()
    number: int = 0  # its number in the key (uncovered regions only)

    @property
    def contact(self) -> MapContact | None:
        """The first contact (the nearest affiliate of an uncovered region)."""
        return self.contacts[0] if self.contacts else None


@dataclass(frozen=True)
class Dot:
    """One institution with coordinates (once, even when it counts in two regions)."""

    lon: float
    lat: float
    qid: str
    label: str
    region_label: str
    covered: bool


@dataclass
class MapModel:
    """What every renderer draws: regions, dots, context outlines, the projection and texts."""

    regions: list[MapRegion]
    dots: list[Dot]
    projection: Projection
    bounds: tuple[float, float, float, float]  # x0, x1, y0, y1 in projected units
    title: str
    subtitle: str
    footer: list[str]
    context: list[tuple[Ring, ...]] = field(default_factory=list)  # polygons drawn in grey
    notes: list[str] = field(default_factory=list)

    def count(self, status: str) -> int:
        """How many regions have this state."""
        return sum(1 for r in self.regions if r.status == status)

    @property
    def uncovered(self) -> list[MapRegion]:
        """The uncovered regions in key order."""
        return sorted((r for r in self.regions if r.number), key=lambda r: r.number)


def _contacts(row: CoverageRow, coverage: Coverage) -> tuple[MapContact, ...]:
    by_code = {a.code: a for a in coverage.affiliates}
    if row.contacts:
        return tuple(
            MapContact(c.code, c.name, http_url(c.page) or "", c.channel) for c in row.contacts
        )
    # until the contacts are filled in: the codes the row has, named from the affiliates
    codes = (
        row.affiliates
        if row.affiliates
        else tuple(c for c in (row.nearest_affiliate, row.contact) if c)[:1]
    )
    out = []
    for code in codes:
        a = by_code.get(code)
        page = http_url(a.page) if a and a.page else None
        out.append(MapContact(code, a.name if a else "", page or "", a.contact if a else ""))
    return tuple(out)


def _row_point(
    row: CoverageRow, label: tuple[float, float] | None
) -> tuple[float | None, float | None]:
    if label is not None:
        return label
    if valid_coordinates(row.lat, row.lon):
        return (row.lon, row.lat)
    # no coordinates in the answer: the shipped point of a country without a shape, if any
    return (
        load_points().get(row.region, (None, None)) if row.kind != "subdivision" else (None, None)
    )


def _dots(coverage: Coverage) -> list[Dot]:
    """Every institution with valid coordinates, once, in the first of its regions in the order
    of the contacts files of every region (regions by QID, then label and QID): the first
    contact row of each institution, found without making the 87k contact rows of a world."""
    first: dict[str, tuple[int, CoverageRow]] = {}  # region -> its first row, in machine order
    for n, row in enumerate(machine_order(coverage.rows)):
        first.setdefault(row.region, (n, row))
    placed: list[tuple[int, CoverageRow, Institution]] = []
    for inst in coverage.institutions:
        if not valid_coordinates(inst.lat, inst.lon):
            continue
        at = min((first[u] for u in inst.units if u in first), default=None, key=_position)
        if at is not None:
            placed.append((at[0], at[1], inst))
    # a stable sort: ties keep the order of coverage.institutions, as the contact rows do
    placed.sort(key=lambda p: (p[0], text_key(p[2].label), qid_key(p[2].qid)))
    seen: set[str] = set()
    dots: list[Dot] = []
    region_labels: dict[str, str] = {}  # each region's label made safe once
    for _n, row, inst in placed:
        if inst.qid in seen:
            continue
        seen.add(inst.qid)
        region_label = region_labels.get(row.label)
        if region_label is None:
            region_label = region_labels[row.label] = _safe(row.label)
        lon, lat = inst.lon, inst.lat
        assert lon is not None and lat is not None  # valid_coordinates above
        dots.append(Dot(lon, lat, inst.qid, _safe(inst.label), region_label, not row.uncovered))
    return dots


def _position(at: tuple[int, CoverageRow]) -> int:
    return at[0]


def map_model(coverage: Coverage) -> MapModel:
    """:func:`build_model` of ``coverage``, built once and kept on it (``map.html`` and
    ``map.png`` draw the same model; the renderers do not modify it). Built again when what
    it shows beyond the rows and institutions changed (region, date, caveats, provenance,
    affiliates)."""
    seen = (
        coverage.region,
        coverage.endpoint,
        coverage.created,
        tuple(coverage.caveats),
        id(coverage.provenance),
        len(coverage.provenance),
        id(coverage.affiliates),
        len(coverage.affiliates),
    )
    name = "export.map_model"
    kept = coverage.derived.get(name + ".inputs")
    if kept is None or kept[1] != seen:
        coverage.derived.pop(name, None)
        coverage.derived[name + ".inputs"] = ((), seen)
    model: MapModel = coverage.derived_value(name, build_model)
    return model


def build_model(coverage: Coverage) -> MapModel:
    """Everything the renderers draw, projected (pure: reads only the shipped shapes)."""
    shapes = load_shapes()
    subdivisions = any(r.kind == "subdivision" for r in coverage.rows)
    regions: list[MapRegion] = []
    for row in coverage.rows:
        shape = None if row.kind == "subdivision" else shapes.get(row.region)
        lon, lat = _row_point(row, shape.label if shape else None)
        regions.append(
            MapRegion(
                qid=row.region,
                label=_safe(row.label or row.region),
                status=row.status,
                institutions=row.institutions,
                lon=lon,
                lat=lat,
                polygons=shape.polygons if shape else (),
                type_counts=row.type_counts,
                contacts=_contacts(row, coverage),
                affiliates=row.affiliates,
            )
        )
    unc = sorted(
        (r for r in regions if r.status == "uncovered"), key=lambda r: (-r.institutions, r.label)
    )
    for n, r in enumerate(unc, 1):
        r.number = n

    dots = _dots(coverage)

    kind = coverage.region.kind
    pts_lon = [r.lon for r in regions if r.lon is not None]
    pts_lat = [r.lat for r in regions if r.lat is not None]
    pts_lon += [d.lon for d in dots]
    pts_lat += [d.lat for d in dots]
    context: list[tuple[Ring, ...]] = []
    notes: list[str] = []
    if subdivisions:
        notes.append(SUBDIVISION_NOTE)
        outline = shapes.get(coverage.region.qid) or shapes.get(coverage.region.parent or "")
        if outline:
            context.extend(outline.polygons)
            pts_lon.append(outline.label[0])
            pts_lat.append(outline.label[1])
    lon0, lat0 = centre_of([float(v) for v in pts_lon], [float(v) for v in pts_lat])
    projection = Projection.for_region(
        "world" if kind == "world" or not pts_lon else "laea", lon0, lat0
    )
    units = {r.qid for r in regions}
    if not subdivisions:
        for qid, s in shapes.items():
            if qid not in units and projection.visible(s.label[0], s.label[1], 80.0):
                context.extend(s.polygons)

    if kind == "world" or not pts_lon:
        xs, _ = projection.forward([-180.0], [0.0])  # symmetric about the central meridian
        _, ys = projection.forward([0.0, 0.0], [-58.0, 84.0])
        half = abs(float(xs[0])) * 1.01
        bounds = (-half, half, float(ys[0]), float(ys[1]))
    else:
        # the extent of the regions' own coordinates, the institutions and the parts of the
        # shapes near them (a country spanning continents, like Russia, or with overseas parts,
        # like France or Norway, is cut at the frame)
        lons = [r.lon for r in coverage.rows if valid_coordinates(r.lat, r.lon)] + [
            d.lon for d in dots
        ]
        lats = [r.lat for r in coverage.rows if valid_coordinates(r.lat, r.lon)] + [
            d.lat for d in dots
        ]
        for row in coverage.rows:
            shape = shapes.get(row.region)
            if shape is None or row.lat is None or row.lon is None:
                continue
            for poly in shape.polygons:
                rl = [p[0] for p in poly[0]]
                ra = [p[1] for p in poly[0]]
                if max(rl) - min(rl) > 25 or max(ra) - min(ra) > 15:
                    continue
                if abs(sum(rl) / len(rl) - row.lon) < 12 and abs(sum(ra) / len(ra) - row.lat) < 8:
                    lons += rl
                    lats += ra
        if subdivisions and context:  # the country's outline (its largest part) in full
            main = max(context, key=lambda poly: abs(ring_area(poly[0])))
            lons += [p[0] for p in main[0]]
            lats += [p[1] for p in main[0]]
        if not lons:
            lons, lats = [float(v) for v in pts_lon], [float(v) for v in pts_lat]
        x, y = projection.forward(lons, lats)
        x0, x1, y0, y1 = float(x.min()), float(x.max()), float(y.min()), float(y.max())
        pad = max(0.03 * max(x1 - x0, y1 - y0), 0.005)
        bounds = (x0 - pad, x1 + pad, y0 - pad, y1 + pad)

    n_unc = len(unc)
    missing = without_coordinates(coverage)
    subtitle = (
        f"{len(regions)} regions: {sum(r.status == 'covered' for r in regions)} covered, "
        f"{n_unc} uncovered, {sum(r.status == 'no_institutions' for r in regions)} without "
        f"institutions; {len(dots)} institutions placed"
        + (f", {missing} without coordinates (not shown)" if missing else "")
    )
    footer = [_safe(c) for c in coverage.caveats]
    footer.append(_safe(provenance_line(coverage)))
    footer.append(f"{shapes_credit()} {projection.name}.")
    return MapModel(
        regions=regions,
        dots=dots,
        projection=projection,
        bounds=bounds,
        title=_safe(
            "Where GLAM institutions have no local Wikimedia affiliate: "
            + (coverage.region.label or coverage.region.qid)
        ),
        subtitle=subtitle,
        footer=footer,
        context=context,
        notes=notes,
    )


def key_line(r: MapRegion, width: int = 70, numbered: bool = True) -> str:
    """The key's line for an uncovered region: number, name, institutions, whom to contact.

    >>> key_line(MapRegion("Q211", "Latvia", "uncovered", 12, 24.0, 57.0,
    ...     contacts=(MapContact("WMEE", "Wikimedia Eesti"),), number=1))
    '1 Latvia (12) → WMEE Wikimedia Eesti'
    """
    c = r.contact
    who = f" → {c.code} {c.name}".rstrip() if c else " → no affiliate known"
    number = f"{r.number} " if numbered else ""
    return clip(f"{number}{r.label} ({r.institutions:,}){who}", width)
