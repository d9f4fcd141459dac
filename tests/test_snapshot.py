"""Snapshot files: built from the Oxigraph test server, they answer ``coverage`` exactly as the
server does, offline; the same data gives the same bytes; damaged or foreign files are refused
by name (exit 2) before anything is loaded; the shipped sample is such a file."""

from __future__ import annotations

import csv
import gzip
import io
import json
from pathlib import Path

import pytest

from glamgraph.cli import main
from glamgraph.errors import MalformedFile
from glamgraph.sparql.snapfile import (
    MAGIC,
    canonical_json,
    decode_snapshot,
    read_snapshot,
    write_snapshot,
)

MODULE = Path(__file__).parent / "world" / "module.lua"
TABLES = ("regions.csv", "unplaced.csv", "contacts.csv")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def table(path: Path) -> list[list[str]]:
    """A CSV's rows, without provenance comment lines."""
    text = "".join(
        line for line in path.read_text(encoding="utf-8").splitlines(True) if line[:1] != "#"
    )
    return list(csv.reader(io.StringIO(text)))


@pytest.fixture(scope="module")
def built(oxigraph_server, tmp_path_factory):  # type: ignore[no-untyped-def]
    """The test world built into a snapshot once, through the real server (no cache)."""
    folder = tmp_path_factory.mktemp("snap")
    path = folder / "w.snap"
    code = main(
        [
            "snapshot",
            "build",
            "world",
            "--endpoint",
            oxigraph_server.url,
            "--out",
            str(path),
            "--affiliates",
            str(MODULE),
            "--date",
            "2026-12-01",
            "--quiet",
            "--no-cache",
        ]
    )
    assert code == 0
    return path


def test_coverage_on_the_snapshot_equals_the_server(  # type: ignore[no-untyped-def]
    capsys, oxigraph_server, built, tmp_path
) -> None:
    live, offline = tmp_path / "live", tmp_path / "offline"
    code, _, err = run(
        capsys,
        "coverage",
        "Q46",
        "--endpoint",
        oxigraph_server.url,
        "--affiliates",
        str(MODULE),
        "--out",
        str(live),
        "--quiet",
        "--no-cache",
    )
    assert code == 0, err
    # offline: the snapshot serves the queries and its own copy of the module
    code, _, err = run(
        capsys,
        "coverage",
        "Q46",
        "--endpoint",
        f"snapshot:{built}",
        "--out",
        str(offline),
        "--quiet",
    )
    assert code == 0, err
    for name in TABLES:
        assert table(offline / name) == table(live / name), name
    assert len(table(live / "regions.csv")) > 5 and len(table(live / "unplaced.csv")) > 1
    # the provenance names the file, its date and the endpoint it was built from
    info = json.loads((offline / "run.json").read_text())
    shown = json.dumps(info)
    assert str(built) in shown and "2026-12-01" in shown and oxigraph_server.url in shown


def test_every_continent_and_a_country_equal_too(  # type: ignore[no-untyped-def]
    oxigraph_server, built
) -> None:
    import glamgraph

    for region in ("Q15", "Q48", "world", "Q142"):
        live = glamgraph.coverage(
            region, endpoint=oxigraph_server.url, module=str(MODULE), quiet=True
        )
        off = glamgraph.coverage(region, endpoint=f"snapshot:{built}", quiet=True)
        assert [
            (r.region, r.institutions, r.affiliates, r.nearest_affiliate) for r in off.rows
        ] == [(r.region, r.institutions, r.affiliates, r.nearest_affiliate) for r in live.rows], (
            region
        )
        assert sorted(u.qid for u in off.unplaced) == sorted(u.qid for u in live.unplaced)


def test_manifest_records_the_build(built, oxigraph_server) -> None:  # type: ignore[no-untyped-def]
    snap = read_snapshot(built)
    man = snap.manifest
    assert man["created"] == "2026-12-01" and man["region"] == "world"
    assert man["endpoint"] == oxigraph_server.url and man["languages"] == ["en"]
    names = {q["name"] for q in man["queries"]}
    assert {"class-closure", "institutions-by-class-and-country", "borders"} <= names
    # a build asks the item-by-item forms, whose rows map back to triples branch by branch,
    # though the server, an Oxigraph, gets the hash-joined forms in a coverage
    assert {"institutions-of-classes", "institution-contacts"} <= names
    assert not any(n.endswith("-bulk") for n in names)
    assert all(q["text"].lstrip().startswith("#tool:") for q in man["queries"])
    assert snap.module == MODULE.read_text(encoding="utf-8")
    assert man["counts"]["triples"] == snap.triples.count(b"\n") > 100
    lines = snap.triples.decode().splitlines()
    assert lines == sorted(set(lines))
    # Wikidata-shaped: only entity/direct-property/label terms the query files ask for
    assert "<http://www.wikidata.org/prop/direct/P31>" in snap.triples.decode()


