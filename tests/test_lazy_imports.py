"""Heavy libraries are imported only when the file that needs them is written: starting the
command line (``import glamgraph.cli``) or the API (``import glamgraph``) loads none of them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).parent
HEAVY = ("matplotlib", "openpyxl", "xlsxwriter", "pandas", "geopandas")


@pytest.mark.parametrize("module", ["glamgraph.cli", "glamgraph"])
def test_no_heavy_import_at_start(module: str) -> None:
    code = (
        f"import sys, json, {module}\n"
        f"print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r})))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []


def test_the_workbook_library_loads_when_a_workbook_is_written(tmp_path) -> None:  # type: ignore[no-untyped-def]
    code = (
        "import sys, json\n"
        f"sys.path.insert(0, {str(TESTS)!r})\n"
        "from export_fixtures import make_coverage\n"
        "from glamgraph.export import to_xlsx\n"
        "before = 'xlsxwriter' in sys.modules\n"
        f"to_xlsx(make_coverage(), {str(tmp_path / 'c.xlsx')!r})\n"
        "print(json.dumps([before, 'xlsxwriter' in sys.modules]))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert json.loads(out.stdout.strip().splitlines()[-1]) == [False, True]


def test_the_package_imports_its_parts_when_first_used() -> None:
    code = (
        "import sys, json, glamgraph\n"
        "before = sorted(m for m in ('networkx', 'glamgraph.coverage', 'glamgraph.publish') "
        "if m in sys.modules)\n"
        "import glamgraph.coverage, glamgraph.affiliates, glamgraph.publish\n"
        "names = [glamgraph.coverage.__name__, glamgraph.affiliates.__name__,"
        " glamgraph.publish.__name__, glamgraph.snapshot.__name__, glamgraph.Region.__name__]\n"
        "print(json.dumps([before, names, 'networkx' in sys.modules]))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    before, names, networkx = json.loads(out.stdout.strip().splitlines()[-1])
    assert before == []  # nothing heavy at `import glamgraph`
    # the public names stay the functions once their modules are imported
    assert names == ["coverage", "load_affiliates", "publish", "glamgraph.snapshot", "Region"]
    assert networkx  # and importing them loads what they need
