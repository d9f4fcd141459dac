"""Classifying what endpoints send (bodies, statuses, Retry-After) and the retry policy table.

Fast unit tests; the same failures are exercised end to end in ``test_sparql_faults.py``.
"""

from __future__ import annotations

import email.utils
import json
import time
from typing import Any

import pytest

from glamgraph.errors import (
    BadQuery,
    BadResponse,
    EndpointUnavailable,
    QueryTimeout,
    RateLimited,
    SparqlError,
)
from glamgraph.sparql import Settings
from glamgraph.sparql.remote import (
    classify_body,
    classify_http_error,
    parse_retry_after,
)
from glamgraph.sparql.retry import transient

KW: dict[str, Any] = {"endpoint": "wdqs", "name": "q"}
GOOD = {
    "head": {"vars": ["item", "label"]},
    "results": {
        "bindings": [
            {
                "item": {"type": "uri", "value": "http://www.wikidata.org/entity/Q1"},
                "label": {"type": "literal", "value": "java.util.concurrent.TimeoutException"},
            }
        ]
    },
}
TRACE = (
    "\nSPARQL-QUERY: queryStr=SELECT ?item WHERE {\n ?item ?p ?o }\n"
    "java.util.concurrent.ExecutionException: java.util.concurrent.TimeoutException\n"
    "\tat java.util.concurrent.FutureTask.report(FutureTask.java:122)\n"
)


def body(text: str) -> bytes:
    return text.encode("utf-8")


def test_a_complete_result_is_a_result_whatever_its_literals_say() -> None:
    data = classify_body(body(json.dumps(GOOD)), status=200, **KW)
    assert data["results"]["bindings"][0]["label"]["value"].endswith("TimeoutException")


@pytest.mark.parametrize(
    "text",
    [
        json.dumps(GOOD)[:-5] + TRACE,  # mid-binding, then Blazegraph's trace
        '{"head":{"vars":["c"]},"results":{"bindings":[' + TRACE,
        '{"head":{"vars":["c"]},"results":{"bindings":[{"c":{"type":"literal","value":"ab' + TRACE,
        TRACE.lstrip(),  # no JSON at all
        '{"head":{"vars":["c"]},"results":{"bindings":[The SPARQL operation has been cancelled',
        '{"head":{"vars":["c"]},"results":{"bindings":[{"c":{"type":"uri","value":"x"}}'
        "\n !!!!>># An error has occurred while exporting the query result. Operation timed out.",
        '{"status":"ERROR","exception":"Operation timed out. Last operation: Join"}',
    ],
    ids=[
        "wdqs-mid-binding",
        "wdqs-at-start",
        "wdqs-in-string",
        "trace-only",
        "oxigraph",
        "qlever",
        "qlever-json",
    ],
)
def test_timeouts_in_a_200_body(text: str) -> None:
    with pytest.raises(QueryTimeout) as info:
        classify_body(body(text), status=200, **KW)
    assert info.value.status == 200 and info.value.endpoint == "wdqs"


