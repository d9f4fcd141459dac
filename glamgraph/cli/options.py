"""Options shared by several commands (endpoint, cache, quiet)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


def engine_options(func: F) -> F:
    """``--endpoint``, ``--no-cache``, ``--cache-ttl`` and ``--timeout`` for commands that query."""
    func = click.option(
        "--timeout",
        type=float,
        default=65.0,
        show_default=True,
        help="Seconds the client waits for one HTTP answer.",
    )(func)
    func = click.option(
        "--cache-ttl",
        type=float,
        default=86400.0,
        show_default=True,
        help="Seconds a cached result stays fresh.",
    )(func)
    func = click.option("--no-cache", is_flag=True, help="Skip the on-disk query cache.")(func)
    func = click.option(
        "--endpoint",
        default="wdqs",
        show_default=True,
        metavar="NAME|URL",
        help="wdqs, qlever, snapshot (offline, in-process) or a SPARQL endpoint URL.",
    )(func)
    return func


def make_engine(endpoint: str, no_cache: bool, cache_ttl: float, timeout: float) -> Any:
    """The engine the shared options describe (errors: BadInput -> exit 2)."""
    from glamgraph.sparql import Settings, get_engine

    settings = Settings(use_cache=not no_cache, cache_ttl_s=cache_ttl, timeout_s=timeout)
    return get_engine(endpoint, settings)
