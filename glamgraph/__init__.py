"""glamgraph: where are the GLAM institutions, which regions have a local Wikimedia affiliate,
and whom should an organiser contact there? From Wikidata and Meta-Wiki.

>>> import glamgraph
>>> glamgraph.__version__ >= "0"
True
"""

from __future__ import annotations

from glamgraph._version import __version__
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
from glamgraph.sparql import QueryResult, Settings, get_engine

__all__ = [
    "BadInput",
    "BadQuery",
    "BadResponse",
    "EndpointUnavailable",
    "GlamgraphError",
    "QueryResult",
    "QueryTimeout",
    "RateLimited",
    "Settings",
    "SourceError",
    "SparqlError",
    "UnknownRegion",
    "__version__",
    "get_engine",
    "institutions",
]
