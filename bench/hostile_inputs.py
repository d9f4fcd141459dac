#!/usr/bin/env python3
"""Time and memory of glamgraph on hostile inputs (measured here, never in the unit tests).

``python bench/hostile_inputs.py`` runs, each in a fresh child process (peak RSS from
``getrusage``):

* **registry merge**: ``_apply_registry`` of N registry rows (half update an affiliate, half add
  one) onto N affiliates, N = 20,000 and 200,000 (``--sizes`` to change);
* **registry read**: ``read_registry`` of a generated CSV of N rows;
* **lua flood**: ``lua.loads`` of ``return {{},{},...}`` just under ``lua.MAX_BYTES`` (refused at
  ``lua.MAX_ITEMS`` values) and of a 33 MB file (refused by size before reading);
* **oversized registry**: a sparse file of 2 GB given as the registry (refused by size).

Prints one line per case: seconds, peak RSS (MB), outcome.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time

CASES = {
    "merge": """
from pathlib import Path
from glamgraph.affiliates import registry as r
from glamgraph.model import Affiliate
n = {n}
affs = [Affiliate(code=f"A{{i}}", name=f"A {{i}}", type="chapter", countries=("Q142",),
                  status="recognised", source="module") for i in range(n)]
rows = [r.RegistryRow(line=i + 2, code=f"a{{i * 2}}", name="", type=None, countries=(),
                      status=None, contact="c", note="") for i in range(n)]
t = time.perf_counter()
out = r._apply_registry(affs, rows, {{}}, Path("reg.csv"))
outcome = f"{{len(out)}} affiliates"
""",
    "read": """
from pathlib import Path
from glamgraph.affiliates import registry as r
p = Path(tmp) / "reg.csv"
with p.open("w") as fh:
    fh.write("code,name,type,countries,status,contact,note\\n")
    for i in range({n}):
        fh.write(f"C{{i}},Name {{i}},chapter,Q142;FR;QA,recognised,x@example.org,\\n")
t = time.perf_counter()
outcome = f"{{len(r.read_registry(p))}} rows"
""",
    "lua-flood": """
from glamgraph import lua
from glamgraph.errors import MalformedFile
text = "return {{" + "{{}}," * ((lua.MAX_BYTES - 10) // 3) + "}}"
t = time.perf_counter()
try:
    lua.loads(text, name="flood.lua"); outcome = "parsed"
except MalformedFile as exc:
    outcome = str(exc)
""",
    "lua-33MB": """
from pathlib import Path
from glamgraph.affiliates import read_module
from glamgraph.errors import MalformedFile
p = Path(tmp) / "flood.lua"
p.write_text("return {{" + "{{}}," * 11_000_000 + "}}")
t = time.perf_counter()
try:
    read_module(str(p)); outcome = "parsed"
except MalformedFile as exc:
    outcome = str(exc)
""",
    "registry-2GB": """
from pathlib import Path
from glamgraph.affiliates import registry as r
from glamgraph.errors import MalformedFile
p = Path(tmp) / "big.csv"
with p.open("wb") as fh:
    fh.truncate(2 * 1024**3)
t = time.perf_counter()
try:
    r.read_registry(p); outcome = "read"
except MalformedFile as exc:
    outcome = str(exc)
""",
}

PRELUDE = "import time, resource, sys\ntmp = sys.argv[1]\n"
EPILOGUE = (
    "dt = time.perf_counter() - t\n"
    "rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024\n"
    "print(f'{dt:8.2f} s {rss:8.0f} MB  {outcome[:110]}')\n"
)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--sizes", default="20000,200000", help="registry sizes (rows)")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    jobs = [(f"{c} n={n}", CASES[c].format(n=n)) for c in ("merge", "read") for n in sizes]
    jobs += [(c, CASES[c].format()) for c in ("lua-flood", "lua-33MB", "registry-2GB")]
    for label, body in jobs:
        with tempfile.TemporaryDirectory() as tmp:
            started = time.perf_counter()
            res = subprocess.run(
                [sys.executable, "-c", PRELUDE + body + EPILOGUE, tmp],
                capture_output=True,
                text=True,
                check=False,
            )
            wall = time.perf_counter() - started
        line = res.stdout.strip() or res.stderr.strip().splitlines()[-1]
        print(f"{label:22} {line}   (process {wall:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
