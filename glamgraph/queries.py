"""The SPARQL query files in ``queries/``: loading, headers, and safe parameter filling.

Every query is a ``.rq`` file that starts with a ``#`` header::

    # title: Countries of a continent
    # returns: ?country ?iso ?label
    # param: continent qid
    # param: langs lang+ en mul
    # engines: wdqs qlever oxigraph snapshot

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


@cache
def _queries_dir() -> Path:
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
    return sorted(p.stem for p in _queries_dir().glob("*.rq"))


def graph_names() -> list[str]:
    """The names of the shipped queries over glamgraph's knowledge graph (``queries/graph/``).

    >>> graph_names()
    ['coverage-affiliates-per-unit', 'coverage-institutions-per-unit']
    """
    return sorted(p.stem for p in (_queries_dir() / GRAPH_FOLDER).glob("*.rq"))


def parse(name: str, text: str, path: str = "") -> Query:
    """Parse a query's ``#`` header. Unknown header keys are ignored; bad params are refused."""
    title = returns = ""
    engines: tuple[str, ...] = ()
    params: dict[str, Param] = {}
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
    return Query(name, text, title, returns, engines, params, path)


@cache
def load(name: str) -> Query:
    """Load a shipped endpoint query by name (its file stem).

    >>> load("countries-of-continent").params["continent"].type
    'qid'
    """
    if _QUERY_NAME_RE.fullmatch(name) is None:
        raise UnknownQuery(f"unknown query name: {name!r}")
    path = _queries_dir() / f"{name}.rq"
    if not path.is_file():
        raise UnknownQuery(f"unknown query: {name!r} (known: {', '.join(names())})")
    return parse(name, path.read_text(encoding="utf-8"), str(path))


@cache
def load_graph(name: str) -> Query:
    """Load a shipped knowledge-graph query (``queries/graph/``) by name.

    >>> load_graph("coverage-institutions-per-unit").engines
    ('embedded',)
    """
    if _QUERY_NAME_RE.fullmatch(name) is None:
        raise UnknownQuery(f"unknown query name: {name!r}")
    path = _queries_dir() / GRAPH_FOLDER / f"{name}.rq"
    if not path.is_file():
        known = ", ".join(graph_names())
        raise UnknownQuery(f"unknown knowledge-graph query: {name!r} (known: {known})")
    return parse(name, path.read_text(encoding="utf-8"), str(path))


def load_file(path: str | Path) -> Query:
    """Load a user's own ``.rq`` file; its name is the file stem."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UnknownQuery(f"cannot read query file {str(p)!r}: {exc.__class__.__name__}") from exc
    return parse(p.stem, text, str(p))


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
    that engine accepts.

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
            terms = " ".join(term(param.type, v) for v in raw)
        except BadInput as exc:
            raise BadInput(f"query {query.name}, parameter {pname}: {exc}") from None
        pattern = re.compile(r"VALUES\s+\?" + re.escape(pname) + r"\s*\{\s*\}")
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
