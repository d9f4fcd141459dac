"""Write every output of one run, all or nothing.

:func:`write_all` writes each file into a staging directory on the same filesystem as the
output directory, and moves the files into place only once every one of them is complete. A
run that fails (a writer raises, the disk fills) leaves the previous files exactly as they
were, byte for byte; files of the directory that glamgraph did not write are never touched.

- When ``out_dir`` does not exist yet, the staging directory is made beside it and renamed to
  ``out_dir`` in one step: the directory appears complete or not at all.
- When it exists, the staging directory is made inside it (a hidden ``.glamgraph-staging-*``,
  so a mount point works too) and each file replaces its predecessor with ``os.replace``; if a
  replacement fails half-way, those already made are rolled back from hard-linked copies.
- One run at a time per output directory: a lock file beside it (``.<name>.glamgraph-lock``,
  :mod:`filelock`) is held while writing; a second run waits up to :data:`LOCK_WAIT_S` seconds,
  then fails with a :class:`~glamgraph.errors.WriteError` (exit 2) naming the lock. Staging
  directories left by a killed run (``kill -9``) are removed by the next run, under the lock.
- On Linux with two CPUs or more, a forked child process writes files into the same staging
  directory alongside this one (from :data:`PARALLEL_FROM` institutions): both take the next
  file of :data:`PARALLEL_ORDER` (the heavy ones first; those of :data:`WRITTEN_TOGETHER` as
  one, made from what their process computes) until none is left. The child reports back
  through a pipe, its errors are raised here as if written here, and nothing is moved into
  place before both are done (a failed or killed child fails the run, all or nothing as above).
  ``GLAMGRAPH_WRITE_PROCESSES=1`` (:data:`PROCESSES_ENV`) writes everything in one process (on a
  machine whose cores are all busy the second process only adds work).
- The CSV files neutralise cells a spreadsheet would run as formulas (see
  :mod:`glamgraph.export.cells`); ``neutralise=False`` (the CLI's ``--raw-csv``) keeps raw values.

Example::

    from glamgraph.export import write_all
    report = write_all(coverage, "glamgraph-out")
    print(report)  # the files written and the counts
"""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
import re
import shutil
import signal
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final, Literal

from filelock import FileLock, Timeout

from glamgraph.client import background
from glamgraph.errors import BadInput, WriteError
from glamgraph.export.cells import raw_csv
from glamgraph.export.common import shared_contact_rows
from glamgraph.export.geojson import to_geojson, to_institutions_geojson
from glamgraph.export.map_geo import load_shapes
from glamgraph.export.maps import to_map
from glamgraph.export.rdf import to_trig
from glamgraph.export.runinfo import counts, to_run_json
from glamgraph.export.tables import to_csv, to_regions_csv, to_unplaced_csv
from glamgraph.export.wikitext import to_wikitext
from glamgraph.export.xlsx import to_xlsx
from glamgraph.model import Coverage

ExportFormat = Literal[
    "regions",
    "unplaced",
    "contacts",
    "xlsx",
    "wikitext",
    "geojson",
    "points",
    "html",
    "png",
    "trig",
]

#: A format writer: ``(coverage, path, all_regions)``; returning ``False`` means "nothing to
#: write" (the output is reported as skipped), anything else that the file was written.
Writer = Callable[[Coverage, Path, bool], object]

