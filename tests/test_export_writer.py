"""write_all: every file of a run, all or nothing; run.json; graph.trig; refusals."""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from export_fixtures import QUERY_TEXTS, make_coverage
from rdflib import Dataset, URIRef

from glamgraph._version import __version__
from glamgraph.errors import BadInput, WriteError
from glamgraph.export import CONTACT_COLUMNS, OUTPUTS, Output, to_csv, write_all
from glamgraph.model import Coverage

ALL_FILES = {
    "regions.csv",
    "unplaced.csv",
    "contacts.csv",
    "contacts.xlsx",
    "contacts.wikitext",
    "regions.geojson",
    "institutions.geojson",
    "map.html",
    "map.png",
    "graph.trig",
    "run.json",
}


def _snapshot(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir())}


def _changed() -> Coverage:
    """A later run whose files would all differ from the first one's."""
    cov = make_coverage(graph=True)
    cov.endpoint = "wdqs"
    cov.rows = [dataclasses.replace(r, label=r.label + " (new)") for r in cov.rows]
    return cov


def _boom(coverage: Coverage, path: Path, all_regions: bool) -> object:
    path.write_text("half a file")
    raise RuntimeError("writer failed mid-run")


def _failing_outputs() -> list[Output]:
    outputs = list(OUTPUTS)
    outputs.insert(4, Output("boom", "boom.txt", _boom))  # after three files are complete
    return outputs


def test_writes_every_file_into_a_new_directory(tmp_path: Path) -> None:
    out = tmp_path / "deep" / "glamgraph-out"
    report = write_all(make_coverage(graph=True), out)
    assert {p.name for p in out.iterdir()} == ALL_FILES
    assert [p.name for p in report.files][-1] == "run.json"
    assert set(p.name for p in report.files) == ALL_FILES
    assert report.out_dir == out
    assert report.without_coordinates == 2
    assert report.counts["contacts"] == 9 and report.counts["uncovered_regions"] == 2
    assert report.skipped == {}
    assert "2 institutions without coordinates" in str(report)
    left = [p.name for p in (tmp_path / "deep").iterdir() if not p.name.endswith("-lock")]
    assert left == ["glamgraph-out"]  # no staging (the lock file stays, hidden)
    assert oct(out.stat().st_mode & 0o777) != oct(0o700)  # not left private like a temp dir


def test_run_json_sidecar(tmp_path: Path) -> None:
    write_all(make_coverage(graph=True), tmp_path / "out")
    info = json.loads((tmp_path / "out" / "run.json").read_text(encoding="utf-8"))
    assert info["endpoint"] == "snapshot"
    assert info["created"] == "2026-11-25T12:00:00+00:00"
    assert info["region"] == {"qid": "Q46", "label": "Europe", "kind": "continent", "iso": ""}
    assert info["version"] == __version__
    assert {q["name"]: q["text"] for q in info["queries"]} == QUERY_TEXTS
    assert [p["query_name"] for p in info["provenance"]] == list(QUERY_TEXTS)
    assert info["counts"]["institutions_without_coordinates"] == 2
    assert info["counts"]["unplaced"] == 2
    files = {f["name"]: f for f in info["files"]}
    assert set(files) == ALL_FILES - {"run.json"}
    for name, entry in files.items():
        data = (tmp_path / "out" / name).read_bytes()
        assert entry["bytes"] == len(data)
        assert entry["sha256"] == hashlib.sha256(data).hexdigest()


def test_graph_trig_parses_with_its_named_graphs(tmp_path: Path) -> None:
    write_all(make_coverage(graph=True), tmp_path / "out", formats=["trig"])
    ds = Dataset()
    ds.parse(tmp_path / "out" / "graph.trig", format="trig")
    names = {str(g.identifier) for g in ds.graphs()}
    assert "https://w3id.org/glamgraph/run/test/institutions" in names
    assert "https://w3id.org/glamgraph/run/test/affiliates" in names
    g = ds.graph(URIRef("https://w3id.org/glamgraph/run/test/institutions"))
    assert len(g) == 2


