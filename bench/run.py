#!/usr/bin/env python3
"""glamgraph's benchmark: ``glamgraph coverage world`` on a generated world, stage by stage.

``python bench/run.py`` (default: 100,000 institutions, seed 1) generates the benchmark world
(:mod:`world`), loads it into an Oxigraph store, serves it read-only on 127.0.0.1 (the tests'
server fixture, ``tests/servers/oxigraph.py``) and runs the product itself:

* ``glamgraph coverage world --endpoint URL`` **cold** (an empty query cache) and **warm** (the
  cache the cold run filled: no request should be sent), each in a subprocess of its own
  (:mod:`profile_run`) that times the stages of the run (queries, parse, harvest assembly,
  affiliates, graph load, coverage queries, nearest affiliate, each output file), counts the
  HTTP requests and reads the peak RSS; ``--api`` profiles ``glamgraph.coverage.coverage()`` +
  ``glamgraph.export.write_all()`` instead of the command line;
* the outputs are checked against the generator's expected answer (institutions and affiliates
  per country, unplaced institutions, the nearest affiliate of each uncovered country): PASS or
  FAIL;
* ``glamgraph coverage Q46 --endpoint snapshot``, wall time including imports, median of 5;
* with ``--baseline REV``, the same runs against the git revision ``REV`` (extracted with ``git
  archive`` into ``bench/.work/`` and put first on ``PYTHONPATH``), printed side by side;
* with ``--plan``, the query-level comparison of :mod:`plan` (glamgraph's query plan against the
  naive per-country plan, and the client's overhead per query).

Targets are printed with PASS or MISS; checks with PASS or FAIL (the exit code is 1 when a check
fails). ``--sizes 10000,100000,300000`` repeats everything per size. Worlds and stores are kept in
``bench/.work/`` (git-ignored) and reused while the generator is unchanged. The server is stopped
by its PID whatever happens. Nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import datetime as dt
import hashlib
import io
import json
import math
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tarfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(1, str(REPO / "tests"))

import profile_run  # noqa: E402
import world  # noqa: E402
from servers import oxigraph as oxiserver  # noqa: E402

#: Issue targets, at 100,000 institutions (``coverage world``) and for the offline snapshot.
TARGET_SIZE = 100_000
TARGET_COLD_S = 25.0
TARGET_WARM_S = 5.0
TARGET_RSS_MB = 1000.0
TARGET_SNAPSHOT_S = 2.0
SNAPSHOT_REGION = "Q46"


# --- World and store --------------------------------------------------------------------------
def _source_hash() -> str:
    return hashlib.sha256((HERE / "world.py").read_bytes()).hexdigest()[:16]


def ensure_world(n: int, seed: int, workdir: Path, fresh: bool) -> dict[str, Any]:
    """The world files for (n, seed), generated unless an up-to-date copy is there."""
    meta_path = workdir / f"world-{n}-s{seed}.meta.json"
    if not fresh and meta_path.is_file():
        meta = json.loads(meta_path.read_text("utf-8"))
        if meta.get("source") == _source_hash() and all(
            Path(meta[k]).is_file() for k in ("world", "expected", "affiliates")
        ):
            meta["reused"] = True
            return meta
    info = world.generate(n, seed, workdir)
    meta = {
        "n": n,
        "seed": seed,
        "source": _source_hash(),
        "world": str(info.world_path),
        "expected": str(info.expected_path),
        "affiliates": str(info.affiliates_path),
        "triples": info.triples,
        "generate_s": info.seconds,
        "world_bytes": info.world_path.stat().st_size,
    }
    meta_path.write_text(json.dumps(meta, indent=1) + "\n", "utf-8")
    meta["reused"] = False
    return meta


def _du(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def ensure_store(meta: dict[str, Any], workdir: Path, fresh: bool) -> dict[str, Any]:
    """An Oxigraph store loaded with the world (``oxigraph load``), reused while up to date."""
    store = workdir / f"store-{meta['n']}-s{meta['seed']}"
    marker = store / "bench-loaded.json"
    if not fresh and marker.is_file():
        info = json.loads(marker.read_text("utf-8"))
        if info.get("source") == meta["source"]:
            info["reused"] = True
            return dict(info)
    if store.exists():
        shutil.rmtree(store)
    store.mkdir(parents=True)
    t0 = time.perf_counter()
    subprocess.run(
        [oxiserver.oxigraph_binary(), "load", "--location", str(store), "--file", meta["world"]],
        check=True,
        capture_output=True,
    )
    info = {
        "location": str(store),
        "source": meta["source"],
        "load_s": time.perf_counter() - t0,
        "store_bytes": _du(store),
    }
    marker.write_text(json.dumps(info, indent=1) + "\n", "utf-8")
    info["reused"] = False
    return info


def peak_rss_of(pid: int) -> float | None:
    """A running process's peak resident set in MB (VmHWM), or ``None``."""
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return None


