"""The knowledge graph: an rdflib :class:`~rdflib.Dataset` where the cross-reference happens.

Every source goes into its own named graph, described with PROV-O in the provenance graph:

* **one named graph per query result set** (``…/query/0007-institution-details``): the
  Wikidata statements the rows state, in Wikidata's own terms (``wdt:P17``, ``wdt:P31``,
  ``rdfs:label``, ``wdt:P625`` …). Its activity records the query name and text, the endpoint,
  the start time and duration, and whether it came from the cache or a fallback.
* **one per affiliate source**: the module revision (or file), the registry file, Wikidata.
* **one derived graph** (``…/placement``) with what glamgraph's counting rules concluded:
  ``gg:countsIn`` (institution → unit region), the unit regions and their countries, the
  unplaced institutions with their reason. Its activity ``prov:used`` every query graph.

The store is Oxigraph through ``oxrdflib`` (rdflib's in-memory store is about 30× slower for a
GROUP BY over 300k triples). :class:`GraphBuilder` converts each source's rows as it is added
(IRIs memoised for the build) and loads them per named graph in chunks of N-Triples, on a thread
of its own, never one by one and never as one list of every quad.
Coverage is then computed by SPARQL files (``queries/graph/coverage-*.rq``) over this Dataset.

>>> ds = new_dataset()
>>> load_quads(ds, [(iri("http://example.org/s"), iri("http://example.org/p"), lit("o"),
...                  iri("http://example.org/g"))])
1
>>> len(list(ds.quads((None, None, None, None))))
1
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import uuid
import weakref
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from itertools import islice
from typing import Any

import pyoxigraph as ox
from oxrdflib import OxigraphStore
from rdflib import Dataset
from rdflib.store import Store

from glamgraph import vocab
from glamgraph._version import __version__
from glamgraph.client import background
from glamgraph.model import Affiliate, Institution, Region, Unplaced
from glamgraph.sparql import QueryResult, Row, term_bool
from glamgraph.sparql.embedded import EmbeddedEngine

Quad = tuple[str, str, str, str]

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
LABEL = vocab.RDFS + "label"
PROV = vocab.PROV
GG = vocab.GG
XSD = vocab.XSD


# One character an IRI may hold as is (RFC 3987: unreserved, reserved but ``[]``, ``%``, ucschar
# and iprivate; not controls, noncharacters, surrogates or bidi formatting characters).
_IRI_CHAR_CLASS = (
    "A-Za-z0-9\\-._~:/?#@!$&'()*+,;=%"
    "\u00a0-\u200d\u2010-\u2029\u202f-\u2065\u206a-\ud7ff\uf900-\ufdcf\ufdf0-\uffef\ue000-\uf8ff\U00010000-\U0001fffd"
    "\U00020000-\U0002fffd\U00030000-\U000dfffd\U000e1000-\U000efffd\U000f0000-\U0010fffd"
)
# iprivate (U+E000-F8FF, planes 15 and 16) is allowed in a query only: escaped wherever it is
_IRI_CHAR = re.compile(
    "[" + _IRI_CHAR_CLASS.replace("\ue000-\uf8ff", "").replace("\U000f0000-\U0010fffd", "") + "]"
)
# A whole IRI that needs no escaping: allowed characters, one ``#`` at most, ``%`` only as %XX.
_IRI_PLAIN = _IRI_CHAR_CLASS.replace("#", "").replace("%", "")
_IRI_OK = re.compile(
    f"[A-Za-z][A-Za-z0-9+.\\-]*:(?:[{_IRI_PLAIN}]|%[0-9A-Fa-f]{{2}})*"
    f"(?:#(?:[{_IRI_PLAIN}]|%[0-9A-Fa-f]{{2}})*)?"
)
# The same for an IRI of ASCII characters only: a subset, checked first because it is much faster.
_IRI_ASCII_PLAIN = _IRI_PLAIN[: _IRI_PLAIN.index("\u00a0")]
_IRI_ASCII_OK = re.compile(
    f"[A-Za-z][A-Za-z0-9+.\\-]*:(?:[{_IRI_ASCII_PLAIN}]|%[0-9A-Fa-f]{{2}})*"
    f"(?:#(?:[{_IRI_ASCII_PLAIN}]|%[0-9A-Fa-f]{{2}})*)?"
)
# Scheme and authority, where ``[...]`` is an IP literal host and stays as is.
_AUTHORITY = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*://[^/?#]*")
_HEX2 = re.compile(r"[0-9A-Fa-f]{2}")
# A scheme and an authority that is a plain host name with an optional port (the IRIs of
# Wikidata, of most websites): past the ASCII check, nothing of such an IRI can be malformed.
_PLAIN_AUTHORITY = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*://[A-Za-z0-9.\-]*(?::[0-9]*)?(?:[/?#]|$)")
# What a host name may hold as is (RFC 3986 reg-name: unreserved, sub-delims, %XX): the rest of
# an authority found malformed is escaped.
_REG_NAME_CHAR = re.compile(r"[A-Za-z0-9\-._~!$&'()*+,;=%]")


def _parses_as_iri(text: str) -> bool:
    """Whether Oxigraph's IRI parser (RFC 3987, as its strict N-Quads loader) takes ``text``."""
    try:
        ox.NamedNode(text)
    except ValueError:
        return False
    return True


