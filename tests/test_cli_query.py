"""``glamgraph query``: output, header line, formats, and one-line errors with exit code 2."""

from __future__ import annotations

import csv
import io
import json

import pytest

from glamgraph.cli import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_query_snapshot_table(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(
        capsys,
        "query",
        "countries-of-continent",
        "--param",
        "continent=Q15",
        "--endpoint",
        "snapshot",
    )
    assert code == 0, err
    lines = out.splitlines()
    assert (
        lines[0].startswith("# endpoint: snapshot") and "query: countries-of-continent" in lines[0]
    )
    assert any(line.startswith("Q1033 ") and " NG " in line for line in lines)  # Nigeria
    assert len(lines) - 3 >= 54


def test_query_csv_and_json(capsys: pytest.CaptureFixture[str], oxigraph_server) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run(
        capsys,
        "query",
        "subdivisions-of-country",
        "--param",
        "country=Q142",
        "--endpoint",
        oxigraph_server.url,
        "--format",
        "csv",
        "--no-cache",
    )
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert {r["iso"] for r in rows} == {"FR-IDF", "FR-BRE", "FR-OCC"}
    assert {r["unit"] for r in rows} == {"Q13917", "Q12130", "Q18678265"}
    code, out, _ = run(
        capsys,
        "query",
        "region-by-iso",
        "--param",
        "code=FR-IDF",
        "--endpoint",
        oxigraph_server.url,
        "--format",
        "json",
        "--no-cache",
    )
    data = json.loads(out)
    assert data["results"]["bindings"][0]["item"]["value"].endswith("/Q13917")


def test_user_rq_file(capsys: pytest.CaptureFixture[str], tmp_path) -> None:  # type: ignore[no-untyped-def]
    f = tmp_path / "count.rq"
    f.write_text(
        "# title: count\nPREFIX wdt: <http://www.wikidata.org/prop/direct/>\n"
        "SELECT (COUNT(*) AS ?n) WHERE { ?c wdt:P297 ?iso }\n"
    )
    code, out, _ = run(capsys, "query", str(f), "--endpoint", "snapshot", "--format", "csv")
    assert code == 0 and out.splitlines() == ["n", "250"]


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["query", "no-such-query", "--endpoint", "snapshot"], "unknown query: 'no-such-query'"),
        (["query", "/no/such/file.rq", "--endpoint", "snapshot"], "/no/such/file.rq"),
        (
            ["query", "countries-of-continent", "--param", "continent", "--endpoint", "snapshot"],
            "malformed --param 'continent'",
        ),
        (
            [
                "query",
                "countries-of-continent",
                "--param",
                "continent=Q1>}",
                "--endpoint",
                "snapshot",
            ],
            "malformed QID: 'Q1>}'",
        ),
        (
            [
                "query",
                "countries-of-continent",
                "--param",
                "continent=Q15",
                "--endpoint",
                "nowhere",
            ],
            "unknown endpoint: 'nowhere'",
        ),
        (
            [
                "query",
                "countries-of-continent",
                "--param",
                "continent=Q15",
                "--endpoint",
                "http://",
            ],
            "unknown endpoint: 'http://'",
        ),
    ],
)
def test_bad_input_is_one_line_exit_2(
    capsys: pytest.CaptureFixture[str], args: list[str], needle: str
) -> None:
    code, _out, err = run(capsys, *args)
    assert code == 2
    assert needle in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_version_names_the_snapshot(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "snapshot-info")
    assert code == 0
    assert "institutions" in out and "wdqs" in out
