"""The coverage map, drawn offline: ``map.png`` (or ``map.svg``) and ``map.html``.

A choropleth answers the tool's question at a glance: every unit region is filled by its state
(covered by a local Wikimedia affiliate, uncovered: GLAM institutions and no local affiliate, or no
institutions), institutions are dots on top (hexagonal bins past a few thousand), and every
uncovered region gets a number on the map and a line in the key naming the affiliate to contact.
Shapes are Natural Earth's countries shipped in the wheel (:mod:`glamgraph.export.map_geo`); a
region without a shape (a small state, a subdivision) is a marker at its coordinates. The world
is drawn in the Equal Earth projection, anything smaller in a Lambert azimuthal equal-area
projection centred on it. ``map.png`` is drawn with matplotlib's Agg backend; every text is drawn
as text (never parsed as mathtext). ``map.html`` (:mod:`glamgraph.export.map_html`) is the same
map to pan, zoom and hover, self-contained.

Example::

    from glamgraph.export import to_map
    to_map(coverage, "map.png")
    to_map(coverage, "map.html")
"""

from __future__ import annotations

import os
import textwrap
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

import numpy as np

from glamgraph.errors import BadInput
from glamgraph.export._common import (
    atomic_path,
    contact_rows,
    http_url,
    provenance_line,
    valid_coordinates,
    without_coordinates,
)
from glamgraph.export.cells import xml_safe
from glamgraph.export.map_geo import (
    Projection,
    Ring,
    centre_of,
    load_points,
    load_shapes,
    ring_area,
    shapes_credit,
)
from glamgraph.model import Coverage, CoverageRow, RegionStatus

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
    """Text fit for any output: no XML-forbidden characters, no line breaks."""
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

    seen: set[str] = set()
    dots: list[Dot] = []
    for c in contact_rows(coverage, all_regions=True):
        if c.institution in seen or not valid_coordinates(c.lat, c.lon):
            continue
        seen.add(c.institution)
        assert c.lon is not None and c.lat is not None
        dots.append(
            Dot(c.lon, c.lat, c.institution, _safe(c.label), _safe(c.region_label), c.covered)
        )

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


