"""Dated, reproducible snapshots: harvest a region once, then answer every query offline.

:func:`build` runs the very plan of :func:`glamgraph.coverage.coverage` (regions, class closure,
institutions with their countries and ``P131`` chains, historical countries, borders, details and
labels in the chosen languages, the affiliates module and the affiliates on Wikidata) through a
:class:`RecordingEngine`. That engine sends each query with its projection widened to
``SELECT *`` (every variable the pattern binds), keeps the rows, and hands the harvest the rows
of the query it asked for. :func:`triples_of` then turns each kept row back into the
Wikidata-shaped triples that produced it: the triple patterns of the query, instantiated with the
row's bindings (only the branch of a ``UNION`` the row came from, the ``OPTIONAL`` parts that
matched, nothing from ``FILTER NOT EXISTS``). What the query files need, nothing more.

The file is written by :mod:`glamgraph.sparql.snapfile`; ``--endpoint snapshot:FILE`` serves it
in-process (:mod:`glamgraph.sparql.embedded`).

>>> import glamgraph.snapshot as gs
>>> gs.created_date("2026-12-01")
'2026-12-01'
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Final

from rdflib import BNode, Literal, URIRef, Variable
from rdflib.paths import AlternativePath, InvPath, MulPath, SequencePath
from rdflib.paths import Path as RdfPath
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.sparql.parserutils import CompValue

from glamgraph import ids, vocab
from glamgraph._version import __version__
from glamgraph.errors import BadInput, UnknownRegion
from glamgraph.queries import EngineKind
from glamgraph.sparql import Engine, Settings, get_engine
from glamgraph.sparql.result import QueryResult
from glamgraph.sparql.snapfile import SnapshotFile, read_snapshot, redact_endpoint, write_snapshot

#: Called after every query of a build with (queries done so far, the query's name).
Progress = Callable[[int, str], None]

_SELECT_RE: Final = re.compile(
    r"^(?P<head>\s*SELECT\s+)(?P<mod>(?:DISTINCT|REDUCED)\s+)?(?P<proj>[^{]*?)(?P<where>\s*WHERE\s*\{)",
    re.IGNORECASE | re.MULTILINE,
)
_VAR_RE: Final = re.compile(r"[?$]([A-Za-z0-9_]+)")
_IRI_OK: Final = re.compile(r'[^<>"{}|^`\\\x00-\x20]+')
_LANG_OK: Final = re.compile(r"[A-Za-z]+(-[A-Za-z0-9]+)*")
_XSD_STRING: Final = "http://www.w3.org/2001/XMLSchema#string"

Row = Mapping[str, Mapping[str, str]]


def created_date(created: str | None = None) -> str:
    """The creation date a snapshot records: ``created``, else ``SOURCE_DATE_EPOCH``, else today.

    Raises:
        BadInput: a date that is not ``YYYY-MM-DD`` or an epoch that is not a number.

    >>> created_date("2026-12-01")
    '2026-12-01'
    """
    if created:
        try:
            return dt.date.fromisoformat(created).isoformat()
        except ValueError:
            raise BadInput(f"malformed date {created!r} (use YYYY-MM-DD)") from None
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date().isoformat()
        except (ValueError, OverflowError, OSError):
            raise BadInput(f"malformed SOURCE_DATE_EPOCH {epoch!r} (use seconds)") from None
    return dt.datetime.now(dt.UTC).date().isoformat()


def widen(text: str) -> tuple[str, tuple[str, ...], bool] | None:
    """The query with its projection widened to ``*``, its projected variables and DISTINCT.

    ``None`` when the projection has expressions (aggregates): such a query is kept as it is.

    >>> widen("SELECT DISTINCT ?a ?b WHERE { ?a <p> ?b }")
    ('SELECT DISTINCT * WHERE { ?a <p> ?b }', ('a', 'b'), True)
    """
    m = _SELECT_RE.search(text)
    if m is None or "(" in m["proj"] or "*" in m["proj"]:
        return None
    names = tuple(_VAR_RE.findall(m["proj"]))
    if not names:
        return None
    mod = m["mod"] or ""
    wide = text[: m.start()] + m["head"] + mod + "*" + m["where"] + text[m.end() :]
    return wide, names, mod.strip().upper() == "DISTINCT"


@dataclass
class Record:
    """One query of a build: its name, the text the harvest asked for, and the wide result."""

    name: str
    text: str
    result: QueryResult
    rows: int  # the rows the harvest received


_RECORDERS: list[None] = []


@dataclass
class RecordingEngine(Engine):
    """Wraps an engine: sends each query widened to ``SELECT *`` and keeps every result.

    Everything else (the on-disk cache, retries, throttling, splitting on timeouts) is the
    wrapped engine's, so a build obeys the client layer's limits and an interrupted build
    resumes from the cache.
    """

    inner: Engine
    progress: Progress | None = None
    records: list[Record] = field(default_factory=list)
    #: A build asks the item-by-item forms of the harvest's queries, never their hash-joined
    #: ``-bulk`` forms (:data:`glamgraph.harvest.BULK_JOIN_KINDS`): :func:`triples_of` maps a row
    #: back to the triple patterns of its branch, which a sub-select hides.
    bulk_forms: ClassVar[bool] = False

    def __post_init__(self) -> None:
        # a URL of its own: in-process memos keyed by engine URL (the class closure) must not
        # answer for it, or a query would go unrecorded
        _RECORDERS.append(None)
        url = f"{self.inner.url}#recording-{len(_RECORDERS)}"
        super().__init__(self.inner.name, url, self.inner.settings)

    @property
    def kind(self) -> EngineKind:
        """The wrapped engine's kind, asked each time (a URL's kind is learnt from its first
        answer, and every query of a build must be written in the dialect it will get)."""
        return self.inner.kind

    @kind.setter
    def kind(self, value: EngineKind) -> None:
        self.inner.kind = value

    @property
    def serves_sample(self) -> bool:
        """Whether the wrapped engine serves a sample snapshot."""
        return self.inner.serves_sample

    def __hash__(self) -> int:
        return id(self)

    def _select(self, text: str, name: str) -> QueryResult:  # pragma: no cover - select() is used
        return self.select(text, name)

    def select(self, text: str, name: str = "", *, use_cache: bool | None = None) -> QueryResult:
        """Run ``text`` widened, keep the wide result, return the result of ``text`` itself."""
        w = widen(text)
        res = self.inner.select(w[0] if w else text, name, use_cache=use_cache)
        self.queries_sent += 1
        if w is None:
            out = res
        else:
            _, names, distinct = w
            rows: list[dict[str, Any]] = []
            seen: set[str] = set()
            for row in res.rows:
                kept = {v: row[v] for v in names if v in row}
                if distinct:
                    key = json.dumps(kept, sort_keys=True)
                    if key in seen:
                        continue
                    seen.add(key)
                rows.append(kept)
            out = res.with_(vars=names, rows=rows, query_text=text)
        self.records.append(Record(name, text, res, len(out.rows)))
        if self.progress is not None:
            self.progress(len(self.records), name)
        return out


# --- rows back to triples -----------------------------------------------------------------------


def _nt_term(b: Mapping[str, str]) -> str | None:
    """A SPARQL JSON binding as an N-Triples term (``None`` when it cannot be one safely)."""
    kind, value = b.get("type"), b.get("value", "")
    if kind == "uri":
        return f"<{value}>" if _IRI_OK.fullmatch(value) else None
    if kind == "bnode":
        return "_:b" + hashlib.sha256(value.encode()).hexdigest()[:20]
    if kind in ("literal", "typed-literal"):
        body = _escape(value)
        if lang := b.get("xml:lang"):
            return f"{body}@{lang}" if _LANG_OK.fullmatch(lang) else None
        dtype = b.get("datatype")
        if dtype and dtype != _XSD_STRING:
            return f"{body}^^<{dtype}>" if _IRI_OK.fullmatch(dtype) else None
        return body
    return None


def _escape(value: str) -> str:
    """An N-Triples string literal (quotes, backslash and line breaks escaped)."""
    out = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{out}"'


def _const(term: Any) -> str | None:
    if isinstance(term, URIRef):
        return f"<{term}>" if _IRI_OK.fullmatch(str(term)) else None
    if isinstance(term, Literal):
        b: dict[str, str] = {"type": "literal", "value": str(term)}
        if term.language:
            b["xml:lang"] = term.language
        if term.datatype:
            b["datatype"] = str(term.datatype)
        return _nt_term(b)
    return None


def _bind(term: Any, row: Row) -> str | None:
    if isinstance(term, Variable):
        b = row.get(str(term))
        return _nt_term(b) if b is not None else None
    if isinstance(term, BNode):  # a variable the parser made (e.g. a path's middle): unknown
        return None
    return _const(term)


def _path_triples(s: str, path: Any, o: str) -> list[str] | None:
    """Triples that make ``s path o`` hold (a witness), or ``None`` when none can be made.

    ``p*``/``p+``/``p?`` get one step, ``p|q`` its first alternative, ``^p`` the reversed triple,
    and a sequence ``p/q`` a node of its own in between, named from its ends (for ``p:P/ps:P``
    that is the statement node, in Wikidata's ``wds:`` form).
    """
    if isinstance(path, URIRef):
        iri = _const(path)
        return None if iri is None else [f"{s} {iri} {o} ."]
    if isinstance(path, InvPath):
        return _path_triples(o, path.arg, s)
    if isinstance(path, MulPath):
        if path.zero and s == o:
            return []
        return _path_triples(s, path.path, o)
    if isinstance(path, AlternativePath):
        return _path_triples(s, path.args[0], o)
    if isinstance(path, SequencePath):
        digest = hashlib.sha256(f"{s} {path.n3()} {o}".encode()).hexdigest()[:32].upper()
        local = s[1:-1].rsplit("/", 1)[-1] if s.startswith("<") else "node"
        nodes = [s]
        nodes += [f"<{vocab.WDS}{local}-{digest}-{i}>" for i in range(1, len(path.args))]
        nodes.append(o)
        out: list[str] = []
        for i, step in enumerate(path.args):
            part = _path_triples(nodes[i], step, nodes[i + 1])
            if part is None:
                return None
            out += part
        return out
    return None  # a negated property set: nothing can witness it


def _triple(t: tuple[Any, Any, Any], row: Row) -> tuple[bool, list[str]]:
    """(whether the pattern can have produced the row, the triples it needs for it)."""
    s, p, o = (_bind(t[0], row), t[1], _bind(t[2], row))
    if s is None or o is None:
        return False, []
    if isinstance(p, RdfPath):
        lines = _path_triples(s, p, o)
        return (False, []) if lines is None else (True, lines)
    pi = _bind(p, row)
    if pi is None:
        return False, []
    return True, [f"{s} {pi} {o} ."]


def _matches(expr: Any, var: Any, row: Row) -> bool:
    """A ``BIND(constant AS ?var)`` holds for the row (other expressions always do)."""
    if not isinstance(expr, URIRef | Literal):
        return True
    b = row.get(str(var))
    return b is not None and b.get("value") == str(expr)


def _emit(node: Any, row: Row, out: list[str]) -> bool:
    """Add the triples ``node`` needs for ``row``; whether ``node`` can have produced it."""
    if not isinstance(node, CompValue):
        return True
    name = node.name
    if name == "BGP":
        found: list[str] = []
        for t in node.triples:
            ok, lines = _triple(t, row)
            if not ok:
                return False
            found += lines
        out.extend(found)
        return True
    if name == "Join":
        tmp: list[str] = []
        if _emit(node.p1, row, tmp) and _emit(node.p2, row, tmp):
            out.extend(tmp)
            return True
        return False
    if name == "LeftJoin":
        if not _emit(node.p1, row, out):
            return False
        tmp = []
        if _emit(node.p2, row, tmp):
            out.extend(tmp)
        return True
    if name == "Union":
        for branch in (node.p1, node.p2):
            tmp = []
            if _emit(branch, row, tmp):
                out.extend(tmp)
                return True
        return False
    if name == "Minus":
        return _emit(node.p1, row, out)
    if name == "Extend":
        if not _matches(node.get("expr"), node.get("var"), row):
            return False
        return _emit(node.p, row, out)
    if name in ("ToMultiSet", "values"):
        return True
    inner = node.get("p")
    return _emit(inner, row, out) if inner is not None else True


_ALGEBRA: dict[str, Any] = {}


def _algebra(text: str) -> Any:
    if text not in _ALGEBRA:
        _ALGEBRA[text] = translateQuery(parseQuery(text)).algebra
    return _ALGEBRA[text]


def triples_of(text: str, rows: Iterable[Row], name: str = "") -> set[str]:
    """The N-Triples lines that make ``text``'s WHERE clause produce each of ``rows``.

    ``rows`` should bind every variable of the pattern (a ``SELECT *`` result).

    >>> q = "SELECT * WHERE { ?s <http://p> ?o OPTIONAL { ?s <http://q> ?x } }"
    >>> sorted(triples_of(q, [{"s": {"type": "uri", "value": "http://a"},
    ...                        "o": {"type": "literal", "value": "b", "xml:lang": "en"}}]))
    ['<http://a> <http://p> "b"@en .']
    """
    from glamgraph import queries

    try:
        template = queries.resolve(name).text if name else text
    except Exception:
        template = text
    try:
        algebra = _algebra(template)
    except Exception:
        algebra = _algebra(text)
    out: list[str] = []
    for row in rows:
        _emit(algebra, row, out)
    return set(out)


# --- the build ----------------------------------------------------------------------------------


def _country_plan(region: str, engine: Engine, langs: list[str]) -> None:
    """The queries ``coverage(region)`` sends beyond a world run's: the region resolved (by ISO
    code and QID), its subdivisions, their ``P131`` chains, details, labels and borders.

    (The graph, the affiliates and the network are the client's work: no query.)
    """
    from glamgraph import harvest, regions

    h = harvest.harvest(region, engine, lang=langs, quiet=True)
    unit_ids = [u.qid for u in h.units]
    if unit_ids != [h.region.qid]:
        regions.borders(unit_ids, engine)


@dataclass(frozen=True)
class BuildReport:
    """What :func:`build` wrote: the file, its manifest, the queries sent and the wide rows."""

    path: Path
    manifest: dict[str, Any]
    queries: int
    rows: int


def build(
    region: str = "world",
    *,
    endpoint: str | Engine = "wdqs",
    out: str | os.PathLike[str],
    module: str | None = None,
    lang: str | Sequence[str] = "en",
    created: str | None = None,
    settings: Settings | None = None,
    progress: Progress | None = None,
    api_url: str | None = None,
    subdivisions: bool = True,
) -> BuildReport:
    """Harvest ``region`` from ``endpoint`` and write it as one snapshot file ``out``.

    Args:
        region: ``world`` (every continent), a continent, a country or a subdivision.
        endpoint: ``wdqs``, ``qlever``, a SPARQL URL or an engine.
        out: the snapshot file to write (atomically).
        module: the affiliates module (path or Lua text); ``None`` fetches it from Meta-Wiki.
        lang: label languages in order of preference (``"fr,en"``).
        created: the creation date to record (``YYYY-MM-DD``; default ``SOURCE_DATE_EPOCH`` or
            today), so that a rebuild of the same data gives the same bytes.
        settings: the engine settings (cache, limits); the cache makes a build resumable.
        progress: called after every query with (queries so far, query name).
        api_url: the MediaWiki API of the module (default: Meta-Wiki or ``GLAMGRAPH_META_API``).
        subdivisions: for ``world`` or a continent, also run the country-level plan of every
            country (its subdivisions, their ``P131`` chains and borders), so that the snapshot
            answers ``coverage COUNTRY`` too; ``False`` keeps it to continents and the world.

    Returns:
        A :class:`BuildReport` naming the file and its manifest.

    Example:
        >>> build("world", endpoint="http://127.0.0.1:7878/query", out="w.snap")  # doctest: +SKIP
    """
    from glamgraph.affiliates.module import read_module
    from glamgraph.coverage import coverage

    date = created_date(created)
    langs = ids.parse_langs(lang)
    inner = get_engine(endpoint, settings)
    if getattr(inner, "snapshot", None) is not None:
        raise BadInput(f"cannot build a snapshot from a snapshot ({inner.url})")
    rec = RecordingEngine(inner, progress)
    meta = api_url or os.environ.get("GLAMGRAPH_META_API") or vocab.META_API
    mod = read_module(module, api_url=meta)
    cov = coverage(region, endpoint=rec, module=mod.text, lang=list(langs), quiet=True)
    skipped: list[str] = []
    if subdivisions and cov.region.kind in ("world", "continent"):
        # the country-level plan too (subdivisions, their P131 chains and borders), so that the
        # snapshot answers `coverage COUNTRY` (by QID or ISO code) as well
        for row in cov.rows:
            try:
                _country_plan(row.iso or row.region, rec, list(langs))
            except UnknownRegion as exc:
                skipped.append(f"{row.region}: {exc}")

    # a query asked again (the same text, e.g. by the country-level pass) is kept once
    records = list({(r.name, r.text): r for r in rec.records}.values())
    lines: set[str] = set()
    wide_rows = 0
    for r in records:
        wide_rows += len(r.result.rows)
        lines |= triples_of(r.result.query_text or r.text, r.result.rows, r.name)
    # Meta-Wiki's revision, or the file's name and checksum (never the builder's own path)
    module_source = (
        mod.source
        if mod.revision is not None or not mod.path
        else f"{Path(mod.path).name} (sha256 {mod.sha256[:12]})"
    )
    manifest: dict[str, Any] = {
        "created": date,
        "endpoint": redact_endpoint(inner.url),
        "endpoint_name": inner.name,
        "glamgraph": __version__,
        "region": cov.region.qid if cov.region.kind != "world" else "world",
        "region_argument": region,
        "languages": list(langs),
        "module_source": module_source,
        "module_sha256": mod.sha256,
        "counts": {
            "queries": len(records),
            "queries_asked": len(rec.records),
            "result_rows": wide_rows,
            "units": len(cov.rows),
            "institutions": len(cov.institutions),
            "unplaced": len(cov.unplaced),
            "affiliates": len(cov.affiliates),
        },
        "country_level": bool(subdivisions) or cov.region.kind not in ("world", "continent"),
        "queries": [{"name": r.name, "rows": r.rows, "text": r.text} for r in records],
        "notes": {"countries_skipped": skipped} if skipped else {},
    }
    write_snapshot(out, sorted(lines), mod.text, manifest)
    written: SnapshotFile = read_snapshot(out)
    return BuildReport(Path(out), written.manifest, len(records), wide_rows)


def info(path: str | os.PathLike[str]) -> dict[str, Any]:
    """The manifest of a snapshot file, after checking it (checksum, manifest).

    Raises:
        MalformedFile: a missing, truncated, corrupted or foreign file (exit code 2).

    Example:
        >>> from glamgraph.sparql.embedded import shipped_snapshot_path
        >>> info(shipped_snapshot_path())["notes"]["counts"]["countries"]
        252
    """
    return dict(read_snapshot(path).manifest)
