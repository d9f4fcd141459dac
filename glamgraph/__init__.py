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

import importlib
import sys
import types
from typing import TYPE_CHECKING, Any

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

if TYPE_CHECKING:
    from glamgraph import snapshot  # snapshot.build(...), snapshot.info(...)
    from glamgraph.affiliates import load_affiliates as affiliates
    from glamgraph.coverage import coverage
    from glamgraph.harvest import institutions
    from glamgraph.model import Affiliate, Coverage, CoverageRow, Institution, Region, Unplaced
    from glamgraph.publish import publish
    from glamgraph.regions import region, unit_regions
    from glamgraph.sparql import QueryResult, Settings, get_engine

#: The public names, imported when first used (``import glamgraph`` stays light, so the command
#: line starts fast): name -> (module, attribute; ``""`` for the module itself).
_LAZY: dict[str, tuple[str, str]] = {
    "snapshot": ("glamgraph.snapshot", ""),
    "affiliates": ("glamgraph.affiliates", "load_affiliates"),
    "coverage": ("glamgraph.coverage", "coverage"),
    "institutions": ("glamgraph.harvest", "institutions"),
    "publish": ("glamgraph.publish", "publish"),
    "region": ("glamgraph.regions", "region"),
    "unit_regions": ("glamgraph.regions", "unit_regions"),
    "get_engine": ("glamgraph.sparql", "get_engine"),
    "QueryResult": ("glamgraph.sparql", "QueryResult"),
    "Settings": ("glamgraph.sparql", "Settings"),
    **{
        n: ("glamgraph.model", n)
        for n in ("Affiliate", "Coverage", "CoverageRow", "Institution", "Region", "Unplaced")
    },
}


def _lazy(name: str) -> Any:
    module, attr = _LAZY[name]
    mod = importlib.import_module(module)
    return getattr(mod, attr) if attr else mod


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = _lazy(name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'glamgraph' has no attribute {name!r}")


class _Package(types.ModuleType):
    """The package whose names ``coverage``, ``affiliates`` and ``publish`` stay the functions
    when their modules (``glamgraph.coverage``...) are imported: the import system sets a
    submodule as an attribute of its package, which these properties decline."""


def _function_property(name: str) -> property:
    def get(self: types.ModuleType) -> Any:
        return _lazy(name)

    def set_(self: types.ModuleType, value: Any) -> None:
        if not (isinstance(value, types.ModuleType) and value.__name__ == _LAZY[name][0]):
            raise AttributeError(f"glamgraph.{name} is the function {_LAZY[name][1]}()")

    return property(get, set_)


for _name in ("coverage", "affiliates", "publish"):
    setattr(_Package, _name, _function_property(_name))
sys.modules[__name__].__class__ = _Package

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
