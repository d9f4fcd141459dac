"""The one on-disk cache: a folder per source of atomically written JSON entries.

Where: ``cache_dir`` if given, else ``$GLAMGRAPH_CACHE_DIR``, else the platform's user cache
folder; each source (``sparql``, ``mediawiki``) has its own sub-folder. An entry is one file named
by the sha256 of its key, holding an envelope::

    {"format": "glamgraph-cache/1", "source": "mediawiki", "key": "<sha256>",
     "saved_at": "2026-01-01T12:00:00+00:00", "payload": {...}}

The key itself is never stored (it may hold an endpoint URL), only its digest.

Rules, the same for every source:

- an entry is fresh for ``ttl_s`` seconds; a stale one is not returned, but kept until a fetch
  succeeds (a failed fetch never replaces or removes a good entry);
- writes are atomic (a private temporary file beside the entry, flushed, renamed over it);
- a corrupt, truncated or foreign entry, or one whose payload the caller's ``validate`` refuses,
  is never returned: it is discarded with a :class:`CacheWarning`;
- a folder that cannot be created, listed or written raises
  :class:`~glamgraph.errors.CacheUnusable` (exit code 2) naming it.

>>> import tempfile
>>> store = JsonStore(tempfile.mkdtemp(), "demo", ttl_s=60)
>>> _ = store.put(("http://127.0.0.1/api", "Page"), {"revid": 7})
>>> store.get(("http://127.0.0.1/api", "Page"), lambda p: int(p["revid"]))
7
>>> store.get(("http://127.0.0.1/api", "Other"), lambda p: p) is None
True
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import hashlib
import json
import os
import tempfile
import warnings
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, Final, TypeVar

import orjson

from glamgraph.errors import CacheUnusable
from glamgraph.files import CACHE_ENV_VAR, atomic_path, cache_root

FORMAT: Final = "glamgraph-cache/1"
T = TypeVar("T")


class CacheWarning(UserWarning):
    """A cache entry was unusable (corrupt, truncated, foreign) or could not be written."""


def key_digest(parts: Sequence[str]) -> str:
    """The sha256 of the key parts joined by newlines.

    >>> key_digest(("a", "b"))[:12]
    '7e18f737311b'
    """
    return hashlib.sha256("\n".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while many containers are made at once (parsing
    a large entry): its passes over the growing heap would cost as much as the parsing itself.
    Reference counting still frees everything no longer used.

    >>> with paused_gc():
    ...     rows = [[i] for i in range(3)]
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _loads(raw: bytes) -> Any:
    """The JSON value of an entry's bytes (orjson, straight from the bytes; what only the
    standard library reads, such as ``NaN``, through it)."""
    with paused_gc():
        try:
            return orjson.loads(raw)
        except orjson.JSONDecodeError:
            return json.loads(raw.decode("utf-8"))


def _dumps(value: Any) -> bytes:
    """``value`` as UTF-8 JSON: orjson, or the standard library for what orjson refuses (a
    lone surrogate, a key that is not a string; a dataclass or datetime is refused by both).
    JSON has no NaN: orjson writes a non-finite float as ``null`` (no payload holds one)."""
    try:
        return orjson.dumps(
            value, option=orjson.OPT_PASSTHROUGH_DATACLASS | orjson.OPT_PASSTHROUGH_DATETIME
        )
    except TypeError:
        return json.dumps(value, ensure_ascii=False).encode("utf-8", "surrogatepass")


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class JsonStore:
    """One source's folder of cached JSON entries (see the module documentation).

    Args:
        root: the cache folder (``None``: ``$GLAMGRAPH_CACHE_DIR`` or the platform's).
        source: the sub-folder, one per source (``sparql``, ``mediawiki``).
        ttl_s: seconds an entry stays fresh (0: never fresh).

    Raises:
        CacheUnusable: the folder cannot be created, listed or written.
    """

    def __init__(self, root: str | os.PathLike[str] | None, source: str, ttl_s: float) -> None:
        if not source.isidentifier():
            raise ValueError(f"cache source must be a plain name, got {source!r}")
        self.root = cache_root(root)
        self.source = source
        self.dir = self.root / source
        self.ttl_s = float(ttl_s)
        self._check()

    def _check(self) -> None:
        hint = f"set {CACHE_ENV_VAR} to a writable folder, or use --no-cache"
        try:
            self.dir.mkdir(parents=True, exist_ok=True)
            os.listdir(self.dir)
            fd, probe = tempfile.mkstemp(dir=self.dir, prefix=".probe-")
            os.close(fd)
            os.unlink(probe)
        except OSError as exc:
            why = exc.strerror or exc.__class__.__name__
            raise CacheUnusable(
                f"cache directory {str(self.dir)!r} is not usable: {why} ({hint})"
            ) from exc

    def path(self, key: Sequence[str]) -> Path:
        """The file that holds (or would hold) the entry for ``key``."""
        return self.dir / f"{key_digest(key)}.json"

    def _discard(self, path: Path, why: str) -> None:
        warnings.warn(
            f"discarding corrupt or unusable {self.source} cache entry {str(path)!r}: {why}; refetching",
            CacheWarning,
            stacklevel=4,
        )
        with contextlib.suppress(OSError):
            path.unlink()

    def get(self, key: Sequence[str], validate: Callable[[Any], T]) -> T | None:
        """The fresh entry for ``key`` as ``validate`` turns its payload, or ``None``.

        ``validate`` raises ``ValueError``, ``KeyError`` or ``TypeError`` for a payload it
        refuses; the entry is then discarded with a :class:`CacheWarning`.
        """
        path = self.path(key)
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            self._discard(path, f"unreadable ({exc.strerror or exc.__class__.__name__})")
            return None
        try:
            entry = _loads(raw)
            del raw  # the text is not held beside the value
            if not isinstance(entry, dict) or entry.get("format") != FORMAT:
                raise ValueError("not a glamgraph cache entry")
            if entry.get("source") != self.source or entry.get("key") != key_digest(key):
                raise ValueError("entry for another source or key")
            saved = dt.datetime.fromisoformat(str(entry["saved_at"]))
            if saved.tzinfo is None:
                raise ValueError("saved_at without a time zone")
            value = validate(entry["payload"])
        except (ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
            self._discard(path, str(exc) or exc.__class__.__name__)
            return None
        age = (_utcnow() - saved).total_seconds()
        if age >= self.ttl_s or age < -300:  # stale, or saved "in the future" (clock change)
            return None
        return value

    def saved_at(self, key: Sequence[str]) -> dt.datetime | None:
        """When the entry for ``key`` was saved (``None``: no readable entry)."""
        try:
            entry = _loads(self.path(key).read_bytes())
            return dt.datetime.fromisoformat(str(entry["saved_at"]))
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def put(
        self, key: Sequence[str], payload: Any, *, saved_at: dt.datetime | None = None
    ) -> Path | None:
        """Store ``payload`` (JSON-able) atomically; its path, or ``None`` if it could not be
        written (a :class:`CacheWarning`: the value in hand is still good)."""
        path = self.path(key)
        entry = {
            "format": FORMAT,
            "source": self.source,
            "key": key_digest(key),
            "saved_at": (saved_at or _utcnow()).isoformat(),
            "payload": payload,
        }
        try:
            data = _dumps(entry)
            with atomic_path(path, private=True, fsync=True) as tmp:
                tmp.write_bytes(data)
        except (OSError, ValueError, TypeError) as exc:
            warnings.warn(
                f"could not write {self.source} cache entry {str(path)!r}: {exc}",
                CacheWarning,
                stacklevel=3,
            )
            return None
        return path

    def clear(self) -> int:
        """Remove every entry of this source; how many were removed."""
        n = 0
        for p in self.dir.glob("*.json"):
            with contextlib.suppress(OSError):
                p.unlink()
                n += 1
        return n
