"""The wheel carries the query files and the snapshot, and works outside the repository."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_wheel_runs_a_query_outside_the_repo(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(dist),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = dist.glob("glamgraph-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "glamgraph/queries/countries-of-continent.rq" in names
    assert "glamgraph/queries/graph/coverage-institutions-per-unit.rq" in names
    assert "glamgraph/data/snapshot.snap" in names and "glamgraph/py.typed" in names
    # the maps' country shapes and the vendored Leaflet with its licence
    assert {"glamgraph/data/shapes.json.gz", "glamgraph/data/leaflet/LICENSE"} <= set(names)
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    work = tmp_path / "elsewhere"
    work.mkdir()
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]);"
        "import glamgraph, glamgraph.queries as q;"
        "assert glamgraph.__file__.startswith(sys.argv[1]), glamgraph.__file__;"
        "assert str(q.queries_dir()).startswith(sys.argv[1]);"
        "from glamgraph.cli import main;"
        "sys.exit(main(['query','countries-of-continent','--param','continent=Q15','--endpoint','snapshot','--format','csv']))"
    )
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    out = subprocess.run(
        [sys.executable, "-c", code, str(site)],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    lines = out.splitlines()
    assert lines[0] == "country,iso,label,coord,m49"
    assert len(lines) - 1 >= 54
    assert any(line.startswith("Q1033,NG,Nigeria") for line in lines)
