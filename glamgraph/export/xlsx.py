"""``contacts.xlsx``: the contacts as a workbook an organiser can filter, sort and share.

Sheets:

- ``Regions``: the regions table (the columns and order of ``regions.csv``), its header on the
  first row, so ``pandas.read_excel`` reads it as it is;
- ``About``: the provenance (region, endpoint, date, queries, counts) and, for results from the
  shipped sample, the line saying what that data lacks;
- ``Contacts``: one filterable table, one row per institution per listed region (the columns of
  ``contacts.csv``), Wikidata items, websites and emails as real hyperlinks;
- ``Unplaced``: the institutions with no current country;
- ``Queries``: every query's name and text, with its provenance.

Each table has a bold frozen header and an auto-filter; numbers are numbers (counts ``int``,
coordinates and distances ``float``); text from Wikidata is always stored as text, so a label
starting with ``=`` never becomes a formula. openpyxl is imported only when a workbook is written.

Example::

    from glamgraph.export import to_xlsx
    to_xlsx(coverage, "contacts.xlsx")
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any, Final

from glamgraph._version import __version__
from glamgraph.export._common import (
    COORD_DECIMALS,
    ContactRow,
    atomic_path,
    contact_cells,
    contact_rows,
    created_iso,
    endpoint_urls,
    http_url,
    query_names,
    region_order,
    rounded,
    wikidata_url,
    without_coordinates,
)
from glamgraph.export.cells import xml_safe
from glamgraph.export.tables import CONTACT_COLUMNS, UNPLACED_COLUMNS, region_columns
from glamgraph.export.tables import unplaced_order as _unplaced_order
from glamgraph.model import Coverage, CoverageRow

#: Excel's limit on the text of one cell.
MAX_CELL: Final = 32767
#: Widths are measured in characters, between these bounds.
MIN_WIDTH: Final = 6
MAX_WIDTH: Final = 60


def _text(value: str) -> str:
    """A cell's text: what XML 1.0 forbids removed (see :func:`xml_safe`), cut to MAX_CELL."""
    return xml_safe(value)[:MAX_CELL]


def _put(ws: Any, row: int, col: int, value: Any, link: str | None = None) -> Any:
    """Write one cell; strings are stored as strings (never formulas), links as hyperlinks."""
    cell = ws.cell(row=row, column=col)
    if isinstance(value, str):
        cell.value = _text(value)
        cell.data_type = "s"  # openpyxl would read a leading "=" as a formula
    else:
        cell.value = value
    if link and value not in (None, ""):
        cell.hyperlink = link
        cell.style = "Hyperlink"
    return cell


def _header(ws: Any, row: int, columns: Sequence[str]) -> None:
    from openpyxl.styles import Font

    for col, name in enumerate(columns, start=1):
        cell = _put(ws, row, col, name)
        cell.font = Font(bold=True)


def _finish_table(ws: Any, header_row: int, ncols: int, nrows: int) -> None:
    """Freeze the header, add an auto-filter, size the columns to their content."""
    from openpyxl.utils import get_column_letter

    last_col = get_column_letter(max(ncols, 1))
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    ws.auto_filter.ref = f"A{header_row}:{last_col}{header_row + max(nrows, 0)}"
    for col in range(1, ncols + 1):
        width = MIN_WIDTH
        for r in range(header_row, header_row + nrows + 1):
            value = ws.cell(row=r, column=col).value
            if value is not None:
                width = max(width, min(MAX_WIDTH, len(str(value)) + 2))
        ws.column_dimensions[get_column_letter(col)].width = width


def _region_values(row: CoverageRow) -> dict[str, Any]:
    return {
        "region": row.region,
        "label": row.label,
        "iso": row.iso,
        "institutions": int(row.institutions),
        "affiliates": " ".join(row.affiliates),
        "uncovered": bool(row.uncovered),
        "nearest_affiliate": row.nearest_affiliate or "",
        "status": row.status,
        **{k: int(v) for k, v in row.type_counts},
        **contact_cells(row),
        "hops": int(row.hops) if row.hops is not None else None,
        "distance_km": rounded(row.distance_km, 1),
        "kind": row.kind,
        "lat": rounded(row.lat),
        "lon": rounded(row.lon),
    }


def _contact_values(row: ContactRow) -> dict[str, Any]:
    return {
        "region": row.region,
        "institution": row.institution,
        "label": row.label,
        "type": row.type,
        "website": row.website,
        "email": row.email,
        "phone": row.phone,
        "address": row.address,
        "lat": rounded(row.lat),
        "lon": rounded(row.lon),
        "affiliate": row.affiliate,
        "region_label": row.region_label,
        "type_label": row.type_label,
        "covered": row.covered,
        "affiliate_name": row.affiliate_name,
        "affiliate_page": row.affiliate_page,
        "affiliate_contact": row.affiliate_contact,
        "contact_source": row.contact_source,
        "status": row.status,
    }


_QID_COLUMNS: Final = frozenset({"region", "institution", "type"})
_COORD_FORMAT: Final = "0." + "0" * COORD_DECIMALS