def test_same_data_same_bytes(oxigraph_server, built, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from glamgraph.snapshot import build

    again = tmp_path / "again.snap"
    build(
        "world",
        endpoint=oxigraph_server.url,
        out=again,
        module=str(MODULE),
        created="2026-12-01",
    )
    assert again.read_bytes() == built.read_bytes()


def test_progress_and_resume_from_the_cache(oxigraph_server, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from glamgraph.snapshot import build
    from glamgraph.sparql import Settings, get_engine

    seen: list[tuple[int, str]] = []
    settings = Settings(min_interval_s=0, cache_dir=tmp_path / "cache")
    first = get_engine(oxigraph_server.url, settings)
    build(
        "Q46",
        endpoint=first,
        out=tmp_path / "a.snap",
        module=str(MODULE),
        progress=lambda n, name: seen.append((n, name)),
        created="2026-12-01",
    )
    assert [n for n, _ in seen] == list(range(1, len(seen) + 1)) and len(seen) > 5
    assert first.queries_sent > 0
    # a second build (as after an interruption) is answered from the cache: nothing is sent
    second = get_engine(oxigraph_server.url, settings)
    build("Q46", endpoint=second, out=tmp_path / "b.snap", module=str(MODULE), created="2026-12-01")
    assert second.queries_sent == 0
    assert (tmp_path / "a.snap").read_bytes() == (tmp_path / "b.snap").read_bytes()


def test_snapshot_info_shows_the_manifest(capsys, built) -> None:  # type: ignore[no-untyped-def]
    code, out, err = run(capsys, "snapshot-info", str(built))
    assert code == 0, err
    assert "2026-12-01" in out and "triples" in out and "world" in out
    code, out, _ = run(capsys, "snapshot-info", str(built), "--json")
    assert json.loads(out)["sha256"] == read_snapshot(built).manifest["sha256"]


def test_environment_variable_serves_the_file(built, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from glamgraph.sparql import get_engine

    monkeypatch.setenv("GLAMGRAPH_SNAPSHOT", str(built))
    eng = get_engine("snapshot")
    assert str(built) in eng.url
    assert eng.run("countries-of-continent", continent="Q46").rows


@pytest.mark.parametrize("damage", ["truncated", "flipped", "foreign", "empty", "tampered"])
def test_damaged_files_are_refused_by_name(capsys, built, tmp_path, damage) -> None:  # type: ignore[no-untyped-def]
    data = built.read_bytes()
    bad = tmp_path / f"{damage}.snap"
    if damage == "truncated":
        bad.write_bytes(data[: len(data) // 2])
    elif damage == "flipped":
        mid = len(data) // 2
        bad.write_bytes(data[:mid] + bytes([data[mid] ^ 0xFF]) + data[mid + 1 :])
    elif damage == "foreign":
        bad.write_bytes(gzip.compress(b"<http://a> <http://b> <http://c> .\n", mtime=0))
    elif damage == "empty":
        bad.write_bytes(b"")
    else:  # a valid gzip whose content does not match its checksum
        payload = gzip.decompress(data)
        cut = payload.index(b"\n", len(MAGIC)) + 1  # after the manifest line
        body = payload[cut:].replace(b"Q142", b"Q143", 1)
        assert body != payload[cut:]
        bad.write_bytes(gzip.compress(payload[:cut] + body, mtime=0))
    with pytest.raises(MalformedFile, match=str(bad)):
        read_snapshot(bad)
    out = tmp_path / "out"
    code, _, err = run(
        capsys, "coverage", "Q46", "--endpoint", f"snapshot:{bad}", "--out", str(out), "--quiet"
    )
    assert code == 2 and str(bad) in err and len(err.strip().splitlines()) == 1
    assert not out.exists()
    code, _, err = run(capsys, "snapshot-info", str(bad))
    assert code == 2 and str(bad) in err


def test_missing_file_and_bad_options(capsys, tmp_path) -> None:  # type: ignore[no-untyped-def]
    code, _, err = run(capsys, "coverage", "Q46", "--endpoint", f"snapshot:{tmp_path}/no.snap")
    assert code == 2 and "no.snap" in err
    code, _, err = run(
        capsys, "snapshot", "build", "ZZZ", "--endpoint", "qlever", "--out", str(tmp_path / "x")
    )
    assert code == 2 and "unknown region" in err
    code, _, err = run(
        capsys,
        "snapshot",
        "build",
        "--endpoint",
        "qlever",
        "--out",
        str(tmp_path / "x"),
        "--date",
        "yesterday",
    )
    assert code == 2 and "malformed date" in err
    assert not (tmp_path / "x").exists()


def test_format_is_canonical(tmp_path) -> None:
    a, b = tmp_path / "a.snap", tmp_path / "b.snap"
    t = [
        '<http://x/b> <http://p> "2" .',
        '<http://x/a> <http://p> "1" .',
        '<http://x/a> <http://p> "1" .',
    ]
    write_snapshot(a, t, "return {}", {"created": "2026-01-01", "z": 1, "a": 2})
    write_snapshot(b, list(reversed(t)), "return {}", {"a": 2, "created": "2026-01-01", "z": 1})
    assert a.read_bytes() == b.read_bytes()
    raw = a.read_bytes()
    assert raw[4:8] == b"\0\0\0\0"  # no time in the gzip header
    payload = gzip.decompress(raw)
    assert payload.startswith(MAGIC)
    man, module, triples = decode_snapshot(raw, "a")
    assert payload.split(b"\n")[1] == canonical_json(man)
    assert triples == b'<http://x/a> <http://p> "1" .\n<http://x/b> <http://p> "2" .\n'
    assert module == "return {}"


def test_endpoint_credentials_are_not_recorded(tmp_path) -> None:
    from glamgraph.sparql.snapfile import redact_endpoint

    assert redact_endpoint("https://u:secret@h.example/sparql?token=abc") == (
        "https://h.example/sparql?token=REDACTED"
    )


def test_shipped_sample_is_a_snapshot_file() -> None:
    from glamgraph.sparql.embedded import shipped_snapshot_path, snapshot_info

    snap = read_snapshot(shipped_snapshot_path())
    notes = snap.manifest["notes"]
    assert notes["counts"]["countries"] == 252 and "rules" in notes and "sources" in notes
    assert "affiliate_code = " in snap.module
    assert snapshot_info()["built"] == snap.manifest["created"]


def test_shipped_sample_loads_the_same_triples_trusted_or_checked() -> None:
    """The shipped sample is loaded without re-checking each IRI; that loads the very same
    triples as the checked load every other file gets."""
    import pyoxigraph as ox

    from glamgraph.sparql.embedded import EmbeddedEngine, shipped_snapshot_path, snapshot_engine

    snap = read_snapshot(shipped_snapshot_path())
    checked = EmbeddedEngine.from_snapshot(snap).store
    trusted = snapshot_engine(path=shipped_snapshot_path()).store
    dump = ox.RdfFormat.N_QUADS
    assert len(trusted) == len(checked) == snap.manifest["counts"]["triples"]
    assert sorted(trusted.dump(format=dump).splitlines()) == sorted(
        checked.dump(format=dump).splitlines()
    )


def test_other_snapshot_files_are_checked_term_by_term(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from glamgraph.sparql.embedded import snapshot_engine

    path = tmp_path / "bad.snap"
    write_snapshot(path, ["<http://a b> <http://p> <http://o> ."], "", {"created": "2026-01-01"})
    with pytest.raises(MalformedFile, match="do not parse"):
        snapshot_engine(path=path)


def test_rows_back_to_triples_follow_the_pattern() -> None:
    """UNION: only the branch the row came from; OPTIONAL: only what matched; paths: a witness;
    FILTER NOT EXISTS: nothing."""
    from glamgraph.snapshot import triples_of

    def uri(v: str) -> dict[str, str]:
        return {"type": "uri", "value": "http://x/" + v}

    q = """PREFIX x: <http://x/>
    SELECT * WHERE {
      { ?s x:type ?v . BIND("type" AS ?f) } UNION { ?s x:admin ?v . BIND("admin" AS ?f) }
      OPTIONAL { ?s x:label ?l }
      FILTER NOT EXISTS { ?s x:gone ?g }
      ?s x:p/x:q ?end .
      ?c x:sub* ?root .
      ?w ^x:inv ?s .
    }"""
    row = {
        "s": uri("a"),
        "v": uri("b"),
        "f": {"type": "literal", "value": "admin"},
        "end": {"type": "literal", "value": 'say "hi"\n', "xml:lang": "en"},
        "c": uri("k"),
        "root": uri("k"),
        "w": uri("w"),
    }
    got = triples_of(q, [row])
    assert "<http://x/a> <http://x/admin> <http://x/b> ." in got
    assert not any("x/type>" in t or "x/label>" in t or "x/gone>" in t for t in got)
    assert not any("x/sub>" in t for t in got)  # zero steps: nothing needed
    assert "<http://x/a> <http://x/inv> <http://x/w> ." in got  # ?w ^inv ?s: ?s inv ?w
    first = next(t for t in got if " <http://x/p> " in t)
    second = next(t for t in got if " <http://x/q> " in t)
    middle = first.split()[2]
    assert first.startswith("<http://x/a> ") and second.startswith(middle + " ")
    assert second.endswith(' "say \\"hi\\"\\n"@en .')
    # a hostile IRI cannot enter the file
    bad = dict(row, v={"type": "uri", "value": "http://x/b> <http://evil"})
    assert not any("evil" in t for t in triples_of(q, [bad]))


def test_unwritable_target_is_one_line(tmp_path) -> None:
    from glamgraph.errors import WriteError

    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(WriteError, match="cannot write the snapshot"):
        write_snapshot(blocker / "w.snap", [], "", {"created": "2026-01-01"})
