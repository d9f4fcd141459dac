"""The outcome of each edit, and ``edits-report.csv``."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from glamgraph.wikibase.files import REPORT_COLUMNS, REPORT_CSV, csv_text, write_files

EditAction = Literal["edited", "skipped", "failed"]


@dataclass(frozen=True)
class EditResult:
    """The outcome of one proposal: ``edited`` (with the new revision), ``skipped`` or ``failed``.

    ``base_revision`` is the revision read just before editing (sent as ``baserevid``); ``detail``
    the reason for a skip, the error of a failure, or a note on an edit.
    """

    item: str
    action: EditAction
    country: str
    revision: int | None = None
    base_revision: int | None = None
    detail: str = ""

    def as_record(self) -> dict[str, Any]:
        """The row ``edits-report.csv`` holds."""
        return {
            "item": self.item,
            "action": self.action,
            "revision": self.revision,
            "base_revision": self.base_revision,
            "country": self.country,
            "detail": self.detail,
        }


def write_report(results: Iterable[EditResult], out_dir: str | Path) -> Path:
    """Write ``edits-report.csv`` atomically and return its path."""
    text = csv_text(REPORT_COLUMNS, (r.as_record() for r in results))
    return write_files(out_dir, {REPORT_CSV: text})[REPORT_CSV]