RUN_FILE: Final = "run.json"
STAGING_PREFIX: Final = ".glamgraph-staging-"
#: Seconds a run waits for another run writing the same output directory.
LOCK_WAIT_S: Final = 10.0
#: The outputs of :data:`OUTPUTS` two processes share, in the order they are taken (at 100k
#: institutions: the two maps ~4.5 s with their model, XlsxWriter's workbook ~4 s, the
#: institutions' GeoJSON ~1 s, the CSV and wikitext contacts under 1 s each, the rest under
#: 0.1 s). This process writes the graph (~1.3 s) first, so the child takes the maps and this
#: process the workbook next. The graph is left to this process (a store's native threads do
#: not survive a fork). Each process makes the contact rows of the contacts files it writes
#: (the uncovered regions' 15k rows of a world: ~0.3 s), nothing before the fork.
PARALLEL_ORDER: Final = (
    "map.png",
    "map.html",
    "contacts.xlsx",
    "institutions.geojson",
    "contacts.csv",
    "contacts.wikitext",
    "regions.geojson",
    "regions.csv",
    "unplaced.csv",
)
#: Shared outputs one process writes together (the first taken brings the others): the two
#: maps draw one model (every region's dots and shapes, ~1 s at 100k institutions), made by the
#: process that draws them.
WRITTEN_TOGETHER: Final = (("map.png", "map.html"),)
#: Fewer institutions than this and everything is written in one process (a fork costs a few
#: milliseconds; below a few hundred institutions the files take less).
PARALLEL_FROM: int = 500
#: The environment variable that sets how many processes write the files: ``1`` (one) or ``2``
#: (the default; see the module docstring). The same one keeps the harvest cache entry in this
#: process (:mod:`glamgraph.client.background`).
PROCESSES_ENV: Final = background.PROCESSES_ENV


@dataclass(frozen=True)
class Output:
    """One output of a run: its format name, its file name and the function that writes it."""

    name: str
    filename: str
    write: Writer


def _trig(coverage: Coverage, path: Path, all_regions: bool) -> object:
    return to_trig(coverage, path)


#: The outputs :func:`write_all` writes by default, in order (``run.json`` always comes last).
OUTPUTS: Final[tuple[Output, ...]] = (
    Output("regions", "regions.csv", lambda c, p, a: to_regions_csv(c, p)),
    Output("unplaced", "unplaced.csv", lambda c, p, a: to_unplaced_csv(c, p)),
    Output("contacts", "contacts.csv", lambda c, p, a: to_csv(c, p, all_regions=a)),
    Output("xlsx", "contacts.xlsx", lambda c, p, a: to_xlsx(c, p, all_regions=a)),
    Output("wikitext", "contacts.wikitext", lambda c, p, a: to_wikitext(c, p, all_regions=a)),
    Output("geojson", "regions.geojson", lambda c, p, a: to_geojson(c, p)),
    Output("points", "institutions.geojson", lambda c, p, a: to_institutions_geojson(c, p)),
    Output("html", "map.html", lambda c, p, a: to_map(c, p)),
    Output("png", "map.png", lambda c, p, a: to_map(c, p)),
    Output("trig", "graph.trig", _trig),
)
FORMATS: Final[tuple[str, ...]] = tuple(o.name for o in OUTPUTS)


@dataclass
class WriteReport:
    """What :func:`write_all` did: the files in place, the counts, what it skipped and why."""

    out_dir: Path
    files: list[Path] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)

    @property
    def without_coordinates(self) -> int:
        """Institutions that have no coordinates (no map dot, no GeoJSON feature)."""
        return self.counts.get("institutions_without_coordinates", 0)

    def __str__(self) -> str:
        c = self.counts
        lines = [f"wrote {len(self.files)} files to {self.out_dir}:"]
        lines += [f"  {p.name}" for p in self.files]
        lines.append(
            f"{c.get('regions', 0)} regions ({c.get('uncovered_regions', 0)} uncovered), "
            f"{c.get('contacts', 0)} contact rows, "
            f"{c.get('institutions_without_coordinates', 0)} institutions without coordinates, "
            f"{c.get('unplaced', 0)} unplaced"
        )
        lines += [f"skipped {name}: {why}" for name, why in self.skipped.items()]
        return "\n".join(lines)


