"""Outputs reused: a run whose every input is unchanged copies the files the last such run wrote.

A warm ``glamgraph coverage`` run sends no query, yet rebuilding the answer and its files
(knowledge graph, contacts workbook, maps, GeoJSON) took ~25 s at 100,000 institutions, for
files byte-identical to the last run's. This module keeps the files of a run, with a manifest,
in the client layer's on-disk store (:class:`~glamgraph.client.JsonStore`, source ``outputs``;
the files beside the manifest in ``outputs/<digest>.files/``), and hands them to a later run
only when nothing they were made from changed:

- **the request**: the region as typed, the label languages, the root classes, the fallback
  contact, ``--all`` and ``--raw-csv``, and every endpoint of the chain (name and URL);
- **glamgraph itself**: the sha256 of every file of the package (code, query files, data);
- **the data**: every query result behind the answer, by its query-cache entry (size and
  modification time, the rule of :mod:`glamgraph.harvest_store`), fresh for the cache's time to
  live counted from the oldest result; the affiliates as loaded (their content and sources);
  for a snapshot, the file (path, size, modification time) and the ``--affiliates`` and
  ``--registry`` files' sha256;
- **the files**: each is checked against its sha256 while it is copied; a damaged or missing
  file discards the entry with a :class:`~glamgraph.client.CacheWarning` and the run computes
  afresh.

``run.json`` of a reused run is the one of the run that made the files, with the reusing run's
``created`` and ``reused_from`` (when the files were made). Nothing is read or written when the
engine's settings do not cache (``--no-cache``). The files go into the output directory by the
same lock, staging and all-or-nothing commit as :func:`~glamgraph.export.write_all`.

Example::

    store = OutputStore(settings)
    key = store.key(request, data_identity)
    done = store.reuse(key, "out/", engine=engine)      # None: compute and write_all, then
    store.keep(key, coverage, report, summary_text, engine=engine)
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import hashlib
import json
import os
import shutil
import tempfile
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from glamgraph import harvest_store
from glamgraph._version import __version__
from glamgraph.client import CacheWarning, JsonStore
from glamgraph.errors import CacheUnusable, WriteError
from glamgraph.export.writer import RUN_FILE, WriteReport, commit, staged
from glamgraph.model import Affiliate, Coverage
from glamgraph.sparql import Engine, Settings

#: The store's sub-folder.
SOURCE: Final = "outputs"
#: The manifest's format; a change makes every older entry a miss.
FORMAT: Final = "glamgraph-outputs/1"
_CHUNK: Final = 1 << 20

_package_digest: str | None = None


def package_digest() -> str:
    """The sha256 of every file of the glamgraph package and of the query files (once per
    process): any change to the code or the data it ships is a new key.

    >>> len(package_digest())
    64
    """
    global _package_digest
    if _package_digest is None:
        pkg = Path(__file__).resolve().parent.parent
        h = hashlib.sha256(f"{__version__}\0{harvest_store.code_digest()}\0".encode())
        for f in sorted(pkg.rglob("*"), key=lambda p: p.relative_to(pkg).as_posix()):
            if not f.is_file() or "__pycache__" in f.parts or f.suffix in (".pyc", ".pyo"):
                continue
            h.update(f.relative_to(pkg).as_posix().encode() + b"\0")
            h.update(hashlib.sha256(f.read_bytes()).digest())
        _package_digest = h.hexdigest()
    return _package_digest


@dataclass(frozen=True)
class Request:
    """What the person asked for: everything of the command line that shapes the files.

    >>> Request("Q46").all_regions
    False
    """

    region: str
    lang: str = "en"
    types: tuple[str, ...] = ()
    fallback_contact: str = ""
    all_regions: bool = False
    neutralise: bool = True


def file_digest(path: str | os.PathLike[str] | None) -> str:
    """The sha256 of an input file (``""`` for ``None``).

    >>> file_digest(None)
    ''
    """
    if path is None:
        return ""
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def snapshot_identity(path: str | os.PathLike[str]) -> str:
    """A snapshot file as a key part: its absolute path, size and modification time (a file
    rebuilt or replaced is a new key).

    Raises:
        OSError: the file cannot be read (the run itself then says so).
    """
    st = os.stat(path)
    return f"snapshot {os.path.abspath(path)} {st.st_size} {st.st_mtime_ns}"


def affiliates_digest(affiliates: Sequence[Affiliate]) -> str:
    """The sha256 of the affiliates as loaded: every field of every affiliate and, for an
    :class:`~glamgraph.model.AffiliateSet`, the sources (module revision, registry sha256).

    >>> a = Affiliate("EE", "Wikimedia Eesti", "chapter", ("Q191",), "recognised", "module")
    >>> affiliates_digest([a]) == affiliates_digest([a]), affiliates_digest([a]) == affiliates_digest([])
    (True, False)
    """
    h = hashlib.sha256()
    for a in affiliates:
        h.update(repr(dataclasses.astuple(a)).encode("utf-8", "surrogatepass") + b"\n")
    sources = getattr(affiliates, "sources", None) or []
    h.update(json.dumps(sources, sort_keys=True, default=str).encode("utf-8", "surrogatepass"))
    return h.hexdigest()


def chain_identity(engine: Engine) -> tuple[str, ...]:
    """Every endpoint of ``engine``'s chain as ``"name url"`` (the primary first)."""
    chain = getattr(engine, "engines", None) or (engine,)
    return tuple(f"{e.name} {e.url}" for e in chain)


