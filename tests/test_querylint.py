"""The query lint: every shipped query passes, and each rule fires on a query that breaks it."""

from __future__ import annotations

import pytest

from glamgraph import queries, querylint
from glamgraph.querylint import RULES, lint_text

#: Findings waived, by (query, rule), each with its reason; none at present. A stale entry fails
#: the test below, so the list cannot go out of date.
ALLOWED: dict[tuple[str, str], str] = {}

PREFIXES = """PREFIX wd: <http://www.wikidata.org/entity/>
PREFIX wdt: <http://www.wikidata.org/prop/direct/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""

#: One query per rule that breaks it, and a fixed twin that does not.
BAD_AND_GOOD = {
    "filter-in-optional": (
        "# engines: wdqs qlever\n# param: lang lang en\n"
        + PREFIXES
        + """SELECT ?c ?l WHERE {
  VALUES ?lang { }
  ?c wdt:P30 wd:Q46 .
  OPTIONAL { ?c rdfs:label ?l . FILTER(LANG(?l) = ?lang) }
}""",
        "# engines: wdqs qlever\n# param: lang lang en\n"
        + PREFIXES
        + """SELECT ?c ?l WHERE {
  ?c wdt:P30 wd:Q46 .
  OPTIONAL { VALUES ?lang { } ?c rdfs:label ?l . FILTER(LANG(?l) = ?lang) }
}""",
    ),
    "values-product": (
        "# engines: wdqs\n# param: class qid+\n# param: country qid+\n"
        + PREFIXES
        + """SELECT ?item WHERE {
  VALUES ?class { }
  VALUES ?country { }
  ?item wdt:P31 ?class ; wdt:P17 ?country .
}""",
        "# engines: wdqs\n# param: class qid+\n"
        + PREFIXES
        + """SELECT ?item ?country WHERE {
  VALUES ?class { }
  ?item wdt:P31 ?class .
  OPTIONAL { ?item wdt:P17 ?country }
}""",
    ),
    "transitive-unbound": (
        "# engines: virtuoso\n# param: root qid+\n"
        + PREFIXES
        + "SELECT ?class WHERE { VALUES ?root { } ?class wdt:P279* ?root . }",
        "# engines: virtuoso\n"
        + PREFIXES
        + "SELECT ?class WHERE { { ?class wdt:P279* wd:Q33506 } UNION { ?class wdt:P279* wd:Q7075 } }",
    ),
    "bind-in-optional": (
        "# engines: virtuoso\n# param: items qid+\n"
        + PREFIXES
        + """SELECT ?item ?historical WHERE { VALUES ?item { }
  OPTIONAL { ?item wdt:P31 ?h . FILTER(?h = wd:Q3024240) BIND(true AS ?historical) }
  OPTIONAL { ?item wdt:P625 ?coord } }""".replace("VALUES ?item", "VALUES ?items"),
        "# engines: virtuoso\n# param: items qid+\n"
        + PREFIXES
        + """SELECT ?item ?historical WHERE { VALUES ?items { } BIND(?items AS ?item)
  OPTIONAL { ?item wdt:P31 ?h . FILTER(?h = wd:Q3024240) }
  OPTIONAL { ?item wdt:P625 ?coord } BIND(BOUND(?h) AS ?historical) }""",
    ),
    "wdqs-only": (
        "# engines: wdqs qlever\n"
        + PREFIXES
        + """PREFIX wikibase: <http://wikiba.se/ontology#>
