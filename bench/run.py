#!/usr/bin/env python3
"""glamgraph's query plan against the naive per-country plan, side by side, on a real Oxigraph.

``python bench/run.py`` (default: 100,000 institutions, seed 1) generates the benchmark world
(:mod:`world`), loads it into an Oxigraph store, serves it read-only on 127.0.0.1 and runs:

* **plan**: glamgraph's plan through glamgraph's engine: the countries of every continent, the
  historical countries, one ``class-closure`` query, ``institutions-by-class-and-country`` in a few
  batches, institutions whose only country is historical, ``institutions-without-country`` and
  ``admin-parents`` level by level up the P131 chains;
* **naive**: the plan peers use: the same country list, then one query per country walking
  ``wdt:P31/wdt:P279*`` inside the query (``bench/naive-per-country.rq``);
* **client overhead**: ``engine.run`` of the biggest plan query against a bare ``urllib`` fetch of
  the same request plus ``json.loads`` of the same bytes;
* **end to end**: ``glamgraph coverage world`` cold and warm (skipped while ``glamgraph.coverage``
  does not import or cannot run).

It prints the server time, the slowest query, the number of queries and the ratio, and checks both
plans' per-country counts (and the plan's unplaced institutions) against the generator's expected
answer: PASS or FAIL. ``--sizes 10000,100000,300000`` repeats everything at each size. Worlds and
stores are kept in ``bench/.work/`` (git-ignored) and reused while the generator is unchanged. The
server is stopped by its PID whatever happens. Nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import datetime as dt
import hashlib
import http.server
import importlib
import json
import os
import platform
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import world  # noqa: E402

import glamgraph.sparql.remote as remote  # noqa: E402
from glamgraph import ids, vocab  # noqa: E402
from glamgraph.errors import QueryTimeout, SparqlError  # noqa: E402
from glamgraph.sparql import (  # noqa: E402
    Engine,
    QueryResult,
    Settings,
    get_engine,
    term_bool,
    term_qid,
)

NAIVE_QUERY = HERE / "naive-per-country.rq"
ROOTS = tuple(vocab.DEFAULT_GLAM_ROOTS)
LOOKALIKES = tuple(vocab.DEFAULT_LOOKALIKES)
MAX_CHAIN_DEPTH = 20


def _harvest_batches() -> dict[str, int]:
    """glamgraph's own batch sizes (``glamgraph.harvest``), or one query per step without it."""
    try:
        hv = importlib.import_module("glamgraph.harvest")
    except Exception:  # any failure means "not there yet"
        return {"class": 0, "country": 0, "admin": 0}
    return {  # class and country: the former plan's sizes (the current plan sizes by kind)
        "class": int(getattr(hv, "CLASS_BATCH", 250)),
        "country": int(getattr(hv, "COUNTRY_BATCH", 60)),
        "admin": int(getattr(hv, "ADMIN_BATCH", 0)),
    }


# --- Timing -----------------------------------------------------------------------------------
class _ParseClock:
    """Time spent in glamgraph's body parsing (``remote.classify_body``: decode, checks, JSON).

    The bench wraps the module-level function (glamgraph itself is not edited), so the server
    time of a query is its wall time minus the client's parsing.
    """

    def __init__(self) -> None:
        self.seconds = 0.0
        self.calls = 0
        self._orig = remote.classify_body

        def timed(*args: Any, **kwargs: Any) -> Any:
            t0 = time.perf_counter()
            try:
                return self._orig(*args, **kwargs)
            finally:
                self.seconds += time.perf_counter() - t0
                self.calls += 1

        remote.classify_body = timed

    def read(self) -> tuple[float, int]:
        return self.seconds, self.calls


PARSE = _ParseClock()


@dataclass
class QueryTiming:
    plan: str
    step: str
    query: str
    label: str
    wall_s: float
    client_s: float
    rows: int
    status: str = "ok"  # ok, timeout, error: ...

    @property
    def server_s(self) -> float:
        return max(0.0, self.wall_s - self.client_s)


class Recorder:
    """Runs queries through one glamgraph engine and keeps a timing per query."""

    def __init__(self, engine: Engine, plan: str) -> None:
        self.engine = engine
        self.plan = plan
        self.records: list[QueryTiming] = []

    def _timed(
        self, step: str, query: str, label: str, call: Callable[[], QueryResult]
    ) -> QueryResult | None:
        parse0, _ = PARSE.read()
        t0 = time.perf_counter()
        status = "ok"
        res: QueryResult | None = None
        try:
            res = call()
        except QueryTimeout:
            status = "timeout"
        except SparqlError as exc:
            status = f"error: {exc}"
        wall = time.perf_counter() - t0
        parse1, _ = PARSE.read()
        self.records.append(
            QueryTiming(
                self.plan,
                step,
                query,
                label,
                wall,
                parse1 - parse0,
                len(res) if res is not None else 0,
                status,
            )
        )
        return res

    def run(self, step: str, query: str, label: str = "", **params: object) -> QueryResult:
        """A query that must succeed (the plan's): a timeout or error ends the plan."""
        name = Path(query).stem
        res = self._timed(step, name, label, lambda: self.engine.run(query, **params))
        if res is None:
            where = f"{name} [{label}]" if label else name
            raise RuntimeError(f"{self.plan}: {where}: {self.records[-1].status}")
        return res

    def try_run(self, step: str, query: str, label: str, call: Callable[[], QueryResult]):
        return self._timed(step, query, label, call)

    # summaries
    def server_s(self) -> float:
        return sum(r.server_s for r in self.records)

    def client_s(self) -> float:
        return sum(r.client_s for r in self.records)

    def slowest(self) -> QueryTiming | None:
        return max(self.records, key=lambda r: r.server_s, default=None)

    def steps(self) -> dict[str, tuple[int, float]]:
        out: dict[str, tuple[int, float]] = {}
        for r in self.records:
            n, s = out.get(r.step, (0, 0.0))
            out[r.step] = (n + 1, s + r.server_s)
        return out


