"""The coverage map, drawn offline: ``map.html`` (inline SVG), ``map.svg`` or ``map.png``.

Institutions are dots, blue in covered regions and orange in uncovered ones (colours that stay
apart for colour-blind readers); unit regions are labelled at their coordinates, uncovered ones
in bold. The projection is equirectangular with longitudes scaled by the cosine of the middle
latitude, and shifted across the antimeridian when that makes the map narrower (Oceania).
There is no base map: nothing is fetched, and the HTML page forbids any request in its
Content-Security-Policy. ``map.png`` is drawn with matplotlib's Agg backend (no display);
browsers lay out right-to-left and CJK labels better, so ``map.html`` is the one to share.

>>> graticule_step(3.0), graticule_step(40.0), graticule_step(300.0)
(1, 5, 60)

Example::

    from glamgraph.export import to_map
    to_map(coverage, "map.html")
    to_map(coverage, "map.png")
"""

from __future__ import annotations

import html
import math
import os
import textwrap
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from glamgraph.errors import BadInput
from glamgraph.export._common import (
    atomic_path,
    contact_rows,
    provenance_line,
    valid_coordinates,
    wikidata_url,
    without_coordinates,
)
from glamgraph.model import Coverage

COVERED_COLOUR: Final = "#1f78b4"
UNCOVERED_COLOUR: Final = "#e66101"
LABEL_COLOUR: Final = "#222222"
UNCOVERED_LABEL_COLOUR: Final = "#8c2d04"
GRID_COLOUR: Final = "#d9d9d9"
COVERED_LEGEND: Final = "institution in a covered region"
UNCOVERED_LEGEND: Final = "institution in an uncovered region"
WIDTH: Final = 1000
MAX_PLOT_HEIGHT: Final = 550
_STEPS: Final = (1, 2, 5, 10, 15, 30, 60)


@dataclass(frozen=True)
class Dot:
    """One institution in one region, in map degrees (longitude possibly shifted by 360)."""

    x: float
    y: float
    covered: bool
    qid: str
    label: str
    region_label: str


@dataclass(frozen=True)
class RegionLabel:
    """A unit region's name at its coordinates."""

    x: float
    y: float
    text: str
    uncovered: bool
    institutions: int = 0


@dataclass
class MapModel:
    """What both renderers draw: dots, labels, bounds and the texts around the map."""

    dots: list[Dot]
    labels: list[RegionLabel]
    west: float
    east: float
    south: float
    north: float
    title: str
    subtitle: str
    footer: str
    covered_count: int = 0
    uncovered_count: int = 0

    @property
    def x_scale(self) -> float:
        """Horizontal stretch of a degree of longitude against one of latitude."""
        mid = math.radians((self.south + self.north) / 2)
        return max(0.2, math.cos(mid))


def graticule_step(span: float) -> int:
    """Degrees between grid lines for a map spanning ``span`` degrees (3 to 8 lines)."""
    for step in _STEPS:
        if span / step <= 8:
            return step
    return _STEPS[-1]


def place_labels(
    labels: list[RegionLabel], to_px: Callable[[float, float], tuple[float, float]], font: float
) -> list[RegionLabel]:
    """The labels that fit without overlapping, uncovered regions first, then the larger ones.

    Widths are estimated (0.6 em a character), which is enough to keep a world map readable.

    >>> a, b = RegionLabel(0, 0, "Latvia", True), RegionLabel(0, 0, "Estonia", False)
    >>> [lab.text for lab in place_labels([b, a], lambda x, y: (x, y), 12)]
    ['Latvia']
    """
    order = sorted(labels, key=lambda lab: (not lab.uncovered, -lab.institutions, lab.text))
    boxes: list[tuple[float, float, float, float]] = []
    kept: list[RegionLabel] = []
    for lab in order:
        x, y = to_px(lab.x, lab.y)
        half = len(lab.text) * font * 0.3 + 2
        box = (x - half, y - font, x + half, y + font * 0.3)
        if any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in boxes):
            continue
        boxes.append(box)
        kept.append(lab)
    return kept


