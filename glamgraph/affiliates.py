"""Wikimedia movement affiliates: Meta-Wiki's module, Wikidata and the organiser's registry, merged.

Three sources, in order of authority:

1. **Meta-Wiki's** ``Module:Organizational_Informations``, the Affiliates Data Portal's table of
   every affiliate (fetched through :mod:`glamgraph.mediawiki`, or read from a file, or the
   snapshot's reconstructed copy), read without running it (:mod:`glamgraph.lua`). Each entry is
   normalised: ``org_type`` to ``chapter`` / ``thematic`` / ``user group`` / ``other``,
   ``recognition_status`` (either spelling) to ``recognised`` / ``derecognised`` /
   ``suspended``, dates (DD/MM/YYYY, YYYY/MM/DD, ISO) to :class:`datetime.date`, and
   ``group_country`` names to Wikidata QIDs.
2. **Wikidata** complements it: affiliate items (instances of the classes labelled
   ``vocab.AFFILIATE_CLASS_LABELS``, found by label at run time) add their operating area
   (P2541), headquarters (P159) and official website (P856). Meta-Wiki wins where the two
   disagree (country, type, a dissolved item still recognised on Meta-Wiki); each disagreement
   is listed in :attr:`AffiliateSet.disagreements` and warned about. Wikidata's countries are used
   only for an affiliate whose module entry gives none that resolves.
3. **The organiser's registry** (CSV, :data:`REGISTRY_COLUMNS`) adds affiliates and overrides
   fields of existing ones by ``code``; an empty cell overrides nothing.

**Country names.** All names of a module go to Wikidata in ONE batched query
(``queries/names-to-items.rq``: English or ``mul`` labels and aliases of current countries). A
name is tried as given, then through :data:`COUNTRY_NAME_VARIANTS` (variants that labels and
aliases do not catch, mapped to a canonical English name) and without a leading "The"; a label
beats an alias. Several items for one name: the lowest QID number, with a warning. A name that
matches nothing is warned about and kept in ``Affiliate.unresolved``, never silently dropped.
Thematic and international organisations (``org_type`` thematic, or ``region`` International)
get no countries.

**Matching module entries to Wikidata items.** By the Meta-Wiki page first: the module's
``group_page`` against the item's Meta-Wiki sitelink or an official website (P856) on
meta.wikimedia.org; else by name: ``group_name`` equal to the item's English label (case,
accents and spacing ignored). Several items: the lowest QID number, with a warning.

Every :class:`~glamgraph.model.Affiliate` says in ``source`` where it came from, e.g.
``Module:Organizational_Informations rev 27654321 (2025-03-01T10:20:30Z) +wikidata Q9300010
+registry /home/me/registry.csv line 3``.

>>> normalise_type("Wikimedia User Group"), normalise_status("derecognized")
('user group', 'derecognised')
>>> parse_date("15/06/2024"), parse_date("2017/10/31"), parse_date("2021-11-05T23:00:00.000Z")
(datetime.date(2024, 6, 15), datetime.date(2017, 10, 31), datetime.date(2021, 11, 5))
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import hashlib
import io
import os
import re
import unicodedata
import urllib.parse
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from glamgraph import ids, lua, vocab
from glamgraph.errors import MalformedFile
from glamgraph.mediawiki import MediaWikiClient, MediaWikiSettings
from glamgraph.model import (
    Affiliate,
    AffiliateSet,
    AffiliateStatus,
    AffiliateType,
    Disagreement,
    UnresolvedName,
)
from glamgraph.sparql import Engine, QueryResult, get_engine, term_qid, term_value

SNAPSHOT_MODULE: Final = "Organizational_Informations.lua"
SNAPSHOT_SOURCE: Final = "snapshot module (reconstructed)"
#: The registry's header: these columns, each exactly once.
REGISTRY_COLUMNS: Final = ("code", "name", "type", "countries", "status", "contact", "note")

_TYPES: Final[dict[str, AffiliateType]] = {
    "chapter": "chapter",
    "wikimedia chapter": "chapter",
    "thematic": "thematic",
    "thematic organization": "thematic",
    "thematic organisation": "thematic",
    "wikimedia thematic organization": "thematic",
    "user group": "user group",
    "wikimedia user group": "user group",
    "other": "other",
    "allied or other organization": "other",
    "allied or other organisation": "other",
}
_STATUSES: Final[dict[str, AffiliateStatus]] = {
    "recognised": "recognised",
    "recognized": "recognised",
    "derecognised": "derecognised",
    "derecognized": "derecognised",
    "suspended": "suspended",
}
#: The type each Wikidata affiliate class (by English label) stands for.
CLASS_TYPES: Final[dict[str, AffiliateType]] = dict(
    zip(vocab.AFFILIATE_CLASS_LABELS, ("chapter", "thematic", "user group"), strict=True)
)
#: ``group_country`` values that mean "no particular country" (not reported as unresolved).
NO_COUNTRY: Final = frozenset({"", "international", "worldwide", "global", "none", "n/a", "-"})

#: Country names found in affiliate data that Wikidata's English labels and aliases may not
#: give, mapped to a canonical English name (a label or alias on Wikidata and in the snapshot).
#: Keys are compared case-, accent- and apostrophe-insensitively (see :func:`name_key`).
COUNTRY_NAME_VARIANTS: Final[dict[str, str]] = {
    "The Netherlands": "Netherlands",
    "Holland": "Netherlands",
    "Czechia": "Czech Republic",
    "United States": "United States of America",
    "USA": "United States of America",
    "US": "United States of America",
    "U.S.A.": "United States of America",
    "UK": "United Kingdom",
    "U.K.": "United Kingdom",
    "Great Britain": "United Kingdom",
    "Britain": "United Kingdom",
    "United Kingdom of Great Britain and Northern Ireland": "United Kingdom",
    "Côte d'Ivoire": "Ivory Coast",
    "Cote d'Ivoire": "Ivory Coast",
    "DR Congo": "Democratic Republic of the Congo",
    "DRC": "Democratic Republic of the Congo",
    "Congo-Kinshasa": "Democratic Republic of the Congo",
    "Congo (Kinshasa)": "Democratic Republic of the Congo",
    "Democratic Republic of Congo": "Democratic Republic of the Congo",
    "Congo, The Democratic Republic of the": "Democratic Republic of the Congo",
    "Congo-Brazzaville": "Republic of the Congo",
    "Congo (Brazzaville)": "Republic of the Congo",
    "Republic of Congo": "Republic of the Congo",
    "Korea": "South Korea",
    "Republic of Korea": "South Korea",
    "Korea, Republic of": "South Korea",
    "Russian Federation": "Russia",
    "Türkiye": "Turkey",
    "Turkiye": "Turkey",
    "Timor-Leste": "East Timor",
    "Cabo Verde": "Cape Verde",
    "Swaziland": "Eswatini",
    "Burma": "Myanmar",
    "Macedonia": "North Macedonia",
    "Republic of Macedonia": "North Macedonia",
    "Viet Nam": "Vietnam",
    "Lao PDR": "Laos",
    "Lao People's Democratic Republic": "Laos",
    "Iran, Islamic Republic of": "Iran",
    "Islamic Republic of Iran": "Iran",
    "Syrian Arab Republic": "Syria",
    "Bolivia, Plurinational State of": "Bolivia",
    "Plurinational State of Bolivia": "Bolivia",
    "Venezuela, Bolivarian Republic of": "Venezuela",
    "Tanzania, United Republic of": "Tanzania",
    "United Republic of Tanzania": "Tanzania",
    "Moldova, Republic of": "Moldova",
    "Republic of Moldova": "Moldova",
    "Holy See": "Vatican City",
    "Vatican": "Vatican City",
    "State of Palestine": "Palestine",
    "Palestine, State of": "Palestine",
    "Bahamas": "The Bahamas",
    "Gambia": "The Gambia",
    "Micronesia": "Federated States of Micronesia",
    "Sao Tome and Principe": "São Tomé and Príncipe",
    "Hong Kong SAR": "Hong Kong",
    "Macao": "Macau",
    "Brasil": "Brazil",
}


class AffiliateWarning(UserWarning):
    """Something in the affiliate sources needs a person's eye (nothing was dropped)."""


