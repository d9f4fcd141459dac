"""The CSV files: ``regions.csv``, ``contacts.csv`` and ``unplaced.csv``.

UTF-8 without a byte-order mark, RFC 4180 quoting and CRLF line ends (the :mod:`csv` module's
``excel`` dialect), bare QIDs, ``true``/``false`` for booleans, empty cells for missing values.
Values are written as they are: open ``contacts.xlsx`` rather than the CSV in a spreadsheet if
labels from Wikidata could start with ``=``.

Example::

    from glamgraph.export import to_csv
    to_csv(coverage, "contacts.csv")                    # uncovered regions only
    to_csv(coverage, "all-contacts.csv", all_regions=True)
"""

from __future__ import annotations

import csv
import os
from collections.abc import Iterable, Sequence
from typing import Final

from glamgraph import vocab
from glamgraph.export.cells import csv_cell, neutralising
from glamgraph.export.common import (
    COORD_DECIMALS,
    ContactRow,
    atomic_path,
    contact_cells,
    contact_rows,
    number,
    qid_key,
    region_order,
    text_key,
    type_columns,
)
from glamgraph.model import Coverage, CoverageRow, Unplaced

#: The columns of ``regions.csv`` before the per-root counts, and after them.
REGION_HEAD: Final[tuple[str, ...]] = (
    "region",
    "label",
    "iso",
    "institutions",
    "affiliates",
    "uncovered",
    "nearest_affiliate",
    "status",
)
REGION_TAIL: Final[tuple[str, ...]] = (
    "contact_code",
    "contact_name",
    "contact_page",
    "contact",
    "contact_source",
    "hops",
    "distance_km",
    "kind",
    "lat",
    "lon",
)
#: The columns of ``regions.csv`` with the default GLAM roots (one count column per root).
REGION_COLUMNS: Final[tuple[str, ...]] = (
    *REGION_HEAD,
    *vocab.GLAM_ROOT_COLUMNS.values(),
    *REGION_TAIL,
)
CONTACT_COLUMNS: Final[tuple[str, ...]] = (
    "region",
    "institution",
    "label",
    "type",
    "website",
    "email",
    "phone",
    "address",
    "lat",
    "lon",
    "affiliate",
    "affiliate_name",
    "affiliate_page",
    "affiliate_contact",
    "contact_source",
    "region_label",
    "type_label",
    "covered",
    "status",
)
UNPLACED_COLUMNS: Final[tuple[str, ...]] = ("institution", "label", "reason", "types", "countries")

#: Kilometres are kept to 0.1 km.
DISTANCE_DECIMALS: Final = 1


def region_record(row: CoverageRow) -> dict[str, str]:
    """A coverage row as the text cells of ``regions.csv``.

    >>> r = CoverageRow("Q211", "Latvia", "LV", "country", 4, (), True, "WMEE", None, 1, 281.04)
    >>> rec = region_record(r)
    >>> rec["uncovered"], rec["hops"], rec["distance_km"], rec["affiliates"], rec["status"]
    ('true', '1', '281', '', 'uncovered')
    """
    return {
        "region": row.region,
        "label": row.label,
        "iso": row.iso,
        "institutions": number(row.institutions, 0),
        "affiliates": " ".join(row.affiliates),
        "uncovered": number(row.uncovered, 0),
        "nearest_affiliate": row.nearest_affiliate or "",
        "status": row.status,
        **{k: number(v, 0) for k, v in row.type_counts},
        **contact_cells(row),
        "hops": number(row.hops, 0),
        "distance_km": number(row.distance_km, DISTANCE_DECIMALS),
        "kind": row.kind,
        "lat": number(row.lat, COORD_DECIMALS),
        "lon": number(row.lon, COORD_DECIMALS),
    }


def contact_record(row: ContactRow) -> dict[str, str]:
    """A contact row as the text cells of ``contacts.csv``."""
    return {
        "region": row.region,
        "institution": row.institution,
        "label": row.label,
        "type": row.type,
        "website": row.website,
        "email": row.email,
        "phone": row.phone,
        "address": row.address,
        "lat": number(row.lat, COORD_DECIMALS),
        "lon": number(row.lon, COORD_DECIMALS),
        "affiliate": row.affiliate,
        "region_label": row.region_label,
        "type_label": row.type_label,
        "covered": number(row.covered, 0),
        "affiliate_name": row.affiliate_name,
        "affiliate_page": row.affiliate_page,
        "affiliate_contact": row.affiliate_contact,
        "contact_source": row.contact_source,
        "status": row.status,
    }


