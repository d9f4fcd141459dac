"""SPARQL access: engines, results, errors. The only package that speaks SPARQL over HTTP."""

from glamgraph.sparql.engine import ENGINE_NAMES, Engine, Settings, check_endpoint, get_engine
from glamgraph.sparql.result import QueryResult, Row, Term, merge, term_bool, term_qid, term_value

__all__ = [
    "ENGINE_NAMES",
    "Engine",
    "QueryResult",
    "Row",
    "Settings",
    "Term",
    "check_endpoint",
    "get_engine",
    "merge",
    "term_bool",
    "term_qid",
    "term_value",
]