# --- pure helpers ---------------------------------------------------------------------------------


def name_key(name: str) -> str:
    """A name as compared: accents, case, apostrophe shapes and spacing ignored.

    >>> name_key("  Côte d’Ivoire ") == name_key("cote d'ivoire")
    True
    """
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("`", "'")
    return " ".join(text.casefold().split())


_VARIANTS_BY_KEY: Final = {name_key(k): v for k, v in COUNTRY_NAME_VARIANTS.items()}


def candidate_names(name: str) -> list[str]:
    """The strings tried for one country name: as given, its variant, without a leading "The".

    >>> candidate_names("The Netherlands")
    ['The Netherlands', 'Netherlands']
    >>> candidate_names("Côte d’Ivoire")
    ['Côte d’Ivoire', "Côte d'Ivoire", 'Ivory Coast']
    """
    clean = " ".join(name.split())
    out = [clean]
    straight = clean.replace("\u2019", "'").replace("\u2018", "'")
    out.append(straight)
    variant = _VARIANTS_BY_KEY.get(name_key(clean))
    if variant:
        out.append(variant)
    if clean.casefold().startswith("the ") and len(clean) > 4:
        out.append(clean[4:])
    return list(dict.fromkeys(out))


def normalise_type(value: str) -> AffiliateType | None:
    """``org_type`` (or a registry ``type``) as one of glamgraph's four types; ``None`` if unknown.

    >>> normalise_type("Chapter"), normalise_type("Allied or other organization")
    ('chapter', 'other')
    >>> normalise_type("Thematic Organization"), normalise_type("club") is None
    ('thematic', True)
    """
    return _TYPES.get(" ".join(value.casefold().split()))


