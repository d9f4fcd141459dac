"""Keeping bot passwords and tokens out of reprs, messages and the logs of HTTP libraries.

Shared by every command that logs in (``fix-countries --apply``, ``publish --apply``):

- :class:`Secret` is a string whose ``repr`` hides it (what a library's retry logger prints of
  its keyword arguments);
- :func:`scrub` hides secrets and token values in a text;
- :func:`redacted_logs` attaches a filter to every logger of the HTTP libraries (and
  glamgraph's) for the duration of a block.

>>> repr(Secret("hunter2")), str(Secret("hunter2"))
("'<redacted>'", 'hunter2')
"""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import Iterator, Sequence
from typing import Final

#: Environment variables holding a bot password (``User@BotName`` and the generated password).
BOT_USER_ENV: Final = "GLAMGRAPH_BOT_USER"
BOT_PASSWORD_ENV: Final = "GLAMGRAPH_BOT_PASSWORD"

_TOKEN_RE: Final = re.compile(
    r"""((?:lg|csrf|login)?token['"]?\s*[:=]\s*['"]?)([^'"&,}\s]+)(['"]?)"""
)
_LOGGERS: Final = ("wikibaseintegrator", "backoff", "urllib3", "requests", "glamgraph")


class Secret(str):
    """A string whose ``repr`` hides it."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "'<redacted>'"


def scrub(text: str, *secrets: str) -> str:
    """``text`` with every secret replaced and every token value hidden.

    >>> scrub("pw=hunter2 'token': 'abc+\\\\'", "hunter2")
    "pw=<redacted> 'token': '<redacted>'"
    """
    for secret in secrets:
        if secret:
            text = text.replace(secret, "<redacted>")
    return _TOKEN_RE.sub(r"\1<redacted>\3", text)


class _Redactor(logging.Filter):
    """Hides secrets and tokens in log records; drops the third-party tracebacks of errors that
    glamgraph handles and reports itself (``handled``)."""

    def __init__(self, secrets: Sequence[str], handled: tuple[type[BaseException], ...]) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s]
        self.handled = handled

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        third_party = not record.name.startswith("glamgraph")
        if exc is not None and third_party and isinstance(exc, self.handled):
            return False
        message = record.getMessage()
        clean = scrub(message, *self.secrets)
        if clean != message:
            record.msg, record.args = clean, None
        if record.exc_info and not record.exc_text:
            record.exc_text = scrub(
                logging.Formatter().formatException(record.exc_info), *self.secrets
            )
        return True


@contextlib.contextmanager
def redacted_logs(
    secrets: Sequence[str], handled: tuple[type[BaseException], ...] = ()
) -> Iterator[None]:
    """A filter on every logger of the HTTP libraries (and glamgraph's) that hides ``secrets``
    and token values for the duration of the block, and drops third-party records of the
    ``handled`` exceptions."""
    redactor = _Redactor(secrets, handled)
    names = [n for n in list(logging.root.manager.loggerDict) if n.split(".")[0] in _LOGGERS]
    loggers = [logging.getLogger(n) for n in dict.fromkeys([*_LOGGERS, *names])]
    for lg in loggers:
        lg.addFilter(redactor)
    try:
        yield
    finally:
        for lg in loggers:
            lg.removeFilter(redactor)
