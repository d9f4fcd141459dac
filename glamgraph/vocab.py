"""Every Wikidata and Meta-Wiki identifier glamgraph uses, in one place.

No QID or property literal appears anywhere else in ``glamgraph/``: code refers to the names
below, and query files receive them as typed parameters. Each identifier carries its English
label as a comment; the sources are in ``../shared/reference/wikidata-model.md``.

>>> MUSEUM
'Q33506'
>>> entity_uri(MUSEUM)
'http://www.wikidata.org/entity/Q33506'
>>> CONTINENTS[AFRICA]
'Africa'
"""

from __future__ import annotations

from typing import Final

# --- URI prefixes (wikidata-model.md section 7) -------------------------------------------
WD: Final = "http://www.wikidata.org/entity/"
WDT: Final = "http://www.wikidata.org/prop/direct/"
P: Final = "http://www.wikidata.org/prop/"
PS: Final = "http://www.wikidata.org/prop/statement/"
PQ: Final = "http://www.wikidata.org/prop/qualifier/"
WDS: Final = "http://www.wikidata.org/entity/statement/"
WIKIBASE: Final = "http://wikiba.se/ontology#"
SCHEMA: Final = "http://schema.org/"
RDFS: Final = "http://www.w3.org/2000/01/rdf-schema#"
SKOS: Final = "http://www.w3.org/2004/02/skos/core#"
PROV: Final = "http://www.w3.org/ns/prov#"
GEO: Final = "http://www.opengis.net/ont/geosparql#"
XSD: Final = "http://www.w3.org/2001/XMLSchema#"
#: glamgraph's own terms in the knowledge graph.
GG: Final = "https://w3id.org/glamgraph/ns#"
#: Named graphs and provenance activities minted by glamgraph.
GG_RUN: Final = "https://w3id.org/glamgraph/run/"

# --- GLAM root classes (default roots of the subclass closure) --------------------------------
MUSEUM: Final = "Q33506"  # museum
LIBRARY: Final = "Q7075"  # library
ARCHIVES: Final = "Q166118"  # archives
ART_GALLERY: Final = "Q1007870"  # art gallery
ZOO: Final = "Q43501"  # zoo
BOTANICAL_GARDEN: Final = "Q167346"  # botanical garden
PUBLIC_AQUARIUM: Final = "Q2281788"  # public aquarium

DEFAULT_GLAM_ROOTS: Final[tuple[str, ...]] = (
    MUSEUM,
    LIBRARY,
    ARCHIVES,
    ART_GALLERY,
    ZOO,
    BOTANICAL_GARDEN,
    PUBLIC_AQUARIUM,
)

# Optional extra roots (their closures are large; off by default).
GLAM: Final = "Q1030034"  # GLAM
MEMORY_INSTITUTION: Final = "Q1497649"  # memory institution
EXTRA_GLAM_ROOTS: Final[tuple[str, ...]] = (GLAM, MEMORY_INSTITUTION)

# A few well-known subclasses, used by the snapshot builder's class notes and tests.
ART_MUSEUM: Final = "Q207694"  # art museum
PUBLIC_LIBRARY: Final = "Q28564"  # public library
NATIONAL_LIBRARY: Final = "Q22806"  # national library

# --- Look-alike classes: not GLAM institutions, removed with their subtrees -------------------
MUSEUM_SHIP: Final = "Q575727"  # museum ship
MUSEUM_BUILDING: Final = "Q24699794"  # museum building
COLLECTION: Final = "Q2668072"  # collection
DEFAULT_LOOKALIKES: Final[tuple[str, ...]] = (MUSEUM_SHIP, MUSEUM_BUILDING, COLLECTION)

# --- Regions ---------------------------------------------------------------------------------
COUNTRY: Final = "Q6256"  # country
HISTORICAL_COUNTRY: Final = "Q3024240"  # historical country
CONTINENT: Final = "Q5107"  # continent
EARTH: Final = "Q2"  # Earth (the globe of coordinates)

NIGERIA: Final = "Q1033"  # Nigeria (a known answer of glamgraph doctor)
AFRICA: Final = "Q15"  # Africa
SOUTH_AMERICA: Final = "Q18"  # South America
EUROPE: Final = "Q46"  # Europe
ASIA: Final = "Q48"  # Asia
NORTH_AMERICA: Final = "Q49"  # North America
ANTARCTICA: Final = "Q51"  # Antarctica
OCEANIA: Final = "Q538"  # Oceania (insular Oceania)

#: The continents glamgraph knows, with their English labels. ``world`` is all of them.
CONTINENTS: Final[dict[str, str]] = {
    AFRICA: "Africa",
    ASIA: "Asia",
    EUROPE: "Europe",
    NORTH_AMERICA: "North America",
    SOUTH_AMERICA: "South America",
    OCEANIA: "Oceania",
    ANTARCTICA: "Antarctica",
}

