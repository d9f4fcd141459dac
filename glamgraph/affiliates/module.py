"""Meta-Wiki's ``Module:Organizational_Informations``: reading it, its entries, each normalised."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from glamgraph import lua, vocab
from glamgraph.affiliates.names import NO_COUNTRY, name_key
from glamgraph.affiliates.normalise import normalise_status, normalise_type, parse_date
from glamgraph.errors import MalformedFile
from glamgraph.mediawiki import MediaWikiClient, MediaWikiSettings
from glamgraph.model import Affiliate, SourceRef

if TYPE_CHECKING:
    from glamgraph.sparql.snapfile import SnapshotFile

SNAPSHOT_MODULE: Final = "Organizational_Informations.lua"
SNAPSHOT_SOURCE: Final = "snapshot module (reconstructed)"


@dataclass(frozen=True)
class ModuleSource:
    """The module's Lua text and where it came from."""

    text: str
    source: str  # the prefix of every module affiliate's ``source``
    name: str  # what error messages call it
    revision: int | None = None
    timestamp: str | None = None
    url: str = ""
    path: str = ""
    fetched: str = ""
    from_cache: bool = False

    @property
    def ref_id(self) -> str:
        """The module as a :class:`~glamgraph.model.SourceRef` names it: the file read, else
        the page title (fetched), else ``module text``."""
        if self.path:
            return self.path
        if self.revision is not None:
            return vocab.AFFILIATES_MODULE
        return "module text"

    @property
    def sha256(self) -> str:
        """The SHA-256 of the Lua text."""
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


def _looks_like_source(module: str) -> bool:
    """Whether a ``str`` given as the module is its Lua text rather than a file name.

    A path object is always a file; a string is text when it holds a line break, or when it
    starts like Lua (``return``, ``--``, ``{``) and names no existing file (so a file called
    ``return.lua`` or ``--x.lua`` is still read as a file).
    """
    if "\n" in module:
        return True
    head = module.lstrip()[:200]
    if not head.startswith(("return", "--", "{")):
        return False
    try:
        return not Path(module).expanduser().exists()
    except (OSError, ValueError):
        return True


def read_module(
    module: str | os.PathLike[str] | None,
    *,
    snapshot: bool | SnapshotFile = False,
    api_url: str | None = None,
    settings: MediaWikiSettings | None = None,
    use_cache: bool | None = None,
) -> ModuleSource:
    """The module's text: a file path, the Lua text itself, the snapshot's copy or Meta-Wiki's.

    ``snapshot``: ``True`` takes the copy in the snapshot ``--endpoint snapshot`` serves; a
    :class:`~glamgraph.sparql.snapfile.SnapshotFile` takes that file's copy. ``api_url``: the
    MediaWiki API to fetch from (``None``: ``settings.meta_api_url()``); ``settings``: the
    client's timeouts, retries and cache (``use_cache`` overrides its cache switch).

    Raises:
        MalformedFile: an unreadable or non-UTF-8 file.
        MediaWikiError: Meta-Wiki could not give the page.
    """
    if module is None and snapshot is not False:
        from glamgraph.sparql.embedded import load_snapshot_file, shipped_snapshot_path

        snap = load_snapshot_file() if snapshot is True else snapshot
        source = str(snap.manifest.get("module_source") or SNAPSHOT_SOURCE)
        path = snap.path.resolve()
        if path == shipped_snapshot_path().resolve():
            # the sample inside the package: named as such, not by where it is installed
            shown = "glamgraph/data/" + path.name
            return ModuleSource(
                snap.module, source, f"{shown} (module)", url="", path=shown, fetched=snap.created
            )
        return ModuleSource(
            snap.module,
            source,
            f"{snap.path} (module)",
            url=path.as_uri(),
            path=str(path),
            fetched=snap.created,
        )
    if module is None:
        client = MediaWikiClient(api_url, settings)
        rev = client.page(vocab.AFFILIATES_MODULE, use_cache=use_cache)
        source = f"{vocab.AFFILIATES_MODULE} rev {rev.revid} ({rev.timestamp})"
        return ModuleSource(
            rev.content,
            source,
            source,
            revision=rev.revid,
            timestamp=rev.timestamp,
            url=rev.permalink,
            fetched=rev.fetched,
            from_cache=rev.from_cache,
        )
    if isinstance(module, str) and _looks_like_source(module):
        sha = hashlib.sha256(module.encode("utf-8")).hexdigest()
        source = f"module text (sha256 {sha[:12]})"
        return ModuleSource(module, source, "module text")
    path = Path(module).expanduser().resolve()
    text = read_text(path, lua.MAX_BYTES)
    now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    return ModuleSource(
        text, f"file:{path}", str(path), url=path.as_uri(), path=str(path), fetched=now
    )


