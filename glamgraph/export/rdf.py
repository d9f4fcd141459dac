"""``graph.trig``: the knowledge graph behind the coverage, every source in its own named graph.

Example::

    from glamgraph.export import to_trig
    to_trig(coverage, "graph.trig")  # False when the coverage carries no graph
"""

from __future__ import annotations

import os

from glamgraph.export.common import atomic_path
from glamgraph.model import Coverage


def to_trig(coverage: Coverage, path: str | os.PathLike[str]) -> bool:
    """Write ``coverage.graph`` (an rdflib Dataset) as TriG, UTF-8.

    Args:
        coverage: the answer of :func:`glamgraph.coverage`.
        path: the file to write (replaced atomically).

    Returns:
        True when written; False (nothing written) when the coverage has no graph.

    Raises:
        WriteError: the file could not be written.
    """
    if coverage.graph is None:
        return False
    # On glamgraph's Oxigraph-backed Dataset, oxrdflib's serializer dumps straight from the store
    # (Europe on the snapshot: 0.3 s against 20 s through rdflib's generic TriG writer).
    store_name = type(getattr(coverage.graph, "store", None)).__name__
    fmt = "ox-trig" if store_name == "OxigraphStore" else "trig"
    with atomic_path(path) as tmp:
        coverage.graph.serialize(destination=str(tmp), format=fmt, encoding="utf-8")
    return True
