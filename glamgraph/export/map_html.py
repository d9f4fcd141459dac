"""``map.html``: the coverage map to pan, zoom and hover, in one self-contained file.

Drawn with Leaflet (BSD-2-Clause, vendored in ``glamgraph/data/leaflet/`` by
``scripts/vendor_leaflet.py``): a GeoJSON-like layer of the projected shapes in Leaflet's plain
``CRS.Simple`` (no tile layer, no base map), institutions as circle markers on a canvas. Hover or
tap a region for its name, state, counts by type and the affiliate to contact (with its Meta-Wiki
link); an institution for its label and its Wikidata link. ``#region=Q211`` in the address zooms
to a region. Leaflet, the page's script, its style and the data are inline; the
Content-Security-Policy allows only those two scripts (by hash) and nothing remote, so the page
works from ``file://`` and fetches nothing. Every text reaches the page as JSON data and is put
into the page with ``textContent``, never as HTML; links are only https links to Meta-Wiki and
Wikidata.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import html
import itertools
import json
from importlib import resources
from typing import Any, Final

import numpy as np

from glamgraph.export.cells import xml_safe
from glamgraph.export.common import wikidata_url
from glamgraph.export.map_geo import Projection, Ring
from glamgraph.export.map_model import (
    CONTEXT_COLOUR,
    DOT_COLOUR,
    STATE_COLOURS,
    STATE_NAMES,
    MapModel,
    key_line,
)

#: Past this many institutions the page bins them in squares (a count each) to stay fast.
BIN_FROM: Final = 20000
SCALE: Final = 1000.0  # projected units to Leaflet's plain coordinates
ALLOWED_LINKS: Final = ("https://meta.wikimedia.org/", "https://www.wikidata.org/")

_STYLE: Final = """
html,body{margin:0;height:100%;font-family:sans-serif;background:#fff}
#map{position:absolute;inset:0;background:#fff}
.panel{position:absolute;z-index:1000;background:rgba(255,255,255,.93);padding:6px 9px;
 font-size:12px;border:1px solid #ccc;border-radius:4px;max-width:330px}
#head{top:6px;left:50px}#head h1{font-size:15px;margin:0 0 2px}
#legend{top:6px;right:6px}#legend i{display:inline-block;width:12px;height:12px;
 margin-right:5px;vertical-align:-2px;border:1px solid #888}
#key{bottom:28px;right:6px;max-height:35%;overflow:auto}
#key ol{margin:2px 0;padding-left:22px}
#foot{bottom:0;left:0;right:0;max-width:none;font-size:10px;color:#555;border:0;
 border-radius:0;padding:2px 6px}
.leaflet-tooltip{white-space:normal;max-width:320px}
"""

_SCRIPT: Final = r"""
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('map-data').textContent);
  var map = L.map('map', {crs: L.CRS.Simple, minZoom: -6, maxZoom: 10, zoomSnap: 0.25,
    attributionControl: false});
  map.fitBounds(data.bounds, {animate: false});
  // institutions above the regions: their own pane over the overlay pane
  map.createPane('points').style.zIndex = 450;
  var canvas = L.canvas({padding: 0.5, pane: 'points'});
  function el(tag, text, parent) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (parent) parent.appendChild(e);
    return e;
  }
  function link(url, text, parent) {
    var ok = data.allowed.some(function (p) { return url.indexOf(p) === 0; });
    if (!ok) return el('span', text, parent);
    var a = el('a', text, parent); a.href = url; a.target = '_blank'; a.rel = 'noopener';
    return a;
  }
  function regionTip(r) {
    var d = el('div');
    el('b', r.label, d);
    el('div', data.states[r.status] + ' · ' + r.institutions.toLocaleString() + ' institutions', d);
    if (r.types.length) {
      el('div', r.types.map(function (t) { return t[0] + ' ' + t[1]; }).join(', '), d);
    }
    r.contacts.forEach(function (c) {
      var line = el('div', (r.status === 'covered' ? 'Affiliate: ' : 'Contact: '), d);
      if (c.page) link(c.page, c.code + ' ' + c.name, line); else el('span', c.code + ' ' + c.name, line);
      if (c.channel) el('div', c.channel, d);
    });
    link(r.wikidata, r.qid, el('div', '', d));
    return d;
  }
  function instTip(p) {
    var d = el('div');
    el('b', p[3] || p[2], d);
    el('div', p[4], d);
    link(data.wikidata + p[2], p[2], el('div', '', d));
    return d;
  }
  function bind(layer, make) {
    layer.bindTooltip(function () { return make(); }, {sticky: true});
    layer.bindPopup(function () { return make(); });
  }
  var byQid = {};
  data.context.forEach(function (rings) {
    L.polygon(rings, {stroke: true, color: '#bdbdbd', weight: 0.6, fillColor: data.contextColour,
      fillOpacity: 1, interactive: false}).addTo(map);
  });
  data.regions.forEach(function (r) {
    var colour = data.colours[r.status];
    var layer;
    if (r.polygons.length) {
      layer = L.polygon(r.polygons, {color: '#ffffff', weight: 0.8, fillColor: colour,
        fillOpacity: 1});
    } else if (r.point) {
      layer = L.circleMarker(r.point, {radius: 7, color: '#444', weight: 1, fillColor: colour,
        fillOpacity: 1});
    } else { return; }
    layer.addTo(map);
    bind(layer, function () { return regionTip(r); });
    layer.focus = r.focus;
    byQid[r.qid] = layer;
    if (r.number && r.point) {
      L.tooltip({permanent: true, direction: 'center', className: 'num', interactive: false})
        .setLatLng(r.point).setContent(String(r.number)).addTo(map);
    }
  });
  data.points.forEach(function (p) {
    var m = L.circleMarker([p[1], p[0]], {renderer: canvas, radius: 3, weight: 0.5,
      color: '#fff', fillColor: data.dotColour, fillOpacity: 0.9});
    bind(m, function () { return instTip(p); });
    m.addTo(map);
  });
  data.bins.forEach(function (b) {
    var m = L.circleMarker([b[1], b[0]], {renderer: canvas, radius: 3 + Math.log(b[2]) * 1.5,
      weight: 0.5, color: '#fff', fillColor: data.dotColour, fillOpacity: 0.6});
    m.bindTooltip(b[2].toLocaleString() + ' institutions', {sticky: true});
    m.addTo(map);
  });
  var key = document.getElementById('key-list');
  data.regions.filter(function (r) { return r.number; })
    .sort(function (a, b) { return a.number - b.number; })
    .forEach(function (r) {
      var li = el('li', r.keyLine, key);
      li.style.cursor = 'pointer';
      li.addEventListener('click', function () { focus(r.qid); });
    });
  function focus(qid) {
    var layer = byQid[qid];
    if (!layer) return false;
    if (layer.focus) map.fitBounds(layer.focus, {animate: false, maxZoom: 8});
    else map.setView(layer.getLatLng(), 6, {animate: false});
    return true;
  }
  var m = /region=(Q[0-9]+)/.exec(window.location.hash);
  if (m) focus(m[1]);
  window.addEventListener('hashchange', function () {
    var h = /region=(Q[0-9]+)/.exec(window.location.hash);
    if (h) focus(h[1]);
  });
})();
"""

_NUM_STYLE: Final = (
    ".num{background:transparent;border:0;box-shadow:none;font-weight:bold;color:#7f2704;"
    "text-shadow:0 0 3px #fff,0 0 3px #fff;padding:0}.num:before{display:none}"
)


@functools.cache
def _leaflet() -> tuple[str, str]:
    base = resources.files("glamgraph") / "data" / "leaflet"
    return (
        (base / "leaflet.js").read_text(encoding="utf-8"),
        (base / "leaflet.css").read_text(encoding="utf-8"),
    )


def _json_for_script(value: Any) -> str:
    """JSON safe inside ``<script type="application/json">``: no ``<``, ``>``, ``&``, U+2028/9.

    >>> _json_for_script({"a": "</script><b>&"})
    '{"a":"\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e\\\\u0026"}'
    """
    import orjson

    try:  # orjson: a world's page data in 0.03 s instead of 0.25 s
        text = orjson.dumps(value).decode("utf-8")
    except (orjson.JSONEncodeError, TypeError):  # e.g. a lone surrogate: as the standard library
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for ch, esc in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(ch, esc)
    return text


def _csp_hash(script: str) -> str:
    return (
        "'sha256-"
        + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode()
        + "'"
    )


def _link(url: str) -> str:
    return url if url.startswith(ALLOWED_LINKS) else ""


def _focus(polygons: list[list[list[list[float]]]]) -> list[list[float]] | None:
    """The bounds of a region's largest part (France without its overseas parts)."""
    best: list[list[float]] | None = None
    best_area = -1.0
    for poly in polygons:
        pts = np.asarray(poly[0])
        lo, hi = pts.min(axis=0), pts.max(axis=0)
        area = float((hi[0] - lo[0]) * (hi[1] - lo[1]))
        if area > best_area:
            best_area, best = area, [lo.tolist(), hi.tolist()]
    return best