def wrap(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` characters, broken at spaces.

    >>> wrap("a bb ccc dddd", 6)
    ['a bb', 'ccc', 'dddd']
    """
    return textwrap.wrap(text, width, break_long_words=True, break_on_hyphens=False) or [""]


def _shift(lons: list[float]) -> bool:
    """True when moving negative longitudes east by 360 makes the span smaller."""
    if not lons:
        return False
    span = max(lons) - min(lons)
    moved = [lon + 360 if lon < 0 else lon for lon in lons]
    return max(moved) - min(moved) + 1e-9 < span


def build_model(coverage: Coverage) -> MapModel:
    """Project the coverage for drawing (pure: no I/O)."""
    rows = contact_rows(coverage, all_regions=True)
    placed = [r for r in rows if r.lat is not None and r.lon is not None]
    region_rows = [r for r in coverage.rows if valid_coordinates(r.lat, r.lon)]
    lons = [float(r.lon) for r in placed if r.lon is not None]
    lons += [float(r.lon) for r in region_rows if r.lon is not None]
    shifted = _shift(lons)

    def x_of(lon: float) -> float:
        return lon + 360 if shifted and lon < 0 else lon

    dots = [
        Dot(x_of(float(r.lon)), float(r.lat), r.covered, r.institution, r.label, r.region_label)
        for r in placed
        if r.lat is not None and r.lon is not None
    ]
    # Covered first, so the uncovered dots (the point of the map) are drawn on top.
    dots.sort(key=lambda d: (not d.covered, d.qid))
    labels = [
        RegionLabel(
            x_of(float(r.lon)), float(r.lat), r.label or r.region, r.uncovered, r.institutions
        )
        for r in region_rows
        if r.lat is not None and r.lon is not None
    ]
    xs = [d.x for d in dots] + [lab.x for lab in labels]
    ys = [d.y for d in dots] + [lab.y for lab in labels]
    if not xs:
        xs, ys = [-180.0, 180.0], [-60.0, 80.0]
    west, east, south, north = min(xs), max(xs), min(ys), max(ys)
    pad_x = max(1.0, (east - west) * 0.05)
    pad_y = max(1.0, (north - south) * 0.05)
    west, east = west - pad_x, east + pad_x
    south, north = max(-90.0, south - pad_y), min(90.0, north + pad_y)

    covered = sum(1 for d in dots if d.covered)
    region = coverage.region
    n_unc = len(coverage.uncovered())
    missing = without_coordinates(coverage)
    subtitle = (
        f"{len(coverage.rows)} regions, {n_unc} without a local Wikimedia affiliate; "
        f"{len(dots)} institutions placed"
        + (f", {missing} without coordinates (not shown)" if missing else "")
    )
    return MapModel(
        dots=dots,
        labels=labels,
        west=west,
        east=east,
        south=south,
        north=north,
        title=f"GLAM institutions and Wikimedia affiliates: {region.label or region.qid}",
        subtitle=subtitle,
        footer=provenance_line(coverage),
        covered_count=covered,
        uncovered_count=len(dots) - covered,
    )


def _fmt(value: float) -> str:
    return f"{value:.1f}"


def render_svg(model: MapModel) -> str:
    """The map as a standalone SVG document (UTF-8 text)."""
    margin, top, bottom = 40, 84, 50
    span_x = (model.east - model.west) * model.x_scale
    span_y = model.north - model.south
    scale = min((WIDTH - 2 * margin) / span_x, MAX_PLOT_HEIGHT / span_y)
    plot_w, plot_h = span_x * scale, span_y * scale
    left = (WIDTH - plot_w) / 2
    footer = wrap(model.footer, 170)
    height = int(top + plot_h + bottom + 13 * (len(footer) - 1))

    def px(x: float) -> float:
        return left + (x - model.west) * model.x_scale * scale

    def py(y: float) -> float:
        return top + (model.north - y) * scale

    esc = html.escape
    out: list[str] = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" role="img" font-family="sans-serif">',
        f"<title>{esc(model.title)}</title>",
        f'<rect width="{WIDTH}" height="{height}" fill="#ffffff"/>',
        f'<rect x="{_fmt(left)}" y="{top}" width="{_fmt(plot_w)}" height="{_fmt(plot_h)}" '
        'fill="#f7fbff" stroke="#bdbdbd"/>',
    ]
    step = graticule_step(max(model.east - model.west, model.north - model.south))
    grid: list[str] = []
    lon = math.ceil(model.west / step) * step
    while lon <= model.east:
        x = px(lon)
        shown = ((lon + 180) % 360) - 180 if abs(lon) != 180 else lon
        grid.append(
            f'<line x1="{_fmt(x)}" y1="{top}" x2="{_fmt(x)}" y2="{_fmt(top + plot_h)}"/>'
            f'<text x="{_fmt(x)}" y="{_fmt(top + plot_h + 14)}" text-anchor="middle" '
            f'stroke="none" fill="#737373" font-size="10">{shown:g}°</text>'
        )
        lon += step
    lat = math.ceil(model.south / step) * step
    while lat <= model.north:
        y = py(lat)
        grid.append(
            f'<line x1="{_fmt(left)}" y1="{_fmt(y)}" x2="{_fmt(left + plot_w)}" y2="{_fmt(y)}"/>'
            f'<text x="{_fmt(left - 4)}" y="{_fmt(y + 3)}" text-anchor="end" stroke="none" '
            f'fill="#737373" font-size="10">{lat:g}°</text>'
        )
        lat += step
    out.append(f'<g stroke="{GRID_COLOUR}" stroke-width="0.6">{"".join(grid)}</g>')

    radius = 4.0 if len(model.dots) < 2000 else 2.5
    for cls, colour, wanted in (
        ("covered", COVERED_COLOUR, True),
        ("uncovered", UNCOVERED_COLOUR, False),
    ):
        out.append(f'<g class="{cls}" fill="{colour}" stroke="#ffffff" stroke-width="0.7">')
        for d in model.dots:
            if d.covered is wanted:
                tip = esc(f"{d.label or d.qid} ({d.qid}) · {d.region_label}")
                out.append(
                    f'<a href="{esc(wikidata_url(d.qid))}"><circle cx="{_fmt(px(d.x))}" '
                    f'cy="{_fmt(py(d.y))}" r="{radius}"><title>{tip}</title></circle></a>'
                )
        out.append("</g>")

    font = 12 if len(model.labels) <= 60 else 10
    labels = place_labels(model.labels, lambda x, y: (px(x), py(y)), font)
    out.append(
        f'<g font-size="{font}" text-anchor="middle" paint-order="stroke" stroke="#ffffff" '
        'stroke-width="3" stroke-linejoin="round">'
    )
    for lab in labels:
        weight = ' font-weight="bold"' if lab.uncovered else ""
        colour = UNCOVERED_LABEL_COLOUR if lab.uncovered else LABEL_COLOUR
        out.append(
            f'<text x="{_fmt(px(lab.x))}" y="{_fmt(py(lab.y))}" fill="{colour}"{weight} '
            f'dir="auto" unicode-bidi="plaintext">{esc(lab.text)}</text>'
        )
    out.append("</g>")

    out.append(
        f'<text x="{margin}" y="26" font-size="18" font-weight="bold" fill="#222">'
        f"{esc(model.title)}</text>"
        f'<text x="{margin}" y="46" font-size="12" fill="#444">{esc(model.subtitle)}</text>'
    )
    lx = margin + 5
    out.append(
        f'<g font-size="12" fill="#222"><circle cx="{lx}" cy="62" r="5" fill="{COVERED_COLOUR}"/>'
        f'<text x="{lx + 9}" y="66">{esc(COVERED_LEGEND)} ({model.covered_count})</text>'
        f'<circle cx="{lx + 300}" cy="62" r="5" fill="{UNCOVERED_COLOUR}"/>'
        f'<text x="{lx + 309}" y="66">{esc(UNCOVERED_LEGEND)} ({model.uncovered_count})</text></g>'
    )
    for i, line in enumerate(footer):
        out.append(
            f'<text x="{margin}" y="{top + plot_h + 32 + 13 * i}" font-size="10" fill="#555">'
            f"{esc(line)}</text>"
        )
    out.append("</svg>")
    return "\n".join(out)


def render_html(model: MapModel) -> str:
    """A self-contained HTML page around :func:`render_svg`: no script, no external resource."""
    esc = html.escape
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta http-equiv="Content-Security-Policy" '
        "content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{esc(model.title)}</title>\n"
        "<style>body{margin:0;background:#fff;font-family:sans-serif}"
        "svg{display:block;max-width:100%;height:auto}</style>\n"
        "</head>\n<body>\n"
        f"{render_svg(model)}\n"
        "</body>\n</html>\n"
    )


def _render_png(model: MapModel, path: Path) -> None:
    from matplotlib import patheffects
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(10, 7), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0.06, 0.08, 0.9, 0.77))
    ax.set_facecolor("#f7fbff")
    for covered, colour, name in (
        (True, COVERED_COLOUR, f"{COVERED_LEGEND} ({model.covered_count})"),
        (False, UNCOVERED_COLOUR, f"{UNCOVERED_LEGEND} ({model.uncovered_count})"),
    ):
        dots = [d for d in model.dots if d.covered is covered]
        ax.scatter(
            [d.x for d in dots],
            [d.y for d in dots],
            s=16 if len(model.dots) < 2000 else 6,
            c=colour,
            edgecolors="white",
            linewidths=0.5,
            label=name,
            zorder=2 if covered else 3,
        )
    halo = [patheffects.withStroke(linewidth=3, foreground="white")]
    size = 9 if len(model.labels) <= 60 else 7
    span_x = (model.east - model.west) * model.x_scale
    scale = min(900 / span_x, 540 / (model.north - model.south))  # pixels a degree, roughly

    def to_px(x: float, y: float) -> tuple[float, float]:
        return ((x - model.west) * model.x_scale * scale, (model.north - y) * scale)

    for lab in place_labels(model.labels, to_px, size * 100 / 72):
        ax.text(
            lab.x,
            lab.y,
            lab.text,
            ha="center",
            va="center",
            fontsize=size,
            fontweight="bold" if lab.uncovered else "normal",
            color=UNCOVERED_LABEL_COLOUR if lab.uncovered else LABEL_COLOUR,
            path_effects=halo,
            zorder=4,
        )
    ax.set_xlim(model.west, model.east)
    ax.set_ylim(model.south, model.north)
    ax.set_aspect(1 / model.x_scale)
    ax.grid(color=GRID_COLOUR, linewidth=0.6, zorder=0)
    fig.legend(
        loc="upper left",
        fontsize=9,
        frameon=False,
        ncol=2,
        markerscale=2,
        bbox_to_anchor=(0.03, 0.92),
    )
    fig.text(0.04, 0.955, model.title, fontsize=13, fontweight="bold")
    fig.text(0.04, 0.925, model.subtitle, fontsize=9, color="#444444")
    fig.text(0.04, 0.012, "\n".join(wrap(model.footer, 190)), fontsize=7, color="#555555")
    with warnings.catch_warnings():
        # Labels in scripts the default font lacks (CJK) draw as boxes rather than fail.
        warnings.filterwarnings("ignore", message=r"Glyph .* missing from (current )?font")
        warnings.filterwarnings("ignore", message=r"Matplotlib currently does not support")
        fig.savefig(path, format="png", metadata={"Software": None})


def to_map(coverage: Coverage, path: str | os.PathLike[str]) -> int:
    """Write the coverage map; the suffix picks the format: ``.html``, ``.svg`` or ``.png``.

    Args:
        coverage: the answer of :func:`glamgraph.coverage`.
        path: the file to write (replaced atomically).

    Returns:
        The number of institution dots drawn.

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
        if suffix == ".png":
            _render_png(model, tmp)
        elif suffix == ".svg":
            svg = '<?xml version="1.0" encoding="UTF-8"?>\n' + render_svg(model) + "\n"
            tmp.write_text(svg, encoding="utf-8")
        else:
            tmp.write_text(render_html(model), encoding="utf-8")
    return len(model.dots)