PREFIX bd: <http://www.bigdata.com/rdf#>
SELECT ?c ?cLabel WHERE {
  ?c wdt:P30 wd:Q46 .
  SERVICE wikibase:label { bd:serviceParam wikibase:language "en" . }
}""",
        "# engines: wdqs qlever\n"
        + PREFIXES
        + """SELECT ?c ?cLabel WHERE {
  ?c wdt:P30 wd:Q46 .
  OPTIONAL { ?c rdfs:label ?cLabel . FILTER(LANG(?cLabel) = "en") }
}""",
    ),
    "undeclared-prefix": (
        "# engines: qlever\nSELECT ?c WHERE { ?c wdt:P30 wd:Q46 }",
        "# engines: qlever\n" + PREFIXES + "SELECT ?c WHERE { ?c wdt:P30 wd:Q46 }",
    ),
    "syntax": (
        "# engines: wdqs\nSELECT ?c WHERE { ?c ?p }",
        "# engines: wdqs\nSELECT ?c WHERE { ?c ?p ?o }",
    ),
}


def test_every_rule_has_a_bad_query_here() -> None:
    assert set(BAD_AND_GOOD) == set(RULES)


@pytest.mark.parametrize("rule", sorted(BAD_AND_GOOD))
def test_rule_fires_on_a_bad_query_and_not_on_its_fix(rule: str) -> None:
    bad, good = BAD_AND_GOOD[rule]
    found = lint_text(bad, "bad")
    assert rule in {f.rule for f in found}, found
    finding = next(f for f in found if f.rule == rule)
    assert finding.reason == RULES[rule].reason and finding.reason in str(finding)
    assert str(finding).startswith(f"bad: {rule}: ")
    assert rule not in {f.rule for f in lint_text(good, "good")}


def test_rules_apply_only_to_the_engines_they_concern() -> None:
    bad, _ = BAD_AND_GOOD["transitive-unbound"]
    assert lint_text(bad.replace("virtuoso", "wdqs oxigraph"), "q") == []
    bad, _ = BAD_AND_GOOD["values-product"]
    assert lint_text(bad.replace("# engines: wdqs", "# engines: qlever oxigraph"), "q") == []
    # a BIND-ed or inner variable is no outer one; an EXISTS-local variable is no outer one
    ok = (
        "# engines: wdqs\n"
        + PREFIXES
        + """SELECT ?x WHERE { ?x wdt:P31 ?t .
  OPTIONAL { ?x wdt:P297 ?iso . FILTER NOT EXISTS { ?x wdt:P576 ?d } BIND(true AS ?b) }
  FILTER NOT EXISTS { ?x wdt:P576 ?d } }"""
    )
    assert lint_text(ok, "q") == []


def test_an_outer_variable_in_a_not_exists_inside_an_optional_fires() -> None:
    text = (
        "# engines: qlever\n# param: bad qid\n"
        + PREFIXES
        + """SELECT ?x WHERE { VALUES ?bad { } ?x wdt:P31 ?t .
  OPTIONAL { ?x wdt:P17 ?c . FILTER NOT EXISTS { ?c wdt:P31 ?bad } } }"""
    )
    (finding,) = lint_text(text, "q")
    assert finding.rule == "filter-in-optional" and "?bad" in finding.detail


def test_a_header_can_waive_a_rule_with_a_reason_only() -> None:
    bad, _ = BAD_AND_GOOD["values-product"]
    waived = bad.replace(
        "# engines: wdqs\n", "# engines: wdqs\n# lint-allow: values-product tiny\n"
    )
    assert lint_text(waived, "q") == []
    no_reason = bad.replace("# engines: wdqs\n", "# engines: wdqs\n# lint-allow: values-product\n")
    assert [f.rule for f in lint_text(no_reason, "q")] == ["values-product"]


def test_every_shipped_query_passes_the_lint() -> None:
    findings = querylint.lint_shipped()
    unexpected = [str(f) for f in findings if (f.query, f.rule) not in ALLOWED]
    assert not unexpected, "\n".join(unexpected)
    # an allowance that no longer matches a finding is stale: remove it
    stale = set(ALLOWED) - {(f.query, f.rule) for f in findings}
    assert not stale, f"stale lint allowances: {sorted(stale)}"


def test_the_shipped_queries_cover_the_checked_files() -> None:
    """The lint sees the knowledge-graph queries too (and finds them clean)."""
    graph = [querylint.lint_query(queries.load_graph(n)) for n in queries.graph_names()]
    assert graph and all(f == [] for f in graph)


def test_the_former_region_queries_fail_the_lint() -> None:
    """The label form that WDQS and QLever answer without labels is what the rule catches."""
    former = (
        "# engines: wdqs qlever\n# param: continent qid\n# param: lang lang en\n"
        + PREFIXES
        + """SELECT ?country ?label WHERE {
  VALUES ?continent { }
  VALUES ?lang { }
  ?country wdt:P30 ?continent .
  OPTIONAL { ?country rdfs:label ?label1 . FILTER(LANG(?label1) = ?lang) }
  OPTIONAL { ?country rdfs:label ?label2 . FILTER(LANG(?label2) = "mul") }
  BIND(COALESCE(?label1, ?label2) AS ?label)
}"""
    )
    (finding,) = lint_text(former, "countries-of-continent")
    assert finding.rule == "filter-in-optional" and "?lang" in finding.detail
