"""An in-process SPARQL engine: an embedded Oxigraph store (pyoxigraph).

It serves snapshot files (:mod:`glamgraph.sparql.snapfile`): the offline ``snapshot`` shipped in
the wheel, a file named by ``--endpoint snapshot:FILE`` or ``GLAMGRAPH_SNAPSHOT=FILE``, and any RDF
file a test or a notebook loads (``EmbeddedEngine.from_files``), through the very same ``.rq``
files as remote endpoints and with the same SPARQL JSON result shape.
"""

from __future__ import annotations

import gzip
import json
import os
from collections.abc import Iterable
from importlib import resources
from pathlib import Path
from typing import IO, Any, cast

import pyoxigraph as ox

from glamgraph import queries
from glamgraph.errors import BadQuery, BadResponse, MalformedFile
from glamgraph.sparql.engine import Engine, Settings, timed
from glamgraph.sparql.result import QueryResult
from glamgraph.sparql.snapfile import SnapshotFile, read_snapshot

#: The offline sample shipped in the wheel (``glamgraph/data``).
SNAPSHOT_FILE = "snapshot.snap"
#: The environment variable naming a snapshot file that ``--endpoint snapshot`` serves instead.
SNAPSHOT_ENV = "GLAMGRAPH_SNAPSHOT"

_FORMATS = {
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
    ".ttl": ox.RdfFormat.TURTLE,
    ".trig": ox.RdfFormat.TRIG,
}


def data_path(name: str) -> Path:
    """The path of a data file shipped in ``glamgraph/data``."""
    return Path(str(resources.files("glamgraph") / "data" / name))


def shipped_snapshot_path() -> Path:
    """The path of the offline sample shipped in the wheel.

    >>> shipped_snapshot_path().name
    'snapshot.snap'
    """
    return data_path(SNAPSHOT_FILE)


def default_snapshot_path() -> Path:
    """The file ``--endpoint snapshot`` serves: ``GLAMGRAPH_SNAPSHOT`` if set, else the sample.

    >>> import os
    >>> default_snapshot_path() == shipped_snapshot_path() or SNAPSHOT_ENV in os.environ
    True
    """
    env = os.environ.get(SNAPSHOT_ENV, "").strip()
    return Path(env).expanduser() if env else shipped_snapshot_path()


_READ: dict[tuple[str, int, int], SnapshotFile] = {}


def load_snapshot_file(path: str | os.PathLike[str] | None = None) -> SnapshotFile:
    """A verified snapshot file (``None``: :func:`default_snapshot_path`), read once per process.

    Raises:
        MalformedFile: a missing, truncated, corrupted or foreign file (exit code 2).

    >>> load_snapshot_file(shipped_snapshot_path()).manifest["region"]
    'world'
    """
    p = Path(path) if path is not None else default_snapshot_path()
    try:
        st = p.stat()
    except OSError as exc:
        raise MalformedFile(f"{p}: cannot read the snapshot ({exc.strerror or exc})") from None
    key = (str(p.resolve()), st.st_size, st.st_mtime_ns)
    if key not in _READ:
        _READ[key] = read_snapshot(p)
    return _READ[key]


def snapshot_manifest(path: str | os.PathLike[str] | None = None) -> dict[str, Any]:
    """The manifest of a snapshot file (``None``: the one ``--endpoint snapshot`` serves).

    >>> snapshot_manifest(shipped_snapshot_path())["format"]
    'glamgraph-snapshot'
    """
    return dict(load_snapshot_file(path).manifest)


def snapshot_info() -> dict[str, Any]:
    """What the shipped offline sample holds: sources, dates, coverage and counts.

    Its build record (the manifest's ``notes``), with ``built`` (its date) and the manifest's
    counts merged into the record's.

    >>> snapshot_info()["counts"]["countries"]
    252
    """
    man = snapshot_manifest(shipped_snapshot_path())
    info: dict[str, Any] = dict(man.get("notes") or {})
    info.setdefault("built", man.get("created", ""))
    info["counts"] = {**dict(info.get("counts") or {}), **dict(man.get("counts") or {})}
    return info


def _format_for(path: Path) -> ox.RdfFormat:
    suffixes = [s for s in path.suffixes if s != ".gz"]
    if not suffixes or suffixes[-1] not in _FORMATS:
        raise ValueError(f"unknown RDF format: {path}")
    return _FORMATS[suffixes[-1]]


