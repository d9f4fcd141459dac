"""What every output format shares: the contact rows, the sort order, provenance, atomic files.

Pure functions except :func:`atomic_path`, which only touches the file it is given.

>>> number(48.860611, 5), number(1e-06, 5), number(None, 5), number(3.0, 1)
('48.86061', '0', '', '3')
"""

from __future__ import annotations

import contextlib
import math
import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlsplit

from glamgraph import files, ids, vocab
from glamgraph._version import __version__
from glamgraph.errors import WriteError
from glamgraph.model import Coverage, CoverageRow, Institution

#: Where a Wikidata item is shown to people (links in XLSX, wikitext, the map).
WIKIDATA_PAGE = "https://www.wikidata.org/wiki/"

#: Decimal places kept for coordinates everywhere (5 decimals is about a metre).
COORD_DECIMALS = 5


@dataclass(frozen=True)
class ContactRow:
    """One institution in one unit region, flattened for a contacts table.

    An institution counted in two regions gives two rows, one per region.
    """

    region: str
    region_label: str
    institution: str
    label: str
    type: str
    type_label: str
    website: str
    email: str
    phone: str
    address: str
    lat: float | None
    lon: float | None
    affiliate: str  # the code(s) to contact: nearest affiliate or fallback; local codes if covered
    covered: bool
    affiliate_name: str = ""  # the name(s) of whom to contact ("; "-separated)
    affiliate_page: str = ""  # their Meta-Wiki page URL(s) (space-separated)
    affiliate_contact: str = ""  # the best channel(s) known ("; "-separated)
    contact_source: str = ""  # where each channel came from ("; "-separated)
    status: str = ""  # the region's status: covered, uncovered or no_institutions

    @property
    def has_coordinates(self) -> bool:
        """True when both coordinates are present and on the globe."""
        return valid_coordinates(self.lat, self.lon)


def valid_coordinates(lat: float | None, lon: float | None) -> bool:
    """True when ``lat``/``lon`` are finite numbers within [-90, 90] and [-180, 180].

    >>> valid_coordinates(48.86, 2.33), valid_coordinates(None, 2.0), valid_coordinates(91.0, 0.0)
    (True, False, False)
    """
    if lat is None or lon is None:
        return False
    if not (math.isfinite(lat) and math.isfinite(lon)):
        return False
    return -90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0


def qid_key(qid: str) -> tuple[int, str]:
    """Sort key putting QIDs in numeric order (``Q9`` before ``Q10``), anything else last.

    >>> sorted(["Q10", "Q9", "x"], key=qid_key)
    ['Q9', 'Q10', 'x']
    """
    # one check of the QID (qid_number would check it again: 87k keys per world's sort)
    return (int(qid[1:]), "") if ids.is_qid(qid) else (1 << 62, qid)


def text_key(text: str) -> tuple[str, str]:
    """Case-insensitive sort key with a case-sensitive tie-break (stable between runs)."""
    return (text.casefold(), text)


def row_key(row: CoverageRow) -> tuple[tuple[int, str], tuple[str, str]]:
    """The order of regions in the machine-readable files: by region QID (numeric)."""
    return (qid_key(row.region), text_key(row.label))


def label_order(rows: Sequence[CoverageRow]) -> list[CoverageRow]:
    """Rows in reading order (by label, then QID), for the files people read (wikitext)."""
    return sorted(rows, key=lambda r: (text_key(r.label or r.region), qid_key(r.region)))


def machine_order(rows: Sequence[CoverageRow]) -> list[CoverageRow]:
    """Rows in the order of the machine-readable files (by region QID, numeric)."""
    return sorted(rows, key=row_key)


def region_order(rows: Sequence[CoverageRow]) -> list[CoverageRow]:
    """Rows in the order of the regions tables: uncovered first, then by institutions
    (descending), then label, then QID.

    >>> rows = [CoverageRow("Q2", "B", "", "country", 5, ("X",), False),
    ...         CoverageRow("Q3", "C", "", "country", 1, (), True),
    ...         CoverageRow("Q1", "A", "", "country", 5, (), True)]
    >>> [r.region for r in region_order(rows)]
    ['Q1', 'Q3', 'Q2']
    """
    return sorted(
        rows,
        key=lambda r: (not r.uncovered, -r.institutions, text_key(r.label), qid_key(r.region)),
    )