def select(outputs: Sequence[Output], formats: Iterable[str] | None) -> list[Output]:
    """The outputs named in ``formats`` (format names or file names), in ``outputs``' order.

    >>> [o.filename for o in select(OUTPUTS, ["xlsx", "regions.csv"])]
    ['regions.csv', 'contacts.xlsx']
    >>> select(OUTPUTS, ["pdf"])
    Traceback (most recent call last):
    ...
    glamgraph.errors.BadInput: unknown output format 'pdf' (known: regions, unplaced, contacts, xlsx, wikitext, geojson, points, html, png, trig)
    """
    if formats is None:
        return list(outputs)
    wanted = {f.strip() for f in ([formats] if isinstance(formats, str) else formats)}
    known = {o.name for o in outputs} | {o.filename for o in outputs}
    for name in sorted(wanted - known):
        raise BadInput(
            f"unknown output format {name!r} (known: {', '.join(o.name for o in outputs)})"
        )
    return [o for o in outputs if o.name in wanted or o.filename in wanted]


def _check_out_dir(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise WriteError(f"cannot write to {out}: it exists and is not a directory")
    if out.is_dir() and not os.access(out, os.W_OK | os.X_OK):
        raise WriteError(f"cannot write to {out}: permission denied")
    for parent in out.parents:
        if parent.exists():
            if not parent.is_dir():
                raise WriteError(f"cannot write to {out}: {parent} is not a directory")
            break


def _commit_new(staging: Path, out: Path) -> bool:
    """Rename the staging directory to ``out``; False when ``out`` appeared meanwhile."""
    mask = os.umask(0)
    os.umask(mask)
    os.chmod(staging, 0o777 & ~mask)  # mkdtemp makes it private
    try:
        os.rename(staging, out)
    except OSError:
        if out.is_dir():
            return False
        raise
    return True


def _commit_files(staging: Path, out: Path, names: Sequence[str]) -> None:
    """Move each staged file over its predecessor, rolling back if one move fails."""
    for name in names:
        if (out / name).is_dir() and not (out / name).is_symlink():
            raise WriteError(f"cannot write {out / name}: it is a directory")
    backup = staging / ".previous"
    backup.mkdir()
    done: list[tuple[str, bool]] = []
    try:
        for name in names:
            target = out / name
            had = target.exists() or target.is_symlink()
            if had:
                try:
                    os.link(target, backup / name, follow_symlinks=False)
                except OSError:
                    shutil.copy2(target, backup / name, follow_symlinks=False)
            os.replace(staging / name, target)
            done.append((name, had))
    except BaseException:
        for name, had in reversed(done):
            with contextlib.suppress(OSError):
                if had:
                    os.replace(backup / name, out / name)
                else:
                    (out / name).unlink()
        raise


def write_all(
    coverage: Coverage,
    out_dir: str | os.PathLike[str],
    *,
    all_regions: bool = False,
    formats: Iterable[str] | None = None,
    outputs: Sequence[Output] | None = None,
    neutralise: bool = True,
) -> WriteReport:
    """Write every output of one run into ``out_dir``, atomically (see the module docstring).

    Args:
        coverage: the answer of :func:`glamgraph.coverage`.
        out_dir: the output directory; made (with its parents) when missing.
        all_regions: the contacts files list covered regions too (the CLI's ``--all``).
        formats: the outputs to write, by format name (:data:`FORMATS`) or file name; default
            all of them. ``run.json`` is always written.
        outputs: the table of outputs to choose from (default :data:`OUTPUTS`): add your own
            format, or replace one.
        neutralise: prefix CSV cells a spreadsheet would evaluate with ``'`` (default);
            ``False`` writes raw values (the CLI's ``--raw-csv``).

    Returns:
        A :class:`WriteReport`: the files in place, the counts, the outputs skipped.

    Raises:
        BadInput: an unknown format name.
        WriteError: ``out_dir`` is a file, is not writable, or a file could not be written;
            the previous outputs are then left as they were; another run holds the
            directory's lock for more than :data:`LOCK_WAIT_S` seconds.
    """
    out = Path(out_dir)
    chosen = select(OUTPUTS if outputs is None else outputs, formats)
    with (
        staged(out) as (staging, existed),
        shared_contact_rows(),
        raw_csv(not neutralise),
        _gc_frozen(),
    ):
        return _write_staged(coverage, out, staging, chosen, existed, all_regions)


@contextlib.contextmanager
def staged(out_dir: str | os.PathLike[str]) -> Iterator[tuple[Path, bool]]:
    """The output directory's lock held and a fresh staging directory for it, removed afterwards.

    Yields ``(staging, existed)``: where to write the files, and whether ``out_dir`` existed
    (then :func:`commit` moves the files one by one; else it renames the staging directory).

    Raises:
        WriteError: ``out_dir`` is a file or not writable, or another run holds its lock for
            more than :data:`LOCK_WAIT_S` seconds.
    """
    out = Path(out_dir)
    _check_out_dir(out)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WriteError(f"cannot write to {out}: {exc.strerror or exc}") from exc
    lock_path = lock_file(out)
    try:
        lock = FileLock(lock_path, timeout=LOCK_WAIT_S)
        lock.acquire()
    except Timeout:
        raise WriteError(
            f"cannot write to {out}: another glamgraph run holds its lock {str(lock_path)!r} "
            f"(waited {LOCK_WAIT_S:g} s)"
        ) from None
    except OSError as exc:
        raise WriteError(f"cannot lock {str(lock_path)!r}: {exc.strerror or exc}") from exc
    try:
        remove_stale_staging(out)
        existed = out.is_dir()
        try:
            staging = Path(
                tempfile.mkdtemp(
                    prefix=_staging_prefix(out, existed), dir=out if existed else out.parent
                )
            )
        except OSError as exc:
            raise WriteError(f"cannot write to {out}: {exc.strerror or exc}") from exc
        try:
            yield staging, existed
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    finally:
        lock.release()


@contextlib.contextmanager
def _gc_frozen() -> Iterator[None]:
    """Within the block, the objects that exist at its start (the coverage, often millions of
    objects at world scale) are left out of the garbage collector's passes (:func:`gc.freeze`;
    still freed by reference counting): the writers' own collections then cost ~10 % less.
    Nothing is done when the caller froze objects already."""
    if gc.get_freeze_count() or not gc.isenabled():
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def commit(staging: Path, out: Path, names: Sequence[str], existed: bool) -> None:
    """Move the staged files ``names`` into ``out`` (see the module docstring): rename the
    staging directory when ``out`` did not exist, else replace file by file with roll-back."""
    if existed or not _commit_new(staging, out):
        _commit_files(staging, out, names)


def lock_file(out_dir: str | os.PathLike[str]) -> Path:
    """The lock file of an output directory: ``.<name>.glamgraph-lock`` beside it.

    >>> lock_file("runs/out").name
    '.out.glamgraph-lock'
    """
    out = Path(out_dir)
    return out.parent / f".{out.name or 'out'}.glamgraph-lock"


def _staging_prefix(out: Path, inside: bool) -> str:
    # Beside the directory, the staging name says whose it is (a sibling output may be running).
    return STAGING_PREFIX if inside else f"{STAGING_PREFIX}{out.name}-"


def remove_stale_staging(out_dir: str | os.PathLike[str]) -> list[Path]:
    """Remove staging directories a killed run left behind; call it holding the directory's lock.

    Those inside ``out_dir`` and those beside it that were made for it (``.glamgraph-staging-
    <name>-XXXXXXXX``) are removed; those of other output directories are left alone.

    Returns:
        The directories removed.
    """
    out = Path(out_dir)
    found: list[Path] = []
    beside = re.compile(re.escape(f"{STAGING_PREFIX}{out.name}-") + r"[A-Za-z0-9_]{8}")
    with contextlib.suppress(OSError):
        if out.is_dir():
            found += [p for p in out.iterdir() if p.name.startswith(STAGING_PREFIX)]
    with contextlib.suppress(OSError):
        found += [p for p in out.parent.iterdir() if beside.fullmatch(p.name)]
    removed = []
    for p in found:
        if p.is_dir() and not p.is_symlink():
            shutil.rmtree(p, ignore_errors=True)
            removed.append(p)
    return removed


def _write_staged(
    coverage: Coverage,
    out: Path,
    staging: Path,
    chosen: Sequence[Output],
    existed: bool,
    all_regions: bool,
) -> WriteReport:
    report = WriteReport(out_dir=out, counts=counts(coverage, all_regions=all_regions))
    try:
        written = _write_outputs(coverage, staging, chosen, all_regions)
        names: list[str] = []
        for output in chosen:
            if not written[output.filename]:
                report.skipped[output.name] = "nothing to write"
                continue
            names.append(output.filename)
        if "trig" in report.skipped:
            report.skipped["trig"] = "the coverage carries no graph"
        to_run_json(
            coverage,
            staging / RUN_FILE,
            files=[staging / n for n in names],
            all_regions=all_regions,
            skipped=report.skipped,
        )
        names.append(RUN_FILE)
        commit(staging, out, names, existed)
        report.files = [out / n for n in names]
    except OSError as exc:
        raise WriteError(f"cannot write to {out}: {exc.strerror or exc}") from exc
    return report


def _write_one(output: Output, coverage: Coverage, staging: Path, all_regions: bool) -> bool:
    """Write one output into the staging directory; False when it had nothing to write."""
    return output.write(coverage, staging / output.filename, all_regions) is not False


def _write_outputs(
    coverage: Coverage, staging: Path, chosen: Sequence[Output], all_regions: bool
) -> dict[str, bool]:
    """Write ``chosen`` into ``staging``, sharing :func:`_shared` ones with a forked child;
    ``filename`` -> written (False: nothing to write)."""
    shared = _shared(coverage, chosen)
    written: dict[str, bool] = {}
    with _Worker.start(coverage, staging, shared, all_regions) as worker:
        # first what only this process writes (the graph) while the child takes the heaviest
        for output in chosen:
            if output not in shared:
                written[output.filename] = _write_one(output, coverage, staging, all_regions)
        for output in worker.tasks():
            written[output.filename] = _write_one(output, coverage, staging, all_regions)
        written.update(worker.join())
    return written


def _shared(coverage: Coverage, chosen: Sequence[Output]) -> list[Output]:
    """The chosen outputs two processes share, in :data:`PARALLEL_ORDER`: glamgraph's own
    writers, on Linux when two CPUs are there, no other thread runs and the coverage is big
    enough; else none."""
    if len(coverage.institutions) < PARALLEL_FROM or not background.can_fork():
        return []
    own = {o.filename: o for o in chosen if o in OUTPUTS}
    shared = [own[name] for name in PARALLEL_ORDER if name in own]
    return shared if len(shared) >= 2 else []


class _Worker:
    """A forked child writing outputs into the staging directory alongside this process (see
    the module docstring). Both take the next output from a pipe filled with the outputs'
    indices (a one-byte read is atomic), so the heavy ones spread over the two. A context
    manager: the child is ended if this process leaves early (its files are then unwanted)."""

    def __init__(
        self, outputs: Sequence[Output], pid: int = 0, tasks: int = -1, results: int = -1
    ) -> None:
        self.outputs = list(outputs)
        self.groups = _groups(self.outputs)
        self.pid = pid
        self.tasks_fd = tasks
        self.results_fd = results

    @classmethod
    def start(
        cls, coverage: Coverage, staging: Path, outputs: Sequence[Output], all_regions: bool
    ) -> _Worker:
        """Fork a child sharing ``outputs``; none: this process writes them all, alone."""
        if not outputs:
            return cls(outputs)
        _prepare({o.filename for o in outputs})
        sys.stdout.flush()
        sys.stderr.flush()
        tasks_r, tasks_w = os.pipe()
        os.write(tasks_w, bytes(range(len(_groups(outputs)))))
        os.close(tasks_w)
        results_r, results_w = os.pipe()
        # the child's collections then leave the parent's objects (and their pages) alone; the
        # parent's are unfrozen at the end of write_all (_gc_frozen)
        gc.freeze()
        try:
            pid = os.fork()
        except OSError:
            pid = -1
        if pid == 0:  # the child: write, report, leave without running the parent's clean-ups
            status = 1
            try:
                os.close(results_r)
                _child(coverage, staging, outputs, all_regions, tasks_r, results_w)
                status = 0
            finally:
                os._exit(status)
        os.close(results_w)
        if pid < 0:  # no fork: this process writes them all
            os.close(results_r)
            return cls(outputs, 0, tasks_r)
        return cls(outputs, pid, tasks_r, results_r)

    def tasks(self) -> Iterator[Output]:
        """The outputs for this process to write, taken one by one (none left: the end)."""
        if self.tasks_fd < 0:
            return
        while byte := os.read(self.tasks_fd, 1):
            yield from self.groups[byte[0]]

    def join(self) -> dict[str, bool]:
        """Wait for the child; what it wrote (``filename`` -> written), or its error raised."""
        if not self.pid:
            return {}
        with open(self.results_fd, "rb", closefd=True) as fh:
            self.results_fd = -1
            payload = fh.read()
        _, status = os.waitpid(self.pid, 0)
        self.pid = 0
        try:
            kind, value = pickle.loads(payload)
        except Exception:
            code = os.waitstatus_to_exitcode(status)
            how = f"signal {-code}" if code < 0 else f"exit status {code}"
            names = ", ".join(o.filename for o in self.outputs)
            raise WriteError(
                f"cannot write {names}: the process writing them ended ({how})"
            ) from None
        if kind == "error":
            raise value
        written: dict[str, bool] = value
        return written

    def __enter__(self) -> _Worker:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.pid:  # left early (an error here): the child's files are not wanted
            with contextlib.suppress(OSError):
                os.kill(self.pid, signal.SIGKILL)
            with contextlib.suppress(OSError):
                os.waitpid(self.pid, 0)
            self.pid = 0
        for fd in (self.tasks_fd, self.results_fd):
            if fd >= 0:
                with contextlib.suppress(OSError):
                    os.close(fd)
        self.tasks_fd = self.results_fd = -1


def _groups(outputs: Sequence[Output]) -> list[list[Output]]:
    """``outputs`` (in :data:`PARALLEL_ORDER`) as the tasks of the two processes: one each,
    but those of :data:`WRITTEN_TOGETHER` together, where the first of them stands."""
    by_name = {o.filename: o for o in outputs}
    groups: list[list[Output]] = []
    grouped: set[str] = set()
    for output in outputs:
        if output.filename in grouped:
            continue
        group = [output]
        for together in WRITTEN_TOGETHER:
            if output.filename in together:
                group = [by_name[n] for n in together if n in by_name]
        grouped.update(o.filename for o in group)
        groups.append(group)
    return groups


def _prepare(names: set[str]) -> None:
    """Compute before the fork what files written by both processes would each compute (the
    child inherits it): the country shapes of the maps and of ``regions.geojson``. The rest is
    made where it is used: the maps' model by the process drawing them (:data:`WRITTEN_TOGETHER`;
    its dots come from the institutions), the contact rows by each process writing a contacts
    file (``institutions.geojson`` needs none)."""
    if len(names & {"map.png", "map.html", "regions.geojson"}) >= 2:
        load_shapes()


def _child(
    coverage: Coverage,
    staging: Path,
    outputs: Sequence[Output],
    all_regions: bool,
    tasks: int,
    results: int,
) -> None:
    """The forked child's work: write the outputs it takes from ``tasks``, then send
    ``("ok", written)`` or ``("error", exception)`` (pickled) to the parent on ``results``."""
    result: tuple[str, object]
    try:
        written: dict[str, bool] = {}
        groups = _groups(outputs)
        while byte := os.read(tasks, 1):
            for output in groups[byte[0]]:
                written[output.filename] = _write_one(output, coverage, staging, all_regions)
        result = ("ok", written)
    except BaseException as exc:  # the parent raises it as its own
        result = ("error", exc)
    try:
        payload = pickle.dumps(result)
    except Exception:  # an exception that does not pickle: its one-line message
        names = ", ".join(o.filename for o in outputs)
        payload = pickle.dumps(("error", WriteError(f"cannot write {names}: {result[1]}")))
    with open(results, "wb", closefd=True) as fh:
        fh.write(payload)
