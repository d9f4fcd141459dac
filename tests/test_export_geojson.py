"""regions.geojson: RFC 7946 FeatureCollection, [lon, lat] order, 5 decimals, metadata."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from export_fixtures import KNOWN, KNOWN_ROW, make_coverage

from glamgraph.export import to_geojson


@pytest.fixture()
def doc(tmp_path: Path) -> dict[str, Any]:
    path = tmp_path / "regions.geojson"
    assert to_geojson(make_coverage(), path) == 10
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


def test_metadata_names_endpoint_date_queries_and_counts(doc: dict[str, Any]) -> None:
    meta = doc["metadata"]
    assert meta["endpoint"] == "snapshot"
    assert meta["created"] == "2026-11-25T12:00:00+00:00"
    assert meta["queries"] == ["countries-of-continent", "coverage-institutions-per-unit"]
    assert meta["institutions_without_coordinates"] == 2
    assert meta["features"] == len(doc["features"])


def test_text_is_utf8_not_escaped(tmp_path: Path) -> None:
    path = tmp_path / "regions.geojson"
    to_geojson(make_coverage(), path)
    text = path.read_text(encoding="utf-8")
    assert "دار المخطوطات العربية" in text
