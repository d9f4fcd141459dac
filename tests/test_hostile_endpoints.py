"""Hostile endpoints and hostile query files: glamgraph never writes to an endpoint, and an
endpoint's secret (a token in its URL) never lands in an output, a cache file or a message."""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from servers import faultproxy, oxigraph

from glamgraph import queries
from glamgraph.cli import main
from glamgraph.errors import BadInput
from glamgraph.redaction import redact_text, redact_url

HERE = Path(__file__).parent
WORLD_FILES = sorted((HERE / "world").glob("*.ttl"))
MODULE = HERE / "world" / "module.lua"
SECRET = "S3CRET"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


# -- read-only: anything but a query is refused before sending, by parsing it --


@pytest.mark.parametrize(
    "text",
    [
        "DELETE WHERE { ?s ?p ?o }",
        "INSERT DATA { <http://x.example/s> <http://x.example/p> 1 }",
        "# SELECT ?x WHERE { ?x ?p ?o }\nDROP ALL",
        "PREFIX x: <http://x.example/>\nCLEAR DEFAULT",
        "LOAD <http://x.example/data.ttl>",
        "WITH <http://g.example/> DELETE { ?s ?p ?o } INSERT { ?s ?p 1 } WHERE { ?s ?p ?o }",
        "select * { ?s ?p ?o } ; DELETE WHERE { ?s ?p ?o }",
    ],
)
def test_updates_are_refused(text: str) -> None:
    with pytest.raises(BadInput, match=r"wipe\.rq") as err:
        queries.check_query_form(text, name="wipe.rq")
    assert err.value.exit_code == 2


def test_query_forms() -> None:
    select = "PREFIX wd: <http://www.wikidata.org/entity/>\nSELECT ?x { VALUES ?c { } ?x ?p wd:Q5 }"
    assert queries.check_query_form(select) == "SELECT"
    assert queries.check_query_form("ask { ?s ?p ?o }", ("SELECT", "ASK")) == "ASK"
    for text, form in [
        ("ASK { ?s ?p ?o }", "ASK"),
        ("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", "CONSTRUCT"),
        ("DESCRIBE <http://x.example/>", "DESCRIBE"),
    ]:
        with pytest.raises(BadInput, match=f"a {form} query; this command runs SELECT"):
            queries.check_query_form(text)
    with pytest.raises(BadInput, match="not a valid SPARQL query"):
        queries.check_query_form("SELEKT ?x { }")


@pytest.fixture()
def writable_server(tmp_path: Path) -> Iterator[oxigraph.Server]:
    """A WRITABLE Oxigraph on loopback (``oxigraph serve``) with the test world, its own store."""
    server = oxigraph.start(WORLD_FILES, tmp_path / "store", writable=True)
    try:
        yield server
    finally:
        oxigraph.stop(server)


def _triples(server: oxigraph.Server) -> int:
    q = urllib.parse.quote("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    req = urllib.request.Request(
        f"{server.url}?query={q}", headers={"Accept": "application/sparql-results+json"}
    )
    with urllib.request.urlopen(req, timeout=10) as r:
        return int(json.load(r)["results"]["bindings"][0]["n"]["value"])


def test_the_writable_server_really_is_writable(writable_server: oxigraph.Server) -> None:
    """The control: this server does execute an update sent to it directly."""
    before = _triples(writable_server)
    data = b"INSERT DATA { <http://x.example/s> <http://x.example/p> 1 }"
    update_url = writable_server.url.replace("/query", "/update")
    req = urllib.request.Request(
        update_url, data=data, headers={"Content-Type": "application/sparql-update"}
    )
    with urllib.request.urlopen(req, timeout=10):
        pass
    assert _triples(writable_server) == before + 1


@pytest.mark.parametrize(
    "text",
    [
        "DELETE WHERE { ?s ?p ?o }",
        "INSERT DATA { <http://x.example/s> <http://x.example/p> 1 }",
        "# title: looks like a query\nSELECT * WHERE { ?s ?p ?o }\n;\nCLEAR ALL",
        "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }",
    ],
)
def test_query_command_never_writes(
    capsys: pytest.CaptureFixture[str],
    writable_server: oxigraph.Server,
    tmp_path: Path,
    text: str,
) -> None:
    rq = tmp_path / "hostile.rq"
    rq.write_text(text, encoding="utf-8")
    before = _triples(writable_server)
    assert before > 1000
    code, out, err = run(capsys, "query", str(rq), "--endpoint", writable_server.url)
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and "hostile.rq" in err, err
    assert "Traceback" not in err and out == ""
    assert _triples(writable_server) == before


def test_a_select_file_still_runs(
    capsys: pytest.CaptureFixture[str], writable_server: oxigraph.Server, tmp_path: Path
) -> None:
    rq = tmp_path / "count.rq"
    rq.write_text("# title: count\nSELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }\n", encoding="utf-8")
    code, out, err = run(
        capsys, "query", str(rq), "--endpoint", writable_server.url, "--format", "csv"
    )
    assert code == 0, err
    assert out.splitlines()[0] == "n" and int(out.splitlines()[1]) > 1000


# -- redaction --