def type_columns(rows: Sequence[CoverageRow]) -> tuple[str, ...]:
    """The per-root count columns of the rows (the seven default roots when none is known).

    >>> type_columns([])[:3]
    ('museums', 'libraries', 'archives')
    """
    for r in rows:
        if r.type_counts:
            return tuple(k for k, _ in r.type_counts)
    return tuple(vocab.GLAM_ROOT_COLUMNS.values())


def contact_cells(row: CoverageRow) -> dict[str, str]:
    """Whom to contact about a row, as text cells: code(s), name(s), page(s), channel(s) and
    the channels' sources (several contacts are joined with ``"; "``, codes and pages with a
    space).

    >>> from glamgraph.model import Contact
    >>> r = CoverageRow("Q1", "A", "", "country", 3, (), True, "EE", contacts=(Contact("EE",
    ...     "Wikimedia Eesti", "https://meta.wikimedia.org/wiki/Wikimedia_Eesti",
    ...     "info@wikimedia.ee", "registry"),))
    >>> contact_cells(r)["contact_name"], contact_cells(r)["contact"]
    ('Wikimedia Eesti', 'info@wikimedia.ee')
    """
    cs = row.contacts
    return {
        "contact_code": " ".join(c.code for c in cs) or contact_of(row),
        "contact_name": "; ".join(c.name for c in cs),
        "contact_page": " ".join(c.page for c in cs if c.page),
        "contact": "; ".join(c.channel for c in cs) or (row.contact or ""),
        "contact_source": "; ".join(c.channel_source for c in cs),
    }


def selected_rows(coverage: Coverage, all_regions: bool) -> list[CoverageRow]:
    """The rows a contacts file lists: the uncovered ones, or every row with ``all_regions``."""
    rows = coverage.rows if all_regions else coverage.uncovered()
    return machine_order(rows)


def institutions_by_unit(coverage: Coverage) -> dict[str, list[Institution]]:
    """Every institution under each unit region it counts in (one pass over the institutions)."""
    index: dict[str, list[Institution]] = {}
    for inst in coverage.institutions:
        for unit in dict.fromkeys(inst.units):
            index.setdefault(unit, []).append(inst)
    return index


def contact_of(row: CoverageRow) -> str:
    """Whom to contact about a row: its local affiliates when covered, else the nearest one
    (or the fallback contact).

    >>> contact_of(CoverageRow("Q1", "A", "", "country", 3, (), True, "WMEE", "GLAM-Wiki"))
    'WMEE'
    >>> contact_of(CoverageRow("Q1", "A", "", "country", 3, ("WMFR", "WMAB"), False))
    'WMFR WMAB'
    """
    if not row.uncovered and row.affiliates:
        return " ".join(row.affiliates)
    if row.uncovered:
        return row.nearest_affiliate or row.contact or ""
    return " ".join(c.code for c in row.contacts)


def type_label(inst: Institution) -> str:
    """The label of the institution's first class (parallel to ``types`` when lengths match)."""
    return first_type(inst)[1]


@contextlib.contextmanager
def shared_contact_rows() -> Iterator[None]:
    """Kept for callers of earlier versions: contact rows are now computed once per
    :class:`~glamgraph.model.Coverage` and kept on it (:func:`contact_rows`)."""
    yield


def contact_rows(coverage: Coverage, *, all_regions: bool = False) -> list[ContactRow]:
    """One row per institution per selected region, sorted by region QID, label, then QID.

    Computed once per coverage and selection and kept on the coverage
    (:meth:`~glamgraph.model.Coverage.derived_value`): one run writes ~9 files from the same
    rows (at 100k institutions computing them each time cost 7 s).

    Args:
        coverage: the answer of :func:`glamgraph.coverage`.
        all_regions: include covered regions too (with their local affiliate codes).

    Returns:
        The rows every contacts file (CSV, XLSX, wikitext) is made of (shared by every writer:
        do not modify the list).
    """
    name = f"export.contact_rows(all_regions={all_regions})"
    rows: list[ContactRow] = coverage.derived_value(
        name, lambda cov: _contact_rows(cov, all_regions)
    )
    return rows


