#!/usr/bin/env python3
"""Generate ``world.ttl``, the test world, from the table below (run it after editing the table).

The test world is a small Wikidata-shaped graph in exact Wikidata forms: ``wdt:`` truthy triples
for best-rank values only, ``p:``/``ps:`` statement nodes with ``wikibase:rank`` for every
statement (deprecated ones included), ``rdfs:label`` / ``skos:altLabel`` with language tags,
``"Point(lon lat)"^^geo:wktLiteral`` coordinates, ``mailto:`` and ``tel:`` IRIs for P968/P1329.

Countries, continents, subdivisions and real classes use their real QIDs. **Institutions and the
few invented classes and places use QIDs from Q9000000 up: they are fixtures, not Wikidata items.**
Each one exists to exercise one rule; the comment beside it says which.
"""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent

# (qid, labels, statements) where statements are (pid, value, rank); value "Q.." is an item,
# ("wkt", lon, lat) a point, ("str", s) a string, ("mono", s, lang) monolingual, ("iri", u) a URL,
# ("date", "1990-01-01") a time. rank: "normal" (default), "preferred", "deprecated".
N, PREF, DEP = "normal", "preferred", "deprecated"

CONTINENTS = [("Q46", {"en": "Europe"}), ("Q15", {"en": "Africa"}), ("Q48", {"en": "Asia"})]

# qid, iso2, labels, aliases, continent, (lon, lat), M49
COUNTRIES = [
    (
        "Q142",
        "FR",
        {"en": "France", "fr": "France"},
        ["French Republic"],
        "Q46",
        (2.5, 46.6),
        "250",
    ),
    (
        "Q183",
        "DE",
        {"en": "Germany", "de": "Deutschland", "fr": "Allemagne"},
        ["Federal Republic of Germany"],
        "Q46",
        (10.4, 51.1),
        "276",
    ),
    (
        "Q31",
        "BE",
        {"en": "Belgium", "fr": "Belgique"},
        ["Kingdom of Belgium"],
        "Q46",
        (4.6, 50.6),
        "056",
    ),
    ("Q55", "NL", {"en": "Netherlands"}, ["The Netherlands", "Holland"], "Q46", (5.6, 52.2), "528"),
    ("Q32", "LU", {"en": "Luxembourg"}, [], "Q46", (6.1, 49.8), "442"),
    ("Q29", "ES", {"en": "Spain"}, [], "Q46", (-3.6, 40.2), "724"),
    ("Q189", "IS", {"en": "Iceland"}, [], "Q46", (-18.6, 64.9), "352"),
    ("Q233", "MT", {"en": "Malta"}, [], "Q46", (14.4, 35.9), "470"),
    ("Q1033", "NG", {"en": "Nigeria"}, ["Federal Republic of Nigeria"], "Q15", (8.0, 9.6), "566"),
    ("Q117", "GH", {"en": "Ghana"}, [], "Q15", (-1.0, 7.9), "288"),
    ("Q962", "BJ", {"en": "Benin"}, [], "Q15", (2.3, 9.6), "204"),
    ("Q945", "TG", {"en": "Togo"}, [], "Q15", (1.0, 8.5), "768"),
    ("Q1011", "CV", {"en": "Cape Verde"}, ["Cabo Verde"], "Q15", (-23.6, 15.1), "132"),
    ("Q1008", "CI", {"en": "Ivory Coast"}, ["Côte d'Ivoire"], "Q15", (-5.5, 7.6), "384"),
]
BORDERS = [
    ("Q142", "Q31"),
    ("Q142", "Q183"),
    ("Q142", "Q32"),
    ("Q142", "Q29"),
    ("Q183", "Q31"),
    ("Q183", "Q55"),
    ("Q183", "Q32"),
    ("Q31", "Q55"),
    ("Q31", "Q32"),
    ("Q1033", "Q962"),
    ("Q962", "Q945"),
    ("Q945", "Q117"),
    ("Q117", "Q1008"),
]

