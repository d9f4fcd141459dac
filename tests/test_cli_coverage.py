"""``glamgraph coverage`` end to end: through the real Oxigraph server and on the snapshot;
bad input is one line and exit 2 with nothing written; a failing endpoint is exit 3 with the
previous outputs untouched."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from glamgraph.cli import main

MODULE = Path(__file__).parent / "world" / "module.lua"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_europe_through_the_oxigraph_server(capsys, oxigraph_server, tmp_path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "out"
    code, stdout, err = run(
        capsys,
        "coverage",
        "Q46",
        "--endpoint",
        oxigraph_server.url,
        "--affiliates",
        str(MODULE),
        "--out",
        str(out),
        "--quiet",
        "--no-cache",
    )
    assert code == 0, err
    rows = {r["region"]: r for r in read_csv(out / "regions.csv")}
    assert set(rows) == {"Q31", "Q183", "Q29", "Q142", "Q189", "Q32", "Q233", "Q55"}
    assert rows["Q142"]["institutions"] == "5" and rows["Q142"]["uncovered"] == "false"
    assert rows["Q183"]["uncovered"] == "false"
    # Belgium's chapter is derecognised and the Netherlands' suspended in the module fixture
    assert rows["Q31"]["uncovered"] == "true" and rows["Q55"]["uncovered"] == "true"
    assert rows["Q31"]["nearest_affiliate"] in {r["affiliates"] for r in rows.values()} - {""}
    assert rows["Q189"]["hops"] == ""  # Iceland: an island
    unplaced = {r["institution"]: r for r in read_csv(out / "unplaced.csv")}
    assert set(unplaced) == {"Q9000011", "Q9000013"}
    for name in (
        "contacts.csv",
        "contacts.xlsx",
        "contacts.wikitext",
        "regions.geojson",
        "graph.trig",
        "run.json",
    ):
        assert (out / name).is_file(), name
    assert "uncovered" in stdout and str(out.resolve()) in stdout
    run_info = json.loads((out / "run.json").read_text())
    assert "institutions-of-classes" in json.dumps(run_info)


def test_snapshot_africa(capsys, tmp_path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "africa"
    code, _stdout, err = run(
        capsys, "coverage", "Q15", "--endpoint", "snapshot", "--out", str(out), "--quiet"
    )
    assert code == 0, err
    rows = {r["region"]: r for r in read_csv(out / "regions.csv")}
    assert len(rows) >= 54
    assert rows["Q1033"]["affiliates"] and rows["Q1033"]["uncovered"] == "false"  # Nigeria
    with_inst = [r for r in rows.values() if int(r["institutions"]) > 0]
    assert sum(int(r["institutions"]) for r in with_inst) >= 29
    for r in rows.values():
        if r["uncovered"] == "true":
            assert r["nearest_affiliate"], r


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["coverage", "Q0"], "unknown region: 'Q0'"),
        (["coverage", "Q1>}"], "unknown region"),
        (["coverage", "ZZ", "--endpoint", "snapshot"], "unknown region: 'ZZ'"),
        (["coverage", "Q46", "--endpoint", "snapshot", "--lang", "f r"], "malformed language code"),
        (
            ["coverage", "Q46", "--endpoint", "snapshot", "--affiliates", "/no/such.lua"],
            "--affiliates /no/such.lua",
        ),
        (
            ["coverage", "Q46", "--endpoint", "snapshot", "--registry", "/no/such.csv"],
            "--registry /no/such.csv",
        ),
        (["coverage", "Q46", "--endpoint", "nowhere"], "unknown endpoint: 'nowhere'"),
        (
            ["coverage", "Q46", "--endpoint", "snapshot", "--types", "Q1,museum"],
            "malformed class QID",
        ),
    ],
)
def test_bad_input_exit_2_nothing_written(capsys, tmp_path, monkeypatch, args, needle) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    code, _out, err = run(capsys, *args, "--quiet")
    assert code == 2, err
    assert needle in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert not (tmp_path / "glamgraph-out").exists()


def test_out_is_a_file(capsys, tmp_path) -> None:  # type: ignore[no-untyped-def]
    f = tmp_path / "taken"
    f.write_text("keep me")
    code, _out, err = run(
        capsys, "coverage", "Q46", "--endpoint", "snapshot", "--out", str(f), "--quiet"
    )
    assert code == 2 and "--out" in err and str(f) in err
    assert f.read_text() == "keep me"
