"""regions.csv, contacts.csv and unplaced.csv: columns, order, values, hostile text, stability."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from export_fixtures import HOSTILE_LABELS, KNOWN, KNOWN_ROW, make_coverage

from glamgraph.export import (
    CONTACT_COLUMNS,
    REGION_COLUMNS,
    to_csv,
    to_regions_csv,
    to_unplaced_csv,
)
from glamgraph.ids import qid_number


def _read(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    raw = path.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf"), "no byte-order mark"
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        rows = list(reader)
        return list(reader.fieldnames or []), rows


def test_regions_csv_columns_and_values(tmp_path: Path) -> None:
    path = tmp_path / "regions.csv"
    assert to_regions_csv(make_coverage(), path) == 5
    header, rows = _read(path)
    assert header == list(REGION_COLUMNS)
    assert header[:7] == [
        "region", "label", "iso", "institutions", "affiliates", "uncovered", "nearest_affiliate"
    ]  # fmt: skip
    # uncovered first, then by institutions (descending), then label
    assert [r["region"] for r in rows] == ["Q211", "Q37", "Q142", "Q191", "Q228"]
    assert [r["status"] for r in rows] == [
        "uncovered", "uncovered", "covered", "covered", "no_institutions"
    ]  # fmt: skip
    latvia = next(r for r in rows if r["region"] == "Q211")
    assert latvia == {
        "region": "Q211",
        "label": "Latvia",
        "iso": "LV",
        "institutions": "5",
        "affiliates": "",
        "uncovered": "true",
        "nearest_affiliate": "WMEE",
        "status": "uncovered",
        "museums": "3",
        "libraries": "2",
        "archives": "1",
        "art_galleries": "0",
        "zoos": "0",
        "botanical_gardens": "0",
        "aquariums": "0",
        "contact_code": "WMEE",
        "contact_name": "Wikimedia Eesti",
        "contact_page": "https://meta.wikimedia.org/wiki/Wikimedia_Eesti",
        "contact": "info@wikimedia.ee",
        "contact_source": "registry",
        "hops": "1",
        "distance_km": "281.4",
        "kind": "country",
        "lat": "57",
        "lon": "24.8",
    }
    france = next(r for r in rows if r["region"] == "Q142")
    assert (france["affiliates"], france["uncovered"], france["hops"]) == ("WMFR", "false", "")


def test_contacts_csv_lists_uncovered_regions_sorted(tmp_path: Path) -> None:
    path = tmp_path / "contacts.csv"
    assert to_csv(make_coverage(), path) == 9
    header, rows = _read(path)
    assert header[:11] == [
        "region", "institution", "label", "type", "website", "email", "phone", "address",
        "lat", "lon", "affiliate",
    ]  # fmt: skip
    assert header == list(CONTACT_COLUMNS)
    assert {r["region"] for r in rows} == {"Q211", "Q37"}
    # sorted by the label itself, not by the ' that neutralises a would-be formula
    key = [(qid_number(r["region"]), r["label"].removeprefix("'").casefold()) for r in rows]
    assert key == sorted(key)
    # the cross-border archive once per region, never twice in one region
    assert sorted(r["region"] for r in rows if r["institution"] == "Q1005") == ["Q211", "Q37"]
    assert len({(r["region"], r["institution"]) for r in rows}) == len(rows)
    assert all(r["institution"].startswith("Q") and "/" not in r["institution"] for r in rows)
    assert all(r["affiliate"] == "WMEE" for r in rows)
    assert not any(r["email"].startswith("mailto:") for r in rows)
    assert next(r for r in rows if r["institution"] == "Q1001")["email"] == "info@example.lv"


def test_contacts_csv_known_institution_field_by_field(tmp_path: Path) -> None:
    path = tmp_path / "contacts.csv"
    to_csv(make_coverage(), path)
    row = next(r for r in _read(path)[1] if r["institution"] == KNOWN)
    expected = {k: str(v) for k, v in KNOWN_ROW.items()}
    expected["covered"] = "false"
    expected["phone"] = "'" + expected["phone"]  # +371 ... is a formula to a spreadsheet
    assert row == expected


def test_hostile_and_non_latin_text_round_trips(tmp_path: Path) -> None:
    path = tmp_path / "contacts.csv"
    to_csv(make_coverage(), path)
    rows = {r["institution"]: r for r in _read(path)[1]}
    labels = {qid: r["label"] for qid, r in rows.items()}
    for qid in ("Q1001", "Q1005", "Q1008"):
        assert labels[qid] == HOSTILE_LABELS[qid]
    assert labels["Q1011"] == "'" + HOSTILE_LABELS["Q1011"]  # a formula, neutralised
    assert labels["Q1003"] == "ラトビア日本美術館"
    assert labels["Q1004"] == "دار المخطوطات العربية"
    assert (rows["Q1003"]["lat"], rows["Q1003"]["lon"]) == ("", "")  # no coordinates


def test_all_regions_adds_covered_regions_with_local_codes(tmp_path: Path) -> None:
    path = tmp_path / "contacts.csv"
    assert to_csv(make_coverage(), path, all_regions=True) == 12
    rows = _read(path)[1]
    assert [r["region"] for r in rows] == sorted((r["region"] for r in rows), key=qid_number)
    louvre = next(r for r in rows if r["institution"] == "Q1006")
    assert (louvre["region"], louvre["affiliate"], louvre["covered"]) == ("Q142", "WMFR", "true")
    assert next(r for r in rows if r["institution"] == "Q1010")["affiliate"] == "WMEE"


def test_output_is_stable_between_runs(tmp_path: Path) -> None:
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    cov = make_coverage()
    to_csv(cov, a)
    cov.institutions.reverse()
    cov.rows.reverse()
    to_csv(cov, b)
    assert a.read_bytes() == b.read_bytes()
    assert b"\r\n" in a.read_bytes()  # RFC 4180 line ends


def test_unplaced_csv(tmp_path: Path) -> None:
    path = tmp_path / "unplaced.csv"
    assert to_unplaced_csv(make_coverage(), path) == 2
    header, rows = _read(path)
    assert header[:3] == ["institution", "label", "reason"]
    assert rows[0] == {
        "institution": "Q2000",
        "label": "Alte {{Bibliothek}}",
        "reason": "no country",
        "types": "Q7075",
        "countries": "",
    }
    assert rows[1]["countries"] == "Q1112"


def test_no_temporary_file_left_behind(tmp_path: Path) -> None:
    to_csv(make_coverage(), tmp_path / "contacts.csv")
    assert [p.name for p in tmp_path.iterdir()] == ["contacts.csv"]


def test_uncovered_contact_rows_from_every_regions_rows_are_the_same() -> None:
    """Once every region's contact rows are computed, the uncovered regions' rows are taken
    from them: the same rows in the same order as computed on their own."""
    from glamgraph.export.common import contact_rows

    alone = contact_rows(make_coverage(), all_regions=False)
    cov = make_coverage()
    every = contact_rows(cov, all_regions=True)
    derived = contact_rows(cov, all_regions=False)
    assert len(every) > len(derived) > 1
    assert derived == alone
    assert all(any(d is e for e in every) for d in derived)  # taken, not computed again


def test_the_csv_writer_keeps_the_columns_order_and_refuses_unknown_fields(tmp_path: Path) -> None:
    """Cells are written in the columns' order (a missing one empty), neutralised once per
    file's setting, a lone surrogate replaced; a field of no column is an error, as with
    csv.DictWriter."""

    from glamgraph.export.cells import raw_csv
    from glamgraph.export.tables import _write

    rows = [{"b": "=1+1", "a": "x\ud800y"}, {"a": "-3", "c": None}]
    assert _write(tmp_path / "n.csv", ("a", "b", "c"), rows) == 2
    with (tmp_path / "n.csv").open(encoding="utf-8", newline="") as fh:
        assert list(csv.reader(fh)) == [["a", "b", "c"], ["x\ufffdy", "'=1+1", ""], ["-3", "", ""]]
    with raw_csv():
        _write(tmp_path / "r.csv", ("a", "b"), [{"b": "=1+1"}])
    assert (tmp_path / "r.csv").read_text(encoding="utf-8").splitlines()[1] == ",=1+1"
    with pytest.raises(ValueError, match="'z'"):
        _write(tmp_path / "e.csv", ("a",), [{"a": "1", "z": "2"}])
