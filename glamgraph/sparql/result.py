"""The result of one SPARQL query, with the query that made it.

Rows are SPARQL 1.1 JSON bindings exactly as an endpoint sends them
(``{"var": {"type": "uri", "value": "..."}}``), whichever engine answered, so every layer above
reads one shape. Helpers turn terms into Python values.

>>> r = QueryResult(vars=("c",), rows=[{"c": {"type": "uri",
...     "value": "http://www.wikidata.org/entity/Q142"}}], query_name="demo")
>>> r.qids("c")
['Q142']
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from operator import itemgetter
from typing import Any
from urllib.parse import quote

from glamgraph import vocab

Term = dict[str, str]
Row = dict[str, Term]


#: RDF term types of SPARQL 1.1 JSON results (``typed-literal`` from SPARQL 1.0 servers).
TERM_TYPES = frozenset({"uri", "literal", "typed-literal", "bnode", "triple"})
#: The longest QID number glamgraph takes from an endpoint (Wikidata's are under 10 digits).
MAX_QID_DIGITS = 15


def check_bindings(vars_: object, rows: object) -> str | None:
    """Why ``vars_``/``rows`` are not SPARQL JSON ``head.vars``/``results.bindings``, or ``None``.

    Every row is an object of terms; every term an object with a string ``type`` among the RDF
    term types and a string ``value`` (``xml:lang``/``datatype`` strings when present); a
    Wikidata item URI has a QID of at most 15 digits.

    >>> check_bindings(["x"], [1, 2])
    'row 0 is not an object'
    >>> check_bindings(["x"], [{"x": {"type": "literal", "value": 5}}])
    "row 0, ?x: 'value' is not a string"
    >>> check_bindings(["x"], [{"x": {"type": "uri", "value": vocab.WD + "Q" + "1" * 50}}])
    'row 0, ?x: a QID of 51 characters'
    >>> check_bindings(["x"], [{"x": {"type": "uri", "value": vocab.WD + "Q42"}}]) is None
    True
    """
    if not isinstance(vars_, list) or not all(isinstance(v, str) for v in vars_):
        return "head.vars is not a list of names"
    if not isinstance(rows, list):
        return "results.bindings is not a list"
    if _plain_bindings(rows):
        return None
    for i, row in enumerate(rows):
        if not isinstance(row, dict):
            return f"row {i} is not an object"
        for var, t in row.items():
            where = f"row {i}, ?{var}"
            if not isinstance(t, dict):
                return f"{where}: not a term object"
            if not isinstance(t.get("type"), str) or t["type"] not in TERM_TYPES:
                return f"{where}: unknown term type {str(t.get('type'))[:40]!r}"
            if not isinstance(t.get("value"), str):
                return f"{where}: 'value' is not a string"
            for key in ("xml:lang", "datatype"):
                if key in t and not isinstance(t[key], str):
                    return f"{where}: {key!r} is not a string"
            v = t["value"]
            if t["type"] == "uri" and v.startswith(vocab.WD + "Q"):
                tail = v[len(vocab.WD) :]
                if len(tail) > MAX_QID_DIGITS + 1:
                    return f"{where}: a QID of {len(tail)} characters"
    return None


#: A Wikidata item URI longer than this has a QID of more than MAX_QID_DIGITS digits.
_LONGEST_ITEM_URI = len(vocab.WD) + 1 + MAX_QID_DIGITS
_ITEM_PREFIX = vocab.WD + "Q"


def _plain_bindings(rows: list[Any]) -> bool:
    """True when every row passes :func:`check_bindings`'s rules (its fast path: one loop, no
    message built). ``False`` means "look closer": the full check then says why.
    """
    types, str_ = TERM_TYPES, str
    longest, prefix = _LONGEST_ITEM_URI, _ITEM_PREFIX
    try:
        for row in rows:
            if row.__class__ is not dict:
                return False
            for t in row.values():
                if t.__class__ is not dict:
                    return False
                v, ty = t["value"], t["type"]
                if v.__class__ is not str_ or ty not in types:
                    return False
                if len(t) != 2 and (
                    t.get("xml:lang", "").__class__ is not str_
                    or t.get("datatype", "").__class__ is not str_
                ):
                    return False
                if len(v) > longest and ty == "uri" and v.startswith(prefix):
                    return False
    except (KeyError, TypeError):  # a term without type or value; an unhashable type
        return False
    return True


def term_value(row: Row, var: str) -> str | None:
    """The lexical value of ``var`` in ``row``, or ``None`` when unbound."""
    t = row.get(var)
    return None if t is None else t.get("value")


def term_qid(row: Row, var: str) -> str | None:
    """The QID of ``var`` when it is bound to a Wikidata item URI, else ``None``.

    >>> term_qid({"x": {"type": "uri", "value": "http://www.wikidata.org/entity/Q5"}}, "x")
    'Q5'
    """
    return qid_of_term(row.get(var))


_WD_LEN = len(vocab.WD)


def qid_of_term(t: Term | None) -> str | None:
    """The QID of a term that is a Wikidata item URI (``Q`` and ASCII digits), else ``None``.

    >>> qid_of_term({"type": "uri", "value": "http://www.wikidata.org/entity/Q5"})
    'Q5'
    >>> qid_of_term({"type": "literal", "value": "http://www.wikidata.org/entity/Q5"}) is None
    True
    """
    if t is None or t.get("type") != "uri":
        return None
    v = t["value"]
    if v.startswith(_ITEM_PREFIX):
        digits = v[_WD_LEN + 1 :]
        if digits.isdigit() and digits.isascii():
            return v[_WD_LEN:]
    return None


def term_bool(row: Row, var: str) -> bool:
    """True when ``var`` is bound to a true boolean literal."""
    return term_value(row, var) in ("true", "1")


@dataclass(frozen=True)
class QueryResult:
    """Bindings plus where they came from: query, endpoint, time, cache and fallback.

    Attributes:
        vars: the projected variables, in order.
        rows: SPARQL 1.1 JSON bindings.
        query_name: the query's file stem (``countries-of-continent``) or a user file's stem.
        query_text: the exact text sent (``#tool:`` line and filled parameters included). For a
            split result, the unsplit query the parts add up to; the texts actually sent are in
            ``part_queries``.
        endpoint: the engine that answered (``wdqs``, ``qlever``, ``snapshot`` or a URL).
        endpoint_url: that engine's URL.
        started: when the answering request started (for a cached result: when it was fetched).
        duration_s: seconds the request took (for a split result: the whole split, waits included).
        from_cache: read from the on-disk cache (every part, for a split result).
        fallback_from: the engine that failed first when another one answered, else ``None``.
        parts: how many queries' rows were merged (1 unless split).
        part_queries: the texts of those queries when there was more than one.
    """

    vars: tuple[str, ...]
    rows: list[Row]
    query_name: str = ""
    query_text: str = ""
    endpoint: str = ""
    endpoint_url: str = ""
    started: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))
    duration_s: float = 0.0
    from_cache: bool = False
    fallback_from: str | None = None
    parts: int = 1
    part_queries: tuple[str, ...] = ()

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self) -> Iterator[Row]:
        return iter(self.rows)

    def values(self, var: str) -> list[str | None]:
        """The lexical values of one variable, row by row."""
        return [term_value(r, var) for r in self.rows]

    def qids(self, var: str) -> list[str]:
        """The QIDs bound to ``var``, in row order, unbound and non-item values skipped."""
        out = []
        for r in self.rows:
            q = term_qid(r, var)
            if q is not None:
                out.append(q)
        return out

    def with_(self, **changes: Any) -> QueryResult:
        """A copy with some fields changed."""
        return replace(self, **changes)

    def ui_url(self) -> str:
        """A link that opens the query in an editor: QLever's for QLever results, else the WDQS
        editor for Wikidata-shaped results (the offline snapshot's included, so a result can be
        rerun live); empty for queries over glamgraph's own graph.

        >>> QueryResult(vars=(), rows=[], query_text="SELECT 1", endpoint="snapshot").ui_url()
        'https://query.wikidata.org/#SELECT%201'
        """
        if self.endpoint == "qlever" or self.endpoint_url == vocab.QLEVER_URL:
            return vocab.QLEVER_UI + quote(self.query_text)
        if self.endpoint == "graph" or not self.query_text:
            return ""
        return vocab.WDQS_UI + quote(self.query_text)

    def provenance(self) -> dict[str, Any]:
        """What a report needs to cite this result."""
        return {
            "query_name": self.query_name,
            "endpoint": self.endpoint,
            "endpoint_url": self.endpoint_url,
            "started": self.started.isoformat(timespec="seconds"),
            "duration_s": round(self.duration_s, 3),
            "from_cache": self.from_cache,
            "fallback_from": self.fallback_from,
            "parts": self.parts,
            "rows": len(self.rows),
        }

    def to_dataframe(self) -> Any:
        """The bindings as a pandas DataFrame of lexical values, Wikidata items as bare QIDs
        (needs pandas).

        >>> QueryResult(vars=("x",), rows=[{"x": {"type": "uri",
        ...     "value": "http://www.wikidata.org/entity/Q5"}}]).to_dataframe().loc[0, "x"]
        'Q5'
        """
        import pandas as pd

        return pd.DataFrame(
            [{v: term_qid(r, v) or term_value(r, v) for v in self.vars} for r in self.rows],
            columns=list(self.vars),
        )


_VALUE = itemgetter("value")


def _row_key(row: Row) -> tuple[tuple[str, str, str, str, str], ...]:
    """What makes two rows the same: each variable's term type, value, language and datatype."""
    return tuple(
        sorted(
            (k, t.get("type", ""), t.get("value", ""), t.get("xml:lang", ""), t.get("datatype", ""))
            for k, t in row.items()
        )
    )


def _distinct_rows(parts: list[list[Row]]) -> list[Row]:
    """The rows of ``parts``, in order, without the repeats (by :func:`_row_key`).

    A row whose values (sorted, whatever their variables) no other row shares cannot repeat
    one: it is kept without building its key, which only the others need (a few, if any).

    >>> a = {"x": {"type": "literal", "value": "1"}}
    >>> b = {"x": {"type": "literal", "value": "1", "xml:lang": "en"}}
    >>> _distinct_rows([[a, b], [dict(a)]]) == [a, b]
    True
    """
    try:
        values = [tuple(sorted(map(_VALUE, row.values()))) for rows in parts for row in rows]
    except (KeyError, TypeError, AttributeError):  # a term without a string value
        values = []
    shared = Counter(values)
    seen: set[tuple[tuple[str, str, str, str, str], ...]] = set()
    out: list[Row] = []
    i = 0
    for rows in parts:
        for row in rows:
            if values and shared[values[i]] == 1:
                out.append(row)
            else:
                key = _row_key(row)
                if key not in seen:
                    seen.add(key)
                    out.append(row)
            i += 1
    return out


def merge(
    results: list[QueryResult], name: str = "", *, query_text: str | None = None
) -> QueryResult:
    """One result from the parts of a split query: rows de-duplicated, first provenance kept.

    ``query_text`` (when given) is the unsplit query the parts add up to; the parts' own texts go
    to ``part_queries``.

    >>> a = QueryResult(vars=("x",), rows=[{"x": {"type": "literal", "value": "1"}}])
    >>> len(merge([a, a]))
    1
    >>> merge([a, a], query_text="SELECT ...").parts
    2
    """
    if not results:
        return QueryResult(vars=(), rows=[], query_name=name, query_text=query_text or "", parts=0)
    vars_: list[str] = []
    for res in results:
        for v in res.vars:
            if v not in vars_:
                vars_.append(v)
    rows = _distinct_rows([res.rows for res in results])
    first = results[0]
    texts = tuple(t for r in results for t in (r.part_queries or (r.query_text,)))
    return replace(
        first,
        vars=tuple(vars_),
        rows=rows,
        query_name=name or first.query_name,
        query_text=first.query_text if query_text is None else query_text,
        started=min(r.started for r in results),
        duration_s=sum(r.duration_s for r in results),
        from_cache=all(r.from_cache for r in results),
        fallback_from=next((r.fallback_from for r in results if r.fallback_from), None),
        parts=sum(r.parts for r in results),
        part_queries=texts if len(texts) > 1 else (),
    )
