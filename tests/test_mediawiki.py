"""The MediaWiki client against a real HTTP server on 127.0.0.1 answering in the API's JSON shape."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from servers import mediawiki as mw

from glamgraph.errors import MediaWikiError
from glamgraph.mediawiki import CacheWarning, MediaWikiClient, MediaWikiSettings, fetch_page

TITLE = "Module:Organizational_Informations"
SOURCE = "-- test\nreturn {\n    { group_name = 'Wikimedia\\'s mission' },\n}\n"


@pytest.fixture()
def server() -> Iterator[mw.Server]:
    srv = mw.start()
    srv.add_page(TITLE, SOURCE)
    try:
        yield srv
    finally:
        mw.stop(srv)


def client(server: mw.Server, sleeps: list[float] | None = None, **kw: object) -> MediaWikiClient:
    settings = MediaWikiSettings(**kw)  # type: ignore[arg-type]
    return MediaWikiClient(
        server.api_url, settings, sleep=(sleeps.append if sleeps is not None else lambda s: None)
    )


def cache_files(cache: Path) -> list[Path]:
    return sorted((cache / "mediawiki").glob("*")) if (cache / "mediawiki").exists() else []


def test_reads_the_revision_with_provenance_and_sends_the_user_agent(server: mw.Server) -> None:
    rev = client(server).page(TITLE)
    assert rev.content == SOURCE
    assert rev.title == "Module:Organizational Informations"  # as the wiki normalised it
    assert (rev.revid, rev.parentid, rev.pageid) == (27654321, 27650000, 123456)
    assert rev.timestamp == "2025-03-01T10:20:30Z"
    assert rev.contentmodel == "Scribunto"
    assert rev.permalink == server.api_url.replace("api.php", "index.php?oldid=27654321")
    assert (
        rev.describe() == "Module:Organizational Informations rev 27654321 (2025-03-01T10:20:30Z)"
    )
    assert rev.fetched and not rev.from_cache
    assert "content" not in rev.provenance()
    (seen,) = server.seen
    assert seen.path == "/w/api.php"
    assert seen.params == {
        "action": "query",
        "prop": "revisions",
        "titles": TITLE,
        "rvprop": "content|ids|timestamp",
        "rvslots": "main",
        "format": "json",
        "formatversion": "2",
        "maxlag": "5",
    }
    ua = seen.headers["User-Agent"]
    assert ua.startswith("glamgraph/") and "(https://" in ua and "urllib/" in ua


def test_second_read_comes_from_the_cache(server: mw.Server, _isolated_cache: Path) -> None:
    first = client(server).page(TITLE)
    second = client(server).page(TITLE)
    assert len(server.seen) == 1
    assert second.from_cache and second.revid == first.revid and second.content == SOURCE
    assert second.fetched == first.fetched
    (entry,) = cache_files(_isolated_cache)
    assert entry.suffix == ".json" and json.loads(entry.read_text())["payload"]["revid"] == 27654321
    client(server).page(TITLE, use_cache=False)  # --no-cache
    assert len(server.seen) == 2


def test_the_cache_dir_setting_wins_over_the_environment(
    server: mw.Server, tmp_path: Path, _isolated_cache: Path
) -> None:
    client(server, cache_dir=str(tmp_path / "gg-cache")).page(TITLE)
    assert len(cache_files(tmp_path / "gg-cache")) == 1
    assert cache_files(_isolated_cache) == []


def test_no_cache_setting_neither_reads_nor_writes(
    server: mw.Server, _isolated_cache: Path
) -> None:
    client(server, use_cache=False).page(TITLE)
    client(server, use_cache=False).page(TITLE)
    assert len(server.seen) == 2
    assert cache_files(_isolated_cache) == []


def test_a_stale_entry_is_refetched(server: mw.Server) -> None:
    client(server).page(TITLE)
    server.add_page(TITLE, "return {}", revid=27660000)
    rev = client(server, cache_ttl_s=0).page(TITLE)
    assert rev.revid == 27660000 and not rev.from_cache
    assert client(server).page(TITLE).revid == 27660000  # the new answer replaced the entry


def test_a_corrupt_entry_is_discarded_with_a_warning_and_refetched(
    server: mw.Server, _isolated_cache: Path
) -> None:
    client(server).page(TITLE)
    (entry,) = cache_files(_isolated_cache)
    entry.write_text('{"format": 1, "revision": {"revid": ')  # truncated
    with pytest.warns(CacheWarning, match="corrupt"):
        rev = client(server).page(TITLE)
    assert rev.content == SOURCE and not rev.from_cache
    assert len(server.seen) == 2
    assert json.loads(entry.read_text())["payload"]["content"] == SOURCE  # rewritten whole
    assert [p.name for p in cache_files(_isolated_cache)] == [entry.name]  # no temp files left


def test_a_failed_fetch_never_overwrites_a_good_entry(
    server: mw.Server, _isolated_cache: Path
) -> None:
    client(server).page(TITLE)
    (entry,) = cache_files(_isolated_cache)
    before = entry.read_bytes()
    server.fail_next(*[mw.Canned(503, b"<html>Service Unavailable</html>")] * 3)
    with pytest.raises(MediaWikiError, match="failed after 3 attempts"):
        client(server, cache_ttl_s=0, max_attempts=3).page(TITLE)
    assert entry.read_bytes() == before
    server.fail_next(mw.Canned(200, mw.api_error("internal_api_error_DBQueryError", "boom")))
    with pytest.raises(MediaWikiError):
        client(server, cache_ttl_s=0).page(TITLE)
    assert entry.read_bytes() == before


def test_missing_page(server: mw.Server) -> None:
    with pytest.raises(MediaWikiError) as err:
        client(server).page("Module:Nope")
    msg = str(err.value)
    assert msg == f"Module:Nope: page missing on {server.api_url} (API code missing)"
    assert err.value.exit_code == 3


def test_invalid_title(server: mw.Server) -> None:
    with pytest.raises(MediaWikiError, match=r"Module:A\[b\]: invalid title \(API code invalid\)"):
        client(server).page("Module:A[b]")


def test_an_error_object_is_reported_on_one_line(server: mw.Server) -> None:
    server.fail_next(
        mw.Canned(200, mw.api_error("badvalue", 'Unrecognized value for parameter "action".\nx'))
    )
    with pytest.raises(MediaWikiError) as err:
        client(server).page(TITLE)
    msg = str(err.value)
    assert "\n" not in msg
    assert msg.startswith(f"{TITLE}: ") and "API code badvalue" in msg
    assert len(server.seen) == 1  # not retried


def test_5xx_and_resets_are_retried(server: mw.Server) -> None:
    sleeps: list[float] = []
    server.fail_next(mw.Canned(502, b"Bad Gateway"), mw.Canned(500, b"oops"))
    rev = client(server, sleeps).page(TITLE)
    assert rev.content == SOURCE
    assert len(server.seen) == 3
    assert len(sleeps) == 2 and all(0 < s <= 30 for s in sleeps)


def test_maxlag_waits_retry_after(server: mw.Server) -> None:
    sleeps: list[float] = []
    server.fail_next(mw.maxlag(7))
    rev = client(server, sleeps).page(TITLE)
    assert rev.revid == 27654321
    assert sleeps == [7.0]


def test_429_honours_retry_after_and_refuses_a_wait_over_the_cap(server: mw.Server) -> None:
    sleeps: list[float] = []
    server.fail_next(mw.Canned(429, b"Too many requests", {"Retry-After": "3"}))
    assert client(server, sleeps).page(TITLE).content == SOURCE
    assert sleeps == [3.0]
    server.fail_next(mw.Canned(429, b"Too many requests", {"Retry-After": "3600"}))
    seen = len(server.seen)
    with pytest.raises(MediaWikiError, match=r"3600 s .*cap of 120 s"):
        client(server, sleeps, use_cache=False).page(TITLE)
    assert len(server.seen) == seen + 1  # failed at once, no hour-long sleep
    assert sleeps == [3.0]


def test_a_4xx_is_not_retried(server: mw.Server) -> None:
    server.fail_next(mw.Canned(403, b"Forbidden"))
    with pytest.raises(MediaWikiError, match="HTTP 403"):
        client(server).page(TITLE)
    assert len(server.seen) == 1


def test_html_instead_of_json(server: mw.Server) -> None:
    server.fail_next(mw.Canned(200, b"<!DOCTYPE html><html>maintenance</html>"))
    with pytest.raises(MediaWikiError, match="not API JSON"):
        client(server).page(TITLE)


def test_connection_refused_fails_at_once_and_says_what_to_do_offline() -> None:
    """Nothing listens there (or the machine is offline): resending will not help."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    sleeps: list[float] = []
    c = MediaWikiClient(
        f"http://127.0.0.1:{port}/w/api.php", MediaWikiSettings(max_attempts=5), sleep=sleeps.append
    )
    with pytest.raises(MediaWikiError, match=r"cannot be reached .*--affiliates FILE"):
        c.page(TITLE)
    assert sleeps == [] and c.requests_sent == 1


def test_fetch_page_function(server: mw.Server) -> None:
    rev = fetch_page(TITLE, api_url=server.api_url)
    assert rev.revid == 27654321