def _link_for(column: str, value: Any) -> str | None:
    if not isinstance(value, str) or not value:
        return None
    if column in _QID_COLUMNS:
        return wikidata_url(value)
    if column in ("website", "contact_page", "affiliate_page") and " " not in value.strip():
        return http_url(value)
    if column == "email" and "@" in value and not any(c in value for c in ' <>"'):
        return "mailto:" + value
    return None


def _table(ws: Any, start: int, columns: Sequence[str], records: Sequence[dict[str, Any]]) -> None:
    _header(ws, start, columns)
    for r, rec in enumerate(records, start=start + 1):
        for c, name in enumerate(columns, start=1):
            value = rec.get(name)
            cell = _put(ws, r, c, value, _link_for(name, value))
            if name in ("lat", "lon") and isinstance(value, float):
                cell.number_format = _COORD_FORMAT
    _finish_table(ws, start, len(columns), len(records))


def _provenance_block(ws: Any, coverage: Coverage, contacts: int, all_regions: bool) -> int:
    """The provenance sheet: caveats first, then the provenance; returns the rows written."""
    from openpyxl.styles import Font

    region = coverage.region
    names = query_names(coverage)
    block: list[tuple[str, Any]] = [(("Caveat", line)) for line in coverage.caveats]
    block += [
        ("Region", f"{region.label or region.qid} ({region.qid})"),
        ("Endpoint", coverage.endpoint),
        ("Endpoint URL", ", ".join(endpoint_urls(coverage))),
        ("Date", created_iso(coverage)),
        ("Queries", ", ".join(names)),
        ("Generator", f"glamgraph {__version__}"),
        ("Unit regions", len(coverage.rows)),
        ("Uncovered regions", len(coverage.uncovered())),
        ("Covered regions", len(coverage.covered())),
        ("Regions with no institution", len(coverage.no_institutions())),
        ("Contacts listed", contacts),
        ("Contacts cover", "every region" if all_regions else "uncovered regions"),
        ("Institutions without coordinates", without_coordinates(coverage)),
        ("Unplaced institutions", len(coverage.unplaced)),
    ]
    title = _put(ws, 1, 1, "glamgraph: GLAM institutions and Wikimedia affiliates")
    title.font = Font(bold=True, size=13)
    for i, (key, value) in enumerate(block, start=2):
        _put(ws, i, 1, key).font = Font(bold=True)
        _put(ws, i, 2, value)
    return len(block) + 3


def build_workbook(coverage: Coverage, *, all_regions: bool = False) -> Any:
    """The workbook of :func:`to_xlsx`, not yet saved (an ``openpyxl.Workbook``)."""
    from openpyxl import Workbook

    contacts = contact_rows(coverage, all_regions=all_regions)
    wb = Workbook()
    wb.properties.creator = f"glamgraph {__version__}"
    wb.properties.title = _text(f"GLAM contacts: {coverage.region.label or coverage.region.qid}")
    created = coverage.created.replace(tzinfo=None)
    wb.properties.created = created
    wb.properties.modified = created

    summary = wb.active
    summary.title = "Regions"
    regions = [_region_values(r) for r in region_order(coverage.rows)]
    _table(summary, 1, region_columns(coverage.rows), regions)
    if coverage.caveats:
        from openpyxl.comments import Comment

        line = _text(" ".join(coverage.caveats))
        wb.properties.description = line
        summary.cell(row=1, column=1).comment = Comment(line, "glamgraph")

    about = wb.create_sheet("About")
    _provenance_block(about, coverage, len(contacts), all_regions)

    sheet = wb.create_sheet("Contacts")
    _table(sheet, 1, CONTACT_COLUMNS, [_contact_values(c) for c in contacts])

    unplaced = wb.create_sheet("Unplaced")
    items = [
        {
            "institution": u.qid,
            "label": u.label,
            "reason": u.reason,
            "types": " ".join(u.types),
            "countries": " ".join(u.countries),
        }
        for u in _unplaced_order(coverage.unplaced)
    ]
    _table(unplaced, 1, UNPLACED_COLUMNS, items)

    queries = wb.create_sheet("Queries")
    prov_by_name = {str(p.get("query_name") or ""): p for p in coverage.provenance}
    qrows = []
    for name in query_names(coverage):
        prov = prov_by_name.get(name, {})
        qrows.append(
            {
                "query": name,
                "endpoint": str(prov.get("endpoint") or coverage.endpoint),
                "started": str(prov.get("started") or ""),
                "rows": prov.get("rows"),
                "from_cache": prov.get("from_cache"),
                "text": coverage.query_texts.get(name, ""),
            }
        )
    _table(queries, 1, ("query", "endpoint", "started", "rows", "from_cache", "text"), qrows)
    return wb


def to_xlsx(coverage: Coverage, path: str | os.PathLike[str], *, all_regions: bool = False) -> int:
    """Write ``contacts.xlsx`` (see the module docstring for its sheets).

    Args:
        coverage: the answer of :func:`glamgraph.coverage`.
        path: the file to write (replaced atomically).
        all_regions: list covered regions' institutions too.

    Returns:
        The number of contact rows written.

    Raises:
        WriteError: the file could not be written.
    """
    wb = build_workbook(coverage, all_regions=all_regions)
    with atomic_path(path) as tmp:
        wb.save(tmp)
    return int(wb["Contacts"].max_row) - 1
