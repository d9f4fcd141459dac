"""What a run folder gives a wiki page: its region, its provenance line and its wikitext.

A run folder is what ``glamgraph coverage --out DIR`` writes. Publishing reads three of its
files, as files: ``run.json`` (the region and how the run was made), ``contacts.wikitext`` (the
static tables) and ``regions.csv`` (the uncovered regions, for ``--listeria``). Nothing else of
the run is needed, and nothing in the folder is changed.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from glamgraph import ids
from glamgraph.errors import BadInput, MalformedFile

RUN_JSON: Final = "run.json"
CONTACTS_WIKITEXT: Final = "contacts.wikitext"
REGIONS_CSV: Final = "regions.csv"


@dataclass(frozen=True)
class UnitRow:
    """An uncovered unit region as ``regions.csv`` lists it (all text, hostile until escaped)."""

    region: str
    label: str
    institutions: str = ""
    nearest_affiliate: str = ""
    contact: str = ""


@dataclass(frozen=True)
class RunFolder:
    """The parts of one run that a page needs.

    Attributes:
        path: the folder.
        region: the run's region QID (the page markers' name).
        region_label: its label.
        provenance: one line: generator, date, endpoint.
        info: the whole of ``run.json``.
    """

    path: Path
    region: str
    region_label: str
    provenance: str
    info: dict[str, Any]

    def wikitext(self) -> str:
        """The static tables: ``contacts.wikitext`` as written by the run."""
        return _read(self.path / CONTACTS_WIKITEXT)

    def uncovered(self) -> list[UnitRow]:
        """The uncovered unit regions of ``regions.csv``, in its order."""
        path = self.path / REGIONS_CSV
        text = _read(path)
        reader = csv.DictReader(io.StringIO(text))
        if reader.fieldnames is None or not {"region", "uncovered"} <= set(reader.fieldnames):
            raise MalformedFile(
                f"{path}: not a glamgraph regions.csv (no region/uncovered columns)"
            )
        rows = []
        for rec in reader:
            if (rec.get("uncovered") or "").strip().lower() != "true":
                continue
            qid = (rec.get("region") or "").strip()
            if not ids.is_qid(qid):
                raise MalformedFile(f"{path}: malformed region {qid!r}")
            rows.append(
                UnitRow(
                    qid,
                    (rec.get("label") or "").strip(),
                    (rec.get("institutions") or "").strip(),
                    (rec.get("nearest_affiliate") or "").strip(),
                    (rec.get("contact") or "").strip(),
                )
            )
        return rows


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BadInput(f"{path}: no such file (is the folder a glamgraph coverage run?)") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise MalformedFile(f"{path}: unreadable ({exc.__class__.__name__})") from None


def read_run(folder: str | Path) -> RunFolder:
    """Read ``run.json`` of a run folder.

    Raises:
        BadInput: no such folder, no ``run.json``, or one that is not a glamgraph run.

    Example::

        run = read_run("glamgraph-out")
        run.region, run.provenance
    """
    path = Path(folder)
    if not path.is_dir():
        raise BadInput(f"{path}: no such run folder")
    raw = _read(path / RUN_JSON)
    try:
        info = json.loads(raw)
        region = info["region"]
        qid = str(region["qid"])
        label = str(region.get("label") or "")
    except (ValueError, KeyError, TypeError) as exc:
        raise MalformedFile(
            f"{path / RUN_JSON}: not a glamgraph run.json ({exc.__class__.__name__})"
        ) from None
    if not (ids.is_qid(qid) or qid == "world"):
        raise MalformedFile(f"{path / RUN_JSON}: malformed region {qid!r}")
    return RunFolder(path, qid, label, provenance_line(info), info)


def provenance_line(info: dict[str, Any]) -> str:
    """``Made by GENERATOR on DATE from endpoint NAME (URLS)``: one line, no markup.

    >>> provenance_line({"generator": "glamgraph 0.1.0", "created": "2025-01-15T10:00:00+00:00",
    ...                  "endpoint": "wdqs", "endpoint_urls": ["https://query.wikidata.org/sparql"]})
    'Made by glamgraph 0.1.0 on 2025-01-15T10:00:00+00:00 from endpoint wdqs (https://query.wikidata.org/sparql)'
    """
    urls = [str(u) for u in info.get("endpoint_urls") or [] if str(u)]
    where = str(info.get("endpoint", "?"))
    if urls and urls != [where]:
        where += " (" + ", ".join(urls) + ")"
    line = (
        f"Made by {info.get('generator', '?')} on {info.get('created', '?')} from endpoint {where}"
    )
    return " ".join(line.split())
