"""institutions.geojson and regions.geojson: RFC 7946 FeatureCollections, [lon, lat] order,
rounded positions, right-hand rings, one feature per unit region with its state and contact."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest
from export_fixtures import KNOWN, KNOWN_ROW, make_coverage, scrambled_coverage

from glamgraph.export import to_geojson, to_institutions_geojson
from glamgraph.export.common import contact_rows
from glamgraph.export.geojson import feature_collection
from glamgraph.export.map_geo import ring_area
from glamgraph.model import Contact, CoverageRow


@pytest.fixture()
def doc(tmp_path: Path) -> dict[str, Any]:
    path = tmp_path / "institutions.geojson"
    assert to_institutions_geojson(make_coverage(), path) == 10
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def test_feature_collection_shape(doc: dict[str, Any]) -> None:
    assert doc["type"] == "FeatureCollection"
    assert "crs" not in doc  # RFC 7946: WGS 84 only, no crs member
    for f in doc["features"]:
        assert f["type"] == "Feature"
        assert f["geometry"]["type"] == "Point"
        assert set(f["properties"]) >= {"region", "qid", "label", "type", "covered", "affiliate"}


def test_coordinates_are_lon_lat_rounded_and_in_range(doc: dict[str, Any]) -> None:
    for f in doc["features"]:
        lon, lat = f["geometry"]["coordinates"]
        assert -180 <= lon <= 180 and -90 <= lat <= 90
        assert round(lon, 5) == lon and round(lat, 5) == lat
        # every fixture institution is in Europe: longitude < 30 < latitude tells the order
        assert lon < 30 < lat


def test_one_feature_per_institution_and_region(doc: dict[str, Any]) -> None:
    keys = [(f["properties"]["qid"], f["properties"]["region"]) for f in doc["features"]]
    assert len(keys) == len(set(keys))
    assert sorted(r for q, r in keys if q == "Q1005") == ["Q211", "Q37"]  # cross-border
    assert not {q for q, _ in keys} & {"Q1003", "Q1007"}  # no coordinates, no feature
    covered = {f["properties"]["region"]: f["properties"]["covered"] for f in doc["features"]}
    assert covered == {"Q37": False, "Q142": True, "Q191": True, "Q211": False}


def test_known_institution_field_by_field(doc: dict[str, Any]) -> None:
    f = next(f for f in doc["features"] if f["properties"]["qid"] == KNOWN)
    assert f["geometry"]["coordinates"] == [KNOWN_ROW["lon"], KNOWN_ROW["lat"]]
    p = f["properties"]
    assert p["region"] == KNOWN_ROW["region"]
    assert p["label"] == KNOWN_ROW["label"]
    assert p["type"] == KNOWN_ROW["type"]
    assert p["covered"] is KNOWN_ROW["covered"]
    assert p["affiliate"] == KNOWN_ROW["affiliate"]


@pytest.mark.parametrize("seed", range(6))
def test_features_are_the_contact_rows_with_coordinates(seed: int) -> None:
    """The features are made from the institutions without contact rows (the contacts files may
    be written by the other process): one per contact row of every region that has valid
    coordinates, in the rows' order, with their values (a scrambled coverage: ties, repeated
    QIDs and units, invalid coordinates, classes with and without labels)."""
    cov = scrambled_coverage(seed)
    expected = [
        (f"{c.institution}/{c.region}", [round(c.lon, 5) + 0.0, round(c.lat, 5) + 0.0],
         {"region": c.region, "region_label": c.region_label, "qid": c.institution,
          "label": c.label, "type": c.type, "type_label": c.type_label, "covered": c.covered,
          "affiliate": c.affiliate})
        for c in contact_rows(cov, all_regions=True)
        if c.lat is not None and c.lon is not None
    ]  # fmt: skip
    features = feature_collection(dataclasses.replace(cov))["features"]
    got = [(f["id"], f["geometry"]["coordinates"], f["properties"]) for f in features]
    assert got == expected and len(got) > 50


def test_metadata_names_endpoint_date_queries_and_counts(doc: dict[str, Any]) -> None:
    meta = doc["metadata"]
    assert meta["endpoint"] == "snapshot"
    assert meta["created"] == "2026-11-25T12:00:00+00:00"
    assert meta["queries"] == ["countries-of-continent", "coverage-institutions-per-unit"]
    assert meta["institutions_without_coordinates"] == 2
    assert meta["features"] == len(doc["features"])


def test_text_is_utf8_not_escaped(tmp_path: Path) -> None:
    path = tmp_path / "institutions.geojson"
    to_institutions_geojson(make_coverage(), path)
    text = path.read_text(encoding="utf-8")
    assert "دار المخطوطات العربية" in text


@pytest.fixture()
def regions(tmp_path: Path) -> dict[str, Any]:
    cov = make_coverage()
    contact = Contact(
        "WMEE", "Wikimedia Eesti", "https://meta.wikimedia.org/wiki/WMEE", "x@y", "registry"
    )
    cov.rows = [
        dataclasses.replace(r, contacts=(contact,), type_counts=(("museums", 2),))
        if r.region == "Q211"
        else r
        for r in cov.rows
    ]
    # a region no shape is shipped for: a marker at its coordinates
    cov.rows.append(
        CoverageRow("Q99999999", "Nowhere", "", "country", 1, (), True, "WMEE", lat=1.5, lon=2.5)
    )
    path = tmp_path / "regions.geojson"
    assert to_geojson(cov, path) == 6
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def test_one_feature_per_unit_region_with_state(regions: dict[str, Any]) -> None:
    by = {f["id"]: f for f in regions["features"]}
    assert set(by) == {"Q142", "Q191", "Q211", "Q37", "Q228", "Q99999999"}
    states = {q: f["properties"]["status"] for q, f in by.items()}
    assert states == {
        "Q142": "covered",
        "Q191": "covered",
        "Q211": "uncovered",
        "Q37": "uncovered",
        "Q228": "no_institutions",
        "Q99999999": "uncovered",
    }
    assert by["Q142"]["geometry"]["type"] == "MultiPolygon"  # with its overseas parts
    assert by["Q228"]["geometry"]["type"] == "Polygon"
    assert by["Q99999999"]["geometry"] == {"type": "Point", "coordinates": [2.5, 1.5]}
    assert by["Q99999999"]["properties"]["geometry_source"] == "wikidata-coordinates"
    p = by["Q211"]["properties"]
    assert p["contact"]["code"] == "WMEE" and p["contact"]["page"].endswith("/WMEE")
    assert p["types"] == {"museums": 2}
    assert by["Q37"]["properties"]["contact"]["code"] == "WMEE"  # from the code, no contacts yet
    assert "Natural Earth" in regions["metadata"]["shapes"]["source"]


def _polygons(geometry: dict[str, Any]) -> list[Any]:
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"]]
    if geometry["type"] == "MultiPolygon":
        return list(geometry["coordinates"])
    return []


def test_rings_are_rfc7946(regions: dict[str, Any]) -> None:
    for f in regions["features"]:
        for poly in _polygons(f["geometry"]):
            for i, ring in enumerate(poly):
                assert ring[0] == ring[-1] and len(ring) >= 4
                # right-hand rule: exterior counter-clockwise, holes clockwise
                assert (ring_area(ring) > 0) is (i == 0)
                for lon, lat in ring:
                    assert -180 <= lon <= 180 and -90 <= lat <= 90
                    assert round(lon, 5) == lon and round(lat, 5) == lat
    # France is in Europe: longitudes first
    fr = next(f for f in regions["features"] if f["id"] == "Q142")
    mainland = max(_polygons(fr["geometry"]), key=lambda p: abs(ring_area(p[0])))
    assert all(-6 < lon < 10 and 41 < lat < 52 for lon, lat in mainland[0])


def test_antimeridian_is_cut(tmp_path: Path) -> None:
    """Russia and Fiji cross 180°: no ring jumps across it (RFC 7946 §3.1.9)."""
    cov = make_coverage()
    cov.rows = [CoverageRow(q, q, "", "country", 1, (), True) for q in ("Q159", "Q712")]
    to_geojson(cov, tmp_path / "r.geojson")
    doc = json.loads((tmp_path / "r.geojson").read_text(encoding="utf-8"))
    for f in doc["features"]:
        for poly in _polygons(f["geometry"]):
            for a, b in zip(poly[0], poly[0][1:], strict=False):
                assert abs(a[0] - b[0]) < 180, f["id"]


def test_to_geodataframe_joins_on_region() -> None:
    gpd = pytest.importorskip("geopandas")
    gdf = make_coverage().to_geodataframe()
    assert isinstance(gdf, gpd.GeoDataFrame)
    assert gdf.crs.to_epsg() == 4326
    by = gdf.set_index("region")
    assert by.loc["Q211", "status"] == "uncovered"
    assert by.loc["Q211", "geometry"].contains(gpd.points_from_xy([24.1], [56.95])[0])  # Riga
