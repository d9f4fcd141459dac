"""Hostile data and hostile files: every value from Wikidata, a module or a registry is escaped for
the file it lands in, and every oversized or malformed input is one line and exit 2, never a
traceback, never unbounded memory."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from export_fixtures import make_coverage
from filelock import FileLock
from servers import faultproxy, oxigraph

from glamgraph import lua
from glamgraph.affiliates import read_module
from glamgraph.affiliates import registry as registry_mod
from glamgraph.cli import main
from glamgraph.errors import BadInput, MalformedFile, MediaWikiError, WriteError
from glamgraph.export import cells, writer
from glamgraph.export.tables import to_csv
from glamgraph.export.wikitext import escape, external_link, safe_url
from glamgraph.export.xlsx import to_xlsx
from glamgraph.graph import iri, lit, load_quads
from glamgraph.mediawiki import check_credential_transport

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE / "world"))
import hostile  # noqa: E402

WORLD_FILES = sorted((HERE / "world").glob("*.ttl"))
MODULE = HERE / "world" / "module.lua"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def one_line_error(err: str, *needles: str) -> None:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("glamgraph: error: "), err
    assert "Traceback" not in err
    for needle in needles:
        assert needle in lines[0], (needle, err)


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


# -- the hostile world, end to end through the loopback Oxigraph server --


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[oxigraph.Server]:
    """The test world plus :mod:`hostile`'s institutions, served read-only on loopback."""
    store = tmp_path_factory.mktemp("hostile-store")
    ttl = hostile.write(tmp_path_factory.mktemp("hostile-ttl") / "hostile.ttl")
    subprocess.run(
        [
            oxigraph.oxigraph_binary(),
            "load",
            "--lenient",
            "--location",
            str(store),
            "--file",
            str(ttl),
        ],
        check=True,
        capture_output=True,
    )
    server = oxigraph.start(WORLD_FILES, store)
    try:
        yield server
    finally:
        oxigraph.stop(server)