def _draw_png(model: MapModel, path: Path, fmt: str) -> None:
    from matplotlib import patheffects
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.collections import PolyCollection
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    proj = model.projection
    fig = Figure(figsize=(WIDTH / 100, HEIGHT / 100), dpi=100)
    FigureCanvasAgg(fig)
    x0, x1, y0, y1 = model.bounds
    # a wide map (the world) goes on top with the key below it; a compact one beside the key
    wide = (x1 - x0) / max(y1 - y0, 1e-9) > 1.6
    map_box = (0.01, 0.36, 0.98, 0.55) if wide else (0.01, 0.1, 0.66, 0.79)
    ax = fig.add_axes(map_box)
    ax.set_facecolor(SEA_COLOUR)
    ax.set_xticks([])
    ax.set_yticks([])
    for side in ax.spines.values():
        side.set_color("#bdbdbd")

    def project_ring(ring: Ring) -> np.ndarray:
        arr = np.asarray(ring, dtype=float)
        x, y = proj.forward(arr[:, 0], arr[:, 1])
        return np.column_stack([x, y])

    if model.context:
        rings = [project_ring(p[0]) for p in model.context]
        ax.add_collection(
            PolyCollection(
                rings, facecolors=CONTEXT_COLOUR, edgecolors="#bdbdbd", linewidths=0.4, zorder=1
            )
        )
    shaped = [r for r in model.regions if r.polygons]
    polys: list[tuple[float, np.ndarray, str]] = []
    for r in shaped:
        for poly in r.polygons:
            pr = project_ring(poly[0])
            area = float(np.ptp(pr[:, 0]) * np.ptp(pr[:, 1]))
            polys.append((area, pr, STATE_COLOURS[r.status]))
    polys.sort(key=lambda t: -t[0])  # small ones (enclaves) on top of large ones
    if polys:
        ax.add_collection(
            PolyCollection(
                [p[1] for p in polys],
                facecolors=[p[2] for p in polys],
                edgecolors=BORDER_COLOUR,
                linewidths=0.5,
                zorder=2,
            )
        )
    markers = [r for r in model.regions if not r.polygons and r.lon is not None]
    if markers:
        mx, my = proj.forward([r.lon for r in markers], [r.lat for r in markers])
        ax.scatter(
            mx,
            my,
            s=70,
            c=[STATE_COLOURS[r.status] for r in markers],
            edgecolors="#444444",
            linewidths=0.7,
            marker="s",
            zorder=3,
        )
    if model.dots:
        dx, dy = proj.forward([d.lon for d in model.dots], [d.lat for d in model.dots])
        if len(model.dots) > HEXBIN_FROM:
            x0, x1, _, _ = model.bounds
            hb = ax.hexbin(
                dx,
                dy,
                gridsize=int(70 * (x1 - x0) / max(1e-9, float(np.ptp(dx)) or (x1 - x0))) or 70,
                mincnt=1,
                bins="log",
                cmap="Purples",
                linewidths=0.2,
                edgecolors="#ffffff",
                alpha=0.9,
                zorder=4,
            )
            cax = fig.add_axes((0.03, map_box[1] + 0.015, 0.15, 0.012))
            bar = fig.colorbar(hb, cax=cax, orientation="horizontal")
            bar.ax.tick_params(labelsize=7)
            bar.set_label("institutions per hexagon", fontsize=7)
        else:
            ax.scatter(
                dx,
                dy,
                s=9 if len(model.dots) < 500 else 4,
                c=DOT_COLOUR,
                edgecolors="white",
                linewidths=0.3,
                zorder=4,
            )
    halo = [patheffects.withStroke(linewidth=2.5, foreground="white")]
    unc = model.uncovered
    # names where they fit inside the region's largest part (the numbers are always drawn)
    px = min(map_box[2] * WIDTH / (x1 - x0), map_box[3] * HEIGHT / (y1 - y0))
    name_size = 7.0
    for r in model.regions:
        if not r.polygons or r.lon is None or r.lat is None:
            continue
        main = max((p[0] for p in r.polygons), key=lambda ring: abs(ring_area(ring)))
        width = float(np.ptp(project_ring(main)[:, 0])) * px
        text = f"{r.number} {r.label}" if r.number else r.label
        if len(text) * name_size * 100 / 72 * 0.6 > 0.75 * width:
            continue
        x, y = proj.forward(r.lon, r.lat)
        ax.text(
            float(x),
            float(y),
            r.label,
            ha="center",
            va="top",
            fontsize=name_size,
            color="#7f2704" if r.number else "#303030",
            path_effects=halo,
            zorder=5,
            parse_math=False,
            clip_on=True,
        )
    for r in unc:
        if r.lon is None or r.lat is None:
            continue
        x, y = proj.forward(r.lon, r.lat)
        ax.annotate(
            str(r.number),
            (float(x), float(y)),
            xytext=(0, 5 if r.polygons else 9),  # above the name, or a marker
            textcoords="offset points",
            ha="center",
            va="center",
            fontsize=8 if len(unc) < 40 else 6.5,
            fontweight="bold",
            color="#7f2704",
            path_effects=halo,
            zorder=6,
            parse_math=False,
            clip_on=True,
        )
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect("equal")
    ax.set_anchor("N")

    # the legend: the three states with their counts, dots or bins, markers
    handles: list[object] = [
        Patch(
            facecolor=STATE_COLOURS[s],
            edgecolor="#888888",
            label=f"{STATE_NAMES[s]} ({model.count(s)})",
        )
        for s in ("covered", "uncovered", "no_institutions")
    ]
    if model.dots and len(model.dots) <= HEXBIN_FROM:
        handles.append(
            Line2D(
                [],
                [],
                marker="o",
                linestyle="",
                color=DOT_COLOUR,
                markersize=4,
                label=f"institution ({len(model.dots):,})",
            )
        )
    if markers:
        handles.append(
            Line2D(
                [],
                [],
                marker="s",
                linestyle="",
                markerfacecolor="#ffffff",
                markeredgecolor="#444444",
                markersize=7,
                label="region without a shipped shape (marker)",
            )
        )
    legend = fig.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(0.01, 0.345) if wide else (0.685, 0.89),
        fontsize=8,
        frameon=False,
        handlelength=1.5,
    )
    for t in legend.get_texts():
        t.set_parse_math(False)
    if wide:  # the key right of the legend, in up to three columns
        kx, ky, col_w, bottom, max_cols = 0.34, 0.345, 0.22, 0.09, 3
    else:
        kx, ky, col_w, bottom, max_cols = 0.69, 0.89 - 0.025 * (len(handles) + 1), 0.155, 0.1, 2
    fig.text(
        kx, ky, "Uncovered regions and whom to contact", fontsize=9, fontweight="bold", va="top"
    )
    lines = [key_line(r, 58) for r in unc] or ["none"]
    size = 8.0
    cols = 1
    while True:
        step = size * 1.4 / HEIGHT
        per_col = -(-len(lines) // cols)
        if ky - 0.03 - step * per_col >= bottom or (cols == max_cols and size <= 4.5):
            break
        if cols < max_cols:
            cols += 1
        else:
            size -= 0.5
    width = 58 if cols == 1 else int(col_w * WIDTH / (size * 100 / 72 * 0.6))
    for i, line in enumerate(lines):
        col, rowi = divmod(i, per_col)
        fig.text(
            kx + col * (col_w if cols > 1 else 0),
            ky - 0.03 - step * rowi,
            clip(line, width),
            fontsize=size,
            color="#333333",
            parse_math=False,
            va="top",
        )
    fig.text(0.01, 0.955, clip(model.title, 120), fontsize=13, fontweight="bold", parse_math=False)
    fig.text(0.01, 0.925, clip(model.subtitle, 170), fontsize=9, color="#444444", parse_math=False)
    notes = [*model.notes, *model.footer]
    text = "\n".join(line for n in notes for line in textwrap.wrap(n, 200)[:3])
    fig.text(0.01, 0.008, text, fontsize=6.5, color="#555555", parse_math=False, va="bottom")
    with warnings.catch_warnings():
        # Labels in scripts the default font lacks (CJK) draw as boxes rather than fail.
        warnings.filterwarnings("ignore", message=r"Glyph .* missing from (current )?font")
        warnings.filterwarnings("ignore", message=r"Matplotlib currently does not support")
        fig.savefig(path, format=fmt, metadata={"Software": None} if fmt == "png" else None)


def to_map(coverage: Coverage, path: str | os.PathLike[str]) -> int:
    """Write the coverage map; the suffix picks the format: ``.png``, ``.svg``, ``.html``.

    Args:
        coverage: the answer of :func:`glamgraph.coverage`.
        path: the file to write (replaced atomically).

    Returns:
        The number of institutions drawn.

    Raises:
        BadInput: the suffix is none of ``.html``, ``.htm``, ``.svg``, ``.png``.
        WriteError: the file could not be written.
    """
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in (".html", ".htm", ".svg", ".png"):
        raise BadInput(f"map format not supported: {target.name} (use .html, .svg or .png)")
    model = build_model(coverage)
    with atomic_path(target) as tmp:
        if suffix in (".png", ".svg"):
            _draw_png(model, tmp, suffix[1:])
        else:
            from glamgraph.export.map_html import render_html

            tmp.write_text(render_html(model), encoding="utf-8")
    return len(model.dots)
