"""A realistic, hand-built ``Coverage`` for the export tests (no queries, no network).

Europe with five unit regions: France and Estonia covered by their chapters, Latvia and
Lithuania uncovered (nearest affiliate WMEE), Andorra with no GLAM institution. The labels are
hostile on purpose: wikitext markup (``|``, ``{{``, ``[[``, ``!!``, ``=`` at a line start),
newlines, HTML, a formula-like ``=`` start, Japanese and Arabic (right-to-left) text. Some
institutions have no coordinates; the Baltic archive counts in Latvia and in Lithuania.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from typing import Any

from glamgraph.model import (
    Affiliate,
    Contact,
    Coverage,
    CoverageRow,
    Institution,
    Region,
    Unplaced,
)
from glamgraph.sparql.result import QueryResult

CREATED = dt.datetime(2026, 11, 25, 12, 0, 0, tzinfo=dt.UTC)
ENDPOINT = "snapshot"

#: The institution each format's field-by-field test looks at, with the values expected.
KNOWN = "Q1002"
KNOWN_ROW: dict[str, Any] = {
    "region": "Q211",
    "institution": "Q1002",
    "label": "Latvijas Nacionālā bibliotēka",
    "type": "Q22806",
    "type_label": "national library",
    "website": "https://www.lnb.lv/en",
    "email": "lnb@lnb.lv",
    "phone": "+371 67806100",
    "address": "Mūkusalas iela 3, Rīga",
    "lat": 56.94311,
    "lon": 24.10063,
    "affiliate": "WMEE",
    "region_label": "Latvia",
    "covered": False,
    "affiliate_name": "Wikimedia Eesti",
    "affiliate_page": "https://meta.wikimedia.org/wiki/Wikimedia_Eesti",
    "affiliate_contact": "info@wikimedia.ee",
    "contact_source": "registry",
    "status": "uncovered",
}

HOSTILE_LABELS: dict[str, str] = {
    "Q1001": "Museum | of {{Art}} [[Riga]]",
    "Q1005": "Baltic Archive\n== Heading ==\n!! second | line",
    "Q1007": "Bibliothèque ''sans'' ~~~~ coordonnées",
    "Q1008": "<nowiki>x</nowiki> & &amp; __NOTOC__ }} ]]",
    "Q1011": '=HYPERLINK("http://evil.example","click")',
}

QUERY_TEXTS = {
    "countries-of-continent": (
        "#tool: glamgraph/0.1.0 countries-of-continent\n"
        "PREFIX wd: <http://www.wikidata.org/entity/>\n"
        "SELECT ?country WHERE { VALUES ?continent { wd:Q46 } ?country wdt:P30 ?continent }"
    ),
    "coverage-institutions-per-unit": (
        "#tool: glamgraph/0.1.0 coverage-institutions-per-unit\n"
        "PREFIX wd: <http://www.wikidata.org/entity/>\n"
        "SELECT ?item ?unit WHERE { ?item wdt:P17 ?unit }"
    ),
}


def _inst(qid: str, label: str, units: tuple[str, ...], **kw: Any) -> Institution:
    countries = kw.pop("countries", units)
    return Institution(qid=qid, label=label, units=units, countries=countries, **kw)


def institutions() -> list[Institution]:
    """The institutions, in no particular order (the exports sort them)."""
    return [
        _inst(
            "Q1001",
            HOSTILE_LABELS["Q1001"],
            ("Q211",),
            types=("Q33506",),
            type_labels=("museum",),
            websites=("https://example.lv/muzejs?a=1|2 [x]",),
            emails=("mailto:info@example.lv",),
            addresses=(("Brīvības iela 1\nRīga", "lv"),),
            lat=56.95,
            lon=24.1,
        ),
        _inst(
            "Q1002",
            "Latvijas Nacionālā bibliotēka",
            ("Q211",),
            types=("Q22806", "Q7075"),
            type_labels=("national library", "library"),
            websites=("https://www.lnb.lv/en", "https://www.lnb.lv/lv"),
            emails=("lnb@lnb.lv",),
            phones=("+371 67806100",),
            addresses=(("Mūkusalas iela 3, Rīga", "lv"),),
            lat=56.943112345,
            lon=24.100631,
        ),
        _inst(
            "Q1003",
            "ラトビア日本美術館",
            ("Q211",),
            types=("Q207694",),
            type_labels=("art museum",),
            label_lang="ja",
        ),
        _inst(
            "Q1004",
            "دار المخطوطات العربية",
            ("Q37",),
            types=("Q166118",),
            type_labels=("archives",),
            label_lang="ar",
            lat=54.68,
            lon=25.28,
        ),
        _inst(
            "Q1005",
            HOSTILE_LABELS["Q1005"],
            ("Q211", "Q37"),
            types=("Q166118",),
            type_labels=("archives",),
            lat=56.0,
            lon=24.0,
        ),
        _inst(
            "Q1006",
            "Musée du Louvre",
            ("Q142",),
            types=("Q207694",),
            type_labels=("art museum",),
            websites=("https://www.louvre.fr/",),
            lat=48.860611,
            lon=2.337644,
        ),
        _inst("Q1007", HOSTILE_LABELS["Q1007"], ("Q142",), types=("Q7075",)),
        _inst(
            "Q1008",
            HOSTILE_LABELS["Q1008"],
            ("Q37",),
            types=("Q33506",),
            type_labels=("museum",),
            lat=54.9,
            lon=23.9,
        ),
        _inst("Q1009", "a small museum", ("Q211",), types=("Q33506",), lat=57.4, lon=21.6),
        _inst(
            "Q1010",
            "Eesti Rahva Muuseum",
            ("Q191",),
            types=("Q33506",),
            type_labels=("museum",),
            lat=58.39,
            lon=26.76,
        ),
        _inst("Q1011", HOSTILE_LABELS["Q1011"], ("Q37",), types=("Q33506",), lat=55.5, lon=22.0),
    ]


#: Whom to contact: an affiliate with a registry contact, one with its page only, the fallback.
WMEE = Contact("WMEE", "Wikimedia Eesti", "https://meta.wikimedia.org/wiki/Wikimedia_Eesti",
               "info@wikimedia.ee", "registry")  # fmt: skip
WMFR = Contact("WMFR", "Wikimédia France", "https://meta.wikimedia.org/wiki/Wikim%C3%A9dia_France",
               "https://meta.wikimedia.org/wiki/Wikim%C3%A9dia_France", "meta-wiki-page")  # fmt: skip
FALLBACK = Contact("GLAM-Wiki", "GLAM-Wiki international community",
                   "https://meta.wikimedia.org/wiki/GLAM", "https://meta.wikimedia.org/wiki/GLAM",
                   "fallback")  # fmt: skip


def _types(museums: int, libraries: int, archives: int) -> tuple[tuple[str, int], ...]:
    return (("museums", museums), ("libraries", libraries), ("archives", archives),
            ("art_galleries", 0), ("zoos", 0), ("botanical_gardens", 0), ("aquariums", 0))  # fmt: skip


def rows() -> list[CoverageRow]:
    """The unit rows, deliberately not in QID order."""
    q = ("countries-of-continent", "coverage-institutions-per-unit")
    return [
        CoverageRow("Q211", "Latvia", "LV", "country", 5, (), True, "WMEE", WMEE.channel, 1,
                    281.4, 57.0, 24.8, q, (WMEE,), _types(3, 2, 1)),
        CoverageRow("Q142", "France", "FR", "country", 2, ("WMFR",), False, None, WMFR.channel,
                    None, None, 46.6, 2.4, q, (WMFR,), _types(2, 0, 0)),
        CoverageRow("Q37", "Lithuania", "LT", "country", 4, (), True, "WMEE", WMEE.channel, 2,
                    540.25, 55.3, 23.9, q, (WMEE,), _types(2, 1, 1)),
        CoverageRow("Q191", "Estonia", "EE", "country", 1, ("WMEE",), False, None, WMEE.channel,
                    None, None, 58.7, 25.5, q, (WMEE,), _types(0, 1, 0)),
        CoverageRow("Q228", "Andorra", "AD", "country", 0, (), False, None, FALLBACK.channel,
                    None, None, 42.55, 1.58, q, (FALLBACK,), _types(0, 0, 0)),
    ]  # fmt: skip


def make_coverage(*, graph: bool = False) -> Coverage:
    """The test coverage; with ``graph=True`` a small rdflib Dataset with two named graphs."""
    provenance = [
        QueryResult(
            vars=("country",),
            rows=[{}] * 5,
            query_name=name,
            query_text=text,
            endpoint=ENDPOINT,
            endpoint_url="embedded:snapshot",
            started=CREATED,
            duration_s=0.25,
        ).provenance()
        for name, text in QUERY_TEXTS.items()
    ]
    units = [Region(r.region, "country", r.label, r.iso, r.lat, r.lon, "Q46") for r in rows()]
    return Coverage(
        region=Region("Q46", "continent", "Europe", "", 50.0, 10.0),
        units=units,
        rows=rows(),
        institutions=institutions(),
        unplaced=[
            Unplaced(
                "Q2001",
                "Kurländisches | Museum",
                "only a historical country",
                ("Q33506",),
                ("Q1112",),
            ),
            Unplaced("Q2000", "Alte {{Bibliothek}}", "no country", ("Q7075",)),
        ],
        affiliates=[
            Affiliate("WMFR", "Wikimédia France", "chapter", ("Q142",), "recognised", "module"),
            Affiliate("WMEE", "Wikimedia Eesti", "chapter", ("Q191",), "recognised", "module"),
            Affiliate("WMXX", "Old chapter", "chapter", ("Q37",), "derecognised", "module"),
        ],
        endpoint=ENDPOINT,
        created=CREATED,
        graph=small_dataset() if graph else None,
        provenance=provenance,
        query_texts=dict(QUERY_TEXTS),
        without_coordinates=2,
    )


def small_dataset() -> Any:
    """An rdflib Dataset with a named graph per source and a PROV statement."""
    from rdflib import Dataset, Literal, Namespace, URIRef
    from rdflib.namespace import PROV, RDFS, XSD

    wd = Namespace("http://www.wikidata.org/entity/")
    wdt = Namespace("http://www.wikidata.org/prop/direct/")
    ds = Dataset()
    g1 = ds.graph(URIRef("https://w3id.org/glamgraph/run/test/institutions"))
    g1.add((wd.Q1002, RDFS.label, Literal("Latvijas Nacionālā bibliotēka", lang="lv")))
    g1.add((wd.Q1002, wdt.P17, wd.Q211))
    g2 = ds.graph(URIRef("https://w3id.org/glamgraph/run/test/affiliates"))
    g2.add((URIRef("https://w3id.org/glamgraph/affiliate/WMEE"), RDFS.label, Literal("WMEE")))
    ds.add(
        (
            URIRef("https://w3id.org/glamgraph/run/test/institutions"),
            PROV.generatedAtTime,
            Literal(CREATED.isoformat(), datatype=XSD.dateTime),
        )
    )
    return ds


def scrambled_coverage(seed: int) -> Coverage:
    """The test coverage with 400 more institutions drawn at random: labels that tie but for
    their case or not at all, QIDs that repeat, several units (some twice, some not a row of the
    coverage), no, invalid or valid coordinates, classes with and without a label each; and a
    region row repeated under another label."""
    cov = make_coverage()
    rng = random.Random(seed)
    regions = [r.region for r in cov.rows] + ["Q999"]
    extra = []
    for _ in range(400):
        types = tuple(rng.sample(["Q33506", "Q7075", "Q166118", "Q207694"], rng.randint(0, 3)))
        extra.append(
            Institution(
                qid=f"Q{rng.randint(3000, 3300)}",
                label=rng.choice(
                    ["Museum", "museum", "Archiv", "", "Ölmühle", "Zoo  Riga", "a\x00b"]
                ),
                units=tuple(rng.choices(regions, k=rng.randint(0, 3))),
                types=types,
                type_labels=tuple(f"class {t}" for t in types[: rng.randint(0, len(types))]),
                lat=rng.choice([None, 91.0, float("nan"), rng.uniform(-60, 70)]),
                lon=rng.uniform(-180, 180),
            )
        )
    rows = [*cov.rows, dataclasses.replace(cov.rows[2], label="Lietuva", uncovered=False)]
    return dataclasses.replace(cov, institutions=[*cov.institutions, *extra], rows=rows)