def read_text(path: Path, max_bytes: int) -> str:
    """A UTF-8 file's text; a file over ``max_bytes`` is refused before it is read."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise MalformedFile(
                f"{path}: too large ({size:,} bytes; the limit is {max_bytes:,} bytes)"
            )
        with path.open("rb") as fh:
            raw = fh.read(max_bytes + 1)  # the file may grow between stat and read
        if len(raw) > max_bytes:
            raise MalformedFile(f"{path}: too large (over the limit of {max_bytes:,} bytes)")
    except OSError as exc:
        raise MalformedFile(f"{path}: cannot read the file ({exc.strerror or exc})") from exc
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise MalformedFile(f"{path}, line {line}: not UTF-8 text") from exc


def module_entries(value: lua.LuaValue, name: str) -> list[lua.LuaTable]:
    """The affiliate entries of the module's table (a list of tables, or tables keyed by id).

    Raises:
        MalformedFile: the module returns something else.
    """
    items: list[lua.LuaValue]
    if isinstance(value, lua.LuaList):
        items = list(value)
    elif isinstance(value, lua.LuaTable):
        items = list(value.values())
    else:  # pragma: no cover - lua.loads always returns a table
        raise MalformedFile(f"{name}: the module does not return a table")
    out: list[lua.LuaTable] = []
    for item in items:
        if not isinstance(item, lua.LuaTable):
            line = getattr(item, "line", None)
            where = f", line {line}" if line else ""
            raise MalformedFile(f"{name}{where}: an affiliate entry that is not a table of fields")
        out.append(item)
    return out


@dataclass
class ModuleEntry:
    """One module entry, normalised: its affiliate (countries not resolved yet), the country
    names to resolve, whether it is local (not thematic or international), and its line."""

    affiliate: Affiliate
    names: list[str]
    local: bool
    line: int


def normalise_entry(entry: lua.LuaTable, mod: ModuleSource, notes: list[str]) -> ModuleEntry | None:
    """One module entry as an affiliate (type, status and dates normalised), or ``None`` for an
    entry without a code or name; what needs a person's eye is added to ``notes``.

    >>> from glamgraph import lua
    >>> mod = ModuleSource("", "module text", "module text")
    >>> table = lua.loads('return {{affiliate_code="X", group_name="X UG", org_type="User Group",'
    ...     ' recognition_status="recognized", group_country="Estonia"}}', "m")[0]
    >>> e = normalise_entry(table, mod, [])
    >>> e.affiliate.type, e.affiliate.status, e.names, e.affiliate.refs[0].kind
    ('user group', 'recognised', ['Estonia'], 'module')
    """
    where = f"{mod.name}, line {entry.line}"
    name = _text(entry, "group_name")
    code = _text(entry, "affiliate_code") or _text(entry, "unique_id")
    if not code and not name:
        notes.append(f"{where}: an entry without affiliate_code, unique_id or group_name: skipped")
        return None
    code = code or name
    raw_type = _text(entry, "org_type")
    atype = normalise_type(raw_type)
    if atype is None:
        notes.append(f"{where}: {code}: unknown org_type {raw_type!r}; taken as 'other'")
        atype = "other"
    raw_status = _text(entry, "recognition_status")
    status = normalise_status(raw_status)
    if status is None:
        derec = bool(_text(entry, "derecognition_date"))
        status = "derecognised" if derec else "recognised"
        notes.append(
            f"{where}: {code}: {'no' if not raw_status else 'unknown'} recognition_status"
            f"{' ' + repr(raw_status) if raw_status else ''}; taken as {status!r}"
        )
    dates: dict[str, dt.date | None] = {}
    for key in ("agreement_date", "derecognition_date"):
        try:
            dates[key] = parse_date(_text(entry, key))
        except ValueError as exc:
            notes.append(f"{where}: {code}: {key} {_text(entry, key)!r} ignored ({exc})")
            dates[key] = None
    region = _text(entry, "region")
    names = _names(entry, "group_country")
    local = atype != "thematic" and region.casefold() != "international"
    contact = _text(entry, "group_contact1") or _text(entry, "group_contact_1")
    aff = Affiliate(
        code=code,
        name=name or code,
        type=atype,
        countries=(),
        status=status,
        source=mod.source,
        refs=(SourceRef("module", mod.ref_id, mod.revision, entry.line, mod.url),),
        contact=contact,
        contact_source="module" if contact else "",
        page=_text(entry, "group_page"),
        region=region,
        agreement_date=dates["agreement_date"],
        derecognition_date=dates["derecognition_date"],
        country_names=tuple(names),
        unique_id=_text(entry, "unique_id"),
        note=_text(entry, "derecognition_note"),
    )
    return ModuleEntry(aff, [n for n in names if name_key(n) not in NO_COUNTRY], local, entry.line)


def _text(entry: dict[Any, Any], key: str) -> str:
    value = entry.get(key)
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, str | int | float):
        return " ".join(str(value).split())
    return ""


def _names(entry: dict[Any, Any], key: str) -> list[str]:
    value = entry.get(key)
    if isinstance(value, list):
        raw = [v for v in value if isinstance(v, str)]
    elif isinstance(value, str):
        raw = [value]
    else:
        raw = []
    return [" ".join(v.split()) for v in raw if v.strip()]
