"""The files written to the output directory: their names, columns, CSV text, atomic writes."""

from __future__ import annotations

import contextlib
import csv
import io
import os
import shutil
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Final

from glamgraph._files import temp_beside
from glamgraph.errors import WriteError

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
