#!/usr/bin/env python3
"""Benchmark of ``glamgraph snapshot build``: build time, file size and load time.

For each size: the seeded world of ``bench/world.py`` (reused from ``bench/.work/``), loaded into
an Oxigraph store and served read-only on 127.0.0.1 (the helpers of ``bench/run.py`` and the
tests' server fixture); then

* **build**: ``glamgraph.snapshot.build("world", ...)`` against the server with a fresh on-disk
  cache (as a real build runs: a query asked again by the country-level pass is a cache hit), the
  queries sent and recorded, the triples kept;
* **size**: the snapshot file's bytes (and the world's N-Triples for scale);
* **load**: reading, verifying (checksum, manifest) and loading the file into an embedded store
  (``EmbeddedEngine.from_snapshot``), median of three;
* **check**: ``coverage("world")`` on the snapshot against the server: the same rows and unplaced
  institutions (``--skip-check`` skips it);
* **rebuild**: a second build from the warm cache (an interrupted build resumes like this) and
  whether its bytes are identical.

Usage::

    python bench/snapshot_bench.py                     # 10,000 institutions
    python bench/snapshot_bench.py --sizes 10000,100000 --markdown

Nothing leaves 127.0.0.1; the server is stopped by its PID.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import run as bench_run  # noqa: E402  (it puts the tests' servers on sys.path)
from servers import oxigraph as oxiserver  # noqa: E402

from glamgraph.coverage import coverage  # noqa: E402
from glamgraph.snapshot import build  # noqa: E402
from glamgraph.sparql import Settings, get_engine  # noqa: E402
from glamgraph.sparql.embedded import EmbeddedEngine  # noqa: E402
from glamgraph.sparql.snapfile import read_snapshot  # noqa: E402

DATE = "2026-12-01"


def _rows(cov: Any) -> tuple[Any, Any]:
    rows = [(r.region, r.institutions, r.affiliates, r.nearest_affiliate) for r in cov.rows]
    return rows, sorted(u.qid for u in cov.unplaced)


def bench_size(n: int, args: argparse.Namespace) -> dict[str, Any]:
    workdir = Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    meta = bench_run.ensure_world(n, args.seed, workdir, False)
    store = bench_run.ensure_store(meta, workdir, False)
    server = oxiserver.start([], Path(store["location"]), timeout_s=600)
    out = workdir / f"world-{n}-s{args.seed}.snap"
    result: dict[str, Any] = {"n": n, "world_triples": meta["triples"]}
    try:
        with tempfile.TemporaryDirectory() as cache:
            settings = Settings(min_interval_s=0, timeout_s=600, cache_dir=cache)
            eng = get_engine(server.url, settings)
            t0 = time.perf_counter()
            report = build(
                "world",
                endpoint=eng,
                out=out,
                module=meta["affiliates"],
                created=DATE,
                subdivisions=not args.no_subdivisions,
            )
            result["build_s"] = round(time.perf_counter() - t0, 1)
            result["queries_sent"] = eng.queries_sent
            result["queries_recorded"] = report.queries
            result["snapshot_triples"] = report.manifest["counts"]["triples"]
            result["file_bytes"] = out.stat().st_size
            result["world_nt_bytes"] = meta["world_bytes"]
            first = out.read_bytes()
            again = get_engine(server.url, settings)
            t0 = time.perf_counter()
            build(
                "world",
                endpoint=again,
                out=out,
                module=meta["affiliates"],
                created=DATE,
                subdivisions=not args.no_subdivisions,
            )
            result["rebuild_from_cache_s"] = round(time.perf_counter() - t0, 1)
            result["rebuild_queries_sent"] = again.queries_sent
            result["rebuild_identical"] = out.read_bytes() == first
        loads = []
        for _ in range(3):
            t0 = time.perf_counter()
            snap_eng = EmbeddedEngine.from_snapshot(read_snapshot(out))
            loads.append(time.perf_counter() - t0)
        result["load_s"] = round(statistics.median(loads), 2)
        if not args.skip_check:
            live_eng = get_engine(server.url, Settings(use_cache=False, min_interval_s=0))
            live = coverage("world", endpoint=live_eng, module=meta["affiliates"], quiet=True)
            t0 = time.perf_counter()
            off = coverage("world", endpoint=snap_eng, quiet=True)
            result["coverage_on_snapshot_s"] = round(time.perf_counter() - t0, 1)
            result["coverage_equal"] = _rows(live) == _rows(off)
    finally:
        oxiserver.stop(server)
    return result


def markdown(results: list[dict[str, Any]]) -> str:
    head = (
        "| institutions | build (s) | queries sent | triples kept | file (MB) | world .nt (MB) "
        "| load (s) | rebuild from cache (s) | identical | coverage equal |\n"
        "|---:|---:|---:|---:|---:|---:|---:|---:|:---:|:---:|"
    )
    lines = [head]
    for r in results:
        lines.append(
            f"| {r['n']:,} | {r['build_s']} | {r['queries_sent']} | {r['snapshot_triples']:,} "
            f"| {r['file_bytes'] / 1e6:.1f} | {r['world_nt_bytes'] / 1e6:.0f} | {r['load_s']} "
            f"| {r['rebuild_from_cache_s']} | {r['rebuild_identical']} "
            f"| {r.get('coverage_equal', 'n/a')} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="10000", help="comma-separated institution counts")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--workdir", default=str(HERE / ".work"))
    ap.add_argument("--no-subdivisions", action="store_true", help="skip the country-level pass")
    ap.add_argument("--skip-check", action="store_true", help="no coverage comparison")
    ap.add_argument("--markdown", action="store_true", help="print a Markdown table too")
    args = ap.parse_args(argv)
    results = []
    for n in (int(s) for s in args.sizes.split(",") if s.strip()):
        r = bench_size(n, args)
        print(json.dumps(r), flush=True)
        results.append(r)
    if args.markdown:
        print(markdown(results))
    ok = all(r["rebuild_identical"] and r.get("coverage_equal", True) for r in results)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