def chunks(seq: Sequence[str], size: int) -> list[Sequence[str]]:
    if size <= 0:
        return [seq] if seq else []
    return [seq[i : i + size] for i in range(0, len(seq), size)]


def by_number(qids: Iterator[str] | Sequence[str] | set[str]) -> list[str]:
    return sorted(qids, key=ids.qid_number)


# --- The two plans ----------------------------------------------------------------------------
@dataclass
class PlanOutcome:
    counts: dict[str, int]
    unplaced: dict[str, str] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)  # naive: countries not run (budget)
    failed: list[str] = field(default_factory=list)  # naive: countries that timed out / failed


def list_countries(rec: Recorder) -> tuple[list[str], set[str]]:
    """The current countries of every continent (one query each), and the historical ones."""
    current: set[str] = set()
    historical: set[str] = set()
    for cont in vocab.CONTINENTS:
        res = rec.run("regions", "countries-of-continent", cont, continent=cont)
        current |= set(res.qids("country"))
    for cont in vocab.CONTINENTS:
        res = rec.run("regions", "historical-countries-of-continent", cont, continent=cont)
        historical |= set(res.qids("country"))
    return by_number(current), historical - current


@dataclass
class _Admin:
    parents: set[str] = field(default_factory=set)
    countries: set[str] = field(default_factory=set)
    iscountry: bool = False
    historical: bool = False


def run_plan(
    engine: Engine, batches: dict[str, int], rec: Recorder, shape: str = "by-class"
) -> PlanOutcome:
    """glamgraph's plan: classes once, plain ``wdt:P31`` by batches, P131 chains level by level.

    ``shape`` is ``by-class`` (glamgraph's plan for a continent or the world:
    ``institutions-of-classes`` over the class batches of ``glamgraph.harvest.class_batches`` for
    this engine's kind, no country ``VALUES``, countries kept in the client) or ``by-country``
    (the former plan: ``institutions-by-class-and-country`` over class x country batches, the
    same for the historical countries, then ``institutions-without-country``).

    Every query goes through ``rec`` (timings); a query that times out or fails ends the plan
    with a :class:`RuntimeError`.
    """
    countries, historical = list_countries(rec)
    current = set(countries)

    res = rec.run("classes", "class-closure", root=[*ROOTS, *LOOKALIKES])
    under: dict[str, set[str]] = {}
    for row in res.rows:
        c, r = term_qid(row, "class"), term_qid(row, "root")
        if c and r:
            under.setdefault(c, set()).add(r)
    glam = by_number(c for c, rs in under.items() if rs & set(ROOTS) and not rs & set(LOOKALIKES))

    by_country: dict[str, set[str]] = {c: set() for c in countries}
    if shape == "by-class":
        from glamgraph import harvest as hv

        admins_of: dict[str, set[str]] = {}
        hist_items: set[str] = set()
        for cb in hv.class_batches(glam, engine, ROOTS):
            res = rec.run("by-class", "institutions-of-classes", **{"class": list(cb)})
            for row in res.rows:
                item = term_qid(row, "item")
                if item is None:
                    continue
                if row.get("country") is None:
                    admins = admins_of.setdefault(item, set())
                    if (a := term_qid(row, "admin")) is not None:
                        admins.add(a)
                    continue
                country = term_qid(row, "country")
                if country in by_country:
                    by_country[country].add(item)
                elif country in historical:
                    hist_items.add(item)
    else:
        admins_of, hist_items = _by_country(rec, glam, countries, historical, batches, by_country)
    return _chains_and_count(rec, batches, current, historical, by_country, admins_of, hist_items)


def _by_country(
    rec: Recorder,
    glam: list[str],
    countries: list[str],
    historical: set[str],
    batches: dict[str, int],
    by_country: dict[str, set[str]],
) -> tuple[dict[str, set[str]], set[str]]:
    """The former plan's institution queries: class x country batches, historical, no P17."""
    for cb in chunks(glam, batches["class"]):
        for kb in chunks(countries, batches["country"]):
            res = rec.run(
                "p17",
                "institutions-by-class-and-country",
                **{"class": list(cb), "country": list(kb)},
            )
            for row in res.rows:
                item, country = term_qid(row, "item"), term_qid(row, "country")
                if item and country in by_country:
                    by_country[country].add(item)
    hist_items: set[str] = set()
    if historical:
        for cb in chunks(glam, batches["class"]):
            res = rec.run(
                "p17-historical",
                "institutions-by-class-and-country",
                **{"class": list(cb), "country": by_number(historical)},
            )
            hist_items |= set(res.qids("item"))

    admins_of: dict[str, set[str]] = {}
    for cb in chunks(glam, batches["class"]):
        res = rec.run("no-p17", "institutions-without-country", **{"class": list(cb)})
        for row in res.rows:
            item = term_qid(row, "item")
            if item is None:
                continue
            admins = admins_of.setdefault(item, set())
            if (a := term_qid(row, "admin")) is not None:
                admins.add(a)
    return admins_of, hist_items