@pytest.fixture(scope="module")
def hostile_run(hostile_server: oxigraph.Server, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("hostile-out") / "out"
    code = main(
        ["coverage", "Q46", "--endpoint", hostile_server.url, "--affiliates", str(MODULE),
         "--out", str(out), "--quiet", "--no-cache"]
    )  # fmt: skip
    assert code == 0
    return out


def _hostile_rows(path: Path) -> dict[str, dict[str, str]]:
    return {r["institution"]: r for r in read_csv(path) if r["institution"] in hostile.HOSTILE}


def test_contacts_csv_evaluates_nothing(hostile_run: Path) -> None:
    rows = _hostile_rows(hostile_run / "contacts.csv")
    assert set(rows) == set(hostile.HOSTILE)
    for qid, row in rows.items():
        for column, value in row.items():
            assert not value.startswith(cells.FORMULA_START), (qid, column, value)
    assert rows["Q9900001"]["label"] == "'" + hostile.HOSTILE["Q9900001"][0]
    assert rows["Q9900001"]["phone"] == "'+32-2-123-45-67"
    assert rows["Q9900004"]["label"] == "'-2+3"
    assert rows["Q9900007"]["label"] == "Q9900007"  # an empty label: the QID, as in wikitext
    assert rows["Q9900002"]["website"] == "http://museum.example/search?tags[]=art"
    # a 200,000-character label is capped, so Python's csv module reads the file back
    assert len(rows["Q9900008"]["label"]) == cells.MAX_FIELD
    assert float(rows["Q9900001"]["lat"]) > 50  # numbers stay numbers


def test_raw_csv_keeps_raw_values(hostile_server: oxigraph.Server, tmp_path: Path) -> None:
    out = tmp_path / "raw"
    code = main(
        ["coverage", "Q46", "--endpoint", hostile_server.url, "--affiliates", str(MODULE),
         "--out", str(out), "--quiet", "--no-cache", "--raw-csv"]
    )  # fmt: skip
    assert code == 0
    rows = _hostile_rows(out / "contacts.csv")
    assert rows["Q9900001"]["label"] == hostile.HOSTILE["Q9900001"][0]
    assert rows["Q9900001"]["phone"] == "+32-2-123-45-67"


def test_xlsx_is_well_formed_xml(hostile_run: Path) -> None:
    from xml.dom import minidom

    import openpyxl

    with zipfile.ZipFile(hostile_run / "contacts.xlsx") as z:
        for name in z.namelist():
            if name.endswith(".xml"):
                minidom.parseString(z.read(name))  # raises on a forbidden character
    wb = openpyxl.load_workbook(hostile_run / "contacts.xlsx")
    texts = [str(c.value) for ws in wb for row in ws.iter_rows() for c in row if c.value]
    assert any(t.startswith("Museum of Controls") for t in texts)
    assert not any("\ufffe" in t or "\x00" in t for t in texts)


def test_graph_trig_and_geojson_parse(hostile_run: Path) -> None:
    import rdflib

    ds = rdflib.Dataset()
    ds.parse(hostile_run / "graph.trig", format="trig")
    sites = {str(q[2]) for q in ds.quads() if "museum.example" in str(q[2])}
    assert "http://museum.example/search?tags%5B%5D=art" in sites
    assert "http://museum.example/a%25zz#frag%23again" in sites
    assert "http://museum.example/%E2%80%AEevil" in sites  # a bidi override, escaped
    geo = json.loads((hostile_run / "regions.geojson").read_text(encoding="utf-8"))
    assert geo["type"] == "FeatureCollection"


def test_wikitext_neutralises_magic_words_and_bidi(hostile_run: Path) -> None:
    text = (hostile_run / "contacts.wikitext").read_text(encoding="utf-8")
    assert "__NOTOC__" not in text and "_%5FNOTOC_%5F" in text
    assert "\u202e" not in text
    assert "KCOLB museum" in text
    assert "[[d:Q9900007|Q9900007]]" in text  # an empty label: the QID, as in the CSV


def test_iri_escapes_what_n_quads_forbids() -> None:
    import rdflib

    hostile_iris = [
        "http://museum.example/search?tags[]=art",
        'http://museum.example/a b<c>"d"{e}|f^g`h\\i',
        "http://museum.example/%zz%4",
        "http://museum.example/x#a#b",
        "http://museum.example/\x00\x01\x7f\ufffe\ud800\u202e",
        "http://[::1]:8080/ok",
        "https://example.org/déjà-vu?q=東京",
    ]
    ds = rdflib.Dataset(store="Oxigraph")
    g = iri("http://g.example/")
    quads = [(iri(f"http://s.example/{n}"), iri("http://p.example/p"), iri(v), g)
             for n, v in enumerate(hostile_iris)]  # fmt: skip
    assert load_quads(ds, quads) == len(hostile_iris)
    assert iri("http://[::1]:8080/ok") == "<http://[::1]:8080/ok>"
    assert iri("https://example.org/déjà-vu") == "<https://example.org/déjà-vu>"
    assert lit("x") == '"x"'


def test_iri_gives_what_the_strict_parser_takes_or_refuses_the_value() -> None:
    """Whatever a user typed as a website (random strings of the characters that break IRIs):
    :func:`iri` gives a term Oxigraph's strict IRI parser takes, or refuses a value with no
    scheme; the graph's bulk loads then skip checking each line again."""
    import random

    import pyoxigraph as ox

    rng = random.Random(7)
    parts = ["http://", "https://", "a", "é", ":", "@", "[", "]", "::1", "%", "%4", "%41", "#",
             "/", "?", " ", "<", "\x00", "\ufffe", "80", "x:y", "{", "\\", "|", "\ue000",
             "\U000f0000", "\u00a0"]  # fmt: skip
    refused = 0
    for _ in range(20000):
        value = "".join(rng.choices(parts, k=rng.randint(0, 9)))
        try:
            term = iri(value)
        except ValueError:
            refused += 1
            assert not value.startswith(("http://", "https://")), value
            continue
        ox.NamedNode(term[1:-1])  # raises if the strict parser would refuse it
    assert 0 < refused < 20000
    assert iri("http://museum.example:80a/") == "<http://museum.example%3A80a/>"
    assert iri("http://[zz]/x") == "<http://%5Bzz%5D/x>"
    assert iri("http://[::1]:8080/ok") == "<http://[::1]:8080/ok>"  # an IP literal stays
    # a private-use character is allowed in a query only: escaped in a path (and then in all)
    assert iri("http://a.example/\ue000?\ue000") == "<http://a.example/%EE%80%80?%EE%80%80>"
    assert iri("http://a.example/x?\ue000") == "<http://a.example/x?\ue000>"


def test_graph_keeps_hostile_terms_as_terms_the_strict_parser_takes() -> None:
    """An endpoint's hostile terms reach the graph well-formed: a malformed website authority
    escaped, a "uri" with no scheme left out, a language tag or datatype that is none left off
    (a plain string); the graph, loaded leniently, reads back with the strict parser."""
    import pyoxigraph as ox

    from glamgraph import graph as kg
    from glamgraph.sparql import QueryResult

    item = {"type": "uri", "value": "http://www.wikidata.org/entity/Q1"}

    def row(field: str, value: dict[str, str]) -> dict[str, dict[str, str]]:
        return {"item": item, "field": {"type": "literal", "value": field}, "value": value}

    rows = [
        row("website", {"type": "uri", "value": site})
        for site in ("http://museum.example:80a/", "http://a]b/", "http://@@/", "museum", "")
    ]
    rows += [
        row("label", {"type": "literal", "value": f"L{n}", "xml:lang": tag})
        for n, tag in enumerate(("en fr", "e-", "x" * 9, "en-GB", "en-a"))
    ]
    rows += [
        row("coord", {"type": "literal", "value": "Point(1 2)", "datatype": dt})
        for dt in ("not an IRI", "http://a b/wkt")
    ]
    builder = kg.GraphBuilder("test")
    graph = builder.add_query_result(QueryResult(("item", "field", "value"), rows,
                                                 query_name="institution-contacts-bulk"))  # fmt: skip
    store = kg.oxigraph_store(builder.build())
    dumped = store.dump(format=ox.RdfFormat.N_QUADS)
    assert len(list(ox.parse(dumped, ox.RdfFormat.N_QUADS))) == len(store)  # strict: no error
    objects = {
        q.object for q in store.quads_for_pattern(None, None, None, ox.NamedNode(graph[1:-1]))
    }
    sites = {str(o) for o in objects if isinstance(o, ox.NamedNode)}
    assert sites == {"<http://museum.example%3A80a/>", "<http://a%5Db/>", "<http://%40%40/>"}
    labels = {(o.value, o.language) for o in objects if isinstance(o, ox.Literal)}
    assert {("L0", None), ("L1", None), ("L2", None), ("L3", "en-gb"), ("L4", None)} <= labels
    assert ("Point(1 2)", None) in labels  # its datatype (none, then a malformed one) left off


# -- CSV cells and XML text --


def test_csv_cell_rules() -> None:
    for bad in ("=1+1", "+1", "-cmd", "@SUM(A1)", "\tx", "\rx"):
        assert cells.csv_cell(bad) == "'" + bad
        assert cells.csv_cell(bad, neutralise=False) == bad
    assert cells.csv_cell("-12.5") == "-12.5" and cells.csv_cell("42") == "42"
    assert cells.csv_cell("x" * 100_000) == "x" * cells.MAX_FIELD
    assert cells.csv_cell("a\ud800b") == "a\ufffdb"
    with cells.raw_csv():
        assert cells.csv_cell("=1") == "=1"
    assert cells.csv_cell("=1") == "'=1"


def test_api_write_all_neutralise_false(tmp_path: Path) -> None:
    writer.write_all(make_coverage(), tmp_path / "n", formats=["contacts"])
    writer.write_all(make_coverage(), tmp_path / "r", formats=["contacts"], neutralise=False)
    neutral = {r["institution"]: r["label"] for r in read_csv(tmp_path / "n" / "contacts.csv")}
    raw = {r["institution"]: r["label"] for r in read_csv(tmp_path / "r" / "contacts.csv")}
    assert raw["Q1011"].startswith("=HYPERLINK") and neutral["Q1011"] == "'" + raw["Q1011"]


def test_a_huge_field_reads_back_with_pythons_csv(tmp_path: Path) -> None:
    cov = make_coverage()
    for inst in cov.institutions:
        object.__setattr__(inst, "label", "y" * 200_000)
    path = tmp_path / "contacts.csv"
    to_csv(cov, path)
    rows = read_csv(path)  # the default field limit is 131,072: a longer cell would raise
    assert rows and all(len(v) <= cells.MAX_FIELD for r in rows for v in r.values())
    assert any(len(r["label"]) == cells.MAX_FIELD for r in rows)


def test_xml_safe() -> None:
    assert (
        cells.xml_safe("a\x00b\x08c\x0bd\x1fe\ufffef\uffffg\ud800h\tI\nJ\rK") == "abcdefgh\tI\nJ\rK"
    )


def test_xlsx_strips_forbidden_characters(tmp_path: Path) -> None:
    import openpyxl

    cov = make_coverage()
    for inst in cov.institutions:
        object.__setattr__(inst, "label", "Bad\ufffe\uffff\x00label")
    object.__setattr__(cov.region, "label", "Region\ufffe")
    to_xlsx(cov, tmp_path / "c.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "c.xlsx")
    assert wb.properties.title and "\ufffe" not in wb.properties.title
    texts = [str(c.value) for ws in wb for row in ws.iter_rows() for c in row if c.value]
    assert "Badlabel" in texts


def test_wikitext_escaping_helpers() -> None:
    assert escape("a\u202eb\u2066c\u2069") == "abc"
    assert safe_url("https://ex.org/__TOC__") == "https://ex.org/_%5FTOC_%5F"
    link = external_link("https://ex.org/__NOINDEX__?a=\u202e")
    assert "__" not in link and "\u202e" not in link


# -- Lua modules: data only, bounded --


def test_lua_huge_integer_is_a_one_line_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    with pytest.raises(MalformedFile, match="number too long"):
        lua.loads("return { n = " + "9" * 5000 + " }", name="m.lua")
    module = tmp_path / "module.lua"
    module.write_text("return {\n { group_name = 'X', n = " + "7" * 5000 + " } }\n")
    code, _, err = run(capsys, "coverage", "Q46", "--endpoint", "snapshot", "--affiliates",
                       str(module), "--out", str(tmp_path / "out"), "--quiet")  # fmt: skip
    assert code == 2
    one_line_error(err, str(module), "line 2", "number too long")


def test_lua_value_count_is_capped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lua, "MAX_ITEMS", 1000)
    assert len(lua.loads("return {" + "{}," * 998 + "}")) == 998  # type: ignore[arg-type]
    with pytest.raises(MalformedFile, match="too many values"):
        lua.loads("return {" + "{}," * 5000 + "}", name="flood.lua")


def test_lua_reader_keeps_only_its_look_ahead() -> None:
    parser = lua._Parser(lua._Lexer("return {" + "{1, 'a', {x = 2}}," * 2000 + "}", "m"))
    value = parser.module()
    assert len(value) == 2000  # type: ignore[arg-type]
    assert len(parser._ahead) <= 2 and parser.items == 1 + 2000 * 5


def test_oversized_module_is_refused_before_reading(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    big = tmp_path / "big.lua"
    with big.open("wb") as fh:  # sparse: nothing is written, the size is what counts
        fh.truncate(lua.MAX_BYTES + 1)
    code, _, err = run(capsys, "coverage", "Q46", "--endpoint", "snapshot", "--affiliates",
                       str(big), "--out", str(tmp_path / "out"), "--quiet")  # fmt: skip
    assert code == 2
    one_line_error(err, str(big), "too large", f"{lua.MAX_BYTES:,}")


@pytest.mark.parametrize("name", ["return.lua", "--module.lua", "{x}.lua", "return {}"])
def test_affiliates_file_names_that_look_like_lua(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path(name).write_text(MODULE.read_text(encoding="utf-8"), encoding="utf-8")
    src = read_module(name)
    assert src.path == str((tmp_path / name).resolve())
    assert src.text == MODULE.read_text(encoding="utf-8")
    assert read_module("return { }").path == ""  # no such file: the text itself


# -- the registry --

HEADER = "code,name,type,countries,status,contact,note\n"


def test_registry_qatar_is_an_iso_code(tmp_path: Path) -> None:
    reg = tmp_path / "reg.csv"
    reg.write_text(HEADER + "WMQA,Wikimedia Qatar,user group,QA;Q142;qa,recognised,,\n")
    rows = registry_mod.read_registry(reg)
    assert rows[0].countries == ("QA", "Q142")
    reg.write_text(HEADER + "WMX,X,chapter,Q²,recognised,,\n")
    with pytest.raises(MalformedFile, match=r"line 2: malformed QID 'Q²'"):
        registry_mod.read_registry(reg)


def test_oversized_registry_is_refused_before_reading(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    big = tmp_path / "big.csv"
    with big.open("wb") as fh:
        fh.truncate(registry_mod.MAX_REGISTRY_BYTES + 1)
    code, _, err = run(capsys, "coverage", "Q46", "--endpoint", "snapshot", "--registry",
                       str(big), "--out", str(tmp_path / "out"), "--quiet")  # fmt: skip
    assert code == 2
    one_line_error(err, str(big), "too large", f"{registry_mod.MAX_REGISTRY_BYTES:,}")


class _CountingStr(str):
    calls = 0

    def casefold(self) -> str:
        _CountingStr.calls += 1
        return super().casefold()


def test_registry_merge_is_linear(tmp_path: Path) -> None:
    """Each registry row costs a constant number of code comparisons, not one per affiliate."""
    from glamgraph.model import Affiliate

    def case(n: int) -> tuple[list[Any], int]:
        affs = [Affiliate(code=_CountingStr(f"A{i}"), name=f"A {i}", type="chapter",
                          countries=("Q142",), status="recognised", source="module")
                for i in range(n)]  # fmt: skip
        rows = [registry_mod.RegistryRow(line=i + 2, code=_CountingStr(f"a{i * 2}"), name="",
                                         type=None, countries=(), status=None, contact="c", note="")
                for i in range(n)]  # fmt: skip
        _CountingStr.calls = 0
        out = registry_mod.apply_registry(affs, rows, {}, tmp_path / "r.csv")
        return out, _CountingStr.calls

    out, calls_small = case(500)
    assert len(out) == 500 + 250  # half the rows update, half add
    assert sum(1 for a in out if a.contact == "c") == 500
    _, calls_big = case(5000)
    assert calls_big <= 10 * calls_small + 10  # linear: 10x the rows, ~10x the work


# -- the output directory --


def test_second_writer_fails_naming_the_lock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    monkeypatch.setattr(writer, "LOCK_WAIT_S", 0.2)
    with FileLock(writer.lock_file(out)):
        with pytest.raises(WriteError, match="another glamgraph run holds its lock") as err:
            writer.write_all(make_coverage(), out)
        assert err.value.exit_code == 2 and str(writer.lock_file(out)) in str(err.value)
        assert not out.exists()
    writer.write_all(make_coverage(), out, formats=["regions"])
    assert (out / "regions.csv").is_file()


def test_concurrent_runs_never_mix_outputs(tmp_path: Path) -> None:
    """Two processes writing the same directory: each run.json matches the files beside it."""
    script = (
        "import sys; sys.path.insert(0, sys.argv[2]);"
        "from export_fixtures import make_coverage;"
        "from glamgraph.export import write_all;"
        "write_all(make_coverage(), sys.argv[1], formats=['regions', 'contacts', 'wikitext'])"
    )
    out = tmp_path / "out"
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", script, str(out), str(HERE)], stderr=subprocess.PIPE
        )
        for _ in range(3)
    ]
    codes = [p.wait(timeout=300) for p in procs]
    assert 0 in codes
    for p, code in zip(procs, codes, strict=True):
        err = p.stderr.read().decode() if p.stderr else ""
        assert code == 0 or "another glamgraph run holds its lock" in err, err
    info = json.loads((out / "run.json").read_text(encoding="utf-8"))
    files = info["files"]
    assert len(files) == 3
    import hashlib

    for entry in files:
        name, digest = entry["name"], entry["sha256"]
        assert hashlib.sha256((out / name).read_bytes()).hexdigest() == digest, name
    assert not [p for p in out.iterdir() if p.name.startswith(writer.STAGING_PREFIX)]


def test_stale_staging_folders_are_removed(tmp_path: Path) -> None:
    out = tmp_path / "out"
    writer.write_all(make_coverage(), out, formats=["regions"])
    inside = out / ".glamgraph-staging-x1y2z3ab"
    beside = tmp_path / ".glamgraph-staging-out-abcd1234"
    other = tmp_path / ".glamgraph-staging-other-abcd1234"  # another output's: left alone
    for d in (inside, beside, other):
        (d / ".previous").mkdir(parents=True)
        (d / "regions.csv").write_text("half-written")
    writer.write_all(make_coverage(), out, formats=["regions"])
    assert not inside.exists() and not beside.exists() and other.is_dir()


def test_out_under_a_file_says_so(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    afile = tmp_path / "afile"
    afile.write_text("x")
    code, _, err = run(capsys, "coverage", "Q46", "--endpoint", "snapshot", "--out",
                       str(afile / "sub"), "--quiet")  # fmt: skip
    assert code == 2
    one_line_error(err, "is a file, not a directory")


def test_cache_ttl_nan(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "query", "countries-of-continent", "--param", "continent=Q46",
                       "--endpoint", "snapshot", "--cache-ttl", "nan")  # fmt: skip
    assert code == 2
    one_line_error(err, "--cache-ttl", "not a number")


# -- credentials --


def test_no_password_over_plain_http(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from glamgraph import wikibase

    password = "hunter2-secret"
    monkeypatch.setenv(wikibase.ENV_USER, "Bot@glam")
    monkeypatch.setenv(wikibase.ENV_PASSWORD, password)
    url = "http://wiki.invalid/w/api.php"
    code, out, err = run(capsys, "fix-countries", "Q46", "--endpoint", "http://127.0.0.1:9/s",
                         "--no-cache", "--out", str(tmp_path / "o"), "--apply", "--wikibase", url)  # fmt: skip
    assert code == 2
    one_line_error(err, "plain HTTP", url, "--allow-insecure-http")
    assert password not in out + err and not (tmp_path / "o").exists()
    with pytest.raises(BadInput, match="plain HTTP"):
        wikibase.apply_fixes([], url, user="Bot@glam", password=password)
    assert check_credential_transport("https://wiki.invalid/w/api.php")
    for ok in ("http://127.0.0.1:8/w/api.php", "http://localhost/w/api.php", "http://[::1]:8/a"):
        assert check_credential_transport(ok) == ok
    assert check_credential_transport(url, allow_insecure_http=True) == url


def test_allowed_insecure_http_goes_on_to_the_login() -> None:
    from glamgraph.fixes.editor import login as _login

    with pytest.raises(BadInput, match="plain HTTP"):
        _login("http://wiki.invalid/w/api.php", "Bot@glam", "pw", 2.0)
    with pytest.raises((MediaWikiError, BadInput)) as err:  # past the check: a real login try
        _login("http://wiki.invalid/w/api.php", "Bot@glam", "pw", 2.0, allow_insecure_http=True)
    assert "plain HTTP" not in str(err.value) and "pw" not in str(err.value).split()


# -- query output of hostile literals --


class _Surrogate(faultproxy.Fault):
    name = "surrogate"

    def respond(self, h: faultproxy._Handler, rec: faultproxy.Recorded) -> None:
        body = (
            b'{"head":{"vars":["country","iso","label"]},"results":{"bindings":[{"country":'
            b'{"type":"uri","value":"http://www.wikidata.org/entity/Q142"},"iso":{"type":'
            b'"literal","value":"FR"},"label":{"type":"literal","value":"Fr\\ud800ance"}}]}}'
        )
        h.send(200, body, {"Content-Type": "application/sparql-results+json"})


@pytest.mark.parametrize("fmt", ["table", "csv", "json"])
def test_lone_surrogate_in_a_literal(
    fmt: str, capsys: pytest.CaptureFixture[str], oxigraph_server: oxigraph.Server
) -> None:
    with faultproxy.running(oxigraph_server.url) as proxy:
        proxy.always(_Surrogate())
        code = subprocess.run(
            [sys.executable, "-m", "glamgraph", "query", "countries-of-continent", "--param",
             "continent=Q46", "--endpoint", proxy.url, "--no-cache", "--format", fmt],
            capture_output=True, env={**os.environ, "PYTHONIOENCODING": "utf-8"},
        )  # fmt: skip
    assert code.returncode == 0, code.stderr.decode()
    text = code.stdout.decode("utf-8")
    assert "Fr\ufffdance" in text or "Fr\\ufffdance" in text
    if fmt == "json":
        json.loads(text)
    if fmt == "csv":
        assert list(csv.reader(io.StringIO(text)))[1][2] == "Fr\ufffdance"


@pytest.mark.parametrize(
    "args",
    [
        ("coverage", "Q²", "--endpoint", "snapshot", "--quiet"),
        ("coverage", "Q46", "--types", "Q²", "--endpoint", "snapshot", "--quiet"),
        ("query", "countries-of-continent", "--param", "continent=Q²", "--endpoint", "snapshot"),
        ("fix-countries", "Q²", "--endpoint", "snapshot"),
    ],
)
def test_a_superscript_qid_is_bad_input(
    args: tuple[str, ...], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = (
        run(capsys, *args, "--out", str(tmp_path / "o"))
        if args[0] != "query"
        else run(capsys, *args)
    )
    assert code == 2
    one_line_error(err, "Q²")
    assert not (tmp_path / "o").exists()


def test_graph_builder_states_rows_as_iri_and_lit_write_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The builder converts rows with IRIs memoised and loads them in chunks on a thread: the
    graph holds exactly the terms :func:`iri` and :func:`lit` make, hostile ones included,
    whatever the chunk size."""
    from glamgraph import graph as kg
    from glamgraph.sparql import QueryResult

    monkeypatch.setattr(kg, "BUILD_CHUNK", 3)  # many chunks, several pending at once
    sites = ["http://museum.example/a b", "http://museum.example/x#a#b", "https://ex.org/é"]
    rows = []
    for n in range(20):
        item = {"type": "uri", "value": f"http://www.wikidata.org/entity/Q{n % 4 + 1}"}
        rows.append({"item": item, "field": {"type": "literal", "value": "website"},
                     "value": {"type": "uri", "value": sites[n % 3]}})  # fmt: skip
        rows.append({"item": item, "field": {"type": "literal", "value": "address"},
                     "value": {"type": "literal", "value": f'say "hi"\n{n}', "xml:lang": "fr"}})  # fmt: skip
    res = QueryResult(("item", "field", "value"), rows, query_name="institution-details")
    builder = kg.GraphBuilder("test")
    graph = builder.add_query_result(res)
    ds = builder.build()
    from glamgraph import vocab

    website, address = iri(vocab.WDT + vocab.WEBSITE), iri(vocab.WDT + vocab.STREET_ADDRESS)
    expected = {
        (iri(r["item"]["value"]), website if r["field"]["value"] == "website" else address,
         iri(r["value"]["value"]) if r["value"]["type"] == "uri"
         else lit(r["value"]["value"], "fr"), graph)
        for r in rows
    }  # fmt: skip
    got = {q for q in builder.quads if q[3] == graph}
    assert got == expected
    assert "<http://museum.example/a%20b>" in {q[2] for q in got}
    assert len(kg.oxigraph_store(ds)) == len(builder.quads)
