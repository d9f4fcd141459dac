"""A lint for SPARQL query files: the known ways WDQS, QLever and Virtuoso depart from the spec.

Every shipped query is tested on Oxigraph, which follows the SPARQL 1.1 specification closely;
the public engines do not, and what goes wrong there goes wrong silently (a label missing, a
timeout). This module parses a query (rdflib's SPARQL parser and algebra, never regular
expressions over the text) and reports each known deviation as a :class:`Finding` with the
rule's reason. A rule applies when the query's ``# engines:`` header names one of the engine
kinds it concerns:

``filter-in-optional`` (wdqs, qlever)
    A ``FILTER`` inside an ``OPTIONAL`` refers to a variable bound only outside that
    ``OPTIONAL``. The specification lets the filter see it; Blazegraph lifts top-level
    ``VALUES`` into exogenous bindings and rewrites out-of-scope filter variables to unbound
    ones, and QLever plans the ``OPTIONAL`` group on its own: the filter is false, silently.
``values-product`` (wdqs)
    More than one multi-row ``VALUES`` block joined at the top of the query (a ``+`` parameter
    counts as multi-row). Blazegraph joins them as one cross product of exogenous solutions and
    estimates join costs from the first row only.
``transitive-unbound`` (virtuoso)
    A ``*`` or ``+`` property path with neither end a constant nor a variable bound by another
    triple pattern (a ``VALUES`` binding is not enough): Virtuoso answers HTTP 500
    ``transitive start not given``.
``wdqs-only`` (every kind but wdqs)
    ``SERVICE wikibase:label`` or a ``bd:`` / ``hint:`` term: Blazegraph extensions that no
    other engine knows.
``undeclared-prefix`` (every kind but wdqs)
    A prefix that only WDQS predeclares (QLever declares only ``ql:``: HTTP 400).
``syntax`` (all)
    The text is not SPARQL 1.1.

A query may waive a rule with a header line ``# lint-allow: RULE REASON`` (the reason is
required and shown by :func:`lint_shipped`'s callers).

>>> text = '''# engines: wdqs qlever
... PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
... SELECT ?x ?l WHERE {
...   VALUES ?lang { "fr" }
...   ?x a ?t .
...   OPTIONAL { ?x rdfs:label ?l . FILTER(LANG(?l) = ?lang) }
... }'''
>>> [f.rule for f in lint_text(text, "t")]
['filter-in-optional']
>>> fixed = text.replace('VALUES ?lang { "fr" }', "").replace(
...     "OPTIONAL { ", 'OPTIONAL { VALUES ?lang { "fr" } ')
>>> lint_text(fixed, "t")
[]
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Final

from glamgraph import queries, vocab

__all__ = [
    "RULES",
    "WDQS_PREFIXES",
    "Finding",
    "Rule",
    "lint_query",
    "lint_shipped",
    "lint_text",
]


@dataclass(frozen=True)
class Rule:
    """A known engine deviation: its name, the engine kinds it concerns and why it matters."""

    name: str
    kinds: tuple[str, ...]
    reason: str


_NOT_WDQS: Final = tuple(k for k in queries.ENGINE_KINDS if k != "wdqs")

#: The rules, by name.
RULES: Final[Mapping[str, Rule]] = {
    r.name: r
    for r in (
        Rule(
            "filter-in-optional",
            ("wdqs", "qlever"),
            "a FILTER inside an OPTIONAL refers to a variable bound only outside it: WDQS "
            "(Blazegraph) and QLever evaluate the filter as false, so the OPTIONAL silently "
            "matches nothing; bind the value inside the same group (e.g. a VALUES block there) "
            "or write it as a constant",
        ),
        Rule(
            "values-product",
            ("wdqs",),
            "more than one multi-row VALUES block joined: WDQS (Blazegraph) joins them as one "
            "cross product of exogenous rows and plans from the first row only, which times out "
            "on large batches; keep one multi-row block and filter the rest in the client",
        ),
        Rule(
            "transitive-unbound",
            ("virtuoso",),
            "a transitive property path (* or +) has no constant end and no end bound by another "
            "triple pattern (VALUES does not count): Virtuoso answers 'transitive start not "
            "given'; write one UNION branch per constant start instead",
        ),
        Rule(
            "wdqs-only",
            _NOT_WDQS,
            "SERVICE wikibase:label, bd: and hint: are Blazegraph extensions: other engines "
            "refuse the query or ignore them; read labels with rdfs:label and a language filter",
        ),
        Rule(
            "undeclared-prefix",
            _NOT_WDQS,
            "a prefix is used without a PREFIX line: only WDQS predeclares the Wikidata "
            "prefixes; QLever and others refuse the query (HTTP 400)",
        ),
        Rule(
            "bind-in-optional",
            ("virtuoso",),
            "a BIND inside an OPTIONAL: Virtuoso 7.2, when the group's subject is one constant "
            "(a one-row VALUES), drops every later OPTIONAL of the query without an error (a "
            "region's label and coordinates silently missing); bind outside the OPTIONAL, e.g. "
            "BIND(BOUND(?x) AS ?flag)",
        ),
        Rule("syntax", queries.ENGINE_KINDS, "the text is not valid SPARQL 1.1"),
    )
}

#: Prefixes WDQS declares for every query (the ones glamgraph's files may meet).
WDQS_PREFIXES: Final[Mapping[str, str]] = {
    "wd": "http://www.wikidata.org/entity/",
    "wdt": "http://www.wikidata.org/prop/direct/",
    "wds": "http://www.wikidata.org/entity/statement/",
    "p": "http://www.wikidata.org/prop/",
    "ps": "http://www.wikidata.org/prop/statement/",
    "pq": "http://www.wikidata.org/prop/qualifier/",
    "wikibase": "http://wikiba.se/ontology#",
    "schema": "http://schema.org/",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "bd": "http://www.bigdata.com/rdf#",
    "hint": "http://www.bigdata.com/queryHints#",
}
_BLAZEGRAPH_NS: Final = ("http://www.bigdata.com/rdf#", "http://www.bigdata.com/queryHints#")
_LABEL_SERVICE: Final = "http://wikiba.se/ontology#label"


@dataclass(frozen=True)
class Finding:
    """One rule broken by one query: what was found, and the rule's reason."""

    query: str
    rule: str
    detail: str

    @property
    def reason(self) -> str:
        """Why the rule exists (the engines' behaviour)."""
        return RULES[self.rule].reason

    def __str__(self) -> str:
        return f"{self.query}: {self.rule}: {self.detail} ({self.reason})"