def _chains_and_count(
    rec: Recorder,
    batches: dict[str, int],
    current: set[str],
    historical: set[str],
    by_country: dict[str, set[str]],
    admins_of: dict[str, set[str]],
    hist_items: set[str],
) -> PlanOutcome:
    """P131 chains level by level, then the counts and unplaced items by the contract's rules."""
    info: dict[str, _Admin] = {}
    frontier = set().union(*admins_of.values()) if admins_of else set()
    for _level in range(MAX_CHAIN_DEPTH):
        frontier = {a for a in frontier if a not in info}
        if not frontier:
            break
        for part in chunks(by_number(frontier), batches["admin"]):
            res = rec.run("p131", "admin-parents", admin=list(part))
            for a in part:
                info.setdefault(a, _Admin())
            for row in res.rows:
                a = term_qid(row, "admin")
                if a is None:
                    continue
                node = info[a]
                if (p := term_qid(row, "parent")) is not None:
                    node.parents.add(p)
                if (c := term_qid(row, "country")) is not None:
                    node.countries.add(c)
                node.iscountry |= term_bool(row, "iscountry")
                node.historical |= term_bool(row, "historical")
        nxt: set[str] = set()
        for a in frontier:
            node = info[a]
            if not (node.iscountry or node.historical or node.countries):
                nxt |= node.parents
        frontier = nxt

    def country_of(admins: set[str]) -> tuple[set[str], str | None]:
        found: set[str] = set()
        hist = False
        seen: set[str] = set()
        level = set(admins)
        while level:
            nxt: set[str] = set()
            for a in level - seen:
                seen.add(a)
                node = info.get(a)
                if a in current or (node is not None and node.iscountry):
                    found.add(a)
                elif a in historical or (node is not None and node.historical):
                    hist = True
                elif node is not None and node.countries:
                    cur = node.countries & current
                    found |= cur
                    hist = hist or (not cur and bool(node.countries & historical))
                elif node is not None:
                    nxt |= node.parents
            level = nxt
        if found:
            return found, None
        return set(), "historical country" if hist else "no country"

    unplaced: dict[str, str] = {}
    for item, admins in admins_of.items():
        found, reason = country_of(admins)
        for c in found & current:
            by_country[c].add(item)
        if reason:
            unplaced[item] = reason
    placed = set().union(*by_country.values())
    for item in hist_items - placed:
        unplaced[item] = "historical country"
    counts = {c: len(v) for c, v in by_country.items()}
    return PlanOutcome(counts, dict(sorted(unplaced.items())))


def inline_country(text: str, country: str) -> str:
    """The naive text as peers write it: the country inlined as a constant, not a VALUES row."""
    text = re.sub(r"\s*VALUES \?country \{[^}]*\}", "", text)
    return text.replace("?country", f"wd:{ids.check_qid(country)}")


def run_naive(engine: Engine, form: str, budget_s: float | None) -> tuple[PlanOutcome, Recorder]:
    """The naive plan: the country list, then one query per country with the closure inside."""
    rec = Recorder(engine, "naive")
    countries, _historical = list_countries(rec)
    counts: dict[str, int] = {}
    outcome = PlanOutcome(counts)
    params = {"root": list(ROOTS), "lookalike": list(LOOKALIKES)}
    t0 = time.perf_counter()
    for c in countries:
        if budget_s is not None and time.perf_counter() - t0 > budget_s:
            outcome.skipped.append(c)
            continue
        if form == "inline":
            name, text = engine.prepare(str(NAIVE_QUERY), {**params, "country": c})
            text = inline_country(text, c)
            call: Callable[[], QueryResult] = lambda t=text, n=name: engine.select(t, n)  # noqa: E731
        else:
            call = lambda c=c: engine.run(str(NAIVE_QUERY), country=c, **params)  # noqa: E731
        res = rec.try_run("per-country", NAIVE_QUERY.stem, c, call)
        if res is None:
            outcome.failed.append(c)
        else:
            counts[c] = len(set(res.qids("item")))
    return outcome, rec


def check(
    outcome: PlanOutcome, expected: dict[str, Any], *, unplaced: bool
) -> tuple[str, list[str]]:
    """PASS, FAIL or INCOMPLETE, with the first differences."""
    diffs: list[str] = []
    exp_counts: dict[str, int] = expected["counts"]
    for c in sorted(set(exp_counts) | set(outcome.counts), key=ids.qid_number):
        if c in outcome.skipped or c in outcome.failed:
            continue
        got, want = outcome.counts.get(c), exp_counts.get(c)
        if got != want:
            diffs.append(f"{c}: got {got}, expected {want}")
    if unplaced:
        got_u, want_u = outcome.unplaced, expected["unplaced"]
        for q in sorted(set(got_u) | set(want_u), key=ids.qid_number):
            if got_u.get(q) != want_u.get(q):
                diffs.append(f"unplaced {q}: got {got_u.get(q)}, expected {want_u.get(q)}")
    if diffs:
        return "FAIL", diffs
    if outcome.skipped or outcome.failed:
        return "INCOMPLETE", [
            f"{len(outcome.failed)} countries timed out or failed, {len(outcome.skipped)} not run"
        ]
    return "PASS", []


# --- Client overhead --------------------------------------------------------------------------
def raw_fetch(url: str, text: str, timeout_s: float) -> bytes:
    """The response bytes of a SPARQL POST, with nothing but urllib."""
    req = urllib.request.Request(
        url,
        data=text.encode("utf-8"),
        method="POST",
        headers={
            "Content-Type": "application/sparql-query",
            "Accept": "application/sparql-results+json",
            "User-Agent": "glamgraph-bench/1 (loopback benchmark)",
        },
    )
    with urllib.request.urlopen(req, timeout=timeout_s) as resp:
        return bytes(resp.read())


