"""The client layer every request shares: retry policy, on-disk store, User-Agent."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from glamgraph.client import CacheWarning, JsonStore, Verdict, call, operator_contact, user_agent
from glamgraph.errors import BadInput, CacheUnusable


@dataclass
class _S:
    max_attempts: int = 5
    max_retry_after_s: float = 120.0
    backoff_s: float = 1.0
    backoff_max_s: float = 30.0
    slept: list[float] = field(default_factory=list)

    @property
    def sleep(self):  # type: ignore[no-untyped-def]
        return self.slept.append


class _Busy(Exception):
    def __init__(self, wait: float | None = None) -> None:
        super().__init__(f"busy (wait {wait})")
        self.wait = wait


def _classify(exc: BaseException) -> Verdict:
    if isinstance(exc, _Busy):
        return Verdict(True, exc.wait)
    return Verdict(False)


def _failing(errors: list[BaseException], result: str = "ok"):  # type: ignore[no-untyped-def]
    sent: list[int] = []

    def fn() -> str:
        sent.append(1)
        if errors:
            raise errors.pop(0)
        return result

    return fn, sent


def test_retry_after_is_waited_exactly_then_success() -> None:
    s = _S()
    fn, sent = _failing([_Busy(7.0), _Busy(2.5)])
    assert call(fn, s, _classify) == "ok"
    assert len(sent) == 3
    assert s.slept == [7.0, 2.5]


def test_retry_after_above_the_cap_fails_at_once_not_clamped() -> None:
    s = _S(max_retry_after_s=10)
    fn, sent = _failing([_Busy(600.0)])

    def too_long(exc: BaseException, wait: float) -> BaseException:
        return RuntimeError(f"asked to wait {wait:g} s")

    with pytest.raises(RuntimeError, match="600 s"):
        call(fn, s, _classify, too_long=too_long)
    assert len(sent) == 1 and s.slept == []


def test_backoff_grows_and_is_capped() -> None:
    s = _S(max_attempts=6, backoff_s=1.0, backoff_max_s=4.0)
    fn, sent = _failing([_Busy() for _ in range(5)])
    assert call(fn, s, _classify) == "ok"
    assert len(sent) == 6
    assert all(0 <= w <= 4.0 for w in s.slept)
    assert max(s.slept) >= 2.0  # it did grow


def test_final_errors_are_not_retried_and_attempts_are_counted() -> None:
    s = _S(max_attempts=3, backoff_s=0)
    fn, sent = _failing([ValueError("bad query")])
    with pytest.raises(ValueError):
        call(fn, s, _classify)
    assert len(sent) == 1

    fn, sent = _failing([_Busy(), _Busy(), _Busy(), _Busy()])
    seen: list[int] = []

    def gave_up(exc: BaseException, n: int) -> BaseException:
        seen.append(n)
        return exc

    with pytest.raises(_Busy):
        call(fn, s, _classify, gave_up=gave_up)
    assert len(sent) == 3 and seen == [3]


def test_store_round_trip_ttl_and_stale_entries_kept(tmp_path: Path) -> None:
    store = JsonStore(tmp_path, "mediawiki", ttl_s=60)
    key = ("http://127.0.0.1:1/w/api.php", "Module:X")
    path = store.put(key, {"revid": 3})
    assert path is not None and path.parent == tmp_path / "mediawiki"
    assert store.get(key, lambda p: p["revid"]) == 3
    stale = JsonStore(tmp_path, "mediawiki", ttl_s=0)
    assert stale.get(key, lambda p: p["revid"]) is None
    assert path.exists()  # a stale entry stays until a fetch replaces it


def test_store_never_writes_the_key_in_clear(tmp_path: Path) -> None:
    store = JsonStore(tmp_path, "sparql", ttl_s=60)
    path = store.put(("http://h/q?access_token=S3CRET", "SELECT"), {"x": 1})
    assert path is not None and "S3CRET" not in path.read_text()


@pytest.mark.parametrize(
    "content",
    [b"{", b"[]", b'{"format": "other"}', b"\xff\xfe", None],
    ids=["truncated", "list", "foreign", "not-utf8", "wrong-payload"],
)
def test_store_discards_corrupt_entries_with_a_warning(
    tmp_path: Path, content: bytes | None
) -> None:
    store = JsonStore(tmp_path, "sparql", ttl_s=60)
    key = ("k",)
    path = store.put(key, {"n": "not a number"})
    assert path is not None
    if content is not None:
        path.write_bytes(content)
    with pytest.warns(CacheWarning):
        assert store.get(key, lambda p: int(p["n"])) is None
    assert not path.exists()


def test_store_entry_of_another_key_is_refused(tmp_path: Path) -> None:
    store = JsonStore(tmp_path, "sparql", ttl_s=60)
    a = store.put(("a",), {"v": 1})
    assert a is not None
    os.replace(a, store.path(("b",)))
    with pytest.warns(CacheWarning):
        assert store.get(("b",), lambda p: p) is None


def test_store_unusable_folder_is_bad_input(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(CacheUnusable, match="not usable"):
        JsonStore(blocker, "sparql", ttl_s=60)


def test_user_agent_names_the_operator(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GLAMGRAPH_CONTACT", "me@example.org")
    ua = user_agent(None, "urllib/3.11")
    assert "me@example.org" in ua and ua.endswith("urllib/3.11")
    assert "someone@example.org" in user_agent("someone@example.org")
    monkeypatch.delenv("GLAMGRAPH_CONTACT")
    assert "github.com/glamgraph" in user_agent(None)


@pytest.mark.parametrize("bad", ["a\r\nX-Injected: 1", "x" * 201, "tab\there"])
def test_operator_contact_refuses_header_injection(bad: str) -> None:
    with pytest.raises(BadInput, match="--contact"):
        operator_contact(bad)


def test_store_entries_are_json_with_the_envelope(tmp_path: Path) -> None:
    store = JsonStore(tmp_path, "mediawiki", ttl_s=60)
    path = store.put(("k",), {"a": [1, 2]})
    assert path is not None
    entry = json.loads(path.read_text())
    assert entry["format"] == "glamgraph-cache/1" and entry["payload"] == {"a": [1, 2]}
    assert oct(path.stat().st_mode & 0o777) == "0o600"
