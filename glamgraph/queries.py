"""The SPARQL query files in ``queries/``: loading, headers, and safe parameter filling.

Every query is a ``.rq`` file that starts with a ``#`` header::

    # title: Countries of a continent
    # returns: ?country ?iso ?label
    # param: continent qid
    # param: langs lang+ en mul
    # engines: wdqs qlever oxigraph virtuoso snapshot

``engines`` lists the engines the query is meant for (``wdqs``, ``qlever``, ``oxigraph``,
``virtuoso``, ``snapshot`` for the embedded store, ``graph`` for glamgraph's knowledge graph);
:func:`supports` tells whether an engine kind may run it. Two header keys tell :func:`fill` how to
write a parameter for engines that need constants:

- ``# unroll: root``: on Virtuoso (and an endpoint of unknown make) the group holding
  ``VALUES ?root { }`` is written once per value, joined by ``UNION``, with ``?root`` replaced
  by the constant in it and bound by a ``BIND`` (Virtuoso needs a constant at a transitive path's
  end: ``transitive start not given``).
- ``# tagged: names lit en mul``: the block ``VALUES (?names ?lit) { }`` gets one row per value
  and tag, the string and the same string as a tagged literal (``("Chad" "Chad"@en)``), so no
  engine has to build the literal (Virtuoso's ``STRLANG`` refuses a tag from a variable).
- ``# inlist: langs``: the parameter is written into the list of an ``IN (?langs)`` test, as
  ``IN ("fr", "en")`` (an unbound ``?langs`` keeps the template valid SPARQL), for a branch of a
  ``UNION`` where a ``VALUES`` block would be joined with every other branch's rows.

A parameter is used in the query body as an empty ``VALUES ?name { }`` block, which is valid
SPARQL on its own. :func:`fill` checks each value against the parameter's type and writes it in
as a typed term (``wd:Q46``, ``"en"``, ``42``), so no input can change the query's structure.

Types: ``qid`` / ``qid+`` (Wikidata items), ``lang`` / ``lang+`` (language codes), ``int``, ``string`` /
``string+`` (escaped literals). A ``+`` type takes one value or more.

>>> q = parse("t", '''# title: t
... # param: c qid
... SELECT ?x WHERE { VALUES ?c { } ?x ?p ?c }''')
>>> print(fill(q, {"c": "Q46"}).splitlines()[-1])
SELECT ?x WHERE { VALUES ?c { wd:Q46 } ?x ?p ?c }
>>> fill(q, {"c": "Q1> } DROP ALL #"})
Traceback (most recent call last):
...
glamgraph.errors.BadInput: query t, parameter c: malformed QID: 'Q1> } DROP ALL #'
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Final, Literal, get_args

from glamgraph import ids
from glamgraph.errors import BadInput, UnknownQuery

PARAM_TYPES: Final = ("qid", "qid+", "lang", "lang+", "int", "string", "string+")
_NAME_RE: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_QUERY_NAME_RE: Final = re.compile(r"[a-z0-9][a-z0-9_-]*")

ParamValue = str | int | Sequence[str] | Sequence[int]

#: The kinds of SPARQL engine whose dialects glamgraph knows. ``generic`` is any SPARQL 1.1
#: endpoint of unknown make; ``embedded`` is the in-process pyoxigraph store of the snapshots.
EngineKind = Literal["wdqs", "qlever", "oxigraph", "virtuoso", "embedded", "generic"]
ENGINE_KINDS: Final[tuple[str, ...]] = get_args(EngineKind)


@dataclass(frozen=True)
class Param:
    """A declared query parameter: its name, type and default values (if any)."""

    name: str
    type: str
    default: tuple[str, ...] = ()


@dataclass(frozen=True)
class Query:
    """A loaded query file: its name (the file stem), text and parsed header."""

    name: str
    text: str
    title: str = ""
    returns: str = ""
    engines: tuple[str, ...] = ()
    params: dict[str, Param] = field(default_factory=dict)
    path: str = ""
    unroll: tuple[str, ...] = ()
    tagged: dict[str, tuple[str, tuple[str, ...]]] = field(default_factory=dict)
    inlist: tuple[str, ...] = ()


@cache
def queries_dir() -> Path:
    """The folder of shipped ``.rq`` files: inside the wheel, or ``queries/`` in a checkout.

    The wheel carries them as ``glamgraph/queries/``; in a source checkout (and an editable
    install) the top-level ``queries/`` beside the package is the one to read.
    """
    here = Path(__file__).resolve().parent
    for candidate in (here / "queries", here.parent / "queries"):
        if candidate.is_dir() and any(candidate.glob("*.rq")):
            return candidate
    return Path(str(resources.files("glamgraph") / "queries"))


#: The sub-folder of ``queries/`` holding the queries that run over glamgraph's own knowledge
#: graph (a run's Dataset), not over Wikidata: they are not offered to run on an endpoint.
GRAPH_FOLDER: Final = "graph"


def names() -> list[str]:
    """The names of the shipped endpoint queries (file stems in ``queries/``), sorted.

    The knowledge-graph queries (``queries/graph/``) are not among them: see :func:`graph_names`.

    >>> "countries-of-continent" in names(), "coverage-institutions-per-unit" in names()
    (True, False)
    """
    return sorted(p.stem for p in queries_dir().glob("*.rq"))


def graph_names() -> list[str]:
    """The names of the shipped queries over glamgraph's knowledge graph (``queries/graph/``).

    >>> graph_names()
    ['coverage-affiliates-per-unit', 'coverage-institutions-per-unit']
    """
    return sorted(p.stem for p in (queries_dir() / GRAPH_FOLDER).glob("*.rq"))


def parse(name: str, text: str, path: str = "") -> Query:
    """Parse a query's ``#`` header. Unknown header keys are ignored; bad params are refused."""
    title = returns = ""
    engines: tuple[str, ...] = ()
    params: dict[str, Param] = {}
    unroll: list[str] = []
    inlist: list[str] = []
    tagged: dict[str, tuple[str, tuple[str, ...]]] = {}
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        if not stripped.startswith("#"):
            break
        key, _, rest = stripped.lstrip("#").strip().partition(":")
        key, rest = key.strip().lower(), rest.strip()
        if key == "title":
            title = rest
        elif key == "returns":
            returns = rest
        elif key == "engines":
            engines = tuple(rest.split())
        elif key == "param":
            parts = rest.split()
            if (
                len(parts) < 2
                or _NAME_RE.fullmatch(parts[0]) is None
                or parts[1] not in PARAM_TYPES
            ):
                raise BadInput(f"query {name}: malformed param header: {rest!r}")
            params[parts[0]] = Param(parts[0], parts[1], tuple(parts[2:]))
        elif key == "unroll":
            unroll.extend(rest.split())
        elif key == "inlist":
            inlist.extend(rest.split())
        elif key == "tagged":
            parts = rest.split()
            if len(parts) < 3 or not all(_NAME_RE.fullmatch(p) for p in parts[:2]):
                raise BadInput(f"query {name}: malformed tagged header: {rest!r}")
            try:
                tags = tuple(ids.check_lang(t) for t in parts[2:])
            except BadInput as exc:
                raise BadInput(f"query {name}: malformed tagged header: {exc}") from None
            tagged[parts[0]] = (parts[1], tags)
    for pname in [*unroll, *tagged, *inlist]:
        if pname not in params:
            raise BadInput(f"query {name}: header names an undeclared parameter {pname!r}")
    return Query(
        name, text, title, returns, engines, params, path, tuple(unroll), tagged, tuple(inlist)
    )