def unplaced_record(item: Unplaced) -> dict[str, str]:
    """An unplaced institution as the text cells of ``unplaced.csv``."""
    return {
        "institution": item.qid,
        "label": item.label,
        "reason": item.reason,
        "types": " ".join(item.types),
        "countries": " ".join(item.countries),
    }


def unplaced_order(items: Iterable[Unplaced]) -> list[Unplaced]:
    """Unplaced institutions by label, then QID."""
    return sorted(items, key=lambda u: (text_key(u.label), qid_key(u.qid)))


def _write(
    path: str | os.PathLike[str], columns: Sequence[str], records: Iterable[dict[str, str]]
) -> int:
    """Write one CSV file atomically; each cell through :func:`glamgraph.export.cells.csv_cell`.

    Cells a spreadsheet would evaluate (``=``, ``+``, ``-``, ``@``, TAB, CR first) get a
    leading ``'`` unless inside :func:`glamgraph.export.cells.raw_csv`; every cell is capped
    at :data:`glamgraph.export.cells.MAX_FIELD` characters.
    """
    count = 0
    names = list(columns)
    known = set(names)
    neutralise = neutralising()  # once per file, not per cell
    with atomic_path(path) as tmp, tmp.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, dialect="excel")
        writer.writerow(names)
        for rec in records:
            if not known.issuperset(rec):  # as csv.DictWriter: a field of no column is an error
                raise ValueError(f"fields not in the columns: {sorted(set(rec) - known)}")
            writer.writerow(
                [
                    csv_cell(v, neutralise=neutralise) if isinstance(v, str) else v
                    for v in (rec.get(name, "") for name in names)
                ]
            )
            count += 1
    return count


def region_columns(rows: Sequence[CoverageRow]) -> tuple[str, ...]:
    """The columns of ``regions.csv`` for these rows (one count column per GLAM root)."""
    return (*REGION_HEAD, *type_columns(rows), *REGION_TAIL)


def to_regions_csv(coverage: Coverage, path: str | os.PathLike[str]) -> int:
    """Write ``regions.csv``: one row per unit region, uncovered first, then by institutions
    (descending), then label. Columns: ``region, label, iso, institutions, affiliates,
    uncovered, nearest_affiliate, status`` (covered, uncovered, no_institutions), one count per
    GLAM root (``museums`` ... ``aquariums``), whom to contact (``contact_code``,
    ``contact_name``, ``contact_page``, ``contact`` the best channel, ``contact_source``), then
    ``hops, distance_km, kind, lat, lon``.

    Args:
        coverage: the answer of :func:`glamgraph.coverage`.
        path: the file to write (replaced atomically).

    Returns:
        The number of rows written.

    Raises:
        WriteError: the file could not be written.
    """
    columns = region_columns(coverage.rows)
    return _write(path, columns, (region_record(r) for r in region_order(coverage.rows)))


def to_csv(coverage: Coverage, path: str | os.PathLike[str], *, all_regions: bool = False) -> int:
    """Write ``contacts.csv``: one row per institution in each uncovered region.

    Sorted by region QID, then label, then institution QID; an institution counted in two
    regions appears once per region. ``affiliate`` is whom to contact: the nearest affiliate
    (or the fallback contact) for an uncovered region, the local affiliates' codes otherwise.

    Args:
        coverage: the answer of :func:`glamgraph.coverage`.
        path: the file to write (replaced atomically).
        all_regions: list covered regions too (the CLI's ``--all``).

    Returns:
        The number of rows written.

    Raises:
        WriteError: the file could not be written.
    """
    rows = contact_rows(coverage, all_regions=all_regions)
    return _write(path, CONTACT_COLUMNS, (contact_record(r) for r in rows))


def to_unplaced_csv(coverage: Coverage, path: str | os.PathLike[str]) -> int:
    """Write ``unplaced.csv``: institutions with no current country, never counted anywhere.

    Args:
        coverage: the answer of :func:`glamgraph.coverage`.
        path: the file to write (replaced atomically).

    Returns:
        The number of rows written.

    Raises:
        WriteError: the file could not be written.
    """
    items = unplaced_order(coverage.unplaced)
    return _write(path, UNPLACED_COLUMNS, (unplaced_record(u) for u in items))
