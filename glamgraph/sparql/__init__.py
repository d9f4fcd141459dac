"""SPARQL access: engines, results, errors. The only package that speaks SPARQL over HTTP.

Modules: ``engine`` (the ``Engine`` interface, ``Settings``, adaptive splitting), ``endpoints``
(``get_engine``: engines by name or URL, fallback chains),
``remote`` (WDQS, QLever, any URL through SPARQLWrapper; failure classification), ``embedded``
(the in-process snapshot), ``fallback`` (engine chains), ``retry`` (tenacity policy),
``throttle`` (one query at a time per endpoint), ``cache`` (the on-disk cache), ``result``.
"""

from glamgraph.sparql.endpoints import ENGINE_NAMES, check_endpoint, get_engine
from glamgraph.sparql.engine import Engine, Settings, Started, in_order, start
from glamgraph.sparql.fallback import FallbackEngine
from glamgraph.sparql.result import (
    QueryResult,
    Row,
    Term,
    merge,
    qid_of_term,
    term_bool,
    term_qid,
    term_value,
)

__all__ = [
    "ENGINE_NAMES",
    "Engine",
    "FallbackEngine",
    "QueryResult",
    "Row",
    "Settings",
    "Started",
    "Term",
    "check_endpoint",
    "get_engine",
    "in_order",
    "merge",
    "qid_of_term",
    "start",
    "term_bool",
    "term_qid",
    "term_value",
]
