"""``contacts.xlsx``: the contacts as a workbook an organiser can filter, sort and share.

Sheets:

- ``Regions``: the regions table (the columns and order of ``regions.csv``), its header on the
  first row, so ``pandas.read_excel`` reads it as it is;
- ``About``: the provenance (region, endpoint, date, queries, counts) and, for results from the
  shipped sample, the line saying what that data lacks;
- ``Contacts``: one filterable table, one row per institution per listed region (the columns of
  ``contacts.csv``), each institution's Wikidata item, website and email as real hyperlinks (the
  region, class and affiliate page repeat on many rows: they are links on the ``Regions`` sheet,
  text here, which leaves Excel's per-sheet budget of links to the institutions);
- ``Unplaced``: the institutions with no current country;
- ``Queries``: every query's name and text, with its provenance.

Each table has a bold frozen header and an auto-filter; numbers are numbers (counts ``int``,
coordinates and distances ``float``); text from Wikidata is always stored as text, so a label
starting with ``=`` never becomes a formula. The workbook is written by XlsxWriter (imported
only when a workbook is written): in its constant-memory mode from :data:`CONSTANT_MEMORY_FROM`
contact rows (rows streamed to disk as written: ~5x faster than openpyxl's write-only mode on an
87k-row workbook), in its default mode below. Excel allows 65,530 hyperlinks per sheet: past
that, cells keep their text without a link.

Example::

    from glamgraph.export import to_xlsx
    to_xlsx(coverage, "contacts.xlsx")
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any, Final

from glamgraph._version import __version__
from glamgraph.export.cells import xml_safe
from glamgraph.export.common import (
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
from glamgraph.export.tables import CONTACT_COLUMNS, UNPLACED_COLUMNS, region_columns
from glamgraph.export.tables import unplaced_order as _unplaced_order
from glamgraph.model import Coverage, CoverageRow

#: From this many contact rows the workbook is written in XlsxWriter's constant-memory mode
#: (rows streamed to disk as written, each text inline); below, cells are kept until the end
#: and texts written once in the shared strings table: ~15 % less time for the 15k contact rows
#: of a world's uncovered regions (~40 MB of cells), where ``--all``'s 87k rows would hold
#: ~250 MB.
CONSTANT_MEMORY_FROM: Final = 30_000
#: Excel's limit on the text of one cell.
MAX_CELL: Final = 32767
#: Widths are measured in characters, between these bounds.
MIN_WIDTH: Final = 6
MAX_WIDTH: Final = 60


def _text(value: str) -> str:
    """A cell's text: what XML 1.0 forbids removed (see :func:`xml_safe`), cut to MAX_CELL."""
    # printable text has nothing XML forbids (no control character, surrogate or non-character)
    return (value if value.isprintable() else xml_safe(value))[:MAX_CELL]


#: Excel's limit of hyperlinks in one worksheet (past it Excel reports the file damaged): the
#: cells after it hold the same text without a link.
MAX_LINKS: Final = 65530
#: Excel's limit on the length of a hyperlink's target.
MAX_URL: Final = 2079


class _Sheet:
    """One worksheet written row by row (in XlsxWriter's constant-memory mode, for large
    workbooks, rows are streamed to disk as they are written: a 90k-row sheet never sits in
    memory as cell objects)."""

    def __init__(self, wb: Any, name: str, formats: dict[str, Any]) -> None:
        self.ws = wb.add_worksheet(name)
        self.formats = formats
        self.links = 0

    def put(self, row: int, col: int, value: Any, link: str | None = None, fmt: Any = None) -> None:
        """Write one cell (0-based); strings stay strings (never formulas), links are links."""
        ws = self.ws
        if value is None:
            if fmt is not None:
                ws.write_blank(row, col, None, fmt)
            return
        if isinstance(value, str):
            text = _text(value)
            if (
                link
                and text
                and self.links < MAX_LINKS
                and len(link) <= MAX_URL
                and ws.write_url(row, col, link, self.formats["link"], text) == 0
            ):
                self.links += 1
                return
            ws.write_string(row, col, text, fmt)
        elif isinstance(value, bool):
            ws.write_boolean(row, col, value, fmt)
        elif isinstance(value, int | float):
            ws.write_number(row, col, value, fmt)
        else:
            ws.write_string(row, col, _text(str(value)), fmt)


def _width(value: Any) -> int:
    if value is None:
        return MIN_WIDTH
    return max(MIN_WIDTH, min(MAX_WIDTH, len(str(value)) + 2))


def _set_width(ws: Any, col: int, width: int) -> None:
    # XlsxWriter stores (7w + 5) / 7 characters; asking for w - 0.7 stores w exactly
    ws.set_column(col, col, width - 0.7)


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


#: The columns whose cells are links, and of which kind.
_LINK_KIND: Final[dict[str, str]] = {
    **dict.fromkeys(_QID_COLUMNS, "qid"),
    **dict.fromkeys(("website", "contact_page", "affiliate_page"), "web"),
    "email": "email",
}
#: The links of the ``Contacts`` sheet: what differs from one institution to the next. Its
#: region, class and affiliate page repeat on many rows (links on the ``Regions`` sheet); linked
#: on every row they took four of every five links, so that Excel's 65,530 ran out after ~16k
#: rows of a world and cost the writer half its time.
_CONTACT_LINKS: Final = frozenset({"institution", "website", "email"})


