"""Harvest: the GLAM institutions of a region, counted by the contract's rules, with a query plan
that scales to the whole world.

The plan (never ``wdt:P31/wdt:P279*`` per country):

1. **Classes, once**: one ``class-closure`` query gives the subclass closure of the GLAM roots and
   of the look-alike roots together; the look-alike subtrees are removed (cached per engine).
2. **Institutions of a continent or the world**: ``institutions-of-classes`` over batches of
   resolved classes with a plain ``wdt:P31`` and no country ``VALUES`` (WDQS would join a class x
   country cross product): each row brings the item's ``P17`` (or none) and its ``P131`` targets;
   the client keeps current countries of the region, historical ones, and items without ``P17``.
   Batch sizes follow the engine's kind (:data:`CLASS_BATCH_BY_KIND`: small on WDQS, where each
   GLAM root also gets a query of its own, large elsewhere), and so does the form of the query
   (``institutions-of-classes-bulk`` reads ``P17`` and ``P131`` whole and joins them by hash on
   the engines of :data:`BULK_JOIN_KINDS`); a part that times out is halved
   (``Engine.run_split``). **Of a country or subdivision**: ``institutions-by-class-and-country``
   with that one country, and ``institutions-without-country`` per class batch for the items
   without ``P17`` (world-wide: their ``P131`` chain may lead into the country).
3. **Chains of items without a country**: the distinct ``P131`` targets are resolved level by
   level in batches (``admin-parents``): the first ``P17`` up the chain, or the first item that is
   itself a current country. Never an unbounded ``P131*`` over a continent.
4. **Historical countries**: institutions whose only country is a historical one (or that have
   none) are reported apart (:class:`~glamgraph.model.Unplaced`), never counted.
5. **Details** in batches, one query per batch: ``institution-details``: labels in the user's
   languages, classes, ``P131``, coordinates, website, email, phone, street address. For a
   continent or the world, ``institution-contacts`` instead: the same without classes and
   ``P131``, which step 2 brought already (each term a server writes out is work for it, and
   they were half the rows); on the engines of :data:`BULK_JOIN_KINDS`, its hash-joined form
   ``institution-contacts-bulk`` in :data:`CONTACT_PARTS` large parts (:func:`contacts_plan`).
   There, the items placed by their ``P17`` come first (their first part is asked while the
   ``P131`` chains of step 3 are walked, on engines with two in flight), then those placed by a
   chain and the unplaced ones, in parts of the same size.

The independent batches of one stage (institutions, one chain level, details, class labels) go
out with up to ``Engine.in_flight`` requests at once (one on WDQS, two on a server of your own:
it computes one batch while glamgraph reads the previous one); their results are read in the
batches' order, so the harvest and its progress are the same as one at a time.

Number of queries for a continent with ``K`` GLAM classes (``B`` per batch for the engine's kind,
``R`` roots alone on WDQS), ``N`` institutions, ``A`` distinct administrative entities met per
chain level and ``L`` chain levels (at most :data:`MAX_CHAIN_DEPTH`)::

    1 (countries) + 1 (classes, cached) + 1 (historical countries)
    + ceil(K/B) (+ R on WDQS)                          institutions, with or without P17
    + sum over levels of ceil(A/ADMIN_BATCH)           P131 chains
    + ceil(N/DETAIL_BATCH) + ceil(T/DETAIL_BATCH)      details with labels, class labels

For a country: ``2 * ceil(K/B)`` (with P17 in the country, without P17) instead of the second line.
plus the halves of any part that timed out. :attr:`Harvest.queries_sent` reports the real count.
"""

from __future__ import annotations

import logging
import math
import weakref
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, TypeVar

from glamgraph import ids, regions, vocab
from glamgraph.client import paused_gc
from glamgraph.errors import BadInput
from glamgraph.model import Institution, Records, Region, Unplaced
from glamgraph.progress import Progress, progress_bar
from glamgraph.sparql import (
    Engine,
    QueryResult,
    Row,
    Started,
    get_engine,
    in_order,
    qid_of_term,
    start,
    term_bool,
    term_qid,
)

log = logging.getLogger(__name__)

#: GLAM classes per institutions query, by engine kind. WDQS (Blazegraph, 60 s deadline) gets
#: small batches, and each GLAM root (where most items sit) a query of its own; engines without
#: that deadline take the whole closure in one or a few queries.
CLASS_BATCH_BY_KIND: Final[Mapping[str, int]] = {
    "wdqs": 40,
    "qlever": 2000,
    "oxigraph": 1000,
    "virtuoso": 1000,
    "embedded": 1000,
    "generic": 1000,
}
#: The fewest institutions queries of a world or continent, by engine kind: the servers that
#: take two queries in flight (``glamgraph.sparql.remote.DEFAULT_IN_FLIGHT``) get their work in
#: parts that keep both busy (see :func:`class_batches`); one query elsewhere.
CLASS_PARTS_BY_KIND: Final[Mapping[str, int]] = {"qlever": 4, "oxigraph": 4, "virtuoso": 4}
#: The engine kinds that get ``institutions-of-classes-bulk``: the same rows as
#: ``institutions-of-classes``, each item's ``P17`` and ``P131`` read as whole properties and
#: joined by hash instead of looked up item by item (Oxigraph, 109k rows: 3.3 s against 8.5 s
#: of server time). WDQS and servers of unknown make keep ``institutions-of-classes``.
BULK_JOIN_KINDS: Final = frozenset({"qlever", "oxigraph", "virtuoso", "embedded"})
#: The ``institution-contacts-bulk`` queries of a world or continent on those engines for the
#: items placed by their P17: a part each (two in flight, and the institutions of one built
#: while the server answers the next), each of at least the engine's detail batch and at most
#: :data:`BULK_DETAIL_MAX` items; the items placed by a chain and the unplaced ones follow in
#: parts of the same size (one, at world scale).
CONTACT_PARTS = 4
#: Items per ``institution-contacts-bulk`` query at most: each query reads the five properties
#: whole, so a world of a million items gets 20 reads of them, not 4 of 250k-item queries.
BULK_DETAIL_MAX = 50_000
#: A lower bound than :data:`BULK_DETAIL_MAX` by engine kind: Virtuoso 7.2 refuses a query whose
#: ``VALUES`` block has 25,000 rows ("SP030: Too many arguments for standard built-in function
#: in operator()"); it keeps its detail batch (2,000).
BULK_DETAIL_MAX_BY_KIND: Final[Mapping[str, int]] = {"virtuoso": 2000}
#: The class batch of an engine whose kind is not in :data:`CLASS_BATCH_BY_KIND`.
CLASS_BATCH = 250
ADMIN_BATCH = 250
DETAIL_BATCH = 300
#: Items per ``labels`` / ``institution-details`` query and entities per ``admin-parents``
#: query, by engine kind: WDQS keeps :data:`DETAIL_BATCH` / :data:`ADMIN_BATCH` (its 60 s
#: deadline and URL-sized queries); engines without that deadline take few large queries (the
#: splitter still halves a part that times out).
DETAIL_BATCH_BY_KIND: Final[Mapping[str, int]] = {
    "wdqs": DETAIL_BATCH,
    "qlever": 5000,
    "oxigraph": 5000,
    "virtuoso": 2000,
    "embedded": 10000,
    "generic": 2000,
}
ADMIN_BATCH_BY_KIND: Final[Mapping[str, int]] = {
    "wdqs": ADMIN_BATCH,
    "qlever": 5000,
    "oxigraph": 5000,
    "virtuoso": 2000,
    "embedded": 10000,
    "generic": 2000,
}
MAX_CHAIN_DEPTH = 12