def contact_count(coverage: Coverage, *, all_regions: bool = False) -> int:
    """``len(contact_rows(coverage, all_regions=...))``, without making the rows when they are
    not made already (``run.json`` counts them in a process that may not write a contacts
    file).

    >>> from glamgraph.model import Region
    >>> rows = [CoverageRow("Q1", "A", "", "country", 2, (), True),
    ...         CoverageRow("Q2", "B", "", "country", 1, ("WMB",), False)]
    >>> insts = [Institution("Q10", "X", units=("Q1",)),
    ...          Institution("Q11", "Y", units=("Q1", "Q2"))]
    >>> cov = Coverage(Region("Q2", "world"), [], rows, insts, [], [], "snapshot")
    >>> contact_count(cov), contact_count(cov, all_regions=True)
    (2, 3)
    """
    kept = coverage.derived_if_kept(f"export.contact_rows(all_regions={all_regions})")
    if kept is not None:
        return len(kept)
    selected = coverage.rows if all_regions else coverage.uncovered()
    wanted = {row.region for row in selected}
    per_unit: dict[str, int] = {}
    for inst in coverage.institutions:
        for unit in dict.fromkeys(inst.units):  # as _computed_contact_rows: once per unit
            if unit in wanted:
                per_unit[unit] = per_unit.get(unit, 0) + 1
    return sum(per_unit.get(row.region, 0) for row in selected)


def _contact_rows(coverage: Coverage, all_regions: bool) -> list[ContactRow]:
    if not all_regions:
        # the uncovered regions' rows are those of every region, when computed already, less
        # the rows of the other regions (the same order: regions by QID, then label and QID)
        every = coverage.derived_if_kept("export.contact_rows(all_regions=True)")
        regions = [r.region for r in coverage.rows]
        if every is not None and len(set(regions)) == len(regions):
            wanted = {r.region for r in coverage.uncovered()}
            return [c for c in every if c.region in wanted]
    return _computed_contact_rows(coverage, all_regions)


def region_members(
    coverage: Coverage, selected: Sequence[CoverageRow]
) -> Iterator[tuple[CoverageRow, list[Institution]]]:
    """Each of the ``selected`` rows that has institutions, with them in the order of its
    contact rows (label, then QID; ties in the order of ``coverage.institutions``)."""
    wanted = {row.region for row in selected}
    # one stable sort for all the regions' institutions
    members = [i for i in coverage.institutions if not wanted.isdisjoint(i.units)]
    members.sort(key=lambda i: (text_key(i.label), qid_key(i.qid)))
    index: dict[str, list[Institution]] = {}
    for inst in members:
        for unit in dict.fromkeys(inst.units):
            if unit in wanted:
                index.setdefault(unit, []).append(inst)
    for row in selected:
        insts = index.get(row.region)
        if insts:
            yield row, insts


def first_type(inst: Institution) -> tuple[str, str]:
    """The class a contact row shows (``inst.type``, the lowest QID of its classes, or "") and
    its label: the one parallel to it when ``type_labels`` matches ``types``, else the first."""
    types, labels = inst.types, inst.type_labels
    first = min(types) if types else ""
    if types and len(labels) == len(types):
        return first, labels[types.index(first)]
    return first, labels[0] if labels else ""


def _computed_contact_rows(coverage: Coverage, all_regions: bool) -> list[ContactRow]:
    out: list[ContactRow] = []
    append = out.append
    for row, insts in region_members(coverage, selected_rows(coverage, all_regions)):
        cells = contact_cells(row)
        # the fields every row of this region shares
        region, region_label, status = row.region, row.label, row.status
        contact, covered = contact_of(row), not row.uncovered
        name, page = cells["contact_name"], cells["contact_page"]
        channel, source = cells["contact"], cells["contact_source"]
        for inst in insts:
            valid = valid_coordinates(inst.lat, inst.lon)
            email = min(inst.emails) if inst.emails else ""
            phone = min(inst.phones) if inst.phones else ""
            first, first_label = first_type(inst)
            append(
                ContactRow(  # positional, in the order of its fields
                    region,
                    region_label,
                    inst.qid,
                    inst.label,
                    first,
                    first_label,
                    min(inst.websites) if inst.websites else "",
                    _strip_prefix(email, "mailto:") if email else "",
                    _strip_prefix(phone, "tel:") if phone else "",
                    inst.address or "",
                    inst.lat if valid else None,
                    inst.lon if valid else None,
                    contact,
                    covered,
                    name,
                    page,
                    channel,
                    source,
                    status,
                )
            )
    return out


def _strip_prefix(value: str, prefix: str) -> str:
    return value[len(prefix) :] if value.lower().startswith(prefix) else value