def iri(value: str) -> str:
    """An N-Quads IRI term: characters an IRI may not hold are %-escaped (UTF-8).

    A website from Wikidata can be anything a user typed; what RFC 3987 (and so the N-Quads
    loader) refuses is escaped: spaces, ``<>"{}|\\^``` and controls, ``[``/``]`` outside an IP
    literal host, a ``%`` not starting an escape, a second ``#``, noncharacters and lone
    surrogates (written as U+FFFD), a private-use character outside a query; in an authority
    that is still malformed (a port that is not a number, a host of ``[zz]``), all a host name
    may not hold. Every term made is one the strict parser takes, so the graph's bulk loads
    skip checking them again.

    >>> iri("http://example.org/a b")
    '<http://example.org/a%20b>'
    >>> iri("http://museum.example/search?tags[]=art")
    '<http://museum.example/search?tags%5B%5D=art>'
    >>> iri("http://[::1]:80/x%zz#a#b")
    '<http://[::1]:80/x%25zz#a%23b>'
    >>> iri("http://museum.example:80a/")
    '<http://museum.example%3A80a/>'

    Raises:
        ValueError: ``value`` has no scheme (a relative reference is not an IRI of its own).
    """
    if _IRI_ASCII_OK.fullmatch(value) is not None:
        if _PLAIN_AUTHORITY.match(value) is not None or _parses_as_iri(value):
            return f"<{value}>"
    elif _IRI_OK.fullmatch(value) is not None and _parses_as_iri(value):
        return f"<{value}>"
    m = _AUTHORITY.match(value)
    head = (
        m.group(0) if m and _IRI_OK.fullmatch(m.group(0).replace("[", "").replace("]", "")) else ""
    )
    rest = value[len(head) :]
    out: list[str] = [head]
    seen_hash = "#" in head
    for i, ch in enumerate(rest):
        if ch == "#":
            out.append("%23" if seen_hash else ch)
            seen_hash = True
        elif ch == "%" and _HEX2.match(rest, i + 1) is None:
            out.append("%25")
        elif _IRI_CHAR.fullmatch(ch) is not None:
            out.append(ch)
        else:
            if "\ud800" <= ch <= "\udfff":
                ch = "\ufffd"
            out.append("".join(f"%{b:02X}" for b in ch.encode("utf-8")))
    text = "".join(out)
    if _parses_as_iri(text):
        return f"<{text}>"
    # a malformed authority (a port that is no number, a host of "[zz]" or "a]b", two "@", a
    # private-use character): what a host name may not hold escaped, it is a host name
    m = _AUTHORITY.match(text)
    if m is not None:
        scheme, _, authority = m.group(0).partition("://")
        host = "".join(
            ch
            if _REG_NAME_CHAR.fullmatch(ch) and (ch != "%" or _HEX2.match(authority, i + 1))
            else "".join(f"%{b:02X}" for b in ch.encode("utf-8"))
            for i, ch in enumerate(authority)
        )
        fixed = f"{scheme}://{host}{text[m.end() :]}"
        if _parses_as_iri(fixed):
            return f"<{fixed}>"
    raise ValueError(f"not an absolute IRI: {value[:80]!r}")


def _iri_or_none(value: str) -> str | None:
    """:func:`iri`, or ``None`` for a value that cannot be made an absolute IRI."""
    try:
        return iri(value)
    except ValueError:
        return None