T = TypeVar("T")


def _qid_key(qid: str) -> int:
    """:func:`glamgraph.ids.qid_number` (the same order, the same error for a malformed QID),
    without its regular expression for the QIDs a harvest meets: ``Q`` and ASCII digits, no
    leading zero.

    >>> sorted(["Q10", "Q9"], key=_qid_key)
    ['Q9', 'Q10']
    """
    digits = qid[1:]
    if qid[:1] == "Q" and digits[:1] not in ("", "0") and digits.isdigit() and digits.isascii():
        return int(digits)
    return ids.qid_number(qid)  # raises BadInput


def chunks(seq: Sequence[T], size: int) -> list[Sequence[T]]:
    """``seq`` cut into consecutive parts of at most ``size`` items.

    >>> chunks([1, 2, 3, 4, 5], 2)
    [[1, 2], [3, 4], [5]]
    """
    return [seq[i : i + size] for i in range(0, len(seq), size)]


def engine_kinds(engine: Engine) -> tuple[str, ...]:
    """The kinds of the engines behind ``engine`` (every engine of a fallback chain).

    >>> from glamgraph.sparql import get_engine, Settings
    >>> engine_kinds(get_engine("wdqs", Settings(use_cache=False)))
    ('wdqs', 'qlever')
    """
    chain = getattr(engine, "engines", None) or (engine,)
    kinds = []
    for eng in chain:
        kind = str(getattr(eng, "kind", "generic"))
        if kind == "generic" and eng.name in CLASS_BATCH_BY_KIND:  # a known public engine by name
            kind = eng.name
        kinds.append(kind)
    return tuple(dict.fromkeys(kinds))


def institutions_query(engine: Engine) -> str:
    """The institutions query of a continent or the world for ``engine``: the hash-joined
    ``institutions-of-classes-bulk`` when every engine of its chain is of a kind in
    :data:`BULK_JOIN_KINDS`, else ``institutions-of-classes``.

    >>> from glamgraph.sparql import get_engine, Settings
    >>> institutions_query(get_engine("wdqs", Settings(use_cache=False)))
    'institutions-of-classes'
    >>> institutions_query(get_engine("qlever", Settings(use_cache=False)))
    'institutions-of-classes-bulk'
    """
    return "institutions-of-classes-bulk" if _joins_by_hash(engine) else "institutions-of-classes"


def _joins_by_hash(engine: Engine) -> bool:
    """Whether ``engine`` gets the ``-bulk`` forms: every engine of its chain is of a kind in
    :data:`BULK_JOIN_KINDS`, and it takes them (``Engine.bulk_forms``: a snapshot build maps
    rows back to triples branch by branch, which a sub-select hides)."""
    return engine.bulk_forms and set(engine_kinds(engine)) <= BULK_JOIN_KINDS


