#!/usr/bin/env python3
"""A seeded, Wikidata-shaped benchmark world, and the answer glamgraph must find in it.

``python bench/world.py --n 100000 --seed 1`` writes, under ``bench/.work/`` by default:

* ``world-<n>-s<seed>.nt`` (N-Triples; ``--gzip`` for ``.nt.gz``): continents; the 250 real
  countries of ``../shared/data/countries.csv`` that have an ISO alpha-2 code, with continent
  (P30), ISO codes (P297/P298), coordinates (P625) and P47 borders; first-level subdivisions
  (P150 from the country; P300, P17 and P131 to the country); municipalities below them (P131,
  often without P17); a few historical countries; a GLAM class tree of ~400 classes (the seven
  real roots of ``glamgraph.vocab.DEFAULT_GLAM_ROOTS``, the real look-alikes of
  ``DEFAULT_LOOKALIKES`` with subclasses, non-GLAM distractors, an upper ontology of 60 classes
  above the roots, second parents now and then, one P279 cycle); and ``n`` institutions in exact
  Wikidata shapes: ``wdt:`` truthy triples for best-rank values only, ``p:``/``ps:`` statement
  nodes with ``wikibase:rank`` for every statement (deprecated ones included), ``rdfs:label``,
  ``"Point(lon lat)"^^geo:wktLiteral``.
* ``affiliates-s<seed>.lua``: a ``return { {...}, ... }`` table in the shape of Meta-Wiki's
  ``Module:Organizational_Informations`` (chapters, user groups, thematic organisations;
  recognised, derecognised, suspended).
* ``expected-<n>-s<seed>.json``: the answer computed from the generator's own truthy facts by the
  counting rules of ``../shared/reference/contract.md``: per country the GLAM institutions, the
  unplaced institutions with their reason, and the countries a recognised chapter or user group
  covers.

Real QIDs are used for continents, countries, historical countries, the GLAM roots and the
look-alike classes. **Everything else (classes, subdivisions, municipalities, institutions) has a
QID from Q100000000 up: fixtures, not Wikidata items.** The geography, the class tree and the
affiliates depend on the seed only, so worlds of different sizes share them; only the
institutions scale with ``n``. Same seed, same bytes.
"""

from __future__ import annotations

import argparse
import bisect
import csv
import gzip
import io
import itertools
import json
import os
import random
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from glamgraph import vocab

#: Bump when the world's shape changes, so cached worlds and stores are rebuilt.
GENERATOR_VERSION = 2

HERE = Path(__file__).resolve().parent
WORKDIR = HERE / ".work"
SHARED_DATA = Path(os.environ.get("GLAMGRAPH_SHARED_DATA", HERE.parent.parent / "shared" / "data"))

# --- Fixture QID ranges (synthetic: not Wikidata items) ----------------------------------------
CLASS_BASE = 100_000_000  # classes other than the real roots and look-alikes
SUBDIVISION_BASE = 101_000_000
MUNICIPALITY_BASE = 102_000_000
DISTRICT_BASE = 103_000_000  # districts of historical countries
SYNTH_COUNTRY_BASE = 104_000_000  # only when countries.csv is missing
INSTITUTION_BASE = 110_000_000

# Fixture classes for the places themselves (not GLAM, never counted).
SUBDIVISION_CLASS = f"Q{CLASS_BASE + 90_001}"
MUNICIPALITY_CLASS = f"Q{CLASS_BASE + 90_002}"
DISTRICT_CLASS = f"Q{CLASS_BASE + 90_003}"

#: Real historical countries (Q3024240 instances, dissolved), as in tests/world/make_world.py.
HISTORICAL_COUNTRIES: tuple[tuple[str, str, tuple[str, ...], str, str], ...] = (
    # qid, English label, continents, dissolution date, alpha-2 code still carried ("" = none)
    ("Q15180", "Soviet Union", (vocab.EUROPE, vocab.ASIA), "1991-12-26", ""),
    ("Q33946", "Czechoslovakia", (vocab.EUROPE,), "1992-12-31", "CS"),
    ("Q38872", "Prussia", (vocab.EUROPE,), "1947-02-25", ""),
)

#: The four largest countries get fixed shares ("a few with 10,000+" at 100k); the rest follow a
#: shifted power law in a seeded order. Antarctic territories get nothing.
TOP_COUNTRIES: tuple[tuple[str, float], ...] = (
    ("Q30", 0.16),  # United States of America
    ("Q183", 0.14),  # Germany
    ("Q142", 0.13),  # France
    ("Q145", 0.12),  # United Kingdom
)
TAIL_EXPONENT = 1.4
TAIL_SHIFT = 3

#: Subtree sizes under each GLAM root (plus the root itself): 340 GLAM classes.
ROOT_SUBTREE_SIZES: dict[str, int] = {
    vocab.MUSEUM: 150,
    vocab.LIBRARY: 70,
    vocab.ARCHIVES: 40,
    vocab.ART_GALLERY: 25,
    vocab.ZOO: 25,
    vocab.BOTANICAL_GARDEN: 18,
    vocab.PUBLIC_AQUARIUM: 12,
}
#: How often a root itself is the P31 value, relative to an average subclass.
ROOT_WEIGHT: dict[str, float] = {
    vocab.MUSEUM: 400.0,
    vocab.LIBRARY: 250.0,
    vocab.ARCHIVES: 120.0,
    vocab.ART_GALLERY: 60.0,
    vocab.ZOO: 25.0,
    vocab.BOTANICAL_GARDEN: 20.0,
    vocab.PUBLIC_AQUARIUM: 10.0,
}
MAX_CLASS_DEPTH = 7
UPPER_CLASSES = 60  # synthetic upper ontology above the roots
NON_GLAM_SECOND_PARENT = 0.25  # GLAM subclasses with a second, non-GLAM parent

