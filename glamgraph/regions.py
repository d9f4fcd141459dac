"""Regions: what a user's region is, and its unit rows.

A region is given as ``world``, a QID (``Q46`` Europe, ``q142`` France, ``Q13917``
Île-de-France), an ISO code (``FR``, ``FRA``, ``FR-IDF``) or, for continents and countries, an
English name or alias as people type it (``europe``, ``Côte d'Ivoire``, ``cote d'ivoire``; case
and accents do not matter). Names and alpha-3 codes come from the table shipped in
``glamgraph/data/region_names.tsv`` (no query); a name that fits several regions (``Congo``) is
refused with the candidates, an unknown one with the closest names. Its unit rows are the current
countries of a continent (or of every continent, for ``world``), the first-level subdivisions of
a country (``P150``), or the subdivision itself.

Labels follow the languages asked for, in order. The region queries give English (else ``mul``)
with the language written into the query as a constant, which every engine honours (a language
bound outside an ``OPTIONAL`` is lost on WDQS and QLever); other languages come from
``labels.rq`` in one batched query, the first language that has a label winning.

A current country has an ISO 3166-1 alpha-2 code, no dissolution date and is no historical
country. When an alpha-2 code sits on several items the choice is deterministic: current items
first, then items with a UN M49 code, then the lowest QID number.

>>> from glamgraph.sparql import get_engine
>>> eng = get_engine("snapshot")
>>> r = resolve("NG", eng)
>>> r.qid, r.kind, r.label
('Q1033', 'country', 'Nigeria')
>>> resolve("europe", eng).qid, resolve("FRA", eng).qid, resolve("q142", eng).qid
('Q46', 'Q142', 'Q142')
>>> len(units(resolve("Q15", eng), eng)) >= 54
True
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from importlib import resources
from typing import Final

from glamgraph import ids, vocab
from glamgraph.errors import UnknownRegion
from glamgraph.model import Records, Region, RegionKind
from glamgraph.sparql import Engine, QueryResult, term_bool, term_qid, term_value

WORLD = Region("world", "world", "World")
#: The shipped table of continent and country names (see ``scripts/build_region_names.py``).
NAMES_FILE = "region_names.tsv"
#: What to use when the shipped sample cannot answer a region level.
FULL_ENDPOINTS = "--endpoint wdqs or --endpoint qlever"
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'", "\u02bc": "'"})


def name_key(text: str) -> str:
    """A region name as compared: accents folded, case-insensitive, one space, one apostrophe.

    >>> name_key("  Côte  D’Ivoire "), name_key("Åland")
    ("cote d'ivoire", 'aland')
    """
    text = unicodedata.normalize("NFKD", text.translate(_APOSTROPHES))
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"[-_.,]", " ", text)
    return " ".join(text.casefold().split())


@dataclasses.dataclass(frozen=True)
class NameTable:
    """The shipped names: name key -> QIDs, alpha-3 -> QID, QID -> English label."""

    by_name: dict[str, tuple[str, ...]]
    by_iso3: dict[str, str]
    label: dict[str, str]
    shown: dict[str, str]  # name key -> the name as written in the table


@functools.cache
def name_table() -> NameTable:
    """The continent and country names shipped in ``glamgraph/data/region_names.tsv``.

    >>> name_table().by_name["congo"]
    ('Q971', 'Q974')
    """
    text = (resources.files("glamgraph") / "data" / NAMES_FILE).read_text(encoding="utf-8")
    by_name: dict[str, list[str]] = {}
    by_iso3: dict[str, str] = {}
    label: dict[str, str] = {}
    shown: dict[str, str] = {}
    for line in text.splitlines()[1:]:
        cells = line.split("\t")
        if len(cells) != 6 or not ids.is_qid(cells[0]):
            continue
        qid, _kind, _iso2, iso3, _conts, names = cells
        all_names = [n for n in names.split("|") if n]
        if all_names:
            label[qid] = all_names[0]
        if iso3:
            by_iso3[iso3.upper()] = qid
        for n in all_names:
            key = name_key(n)
            shown.setdefault(key, n)
            if qid not in by_name.setdefault(key, []):
                by_name[key].append(qid)
    return NameTable(
        {k: tuple(sorted(v, key=ids.qid_number)) for k, v in by_name.items()},
        by_iso3,
        label,
        shown,
    )


def by_name(text: str) -> str | None:
    """The QID of a continent or country named ``text`` (an English label or alias, or an ISO
    alpha-3 code); ``None`` when the table has no such name; :class:`UnknownRegion` when the
    name fits several regions.

    >>> by_name("cote d'ivoire"), by_name("FRA"), by_name("Atlantis")
    ('Q1008', 'Q142', None)
    >>> by_name("Congo")
    Traceback (most recent call last):
    ...
    glamgraph.errors.UnknownRegion: ambiguous region: 'Congo' names Q971 (Republic of the Congo), Q974 (Democratic Republic of the Congo); give one of these QIDs
    """
    table = name_table()
    raw = text.strip()
    if re.fullmatch(r"[A-Za-z]{3}", raw) and raw.upper() in table.by_iso3:
        return table.by_iso3[raw.upper()]
    qids = table.by_name.get(name_key(raw), ())
    if len(qids) > 1:
        cands = ", ".join(f"{q} ({table.label.get(q, q)})" for q in qids)
        raise UnknownRegion(f"ambiguous region: {text!r} names {cands}; give one of these QIDs")
    return qids[0] if qids else None


def closest_names(text: str, n: int = 3) -> list[str]:
    """The names in the shipped table closest to ``text`` (for "did you mean").

    >>> closest_names("Frnace")
    ['France']
    """
    table = name_table()
    keys = difflib.get_close_matches(name_key(text), list(table.by_name), n=n, cutoff=0.6)
    return [table.shown[k] for k in keys]


#: The language the region queries give labels in (else ``mul``); others come from labels.rq.
QUERY_LABEL_LANG: Final = "en"
#: Items per ``labels.rq`` query.
LABEL_BATCH: Final = 300


def _langs(lang: str | Sequence[str]) -> list[str]:
    return (
        list(ids.parse_langs(lang)) if isinstance(lang, str) else [ids.check_lang(x) for x in lang]
    )


def relabel(
    regions: Sequence[Region],
    engine: Engine,
    lang: str | Sequence[str],
    results: list[QueryResult] | None = None,
) -> list[Region]:
    """The regions labelled in the first language of ``lang`` that has a label (from
    ``labels.rq``, batched); a region with none keeps the label it has (the region queries give
    English, else ``mul``). Nothing is sent when English alone is asked for."""
    langs = _langs(lang)
    todo = sorted({r.qid for r in regions if ids.is_qid(r.qid)}, key=ids.qid_number)
    if not todo or not langs or langs == [QUERY_LABEL_LANG]:
        return list(regions)
    found: dict[str, dict[str, str]] = {}
    for i in range(0, len(todo), LABEL_BATCH):
        res = engine.run("labels", item=todo[i : i + LABEL_BATCH], langs=langs)
        if results is not None:
            results.append(res)
        for row in res.rows:
            q, t = term_qid(row, "item"), row.get("label")
            if q and t and "value" in t:
                found.setdefault(q, {}).setdefault(t.get("xml:lang", ""), t["value"])
    out = []
    for r in regions:
        have = found.get(r.qid, {})
        best = next((have[x] for x in langs if x in have), None)
        out.append(dataclasses.replace(r, label=best) if best else r)
    return out


def _pick(rows: list[tuple[str, bool, bool]]) -> str:
    """The preferred item among ``(qid, is_current, has_m49)`` candidates."""
    return sorted(rows, key=lambda r: (not r[1], not r[2], ids.qid_number(r[0])))[0][0]


def _point(result_row: dict[str, dict[str, str]]) -> tuple[float | None, float | None]:
    pt = ids.parse_point(term_value(result_row, "coord"))
    return (pt[0], pt[1]) if pt else (None, None)


def _unknown(region: str) -> UnknownRegion:
    near = closest_names(region)
    hint = f"; closest names: {', '.join(near)}" if near else ""
    return UnknownRegion(
        f"unknown region: {region!r} (use world, a continent or country name, a QID such as Q46, "
        f"or an ISO code such as FR, FRA or FR-IDF{hint})"
    )


def _is_sample(engine: Engine) -> bool:
    return engine.serves_sample


def resolve(region: str, engine: Engine, *, lang: str | Sequence[str] = "en") -> Region:
    """The :class:`Region` a user means by ``region``; :class:`UnknownRegion` when none.

    Args:
        region: ``world``, a continent/country/subdivision QID (any case), an ISO 3166-1
            alpha-2 / alpha-3 or ISO 3166-2 code (case-insensitive), or the English name or
            alias of a continent or country (case and accents do not matter).
        engine: the SPARQL engine to ask.
        lang: the label languages, in order (``"fr,en"`` or a list).
    """
    raw = region.strip() if isinstance(region, str) else ""
    if raw.lower() == "world":
        return WORLD
    langs = _langs(lang)
    code = raw.upper()
    qid: str | None = None
    if re.fullmatch(r"[Qq][1-9][0-9]*", raw):
        qid = "Q" + raw[1:]
    elif ids.is_iso_3166_2(code):
        if _is_sample(engine):
            raise UnknownRegion(
                f"region {raw!r} is a subdivision: the shipped sample holds none; use "
                f"{FULL_ENDPOINTS}"
            )
        qid = _by_iso(code, engine)
    elif ids.is_iso_alpha2(code):
        try:
            qid = _by_iso(code, engine)
        except UnknownRegion:
            qid = by_name(raw)  # e.g. "UK"
            if qid is None:
                raise
    else:
        qid = by_name(raw)
    if qid is None:
        raise _unknown(region)
    if qid in vocab.CONTINENTS:
        cont = Region(qid, "continent", vocab.CONTINENTS[qid])
        return relabel([cont], engine, langs)[0]
    res = engine.run("region-info", items=[qid])
    sample_hint = (
        f"; the shipped sample holds continents and countries only, use {FULL_ENDPOINTS} for "
        "subdivisions"
        if _is_sample(engine)
        else ""
    )
    if not res.rows:
        extra = f" ({sample_hint[2:]})" if sample_hint else ""
        raise UnknownRegion(f"unknown region: {region!r}{extra}")
    row = min(res.rows, key=lambda r: term_value(r, "coord") or "~")
    label = term_value(row, "label") or qid
    label = relabel([Region(qid, "country", label)], engine, langs)[0].label
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
    raise UnknownRegion(f"unknown region: {region!r} ({qid} is {why}{sample_hint})")


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
    lang: str | Sequence[str] = "en",
    results: list[QueryResult] | None = None,
) -> Records[Region]:
    """The unit rows of ``region``: countries of a continent or the world, subdivisions of a
    country (the country itself when it has none on the endpoint), or the subdivision itself.
    Sorted by ISO code, then QID.

    ``results``, when given, receives the query results (for provenance)."""
    sink = results if results is not None else []
    langs = _langs(lang) or ["en"]
    if region.kind == "subdivision":
        return Records([region])
    if region.kind == "country":
        res = engine.run("subdivisions-of-country", country=region.qid)
        sink.append(res)
        subs = relabel(
            _rows_to_regions(res, "unit", "subdivision", region.qid), engine, langs, sink
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
    by_iso: dict[str, list[Region]] = {}
    for reg in out.values():
        by_iso.setdefault(reg.iso, []).append(reg)
    chosen = relabel([v[0] for v in by_iso.values()], engine, langs, sink)
    return Records(sorted(chosen, key=lambda r: (r.iso, ids.qid_number(r.qid))))


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


def is_region_code(value: str) -> bool:  # kept for callers; resolve() also takes names
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
    """The :class:`Region` for ``value`` (``world``, a name, a QID or an ISO code) on ``endpoint``.

    >>> region("FR-IDF", endpoint="snapshot")  # the snapshot has no subdivisions
    Traceback (most recent call last):
    ...
    glamgraph.errors.UnknownRegion: region 'FR-IDF' is a subdivision: the shipped sample holds none; use --endpoint wdqs or --endpoint qlever
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