# --- Revisions --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Revision:
    """A copy of glamgraph to run: the working tree, or a git revision extracted for the bench."""

    label: str
    root: Path


def _git(*args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(REPO), *args], capture_output=True, text=True, check=True
    ).stdout.strip()


def working_tree() -> Revision:
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        return Revision(f"this tree ({_git('describe', '--always', '--dirty')})", REPO)
    return Revision("this tree", REPO)


def checkout(rev: str, workdir: Path) -> Revision:
    """``rev``'s files (``git archive``) under ``workdir/rev-SHA``, extracted once."""
    try:
        sha = _git("rev-parse", "--verify", f"{rev}^{{commit}}")
    except subprocess.CalledProcessError as exc:
        raise SystemExit(f"--baseline {rev}: not a git revision ({exc.stderr.strip()})") from exc
    dest = workdir / f"rev-{sha[:12]}"
    if not (dest / ".bench-complete").is_file():
        if dest.exists():
            shutil.rmtree(dest)
        tmp = workdir / f".rev-{sha[:12]}.partial"
        if tmp.exists():
            shutil.rmtree(tmp)
        tmp.mkdir(parents=True)
        data = subprocess.run(
            ["git", "-C", str(REPO), "archive", "--format=tar", sha],
            capture_output=True,
            check=True,
        ).stdout
        with tarfile.open(fileobj=io.BytesIO(data)) as tar:
            tar.extractall(tmp, filter="data")
        (tmp / ".bench-complete").write_text(sha + "\n", "utf-8")
        tmp.rename(dest)
    return Revision(f"{rev} ({sha[:7]})", dest)


def byte_compile(rev: Revision) -> None:
    """Compile ``rev``'s ``glamgraph`` package to bytecode before it is timed, as ``pip install``
    does for an installed package. A checkout run with ``PYTHONDONTWRITEBYTECODE`` set would
    otherwise compile its ~85 modules on every run (~0.3 s of each cold and warm run); the
    baseline and this tree are compiled alike. A tree where the bytecode cannot be written (read
    only) is timed as it is: the exit status is not checked."""
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(rev.root / "glamgraph")],
        check=False,
        capture_output=True,
    )