def _latlngs(proj: Projection, rings: list[Ring]) -> list[list[list[float]]]:
    """Each ring projected to Leaflet ``[y, x]`` pairs (scaled, rounded to 0.1)."""
    if not rings:
        return []
    flat = np.array(list(itertools.chain.from_iterable(rings)), dtype=float).reshape(-1, 2)
    x, y = proj.forward(flat[:, 0], flat[:, 1])
    pairs: list[list[float]] = np.round(np.column_stack([y, x]) * SCALE, 1).tolist()
    out = []
    start = 0
    for ring in rings:
        out.append(pairs[start : start + len(ring)])
        start += len(ring)
    return out


def page_data(model: MapModel) -> dict[str, Any]:
    """The data the page's script draws: projected coordinates as Leaflet ``[y, x]`` pairs."""
    proj = model.projection
    # every ring of the regions and of the context, projected in one go (element by element
    # the very numbers of one projection per ring, without ~3,000 small numpy calls)
    rings = [ring for r in model.regions for poly in r.polygons for ring in poly]
    rings += [ring for poly in model.context for ring in poly]
    projected = iter(_latlngs(proj, rings))

    regions = []
    for r in model.regions:
        polygons = [[next(projected) for _ in poly] for poly in r.polygons]
        point = None
        if r.lon is not None and r.lat is not None:
            x, y = proj.forward(r.lon, r.lat)
            point = [round(float(y) * SCALE, 2), round(float(x) * SCALE, 2)]
        regions.append(
            {
                "qid": r.qid,
                "label": r.label,
                "status": r.status,
                "institutions": r.institutions,
                "types": [[xml_safe(k), n] for k, n in r.type_counts],
                "contacts": [
                    {
                        "code": xml_safe(c.code),
                        "name": xml_safe(c.name),
                        "page": _link(c.page),
                        "channel": xml_safe(c.channel),
                    }
                    for c in r.contacts
                ],
                "polygons": polygons,
                "point": point,
                "number": r.number,
                "keyLine": key_line(r, 90, numbered=False) if r.number else "",
                "focus": _focus(polygons),
                "wikidata": wikidata_url(r.qid),
            }
        )
    points: list[list[Any]] = []
    bins: list[list[float]] = []
    if model.dots:
        px, py = proj.forward([d.lon for d in model.dots], [d.lat for d in model.dots])
        # Python floats (the same values): arithmetic on numpy scalars one by one is ~10x slower
        dx: list[float] = px.tolist()
        dy: list[float] = py.tolist()
        if len(model.dots) <= BIN_FROM:
            points = [
                [
                    round(px_ * SCALE, 2),
                    round(py_ * SCALE, 2),
                    d.qid,
                    d.label,
                    d.region_label,
                ]
                for d, px_, py_ in zip(model.dots, dx, dy, strict=True)
            ]
        else:
            x0, x1, _, _ = model.bounds
            size = (x1 - x0) / 150
            cells: dict[tuple[int, int], list[float]] = {}
            for bx, by in zip(dx, dy, strict=True):
                c = cells.setdefault((int(bx // size), int(by // size)), [0.0, 0.0, 0.0])
                c[0] += bx
                c[1] += by
                c[2] += 1
            bins = [
                [round(c[0] / c[2] * SCALE, 2), round(c[1] / c[2] * SCALE, 2), int(c[2])]
                for c in cells.values()
            ]
    x0, x1, y0, y1 = model.bounds
    return {
        "regions": regions,
        "context": [[next(projected) for _ in poly] for poly in model.context],
        "points": points,
        "bins": bins,
        "bounds": [[y0 * SCALE, x0 * SCALE], [y1 * SCALE, x1 * SCALE]],
        "colours": STATE_COLOURS,
        "states": STATE_NAMES,
        "contextColour": CONTEXT_COLOUR,
        "dotColour": DOT_COLOUR,
        "wikidata": "https://www.wikidata.org/wiki/",
        "allowed": list(ALLOWED_LINKS),
    }


def render_html(model: MapModel) -> str:
    """The self-contained page (UTF-8 text)."""
    js, css = _leaflet()
    esc = html.escape
    csp = (
        "default-src 'none'; "
        f"script-src {_csp_hash(js)} {_csp_hash(_SCRIPT)}; "
        "style-src 'unsafe-inline'; img-src 'none'; connect-src 'none'; "
        "form-action 'none'; base-uri 'none'"
    )
    legend = "".join(
        f'<div><i style="background:{STATE_COLOURS[s]}"></i>{esc(STATE_NAMES[s])} '
        f"({model.count(s)})</div>"
        for s in ("covered", "uncovered", "no_institutions")
    )
    if model.dots:
        legend += (
            f'<div><i style="background:{DOT_COLOUR};border-radius:6px"></i>'
            f"institution ({len(model.dots):,})</div>"
        )
    foot = " · ".join(esc(line) for line in [*model.notes, *model.footer])
    foot += " · Map drawn with Leaflet (BSD-2-Clause)."
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{esc(csp, quote=False)}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{esc(model.title)}</title>\n"
        f"<style>{css}\n{_STYLE}{_NUM_STYLE}</style>\n"
        "</head>\n<body>\n"
        '<div id="map"></div>\n'
        f'<div id="head" class="panel"><h1>{esc(model.title)}</h1>'
        f"<div>{esc(model.subtitle)}</div></div>\n"
        f'<div id="legend" class="panel">{legend}</div>\n'
        '<div id="key" class="panel"><b>Uncovered regions and whom to contact</b>'
        '<ol id="key-list"></ol></div>\n'
        f'<div id="foot" class="panel">{foot}</div>\n'
        f'<script type="application/json" id="map-data">{_json_for_script(page_data(model))}'
        "</script>\n"
        f"<script>{js}</script>\n"
        f"<script>{_SCRIPT}</script>\n"
        "</body>\n</html>\n"
    )
