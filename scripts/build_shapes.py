"""Build ``glamgraph/data/shapes.json.gz``: country outlines for the maps, keyed by Wikidata QID.

Source: Natural Earth admin-0 countries at 1:10m (public domain, version 5.1.1, Germany's point of
view), joined to Wikidata by the set's own ``WIKIDATAID`` column. The outlines are simplified
together with ``shapely.coverage_simplify`` (shared borders stay shared: no slivers or gaps
between neighbours), islands too small to see on a continent map are dropped (never a country's
largest part), exterior rings are made counter-clockwise (RFC 7946's right-hand rule) and
positions rounded to 0.01 degree. Countries Natural Earth has no unit for get a point from
``countries.csv`` (``points``); the maps draw those as a marker.

Build-time only: shapely and pyshp are needed here, never at run time.

Usage::

    python scripts/build_shapes.py --data DATA_DIR [--out glamgraph/data/shapes.json.gz]

where ``DATA_DIR/naturalearth/ne_10m_admin_0_countries_deu.zip`` is the Natural Earth set.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import io
import json
import sys
import zipfile
from pathlib import Path
from typing import Any

import shapefile  # pyshp
import shapely
from shapely.geometry import Polygon, shape
from shapely.geometry.polygon import orient
from shapely.ops import polylabel

ZIP_NAME = "ne_10m_admin_0_countries_deu.zip"
STEM = "ne_10m_admin_0_countries_deu"
TOLERANCE = 0.03  # degrees (~3 km): invisible on a continent map, keeps small states' outlines
MIN_PART_AREA = 0.004  # square degrees: smaller islands are dropped (never a country's largest)
DECIMALS = 2
#: Natural Earth's QID -> the QID Wikidata's country list uses for the same country.
ALIASES = {"Q23792": "Q219060"}  # Palestine


def read_features(zip_path: Path) -> list[tuple[dict[str, Any], Any]]:
    """(attributes, shapely geometry) for every record of the zipped shapefile."""
    with zipfile.ZipFile(zip_path) as zf:
        parts = {ext: io.BytesIO(zf.read(f"{STEM}.{ext}")) for ext in ("shp", "shx", "dbf")}
    reader = shapefile.Reader(shp=parts["shp"], shx=parts["shx"], dbf=parts["dbf"])
    out = []
    for rec in reader.shapeRecords():
        attrs = rec.record.as_dict()
        geom = shape(rec.shape.__geo_interface__)
        if not geom.is_valid:
            geom = shapely.make_valid(geom)
        out.append((attrs, geom))
    return out


def polygons_of(geom: Any) -> list[Polygon]:
    """The polygons of any geometry (collections flattened, lines and points dropped)."""
    if isinstance(geom, Polygon):
        return [geom]
    if hasattr(geom, "geoms"):
        return [p for g in geom.geoms for p in polygons_of(g)]
    return []


def rings(poly: Polygon) -> list[list[list[float]]]:
    """RFC 7946 rings (exterior counter-clockwise, holes clockwise), rounded, deduplicated."""
    poly = orient(poly, 1.0)
    out = []
    for ring in [poly.exterior, *poly.interiors]:
        pts: list[list[float]] = []
        for x, y in ring.coords:
            p = [round(x, DECIMALS), round(y, DECIMALS)]
            if not pts or pts[-1] != p:
                pts.append(p)
        if len(pts) >= 4 and pts[0] == pts[-1]:
            out.append(pts)
    return out


def build(data: Path) -> dict[str, Any]:
    """The shapes document: provenance and ``shapes`` = {QID: {name, iso, polygons}}."""
    zip_path = data / "naturalearth" / ZIP_NAME
    features = [(a, g) for a, g in read_features(zip_path) if str(a.get("WIKIDATAID", "")).strip()]
    simplified = shapely.coverage_simplify([g for _, g in features], TOLERANCE)
    shapes: dict[str, Any] = {}
    for (attrs, _), geom in zip(features, simplified, strict=True):
        qid = ALIASES.get(attrs["WIKIDATAID"].strip(), attrs["WIKIDATAID"].strip())
        polys = [p for p in polygons_of(geom) if not p.is_empty]
        if not polys:
            continue
        largest = max(polys, key=lambda p: p.area)
        kept = [p for p in polys if p is largest or p.area >= MIN_PART_AREA]
        polygons = [r for r in (rings(p) for p in kept) if r]
        if not polygons:
            continue
        iso = str(attrs.get("ISO_A2_EH") or attrs.get("ISO_A2") or "")
        # a point surely inside the largest part, for labels and pixel checks
        inside = polylabel(largest, tolerance=0.01)
        shapes[qid] = {
            "name": str(attrs.get("NAME_EN") or attrs.get("NAME") or ""),
            "iso": "" if iso == "-99" else iso,
            "label": [round(inside.x, DECIMALS), round(inside.y, DECIMALS)],
            "polygons": polygons,
        }
    # countries Natural Earth has no unit for: a point at their coordinates in countries.csv
    points: dict[str, Any] = {}
    countries = data / "countries.csv"
    if countries.is_file():
        with countries.open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                qid = row["qid"].strip()
                if qid in shapes or not row.get("lat") or not row.get("lon"):
                    continue
                points[qid] = {
                    "name": row.get("label_en", ""),
                    "iso": row.get("iso2", ""),
                    "point": [round(float(row["lon"]), 4), round(float(row["lat"]), 4)],
                }
    digest = hashlib.md5(zip_path.read_bytes(), usedforsecurity=False).hexdigest()
    return {
        "provenance": {
            "source": "Natural Earth admin-0 countries, 1:10m, version 5.1.1, Germany's point of "
            "view (disputed borders as Germany sees them)",
            "url": "https://www.naturalearthdata.com/downloads/10m-cultural-vectors/",
            "licence": "public domain (https://www.naturalearthdata.com/about/terms-of-use/)",
            "file": ZIP_NAME,
            "md5": digest,
            "join": "WIKIDATAID column of the set (Palestine Q23792 read as Q219060)",
            "simplification": f"shapely.coverage_simplify, tolerance {TOLERANCE} degrees; parts "
            f"under {MIN_PART_AREA} square degrees dropped; positions rounded to {DECIMALS} "
            "decimals; exterior rings counter-clockwise; label = polylabel of the largest part",
            "points": "countries without a Natural Earth unit: their coordinates from "
            "countries.csv (Natural Earth label points or Wikidata P625)",
            "built_by": "scripts/build_shapes.py",
        },
        "shapes": dict(sorted(shapes.items(), key=lambda kv: int(kv[0][1:]))),
        "points": dict(sorted(points.items(), key=lambda kv: int(kv[0][1:]))),
    }


def main(argv: list[str] | None = None) -> int:
    """Build the file; 2 when the Natural Earth set is missing."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, required=True, help="folder holding naturalearth/")
    default_out = Path(__file__).resolve().parent.parent / "glamgraph" / "data" / "shapes.json.gz"
    ap.add_argument("--out", type=Path, default=default_out)
    args = ap.parse_args(argv)
    if not (args.data / "naturalearth" / ZIP_NAME).is_file():
        print(f"build_shapes: no naturalearth/{ZIP_NAME} in {args.data}", file=sys.stderr)
        return 2
    doc = build(args.data)
    raw = json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    tmp = args.out.with_suffix(".tmp")
    # mtime=0: the same input gives the same bytes
    with open(tmp, "wb") as fh, gzip.GzipFile(fileobj=fh, mode="wb", mtime=0) as gz:
        gz.write(raw)
    tmp.replace(args.out)
    n = len(doc["shapes"])
    print(f"build_shapes: {n} countries, {args.out.stat().st_size} bytes -> {args.out.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