class ReplayServer:
    """A loopback HTTP server that answers every POST with the same recorded body, at once.

    Timing ``engine.run`` and ``urllib`` + ``json.loads`` against it isolates the client's cost
    from the server's: the "server" costs nothing and both clients share the transport.
    """

    def __init__(self, body: bytes) -> None:
        payload = body

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                self.send_response(200)
                self.send_header("Content-Type", "application/sparql-results+json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/query"

    def __enter__(self) -> ReplayServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=10)


def measure_overhead(
    engine: Engine, url: str, classes: list[str], countries: list[str], reps: int = 5
) -> dict[str, Any]:
    """The client's cost on the biggest plan query: ``engine.run`` against bare urllib +
    ``json.loads`` of the same bytes.

    The response is fetched once from Oxigraph with urllib (``raw_fetch_s``, which is mostly
    server time), then replayed from a loopback server that costs nothing, so both clients are
    timed on the same bytes and transport (min of ``reps``):
    ``overhead = engine.run - urllib fetch``, compared with ``json.loads``.
    """
    params = {"class": classes, "country": countries}
    _name, text = engine.prepare("institutions-by-class-and-country", params)
    t0 = time.perf_counter()
    body = raw_fetch(url, text, engine.settings.timeout_s)
    fetch_server = time.perf_counter() - t0
    rows = len(json.loads(body)["results"]["bindings"])
    fetch, loads, run, parse = [], [], [], []
    with ReplayServer(body) as replay:
        replay_engine = get_engine(replay.url, engine.settings)
        for _ in range(reps):
            t0 = time.perf_counter()
            got = raw_fetch(replay.url, text, engine.settings.timeout_s)
            fetch.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            data = json.loads(got)
            loads.append(time.perf_counter() - t0)
            del data, got
            p0, _ = PARSE.read()
            t0 = time.perf_counter()
            res = replay_engine.run("institutions-by-class-and-country", **params)
            run.append(time.perf_counter() - t0)
            parse.append(PARSE.read()[0] - p0)
            if len(res) != rows:
                raise RuntimeError(f"replay: {len(res)} rows, expected {rows}")
            del res
    overhead = max(0.0, min(run) - min(fetch))
    return {
        "query": "institutions-by-class-and-country",
        "rows": rows,
        "bytes": len(body),
        "raw_fetch_s": fetch_server,
        "replay_fetch_s": min(fetch),
        "json_loads_s": min(loads),
        "engine_run_s": min(run),
        "engine_parse_s": min(parse),
        "overhead_s": overhead,
        "overhead_ratio": overhead / min(loads) if min(loads) else None,
        "parse_ratio": min(parse) / min(loads) if min(loads) else None,
    }


# --- Oxigraph server --------------------------------------------------------------------------
def oxigraph_binary() -> str:
    here = Path(sys.executable).parent / "oxigraph"
    if here.exists():
        return str(here)
    found = shutil.which("oxigraph")
    if found is None:
        raise SystemExit("the oxigraph server is not installed: pip install -e '.[dev]'")
    return found


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


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
            return info
    if store.exists():
        shutil.rmtree(store)
    store.mkdir(parents=True)
    t0 = time.perf_counter()
    subprocess.run(
        [oxigraph_binary(), "load", "--location", str(store), "--file", meta["world"]],
        check=True,
        capture_output=True,
    )
    load_s = time.perf_counter() - t0
    info = {
        "location": str(store),
        "source": meta["source"],
        "load_s": load_s,
        "store_bytes": _du(store),
    }
    marker.write_text(json.dumps(info, indent=1) + "\n", "utf-8")
    info["reused"] = False
    return info


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    port: int

    @property
    def pid(self) -> int:
        return self.process.pid

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/query"

    def peak_rss_mb(self) -> float | None:
        """The server's peak resident set (VmHWM), read before it stops."""
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
        return None


def start_server(location: str, timeout_s: int, log_path: Path) -> Server:
    """``oxigraph serve-read-only`` on 127.0.0.1, waited for until it answers."""
    port = free_port()
    cmd = [
        oxigraph_binary(),
        "serve-read-only",
        "--location",
        location,
        "--bind",
        f"127.0.0.1:{port}",
        "--timeout-s",
        str(int(timeout_s)),
    ]
    log = log_path.open("wb")
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
    log.close()
    server = Server(proc, port)
    query = urllib.request.quote("ASK { ?s ?p ?o }")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"oxigraph exited with {proc.returncode}: see {log_path}")
        try:
            with urllib.request.urlopen(f"{server.url}?query={query}", timeout=2) as r:
                if r.status == 200:
                    return server
        except OSError:
            time.sleep(0.1)
    stop_server(server)
    raise RuntimeError("oxigraph did not answer within 60 s")


def stop_server(server: Server) -> None:
    """Stop the server by its PID (SIGTERM, then SIGKILL) and reap it."""
    if server.process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.kill(server.pid, signal.SIGTERM)
    try:
        server.process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.kill(server.pid, signal.SIGKILL)
        server.process.wait(timeout=15)


# --- End to end (glamgraph coverage world) ----------------------------------------------------
_API_SNIPPET = """
import json, sys, time
from glamgraph.coverage import coverage
from glamgraph.sparql import Settings, get_engine
url, lua = sys.argv[1], sys.argv[2]
eng = get_engine(url, Settings(use_cache=False, min_interval_s=0, timeout_s=600))
t0 = time.perf_counter()
cov = coverage("world", endpoint=eng, module=lua, quiet=True)
wall = time.perf_counter() - t0
print(json.dumps({
    "wall_s": wall,
    "queries": len(cov.provenance),
    "query_s": sum(p.get("duration_s", 0) for p in cov.provenance),
    "rows": {r.region: [r.institutions, list(r.affiliates)] for r in cov.rows},
    "unplaced": sorted(u.qid for u in cov.unplaced),
}))
"""