#: Engine kinds that get a parameter marked ``# unroll:`` as constants (see the module docs).
UNROLL_KINDS: Final = frozenset({"virtuoso", "generic"})
#: What an ``# engines:`` entry means in engine kinds.
_HEADER_KINDS: Final[Mapping[str, frozenset[str]]] = {
    "wdqs": frozenset({"wdqs"}),
    "qlever": frozenset({"qlever"}),
    "oxigraph": frozenset({"oxigraph"}),
    "virtuoso": frozenset({"virtuoso"}),
    "snapshot": frozenset({"embedded"}),
    "embedded": frozenset({"embedded"}),
    "generic": frozenset({"generic"}),
    "sparql": frozenset({"wdqs", "qlever", "oxigraph", "virtuoso", "embedded", "generic"}),
}
_REMOTE_KINDS: Final = frozenset({"wdqs", "qlever", "oxigraph", "virtuoso", "generic"})


def supports(query: Query, kind: str) -> bool:
    """Whether an engine of ``kind`` may run ``query`` by its ``# engines:`` header.

    A query without the header runs anywhere. An endpoint of unknown make (``generic``) runs a
    query meant for any remote SPARQL engine; a query meant only for ``graph`` (glamgraph's own
    knowledge graph) runs on no endpoint.

    >>> q = parse("t", "# engines: graph\\nSELECT * {}")
    >>> supports(q, "oxigraph"), supports(q, "generic")
    (False, False)
    >>> supports(load("class-closure"), "virtuoso")
    True
    """
    if not query.engines:
        return True
    allowed: set[str] = set()
    for entry in query.engines:
        allowed |= _HEADER_KINDS.get(entry, frozenset())
    if kind == "generic":
        return bool(allowed & _REMOTE_KINDS)
    return kind in allowed


