"""The plain data passed between glamgraph's layers: frozen dataclasses, no I/O.

Collections of them turn into pandas DataFrames with :func:`to_dataframe` (pandas is imported only
then). Several values of one property are all kept (``websites``); the singular property
(``website``) gives a deterministic first one for flat outputs.

>>> i = Institution("Q1", "Example", websites=("https://b.example", "https://a.example"))
>>> i.website
'https://a.example'
>>> to_records([i])[0]["website"]
'https://a.example'
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

RegionKind = Literal["world", "continent", "country", "subdivision"]
AffiliateType = Literal["chapter", "thematic", "user group", "other"]
AffiliateStatus = Literal["recognised", "derecognised", "suspended"]
RegionStatus = Literal["covered", "uncovered", "no_institutions"]
ChannelSource = Literal[
    "registry", "module", "wikidata-email", "wikidata-website", "meta-wiki-page", "fallback", "none"
]
SourceKind = Literal["module", "wikidata", "registry"]


def _first(values: Sequence[str]) -> str | None:
    return min(values) if values else None


@dataclass(frozen=True)
class Region:
    """A region: the world, a continent, a country or a first-level subdivision."""

    qid: str
    kind: RegionKind
    label: str = ""
    iso: str = ""
    lat: float | None = None
    lon: float | None = None
    parent: str | None = None  # the country of a subdivision; a unit country's continent


@dataclass(frozen=True)
class Institution:
    """A GLAM institution as harvested, with every value of each contact property."""

    qid: str
    label: str
    types: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    units: tuple[str, ...] = ()  # the unit regions (countries or subdivisions) it counts in
    websites: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()  # without "mailto:"
    phones: tuple[str, ...] = ()  # without "tel:"
    addresses: tuple[tuple[str, str], ...] = ()  # (text, language)
    lat: float | None = None
    lon: float | None = None
    type_labels: tuple[str, ...] = ()
    label_lang: str = ""
    admin: tuple[str, ...] = ()  # its own P131 values
    country_path: tuple[str, ...] = ()  # the P131 path that gave its country, when not P17

    @property
    def website(self) -> str | None:
        """The first official website (deterministic), or ``None``."""
        return _first(self.websites)

    @property
    def email(self) -> str | None:
        """The first email address, without ``mailto:``."""
        return _first(self.emails)

    @property
    def phone(self) -> str | None:
        """The first phone number, without ``tel:``."""
        return _first(self.phones)

    @property
    def address(self) -> str | None:
        """The first street address text."""
        return min(a[0] for a in self.addresses) if self.addresses else None

    @property
    def type(self) -> str | None:
        """The first class (P31) QID."""
        return _first(self.types)


@dataclass(frozen=True)
class Unplaced:
    """An institution found for a region that has no current country: reported, never counted."""

    qid: str
    label: str
    reason: str
    types: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()  # the historical countries it points to, if any


@dataclass(frozen=True)
class SourceRef:
    """Where (part of) an affiliate's record came from, as data.

    ``kind`` and ``id`` name the source read, the same for every affiliate of one load: the
    module (its page title, file path, or ``module text``), the Wikidata endpoint the affiliate
    items came from, or the registry file. ``revision``, ``line`` and ``url`` point into it:
    the module's revision id, the line of the module entry or registry row, and a link to the
    module revision (or file) or to the Wikidata item.

    >>> ref = SourceRef("registry", "/data/registry.csv", line=3)
    >>> ref.source_key, ref.describe()
    (('registry', '/data/registry.csv'), 'registry /data/registry.csv line 3')
    """

    kind: SourceKind
    id: str
    revision: int | None = None
    line: int | None = None
    url: str = ""

    @property
    def source_key(self) -> tuple[SourceKind, str]:
        """The source this reference points into (the affiliate sources are keyed by it)."""
        return (self.kind, self.id)

    def describe(self) -> str:
        """One line for a person: kind, source, revision and line."""
        text = f"{self.kind} {self.id}"
        if self.revision is not None:
            text += f" rev {self.revision}"
        if self.line is not None:
            text += f" line {self.line}"
        return text


@dataclass(frozen=True)
class Affiliate:
    """A Wikimedia movement affiliate, normalised from the module, Wikidata and the registry."""

    code: str
    name: str
    type: AffiliateType
    countries: tuple[str, ...]  # bare QIDs of the countries (or subdivisions) it covers
    status: AffiliateStatus
    source: str  # where it came from: module revision, Wikidata, registry file and line
    contact: str = ""
    page: str = ""
    region: str = ""
    agreement_date: dt.date | None = None
    derecognition_date: dt.date | None = None
    country_names: tuple[str, ...] = ()  # the names as the module gives them
    unresolved: tuple[str, ...] = ()  # names that did not resolve to a QID
    operating_area: tuple[str, ...] = ()  # P2541 from Wikidata, when known
    wikidata: str = ""  # its Wikidata item, when known
    note: str = ""
    headquarters: tuple[str, ...] = ()  # P159 from Wikidata, when known
    websites: tuple[str, ...] = ()  # P856 from Wikidata, when known
    unique_id: str = ""  # the module's unique_id
    emails: tuple[str, ...] = ()  # P968 from Wikidata (without "mailto:"), when known
    contact_source: str = ""  # where ``contact`` came from: "registry" or "module"
    #: where the record came from, as data, in the order the sources were applied (module,
    #: Wikidata, registry); ``source`` is the same as a sentence for people
    refs: tuple[SourceRef, ...] = ()

    @property
    def last_ref(self) -> SourceRef | None:
        """The reference of the source applied last (the one that had the last word)."""
        return self.refs[-1] if self.refs else None

    @property
    def recognised(self) -> bool:
        """True when the affiliate is recognised (neither derecognised nor suspended)."""
        return self.status == "recognised"

    @property
    def website(self) -> str | None:
        """The first official website from Wikidata (deterministic), or ``None``."""
        return _first(self.websites)

    @property
    def email(self) -> str | None:
        """The first email address from Wikidata (deterministic), or ``None``."""
        return _first(self.emails)


@dataclass(frozen=True)
class Disagreement:
    """A field on which Meta-Wiki and Wikidata disagree about one affiliate (Meta-Wiki wins)."""

    code: str
    field: str  # "countries", "type" or "status"
    meta: str  # what Meta-Wiki's module says (kept)
    wikidata: str  # what Wikidata says (reported only)
    item: str  # the Wikidata item


@dataclass(frozen=True)
class UnresolvedName:
    """A country name of the module that matched no Wikidata item: reported, never dropped."""

    code: str
    name: str
    source: str  # where the name stands (module and line)


@dataclass(frozen=True)
class Contact:
    """Whom to write to about a region: an affiliate (or the fallback group) and how to reach it.

    ``channel`` is the best known way to reach it (an email address, a URL or a page) and
    ``channel_source`` says where that channel came from.

    >>> c = Contact("EE", "Wikimedia Eesti", "https://meta.wikimedia.org/wiki/Wikimedia_Eesti",
    ...     "info@wikimedia.ee", "registry")
    >>> c.channel_source
    'registry'
    """

    code: str
    name: str
    page: str  # the affiliate's Meta-Wiki page URL ("" when unknown)
    channel: str  # the best known contact channel
    channel_source: ChannelSource


@dataclass(frozen=True)
class CoverageRow:
    """One unit region in a coverage answer: what ``regions.csv`` holds."""

    region: str
    label: str
    iso: str
    kind: RegionKind
    institutions: int
    affiliates: tuple[str, ...]  # codes of the recognised local affiliates covering it
    uncovered: bool
    nearest_affiliate: str | None = None
    contact: str | None = None
    hops: int | None = None
    distance_km: float | None = None
    lat: float | None = None
    lon: float | None = None
    queries: tuple[str, ...] = ()  # names of the queries behind this row
    # whom to contact: the local affiliates of a covered region, the nearest affiliate of an
    # uncovered one, the fallback group when there is none
    contacts: tuple[Contact, ...] = ()
    # institutions per GLAM root ("museums", "libraries", ...); one institution may count in two
    type_counts: tuple[tuple[str, int], ...] = ()

    @property
    def status(self) -> RegionStatus:
        """``covered``, ``uncovered`` or ``no_institutions`` (no institution, no local affiliate).

        >>> CoverageRow("Q1", "A", "AA", "country", 0, (), False).status
        'no_institutions'
        >>> CoverageRow("Q1", "A", "AA", "country", 3, (), True).status
        'uncovered'
        """
        if self.affiliates:
            return "covered"
        return "uncovered" if self.institutions > 0 else "no_institutions"

    def as_record(self) -> dict[str, Any]:
        """The row as ``regions.csv`` writes it (space-separated affiliate codes)."""
        rec = dataclasses.asdict(self)
        rec["affiliates"] = " ".join(self.affiliates)
        rec["queries"] = " ".join(self.queries)
        rec["status"] = self.status
        rec["contacts"] = " ".join(c.code for c in self.contacts)
        rec["contact_name"] = "; ".join(c.name for c in self.contacts)
        rec["contact_page"] = " ".join(c.page for c in self.contacts if c.page)
        rec["contact_channel"] = "; ".join(c.channel for c in self.contacts)
        rec["contact_source"] = "; ".join(c.channel_source for c in self.contacts)
        rec.update(dict(self.type_counts))
        return rec


class Rows(list[CoverageRow]):
    """Coverage rows that also give a DataFrame (``to_dataframe()``), like ``Coverage.rows``."""

    def to_dataframe(self) -> Any:
        """The rows as a pandas DataFrame (``hops`` as a nullable integer; needs pandas)."""
        return rows_dataframe(self)


def rows_dataframe(rows: Iterable[CoverageRow]) -> Any:
    """Coverage rows as a pandas DataFrame: one column per ``regions.csv`` value, the type
    counts as int columns and ``hops`` as a nullable integer (``Int64``).

    >>> df = rows_dataframe([CoverageRow("Q1", "A", "AA", "country", 3, (), True, hops=2,
    ...     type_counts=(("museums", 2), ("libraries", 1)))])
    >>> int(df.loc[0, "museums"]), str(df["hops"].dtype), df.loc[0, "status"]
    (2, 'Int64', 'uncovered')
    """
    import pandas as pd

    df = pd.DataFrame(to_records(rows))
    if "hops" in df.columns:
        df["hops"] = df["hops"].astype("Int64")
    return df


@dataclass
class Coverage:
    """The answer of :func:`glamgraph.coverage`: rows per unit region and everything behind them."""

    region: Region
    units: list[Region]
    rows: list[CoverageRow]
    institutions: list[Institution]
    unplaced: list[Unplaced]
    affiliates: list[Affiliate]
    endpoint: str
    created: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))
    graph: Any = None  # the rdflib Dataset with one named graph per source
    provenance: list[dict[str, Any]] = field(default_factory=list)  # one per query result
    query_texts: dict[str, str] = field(default_factory=dict)  # query name -> one text sent
    without_coordinates: int = 0
    # one-line statements of what the data behind this answer lacks (e.g. the shipped sample's
    # per-country caps); every output repeats them
    caveats: list[str] = field(default_factory=list)
    # each GLAM root's count column and its classes (what ``type_counts`` counts), so that a
    # subset by class can recount them
    root_classes: tuple[tuple[str, frozenset[str]], ...] = ()
    #: the query-cache entries behind this answer, ``[key, size, mtime_ns]`` each (``None`` when
    #: they cannot be checked: caching off, an in-process engine); what decides whether the
    #: outputs of this answer may be reused by a later run (:mod:`glamgraph.export.reuse`)
    cache_entries: list[list[Any]] | None = None
    #: values the layers above derive from this answer, computed once (e.g. the export's contact
    #: rows, shared by every file of a run); see :meth:`derived_value`
    derived: dict[str, tuple[Any, Any]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def derived_value(self, name: str, compute: Callable[[Coverage], Any]) -> Any:
        """``compute(self)``, computed once and kept on this answer under ``name``; computed
        again when ``rows`` or ``institutions`` changed since (replaced, appended to, or a row
        replaced).

        >>> cov = Coverage(Region("Q46", "continent", "Europe"), [], [], [], [], [], "x")
        >>> calls = []
        >>> _ = cov.derived_value("n", lambda c: calls.append(1) or len(c.rows))
        >>> _ = cov.derived_value("n", lambda c: calls.append(1) or len(c.rows))
        >>> len(calls)
        1
        """
        kept = self.derived.get(name)
        stamp = self._stamp()
        if kept is not None and kept[0] == stamp:
            return kept[1]
        value = compute(self)
        self.derived[name] = (stamp, value)
        return value

    def derived_if_kept(self, name: str) -> Any:
        """What :meth:`derived_value` keeps under ``name`` if it is still current, else None.

        >>> cov = Coverage(Region("Q46", "continent", "Europe"), [], [], [], [], [], "x")
        >>> cov.derived_if_kept("n") is None, cov.derived_value("n", lambda c: 7)
        (True, 7)
        >>> cov.derived_if_kept("n")
        7
        """
        kept = self.derived.get(name)
        return kept[1] if kept is not None and kept[0] == self._stamp() else None

    def _stamp(self) -> tuple[Any, ...]:
        return (tuple(self.rows), id(self.institutions), len(self.institutions))

    def uncovered(self) -> Rows:
        """The rows of regions with GLAM institutions and no recognised local affiliate
        (``to_dataframe()`` gives them as a table)."""
        return Rows(r for r in self.rows if r.uncovered)

    def covered(self) -> Rows:
        """The rows of regions with a recognised local affiliate."""
        return Rows(r for r in self.rows if r.status == "covered")

    def no_institutions(self) -> Rows:
        """The rows of regions with no GLAM institution found and no local affiliate."""
        return Rows(r for r in self.rows if r.status == "no_institutions")

    def row(self, region: str) -> CoverageRow:
        """The row of one unit region by QID (``KeyError`` when absent)."""
        for r in self.rows:
            if r.region == region:
                return r
        raise KeyError(region)

    def institutions_in(self, region: str) -> list[Institution]:
        """The institutions counted in one unit region."""
        return [i for i in self.institutions if region in i.units]

    def to_dataframe(self) -> Any:
        """The rows as a pandas DataFrame: ``status``, one count column per GLAM root, whom to
        contact (``contacts``, ``contact_name``, ``contact_page``, ``contact_channel``,
        ``contact_source``); ``hops`` is a nullable integer (needs pandas)."""
        return rows_dataframe(self.rows)

    def subset(
        self, regions: Iterable[str] | None = None, types: Iterable[str] | None = None
    ) -> Coverage:
        """A copy narrowed to some unit regions and/or institution classes (P31 values as
        harvested), e.g. to export one country's museums. Counts are recomputed for the kept
        classes; narrowed to one unit region, that region becomes the copy's ``region``;
        everything else (affiliates, nearest affiliate, graph, provenance) is kept as it was.

        >>> cov = Coverage(Region("Q46", "continent"), [], [CoverageRow("Q1", "A", "AA", "country",
        ...     2, (), True)], [Institution("Q9", "M", types=("Q33506",), units=("Q1",)),
        ...     Institution("Q8", "L", types=("Q7075",), units=("Q1",))], [], [], "snapshot")
        >>> part = cov.subset(types=["Q33506"])
        >>> [i.qid for i in part.institutions], part.rows[0].institutions
        (['Q9'], 1)
        """
        keep_regions = set(regions) if regions is not None else None
        keep_types = set(types) if types is not None else None
        insts = [
            i
            for i in self.institutions
            if (keep_regions is None or keep_regions & set(i.units))
            and (keep_types is None or keep_types & set(i.types))
        ]
        rows = []
        for r in self.rows:
            if keep_regions is not None and r.region not in keep_regions:
                continue
            if keep_types is not None:
                here = [i for i in insts if r.region in i.units]
                n = len(here)
                counts = tuple(
                    (col, sum(1 for i in here if classes & set(i.types)))
                    for col, classes in self.root_classes
                ) or tuple((col, 0 if n == 0 else c) for col, c in r.type_counts)
                r = dataclasses.replace(
                    r, institutions=n, uncovered=r.uncovered and n > 0, type_counts=counts
                )
            rows.append(r)
        units = [u for u in self.units if keep_regions is None or u.qid in keep_regions]
        # narrowed to one unit region: that region is what the files are about
        region = units[0] if len(units) == 1 and keep_regions is not None else self.region
        return dataclasses.replace(self, region=region, units=units, rows=rows, institutions=insts)

    def to_geodataframe(self) -> Any:
        """The rows as a geopandas GeoDataFrame in EPSG:4326, one region shape each (needs the
        ``geo`` extra: ``pip install 'glamgraph[geo]'``), to join your own data on ``region``.

        Geometries are those of ``regions.geojson``: the shipped country shape, else a point at
        the region's coordinates, else none. Example: ``cov.to_geodataframe().plot("status")``.
        """
        import importlib

        import geopandas as gpd

        # the shapes and the GeoJSON live in the export layer; reached by name, not imported,
        # so this data module stays free of the layers above it
        doc = importlib.import_module("glamgraph.export.geojson").regions_collection(self)
        return gpd.GeoDataFrame.from_features(doc["features"], crs="EPSG:4326")


def to_records(items: Iterable[Any]) -> list[dict[str, Any]]:
    """Dataclass instances as dicts, singular contact properties added for institutions."""
    out = []
    for item in items:
        rec = item.as_record() if hasattr(item, "as_record") else dataclasses.asdict(item)
        if isinstance(item, Institution):
            for name in ("website", "email", "phone", "address", "type"):
                rec[name] = getattr(item, name)
        out.append(rec)
    return out


def to_dataframe(items: Iterable[Any]) -> Any:
    """A pandas DataFrame of dataclass instances (needs pandas)."""
    import pandas as pd

    return pd.DataFrame(to_records(items))


T = TypeVar("T")


class Records(list[T]):
    """A list of dataclass records that also gives a DataFrame (``to_dataframe()``).

    >>> Records([Region("Q46", "continent", "Europe")]).to_dataframe().loc[0, "label"]
    'Europe'
    """

    def to_dataframe(self) -> Any:
        """The records as a pandas DataFrame (needs pandas)."""
        return to_dataframe(self)


class AffiliateSet(Records[Affiliate]):
    """The affiliates with where they came from: :func:`glamgraph.affiliates.load_affiliates`.

    A list of :class:`Affiliate` (``to_dataframe()`` included) that also keeps the module's
    revision (or file), the Wikidata classes it found, the disagreements between Meta-Wiki and
    Wikidata, and the country names that did not resolve.

    >>> s = AffiliateSet([], module_source="file:/tmp/m.lua")
    >>> s.module_source, len(s), s.disagreements
    ('file:/tmp/m.lua', 0, [])
    """

    def __init__(
        self,
        items: Iterable[Affiliate] = (),
        *,
        module_source: str = "",
        revision: int | None = None,
        timestamp: str | None = None,
        module_url: str = "",
        module_path: str = "",
        module_sha256: str = "",
        fetched: str = "",
        from_cache: bool = False,
        registry: str = "",
        endpoint: str = "",
        disagreements: Iterable[Disagreement] = (),
        unresolved: Iterable[UnresolvedName] = (),
        wikidata_classes: dict[str, tuple[str, ...]] | None = None,
        wikidata_unmatched: tuple[str, ...] = (),
        sources: Iterable[dict[str, Any]] = (),
        queries: Iterable[dict[str, Any]] = (),
    ) -> None:
        super().__init__(items)
        self.module_source = module_source  # the text every module affiliate's source starts with
        self.revision = revision  # the module's revision id (fetched from Meta-Wiki)
        self.timestamp = timestamp  # that revision's timestamp
        self.module_url = module_url  # its permalink, or the file's URI
        self.module_path = module_path  # the file read, if any
        self.module_sha256 = module_sha256  # of the Lua source text
        self.fetched = fetched  # when it was fetched (or read)
        self.from_cache = from_cache
        self.registry = registry  # the registry file, if any
        self.endpoint = endpoint  # the SPARQL engine used for names and Wikidata
        self.disagreements = list(disagreements)
        self.unresolved = list(unresolved)
        self.wikidata_classes = dict(wikidata_classes or {})  # class label -> QIDs found
        self.wikidata_unmatched = wikidata_unmatched  # affiliate items no module entry matched
        #: one dict per source for the knowledge graph: kind (module, wikidata, registry) and
        #: id (with kind, the ``SourceRef.source_key`` of its affiliates), key (its text in
        #: ``Affiliate.source``), url or path, revision, timestamp, sha256, title
        self.sources = list(sources)
        self.queries = list(queries)  # the provenance of each query result used

    def by_code(self, code: str) -> Affiliate:
        """The affiliate with this code (``KeyError`` when absent)."""
        for a in self:
            if a.code == code:
                return a
        raise KeyError(code)

    def provenance(self) -> dict[str, Any]:
        """What a report needs to cite the affiliates."""
        return {
            "module_source": self.module_source,
            "revision": self.revision,
            "timestamp": self.timestamp,
            "module_url": self.module_url,
            "module_path": self.module_path,
            "module_sha256": self.module_sha256,
            "fetched": self.fetched,
            "from_cache": self.from_cache,
            "registry": self.registry,
            "endpoint": self.endpoint,
            "affiliates": len(self),
            "disagreements": len(self.disagreements),
            "unresolved": [f"{u.code}: {u.name}" for u in self.unresolved],
            "wikidata_classes": {k: list(v) for k, v in self.wikidata_classes.items()},
            "sources": self.sources,
        }