def _timed_subprocess(
    cmd: list[str], env: dict[str, str], timeout_s: float
) -> tuple[subprocess.CompletedProcess[str] | None, float, float | None]:
    """Run ``cmd`` under ``/usr/bin/time -v`` when there is one: (process, wall s, peak RSS MB)."""
    time_bin = "/usr/bin/time" if Path("/usr/bin/time").exists() else ""
    full = [time_bin, "-v", *cmd] if time_bin else cmd
    t0 = time.perf_counter()
    # A session of its own, so that a timeout or ^C ends the run and its child by their group id.
    popen = subprocess.Popen(
        full,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        start_new_session=True,
    )

    def kill() -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(popen.pid, signal.SIGKILL)
        popen.communicate()

    try:
        stdout, stderr = popen.communicate(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        kill()
        return None, time.perf_counter() - t0, None
    except BaseException:
        kill()
        raise
    wall = time.perf_counter() - t0
    proc = subprocess.CompletedProcess(full, popen.returncode, stdout, stderr)
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr)
    return proc, wall, (int(rss.group(1)) / 1024 if rss else None)


def _error_tail(proc: subprocess.CompletedProcess[str]) -> str:
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip() and not ln.startswith("\t")]
    return " | ".join(lines[-3:])[:500]


def bench_end_to_end(
    url: str,
    meta: dict[str, Any],
    expected: dict[str, Any],
    workdir: Path,
    timeout_s: float,
    *,
    api: bool = False,
) -> dict[str, Any]:
    """``glamgraph coverage world`` on the served world, checked against the expected answer.

    * ``cli-cold`` / ``cli-warm``: the command as a user runs it (``--endpoint URL``, a fresh
      then a filled query cache), wall time and peak RSS (``/usr/bin/time -v``);
    * ``api`` (with ``api=True``, ``--e2e-api``): ``glamgraph.coverage.coverage("world",
      endpoint=engine)`` in-process with an engine that neither pauses between requests nor
      caches; ``client_s`` is its time outside the queries (graph, counts, network, no files).

    Skipped, with the reason, while ``glamgraph.coverage`` does not import.
    """
    try:
        importlib.import_module("glamgraph.coverage")
        importlib.import_module("glamgraph.cli.coverage")
    except Exception as exc:  # whatever keeps it from importing
        return {"status": f"skipped: glamgraph.coverage is not importable yet ({exc!r})"}
    out: dict[str, Any] = {"status": "ran"}
    cache = workdir / f"e2e-cache-{meta['n']}"
    if cache.exists():
        shutil.rmtree(cache)
    env = {**os.environ, "GLAMGRAPH_CACHE_DIR": str(cache)}
    for run in ("cli-cold", "cli-warm"):
        out_dir = workdir / f"e2e-out-{meta['n']}-{run}"
        if out_dir.exists():
            shutil.rmtree(out_dir)
        cmd = [sys.executable, "-m", "glamgraph", "coverage", "world", "--endpoint", url]
        cmd += ["--affiliates", meta["affiliates"], "--out", str(out_dir), "--quiet"]
        cmd += ["--no-fallback", "--timeout", "600"]
        proc, wall, rss = _timed_subprocess(cmd, env, timeout_s)
        entry: dict[str, Any] = {"wall_s": wall, "peak_rss_mb": rss}
        if proc is None:
            entry["check"] = f"TIMEOUT after {timeout_s:.0f} s"
        elif proc.returncode != 0:
            entry["check"] = f"ERROR exit {proc.returncode}"
            entry["error"] = _error_tail(proc)
        else:
            entry["check"], entry["diffs"] = _check_outputs(out_dir, expected)
            with contextlib.suppress(OSError, ValueError, KeyError):
                runinfo = json.loads((out_dir / "run.json").read_text("utf-8"))
                prov = runinfo["provenance"]
                entry["queries"] = sum(0 if p.get("from_cache") else 1 for p in prov)
                entry["query_s"] = sum(
                    p.get("duration_s", 0) for p in prov if not p.get("from_cache")
                )
        out[run] = entry
        if proc is None or proc.returncode != 0:
            return out
    if not api:
        return out
    cmd = [sys.executable, "-c", _API_SNIPPET, url, meta["affiliates"]]
    proc, wall, rss = _timed_subprocess(cmd, env, timeout_s)
    entry = {"wall_s": wall, "peak_rss_mb": rss}
    if proc is None or proc.returncode != 0:
        entry["check"] = "TIMEOUT" if proc is None else f"ERROR exit {proc.returncode}"
        if proc is not None:
            entry["error"] = _error_tail(proc)
    else:
        data = json.loads(proc.stdout.strip().splitlines()[-1])
        entry.update({k: data[k] for k in ("queries", "query_s")})
        entry["coverage_s"] = data["wall_s"]
        entry["client_s"] = data["wall_s"] - data["query_s"]
        diffs = _diff_rows(
            {q: (v[0], sorted(v[1])) for q, v in data["rows"].items()},
            set(data["unplaced"]),
            expected,
        )
        entry["check"], entry["diffs"] = ("PASS" if not diffs else "FAIL"), diffs[:20]
    out["api"] = entry
    return out


