"""The snapshot file format: Wikidata-shaped triples, the affiliates module and a manifest.

A snapshot is ONE gzip file (fixed compression level, no name and no time in its header) whose
content is::

    glamgraph-snapshot 1\\n
    {manifest as canonical JSON on one line}\\n
    {the module's Lua text, UTF-8}{the triples: sorted, unique N-Triples lines, UTF-8}

The manifest records the creation date, the endpoint (without credentials), glamgraph's version,
the region, the languages, the counts, every query text, the byte length of each section and the
SHA-256 of the content after the manifest line. The same data gives the same bytes. A file that
is truncated, corrupted or not a snapshot is refused with :class:`~glamgraph.errors.MalformedFile`
before anything is loaded.

>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "tiny.snap"
>>> write_snapshot(path, ['<http://a> <http://b> "c" .'], "return {}", {"created": "2026-01-01"})
>>> snap = read_snapshot(path)
>>> snap.manifest["counts"]["triples"], snap.module
(1, 'return {}')
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
import tempfile
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlsplit, urlunsplit

from glamgraph.errors import MalformedFile, WriteError

MAGIC: Final = b"glamgraph-snapshot 1\n"
FORMAT: Final = "glamgraph-snapshot"
VERSION: Final = 1
#: Fixed gzip level, so that the same content always compresses to the same bytes.
COMPRESSLEVEL: Final = 9
#: The manifest fields every snapshot must carry.
REQUIRED: Final = ("format", "version", "created", "endpoint", "sections", "sha256", "counts")
_SECRET_QUERY = re.compile(r"(?i)(key|token|secret|pass|auth|sig)")


@dataclass(frozen=True)
class SnapshotFile:
    """A verified snapshot: where it was read from, its manifest, module text and triples.

    Attributes:
        path: the file.
        manifest: the manifest (dict from its JSON).
        module: the affiliates module's Lua text (``""`` when the snapshot holds none).
        triples: the N-Triples document (UTF-8 bytes, one triple per line, sorted).
    """

    path: Path
    manifest: dict[str, Any]
    module: str
    triples: bytes

    @property
    def created(self) -> str:
        """The creation date recorded in the manifest."""
        return str(self.manifest.get("created", ""))

    @property
    def endpoint(self) -> str:
        """The endpoint the snapshot was built from (credentials removed)."""
        return str(self.manifest.get("endpoint", ""))

    def describe(self) -> str:
        """One line naming the file, its date and its endpoint (for provenance)."""
        return f"snapshot:{self.path} ({self.created}, from {self.endpoint})"


def redact_endpoint(url: str) -> str:
    """``url`` without user/password and without secret-looking query parameters.

    >>> redact_endpoint("https://me:pw@example.org/sparql?key=abc&x=1")
    'https://example.org/sparql?key=REDACTED&x=1'
    >>> redact_endpoint("wdqs")
    'wdqs'
    """
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        return url
    host = parts.hostname or ""
    if parts.port is not None:
        host = f"{host}:{parts.port}"
    query = "&".join(
        (f"{k}=REDACTED" if _SECRET_QUERY.search(k) else f"{k}={v}") if sep else k
        for k, sep, v in (p.partition("=") for p in parts.query.split("&") if p)
    )
    return urlunsplit((parts.scheme, host, parts.path, query, ""))


def canonical_json(value: Any) -> bytes:
    """Canonical JSON (sorted keys, no spaces, ASCII): the same value gives the same bytes."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def encode_snapshot(triples: Iterable[str], module: str, manifest: Mapping[str, Any]) -> bytes:
    """The bytes of a snapshot file (see the module docstring); deterministic.

    ``triples`` are N-Triples lines (without the newline); they are de-duplicated and sorted.
    ``manifest`` gives the descriptive fields; format, sections, counts of triples and the
    checksum are set here.

    >>> a = encode_snapshot(["<http://b> <http://p> <http://o> .", "<http://a> <http://p> 1 ."],
    ...                     "", {"created": "2026-01-01"})
    >>> a == encode_snapshot(["<http://a> <http://p> 1 .", "<http://b> <http://p> <http://o> ."],
    ...                      "", {"created": "2026-01-01"})
    True
    """
    lines = sorted({t.strip() for t in triples if t.strip()})
    nt = "".join(line + "\n" for line in lines).encode("utf-8")
    mod = module.encode("utf-8")
    body = mod + nt
    man = dict(manifest)
    counts = dict(man.get("counts") or {})
    counts["triples"] = len(lines)
    counts["module_bytes"] = len(mod)
    man.update(
        format=FORMAT,
        version=VERSION,
        counts=counts,
        sections={"module": len(mod), "triples": len(nt)},
        sha256=hashlib.sha256(body).hexdigest(),
    )
    man.setdefault("created", "")
    man.setdefault("endpoint", "")
    payload = MAGIC + canonical_json(man) + b"\n" + body
    return gzip.compress(payload, compresslevel=COMPRESSLEVEL, mtime=0)