#: Language tags and datatypes seen, and whether the strict N-Quads parser takes them (each is
#: checked once; a hostile endpoint cannot grow these past a bound).
_LANG_OK: dict[str, bool] = {}
_DATATYPE_TERMS: dict[str, str | None] = {}
_TERM_MEMO_MAX = 10_000


def _language_ok(lang: str) -> bool:
    ok = _LANG_OK.get(lang)
    if ok is None:
        try:
            ox.Literal("", language=lang)
            ok = True
        except ValueError:
            ok = False
        if len(_LANG_OK) < _TERM_MEMO_MAX:
            _LANG_OK[lang] = ok
    return ok


def _datatype_term(datatype: str) -> str | None:
    if datatype in _DATATYPE_TERMS:
        return _DATATYPE_TERMS[datatype]
    term = _iri_or_none(datatype)
    if len(_DATATYPE_TERMS) < _TERM_MEMO_MAX:
        _DATATYPE_TERMS[datatype] = term
    return term


def lit(value: str, lang: str = "", datatype: str = "") -> str:
    """An N-Quads literal term. A language tag that is not one (BCP 47) or a datatype that is
    no IRI, as a hostile endpoint may send, is left off: the literal is then a plain string.

    >>> lit('say "hi"', "en")
    '"say \\\\"hi\\\\""@en'
    >>> lit("x", "en fr"), lit("1", datatype="not an IRI")
    ('"x"', '"1"')
    """
    esc = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    if lang:
        return f'"{esc}"@{lang}' if _language_ok(lang) else f'"{esc}"'
    if datatype:
        term = _datatype_term(datatype)
        return f'"{esc}"^^{term}' if term is not None else f'"{esc}"'
    return f'"{esc}"'


#: The pyoxigraph store behind each Dataset made by :func:`new_dataset`, found by the rdflib
#: store object (oxrdflib takes a store of ours through its public constructor).
_OX_STORES: weakref.WeakKeyDictionary[Store, ox.Store] = weakref.WeakKeyDictionary()


def new_dataset() -> Dataset:
    """An empty Dataset on an Oxigraph store (one that :func:`oxigraph_store` can hand out)."""
    inner = ox.Store()
    store = OxigraphStore(store=inner)
    _OX_STORES[store] = inner
    return Dataset(store=store)


LOAD_CHUNK = 50_000


def load_quads(ds: Dataset, quads: Iterable[Quad]) -> int:
    """Bulk-load N-Quads terms into ``ds`` in chunks; returns the number of quads written.

    Chunks keep the peak memory to one chunk's text beside the store (a whole 100k-institution
    world at once held the graph three times over: the lines, the joined text, its bytes)."""
    n = 0
    chunk: list[str] = []

    def flush() -> None:
        if chunk:
            data = ("\n".join(chunk) + "\n").encode("utf-8")
            ds.parse(data=data, format="ox-nquads", transactional=False)
            chunk.clear()

    for s, p, o, g in quads:
        chunk.append(f"{s} {p} {o} {g} .")
        n += 1
        if len(chunk) >= LOAD_CHUNK:
            flush()
    flush()
    return n


def oxigraph_store(ds: Dataset) -> ox.Store:
    """The pyoxigraph store behind ``ds`` (to run ``.rq`` files on it with an engine).

    Raises:
        ValueError: ``ds`` was not made by :func:`new_dataset`.
    """
    try:
        return _OX_STORES[ds.store]
    except (KeyError, TypeError):
        raise ValueError("not a Dataset made by glamgraph.graph.new_dataset()") from None


def engine_for(ds: Dataset) -> EmbeddedEngine:
    """A SPARQL engine over the Dataset, so coverage runs through the same ``.rq`` machinery."""
    return EmbeddedEngine(oxigraph_store(ds), name="graph", url="graph:")


def wd(qid: str) -> str:
    return iri(vocab.WD + qid)


def _wdt(pid: str) -> str:
    return iri(vocab.WDT + pid)


def _gg(name: str) -> str:
    return iri(GG + name)


# --- query rows -> Wikidata statements ---------------------------------------------------------

#: A SPARQL JSON term as an N-Quads term (``None``: a blank node, left out), as a build converts
#: it (IRIs memoised: an item, class or country appears in many rows).
TermFn = Callable[[Mapping[str, str]], "str | None"]
#: How the rows of one query state Wikidata facts: ``(rows, term)`` to (subject, predicate,
#: object) N-Quads terms.
RowsConverter = Callable[[Sequence[Row], TermFn], Iterable[tuple[str, str, str]]]