@pytest.mark.parametrize(
    ("text", "why"),
    [
        (json.dumps(GOOD)[: len(json.dumps(GOOD)) // 2], "truncated or invalid JSON"),
        ("", "empty"),
        ("   \n", "empty"),
        ("<!DOCTYPE html><html><body>Maintenance</body></html>", "HTML"),
        ("\n<html><head></head><body>504 Gateway</body></html>", "HTML"),
        ('{"results":{"bindings":[]}}', "head/results"),
        ('{"head":{"vars":"x"},"results":{"bindings":[]}}', "head/results"),
        ('{"head":{"vars":[]},"results":{"bindings":{}}}', "head/results"),
        ("[]", "head/results"),
        ('{"status":"ERROR","exception":"Out of memory"}', "error report"),
    ],
)
def test_broken_bodies_are_bad_responses(text: str, why: str) -> None:
    with pytest.raises(BadResponse, match=why):
        classify_body(body(text), status=200, **KW)


def test_user_agent_refusal_in_a_200_is_not_retried() -> None:
    with pytest.raises(BadResponse) as info:
        classify_body(
            b"Please set a user-agent and respect our robot policy https://w.wiki/4wJS",
            status=200,
            **KW,
        )
    assert info.value.retryable is False and not transient(info.value, Settings())


@pytest.mark.parametrize(
    ("status", "text", "headers", "error", "retry_after"),
    [
        (429, "Too Many Requests - Please retry in 17 seconds.", {"Retry-After": "17"}, RateLimited, 17.0),
        (429, "Too Many Requests - Please retry in 30 seconds.", {}, RateLimited, 30.0),
        (429, "Rate limit exceeded", {}, RateLimited, None),
        (429, '{"exception":"Operation timed out. Last operation: Sort"}', {}, QueryTimeout, None),
        (500, "SPARQL-QUERY: queryStr=x\njava.util.concurrent.TimeoutException", {}, QueryTimeout, None),
        (500, "QueryTimeoutException: Query deadline is expired.", {}, QueryTimeout, None),
        (500, "Resource temporarily unavailable (os error 11)", {}, EndpointUnavailable, None),
        (502, "<html>Bad Gateway</html>", {}, EndpointUnavailable, None),
        (400, "MalformedQueryException: Encountered ...", {}, BadQuery, None),
        (414, "<html>Request-URI Too Long</html>", {}, BadQuery, None),
        (403, "You have been banned until 2026-01-01T00:00Z", {}, RateLimited, None),
        (403, "Please set a user-agent and respect our robot policy", {}, EndpointUnavailable, None),
        (404, "Not Found", {}, EndpointUnavailable, None),
        (500, "Virtuoso 37000 Error TR...: transitive start not given\n\nSPARQL query:\n...", {}, BadQuery, None),
        (500, "Virtuoso 37000 Error SP030: SPARQL compiler, line 2: syntax error", {}, BadQuery, None),
        (500, "Virtuoso 22007 Error Function rdf_strlang_impl needs a valid language ID", {}, BadQuery, None),
        (500, "SPARQL-QUERY: queryStr=x\njava.util.concurrent.ExecutionException: org.openrdf.query.MalformedQueryException: Encountered", {}, BadQuery, None),
        (500, "Virtuoso S1T00 Error SR171: Transaction timed out", {}, QueryTimeout, None),
        (503, "<html>Service Unavailable</html>", {}, EndpointUnavailable, None),
    ],
)  # fmt: skip
def test_http_errors(
    status: int,
    text: str,
    headers: dict[str, str],
    error: type[SparqlError],
    retry_after: float | None,
) -> None:
    exc = classify_http_error(status, body(text), headers, **KW)
    assert type(exc) is error and exc.status == status
    if isinstance(exc, RateLimited):
        assert exc.retry_after == retry_after
        assert exc.banned == ("banned" in text)


def test_qlever_error_json_is_read_for_the_message() -> None:
    exc = classify_http_error(
        400,
        b'{"status":"ERROR","exception":"Invalid SPARQL query: prefix wd not declared"}',
        {},
        **KW,
    )
    assert "prefix wd not declared" in str(exc) and '"status"' not in str(exc)


def test_retry_after_values() -> None:
    assert parse_retry_after("120") == 120.0
    assert parse_retry_after(" 1.5 ") == 1.5
    assert parse_retry_after("-4") == 0.0
    assert parse_retry_after("nan") is None
    assert parse_retry_after("tomorrow") is None
    assert parse_retry_after("") is None
    future = parse_retry_after(email.utils.formatdate(time.time() + 30, usegmt=True))
    assert future is not None and 28 <= future <= 30
    assert parse_retry_after(email.utils.formatdate(time.time() - 30, usegmt=True)) == 0.0


@pytest.mark.parametrize(
    ("exc", "expected"),
    [
        (RateLimited("x", retry_after=5, status=429), True),
        (RateLimited("x", retry_after=None, status=429), True),
        (RateLimited("x", retry_after=121, status=429), False),  # above the 120 s cap
        (RateLimited("x", banned=True, status=403), False),
        (EndpointUnavailable("x", status=500), True),
        (EndpointUnavailable("x", status=503), True),
        (EndpointUnavailable("x", status=None), True),  # reset, refused, client timeout
        (EndpointUnavailable("x", status=404), False),
        (EndpointUnavailable("x", status=403), False),
        (BadResponse("x", status=200), True),
        (QueryTimeout("x", status=200), False),
        (BadQuery("x", status=400), False),
        (ValueError("x"), False),
    ],
)
def test_retry_policy_table(exc: BaseException, expected: bool) -> None:
    assert transient(exc, Settings(max_retry_after_s=120)) is expected


# --- what only the standard library parses, and the checks of every term -------------------

WD = "http://www.wikidata.org/entity/"


@pytest.mark.parametrize(
    "raw",
    [
        # bodies orjson refuses and json reads: parsed as before (invalid UTF-8 replaced)
        b'{"head":{"vars":["x"]},"results":{"bindings":[{"x":{"type":"literal","value":"a\xffb"}}]}}',
        b'{"head":{"vars":["x"]},"meta":NaN,"results":{"bindings":[]}}',
        b'{"head":{"vars":["x"]},"results":{"bindings":[{"x":{"type":"literal","value":"\\ud800"}}]}}',
    ],
    ids=["invalid-utf8", "nan-outside-the-bindings", "unpaired-surrogate"],
)
def test_bodies_only_the_standard_library_reads_are_results(raw: bytes) -> None:
    data = classify_body(raw, status=200, **KW)
    assert data == json.loads(raw.decode("utf-8", "replace"))


def term(**kw: Any) -> dict[str, Any]:
    return {"x": kw}


@pytest.mark.parametrize(
    ("rows", "why"),
    [
        ([term(type="literal", value="a", **{"xml:lang": "fr"})], None),
        ([term(type="literal", value="1", datatype="http://www.w3.org/2001/XMLSchema#int")], None),
        ([term(type="literal", value="a", extra=[1])], None),  # unknown keys are not read
        ([term(type="uri", value=WD + "Q" + "9" * 15)], None),
        ([term(type="uri", value="http://example.org/" + "Q" * 100)], None),
        ([term(type="literal", value="a", **{"xml:lang": 5})], "'xml:lang' is not a string"),
        ([term(type="literal", value="a", datatype=None)], "'datatype' is not a string"),
        ([term(type="uri", value=WD + "Q" + "9" * 16)], "a QID of 17 characters"),
        ([term(type=["uri"], value="a")], "unknown term type"),
        ([term(value="a")], "unknown term type 'None'"),
        ([term(type="uri")], "'value' is not a string"),
        ([{"x": "uri"}], "not a term object"),
        ([term(type="literal", value="a"), []], "row 1 is not an object"),
    ],
)
def test_every_term_is_checked(rows: list[Any], why: str | None) -> None:
    raw = json.dumps({"head": {"vars": ["x"]}, "results": {"bindings": rows}}).encode()
    if why is None:
        assert classify_body(raw, status=200, **KW)["results"]["bindings"] == rows
        return
    with pytest.raises(BadResponse, match="malformed SPARQL JSON") as info:
        classify_body(raw, status=200, **KW)
    assert why in str(info.value) and not info.value.retryable