def normalise_status(value: str) -> AffiliateStatus | None:
    """``recognition_status`` in either spelling; ``None`` if unknown.

    >>> normalise_status("Recognized"), normalise_status("suspended"), normalise_status("x")
    ('recognised', 'suspended', None)
    """
    return _STATUSES.get(value.strip().casefold())


def parse_date(text: str) -> dt.date | None:
    """A module date: DD/MM/YYYY, YYYY/MM/DD or ISO 8601 (time ignored); ``None`` when empty.

    Raises:
        ValueError: any other form, or a day that does not exist.

    >>> parse_date("01/10/2004"), parse_date(" ")
    (datetime.date(2004, 10, 1), None)
    >>> parse_date("31/02/2020")
    Traceback (most recent call last):
    ...
    ValueError: day is out of range for month
    """
    t = text.strip()
    if not t:
        return None
    m = re.fullmatch(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})", t)
    if m:
        return dt.date(int(m[3]), int(m[2]), int(m[1]))
    m = re.fullmatch(r"([0-9]{4})/([0-9]{1,2})/([0-9]{1,2})", t)
    if m:
        return dt.date(int(m[1]), int(m[2]), int(m[3]))
    m = re.fullmatch(r"([0-9]{4})-([0-9]{2})-([0-9]{2})(?:[T ][0-9:.]+(?:Z|[+-][0-9:]+)?)?", t)
    if m:
        return dt.date(int(m[1]), int(m[2]), int(m[3]))
    raise ValueError(f"not a date in DD/MM/YYYY, YYYY/MM/DD or ISO form: {t!r}")


def meta_page_key(value: str) -> str:
    """The Meta-Wiki page a URL or title names, as compared (``""`` for another site).

    >>> meta_page_key("https://meta.wikimedia.org/wiki/Wikim%C3%A9dia_France")
    'wikimedia france'
    >>> meta_page_key("https://www.wikimedia.fr/"), meta_page_key("Wikimedia France")
    ('', 'wikimedia france')
    """
    v = value.strip()
    if not v:
        return ""
    if "://" in v:
        parts = urllib.parse.urlsplit(v)
        host = parts.netloc.lower().removeprefix("www.")
        if host not in ("meta.wikimedia.org", "meta.m.wikimedia.org"):
            return ""
        if parts.path.startswith("/wiki/"):
            title = urllib.parse.unquote(parts.path[len("/wiki/") :])
        else:
            title = urllib.parse.parse_qs(parts.query).get("title", [""])[0]
    else:
        title = urllib.parse.unquote(v.removeprefix("m:").removeprefix("meta:"))
    return name_key(title.replace("_", " "))


def _text(entry: dict[Any, Any], key: str) -> str:
    value = entry.get(key)
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, str | int | float):
        return " ".join(str(value).split())
    return ""


def _names(entry: dict[Any, Any], key: str) -> list[str]:
    value = entry.get(key)
    if isinstance(value, list):
        raw = [v for v in value if isinstance(v, str)]
    elif isinstance(value, str):
        raw = [value]
    else:
        raw = []
    return [" ".join(v.split()) for v in raw if v.strip()]


def _sort_qids(qids: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted(set(qids), key=ids.qid_number))


# --- country names --------------------------------------------------------------------------------


