"""The assembled harvest, kept on disk so that a warm run does not rebuild it.

A warm ``coverage`` run used to read every cached query result again and redo the harvest's
bookkeeping (planning, P131 chains, placement, 90k institutions at world scale). This module
keeps the finished :class:`~glamgraph.harvest.Harvest` (institutions, unplaced, unit regions,
classes and the query results behind them) as one compact JSON entry of the client layer's
on-disk store (:class:`~glamgraph.client.JsonStore`, source ``harvest``), never pickled: every
distinct SPARQL term and row shape of the results is written once and the rows as indices into
them (a 100k-institution world: 46 MB instead of 108 MB; a term read back is one object).

An entry is served only when nothing it was built from changed:

- its key holds the region, languages, root and look-alike classes as asked, every endpoint of
  the engine (name and URL), glamgraph's version and the sha256 of the code and query files the
  harvest reads (so an edited ``.rq`` file or harvest rule is a new key);
- the entry lists every query the harvest sent by its query-cache key (the sha256 of the
  endpoint URL and the exact query text) with that cached result's size and modification time:
  a result refetched, removed or changed since makes the entry unusable;
- it is fresh for the query cache's time to live, counted from its oldest query result.

Nothing is read or written when the engine does not cache (``--no-cache``,
``Settings.use_cache=False``, the embedded store): every run then harvests afresh.

Example::

    from glamgraph import harvest_store
    h = harvest_store.cached_harvest("world", engine, lang="en", quiet=True)
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import logging
import os
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Final

from glamgraph import harvest as hv
from glamgraph import ids, queries, vocab
from glamgraph._version import __version__
from glamgraph.client import CacheWarning, JsonStore, background, paused_gc
from glamgraph.model import Institution, Records, Region, Unplaced
from glamgraph.progress import Progress
from glamgraph.sparql import Engine, QueryResult
from glamgraph.sparql.cache import cache_key

log = logging.getLogger(__name__)

#: The store's sub-folder.
SOURCE: Final = "harvest"
#: The payload's format; a change makes every older entry a miss.
FORMAT: Final = "glamgraph-harvest/2"
#: The code the harvest's answer depends on, beside the query files.
_CODE: Final = ("harvest.py", "regions.py", "vocab.py", "model.py", "ids.py", "queries.py")

#: From this many institutions a harvest's entry is written by a forked child while the run
#: goes on (:func:`glamgraph.client.background.detach`); below, here and now.
BACKGROUND_FROM: int = 5000

_code_digest: str | None = None


def code_digest() -> str:
    """The sha256 of glamgraph's harvest code and of every query file (computed once).

    >>> len(code_digest())
    64
    """
    global _code_digest
    if _code_digest is None:
        pkg = Path(hv.__file__).parent
        h = hashlib.sha256(__version__.encode())
        files = [pkg / name for name in _CODE]
        qdir = queries.queries_dir()  # the shipped .rq files (the wheel's, or a checkout's)
        files += sorted(qdir.rglob("*.rq"), key=lambda f: f.relative_to(qdir).as_posix())
        if not any(f.suffix == ".rq" for f in files):
            raise RuntimeError(f"no query files under {qdir}")
        for f in files:
            h.update(f.name.encode() + b"\0")
            try:
                h.update(f.read_bytes())
            except OSError:
                h.update(b"<missing>")
        _code_digest = h.hexdigest()
    return _code_digest


def _chain(engine: Engine) -> tuple[Engine, ...]:
    return tuple(getattr(engine, "engines", None) or (engine,))


def _store(engine: Engine) -> JsonStore | None:
    """The harvest store for ``engine``, or ``None`` when its results are not cached."""
    chain = _chain(engine)
    if not engine.settings.use_cache or not all(e.cache() is not None for e in chain):
        return None
    return JsonStore(engine.settings.cache_dir, SOURCE, engine.settings.cache_ttl_s)


def _key(
    region: str | Region,
    engine: Engine,
    langs: Sequence[str],
    roots: Sequence[str] | None,
    lookalikes: Sequence[str] | None,
) -> tuple[str, ...]:
    reg = repr(dataclasses.astuple(region)) if isinstance(region, Region) else str(region)
    return (
        FORMAT,
        code_digest(),
        reg,
        ",".join(langs),
        ",".join(roots or vocab.DEFAULT_GLAM_ROOTS),
        ",".join(lookalikes or vocab.DEFAULT_LOOKALIKES),
        *(f"{e.name} {e.url}" for e in _chain(engine)),
    )


def cache_entries(engine: Engine, results: Sequence[QueryResult]) -> list[list[Any]] | None:
    """Every query-cache entry behind ``results``: [key, size, mtime_ns]; ``None`` if one is
    missing (a result that is not in the query cache cannot be checked later).

    What :func:`entries_unchanged` checks later: an answer built from these results may be
    reused while none of them was refetched, removed or changed."""
    urls = {}
    for e in _chain(engine):
        urls[e.name] = e.url
        urls[e.display_url] = e.url
        urls[e.url] = e.url
    out: list[list[Any]] = []
    for res in results:
        url = urls.get(res.endpoint) or urls.get(res.endpoint_url)
        cache = next((e.cache() for e in _chain(engine) if e.url == url), None)
        if url is None or cache is None:
            return None
        for text in res.part_queries if res.parts > 1 and res.part_queries else (res.query_text,):
            try:
                st = os.stat(cache.path(url, text))
            except OSError:
                return None
            out.append([cache_key(url, text), st.st_size, st.st_mtime_ns])
    return out


def entries_unchanged(engine: Engine, entries: Sequence[Sequence[Any]]) -> bool:
    """True when every query-cache entry of :func:`cache_entries` is still there, unchanged
    (same size and modification time)."""
    dirs = {e.cache().dir for e in _chain(engine) if e.cache() is not None}  # type: ignore[union-attr]
    for key, size, mtime in entries:
        for d in dirs:
            try:
                st = os.stat(d / f"{key}.json")
            except OSError:
                continue
            if st.st_size == size and st.st_mtime_ns == mtime:
                break
        else:
            return False
    return True


def _rows(records: Sequence[Any], cls: type) -> dict[str, Any]:
    names = [f.name for f in dataclasses.fields(cls)]
    return {"fields": names, "rows": [[getattr(r, n) for n in names] for r in records]}


def _tuples(value: Any) -> Any:
    return tuple(_tuples(v) for v in value) if isinstance(value, list) else value


def _records(block: Any, cls: type) -> list[Any]:
    fields = dataclasses.fields(cls)
    names = [f.name for f in fields]
    if block["fields"] != names:
        raise ValueError(f"{cls.__name__} fields changed")
    # a tuple of strings comes back from a list in one step, any other list as nested tuples
    flat = [i for i, f in enumerate(fields) if str(f.type).startswith("tuple[str")]
    other = [i for i in range(len(fields)) if i not in flat]
    n = len(names)
    out = []
    for row in block["rows"]:
        if type(row) is not list or len(row) != n:
            raise ValueError(f"a {cls.__name__} row is not a list of {n} fields")
        row = list(row)
        for i in flat:
            if type(v := row[i]) is list:
                row[i] = tuple(v)
        for i in other:
            if type(v := row[i]) is list:
                row[i] = _tuples(v)
        out.append(cls(*row))
    return out


class _Terms:
    """The query results' rows in a compact form: every distinct SPARQL JSON term is written
    once, in a table, and every distinct set of bound variables (a row's shape) once; a row is
    the indices of its terms followed by its shape's index. An item that comes back in several
    results (classes, details, labels) is one term, and one object once read back."""

    def __init__(self) -> None:
        self.terms: list[dict[str, str]] = []
        self.shapes: list[list[str]] = []
        self._term_ids: dict[tuple[tuple[str, str], ...], int] = {}
        #: terms of a type and a value only (most of them), by type, then value: no key tuple
        #: made per term (a world's 820k terms: a fifth of the payload's time)
        self._plain_ids: dict[str, dict[str, int]] = {}
        self._shape_ids: dict[tuple[str, ...], int] = {}

    def rows(self, rows: Sequence[dict[str, dict[str, str]]]) -> list[list[int]]:
        term_ids, shape_ids, terms = self._term_ids, self._shape_ids, self.terms
        plain_ids = self._plain_ids
        out: list[list[int]] = []
        for row in rows:
            enc: list[int] = []
            for t in row.values():
                if len(t) == 2:  # "type" and "value" (checked when the result was read)
                    by_value = plain_ids.get(t["type"])
                    if by_value is None:
                        by_value = plain_ids[t["type"]] = {}
                    i = by_value.get(t["value"])
                    if i is None:
                        i = by_value[t["value"]] = len(terms)
                        terms.append(t)
                else:
                    k = tuple(t.items())
                    i = term_ids.get(k)
                    if i is None:
                        i = term_ids[k] = len(terms)
                        terms.append(t)
                enc.append(i)
            shape = tuple(row)
            j = shape_ids.get(shape)
            if j is None:
                j = shape_ids[shape] = len(self.shapes)
                self.shapes.append(list(shape))
            enc.append(j)
            out.append(enc)
        return out


def _decode_rows(rows: Any, terms: list[Any], shapes: list[tuple[str, ...]]) -> list[Any]:
    """The rows :meth:`_Terms.rows` encoded (a row's terms are shared with every row that has
    them: read them, never change them)."""
    if not isinstance(rows, list):
        raise TypeError("rows is not a list")
    get = terms.__getitem__
    try:
        return [dict(zip(shapes[r.pop()], map(get, r), strict=True)) for r in rows]
    except (IndexError, AttributeError):
        raise ValueError("a row is not a list of term indices and a shape index") from None


def _result_payload(r: QueryResult, table: _Terms) -> list[Any]:
    return [
        list(r.vars),
        table.rows(r.rows),
        r.query_name,
        r.query_text,
        r.endpoint,
        r.endpoint_url,
        r.started.isoformat(),
        r.duration_s,
        r.fallback_from,
        r.parts,
        list(r.part_queries),
    ]


def _result(p: list[Any], terms: list[Any], shapes: list[tuple[str, ...]]) -> QueryResult:
    vars_, rows, name, text, endpoint, url, started, duration, fb, parts, part_q = p
    return QueryResult(
        tuple(vars_),
        _decode_rows(rows, terms, shapes),
        query_name=str(name),
        query_text=str(text),
        endpoint=str(endpoint),
        endpoint_url=str(url),
        started=dt.datetime.fromisoformat(str(started)),
        duration_s=float(duration),
        from_cache=True,
        fallback_from=fb,
        parts=int(parts),
        part_queries=tuple(part_q),
    )


def to_payload(h: hv.Harvest, entries: list[list[Any]]) -> dict[str, Any]:
    """``h`` as the JSON payload of an entry (see :func:`from_payload`)."""
    c = h.classes
    table = _Terms()
    results = [_result_payload(r, table) for r in h.results]
    return {
        "queries": entries,
        "region": _rows([h.region], Region),
        "units": _rows(h.units, Region),
        "institutions": _rows(h.institutions, Institution),
        "unplaced": _rows(h.unplaced, Unplaced),
        "classes": {
            "glam": sorted(c.glam, key=ids.qid_number),
            "excluded": sorted(c.excluded, key=ids.qid_number),
            "roots": list(c.roots),
            "lookalikes": list(c.lookalikes),
            "by_root": [[r, sorted(s, key=ids.qid_number)] for r, s in c.by_root],
        },
        "terms": table.terms,
        "shapes": table.shapes,
        "results": results,
        "outside_units": h.outside_units,
        "chain_countries": {k: list(v) for k, v in h.chain_countries.items()},
    }


def from_payload(p: dict[str, Any]) -> hv.Harvest:
    """The :class:`~glamgraph.harvest.Harvest` an entry's payload holds (``queries_sent`` 0).

    The payload's results are taken out of it as they are read (each result's encoded rows
    are let go once decoded).

    Raises:
        ValueError, KeyError, TypeError: the payload is not one :func:`to_payload` wrote.
    """
    c = p["classes"]
    classes = hv.ClassSet(
        frozenset(c["glam"]),
        frozenset(c["excluded"]),
        tuple(c["roots"]),
        tuple(c["lookalikes"]),
        tuple((str(r), frozenset(s)) for r, s in c["by_root"]),
    )
    (region,) = _records(p["region"], Region)
    terms = p["terms"]
    if not isinstance(terms, list) or not all(type(t) is dict for t in terms):
        raise TypeError("terms is not a list of objects")
    shapes = [tuple(map(str, s)) for s in p["shapes"]]
    encoded = p["results"]
    if not isinstance(encoded, list):
        raise TypeError("results is not a list")
    results = []
    for i, r in enumerate(encoded):
        results.append(_result(r, terms, shapes))
        encoded[i] = None  # its encoded rows are let go
    return hv.Harvest(
        region,
        Records(_records(p["units"], Region)),
        Records(_records(p["institutions"], Institution)),
        Records(_records(p["unplaced"], Unplaced)),
        classes,
        results,
        0,
        int(p["outside_units"]),
        {str(k): tuple(v) for k, v in p["chain_countries"].items()},
    )


def cached_harvest(
    region: str | Region,
    engine: Engine,
    *,
    lang: str | Sequence[str] = ("en", "mul"),
    roots: Sequence[str] | None = None,
    lookalikes: Sequence[str] | None = None,
    quiet: bool = False,
    progress: Progress | None = None,
    on_result: Callable[[QueryResult], object] | None = None,
) -> hv.Harvest:
    """:func:`glamgraph.harvest.harvest`, served from the harvest store when nothing changed.

    Same arguments and answer as :func:`~glamgraph.harvest.harvest`; the module docstring says
    when an entry is served. A harvest served from the store sent no query
    (``queries_sent == 0``), its results say ``from_cache``, and ``on_result`` is not called.

    Example::

        h = cached_harvest("Q46", get_engine("qlever"), lang="fr,en", quiet=True)
    """
    store = _store(engine)
    background.wait()  # an entry a child of this process is writing may be the one asked for
    if store is None:
        return hv.harvest(
            region,
            engine,
            lang=lang,
            roots=roots,
            lookalikes=lookalikes,
            quiet=quiet,
            progress=progress,
            on_result=on_result,
        )
    langs = tuple(dict.fromkeys((*ids.parse_langs(lang), "mul", "en")))
    key = _key(region, engine, langs, roots, lookalikes)

    def check(payload: Any) -> tuple[list[Any], dict[str, Any]]:
        if not isinstance(payload, dict) or not isinstance(payload.get("queries"), list):
            raise ValueError("not a harvest entry")
        return payload["queries"], payload

    hit = store.get(key, check)
    if hit is not None and entries_unchanged(engine, hit[0]):
        try:
            with paused_gc():
                served = from_payload(hit[1])
        except (ValueError, KeyError, TypeError) as exc:
            warnings.warn(f"discarding unusable harvest cache entry: {exc}", CacheWarning, 2)
        else:
            log.info("harvest %s: served from the harvest cache", served.region.qid)
            return served
    hit = None  # an entry not served is not held through the harvest
    h = hv.harvest(
        region,
        engine,
        lang=lang,
        roots=roots,
        lookalikes=lookalikes,
        quiet=quiet,
        progress=progress,
        on_result=on_result,
    )
    entries = cache_entries(engine, h.results)
    if entries is not None and h.results:
        oldest = min(r.started for r in h.results)

        def keep() -> None:
            with paused_gc():
                payload = to_payload(h, entries)
            store.put(key, payload, saved_at=oldest)

        # a big entry is written by a forked child while the run goes on (nothing in this run
        # reads it again): about 4 s at 100k institutions
        background.detach(
            keep,
            wanted=len(h.institutions) >= BACKGROUND_FROM,
            what=f"writing the harvest cache entry of {h.region.qid}",
        )
    return h