def _skip_term(text: str, i: int) -> int:
    """The index after the string literal, IRI or comment starting at ``i`` (else ``i``)."""
    c = text[i]
    if c == "#":
        end = text.find("\n", i)
        return len(text) if end < 0 else end
    if c in "\"'":
        j = i + 1
        while j < len(text) and text[j] != c:
            j += 2 if text[j] == "\\" else 1
        return j + 1
    if c == "<":
        m = _IRI_RE.match(text, i)
        return m.end() if m else i
    return i


_IRI_RE: Final = re.compile(r"<[^<>\"{}|^`\\\s]*>")


def _enclosing_group(text: str, pos: int) -> tuple[int, int]:
    """The positions of the ``{`` and ``}`` of the innermost group around ``pos``."""
    stack: list[int] = []
    i = 0
    opened = -1
    while i < len(text):
        j = _skip_term(text, i)
        if j != i:
            i = j
            continue
        c = text[i]
        if i == pos:
            if not stack:
                break
            opened = stack[-1]
        if c == "{":
            stack.append(i)
        elif c == "}":
            if not stack:
                break
            start = stack.pop()
            if start == opened:
                return start, i
        i += 1
    raise ValueError("no enclosing group")


def _unroll(text: str, block: re.Match[str], pname: str, terms: list[str]) -> str:
    """The group around ``block`` once per term, joined by ``UNION`` (see the module docs)."""
    open_, close = _enclosing_group(text, block.start())
    body = text[open_ + 1 : block.start()] + text[block.end() : close]
    var = re.compile(r"[?$]" + re.escape(pname) + r"(?![A-Za-z0-9_])")
    parts = [
        "{ " + var.sub(_literal(t), body).strip() + f" BIND({t} AS ?{pname}) }}" for t in terms
    ]
    return text[: open_ + 1] + "\n  " + "\n  UNION\n  ".join(parts) + "\n" + text[close:]


@cache
def load(name: str) -> Query:
    """Load a shipped endpoint query by name (its file stem).

    >>> load("countries-of-continent").params["continent"].type
    'qid'
    """
    if _QUERY_NAME_RE.fullmatch(name) is None:
        raise UnknownQuery(f"unknown query name: {name!r}")
    path = queries_dir() / f"{name}.rq"
    if not path.is_file():
        raise UnknownQuery(f"unknown query: {name!r} (known: {', '.join(names())})")
    return parse(name, path.read_text(encoding="utf-8"), str(path))