_P_INSTANCE_OF = _wdt(vocab.INSTANCE_OF)
_P_COUNTRY = _wdt(vocab.COUNTRY_P)
_P_LOCATED_IN = _wdt(vocab.LOCATED_IN)
_P_COORDINATES = _wdt(vocab.COORDINATES)
_P_TYPE = iri(RDF_TYPE)
_P_LABEL = iri(LABEL)
_FIELD_PREDICATES = {
    field: _wdt(pid)
    for field, pid in {
        "type": vocab.INSTANCE_OF,
        "admin": vocab.LOCATED_IN,
        "coord": vocab.COORDINATES,
        "website": vocab.WEBSITE,
        "email": vocab.EMAIL,
        "phone": vocab.PHONE,
        "address": vocab.STREET_ADDRESS,
    }.items()
}
_FIELD_PREDICATES["label"] = _P_LABEL


def term_converter(iris: dict[str, str | None] | None = None) -> TermFn:
    """A SPARQL JSON term to N-Quads converter whose IRIs are memoised in ``iris`` (the same
    terms as :func:`iri` and :func:`lit` make; blank nodes and a "uri" that is no absolute IRI
    are left out: ``None``).

    >>> term = term_converter()
    >>> term({"type": "uri", "value": "http://example.org/a b"})
    '<http://example.org/a%20b>'
    >>> term({"type": "literal", "value": "x", "xml:lang": "en"}), term({"type": "bnode"})
    ('"x"@en', None)
    """
    memo: dict[str, str | None] = {} if iris is None else iris

    def term(t: Mapping[str, str]) -> str | None:
        kind = t.get("type")
        if kind == "uri":
            value = t["value"]
            out = memo.get(value)
            if out is None:
                if value in memo:  # known to be no IRI
                    return None
                out = memo[value] = _iri_or_none(value)
            return out
        if kind == "literal" or kind == "typed-literal":
            return lit(t["value"], t.get("xml:lang", ""), t.get("datatype", ""))
        return None

    return term


def _rows_institutions(rows: Sequence[Row], term: TermFn) -> Iterator[tuple[str, str, str]]:
    for row in rows:
        item = row.get("item")
        if item is None or (s := term(item)) is None:
            continue
        if (c := row.get("class")) is not None and (o := term(c)):
            yield s, _P_INSTANCE_OF, o
        if (c := row.get("country")) is not None and (o := term(c)):
            yield s, _P_COUNTRY, o
        if (a := row.get("admin")) is not None and (o := term(a)):
            yield s, _P_LOCATED_IN, o


def _rows_details(rows: Sequence[Row], term: TermFn) -> Iterator[tuple[str, str, str]]:
    predicates = _FIELD_PREDICATES
    for row in rows:
        item, field, value = row.get("item"), row.get("field"), row.get("value")
        if item is None or field is None or value is None:
            continue
        s, o = term(item), term(value)
        if s is None or o is None:
            continue
        if (p := predicates.get(field["value"])) is not None:
            yield s, p, o


def _rows_admin(rows: Sequence[Row], term: TermFn) -> Iterator[tuple[str, str, str]]:
    current, former = _gg("CurrentCountry"), _gg("FormerCountryOrRegion")
    for row in rows:
        a = row.get("admin")
        if a is None or (s := term(a)) is None:
            continue
        if (p := row.get("parent")) is not None and (o := term(p)):
            yield s, _P_LOCATED_IN, o
        if (c := row.get("country")) is not None and (o := term(c)):
            yield s, _P_COUNTRY, o
        if term_bool(row, "iscountry"):
            yield s, _P_TYPE, current
        if term_bool(row, "historical"):
            yield s, _P_TYPE, former


def _rows_regions(var: str) -> RowsConverter:
    p_iso = _wdt(vocab.ISO_ALPHA2 if var == "country" else vocab.ISO_3166_2)

    def convert(rows: Sequence[Row], term: TermFn) -> Iterator[tuple[str, str, str]]:
        for row in rows:
            r = row.get(var)
            if r is None or (s := term(r)) is None:
                continue
            if (t := row.get("label")) is not None and (o := term(t)):
                yield s, _P_LABEL, o
            if (t := row.get("coord")) is not None and (o := term(t)):
                yield s, _P_COORDINATES, o
            if (t := row.get("iso")) is not None and (o := term(t)):
                yield s, p_iso, o

    return convert


