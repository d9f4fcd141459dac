"""The files of a ``fix-countries`` run: edit summaries, QuickStatements, CSV files, the report.

Edit summaries name the country and the ``P131`` path that gave it, labels made safe; the
QuickStatements V1 commands load as they are; every file is written atomically.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import os
import shutil
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, Literal

from glamgraph import vocab
from glamgraph.errors import WriteError
from glamgraph.files import temp_beside

# --- summary -----------------------------------------------------------------------------------
#: Summaries stay well below MediaWiki's 500-character limit (Wikibase prepends its own comment).
MAX_SUMMARY: Final = 400
_MAX_LABEL: Final = 60


def clean_text(text: str, limit: int = _MAX_LABEL) -> str:
    """A label made safe for an edit summary and a QuickStatements line.

    Whitespace (newlines, tabs) collapses to one space; ``|`` (a QuickStatements separator), comment
    delimiters and wiki-link brackets are neutralised; long labels are cut with an ellipsis.

    >>> clean_text("Pipe | Museum [[Link]]\\nsecond */ line")
    'Pipe / Museum [Link] second * line'
    >>> clean_text("x" * 70, 10)
    'xxxxxxxxx…'
    """
    text = " ".join(text.split())
    for old, new in (("|", "/"), ("/*", "*"), ("*/", "*"), ("[[", "["), ("]]", "]")):
        text = text.replace(old, new)
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text


def edit_summary(
    country: str,
    country_label: str,
    path: Sequence[str],
    path_labels: Sequence[str] = (),
) -> str:
    """The edit summary of one proposal: the country and the ``P131`` path that gave it.

    >>> edit_summary("Q183", "Germany", ["Q9200001", "Q980"], ["Fixture Village", "Bavaria"])
    'add country (P17) Germany (Q183), from the P131 chain: Fixture Village (Q9200001) → Bavaria (Q980) [glamgraph fix-countries]'
    """
    labels = (list(path_labels) + [""] * len(path))[: len(path)]
    steps = [
        f"{clean_text(lb)} ({q})" if lb and lb != q else q
        for q, lb in zip(path, labels, strict=True)
    ]
    head = f"add country ({vocab.COUNTRY_P}) {clean_text(country_label)} ({country})"
    if country_label in ("", country):
        head = f"add country ({vocab.COUNTRY_P}) {country}"
    tail = " [glamgraph fix-countries]"

    def render(parts: Sequence[str]) -> str:
        return f"{head}, from the {vocab.LOCATED_IN} chain: {' → '.join(parts)}{tail}"

    text = render(steps)
    # a very long chain: keep its ends, elide the middle
    while len(text) > MAX_SUMMARY and len(steps) > 3:
        steps = [steps[0], "…", *steps[3:]] if steps[1] == "…" else [steps[0], "…", *steps[2:]]
        text = render(steps)
    return text[:MAX_SUMMARY]


# --- quickstatements ---------------------------------------------------------------------------
def quickstatements_line(
    item: str,
    country: str,
    summary: str,
    reference_url: str = "",
    retrieved: dt.date | None = None,
) -> str:
    """One QuickStatements V1 command: item, ``P17``, country, an optional reference, the summary.

    The summary follows the last column after a space (not a TAB), as both QuickStatements 2 and 3
    read it; a reference is a ``S854`` URL and a ``S813`` day.

    >>> quickstatements_line("Q1", "Q142", "add country")
    'Q1\\tP17\\tQ142 /* add country */'
    >>> quickstatements_line("Q1", "Q142", "s", "http://x.example/a", dt.date(2025, 1, 15))
    'Q1\\tP17\\tQ142\\tS854\\t"http://x.example/a"\\tS813\\t+2025-01-15T00:00:00Z/11 /* s */'
    """
    cols = [item, vocab.COUNTRY_P, country]
    if reference_url:
        cols += ["S" + vocab.REFERENCE_URL[1:], '"' + reference_url.replace('"', "%22") + '"']
    if retrieved is not None:
        cols += ["S" + vocab.RETRIEVED[1:], f"{wikibase_day(retrieved)}/11"]
    line = "\t".join(cols)
    note = clean_text(summary, MAX_SUMMARY)
    return f"{line} /* {note} */" if note else line


def wikibase_day(day: dt.date) -> str:
    return f"+{day.isoformat()}T00:00:00Z"


# --- files -------------------------------------------------------------------------------------
#: Files written to the output directory.
EDITS_CSV: Final = "edits.csv"
EDITS_QUICKSTATEMENTS: Final = "edits.quickstatements"
SKIPPED_CSV: Final = "edits-skipped.csv"
REPORT_CSV: Final = "edits-report.csv"

#: Columns of the files (more may follow in later versions, never fewer).
EDITS_COLUMNS: Final = (
    "item",
    "label",
    "country",
    "country_label",
    "path",
    "path_labels",
    "summary",
    "reference_url",
    "retrieved",
)
SKIPPED_COLUMNS: Final = ("item", "label", "reason", "countries", "path")
REPORT_COLUMNS: Final = ("item", "action", "revision", "base_revision", "country", "detail")


def csv_text(columns: Sequence[str], rows: Iterable[Mapping[str, Any]]) -> str:
    """CSV text with a header line (UTF-8, ``\\n`` line ends, quoting where needed).

    >>> csv_text(["a", "b"], [{"a": 1, "b": "x,y"}])
    'a,b\\n1,"x,y"\\n'
    """
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(columns), lineterminator="\n", extrasaction="ignore")
    w.writeheader()
    for row in rows:
        w.writerow({k: ("" if v is None else v) for k, v in row.items()})
    return buf.getvalue()


def write_files(out_dir: str | Path, files: Mapping[str, str]) -> dict[str, Path]:
    """Write each text to ``out_dir/name``: all to temporary files first, then renamed in place.

    A failure leaves the files already there as they were: nothing is renamed until every
    temporary file is written, and a failed rename puts back the files already replaced.

    Raises:
        WriteError: the directory or a file cannot be written.
    """
    out = Path(out_dir)
    temps: dict[str, Path] = {}
    backups: dict[str, Path] = {}
    try:
        out.mkdir(parents=True, exist_ok=True)
        for name, text in files.items():
            temps[name] = temp_beside(out / name)
            with open(temps[name], "w", encoding="utf-8", newline="") as fh:
                fh.write(text)
                fh.flush()
                os.fsync(fh.fileno())
        for name in temps:
            if (out / name).is_file():
                backups[name] = _backup(out / name)
        done: dict[str, Path] = {}
        try:
            for name, path in temps.items():
                os.replace(path, out / name)
                done[name] = out / name
        except OSError:
            for name in done:
                if name in backups:
                    os.replace(backups[name], out / name)
                else:
                    (out / name).unlink()
            raise
        return done
    except OSError as exc:
        raise WriteError(f"cannot write {exc.filename or out}: {exc.strerror or exc}") from exc
    finally:
        for tmp in (*temps.values(), *backups.values()):
            with contextlib.suppress(OSError):
                tmp.unlink()


def _backup(path: Path) -> Path:
    """A hard link (or copy) of ``path`` beside it, to put back if a later rename fails."""
    bak = temp_beside(path, ".bak")
    try:
        bak.unlink()
        os.link(path, bak)
    except OSError:
        shutil.copy2(path, bak)
    return bak


# --- report ------------------------------------------------------------------------------------
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
