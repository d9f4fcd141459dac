"""An in-process SPARQL engine: an embedded Oxigraph store (pyoxigraph).

It serves the offline ``snapshot`` shipped in the wheel, and any RDF file a test or a notebook
loads (``EmbeddedEngine.from_files``), through the very same ``.rq`` files as remote endpoints and
with the same SPARQL JSON result shape.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterable
from importlib import resources
from pathlib import Path
from typing import IO, Any, cast

import pyoxigraph as ox

from glamgraph import queries
from glamgraph.errors import BadQuery, BadResponse
from glamgraph.sparql.engine import Engine, Settings, timed
from glamgraph.sparql.result import QueryResult

SNAPSHOT_DATA = "snapshot.nt.gz"
SNAPSHOT_INFO = "snapshot.json"

_FORMATS = {
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
    ".ttl": ox.RdfFormat.TURTLE,
    ".trig": ox.RdfFormat.TRIG,
}


def data_path(name: str) -> Path:
    """The path of a data file shipped in ``glamgraph/data``."""
    return Path(str(resources.files("glamgraph") / "data" / name))


def snapshot_info() -> dict[str, Any]:
    """What the offline snapshot holds: sources, dates, coverage and counts (``snapshot.json``).

    >>> snapshot_info()["counts"]["countries"]
    252
    """
    info: dict[str, Any] = json.loads(data_path(SNAPSHOT_INFO).read_text(encoding="utf-8"))
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


def snapshot_engine(settings: Settings | None = None) -> EmbeddedEngine:
    """The offline snapshot (``glamgraph/data/snapshot.nt.gz``) in an embedded store."""
    path = data_path(SNAPSHOT_DATA)
    eng = EmbeddedEngine.from_files([path], name="snapshot", settings=settings)
    eng.url = eng.display_url = "snapshot:" + snapshot_info().get("built", "")
    return eng
