"""The package version, read from the installed metadata."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("glamgraph")
except PackageNotFoundError:  # a bare checkout on sys.path
    __version__ = "0.1.0"

PROJECT_URL = "https://github.com/glamgraph/glamgraph"
CONTACT = "glamgraph maintainers, https://github.com/glamgraph/glamgraph/issues"
