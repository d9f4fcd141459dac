"""GeoJSON (RFC 7946) of a coverage answer: ``regions.geojson`` and ``institutions.geojson``.

``regions.geojson`` has one feature per unit region: its shipped country shape (Polygon or
MultiPolygon: Natural Earth, already cut at the antimeridian, exterior rings counter-clockwise)
or, where none is shipped, a Point at its Wikidata coordinates (else at the coordinates shipped
for it; ``null`` geometry when there are none), with properties ``region``, ``label``, ``iso``, ``kind``, ``status``, ``uncovered``,
``institutions``, ``types`` (counts per GLAM root), ``affiliates``, ``contact`` (code, name,
Meta-Wiki page, channel and its source), ``nearest_affiliate``, ``hops``, ``distance_km`` and
``geometry_source``.

``institutions.geojson`` has one Point feature per (institution, unit region), properties
``region``, ``region_label``, ``qid``, ``label``, ``type``, ``covered``, ``affiliate``.
Institutions without (valid) coordinates get no feature; the ``metadata`` member counts them.

Positions are ``[lon, lat]`` rounded to 5 decimals (the shapes' own are rounded to 2).

>>> point(2.337644, 48.860611)
{'type': 'Point', 'coordinates': [2.33764, 48.86061]}

Example::

    from glamgraph.export import to_geojson, to_institutions_geojson
    to_geojson(coverage, "regions.geojson")  # open it in QGIS, geojson.io, uMap...
    to_institutions_geojson(coverage, "institutions.geojson")
"""

from __future__ import annotations

import json
import os
from typing import Any

from glamgraph.export.common import (
    COORD_DECIMALS,
    atomic_path,
    contact_of,
    first_type,
    machine_order,
    provenance_meta,
    region_members,
    rounded,
    valid_coordinates,
    without_coordinates,
)
from glamgraph.export.map_geo import load_points, load_shapes, shapes_provenance
from glamgraph.model import Coverage, CoverageRow


def point(lon: float, lat: float) -> dict[str, Any]:
    """An RFC 7946 Point: longitude first, rounded to 5 decimals."""
    return {
        "type": "Point",
        "coordinates": [rounded(lon, COORD_DECIMALS), rounded(lat, COORD_DECIMALS)],
    }


def feature_collection(coverage: Coverage) -> dict[str, Any]:
    """``institutions.geojson`` as a dict: the institutions with coordinates as Points."""
    features: list[dict[str, Any]] = []
    append = features.append
    # the institutions of every region's contact rows with valid coordinates, in their order
    # (without making the contact rows: the contacts files may be written by another process)
    for row, insts in region_members(coverage, machine_order(coverage.rows)):
        region, region_label = row.region, row.label
        covered, affiliate = not row.uncovered, contact_of(row)
        for inst in insts:
            lat, lon = inst.lat, inst.lon
            if lat is None or lon is None or not valid_coordinates(lat, lon):
                continue
            kind, kind_label = first_type(inst)
            append(
                {
                    "type": "Feature",
                    "id": f"{inst.qid}/{region}",
                    "geometry": {
                        "type": "Point",
                        # what point() gives: rounded, -0.0 as 0.0
                        "coordinates": [
                            round(lon, COORD_DECIMALS) + 0.0,
                            round(lat, COORD_DECIMALS) + 0.0,
                        ],
                    },
                    "properties": {
                        "region": region,
                        "region_label": region_label,
                        "qid": inst.qid,
                        "label": inst.label,
                        "type": kind,
                        "type_label": kind_label,
                        "covered": covered,
                        "affiliate": affiliate,
                    },
                }
            )
    meta = provenance_meta(coverage)
    meta["features"] = len(features)
    meta["institutions_without_coordinates"] = without_coordinates(coverage)
    meta["regions"] = len(coverage.rows)
    meta["uncovered_regions"] = len(coverage.uncovered())
    return {"type": "FeatureCollection", "metadata": meta, "features": features}


