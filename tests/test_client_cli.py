"""The operator's contact and the settings of the command line reach every request.

A coverage run against the loopback Oxigraph (through the fault proxy, which records every
request) with the affiliates module fetched from the loopback MediaWiki server: every request
either server sees names the operator in its User-Agent.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from servers import faultproxy, oxigraph
from servers import mediawiki as mw

from glamgraph import vocab
from glamgraph.cli import main

MODULE = Path(__file__).parent / "world" / "module.lua"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    try:
        code = main(list(args))
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture()
def wiki() -> Iterator[mw.Server]:
    srv = mw.start()
    srv.add_page(vocab.AFFILIATES_MODULE, MODULE.read_text(encoding="utf-8"))
    try:
        yield srv
    finally:
        mw.stop(srv)


def _coverage(
    capsys: pytest.CaptureFixture[str], proxy_url: str, out: Path, *extra: str
) -> tuple[int, str, str]:
    return run(
        capsys,
        "coverage",
        "Q46",
        "--endpoint",
        proxy_url,
        "--no-fallback",
        "--out",
        str(out),
        "--quiet",
        *extra,
    )


def test_the_contact_from_the_environment_reaches_every_request(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    oxigraph_server: oxigraph.Server,
    wiki: mw.Server,
    tmp_path: Path,
    _isolated_cache: Path,
) -> None:
    monkeypatch.setenv("GLAMGRAPH_CONTACT", "me@example.org")
    monkeypatch.setenv("GLAMGRAPH_META_API", wiki.api_url)
    with faultproxy.running(oxigraph_server.url) as proxy:
        code, _out, err = _coverage(capsys, proxy.url, tmp_path / "out")
        assert code == 0, err
        sparql = [r.header("User-Agent") or "" for r in proxy.requests]
    pages = [s.headers.get("User-Agent", "") for s in wiki.seen]
    assert sparql and pages, "both servers were asked"
    assert all("(me@example.org; " in ua for ua in sparql + pages), sparql + pages


def test_contact_and_meta_wiki_options_win_over_the_environment(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    oxigraph_server: oxigraph.Server,
    wiki: mw.Server,
    tmp_path: Path,
    _isolated_cache: Path,
) -> None:
    monkeypatch.setenv("GLAMGRAPH_CONTACT", "env@example.org")
    monkeypatch.setenv("GLAMGRAPH_META_API", "http://127.0.0.1:9/w/api.php")  # refuses
    with faultproxy.running(oxigraph_server.url) as proxy:
        code, _out, err = _coverage(
            capsys,
            proxy.url,
            tmp_path / "out",
            "--contact",
            "https://meta.wikimedia.org/wiki/User:Organiser",
            "--meta-wiki",
            wiki.api_url,
        )
        assert code == 0, err
        agents = [r.header("User-Agent") or "" for r in proxy.requests]
    agents += [s.headers.get("User-Agent", "") for s in wiki.seen]
    assert wiki.seen, "the module came from --meta-wiki, not the environment's wiki"
    assert all("(https://meta.wikimedia.org/wiki/User:Organiser; " in ua for ua in agents)
    assert not any("env@example.org" in ua for ua in agents)


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--contact", "me@example.org\r\nX-Injected: 1", "--contact"),
        ("--meta-wiki", "ftp://wiki.example/w/api.php", "--meta-wiki"),
    ],
)
def test_bad_contact_or_wiki_is_refused_before_any_request(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, option: str, value: str, message: str
) -> None:
    code, out, err = _coverage(capsys, "http://127.0.0.1:9/sparql", tmp_path / "o", option, value)
    assert code == 2 and out == ""
    assert message in err and len(err.strip().splitlines()) == 1
