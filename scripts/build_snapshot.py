#!/usr/bin/env python3
"""Build glamgraph's offline snapshot from the real Wikidata-derived files in ``../shared/data``.

Writes ONE snapshot file, ``glamgraph/data/snapshot.snap`` (or into ``--out``), by the same writer
as ``glamgraph snapshot build`` (:mod:`glamgraph.sparql.snapfile`): gzip of a manifest, the module
text and the sorted triples. Its parts:

* the triples: Wikidata-shaped RDF (exact URIs; truthy ``wdt:`` plus ``p:``/``ps:``
  statement nodes with ``wikibase:rank``; English labels and aliases) for the 252 countries (ISO
  codes, continent, coordinates, P47 borders), the seven continents, the GLAM root classes, and a
  sample of real GLAM institutions (class, country, coordinates, ISIL).
* the module text: the current affiliates in the shape of Meta-Wiki's
  ``Module:Organizational_Informations``, **reconstructed** from the affiliate listing templates
  (the real module could not be fetched; see the notes).
* the manifest, whose ``notes`` are the build record: where each part came from, its date, what
  it covers, the sampling and class rules, and the counts (per continent and per country) that
  tests compare against (``glamgraph snapshot-info`` shows them).

Rules (also recorded in the notes):

* Institutions: at most ``--per-country`` (default 1500) per country, preferring rows with
  coordinates, then lower QID numbers; rows with no country are all kept (they are "unplaced").
* Class: the row's own ``types`` when given. Rows without (ISIL/DBS-only rows) get a class by the
  ISIL rule: an ISIL whose second part is ``MUS``/``MUZ`` -> museum, any other ISIL or a DBS id ->
  library. Such items carry ``gg:classFrom "isil-rule"`` so the inference stays visible.
* Labels: the source's label, tagged ``@mul`` (the source does not record its language).

Usage (the one command that regenerates the shipped sample; same data and the same
``SOURCE_DATE_EPOCH`` give a byte-identical file)::

    python scripts/build_snapshot.py                    # ../shared/data -> glamgraph/data
    SOURCE_DATE_EPOCH=1764633600 python scripts/build_snapshot.py   # pin the creation date
    python scripts/build_snapshot.py --data DIR --out DIR --limit 500
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
import os
import sys
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from glamgraph import vocab  # noqa: E402
from glamgraph._version import __version__  # noqa: E402
from glamgraph.affiliates.module import SNAPSHOT_SOURCE  # noqa: E402
from glamgraph.sparql.embedded import SNAPSHOT_FILE  # noqa: E402
from glamgraph.sparql.snapfile import write_snapshot  # noqa: E402

WD, WDT, P, PS = vocab.WD, vocab.WDT, vocab.P, vocab.PS
RDFS_LABEL = vocab.RDFS + "label"
SKOS_ALT = vocab.SKOS + "altLabel"
RANK = vocab.WIKIBASE + "rank"
NORMAL = vocab.WIKIBASE + "NormalRank"
WKT = vocab.GEO + "wktLiteral"
GG_CLASS_FROM = vocab.GG + "classFrom"
_NS = uuid.UUID("6b1f3d0c-7a57-4c57-9a55-6c9a1a2f0b11")


def esc(text: str) -> str:
    """N-Triples string escaping."""
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")


def lit(text: str, lang: str | None = None, dtype: str | None = None) -> str:
    if lang:
        return f'"{esc(text)}"@{lang}'
    if dtype:
        return f'"{esc(text)}"^^<{dtype}>'
    return f'"{esc(text)}"'


def iri(u: str) -> str:
    return f"<{u}>"


class Writer:
    """Collects N-Triples lines; statements get truthy + p:/ps: + rank triples."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def t(self, s: str, p: str, o: str) -> None:
        self.lines.append(f"{iri(s)} {iri(p)} {o} .")

    def statement(self, qid: str, pid: str, obj: str, truthy: bool = True) -> None:
        guid = str(uuid.uuid5(_NS, f"{qid}|{pid}|{obj}")).upper()
        node = f"{vocab.WDS}{qid}-{guid}"
        subj = WD + qid
        if truthy:
            self.t(subj, WDT + pid, obj)
        self.t(subj, P + pid, iri(node))
        self.t(node, PS + pid, obj)
        self.t(node, RANK, iri(NORMAL))


#: Natural Earth TYPE values whose rows the snapshot types as country (Q6256): a rule of the
#: snapshot (recorded in snapshot.json), so that countries without an ISO code (Somaliland,
#: Northern Cyprus) are still countries to name resolution.
COUNTRY_NE_TYPES = ("Sovereign country", "Country")


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def point(lat: str, lon: str) -> str | None:
    if not lat or not lon:
        return None
    return lit(f"Point({float(lon):g} {float(lat):g})", dtype=WKT)