# --- Probabilities of the institution shapes ---------------------------------------------------
# P31: (case, cumulative probability)
P31_CASES = (
    ("glam", 0.86),
    ("lookalike", 0.90),  # a museum ship, museum building or collection (sub)class: not GLAM
    ("other", 0.95),  # a non-GLAM class: not GLAM
    ("glam+lookalike", 0.98),  # GLAM and look-alike: GLAM (one P31 in the closure is enough)
    ("glam+other", 0.99),
    ("deprecated-glam", 1.0),  # deprecated GLAM P31 beside a normal non-GLAM one: not GLAM
)
# Country placement: (case, cumulative probability); the rest is "p17".
PLACE_CASES = (
    ("p131-only", 0.100),  # 10 %: no P17, P131 to a subdivision, a municipality or the country
    ("cross-border", 0.115),  # two normal P17: counts in each
    ("deprecated-p17", 0.130),  # a deprecated P17 beside the normal one: only the normal counts
    ("preferred-p17", 0.135),  # a preferred P17 hides a normal one: only the preferred counts
    ("historical-only", 0.140),  # P17 a historical country only: unplaced
    ("historical+current", 0.143),  # P17 historical and current: counts in the current one
    ("nowhere", 0.146),  # no P17, no P131: unplaced
    ("historical-district", 0.148),  # P131 to a district of a historical country: unplaced
)
P17_WITH_P131 = 0.6  # an institution with P17 also has a P131 (not needed, never used)
DISSOLVED = 0.03
WITH_COORDS = 0.87
MUNICIPALITY_WITH_P17 = 0.6
MUNICIPALITY_UNDER_MUNICIPALITY = 0.2

# --- N-Triples building blocks ----------------------------------------------------------------
_E = "<" + vocab.WD
_RANK = f"<{vocab.WIKIBASE}rank>"
_RANKS = {
    "normal": f"<{vocab.WIKIBASE}NormalRank>",
    "preferred": f"<{vocab.WIKIBASE}PreferredRank>",
    "deprecated": f"<{vocab.WIKIBASE}DeprecatedRank>",
}
_LABEL = f"<{vocab.RDFS}label>"
_WKT = f"^^<{vocab.GEO}wktLiteral>"
_DATETIME = f"^^<{vocab.XSD}dateTime>"


class _Props(dict[str, tuple[str, str, str]]):
    """``pid -> (wdt:, p:, ps:)`` IRIs in N-Triples form, built on first use."""

    def __missing__(self, pid: str) -> tuple[str, str, str]:
        value = (f"<{vocab.WDT}{pid}>", f"<{vocab.P}{pid}>", f"<{vocab.PS}{pid}>")
        self[pid] = value
        return value


_PROPS = _Props()


def ent(qid: str) -> str:
    """An entity IRI in N-Triples form."""
    return f"{_E}{qid}>"


def lit(text: str, lang: str | None = None) -> str:
    """A string literal in N-Triples form (optionally language-tagged)."""
    out = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{out}"@{lang}' if lang else f'"{out}"'


def point(lon: float, lat: float) -> str:
    return f'"Point({lon:.5f} {lat:.5f})"{_WKT}'


def date(day: str) -> str:
    return f'"{day}T00:00:00Z"{_DATETIME}'


def statements(out: list[str], qid: str, pid: str, values: Sequence[tuple[str, str]]) -> list[str]:
    """Write ``p:``/``ps:``/``wikibase:rank`` for every value and ``wdt:`` for the best rank.

    ``values`` are ``(object in N-Triples form, rank)``. Returns the truthy objects: the
    preferred ones if any, else the normal ones; deprecated ones never.
    """
    wdt, p, ps = _PROPS[pid]
    subj = ent(qid)
    best = "preferred" if any(r == "preferred" for _, r in values) else "normal"
    truthy = []
    for i, (obj, rank) in enumerate(values):
        node = f"<{vocab.WDS}{qid}-{pid}-{i}>"
        out.append(f"{subj} {p} {node} .\n{node} {ps} {obj} .\n{node} {_RANK} {_RANKS[rank]} .\n")
        if rank == best:
            out.append(f"{subj} {wdt} {obj} .\n")
            truthy.append(obj)
    return truthy


def items(values: Iterable[str], rank: str = "normal") -> list[tuple[str, str]]:
    return [(ent(v), rank) for v in values]


def qid_of(obj: str) -> str:
    """The QID of an entity IRI in N-Triples form."""
    return obj[len(_E) : -1]


# --- The world --------------------------------------------------------------------------------
@dataclass
class Country:
    qid: str
    iso2: str
    iso3: str
    label: str
    continent: str
    lat: float | None
    lon: float | None
    borders: list[str] = field(default_factory=list)
    share: float = 0.0
    subdivisions: list[str] = field(default_factory=list)
    municipalities: list[str] = field(default_factory=list)


