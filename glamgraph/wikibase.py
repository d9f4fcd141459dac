"""The former name of :mod:`glamgraph.fixes` (``fix-countries``), kept so existing imports work."""

from __future__ import annotations

from glamgraph.fixes import *  # noqa: F403
from glamgraph.fixes import Secret as _Secret  # noqa: F401 - the former private name
from glamgraph.fixes import __all__ as __all__
