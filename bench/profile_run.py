#!/usr/bin/env python3
"""One profiled run of glamgraph, stage by stage, as JSON: the driver ``bench/run.py`` starts.

``python bench/profile_run.py --json OUT.json -- coverage world --endpoint URL ...`` imports
glamgraph (whichever copy ``PYTHONPATH`` puts first: the working tree or a revision checked out
by ``run.py --baseline``), wraps functions of its modules with timers, runs the command line
in-process (``glamgraph.cli.main``) or, with ``--api``, ``glamgraph.coverage.coverage()`` and
``glamgraph.export.write_all()``, and writes what it measured to ``OUT.json``:

* ``stages``: seconds per stage, *exclusive* (a stage's time does not include the stages called
  inside it, so the main thread's stages add up to the run's wall time, imports included), and
  calls;
* ``off_main_thread``: the part of each stage's seconds timed on other threads (queries in
  flight, the graph's loader): they overlap the main thread's stages;
* ``requests``: HTTP requests sent (counted in ``http.client``, whatever library sends them);
* ``cache_hits``: results served from glamgraph's query cache;
* ``peak_rss_mb``: the process's peak resident set (``ru_maxrss``);
* ``missing``: the functions this revision of glamgraph does not have (their stage is then
  folded into the caller's).

Nothing in glamgraph is edited: a function missing in one revision is skipped, so the same
driver profiles an older and a newer revision side by side. Functions called from threads are
timed on their own thread (``off_main_thread``: the stages then add up to more than the wall
time). A file written by a forked process (``glamgraph.export.writer``) is timed there, out of
this report: its time shows in the wall time and in ``write (staging, commit)``'s wait.
"""

from __future__ import annotations

import time

T_START = time.perf_counter()

import argparse  # noqa: E402
import contextlib  # noqa: E402
import functools  # noqa: E402
import http.client  # noqa: E402
import importlib  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import resource  # noqa: E402
import sys  # noqa: E402
import threading  # noqa: E402
from collections import defaultdict  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

#: The stages, in the order they are printed.
STAGES = (
    "imports",
    "snapshot load",
    "queries",
    "parse",
    "cache read",
    "cache write",
    "harvest assembly",
    "harvest cache",
    "regions",
    "affiliates",
    "graph load",
    "coverage queries",
    "nearest affiliate",
    "coverage assembly",
    "contact rows",
    "write",  # write <file name> per output file, see _write_stage
    "write (staging, commit)",
    "cli (other)",
)

#: (module, "function" or "Class.method", stage); a stage of ``None`` is decided per call.
TARGETS: tuple[tuple[str, str, str | None], ...] = (
    ("glamgraph.sparql.engine", "Engine.select", None),
    # with requests in flight on threads, the main thread's wait for them (their own time is
    # counted on their threads as queries, parse, cache write)
    ("glamgraph.sparql.engine", "_Call.result", "waiting for queries in flight"),
    # the same class since the details' first part is started ahead (sparql.engine.start)
    ("glamgraph.sparql.engine", "Started.result", "waiting for queries in flight"),
    ("glamgraph.sparql.embedded", "snapshot_engine", "snapshot load"),
    ("glamgraph.sparql.remote", "classify_body", "parse"),
    ("glamgraph.sparql.cache", "Cache.get", "cache read"),
    ("glamgraph.sparql.cache", "Cache.put", "cache write"),
    ("glamgraph.harvest", "harvest", "harvest assembly"),
    ("glamgraph.harvest_store", "cached_harvest", "harvest cache"),
    ("glamgraph.regions", "units", "regions"),
    ("glamgraph.regions", "borders", "regions"),
    ("glamgraph.affiliates", "load_affiliates", "affiliates"),
    ("glamgraph.affiliates.merge", "load_affiliates", "affiliates"),
    ("glamgraph.graph", "GraphBuilder.add_query_result", "graph load"),
    ("glamgraph.graph", "GraphBuilder.add_placement", "graph load"),
    ("glamgraph.graph", "GraphBuilder.add_affiliates", "graph load"),
    ("glamgraph.graph", "GraphBuilder.build", "graph load"),
    ("glamgraph.graph", "load_quads", "graph load"),
    ("glamgraph.graph", "engine_for", "graph load"),
    ("glamgraph.network", "border_graph", "nearest affiliate"),
    ("glamgraph.network", "nearest_affiliates", "nearest affiliate"),
    ("glamgraph.coverage", "coverage", "coverage assembly"),
    ("glamgraph.export.common", "contact_rows", "contact rows"),
    ("glamgraph.export.writer", "write_all", "write (staging, commit)"),
    ("glamgraph.export.reuse", "OutputStore.reuse", "reuse outputs (warm)"),
    ("glamgraph.export.reuse", "OutputStore.keep", "keep outputs (cold)"),
)