# --- walking rdflib's algebra -------------------------------------------------------------------


def _is_comp(node: object, *names: str) -> bool:
    from rdflib.plugins.sparql.parserutils import CompValue

    return isinstance(node, CompValue) and (not names or node.name in names)


def _children(node: Any) -> Iterator[Any]:
    """Every value below ``node`` (CompValue fields, list items), not descending into terms."""
    from rdflib.plugins.sparql.parserutils import CompValue

    if isinstance(node, CompValue):
        for key, value in node.items():
            if key.startswith("_"):
                continue
            yield value
    elif isinstance(node, list | tuple):
        yield from node


def _walk(node: Any) -> Iterator[Any]:
    yield node
    for child in _children(node):
        yield from _walk(child)


def _terms(node: Any) -> Iterator[Any]:
    """Every RDF term (IRI, literal, variable) in ``node``, property paths opened up."""
    from rdflib.paths import Path
    from rdflib.term import Node

    for sub in _walk(node):
        if isinstance(sub, Path):
            yield from _path_terms(sub)
        elif isinstance(sub, Node):
            yield sub


def _path_terms(path: Any) -> Iterator[Any]:
    from rdflib.paths import AlternativePath, InvPath, MulPath, NegatedPath, SequencePath

    if isinstance(path, SequencePath | AlternativePath):
        for p in path.args:
            yield from _path_terms(p)
    elif isinstance(path, InvPath):
        yield from _path_terms(path.arg)
    elif isinstance(path, MulPath):
        yield from _path_terms(path.path)
    elif isinstance(path, NegatedPath):
        for p in path.args:
            yield from _path_terms(p)
    else:
        yield path