@dataclass
class Reused:
    """What :meth:`OutputStore.reuse` put into the output directory."""

    report: WriteReport
    #: the stdout summary of the run that made the files
    summary: str
    #: when that run made them
    made: str


class _Damaged(Exception):
    pass


class OutputStore:
    """The kept outputs of earlier runs (see the module docstring).

    Args:
        settings: the run's settings: cache folder and time to live.

    Raises:
        CacheUnusable: the cache folder cannot be created or written.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.store = JsonStore(settings.cache_dir, SOURCE, settings.cache_ttl_s)

    @classmethod
    def for_settings(cls, settings: Settings) -> OutputStore | None:
        """The store, or ``None`` when the settings do not cache or its folder is unusable
        (a :class:`CacheWarning`: reusing outputs only saves time; a run whose queries need
        the cache still fails there, naming the folder)."""
        if not settings.use_cache:
            return None
        try:
            return cls(settings)
        except CacheUnusable as exc:
            warnings.warn(f"outputs are not kept: {exc}", CacheWarning, 2)
            return None

    def key(self, request: Request, data: Sequence[str]) -> tuple[str, ...]:
        """The entry's key: format, glamgraph's files, the request and the data's identity."""
        return (
            FORMAT,
            package_digest(),
            repr(dataclasses.astuple(request)),
            *data,
        )

    def files_dir(self, key: Sequence[str]) -> Path:
        """The folder that holds (or would hold) the files of the entry for ``key``."""
        return self.store.path(key).with_suffix(".files")

    def _manifest(self, key: Sequence[str]) -> dict[str, Any] | None:
        def check(p: Any) -> dict[str, Any]:
            if not isinstance(p, dict) or not isinstance(p.get("run"), dict):
                raise ValueError("not an outputs entry")
            for name in ("queries", "files"):
                if not isinstance(p.get(name), list):
                    raise ValueError(f"{name} is not a list")
            for f in p["files"]:
                if not (isinstance(f, dict) and isinstance(f.get("name"), str)):
                    raise ValueError("a file without a name")
                if Path(f["name"]).name != f["name"] or f["name"] in ("", ".", "..", RUN_FILE):
                    raise ValueError(f"unsafe file name {f['name']!r}")
                if not isinstance(f.get("sha256"), str):
                    raise ValueError("a file without a sha256")
            if not isinstance(p.get("summary"), str) or not isinstance(p.get("counts"), dict):
                raise ValueError("summary or counts missing")
            if not all(type(v) is int for v in p["counts"].values()):
                raise ValueError("a count that is not a number")
            for q in p["queries"]:
                if not (
                    isinstance(q, list)
                    and len(q) == 3
                    and isinstance(q[0], str)
                    and all(type(v) is int for v in q[1:])
                ):
                    raise ValueError("a query entry that is not [key, size, mtime]")
            return p

        return self.store.get(key, check)

    def discard(self, key: Sequence[str], why: str) -> None:
        """Remove the entry for ``key`` (manifest and files), with a :class:`CacheWarning`."""
        warnings.warn(
            f"discarding unusable outputs cache entry {str(self.files_dir(key))!r}: {why}; "
            "computing afresh",
            CacheWarning,
            stacklevel=3,
        )
        with contextlib.suppress(OSError):
            self.store.path(key).unlink()
        shutil.rmtree(self.files_dir(key), ignore_errors=True)

    def reuse(
        self,
        key: Sequence[str],
        out_dir: str | os.PathLike[str],
        *,
        engine: Engine | None = None,
        affiliates: Sequence[Affiliate] | None = None,
    ) -> Reused | None:
        """Copy the kept files for ``key`` into ``out_dir`` if nothing behind them changed.

        Args:
            key: from :meth:`key`.
            out_dir: the output directory (written as :func:`~glamgraph.export.write_all` does).
            engine: the engine whose query cache holds the results the files were made from
                (``None``: the key names all the data, as for a snapshot).
            affiliates: the affiliates as loaded now, when the entry recorded theirs.

        Returns:
            What was written, or ``None``: no entry, a stale or changed one, or a damaged one
            (discarded with a :class:`CacheWarning`). Nothing in ``out_dir`` changed then.

        Raises:
            WriteError: the output directory cannot be written (as for ``write_all``).
        """
        entry = self._manifest(key)
        if entry is None:
            return None
        if entry["queries"] and (
            engine is None or not harvest_store.entries_unchanged(engine, entry["queries"])
        ):
            return None
        wanted = entry.get("affiliates")
        if wanted and (affiliates is None or affiliates_digest(affiliates) != wanted):
            return None
        src = self.files_dir(key)
        out = Path(out_dir)
        try:
            with staged(out) as (staging, existed):
                names = []
                for f in entry["files"]:
                    _copy_checked(src / f["name"], staging / f["name"], f["sha256"])
                    names.append(f["name"])
                run = dict(entry["run"])
                made = str(run.get("created", ""))
                run["created"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
                run["reused_from"] = made
                text = json.dumps(run, ensure_ascii=False, indent=2, default=str) + "\n"
                (staging / RUN_FILE).write_text(text, encoding="utf-8")
                names.append(RUN_FILE)
                commit(staging, out, names, existed)
        except _Damaged as exc:
            self.discard(key, str(exc))
            return None
        except OSError as exc:
            raise WriteError(f"cannot write to {out}: {exc.strerror or exc}") from exc
        report = WriteReport(
            out_dir=out,
            files=[out / n for n in names],
            counts={str(k): int(v) for k, v in entry["counts"].items()},
            skipped={str(k): str(v) for k, v in (entry.get("skipped") or {}).items()},
        )
        return Reused(report, entry["summary"], made)

    def keep(
        self,
        key: Sequence[str],
        coverage: Coverage,
        report: WriteReport,
        summary: str,
        *,
        engine: Engine | None = None,
        affiliates: Sequence[Affiliate] | None = None,
    ) -> bool:
        """Keep the files ``report`` lists (just written for ``coverage``) under ``key``.

        Nothing is kept when the answer's query results cannot be checked later (a remote
        engine whose results are not all in its query cache). Returns whether it was kept; a
        cache that cannot be written gives a :class:`CacheWarning`, never an error.
        """
        entries = coverage.cache_entries
        if engine is not None and entries is None:
            return False
        try:
            run = json.loads((report.out_dir / RUN_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return False
        files = [f for f in run.get("files", []) if f.get("name") != RUN_FILE]
        target = self.files_dir(key)
        try:
            tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=self.store.dir))
            try:
                for f in files:
                    _copy_checked(report.out_dir / f["name"], tmp / f["name"], f["sha256"])
                old = target.with_name(f".old-{target.name}-{os.getpid()}")
                if target.exists():
                    os.replace(target, old)
                os.replace(tmp, target)
                shutil.rmtree(old, ignore_errors=True)
            finally:
                shutil.rmtree(tmp, ignore_errors=True)
        except (OSError, _Damaged) as exc:
            warnings.warn(f"could not keep the outputs in the cache: {exc}", CacheWarning, 2)
            return False
        payload = {
            "queries": entries or [],
            "affiliates": affiliates_digest(affiliates) if affiliates is not None else "",
            "files": files,
            "run": run,
            "summary": summary,
            "counts": report.counts,
            "skipped": report.skipped,
        }
        kept = self.store.put(key, payload, saved_at=_oldest(coverage)) is not None
        self.prune()
        return kept

    def prune(self, *, grace_s: float = 3600.0) -> int:
        """Remove kept outputs no run can use any more: entries older than the time to live
        (by their manifest's modification time), files without a manifest and leftovers of an
        interrupted keep, once ``grace_s`` old (a run may be writing them). Returns how many
        were removed.
        """
        now = dt.datetime.now(dt.UTC).timestamp()
        removed = 0
        try:
            found = list(self.store.dir.iterdir())
        except OSError:
            return 0
        manifests = {p.stem for p in found if p.suffix == ".json"}
        for p in found:
            try:
                age = now - p.lstat().st_mtime
            except OSError:
                continue
            stale = age > max(self.store.ttl_s, 0.0) + grace_s
            if p.suffix == ".json" and stale:
                with contextlib.suppress(OSError):
                    p.unlink()
                shutil.rmtree(p.with_suffix(".files"), ignore_errors=True)
                removed += 1
            elif (
                p.is_dir()
                and age > grace_s
                and (
                    p.name.startswith((".tmp-", ".old-"))
                    or (p.suffix == ".files" and p.stem not in manifests)
                )
            ):
                shutil.rmtree(p, ignore_errors=True)
                removed += 1
        return removed


def _oldest(coverage: Coverage) -> dt.datetime | None:
    """When the oldest query result behind ``coverage`` was fetched (the entry's age)."""
    found = []
    for p in coverage.provenance:
        if p.get("endpoint") == "graph":  # the knowledge graph's own queries
            continue
        with contextlib.suppress(ValueError, TypeError):
            t = dt.datetime.fromisoformat(str(p.get("started")))
            found.append(t if t.tzinfo else t.replace(tzinfo=dt.UTC))
    return min(found) if found else None


def _copy_checked(src: Path, dst: Path, sha256: str) -> None:
    """Copy ``src`` to ``dst``, checking its sha256 on the way (:class:`_Damaged` if not)."""
    h = hashlib.sha256()
    try:
        fin = open(src, "rb")  # noqa: SIM115 (closed below; an unreadable source is damage)
    except OSError as exc:
        raise _Damaged(f"{src.name}: {exc.strerror or 'unreadable'}") from None
    with fin, open(dst, "wb") as fout:
        for chunk in iter(lambda: fin.read(_CHUNK), b""):
            h.update(chunk)
            fout.write(chunk)
    if h.hexdigest() != sha256:
        raise _Damaged(f"{src.name} does not match its sha256")


__all__ = [
    "FORMAT",
    "OutputStore",
    "Request",
    "Reused",
    "affiliates_digest",
    "chain_identity",
    "file_digest",
    "package_digest",
    "snapshot_identity",
]