@cache
def load_graph(name: str) -> Query:
    """Load a shipped knowledge-graph query (``queries/graph/``) by name.

    >>> load_graph("coverage-institutions-per-unit").engines
    ('graph',)
    """
    if _QUERY_NAME_RE.fullmatch(name) is None:
        raise UnknownQuery(f"unknown query name: {name!r}")
    path = queries_dir() / GRAPH_FOLDER / f"{name}.rq"
    if not path.is_file():
        known = ", ".join(graph_names())
        raise UnknownQuery(f"unknown knowledge-graph query: {name!r} (known: {known})")
    return parse(name, path.read_text(encoding="utf-8"), str(path))


def load_file(path: str | Path) -> Query:
    """Load a user's own ``.rq`` file; its name is the file stem.

    The file must hold one SPARQL ``SELECT`` query (see :func:`check_query_form`): an update is
    refused here, before any engine could send it.
    """
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UnknownQuery(f"cannot read query file {str(p)!r}: {exc.__class__.__name__}") from exc
    check_query_form(text, ("SELECT",), name=str(p))
    return parse(p.stem, text, str(p))


#: The SPARQL query forms, as :func:`check_query_form` names them.
QueryForm = Literal["SELECT", "ASK", "CONSTRUCT", "DESCRIBE"]
_FORMS: Final[dict[str, QueryForm]] = {
    "SelectQuery": "SELECT",
    "AskQuery": "ASK",
    "ConstructQuery": "CONSTRUCT",
    "DescribeQuery": "DESCRIBE",
}


def check_query_form(
    text: str, allowed: Iterable[QueryForm] = ("SELECT",), *, name: str = "query"
) -> QueryForm:
    """Refuse anything but a read-only SPARQL query of an allowed form, by parsing it.

    glamgraph never writes to an endpoint: a SPARQL Update (``INSERT``, ``DELETE``, ``LOAD``,
    ``CLEAR``, ``DROP``...) or text that is not one SPARQL query is refused before anything is
    sent. The text is parsed with rdflib's SPARQL grammar (not guessed from its first keyword),
    so comments, ``PREFIX`` lines or odd spacing cannot hide an update.

    Args:
        text: the query text.
        allowed: the forms the caller can show (``SELECT`` by default).
        name: what the error message calls the query (e.g. the file name).

    Returns:
        The query's form.

    Raises:
        BadInput: an update, a query of a form not allowed, or text that does not parse.

    >>> check_query_form("PREFIX x: <http://x/> SELECT * { ?s x:p ?o }")
    'SELECT'
    >>> check_query_form("DELETE WHERE { ?s ?p ?o }", name="wipe.rq")
    Traceback (most recent call last):
    ...
    glamgraph.errors.BadInput: wipe.rq: a SPARQL Update, not a query: glamgraph never writes to an endpoint
    """
    from pyparsing import ParseException
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

    allowed_forms = set(allowed)
    try:
        parsed = parseQuery(text)
    except ParseException as exc:
        try:
            update = parseUpdate(text)
        except ParseException:
            update = None
        except Exception:
            update = None
        if update is not None and len(getattr(update, "request", ()) or ()) > 0:
            raise BadInput(
                f"{name}: a SPARQL Update, not a query: glamgraph never writes to an endpoint"
            ) from None
        where = f"line {exc.lineno}, column {exc.col}"
        raise BadInput(f"{name}: not a valid SPARQL query ({where})") from None
    except Exception as exc:
        raise BadInput(f"{name}: not a valid SPARQL query ({type(exc).__name__})") from None
    form = _FORMS.get(getattr(parsed[1], "name", ""), None)
    if form is None:
        raise BadInput(f"{name}: not a SPARQL query")
    if form not in allowed_forms:
        shown = "/".join(sorted(allowed_forms)) or "no"
        raise BadInput(f"{name}: a {form} query; this command runs {shown} queries only")
    return form


_UPDATE_WORD: Final = re.compile(
    r"\b(INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|WITH)\b", re.IGNORECASE
)
_NOT_CODE: Final = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
    r'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>"{}|^`\\\s]*>|#[^\n]*'
)


