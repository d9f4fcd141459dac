"""The three sources merged: :func:`load_affiliates`."""

from __future__ import annotations

import dataclasses
import hashlib
import os
import warnings
from pathlib import Path
from typing import Any

from glamgraph import lua, vocab
from glamgraph.affiliates.module import module_entries, normalise_entry, read_module
from glamgraph.affiliates.names import resolve_country_names, sort_qids
from glamgraph.affiliates.registry import (
    RegistryRow,
    apply_registry,
    read_registry,
    resolve_iso_codes,
)
from glamgraph.affiliates.wikidata import complement, match_item, wikidata_items
from glamgraph.client import Settings
from glamgraph.model import AffiliateSet, Disagreement, UnresolvedName
from glamgraph.sparql import Engine, QueryResult, get_engine


class AffiliateWarning(UserWarning):
    """Something in the affiliate sources needs a person's eye (nothing was dropped)."""


def load_affiliates(
    module: str | os.PathLike[str] | None = None,
    *,
    registry: str | os.PathLike[str] | None = None,
    endpoint: str | Engine = "wdqs",
    wikidata: bool = True,
    api_url: str | None = None,
    settings: Settings | None = None,
    use_cache: bool | None = None,
) -> AffiliateSet:
    """The Wikimedia movement affiliates from Meta-Wiki's module, Wikidata and a registry.

    Args:
        module: a path to the module's Lua file, or its source text. ``None`` fetches it from
            Meta-Wiki (cached a day), or takes the snapshot's reconstructed copy when
            ``endpoint="snapshot"``.
        registry: the organiser's CSV (header ``code,name,type,countries,status,contact,note``),
            which adds affiliates and overrides fields by ``code``.
        endpoint: the SPARQL engine for country names, ISO codes and the Wikidata complement: a
            name (``wdqs``, ``qlever``, ``snapshot``), a URL or an :class:`Engine`.
        wikidata: complement the module with Wikidata's affiliate items.
        api_url: the MediaWiki API the module is fetched from (``None``:
            ``settings.meta_api_url()``, i.e. ``GLAMGRAPH_META_API`` or Meta-Wiki).
        settings: the run's one :class:`~glamgraph.client.Settings` (timeouts, retries, cache,
            contact), for the Meta-Wiki fetch and for an engine named by ``endpoint``;
            ``None``: the settings of ``endpoint`` when it is an engine, else the defaults.
        use_cache: read/write the MediaWiki cache (``None``: as ``settings`` say).

    Returns:
        An :class:`~glamgraph.model.AffiliateSet`: the affiliates (module order, then new
        registry rows) plus the module's revision, disagreements and unresolved names.

    Raises:
        MalformedFile: the module or the registry does not parse (exit code 2).
        MediaWikiError: Meta-Wiki could not give the module (exit code 3).
        SparqlError: the endpoint failed (exit code 3).

    >>> affs = load_affiliates(endpoint="snapshot")
    >>> wmfr = affs.by_code("FR")
    >>> wmfr.type, wmfr.countries, wmfr.status, wmfr.source
    ('chapter', ('Q142',), 'recognised', 'snapshot module (reconstructed)')
    """
    eng = get_engine(endpoint, settings)
    if settings is None:
        settings = eng.settings  # one settings object for the engine and the Meta-Wiki fetch
    notes: list[str] = []
    queries: list[QueryResult] = []
    # 1. the registry first: a malformed one fails before anything is fetched
    reg_rows: list[RegistryRow] = []
    reg_path: Path | None = None
    codes: dict[str, str] = {}
    if registry is not None:
        reg_path = Path(registry).expanduser().resolve()
        reg_rows = read_registry(reg_path)
        codes, iso_results = resolve_iso_codes(reg_rows, eng, reg_path)
        queries += iso_results
    # 2. the module
    snap_file = getattr(eng, "snapshot", None)
    snapshot = snap_file or endpoint == "snapshot" or eng.name == "snapshot"
    mod = read_module(
        module, snapshot=snapshot, api_url=api_url, settings=settings, use_cache=use_cache
    )
    entries = [
        e
        for t in module_entries(lua.loads(mod.text, mod.name), mod.name)
        if (e := normalise_entry(t, mod, notes)) is not None
    ]
    # 3. country names, one batched query
    names = [n for e in entries if e.local for n in e.names]
    resolution = resolve_country_names(names, eng)
    if resolution.result is not None:
        queries.append(resolution.result)
    unresolved: list[UnresolvedName] = []
    for e in entries:
        if not e.local:
            continue
        qids = tuple(dict.fromkeys(resolution.qids[n] for n in e.names if n in resolution.qids))
        missing = tuple(n for n in e.names if n not in resolution.qids)
        e.affiliate = dataclasses.replace(e.affiliate, countries=qids, unresolved=missing)
        for n in e.names:
            if n in resolution.ambiguous:
                shown = ", ".join(resolution.ambiguous[n])
                notes.append(
                    f"{mod.name}, line {e.line}: {e.affiliate.code}: country name {n!r} matches "
                    f"several items ({shown}); {resolution.qids[n]} taken"
                )
    # 4. Wikidata
    disagreements: list[Disagreement] = []
    classes: dict[str, tuple[str, ...]] = {}
    unmatched: tuple[str, ...] = ()
    if wikidata:
        items, classes, wd_res = wikidata_items(eng)
        queries.append(wd_res)
        matched: set[str] = set()
        for e in entries:
            item = match_item(e.affiliate, items, notes)
            if item is not None:
                matched.add(item.qid)
                e.affiliate = complement(e, item, notes, disagreements, eng.display_url)
        unmatched = sort_qids(set(items) - matched)
    for e in entries:
        for n in e.affiliate.unresolved:
            unresolved.append(UnresolvedName(e.affiliate.code, n, f"{mod.name}, line {e.line}"))
    affs = [e.affiliate for e in entries]
    # 5. the registry's additions and overrides
    if reg_path is not None:
        affs = apply_registry(affs, reg_rows, codes, reg_path)
        overridden = {
            r.code.casefold() for r in reg_rows if r.countries
        }  # the organiser fixed these
        unresolved = [u for u in unresolved if u.code.casefold() not in overridden]
    for u in unresolved:
        notes.append(
            f"{u.source}: {u.code}: country name {u.name!r} matched no Wikidata item (label, "
            "alias or known variant); listed in Affiliate.unresolved"
        )
    for note in notes:
        warnings.warn(note, AffiliateWarning, stacklevel=2)
    sources: list[dict[str, Any]] = [
        {
            "key": mod.source,
            "kind": "module",
            "id": mod.ref_id,
            "title": vocab.AFFILIATES_MODULE,
            "url": mod.url,
            "path": mod.path,
            "revision": mod.revision,
            "timestamp": mod.timestamp,
            "sha256": mod.sha256,
        }
    ]
    if wikidata and any(a.wikidata for a in affs):
        sources.append(
            {
                "key": "+wikidata",
                "kind": "wikidata",
                "id": eng.display_url,
                "url": eng.display_url,
            }
        )
    if reg_path is not None:
        sources.append(
            {
                "key": f"registry {reg_path}",
                "kind": "registry",
                "id": str(reg_path),
                "path": str(reg_path),
                "sha256": hashlib.sha256(reg_path.read_bytes()).hexdigest(),
            }
        )
    return AffiliateSet(
        affs,
        module_source=mod.source,
        revision=mod.revision,
        timestamp=mod.timestamp,
        module_url=mod.url,
        module_path=mod.path,
        module_sha256=mod.sha256,
        fetched=mod.fetched,
        from_cache=mod.from_cache,
        registry=str(reg_path) if reg_path else "",
        endpoint=eng.name,
        disagreements=disagreements,
        unresolved=unresolved,
        wikidata_classes=classes,
        wikidata_unmatched=unmatched,
        sources=sources,
        queries=[q.provenance() for q in queries],
    )