#: Modules whose public ``to_*`` functions each write one file (stage ``write <file name>``).
EXPORT_MODULES = (
    "glamgraph.export.tables",
    "glamgraph.export.xlsx",
    "glamgraph.export.wikitext",
    "glamgraph.export.geojson",
    "glamgraph.export.maps",
    "glamgraph.export.rdf",
    "glamgraph.export.runinfo",
)


class Profiler:
    """Exclusive time per stage: entering a stage pauses the one it was called from."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        #: the part of ``seconds`` timed on threads other than the main one
        self.off_main: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)
        self._local = threading.local()
        self._lock = threading.Lock()

    def _stack(self) -> list[list[Any]]:
        stack = getattr(self._local, "stack", None)
        if stack is None:
            stack = self._local.stack = []
        return stack

    def _add(self, stage: str, dt: float) -> None:
        with self._lock:
            self.seconds[stage] += dt
            if threading.current_thread() is not threading.main_thread():
                self.off_main[stage] += dt

    def enter(self, stage: str) -> None:
        now = time.perf_counter()
        stack = self._stack()
        if stack:
            self._add(stack[-1][0], now - stack[-1][1])
        stack.append([stage, now])
        with self._lock:
            self.calls[stage] += 1

    def exit(self) -> None:
        now = time.perf_counter()
        stack = self._stack()
        stage, since = stack.pop()
        self._add(stage, now - since)
        if stack:
            stack[-1][1] = now

    def wrap(self, fn: Callable[..., Any], stage: str | Callable[..., str]) -> Callable[..., Any]:
        prof = self

        @functools.wraps(fn)
        def timed(*args: Any, **kwargs: Any) -> Any:
            prof.enter(stage(*args, **kwargs) if callable(stage) else stage)
            try:
                return fn(*args, **kwargs)
            finally:
                prof.exit()

        timed.__bench_original__ = fn  # type: ignore[attr-defined]
        return timed


PROF = Profiler()
GRAPH_ENGINES: set[int] = set()  # ids of the engines over the knowledge graph (engine_for)
COUNTS = {"requests": 0, "cache_hits": 0}
HOSTS: dict[str, int] = defaultdict(int)


def _select_stage(self: Any, *args: Any, **kwargs: Any) -> str:
    return "coverage queries" if id(self) in GRAPH_ENGINES else "queries"


def _write_stage(coverage: Any = None, path: Any = None, *args: Any, **kwargs: Any) -> str:
    path = kwargs.get("path", path)
    if isinstance(path, str | os.PathLike):
        return f"write {Path(path).name}"
    return "write (other)"


def _replace_everywhere(original: Any, wrapped: Any) -> int:
    """Put ``wrapped`` wherever a loaded glamgraph module holds ``original`` as a global."""
    n = 0
    for name, module in list(sys.modules.items()):
        if not (name == "glamgraph" or name.startswith("glamgraph.")) or module is None:
            continue
        for attr, value in list(vars(module).items()):
            if value is original:
                setattr(module, attr, wrapped)
                n += 1
    return n


def _patch_function(module_name: str, attr: str, stage: Any, missing: list[str]) -> None:
    try:
        module = importlib.import_module(module_name)
    except Exception:  # a module this revision does not have (or cannot import)
        missing.append(f"{module_name} (module)")
        return
    if "." in attr:
        cls_name, meth = attr.split(".", 1)
        cls = getattr(module, cls_name, None)
        raw = vars(cls).get(meth) if isinstance(cls, type) else None
        if raw is None:
            missing.append(f"{module_name}:{attr}")
            return
        if getattr(raw, "__bench_original__", None) is not None:
            return
        if isinstance(raw, staticmethod | classmethod):
            setattr(cls, meth, type(raw)(PROF.wrap(raw.__func__, stage)))
        else:
            setattr(cls, meth, PROF.wrap(raw, stage))
        return
    fn = getattr(module, attr, None)
    if not callable(fn):
        missing.append(f"{module_name}:{attr}")
        return
    if getattr(fn, "__bench_original__", None) is not None:
        return
    _replace_everywhere(fn, PROF.wrap(fn, stage))


def _count_requests() -> None:
    original = http.client.HTTPConnection.request

    @functools.wraps(original)
    def request(self: http.client.HTTPConnection, *args: Any, **kwargs: Any) -> Any:
        COUNTS["requests"] += 1
        HOSTS[f"{self.host}:{self.port}"] += 1
        return original(self, *args, **kwargs)

    http.client.HTTPConnection.request = request  # type: ignore[method-assign]


def instrument() -> list[str]:
    """Wrap every target this revision has; the names it lacks are returned."""
    missing: list[str] = []
    for module_name, attr, stage in TARGETS:
        _patch_function(module_name, attr, stage or _select_stage, missing)
    for module_name in EXPORT_MODULES:
        try:
            module = importlib.import_module(module_name)
        except Exception:
            missing.append(f"{module_name} (module)")
            continue
        for attr, fn in list(vars(module).items()):
            if (
                attr.startswith("to_")
                and callable(fn)
                and getattr(fn, "__module__", "") == module_name
                and getattr(fn, "__bench_original__", None) is None
            ):
                _replace_everywhere(fn, PROF.wrap(fn, _write_stage))
    try:
        graph = importlib.import_module("glamgraph.graph")
        engine_for = graph.engine_for  # already wrapped: tag what it returns

        def tagged(*args: Any, **kwargs: Any) -> Any:
            eng = engine_for(*args, **kwargs)
            GRAPH_ENGINES.add(id(eng))
            return eng

        _replace_everywhere(engine_for, functools.wraps(engine_for)(tagged))
    except Exception:
        pass
    try:
        cache = importlib.import_module("glamgraph.sparql.cache")
        get = cache.Cache.get

        def counted_get(self: Any, *args: Any, **kwargs: Any) -> Any:
            hit = get(self, *args, **kwargs)
            if hit is not None:
                COUNTS["cache_hits"] += 1
            return hit

        cache.Cache.get = functools.wraps(get)(counted_get)
    except Exception:
        pass
    _count_requests()
    return missing


def run_api(args: argparse.Namespace) -> int:
    """``coverage()`` then ``write_all()``, as a notebook would call them."""
    from glamgraph.coverage import coverage
    from glamgraph.export import write_all

    cov = coverage(args.region, endpoint=args.endpoint, module=args.affiliates, quiet=True)
    write_all(cov, args.out)
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--json", type=Path, required=True, help="where to write the measurements")
    ap.add_argument("--api", action="store_true", help="coverage() + write_all(), not the CLI")
    ap.add_argument("--region", default="world", help="with --api")
    ap.add_argument("--endpoint", help="with --api")
    ap.add_argument("--affiliates", help="with --api: the Lua module")
    ap.add_argument("--out", help="with --api: the output directory")
    ap.add_argument("cli_args", nargs="*", help="after --: the glamgraph command line")
    args = ap.parse_args()

    PROF.enter("imports")
    import glamgraph
    import glamgraph.cli as cli

    for module_name in {t[0] for t in TARGETS} | set(EXPORT_MODULES):
        with contextlib.suppress(Exception):  # a module this revision does not have
            importlib.import_module(module_name)
    PROF.exit()
    missing = instrument()

    error = ""
    PROF.enter("cli (other)")
    try:
        code = run_api(args) if args.api else int(cli.main(args.cli_args))
    except Exception as exc:  # reported in the JSON, the driver prints it
        code, error = 99, f"{type(exc).__name__}: {exc}"
    finally:
        PROF.exit()
    wall = time.perf_counter() - T_START
    report = {
        "exit": code,
        "error": error,
        "glamgraph": str(Path(glamgraph.__file__).resolve().parent.parent),
        "wall_s": wall,
        "stages": {k: round(v, 4) for k, v in PROF.seconds.items()},
        "off_main_thread": {k: round(v, 4) for k, v in PROF.off_main.items() if v},
        "calls": dict(PROF.calls),
        "requests": COUNTS["requests"],
        "hosts": dict(HOSTS),
        "cache_hits": COUNTS["cache_hits"],
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "missing": missing,
    }
    args.json.write_text(json.dumps(report, indent=1) + "\n", "utf-8")
    return 0 if code == 0 else 1


if __name__ == "__main__":
    status = main()
    # end as this revision's console script ends (the process's wall time is what a user waits)
    leave = getattr(sys.modules.get("glamgraph.cli"), "leave", None)
    if leave is not None and "--api" not in sys.argv:
        leave(status)
    raise SystemExit(status)
