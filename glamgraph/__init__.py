"""glamgraph: where are the GLAM institutions, which regions have a local Wikimedia affiliate,
and whom should an organiser contact there? From Wikidata and Meta-Wiki.

The public functions (each typed and documented with an example):

- :func:`coverage` -- unit regions with GLAM institutions and no recognised local affiliate;
- :func:`institutions` -- the GLAM institutions of a region, counted by the contract's rules;
- :func:`affiliates` -- the Wikimedia affiliates from Meta-Wiki's module, Wikidata, a registry;
- :func:`region` / :func:`unit_regions` -- what a region is, and its unit rows;
- :func:`get_engine` -- a SPARQL engine (``wdqs``, ``qlever``, ``snapshot`` or a URL);
- :func:`publish` -- a run's tables into one marked section of a wiki page (dry run first).

The names ``glamgraph.coverage``, ``glamgraph.affiliates`` and ``glamgraph.publish`` are these
functions; their modules are imported as ``from glamgraph.coverage import ...``.

>>> import glamgraph
>>> glamgraph.__version__ >= "0"
True
>>> callable(glamgraph.coverage) and callable(glamgraph.affiliates)
True
"""

from __future__ import annotations

from glamgraph import snapshot  # snapshot.build(...), snapshot.info(...)
from glamgraph._version import __version__
from glamgraph.affiliates import load_affiliates as affiliates
from glamgraph.coverage import coverage
from glamgraph.errors import (
    BadInput,
    BadQuery,
    BadResponse,
    EndpointUnavailable,
    GlamgraphError,
    QueryTimeout,
    RateLimited,
    SourceError,
    SparqlError,
    UnknownRegion,
)
from glamgraph.harvest import institutions
from glamgraph.model import Affiliate, Coverage, CoverageRow, Institution, Region, Unplaced
from glamgraph.publish import publish
from glamgraph.regions import region, unit_regions
from glamgraph.sparql import QueryResult, Settings, get_engine

__all__ = [
    "Affiliate",
    "BadInput",
    "BadQuery",
    "BadResponse",
    "Coverage",
    "CoverageRow",
    "EndpointUnavailable",
    "GlamgraphError",
    "Institution",
    "QueryResult",
    "QueryTimeout",
    "RateLimited",
    "Region",
    "Settings",
    "SourceError",
    "SparqlError",
    "UnknownRegion",
    "Unplaced",
    "__version__",
    "affiliates",
    "coverage",
    "get_engine",
    "institutions",
    "publish",
    "region",
    "snapshot",
    "unit_regions",
]
