"""``regions.geojson``: the institutions with coordinates, as an RFC 7946 FeatureCollection.

One Point feature per (institution, unit region), positions ``[lon, lat]`` rounded to 5
decimals, properties ``region``, ``region_label``, ``qid``, ``label``, ``type``, ``covered``,
``affiliate``. Institutions without (valid) coordinates get no feature; the ``metadata`` member
counts them and names the endpoint, the date and the queries. Every region is included:
``covered`` tells them apart.

>>> point(2.337644, 48.860611)
{'type': 'Point', 'coordinates': [2.33764, 48.86061]}

Example::

    from glamgraph.export import to_geojson
    to_geojson(coverage, "regions.geojson")  # open it in QGIS, geojson.io, uMap...
"""

from __future__ import annotations

import json
import os
from typing import Any

from glamgraph.export._common import (
    COORD_DECIMALS,
    atomic_path,
    contact_rows,
    provenance_meta,
    rounded,
    without_coordinates,
)
from glamgraph.model import Coverage


def point(lon: float, lat: float) -> dict[str, Any]:
    """An RFC 7946 Point: longitude first, rounded to 5 decimals."""
    return {
        "type": "Point",
        "coordinates": [rounded(lon, COORD_DECIMALS), rounded(lat, COORD_DECIMALS)],
    }


def feature_collection(coverage: Coverage) -> dict[str, Any]:
    """The GeoJSON document as a dict (see the module docstring)."""
    features: list[dict[str, Any]] = []
    for row in contact_rows(coverage, all_regions=True):
        if row.lat is None or row.lon is None:
            continue
        features.append(
            {
                "type": "Feature",
                "id": f"{row.institution}/{row.region}",
                "geometry": point(row.lon, row.lat),
                "properties": {
                    "region": row.region,
                    "region_label": row.region_label,
                    "qid": row.institution,
                    "label": row.label,
                    "type": row.type,
                    "type_label": row.type_label,
                    "covered": row.covered,
                    "affiliate": row.affiliate,
                },
            }
        )
    meta = provenance_meta(coverage)
    meta["features"] = len(features)
    meta["institutions_without_coordinates"] = without_coordinates(coverage)
    meta["regions"] = len(coverage.rows)
    meta["uncovered_regions"] = len(coverage.uncovered())
    return {"type": "FeatureCollection", "metadata": meta, "features": features}


def to_geojson(coverage: Coverage, path: str | os.PathLike[str]) -> int:
    """Write ``regions.geojson`` (UTF-8, RFC 7946) for every unit region.

    Args:
        coverage: the answer of :func:`glamgraph.coverage`.
        path: the file to write (replaced atomically).

    Returns:
        The number of features written.

    Raises:
        WriteError: the file could not be written.
    """
    doc = feature_collection(coverage)
    with atomic_path(path) as tmp:
        # compact: with indent, json falls back to its pure-Python encoder (2.4 s at 87k points)
        tmp.write_text(
            json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8"
        )
    return len(doc["features"])
