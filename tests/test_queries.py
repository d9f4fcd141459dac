"""Query files: headers, loading, and safe parameter filling (no input can change a structure)."""

from __future__ import annotations

import re

import pyoxigraph as ox
import pytest

from glamgraph import queries
from glamgraph.errors import BadInput, UnknownQuery

HOSTILE = [
    "Q1> } DROP ALL #",
    'Q1" } #',
    "Q1\n} SELECT * WHERE { ?s ?p ?o }",
    "Q1}",
    "wd:Q1",
    "Q0",
    "",
    "q42",
]


def test_every_shipped_query_has_a_header_and_parses() -> None:
    names = queries.names()
    assert len(names) >= 10
    for name in names:
        q = queries.load(name)
        assert q.title, f"{name}: no '# title:'"
        assert q.returns, f"{name}: no '# returns:'"
        # Wikidata queries run on the public engines at least; every word is a known engine kind
        # ("snapshot" is the former word for "embedded", in files edited on other branches)
        # (a "-bulk" form is for the engines that join by hash: WDQS runs its twin, which takes
        # the same parameters and returns the same variables)
        if name.endswith("-bulk"):
            twin = queries.load(name.removesuffix("-bulk"))
            assert "wdqs" in twin.engines and "wdqs" not in q.engines, name
            assert "qlever" in q.engines, name
            assert (q.params, q.returns) == (twin.params, twin.returns), name
        else:
            assert {"wdqs", "qlever"} <= set(q.engines), name
        assert set(q.engines) <= set(queries.ENGINE_KINDS) | {"snapshot"}, name
        text = q.text
        # portable SPARQL: declared prefixes, no Blazegraph-only features
        assert "SERVICE wikibase:label" not in text and "hint:" not in text and "bd:" not in text
        for prefix in set(re.findall(r"\b(wd|wdt|p|ps|rdfs|skos|xsd|gg):[A-Za-z]", text)):
            assert f"PREFIX {prefix}:" in text, f"{name}: prefix {prefix} not declared"
        # fill with typical values and check the result is valid SPARQL
        params: dict[str, object] = {}
        for p in q.params.values():
            if p.default:
                continue
            params[p.name] = {
                "qid": "Q46",
                "qid+": ["Q46", "Q15"],
                "string": "FR",
                "string+": ["France"],
                "int": 3,
                "lang": "en",
                "lang+": ["en"],
            }[p.type]
        filled = queries.fill(q, params)
        ox.Store().query(filled)  # raises SyntaxError when the filled text is not SPARQL


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_qids_are_refused(value: str) -> None:
    q = queries.load("countries-of-continent")
    with pytest.raises(BadInput, match="parameter continent"):
        queries.fill(q, {"continent": value})


@pytest.mark.parametrize(
    "value",
    ['" } DROP ALL #', 'a"b', "line\nbreak } UNION { ?s ?p ?o }", "}", "\\", "'; --", "\x00"],
)
def test_hostile_strings_are_neutralised(value: str) -> None:
    """A free string becomes one literal: the parsed query still has exactly one VALUES term."""
    q = queries.load("region-by-iso")
    filled = queries.fill(q, {"code": value})
    store = ox.Store()
    store.add(
        ox.Quad(
            ox.NamedNode("http://www.wikidata.org/entity/Q1"),
            ox.NamedNode("http://www.wikidata.org/prop/direct/P297"),
            ox.Literal(value),
        )
    )
    rows = list(store.query(filled))
    # the literal matched the stored value exactly: the input stayed one string term
    assert len(rows) == 1 and rows[0]["item"].value == "http://www.wikidata.org/entity/Q1"
    # and the text outside the VALUES block is unchanged
    assert filled.replace(queries.sparql_string(value), "") == q.text.replace(
        "VALUES ?code { }", "VALUES ?code {  }"
    )