def _variables(node: Any) -> set[str]:
    from rdflib.term import Variable

    return {str(t) for t in _terms(node) if isinstance(t, Variable)}


def _values_vars(node: Any) -> list[str]:
    """The variables of a ``values`` node, in order (rdflib keeps them as dict keys per row)."""
    out: list[str] = []
    for row in node.get("res") or []:
        for var in row:
            if str(var) not in out:
                out.append(str(var))
    return out


def _bound(node: Any) -> set[str]:
    """The variables a graph pattern binds (not looking inside filter expressions)."""
    from rdflib.term import Variable

    out: set[str] = set()
    if not _is_comp(node):
        return out
    name = node.name
    if name == "BGP":
        for triple in node["triples"]:
            out |= {str(t) for t in _triple_terms(triple) if isinstance(t, Variable)}
    elif name in ("values", "ToMultiSet"):
        target = node if name == "values" else node["p"]
        if _is_comp(target, "values"):
            out |= set(_values_vars(target))
            for var in target.get("var") or []:
                out.add(str(var))
        else:
            out |= _bound(target)
    elif name == "Extend":
        out |= _bound(node["p"]) | {str(node["var"])}
    elif name == "Graph":
        out |= _bound(node["p"]) | _variables(node["term"])
    elif name == "Minus":
        out |= _bound(node["p1"])
    else:
        for key in ("p", "p1", "p2", "graph"):
            if key in node and _is_comp(node[key]):
                out |= _bound(node[key])
    return out


def _triple_terms(triple: Any) -> list[Any]:
    s, p, o = triple
    return [s, *list(_path_terms(p)), o]


def _patterns(node: Any, *, into_optional: bool = True) -> Iterator[Any]:
    """Graph-pattern nodes below ``node`` (not inside filter expressions)."""
    if not _is_comp(node):
        return
    yield node
    for key in ("p", "p1", "p2"):
        if key == "p2" and node.name == "LeftJoin" and not into_optional:
            continue
        if key in node and _is_comp(node[key]):
            yield from _patterns(node[key], into_optional=into_optional)


def _expr_vars(expr: Any) -> set[str]:
    """Variables an expression refers to, including those of EXISTS / NOT EXISTS patterns."""
    return _variables(expr)


def _is_trivial(expr: Any) -> bool:
    return _is_comp(expr, "TrueFilter")


# --- the rules ---------------------------------------------------------------------------------


def _filter_in_optional(tree: Any) -> list[str]:
    out: list[str] = []
    everywhere = _bound(tree)
    for pat in _patterns(tree):
        if pat.name != "LeftJoin":
            continue
        group = pat["p2"]
        inside = _bound(group)
        outside = everywhere - inside
        exprs = [] if pat.get("expr") is None or _is_trivial(pat["expr"]) else [pat["expr"]]
        # filters of this OPTIONAL's own group (deeper OPTIONALs are checked on their own)
        for sub in _patterns(group, into_optional=False):
            if sub.name == "Filter":
                exprs.append(sub["expr"])
        for expr in exprs:
            outer = sorted((_expr_vars(expr) - inside) & outside)
            if outer:
                names = ", ".join(f"?{v}" for v in outer)
                out.append(f"a FILTER in an OPTIONAL refers to {names}, bound only outside it")
    return out


def _bind_in_optional(tree: Any) -> list[str]:
    out: list[str] = []
    for pat in _patterns(tree):
        if pat.name != "LeftJoin":
            continue
        for sub in _patterns(pat["p2"], into_optional=False):
            if sub.name == "Extend":
                out.append(f"a BIND of ?{sub['var']} inside an OPTIONAL")
    return out