# --- Properties ------------------------------------------------------------------------------
INSTANCE_OF: Final = "P31"  # instance of
SUBCLASS_OF: Final = "P279"  # subclass of
COUNTRY_P: Final = "P17"  # country
LOCATED_IN: Final = "P131"  # located in the administrative territorial entity
CONTAINS_ADMIN: Final = "P150"  # contains the administrative territorial entity
ISO_3166_2: Final = "P300"  # ISO 3166-2 code
ISO_ALPHA2: Final = "P297"  # ISO 3166-1 alpha-2 code
ISO_ALPHA3: Final = "P298"  # ISO 3166-1 alpha-3 code
UN_M49: Final = "P2082"  # UN M49 code
CONTINENT_P: Final = "P30"  # continent
SHARES_BORDER: Final = "P47"  # shares border with
COORDINATES: Final = "P625"  # coordinate location
DISSOLVED: Final = "P576"  # dissolved, abolished or demolished date
WEBSITE: Final = "P856"  # official website
EMAIL: Final = "P968"  # email address
PHONE: Final = "P1329"  # phone number
STREET_ADDRESS: Final = "P6375"  # street address
OPERATING_AREA: Final = "P2541"  # operating area
HEADQUARTERS: Final = "P159"  # headquarters location
ISIL: Final = "P791"  # ISIL
INCEPTION: Final = "P571"  # inception
END_TIME: Final = "P582"  # end time (qualifier)
STATED_IN: Final = "P248"  # stated in (reference)
REFERENCE_URL: Final = "P854"  # reference URL (reference)
RETRIEVED: Final = "P813"  # retrieved (reference)

# --- Wikimedia affiliates on Wikidata ------------------------------------------------------------
# The classes are UNVERIFIED in public sources (wikidata-model.md section 2): glamgraph resolves
# them by their English labels at run time and reports what it found.
AFFILIATE_CLASS_LABELS: Final[tuple[str, ...]] = (
    "Wikimedia chapter",
    "Wikimedia thematic organization",
    "Wikimedia user group",
)
WORLDWIDE: Final = "Q13780930"  # worldwide (special value of operating area)

# --- Meta-Wiki ---------------------------------------------------------------------------------
META_API: Final = "https://meta.wikimedia.org/w/api.php"
AFFILIATES_MODULE: Final = "Module:Organizational_Informations"
WIKIDATA_API: Final = "https://www.wikidata.org/w/api.php"

#: The contact of last resort for a region no affiliate can reach (configurable in the API/CLI).
GLAM_FALLBACK_CONTACT: Final = "GLAM-Wiki"
GLAM_FALLBACK_CONTACT_NAME: Final = "GLAM-Wiki international community"
GLAM_FALLBACK_CONTACT_PAGE: Final = "https://meta.wikimedia.org/wiki/GLAM"
#: Where a Meta-Wiki page title is shown to people.
META_WIKI_PAGE: Final = "https://meta.wikimedia.org/wiki/"

# --- Endpoints ---------------------------------------------------------------------------------
WDQS_URL: Final = "https://query.wikidata.org/sparql"
QLEVER_URL: Final = "https://qlever.dev/api/wikidata"
#: QLever's earlier address, still accepted as an alias of ``QLEVER_URL``.
QLEVER_OLD_URL: Final = "https://qlever.cs.uni-freiburg.de/api/wikidata"
WDQS_UI: Final = "https://query.wikidata.org/#"
QLEVER_UI: Final = "https://qlever.dev/wikidata/?query="


def entity_uri(qid: str) -> str:
    """The entity URI of a QID (no validation; see :func:`glamgraph.ids.check_qid`).

    >>> entity_uri("Q142")
    'http://www.wikidata.org/entity/Q142'
    """
    return WD + qid


def prop_uri(pid: str, kind: str = "direct") -> str:
    """The URI of a property in one of its RDF roles: ``direct``, ``p``, ``ps`` or ``pq``.

    >>> prop_uri(COUNTRY_P)
    'http://www.wikidata.org/prop/direct/P17'
    >>> prop_uri(COUNTRY_P, "ps")
    'http://www.wikidata.org/prop/statement/P17'
    """
    base = {"direct": WDT, "p": P, "ps": PS, "pq": PQ}[kind]
    return base + pid


#: The count column of each default GLAM root in ``regions.csv`` and the coverage data frame.
GLAM_ROOT_COLUMNS: Final[dict[str, str]] = {
    MUSEUM: "museums",
    LIBRARY: "libraries",
    ARCHIVES: "archives",
    ART_GALLERY: "art_galleries",
    ZOO: "zoos",
    BOTANICAL_GARDEN: "botanical_gardens",
    PUBLIC_AQUARIUM: "aquariums",
}
