"""Coverage: which unit regions have GLAM institutions and no recognised local affiliate, and
whom an organiser should contact there.

The flow of :func:`coverage`:

1. harvest the region's institutions (:mod:`glamgraph.harvest`), its unit rows, and the world's
   countries and borders (for the nearest-affiliate search);
2. load the affiliates (Meta-Wiki module, Wikidata, the organiser's registry);
3. put everything into the knowledge graph (:mod:`glamgraph.graph`): one named graph per query
   result, per module revision, per registry file, and the derived placement graph, with PROV;
4. count institutions per unit and find the covering affiliates **by SPARQL over that graph**
   (``queries/graph/coverage-*.rq``);
5. find the nearest affiliate of each uncovered region with networkx (:mod:`glamgraph.network`).

Rules: a unit is covered by a recognised chapter or user group whose country (or operating area)
is the unit or contains it; derecognised and suspended affiliates, thematic and other
organisations cover nothing. ``uncovered`` is true when the unit has at least one GLAM
institution and no covering affiliate; ``status`` tells the three states apart (``covered``,
``uncovered``, ``no_institutions``).

Whom to contact (``CoverageRow.contacts``): the local affiliates of a covered unit, else the
nearest affiliate (for a unit without institutions too), else the contact of last resort; each
with its name, Meta-Wiki page and best channel (:func:`affiliate_contact`). ``type_counts``
counts the unit's institutions per GLAM root; ``Coverage.caveats`` says what the shipped sample
lacks when the answer comes from it.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
from collections.abc import Iterable, Mapping, Sequence
from typing import Any
from urllib.parse import quote, urlsplit

from glamgraph import graph as kg
from glamgraph import harvest_store, network, queries, regions, vocab
from glamgraph.client import paused_gc
from glamgraph.errors import BadInput, UnknownRegion
from glamgraph.model import (
    Affiliate,
    AffiliateSet,
    Contact,
    Coverage,
    CoverageRow,
    Institution,
    Region,
)
from glamgraph.progress import Progress
from glamgraph.sparql import Engine, QueryResult, get_engine, term_qid, term_value

log = logging.getLogger(__name__)

#: Endpoints that can answer what the shipped sample cannot (subdivisions, full counts).
FULL_ENDPOINTS = regions.FULL_ENDPOINTS


def meta_page_url(page: str) -> str:
    """The Meta-Wiki URL of an affiliate's page given as a title or a URL (``""`` stays empty).

    >>> meta_page_url("Wikimedia Eesti")
    'https://meta.wikimedia.org/wiki/Wikimedia_Eesti'
    >>> meta_page_url("https://meta.wikimedia.org/wiki/Wikimedia_Eesti")
    'https://meta.wikimedia.org/wiki/Wikimedia_Eesti'
    """
    page = page.strip()
    if page.startswith(vocab.META_WIKI_PAGE):
        return page.replace("%20", "_").replace(" ", "_")
    if not page or urlsplit(page).scheme in ("http", "https"):
        return page
    return vocab.META_WIKI_PAGE + quote(page.replace(" ", "_"), safe="/:_()',.-!~*")


def affiliate_contact(aff: Affiliate) -> Contact:
    """Whom to write to at an affiliate, with the best channel known and its source: the
    registry's ``contact``, else the module's contact fields, else the Wikidata item's email
    (P968), else its official website (P856), else its Meta-Wiki page.

    >>> a = Affiliate("EE", "Wikimedia Eesti", "chapter", ("Q191",), "recognised", "module",
    ...     page="Wikimedia Eesti", websites=("https://wikimedia.ee",))
    >>> affiliate_contact(a).channel, affiliate_contact(a).channel_source
    ('https://wikimedia.ee', 'wikidata-website')
    """
    page = meta_page_url(aff.page)
    if aff.contact.strip():
        if aff.contact_source == "registry":
            return Contact(aff.code, aff.name, page, aff.contact.strip(), "registry")
        return Contact(aff.code, aff.name, page, aff.contact.strip(), "module")
    if aff.email:
        return Contact(aff.code, aff.name, page, aff.email, "wikidata-email")
    if aff.website:
        return Contact(aff.code, aff.name, page, aff.website, "wikidata-website")
    if page:
        return Contact(aff.code, aff.name, page, page, "meta-wiki-page")
    return Contact(aff.code, aff.name, "", "", "none")  # nothing known: no channel invented


def parse_fallback_contact(value: str | Contact | None = None) -> Contact:
    """The contact of last resort: the international GLAM-Wiki community by default, or
    ``NAME|URL`` (``NAME`` alone keeps the default page).

    >>> parse_fallback_contact().channel_source
    'fallback'
    >>> parse_fallback_contact("GLAM Team|https://ex.org/g").page
    'https://ex.org/g'
    >>> parse_fallback_contact("GLAM-Wiki").name
    'GLAM-Wiki international community'
    """
    if isinstance(value, Contact):
        return value
    text = (value or "").strip()
    if not text or text == vocab.GLAM_FALLBACK_CONTACT:
        page = vocab.GLAM_FALLBACK_CONTACT_PAGE
        return Contact(
            vocab.GLAM_FALLBACK_CONTACT, vocab.GLAM_FALLBACK_CONTACT_NAME, page, page, "fallback"
        )
    name, _, url = text.partition("|")
    name, url = name.strip(), url.strip()
    if not url:
        url = vocab.GLAM_FALLBACK_CONTACT_PAGE
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or not name:
        raise BadInput(f"--fallback-contact {value!r}: give NAME or NAME|URL (an http(s) URL)")
    return Contact(name, name, url, url, "fallback")


def type_counts(
    insts: Iterable[Institution], by_root: Sequence[tuple[str, frozenset[str]]]
) -> tuple[tuple[str, int], ...]:
    """Institutions per GLAM root (column names of :data:`glamgraph.vocab.GLAM_ROOT_COLUMNS`,
    the QID for another root); an institution under two roots counts in both.

    >>> type_counts([Institution("Q1", "A", types=("Q5",))], [("Q33506", frozenset({"Q5"})),
    ...     ("Q7075", frozenset({"Q7075"}))])
    (('museums', 1), ('libraries', 0))
    >>> roots = [("Q33506", frozenset({"Q5", "Q6"})), ("Q7075", frozenset({"Q6", "Q7075"}))]
    >>> type_counts([Institution("Q1", "A", types=("Q5", "Q6")),  # twice a museum: counted once
    ...              Institution("Q2", "B", types=("Q6",)), Institution("Q3", "C", types=("Q9",))],
    ...             roots)
    (('museums', 2), ('libraries', 2))
    """
    index = _root_index(tuple(by_root))
    counts = [0] * len(by_root)
    for inst in insts:
        types = inst.types
        if len(types) == 1:  # most institutions: its class's roots, each once
            for k in index.get(types[0], ()):
                counts[k] += 1
        else:
            for k in {k for t in types for k in index.get(t, ())}:
                counts[k] += 1
    return tuple(
        (vocab.GLAM_ROOT_COLUMNS.get(root, root), n)
        for (root, _classes), n in zip(by_root, counts, strict=True)
    )


@functools.lru_cache(maxsize=8)
def _root_index(
    by_root: tuple[tuple[str, frozenset[str]], ...],
) -> dict[str, tuple[int, ...]]:
    """Each GLAM class -> the positions in ``by_root`` of the roots it is under."""
    index: dict[str, list[int]] = {}
    for k, (_root, classes) in enumerate(by_root):
        for c in classes:
            index.setdefault(c, []).append(k)
    return {c: tuple(ks) for c, ks in index.items()}


def is_shipped_sample(engine: Engine) -> bool:
    """True when ``engine`` serves the shipped sample (see ``Engine.serves_sample``)."""
    return engine.serves_sample


def sample_caveats(units: Sequence[Region]) -> list[str]:
    """One line saying what the shipped sample lacks, naming the capped countries among
    ``units`` with their true totals.

    >>> sample_caveats([])[0].startswith("Shipped sample")
    True
    """
    from glamgraph.sparql.embedded import snapshot_info

    info = snapshot_info()
    caps: Mapping[str, Any] = info.get("capped") or {}
    cap = (info.get("counts") or {}).get("per_country_cap") or info.get("per_country_cap")
    wanted = {u.qid for u in units}
    capped = [
        f"{c.get('label') or q} {c.get('kept')} of {c.get('total')}"
        for q, c in sorted(caps.items(), key=lambda kv: str(kv[1].get("label") or kv[0]))
        if q in wanted and isinstance(c, Mapping)
    ]
    parts = ["Shipped sample, not live Wikidata"]
    if capped:
        parts.append(
            f"institutions capped at {cap or 'a fixed number'} per country ("
            + ", ".join(capped)
            + " in the full data)"
        )
    else:
        parts.append(f"a small sample of institutions (at most {cap or 'a few'} per country)")
    parts.append("affiliates reconstructed from Meta-Wiki's listings, not the module")
    parts.append("no affiliate contact addresses (Meta-Wiki pages only)")
    parts.append("no subdivisions")
    return ["; ".join(parts) + f". Use {FULL_ENDPOINTS} for real answers."]


def affiliate_sources(affs: Sequence[Affiliate]) -> list[dict[str, Any]]:
    """The affiliate sources to describe in the knowledge graph: those the loader kept
    (:attr:`AffiliateSet.sources`), else one per distinct :class:`~glamgraph.model.SourceRef`
    source of the affiliates given (kind and id; the first reference's link).

    >>> from glamgraph.model import SourceRef
    >>> a = Affiliate("EE", "Wikimedia Eesti", "chapter", ("Q191",), "recognised", "mine",
    ...     refs=(SourceRef("registry", "/data/r.csv", line=2),))
    >>> affiliate_sources([a])
    [{'key': 'registry /data/r.csv', 'kind': 'registry', 'id': '/data/r.csv', 'url': ''}]
    """
    if isinstance(affs, AffiliateSet) and affs.sources:
        return [dict(src) for src in affs.sources]
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for aff in affs:
        for ref in aff.refs:
            found.setdefault(
                ref.source_key,
                {"key": f"{ref.kind} {ref.id}", "kind": ref.kind, "id": ref.id, "url": ref.url},
            )
    return list(found.values())


def coverage_row(
    unit: Region,
    institutions: int,
    codes: tuple[str, ...],
    nearest: network.Nearest | None,
    contacts_by_code: Mapping[str, Contact],
    fallback: Contact,
    counts: tuple[tuple[str, int], ...] = (),
    query_names: tuple[str, ...] = (),
) -> CoverageRow:
    """One unit's row by the coverage rules: uncovered when it has institutions and no local
    affiliate (``codes``); whom to contact: its local affiliates, else its ``nearest``
    affiliate, else ``fallback``.

    >>> fb = parse_fallback_contact()
    >>> row = coverage_row(Region("Q31", "country", "Belgium"), 4, (), None, {}, fb)
    >>> row.status, row.nearest_affiliate == fb.code, row.contacts == (fb,)
    ('uncovered', True, True)
    """
    uncovered = institutions > 0 and not codes
    near_any = nearest if not codes else None
    near = near_any if uncovered else None
    if codes:
        contacts = tuple(contacts_by_code.get(c) or Contact(c, c, "", "", "none") for c in codes)
    elif near_any is not None and near_any.affiliate in contacts_by_code:
        contacts = (contacts_by_code[near_any.affiliate],)
    else:
        contacts = (fallback,)
    return CoverageRow(
        region=unit.qid,
        label=unit.label,
        iso=unit.iso,
        kind=unit.kind,
        institutions=institutions,
        affiliates=codes,
        uncovered=uncovered,
        nearest_affiliate=near.affiliate if near else (fallback.code if uncovered else None),
        contact=contacts[0].channel if contacts else None,
        hops=near.hops if near else None,
        distance_km=near.distance_km if near else None,
        lat=unit.lat,
        lon=unit.lon,
        queries=query_names,
        contacts=contacts,
        type_counts=counts,
    )


# as in the harvest: the answer's containers all stay alive, and the cyclic collector's passes
# over them would only cost time (reference counting frees what is let go)
@paused_gc()
def coverage(
    region: str | Region,
    *,
    endpoint: str | Engine = "wdqs",
    module: str | None = None,
    registry: str | None = None,
    lang: str | Sequence[str] = "en",
    types: Sequence[str] | None = None,
    affiliates: Sequence[Affiliate] | None = None,
    fallback_contact: str | Contact = vocab.GLAM_FALLBACK_CONTACT,
    quiet: bool = False,
    progress: Progress | None = None,
) -> Coverage:
    """Which unit regions of ``region`` have GLAM institutions and no recognised local affiliate.

    Args:
        region: ``world``, a continent, country or first-level subdivision (QID or ISO code).
        endpoint: ``wdqs`` (default), ``qlever``, ``snapshot``, a SPARQL URL or an engine.
        module: the Lua source (path or text) of ``Module:Organizational_Informations``; ``None``
            fetches it from Meta-Wiki (or uses the snapshot's copy with ``endpoint="snapshot"``).
        registry: the organiser's CSV of affiliates, which adds to and overrides the others.
        lang: label languages in order of preference (``"fr,en,mul"``).
        types: GLAM root classes instead of the default seven.
        affiliates: affiliates to use as they are (skips loading ``module``/``registry``).
        fallback_contact: the contact of last resort (``NAME`` or ``NAME|URL``, or a
            :class:`~glamgraph.model.Contact`): the international GLAM-Wiki community by default.
        quiet: no progress bar (when ``progress`` is not given).
        progress: called as ``progress(stage, done, total)`` as the harvest's queries finish
            (see :mod:`glamgraph.progress`); ``None`` draws a bar unless ``quiet``.

    Returns:
        A :class:`~glamgraph.model.Coverage`: ``rows`` (what ``regions.csv`` holds),
        ``institutions``, ``unplaced``, ``affiliates``, ``graph`` (the rdflib Dataset) and the
        provenance of every query.

    Example:
        >>> import glamgraph
        >>> cov = glamgraph.coverage("Q15", endpoint="snapshot", quiet=True)
        >>> row = cov.row("Q1033")  # Nigeria
        >>> row.institutions > 0, row.uncovered
        (True, False)
        >>> cov.to_dataframe()  # doctest: +SKIP
    """
    eng = get_engine(endpoint)
    fallback = parse_fallback_contact(fallback_contact)
    sample = is_shipped_sample(eng)
    if sample:
        reg0 = region if isinstance(region, Region) else regions.resolve(region, eng, lang=lang)
        if reg0.kind in ("country", "subdivision"):
            raise UnknownRegion(
                f"region {reg0.label or reg0.qid} ({reg0.qid}): its unit rows are subdivisions, "
                f"which the shipped sample does not hold; use {FULL_ENDPOINTS}"
            )
        region = reg0
    # each query result goes into the graph as it comes, while the next queries run
    builder = kg.GraphBuilder()
    with builder.loading_alongside():
        h = harvest_store.cached_harvest(
            region,
            eng,
            lang=lang,
            roots=types,
            quiet=quiet,
            progress=progress,
            on_result=builder.add_query_result,
        )
    # those of a harvest served from the cache are added below, with the coverage's own
    in_graph = len(builder.query_graphs)
    if in_graph not in (0, len(h.results)):
        raise RuntimeError(f"{in_graph} of {len(h.results)} harvest results in the graph")
    results: list[QueryResult] = list(h.results)
    reg, units = h.region, list(h.units)

    # the world's countries and borders: where the nearest affiliate may be
    world = units if reg.kind == "world" else regions.units(regions.WORLD, eng, results=results)
    world_ids = [c.qid for c in world]
    world_borders = regions.borders(world_ids, eng, results=results)
    # countries are the unit rows (a continent, the world, a country with no subdivision known)
    country_level = reg.kind in ("world", "continent") or [u.qid for u in units] == [reg.qid]
    unit_borders = (
        world_borders
        if country_level
        else regions.borders([u.qid for u in units], eng, results=results)
    )

    affs: Sequence[Affiliate]
    if affiliates is None:
        from glamgraph.affiliates import load_affiliates

        # the run's one settings object: --no-cache and --timeout reach the Meta-Wiki fetch
        affs = load_affiliates(module, registry=registry, endpoint=eng, settings=eng.settings)
    else:
        affs = affiliates
    # an AffiliateSet stays one: its sources describe the answer (graph, reused outputs)
    aff_list: list[Affiliate] = affs if isinstance(affs, AffiliateSet) else list(affs)

    # what a report cites of each result (its rows are let go once they are in the graph)
    cited = [({**r.provenance(), "query_text": r.query_text}, r.query_name) for r in results]
    # the query-cache entries behind the answer, before the results' rows are let go
    entries = harvest_store.cache_entries(eng, results) if results else None
    h = dataclasses.replace(h, results=[])
    del results[:in_graph]
    while results:
        builder.add_query_result(results.pop(0))
    builder.add_placement(reg, units, h.institutions, h.unplaced, context=world)
    builder.add_affiliates(aff_list, affiliate_sources(affs))
    # what needs no graph is worked out while the last chunks load (on the builder's thread)
    by_code: dict[str, Contact] = {}
    for a in aff_list:
        by_code.setdefault(a.code, affiliate_contact(a))
    by_root = h.classes.by_root or tuple(
        (r, frozenset({r})) for r in (types or vocab.DEFAULT_GLAM_ROOTS)
    )
    in_unit: dict[str, list[Institution]] = {}
    for inst in h.institutions:
        for unit_qid in dict.fromkeys(inst.units):
            in_unit.setdefault(unit_qid, []).append(inst)
    unit_types = {u.qid: type_counts(in_unit.get(u.qid, []), by_root) for u in units}
    ds = builder.build()

    geng = kg.engine_for(ds)
    counts_res = geng.run(queries.load_graph("coverage-institutions-per-unit"))
    covers_res = geng.run(queries.load_graph("coverage-affiliates-per-unit"))
    counts = {
        q: int(term_value(r, "institutions") or 0)
        for r in counts_res.rows
        if (q := term_qid(r, "unit"))
    }
    covering: dict[str, list[str]] = {}
    for r in covers_res.rows:
        if (q := term_qid(r, "unit")) is not None and (code := term_value(r, "code")):
            covering.setdefault(q, []).append(code)
    for found in covering.values():
        found.sort()

    coords_f: dict[str, tuple[float, float]] = {
        r.qid: (r.lat, r.lon) for r in [*world, *units] if r.lat is not None and r.lon is not None
    }
    # nearest affiliate of every unit without a local one (uncovered or without institutions)
    near = network.nearest_for_units(
        [u.qid for u in units],
        covering,
        coords_f,
        unit_borders=unit_borders,
        world=world_ids,
        world_borders=world_borders,
        country=None if country_level else (reg.qid if reg.kind == "country" else str(reg.parent)),
    )

    query_names = tuple(
        dict.fromkeys([*(name for _p, name in cited), counts_res.query_name, covers_res.query_name])
    )
    rows = [
        coverage_row(
            u,
            counts.get(u.qid, 0),
            tuple(covering.get(u.qid, [])),
            near.get(u.qid),
            by_code,
            fallback,
            unit_types[u.qid],
            query_names,
        )
        for u in units
    ]
    provenance = [
        *(p for p, _name in cited),
        *({**r.provenance(), "query_text": r.query_text} for r in (counts_res, covers_res)),
    ]
    texts: dict[str, str] = {}
    for p in provenance:
        texts.setdefault(p["query_name"], p["query_text"])
    cov = Coverage(
        region=reg,
        units=units,
        rows=rows,
        institutions=h.institutions,
        unplaced=h.unplaced,
        affiliates=aff_list,
        endpoint=eng.name,
        graph=ds,
        provenance=provenance,
        query_texts=texts,
        without_coordinates=sum(1 for i in h.institutions if i.lat is None or i.lon is None),
        caveats=sample_caveats(units) if sample else [],
        root_classes=tuple((vocab.GLAM_ROOT_COLUMNS.get(r, r), c) for r, c in by_root),
        cache_entries=entries,
    )
    log.info(
        "coverage %s: %d units, %d institutions, %d uncovered, %d queries",
        reg.qid,
        len(rows),
        len(h.institutions),
        len(cov.uncovered()),
        h.queries_sent,
    )
    return cov