def _rows_generic(subject: str, pairs: dict[str, str]) -> RowsConverter:
    predicates = [(var, _wdt(pid)) for var, pid in pairs.items()]

    def convert(rows: Sequence[Row], term: TermFn) -> Iterator[tuple[str, str, str]]:
        for row in rows:
            r = row.get(subject)
            if r is None or (s := term(r)) is None:
                continue
            for var, p in predicates:
                if (t := row.get(var)) is not None and (o := term(t)):
                    yield s, p, o

    return convert


def _rows_historical(rows: Sequence[Row], term: TermFn) -> Iterator[tuple[str, str, str]]:
    former = _gg("FormerCountryOrRegion")
    for row in rows:
        if (c := row.get("country")) is not None and (s := term(c)):
            yield s, _P_TYPE, former


def _rows_labels(rows: Sequence[Row], term: TermFn) -> Iterator[tuple[str, str, str]]:
    for row in rows:
        item, label = row.get("item"), row.get("label")
        if item is not None and label is not None and (s := term(item)) and (o := term(label)):
            yield s, _P_LABEL, o


#: How the rows of each shipped query state Wikidata facts (unknown queries: provenance only).
ROW_CONVERTERS: dict[str, RowsConverter] = {
    "institutions-by-class-and-country": _rows_institutions,
    "institutions-without-country": _rows_institutions,
    "institutions-of-classes": _rows_institutions,
    "institutions-of-classes-bulk": _rows_institutions,
    "institution-details": _rows_details,
    "institution-contacts": _rows_details,
    "institution-contacts-bulk": _rows_details,
    "admin-parents": _rows_admin,
    "countries-of-continent": _rows_regions("country"),
    "subdivisions-of-country": _rows_regions("unit"),
    "class-closure": _rows_generic("class", {"root": vocab.SUBCLASS_OF}),
    "borders": _rows_generic("region", {"neighbour": vocab.SHARES_BORDER}),
    "historical-countries-of-continent": _rows_historical,
    "labels": _rows_labels,
    "region-info": _rows_generic("item", {"iso": vocab.ISO_ALPHA2, "iso2": vocab.ISO_3166_2}),
}

#: Shipped queries whose rows are deliberately not stated as Wikidata facts in a query graph,
#: with the reason (their results still get a named graph with provenance). Every shipped
#: endpoint query is in ``ROW_CONVERTERS`` or here: a test fails for a query renamed, added or
#: removed without its mapping. (The knowledge-graph queries, ``queries/graph/``, run over the
#: graph itself.)
NOT_STATED: dict[str, str] = {
    "affiliates-on-wikidata": "affiliates enter the graph through the affiliate sources",
    "names-to-items": "a lookup of the module's country names; the QIDs reach the affiliates",
    "region-by-iso": "a lookup of the user's region code; region-info states the region",
    "listeria-institutions-of-region": "written into a ListeriaBot template, never run here",
}

#: N-Quads lines per bulk load of a build (one chunk's text is held beside the store).
BUILD_CHUNK = 50_000
#: Chunks handed to the loading thread and not loaded yet, at most (bounds the memory).
_PENDING_CHUNKS = 2