@dataclass(frozen=True)
class CountryResolution:
    """What ONE batched label/alias query made of a set of country names."""

    qids: dict[str, str]  # name -> QID
    how: dict[str, str]  # name -> "label", "alias", "variant label", "variant alias"
    unresolved: tuple[str, ...]
    ambiguous: dict[str, tuple[str, ...]] = field(default_factory=dict)  # name -> candidates
    result: QueryResult | None = None


def resolve_country_names(names: Iterable[str], engine: str | Engine) -> CountryResolution:
    """Resolve country names to current-country QIDs with one batched query.

    Each name is tried as given, then as its variants (:func:`candidate_names`); an English (or
    ``mul``) label beats an alias, the name as given beats a variant; several items for the
    winning string give the lowest QID number (listed in ``ambiguous``).

    >>> r = resolve_country_names(["The Netherlands", "Atlantis"], "snapshot")
    >>> r.qids, r.how["The Netherlands"], r.unresolved
    ({'The Netherlands': 'Q55'}, 'variant label', ('Atlantis',))
    """
    eng = get_engine(engine)
    wanted = list(dict.fromkeys(" ".join(n.split()) for n in names if n.strip()))
    cands = {n: candidate_names(n) for n in wanted}
    strings = sorted({c for cs in cands.values() for c in cs})
    if not strings:
        return CountryResolution({}, {}, ())
    res = eng.run("names-to-items", names=strings)
    hits: dict[tuple[str, str], set[str]] = {}
    for row in res.rows:
        name, how, item = term_value(row, "name"), term_value(row, "how"), term_qid(row, "item")
        if name is not None and how is not None and item is not None:
            hits.setdefault((name, how), set()).add(item)
    qids: dict[str, str] = {}
    hows: dict[str, str] = {}
    ambiguous: dict[str, tuple[str, ...]] = {}
    for n in wanted:
        first, rest = cands[n][0], cands[n][1:]
        tiers = [("label", [first]), ("variant label", rest)]
        tiers += [("alias", [first]), ("variant alias", rest)]
        for how, strs in tiers:
            found = set().union(*(hits.get((s, how.split()[-1]), set()) for s in strs))
            if found:
                ordered = _sort_qids(found)
                qids[n], hows[n] = ordered[0], how
                if len(ordered) > 1:
                    ambiguous[n] = ordered
                break
    unresolved = tuple(n for n in wanted if n not in qids)
    return CountryResolution(qids, hows, unresolved, ambiguous, res)


# --- the module -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ModuleSource:
    """The module's Lua text and where it came from."""

    text: str
    source: str  # the prefix of every module affiliate's ``source``
    name: str  # what error messages call it
    revision: int | None = None
    timestamp: str | None = None
    url: str = ""
    path: str = ""
    fetched: str = ""
    from_cache: bool = False

    @property
    def sha256(self) -> str:
        """The SHA-256 of the Lua text."""
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


def _looks_like_source(module: str) -> bool:
    head = module.lstrip()[:200]
    return "\n" in module or head.startswith(("return", "--", "{"))


def read_module(
    module: str | os.PathLike[str] | None,
    *,
    snapshot: bool = False,
    api_url: str = vocab.META_API,
    settings: MediaWikiSettings | None = None,
    use_cache: bool | None = None,
) -> ModuleSource:
    """The module's text: a file path, the Lua text itself, the snapshot's copy or Meta-Wiki's.

    Raises:
        MalformedFile: an unreadable or non-UTF-8 file.
        MediaWikiError: Meta-Wiki could not give the page.
    """
    if module is None and snapshot:
        from glamgraph.sparql.embedded import data_path

        path = data_path(SNAPSHOT_MODULE)
        text = _read_text(path)
        return ModuleSource(
            text, SNAPSHOT_SOURCE, SNAPSHOT_SOURCE, url=path.as_uri(), path=str(path)
        )
    if module is None:
        client = MediaWikiClient(api_url, settings)
        rev = client.page(vocab.AFFILIATES_MODULE, use_cache=use_cache)
        source = f"{vocab.AFFILIATES_MODULE} rev {rev.revid} ({rev.timestamp})"
        return ModuleSource(
            rev.content,
            source,
            source,
            revision=rev.revid,
            timestamp=rev.timestamp,
            url=rev.permalink,
            fetched=rev.fetched,
            from_cache=rev.from_cache,
        )
    if isinstance(module, str) and _looks_like_source(module):
        sha = hashlib.sha256(module.encode("utf-8")).hexdigest()
        source = f"module text (sha256 {sha[:12]})"
        return ModuleSource(module, source, "module text")
    path = Path(module).expanduser().resolve()
    text = _read_text(path)
    now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    return ModuleSource(
        text, f"file:{path}", str(path), url=path.as_uri(), path=str(path), fetched=now
    )