@dataclass
class Truth:
    """The truthy facts the counting rules read, kept while the world is written."""

    current: set[str] = field(default_factory=set)  # current countries
    historical: set[str] = field(default_factory=set)
    admin_p17: dict[str, list[str]] = field(default_factory=dict)  # non-institution items
    admin_p131: dict[str, list[str]] = field(default_factory=dict)
    class_parents: dict[str, list[str]] = field(default_factory=dict)  # truthy P279

    def closure(self, roots: Iterable[str]) -> set[str]:
        """Every class whose P279 chain reaches one of ``roots`` (roots included)."""
        children: dict[str, list[str]] = {}
        for c, parents in self.class_parents.items():
            for p in parents:
                children.setdefault(p, []).append(c)
        seen = set(roots)
        stack = list(seen)
        while stack:
            for child in children.get(stack.pop(), ()):
                if child not in seen:
                    seen.add(child)
                    stack.append(child)
        return seen

    def place(self, p17: Sequence[str], p131: Sequence[str]) -> tuple[set[str], str | None]:
        """The contract's country rule: truthy P17, else the first P17 up the P131 chain.

        Returns the current countries (empty when unplaced) and, when unplaced, the reason.
        """
        if p17:
            found = {c for c in p17 if c in self.current}
            if found:
                return found, None
            hist = any(c in self.historical for c in p17)
            return set(), "historical country" if hist else "no current country"
        found = set()
        hist = False
        seen: set[str] = set()
        frontier = list(p131)
        while frontier:
            nxt: list[str] = []
            for a in frontier:
                if a in seen:
                    continue
                seen.add(a)
                if a in self.current:
                    found.add(a)
                elif a in self.historical:
                    hist = True
                elif a in self.admin_p17:
                    cur = {c for c in self.admin_p17[a] if c in self.current}
                    found |= cur
                    hist = hist or (
                        not cur and any(c in self.historical for c in self.admin_p17[a])
                    )
                else:
                    nxt.extend(self.admin_p131.get(a, ()))
            frontier = nxt
        if found:
            return found, None
        return set(), "historical country" if hist else "no country"