def _link(kind: str, value: str) -> str | None:
    if kind == "qid":
        return wikidata_url(value)
    if kind == "web":
        return http_url(value) if " " not in value.strip() else None
    if "@" in value and not any(c in value for c in ' <>"'):
        return "mailto:" + value
    return None


def _table(
    sheet: _Sheet,
    columns: Sequence[str],
    records: Sequence[dict[str, Any]],
    links: frozenset[str] | None = None,
) -> None:
    """A table from the first row: bold frozen header, auto-filter, widths fit to the content;
    the cells of the ``links`` columns (default: every column of :data:`_LINK_KIND`) are links."""
    ws, fmt = sheet.ws, sheet.formats
    widths = [_width(name) for name in columns]
    for c, name in enumerate(columns):
        w = widths[c]
        # the longest text of the column (str() of the others: numbers, booleans)
        longest = max(
            (
                len(v) if isinstance(v, str) else len(str(v))
                for rec in records
                if (v := rec.get(name)) is not None
            ),
            default=-1,
        )
        if longest >= 0:
            w = max(w, min(MAX_WIDTH, longest + 2))
        widths[c] = w
        _set_width(ws, c, w)
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, max(len(records), 0), max(len(columns), 1) - 1)
    for c, name in enumerate(columns):
        sheet.put(0, c, name, fmt=fmt["bold"])
    coord = fmt["coord"]
    put = sheet.put
    kinds = [
        (
            c,
            name,
            _LINK_KIND.get(name) if links is None or name in links else None,
            name in ("lat", "lon"),
        )
        for c, name in enumerate(columns)
    ]
    write_string = ws.write_string
    for r, rec in enumerate(records, start=1):
        for c, name, link_kind, is_coord in kinds:
            value = rec.get(name)
            if value is None or value == "":
                continue  # nothing to write (an empty cell without a format is no cell)
            if value.__class__ is str and link_kind is None:
                # the most common cell, written here rather than through put(): 200k of them
                # in a world's workbook
                write_string(r, c, _text(value))
            elif is_coord and isinstance(value, float):
                put(r, c, value, fmt=coord)
            elif link_kind is None or not isinstance(value, str):
                put(r, c, value)
            else:
                put(r, c, value, _link(link_kind, value))


def _provenance_block(sheet: _Sheet, coverage: Coverage, contacts: int, all_regions: bool) -> int:
    """The provenance sheet: caveats first, then the provenance; returns the rows written."""
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
    fmt = sheet.formats
    sheet.put(0, 0, "glamgraph: GLAM institutions and Wikimedia affiliates", fmt=fmt["title"])
    for i, (key, value) in enumerate(block, start=1):
        sheet.put(i, 0, key, fmt=fmt["bold"])
        sheet.put(i, 1, value)
    return len(block) + 3


def _write_workbook(
    coverage: Coverage, path: str | os.PathLike[str], *, all_regions: bool = False
) -> int:
    """Write the workbook of :func:`to_xlsx` to ``path``; the number of contact rows."""
    import xlsxwriter

    contacts = contact_rows(coverage, all_regions=all_regions)
    wb = xlsxwriter.Workbook(
        os.fspath(path),
        {
            "constant_memory": len(contacts) >= CONSTANT_MEMORY_FROM,
            "strings_to_numbers": False,
            "strings_to_formulas": False,  # a label starting with "=" stays text
            "strings_to_urls": False,
            "nan_inf_to_errors": True,
        },
    )
    created = coverage.created.replace(tzinfo=None)
    props: dict[str, Any] = {
        "title": _text(f"GLAM contacts: {coverage.region.label or coverage.region.qid}"),
        "author": f"glamgraph {__version__}",
        "created": created,
    }
    if coverage.caveats:
        props["comments"] = _text(" ".join(coverage.caveats))
    wb.set_properties(props)
    formats = {
        "bold": wb.add_format({"bold": True}),
        "title": wb.add_format({"bold": True, "font_size": 13}),
        "coord": wb.add_format({"num_format": _COORD_FORMAT}),
        "link": wb.get_default_url_format(),
    }

    summary = _Sheet(wb, "Regions", formats)
    regions = [_region_values(r) for r in region_order(coverage.rows)]
    _table(summary, region_columns(coverage.rows), regions)
    if coverage.caveats:
        summary.ws.write_comment(0, 0, _text(" ".join(coverage.caveats)), {"author": "glamgraph"})

    about = _Sheet(wb, "About", formats)
    _provenance_block(about, coverage, len(contacts), all_regions)

    sheet = _Sheet(wb, "Contacts", formats)
    _table(sheet, CONTACT_COLUMNS, [_contact_values(c) for c in contacts], _CONTACT_LINKS)

    unplaced = _Sheet(wb, "Unplaced", formats)
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
    _table(unplaced, UNPLACED_COLUMNS, items)

    queries = _Sheet(wb, "Queries", formats)
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
    _table(queries, ("query", "endpoint", "started", "rows", "from_cache", "text"), qrows)
    wb.close()
    return len(contacts)


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
    with atomic_path(path) as tmp:
        return _write_workbook(coverage, tmp, all_regions=all_regions)