def refuse_update(text: str, *, name: str = "query") -> None:
    """Refuse a SPARQL Update before it is sent: the last guard of every engine.

    Cheap for queries: strings, IRIs and comments are set aside and only a text that still holds
    an update keyword is parsed (:func:`check_query_form`), which decides.

    >>> refuse_update('SELECT ?s { ?s ?p "DELETE" } # CLEAR ALL')
    >>> refuse_update("DELETE WHERE { ?s ?p ?o }", name="raw")
    Traceback (most recent call last):
    ...
    glamgraph.errors.BadInput: raw: a SPARQL Update, not a query: glamgraph never writes to an endpoint
    """
    # no update keyword anywhere (the usual case) needs no look at what is code
    if _UPDATE_WORD.search(text) is None or _UPDATE_WORD.search(_NOT_CODE.sub(" ", text)) is None:
        return
    check_query_form(text, ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE"), name=name)


def resolve(name_or_path: str) -> Query:
    """A shipped query by name, or a ``.rq`` file by path."""
    if name_or_path.endswith(".rq") or "/" in name_or_path or "\\" in name_or_path:
        return load_file(name_or_path)
    return load(name_or_path)


def sparql_string(value: str) -> str:
    """A SPARQL string literal for any text: quotes, backslashes and line breaks escaped.

    >>> print(sparql_string('a "b" \\\\ c\\n}'))
    "a \\"b\\" \\\\ c\\n}"
    """
    out = (
        value.replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("\n", "\\n")
        .replace("\r", "\\r")
        .replace("\t", "\\t")
        .replace("\b", "\\b")
        .replace("\f", "\\f")
    )
    return f'"{out}"'


def _as_list(value: ParamValue, ptype: str) -> list[str]:
    raw = [str(value)] if isinstance(value, str | int) else [str(v) for v in value]
    if ptype in ("qid+", "lang+"):  # lists of codes may also come as "Q1,Q2" or "fr en"
        return [part for item in raw for part in re.split(r"[,\s]+", item.strip()) if part]
    return raw


def term(ptype: str, value: str) -> str:
    """One value of a parameter as a SPARQL term, after checking it against the type.

    >>> term("qid", "Q46"), term("lang+", "fr"), term("int", "12")
    ('wd:Q46', '"fr"', '12')
    """
    base = ptype.rstrip("+")
    if base == "qid":
        return "wd:" + ids.check_qid(value)
    if base == "lang":
        return sparql_string(ids.check_lang(value))
    if base == "int":
        if re.fullmatch(r"-?[0-9]{1,18}", value) is None:
            raise BadInput(f"malformed integer: {value!r}")
        return str(int(value))
    if base == "string":
        return sparql_string(value)
    raise BadInput(f"unknown parameter type: {ptype!r}")


def _literal(replacement: str) -> Callable[[re.Match[str]], str]:
    """A ``re.sub`` replacement that inserts ``replacement`` as is (no backslash processing)."""
    return lambda _match: replacement


def fill(
    query: Query,
    params: Mapping[str, ParamValue] | None = None,
    *,
    engine_kind: EngineKind = "generic",
) -> str:
    """The query text with every declared parameter written into its ``VALUES`` block.

    ``engine_kind`` names the engine the text is for, so a parameter can be rendered in the form
    that engine accepts (``# unroll:`` and ``# tagged:`` in the module docs).

    >>> q = parse("t", "# param: r qid+\\n# unroll: r\\nSELECT * { VALUES ?r { } ?c <p>* ?r }")
    >>> print(fill(q, {"r": ["Q1", "Q2"]}, engine_kind="virtuoso").splitlines()[-5:])
    ['SELECT * {', '  { ?c <p>* wd:Q1 BIND(wd:Q1 AS ?r) }', '  UNION', '  { ?c <p>* wd:Q2 BIND(wd:Q2 AS ?r) }', '}']
    >>> fill(q, {"r": ["Q1", "Q2"]}, engine_kind="oxigraph").splitlines()[-1]
    'SELECT * { VALUES ?r { wd:Q1 wd:Q2 } ?c <p>* ?r }'
    >>> q = parse("t", "# param: l lang+\\n# inlist: l\\nSELECT * { ?s ?p ?o FILTER(LANG(?o) IN (?l)) }")
    >>> fill(q, {"l": "fr,en"}).splitlines()[-1]
    'SELECT * { ?s ?p ?o FILTER(LANG(?o) IN ("fr", "en")) }'

    Raises :class:`BadInput` for an unknown parameter, a missing one without default, or a value
    that does not fit the parameter's type.
    """
    given = dict(params or {})
    unknown = sorted(set(given) - set(query.params))
    if unknown:
        known = ", ".join(query.params) or "none"
        raise BadInput(f"query {query.name}: unknown parameter {unknown[0]!r} (known: {known})")
    text = query.text
    for pname, param in query.params.items():
        raw = _as_list(given[pname], param.type) if pname in given else list(param.default)
        if not raw:
            raise BadInput(f"query {query.name}: missing parameter {pname!r} ({param.type})")
        if not param.type.endswith("+") and len(raw) != 1:
            raise BadInput(f"query {query.name}: parameter {pname!r} takes one value")
        try:
            term_list = [term(param.type, v) for v in raw]
        except BadInput as exc:
            raise BadInput(f"query {query.name}, parameter {pname}: {exc}") from None
        terms = " ".join(term_list)
        if pname in query.inlist:
            pattern = re.compile(r"\bIN\s*\(\s*\?" + re.escape(pname) + r"\s*\)", re.IGNORECASE)
            text, count = pattern.subn(_literal(f"IN ({', '.join(term_list)})"), text)
            if count == 0:
                raise BadInput(f"query {query.name}: no 'IN (?{pname})' for parameter")
            continue
        if pname in query.tagged:
            lit, tags = query.tagged[pname]
            pattern = re.compile(
                r"VALUES\s*\(\s*\?"
                + re.escape(pname)
                + r"\s+\?"
                + re.escape(lit)
                + r"\s*\)\s*\{\s*\}"
            )
            rows = " ".join(f"({t} {t}@{tag})" for t in term_list for tag in tags)
            text, count = pattern.subn(_literal(f"VALUES (?{pname} ?{lit}) {{ {rows} }}"), text)
            if count == 0:
                raise BadInput(
                    f"query {query.name}: no 'VALUES (?{pname} ?{lit}) {{ }}' block for parameter"
                )
            continue
        pattern = re.compile(r"VALUES\s+\?" + re.escape(pname) + r"\s*\{\s*\}")
        if pname in query.unroll and engine_kind in UNROLL_KINDS:
            found = pattern.search(text)
            if found is not None:
                try:
                    text = _unroll(text, found, pname, term_list)
                except ValueError:
                    raise BadInput(
                        f"query {query.name}: 'VALUES ?{pname} {{ }}' is in no group to unroll"
                    ) from None
                continue
        text, count = pattern.subn(_literal(f"VALUES ?{pname} {{ {terms} }}"), text)
        if count == 0:
            raise BadInput(f"query {query.name}: no 'VALUES ?{pname} {{ }}' block for parameter")
    return text


def parse_param_args(args: Iterable[str]) -> dict[str, list[str]]:
    """Parse CLI ``KEY=VALUE`` arguments; a repeated key gives several values.

    >>> parse_param_args(["continent=Q15", "langs=fr,en", "langs=mul"])
    {'continent': ['Q15'], 'langs': ['fr,en', 'mul']}
    """
    out: dict[str, list[str]] = {}
    for arg in args:
        key, sep, value = arg.partition("=")
        key = key.strip()
        if not sep or _NAME_RE.fullmatch(key) is None or not value.strip():
            raise BadInput(f"malformed --param {arg!r}: expected KEY=VALUE")
        out.setdefault(key, []).append(value.strip())
    return out
