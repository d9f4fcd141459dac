"""The snapshot build script reruns on a small slice of ../shared/data and records its counts."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import pytest

from glamgraph.sparql.snapfile import read_snapshot

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"


@pytest.mark.skipif(
    not (DATA / "countries.csv").exists(), reason="../shared/data not beside the repo"
)
def test_build_script_on_a_slice(tmp_path: Path) -> None:
    out = tmp_path / "snap"
    proc = subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts" / "build_snapshot.py"),
            "--data",
            str(DATA),
            "--out",
            str(out),
            "--per-country",
            "5",
            "--limit",
            "200",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "snapshot:" in proc.stdout
    snap = read_snapshot(out / "snapshot.snap")
    info = snap.manifest["notes"]
    with (DATA / "countries.csv").open(encoding="utf-8", newline="") as fh:
        n_countries = sum(1 for _ in csv.DictReader(fh))
    with (DATA / "affiliates.csv").open(encoding="utf-8", newline="") as fh:
        affiliates = list(csv.DictReader(fh))
    assert info["counts"]["countries"] == n_countries
    assert info["counts"]["affiliates"] == len(affiliates)
    assert info["counts"]["affiliates_with_country"] == sum(
        1 for a in affiliates if a["countries"].strip()
    )
    # the capped countries say what the data holds beyond the cap
    assert info["capped"] and all(c["total"] > c["kept"] for c in info["capped"].values())
    assert info["capped"]["Q183"]["total"] > 5  # Germany: far more than the cap
    assert info["counts"]["institutions"] == 200
    assert (
        sum(info["counts"]["institutions_per_country"].values())
        + info["counts"]["institutions_without_country"]
        == 200
    )
    nt = snap.triples.decode()
    assert (
        '<http://www.wikidata.org/entity/Q142> <http://www.wikidata.org/prop/direct/P297> "FR" .'
        in nt
    )
    assert "<http://wikiba.se/ontology#rank> <http://wikiba.se/ontology#NormalRank>" in nt
    lua = snap.module
    assert lua.count("affiliate_code = ") == len(affiliates) and "RECONSTRUCTED" in lua


@pytest.mark.skipif(
    not (DATA / "countries.csv").exists(), reason="../shared/data not beside the repo"
)
def test_build_script_is_reproducible(tmp_path: Path) -> None:
    """Same data and SOURCE_DATE_EPOCH: byte-identical snapshot files."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1764633600"}  # 2025-12-02
    made = []
    for name in ("a", "b"):
        subprocess.run(
            [
                sys.executable,
                str(ROOT / "scripts" / "build_snapshot.py"),
                "--data",
                str(DATA),
                "--out",
                str(tmp_path / name),
                "--per-country",
                "3",
                "--limit",
                "100",
            ],
            capture_output=True,
            check=True,
            env=env,
        )
        made.append((tmp_path / name / "snapshot.snap").read_bytes())
    assert made[0] == made[1]
    assert read_snapshot(tmp_path / "a" / "snapshot.snap").manifest["created"] == "2025-12-02"


def test_shipped_snapshot_matches_its_record() -> None:
    """The shipped snapshot's counts are what its build recorded (no silent drift)."""
    from glamgraph.sparql import get_engine
    from glamgraph.sparql.embedded import snapshot_info

    info = snapshot_info()
    eng = get_engine("snapshot")
    res = eng.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "count")
    assert int(res.rows[0]["n"]["value"]) == info["counts"]["triples"]