# Extra region items: (qid, labels, statements)
PLACES = [
    # Kingdom of the Netherlands: carries the alpha-2 code NL too, but no M49 -> Q55 wins.
    ("Q29999", {"en": "Kingdom of the Netherlands"}, [("P297", ("str", "NL")), ("P30", "Q46")]),
    # A historical country (Q3024240) on Europe, dissolved.
    (
        "Q38872",
        {"en": "Prussia"},
        [("P31", "Q3024240"), ("P30", "Q46"), ("P576", ("date", "1947-02-25"))],
    ),
    # A dissolved state that still has an alpha-2 code: never a current country.
    (
        "Q33946",
        {"en": "Czechoslovakia"},
        [("P297", ("str", "CS")), ("P30", "Q46"), ("P576", ("date", "1992-12-31"))],
    ),
    # First-level subdivisions of France (P150 from Q142) and of Germany.
    (
        "Q13917",
        {"en": "Île-de-France", "fr": "Île-de-France"},
        [
            ("P300", ("str", "FR-IDF")),
            ("P17", "Q142"),
            ("P131", "Q142"),
            ("P625", ("wkt", 2.5, 48.7)),
        ],
    ),
    (
        "Q12130",
        {"en": "Brittany", "fr": "Bretagne"},
        [
            ("P300", ("str", "FR-BRE")),
            ("P17", "Q142"),
            ("P131", "Q142"),
            ("P625", ("wkt", -2.8, 48.2)),
        ],
    ),
    (
        "Q18678265",
        {"en": "Occitania", "fr": "Occitanie"},
        [
            ("P300", ("str", "FR-OCC")),
            ("P17", "Q142"),
            ("P131", "Q142"),
            ("P625", ("wkt", 2.1, 43.7)),
        ],
    ),
    # A former region, still listed with P150 but dissolved: not a unit.
    (
        "Q12538",
        {"en": "Midi-Pyrénées"},
        [("P17", "Q142"), ("P131", "Q142"), ("P576", ("date", "2015-12-31"))],
    ),
    (
        "Q980",
        {"en": "Bavaria", "de": "Bayern"},
        [
            ("P300", ("str", "DE-BY")),
            ("P17", "Q183"),
            ("P131", "Q183"),
            ("P625", ("wkt", 11.4, 48.9)),
        ],
    ),
    (
        "Q64",
        {"en": "Berlin"},
        [
            ("P300", ("str", "DE-BE")),
            ("P17", "Q183"),
            ("P131", "Q183"),
            ("P625", ("wkt", 13.4, 52.5)),
        ],
    ),
    # Cities below the subdivisions (P131 chains).
    ("Q90", {"en": "Paris", "fr": "Paris"}, [("P17", "Q142"), ("P131", "Q13917")]),
    ("Q647", {"en": "Rennes"}, [("P17", "Q142"), ("P131", "Q12130")]),
    # FIXTURE: a municipality with no P17 of its own, inside Bavaria.
    ("Q9200001", {"en": "Fixture Village"}, [("P131", "Q980")]),
    # FIXTURE: a district of the historical country only.
    ("Q9200002", {"en": "Old Prussian District"}, [("P131", "Q38872")]),
]
P150 = [
    ("Q142", "Q13917"),
    ("Q142", "Q12130"),
    ("Q142", "Q18678265"),
    ("Q142", "Q12538"),
    ("Q183", "Q980"),
    ("Q183", "Q64"),
]

