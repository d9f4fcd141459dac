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
institution and no covering affiliate.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from glamgraph import graph as kg
from glamgraph import harvest as hv
from glamgraph import network, queries, regions, vocab
from glamgraph.model import Affiliate, Coverage, CoverageRow, Region
from glamgraph.sparql import Engine, QueryResult, get_engine, term_qid, term_value

log = logging.getLogger(__name__)


def _affiliate_sources(affs: Any, module: object, registry: object) -> list[dict[str, Any]]:
    """Describe the affiliate sources for provenance, from what the affiliates loader kept."""
    sources: list[dict[str, Any]] = []
    for info in getattr(affs, "sources", None) or []:
        if isinstance(info, dict) and info.get("key"):
            sources.append(dict(info))
    if sources:
        return sources
    # a minimal description when the loader gives none
    if registry is not None:
        sources.append({"key": str(registry), "kind": "registry", "path": str(registry)})
    sources.append({"key": "module", "kind": "module", "path": str(module) if module else ""})
    return sources


def coverage(
    region: str | Region,
    *,
    endpoint: str | Engine = "wdqs",
    module: str | None = None,
    registry: str | None = None,
    lang: str | Sequence[str] = "en",
    types: Sequence[str] | None = None,
    affiliates: Sequence[Affiliate] | None = None,
    fallback_contact: str = vocab.GLAM_FALLBACK_CONTACT,
    quiet: bool = False,
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
        fallback_contact: the contact of last resort for uncovered regions.
        quiet: no progress bar.

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
    h = hv.harvest(region, eng, lang=lang, roots=types, quiet=quiet)
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

    if affiliates is None:
        from glamgraph.affiliates import load_affiliates

        affs: Any = load_affiliates(module, registry=registry, endpoint=eng)
    else:
        affs = list(affiliates)
    aff_list: list[Affiliate] = list(affs)

    builder = kg.GraphBuilder()
    for res in results:
        builder.add_query_result(res)
    builder.add_placement(reg, units, h.institutions, h.unplaced, context=world)
    builder.add_affiliates(aff_list, _affiliate_sources(affs, module, registry))
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
    uncovered_ids = [u.qid for u in units if counts.get(u.qid, 0) > 0 and not covering.get(u.qid)]
    near: dict[str, network.Nearest] = {}
    if uncovered_ids:
        if country_level:
            g = network.border_graph(world_ids, world_borders)
            near = network.nearest_affiliates(g, covering, coords_f, uncovered_ids)
        else:
            g = network.border_graph([u.qid for u in units], unit_borders)
            local = {u.qid: covering.get(u.qid, []) for u in units}
            near = (
                network.nearest_affiliates(g, local, coords_f, uncovered_ids)
                if any(local.values())
                else {}
            )
            missing = [q for q in uncovered_ids if q not in near]
            country = reg.qid if reg.kind == "country" else str(reg.parent)
            if missing and not covering.get(country):
                wg = network.border_graph(world_ids, world_borders)
                at_country = network.nearest_affiliates(wg, covering, coords_f, [country]).get(
                    country
                )
                if at_country is not None:
                    for q in missing:
                        dist = (
                            round(
                                network.haversine_km(coords_f[q], coords_f[at_country.via_region]),
                                1,
                            )
                            if q in coords_f and at_country.via_region in coords_f
                            else at_country.distance_km
                        )
                        near[q] = network.Nearest(
                            at_country.affiliate, at_country.via_region, None, dist
                        )

    query_names = tuple(dict.fromkeys(qr.query_name for qr in [*results, counts_res, covers_res]))
    rows: list[CoverageRow] = []
    for u in units:
        n = counts.get(u.qid, 0)
        codes = tuple(covering.get(u.qid, []))
        unc = n > 0 and not codes
        nb = near.get(u.qid) if unc else None
        rows.append(
            CoverageRow(
                region=u.qid,
                label=u.label,
                iso=u.iso,
                kind=u.kind,
                institutions=n,
                affiliates=codes,
                uncovered=unc,
                nearest_affiliate=nb.affiliate if nb else (fallback_contact if unc else None),
                contact=fallback_contact if unc else None,
                hops=nb.hops if nb else None,
                distance_km=nb.distance_km if nb else None,
                lat=u.lat,
                lon=u.lon,
                queries=query_names,
            )
        )
    all_results = [*results, counts_res, covers_res]
    texts: dict[str, str] = {}
    for qr in all_results:
        texts.setdefault(qr.query_name, qr.query_text)
    cov = Coverage(
        region=reg,
        units=units,
        rows=rows,
        institutions=h.institutions,
        unplaced=h.unplaced,
        affiliates=aff_list,
        endpoint=eng.name,
        graph=ds,
        provenance=[{**r.provenance(), "query_text": r.query_text} for r in all_results],
        query_texts=texts,
        without_coordinates=sum(1 for i in h.institutions if i.lat is None or i.lon is None),
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
