"""``glamgraph query`` when endpoints fail: exit 3 with a one-line reason, the cache untouched;
``--fallback``/``--no-fallback``; bad endpoint, TTL and cache folder are input errors (exit 2)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from servers import faultproxy as fp

from glamgraph.cli import main
from glamgraph.cli.options import make_engine
from glamgraph.sparql.fallback import FallbackEngine
from glamgraph.sparql.remote import RemoteEngine

ARGS = ["query", "subdivisions-of-country", "--param", "country=Q142"]


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def snapshot_of(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.fixture()
def proxy(oxigraph_server: Any) -> Iterator[fp.FaultProxy]:
    with fp.running(oxigraph_server.url) as p:
        yield p


def test_done_when_timeout_exits_3_and_leaves_the_good_cache_entry(
    capsys: pytest.CaptureFixture[str], proxy: fp.FaultProxy, _isolated_cache: Path
) -> None:
    """The issue's check (b)."""
    code, out, err = run(capsys, *ARGS, "--endpoint", proxy.url, "--format", "csv")
    assert code == 0, err
    assert {line.split(",")[1] for line in out.splitlines()[1:]} == {"FR-IDF", "FR-BRE", "FR-OCC"}
    before = snapshot_of(_isolated_cache)
    # the good run's entry (and the engine kind it detected, kept beside the query cache)
    assert len([k for k in before if k.startswith("sparql/")]) == 1
    proxy.always(fp.timeout_in_200("wdqs"))
    code, out, err = run(capsys, *ARGS, "--endpoint", proxy.url, "--cache-ttl", "0")
    assert code == 3
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err
    assert lines[0].startswith(f"glamgraph: error: {proxy.url}: timeout")
    assert "subdivisions-of-country" in lines[0]
    assert snapshot_of(_isolated_cache) == before
    assert proxy.faults()[-1] == "timeout in 200 (wdqs)"  # it really asked again


def test_ban_exits_3_naming_endpoint_and_reason(
    capsys: pytest.CaptureFixture[str], proxy: fp.FaultProxy
) -> None:
    proxy.always(fp.banned())
    code, out, err = run(capsys, *ARGS, "--endpoint", proxy.url, "--no-cache")
    assert code == 3 and out == ""
    assert proxy.url in err and "rate limited" in err and "banned" in err
    assert len(proxy.requests) == 1


def test_fallback_option(
    capsys: pytest.CaptureFixture[str], proxy: fp.FaultProxy, oxigraph_server: Any
) -> None:
    proxy.always(fp.banned())
    code, out, err = run(
        capsys, *ARGS, "--endpoint", proxy.url, "--fallback", oxigraph_server.url, "--no-cache"
    )
    assert code == 0, err
    head = out.splitlines()[0]
    assert head.startswith(f"# endpoint: {oxigraph_server.url}")
    assert f"(fallback from {proxy.url})" in head
    assert len(out.splitlines()) == 3 + 3


def test_make_engine_reads_the_fallback_options() -> None:
    assert isinstance(make_engine("wdqs", True, 0.0, 5.0), FallbackEngine)
    assert isinstance(make_engine("wdqs", True, 0.0, 5.0, no_fallback=True), RemoteEngine)
    chain = make_engine("qlever", True, 0.0, 5.0, fallback=["http://127.0.0.1:9/sparql"])
    assert [e.name for e in chain.engines] == ["qlever", "http://127.0.0.1:9/sparql"]


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        (["--endpoint", "http://127.0.0.1:99999/sparql"], "http://127.0.0.1:99999/sparql"),
        (["--endpoint", "http:/127.0.0.1/sparql"], "unknown endpoint: 'http:/127.0.0.1/sparql'"),
        (["--endpoint", "snapshot", "--cache-ttl", "-1"], "--cache-ttl"),
        (["--endpoint", "snapshot", "--cache-ttl", "nan"], "--cache-ttl"),
        (["--endpoint", "snapshot", "--timeout", "0"], "--timeout"),
        (["--endpoint", "snapshot", "--fallback", "ftp://x"], "unknown endpoint: 'ftp://x'"),
        (
            ["--endpoint", "snapshot", "--fallback", "qlever", "--no-fallback"],
            "--fallback and --no-fallback",
        ),
    ],
)
def test_bad_input_exits_2_with_one_line(
    capsys: pytest.CaptureFixture[str], extra: list[str], needle: str
) -> None:
    code, out, err = run(capsys, *ARGS, *extra)
    assert code == 2 and out == ""
    assert needle in err and len(err.strip().splitlines()) == 1


def test_unusable_cache_folder_exits_2_naming_it(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    proxy: fp.FaultProxy,
) -> None:
    blocker = tmp_path / "cache-is-a-file"
    blocker.write_text("")
    monkeypatch.setenv("GLAMGRAPH_CACHE_DIR", str(blocker))
    code, out, err = run(capsys, *ARGS, "--endpoint", proxy.url)
    assert code == 2 and out == ""
    assert str(blocker) in err and "cache directory" in err and "--no-cache" in err
    assert proxy.requests == []  # refused before any request
    code, _out, err = run(capsys, *ARGS, "--endpoint", proxy.url, "--no-cache")
    assert code == 0, err
