"""The organiser's registry: a CSV that adds affiliates and overrides fields by ``code``."""

from __future__ import annotations

import csv
import dataclasses
import io
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from glamgraph import ids
from glamgraph.affiliates.module import read_text
from glamgraph.affiliates.normalise import normalise_status, normalise_type
from glamgraph.errors import MalformedFile
from glamgraph.model import Affiliate, AffiliateStatus, AffiliateType, SourceRef
from glamgraph.sparql import Engine, QueryResult, get_engine, term_bool, term_qid, term_value

#: The registry's header: these columns, each exactly once.
#: The largest registry file read (bytes); a bigger one is refused before it is read.
MAX_REGISTRY_BYTES: Final = 64 * 1024 * 1024
REGISTRY_COLUMNS: Final = ("code", "name", "type", "countries", "status", "contact", "note")

_CODE_RE: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.+-]*")


@dataclass(frozen=True)
class RegistryRow:
    """One checked row of the organiser's registry (``countries`` as written: QIDs or codes)."""

    line: int
    code: str
    name: str = ""
    type: AffiliateType | None = None
    countries: tuple[str, ...] = ()
    status: AffiliateStatus | None = None
    contact: str = ""
    note: str = ""


def read_registry(path: str | os.PathLike[str]) -> list[RegistryRow]:
    """Read and check the organiser's registry CSV (no query is sent).

    Header: exactly the columns of :data:`REGISTRY_COLUMNS`. ``countries`` is ``;``-separated
    QIDs, ISO 3166-1 alpha-2 or ISO 3166-2 codes; ``type`` is ``chapter``, ``thematic``, ``user
    group`` or ``other`` (or the module's words); ``status`` ``recognised``, ``derecognised`` or
    ``suspended`` (either spelling). Empty cells are allowed (they override nothing).

    A file larger than :data:`MAX_REGISTRY_BYTES` is refused before it is read.

    Raises:
        MalformedFile: naming the file, the line and the problem.
    """
    p = Path(path).expanduser().resolve()
    text = read_text(p, MAX_REGISTRY_BYTES)

    def bad(line: int | None, problem: str) -> MalformedFile:
        return MalformedFile(f"{p}, line {line}: {problem}" if line else f"{p}: {problem}")

    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[RegistryRow] = []
    header: list[str] | None = None
    seen: dict[str, int] = {}
    last = 0
    try:
        for cells in reader:
            line, last = last + 1, reader.line_num
            if not any(c.strip() for c in cells):
                continue
            if header is None:
                header = [c.strip() for c in cells]
                _check_header(header, line, bad)
                continue
            if len(cells) != len(header):
                raise bad(line, f"{len(cells)} fields, expected {len(header)} ({','.join(header)})")
            rows.append(_registry_row(dict(zip(header, cells, strict=True)), line, seen, bad))
    except csv.Error as exc:
        raise bad(reader.line_num, f"not valid CSV ({exc})") from exc
    if header is None:
        raise bad(None, f"empty file: no header (expected {','.join(REGISTRY_COLUMNS)})")
    return rows


def _check_header(header: list[str], line: int, bad: Any) -> None:
    expected = ",".join(REGISTRY_COLUMNS)
    dupes = sorted({c for c in header if header.count(c) > 1})
    if dupes:
        raise bad(line, f"column {dupes[0]!r} appears twice (expected header {expected})")
    unknown = [c for c in header if c not in REGISTRY_COLUMNS]
    if unknown:
        raise bad(line, f"unknown column {unknown[0]!r} (expected header {expected})")
    missing = [c for c in REGISTRY_COLUMNS if c not in header]
    if missing:
        raise bad(line, f"missing column {missing[0]!r} (expected header {expected})")


def _registry_row(cells: dict[str, str], line: int, seen: dict[str, int], bad: Any) -> RegistryRow:
    code = cells["code"].strip()
    if not code:
        raise bad(line, "empty code (every row needs the affiliate's code)")
    if _CODE_RE.fullmatch(code) is None:
        raise bad(line, f"malformed code {code!r} (letters, digits and - _ . + only)")
    if code.casefold() in seen:
        raise bad(line, f"code {code!r} already on line {seen[code.casefold()]}")
    seen[code.casefold()] = line
    raw_type = cells["type"].strip()
    atype = normalise_type(raw_type) if raw_type else None
    if raw_type and atype is None:
        raise bad(line, f"bad type {raw_type!r} (use chapter, thematic, user group or other)")
    raw_status = cells["status"].strip()
    status = normalise_status(raw_status) if raw_status else None
    if raw_status and status is None:
        raise bad(line, f"bad status {raw_status!r} (use recognised, derecognised or suspended)")
    tokens: list[str] = []
    for tok in (t.strip() for t in cells["countries"].split(";")):
        if not tok:
            continue
        if ids.is_qid(tok):
            tokens.append(tok)
        elif ids.is_iso_alpha2(tok.upper()) or ids.is_iso_3166_2(tok.upper()):
            tokens.append(tok.upper())  # QA (Qatar) is a code, not a malformed QID
        elif tok[:1] in ("Q", "q") and tok[1:2].isdigit():
            raise bad(line, f"malformed QID {tok!r} in countries")
        else:
            raise bad(
                line, f"{tok!r} in countries is neither a QID nor an ISO code (FR, FR-IDF, Q142)"
            )
    return RegistryRow(
        line=line,
        code=code,
        name=" ".join(cells["name"].split()),
        type=atype,
        countries=tuple(dict.fromkeys(tokens)),
        status=status,
        contact=cells["contact"].strip(),
        note=cells["note"].strip(),
    )


