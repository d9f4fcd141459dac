"""``glamgraph doctor`` against the loopback Oxigraph test world: table, verdicts, exit codes."""

from __future__ import annotations

import socket

import pytest

from glamgraph import doctor, queries
from glamgraph.cli import main
from glamgraph.sparql import Settings

#: The test world's known answers (tests/world/make_world.py): Nigeria (Q1033) labelled
#: "Nigeria" in English, art museum (Q207694) under museum (Q33506), nine countries in Europe.
WORLD_KNOWN = ["--known", "continent=Q46", "--known", "min_countries=5"]


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["doctor", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_doctor_passes_on_the_test_world(oxigraph_server, capsys) -> None:  # type: ignore[no-untyped-def]
    code, out, err = _run(capsys, "--endpoint", oxigraph_server.url, *WORLD_KNOWN)
    assert code == 0, out + err
    lines = out.splitlines()
    assert lines[0].split() == ["endpoint", "query", "size", "values", "rows", "seconds", "verdict"]
    rows = [ln for ln in lines[1:] if ln.startswith(oxigraph_server.url)]
    seen = {(r.split()[1], r.split()[2]) for r in rows}
    # every shipped endpoint query ran; those with a list parameter at two sizes
    for name in queries.names():
        q = queries.load(name)
        lists = any(p.type.endswith("+") for p in q.params.values())
        sizes = {s for n, s in seen if n == name}
        assert sizes, f"doctor does not run {name}"
        if lists and name != "affiliates-on-wikidata":
            assert sizes == {"small", "production"}, (name, sizes)
    assert all(r.split()[6] == "ok" for r in rows), out
    assert "0 failed" in out
    assert "countries-of-continent" in err  # progress lines go to stderr


def test_known_answers_are_checked(oxigraph_server, capsys) -> None:  # type: ignore[no-untyped-def]
    code, out, _err = _run(
        capsys,
        "--endpoint",
        oxigraph_server.url,
        "--quiet",
        *WORLD_KNOWN,
        "--known",
        "country_label=Nigeria!",
        "--known",
        "min_countries=40",
    )
    assert code == 3
    failed = [ln for ln in out.splitlines() if "FAIL:" in ln]
    assert any("region-info" in ln and "'Nigeria', expected 'Nigeria!'" in ln for ln in failed)
    assert any("countries-of-continent" in ln and "expected more than 40" in ln for ln in failed)


def test_production_sizes_follow_the_harvest(oxigraph_server) -> None:  # type: ignore[no-untyped-def]
    report = doctor.doctor(
        [oxigraph_server.url],
        doctor.KnownAnswers(min_countries=5),
        settings=Settings(min_interval_s=0, max_attempts=1),
    )
    assert report.ok, report.table()
    by = {(c.query, c.size): c for c in report.checks}
    assert by[("class-closure", "production")].values == 10  # the GLAM roots and look-alikes
    # a server of your own gets the hash-joined form of the institutions query
    assert by[("institutions-of-classes-bulk", "production")].values > 1
    assert (
        by[("institution-details", "production")].rows > by[("institution-details", "small")].rows
    )
    assert by[("region-info", "production")].values == 9


def test_an_endpoint_that_is_down_fails_every_check_in_one_line(capsys) -> None:  # type: ignore[no-untyped-def]
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}/query"
    report = doctor.doctor(
        [url], settings=Settings(min_interval_s=0, max_attempts=1, backoff_s=0, timeout_s=5)
    )
    assert not report.ok
    fails = [c for c in report.checks if c.verdict == "FAIL"]
    assert fails and all("\n" not in c.detail and c.detail for c in fails)
    assert "Traceback" not in report.table()


def test_bad_known_answers_are_refused(capsys) -> None:  # type: ignore[no-untyped-def]
    code, _out, err = _run(capsys, "--endpoint", "snapshot", "--known", "country=Q1>")
    assert code == 2 and "known answer country" in err and "Traceback" not in err
    code, _out, err = _run(capsys, "--endpoint", "snapshot", "--known", "min_countries=many")
    assert code == 2 and "min_countries" in err