def _top_values(node: Any) -> Iterator[Any]:
    """The VALUES blocks joined at the top of the pattern (not in UNION, OPTIONAL or MINUS)."""
    if not _is_comp(node):
        return
    if node.name == "values":
        yield node
        return
    if node.name in ("Union", "SelectQuery"):
        return
    keys = ("p", "p1") if node.name in ("LeftJoin", "Minus") else ("p", "p1", "p2")
    for key in keys:
        if key in node and _is_comp(node[key]):
            yield from _top_values(node[key])


def _values_product(tree: Any) -> list[str]:
    multi: list[str] = []
    for block in _top_values(tree["p"] if _is_comp(tree, "SelectQuery") else tree):
        rows = block.get("res") or []
        if len(rows) > 1:
            multi.append(" ".join(f"?{v}" for v in _values_vars(block)))
    if len(multi) > 1:
        return [f"{len(multi)} multi-row VALUES blocks joined: {', '.join(multi)}"]
    return []


def _transitive_unbound(tree: Any) -> list[str]:
    from rdflib.paths import MulPath
    from rdflib.term import Variable

    triples = [t for pat in _patterns(tree) if pat.name == "BGP" for t in pat["triples"]]

    def transitive(path: Any) -> bool:
        if isinstance(path, MulPath):
            return path.mod in ("*", "+") or transitive(path.path)
        return any(transitive(p) for p in getattr(path, "args", ()))

    out: list[str] = []
    for i, (s, p, o) in enumerate(triples):
        if not transitive(p):
            continue
        others: set[str] = set()
        for j, other in enumerate(triples):
            if j != i:
                others |= {str(t) for t in _triple_terms(other) if isinstance(t, Variable)}
        ends = [e for e in (s, o) if not isinstance(e, Variable) or str(e) in others]
        if not ends:
            out.append(f"the path {p.n3()} between ?{s} and ?{o} has no constant or bound end")
    return out


def _wdqs_only(tree: Any) -> list[str]:
    from rdflib.term import URIRef

    found: set[str] = set()
    for node in _walk(tree):
        if _is_comp(node, "ServiceGraphPattern") and str(node.get("term")) == _LABEL_SERVICE:
            found.add("SERVICE wikibase:label")
    for t in _terms(tree):
        if isinstance(t, URIRef):
            for ns, prefix in zip(_BLAZEGRAPH_NS, ("bd:", "hint:"), strict=True):
                if str(t).startswith(ns):
                    found.add(f"{prefix}{str(t)[len(ns) :]}")
    return [f"uses {x}" for x in sorted(found)]


# --- entry points ------------------------------------------------------------------------------


def _allowances(text: str) -> dict[str, str]:
    """``# lint-allow: RULE REASON`` header lines, as rule -> reason."""
    out: dict[str, str] = {}
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        if not stripped.startswith("#"):
            break
        key, _, rest = stripped.lstrip("#").strip().partition(":")
        if key.strip().lower() == "lint-allow":
            rule, _, reason = rest.strip().partition(" ")
            if rule in RULES and reason.strip():
                out[rule] = reason.strip()
    return out


def _parse(text: str, prefixes: Mapping[str, str] | None) -> Any:
    from rdflib.plugins.sparql import prepareQuery

    return prepareQuery(text, initNs=dict(prefixes or {})).algebra


#: Two sample values per parameter type (one for single-valued types), written in before parsing
#: so that a list parameter's VALUES block has several rows, as it will when the query runs.
_SAMPLES: Final[Mapping[str, list[str]]] = {
    "qid": [vocab.MUSEUM],
    "qid+": [vocab.MUSEUM, vocab.LIBRARY],
    "lang": ["en"],
    "lang+": ["en", "fr"],
    "int": ["1"],
    "string": ["a"],
    "string+": ["a", "b"],
}