def test_no_graph_means_no_trig_and_says_so(tmp_path: Path) -> None:
    report = write_all(make_coverage(), tmp_path / "out")
    assert not (tmp_path / "out" / "graph.trig").exists()
    assert "trig" in report.skipped
    info = json.loads((tmp_path / "out" / "run.json").read_text(encoding="utf-8"))
    assert "trig" in info["skipped"]


def test_failed_run_leaves_previous_files_byte_identical(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_all(make_coverage(graph=True), out)
    (out / "notes.txt").write_text("the organiser's own file")
    before = _snapshot(out)
    with pytest.raises(RuntimeError, match="mid-run"):
        write_all(_changed(), out, outputs=_failing_outputs())
    assert _snapshot(out) == before  # nothing replaced, nothing added, no staging left
    # and the same run without the failing writer does replace them
    write_all(_changed(), out)
    assert _snapshot(out)["regions.csv"] != before["regions.csv"]
    assert (out / "notes.txt").read_text() == "the organiser's own file"


def test_failed_first_run_creates_nothing(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError):
        write_all(make_coverage(), tmp_path / "out", outputs=_failing_outputs())
    assert [p for p in tmp_path.iterdir() if not p.name.endswith(".glamgraph-lock")] == []


def test_failure_while_moving_files_rolls_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    write_all(make_coverage(graph=True), out)
    before = _snapshot(out)
    real_replace = os.replace
    calls = {"n": 0}

    def flaky_replace(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        if Path(dst).parent == out:
            calls["n"] += 1
            if calls["n"] == 4:
                raise OSError(28, "No space left on device")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", flaky_replace)
    with pytest.raises(WriteError, match="No space left"):
        write_all(_changed(), out)
    monkeypatch.undo()
    assert calls["n"] == 4 + 3  # the fourth move failed; the three before it were undone
    assert _snapshot(out) == before


def test_refuses_an_out_path_that_is_a_file(tmp_path: Path) -> None:
    target = tmp_path / "results"
    target.write_text("not a directory")
    with pytest.raises(WriteError, match="results") as err:
        write_all(make_coverage(), target)
    assert err.value.exit_code == 2
    assert target.read_text() == "not a directory"
    assert [p.name for p in tmp_path.iterdir()] == ["results"]
    with pytest.raises(WriteError, match="results"):
        write_all(make_coverage(), target / "sub")
    assert [p.name for p in tmp_path.iterdir()] == ["results"]


def test_refuses_an_output_name_taken_by_a_directory(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_all(make_coverage(), out, formats=["regions"])
    (out / "contacts.csv").mkdir()
    before = _snapshot_names(out)
    with pytest.raises(WriteError, match=r"contacts\.csv"):
        write_all(make_coverage(), out)
    assert _snapshot_names(out) == before


def _snapshot_names(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir())


@contextlib.contextmanager
def _unprivileged() -> Iterator[None]:
    """Run the block as ``nobody`` when the tests run as root (CI does): root may write into a
    read-only directory, so the refusal is only observable without root's privileges."""
    if os.geteuid() != 0:
        yield
        return
    import pwd

    nobody = pwd.getpwnam("nobody")
    os.setegid(nobody.pw_gid)
    os.seteuid(nobody.pw_uid)
    try:
        yield
    finally:
        os.seteuid(0)
        os.setegid(0)


def test_refuses_an_unwritable_directory() -> None:
    base = Path(tempfile.mkdtemp(prefix="glamgraph-unwritable-"))
    base.chmod(0o755)  # reachable by nobody; writable by its owner only
    out = base / "locked"
    out.mkdir()
    out.chmod(0o555)
    cov = make_coverage()
    try:
        with _unprivileged(), pytest.raises(WriteError, match="locked"):
            write_all(cov, out)
        assert sorted(p.name for p in out.iterdir()) == []
    finally:
        out.chmod(0o700)
        shutil.rmtree(base)


def test_formats_select_outputs(tmp_path: Path) -> None:
    report = write_all(make_coverage(), tmp_path / "out", formats=["contacts", "map.html"])
    assert {p.name for p in report.files} == {"contacts.csv", "map.html", "run.json"}
    with pytest.raises(BadInput, match="pdf"):
        write_all(make_coverage(), tmp_path / "other", formats=["pdf"])
    assert not (tmp_path / "other").exists()


def test_same_bytes_as_the_single_format_function(tmp_path: Path) -> None:
    cov = make_coverage()
    write_all(cov, tmp_path / "out", all_regions=True, formats=["contacts"])
    to_csv(cov, tmp_path / "contacts.csv", all_regions=True)
    assert (tmp_path / "out" / "contacts.csv").read_bytes() == (
        tmp_path / "contacts.csv"
    ).read_bytes()


def test_an_empty_coverage_still_gives_every_file(tmp_path: Path) -> None:
    cov = make_coverage()
    cov.rows, cov.institutions, cov.unplaced, cov.provenance, cov.query_texts = [], [], [], [], {}
    report = write_all(cov, tmp_path / "out")
    assert {p.name for p in report.files} == ALL_FILES - {"graph.trig"}
    assert report.counts["contacts"] == 0
    header = (tmp_path / "out" / "contacts.csv").read_text(encoding="utf-8").splitlines()
    assert header == [",".join(CONTACT_COLUMNS)]
    doc = json.loads((tmp_path / "out" / "institutions.geojson").read_text(encoding="utf-8"))
    assert doc["features"] == []


# Two processes: a forked child writes some of the files alongside the run (big coverages).


@pytest.fixture
def forking(monkeypatch: pytest.MonkeyPatch, forks: list[int]) -> list[int]:
    """write_all shares the files with a forked child even for the small test coverage; the
    list collects the children forked."""
    from glamgraph.export import writer

    monkeypatch.setattr(writer, "PARALLEL_FROM", 0)
    return forks


def _child_takes_every_shared_file(monkeypatch: pytest.MonkeyPatch) -> None:
    from glamgraph.export import writer

    monkeypatch.setattr(writer._Worker, "tasks", lambda self: iter(()))


def test_files_written_by_two_processes_are_the_same_bytes(
    tmp_path: Path, forking: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    cov = make_coverage(graph=True)
    write_all(cov, tmp_path / "shared")
    assert len(forked := list(forking)) == 1
    _child_takes_every_shared_file(monkeypatch)
    write_all(cov, tmp_path / "child")
    from glamgraph.export import writer

    monkeypatch.setattr(writer, "PARALLEL_FROM", 10**9)
    write_all(cov, tmp_path / "alone")
    monkeypatch.setattr(writer, "PARALLEL_FROM", 0)
    monkeypatch.setenv("GLAMGRAPH_WRITE_PROCESSES", "1")
    write_all(cov, tmp_path / "one")
    assert len(forking) == len(forked) + 1  # the last two runs forked nothing
    assert _snapshot(tmp_path / "one") == _snapshot(tmp_path / "alone")
    alone = _snapshot(tmp_path / "alone")
    assert set(alone) == ALL_FILES
    assert _snapshot(tmp_path / "shared") == alone
    assert _snapshot(tmp_path / "child") == alone


def test_an_error_in_the_child_fails_the_run_and_changes_nothing(
    tmp_path: Path, forking: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    from glamgraph.export import writer

    out = tmp_path / "out"
    write_all(make_coverage(graph=True), out)
    before = _snapshot(out)

    def full_disk(coverage: Coverage, path: Path, all_regions: bool = False) -> int:
        path.write_text("half a workbook")
        raise WriteError(f"cannot write {path}: No space left on device")

    monkeypatch.setattr(writer, "to_xlsx", full_disk)
    _child_takes_every_shared_file(monkeypatch)
    with pytest.raises(WriteError, match=r"contacts\.xlsx: No space left on device"):
        write_all(_changed(), out)
    assert forking  # the child wrote (and failed)
    assert _snapshot(out) == before  # nothing replaced, nothing added, no staging left


def test_a_child_that_dies_fails_the_run_in_one_line(
    tmp_path: Path, forking: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    from glamgraph.export import writer

    def dies(coverage: Coverage, path: Path) -> int:
        os._exit(3)

    monkeypatch.setattr(writer, "to_map", dies)
    _child_takes_every_shared_file(monkeypatch)
    with pytest.raises(WriteError, match=r"the process writing them ended \(exit status 3\)"):
        write_all(make_coverage(), tmp_path / "out")
    assert [p for p in tmp_path.iterdir() if not p.name.endswith(".glamgraph-lock")] == []


def test_an_error_here_ends_the_child(
    tmp_path: Path, forking: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    from glamgraph.export import writer

    def fails(coverage: Coverage, path: Path) -> bool:
        raise WriteError(f"cannot write {path}: disk quota exceeded")

    monkeypatch.setattr(writer, "to_trig", fails)  # the graph is written here, never shared
    with pytest.raises(WriteError, match="disk quota exceeded"):
        write_all(make_coverage(graph=True), tmp_path / "out")
    assert len(forking) == 1
    with pytest.raises(ChildProcessError):
        os.waitpid(forking[0], os.WNOHANG)  # ended and reaped
    assert [p for p in tmp_path.iterdir() if not p.name.endswith(".glamgraph-lock")] == []


def test_the_maps_are_written_by_one_process_and_contact_rows_where_they_are_used(
    tmp_path: Path, forking: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """map.png and map.html share one model: whichever process takes one writes both, and
    every other shared file is a task of its own, in PARALLEL_ORDER. Contact rows are made by
    the processes writing contacts files, once each, never before the fork."""
    from glamgraph.export import common, writer

    shared = [o for name in writer.PARALLEL_ORDER for o in writer.OUTPUTS if o.filename == name]
    groups = [[o.filename for o in g] for g in writer._groups(shared)]
    assert ["map.png", "map.html"] in groups
    assert [n for g in groups for n in g] == list(writer.PARALLEL_ORDER)
    assert all(len(g) == 1 for g in groups if "map.png" not in g)

    log = tmp_path / "pids"

    def logged(real: Callable[..., Any], name: str) -> Callable[..., Any]:
        def call(coverage: Coverage, *args: Any, **kw: Any) -> Any:
            with open(log, "a", encoding="utf-8") as fh:  # one short line per write: atomic
                fh.write(f"{os.getpid()} {name}\n")
            return real(coverage, *args, **kw)

        return call

    monkeypatch.setattr(writer, "to_map", logged(writer.to_map, "map"))
    for name in ("to_csv", "to_xlsx", "to_wikitext"):
        monkeypatch.setattr(writer, name, logged(getattr(writer, name), "contacts file"))
    monkeypatch.setattr(
        common, "_computed_contact_rows", logged(common._computed_contact_rows, "contact rows")
    )
    for run in range(4):  # whoever takes them
        log.unlink(missing_ok=True)
        write_all(make_coverage(), tmp_path / f"out{run}")
        lines = [line.split(" ", 1) for line in log.read_text(encoding="utf-8").splitlines()]
        by_what: dict[str, list[str]] = {}
        for pid, what in lines:
            by_what.setdefault(what, []).append(pid)
        assert len(by_what["map"]) == 2 and len(set(by_what["map"])) == 1
        assert len(by_what["contacts file"]) == 3
        # the rows are made once by each process writing a contacts file, and by no other
        makers = by_what["contact rows"]
        assert sorted(makers) == sorted(set(by_what["contacts file"]))
    assert len(forking) == 4