def _env(rev: Revision, **extra: str) -> dict[str, str]:
    """The environment of a run of ``rev``: its tree first on ``PYTHONPATH``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GLAMGRAPH_")}
    env["PYTHONPATH"] = str(rev.root)
    env.update(extra)
    return env


# --- Profiled runs ----------------------------------------------------------------------------
def profiled_run(
    rev: Revision,
    cli_args: list[str],
    env: dict[str, str],
    timeout_s: float,
    json_path: Path,
    *,
    api: dict[str, str] | None = None,
) -> dict[str, Any]:
    """One run of :mod:`profile_run` for ``rev``: its JSON report, with the process wall time."""
    json_path.unlink(missing_ok=True)
    cmd = [sys.executable, str(HERE / "profile_run.py"), "--json", str(json_path)]
    if api is not None:
        cmd += ["--api", *(f"--{k}={v}" for k, v in api.items())]
    else:
        cmd += ["--", *cli_args]
    t0 = time.perf_counter()
    try:
        proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout_s)
    except subprocess.TimeoutExpired:
        return {"status": f"TIMEOUT after {timeout_s:.0f} s", "process_wall_s": timeout_s}
    wall = time.perf_counter() - t0
    if not json_path.is_file():
        tail = " | ".join(proc.stderr.strip().splitlines()[-3:])[:500]
        return {"status": f"ERROR exit {proc.returncode}: {tail}", "process_wall_s": wall}
    report: dict[str, Any] = json.loads(json_path.read_text("utf-8"))
    report["process_wall_s"] = wall
    report["status"] = "ran"
    if report.get("exit") != 0:
        tail = report.get("error") or " | ".join(proc.stderr.strip().splitlines()[-3:])[:500]
        report["status"] = f"ERROR exit {report.get('exit')}: {tail}"
    if Path(str(report.get("glamgraph", ""))).resolve() != rev.root.resolve():
        report["status"] = f"ERROR: ran glamgraph from {report.get('glamgraph')}, not {rev.root}"
    return report


def bench_coverage_world(
    url: str,
    meta: dict[str, Any],
    expected: dict[str, Any],
    rev: Revision,
    tag: str,
    args: argparse.Namespace,
    say: Callable[[str], None],
) -> dict[str, dict[str, Any]]:
    """``coverage world`` cold then warm for one revision, profiled and checked."""
    workdir: Path = args.workdir
    cache = workdir / f"cache-{tag}-{meta['n']}"
    if cache.exists():
        shutil.rmtree(cache)
    env = _env(rev, GLAMGRAPH_CACHE_DIR=str(cache))
    out: dict[str, dict[str, Any]] = {}
    for mode in ("cold", "warm"):
        out_dir = workdir / f"out-{tag}-{meta['n']}-{mode}"
        if out_dir.exists():
            shutil.rmtree(out_dir)
        cli_args = ["coverage", "world", "--endpoint", url, "--affiliates", meta["affiliates"]]
        cli_args += ["--out", str(out_dir), "--quiet", "--no-fallback", "--timeout", "600"]
        api = None
        if args.api:
            api = {"endpoint": url, "affiliates": meta["affiliates"], "out": str(out_dir)}
        rep = profiled_run(
            rev, cli_args, env, args.e2e_timeout, workdir / f"profile-{tag}-{mode}.json", api=api
        )
        if rep["status"] == "ran":
            rep["check"], rep["diffs"] = check_outputs(out_dir, expected)
            if mode == "warm" and rep.get("requests"):
                rep["diffs"] = [f"warm run sent {rep['requests']} requests", *rep["diffs"]]
        else:
            rep["check"] = "FAIL"
            rep["diffs"] = [rep["status"]]
        say(
            f"{rev.label} {mode}: {rep['process_wall_s']:.1f} s, "
            f"{rep.get('requests', '?')} requests, peak RSS {rep.get('peak_rss_mb') or 0:.0f} MB, "
            f"check {rep['check']}"
            + ("".join(f"\n      {d}" for d in rep["diffs"][:5]) if rep["diffs"] else "")
        )
        if rep.get("missing") and mode == "cold":
            say(
                f"  not in this revision (time folded into the caller): {', '.join(rep['missing'])}"
            )
        out[mode] = rep
        if rep["status"] != "ran":
            break
    return out


def bench_snapshot(rev: Revision, args: argparse.Namespace) -> dict[str, Any]:
    """``glamgraph coverage Q46 --endpoint snapshot`` as a user runs it: wall time, median."""
    walls: list[float] = []
    out_dir = args.workdir / "out-snapshot"
    cache = args.workdir / ("cache-snapshot-" + re.sub(r"\W+", "-", rev.label).strip("-"))
    shutil.rmtree(cache, ignore_errors=True)  # the first run is a first-time user's (cold)
    env = _env(rev, GLAMGRAPH_CACHE_DIR=str(cache))
    for _ in range(args.snapshot_runs):
        if out_dir.exists():
            shutil.rmtree(out_dir)
        cmd = [sys.executable, "-m", "glamgraph", "coverage", SNAPSHOT_REGION]
        cmd += ["--endpoint", "snapshot", "--out", str(out_dir), "--quiet"]
        t0 = time.perf_counter()
        proc = subprocess.run(
            cmd, env=env, cwd=rev.root, capture_output=True, text=True, timeout=600
        )
        walls.append(time.perf_counter() - t0)
        if proc.returncode != 0:
            tail = " | ".join(proc.stderr.strip().splitlines()[-3:])[:300]
            return {"status": f"ERROR exit {proc.returncode}: {tail}", "walls": walls}
    return {
        "status": "ran",
        "walls": walls,
        "median_s": statistics.median(walls),
        "first_s": walls[0],  # a fresh cache: nothing to reuse
        "warm_median_s": statistics.median(walls[1:]) if len(walls) > 1 else None,
    }


# --- Checks -----------------------------------------------------------------------------------
def _haversine_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0088 * math.asin(math.sqrt(min(1.0, h)))


def expected_nearest(expected: dict[str, Any]) -> dict[str, tuple[str, int | None]]:
    """The contract's nearest affiliate of each uncovered country: (code, hops or ``None``).

    Fewest border hops to a covered country, ties broken by great-circle distance between the
    countries' coordinates, then by code; with no border path, the covered country nearest by
    distance (none without coordinates: the fallback contact is then left unchecked). Computed
    from the world's own facts (``expected-*.json``), not by glamgraph.
    """
    countries: dict[str, Any] = expected["countries"]
    if not all("borders" in c for c in countries.values()):
        return {}
    covered = {q for q, c in countries.items() if c["affiliates"]}

    def coord(q: str) -> tuple[float, float] | None:
        c = countries.get(q) or {}
        return (c["lat"], c["lon"]) if c.get("lat") is not None else None

    def dist(a: str, b: str) -> float:
        ca, cb = coord(a), coord(b)
        return _haversine_km(ca, cb) if ca and cb else math.inf

    out: dict[str, tuple[str, int | None]] = {}
    for q, c in countries.items():
        if q in covered or not c["institutions"]:
            continue
        hops: dict[str, int] = {q: 0}
        queue = [q]
        found: list[str] = []
        while queue and not found:
            nxt: list[str] = []
            for a in queue:
                for b in countries[a]["borders"]:
                    if b in countries and b not in hops:
                        hops[b] = hops[a] + 1
                        nxt.append(b)
            found = [b for b in nxt if b in covered]
            queue = nxt
        if found:
            best = min(
                ((dist(q, b), code, b) for b in found for code in countries[b]["affiliates"]),
            )
            out[q] = (best[1], hops[best[2]])
        elif covered and coord(q) is not None:  # no border path: by distance alone
            best = min(
                (dist(q, b), code, b) for b in covered for code in countries[b]["affiliates"]
            )
            out[q] = (best[1], None)
    return out


def _diff_rows(
    rows: dict[str, dict[str, str]], unplaced: set[str], expected: dict[str, Any]
) -> list[str]:
    diffs: list[str] = []
    nearest = expected_nearest(expected)
    for qid, want in expected["countries"].items():
        row = rows.get(qid)
        if row is None:
            diffs.append(f"{qid}: no row")
            continue
        n, affs = int(row.get("institutions") or 0), sorted(row.get("affiliates", "").split())
        if n != want["institutions"]:
            diffs.append(f"{qid}: institutions {n}, expected {want['institutions']}")
        if affs != want["affiliates"]:
            diffs.append(f"{qid}: affiliates {affs}, expected {want['affiliates']}")
        if qid in nearest:
            code, hops = nearest[qid]
            got = (row.get("nearest_affiliate") or "").split()[:1]
            got_hops = row.get("hops", "")
            if got != [code] or ("hops" in row and got_hops != ("" if hops is None else str(hops))):
                diffs.append(
                    f"{qid}: nearest {row.get('nearest_affiliate')} ({got_hops} hops), "
                    f"expected {code} ({hops} hops)"
                )
    for qid in sorted(set(rows) - set(expected["countries"])):
        diffs.append(f"{qid}: unexpected row")
    want_u = set(expected["unplaced"])
    if unplaced != want_u:
        diffs.append(
            f"unplaced: {len(unplaced - want_u)} unexpected, {len(want_u - unplaced)} missing"
        )
    return diffs


def check_outputs(out_dir: Path, expected: dict[str, Any]) -> tuple[str, list[str]]:
    """``regions.csv`` (institutions, affiliates, nearest) and ``unplaced.csv`` against the
    expected answer."""
    path = out_dir / "regions.csv"
    if not path.is_file():
        return "FAIL", [f"no {path.name}"]
    with path.open(encoding="utf-8", newline="") as f:
        rows = {r["region"]: r for r in csv.DictReader(f)}
    unplaced: set[str] = set()
    upath = out_dir / "unplaced.csv"
    if upath.is_file():
        with upath.open(encoding="utf-8", newline="") as f:
            unplaced = {r["institution"] for r in csv.DictReader(f)}
    diffs = _diff_rows(rows, unplaced, expected)
    return ("PASS" if not diffs else "FAIL"), diffs[:20]


def median_runs(rounds: list[dict[str, dict[str, Any]]]) -> dict[str, dict[str, Any]]:
    """One revision's rounds folded per mode (cold, warm) into the run of median wall time (the
    lower median of an even count), with every round's wall time in ``walls``. A check that
    failed in any round fails the whole; a run that did not finish is the one reported.

    >>> r = [{"cold": {"status": "ran", "process_wall_s": w, "check": "PASS", "diffs": []}}
    ...      for w in (30.0, 20.0, 25.0)]
    >>> m = median_runs(r)["cold"]
    >>> m["process_wall_s"], m["walls"], m["check"]
    (25.0, [30.0, 20.0, 25.0], 'PASS')
    """
    out: dict[str, dict[str, Any]] = {}
    for mode in dict.fromkeys(m for rnd in rounds for m in rnd):
        reps = [rnd[mode] for rnd in rounds if mode in rnd]
        broken = [r for r in reps if r.get("status") != "ran"]
        if broken:
            out[mode] = broken[0]
            continue
        ranked = sorted(reps, key=lambda r: float(r["process_wall_s"]))
        chosen = dict(ranked[(len(ranked) - 1) // 2])
        chosen["walls"] = [float(r["process_wall_s"]) for r in reps]
        failed = [r for r in reps if r.get("check") != "PASS"]
        if failed:
            chosen["check"] = failed[0].get("check", "FAIL")
            chosen["diffs"] = failed[0].get("diffs", [])
        out[mode] = chosen
    return out


# --- One size ---------------------------------------------------------------------------------
def bench_size(
    n: int, revs: list[Revision], args: argparse.Namespace, say: Callable[[str], None]
) -> dict[str, Any]:
    workdir: Path = args.workdir
    workdir.mkdir(parents=True, exist_ok=True)
    meta = ensure_world(n, args.seed, workdir, args.fresh)
    say(
        f"world: {meta['triples']:,} triples, {meta['world_bytes'] / 1e6:.0f} MB, generated in "
        f"{meta['generate_s']:.1f} s{' (reused)' if meta['reused'] else ''}"
    )
    store = ensure_store(meta, workdir, args.fresh)
    say(
        f"store: loaded in {store['load_s']:.1f} s, {store['store_bytes'] / 1e6:.0f} MB"
        f"{' (reused)' if store['reused'] else ''}"
    )
    expected = json.loads(Path(meta["expected"]).read_text("utf-8"))
    result: dict[str, Any] = {"n": n, "seed": args.seed, "world": meta, "store": store}
    result["loadavg_start"] = os.getloadavg()
    server = oxiserver.start([], Path(store["location"]), timeout_s=args.query_timeout)
    try:
        say(f"oxigraph serve-read-only on {server.url} (pid {server.pid})")
        rounds: dict[str, list[dict[str, dict[str, Any]]]] = {}
        for k in range(0 if args.skip_coverage else args.repeat):
            if args.repeat > 1:
                say(f"round {k + 1} of {args.repeat}")
            # the revisions take turns, round after round: a slower spell of a shared machine
            # weighs on both columns alike
            for i, rev in enumerate(revs):
                tag = "base" if i == 0 and len(revs) > 1 else "head"
                rounds.setdefault(rev.label, []).append(
                    bench_coverage_world(server.url, meta, expected, rev, tag, args, say)
                )
        result["rounds"] = rounds
        result["runs"] = {label: median_runs(reps) for label, reps in rounds.items()}
        if args.plan:
            import plan  # imports glamgraph: only with --plan

            if args.batches is None:
                b = plan.harvest_batches()
                args.batches = {"class": b["class"], "country": b["country"], "admin": b["admin"]}
            result |= plan.bench_plan(server.url, expected, args, say)
        result["server_peak_rss_mb"] = peak_rss_of(server.pid)
    finally:
        oxiserver.stop(server)
    result["client_peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result["loadavg_end"] = os.getloadavg()
    say(
        f"oxigraph peak RSS {result.get('server_peak_rss_mb') or 0:.0f} MB; load average "
        f"{result['loadavg_start'][0]:.2f} at start, {result['loadavg_end'][0]:.2f} at end"
    )
    return result


# --- Report -----------------------------------------------------------------------------------
def machine() -> dict[str, str]:
    cpu = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    oxi = ""
    with contextlib.suppress(OSError, subprocess.SubprocessError, RuntimeError):
        oxi = subprocess.run(
            [oxiserver.oxigraph_binary(), "--version"], capture_output=True, text=True
        ).stdout.strip()
    return {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "nproc": str(os.cpu_count()),
        "cpu": cpu,
        "python": platform.python_version(),
        "oxigraph": oxi,
    }


def _stage_rows(reports: list[dict[str, Any]]) -> list[str]:
    """The stage names present in any report, in profile_run's order."""
    seen: list[str] = []
    for rep in reports:
        for k in rep.get("stages", {}):
            if k not in seen:
                seen.append(k)
    ordered: list[str] = []
    for stage in profile_run.STAGES:
        if stage == "write":
            ordered += [k for k in seen if k.startswith("write ") and k not in profile_run.STAGES]
        elif stage in seen:
            ordered.append(stage)
    return ordered + [k for k in seen if k not in ordered]


