"""``fix-countries``: propose the missing country (P17) of GLAM institutions, and make the edits.

Two steps, each usable alone:

1. :func:`propose_country_fixes` harvests a region and proposes, for every GLAM institution that
   has no ``P17`` and whose ``P131`` chain gives exactly one current country, adding that country,
   with the ``P131`` path in the edit summary. Institutions whose chain gives no current country,
   or several, are listed apart with the reason (:attr:`Proposals.skipped`). Nothing is sent to
   any Wikibase: this is the dry run. :meth:`Proposals.write` writes ``edits.csv``,
   ``edits.quickstatements`` (QuickStatements V1, loadable as is) and ``edits-skipped.csv``.
2. :func:`apply_fixes` makes the proposed edits through wikibaseintegrator, logged in with a bot
   password. For each item it re-reads the entity just before editing (``wbgetentities``), skips it
   when a ``P17`` appeared (or its ``P131`` changed) since the harvest, and sends the revision it
   read as ``baserevid`` so that a concurrent edit is detected rather than overwritten. Every
   request carries ``maxlag``; a ``maxlag`` answer is waited out as the server's ``Retry-After``
   asks, a bounded number of times. Edits are spaced by a minimum interval. Each outcome is an
   :class:`EditResult` (``edited``, ``skipped`` or ``failed``), written to ``edits-report.csv``.

The password never leaves the login request: it is not stored, not logged (wikibaseintegrator's
own loggers are filtered while the edits run), and not part of any message or report.

Example (needs the network, and a bot password for the second step)::

    >>> from glamgraph.wikibase import propose_country_fixes, apply_fixes
    >>> proposals = propose_country_fixes("Q46", endpoint="wdqs")  # doctest: +SKIP
    >>> proposals.write("glamgraph-out")  # doctest: +SKIP
    >>> results = apply_fixes(proposals, user="Me@glamgraph", password="...")  # doctest: +SKIP
    >>> results.to_dataframe()  # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import functools
import io
import logging
import os
import re
import shutil
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, Literal, TypeVar
from urllib.parse import urlsplit

from glamgraph import harvest, ids, vocab
from glamgraph._files import temp_beside
from glamgraph._http import parse_retry_after
from glamgraph._version import user_agent
from glamgraph.errors import BadInput, MediaWikiError, WriteError
from glamgraph.model import Institution, Records, Region
from glamgraph.sparql import Engine, get_engine

log = logging.getLogger(__name__)

#: Environment variables holding the bot password (``User@BotName`` and the generated password).
ENV_USER: Final = "GLAMGRAPH_BOT_USER"
ENV_PASSWORD: Final = "GLAMGRAPH_BOT_PASSWORD"

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

#: Summaries stay well below MediaWiki's 500-character limit (Wikibase prepends its own comment).
MAX_SUMMARY: Final = 400
_MAX_LABEL: Final = 60

EditAction = Literal["edited", "skipped", "failed"]

# MediaWiki error codes: waited out and retried / ending the run (every later edit would fail too).
_TRANSIENT_CODES: Final = frozenset({"maxlag", "readonly", "ratelimited"})
_FATAL_CODES: Final = frozenset(
    {
        "assertuserfailed",
        "assertbotfailed",
        "assertnameduserfailed",
        "notloggedin",
        "blocked",
        "autoblocked",
        "globalblocking-blocked",
    }
)

T = TypeVar("T")


# --- proposals -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Proposal:
    """One proposed edit: add ``country`` as the ``P17`` of ``item``.

    ``path`` is the ``P131`` path from the item to the entity that gave the country (a country
    item itself, or an entity with a ``P17``); ``reference_url`` and ``retrieved`` form the
    reference added with the statement (empty when proposals were made without references).
    """

    item: str
    label: str
    country: str
    country_label: str
    path: tuple[str, ...]
    path_labels: tuple[str, ...]
    summary: str
    reference_url: str = ""
    retrieved: dt.date | None = None

    def quickstatements(self) -> str:
        """The QuickStatements V1 command of this edit (see :func:`quickstatements_line`)."""
        return quickstatements_line(
            self.item, self.country, self.summary, self.reference_url, self.retrieved
        )

    def as_record(self) -> dict[str, Any]:
        """The row ``edits.csv`` holds (``path`` space-separated, ``path_labels`` joined by >)."""
        return {
            "item": self.item,
            "label": self.label,
            "country": self.country,
            "country_label": self.country_label,
            "path": " ".join(self.path),
            "path_labels": " > ".join(self.path_labels),
            "summary": self.summary,
            "reference_url": self.reference_url,
            "retrieved": self.retrieved.isoformat() if self.retrieved else "",
        }


@dataclass(frozen=True)
class Skipped:
    """An institution of the region with no current country that no edit is proposed for."""

    item: str
    label: str
    reason: str
    countries: tuple[str, ...] = ()  # the countries its chain gives (several, or historical)
    path: tuple[str, ...] = ()

    def as_record(self) -> dict[str, Any]:
        """The row ``edits-skipped.csv`` holds."""
        return {
            "item": self.item,
            "label": self.label,
            "reason": self.reason,
            "countries": " ".join(self.countries),
            "path": " ".join(self.path),
        }


@dataclass
class Proposals:
    """What :func:`propose_country_fixes` found: the proposed edits and the institutions left out."""

    region: Region
    proposals: Records[Proposal]
    skipped: Records[Skipped]
    endpoint: str
    created: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))
    queries_sent: int = 0

    def __len__(self) -> int:
        return len(self.proposals)

    def __iter__(self) -> Iterator[Proposal]:
        return iter(self.proposals)

    def quickstatements(self) -> str:
        """All proposals as QuickStatements V1 commands, one per line."""
        return "".join(p.quickstatements() + "\n" for p in self.proposals)

    def to_dataframe(self) -> Any:
        """The proposals as a pandas DataFrame (needs pandas)."""
        return self.proposals.to_dataframe()

    def write(self, out_dir: str | Path) -> dict[str, Path]:
        """Write ``edits.csv``, ``edits.quickstatements`` and ``edits-skipped.csv`` atomically.

        Returns:
            The paths written, by file name.

        Raises:
            WriteError: the directory or a file cannot be written (the old files stay as they were).
        """
        return write_files(
            out_dir,
            {
                EDITS_CSV: csv_text(EDITS_COLUMNS, (p.as_record() for p in self.proposals)),
                EDITS_QUICKSTATEMENTS: self.quickstatements(),
                SKIPPED_CSV: csv_text(SKIPPED_COLUMNS, (s.as_record() for s in self.skipped)),
            },
        )


def propose_country_fixes(
    region: str | Region,
    *,
    endpoint: str | Engine = "wdqs",
    lang: str | Sequence[str] = "en",
    reference: bool = True,
    quiet: bool = False,
    today: dt.date | None = None,
) -> Proposals:
    """Propose adding ``P17`` to the institutions of ``region`` whose ``P131`` chain gives one country.

    A dry run: only SPARQL queries are sent (to ``endpoint``), never a request to a Wikibase.

    Args:
        region: ``world``, a continent, country or first-level subdivision (QID or ISO code).
        endpoint: ``wdqs``, ``qlever``, ``snapshot``, a SPARQL endpoint URL or an engine.
        lang: label languages in order of preference (labels in summaries and files).
        reference: add a reference to each statement: reference URL (``P854``) of the entity
            that gave the country, and retrieved (``P813``) today.
        quiet: no progress bar.
        today: the retrieval date of the references (default: today, UTC).

    Returns:
        The proposals (in QID order) and the institutions left out, with the reason.

    Raises:
        BadInput: an unknown region or endpoint.
        SourceError: the SPARQL endpoint failed after retries.

    Example:
        >>> found = propose_country_fixes("Q46", endpoint="wdqs")  # doctest: +SKIP
        >>> [(p.item, p.country, p.path) for p in found][:1]  # doctest: +SKIP
        [('Q…', 'Q183', ('Q64',))]
    """
    engine = get_engine(endpoint)
    sent0 = engine.queries_sent
    found = harvest.harvest(region, engine, lang=lang, quiet=quiet)
    out = proposals_from_harvest(found, engine, lang=lang, reference=reference, today=today)
    out.queries_sent = engine.queries_sent - sent0
    return out


def proposals_from_harvest(
    found: harvest.Harvest,
    engine: Engine,
    *,
    lang: str | Sequence[str] = "en",
    reference: bool = True,
    today: dt.date | None = None,
) -> Proposals:
    """The proposals for an existing harvest (see :func:`propose_country_fixes`).

    An item whose whole ``P131`` chain also reaches a country outside the region
    (``Harvest.chain_countries``) is reported as ambiguous, not proposed.
    """
    langs = tuple(dict.fromkeys((*ids.parse_langs(lang), "mul", "en")))
    day = today or dt.datetime.now(dt.UTC).date()
    candidates = [i for i in found.institutions if i.country_path]
    wanted = {q for i in candidates for q in (*i.country_path, *i.countries)}
    labels = harvest.labels(engine, sorted(wanted, key=ids.qid_number), langs)

    proposals: list[Proposal] = []
    skipped: list[Skipped] = []
    for inst in candidates:
        whole = found.chain_countries.get(inst.qid, ())
        countries = sorted(set(inst.countries) | set(whole), key=ids.qid_number)
        if len(countries) != 1:
            skipped.append(
                Skipped(
                    inst.qid,
                    inst.label,
                    "several current countries on its P131 chain",
                    tuple(countries),
                    inst.country_path,
                )
            )
            continue
        proposals.append(_proposal(inst, countries[0], labels, reference, day))
    for u in found.unplaced:
        skipped.append(Skipped(u.qid, u.label, u.reason, u.countries))
    skipped.sort(key=lambda s: ids.qid_number(s.item))
    name = getattr(engine, "name", "")
    return Proposals(
        found.region,
        Records(sorted(proposals, key=lambda p: ids.qid_number(p.item))),
        Records(skipped),
        str(name or engine.url),
        dt.datetime.now(dt.UTC),
    )


def _proposal(
    inst: Institution,
    country: str,
    labels: Mapping[str, str],
    reference: bool,
    day: dt.date,
) -> Proposal:
    path = inst.country_path
    path_labels = tuple(labels.get(q, q) for q in path)
    country_label = labels.get(country, country)
    return Proposal(
        item=inst.qid,
        label=inst.label,
        country=country,
        country_label=country_label,
        path=path,
        path_labels=path_labels,
        summary=edit_summary(country, country_label, path, path_labels),
        reference_url=vocab.entity_uri(path[-1]) if reference else "",
        retrieved=day if reference else None,
    )


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
        cols += ["S" + vocab.RETRIEVED[1:], f"{_wikibase_day(retrieved)}/11"]
    line = "\t".join(cols)
    note = clean_text(summary, MAX_SUMMARY)
    return f"{line} /* {note} */" if note else line


def _wikibase_day(day: dt.date) -> str:
    return f"+{day.isoformat()}T00:00:00Z"


# --- files -----------------------------------------------------------------------------------


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


# --- applying --------------------------------------------------------------------------------


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


def credentials_from_env(environ: Mapping[str, str] | None = None) -> tuple[str, str]:
    """The bot password from ``GLAMGRAPH_BOT_USER`` and ``GLAMGRAPH_BOT_PASSWORD``.

    Raises:
        BadInput: either is unset or empty (the message names the variables, never a value).

    >>> credentials_from_env({})
    Traceback (most recent call last):
    ...
    glamgraph.errors.BadInput: --apply needs a bot password: set GLAMGRAPH_BOT_USER (User@BotName) and GLAMGRAPH_BOT_PASSWORD; nothing was sent
    """
    env = os.environ if environ is None else environ
    user, password = env.get(ENV_USER, "").strip(), env.get(ENV_PASSWORD, "")
    if not user or not password:
        raise BadInput(
            f"--apply needs a bot password: set {ENV_USER} (User@BotName) and {ENV_PASSWORD}; "
            "nothing was sent"
        )
    return user, password


def write_report(results: Iterable[EditResult], out_dir: str | Path) -> Path:
    """Write ``edits-report.csv`` atomically and return its path."""
    text = csv_text(REPORT_COLUMNS, (r.as_record() for r in results))
    return write_files(out_dir, {REPORT_CSV: text})[REPORT_CSV]


def apply_fixes(
    proposals: Proposals | Iterable[Proposal],
    api_url: str = vocab.WIKIDATA_API,
    *,
    user: str,
    password: str,
    out_dir: str | Path | None = None,
    maxlag: int = 5,
    max_attempts: int = 6,
    max_wait: float = 120.0,
    min_interval: float = 5.0,
    conflict_retries: int = 1,
    is_bot: bool = False,
    timeout: float = 60.0,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
    progress: Callable[[EditResult], None] | None = None,
) -> Records[EditResult]:
    """Make the proposed edits through wikibaseintegrator, logged in with a bot password.

    For each proposal: re-read the item (``wbgetentities``); skip it if it has a ``P17`` now, or if
    the first step of its ``P131`` path is no longer among its ``P131`` values; otherwise add the
    statement (with its reference) by ``wbeditentity`` sending only the ``P17`` claims and the
    revision read as ``baserevid``. An edit conflict re-reads the item and tries again
    (``conflict_retries`` times); a ``maxlag``, ``readonly`` or rate-limit answer (or an HTTP
    5xx / connection error) is waited out, ``Retry-After`` first, at most ``max_wait`` seconds a
    time and ``max_attempts`` times a request. Errors that every later edit would meet too (lost
    session, block, lag that does not go away) end the run; the remaining proposals are reported as
    skipped. Other errors (e.g. ``permissiondenied`` on a protected item) fail that edit only.

    Args:
        proposals: from :func:`propose_country_fixes`, or any proposals.
        api_url: the MediaWiki Action API (``…/w/api.php``); Wikidata by default.
        user: the bot password's user name, ``User@BotName``.
        password: the bot password (never logged or stored).
        out_dir: where ``edits-report.csv`` goes (written even when interrupted); none: not written.
        maxlag: the ``maxlag`` parameter sent with every read and edit.
        max_attempts: attempts per request on maxlag and other transient answers.
        max_wait: the longest single wait in seconds.
        min_interval: seconds between the starts of two edits (throttle).
        conflict_retries: re-reads after an edit conflict before the edit is reported failed.
        is_bot: flag the edits as bot edits (``bot=1``, ``assert=bot``).
        timeout: seconds to wait for one HTTP answer.
        sleep: how to wait (injectable: tests pass a recorder).
        clock: a monotonic clock in seconds (injectable with ``sleep``).
        progress: called with each result as soon as it is known.

    Returns:
        One :class:`EditResult` per proposal, in order.

    Raises:
        BadInput: no credentials (before any request), a malformed ``api_url``, or the login refused.
        MediaWikiError: the API could not be reached or answered nonsense at login.
        WriteError: the report could not be written.

    Example:
        >>> apply_fixes([], "http://127.0.0.1:1/w/api.php", user="", password="")
        Traceback (most recent call last):
        ...
        glamgraph.errors.BadInput: --apply needs a bot password: set GLAMGRAPH_BOT_USER (User@BotName) and GLAMGRAPH_BOT_PASSWORD; nothing was sent
    """
    credentials_from_env({ENV_USER: user or "", ENV_PASSWORD: password or ""})
    api_url = check_api_url(api_url)
    todo = list(proposals)
    results: Records[EditResult] = Records()

    def record(res: EditResult) -> None:
        results.append(res)
        log.info("%s %s: %s %s", res.action, res.item, res.revision or "", res.detail)
        if progress is not None:
            progress(res)

    try:
        if not todo:
            return results
        with _wbi_config(api_url), _redacted_logs([password]):
            session = _Session(
                api_url,
                user=user,
                password=password,
                maxlag=maxlag,
                max_attempts=max_attempts,
                max_wait=max_wait,
                min_interval=min_interval,
                conflict_retries=conflict_retries,
                is_bot=is_bot,
                timeout=timeout,
                sleep=sleep,
                clock=clock,
            )
            stop = ""
            for prop in todo:
                if stop:
                    record(EditResult(prop.item, "skipped", prop.country, detail=stop))
                    continue
                try:
                    record(session.apply(prop))
                except _Stop as exc:
                    record(
                        EditResult(
                            prop.item,
                            "failed",
                            prop.country,
                            base_revision=exc.base_revision,
                            detail=exc.reason,
                        )
                    )
                    stop = f"not attempted: the run stopped at {prop.item} ({exc.reason})"
                except Exception as exc:  # unknown state: report it and edit nothing more
                    why = f"unexpected {type(exc).__name__}: {_scrub(str(exc), password)}"
                    log.error("%s: %s", prop.item, why)
                    record(EditResult(prop.item, "failed", prop.country, detail=why))
                    stop = f"not attempted: the run stopped at {prop.item} ({why})"
        return results
    finally:
        if out_dir is not None and (results or not todo):  # a failed login leaves the old report
            write_report(results, out_dir)


def check_api_url(url: str) -> str:
    """``url`` if it is an http(s) URL with a host, else :class:`BadInput` naming it.

    >>> check_api_url("http://127.0.0.1:8080/w/api.php")
    'http://127.0.0.1:8080/w/api.php'
    >>> check_api_url("api.php")
    Traceback (most recent call last):
    ...
    glamgraph.errors.BadInput: malformed MediaWiki API URL: 'api.php' (expected http(s)://host/w/api.php)
    """
    try:
        parts = urlsplit(url)
        ok = parts.scheme in ("http", "https") and bool(parts.hostname)
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError:
        ok = False
    if not ok:
        raise BadInput(f"malformed MediaWiki API URL: {url!r} (expected http(s)://host/w/api.php)")
    return url


class _Stop(Exception):
    """An error every later edit would meet too: the run ends here."""

    def __init__(self, reason: str, base_revision: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.base_revision = base_revision


class _Transient(Exception):
    """A MediaWiki answer to wait out (maxlag, readonly, rate limit, 5xx), raised by the hook."""

    def __init__(self, code: str, status: int, retry_after: float | None, lag: float | None):
        super().__init__(f"{code} (HTTP {status})")
        self.code = code
        self.status = status
        self.retry_after = retry_after
        self.lag = lag


class _Secret(str):
    """A string whose ``repr`` hides it: what wikibaseintegrator's retry logger prints of kwargs."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "'<redacted>'"


def _to_float(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


class _Guard:
    """A response hook on the login session: turns answers to wait out into :class:`_Transient`.

    Raised before wikibaseintegrator looks at the answer, so its own waits (which ignore
    ``Retry-After``) never run; the retry loop of :class:`_Session` waits instead. It also keeps
    the warnings of the last answer (wikibaseintegrator drops them).
    """

    def __init__(self) -> None:
        self.warnings: list[str] = []

    def __call__(self, response: Any, *args: Any, **kwargs: Any) -> Any:
        code = response.headers.get("MediaWiki-API-Error", "") or ""
        lag = _to_float(response.headers.get("X-Database-Lag"))
        try:
            body = response.json()
        except ValueError:
            body = None
        self.warnings = []
        if isinstance(body, dict):
            err = body.get("error")
            if isinstance(err, dict):
                code = code or str(err.get("code", ""))
                lag = _to_float(err.get("lag")) if err.get("lag") is not None else lag
            self.warnings = _warning_names(body.get("warnings"))
        status = int(response.status_code)
        if code in _TRANSIENT_CODES or status in (429, 500, 502, 503, 504):
            retry_after = parse_retry_after(response.headers.get("Retry-After"))
            raise _Transient(code or f"HTTP {status}", status, retry_after, lag)
        return response


def _warning_names(warnings: Any) -> list[str]:
    names: list[str] = []
    if isinstance(warnings, dict):
        for module in warnings.values():
            if isinstance(module, dict):
                for msg in module.get("messages", []) or []:
                    if isinstance(msg, dict) and msg.get("name"):
                        names.append(str(msg["name"]))
                if "*" in module and not module.get("messages"):
                    names.append(str(module["*"]))
    return names


class _Session:
    """One logged-in run of edits: login, retries, throttle, checks."""

    def __init__(
        self,
        api_url: str,
        *,
        user: str,
        password: str,
        maxlag: int,
        max_attempts: int,
        max_wait: float,
        min_interval: float,
        conflict_retries: int,
        is_bot: bool,
        timeout: float,
        sleep: Callable[[float], None],
        clock: Callable[[], float],
    ) -> None:
        from wikibaseintegrator import WikibaseIntegrator

        self.api_url = api_url
        self.max_attempts = max(1, max_attempts)
        self.max_wait = max_wait
        self.min_interval = min_interval
        self.conflict_retries = max(0, conflict_retries)
        self.is_bot = is_bot
        self.sleep = sleep
        self.clock = clock
        self.last_edit: float | None = None
        # every read and write: our maxlag; no retries nor waits inside wikibaseintegrator
        self.kw: dict[str, Any] = {
            "maxlag": maxlag,
            "max_retries": 1,
            "retry_after": 0,
            "timeout": timeout,
        }
        self.login = _login(api_url, user, password, timeout)
        self.guard = _Guard()
        self.login.get_session().hooks["response"].append(self.guard)
        self.wbi = WikibaseIntegrator(login=self.login, is_bot=is_bot)

    # -- retry and throttle --

    def call(self, what: str, fn: Callable[[], T]) -> T:
        """``fn()``, waiting out transient answers; :class:`_Stop` when they do not go away."""
        import requests
        from wikibaseintegrator.wbi_exceptions import MaxRetriesReachedException

        for attempt in range(1, self.max_attempts + 1):
            try:
                return fn()
            except _Transient as exc:
                why = exc.code
                if exc.retry_after is not None:
                    wait = exc.retry_after
                elif exc.lag is not None:
                    wait = max(exc.lag, 5.0)
                else:
                    wait = 5.0 * attempt
                if exc.lag is not None:
                    why += f", lag {exc.lag:g} s"
            except (MaxRetriesReachedException, requests.RequestException) as exc:
                why = "connection failed" if not str(exc) else f"{type(exc).__name__}"
                wait = 5.0 * attempt
            if attempt == self.max_attempts:
                raise _Stop(f"{what}: {why}, still after {attempt} attempts")
            wait = min(max(wait, 0.0), self.max_wait)
            log.warning(
                "%s: %s; waiting %g s (attempt %d of %d)",
                what,
                why,
                wait,
                attempt,
                self.max_attempts,
            )
            self.sleep(wait)
        raise AssertionError("unreachable")  # pragma: no cover

    def throttle(self) -> None:
        if self.last_edit is None or self.min_interval <= 0:
            return
        wait = self.min_interval - (self.clock() - self.last_edit)
        if wait > 0:
            self.sleep(wait)

    # -- one proposal --

    def read(self, qid: str) -> Any:
        # claims and revision only: a big item's labels and sitelinks are not needed to add a P17
        return self.call(f"read {qid}", lambda: self.wbi.item.get(qid, props=["claims"], **self.kw))

    def apply(self, prop: Proposal) -> EditResult:
        from wikibaseintegrator.wbi_exceptions import (
            MissingEntityException,
            MWApiError,
            NonExistentEntityError,
        )

        def result(action: EditAction, detail: str = "", **kw: Any) -> EditResult:
            return EditResult(prop.item, action, prop.country, detail=detail, **kw)

        conflicts = 0
        token_renewed = False
        while True:
            try:
                entity = self.read(prop.item)
            except (MissingEntityException, NonExistentEntityError):
                return result("skipped", "the item no longer exists")
            except MWApiError as exc:
                return result("failed", _api_error(exc, "read"))
            base = entity.lastrevid
            why = _stale(entity, prop)
            if why:
                return result("skipped", why, base_revision=base)
            entity.claims.add(_statement(prop), action_if_exists=_force_append())
            self.throttle()
            try:
                written = self.call(
                    f"edit {prop.item}", functools.partial(self.write, entity, base, prop.summary)
                )
            except MWApiError as exc:
                code = str(getattr(exc, "code", ""))
                if code == "editconflict" and conflicts < self.conflict_retries:
                    conflicts += 1
                    log.warning("%s: edit conflict; reading it again", prop.item)
                    continue
                if code == "badtoken" and not token_renewed:
                    token_renewed = True
                    self.login.generate_edit_credentials()
                    continue
                if code in _FATAL_CODES or code == "badtoken":
                    raise _Stop(_api_error(exc, "edit"), base) from None
                return result("failed", _api_error(exc, "edit"), base_revision=base)
            except _Stop as exc:
                exc.base_revision = base
                raise
            note = ""
            if any("conflict-patched" in w for w in self.guard.warnings):
                note = "patched onto a newer revision (" + ", ".join(self.guard.warnings) + ")"
            return result("edited", note, revision=written.lastrevid, base_revision=base)

    def write(self, entity: Any, base: int, summary: str) -> Any:
        """``wbeditentity`` with only the ``P17`` claims, based on revision ``base``."""
        from wikibaseintegrator.wbi_enums import EntityField

        try:
            return entity.write(
                summary=summary,
                login=self.login,
                is_bot=self.is_bot,
                fields_to_update=[EntityField.CLAIMS],
                limit_claims=[vocab.COUNTRY_P],
                baserevid=base,
                **self.kw,
            )
        finally:
            self.last_edit = self.clock()


def _api_error(exc: Exception, what: str) -> str:
    code = str(getattr(exc, "code", "") or type(exc).__name__)
    info = " ".join(str(getattr(exc, "info", "") or "").split())
    return f"{what}: {code}: {info}" if info else f"{what}: {code}"


def _force_append() -> Any:
    from wikibaseintegrator.wbi_enums import ActionIfExists

    return ActionIfExists.FORCE_APPEND


def _item_values(entity: Any, pid: str, *, include_deprecated: bool) -> list[str]:
    """The item ids of ``entity``'s ``pid`` statements (``?`` for unknown / no value)."""
    out: list[str] = []
    for claim in entity.claims.get(pid):
        if not include_deprecated and claim.rank.value == "deprecated":
            continue
        value = (claim.mainsnak.datavalue or {}).get("value")
        out.append(str(value.get("id", "?")) if isinstance(value, dict) else "?")
    return out


def _stale(entity: Any, prop: Proposal) -> str:
    """Why the proposal no longer fits the item as it is now ("" when it still does)."""
    if entity.id and entity.id != prop.item:
        return f"the item is now a redirect to {entity.id}"
    now = _item_values(entity, vocab.COUNTRY_P, include_deprecated=True)
    if now:
        return f"it has a {vocab.COUNTRY_P} now: {' '.join(now)}"
    located = _item_values(entity, vocab.LOCATED_IN, include_deprecated=False)
    if prop.path and prop.path[0] not in located:
        shown = " ".join(located) or "none"
        return f"its {vocab.LOCATED_IN} changed since the harvest (now: {shown})"
    return ""


def _statement(prop: Proposal) -> Any:
    """The ``P17`` statement of a proposal, with its reference (URL and retrieval day)."""
    from wikibaseintegrator import datatypes
    from wikibaseintegrator.models import Reference, References
    from wikibaseintegrator.wbi_enums import WikibaseTimePrecision

    refs = References()
    if prop.reference_url or prop.retrieved:
        ref = Reference()
        order: list[str] = []
        if prop.reference_url:
            ref.add(datatypes.URL(prop_nr=vocab.REFERENCE_URL, value=prop.reference_url))
            order.append(vocab.REFERENCE_URL)
        if prop.retrieved:
            ref.add(
                datatypes.Time(
                    prop_nr=vocab.RETRIEVED,
                    time=_wikibase_day(prop.retrieved),
                    precision=WikibaseTimePrecision.DAY,
                )
            )
            order.append(vocab.RETRIEVED)
        ref.snaks_order = order
        refs.add(ref)
    return datatypes.Item(prop_nr=vocab.COUNTRY_P, value=prop.country, references=refs)


def _login(api_url: str, user: str, password: str, timeout: float) -> Any:
    """A ``wbi_login.Login`` (bot password); refusals as :class:`BadInput`, failures as
    :class:`MediaWikiError`. No message ever holds the password."""
    import requests
    from wikibaseintegrator import wbi_login

    try:
        return wbi_login.Login(
            user=user,
            password=_Secret(password),
            mediawiki_api_url=api_url,
            user_agent=user_agent(),
            timeout=timeout,
        )
    except wbi_login.LoginError as exc:
        raise BadInput(
            f"login to {api_url} as {user} refused: {_scrub(str(exc), password)}"
        ) from None
    except requests.RequestException as exc:
        raise MediaWikiError(
            f"login to {api_url} failed: {type(exc).__name__}: {_scrub(str(exc), password)}"
        ) from None
    except (KeyError, ValueError, TypeError) as exc:
        # WrongToken has no "reason" (KeyError); HTML instead of JSON (ValueError)
        raise MediaWikiError(
            f"login to {api_url} failed: unexpected answer ({type(exc).__name__}: "
            f"{_scrub(str(exc), password)})"
        ) from None


def _scrub(text: str, *secrets: str) -> str:
    """``text`` with every secret replaced and every token value hidden.

    >>> _scrub("pw=hunter2 'token': 'abc+\\\\'", "hunter2")
    "pw=<redacted> 'token': '<redacted>'"
    """
    for secret in secrets:
        if secret:
            text = text.replace(secret, "<redacted>")
    return _TOKEN_RE.sub(r"\1<redacted>\3", text)


_TOKEN_RE: Final = re.compile(
    r"""((?:lg|csrf|login)?token['"]?\s*[:=]\s*['"]?)([^'"&,}\s]+)(['"]?)"""
)


class _Redactor(logging.Filter):
    """Hides secrets and tokens in the records of third-party loggers; drops wikibaseintegrator's
    tracebacks of errors this module handles and reports itself."""

    def __init__(self, secrets: Sequence[str]) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s]

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if exc is not None and record.name.startswith("wikibaseintegrator"):
            from wikibaseintegrator.wbi_exceptions import MaxRetriesReachedException, MWApiError

            if isinstance(exc, _Transient | MWApiError | MaxRetriesReachedException):
                return False
        message = record.getMessage()
        clean = _scrub(message, *self.secrets)
        if clean != message:
            record.msg, record.args = clean, None
        if record.exc_info and not record.exc_text:
            record.exc_text = _scrub(
                logging.Formatter().formatException(record.exc_info), *self.secrets
            )
        return True


_THIRD_PARTY_LOGGERS: Final = ("wikibaseintegrator", "backoff", "urllib3", "requests")


@contextlib.contextmanager
def _redacted_logs(secrets: Sequence[str]) -> Iterator[None]:
    """Attach a :class:`_Redactor` to every third-party logger that might see a request."""
    import wikibaseintegrator
    import wikibaseintegrator.datatypes
    import wikibaseintegrator.wbi_backoff
    import wikibaseintegrator.wbi_login  # noqa: F401 - their loggers exist once imported

    redactor = _Redactor(secrets)
    names = [
        name
        for name in list(logging.root.manager.loggerDict)
        if name.split(".")[0] in _THIRD_PARTY_LOGGERS
    ]
    loggers = [logging.getLogger(name) for name in dict.fromkeys([*_THIRD_PARTY_LOGGERS, *names])]
    for lg in loggers:
        lg.addFilter(redactor)
    try:
        yield
    finally:
        for lg in loggers:
            lg.removeFilter(redactor)


@contextlib.contextmanager
def _wbi_config(api_url: str) -> Iterator[None]:
    """wikibaseintegrator's global config pointed at ``api_url`` (restored afterwards).

    Set before the login, since WBI refuses a write whose URL differs from the login's. Its own
    backoff is off (it would log the login's keyword arguments); this module retries instead.
    """
    from wikibaseintegrator.wbi_config import config

    saved = dict(config)
    base = api_url.rsplit("/", 1)[0]
    config.update(
        {
            "MEDIAWIKI_API_URL": api_url,
            "MEDIAWIKI_INDEX_URL": f"{base}/index.php",
            "MEDIAWIKI_REST_URL": f"{base}/rest.php",
            "USER_AGENT": user_agent(),
            "BACKOFF_MAX_TRIES": 1,
        }
    )
    try:
        yield
    finally:
        config.clear()
        config.update(saved)