def _diff_rows(
    rows: dict[str, tuple[int, list[str]]], unplaced: set[str], expected: dict[str, Any]
) -> list[str]:
    diffs: list[str] = []
    for qid, want in expected["countries"].items():
        if qid not in rows:
            diffs.append(f"{qid}: no row")
            continue
        n, affs = rows[qid]
        if n != want["institutions"]:
            diffs.append(f"{qid}: institutions {n}, expected {want['institutions']}")
        if affs != want["affiliates"]:
            diffs.append(f"{qid}: affiliates {affs}, expected {want['affiliates']}")
    for qid in sorted(set(rows) - set(expected["countries"])):
        diffs.append(f"{qid}: unexpected row")
    want_u = set(expected["unplaced"])
    if unplaced != want_u:
        diffs.append(
            f"unplaced: {len(unplaced - want_u)} unexpected, {len(want_u - unplaced)} missing"
        )
    return diffs


def _check_outputs(out_dir: Path, expected: dict[str, Any]) -> tuple[str, list[str]]:
    """``regions.csv`` (institutions, affiliates) and ``unplaced.csv`` against the answer."""
    path = out_dir / "regions.csv"
    if not path.is_file():
        return "FAIL", [f"no {path.name}"]
    with path.open(encoding="utf-8", newline="") as f:
        rows = {
            r["region"]: (int(r["institutions"] or 0), sorted(r.get("affiliates", "").split()))
            for r in csv.DictReader(f)
        }
    unplaced: set[str] = set()
    upath = out_dir / "unplaced.csv"
    if upath.is_file():
        with upath.open(encoding="utf-8", newline="") as f:
            unplaced = {r["institution"] for r in csv.DictReader(f)}
    diffs = _diff_rows(rows, unplaced, expected)
    return ("PASS" if not diffs else "FAIL"), diffs[:20]


# --- One size ---------------------------------------------------------------------------------
def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench_size(n: int, args: argparse.Namespace, say: Callable[[str], None]) -> dict[str, Any]:
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
    batches = dict(args.batches)
    result["batches"] = batches
    server = start_server(store["location"], args.query_timeout, workdir / f"oxigraph-{n}.log")
    try:
        say(f"oxigraph serve-read-only on {server.url} (pid {server.pid})")
        engine = get_engine(
            server.url, Settings(use_cache=False, min_interval_s=0, timeout_s=args.client_timeout)
        )
        t0 = time.perf_counter()
        engine.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "warm-up")
        result["warmup_s"] = time.perf_counter() - t0
        say(f"warm-up (count every triple): {result['warmup_s']:.1f} s")

        for key, shape in (("plan_former", "by-country"), ("plan", "by-class")):
            prec = Recorder(engine, key)
            try:
                plan = run_plan(engine, batches, prec, shape)
            except RuntimeError as exc:  # a plan query timed out or failed
                result[key] = _summary(prec, "FAIL", [str(exc)])
                result[key]["unplaced"] = 0
            else:
                pstatus, pdiffs = check(plan, expected, unplaced=True)
                result[key] = _summary(prec, pstatus, pdiffs)
                result[key]["unplaced"] = len(plan.unplaced)
            result[key]["shape"] = shape
            say(_line(f"plan {shape}", result[key]))
            for step, (q, s) in prec.steps().items():
                say(f"    {step:<15} {q:>4} queries {s:8.2f} s")
        say(_side_by_side(result["plan_former"], result["plan"]))

        glam = expected["glam_classes"]
        countries = [c for c in expected["countries"]]
        try:
            result["overhead"] = measure_overhead(engine, server.url, glam, countries)
        except (OSError, RuntimeError, SparqlError, ValueError) as exc:
            result["overhead"] = {"error": f"{type(exc).__name__}: {exc}"}
            say(f"client: not measured ({result['overhead']['error']})")
        else:
            o = result["overhead"]
            say(
                f"client: {o['query']} {o['rows']:,} rows, {o['bytes'] / 1e6:.1f} MB (urllib "
                f"from oxigraph {o['raw_fetch_s']:.2f} s); replayed: urllib "
                f"{o['replay_fetch_s']:.3f} s, engine.run {o['engine_run_s']:.3f} s, json.loads "
                f"{o['json_loads_s']:.3f} s -> overhead {o['overhead_s']:.3f} s = "
                f"{o['overhead_ratio']:.2f}x json.loads (of which glamgraph's parse "
                f"{o['engine_parse_s']:.3f} s = {o['parse_ratio']:.2f}x)"
            )

        if args.skip_naive:
            result["naive"] = None
        else:
            naive, nrec = run_naive(engine, args.naive_form, args.naive_budget)
            nstatus, ndiffs = check(naive, expected, unplaced=False)
            result["naive"] = _summary(nrec, nstatus, ndiffs)
            result["naive"]["form"] = args.naive_form
            result["naive"]["timeouts"] = len(naive.failed)
            result["naive"]["skipped"] = len(naive.skipped)
            say(_line("naive", result["naive"]))
            incomplete = naive.failed or naive.skipped
            if result["plan"]["check"] == "PASS":
                ratio = result["naive"]["server_s"] / max(1e-9, result["plan"]["server_s"])
                result["ratio"] = ratio
                result["ratio_lower_bound"] = bool(incomplete)
                say(
                    f"ratio: naive/plan server time {'>= ' if incomplete else ''}{ratio:.1f}x, "
                    f"queries {result['naive']['queries']} vs {result['plan']['queries']}"
                )
            else:
                say("ratio: none (the plan did not pass)")

        if args.skip_e2e:
            result["end_to_end"] = {"status": "skipped: --skip-e2e"}
        else:
            result["end_to_end"] = bench_end_to_end(
                server.url, meta, expected, workdir, args.e2e_timeout, api=args.e2e_api
            )
        say(f"end-to-end: {_e2e_line(result['end_to_end'])}")
        result["server_peak_rss_mb"] = server.peak_rss_mb()
    finally:
        stop_server(server)
    result["client_peak_rss_mb"] = rss_mb()
    result["loadavg_end"] = os.getloadavg()
    say(
        f"memory: oxigraph peak RSS {result.get('server_peak_rss_mb') or 0:.0f} MB, "
        f"bench process peak RSS {result['client_peak_rss_mb']:.0f} MB; load average "
        f"{result['loadavg_start'][0]:.2f} at start, {result['loadavg_end'][0]:.2f} at end"
    )
    return result