def qnum(qid: str) -> int:
    return int(qid[1:])


def isil_class(isil: str) -> str:
    """The snapshot's class rule for rows whose source gives no class (see module docstring)."""
    for code in isil.split():
        parts = code.split("-")
        if len(parts) > 2 and parts[1].upper() in ("MUS", "MUZ"):
            return vocab.MUSEUM
    return vocab.LIBRARY


def sample(rows: list[dict[str, str]], per_country: int) -> list[dict[str, str]]:
    by_country: dict[str, list[dict[str, str]]] = defaultdict(list)
    for r in rows:
        by_country[r["country_qid"]].append(r)
    out: list[dict[str, str]] = []
    for country, items in sorted(by_country.items()):
        items.sort(key=lambda r: (0 if r.get("lat") else 1, qnum(r["qid"])))
        out.extend(items if country == "" else items[:per_country])
    return out


def build(data: Path, out: Path, per_country: int, limit: int | None) -> dict[str, object]:
    countries = read_csv(data / "countries.csv")
    borders = read_csv(data / "borders_wikidata_p47.csv")
    affiliates = read_csv(data / "affiliates.csv")
    inst_a = read_csv(data / "institutions.csv")
    inst_b = read_csv(data / "institutions_more.csv")
    w = Writer()

    # Continents.
    for qid, label in vocab.CONTINENTS.items():
        w.t(WD + qid, RDFS_LABEL, lit(label, "en"))
        w.statement(qid, vocab.INSTANCE_OF, iri(WD + vocab.CONTINENT))
    # GLAM root classes and look-alikes: labels only (no class tree file exists; PROVENANCE 4e).
    class_labels = {
        vocab.MUSEUM: "museum",
        vocab.LIBRARY: "library",
        vocab.ARCHIVES: "archives",
        vocab.ART_GALLERY: "art gallery",
        vocab.ZOO: "zoo",
        vocab.BOTANICAL_GARDEN: "botanical garden",
        vocab.PUBLIC_AQUARIUM: "public aquarium",
        vocab.MUSEUM_SHIP: "museum ship",
        vocab.MUSEUM_BUILDING: "museum building",
        vocab.COLLECTION: "collection",
        vocab.COUNTRY: "country",
        vocab.HISTORICAL_COUNTRY: "historical country",
        vocab.CONTINENT: "continent",
    }
    for qid, label in class_labels.items():
        w.t(WD + qid, RDFS_LABEL, lit(label, "en"))

    # Countries.
    country_by_iso = {}
    country_qids = set()
    per_continent_countries: Counter[str] = Counter()
    for c in countries:
        q = c["qid"]
        country_qids.add(q)
        w.t(WD + q, RDFS_LABEL, lit(c["label_en"], "en"))
        if c["ne_admin"] and c["ne_admin"] != c["label_en"]:
            w.t(WD + q, SKOS_ALT, lit(c["ne_admin"], "en"))
        if c["iso2"]:
            w.statement(q, vocab.ISO_ALPHA2, lit(c["iso2"]))
            country_by_iso[c["iso2"]] = c
            for cont in c["continent_qids"].split():
                per_continent_countries[cont] += 1
        if c["iso3"]:
            w.statement(q, vocab.ISO_ALPHA3, lit(c["iso3"]))
        if c["ne_type"] in COUNTRY_NE_TYPES:
            w.statement(q, vocab.INSTANCE_OF, iri(WD + vocab.COUNTRY))
        for cont in c["continent_qids"].split():
            w.statement(q, vocab.CONTINENT_P, iri(WD + cont))
        pt = point(c["lat"], c["lon"])
        if pt:
            w.statement(q, vocab.COORDINATES, pt)
    n_borders = 0
    for b in borders:
        a, z = b["qid_a"], b["qid_b"]
        w.statement(a, vocab.SHARES_BORDER, iri(WD + z))
        w.statement(z, vocab.SHARES_BORDER, iri(WD + a))
        n_borders += 1

    # Institutions.
    rows = [dict(r, source_file="institutions.csv") for r in inst_a]
    rows += [dict(r, source_file="institutions_more.csv", isil="") for r in inst_b]
    # the true number of institutions per country in the data, before the per-country cap
    full_per_country: Counter[str] = Counter(
        c for q, c in {(r["qid"], r["country_qid"]) for r in rows} if c
    )
    chosen = sample(rows, per_country)
    if limit is not None:
        chosen = chosen[:limit]
    continent_of = {c["qid"]: c["continent_qids"].split() for c in countries}
    per_country_count: Counter[str] = Counter()
    per_continent: Counter[str] = Counter()
    inferred = 0
    unplaced = 0
    seen: set[str] = set()
    for r in chosen:
        q = r["qid"]
        if q in seen:
            continue
        seen.add(q)
        if r["label"]:
            w.t(WD + q, RDFS_LABEL, lit(r["label"], "mul"))
        types = r["types"].split()
        if not types:
            types = [isil_class(r.get("isil", ""))]
            w.t(WD + q, GG_CLASS_FROM, lit("isil-rule"))
            inferred += 1
        for t in types:
            w.statement(q, vocab.INSTANCE_OF, iri(WD + t))
        if r["country_qid"]:
            w.statement(q, vocab.COUNTRY_P, iri(WD + r["country_qid"]))
            per_country_count[r["country_qid"]] += 1
            for cont in continent_of.get(r["country_qid"], []):
                per_continent[cont] += 1
        else:
            unplaced += 1
        pt = point(r["lat"], r["lon"])
        if pt:
            w.statement(q, vocab.COORDINATES, pt)
        if r.get("website"):
            w.statement(q, vocab.WEBSITE, iri(r["website"]))
        for code in r.get("isil", "").split():
            w.statement(q, vocab.ISIL, lit(code))

    w.lines = list(dict.fromkeys(w.lines))  # a QID can be both a continent and a country (Q51)
    label_of = {c["qid"]: c["label_en"] for c in countries}
    capped = {
        q: {"label": label_of.get(q, q), "kept": per_country_count[q], "total": n}
        for q, n in sorted(full_per_country.items(), key=lambda kv: qnum(kv[0]))
        if per_country_count[q] < n
    }
    n_aff_countries = sum(1 for a in affiliates if a["countries"].strip())
    lua = affiliates_module(affiliates, country_by_iso)

    def file_sha(name: str) -> str:
        return hashlib.sha256((data / name).read_bytes()).hexdigest()[:16]

    info: dict[str, object] = {
        "name": "glamgraph offline snapshot",
        "built": dt.date.today().isoformat(),
        "builder": "scripts/build_snapshot.py",
        "warning": (
            "A small, uneven sample (strong in Germany, Italy, Japan and Latvia; thin elsewhere). "
            "Real answers come from --endpoint wdqs or qlever."
        ),
        "sources": {
            "countries.csv": {
                "sha256_16": file_sha("countries.csv"),
                "date": "Natural Earth 5.1.1 (2022), ISO 3166-1 via pycountry 26.2.16",
                "covers": "252 countries/territories: QIDs, ISO codes, one continent, label point",
            },
            "borders_wikidata_p47.csv": {
                "sha256_16": file_sha("borders_wikidata_p47.csv"),
                "date": "Wikidata JSON dump of 2025-08-27 (anisse/border-explorer)",
                "covers": "448 P47 pairs between countries (land and maritime)",
            },
            "affiliates.csv": {
                "sha256_16": file_sha("affiliates.csv"),
                "date": "Meta-Wiki affiliate templates, 2024 or later",
                "covers": f"{len(affiliates)} current affiliates; country for "
                f"{n_aff_countries} of them, by rules",
            },
            "institutions.csv": {
                "sha256_16": file_sha("institutions.csv"),
                "date": "Wikidata exports of 2023-06-30 (SpaLod) and 2023-09-25 (lobid)",
                "covers": "German museums/libraries and ISIL/DBS holders (IT, DE, JP, LV, ...)",
            },
            "institutions_more.csv": {
                "sha256_16": file_sha("institutions_more.csv"),
                "date": "a WDQS zoo harvest of 2025 or later (forest-discovery)",
                "covers": "274 zoos and aquariums outside Europe",
            },
        },
        "rules": {
            "sample": f"at most {per_country} institutions per country, rows with coordinates "
            "first, then by QID number; rows without country all kept",
            "class": "source types; else ISIL rule (ISIL ..-MUS-/..-MUZ- -> museum Q33506, other "
            "ISIL or DBS -> library Q7075), marked gg:classFrom 'isil-rule'",
            "labels": "source label tagged @mul (its language is not recorded)",
            "countries": "P297/P298/P30/P625 from countries.csv (P30 is Natural Earth's continent, "
            "one per country); aliases = Natural Earth ADMIN names; P31 country (Q6256) for rows "
            "Natural Earth types 'Sovereign country' or 'Country'",
            "affiliates_module": "RECONSTRUCTED from affiliates.csv in the shape of "
            "Module:Organizational_Informations; recognition_status 'recognised' for all (the "
            "source lists current affiliates only); group_country from the ISO code",
            "not_included": "subdivisions (P150/P300), P131 chains, contacts (no source), "
            "historical countries, class tree below the roots",
        },
        "counts": {
            "triples": len(w.lines),
            "countries": len(countries),
            "countries_with_iso2_per_continent": dict(sorted(per_continent_countries.items())),
            "borders": n_borders,
            "institutions": len(seen),
            "institutions_class_inferred": inferred,
            "institutions_without_country": unplaced,
            "institutions_per_continent": dict(sorted(per_continent.items())),
            "institutions_per_country": dict(sorted(per_country_count.items())),
            "affiliates": len(affiliates),
            "affiliates_with_country": n_aff_countries,
            "per_country_cap": per_country,
        },
        # countries whose institutions the cap cut: what the sample keeps and what the data holds
        "capped": capped,
        # what the sample lacks, one short statement each (``glamgraph snapshot-info`` lists them)
        "gaps": [
            "affiliates RECONSTRUCTED from Meta-Wiki's listing templates, not the real module",
            "no affiliate contact channels (Meta-Wiki pages only)",
            "no subdivisions (P150/P300) and no P131 chains",
            "no historical countries",
            "no class tree below the GLAM roots",
        ],
    }
    write(out, w.lines, lua, info)
    return info


