"""One settings object per run: ``--no-cache --timeout 5`` reaches every request, SPARQL and
Meta-Wiki, through the real loopback servers (Oxigraph behind the recording proxy, and the
loopback MediaWiki API serving the affiliates module)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from servers import faultproxy
from servers import mediawiki as mw

from glamgraph import harvest, sparql
from glamgraph.affiliates import module as affiliates_module
from glamgraph.cli import main
from glamgraph.client import META_API_ENV_VAR
from glamgraph.mediawiki import MediaWikiClient
from glamgraph.sparql import Settings, get_engine

MODULE = Path(__file__).parent / "world" / "module.lua"


@pytest.fixture()
def wiki() -> Iterator[mw.Server]:
    server = mw.start()
    server.add_page("Module:Organizational_Informations", MODULE.read_text(encoding="utf-8"))
    try:
        yield server
    finally:
        mw.stop(server)


def test_no_cache_and_timeout_reach_every_request(  # type: ignore[no-untyped-def]
    capsys, oxigraph_server, wiki, tmp_path, monkeypatch, _isolated_cache
) -> None:
    monkeypatch.setenv(META_API_ENV_VAR, wiki.api_url)
    built: list[MediaWikiClient] = []

    class Recording(MediaWikiClient):
        """The loader's real client, remembered so the test can read its settings."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            built.append(self)

    monkeypatch.setattr(affiliates_module, "MediaWikiClient", Recording)
    engines: list[Any] = []  # the engines the CLI built from its options
    real_get_engine = sparql.get_engine

    def recording_get_engine(*args: Any, **kwargs: Any) -> Any:
        eng = real_get_engine(*args, **kwargs)
        engines.append(eng)
        return eng

    monkeypatch.setattr(sparql, "get_engine", recording_get_engine)
    with faultproxy.running(oxigraph_server.url) as proxy:

        def run(out: str) -> list[str]:
            before = len(proxy.requests)
            code = main(
                ["coverage", "Q46", "--endpoint", proxy.url, "--no-cache", "--timeout", "5",
                 "--quiet", "--out", str(tmp_path / out)]
            )  # fmt: skip
            _, err = capsys.readouterr()
            assert code == 0, err
            return [r.query for r in proxy.requests[before:]]

        first = run("one")
        second = run("two")
    # SPARQL: the second identical run sends every query again (no disk cache, no memo)
    assert first and Counter(second) == Counter(first)
    assert any("class-closure" in q or "P279" in q for q in second)
    # Meta-Wiki: the module fetched on each run from the loopback wiki, never from a cache
    module_reads = [s for s in wiki.seen if s.params.get("prop") == "revisions"]
    assert len(module_reads) == 2
    assert module_reads[0].params == module_reads[1].params
    # the client the loader built had the run's settings: no cache, a 5 s timeout
    assert len(built) == 2
    for client in built:
        assert client.api_url == wiki.api_url
        assert client.settings.use_cache is False
        assert client.settings.timeout_s == 5 and client.timeout_s == 5
    # one settings object per run: the engine's is the one the Meta-Wiki client used
    assert len(engines) == 2
    for eng, client in zip(engines, built, strict=True):
        assert eng.settings.timeout_s == 5 and eng.settings.use_cache is False
        assert client.settings is eng.settings
    # nothing written to the cache folder
    assert not [p for p in _isolated_cache.rglob("*") if p.is_file()]


def test_class_closure_memo_honours_use_cache(oxigraph_server) -> None:  # type: ignore[no-untyped-def]
    def closures(use_cache: bool) -> tuple[int, int]:
        """Requests for two closures by one engine, then by a second engine (a second run)."""
        with faultproxy.running(oxigraph_server.url) as proxy:

            def engine():  # type: ignore[no-untyped-def]
                settings = Settings(use_cache=use_cache, min_interval_s=0.0, engine_kind="oxigraph")
                return get_engine(proxy.url, settings, fallback=[])

            eng = engine()
            first = harvest.glam_classes(eng)
            assert harvest.glam_classes(eng) == first and "Q33506" in first.glam
            one_run = len(proxy.requests)
            assert harvest.glam_classes(engine()) == first
            return one_run, len(proxy.requests)

    harvest._CLASS_CACHE.clear()
    # no cache: one engine (one run) asks once; a new engine (the next run) asks again
    assert closures(use_cache=False) == (1, 2)
    # cache on: asked once for the endpoint, whatever the engine
    assert closures(use_cache=True) == (1, 1)
