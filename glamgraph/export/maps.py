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
from pathlib import Path

import numpy as np

from glamgraph.errors import BadInput
from glamgraph.export.common import (
    atomic_path,
)
from glamgraph.export.map_geo import (
    Ring,
    ring_area,
)
from glamgraph.export.map_html import render_html
from glamgraph.export.map_model import (
    BORDER_COLOUR,
    CONTEXT_COLOUR,
    DOT_COLOUR,
    HEIGHT,
    HEXBIN_FROM,
    SEA_COLOUR,
    STATE_COLOURS,
    STATE_NAMES,
    WIDTH,
    MapModel,
    clip,
    key_line,
    map_model,
)
from glamgraph.model import Coverage


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
    notes = [*model.notes, *model.footer]
    footer = "\n".join(line for n in notes for line in textwrap.wrap(n, 200)[:3])
    # the footer's lines (6.5 pt, ~11 px each) stay clear of the map
    low = max(0.1, 0.02 + 0.0135 * (footer.count("\n") + 1))
    map_box = (0.01, 0.36, 0.98, 0.55) if wide else (0.01, low, 0.66, 0.89 - low)
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
    fig.text(0.01, 0.008, footer, fontsize=6.5, color="#555555", parse_math=False, va="bottom")
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
    model = map_model(coverage)
    with atomic_path(target) as tmp:
        if suffix in (".png", ".svg"):
            _draw_png(model, tmp, suffix[1:])
        else:
            tmp.write_text(render_html(model), encoding="utf-8")
    return len(model.dots)
