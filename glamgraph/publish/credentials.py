"""The bot password for ``publish --apply``: where it comes from, where it may go, and where not.

A Wikimedia bot password (Special:BotPasswords) is a user name ``User@BotName`` and a generated
password. :func:`load_credentials` reads it from ``GLAMGRAPH_BOT_USER`` /
``GLAMGRAPH_BOT_PASSWORD`` (as ``fix-countries`` does) or from a file that only its owner can
read::

    # chmod 600 this file
    GLAMGRAPH_BOT_USER=Organiser@glamgraph
    GLAMGRAPH_BOT_PASSWORD=...

A file that the group or others may read (or write) is refused. The password is sent only in
the login request, only over https (or plain http to a loopback host, for a wiki on this
machine); it is never printed, logged or written: :class:`Secret` hides it from ``repr`` (what
third-party loggers print), and :func:`redacted_logs` scrubs it and every token from the records
of the HTTP libraries while a publish runs.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final
from urllib.parse import urlsplit

from glamgraph.client.secrets import BOT_PASSWORD_ENV, BOT_USER_ENV, Secret
from glamgraph.errors import BadInput
from glamgraph.mediawiki import is_loopback_host

ENV_USER: Final = BOT_USER_ENV
ENV_PASSWORD: Final = BOT_PASSWORD_ENV


@dataclass(frozen=True)
class Credentials:
    """A bot password: ``user`` is ``User@BotName``; ``password`` never shows in a repr.

    >>> Credentials("Me@glamgraph", Secret("pw"))
    Credentials(user='Me@glamgraph', source='')
    """

    user: str
    password: Secret = field(repr=False)
    source: str = ""


def load_credentials(
    file: str | Path | None = None, environ: Mapping[str, str] | None = None
) -> Credentials:
    """The bot password from ``file`` if given, else from the environment.

    Raises:
        BadInput: no credentials, a file others can read, or a malformed file (the message
            names the file or the variables, never a value).

    >>> load_credentials(environ={})
    Traceback (most recent call last):
    ...
    glamgraph.errors.BadInput: --apply needs a bot password: set GLAMGRAPH_BOT_USER (User@BotName) and GLAMGRAPH_BOT_PASSWORD, or pass --credentials FILE; nothing was sent
    """
    if file is not None:
        return _from_file(Path(file))
    env = os.environ if environ is None else environ
    user, password = env.get(ENV_USER, "").strip(), env.get(ENV_PASSWORD, "")
    if not user or not password:
        raise BadInput(
            f"--apply needs a bot password: set {ENV_USER} (User@BotName) and {ENV_PASSWORD}, "
            "or pass --credentials FILE; nothing was sent"
        )
    _check_user(user, ENV_USER)
    return Credentials(user, Secret(password), "environment")


def _check_user(user: str, where: str) -> None:
    if "@" not in user or any(c in user for c in "\r\n\t"):
        raise BadInput(f"{where}: expected a bot password user name User@BotName")


def _from_file(path: Path) -> Credentials:
    try:
        st = path.stat()
    except OSError as exc:
        raise BadInput(f"credentials file {path}: {exc.strerror or exc}") from None
    if not stat.S_ISREG(st.st_mode):
        raise BadInput(f"credentials file {path}: not a regular file")
    if os.name == "posix":
        if st.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
            raise BadInput(
                f"credentials file {path}: readable or writable by others "
                f"(mode {stat.S_IMODE(st.st_mode):o}); run chmod 600 on it"
            )
        if hasattr(os, "getuid") and st.st_uid != os.getuid():
            raise BadInput(f"credentials file {path}: owned by another user")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise BadInput(f"credentials file {path}: unreadable ({exc.__class__.__name__})") from None
    values: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        key, sep, value = stripped.partition("=")
        key = key.strip()
        if not sep or key not in (ENV_USER, ENV_PASSWORD):
            raise BadInput(
                f"credentials file {path}, line {number}: expected {ENV_USER}=... or "
                f"{ENV_PASSWORD}=..."
            )
        values[key] = value.strip()
    user, password = values.get(ENV_USER, ""), values.get(ENV_PASSWORD, "")
    if not user or not password:
        raise BadInput(f"credentials file {path}: needs both {ENV_USER} and {ENV_PASSWORD}")
    _check_user(user, f"credentials file {path}")
    return Credentials(user, Secret(password), str(path))


def is_loopback(host: str) -> bool:
    """Whether ``host`` is this machine (see :func:`glamgraph.mediawiki.is_loopback_host`).

    >>> is_loopback("127.0.0.1"), is_loopback("localhost"), is_loopback("meta.wikimedia.org")
    (True, True, False)
    """
    return is_loopback_host(host)


def check_wiki_url(url: str, *, sends_credentials: bool) -> str:
    """``url`` if it is an http(s) API URL fit for the request; else :class:`BadInput`.

    A password goes over https only, or over plain http to a loopback host.

    >>> check_wiki_url("http://127.0.0.1:8080/w/api.php", sends_credentials=True)
    'http://127.0.0.1:8080/w/api.php'
    >>> check_wiki_url("http://wiki.example.org/w/api.php", sends_credentials=True)
    Traceback (most recent call last):
    ...
    glamgraph.errors.BadInput: refusing to send a password over plain http to wiki.example.org: use https (http is only for a wiki on this machine)
    """
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError:
        host, parts = "", urlsplit("")
    if parts.scheme not in ("http", "https") or not host:
        raise BadInput(f"malformed MediaWiki API URL: {url!r} (expected https://host/w/api.php)")
    if sends_credentials and parts.scheme == "http" and not is_loopback(host):
        raise BadInput(
            f"refusing to send a password over plain http to {host}: use https (http is only "
            "for a wiki on this machine)"
        )
    return url