def _sample_filled(query: queries.Query, kind: str) -> str:
    """The query with sample parameter values, rendered as for ``kind`` (else the raw text)."""
    if not query.params:
        return query.text
    sample = {p.name: _SAMPLES[p.type] for p in query.params.values()}
    try:
        return queries.fill(query, sample, engine_kind=kind)  # type: ignore[arg-type]
    except Exception:  # a user's file without VALUES blocks: lint it as written
        return query.text


def lint_text(
    text: str,
    name: str = "query",
    *,
    engines: Iterable[str] | None = None,
) -> list[Finding]:
    """The rules ``text`` breaks for the engines it is meant for.

    The text is parsed (rdflib's SPARQL parser and algebra) with its declared parameters filled
    with sample values (a list parameter gets two, so its ``VALUES`` block is multi-row), rendered
    for each engine kind a rule concerns.

    Args:
        text: the query, with its ``#`` header (``VALUES ?param { }`` blocks may be empty).
        name: the query's name, for the findings.
        engines: the engine kinds it is meant for; ``None`` reads the ``# engines:`` header
            (no header: every kind).

    Example:
        >>> lint_text("SELECT ?s WHERE { ?s ?p ?o }", "ok", engines=["wdqs"])
        []
        >>> [str(f).split(" (")[0] for f in lint_text("SELECT ?s WHERE { ?s",
        ...     "bad", engines=["wdqs"])]
        ['bad: syntax: not SPARQL 1.1']
    """
    query = queries.parse(name, text)
    kinds = [k for k in (engines if engines is not None else query.engines or queries.ENGINE_KINDS)]
    allowed = _allowances(text)
    trees: dict[str, Any] = {}
    findings: list[Finding] = []

    def tree_for(kind: str) -> Any:
        if kind not in trees:
            trees[kind] = _parse(_sample_filled(query, kind), WDQS_PREFIXES)
        return trees[kind]

    try:
        for kind in kinds:
            tree_for(kind)
        if not kinds:
            tree_for("generic")
    except Exception as exc:  # any parser failure means "not SPARQL"
        first = " ".join(str(exc).split())[:160]
        return [Finding(name, "syntax", f"not SPARQL 1.1 ({first})" if first else "not SPARQL 1.1")]
    checks: dict[str, Callable[[Any, str], list[str]]] = {
        "undeclared-prefix": _undeclared_prefix,
        "filter-in-optional": lambda tree, _text: _filter_in_optional(tree),
        "values-product": lambda tree, _text: _values_product(tree),
        "transitive-unbound": lambda tree, _text: _transitive_unbound(tree),
        "bind-in-optional": lambda tree, _text: _bind_in_optional(tree),
        "wdqs-only": lambda tree, _text: _wdqs_only(tree),
    }
    for rule, check in checks.items():
        concerned = [k for k in kinds if k in RULES[rule].kinds]
        if not concerned or rule in allowed:
            continue
        kind = concerned[0]
        for detail in check(tree_for(kind), _sample_filled(query, kind)):
            findings.append(Finding(name, rule, detail))
    return findings


def _undeclared_prefix(_tree: Any, text: str) -> list[str]:
    try:
        _parse(text, None)
    except Exception as exc:  # the parser names the prefix
        return [" ".join(str(exc).split())[:160]]
    return []


def lint_query(query: queries.Query) -> list[Finding]:
    """The rules a loaded query breaks for the engines its header names.

    >>> lint_query(queries.load("countries-of-continent"))
    []
    """
    return lint_text(query.text, query.name)


def lint_shipped() -> list[Finding]:
    """The findings over every shipped query file (endpoint and knowledge-graph queries).

    >>> isinstance(lint_shipped(), list)
    True
    """
    out: list[Finding] = []
    for qname in queries.names():
        out.extend(lint_query(queries.load(qname)))
    for qname in queries.graph_names():
        out.extend(lint_query(queries.load_graph(qname)))
    return out
