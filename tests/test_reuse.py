"""Reused outputs: a warm ``coverage`` run whose inputs are unchanged copies the last run's files
(byte-identical, checked by sha256) without computing anything; any changed input (a query
result refetched, the affiliates, the request, glamgraph's files, a damaged kept file) computes
afresh; ``--no-cache`` keeps and reuses nothing."""

from __future__ import annotations

import datetime as dt
import importlib
import json
import os
import warnings
from pathlib import Path
from typing import Any

import pytest

from glamgraph.cli import main
from glamgraph.client import CacheWarning
from glamgraph.export import OUTPUTS, reuse

coverage_mod = importlib.import_module("glamgraph.coverage")
MODULE = Path(__file__).parent / "world" / "module.lua"
#: every file a run writes but run.json, which says when it was made
SAME = tuple(o.filename for o in OUTPUTS)


class _Counting:
    """Counts the answers really computed (``glamgraph.coverage.coverage`` calls)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls = 0
        self._real = coverage_mod.coverage
        monkeypatch.setattr(coverage_mod, "coverage", self)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self.calls += 1
        return self._real(*args, **kwargs)


def _run(out: Path, *args: str) -> dict[str, bytes]:
    code = main(["coverage", *args, "--out", str(out), "--quiet"])
    assert code == 0
    return {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}


def _remote(url: str, out: Path, *extra: str, module: Path = MODULE) -> dict[str, bytes]:
    return _run(out, "Q46", "--endpoint", url, "--affiliates", str(module), *extra)


def _entries(cache: Path) -> list[Path]:
    return sorted((cache / reuse.SOURCE).glob("*.json"))


def test_snapshot_warm_run_reuses_the_files_byte_identical(
    tmp_path: Path,
    _isolated_cache: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    computed = _Counting(monkeypatch)
    cold = _run(tmp_path / "cold", "Q46", "--endpoint", "snapshot")
    cold_out = capsys.readouterr().out
    assert computed.calls == 1 and len(_entries(_isolated_cache)) == 1
    warm = _run(tmp_path / "warm", "Q46", "--endpoint", "snapshot")
    warm_out = capsys.readouterr().out
    assert computed.calls == 1  # nothing computed
    assert {n: warm[n] for n in SAME} == {n: cold[n] for n in SAME}
    assert set(warm) == set(cold)
    # the same report on stdout, and run.json says where the files came from
    assert warm_out.startswith(cold_out.split("files written to")[0])
    assert "the files of that run were reused" in warm_out
    run_cold, run_warm = json.loads(cold["run.json"]), json.loads(warm["run.json"])
    assert run_warm["reused_from"] == run_cold["created"]
    assert run_warm["files"] == run_cold["files"]
    # the region as typed is part of the request: another spelling computes (and is kept)
    _run(tmp_path / "named", "europe", "--endpoint", "snapshot")
    assert computed.calls == 2 and len(_entries(_isolated_cache)) == 2


def test_no_cache_keeps_and_reuses_nothing(
    tmp_path: Path, _isolated_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    computed = _Counting(monkeypatch)
    _run(tmp_path / "a", "Q46", "--endpoint", "snapshot", "--no-cache")
    assert not _entries(_isolated_cache)
    _run(tmp_path / "b", "Q46", "--endpoint", "snapshot")
    _run(tmp_path / "c", "Q46", "--endpoint", "snapshot", "--no-cache")
    assert computed.calls == 3


@pytest.mark.parametrize(
    "change",
    [
        ("--all",),
        ("--raw-csv",),
        ("--lang", "fr,en"),
        ("--fallback-contact", "Team|https://t.example/"),
    ],
)
def test_another_request_computes(
    change: tuple[str, ...],
    tmp_path: Path,
    _isolated_cache: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    computed = _Counting(monkeypatch)
    _run(tmp_path / "a", "Q46", "--endpoint", "snapshot")
    _run(tmp_path / "b", "Q46", "--endpoint", "snapshot", *change)
    assert computed.calls == 2
    _run(tmp_path / "c", "Q46", "--endpoint", "snapshot", *change)
    assert computed.calls == 2  # and that request is kept in turn


def test_changed_glamgraph_files_compute(
    tmp_path: Path, _isolated_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    computed = _Counting(monkeypatch)
    _run(tmp_path / "a", "Q46", "--endpoint", "snapshot")
    monkeypatch.setattr(reuse, "_package_digest", "0" * 64)  # as if a file of the package changed
    _run(tmp_path / "b", "Q46", "--endpoint", "snapshot")
    assert computed.calls == 2


def test_a_damaged_kept_file_is_discarded_and_the_run_computes(
    tmp_path: Path, _isolated_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    computed = _Counting(monkeypatch)
    cold = _run(tmp_path / "a", "Q46", "--endpoint", "snapshot")
    (kept_dir,) = (_isolated_cache / reuse.SOURCE).glob("*.files")
    csv = kept_dir / "regions.csv"
    csv.write_bytes(csv.read_bytes().replace(b"uncovered", b"covered!!", 1))
    out = tmp_path / "b"
    with pytest.warns(CacheWarning, match="regions.csv does not match its sha256"):
        again = _run(out, "Q46", "--endpoint", "snapshot")
    assert computed.calls == 2
    assert again["regions.csv"] == cold["regions.csv"]
    assert not list(out.glob(".glamgraph-staging-*"))
    # the entry was written afresh and serves the next run
    _run(tmp_path / "c", "Q46", "--endpoint", "snapshot")
    assert computed.calls == 2


@pytest.mark.parametrize(
    ("damage", "why"),
    [
        (lambda p: p["counts"].update(regions="many"), "a count that is not a number"),
        (lambda p: p["queries"].append(["k", "big", 1]), "a query entry"),
        (lambda p: p.update(files={}), "files is not a list"),
    ],
)
def test_a_manifest_with_wrong_types_is_discarded_not_a_traceback(
    damage: Any,
    why: str,
    tmp_path: Path,
    _isolated_cache: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    computed = _Counting(monkeypatch)
    _run(tmp_path / "a", "Q46", "--endpoint", "snapshot")
    (entry,) = _entries(_isolated_cache)
    doc = json.loads(entry.read_text())
    damage(doc["payload"])
    entry.write_text(json.dumps(doc))
    with pytest.warns(CacheWarning, match=why):
        _run(tmp_path / "b", "Q46", "--endpoint", "snapshot")
    assert computed.calls == 2


def test_a_manifest_naming_a_file_outside_its_folder_is_refused(
    tmp_path: Path, _isolated_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    computed = _Counting(monkeypatch)
    _run(tmp_path / "a", "Q46", "--endpoint", "snapshot")
    (entry,) = _entries(_isolated_cache)
    doc = json.loads(entry.read_text())
    doc["payload"]["files"][0]["name"] = "../../escape.csv"
    entry.write_text(json.dumps(doc))
    with pytest.warns(CacheWarning, match="unsafe file name"):
        _run(tmp_path / "b", "Q46", "--endpoint", "snapshot")
    assert computed.calls == 2
    assert not (tmp_path / "escape.csv").exists()


def test_remote_warm_run_reuses_and_a_refetched_result_computes(
    oxigraph_server: Any,
    tmp_path: Path,
    _isolated_cache: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    computed = _Counting(monkeypatch)
    cold = _remote(oxigraph_server.url, tmp_path / "cold")
    (entry,) = _entries(_isolated_cache)
    assert json.loads(entry.read_text())["payload"]["queries"]  # the results it was made from
    warm = _remote(oxigraph_server.url, tmp_path / "warm")
    assert computed.calls == 1
    assert {n: warm[n] for n in SAME} == {n: cold[n] for n in SAME}
    # one query result behind the answer refetched (its cache file rewritten): not reused
    behind = json.loads(entry.read_text())["payload"]["queries"]
    victim = _isolated_cache / "sparql" / f"{behind[len(behind) // 2][0]}.json"
    assert victim.is_file()
    st = os.stat(victim)
    os.utime(victim, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))
    again = _remote(oxigraph_server.url, tmp_path / "again")
    assert computed.calls == 2
    assert again["regions.csv"] == cold["regions.csv"]


def test_remote_changed_affiliates_compute(
    oxigraph_server: Any,
    tmp_path: Path,
    _isolated_cache: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    computed = _Counting(monkeypatch)
    module = tmp_path / "module.lua"
    module.write_bytes(MODULE.read_bytes())
    _remote(oxigraph_server.url, tmp_path / "a", module=module)
    _remote(oxigraph_server.url, tmp_path / "b", module=module)
    assert computed.calls == 1
    # an edited module (here only a comment: the graph names the module's sha256) computes
    module.write_text(MODULE.read_text(encoding="utf-8") + "\n-- an edit\n", encoding="utf-8")
    _remote(oxigraph_server.url, tmp_path / "c", module=module)
    assert computed.calls == 2
    _remote(oxigraph_server.url, tmp_path / "d", module=module)
    assert computed.calls == 2


def test_remote_no_cache_keeps_nothing(
    oxigraph_server: Any, tmp_path: Path, _isolated_cache: Path
) -> None:
    _remote(oxigraph_server.url, tmp_path / "a", "--no-cache")
    assert not (_isolated_cache / reuse.SOURCE).exists() or not _entries(_isolated_cache)


def test_reuse_never_raises_on_an_unwritable_cache(
    tmp_path: Path, _isolated_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _run(tmp_path / "a", "Q46", "--endpoint", "snapshot")
    (kept_dir,) = (_isolated_cache / reuse.SOURCE).glob("*.files")
    for f in kept_dir.iterdir():
        f.unlink()
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        out = _run(tmp_path / "b", "Q46", "--endpoint", "snapshot")
    assert any(issubclass(w.category, CacheWarning) for w in seen)
    assert out["regions.csv"]


def test_prune_removes_stale_entries_and_leftovers_only(
    tmp_path: Path, _isolated_cache: Path
) -> None:
    _run(tmp_path / "a", "Q46", "--endpoint", "snapshot")
    from glamgraph.sparql import Settings

    store = reuse.OutputStore(Settings(cache_ttl_s=600))
    (entry,) = _entries(_isolated_cache)
    files = entry.with_suffix(".files")
    orphan = store.store.dir / ("f" * 64 + ".files")
    leftover = store.store.dir / ".tmp-abcdef"
    for d in (orphan, leftover):
        d.mkdir()
    assert store.prune() == 0  # all fresh, and the leftovers may belong to a running keep
    old = dt.datetime.now(dt.UTC).timestamp() - 2 * 3600
    for d in (orphan, leftover):
        os.utime(d, (old, old))
    assert store.prune() == 2 and entry.is_file() and files.is_dir()
    os.utime(entry, (old, old))  # older than the time to live and the grace
    assert store.prune() == 1 and not entry.exists() and not files.exists()


def test_an_unusable_cache_folder_does_not_stop_the_offline_job(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The snapshot needs no cache: a cache folder that cannot be made only means nothing is
    kept (a warning), as before outputs were kept."""
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("GLAMGRAPH_CACHE_DIR", str(blocker / "cache"))
    with pytest.warns(CacheWarning, match="outputs are not kept"):
        out = _run(tmp_path / "out", "Q46", "--endpoint", "snapshot")
    assert out["regions.csv"]