@pytest.mark.parametrize("value", ["en} #", "EN", "e", "fr,en; DROP", "x" * 20])
def test_hostile_language_codes_are_refused(value: str) -> None:
    with pytest.raises(BadInput):
        queries.fill(queries.load("labels"), {"item": "Q1", "langs": [value]})


@pytest.mark.parametrize("value", ['en")) } DROP ALL #', "en) || (1", "EN"])
def test_hostile_language_codes_in_an_in_list_are_refused(value: str) -> None:
    with pytest.raises(BadInput):
        queries.fill(queries.load("institution-contacts"), {"item": "Q1", "langs": [value]})


def test_an_in_list_parameter_becomes_constants_and_nothing_else_changes() -> None:
    q = queries.load("institution-contacts")
    assert q.inlist == ("langs",)
    filled = queries.fill(q, {"item": ["Q1"], "langs": ["fr", "en"]})
    assert 'FILTER(LANG(?value) IN ("fr", "en"))' in filled
    assert filled.replace('("fr", "en")', "(?langs)").replace("wd:Q1 ", "") == q.text
    # the default languages when none are given
    assert 'IN ("en", "mul")' in queries.fill(q, {"item": ["Q1"]})
    with pytest.raises(BadInput, match="no 'IN \\(\\?l\\)'"):
        queries.fill(
            queries.parse("t", "# param: l lang+\n# inlist: l\nSELECT * { ?s ?p ?o }"), {"l": "en"}
        )
    with pytest.raises(BadInput, match="undeclared parameter 'l'"):
        queries.parse("t", "# inlist: l\nSELECT * { ?s ?p ?o }")


def test_unknown_and_missing_parameters() -> None:
    q = queries.load("countries-of-continent")
    with pytest.raises(BadInput, match="unknown parameter 'x'"):
        queries.fill(q, {"continent": "Q46", "x": "1"})
    with pytest.raises(BadInput, match="missing parameter 'continent'"):
        queries.fill(q, {})
    with pytest.raises(BadInput, match="takes one value"):
        queries.fill(q, {"continent": ["Q46", "Q15"]})


def test_int_parameter_refuses_non_integers() -> None:
    q = queries.load("institutions-without-country")
    with pytest.raises(BadInput, match="malformed integer"):
        queries.fill(q, {"class": "Q33506", "lo": "1 || true"})
    assert "VALUES ?lo { 5 }" in queries.fill(q, {"class": "Q33506", "lo": 5})


def test_graph_queries_are_apart_from_endpoint_queries() -> None:
    """The queries over glamgraph's knowledge graph are not offered to run on an endpoint."""
    graph = queries.graph_names()
    assert graph == ["coverage-affiliates-per-unit", "coverage-institutions-per-unit"]
    assert not set(graph) & set(queries.names())
    for name in graph:
        q = queries.load_graph(name)
        assert q.engines == ("graph",) and "gg:" in q.text
        with pytest.raises(UnknownQuery):
            queries.load(name)
    with pytest.raises(UnknownQuery, match="knowledge-graph query"):
        queries.load_graph("countries-of-continent")
    with pytest.raises(UnknownQuery):
        queries.load_graph("../countries-of-continent")


def test_unknown_query_names() -> None:
    with pytest.raises(UnknownQuery, match="unknown query: 'nope'"):
        queries.load("nope")
    with pytest.raises(UnknownQuery):
        queries.load("../etc/passwd")
    with pytest.raises(UnknownQuery, match="cannot read query file"):
        queries.resolve("/nonexistent/x.rq")


def test_user_query_file(tmp_path) -> None:  # type: ignore[no-untyped-def]
    f = tmp_path / "mine.rq"
    f.write_text("# title: mine\n# param: c qid\nSELECT ?c WHERE { VALUES ?c { } }\n")
    q = queries.resolve(str(f))
    assert q.name == "mine"
    assert "wd:Q5" in queries.fill(q, {"c": "Q5"})