def _summary(rec: Recorder, status: str, diffs: list[str]) -> dict[str, Any]:
    slow = rec.slowest()
    return {
        "queries": len(rec.records),
        "server_s": rec.server_s(),
        "client_parse_s": rec.client_s(),
        "slowest": asdict(slow) | {"server_s": slow.server_s} if slow else None,
        "steps": {k: {"queries": q, "server_s": s} for k, (q, s) in rec.steps().items()},
        "check": status,
        "diffs": diffs[:20],
        "records": [asdict(r) | {"server_s": r.server_s} for r in rec.records],
    }


def _side_by_side(former: dict[str, Any], now: dict[str, Any]) -> str:
    """The former (class x country) plan and the current (by class) plan, step by step."""
    steps = list(dict.fromkeys([*former["steps"], *now["steps"]]))
    lines = [f"{'step':<15} {'former q':>9} {'former s':>9} {'now q':>6} {'now s':>8}"]
    for step in steps:
        f = former["steps"].get(step, {"queries": 0, "server_s": 0.0})
        n = now["steps"].get(step, {"queries": 0, "server_s": 0.0})
        lines.append(
            f"{step:<15} {f['queries']:>9} {f['server_s']:>9.2f} {n['queries']:>6} "
            f"{n['server_s']:>8.2f}"
        )
    lines.append(
        f"{'total':<15} {former['queries']:>9} {former['server_s']:>9.2f} {now['queries']:>6} "
        f"{now['server_s']:>8.2f}   checks {former['check']}/{now['check']}, unplaced "
        f"{former['unplaced']}/{now['unplaced']}"
    )
    return "plans side by side (former by-country / now by-class):\n    " + "\n    ".join(lines)


def _line(name: str, s: dict[str, Any]) -> str:
    slow = s["slowest"] or {"query": "-", "label": "", "server_s": 0.0}
    extra = ""
    if name == "naive" and (s.get("timeouts") or s.get("skipped")):
        extra = f", {s['timeouts']} timed out, {s['skipped']} not run"
    text = (
        f"{name}: {s['queries']} queries, server {s['server_s']:.2f} s (client parse "
        f"{s['client_parse_s']:.2f} s), slowest {slow['query']}"
        f"{' [' + slow['label'] + ']' if slow['label'] else ''} {slow['server_s']:.2f} s{extra}; "
        f"check {s['check']}"
    )
    if s["diffs"]:
        text += "\n    " + "\n    ".join(s["diffs"][:10])
    return text


def _e2e_line(e: dict[str, Any]) -> str:
    if e.get("status") != "ran":
        return str(e.get("status"))
    parts = []
    for run in ("cli-cold", "cli-warm", "api"):
        r = e.get(run)
        if not r:
            continue
        rss = f", peak RSS {r['peak_rss_mb']:.0f} MB" if r.get("peak_rss_mb") else ""
        q = ""
        if "queries" in r:
            q = f", {r['queries']} queries {r['query_s']:.1f} s"
        if run == "api" and "client_s" in r:
            q += f", client {r['client_s']:.1f} s"
        err = f" ({r['error']})" if r.get("error") else ""
        diffs = f" [{'; '.join(r['diffs'][:3])}]" if r.get("diffs") else ""
        parts.append(f"{run} {r['wall_s']:.1f} s{q}{rss}: {r['check']}{err}{diffs}")
    return "\n    " + "\n    ".join(parts)


# --- Report -----------------------------------------------------------------------------------
def machine() -> dict[str, str]:
    cpu = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem = ""
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        mem = subprocess.run(["free", "-h"], capture_output=True, text=True).stdout.strip()
    oxi = ""
    with contextlib.suppress(OSError, subprocess.SubprocessError, SystemExit):
        oxi = subprocess.run(
            [oxigraph_binary(), "--version"], capture_output=True, text=True
        ).stdout.strip()
    commit = ""
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        commit = subprocess.run(
            ["git", "-C", str(HERE.parent), "describe", "--always", "--dirty"],
            capture_output=True,
            text=True,
        ).stdout.strip()
    return {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "commit": commit,
        "nproc": str(os.cpu_count()),
        "cpu": cpu,
        "free_h": mem,
        "python": platform.python_version(),
        "oxigraph": oxi,
    }


