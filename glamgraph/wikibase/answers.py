"""MediaWiki's answers sorted: waited out and retried, or ending the run.

The response hook :class:`_Guard` turns an answer to wait out (``maxlag``, ``readonly``, a rate
limit, HTTP 5xx) into :class:`_Transient` before wikibaseintegrator sees it; :class:`_Stop` is an
error every later edit would meet too.
"""

from __future__ import annotations

from typing import Any, Final

from glamgraph._http import parse_retry_after

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