def write_snapshot(
    path: str | os.PathLike[str], triples: Iterable[str], module: str, manifest: Mapping[str, Any]
) -> None:
    """Write a snapshot file atomically (a temporary file renamed into place).

    Raises:
        WriteError: the file cannot be written (exit code 2); nothing is left half-written.

    Example:
        >>> write_snapshot("w.snap", triples, module_text, {"created": "2026-12-01"})  # doctest: +SKIP
    """
    data = encode_snapshot(triples, module, manifest)
    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    except OSError as exc:
        raise WriteError(f"{target}: cannot write the snapshot ({exc.strerror or exc})") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        mask = os.umask(0o022)
        os.umask(mask)
        os.chmod(tmp, 0o666 & ~mask)  # mkstemp's 0600 would hide a shared snapshot
        os.replace(tmp, target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise WriteError(f"{target}: cannot write the snapshot ({exc.strerror or exc})") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def decode_snapshot(data: bytes, name: str) -> tuple[dict[str, Any], str, bytes]:
    """Check and split a snapshot's bytes into (manifest, module text, triples).

    Raises:
        MalformedFile: not gzip, truncated, corrupted, not a snapshot, or a checksum mismatch.

    >>> decode_snapshot(b"not gzip", "x.snap")
    Traceback (most recent call last):
    ...
    glamgraph.errors.MalformedFile: x.snap: not a usable glamgraph snapshot (corrupted or not gzip: Not a gzipped file (b'no'))
    """

    def bad(why: str) -> MalformedFile:
        return MalformedFile(f"{name}: not a usable glamgraph snapshot ({why})")

    try:
        payload = gzip.decompress(data)
    except EOFError:
        raise bad("truncated file") from None
    except (OSError, zlib.error) as exc:
        raise bad(f"corrupted or not gzip: {exc}") from None
    if not payload.startswith(MAGIC):
        raise bad("no glamgraph-snapshot header")
    head_end = payload.find(b"\n", len(MAGIC))
    if head_end < 0:
        raise bad("no manifest")
    try:
        manifest = json.loads(payload[len(MAGIC) : head_end])
    except (ValueError, UnicodeDecodeError):
        raise bad("malformed manifest") from None
    if not isinstance(manifest, dict) or any(k not in manifest for k in REQUIRED):
        raise bad("incomplete manifest")
    if manifest["format"] != FORMAT or manifest["version"] != VERSION:
        raise bad(f"format {manifest['format']!r} version {manifest['version']!r}")
    body = payload[head_end + 1 :]
    sections = manifest["sections"]
    try:
        n_mod, n_nt = int(sections["module"]), int(sections["triples"])
    except (TypeError, KeyError, ValueError):
        raise bad("malformed sections") from None
    if n_mod < 0 or n_nt < 0 or n_mod + n_nt != len(body):
        raise bad(f"content is {len(body)} bytes, the manifest says {n_mod + n_nt}")
    if hashlib.sha256(body).hexdigest() != manifest["sha256"]:
        raise bad("checksum mismatch")
    try:
        module = body[:n_mod].decode("utf-8")
    except UnicodeDecodeError:
        raise bad("module is not UTF-8") from None
    return manifest, module, body[n_mod:]


def read_snapshot(path: str | os.PathLike[str]) -> SnapshotFile:
    """Read and verify a snapshot file (checksum and manifest) without loading it anywhere.

    Raises:
        MalformedFile: a missing, unreadable, truncated, corrupted or foreign file (exit code 2).

    Example:
        >>> read_snapshot("w.snap").manifest["created"]  # doctest: +SKIP
        '2026-12-01'
    """
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise MalformedFile(f"{p}: cannot read the snapshot ({exc.strerror or exc})") from None
    manifest, module, triples = decode_snapshot(data, str(p))
    return SnapshotFile(p, manifest, module, triples)