TABLE_COLUMNS = (
    ("institutions", lambda r: f"{r['n']:,}"),
    ("triples", lambda r: f"{r['world']['triples'] / 1e6:.2f}M"),
    ("load s", lambda r: f"{r['store']['load_s']:.1f}"),
    ("former plan q", lambda r: str(r["plan_former"]["queries"]) if "plan_former" in r else "-"),
    (
        "former plan s",
        lambda r: f"{r['plan_former']['server_s']:.2f}" if "plan_former" in r else "-",
    ),
    ("plan q", lambda r: str(r["plan"]["queries"])),
    ("plan server s", lambda r: f"{r['plan']['server_s']:.2f}"),
    (
        "plan slowest s",
        lambda r: f"{r['plan']['slowest']['server_s']:.2f}" if r["plan"]["slowest"] else "-",
    ),
    ("naive q", lambda r: str(r["naive"]["queries"]) if r.get("naive") else "-"),
    ("naive server s", lambda r: f"{r['naive']['server_s']:.1f}" if r.get("naive") else "-"),
    (
        "naive slowest s",
        lambda r: f"{r['naive']['slowest']['server_s']:.2f}" if r.get("naive") else "-",
    ),
    (
        "ratio",
        lambda r: (
            (f"{'>=' if r.get('ratio_lower_bound') else ''}{r['ratio']:.1f}x")
            if r.get("ratio")
            else "-"
        ),
    ),
    (
        "checks plan/naive",
        lambda r: f"{r['plan']['check']}/{r['naive']['check'] if r.get('naive') else '-'}",
    ),
    (
        "overhead x json",
        lambda r: (
            f"{r['overhead']['overhead_ratio']:.2f}" if "overhead_ratio" in r["overhead"] else "-"
        ),
    ),
    ("oxigraph RSS MB", lambda r: f"{r.get('server_peak_rss_mb') or 0:.0f}"),
    ("bench RSS MB", lambda r: f"{r['client_peak_rss_mb']:.0f}"),
    ("e2e cold/warm/api s", lambda r: _e2e_cell(r, "wall_s", "{:.0f}")),
    ("e2e RSS MB", lambda r: _e2e_cell(r, "peak_rss_mb", "{:.0f}")),
    ("e2e checks", lambda r: _e2e_cell(r, "check", "{}")),
)


def _e2e_cell(r: dict[str, Any], key: str, fmt: str) -> str:
    e = r.get("end_to_end") or {}
    if e.get("status") != "ran":
        return "skipped"
    vals = []
    for run in ("cli-cold", "cli-warm", "api"):
        v = (e.get(run) or {}).get(key)
        vals.append("-" if v is None else fmt.format(v).split()[0])
    return "/".join(vals)


def table(results: list[dict[str, Any]], markdown: bool = False) -> str:
    head = [c for c, _ in TABLE_COLUMNS]
    rows = [[f(r) for _, f in TABLE_COLUMNS] for r in results]
    if markdown:
        lines = ["| " + " | ".join(head) + " |", "|" + "---:|" * len(head)]
        lines += ["| " + " | ".join(row) + " |" for row in rows]
        return "\n".join(lines)
    widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(head)]
    fmt = "  ".join(f"{{:>{w}}}" for w in widths)
    return "\n".join([fmt.format(*head), *(fmt.format(*row) for row in rows)])


def main(argv: Sequence[str] | None = None) -> int:
    defaults = _harvest_batches()
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="100000", help="institutions per world, comma-separated")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--workdir", type=Path, default=world.WORKDIR, help="bench/.work by default")
    ap.add_argument("--fresh", action="store_true", help="regenerate worlds and reload stores")
    ap.add_argument(
        "--naive-form",
        choices=("values", "inline"),
        default="values",
        help="naive query with the country as a VALUES row (default) or inlined as peers write it",
    )
    ap.add_argument(
        "--query-timeout",
        type=int,
        default=120,
        help="the server's per-query deadline in seconds (oxigraph --timeout-s; default 120)",
    )
    ap.add_argument("--client-timeout", type=float, default=600.0)
    ap.add_argument(
        "--naive-budget", type=float, default=None, help="stop the naive plan after this many s"
    )
    ap.add_argument("--skip-naive", action="store_true")
    ap.add_argument("--skip-e2e", action="store_true")
    ap.add_argument(
        "--e2e-api",
        action="store_true",
        help="also time glamgraph's coverage() in-process (no cache): its time outside queries",
    )
    ap.add_argument("--e2e-timeout", type=float, default=1800.0)
    ap.add_argument("--class-batch", type=int, default=defaults["class"], help="0: all at once")
    ap.add_argument("--country-batch", type=int, default=defaults["country"], help="0: all")
    ap.add_argument("--admin-batch", type=int, default=defaults["admin"], help="0: all")
    ap.add_argument("--markdown", action="store_true", help="print the table as Markdown too")
    args = ap.parse_args(argv)
    args.batches = {"class": args.class_batch, "country": args.country_batch}
    args.batches["admin"] = args.admin_batch
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]

    info = machine()
    print(f"glamgraph bench, {info['date']}: {info['nproc']} cores, {info['cpu']}")
    print(f"{info['oxigraph']}, Python {info['python']}, glamgraph {info['commit']}")
    print(f"batches {args.batches}, naive form {args.naive_form}")
    results = []
    t_all = time.perf_counter()
    for n in sizes:
        print(f"\n== {n:,} institutions (seed {args.seed})")
        t0 = time.perf_counter()
        res = bench_size(n, args, lambda s: print("  " + s, flush=True))
        res["total_s"] = time.perf_counter() - t0
        print(f"  size done in {res['total_s']:.0f} s")
        results.append(res)
    print()
    print(table(results))
    if args.markdown:
        print()
        print(table(results, markdown=True))
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    out = args.workdir / f"results-{stamp}.json"
    out.write_text(
        json.dumps(
            {
                "machine": info,
                "args": vars(args) | {"workdir": str(args.workdir)},
                "results": results,
            },
            indent=1,
            default=str,
        )
        + "\n",
        "utf-8",
    )
    print(f"\nall done in {time.perf_counter() - t_all:.0f} s; details in {out}")
    ok = all(
        r["plan"]["check"] == "PASS"
        and r.get("plan_former", {"check": "PASS"})["check"] == "PASS"
        and (not r.get("naive") or r["naive"]["check"] != "FAIL")
        for r in results
    )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
