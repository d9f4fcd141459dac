"""Wikimedia movement affiliates: Meta-Wiki's module, Wikidata and the organiser's registry, merged.

Three sources, in order of authority:

1. **Meta-Wiki's** ``Module:Organizational_Informations``, the Affiliates Data Portal's table of
   every affiliate (fetched through :mod:`glamgraph.mediawiki`, or read from a file, or the
   snapshot's reconstructed copy), read without running it (:mod:`glamgraph.lua`). Each entry is
   normalised: ``org_type`` to ``chapter`` / ``thematic`` / ``user group`` / ``other``,
   ``recognition_status`` (either spelling) to ``recognised`` / ``derecognised`` /
   ``suspended``, dates (DD/MM/YYYY, YYYY/MM/DD, ISO) to :class:`datetime.date`, and
   ``group_country`` names to Wikidata QIDs.
2. **Wikidata** complements it: affiliate items (instances of the classes labelled
   ``vocab.AFFILIATE_CLASS_LABELS``, found by label at run time) add their operating area
   (P2541), headquarters (P159) and official website (P856). Meta-Wiki wins where the two
   disagree (country, type, a dissolved item still recognised on Meta-Wiki); each disagreement
   is listed in :attr:`AffiliateSet.disagreements` and warned about. Wikidata's countries are used
   only for an affiliate whose module entry gives none that resolves.
3. **The organiser's registry** (CSV, :data:`REGISTRY_COLUMNS`) adds affiliates and overrides
   fields of existing ones by ``code``; an empty cell overrides nothing.

**Country names.** All names of a module go to Wikidata in ONE batched query
(``queries/names-to-items.rq``: English or ``mul`` labels and aliases of current countries). A
name is tried as given, then through :data:`COUNTRY_NAME_VARIANTS` (variants that labels and
aliases do not catch, mapped to a canonical English name) and without a leading "The"; a label
beats an alias. Several items for one name: the lowest QID number, with a warning. A name that
matches nothing is warned about and kept in ``Affiliate.unresolved``, never silently dropped.
Thematic and international organisations (``org_type`` thematic, or ``region`` International)
get no countries.

**Matching module entries to Wikidata items.** By the Meta-Wiki page first: the module's
``group_page`` against the item's Meta-Wiki sitelink or an official website (P856) on
meta.wikimedia.org; else by name: ``group_name`` equal to the item's English label (case,
accents and spacing ignored). Several items: the lowest QID number, with a warning.

Every :class:`~glamgraph.model.Affiliate` says in ``source`` where it came from, e.g.
``Module:Organizational_Informations rev 27654321 (2025-03-01T10:20:30Z) +wikidata Q9300010
+registry /home/me/registry.csv line 3``.
The same as data is in ``Affiliate.refs``: one :class:`~glamgraph.model.SourceRef` per source
applied, in order (the module entry with its revision and line, the Wikidata item, the registry
row); :attr:`AffiliateSet.sources <glamgraph.model.AffiliateSet.sources>` describes each source
once, under the same ``kind`` and ``id``. The loader takes the run's one
:class:`~glamgraph.client.Settings` (``settings=``, or the engine's), so ``--no-cache`` and
``--timeout`` reach the Meta-Wiki fetch and the Wikidata queries alike.

>>> normalise_type("Wikimedia User Group"), normalise_status("derecognized")
('user group', 'derecognised')
>>> parse_date("15/06/2024"), parse_date("2017/10/31"), parse_date("2021-11-05T23:00:00.000Z")
(datetime.date(2024, 6, 15), datetime.date(2017, 10, 31), datetime.date(2021, 11, 5))
"""

from __future__ import annotations

from glamgraph.affiliates.merge import AffiliateWarning, load_affiliates
from glamgraph.affiliates.module import SNAPSHOT_MODULE as SNAPSHOT_MODULE
from glamgraph.affiliates.module import SNAPSHOT_SOURCE as SNAPSHOT_SOURCE
from glamgraph.affiliates.module import ModuleSource, module_entries, read_module
from glamgraph.affiliates.names import (
    COUNTRY_NAME_VARIANTS,
    CountryResolution,
    candidate_names,
    name_key,
    resolve_country_names,
)
from glamgraph.affiliates.names import NO_COUNTRY as NO_COUNTRY
from glamgraph.affiliates.normalise import normalise_status, normalise_type, parse_date
from glamgraph.affiliates.registry import (
    REGISTRY_COLUMNS,
    RegistryRow,
    read_registry,
    resolve_iso_codes,
)
from glamgraph.affiliates.wikidata import CLASS_TYPES as CLASS_TYPES
from glamgraph.affiliates.wikidata import meta_page_key

#: A short alias: ``glamgraph.affiliates.load(...)``.
load = load_affiliates

__all__ = [
    "COUNTRY_NAME_VARIANTS",
    "REGISTRY_COLUMNS",
    "AffiliateWarning",
    "CountryResolution",
    "ModuleSource",
    "RegistryRow",
    "candidate_names",
    "load",
    "load_affiliates",
    "meta_page_key",
    "module_entries",
    "name_key",
    "normalise_status",
    "normalise_type",
    "parse_date",
    "read_module",
    "read_registry",
    "resolve_country_names",
    "resolve_iso_codes",
]
