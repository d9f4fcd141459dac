"""Regions: what a user's region is, and its unit rows.

A region is given as ``world``, a QID (``Q46`` Europe, ``Q142`` France, ``Q13917``
Île-de-France) or an ISO code (``FR``, ``FR-IDF``). Its unit rows are the current countries of a
continent (or of every continent, for ``world``), the first-level subdivisions of a country
(``P150``), or the subdivision itself.

A current country has an ISO 3166-1 alpha-2 code, no dissolution date and is no historical
country. When an alpha-2 code sits on several items the choice is deterministic: current items
first, then items with a UN M49 code, then the lowest QID number.

>>> from glamgraph.sparql import get_engine
>>> eng = get_engine("snapshot")
>>> r = resolve("NG", eng)
>>> r.qid, r.kind, r.label
('Q1033', 'country', 'Nigeria')
>>> len(units(resolve("Q15", eng), eng)) >= 54
True
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable

from glamgraph import ids, vocab
from glamgraph.errors import UnknownRegion
from glamgraph.model import Records, Region, RegionKind
from glamgraph.sparql import Engine, QueryResult, term_bool, term_qid, term_value

WORLD = Region("world", "world", "World")


def _pick(rows: list[tuple[str, bool, bool]]) -> str:
    """The preferred item among ``(qid, is_current, has_m49)`` candidates."""
    return sorted(rows, key=lambda r: (not r[1], not r[2], ids.qid_number(r[0])))[0][0]


def _point(result_row: dict[str, dict[str, str]]) -> tuple[float | None, float | None]:
    pt = ids.parse_point(term_value(result_row, "coord"))
    return (pt[0], pt[1]) if pt else (None, None)


def resolve(region: str, engine: Engine, *, lang: str = "en") -> Region:
    """The :class:`Region` a user means by ``region``; :class:`UnknownRegion` when none.

    Args:
        region: ``world``, a continent/country/subdivision QID, or an ISO 3166-1 alpha-2 /
            ISO 3166-2 code (case-insensitive).
        engine: the SPARQL engine to ask.
        lang: the language of the label.
    """
    raw = region.strip() if isinstance(region, str) else ""
    if raw.lower() == "world":
        return WORLD
    code = raw.upper()
    if ids.is_qid(raw):
        qid = raw
    elif ids.is_iso_alpha2(code) or ids.is_iso_3166_2(code):
        qid = _by_iso(code, engine)
    else:
        raise UnknownRegion(
            f"unknown region: {region!r} (use world, a QID such as Q46, or an ISO code such as FR "
            "or FR-IDF)"
        )
    if qid in vocab.CONTINENTS:
        return Region(qid, "continent", vocab.CONTINENTS[qid])
    lang = ids.check_lang(lang)
    res = engine.run("region-info", items=[qid])
    if not res.rows:
        raise UnknownRegion(f"unknown region: {region!r}")
    row = min(res.rows, key=lambda r: term_value(r, "coord") or "~")
    label = _labels_in(lang, [qid], engine).get(qid) or term_value(row, "label") or qid
    lat, lon = _point(row)
    dissolved = any(term_value(r, "dissolved") or term_bool(r, "historical") for r in res.rows)
    iso = term_value(row, "iso")
    if iso and not dissolved:
        return Region(qid, "country", label, iso, lat, lon)
    countries = sorted({c for r in res.rows if (c := term_qid(r, "country"))}, key=ids.qid_number)
    if countries and not dissolved:
        return Region(
            qid, "subdivision", label, term_value(row, "iso2") or "", lat, lon, countries[0]
        )
    why = "a former country or region" if dissolved else "not a continent, a current country or"
    if not dissolved:
        why += " a first-level subdivision (P150) of one"
    raise UnknownRegion(f"unknown region: {region!r} ({qid} is {why})")


def _by_iso(code: str, engine: Engine) -> str:
    res = engine.run("region-by-iso", code=code)
    kind = "subdivision" if "-" in code else "country"
    cands = []
    for r in res.rows:
        q = term_qid(r, "item")
        if q is None or term_value(r, "kind") != kind:
            continue
        current = not (term_value(r, "dissolved") or term_bool(r, "historical"))
        cands.append((q, current, term_value(r, "m49") is not None))
    if not cands:
        raise UnknownRegion(f"unknown region: {code!r} (no item carries this ISO code)")
    return _pick(cands)


def units(
    region: Region,
    engine: Engine,
    *,
    lang: str = "en",
    results: list[QueryResult] | None = None,
) -> Records[Region]:
    """The unit rows of ``region``: countries of a continent or the world, subdivisions of a
    country (the country itself when it has none on the endpoint), or the subdivision itself.
    Sorted by ISO code, then QID.

    ``results``, when given, receives the query results (for provenance)."""
    sink = results if results is not None else []
    if region.kind == "subdivision":
        return Records([region])
    if region.kind == "country":
        res = engine.run("subdivisions-of-country", country=region.qid)
        sink.append(res)
        subs = _relabel(
            _rows_to_regions(res, "unit", "subdivision", region.qid), lang, engine, sink
        )
        if not subs:  # no first-level subdivision known (P150): the country is its own unit row
            return Records([region])
        return Records(sorted(subs, key=lambda r: (r.iso, ids.qid_number(r.qid))))
    continents = list(vocab.CONTINENTS) if region.kind == "world" else [region.qid]
    out: dict[str, Region] = {}
    for cont in continents:
        res = engine.run("countries-of-continent", continent=cont)
        sink.append(res)
        for reg in _countries(res, cont):
            out.setdefault(reg.qid, reg)
    out = {r.qid: r for r in _relabel(list(out.values()), lang, engine, sink)}
    by_iso: dict[str, list[Region]] = {}
    for reg in out.values():
        by_iso.setdefault(reg.iso, []).append(reg)
    return Records(
        sorted((v[0] for v in by_iso.values()), key=lambda r: (r.iso, ids.qid_number(r.qid)))
    )


#: The language the region queries label in themselves (else ``mul``); any other comes from
#: ``labels.rq`` (a language filter inside an OPTIONAL must be a constant on WDQS and QLever).
QUERY_LABEL_LANG = "en"


def _labels_in(
    lang: str, qids: list[str], engine: Engine, sink: list[QueryResult] | None = None
) -> dict[str, str]:
    """The labels of ``qids`` in ``lang`` (none asked for English: the queries give it)."""
    if lang == QUERY_LABEL_LANG or not qids:
        return {}
    found: dict[str, str] = {}
    for i in range(0, len(qids), 300):
        res = engine.run("labels", item=qids[i : i + 300], langs=[lang])
        if sink is not None:
            sink.append(res)
        for row in res.rows:
            if (q := term_qid(row, "item")) and (label := term_value(row, "label")):
                found.setdefault(q, label)
    return found


def _relabel(
    regs: list[Region], lang: str, engine: Engine, sink: list[QueryResult]
) -> list[Region]:
    """``regs`` with their labels in ``lang`` where there is one."""
    found = _labels_in(ids.check_lang(lang), [r.qid for r in regs], engine, sink)
    return [dataclasses.replace(r, label=found[r.qid]) if r.qid in found else r for r in regs]


def _countries(res: QueryResult, continent: str) -> list[Region]:
    """One region per alpha-2 code, chosen deterministically (see module docstring)."""
    regions = _rows_to_regions(res, "country", "country", continent)
    m49 = {q for r in res.rows if term_value(r, "m49") and (q := term_qid(r, "country"))}
    by_iso: dict[str, list[Region]] = {}
    for reg in regions:
        by_iso.setdefault(reg.iso, []).append(reg)
    chosen: list[Region] = []
    for _iso, regs in by_iso.items():
        best = _pick([(r.qid, True, r.qid in m49) for r in regs])
        chosen.extend(r for r in regs if r.qid == best)
    return chosen


def _rows_to_regions(res: QueryResult, var: str, kind: RegionKind, parent: str) -> list[Region]:
    seen: dict[str, Region] = {}
    for row in sorted(res.rows, key=lambda r: term_value(r, "coord") or "~"):
        q = term_qid(row, var)
        if q is None or q in seen:
            continue
        lat, lon = _point(row)
        seen[q] = Region(
            q,
            kind,
            term_value(row, "label") or q,
            term_value(row, "iso") or "",
            lat,
            lon,
            parent,
        )
    return list(seen.values())


def borders(
    qids: Iterable[str], engine: Engine, *, results: list[QueryResult] | None = None
) -> list[tuple[str, str]]:
    """The P47 border pairs among ``qids`` (each pair once, sorted)."""
    wanted = sorted(set(qids), key=ids.qid_number)
    if not wanted:
        return []
    res = engine.run("borders", region=wanted)
    if results is not None:
        results.append(res)
    inside = set(wanted)
    pairs = set()
    for row in res.rows:
        a, b = term_qid(row, "region"), term_qid(row, "neighbour")
        if a in inside and b in inside and a != b:
            pairs.add((min(a, b, key=ids.qid_number), max(a, b, key=ids.qid_number)))
    return sorted(pairs, key=lambda p: (ids.qid_number(p[0]), ids.qid_number(p[1])))


def is_region_code(value: str) -> bool:
    """True when ``value`` looks like something :func:`resolve` could accept (no query sent).

    >>> is_region_code("FR-IDF"), is_region_code("Q46"), is_region_code("world"), is_region_code("x!")
    (True, True, True, False)
    """
    v = value.strip()
    return (
        v.lower() == "world"
        or ids.is_qid(v)
        or re.fullmatch(r"[A-Za-z]{2}(-[A-Za-z0-9]{1,3})?", v) is not None
    )


def region(value: str, *, endpoint: str | Engine = "wdqs", lang: str = "en") -> Region:
    """The :class:`Region` for ``value`` (``world``, a QID or an ISO code) on ``endpoint``.

    >>> region("FR-IDF", endpoint="snapshot")  # the snapshot has no subdivisions
    Traceback (most recent call last):
    ...
    glamgraph.errors.UnknownRegion: unknown region: 'FR-IDF' (no item carries this ISO code)
    """
    from glamgraph.sparql import get_engine

    return resolve(value, get_engine(endpoint), lang=lang)


def unit_regions(
    value: str, *, endpoint: str | Engine = "wdqs", lang: str = "en"
) -> Records[Region]:
    """The unit rows of ``value``: a continent's countries, a country's first-level subdivisions.

    >>> [r.iso for r in unit_regions("Q538", endpoint="snapshot")][:3]
    ['AS', 'AU', 'CC']
    """
    from glamgraph.sparql import get_engine

    eng = get_engine(endpoint)
    return units(resolve(value, eng, lang=lang), eng, lang=lang)