class _Loader:
    """Triples loaded into the named graphs of a store chunk by chunk, on a thread of its own.

    Lines are N-Triples (``s p o .``) kept per graph and loaded into it (``to_graph``): the
    graph's name is not written and parsed on every line. pyoxigraph releases the GIL while it
    loads, so the store takes one chunk while the caller converts the next rows; errors (a line
    the parser refuses) are raised by :meth:`wait`."""

    def __init__(self, store: ox.Store) -> None:
        self.store = store
        self.lines: dict[str, list[str]] = {}  # graph term -> its lines not handed over yet
        self._pool: ThreadPoolExecutor | None = None
        self._pending: deque[Future[None]] = deque()
        #: each source's lines are handed over once it is added (see loading_alongside), not
        #: when a chunk is full or at the build
        self.eager = False

    def add(self, graph: str, line: str) -> None:
        lines = self.lines.setdefault(graph, [])
        lines.append(line)
        if len(lines) >= BUILD_CHUNK:
            self.flush(graph)

    def extend(self, graph: str, lines: list[str]) -> None:
        mine = self.lines.setdefault(graph, [])
        mine.extend(lines)
        if len(mine) >= BUILD_CHUNK:
            self.flush(graph)

    def flush(self, graph: str) -> None:
        """Hand the lines collected for ``graph`` to the loading thread."""
        lines = self.lines.pop(graph, None)
        if not lines:
            return
        data = ("\n".join(lines) + "\n").encode("utf-8")
        del lines
        if self._pool is None:
            self._pool = ThreadPoolExecutor(1, thread_name_prefix="glamgraph-graph-load")
        self._pending.append(self._pool.submit(self._load, data, graph))
        while len(self._pending) > _PENDING_CHUNKS:
            self._pending.popleft().result()

    def _load(self, data: bytes, graph: str) -> None:
        # a transaction per chunk: as fast as a bulk load here, or faster (in-memory store).
        # Lenient: every term was made by iri() or lit(), which give only what the strict
        # parser takes (each distinct IRI checked once there, not on each of its lines here:
        # a 100k world's 670k lines parse in 1.6 s instead of 2.6 s).
        name = ox.NamedNode(graph[1:-1])  # the IRI of an N-Triples term made by iri()
        self.store.load(data, ox.RdfFormat.N_TRIPLES, to_graph=name, lenient=True)

    def wait(self) -> None:
        """Load what is left and wait until the store holds every line added."""
        try:
            for graph in list(self.lines):
                self.flush(graph)
            while self._pending:
                self._pending.popleft().result()
        finally:
            for fut in self._pending:
                fut.cancel()
            self._pending.clear()
            if self._pool is not None:
                self._pool.shutdown(wait=True)
                self._pool = None