def test_redact_url() -> None:
    assert redact_url("http://u:pw@h.example:8/q?access_token=S3CRET") == (
        "http://h.example:8/q?access_token=REDACTED"
    )
    for name in ("token", "KEY", "ApiKey", "api_key", "password", "secret", "auth", "sig"):
        shown = redact_url(f"https://h.example/sparql?format=json&{name}=S3CRET")
        assert SECRET not in shown and "format=json" in shown, name
    assert redact_url("https://query.wikidata.org/sparql") == "https://query.wikidata.org/sparql"
    assert SECRET not in redact_text(f"failed: <http://h.example/q?x=1&token={SECRET}>")
    assert SECRET not in redact_url(f"http://[::1/q?token={SECRET}")  # malformed, still redacted


def test_userinfo_refusal_does_not_echo_the_password(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(
        capsys,
        "query",
        "countries-of-continent",
        "--param",
        "continent=Q46",
        "--endpoint",
        f"http://user:{SECRET}@127.0.0.1:1/sparql",
    )
    assert code == 2 and "unknown endpoint" in err
    assert SECRET not in err + out


class _TokenGate(faultproxy.Fault):
    """Answers 401 unless the request carries ``access_token=S3CRET``; forwards it without."""

    name = "token-gate"

    def respond(self, h: faultproxy._Handler, rec: faultproxy.Recorded) -> None:
        parts = urllib.parse.urlsplit(rec.path)
        if urllib.parse.parse_qs(parts.query).get("access_token") != [SECRET]:
            h.send(401, b"token required", {"Content-Type": "text/plain"})
            return
        rec.path = parts.path
        status, headers, body = h.forward(rec)
        h.send(status, body, headers)


def _all_text(paths: list[Path]) -> Iterator[tuple[Path, bytes]]:
    for root in paths:
        for p in [root] if root.is_file() else sorted(root.rglob("*")):
            if p.is_file():
                yield p, p.read_bytes()


def test_a_token_in_the_endpoint_url_is_sent_but_never_shown(
    capsys: pytest.CaptureFixture[str],
    oxigraph_server: oxigraph.Server,
    tmp_path: Path,
    _isolated_cache: Path,
) -> None:
    with faultproxy.running(oxigraph_server.url) as proxy:
        proxy.always(_TokenGate())
        endpoint = f"{proxy.url}?access_token={SECRET}"
        out_dir = tmp_path / "out"
        args = ("coverage", "Q46", "--endpoint", endpoint, "--affiliates", str(MODULE))
        code, out, err = run(capsys, *args, "--out", str(out_dir), "--quiet")
        assert code == 0, err
        # a second run answers from the cache (keyed by the real URL)
        sent = len(proxy.requests)
        code2, out2, err2 = run(capsys, *args, "--out", str(tmp_path / "out2"), "--quiet")
        assert code2 == 0, err2
        assert len(proxy.requests) == sent
        code3, out3, err3 = run(
            capsys, "query", "countries-of-continent", "--param", "continent=Q46",
            "--endpoint", endpoint, "--no-cache",
        )  # fmt: skip
        assert code3 == 0, err3
        assert "?access_token=REDACTED" in out3
    assert sent > 0 and all(r.fault == "token-gate" for r in proxy.requests)
    names = {p.name for p in out_dir.iterdir()}
    assert {"contacts.wikitext", "map.html", "map.png", "regions.geojson", "graph.trig"} <= names
    assert "run.json" in names
    cache_files = list(_all_text([_isolated_cache]))
    assert cache_files, "the cache was not used"
    for path, data in _all_text([out_dir, tmp_path / "out2", _isolated_cache]):
        assert SECRET.encode() not in data, path
    for text in (out, err, out2, err2, out3, err3):
        assert SECRET not in text
    run_json = json.loads((out_dir / "run.json").read_text(encoding="utf-8"))
    assert "access_token=REDACTED" in json.dumps(run_json)


def test_an_unreachable_endpoint_with_a_token_fails_without_showing_it(
    capsys: pytest.CaptureFixture[str],
) -> None:
    port = oxigraph.free_port()
    code, out, err = run(
        capsys, "query", "countries-of-continent", "--param", "continent=Q46",
        "--endpoint", f"http://127.0.0.1:{port}/sparql?token={SECRET}", "--no-cache",
        "--timeout", "2", "--no-fallback",
    )  # fmt: skip
    assert code == 3 and len(err.strip().splitlines()) == 1
    assert SECRET not in out + err


def test_the_api_refuses_an_update_file_too(
    writable_server: oxigraph.Server, tmp_path: Path
) -> None:
    from glamgraph.sparql import Settings, get_engine

    rq = tmp_path / "wipe.rq"
    rq.write_text("DELETE WHERE { ?s ?p ?o }", encoding="utf-8")
    before = _triples(writable_server)
    engine = get_engine(writable_server.url, Settings(use_cache=False))
    with pytest.raises(BadInput, match="SPARQL Update"):
        engine.run(str(rq))
    assert engine.queries_sent == 0 and _triples(writable_server) == before


def test_raw_update_text_is_never_sent(writable_server: oxigraph.Server) -> None:
    from glamgraph.sparql import Settings, get_engine

    before = _triples(writable_server)
    engine = get_engine(writable_server.url, Settings(use_cache=False, max_attempts=1))
    for text in ("DELETE WHERE { ?s ?p ?o }", "PREFIX x: <http://x.example/>\nDROP ALL"):
        with pytest.raises(BadInput, match="SPARQL Update"):
            engine.select(text, "raw")
    assert engine.queries_sent == 0 and _triples(writable_server) == before