def without_coordinates(coverage: Coverage, rows: Sequence[CoverageRow] | None = None) -> int:
    """How many distinct institutions (in ``rows``' regions, default all) lack usable coordinates."""
    regions = {r.region for r in (coverage.rows if rows is None else rows)}
    return sum(
        1
        for i in coverage.institutions
        if regions.intersection(i.units) and not valid_coordinates(i.lat, i.lon)
    )


def number(value: float | int | None, decimals: int) -> str:
    """A number as CSV text: rounded, no exponent, no trailing zeros, empty for ``None``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if not math.isfinite(value):
        return ""
    text = f"{value:.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def rounded(value: float | None, decimals: int = COORD_DECIMALS) -> float | None:
    """``value`` rounded, or ``None`` (also for NaN and infinities)."""
    if value is None or not math.isfinite(value):
        return None
    return round(value, decimals) + 0.0  # + 0.0 turns -0.0 into 0.0


_CONTROL_RE: Final = re.compile("[\x00-\x1f\x7f]")


def http_url(url: str) -> str | None:
    """``url`` stripped, when it is an http(s) URL with a host; ``None`` otherwise.

    >>> http_url(" https://ex.org/x "), http_url("mailto:a@b.org"), http_url("http://[x")
    ('https://ex.org/x', None, None)
    """
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. a broken IPv6 literal
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    if _CONTROL_RE.search(url):
        return None
    return url.replace(" ", "%20")


def wikidata_url(qid: str) -> str:
    """The page of a Wikidata item.

    >>> wikidata_url("Q142")
    'https://www.wikidata.org/wiki/Q142'
    """
    return WIKIDATA_PAGE + qid


def query_names(coverage: Coverage) -> list[str]:
    """Every query behind the coverage: those with texts, those in the provenance, those in rows."""
    names: dict[str, None] = {}
    for name in coverage.query_texts:
        names[name] = None
    for prov in coverage.provenance:
        name = str(prov.get("query_name") or "")
        if name:
            names[name] = None
    for row in coverage.rows:
        for name in row.queries:
            names[name] = None
    return sorted(names)


def endpoint_urls(coverage: Coverage) -> list[str]:
    """The endpoint URLs the provenance names (several when a fallback answered)."""
    urls: dict[str, None] = {}
    for prov in coverage.provenance:
        url = str(prov.get("endpoint_url") or "")
        if url:
            urls[url] = None
    return list(urls)


def created_iso(coverage: Coverage) -> str:
    """The creation time of the coverage, ISO 8601 to the second."""
    return coverage.created.isoformat(timespec="seconds")


def provenance_meta(coverage: Coverage) -> dict[str, Any]:
    """The provenance every output carries: generator, endpoint, date, region and query names."""
    region = coverage.region
    return {
        "generator": f"glamgraph {__version__}",
        "endpoint": coverage.endpoint,
        "endpoint_urls": endpoint_urls(coverage),
        "created": created_iso(coverage),
        "region": {
            "qid": region.qid,
            "label": region.label,
            "kind": region.kind,
            "iso": region.iso,
        },
        "queries": query_names(coverage),
        "wikidata": vocab.WD,
    }


def provenance_line(coverage: Coverage) -> str:
    """One sentence naming the endpoint, date and queries (comments and footers)."""
    meta = provenance_meta(coverage)
    where = coverage.endpoint
    if meta["endpoint_urls"] and meta["endpoint_urls"] != [coverage.endpoint]:
        where += " (" + ", ".join(meta["endpoint_urls"]) + ")"
    queries = ", ".join(meta["queries"]) or "none recorded"
    return (
        f"Made by {meta['generator']} on {meta['created']} from endpoint {where}; "
        f"queries: {queries}."
    )


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success it replaces ``path`` in one rename.

    On any exception the temporary file is removed and ``path`` is left as it was. OS errors
    become :class:`~glamgraph.errors.WriteError` naming the file.

    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> with atomic_path(d / "a.txt") as tmp:
    ...     _ = tmp.write_text("done")
    >>> (d / "a.txt").read_text(), sorted(p.name for p in d.iterdir())
    ('done', ['a.txt'])
    """
    target = Path(path)
    if target.is_dir():
        raise WriteError(f"cannot write {target}: it is a directory")
    if not target.parent.is_dir():
        raise WriteError(f"cannot write {target}: {target.parent} is not a directory")
    try:
        with files.atomic_path(target) as tmp:
            yield tmp
    except OSError as exc:
        raise WriteError(f"cannot write {target}: {exc.strerror or exc}") from exc