def _read_text(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise MalformedFile(f"{path}: cannot read the file ({exc.strerror or exc})") from exc
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise MalformedFile(f"{path}, line {line}: not UTF-8 text") from exc


def module_entries(value: lua.LuaValue, name: str) -> list[lua.LuaTable]:
    """The affiliate entries of the module's table (a list of tables, or tables keyed by id).

    Raises:
        MalformedFile: the module returns something else.
    """
    items: list[lua.LuaValue]
    if isinstance(value, lua.LuaList):
        items = list(value)
    elif isinstance(value, lua.LuaTable):
        items = list(value.values())
    else:  # pragma: no cover - lua.loads always returns a table
        raise MalformedFile(f"{name}: the module does not return a table")
    out: list[lua.LuaTable] = []
    for item in items:
        if not isinstance(item, lua.LuaTable):
            line = getattr(item, "line", None)
            where = f", line {line}" if line else ""
            raise MalformedFile(f"{name}{where}: an affiliate entry that is not a table of fields")
        out.append(item)
    return out


@dataclass
class _Entry:
    affiliate: Affiliate
    names: list[str]
    local: bool
    line: int


def _normalise_entry(entry: lua.LuaTable, mod: ModuleSource, notes: list[str]) -> _Entry | None:
    where = f"{mod.name}, line {entry.line}"
    name = _text(entry, "group_name")
    code = _text(entry, "affiliate_code") or _text(entry, "unique_id")
    if not code and not name:
        notes.append(f"{where}: an entry without affiliate_code, unique_id or group_name: skipped")
        return None
    code = code or name
    raw_type = _text(entry, "org_type")
    atype = normalise_type(raw_type)
    if atype is None:
        notes.append(f"{where}: {code}: unknown org_type {raw_type!r}; taken as 'other'")
        atype = "other"
    raw_status = _text(entry, "recognition_status")
    status = normalise_status(raw_status)
    if status is None:
        derec = bool(_text(entry, "derecognition_date"))
        status = "derecognised" if derec else "recognised"
        notes.append(
            f"{where}: {code}: {'no' if not raw_status else 'unknown'} recognition_status"
            f"{' ' + repr(raw_status) if raw_status else ''}; taken as {status!r}"
        )
    dates: dict[str, dt.date | None] = {}
    for key in ("agreement_date", "derecognition_date"):
        try:
            dates[key] = parse_date(_text(entry, key))
        except ValueError as exc:
            notes.append(f"{where}: {code}: {key} {_text(entry, key)!r} ignored ({exc})")
            dates[key] = None
    region = _text(entry, "region")
    names = _names(entry, "group_country")
    local = atype != "thematic" and region.casefold() != "international"
    contact = _text(entry, "group_contact1") or _text(entry, "group_contact_1")
    aff = Affiliate(
        code=code,
        name=name or code,
        type=atype,
        countries=(),
        status=status,
        source=mod.source,
        contact=contact,
        page=_text(entry, "group_page"),
        region=region,
        agreement_date=dates["agreement_date"],
        derecognition_date=dates["derecognition_date"],
        country_names=tuple(names),
        unique_id=_text(entry, "unique_id"),
        note=_text(entry, "derecognition_note"),
    )
    return _Entry(aff, [n for n in names if name_key(n) not in NO_COUNTRY], local, entry.line)


# --- Wikidata -------------------------------------------------------------------------------------


@dataclass
class _Item:
    qid: str
    types: set[str] = field(default_factory=set)
    labels: set[str] = field(default_factory=set)
    pages: set[str] = field(default_factory=set)  # Meta-Wiki page keys (sitelink, P856 on Meta)
    areas: set[str] = field(default_factory=set)
    area_regions: set[str] = field(default_factory=set)  # areas that are countries/subdivisions
    hqs: set[str] = field(default_factory=set)
    hq_countries: set[str] = field(default_factory=set)
    websites: set[str] = field(default_factory=set)
    dissolved: str = ""

    def countries(self) -> tuple[str, ...]:
        return _sort_qids(self.area_regions or self.hq_countries)


def _wikidata_items(
    engine: Engine,
) -> tuple[dict[str, _Item], dict[str, tuple[str, ...]], QueryResult]:
    res = engine.run("affiliates-on-wikidata", classlabels=list(vocab.AFFILIATE_CLASS_LABELS))
    items: dict[str, _Item] = {}
    classes: dict[str, set[str]] = {label: set() for label in vocab.AFFILIATE_CLASS_LABELS}
    for row in res.rows:
        qid = term_qid(row, "item")
        if qid is None:
            continue
        it = items.setdefault(qid, _Item(qid))
        label = term_value(row, "classLabel") or ""
        cls = term_qid(row, "class")
        if cls is not None and label in classes:
            classes[label].add(cls)
        if label in CLASS_TYPES:
            it.types.add(CLASS_TYPES[label])
        if (lab := term_value(row, "label")) is not None:
            it.labels.add(name_key(lab))
        if (meta := term_value(row, "meta")) is not None and meta_page_key(meta):
            it.pages.add(meta_page_key(meta))
        if (area := term_qid(row, "area")) is not None:
            it.areas.add(area)
            if term_value(row, "areaIso") or term_value(row, "areaSub"):
                it.area_regions.add(area)
        if (hq := term_qid(row, "hq")) is not None:
            it.hqs.add(hq)
            if term_value(row, "hqIso"):
                it.hq_countries.add(hq)
            elif (hqc := term_qid(row, "hqCountry")) is not None:
                it.hq_countries.add(hqc)
        if (site := term_value(row, "website")) is not None:
            it.websites.add(site)
            if meta_page_key(site):
                it.pages.add(meta_page_key(site))
        if (gone := term_value(row, "dissolved")) is not None:
            it.dissolved = min(filter(None, (it.dissolved, gone[:10])))
    found = {k: _sort_qids(v) for k, v in classes.items()}
    return items, found, res


def _match(aff: Affiliate, items: dict[str, _Item], notes: list[str]) -> _Item | None:
    page = meta_page_key(aff.page)
    by_page = [it for it in items.values() if page and page in it.pages]
    label = name_key(aff.name)
    by_label = [it for it in items.values() if label in it.labels]
    for how, found in (("Meta-Wiki page", by_page), ("English label", by_label)):
        if found:
            ordered = sorted(found, key=lambda it: ids.qid_number(it.qid))
            if len(ordered) > 1:
                shown = ", ".join(it.qid for it in ordered)
                notes.append(
                    f"{aff.code}: several Wikidata items share its {how} ({shown}); "
                    f"{ordered[0].qid} taken"
                )
            return ordered[0]
    return None


def _complement(
    entry: _Entry, item: _Item, notes: list[str], disagreements: list[Disagreement]
) -> Affiliate:
    aff = entry.affiliate

    def disagree(fld: str, meta: str, wikidata: str) -> None:
        disagreements.append(Disagreement(aff.code, fld, meta, wikidata, item.qid))
        notes.append(
            f"{aff.code}: Meta-Wiki and Wikidata ({item.qid}) disagree on {fld}: "
            f"Meta-Wiki {meta!r} (kept), Wikidata {wikidata!r}"
        )

    if item.types and aff.type not in item.types:
        disagree("type", aff.type, " / ".join(sorted(item.types)))
    if item.dissolved and aff.status == "recognised":
        disagree("status", aff.status, f"dissolved {item.dissolved} (P576)")
    countries = aff.countries
    wd_countries = item.countries()
    note = aff.note
    if entry.local and wd_countries:
        if countries and set(countries) != set(wd_countries):
            disagree("countries", " ".join(countries), " ".join(wd_countries))
        elif not countries:
            countries = wd_countries
            extra = f"countries from Wikidata {item.qid} (operating area or headquarters)"
            note = f"{note}; {extra}" if note else extra
    return dataclasses.replace(
        aff,
        countries=countries,
        operating_area=_sort_qids(item.areas),
        headquarters=_sort_qids(item.hqs),
        websites=tuple(sorted(item.websites)),
        wikidata=item.qid,
        source=f"{aff.source} +wikidata {item.qid}",
        note=note,
    )


# --- the registry ---------------------------------------------------------------------------------

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

    Raises:
        MalformedFile: naming the file, the line and the problem.
    """
    p = Path(path).expanduser().resolve()
    text = _read_text(p)

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
        if tok[:1] in ("Q", "q"):
            if not ids.is_qid(tok):
                raise bad(line, f"malformed QID {tok!r} in countries")
            tokens.append(tok)
        elif ids.is_iso_alpha2(tok.upper()) or ids.is_iso_3166_2(tok.upper()):
            tokens.append(tok.upper())
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
            if term_value(r, "dissolved") is not None or term_value(r, "historical") is not None:
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


def _apply_registry(
    affs: list[Affiliate], rows: Sequence[RegistryRow], codes: dict[str, str], path: Path
) -> list[Affiliate]:
    out = list(affs)
    for row in rows:
        where = f"registry {path} line {row.line}"
        countries = tuple(dict.fromkeys(codes.get(t, t) for t in row.countries))
        hits = [i for i, a in enumerate(out) if a.code.casefold() == row.code.casefold()]
        if not hits:
            out.append(
                Affiliate(
                    code=row.code,
                    name=row.name or row.code,
                    type=row.type or "other",
                    countries=countries,
                    status=row.status or "recognised",
                    source=where,
                    contact=row.contact,
                    country_names=row.countries,
                    note=row.note,
                )
            )
            continue
        for i in hits:
            a = out[i]
            changes: dict[str, Any] = {"source": f"{a.source} +{where}"}
            if row.name:
                changes["name"] = row.name
            if row.type:
                changes["type"] = row.type
            if row.countries:
                changes.update(countries=countries, country_names=row.countries, unresolved=())
            if row.status:
                changes["status"] = row.status
            if row.contact:
                changes["contact"] = row.contact
            if row.note:
                changes["note"] = row.note
            out[i] = dataclasses.replace(a, **changes)
    return out


# --- the whole ------------------------------------------------------------------------------------


def load_affiliates(
    module: str | os.PathLike[str] | None = None,
    *,
    registry: str | os.PathLike[str] | None = None,
    endpoint: str | Engine = "wdqs",
    wikidata: bool = True,
    api_url: str = vocab.META_API,
    settings: MediaWikiSettings | None = None,
    use_cache: bool | None = None,
) -> AffiliateSet:
    """The Wikimedia movement affiliates from Meta-Wiki's module, Wikidata and a registry.

    Args:
        module: a path to the module's Lua file, or its source text. ``None`` fetches it from
            Meta-Wiki (cached a day), or takes the snapshot's reconstructed copy when
            ``endpoint="snapshot"``.
        registry: the organiser's CSV (header ``code,name,type,countries,status,contact,note``),
            which adds affiliates and overrides fields by ``code``.
        endpoint: the SPARQL engine for country names, ISO codes and the Wikidata complement: a
            name (``wdqs``, ``qlever``, ``snapshot``), a URL or an :class:`Engine`.
        wikidata: complement the module with Wikidata's affiliate items.
        api_url: the MediaWiki API the module is fetched from (default Meta-Wiki).
        settings: the MediaWiki client's settings (timeouts, retries, cache).
        use_cache: read/write the MediaWiki cache (``None``: as ``settings`` say).

    Returns:
        An :class:`~glamgraph.model.AffiliateSet`: the affiliates (module order, then new
        registry rows) plus the module's revision, disagreements and unresolved names.

    Raises:
        MalformedFile: the module or the registry does not parse (exit code 2).
        MediaWikiError: Meta-Wiki could not give the module (exit code 3).
        SparqlError: the endpoint failed (exit code 3).

    >>> affs = load_affiliates(endpoint="snapshot")
    >>> wmfr = affs.by_code("FR")
    >>> wmfr.type, wmfr.countries, wmfr.status, wmfr.source
    ('chapter', ('Q142',), 'recognised', 'snapshot module (reconstructed)')
    """
    eng = get_engine(endpoint)
    notes: list[str] = []
    queries: list[QueryResult] = []
    # 1. the registry first: a malformed one fails before anything is fetched
    reg_rows: list[RegistryRow] = []
    reg_path: Path | None = None
    codes: dict[str, str] = {}
    if registry is not None:
        reg_path = Path(registry).expanduser().resolve()
        reg_rows = read_registry(reg_path)
        codes, iso_results = resolve_iso_codes(reg_rows, eng, reg_path)
        queries += iso_results
    # 2. the module
    snapshot = endpoint == "snapshot" or eng.name == "snapshot"
    mod = read_module(
        module, snapshot=snapshot, api_url=api_url, settings=settings, use_cache=use_cache
    )
    entries = [
        e
        for t in module_entries(lua.loads(mod.text, mod.name), mod.name)
        if (e := _normalise_entry(t, mod, notes)) is not None
    ]
    # 3. country names, one batched query
    names = [n for e in entries if e.local for n in e.names]
    resolution = resolve_country_names(names, eng)
    if resolution.result is not None:
        queries.append(resolution.result)
    unresolved: list[UnresolvedName] = []
    for e in entries:
        if not e.local:
            continue
        qids = tuple(dict.fromkeys(resolution.qids[n] for n in e.names if n in resolution.qids))
        missing = tuple(n for n in e.names if n not in resolution.qids)
        e.affiliate = dataclasses.replace(e.affiliate, countries=qids, unresolved=missing)
        for n in e.names:
            if n in resolution.ambiguous:
                shown = ", ".join(resolution.ambiguous[n])
                notes.append(
                    f"{mod.name}, line {e.line}: {e.affiliate.code}: country name {n!r} matches "
                    f"several items ({shown}); {resolution.qids[n]} taken"
                )
    # 4. Wikidata
    disagreements: list[Disagreement] = []
    classes: dict[str, tuple[str, ...]] = {}
    unmatched: tuple[str, ...] = ()
    if wikidata:
        items, classes, wd_res = _wikidata_items(eng)
        queries.append(wd_res)
        matched: set[str] = set()
        for e in entries:
            item = _match(e.affiliate, items, notes)
            if item is not None:
                matched.add(item.qid)
                e.affiliate = _complement(e, item, notes, disagreements)
        unmatched = _sort_qids(set(items) - matched)
    for e in entries:
        for n in e.affiliate.unresolved:
            unresolved.append(UnresolvedName(e.affiliate.code, n, f"{mod.name}, line {e.line}"))
    affs = [e.affiliate for e in entries]
    # 5. the registry's additions and overrides
    if reg_path is not None:
        affs = _apply_registry(affs, reg_rows, codes, reg_path)
        overridden = {
            r.code.casefold() for r in reg_rows if r.countries
        }  # the organiser fixed these
        unresolved = [u for u in unresolved if u.code.casefold() not in overridden]
    for u in unresolved:
        notes.append(
            f"{u.source}: {u.code}: country name {u.name!r} matched no Wikidata item (label, "
            "alias or known variant); listed in Affiliate.unresolved"
        )
    for note in notes:
        warnings.warn(note, AffiliateWarning, stacklevel=2)
    sources: list[dict[str, Any]] = [
        {
            "key": mod.source,
            "kind": "module",
            "title": vocab.AFFILIATES_MODULE,
            "url": mod.url,
            "path": mod.path,
            "revision": mod.revision,
            "timestamp": mod.timestamp,
            "sha256": mod.sha256,
        }
    ]
    if wikidata and any(a.wikidata for a in affs):
        sources.append({"key": "+wikidata", "kind": "wikidata", "url": eng.url})
    if reg_path is not None:
        sources.append(
            {
                "key": f"registry {reg_path}",
                "kind": "registry",
                "path": str(reg_path),
                "sha256": hashlib.sha256(reg_path.read_bytes()).hexdigest(),
            }
        )
    return AffiliateSet(
        affs,
        module_source=mod.source,
        revision=mod.revision,
        timestamp=mod.timestamp,
        module_url=mod.url,
        module_path=mod.path,
        module_sha256=mod.sha256,
        fetched=mod.fetched,
        from_cache=mod.from_cache,
        registry=str(reg_path) if reg_path else "",
        endpoint=eng.name,
        disagreements=disagreements,
        unresolved=unresolved,
        wikidata_classes=classes,
        wikidata_unmatched=unmatched,
        sources=sources,
        queries=[q.provenance() for q in queries],
    )


#: A short alias: ``glamgraph.affiliates.load(...)``.
load = load_affiliates

__all__ = [
    "COUNTRY_NAME_VARIANTS",
    "REGISTRY_COLUMNS",
    "AffiliateWarning",
    "CountryResolution",
    "ModuleSource",
    "RegistryRow",
    "candidate_names",
    "load",
    "load_affiliates",
    "meta_page_key",
    "module_entries",
    "name_key",
    "normalise_status",
    "normalise_type",
    "parse_date",
    "read_module",
    "read_registry",
    "resolve_country_names",
    "resolve_iso_codes",
]