class GraphBuilder:
    """Builds one run's Dataset with PROV descriptions: quads are converted as sources are
    added and bulk-loaded into the store in chunks (no list of every quad is kept)."""

    def __init__(self, run_id: str | None = None) -> None:
        self.run = run_id or uuid.uuid4().hex[:12]
        self.base = f"{vocab.GG_RUN}{self.run}/"
        self._ds = new_dataset()
        self._loader = _Loader(oxigraph_store(self._ds))
        self._iris: dict[str, str | None] = {}  # IRI -> N-Quads term (None: no IRI)
        self._term = term_converter(self._iris)
        self.prov_graph = iri(self.base + "provenance")
        self.query_graphs: list[str] = []
        self._n = 0

    def _iri(self, value: str) -> str:
        out = self._iris.get(value)
        if out is None:
            out = self._iris[value] = iri(value)
        return out

    def _quad(self, s: str, p: str, o: str, g: str) -> None:
        self._loader.add(g, f"{s} {p} {o} .")

    def _prov(self, s: str, p: str, o: str) -> None:
        self._quad(s, p, o, self.prov_graph)

    @property
    def quads(self) -> list[Quad]:
        """Every quad added so far, as N-Quads terms (waits until they are loaded)."""
        self._loader.wait()
        return [
            (str(q.subject), str(q.predicate), str(q.object), str(q.graph_name))
            for q in self._loader.store
        ]

    def _activity(self, graph: str, kind: str, started: dt.datetime | None = None) -> str:
        self._n += 1
        act = iri(f"{self.base}activity/{self._n:04d}")
        self._prov(graph, _P_TYPE, iri(PROV + "Entity"))
        self._prov(graph, iri(PROV + "wasGeneratedBy"), act)
        self._prov(act, _P_TYPE, iri(PROV + "Activity"))
        self._prov(act, iri(GG + "kind"), lit(kind))
        when = (started or dt.datetime.now(dt.UTC)).isoformat(timespec="seconds")
        self._prov(act, iri(PROV + "startedAtTime"), lit(when, datatype=XSD + "dateTime"))
        self._prov(
            act,
            iri(PROV + "wasAssociatedWith"),
            iri(f"https://pypi.org/project/glamgraph/{__version__}"),
        )
        return act

    def add_query_result(self, res: QueryResult) -> str:
        """One named graph with the facts the rows state, and its PROV activity."""
        graph = iri(
            f"{self.base}query/{len(self.query_graphs) + 1:04d}-{res.query_name or 'query'}"
        )
        self.query_graphs.append(graph)
        act = self._activity(graph, "sparql-query", res.started)
        self._prov(act, iri(GG + "queryName"), lit(res.query_name))
        self._prov(act, iri(GG + "queryText"), lit(res.query_text))
        self._prov(act, iri(GG + "endpoint"), lit(res.endpoint))
        if res.endpoint_url.startswith("http") and (used := _iri_or_none(res.endpoint_url)):
            self._prov(act, iri(PROV + "used"), used)
        self._prov(act, iri(GG + "endpointUrl"), lit(res.endpoint_url))
        self._prov(
            act, iri(GG + "durationSeconds"), lit(f"{res.duration_s:.3f}", datatype=XSD + "decimal")
        )
        self._prov(
            act, iri(GG + "fromCache"), lit(str(res.from_cache).lower(), datatype=XSD + "boolean")
        )
        self._prov(act, iri(GG + "rows"), lit(str(len(res.rows)), datatype=XSD + "integer"))
        if res.fallback_from:
            self._prov(act, iri(GG + "fallbackFrom"), lit(res.fallback_from))
        convert = ROW_CONVERTERS.get(res.query_name)
        if convert is not None:
            triples = iter(convert(res.rows, self._term))
            while batch := [f"{s} {p} {o} ." for s, p, o in islice(triples, BUILD_CHUNK)]:
                self._loader.extend(graph, batch)
            if self._loader.eager:  # loaded now, while the next queries run, not all at the end
                self._loader.flush(graph)
        return graph

    def add_placement(
        self,
        region: Region,
        units: Sequence[Region],
        institutions: Sequence[Institution],
        unplaced: Sequence[Unplaced],
        context: Sequence[Region] = (),
    ) -> str:
        """The derived graph: unit regions, ``gg:countsIn``, unplaced institutions and reasons.

        ``context`` adds other regions (``gg:Region``, not unit rows), e.g. the world's countries
        among which the nearest affiliate of an uncovered region is searched."""
        graph = iri(self.base + "placement")
        act = self._activity(graph, "glamgraph-counting-rules")
        for g in self.query_graphs:
            self._prov(act, iri(PROV + "used"), g)
        lines: list[str] = []
        add, tail = lines.append, " ."
        node, wd_ = self._iri, vocab.WD
        is_a = f" {_P_TYPE} "
        add(
            (wd(region.qid) if region.qid != "world" else iri(GG + "World"))
            + f"{is_a}{_gg('QueriedRegion')}{tail}"
        )
        unit_ids = {u.qid for u in units}
        for u in [*units, *(c for c in context if c.qid not in unit_ids)]:
            s = node(wd_ + u.qid)
            add(f"{s}{is_a}{_gg('Region')}{tail}")
            if u.qid in unit_ids:
                add(f"{s}{is_a}{_gg('UnitRegion')}{tail}")
            add(f"{s} {_gg('kind')} {lit(u.kind)}{tail}")
            add(f"{s} {_P_LABEL} {lit(u.label, 'en')}{tail}")
            if u.iso:
                add(f"{s} {_gg('iso')} {lit(u.iso)}{tail}")
            if u.kind == "subdivision" and u.parent:
                add(f"{s} {_gg('inCountry')} {node(wd_ + u.parent)}{tail}")
            if u.lat is not None and u.lon is not None:
                point = lit(f"Point({u.lon} {u.lat})", datatype=vocab.GEO + "wktLiteral")
                add(f"{s} {_P_COORDINATES} {point}{tail}")
        glam = f"{is_a}{_gg('GlamInstitution')}{tail}"
        counts_in, country = f" {_gg('countsIn')} ", f" {_gg('country')} "
        country_via = f" {_gg('countryVia')} "
        for inst in institutions:
            s = node(wd_ + inst.qid)
            add(s + glam)
            for unit in inst.units:
                add(s + counts_in + node(wd_ + unit) + tail)
            for c in inst.countries:
                add(s + country + node(wd_ + c) + tail)
            if inst.country_path:
                add(s + country_via + lit(" ".join(inst.country_path)) + tail)
            if len(lines) >= BUILD_CHUNK:
                self._loader.extend(graph, lines)
                lines.clear()
        unplaced_is = f"{is_a}{_gg('UnplacedInstitution')}{tail}"
        reason, former = f" {_gg('unplacedReason')} ", f" {_gg('formerCountry')} "
        for un in unplaced:
            s = node(wd_ + un.qid)
            add(s + unplaced_is)
            add(s + reason + lit(un.reason) + tail)
            for c in un.countries:
                add(s + former + node(wd_ + c) + tail)
        self._loader.extend(graph, lines)
        return graph

    def add_affiliates(
        self, affiliates: Sequence[Affiliate], sources: Sequence[Mapping[str, Any]]
    ) -> list[str]:
        """One named graph per affiliate source (module revision, registry file, Wikidata).

        ``sources`` describe each source: ``{"kind": "module"|"registry"|"wikidata", "id": ...,
        "url" or "path", "revision", "timestamp", "sha256"}`` (see
        :attr:`~glamgraph.model.AffiliateSet.sources`). An affiliate goes into the graph of the
        source its last :class:`~glamgraph.model.SourceRef` points into (the registry overrides
        the module, Wikidata complements it); an affiliate none of whose references is
        described goes into a graph of its own kind, ``affiliates``.
        """
        graphs: dict[tuple[str, str], str] = {}
        out: list[str] = []
        for i, src in enumerate(sources, start=1):
            kind = str(src.get("kind", "source"))
            graph = iri(f"{self.base}{kind}/{i}")
            out.append(graph)
            graphs.setdefault((kind, str(src.get("id", ""))), graph)
            act = self._activity(graph, f"read-{kind}")
            for key in ("url", "path", "revision", "timestamp", "sha256", "title"):
                if src.get(key):
                    self._prov(act, iri(GG + key), lit(str(src[key])))
            url = str(src.get("url", ""))
            if url.startswith("http") and (used := _iri_or_none(url)):
                self._prov(act, iri(PROV + "used"), used)
        fallback_graph = iri(self.base + "affiliates")
        fallback_used = False
        q = self._quad
        for aff in affiliates:
            graph = next(
                (graphs[r.source_key] for r in reversed(aff.refs) if r.source_key in graphs),
                fallback_graph,
            )
            fallback_used |= graph == fallback_graph
            s = iri(vocab.GG + "affiliate/" + aff.code)
            q(s, _P_TYPE, _gg("Affiliate"), graph)
            q(s, _gg("code"), lit(aff.code), graph)
            q(s, _P_LABEL, lit(aff.name), graph)
            q(s, _gg("affiliateType"), lit(aff.type), graph)
            q(s, _gg("status"), lit(aff.status), graph)
            q(s, _gg("source"), lit(aff.source), graph)
            # Meta-Wiki wins: the countries (which take Wikidata's only where the module gives
            # none); raw P2541 values such as "worldwide" are kept apart and cover nothing
            for c in aff.countries:
                q(s, _gg("covers"), self._iri(vocab.WD + c), graph)
            for c in aff.operating_area:
                q(s, _gg("operatingArea"), self._iri(vocab.WD + c), graph)
            if aff.page:
                q(s, _gg("page"), lit(aff.page), graph)
        if fallback_used:  # affiliates whose references name none of the described sources
            self._activity(fallback_graph, "read-affiliates")
            out.append(fallback_graph)
        return out

    @contextlib.contextmanager
    def loading_alongside(self) -> Iterator[None]:
        """Within: each source added is handed to the builder's loading thread at once and
        loaded while the caller goes on (pyoxigraph releases the GIL while it loads: a harvest
        sorts the next result meanwhile), and a child forked meanwhile by
        :func:`glamgraph.client.background.detach` (the harvest cache's writer) first waits for
        the loads and the thread to end (a thread does not survive a fork).

        >>> b = GraphBuilder()
        >>> with b.loading_alongside():
        ...     _ = b.add_query_result(QueryResult(("x",), []))
        >>> len(b.build()) > 0
        True
        """
        self._loader.eager = True
        try:
            with background.quiesced_before_fork(self._loader.wait):
                yield
        finally:
            self._loader.eager = False

    def build(self) -> Dataset:
        """The Dataset with every quad added, once the last of them is loaded (the same Dataset
        on every call: quads added after a build go into it too)."""
        self._loader.wait()
        self._iris.clear()
        ds = self._ds
        ds.bind("wd", vocab.WD)
        ds.bind("wdt", vocab.WDT)
        ds.bind("gg", GG)
        ds.bind("prov", PROV)
        return ds


__all__ = [
    "GraphBuilder",
    "engine_for",
    "iri",
    "lit",
    "load_quads",
    "new_dataset",
    "oxigraph_store",
]
