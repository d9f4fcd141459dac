"""contacts.xlsx read back with openpyxl: sheets, provenance block, header, filter, links, types."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest
from export_fixtures import HOSTILE_LABELS, KNOWN, KNOWN_ROW, make_coverage

from glamgraph.export import CONTACT_COLUMNS, REGION_COLUMNS, to_xlsx


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Any:
    path = tmp_path_factory.mktemp("xlsx") / "contacts.xlsx"
    assert to_xlsx(make_coverage(), path) == 9
    return openpyxl.load_workbook(path)


def _table(ws: Any, header_row: int) -> tuple[list[str], list[list[Any]]]:
    rows = list(ws.iter_rows(min_row=header_row))
    header = [c.value for c in rows[0]]
    return header, [list(r) for r in rows[1:]]


def _header_row(ws: Any) -> int:
    for row in ws.iter_rows():
        if row[0].value == "region":
            return int(row[0].row)
    raise AssertionError("no table header")


def test_sheets(book: Any) -> None:
    assert book.sheetnames == ["Regions", "About", "Contacts", "Unplaced", "Queries"]


def test_summary_sheet_reads_as_is_with_pandas(tmp_path: Path) -> None:
    pd = pytest.importorskip("pandas")
    cov = make_coverage()
    cov.caveats = ["Shipped sample, not live Wikidata; no subdivisions."]
    path = tmp_path / "contacts.xlsx"
    to_xlsx(cov, path)
    df = pd.read_excel(path)  # the first sheet, its header on the first row
    assert list(df.columns) == list(REGION_COLUMNS)
    assert list(df["region"]) == ["Q211", "Q37", "Q142", "Q191", "Q228"]
    latvia = df[df["region"] == "Q211"].iloc[0]
    assert (latvia["status"], int(latvia["museums"]), int(latvia["hops"])) == ("uncovered", 3, 1)
    assert (latvia["contact_code"], latvia["contact_name"]) == ("WMEE", "Wikimedia Eesti")
    assert latvia["contact"] == "info@wikimedia.ee"
    assert latvia["contact_page"] == "https://meta.wikimedia.org/wiki/Wikimedia_Eesti"
    assert df[df["region"] == "Q228"].iloc[0]["status"] == "no_institutions"
    contacts = pd.read_excel(path, sheet_name="Contacts")
    assert set(contacts["affiliate_contact"]) == {"info@wikimedia.ee"}  # the registry contact
    assert set(contacts["contact_source"]) == {"registry"}
    about = pd.read_excel(path, sheet_name="About", header=None)
    assert about.iloc[1, 0] == "Caveat" and about.iloc[1, 1] == cov.caveats[0]


def test_summary_sheet_has_provenance_block_and_regions_table(book: Any) -> None:
    about = book["About"]
    block = {
        about.cell(row=r, column=1).value: about.cell(row=r, column=2).value for r in range(2, 16)
    }
    ws = book["Regions"]
    assert block["Endpoint"] == "snapshot"
    assert block["Date"] == "2026-11-25T12:00:00+00:00"
    assert block["Queries"] == "countries-of-continent, coverage-institutions-per-unit"
    assert block["Region"] == "Europe (Q46)"
    assert block["Institutions without coordinates"] == 2
    assert block["Uncovered regions"] == 2
    start = _header_row(ws)
    header, rows = _table(ws, start)
    assert header == list(REGION_COLUMNS)
    assert all(c.font.bold for c in ws[start])
    assert ws.freeze_panes == f"A{start + 1}"
    assert start == 1
    assert ws.auto_filter.ref == f"A{start}:Y{start + 5}"
    latvia = next(r for r in rows if r[0].value == "Q211")
    values = {h: c.value for h, c in zip(header, latvia, strict=True)}
    assert values["institutions"] == 5 and isinstance(values["institutions"], int)
    assert values["uncovered"] is True
    assert values["hops"] == 1 and values["distance_km"] == pytest.approx(281.4)
    lat = latvia[header.index("lat")]
    assert lat.data_type == "n" and lat.value == 57.0  # a number (openpyxl reads 57.0 as 57)
    assert latvia[0].hyperlink.target == "https://www.wikidata.org/wiki/Q211"


def test_contacts_sheet_header_filter_widths(book: Any) -> None:
    ws = book["Contacts"]
    header, rows = _table(ws, 1)
    assert header == list(CONTACT_COLUMNS)
    assert all(c.font.bold for c in ws[1])
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == f"A1:S{len(rows) + 1}"
    assert len(rows) == 9
    widths = {k: v.width for k, v in ws.column_dimensions.items()}
    assert 6 <= widths["A"] <= 60 and widths["C"] > widths["A"]  # labels wider than QIDs
    assert max(widths.values()) <= 60


def test_known_institution_row_field_by_field(book: Any) -> None:
    ws = book["Contacts"]
    header, rows = _table(ws, 1)
    row = next(r for r in rows if r[1].value == KNOWN)
    values = {h: c.value for h, c in zip(header, row, strict=True)}
    assert values == KNOWN_ROW
    cells = {h: c for h, c in zip(header, row, strict=True)}
    assert cells["institution"].hyperlink.target == f"https://www.wikidata.org/wiki/{KNOWN}"
    assert cells["website"].hyperlink.target == KNOWN_ROW["website"]
    assert cells["email"].hyperlink.target == f"mailto:{KNOWN_ROW['email']}"
    # what repeats on many rows is a link on the Regions sheet, text here (Excel's budget of
    # 65,530 links per sheet goes to the institutions)
    for repeated in ("region", "type", "affiliate_page"):
        assert cells[repeated].hyperlink is None and cells[repeated].value, repeated
    assert cells["lat"].data_type == "n" and cells["lat"].number_format == "0.00000"


def test_formula_like_and_hostile_labels_stay_text(book: Any) -> None:
    ws = book["Contacts"]
    header, rows = _table(ws, 1)
    labels = {r[1].value: r[2] for r in rows}
    assert labels["Q1011"].value == HOSTILE_LABELS["Q1011"]
    assert labels["Q1011"].data_type == "s"  # not a formula
    assert labels["Q1005"].value == HOSTILE_LABELS["Q1005"]
    assert labels["Q1003"].value == "ラトビア日本美術館"
    assert labels["Q1004"].value == "دار المخطوطات العربية"
    no_coords = next(r for r in rows if r[1].value == "Q1003")
    assert no_coords[header.index("lat")].value is None


def test_queries_sheet_holds_texts(book: Any) -> None:
    header, rows = _table(book["Queries"], 1)
    assert header[0] == "query" and header[-1] == "text"
    texts = {r[0].value: r[-1].value for r in rows}
    assert texts["countries-of-continent"].startswith("#tool: glamgraph")
    assert {r[0].value: r[3].value for r in rows}["countries-of-continent"] == 5


def test_unplaced_sheet(book: Any) -> None:
    header, rows = _table(book["Unplaced"], 1)
    assert header[:3] == ["institution", "label", "reason"]
    assert [r[0].value for r in rows] == ["Q2000", "Q2001"]


def test_all_regions(tmp_path: Path) -> None:
    path = tmp_path / "all.xlsx"
    assert to_xlsx(make_coverage(), path, all_regions=True) == 12
    ws = openpyxl.load_workbook(path)["Contacts"]
    assert ws.max_row == 13


def test_links_stop_at_excels_limit_and_cells_keep_their_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from glamgraph.export import xlsx

    monkeypatch.setattr(xlsx, "MAX_LINKS", 4)  # Excel's 65,530, made small
    path = tmp_path / "few-links.xlsx"
    to_xlsx(make_coverage(), path)
    book = openpyxl.load_workbook(path)
    for ws in book:
        cells = [c for row in ws.iter_rows() for c in row]
        assert sum(1 for c in cells if c.hyperlink) <= 4
    _header, rows = _table(book["Contacts"], 1)
    assert all(r[1].value and r[1].value.startswith("Q") for r in rows)  # text without links
    assert any(r[1].hyperlink is None for r in rows)


def test_both_writing_modes_give_the_same_workbook(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Small workbooks keep their cells until the end (shared strings), large ones stream
    their rows (constant memory): every sheet reads back with the same values, types, links
    and formats either way, hostile labels included."""
    from glamgraph.export import xlsx

    def read(path: Path) -> list[Any]:
        wb = openpyxl.load_workbook(path)
        return [
            (ws.title, ws.freeze_panes, ws.auto_filter.ref,
             [(c.coordinate, c.value, c.data_type, c.hyperlink.target if c.hyperlink else None,
               c.font.b, c.number_format) for row in ws.iter_rows() for c in row])
            for ws in wb.worksheets
        ]  # fmt: skip

    cov = make_coverage()
    monkeypatch.setattr(xlsx, "CONSTANT_MEMORY_FROM", 0)
    to_xlsx(cov, tmp_path / "streamed.xlsx", all_regions=True)
    monkeypatch.setattr(xlsx, "CONSTANT_MEMORY_FROM", 10**9)
    to_xlsx(cov, tmp_path / "kept.xlsx", all_regions=True)
    streamed, kept = read(tmp_path / "streamed.xlsx"), read(tmp_path / "kept.xlsx")
    assert kept == streamed
    assert any(v == HOSTILE_LABELS["Q1001"] for _t, _f, _a, cells in kept for _c, v, *_ in cells)