def resolve_iso_codes(
    rows: Sequence[RegistryRow], engine: str | Engine, path: str | os.PathLike[str]
) -> tuple[dict[str, str], list[QueryResult]]:
    """The QID of every ISO code in the registry (``queries/region-by-iso.rq``, one per code).

    A code on several items: current ones only (no P576, not a historical country), of the kind
    the code's form says (alpha-2: country, ISO 3166-2: subdivision), then one with a UN M49
    code, then the lowest QID number.

    Raises:
        MalformedFile: a code no current country or subdivision carries (file and line named).
    """
    eng = get_engine(engine)
    first_line: dict[str, int] = {}
    for row in rows:
        for tok in row.countries:
            if not ids.is_qid(tok):
                first_line.setdefault(tok, row.line)
    out: dict[str, str] = {}
    results: list[QueryResult] = []
    for code in sorted(first_line):
        res = eng.run("region-by-iso", code=code)
        results.append(res)
        kind = "country" if ids.is_iso_alpha2(code) else "subdivision"
        cands = []
        for r in res.rows:
            item = term_qid(r, "item")
            if item is None or term_value(r, "kind") != kind:
                continue
            if term_value(r, "dissolved") is not None or term_bool(r, "historical"):
                continue
            cands.append((0 if term_value(r, "m49") else 1, ids.qid_number(item), item))
        if not cands:
            p = Path(path).expanduser().resolve()
            raise MalformedFile(
                f"{p}, line {first_line[code]}: unknown ISO code {code!r} (no current "
                f"{kind} carries it)"
            )
        out[code] = min(cands)[2]
    return out, results


def apply_registry(
    affs: list[Affiliate], rows: Sequence[RegistryRow], codes: dict[str, str], path: Path
) -> list[Affiliate]:
    """The affiliates with the registry's rows applied by code (case-insensitive): a known code
    is overridden field by field (an empty cell overrides nothing), a new one is added.
    ``codes`` maps the registry's ISO codes to QIDs; ``path`` is the registry file (for the
    affiliates' :class:`~glamgraph.model.SourceRef` and ``source``).

    >>> row = RegistryRow(2, "X", "X UG", "user group", ("Q191",), "recognised")
    >>> [a.source for a in apply_registry([], [row], {}, Path("/r.csv"))]
    ['registry /r.csv line 2']
    """
    out = list(affs)
    # Affiliates by code (case-insensitive): one look-up per row, so the merge is linear.
    by_code: dict[str, list[int]] = {}
    for i, a in enumerate(out):
        by_code.setdefault(a.code.casefold(), []).append(i)
    prefix = f"registry {path} line "
    for row in rows:
        where = f"{prefix}{row.line}"
        ref = SourceRef("registry", str(path), line=row.line, url=path.as_uri())
        countries = tuple(dict.fromkeys(codes.get(t, t) for t in row.countries))
        hits = by_code.get(row.code.casefold(), [])
        if not hits:
            by_code[row.code.casefold()] = [len(out)]
            out.append(
                Affiliate(
                    code=row.code,
                    name=row.name or row.code,
                    type=row.type or "other",
                    countries=countries,
                    status=row.status or "recognised",
                    source=where,
                    refs=(ref,),
                    contact=row.contact,
                    contact_source="registry" if row.contact else "",
                    country_names=row.countries,
                    note=row.note,
                )
            )
            continue
        for i in hits:
            a = out[i]
            changes: dict[str, Any] = {"source": f"{a.source} +{where}", "refs": (*a.refs, ref)}
            if row.name:
                changes["name"] = row.name
            if row.type:
                changes["type"] = row.type
            if row.countries:
                changes.update(countries=countries, country_names=row.countries, unresolved=())
            if row.status:
                changes["status"] = row.status
            if row.contact:
                changes.update(contact=row.contact, contact_source="registry")
            if row.note:
                changes["note"] = row.note
            out[i] = dataclasses.replace(a, **changes)
    return out


#: The former name of :func:`apply_registry` (kept for scripts that still call it).
_apply_registry = apply_registry
