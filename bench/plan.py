#!/usr/bin/env python3
"""The query-level comparison: glamgraph's query plan against the naive per-country plan.

Run by ``python bench/run.py --plan`` on the world that ``run.py`` serves. This module issues the
plan's queries itself (the plan's steps mirror ``glamgraph.harvest``'s: countries per continent,
one ``class-closure``, ``institutions-by-class-and-country`` by batches, historical countries,
``institutions-without-country``, ``admin-parents`` up the P131 chains) so that each query's
server time can be set against the naive plan's, which walks ``wdt:P31/wdt:P279*`` once per
country (``naive-per-country.rq``). It times queries, not the product: ``run.py`` without
``--plan`` times ``glamgraph coverage`` itself.

* **plan** and **naive**: server time (wall minus glamgraph's body parsing), slowest query,
  number of queries, ratio, and both plans' counts checked against the expected answer;
* **client overhead**: ``engine.run`` of the biggest plan query against a bare ``urllib`` fetch
  of the same request plus ``json.loads`` of the same bytes.
"""

from __future__ import annotations

import argparse
import http.server
import importlib
import json
import re
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import glamgraph.sparql.remote as remote
from glamgraph import ids, vocab
from glamgraph.errors import QueryTimeout, SparqlError
from glamgraph.sparql import (
    Engine,
    QueryResult,
    Settings,
    get_engine,
    term_bool,
    term_qid,
)

HERE = Path(__file__).resolve().parent
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
    ``institutions-of-classes`` (or its hash-joined form, ``harvest.institutions_query``) over the
    class batches of ``glamgraph.harvest.class_batches`` for this engine's kind, no country ``VALUES``, countries kept in the client) or ``by-country``
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
            res = rec.run("by-class", hv.institutions_query(engine), **{"class": list(cb)})
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


# --- One size ---------------------------------------------------------------------------------
def bench_plan(
    url: str, expected: dict[str, Any], args: argparse.Namespace, say: Callable[[str], None]
) -> dict[str, Any]:
    """The plan, the client overhead and (unless ``--skip-naive``) the naive plan on ``url``."""
    result: dict[str, Any] = {"batches": dict(args.batches)}
    engine = get_engine(
        url, Settings(use_cache=False, min_interval_s=0, timeout_s=args.client_timeout)
    )
    t0 = time.perf_counter()
    engine.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "warm-up")
    result["warmup_s"] = time.perf_counter() - t0
    say(f"warm-up (count every triple): {result['warmup_s']:.1f} s")

    for key, shape in (("plan_former", "by-country"), ("plan", "by-class")):
        prec = Recorder(engine, key)
        try:
            plan = run_plan(engine, args.batches, prec, shape)
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
    countries = list(expected["countries"])
    try:
        result["overhead"] = measure_overhead(engine, url, glam, countries)
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
        return result
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
    return result


def harvest_batches() -> dict[str, int]:
    """glamgraph's own batch sizes (``glamgraph.harvest``), or one query per step without them."""
    return _harvest_batches()


def ok(result: dict[str, Any]) -> bool:
    """Whether the plan passed and the naive plan did not fail."""
    naive = result.get("naive")
    former = result.get("plan_former", {"check": "PASS"})
    return bool(
        result["plan"]["check"] == "PASS"
        and former["check"] == "PASS"
        and (not naive or naive["check"] != "FAIL")
    )


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


TABLE_COLUMNS: tuple[tuple[str, Callable[[dict[str, Any]], str]], ...] = (
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
)


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
