"""Shared fixtures: the test world (Turtle), a real Oxigraph server on loopback serving it, an
embedded engine over the same file, and a per-test cache directory.

No test reaches beyond 127.0.0.1; tests that need the live web are marked ``live`` and are
deselected by default (``pytest -m live`` runs them).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from servers import oxigraph  # noqa: E402

WORLD = HERE / "world" / "world.ttl"
#: Every Turtle file of the test world (world.ttl plus topic files such as affiliates.ttl).
WORLD_FILES = sorted((HERE / "world").glob("*.ttl"))
SHARED_DATA = HERE.parent.parent / "shared" / "data"


@pytest.fixture(scope="session")
def world_path() -> Path:
    return WORLD


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[oxigraph.Server]:
    """A real Oxigraph server with the test world, started once per session, stopped by PID."""
    server = oxigraph.start(WORLD_FILES, tmp_path_factory.mktemp("oxigraph-world"))
    try:
        yield server
    finally:
        oxigraph.stop(server)


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own empty cache directory (never the user's)."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("GLAMGRAPH_CACHE_DIR", str(cache))
    return cache


@pytest.fixture()
def world_engine():  # type: ignore[no-untyped-def]
    """The test world in an embedded store (fast unit tests; same queries as the server)."""
    from glamgraph.sparql.embedded import EmbeddedEngine

    return EmbeddedEngine.from_files(WORLD_FILES, name="world")


@pytest.fixture()
def server_engine(oxigraph_server: oxigraph.Server):  # type: ignore[no-untyped-def]
    """A remote engine pointed at the Oxigraph test server (no cache, no pause between queries)."""
    from glamgraph.sparql import Settings, get_engine

    return get_engine(
        oxigraph_server.url,
        Settings(use_cache=False, min_interval_s=0.0, timeout_s=20, max_attempts=2),
    )


@pytest.fixture()
def forks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The children glamgraph forks in this test (their pids), on a machine made to look like
    two CPUs (glamgraph forks only with two or more) and with no other thread: a request thread
    an earlier test's server left blocked on its socket would keep glamgraph from forking (the
    child never touches it)."""
    import os
    import threading

    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    monkeypatch.setattr(threading, "active_count", lambda: 1)
    forked: list[int] = []
    real_fork = os.fork

    def fork() -> int:
        pid = real_fork()
        if pid:
            forked.append(pid)
        return pid

    monkeypatch.setattr(os, "fork", fork)
    return forked
