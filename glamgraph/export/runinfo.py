"""``run.json``: the sidecar that says how a set of outputs was made.

It names the endpoint (and the URLs that answered), the date, the region, the counts, every
query with the text that was sent, the provenance of each query result (start time, duration,
cache, fallback, rows) and the glamgraph version, and lists the files of the run with their
sizes and SHA-256 digests.

Example::

    from glamgraph.export import run_info
    info = run_info(coverage)
    info["queries"][0]["name"], info["endpoint"]
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from glamgraph._version import __version__
from glamgraph.export.common import (
    atomic_path,
    contact_count,
    provenance_meta,
    query_names,
    without_coordinates,
)
from glamgraph.model import Coverage


def counts(coverage: Coverage, *, all_regions: bool = False) -> dict[str, int]:
    """The numbers a run reports: regions, institutions, contacts, coordinates, unplaced."""
    uncovered = {r.region for r in coverage.uncovered()}
    return {
        "regions": len(coverage.rows),
        "uncovered_regions": len(uncovered),
        "covered_regions": len(coverage.covered()),
        "no_institutions_regions": len(coverage.no_institutions()),
        "institutions": len(coverage.institutions),
        "institutions_in_uncovered_regions": sum(
            1 for i in coverage.institutions if uncovered.intersection(i.units)
        ),
        "contacts": contact_count(coverage, all_regions=all_regions),
        "institutions_without_coordinates": without_coordinates(coverage),
        "unplaced": len(coverage.unplaced),
        "affiliates": len(coverage.affiliates),
        "recognised_affiliates": sum(1 for a in coverage.affiliates if a.recognised),
    }


def file_entry(path: Path) -> dict[str, Any]:
    """Name, size and SHA-256 of one output file."""
    with path.open("rb") as fh:
        digest = hashlib.file_digest(fh, "sha256").hexdigest()
    return {"name": path.name, "bytes": path.stat().st_size, "sha256": digest}


def run_info(
    coverage: Coverage,
    *,
    files: Sequence[Path] = (),
    all_regions: bool = False,
    skipped: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The content of ``run.json`` as a dict (see the module docstring)."""
    meta = provenance_meta(coverage)
    return {
        "generator": meta["generator"],
        "version": __version__,
        "endpoint": meta["endpoint"],
        "endpoint_urls": meta["endpoint_urls"],
        "created": meta["created"],
        "region": meta["region"],
        "caveats": list(coverage.caveats),
        "all_regions": all_regions,
        "counts": counts(coverage, all_regions=all_regions),
        "files": [file_entry(p) for p in files],
        "skipped": dict(skipped or {}),
        "queries": [
            {"name": name, "text": coverage.query_texts.get(name, "")}
            for name in query_names(coverage)
        ],
        "provenance": list(coverage.provenance),
    }


def to_run_json(
    coverage: Coverage,
    path: str | os.PathLike[str],
    *,
    files: Sequence[Path] = (),
    all_regions: bool = False,
    skipped: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Write ``run.json`` (UTF-8, indented) and return what was written.

    Args:
        coverage: the answer of :func:`glamgraph.coverage`.
        path: the file to write (replaced atomically).
        files: the other files of the run, listed with sizes and digests.
        all_regions: whether the contacts cover every region.
        skipped: outputs not written, with the reason.

    Raises:
        WriteError: the file could not be written.
    """
    info = run_info(coverage, files=files, all_regions=all_regions, skipped=skipped)
    text = json.dumps(info, ensure_ascii=False, indent=2, default=str) + "\n"
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return info