# --- the write step: one snapshot file, by the same writer as `glamgraph snapshot build` -------


def created_date() -> str:
    """The creation date: ``SOURCE_DATE_EPOCH`` (seconds, UTC) when set, else today (UTC)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date().isoformat()
    return dt.datetime.now(dt.UTC).date().isoformat()


def write(out: Path, lines: list[str], lua: str, info: dict[str, object]) -> Path:
    """Write ``out/snapshot.snap``: the triples, the module text and the build record as notes."""
    created = created_date()
    info["built"] = created
    counts = info["counts"]
    assert isinstance(counts, dict)
    manifest = {
        "created": created,
        "endpoint": "files: countries.csv, borders_wikidata_p47.csv, affiliates.csv, "
        "institutions.csv, institutions_more.csv (Wikidata-derived)",
        "glamgraph": __version__,
        "region": "world",
        "languages": ["en", "mul"],
        "builder": "scripts/build_snapshot.py",
        "module_source": SNAPSHOT_SOURCE,
        "counts": {
            "countries": counts["countries"],
            "institutions": counts["institutions"],
            "affiliates": counts["affiliates"],
        },
        "queries": [],
        "notes": info,
    }
    path = out / SNAPSHOT_FILE
    write_snapshot(path, lines, lua, manifest)
    return path


def lua_str(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n") + "'"


def lua_value(value: str | list[str]) -> str:
    """A string, or a list of strings (a Lua table) when there are several; one is a string."""
    if isinstance(value, str):
        return lua_str(value)
    if len(value) == 1:
        return lua_str(value[0])
    if not value:
        return lua_str("")
    return "{" + ", ".join(lua_str(v) for v in value) + "}"


ORG_TYPES = {
    "Chapter": "Chapter",
    "Thematic Organization": "Thematic Organization",
    "User Group": "User Group",
}


def affiliates_module(
    rows: Iterable[dict[str, str]], country_by_iso: dict[str, dict[str, str]]
) -> str:
    out = [
        "-- Module:Organizational_Informations, RECONSTRUCTED by glamgraph's scripts/build_snapshot.py",
        "-- from the Meta-Wiki affiliate listing templates (../shared/data/affiliates.csv).",
        "-- Not the real module: no unique_id, region, dates or derecognised groups were available;",
        "-- group_country is the English name of the country the listing's code or name gives.",
        "return {",
    ]
    for i, r in enumerate(rows, start=1):
        names = [
            country_by_iso[c]["label_en"] for c in r["countries"].split() if c in country_by_iso
        ]
        org_type = ORG_TYPES.get(r["type"], r["type"])
        region = "International" if org_type == "Thematic Organization" else ""
        fields: list[tuple[str, str | list[str]]] = [
            ("unique_id", f"snapshot-{i:03d}"),
            ("affiliate_code", r["code"]),
            ("group_name", r["name"]),
            ("org_type", org_type),
            ("region", region),
            ("group_country", names),
            ("group_page", r["meta_page_url"]),
            ("recognition_status", "recognised"),
        ]
        body = ",\n".join(f"        {k} = {lua_value(v)}" for k, v in fields)
        out.append("    {\n" + body + "\n    },")
    out.append("}")
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--out", type=Path, default=ROOT / "glamgraph" / "data")
    ap.add_argument("--per-country", type=int, default=1500)
    ap.add_argument("--limit", type=int, default=None, help="keep only the first N institutions")
    args = ap.parse_args(argv)
    if not (args.data / "countries.csv").is_file():
        print(f"build_snapshot: no countries.csv in {args.data}", file=sys.stderr)
        return 2
    info = build(args.data, args.out, args.per_country, args.limit)
    counts = info["counts"]
    assert isinstance(counts, dict)
    print(
        f"snapshot: {counts['triples']} triples, {counts['countries']} countries, "
        f"{counts['institutions']} institutions, {counts['affiliates']} affiliates -> {args.out}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
