"""File helpers shared by the on-disk caches, the exports and the Wikibase writer.

:func:`cache_root` is where the SPARQL and MediaWiki caches live; :func:`atomic_path` is how
every single file glamgraph writes replaces its predecessor (a temporary file beside it, renamed
over it in one step); :func:`temp_beside` makes such a temporary file.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Final

import platformdirs

#: The environment variable that moves every cache (``--no-cache`` and settings aside).
CACHE_ENV_VAR: Final = "GLAMGRAPH_CACHE_DIR"


def cache_root(cache_dir: str | os.PathLike[str] | None = None) -> Path:
    """The cache folder: ``cache_dir``, else ``$GLAMGRAPH_CACHE_DIR``, else the platform's.

    >>> str(cache_root("/tmp/x"))
    '/tmp/x'
    """
    if cache_dir:
        return Path(cache_dir)
    env = os.environ.get(CACHE_ENV_VAR)
    if env:
        return Path(env)
    return Path(platformdirs.user_cache_dir("glamgraph"))


def temp_beside(path: str | os.PathLike[str], suffix: str = ".tmp") -> Path:
    """A new, empty, private (``0600``) file ``.NAME.XXXXXXXX<suffix>`` in ``path``'s folder."""
    target = Path(path)
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=suffix, dir=target.parent)
    os.close(fd)
    return Path(name)


@contextlib.contextmanager
def atomic_path(
    path: str | os.PathLike[str], *, private: bool = False, fsync: bool = False
) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; when the block ends cleanly it replaces ``path``
    in one rename. Whatever happens, the temporary file is gone afterwards; on an exception
    ``path`` is left as it was. OS errors propagate as they are.

    Args:
        path: the file to write.
        private: make the temporary file first, readable by its owner only (see
            :func:`temp_beside`), instead of leaving it to the writer (usual permissions).
        fsync: flush the written file to disk before the rename.

    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> with atomic_path(d / "a.txt", fsync=True) as tmp:
    ...     _ = tmp.write_text("done")
    >>> (d / "a.txt").read_text(), sorted(p.name for p in d.iterdir())
    ('done', ['a.txt'])
    """
    target = Path(path)
    if private:
        tmp = temp_beside(target)
    else:
        tmp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
    try:
        yield tmp
        if fsync:
            with open(tmp, "rb+") as fh:
                os.fsync(fh.fileno())
        os.replace(tmp, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