def contacts_plan(engine: Engine, items: int) -> tuple[str, int]:
    """The details query of a continent or the world for ``engine`` and its batch size for
    ``items`` institutions: ``institution-contacts-bulk`` in :data:`CONTACT_PARTS` parts (of
    :func:`detail_batch` items at least, :data:`BULK_DETAIL_MAX` at most, or the lower bound of
    :data:`BULK_DETAIL_MAX_BY_KIND`) where every engine of the chain joins by hash
    (:data:`BULK_JOIN_KINDS`), else ``institution-contacts`` in batches of :func:`detail_batch`.

    >>> from glamgraph.sparql import get_engine, Settings
    >>> contacts_plan(get_engine("wdqs", Settings(use_cache=False)), 90_000)
    ('institution-contacts', 300)
    >>> contacts_plan(get_engine("qlever", Settings(use_cache=False)), 90_000)
    ('institution-contacts-bulk', 22500)
    """
    batch = detail_batch(engine)
    if not _joins_by_hash(engine):
        return "institution-contacts", batch
    most = min(BULK_DETAIL_MAX_BY_KIND.get(k, BULK_DETAIL_MAX) for k in engine_kinds(engine))
    part = -(-items // CONTACT_PARTS)
    return "institution-contacts-bulk", max(batch, min(part, most))


def class_batch(engine: Engine) -> int:
    """Classes per institutions query for ``engine``: the smallest over its fallback chain.

    >>> from glamgraph.sparql import get_engine, Settings
    >>> class_batch(get_engine("wdqs", Settings(use_cache=False)))
    40
    """
    return min(CLASS_BATCH_BY_KIND.get(k, CLASS_BATCH) for k in engine_kinds(engine))


def detail_batch(engine: Engine) -> int:
    """Items per details or labels query for ``engine``: the smallest over its fallback chain.

    >>> from glamgraph.sparql import get_engine, Settings
    >>> detail_batch(get_engine("wdqs", Settings(use_cache=False))), detail_batch(get_engine("snapshot"))
    (300, 10000)
    """
    return min(DETAIL_BATCH_BY_KIND.get(k, DETAIL_BATCH) for k in engine_kinds(engine))


def admin_batch(engine: Engine) -> int:
    """Entities per ``admin-parents`` query for ``engine``: the smallest over its chain.

    >>> from glamgraph.sparql import get_engine, Settings
    >>> admin_batch(get_engine("wdqs", Settings(use_cache=False)))
    250
    """
    return min(ADMIN_BATCH_BY_KIND.get(k, ADMIN_BATCH) for k in engine_kinds(engine))


def class_batches(classes: Sequence[str], engine: Engine, roots: Iterable[str]) -> list[list[str]]:
    """``classes`` cut into the batches the institutions queries send to ``engine``.

    On WDQS (anywhere in the chain) each root comes first, alone: most items sit on the roots
    themselves (museum, library...), and a batch holding several of them would time out. The
    engines of :data:`CLASS_PARTS_BY_KIND` get at least that many parts, the roots dealt out
    first, one per part, then the other classes: with queries in flight the first stage of a
    world-wide harvest is shared by the server's cores, instead of one query on one core while
    the client waits (Oxigraph, 100k items: one query, 7 s). The parts follow the engine's kind,
    not ``Settings.concurrency``, so a run with another concurrency asks the same queries.

    >>> from glamgraph.sparql import get_engine, Settings
    >>> eng = get_engine("wdqs", Settings(use_cache=False))
    >>> class_batches(["Q1", "Q2", "Q3"], eng, roots=["Q2"])
    [['Q2'], ['Q1', 'Q3']]
    >>> class_batches(["Q1", "Q2", "Q3"], get_engine("snapshot"), roots=["Q2"])
    [['Q1', 'Q2', 'Q3']]
    >>> class_batch(get_engine("snapshot")) >= 1000
    True
    >>> own = get_engine("http://127.0.0.1:9/q", Settings(use_cache=False, engine_kind="oxigraph"))
    >>> class_batches(["Q1", "Q2", "Q3", "Q4", "Q5"], own, roots=["Q4", "Q5"])
    [['Q4', 'Q3'], ['Q5'], ['Q1'], ['Q2']]
    """
    size = class_batch(engine)
    kinds = engine_kinds(engine)
    kept = set(classes)
    alone = [c for c in dict.fromkeys(roots) if c in kept]
    alone_set = set(alone)
    rest = [c for c in classes if c not in alone_set]
    if "wdqs" in kinds:
        return [[c] for c in alone] + [list(part) for part in chunks(rest, size)]
    least = min(CLASS_PARTS_BY_KIND.get(k, 1) for k in kinds)
    if least <= 1:
        return [list(part) for part in chunks(list(classes), size)]
    dealt = [*alone, *rest]
    parts: list[list[str]] = [
        [] for _ in range(min(len(dealt), max(math.ceil(len(dealt) / size), least)))
    ]
    for i, c in enumerate(dealt):
        parts[i % len(parts)].append(c)
    return parts


@dataclass(frozen=True)
class ClassSet:
    """The resolved GLAM classes: the closure of the roots minus the look-alike subtrees."""

    glam: frozenset[str]
    excluded: frozenset[str]
    roots: tuple[str, ...]
    lookalikes: tuple[str, ...]
    #: each root's own GLAM classes (the root included, look-alikes excluded)
    by_root: tuple[tuple[str, frozenset[str]], ...] = ()

    def sorted(self) -> list[str]:
        """The GLAM classes in QID-number order (stable batches)."""
        return sorted(self.glam, key=_qid_key)


_ClassKey = tuple[str, tuple[str, ...], tuple[str, ...]]
#: the class closures of engines that cache, by endpoint URL and roots, for the process
_CLASS_CACHE: dict[_ClassKey, ClassSet] = {}
#: the class closures of engines that do not cache (``use_cache=False``): per engine object only
_ENGINE_CLASSES: weakref.WeakKeyDictionary[Engine, dict[_ClassKey, ClassSet]] = (
    weakref.WeakKeyDictionary()
)


def glam_classes(
    engine: Engine,
    roots: Sequence[str] | None = None,
    lookalikes: Sequence[str] | None = None,
    *,
    results: list[QueryResult] | None = None,
) -> ClassSet:
    """The GLAM classes for ``roots`` without the subtrees of ``lookalikes``, in one query.

    Resolved once per endpoint and set of roots in this process (and cached on disk by the
    engine); when the engine's settings turn the cache off (``use_cache=False``), once per engine
    object only: another engine (another run) asks again.

    >>> from glamgraph.sparql import get_engine
    >>> cs = glam_classes(get_engine("snapshot"))
    >>> "Q33506" in cs.glam and "Q575727" not in cs.glam
    True
    """
    roots_t = tuple(ids.check_qid(r, "class QID") for r in (roots or vocab.DEFAULT_GLAM_ROOTS))
    looks_t = tuple(ids.check_qid(r, "class QID") for r in (lookalikes or vocab.DEFAULT_LOOKALIKES))
    key = (engine.url, roots_t, looks_t)
    # --no-cache: nothing reused across engines (a new run asks again); one engine object still
    # reuses its own answer within its run (a snapshot build asks about every country with it)
    memo = _CLASS_CACHE if engine.settings.use_cache else _ENGINE_CLASSES.setdefault(engine, {})
    if key in memo:
        return memo[key]
    res = engine.run("class-closure", root=list(roots_t) + list(looks_t))
    if results is not None:
        results.append(res)
    under: dict[str, set[str]] = {}
    for row in res.rows:
        c, r = term_qid(row, "class"), term_qid(row, "root")
        if c and r:
            under.setdefault(r, set()).add(c)
    # a root is in its own closure even where the endpoint has no P279 path for it
    glam = set(roots_t).union(*(under.get(r, set()) for r in roots_t))
    excluded = set(looks_t).union(*(under.get(r, set()) for r in looks_t))
    by_root = tuple((r, frozenset(({r} | under.get(r, set())) - excluded)) for r in roots_t)
    cs = ClassSet(frozenset(glam - excluded), frozenset(excluded), roots_t, looks_t, by_root)
    memo[key] = cs
    log.info("GLAM classes: %d (excluded %d look-alike classes)", len(cs.glam), len(excluded))
    return cs


@dataclass
class _Admin:
    """What one administrative entity tells about the P131 chain."""

    parents: set[str] = field(default_factory=set)
    countries: set[str] = field(default_factory=set)
    iscountry: bool = False
    historical: bool = False


class Chains:
    """Batched, level-by-level resolution of P131 chains (shared by every item of a harvest).

    Args:
        engine: the SPARQL engine asked.
        results: receives each ``admin-parents`` result.
        tick: called after each query (progress).
    """

    def __init__(self, engine: Engine, results: list[QueryResult], tick: Callable[[], None]):
        self.engine = engine
        self.info: dict[str, _Admin] = {}
        self.results = results
        self.tick = tick

    def fetch(self, qids: Iterable[str]) -> None:
        """Ask ``admin-parents`` about the entities not yet known, in batches."""
        todo = sorted({q for q in qids if q not in self.info}, key=_qid_key)
        parts = [list(part) for part in chunks(todo, admin_batch(self.engine))]

        def run(part: list[str]) -> QueryResult:
            return self.engine.run_split("admin-parents", split="admin", values=part)

        for part, res in zip(parts, in_order(run, parts, self.engine.in_flight), strict=True):
            self.results.append(res)
            self.tick()
            for q in part:
                self.info.setdefault(q, _Admin())
            for row in res.rows:
                a = term_qid(row, "admin")
                if a is None:
                    continue
                info = self.info[a]
                if (p := term_qid(row, "parent")) is not None:
                    info.parents.add(p)
                if (c := term_qid(row, "country")) is not None:
                    info.countries.add(c)
                info.iscountry |= term_bool(row, "iscountry")
                info.historical |= term_bool(row, "historical")

    def walk(self, starts: dict[str, set[str]]) -> None:
        """Fetch every entity on the chains from ``starts`` (item -> its P131 values)."""
        frontier = set().union(*starts.values()) if starts else set()
        for _level in range(MAX_CHAIN_DEPTH):
            frontier = {q for q in frontier if q not in self.info}
            if not frontier:
                break
            self.fetch(frontier)
            nxt: set[str] = set()
            for q in frontier:
                info = self.info[q]
                if not (info.iscountry or info.countries or info.historical):
                    nxt |= info.parents
            frontier = nxt
        # the flags of every P17 value met, to tell current from historical countries
        self.fetch(c for info in list(self.info.values()) for c in info.countries)

    def country_of(self, admins: Iterable[str]) -> tuple[set[str], tuple[str, ...]]:
        """The countries the chain gives (first P17 or country item), and the path to them."""
        seen: set[str] = set()
        level = sorted(set(admins), key=_qid_key)
        path: list[str] = []
        for _depth in range(MAX_CHAIN_DEPTH + 1):
            found: set[str] = set()
            for q in level:
                info = self.info.get(q)
                if info is None:
                    continue
                if info.iscountry:
                    found.add(q)
                elif info.countries:
                    found |= info.countries
                elif info.historical:  # a former country (or region) itself on the chain
                    found.add(q)
            if found:
                return found, tuple([*path, level[0]])
            nxt = set()
            for q in level:
                seen.add(q)
                info = self.info.get(q)
                if info is not None:
                    nxt |= info.parents - seen
            if not nxt:
                break
            path.append(level[0])
            level = sorted(nxt, key=_qid_key)
        return set(), tuple(path)

    def reaches(self, admins: Iterable[str], targets: set[str]) -> set[str]:
        """The ``targets`` found up the chains from ``admins`` (stopping at countries)."""
        hit: set[str] = set()
        seen: set[str] = set()
        level = set(admins)
        for _depth in range(MAX_CHAIN_DEPTH + 1):
            hit |= level & targets
            seen |= level
            nxt: set[str] = set()
            for q in level - targets:
                info = self.info.get(q)
                if info is not None and not info.iscountry:
                    nxt |= info.parents
            level = nxt - seen
            if not level:
                break
        return hit

    def is_current(self, country: str) -> bool:
        """Whether ``country`` is a current country (as far as the chains fetched tell)."""
        info = self.info.get(country)
        return bool(info and info.iscountry)


@dataclass
class Harvest:
    """Everything one harvest found, with the queries behind it."""

    region: Region
    units: Records[Region]
    institutions: Records[Institution]
    unplaced: Records[Unplaced]
    classes: ClassSet
    results: list[QueryResult]
    queries_sent: int = 0
    outside_units: int = 0  # placed in the region but in no unit (e.g. no subdivision on chain)
    #: for every institution without P17: the current countries its whole P131 chain gives,
    #: inside the region or not (an item whose chain reaches two countries is ambiguous)
    chain_countries: dict[str, tuple[str, ...]] = field(default_factory=dict)


def _best_label(labels: dict[str, str], langs: Sequence[str], fallback: str) -> tuple[str, str]:
    """The label in the first of ``langs`` that has one, else in the first language by name,
    else ``fallback`` (the QID) with no language. An explicitly empty label is no label: the
    QID stands in, in every output alike.

    >>> _best_label({"de": "Louvre", "fr": " "}, ["fr", "en"], "Q19675")
    ('Louvre', 'de')
    >>> _best_label({"fr": ""}, ["fr"], "Q19675")
    ('Q19675', '')
    """
    for lang in langs:
        v = labels.get(lang)
        if v is not None and v.strip():
            return v, lang
    kept = sorted(k for k, v in labels.items() if v.strip())
    if kept:
        return labels[kept[0]], kept[0]
    return fallback, ""


@dataclass(frozen=True)
class HarvestPlan:
    """What a harvest will ask, decided before any institution query: the region, its unit
    rows, the countries to ask in, the class batches and the continents whose historical
    countries are looked up (:func:`plan_harvest`)."""

    region: Region
    langs: tuple[str, ...]
    units: tuple[Region, ...]
    countries: tuple[str, ...]  # the current countries whose institutions are placed
    classes: ClassSet
    batches: tuple[tuple[str, ...], ...]
    continents: tuple[str, ...]  # whose historical countries are reported apart
    #: a continent or the world: institutions by class only, countries kept in the client
    by_class: bool

    @property
    def unit_ids(self) -> frozenset[str]:
        """The QIDs of the unit rows."""
        return frozenset(u.qid for u in self.units)

    @property
    def planned_queries(self) -> int:
        """The institutions and historical-countries queries the plan sends (before chains,
        details and splits)."""
        return (1 if self.by_class else 2) * len(self.batches) + len(self.continents)


def plan_harvest(
    region: str | Region,
    engine: Engine,
    *,
    lang: str | Sequence[str] = ("en", "mul"),
    roots: Sequence[str] | None = None,
    lookalikes: Sequence[str] | None = None,
    results: list[QueryResult] | None = None,
) -> HarvestPlan:
    """The plan of a harvest: resolves the region, its units and the GLAM classes (the queries
    behind them go to ``results``).

    >>> from glamgraph.sparql import get_engine
    >>> plan = plan_harvest("Q46", get_engine("snapshot"))
    >>> plan.by_class, plan.continents, len(plan.batches)
    (True, ('Q46',), 1)
    """
    # the user's languages, then "mul" (default for all languages), then English as last resort
    langs = tuple(dict.fromkeys((*ids.parse_langs(lang), "mul", "en")))
    reg = region if isinstance(region, Region) else regions.resolve(region, engine, lang=langs)
    unit_list = regions.units(reg, engine, lang=langs, results=results)
    by_class = reg.kind in ("world", "continent")
    if by_class:
        countries = tuple(u.qid for u in unit_list)
    else:
        countries = (reg.qid if reg.kind == "country" else str(reg.parent),)
    cset = glam_classes(engine, roots, lookalikes, results=results)
    batches = class_batches(cset.sorted(), engine, roots or vocab.DEFAULT_GLAM_ROOTS)
    if reg.kind == "world":
        continents: tuple[str, ...] = tuple(vocab.CONTINENTS)
    elif reg.kind == "continent":
        continents = (reg.qid,)
    else:
        continents = ()
    return HarvestPlan(
        reg,
        langs,
        tuple(unit_list),
        countries,
        cset,
        tuple(tuple(b) for b in batches),
        continents,
        by_class,
    )


class _Fed(list[QueryResult]):
    """The harvest's results, each handed to ``on_result`` as it is appended."""

    def __init__(self, on_result: Callable[[QueryResult], object]) -> None:
        super().__init__()
        self.on_result = on_result

    def append(self, res: QueryResult) -> None:
        super().append(res)
        self.on_result(res)


class _Ticker:
    """Counts the queries of one stage and reports them to a progress callback."""

    def __init__(self, stage: str, total: int, progress: Progress | None) -> None:
        self.stage, self.done, self.total, self.progress = stage, 0, total, progress

    def tick(self) -> None:
        self.done += 1
        self.total = max(self.total, self.done)
        if self.progress is not None:
            self.progress(self.stage, self.done, self.total)

    def expect(self, more: int) -> None:
        """``more`` queries still to come."""
        self.total = self.done + more
        if self.progress is not None:
            self.progress(self.stage, self.done, self.total)


@dataclass
class Candidates:
    """What the institutions queries found, before placement (:func:`fetch_candidates`)."""

    historical: set[str] = field(default_factory=set)  # historical countries of the continents
    #: items with a P17 among the plan's countries (QID -> those countries)
    item_countries: dict[str, set[str]] = field(default_factory=dict)
    #: items whose P17 is a historical country only (QID -> those countries)
    hist_items: dict[str, set[str]] = field(default_factory=dict)
    #: items without P17 (QID -> their P131 targets)
    no_p17: dict[str, set[str]] = field(default_factory=dict)
    #: by class (a continent or the world): every item's GLAM classes and P131 targets as the
    #: institutions query gave them, so its details query need not ask for them again
    types: dict[str, set[str]] = field(default_factory=dict)
    admins: dict[str, set[str]] = field(default_factory=dict)


def fetch_candidates(
    plan: HarvestPlan,
    engine: Engine,
    results: list[QueryResult],
    tick: Callable[[], None] = lambda: None,
) -> Candidates:
    """Send the plan's historical-countries and institutions queries and sort their rows."""
    found = Candidates()
    # 4a. the historical countries of the continent(s): reported apart, never counted
    for cont in plan.continents:
        res = engine.run("historical-countries-of-continent", continent=cont)
        results.append(res)
        tick()
        found.historical |= set(res.qids("country"))
    if plan.by_class:
        # 2. a continent or the world: classes only, countries kept in the client
        _institutions_of_classes(
            engine,
            plan.batches,
            set(plan.countries),
            found,
            results,
            tick,
        )
    else:
        # 2. a country or subdivision: that one country, then 3. the items without P17
        _institutions_of_country(
            engine, plan.batches, plan.countries, found.item_countries, found.no_p17, results, tick
        )
    return found


@dataclass
class Placement:
    """Which candidates are placed in the region's countries and which are reported apart."""

    item_countries: dict[str, set[str]]  # placed items -> their countries in the region
    unplaced: dict[str, Unplaced]
    paths: dict[str, tuple[str, ...]]  # placed through P131: the chain that led to the country
    chain_countries: dict[str, tuple[str, ...]]  # items without P17 -> current countries found


def place_candidates(plan: HarvestPlan, found: Candidates, chains: Chains) -> Placement:
    """Apply the placement rules (module docstring, steps 3 and 4) to the candidates, walking
    the P131 chains of the items without a country through ``chains``."""
    reg, country_set = plan.region, set(plan.countries)
    item_countries = {q: set(c) for q, c in found.item_countries.items()}
    chains.walk(found.no_p17)
    unplaced: dict[str, Unplaced] = {}
    paths: dict[str, tuple[str, ...]] = {}
    chain_countries: dict[str, tuple[str, ...]] = {}
    for item, admins in found.no_p17.items():
        hit, path = chains.country_of(admins)
        current = {c for c in hit if chains.is_current(c)}
        chain_countries[item] = tuple(sorted(current, key=_qid_key))
        if current:
            inside = current & country_set
            if inside:
                item_countries.setdefault(item, set()).update(inside)
                paths[item] = path
            continue
        if hit:  # only former countries on the chain
            if reg.kind == "world" or (hit & found.historical):
                unplaced[item] = Unplaced(
                    item, item, "only country is historical (via P131)", (), tuple(sorted(hit))
                )
        elif reg.kind == "world":
            why = "no country: no P17 and no P131" if not admins else "no country on its P131 chain"
            unplaced[item] = Unplaced(item, item, why)
        elif reg.kind in ("country", "subdivision") and chains.reaches(
            admins, set(plan.unit_ids) | {reg.qid}
        ):
            unplaced[item] = Unplaced(item, item, "P131 chain inside the region reaches no country")
    # an institution with any current country is placed, wherever that country is
    hist_only = [q for q in found.hist_items if q not in item_countries and q not in unplaced]
    chains.fetch(hist_only)
    chains.fetch(c for q in hist_only for c in chains.info[q].countries)
    for item, hist in found.hist_items.items():
        if item in hist_only and not any(chains.is_current(c) for c in chains.info[item].countries):
            unplaced[item] = Unplaced(
                item, item, "only country is historical (P17)", (), tuple(sorted(hist))
            )
    ordered = {q: chain_countries[q] for q in sorted(chain_countries, key=_qid_key)}
    return Placement(item_countries, unplaced, paths, ordered)


def _built_institutions(
    plan: HarvestPlan,
    placed: Placement,
    details: Mapping[str, dict[str, Any]],
    items: Iterable[str],
    type_labels: Mapping[str, str],
) -> dict[str, Institution]:
    """The institutions among ``items`` of a plan whose unit rows are countries (a continent,
    the world), built from their complete ``details`` (as :func:`assemble` builds them)."""
    unit_ids, glam, langs = set(plan.unit_ids), set(plan.classes.glam), plan.langs
    labels_of = dict(type_labels)
    out: dict[str, Institution] = {}
    for item in items:
        countries = placed.item_countries.get(item)
        if countries is None:
            continue  # unplaced
        out[item] = _institution(
            item,
            details.get(item, {}),
            countries,
            _qids(countries & unit_ids),
            glam,
            labels_of,
            langs,
            placed.paths.get(item, ()),
        )
    return out


def assemble(
    plan: HarvestPlan,
    placed: Placement,
    details: Mapping[str, dict[str, Any]],
    chains: Chains,
    type_labels: Mapping[str, str],
    built: Mapping[str, Institution] | None = None,
) -> tuple[list[Institution], list[Unplaced], int]:
    """The institutions (with their unit rows), the unplaced items, and how many placed
    institutions fall in no unit row. ``built``: institutions already built, by QID (see
    :func:`_built_institutions`)."""
    reg, unit_ids, langs = plan.region, set(plan.unit_ids), plan.langs
    glam = set(plan.classes.glam)
    labels_of = dict(type_labels)
    institutions: list[Institution] = []
    outside = 0
    # the unit rows are countries: an item's units are its countries among them
    by_country = reg.kind in ("world", "continent") or (
        reg.kind == "country" and unit_ids == {reg.qid}
    )
    for item in sorted(placed.item_countries, key=_qid_key):
        if built and (done := built.get(item)) is not None:
            if not done.units:
                outside += 1
            institutions.append(done)
            continue
        d = details.get(item, {})
        if by_country:
            item_units = _qids(placed.item_countries[item] & unit_ids)
        else:
            item_units = _qids(chains.reaches(d.get("admin", set()), unit_ids))
            if reg.kind == "subdivision" and not item_units:
                continue  # in the country, not in this subdivision
        if not item_units:
            outside += 1
        institutions.append(
            _institution(
                item,
                d,
                placed.item_countries[item],
                item_units,
                glam,
                labels_of,
                langs,
                placed.paths.get(item, ()),
            )
        )
    unplaced_out = []
    for item in sorted(placed.unplaced, key=_qid_key):
        u = placed.unplaced[item]
        d = details.get(item, {})
        label, _ = _best_label(d.get("labels", {}), langs, item)
        types = tuple(sorted(d.get("type", set()) & glam, key=_qid_key))
        unplaced_out.append(Unplaced(u.qid, label, u.reason, types, u.countries))
    return institutions, unplaced_out, outside


# the harvest makes hundreds of thousands of containers that all stay alive: the cyclic
# collector's passes over the growing heap cost more than 4 s at 100k institutions (18 full
# passes); reference counting still frees what is let go
@paused_gc()
def harvest(
    region: str | Region,
    engine: Engine,
    *,
    lang: str | Sequence[str] = ("en", "mul"),
    roots: Sequence[str] | None = None,
    lookalikes: Sequence[str] | None = None,
    quiet: bool = False,
    progress: Progress | None = None,
    on_result: Callable[[QueryResult], object] | None = None,
) -> Harvest:
    """Harvest the GLAM institutions of ``region`` by the counting rules (see module docstring):
    :func:`plan_harvest`, :func:`fetch_candidates`, :func:`place_candidates`, the details,
    then :func:`assemble`.

    Args:
        region: a :class:`Region` or anything :func:`glamgraph.regions.resolve` accepts.
        engine: the SPARQL engine.
        lang: label languages in order of preference (``"fr,en,mul"`` or a list); ``mul`` and
            then ``en`` are tried after them, then the QID stands in for a missing label.
        roots: GLAM root classes (default: museum, library, archives, art gallery, zoo,
            botanical garden, public aquarium).
        lookalikes: classes removed with their subtrees (default: museum ship, museum building,
            collection).
        quiet: no progress bar (when ``progress`` is not given).
        progress: called as ``progress(stage, done, total)`` after each query; ``None`` draws a
            :func:`glamgraph.progress.progress_bar` unless ``quiet``.
        on_result: called with each query result as it comes, in the order of
            ``Harvest.results`` (the coverage loads it into the knowledge graph while the next
            queries run).

    Example:
        >>> from glamgraph.sparql import get_engine
        >>> steps = []
        >>> h = harvest("Q46", get_engine("snapshot"), progress=lambda *a: steps.append(a))
        >>> steps[-1][0], steps[-1][1] == steps[-1][2]
        ('harvest Q46', True)
    """
    own_bar = progress_bar(quiet) if progress is None else None
    report = progress if progress is not None else own_bar
    sent0 = engine.queries_sent
    results: list[QueryResult] = [] if on_result is None else _Fed(on_result)
    plan = plan_harvest(
        region, engine, lang=lang, roots=roots, lookalikes=lookalikes, results=results
    )
    ticker = _Ticker(f"harvest {plan.region.qid}", plan.planned_queries, report)
    try:
        found = fetch_candidates(plan, engine, results, ticker.tick)
        chains = Chains(engine, results, ticker.tick)
        first: Started[list[str], QueryResult] | None = None
        early: list[str] = []
        parts: list[list[str]] = []
        if plan.by_class:
            # the details of the items placed by their P17 (nearly all of them) are known to be
            # wanted before the placement: their first part is asked while the P131 chains are
            # walked (the placement is the client's work, the server is idle meanwhile)
            details_query, batch = contacts_plan(engine, len(found.item_countries))
            early = sorted(found.item_countries, key=_qid_key)
            parts = [list(part) for part in chunks(early, batch)]
            if parts and engine.in_flight > 1:
                first = start(_details_call(engine, details_query, plan.langs), parts[0])
        placed = place_candidates(plan, found, chains)
        # 5. details of every placed and unplaced item
        todo = sorted(placed.item_countries.keys() | placed.unplaced.keys(), key=_qid_key)
        if plan.by_class:
            # then those placed by their P131 chain and the unplaced ones
            asked = set(early)
            parts += [list(part) for part in chunks([q for q in todo if q not in asked], batch)]
        else:
            details_query, batch = "institution-details", detail_batch(engine)
            parts = [list(part) for part in chunks(todo, batch)]
        ticker.expect(len(parts) + 1)
        glam = plan.classes.glam
        built: dict[str, Institution] = {}
        if plan.by_class:
            # the institutions query gave each item's GLAM classes and P131 targets already: the
            # classes' labels first, then each batch's institutions are built as soon as its
            # details are in, while the server answers the next batches
            type_ids = sorted(
                {t for q in todo for t in found.types.get(q, ()) if t in glam}, key=_qid_key
            )
            type_labels = labels(engine, type_ids, plan.langs, results, ticker.tick)
            details: dict[str, dict[str, Any]] = {}

            def ready(items: Sequence[str]) -> None:
                for q in items:
                    d = details.get(q)
                    if d is None:
                        d = details[q] = {}
                    if q in found.types:
                        d["type"] = found.types[q]
                    if found.admins.get(q):
                        d["admin"] = found.admins[q]
                built.update(_built_institutions(plan, placed, details, items, type_labels))

            _details(
                engine,
                parts,
                plan.langs,
                results,
                ticker.tick,
                query=details_query,
                out=details,
                on_batch=ready,
                first=first,
            )
        else:
            details = _details(engine, parts, plan.langs, results, ticker.tick, details_query)
            # subdivision membership through the P131 chain (unit rows below the country level)
            chains.walk({q: details.get(q, {}).get("admin", set()) for q in placed.item_countries})
            type_ids = sorted(
                {t for d in details.values() for t in d.get("type", set()) & glam}, key=_qid_key
            )
            type_labels = labels(engine, type_ids, plan.langs, results, ticker.tick)
    finally:
        if own_bar is not None:
            own_bar.close()
    institutions, unplaced_out, outside = assemble(
        plan, placed, details, chains, type_labels, built
    )
    sent = engine.queries_sent - sent0
    log.info(
        "harvest %s: %d institutions, %d unplaced, %d queries sent",
        plan.region.qid,
        len(institutions),
        len(unplaced_out),
        sent,
    )
    return Harvest(
        plan.region,
        Records(plan.units),
        Records(institutions),
        Records(unplaced_out),
        plan.classes,
        list(results),
        sent,
        outside,
        placed.chain_countries,
    )


def _qid_memo() -> Callable[[dict[str, str] | None], str | None]:
    """:func:`~glamgraph.sparql.qid_of_term` with the QID of each item URI worked out once (an
    item's URI recurs on each of its rows).

    >>> qid = _qid_memo()
    >>> qid({"type": "uri", "value": "http://www.wikidata.org/entity/Q5"})
    'Q5'
    >>> qid({"type": "literal", "value": "http://www.wikidata.org/entity/Q5"}) is None
    True
    """
    memo: dict[str, str | None] = {}

    def qid(t: dict[str, str] | None) -> str | None:
        if t is None or t.get("type") != "uri":
            return None
        v = t["value"]
        q = memo.get(v, "")
        if q == "":
            q = memo[v] = qid_of_term(t)
        return q

    return qid


def _institutions_of_classes(
    engine: Engine,
    batches: Sequence[Sequence[str]],
    countries: set[str],
    found: Candidates,
    results: list[QueryResult],
    tick: Callable[[], None],
) -> None:
    """``institutions-of-classes`` (or its hash-joined form, :func:`institutions_query`) per
    class batch, its rows sorted into ``found``.

    ``item_countries``: items with a P17 among ``countries``; ``hist_items``: with a P17 among
    the historical countries; ``no_p17``: items with no P17 at all, with their P131 targets. An
    item whose P17 is elsewhere is in none of them. ``types`` and ``admins`` get every item's
    GLAM classes and P131 targets.
    """
    with_p17: set[str] = set()
    historical, item_countries, hist_items = (
        found.historical,
        found.item_countries,
        found.hist_items,
    )
    no_p17, types, admins_of = found.no_p17, found.types, found.admins
    qid = _qid_memo()  # the same country, class and admin terms recur on many rows
    query = institutions_query(engine)

    def run(part: Sequence[str]) -> QueryResult:
        return engine.run_split(query, split="class", values=list(part))

    for res in in_order(run, batches, engine.in_flight):
        results.append(res)
        tick()
        for row in res.rows:
            item = qid(row.get("item"))
            if item is None:
                continue
            c = qid(row.get("class"))
            if c is not None:
                item_types = types.get(item)
                if item_types is None:
                    types[item] = {c}
                else:
                    item_types.add(c)
            a = qid(row.get("admin"))
            item_admins = admins_of.get(item)
            if item_admins is None:
                item_admins = admins_of[item] = set()
            if a is not None:
                item_admins.add(a)
            country = row.get("country")
            if country is None:
                no_p17.setdefault(item, item_admins)
                continue
            with_p17.add(item)  # any P17, even an "unknown value" that is no item
            c = qid(country)
            if c in countries:
                item_countries.setdefault(item, set()).add(c)
            elif c in historical:
                hist_items.setdefault(item, set()).add(c)
    for item in with_p17 & no_p17.keys():  # cannot happen with one OPTIONAL P17; kept safe
        del no_p17[item]


def _institutions_of_country(
    engine: Engine,
    batches: Sequence[Sequence[str]],
    countries: Sequence[str],
    item_countries: dict[str, set[str]],
    no_p17: dict[str, set[str]],
    results: list[QueryResult],
    tick: Callable[[], None],
) -> None:
    """The items of one country by class batch, then the items without P17 (world-wide)."""
    country_set = set(countries)

    def run(call: tuple[str, Sequence[str]]) -> QueryResult:
        country, part = call
        return engine.run_split(
            "institutions-by-class-and-country", split="class", values=list(part), country=[country]
        )

    calls = [(country, part) for country in countries for part in batches]
    for res in in_order(run, calls, engine.in_flight):
        results.append(res)
        tick()
        for row in res.rows:
            item, c = term_qid(row, "item"), term_qid(row, "country")
            if item and c in country_set:
                item_countries.setdefault(item, set()).add(c)

    def run_without(part: Sequence[str]) -> QueryResult:
        return engine.run_split("institutions-without-country", split="class", values=list(part))

    for res in in_order(run_without, batches, engine.in_flight):
        results.append(res)
        tick()
        for row in res.rows:
            item = term_qid(row, "item")
            if item is None:
                continue
            admins = no_p17.setdefault(item, set())
            if (a := term_qid(row, "admin")) is not None:
                admins.add(a)


def _details_call(
    engine: Engine, query: str, langs: Sequence[str]
) -> Callable[[list[str]], QueryResult]:
    """One part of ``query``'s details (split on a timeout), as :func:`_details` sends it."""

    def run(part: list[str]) -> QueryResult:
        return engine.run_split(query, split="item", values=part, langs=list(langs))

    return run


def _details(
    engine: Engine,
    parts: Sequence[list[str]],
    langs: Sequence[str],
    results: list[QueryResult],
    tick: Callable[[], None],
    query: str = "institution-details",
    *,
    out: dict[str, dict[str, Any]] | None = None,
    on_batch: Callable[[Sequence[str]], None] | None = None,
    first: Started[list[str], QueryResult] | None = None,
) -> dict[str, dict[str, Any]]:
    """``query`` (``institution-details``, or ``institution-contacts`` or its hash-joined form
    when the institutions query gave the classes and P131 targets: all bring the labels in
    ``langs``) over the items of ``parts`` (one query each, in order), into ``out`` (a new
    dict by default); ``on_batch`` gets each part's items once its result is in. ``first``:
    the first part's query, started ahead (:func:`glamgraph.sparql.engine.start`)."""
    if out is None:
        out = {}
    run = _details_call(engine, query, langs)
    qid = _qid_memo()
    calls = in_order(run, parts[1:] if first is not None else parts, engine.in_flight, first=first)
    for part, res in zip(parts, calls, strict=True):
        results.append(res)
        tick()
        _detail_rows(res.rows, out, qid)
        if on_batch is not None:
            on_batch(part)
    return out


def _detail_rows(
    rows: Iterable[Row],
    out: dict[str, dict[str, Any]],
    qid: Callable[[dict[str, str] | None], str | None] = qid_of_term,
) -> None:
    """The rows of one ``institution-details`` result into ``out`` (QID -> field -> values)."""
    for row in rows:
        f, t = row.get("field"), row.get("value")
        if f is None or t is None:
            continue
        item = qid(row.get("item"))
        field_ = f.get("value")
        if item is None or field_ is None:
            continue
        d = out.get(item)
        if d is None:
            d = out[item] = {}
        if field_ == "type" or field_ == "admin":
            q = qid_of_term(t)
            if q:
                d.setdefault(field_, set()).add(q)
        elif field_ == "address":
            d.setdefault("address", set()).add((t.get("value", ""), t.get("xml:lang", "")))
        elif field_ == "label":
            d.setdefault("labels", {})[t.get("xml:lang", "")] = t.get("value", "")
        else:
            d.setdefault(field_, set()).add(t.get("value", ""))


def labels(
    engine: Engine,
    qids: Sequence[str],
    langs: Sequence[str],
    results: list[QueryResult] | None = None,
    tick: Callable[[], None] | None = None,
) -> dict[str, str]:
    """The best label of each QID in ``langs`` order (any label, then the QID), in batches.

    >>> from glamgraph.sparql import get_engine
    >>> labels(get_engine("snapshot"), ["Q142", "Q1"], ["fr", "en"])
    {'Q142': 'France', 'Q1': 'Q1'}
    """
    found: dict[str, dict[str, str]] = {}
    parts = [list(part) for part in chunks(list(qids), detail_batch(engine))]

    def run(part: list[str]) -> QueryResult:
        return engine.run("labels", item=part, langs=list(langs))

    for res in in_order(run, parts, engine.in_flight):
        if results is not None:
            results.append(res)
        if tick is not None:
            tick()
        for row in res.rows:
            q = term_qid(row, "item")
            t = row.get("label")
            if q and t:
                found.setdefault(q, {})[t.get("xml:lang", "")] = t["value"]
    return {q: _best_label(found.get(q, {}), langs, q)[0] for q in qids}


def _strip(prefix: str, values: Iterable[str]) -> tuple[str, ...]:
    out = set()
    for v in values:
        v = v.strip()
        if v.lower().startswith(prefix):
            v = v[len(prefix) :]
        if v:
            out.add(v)
    return tuple(sorted(out))


def _qids(values: Collection[str] | None) -> tuple[str, ...]:
    """QIDs in QID-number order (most sets a harvest meets hold one, which needs no sort).

    >>> _qids({"Q10", "Q9"}), _qids({"Q5"}), _qids(None)
    (('Q9', 'Q10'), ('Q5',), ())
    """
    if not values:
        return ()
    if len(values) == 1:
        return tuple(values)
    return tuple(sorted(values, key=_qid_key))


def _sorted(values: Collection[Any] | None) -> tuple[Any, ...]:
    return tuple(sorted(values)) if values else ()


def _institution(
    qid: str,
    d: dict[str, Any],
    countries: set[str],
    units: tuple[str, ...],
    glam: set[str],
    type_labels: dict[str, str],
    langs: Sequence[str],
    path: tuple[str, ...],
) -> Institution:
    label, label_lang = _best_label(d.get("labels", {}), langs, qid)
    item_types = d.get("type")
    types = _qids(item_types & glam) if item_types else ()
    lat: float | None = None
    lon: float | None = None
    if coords := d.get("coord"):
        # the first valid point in (lat, lon) order
        point = min((p for w in coords if (p := ids.parse_point(w)) is not None), default=None)
        if point is not None:
            lat, lon = point
    emails, phones = d.get("email"), d.get("phone")
    return Institution(
        qid=qid,
        label=label,
        types=types,
        countries=_qids(countries),
        units=units,
        websites=_sorted(d.get("website")),
        emails=_strip("mailto:", emails) if emails else (),
        phones=_strip("tel:", phones) if phones else (),
        addresses=_sorted(d.get("address")),
        lat=lat,
        lon=lon,
        type_labels=tuple([type_labels.get(t, t) for t in types]),
        label_lang=label_lang,
        admin=_qids(d.get("admin")),
        country_path=path,
    )


def institutions(
    region: str,
    *,
    endpoint: str | Engine = "wdqs",
    lang: str | Sequence[str] = "en",
    types: Sequence[str] | None = None,
    quiet: bool = False,
) -> Records[Institution]:
    """The GLAM institutions placed in ``region``'s current countries (unplaced ones left out).

    Args:
        region: ``world``, a continent, country or first-level subdivision (QID or ISO code).
        endpoint: ``wdqs``, ``qlever``, ``snapshot``, a SPARQL endpoint URL or an engine.
        lang: label languages in order of preference, e.g. ``"fr,en,mul"``.
        types: GLAM root classes to use instead of the default seven.
        quiet: no progress bar.

    Example:
        >>> import glamgraph
        >>> found = glamgraph.institutions("Q15", endpoint="snapshot", quiet=True)
        >>> len(found) > 0 and all(i.countries for i in found)
        True
        >>> df = found.to_dataframe()  # doctest: +SKIP
    """
    if types is not None and not types:
        raise BadInput("empty list of GLAM root classes")
    eng = get_engine(endpoint)
    return harvest(region, eng, lang=lang, roots=types, quiet=quiet).institutions
