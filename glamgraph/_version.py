"""The package version, read from the installed metadata."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("glamgraph")
except PackageNotFoundError:  # a bare checkout on sys.path
    __version__ = "0.1.0"

PROJECT_URL = "https://github.com/glamgraph/glamgraph"
CONTACT = "glamgraph maintainers, https://github.com/glamgraph/glamgraph/issues"


def user_agent(extra: str = "") -> str:
    """The User-Agent sent on every request, per the Wikimedia User-Agent policy.

    >>> user_agent().startswith("glamgraph/")
    True
    """
    import platform

    ua = f"glamgraph/{__version__} ({PROJECT_URL}; {CONTACT}) Python/{platform.python_version()}"
    return f"{ua} {extra}".strip()