class EmbeddedEngine(Engine):
    """SPARQL over a pyoxigraph :class:`~pyoxigraph.Store` in this process.

    In-process and fast, so it neither caches nor retries: ``select`` runs the store directly.
    """

    caches = False
    kind: queries.EngineKind = "embedded"

    @property
    def serves_sample(self) -> bool:
        """True for a snapshot whose build record names gaps (the shipped sample's does)."""
        notes = self.snapshot.manifest.get("notes") if self.snapshot is not None else None
        return isinstance(notes, dict) and bool(notes.get("gaps"))

    def supports(self, query: queries.Query) -> bool:
        """The snapshot's queries, and on glamgraph's knowledge graph (``graph:``) its own."""
        return super().supports(query) or (self.url == "graph:" and "graph" in query.engines)

    def __init__(
        self,
        store: ox.Store,
        name: str = "embedded",
        url: str = "embedded:",
        settings: Settings | None = None,
    ) -> None:
        super().__init__(name, url, settings)
        self.store = store
        #: The snapshot file this engine serves (``None`` for other stores).
        self.snapshot: SnapshotFile | None = None

    @classmethod
    def from_snapshot(
        cls,
        snap: SnapshotFile,
        name: str = "snapshot",
        settings: Settings | None = None,
        *,
        trusted: bool = False,
    ) -> EmbeddedEngine:
        """Serve a verified snapshot file; its URL names the file, its date and its endpoint.

        ``trusted``: the file is the sample shipped with glamgraph (its checksum verified), whose
        triples are loaded without checking each IRI again (~20 % faster; the tests check that
        it loads the same triples both ways). Any other file is checked term by term.
        """
        store = ox.Store()
        try:
            store.bulk_load(input=snap.triples, format=ox.RdfFormat.N_TRIPLES, lenient=trusted)
        except (SyntaxError, ValueError, OSError) as exc:
            raise MalformedFile(f"{snap.path}: snapshot triples do not parse ({exc})") from None
        eng = cls(store, name, snap.describe(), settings)
        eng.snapshot = snap
        return eng

    @classmethod
    def from_files(
        cls, paths: Iterable[str | Path], name: str = "embedded", settings: Settings | None = None
    ) -> EmbeddedEngine:
        """Load RDF files (``.nt``, ``.ttl``, ``.nq``, ``.trig``, optionally gzipped) in bulk."""
        store = ox.Store()
        for p in map(Path, paths):
            fmt = _format_for(p)
            if p.suffix == ".gz":
                with gzip.open(p, "rb") as fh:
                    store.bulk_load(input=cast(IO[bytes], fh), format=fmt)
            else:
                store.bulk_load(path=str(p), format=fmt)
        return cls(store, name, "embedded:" + ",".join(str(p) for p in map(Path, paths)), settings)

    def _select(self, text: str, name: str) -> QueryResult:
        watch = timed()
        self.queries_sent += 1
        try:
            solutions = self.store.query(text)
        except SyntaxError as exc:
            raise BadQuery(str(exc), endpoint=self.name, query_name=name) from exc
        if not isinstance(solutions, ox.QuerySolutions):
            raise BadResponse("not a SELECT query", endpoint=self.name, query_name=name)
        body = solutions.serialize(format=ox.QueryResultsFormat.JSON)
        data = json.loads(body or b"{}")
        return QueryResult(
            vars=tuple(data["head"]["vars"]),
            rows=data["results"]["bindings"],
            query_name=name,
            query_text=text,
            endpoint=self.name,
            endpoint_url=self.display_url,
            duration_s=watch(),
        )


def snapshot_engine(
    settings: Settings | None = None, path: str | os.PathLike[str] | None = None
) -> EmbeddedEngine:
    """A snapshot file in an embedded store: ``path``, else ``GLAMGRAPH_SNAPSHOT``, else the sample.

    The file is verified (checksum, manifest) before anything is loaded.

    >>> snapshot_engine(path=shipped_snapshot_path()).url.startswith("snapshot:")
    True

    Raises:
        MalformedFile: a missing, truncated, corrupted or foreign file (exit code 2).
    """
    snap = load_snapshot_file(path)
    shipped = snap.path.resolve() == shipped_snapshot_path().resolve()
    eng = EmbeddedEngine.from_snapshot(snap, settings=settings, trusted=shipped)
    if shipped:
        # the sample inside the package: named as such, not by where it is installed
        eng.url = eng.display_url = (
            f"snapshot:shipped-sample ({snap.created}, from {snap.endpoint})"
        )
    return eng