# Classes: (qid, label, [superclasses])
CLASSES = [
    ("Q33506", "museum", []),
    ("Q207694", "art museum", ["Q33506"]),
    ("Q9100001", "fixture: modern art museum", ["Q207694"]),  # 3 levels below museum
    ("Q9100004", "fixture: video art museum", ["Q9100001"]),  # 4 levels below museum
    ("Q575727", "museum ship", ["Q33506"]),  # look-alike under museum
    ("Q9100002", "fixture: submarine museum ship", ["Q575727"]),  # inside a look-alike subtree
    ("Q24699794", "museum building", ["Q33506"]),  # look-alike under museum
    ("Q7075", "library", []),
    ("Q28564", "public library", ["Q7075"]),
    ("Q22806", "national library", ["Q7075"]),
    ("Q9100003", "fixture: library museum", ["Q33506", "Q7075"]),  # under two roots
    ("Q166118", "archives", []),
    ("Q1007870", "art gallery", []),
    ("Q43501", "zoo", []),
    ("Q167346", "botanical garden", []),
    ("Q2281788", "public aquarium", []),
    ("Q2668072", "collection", []),
    ("Q3914", "school", []),  # not GLAM
]

# Institutions: (qid, labels, statements). Rules exercised in the comments.
INST = [
    # Full contact record: every contact field, P131 to Paris, French and English labels.
    (
        "Q9000001",
        {"fr": "Musée d'Exemple", "en": "Example Museum"},
        [
            ("P31", "Q33506"),
            ("P17", "Q142"),
            ("P131", "Q90"),
            ("P625", ("wkt", 2.3522, 48.8566)),
            ("P856", ("iri", "https://musee.example.org/")),
            ("P968", ("iri", "mailto:contact@musee.example.org")),
            ("P1329", ("iri", "tel:+33-1-23-45-67-89")),
            ("P6375", ("mono", "1 rue de l'Exemple, 75001 Paris", "fr")),
        ],
    ),
    # Class 3 levels down (closure); only a "mul" label (language fallback).
    (
        "Q9000002",
        {"mul": "Galerie Moderne"},
        [("P31", "Q9100001"), ("P17", "Q142"), ("P131", "Q647"), ("P625", ("wkt", -1.68, 48.11))],
    ),
    # Deprecated P17 (Germany) beside a normal one (France): only France counts.
    (
        "Q9000003",
        {"en": "Deprecated Rank Library"},
        [("P31", "Q28564"), ("P17", "Q183", DEP), ("P17", "Q142"), ("P131", "Q13917")],
    ),
    # Preferred P17 hides a normal one: only Belgium counts.
    (
        "Q9000026",
        {"en": "Preferred Rank Archive"},
        [("P31", "Q166118"), ("P17", "Q31", PREF), ("P17", "Q55")],
    ),
    # P131 only: Berlin -> Germany; subdivision DE-BE.
    (
        "Q9000004",
        {"en": "Berlin P131 Library", "de": "Bibliothek Berlin"},
        [("P31", "Q7075"), ("P131", "Q64"), ("P625", ("wkt", 13.39, 52.52))],
    ),
    # P131 only, two levels: Fixture Village (no P17) -> Bavaria (P17 Germany).
    ("Q9000005", {"en": "Village Museum"}, [("P31", "Q33506"), ("P131", "Q9200001")]),
    # Cross-border: two normal P17 values, counts in Belgium and in the Netherlands.
    (
        "Q9000006",
        {"en": "Border Library"},
        [("P31", "Q7075"), ("P17", "Q31"), ("P17", "Q55"), ("P625", ("wkt", 4.93, 51.45))],
    ),
    # Dissolved (P576): not counted.
    (
        "Q9000007",
        {"en": "Closed Museum"},
        [("P31", "Q33506"), ("P17", "Q142"), ("P576", ("date", "2001-01-01"))],
    ),
    # Look-alikes: museum ship, a subclass of it, museum building: not counted.
    ("Q9000008", {"en": "Museum Ship Example"}, [("P31", "Q575727"), ("P17", "Q142")]),
    ("Q9000009", {"en": "Submarine Example"}, [("P31", "Q9100002"), ("P17", "Q142")]),
    ("Q9000010", {"en": "Museum Building Example"}, [("P31", "Q24699794"), ("P17", "Q142")]),
    # Only country is historical (Prussia): unplaced, reason historical country.
    ("Q9000011", {"en": "Prussian State Library"}, [("P31", "Q7075"), ("P17", "Q38872")]),
    # No country and no P131: unplaced (world), reason no country.
    ("Q9000012", {"en": "Nowhere Archive"}, [("P31", "Q166118")]),
    # P131 chain ends in the historical country: unplaced, reason historical country.
    ("Q9000013", {"en": "Old District Museum"}, [("P31", "Q33506"), ("P131", "Q9200002")]),
    # P131 directly to a subdivision that has P17.
    ("Q9000014", {"en": "Île-de-France Archive"}, [("P31", "Q166118"), ("P131", "Q13917")]),
    # P131 directly to a country item (itself a current country).
    ("Q9000015", {"en": "Country-Located Zoo"}, [("P31", "Q43501"), ("P131", "Q142")]),
    # Not GLAM (school).
    ("Q9000016", {"en": "Example School"}, [("P31", "Q3914"), ("P17", "Q142")]),
    # A class under two roots: counted once, in Luxembourg.
    (
        "Q9000017",
        {"en": "Library Museum Luxembourg"},
        [("P31", "Q9100003"), ("P17", "Q32"), ("P625", ("wkt", 6.13, 49.61))],
    ),
    # Islands (no borders): Iceland, Malta, Cape Verde.
    (
        "Q9000018",
        {"en": "Reykjavik Library"},
        [("P31", "Q7075"), ("P17", "Q189"), ("P625", ("wkt", -21.94, 64.15))],
    ),
    (
        "Q9000019",
        {"en": "Valletta Museum"},
        [("P31", "Q33506"), ("P17", "Q233"), ("P625", ("wkt", 14.51, 35.9))],
    ),
    (
        "Q9000023",
        {"en": "Praia Botanical Garden"},
        [("P31", "Q167346"), ("P17", "Q1011"), ("P625", ("wkt", -23.51, 14.93))],
    ),
    # Africa.
    (
        "Q9000020",
        {"en": "Lagos Zoo"},
        [
            ("P31", "Q43501"),
            ("P17", "Q1033"),
            ("P625", ("wkt", 3.38, 6.52)),
            ("P856", ("iri", "https://zoo.example.ng/")),
        ],
    ),
    (
        "Q9000021",
        {"en": "Accra Library"},
        [("P31", "Q22806"), ("P17", "Q117"), ("P625", ("wkt", -0.19, 5.6))],
    ),
    (
        "Q9000022",
        {"en": "Porto-Novo Museum", "fr": "Musée de Porto-Novo"},
        [
            ("P31", "Q33506"),
            ("P17", "Q962"),
            ("P625", ("wkt", 2.6, 6.5)),
            ("P968", ("iri", "mailto:info@musee.example.bj")),
        ],
    ),
    ("Q9000027", {"en": "Abidjan Aquarium"}, [("P31", "Q2281788"), ("P17", "Q1008")]),
    # Spain.
    (
        "Q9000024",
        {"en": "Madrid Art Gallery"},
        [("P31", "Q1007870"), ("P17", "Q29"), ("P625", ("wkt", -3.7, 40.42))],
    ),
    # Labels that try to break tables and formats: pipes, templates, links, newline, RTL.
    (
        "Q9000025",
        {"en": "Pipe | Museum {{Template}} [[Link]]\nsecond line", "ar": "متحف المثال"},
        [
            ("P31", "Q207694"),
            ("P17", "Q32"),
            ("P625", ("wkt", 6.12, 49.6)),
            ("P856", ("iri", "https://example.lu/museum?q=a%7Cb")),
        ],
    ),
    # A historical country (Prussia, Europe) beside a current one on another continent (Ghana):
    # placed in Ghana, never unplaced for Europe.
    (
        "Q9000029",
        {"en": "Gold Coast Archive"},
        [("P31", "Q166118"), ("P17", "Q38872"), ("P17", "Q117"), ("P625", ("wkt", -0.2, 5.56))],
    ),
    # Art museum subclass at 4 levels, in Germany via P17, with Japanese label only besides en.
    (
        "Q9000028",
        {"ja": "ビデオアート美術館", "en": "Video Art Museum"},
        [("P31", "Q9100004"), ("P17", "Q183"), ("P131", "Q980")],
    ),
]

