"""Country shapes and equal-area projections for the maps (offline: nothing is fetched).

The shapes are Natural Earth's admin-0 countries (public domain), simplified and keyed by Wikidata
QID in ``glamgraph/data/shapes.json.gz`` by ``scripts/build_shapes.py``; their provenance travels
with them (:func:`shapes_provenance`). A unit region without a shape (a small island state, a
subdivision) is drawn as a marker at its Wikidata coordinates.

Two equal-area projections, written out in numpy: Equal Earth (Šavrič, Patterson and Jenny,
2018) for the world, and the Lambert azimuthal equal-area projection centred on the region for
anything smaller (Europe's official one, EPSG:3035, is a Lambert azimuthal equal-area too).

>>> "Q142" in load_shapes() and load_shapes()["Q142"].iso
'FR'
>>> p = Projection.for_region("continent", 10.0, 52.0)
>>> [round(float(v), 6) for v in p.forward(10.0, 52.0)]
[0.0, 0.0]
"""

from __future__ import annotations

import functools
import gzip
import itertools
import json
import math
from dataclasses import dataclass
from importlib import resources
from typing import Any, Final

import numpy as np
import numpy.typing as npt

Ring = list[list[float]]  # [[lon, lat], ...], closed
FloatArray = npt.NDArray[np.float64]

SHAPES_FILE: Final = "shapes.json.gz"


@dataclass(frozen=True)
class Shape:
    """A country's outline: polygons of rings in ``[lon, lat]`` (exterior counter-clockwise)."""

    qid: str
    name: str
    iso: str
    polygons: tuple[tuple[Ring, ...], ...]
    label: tuple[float, float]  # a point inside its largest part (lon, lat)


@functools.cache
def _document() -> dict[str, Any]:
    data = resources.files("glamgraph") / "data" / SHAPES_FILE
    with data.open("rb") as fh, gzip.open(fh, "rt", encoding="utf-8") as text:
        doc: dict[str, Any] = json.load(text)
    return doc


@functools.cache
def load_shapes() -> dict[str, Shape]:
    """Every shipped country outline by QID (read once per process)."""
    return {
        qid: Shape(
            qid,
            s["name"],
            s["iso"],
            tuple(tuple(p) for p in s["polygons"]),
            (float(s["label"][0]), float(s["label"][1])),
        )
        for qid, s in _document()["shapes"].items()
    }


@functools.cache
def load_points() -> dict[str, tuple[float, float]]:
    """``(lon, lat)`` of the countries that have no shape, by QID (drawn as markers).

    >>> "Q237" in load_shapes(), load_points()["Q237"][1] > 41  # Vatican City
    (False, True)
    """
    return {
        qid: (float(p["point"][0]), float(p["point"][1]))
        for qid, p in _document().get("points", {}).items()
    }


def shapes_provenance() -> dict[str, str]:
    """Where the shapes come from: source, licence, simplification (for footers and metadata).

    >>> "Natural Earth" in shapes_provenance()["source"]
    True
    """
    return dict(_document()["provenance"])


def shapes_credit() -> str:
    """A one-line credit for the shapes, for a map's footer."""
    p = shapes_provenance()
    return f"Country shapes: {p['source']}; {p['licence']}."


# Equal Earth constants
_A1, _A2, _A3, _A4 = 1.340264, -0.081106, 0.000893, 0.003796
_M = math.sqrt(3) / 2


@dataclass(frozen=True)
class Projection:
    """An equal-area projection of degrees to plane units (radius 1).

    ``kind`` is ``"equal-earth"`` (centred on ``lon0``) or ``"laea"`` (Lambert azimuthal
    equal-area centred on ``lon0``, ``lat0``).
    """

    kind: str
    lon0: float = 0.0
    lat0: float = 0.0

    @staticmethod
    def for_region(region_kind: str, lon0: float, lat0: float) -> Projection:
        """Equal Earth for the world, Lambert azimuthal equal-area centred on anything smaller."""
        if region_kind == "world":
            return Projection("equal-earth", 0.0, 0.0)
        return Projection("laea", lon0, lat0)

    @property
    def name(self) -> str:
        """A human name for the map's footer."""
        if self.kind == "equal-earth":
            return "Equal Earth projection (equal-area)"
        return (
            f"Lambert azimuthal equal-area projection centred on {self.lat0:.0f}°, {self.lon0:.0f}°"
        )

    def forward(self, lon: Any, lat: Any) -> tuple[FloatArray, FloatArray]:
        """Project degrees (scalars or arrays) to ``(x, y)`` arrays; north is up."""
        d = np.asarray(lon, dtype=float) - self.lon0
        # into [-180, 180], keeping both edges: a ring cut at the antimeridian stays on its side
        d = np.where(d > 180.0, d - 360.0, np.where(d < -180.0, d + 360.0, d))
        lam = np.radians(d)
        phi = np.radians(np.asarray(lat, dtype=float))
        if self.kind == "equal-earth":
            theta = np.arcsin(_M * np.sin(phi))
            t2 = theta * theta
            t6 = t2 * t2 * t2
            x = (
                2
                * math.sqrt(3)
                * lam
                * np.cos(theta)
                / (3 * (9 * _A4 * t6 * t2 + 7 * _A3 * t6 + 3 * _A2 * t2 + _A1))
            )
            y = theta * (_A1 + _A2 * t2 + t6 * (_A3 + _A4 * t2))
            return np.asarray(x, dtype=float), np.asarray(y, dtype=float)
        phi0 = math.radians(self.lat0)
        cos_c = math.sin(phi0) * np.sin(phi) + math.cos(phi0) * np.cos(phi) * np.cos(lam)
        k = np.sqrt(2.0 / np.maximum(1.0 + cos_c, 1e-9))
        x = k * np.cos(phi) * np.sin(lam)
        y = k * (math.cos(phi0) * np.sin(phi) - math.sin(phi0) * np.cos(phi) * np.cos(lam))
        return np.asarray(x, dtype=float), np.asarray(y, dtype=float)

    def visible(self, lon: float, lat: float, limit: float = 100.0) -> bool:
        """True when the point is within ``limit`` degrees of the centre (always, for the world)."""
        if self.kind == "equal-earth":
            return True
        a, b = math.radians(lat), math.radians(self.lat0)
        d = math.radians(lon - self.lon0)
        cos_c = math.sin(a) * math.sin(b) + math.cos(a) * math.cos(b) * math.cos(d)
        return math.degrees(math.acos(max(-1.0, min(1.0, cos_c)))) <= limit


def centre_of(lons: list[float], lats: list[float]) -> tuple[float, float]:
    """The centre ``(lon, lat)`` of points on the sphere (mean of unit vectors).

    >>> [abs(round(v, 3)) for v in centre_of([179.0, -179.0], [0.0, 0.0])]
    [180.0, 0.0]
    """
    if not lons:
        return 0.0, 0.0
    lam, phi = np.radians(lons), np.radians(lats)
    x = float(np.mean(np.cos(phi) * np.cos(lam)))
    y = float(np.mean(np.cos(phi) * np.sin(lam)))
    z = float(np.mean(np.sin(phi)))
    return math.degrees(math.atan2(y, x)), math.degrees(math.atan2(z, math.hypot(x, y)))


def ring_area(ring: Ring) -> float:
    """The signed area of a ring in square degrees (positive when counter-clockwise).

    >>> ring_area([[0, 0], [1, 0], [1, 1], [0, 0]])
    0.5
    """
    a = 0.0
    for (x1, y1), (x2, y2) in itertools.pairwise(ring):
        a += x1 * y2 - x2 * y1
    return a / 2