def _contact(row: CoverageRow, coverage: Coverage) -> dict[str, str] | None:
    if row.contacts:
        c = row.contacts[0]
        return {
            "code": c.code,
            "name": c.name,
            "page": c.page,
            "channel": c.channel,
            "channel_source": c.channel_source,
        }
    code = row.affiliates[0] if row.affiliates else (row.nearest_affiliate or row.contact or "")
    if not code:
        return None
    aff = next((a for a in coverage.affiliates if a.code == code), None)
    return {
        "code": code,
        "name": aff.name if aff else "",
        "page": aff.page if aff else "",
        "channel": aff.contact if aff else "",
        "channel_source": "module" if aff and aff.contact else "",
    }


def region_geometry(row: CoverageRow) -> tuple[dict[str, Any] | None, str]:
    """The region's RFC 7946 geometry and where it comes from (shape, coordinates or none)."""
    shape = None if row.kind == "subdivision" else load_shapes().get(row.region)
    if shape is not None:
        # the shapes' rings are lists of [lon, lat] lists already (shared, never modified)
        polys = [list(poly) for poly in shape.polygons]
        if len(polys) == 1:
            return {"type": "Polygon", "coordinates": polys[0]}, "naturalearth"
        return {"type": "MultiPolygon", "coordinates": polys}, "naturalearth"
    if valid_coordinates(row.lat, row.lon):
        assert row.lat is not None and row.lon is not None
        return point(row.lon, row.lat), "wikidata-coordinates"
    shipped = None if row.kind == "subdivision" else load_points().get(row.region)
    if shipped is not None:
        return point(*shipped), "shipped-point"
    return None, "none"


def regions_collection(coverage: Coverage) -> dict[str, Any]:
    """``regions.geojson`` as a dict: one feature per unit region (see the module docstring)."""
    features = []
    for row in coverage.rows:
        geometry, source = region_geometry(row)
        features.append(
            {
                "type": "Feature",
                "id": row.region,
                "geometry": geometry,
                "properties": {
                    "region": row.region,
                    "label": row.label,
                    "iso": row.iso,
                    "kind": row.kind,
                    "status": row.status,
                    "uncovered": row.uncovered,
                    "institutions": row.institutions,
                    "types": dict(row.type_counts),
                    "affiliates": list(row.affiliates),
                    "contact": _contact(row, coverage),
                    "nearest_affiliate": row.nearest_affiliate,
                    "hops": row.hops,
                    "distance_km": row.distance_km,
                    "geometry_source": source,
                },
            }
        )
    meta = provenance_meta(coverage)
    meta["features"] = len(features)
    meta["uncovered_regions"] = len(coverage.uncovered())
    meta["caveats"] = list(coverage.caveats)
    meta["shapes"] = shapes_provenance()
    return {"type": "FeatureCollection", "metadata": meta, "features": features}


def dumps(doc: dict[str, Any]) -> bytes:
    """``doc`` as compact UTF-8 JSON and a newline: orjson (4x the standard library's C encoder
    on 87k points), or :func:`json.dumps` for what orjson refuses (e.g. an unpaired surrogate,
    which then fails the same way as before).

    >>> dumps({"a": [1.5, None, "Q1"]}).rstrip()
    b'{"a":[1.5,null,"Q1"]}'
    """
    import orjson

    try:
        return orjson.dumps(doc) + b"\n"
    except (orjson.JSONEncodeError, TypeError):
        text = json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + "\n"
        return text.encode("utf-8")


def _write(doc: dict[str, Any], path: str | os.PathLike[str]) -> int:
    with atomic_path(path) as tmp:
        tmp.write_bytes(dumps(doc))
    return len(doc["features"])


def to_geojson(coverage: Coverage, path: str | os.PathLike[str]) -> int:
    """Write ``regions.geojson``: one (Multi)Polygon or Point feature per unit region.

    Args:
        coverage: the answer of :func:`glamgraph.coverage`.
        path: the file to write (replaced atomically).

    Returns:
        The number of features written.

    Raises:
        WriteError: the file could not be written.
    """
    return _write(regions_collection(coverage), path)


def to_institutions_geojson(coverage: Coverage, path: str | os.PathLike[str]) -> int:
    """Write ``institutions.geojson``: the institutions with coordinates, as Points.

    Args:
        coverage: the answer of :func:`glamgraph.coverage`.
        path: the file to write (replaced atomically).

    Returns:
        The number of features written.

    Raises:
        WriteError: the file could not be written.
    """
    return _write(feature_collection(coverage), path)