def read_countries(data_dir: Path) -> tuple[list[Country], bool]:
    """The real countries and borders from ``countries.csv`` (or synthetic ones without it)."""
    path = data_dir / "countries.csv"
    if not path.is_file():
        return synthetic_countries(), False
    countries: dict[str, Country] = {}
    with path.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            if not row["iso2"]:
                # Northern Cyprus, Somaliland: no ISO 3166-1 code, so no current country by
                # glamgraph's definition (countries-of-continent.rq needs P297); left out.
                continue
            lat = float(row["lat"]) if row["lat"] else None
            lon = float(row["lon"]) if row["lon"] else None
            cont = row["continent_qids"].split()[0]
            countries[row["qid"]] = Country(
                row["qid"], row["iso2"], row["iso3"], row["label_en"], cont, lat, lon
            )
            countries[row["qid"]].borders = row["borders_p47"].split()
    borders_path = data_dir / "borders_wikidata_p47.csv"
    if borders_path.is_file():
        with borders_path.open(encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                a, b = row["qid_a"], row["qid_b"]
                if a in countries and b in countries:
                    countries[a].borders.append(b)
                    countries[b].borders.append(a)
    for c in countries.values():
        kept = {b for b in c.borders if b in countries}
        c.borders = sorted(kept - {c.qid}, key=lambda q: int(q[1:]))
    return sorted(countries.values(), key=lambda c: int(c.qid[1:])), True


def synthetic_countries() -> list[Country]:
    """250 invented countries on six continents, bordering their neighbours in a ring."""
    rng = random.Random("synthetic-countries")
    conts = [vocab.AFRICA, vocab.ASIA, vocab.EUROPE, vocab.NORTH_AMERICA, vocab.SOUTH_AMERICA]
    conts.append(vocab.OCEANIA)
    out = []
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    for i in range(250):
        iso2 = letters[i // 26 % 26] + letters[i % 26]
        cont = conts[i % len(conts)]
        out.append(
            Country(
                f"Q{SYNTH_COUNTRY_BASE + i}",
                iso2,
                iso2 + "X",
                f"Synthetic country {iso2}",
                cont,
                rng.uniform(-50, 60),
                rng.uniform(-170, 170),
            )
        )
    for i, c in enumerate(out):
        same = [d.qid for d in out if d.continent == c.continent and d is not c]
        c.borders = sorted(set(same[i % max(1, len(same)) : i % max(1, len(same)) + 3]))
    for c in out:  # make borders symmetric
        for b in c.borders:
            other = next(d for d in out if d.qid == b)
            if c.qid not in other.borders:
                other.borders.append(c.qid)
    return out


def country_shares(countries: list[Country], rng: random.Random) -> None:
    """Heavy-tailed shares of the institutions: four big countries, then a power law."""
    by_qid = {c.qid: c for c in countries}
    top = [(by_qid[q], s) for q, s in TOP_COUNTRIES if q in by_qid]
    for c, s in top:
        c.share = s
    rest = [c for c in countries if c.share == 0.0 and c.continent != vocab.ANTARCTICA]
    rng.shuffle(rest)
    weights = [(i + 1 + TAIL_SHIFT) ** -TAIL_EXPONENT for i in range(len(rest))]
    left = 1.0 - sum(s for _, s in top)
    total = sum(weights)
    for c, w in zip(rest, weights, strict=True):
        c.share = left * w / total


@dataclass
class ClassTree:
    glam: list[str] = field(default_factory=list)  # GLAM classes (closure minus look-alikes)
    glam_weights: list[float] = field(default_factory=list)
    lookalike: list[str] = field(default_factory=list)  # classes in a look-alike subtree
    other: list[str] = field(default_factory=list)  # non-GLAM classes
    upper: list[str] = field(default_factory=list)  # the upper ontology above the roots
    labels: dict[str, str] = field(default_factory=dict)
    parents: dict[str, list[str]] = field(default_factory=dict)


def build_classes(rng: random.Random) -> ClassTree:
    """~400 classes: seven GLAM subtrees, three look-alike subtrees, non-GLAM distractors."""
    tree = ClassTree()
    counter = itertools.count(1)

    def new(label: str, parents: list[str]) -> str:
        qid = f"Q{CLASS_BASE + next(counter)}"
        tree.labels[qid] = label
        tree.parents[qid] = parents
        return qid

    root_labels = {
        vocab.MUSEUM: "museum",
        vocab.LIBRARY: "library",
        vocab.ARCHIVES: "archives",
        vocab.ART_GALLERY: "art gallery",
        vocab.ZOO: "zoo",
        vocab.BOTANICAL_GARDEN: "botanical garden",
        vocab.PUBLIC_AQUARIUM: "public aquarium",
    }
    subtrees: dict[str, list[tuple[str, int]]] = {}
    for root, size in ROOT_SUBTREE_SIZES.items():
        tree.labels[root] = root_labels[root]
        tree.parents[root] = []
        nodes = [(root, 0)]
        for k in range(size - 1):
            parent, depth = rng.choice([n for n in nodes if n[1] < MAX_CLASS_DEPTH])
            qid = new(f"synthetic {root_labels[root]} type {k + 1}", [parent])
            nodes.append((qid, depth + 1))
        subtrees[root] = nodes
    # A second parent in another GLAM subtree for some classes (counted once).
    roots = list(ROOT_SUBTREE_SIZES)
    for root, nodes in subtrees.items():
        for qid, _depth in nodes[1:]:
            if rng.random() < 0.04:
                other_root = rng.choice([r for r in roots if r != root])
                tree.parents[qid].append(rng.choice(subtrees[other_root])[0])
    # One P279 cycle inside the museum tree: an ancestor made a subclass of its descendant.
    museum_nodes = [q for q, d in subtrees[vocab.MUSEUM] if d >= 3]
    if museum_nodes:
        low = museum_nodes[0]
        chain = [low]
        while tree.parents[chain[-1]] and chain[-1] != vocab.MUSEUM:
            chain.append(tree.parents[chain[-1]][0])
        if len(chain) >= 3:
            tree.parents[chain[-2]].append(low)
    # Look-alikes: museum ship and museum building under museum (as on Wikidata), collection
    # apart; subclasses of each, two of collection's also under an art-gallery class.
    tree.labels[vocab.MUSEUM_SHIP] = "museum ship"
    tree.parents[vocab.MUSEUM_SHIP] = [vocab.MUSEUM]
    tree.labels[vocab.MUSEUM_BUILDING] = "museum building"
    tree.parents[vocab.MUSEUM_BUILDING] = [vocab.MUSEUM]
    tree.labels[vocab.COLLECTION] = "collection"
    tree.parents[vocab.COLLECTION] = []
    look: list[str] = [vocab.MUSEUM_SHIP, vocab.MUSEUM_BUILDING, vocab.COLLECTION]
    for root, n in ((vocab.MUSEUM_SHIP, 8), (vocab.MUSEUM_BUILDING, 6), (vocab.COLLECTION, 10)):
        mine = [root]
        for k in range(n):
            parents = [rng.choice(mine)]
            if root == vocab.COLLECTION and k < 2:
                parents.append(rng.choice(subtrees[vocab.ART_GALLERY])[0])
            qid = new(f"synthetic {tree.labels[root]} type {k + 1}", parents)
            mine.append(qid)
        look += mine[1:]
    tree.lookalike = look
    # Non-GLAM distractors: six top classes with subclasses.
    for label in ("school", "company", "park", "university", "church", "theatre"):
        top = new(f"synthetic {label}", [])
        mine = [top]
        for j in range(4):
            mine.append(new(f"synthetic {label} type {j + 1}", [rng.choice(mine)]))
        tree.other += mine
    # An upper ontology above the roots, as on Wikidata, where museum, library, zoo... sit under
    # institution, organization, building... up to entity: a DAG of chains with cross links.
    # Many GLAM subclasses also have a non-GLAM parent. Nothing of it is under a GLAM root, so
    # the closure is unchanged; only walks *up* from a class (the naive plan's) get longer.
    upper: list[str] = []
    for k in range(UPPER_CLASSES):
        parents = [upper[rng.randrange(max(0, k - 4), k)]] if upper else []
        if upper and rng.random() < 0.5:
            extra = rng.choice(upper)
            if extra not in parents:
                parents.append(extra)
        upper.append(new(f"synthetic upper class {k + 1}", parents))
    tree.upper = upper
    low = upper[len(upper) // 2 :]
    for root in (*ROOT_SUBTREE_SIZES, vocab.MUSEUM_SHIP, vocab.MUSEUM_BUILDING, vocab.COLLECTION):
        tree.parents[root] += rng.sample(low, 2)
    for qid in tree.other:
        if not tree.parents[qid]:
            tree.parents[qid].append(rng.choice(low))
    for nodes in subtrees.values():
        for qid, _depth in nodes[1:]:
            if rng.random() < NON_GLAM_SECOND_PARENT:
                tree.parents[qid].append(rng.choice(low + tree.other))
    glam_set = set(itertools.chain.from_iterable((q for q, _ in n) for n in subtrees.values()))
    truth = Truth(class_parents=tree.parents)
    look_set = truth.closure(DEFAULT_LOOKALIKES)
    tree.glam = sorted(glam_set - look_set, key=lambda q: int(q[1:]))
    tree.lookalike = sorted(look_set, key=lambda q: int(q[1:]))
    tree.glam_weights = [ROOT_WEIGHT.get(q, rng.paretovariate(1.2)) for q in tree.glam]
    return tree


DEFAULT_ROOTS = tuple(vocab.DEFAULT_GLAM_ROOTS)
DEFAULT_LOOKALIKES = tuple(vocab.DEFAULT_LOOKALIKES)


@dataclass
class WorldInfo:
    n: int
    seed: int
    world_path: Path
    expected_path: Path
    affiliates_path: Path
    triples: int
    seconds: float


class _Out:
    """Buffered writing of N-Triples chunks, counting the triples."""

    def __init__(self, f: TextIO) -> None:
        self.f = f
        self.buf: list[str] = []
        self.triples = 0

    def flush(self) -> None:
        text = "".join(self.buf)
        self.triples += text.count("\n")
        self.f.write(text)
        self.buf = []


def _jitter(rng: random.Random, c: Country, spread: float = 1.5) -> str:
    lat = c.lat if c.lat is not None else rng.uniform(-40, 60)
    lon = c.lon if c.lon is not None else rng.uniform(-160, 160)
    lat = max(-89.9, min(89.9, lat + rng.gauss(0, spread)))
    lon = ((lon + rng.gauss(0, spread) + 180) % 360) - 180
    return point(lon, lat)


def generate(
    n: int = 100_000,
    seed: int = 1,
    out_dir: Path = WORKDIR,
    *,
    gzip_output: bool = False,
    data_dir: Path = SHARED_DATA,
) -> WorldInfo:
    """Write the world, its affiliates module and its expected answer; return where they are."""
    t0 = time.perf_counter()
    out_dir.mkdir(parents=True, exist_ok=True)
    suffix = ".nt.gz" if gzip_output else ".nt"
    world_path = out_dir / f"world-{n}-s{seed}{suffix}"
    expected_path = out_dir / f"expected-{n}-s{seed}.json"
    affiliates_path = out_dir / f"affiliates-s{seed}.lua"
    rng_geo = random.Random(f"{seed}-geography")
    rng_cls = random.Random(f"{seed}-classes")
    rng_inst = random.Random(f"{seed}-institutions-{n}")
    rng_aff = random.Random(f"{seed}-affiliates")

    countries, real = read_countries(data_dir)
    country_shares(countries, rng_geo)
    truth = Truth(current={c.qid for c in countries})
    tree = build_classes(rng_cls)
    truth.class_parents = tree.parents

    tmp = world_path.with_name(world_path.name + ".tmp")
    raw = tmp.open("wb")
    f: TextIO = (
        io.TextIOWrapper(gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=1, mtime=0), "utf-8")
        if gzip_output
        else io.TextIOWrapper(raw, "utf-8")
    )
    out = _Out(f)
    b = out.buf
    try:
        # Continents.
        for qid, label in vocab.CONTINENTS.items():
            b.append(f"{ent(qid)} {_LABEL} {lit(label, 'en')} .\n")
            statements(b, qid, vocab.INSTANCE_OF, items([vocab.CONTINENT]))
        # Historical countries and their districts.
        for qid, label, conts, dissolved, iso in HISTORICAL_COUNTRIES:
            truth.historical.add(qid)
            b.append(f"{ent(qid)} {_LABEL} {lit(label, 'en')} .\n")
            statements(b, qid, vocab.INSTANCE_OF, items([vocab.HISTORICAL_COUNTRY]))
            statements(b, qid, vocab.CONTINENT_P, items(conts))
            statements(b, qid, vocab.DISSOLVED, [(date(dissolved), "normal")])
            if iso:
                statements(b, qid, vocab.ISO_ALPHA2, [(lit(iso), "normal")])
        districts: list[str] = []
        district_ids = itertools.count(DISTRICT_BASE + 1)
        for qid, label, *_ in HISTORICAL_COUNTRIES:
            for k in range(2):
                d = f"Q{next(district_ids)}"
                districts.append(d)
                b.append(f"{ent(d)} {_LABEL} {lit(f'{label} district {k + 1}', 'en')} .\n")
                statements(b, d, vocab.INSTANCE_OF, items([DISTRICT_CLASS]))
                truth.admin_p131[d] = [
                    qid_of(o) for o in statements(b, d, vocab.LOCATED_IN, items([qid]))
                ]
                if k == 0:  # one district says its country, the other does not
                    truth.admin_p17[d] = [
                        qid_of(o) for o in statements(b, d, vocab.COUNTRY_P, items([qid]))
                    ]
        # Subdivisions and municipalities.
        sub_ids = itertools.count(SUBDIVISION_BASE + 1)
        muni_ids = itertools.count(MUNICIPALITY_BASE + 1)
        total_munis = max(200, n // 25)
        for c in countries:
            nsub = 1 + int(min(40.0, rng_geo.lognormvariate(2.0, 0.7)))
            for k in range(nsub):
                s = f"Q{next(sub_ids)}"
                c.subdivisions.append(s)
                b.append(f"{ent(s)} {_LABEL} {lit(f'{c.label} region {k + 1}', 'en')} .\n")
                statements(b, s, vocab.INSTANCE_OF, items([SUBDIVISION_CLASS]))
                statements(b, s, vocab.ISO_3166_2, [(lit(f"{c.iso2}-{k + 1:02d}"), "normal")])
                truth.admin_p17[s] = [
                    qid_of(o) for o in statements(b, s, vocab.COUNTRY_P, items([c.qid]))
                ]
                truth.admin_p131[s] = [c.qid]
                statements(b, s, vocab.LOCATED_IN, items([c.qid]))
                statements(b, s, vocab.COORDINATES, [(_jitter(rng_geo, c, 2.0), "normal")])
            # A former subdivision, still listed with P150 but dissolved (no institutions in it).
            former = None
            if rng_geo.random() < 0.1:
                former = f"Q{next(sub_ids)}"
                b.append(f"{ent(former)} {_LABEL} {lit(f'{c.label} former region', 'en')} .\n")
                statements(b, former, vocab.INSTANCE_OF, items([SUBDIVISION_CLASS]))
                truth.admin_p17[former] = [c.qid]
                statements(b, former, vocab.COUNTRY_P, items([c.qid]))
                statements(b, former, vocab.LOCATED_IN, items([c.qid]))
                statements(b, former, vocab.DISSOLVED, [(date("2015-12-31"), "normal")])
            nmuni = max(1, round(total_munis * c.share)) if c.share > 0 else 0
            for k in range(nmuni):
                m = f"Q{next(muni_ids)}"
                b.append(f"{ent(m)} {_LABEL} {lit(f'{c.label} town {k + 1}', 'en')} .\n")
                statements(b, m, vocab.INSTANCE_OF, items([MUNICIPALITY_CLASS]))
                if c.municipalities and rng_geo.random() < MUNICIPALITY_UNDER_MUNICIPALITY:
                    up = rng_geo.choice(c.municipalities)
                else:
                    up = rng_geo.choice(c.subdivisions)
                truth.admin_p131[m] = [
                    qid_of(o) for o in statements(b, m, vocab.LOCATED_IN, items([up]))
                ]
                if rng_geo.random() < MUNICIPALITY_WITH_P17:
                    truth.admin_p17[m] = [c.qid]
                    statements(b, m, vocab.COUNTRY_P, items([c.qid]))
                statements(b, m, vocab.COORDINATES, [(_jitter(rng_geo, c), "normal")])
                c.municipalities.append(m)
            # The country itself.
            b.append(f"{ent(c.qid)} {_LABEL} {lit(c.label, 'en')} .\n")
            statements(b, c.qid, vocab.INSTANCE_OF, items([vocab.COUNTRY]))
            statements(b, c.qid, vocab.ISO_ALPHA2, [(lit(c.iso2), "normal")])
            statements(b, c.qid, vocab.ISO_ALPHA3, [(lit(c.iso3), "normal")])
            statements(b, c.qid, vocab.CONTINENT_P, items([c.continent]))
            if c.lat is not None and c.lon is not None:
                statements(b, c.qid, vocab.COORDINATES, [(point(c.lon, c.lat), "normal")])
            if c.borders:
                statements(b, c.qid, vocab.SHARES_BORDER, items(c.borders))
            units = c.subdivisions + ([former] if former else [])
            statements(b, c.qid, vocab.CONTAINS_ADMIN, items(units))
            if len(b) > 20_000:
                out.flush()
                b = out.buf
        # Classes.
        for qid in sorted(tree.labels, key=lambda q: int(q[1:])):
            b.append(f"{ent(qid)} {_LABEL} {lit(tree.labels[qid], 'en')} .\n")
            if tree.parents[qid]:
                statements(b, qid, vocab.SUBCLASS_OF, items(tree.parents[qid]))
        for qid, label in (
            (SUBDIVISION_CLASS, "synthetic first-level subdivision"),
            (MUNICIPALITY_CLASS, "synthetic municipality"),
            (DISTRICT_CLASS, "synthetic historical district"),
        ):
            b.append(f"{ent(qid)} {_LABEL} {lit(label, 'en')} .\n")
        out.flush()
        b = out.buf

        # Institutions.
        glam_set = set(tree.glam)
        countries_w = [c for c in countries if c.share > 0]
        cum = list(itertools.accumulate(c.share for c in countries_w))
        homes = rng_inst.choices(countries_w, cum_weights=cum, k=n)
        glam_cum = list(itertools.accumulate(tree.glam_weights))
        all_qids = [c.qid for c in countries]
        hist_qids = [h[0] for h in HISTORICAL_COUNTRIES]
        counts: dict[str, int] = {c.qid: 0 for c in countries}
        unplaced: dict[str, str] = {}
        shapes: dict[str, int] = {}
        glam_total = 0

        def pick_glam() -> str:
            return tree.glam[bisect.bisect(glam_cum, rng_inst.random() * glam_cum[-1])]

        for i in range(n):
            qid = f"Q{INSTITUTION_BASE + i + 1}"
            c = homes[i]
            u = rng_inst.random()
            p31case = next(name for name, p in P31_CASES if u < p)
            if p31case == "glam":
                p31 = items([pick_glam()])
            elif p31case == "lookalike":
                p31 = items([rng_inst.choice(tree.lookalike)])
            elif p31case == "other":
                p31 = items([rng_inst.choice(tree.other)])
            elif p31case == "glam+lookalike":
                p31 = items([pick_glam(), rng_inst.choice(tree.lookalike)])
            elif p31case == "glam+other":
                p31 = items([pick_glam(), rng_inst.choice(tree.other)])
            else:
                p31 = [
                    (ent(pick_glam()), "deprecated"),
                    (ent(rng_inst.choice(tree.other)), "normal"),
                ]
            v = rng_inst.random()
            place = next((name for name, p in PLACE_CASES if v < p), "p17")
            other = all_qids[rng_inst.randrange(len(all_qids))]
            if other == c.qid:
                other = all_qids[(all_qids.index(other) + 1) % len(all_qids)]
            p17: list[tuple[str, str]] = []
            p131: list[str] = []
            if place == "p17":
                p17 = items([c.qid])
                if rng_inst.random() < P17_WITH_P131:
                    pool = c.municipalities or c.subdivisions
                    p131 = [rng_inst.choice(pool)] if pool else []
            elif place == "p131-only":
                w = rng_inst.random()
                if w < 0.45 and c.subdivisions:
                    p131 = [rng_inst.choice(c.subdivisions)]
                elif w < 0.9 and c.municipalities:
                    p131 = [rng_inst.choice(c.municipalities)]
                else:
                    p131 = [c.qid]
            elif place == "cross-border":
                p17 = items([c.qid, rng_inst.choice(c.borders) if c.borders else other])
            elif place == "deprecated-p17":
                p17 = [(ent(other), "deprecated"), (ent(c.qid), "normal")]
            elif place == "preferred-p17":
                p17 = [(ent(c.qid), "preferred"), (ent(other), "normal")]
            elif place == "historical-only":
                p17 = items([rng_inst.choice(hist_qids)])
            elif place == "historical+current":
                p17 = items([rng_inst.choice(hist_qids), c.qid])
            elif place == "historical-district":
                p131 = [rng_inst.choice(districts)]
            # "nowhere": neither
            dissolved = rng_inst.random() < DISSOLVED
            coords = rng_inst.random() < WITH_COORDS
            shape = f"{p31case}/{place}" + ("/dissolved" if dissolved else "")
            shapes[shape] = shapes.get(shape, 0) + 1

            b.append(f"{ent(qid)} {_LABEL} {lit(f'Synthetic institution {i + 1}', 'en')} .\n")
            t31 = statements(b, qid, vocab.INSTANCE_OF, p31)
            t17 = statements(b, qid, vocab.COUNTRY_P, p17) if p17 else []
            t131 = statements(b, qid, vocab.LOCATED_IN, items(p131)) if p131 else []
            if coords:
                statements(b, qid, vocab.COORDINATES, [(_jitter(rng_inst, c), "normal")])
            if dissolved:
                statements(b, qid, vocab.DISSOLVED, [(date("2001-01-01"), "normal")])
            if len(b) > 20_000:
                out.flush()
                b = out.buf

            # The expected answer, from the truthy facts just written.
            if dissolved or not any(qid_of(o) in glam_set for o in t31):
                continue
            glam_total += 1
            found, reason = truth.place([qid_of(o) for o in t17], [qid_of(o) for o in t131])
            for country in found:
                counts[country] += 1
            if reason:
                unplaced[qid] = reason
        out.flush()
    finally:
        f.close()
    tmp.replace(world_path)

    affiliates, covered = write_affiliates(affiliates_path, countries, rng_aff)
    expected: dict[str, Any] = {
        "generator": "bench/world.py",
        "generator_version": GENERATOR_VERSION,
        "seed": seed,
        "institutions": n,
        "real_countries": real,
        "roots": list(DEFAULT_ROOTS),
        "lookalikes": list(DEFAULT_LOOKALIKES),
        "glam_classes": tree.glam,
        "lookalike_classes": tree.lookalike,
        "glam_institutions": glam_total,
        "placed_institutions": glam_total - len(unplaced),
        "counts": counts,
        "unplaced": dict(sorted(unplaced.items())),
        "countries": {
            c.qid: {
                "iso": c.iso2,
                "label": c.label,
                "continent": c.continent,
                "institutions": counts[c.qid],
                "affiliates": covered.get(c.qid, []),
                "covered": bool(covered.get(c.qid)),
                "borders": list(c.borders),
                "lat": c.lat,
                "lon": c.lon,
            }
            for c in countries
        },
        "historical_countries": [h[0] for h in HISTORICAL_COUNTRIES],
        "affiliates": affiliates,
        "shapes": dict(sorted(shapes.items())),
    }
    expected_path.write_text(json.dumps(expected, indent=1, ensure_ascii=False) + "\n", "utf-8")
    return WorldInfo(
        n, seed, world_path, expected_path, affiliates_path, out.triples, time.perf_counter() - t0
    )


# --- Affiliates -------------------------------------------------------------------------------
META_REGIONS = {
    vocab.AFRICA: "Sub-Saharan Africa",
    vocab.ASIA: "Asia/Pacific",
    vocab.EUROPE: "Europe",
    vocab.NORTH_AMERICA: "North America",
    vocab.SOUTH_AMERICA: "South/Latin America",
    vocab.OCEANIA: "Asia/Pacific",
    vocab.ANTARCTICA: "International",
}


def lua_string(value: str) -> str:
    """A single-quoted Lua string, as the module writes them (backslash escapes)."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n") + "'"


def _weighted_sample(
    rng: random.Random, population: list[Country], k: int, weight: float = 0.5
) -> list[Country]:
    """``k`` countries without replacement, the bigger ones likelier (Efraimidis-Spirakis)."""
    keyed = [(rng.random() ** (1.0 / (c.share + 0.002) ** weight), c.qid, c) for c in population]
    keyed.sort(key=lambda t: (-t[0], t[1]))
    return [c for _, _, c in keyed[:k]]


def write_affiliates(
    path: Path, countries: list[Country], rng: random.Random
) -> tuple[list[dict[str, str]], dict[str, list[str]]]:
    """The affiliates module and, per country, the recognised chapters/user groups covering it."""
    living = [c for c in countries if c.continent != vocab.ANTARCTICA]
    chapters = _weighted_sample(rng, living, 40)
    rows: list[dict[str, str]] = []
    statuses = ["recognised"] * 36 + ["derecognised"] * 2 + ["suspended"] * 2
    rng.shuffle(statuses)
    for c, status in zip(chapters, statuses, strict=True):
        rows.append(
            {
                "affiliate_code": f"WM{c.iso2}",
                "group_name": f"Wikimedia {c.label}",
                "org_type": "Chapter",
                "group_country": c.label,
                "region": META_REGIONS[c.continent],
                "recognition_status": status,
            }
        )
    ug_countries = _weighted_sample(rng, living, 90, weight=0.2)
    ug_status = ["recognised"] * 80 + ["derecognised"] * 6 + ["suspended"] * 4
    rng.shuffle(ug_status)
    for k, (c, status) in enumerate(zip(ug_countries, ug_status, strict=True)):
        rows.append(
            {
                "affiliate_code": f"WUG{c.iso2}{k + 1}",
                "group_name": f"Wikimedians of {c.label} User Group",
                "org_type": "User Group",
                "group_country": c.label,
                "region": META_REGIONS[c.continent],
                "recognition_status": status,
            }
        )
    for k in range(20):  # international user groups: cover no region
        rows.append(
            {
                "affiliate_code": f"WUGINT{k + 1}",
                "group_name": f"Wiki Topic {k + 1} User Group",
                "org_type": "User Group",
                "group_country": "",
                "region": "International",
                "recognition_status": "recognised",
            }
        )
    thematic_home = rng.choice(living)
    for k, label in enumerate(("Amical Wikimedia", "Wikimedia Medicine", "Art+Feminism")):
        rows.append(
            {
                "affiliate_code": f"WMTH{k + 1}",
                "group_name": label,
                "org_type": "Thematic Organization",
                # One thematic organisation names a country: it still covers no region.
                "group_country": thematic_home.label if k == 0 else "",
                "region": "International",
                "recognition_status": "recognised",
            }
        )
    rows.sort(key=lambda r: r["affiliate_code"])
    by_label = {c.label: c.qid for c in countries}
    covered: dict[str, list[str]] = {}
    for r in rows:
        if r["recognition_status"] != "recognised":
            continue
        if r["org_type"] not in ("Chapter", "User Group") or not r["group_country"]:
            continue
        covered.setdefault(by_label[r["group_country"]], []).append(r["affiliate_code"])
    lines = [
        "-- Module:Organizational_Informations, SYNTHETIC: generated by glamgraph's bench/world.py.",
        "-- Fixture affiliates for benchmarks; not the real Meta-Wiki module.",
        "return {",
    ]
    for k, r in enumerate(rows):
        fields = {
            "unique_id": f"bench-{k + 1:04d}",
            "affiliate_code": r["affiliate_code"],
            "group_name": r["group_name"],
            "org_type": r["org_type"],
            "region": r["region"],
            "group_country": r["group_country"],
            "legal_entity": "Yes" if r["org_type"] == "Chapter" else "No",
            "mission_changed": "No",
            "group_page": "https://meta.wikimedia.org/wiki/" + r["group_name"].replace(" ", "_"),
            "agreement_date": f"{1 + k % 28:02d}/{1 + k % 12:02d}/{2008 + k % 15}",
            "recognition_status": r["recognition_status"],
            "derecognition_date": "01/06/2023" if r["recognition_status"] != "recognised" else "",
            "derecognition_note": "Fixture: status set by the benchmark's generator"
            if r["recognition_status"] != "recognised"
            else "",
        }
        lines.append("    {")
        for key, value in fields.items():
            lines.append(f"        {key} = {lua_string(value)},")
        lines.append("        dm_structure = {'Board', 'Democratic Process'},")
        lines.append("    },")
    lines.append("}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return rows, {q: sorted(v) for q, v in covered.items()}


def summary(expected: dict[str, Any]) -> str:
    counts = expected["counts"]
    top = sorted(counts.items(), key=lambda kv: -kv[1])[:5]
    reasons: dict[str, int] = {}
    for r in expected["unplaced"].values():
        reasons[r] = reasons.get(r, 0) + 1
    zero = sum(1 for v in counts.values() if v == 0)
    big = sum(1 for v in counts.values() if v >= 10_000)
    return (
        f"{expected['institutions']:,} institutions, {expected['glam_institutions']:,} GLAM "
        f"({expected['placed_institutions']:,} placed), {len(counts)} countries "
        f"({big} with 10,000+, {zero} with none), top {top}, "
        f"{len(expected['glam_classes'])} GLAM classes, unplaced {reasons}, "
        f"{sum(1 for c in expected['countries'].values() if c['covered'])} countries covered"
    )


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=100_000, help="institutions (default 100000)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", type=Path, default=WORKDIR, help="output folder (bench/.work)")
    ap.add_argument("--gzip", action="store_true", help="write .nt.gz")
    ap.add_argument("--data", type=Path, default=SHARED_DATA, help="folder of countries.csv")
    args = ap.parse_args(argv)
    info = generate(args.n, args.seed, args.out, gzip_output=args.gzip, data_dir=args.data)
    expected = json.loads(info.expected_path.read_text("utf-8"))
    print(f"wrote {info.world_path} ({info.triples:,} triples) in {info.seconds:.1f} s")
    print(f"wrote {info.expected_path}")
    print(f"wrote {info.affiliates_path}")
    print(summary(expected))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