def _fmt_table(head: list[str], rows: list[list[str]], markdown: bool) -> str:
    if markdown:
        lines = ["| " + " | ".join(head) + " |", "|---|" + "---:|" * (len(head) - 1)]
        lines += ["| " + " | ".join(r) + " |" for r in rows]
        return "\n".join(lines)
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(head)]
    fmt = "  ".join(f"{{:<{w}}}" if i == 0 else f"{{:>{w}}}" for i, w in enumerate(widths))
    return "\n".join([fmt.format(*head), *(fmt.format(*r) for r in rows)])


def stage_table(result: dict[str, Any], markdown: bool = False) -> str:
    """Seconds per stage, one column per (revision, cold|warm)."""
    cols: list[tuple[str, dict[str, Any]]] = []
    for label, runs in result["runs"].items():
        for mode, rep in runs.items():
            cols.append((f"{label} {mode}", rep))
    reps = [r for _, r in cols]
    head = ["stage (s)", *(c for c, _ in cols)]
    rows: list[list[str]] = []
    for stage in _stage_rows(reps):
        cells = []
        for rep in reps:
            v = rep.get("stages", {}).get(stage)
            calls = rep.get("calls", {}).get(stage)
            extra = f" ({calls})" if stage in ("queries", "coverage queries") and calls else ""
            cells.append("-" if v is None else f"{v:.2f}{extra}")
        rows.append([stage, *cells])

    def cell(rep: dict[str, Any], key: str, fmt: str) -> str:
        v = rep.get(key)
        return "-" if v is None else fmt.format(v)

    rows.append(["  of which on other threads", *(cell(r, "off_main_s", "{:.2f}") for r in reps)])
    rows.append(["unaccounted (startup)", *(cell(r, "unaccounted_s", "{:.2f}") for r in reps)])
    rows.append(["wall (process)", *(cell(r, "process_wall_s", "{:.2f}") for r in reps)])
    if any(len(r.get("walls", ())) > 1 for r in reps):
        rows.append(
            [
                "  wall of each round",
                *(" / ".join(f"{w:.1f}" for w in r.get("walls", ())) or "-" for r in reps),
            ]
        )
    rows.append(["HTTP requests", *(cell(r, "requests", "{}") for r in reps)])
    rows.append(["cache hits", *(cell(r, "cache_hits", "{}") for r in reps)])
    rows.append(["peak RSS MB", *(cell(r, "peak_rss_mb", "{:.0f}") for r in reps)])
    rows.append(["check", *(r.get("check", "-") for r in reps)])
    return _fmt_table(head, rows, markdown)


