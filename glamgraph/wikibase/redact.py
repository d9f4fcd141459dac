"""Keeping the bot password and tokens out of reprs, messages and third-party logs."""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import Iterator, Sequence
from typing import Final

from glamgraph.wikibase.answers import _Transient


class _Secret(str):
    """A string whose ``repr`` hides it: what wikibaseintegrator's retry logger prints of kwargs."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "'<redacted>'"


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
    tracebacks of errors this package handles and reports itself."""

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