PREFIXES = """@prefix wd: <http://www.wikidata.org/entity/> .
@prefix wdt: <http://www.wikidata.org/prop/direct/> .
@prefix p: <http://www.wikidata.org/prop/> .
@prefix ps: <http://www.wikidata.org/prop/statement/> .
@prefix wds: <http://www.wikidata.org/entity/statement/> .
@prefix wikibase: <http://wikiba.se/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix geo: <http://www.opengis.net/ont/geosparql#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""


def lit(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def obj(v: object) -> str:
    if isinstance(v, str):
        return f"wd:{v}"
    assert isinstance(v, tuple)
    kind = v[0]
    if kind == "wkt":
        return f'"Point({v[1]} {v[2]})"^^geo:wktLiteral'
    if kind == "str":
        return lit(v[1])
    if kind == "mono":
        return f"{lit(v[1])}@{v[2]}"
    if kind == "iri":
        return f"<{v[1]}>"
    if kind == "date":
        return f'"{v[1]}T00:00:00Z"^^xsd:dateTime'
    raise ValueError(v)


def item(
    qid: str, labels: dict[str, str], statements: list[tuple], aliases: list[str] = ()
) -> list[str]:
    out = [f"# {qid}"]
    for lang, text in labels.items():
        out.append(f"wd:{qid} rdfs:label {lit(text)}@{lang} .")
    for a in aliases:
        out.append(f"wd:{qid} skos:altLabel {lit(a)}@en .")
    by_prop: dict[str, list[tuple[object, str]]] = {}
    for st in statements:
        pid, value = st[0], st[1]
        rank = st[2] if len(st) > 2 else N
        by_prop.setdefault(pid, []).append((value, rank))
    for pid, values in by_prop.items():
        best = PREF if any(r == PREF for _, r in values) else N
        for i, (value, rank) in enumerate(values):
            node = f"wds:{qid}-{pid}-{i}"
            out.append(f"wd:{qid} p:{pid} {node} .")
            out.append(
                f"{node} ps:{pid} {obj(value)} ; wikibase:rank wikibase:{rank.capitalize()}Rank ."
            )
            if rank == best:
                out.append(f"wd:{qid} wdt:{pid} {obj(value)} .")
    return out


def build() -> str:
    lines = [
        "# The glamgraph test world: GENERATED by tests/world/make_world.py; edit the table there.",
        "# Real QIDs for continents, countries, subdivisions and classes; Q9000000+ are fixtures.",
        PREFIXES,
    ]
    for qid, labels in CONTINENTS:
        lines += item(qid, labels, [("P31", "Q5107")])
    neighbours: dict[str, list[str]] = {}
    for a, b in BORDERS:
        neighbours.setdefault(a, []).append(b)
        neighbours.setdefault(b, []).append(a)
    for qid, iso, labels, aliases, cont, (lon, lat), m49 in COUNTRIES:
        st = [
            ("P31", "Q6256"),
            ("P297", ("str", iso)),
            ("P30", cont),
            ("P625", ("wkt", lon, lat)),
            ("P2082", ("str", m49)),
        ]
        st += [("P47", n) for n in sorted(neighbours.get(qid, []))]
        st += [("P150", u) for c, u in P150 if c == qid]
        lines += item(qid, labels, st, aliases)
    for qid, labels, st in PLACES:
        lines += item(qid, labels, st)
    for qid, label, supers in CLASSES:
        lines += item(qid, {"en": label}, [("P279", s) for s in supers])
    for qid, labels, st in INST:
        lines += item(qid, labels, st)
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    (HERE / "world.ttl").write_text(build(), encoding="utf-8")
    print(f"wrote {HERE / 'world.ttl'}")