def _verdict(value: float | None, limit: float) -> str:
    if value is None:
        return "-"
    return "PASS" if value <= limit else "MISS"


def targets_table(
    results: list[dict[str, Any]], snapshot: dict[str, dict[str, Any]], markdown: bool = False
) -> str:
    """The issue's targets per revision, PASS or MISS (sizes other than 100k: for reference)."""
    labels = list(snapshot) or [lbl for r in results for lbl in r["runs"]]
    labels = list(dict.fromkeys(labels))
    head = ["target", *(f"{lbl}" for lbl in labels)]
    rows: list[list[str]] = []
    for r in results:
        if r["n"] != TARGET_SIZE:
            continue
        for what, mode, key, limit in (
            (
                f"coverage world {TARGET_SIZE:,} cold <= {TARGET_COLD_S:g} s",
                "cold",
                "process_wall_s",
                TARGET_COLD_S,
            ),
            (
                f"coverage world {TARGET_SIZE:,} warm <= {TARGET_WARM_S:g} s",
                "warm",
                "process_wall_s",
                TARGET_WARM_S,
            ),
            (f"peak RSS cold <= {TARGET_RSS_MB:,.0f} MB", "cold", "peak_rss_mb", TARGET_RSS_MB),
            (f"peak RSS warm <= {TARGET_RSS_MB:,.0f} MB", "warm", "peak_rss_mb", TARGET_RSS_MB),
        ):
            cells = []
            for lbl in labels:
                rep = r["runs"].get(lbl, {}).get(mode, {})
                v = rep.get(key)
                cells.append("-" if v is None else f"{v:.1f} {_verdict(v, limit)}")
            rows.append([what, *cells])
    if not any(r["n"] == TARGET_SIZE for r in results):
        rows.append(
            [
                f"coverage world: judged at {TARGET_SIZE:,} (--sizes {TARGET_SIZE})",
                *("-" for _ in labels),
            ]
        )
    if snapshot:
        cells = []
        for lbl in labels:
            s = snapshot.get(lbl, {})
            v = s.get("median_s")
            cells.append(
                s.get("status", "-") if v is None else f"{v:.2f} {_verdict(v, TARGET_SNAPSHOT_S)}"
            )
        rows.append(
            [
                f"coverage {SNAPSHOT_REGION} --endpoint snapshot <= {TARGET_SNAPSHOT_S:g} s (median)",
                *cells,
            ]
        )
        rows.append(
            [
                "  of which the first run, fresh cache (info)",
                *(
                    f"{snapshot.get(lbl, {}).get('first_s'):.2f}"
                    if snapshot.get(lbl, {}).get("first_s") is not None
                    else "-"
                    for lbl in labels
                ),
            ]
        )
    if not rows:
        return f"(targets are set at {TARGET_SIZE:,} institutions; add it to --sizes)"
    return _fmt_table(head, rows, markdown)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="100000", help="institutions per world, comma-separated")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--workdir", type=Path, default=world.WORKDIR, help="bench/.work by default")
    ap.add_argument("--fresh", action="store_true", help="regenerate worlds and reload stores")
    ap.add_argument(
        "--baseline",
        metavar="REV",
        help="also run the git revision REV (e.g. main, HEAD~3) and print both side by side",
    )
    ap.add_argument(
        "--api",
        action="store_true",
        help="profile coverage() + write_all() in Python instead of the command line",
    )
    ap.add_argument(
        "--skip-coverage", action="store_true", help="no coverage world runs (e.g. --plan alone)"
    )
    ap.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="rounds of coverage world cold + warm per revision, revisions taking turns; the "
        "tables show the run of median wall time (default 3)",
    )
    ap.add_argument("--snapshot-runs", type=int, default=5, help="runs of coverage Q46 (median)")
    ap.add_argument("--skip-snapshot", action="store_true")
    ap.add_argument("--e2e-timeout", type=float, default=1800.0, help="per run, seconds")
    ap.add_argument(
        "--query-timeout",
        type=int,
        default=120,
        help="the server's per-query deadline in seconds (oxigraph --timeout-s; default 120)",
    )
    ap.add_argument("--markdown", action="store_true", help="print the tables as Markdown too")
    g = ap.add_argument_group(
        "query-level plan comparison (--plan): glamgraph's query plan against the naive one"
    )
    g.add_argument("--plan", action="store_true", help="also run the plan-vs-naive comparison")
    g.add_argument(
        "--naive-form",
        choices=("values", "inline"),
        default="values",
        help="naive query with the country as a VALUES row (default) or inlined as peers write it",
    )
    g.add_argument("--client-timeout", type=float, default=600.0)
    g.add_argument("--naive-budget", type=float, default=None, help="stop the naive plan after S")
    g.add_argument("--skip-naive", action="store_true")
    g.add_argument("--class-batch", type=int, help="default: glamgraph.harvest's; 0: all at once")
    g.add_argument("--country-batch", type=int, help="default: glamgraph.harvest's; 0: all")
    g.add_argument("--admin-batch", type=int, help="default: glamgraph.harvest's; 0: all")
    args = ap.parse_args(argv)
    args.batches = None
    if None not in (args.class_batch, args.country_batch, args.admin_batch):
        args.batches = {
            "class": args.class_batch,
            "country": args.country_batch,
            "admin": args.admin_batch,
        }
    elif any(v is not None for v in (args.class_batch, args.country_batch, args.admin_batch)):
        ap.error("--class-batch, --country-batch and --admin-batch go together")
    if args.repeat < 1:
        ap.error("--repeat takes 1 or more")
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    args.workdir.mkdir(parents=True, exist_ok=True)

    revs = [working_tree()]
    if args.baseline:
        revs.insert(0, checkout(args.baseline, args.workdir))
    for rev in revs:
        byte_compile(rev)
    info = machine()
    print(f"glamgraph bench, {info['date']}: {info['nproc']} cores, {info['cpu']}")
    print(f"{info['oxigraph']}, Python {info['python']}; load average {os.getloadavg()}")
    print("revisions: " + "; ".join(f"{r.label} at {r.root}" for r in revs))
    results = []
    t_all = time.perf_counter()
    for n in sizes:
        print(f"\n== {n:,} institutions (seed {args.seed})")
        t0 = time.perf_counter()
        res = bench_size(n, revs, args, lambda s: print("  " + s, flush=True))
        res["total_s"] = time.perf_counter() - t0
        for runs in res["runs"].values():
            for rep in runs.values():
                if "wall_s" in rep:
                    # the main thread's stages only: the other threads' overlap them
                    off = rep.get("off_main_thread", {})
                    main_s = sum(v - off.get(k, 0.0) for k, v in rep["stages"].items())
                    rep["unaccounted_s"] = rep["wall_s"] - main_s
                    rep["off_main_s"] = sum(off.values())
        if res["runs"]:
            print()
            print(stage_table(res))
        results.append(res)
    snapshot: dict[str, dict[str, Any]] = {}
    if not args.skip_snapshot:
        print(f"\n== coverage {SNAPSHOT_REGION} --endpoint snapshot ({args.snapshot_runs} runs)")
        for rev in revs:
            snapshot[rev.label] = s = bench_snapshot(rev, args)
            walls = ", ".join(f"{w:.2f}" for w in s["walls"])
            print(f"  {rev.label}: {s.get('median_s', float('nan')):.2f} s median ({walls})")
            if s.get("first_s") is not None and s.get("warm_median_s") is not None:
                print(
                    f"    first run (fresh cache) {s['first_s']:.2f} s; "
                    f"the others (reusing it) {s['warm_median_s']:.2f} s median"
                )
    rounds = f"the median of {args.repeat} rounds; " if args.repeat > 1 else ""
    print(f"\n== targets ({rounds}load average now {os.getloadavg()[0]:.2f})")
    print(targets_table(results, snapshot))
    if args.plan:
        import plan

        print("\n== query plan vs naive plan")
        print(plan.table(results))
    if args.markdown:
        for r in (r for r in results if r["runs"]):
            print(f"\n{r['n']:,} institutions\n")
            print(stage_table(r, markdown=True))
        print()
        print(targets_table(results, snapshot, markdown=True))
        if args.plan:
            print()
            print(plan.table(results, markdown=True))
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    out = args.workdir / f"results-{stamp}.json"
    payload = {
        "machine": info,
        "args": vars(args) | {"workdir": str(args.workdir)},
        "revisions": [{"label": r.label, "root": str(r.root)} for r in revs],
        "results": results,
        "snapshot": snapshot,
    }
    out.write_text(json.dumps(payload, indent=1, default=str) + "\n", "utf-8")
    print(f"\nall done in {time.perf_counter() - t_all:.0f} s; details in {out}")
    checks = [
        rep.get("check") for r in results for runs in r["runs"].values() for rep in runs.values()
    ]
    ok = all(c == "PASS" for c in checks)
    if args.plan:
        import plan

        ok = ok and all(plan.ok(r) for r in results)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
