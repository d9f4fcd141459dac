"""Options shared by several commands (endpoint, cache, fallback, timeout, contact).

``engine_options`` adds ``--endpoint``, ``--no-cache``, ``--cache-ttl``, ``--timeout``,
``--fallback``, ``--no-fallback``, ``--engine-kind``, ``--contact`` and ``--meta-wiki``; ``make_engine`` turns them into an engine. A command whose
function does not declare ``fallback``/``no_fallback`` parameters still gets them: the decorator
keeps them in the click context, where ``make_engine`` finds them.
"""

from __future__ import annotations

import functools
import inspect
import math
import re
from collections.abc import Callable, Sequence
from typing import Any, TypeVar, cast

import click

from glamgraph.client import operator_contact
from glamgraph.errors import BadInput

F = TypeVar("F", bound=Callable[..., Any])

_META_KEY = "glamgraph.engine_options"
_EXTRA = ("fallback", "no_fallback", "engine_kind", "contact", "meta_wiki")


def engine_options(func: F) -> F:
    """``--endpoint``, ``--no-cache``, ``--cache-ttl``, ``--timeout``, ``--fallback``, ``--no-fallback``."""
    accepted = inspect.signature(func).parameters
    takes_all = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in accepted.values())

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        extra = {k: kwargs[k] for k in _EXTRA if k in kwargs}
        ctx = click.get_current_context(silent=True)
        if ctx is not None:
            ctx.meta[_META_KEY] = extra
        for k in _EXTRA:
            if k not in accepted and not takes_all:
                kwargs.pop(k, None)
        return func(*args, **kwargs)

    out: Callable[..., Any] = wrapper
    out = click.option(
        "--meta-wiki",
        default=None,
        metavar="API_URL",
        help="The MediaWiki API the affiliates module is read from (a mirror, a test wiki; "
        "default GLAMGRAPH_META_API, else Meta-Wiki).",
    )(out)
    out = click.option(
        "--contact",
        default=None,
        metavar="EMAIL|URL",
        help="Your contact for the User-Agent of every request, as Wikimedia's policy asks "
        "(default GLAMGRAPH_CONTACT).",
    )(out)
    out = click.option(
        "--engine-kind",
        type=click.Choice(["wdqs", "qlever", "oxigraph", "virtuoso", "generic"]),
        default=None,
        help="The make of a URL endpoint, which decides the SPARQL dialect and row cap "
        "(default: detected once from the server's Server header).",
    )(out)
    out = click.option(
        "--no-fallback",
        is_flag=True,
        help="Never fall back to another endpoint (wdqs falls back to qlever by default).",
    )(out)
    out = click.option(
        "--fallback",
        multiple=True,
        metavar="NAME|URL",
        help="Endpoint to try when the main one fails for reasons other than the query "
        "(repeatable, tried in order; replaces the default wdqs -> qlever).",
    )(out)
    out = click.option(
        "--timeout",
        type=float,
        default=None,
        help="Seconds the client waits for one whole HTTP answer (default: 65 for wdqs and "
        "URLs, 35 for qlever, whose own deadline is 30 s).",
    )(out)
    out = click.option(
        "--cache-ttl",
        type=float,
        default=86400.0,
        show_default=True,
        help="Seconds a cached result stays fresh (0: always refetch).",
    )(out)
    out = click.option(
        "--no-cache",
        is_flag=True,
        help="Skip the on-disk query cache (default: on, in the platform's user cache folder "
        "or GLAMGRAPH_CACHE_DIR).",
    )(out)
    out = click.option(
        "--endpoint",
        default="wdqs",
        show_default=True,
        metavar="NAME|URL",
        help="wdqs, qlever, snapshot (offline, in-process) or a SPARQL endpoint URL.",
    )(out)
    return cast(F, out)


def make_engine(
    endpoint: str,
    no_cache: bool,
    cache_ttl: float,
    timeout: float | None,
    *,
    fallback: Sequence[str] | None = None,
    no_fallback: bool | None = None,
    engine_kind: str | None = None,
    contact: str | None = None,
    meta_wiki: str | None = None,
) -> Any:
    """The engine the shared options describe (errors: BadInput -> exit 2).

    ``fallback``/``no_fallback`` default to the command line's ``--fallback``/``--no-fallback``.
    """
    from glamgraph.sparql import get_engine

    settings, chain = engine_settings(
        no_cache,
        cache_ttl,
        timeout,
        fallback=fallback,
        no_fallback=no_fallback,
        engine_kind=engine_kind,
        contact=contact,
        meta_wiki=meta_wiki,
    )
    return get_engine(endpoint, settings, fallback=chain)


def engine_settings(
    no_cache: bool,
    cache_ttl: float,
    timeout: float | None,
    *,
    fallback: Sequence[str] | None = None,
    no_fallback: bool | None = None,
    engine_kind: str | None = None,
    contact: str | None = None,
    meta_wiki: str | None = None,
) -> tuple[Any, list[str] | None]:
    """The checked :class:`~glamgraph.sparql.Settings` and fallback chain of the shared options,
    without making the engine (errors: BadInput -> exit 2); see :func:`make_engine`."""
    from glamgraph.sparql import Settings

    ctx = click.get_current_context(silent=True)
    given: dict[str, Any] = ctx.meta.get(_META_KEY, {}) if ctx is not None else {}
    if fallback is None:
        fallback = tuple(given.get("fallback") or ())
    if no_fallback is None:
        no_fallback = bool(given.get("no_fallback", False))
    if engine_kind is None:
        engine_kind = given.get("engine_kind")
    if contact is None:
        contact = given.get("contact")
    if meta_wiki is None:
        meta_wiki = given.get("meta_wiki")
    if meta_wiki is not None and not re.fullmatch(r"https?://[^\s/?#]+/\S*", meta_wiki):
        raise BadInput(f"--meta-wiki: not an http(s) MediaWiki API URL: {meta_wiki!r}")
    operator_contact(contact)  # refuses control characters and over-long values
    if math.isnan(cache_ttl):
        raise BadInput("--cache-ttl: not a number (nan); use 0 or more seconds")
    if not cache_ttl >= 0:
        raise BadInput(f"--cache-ttl: negative cache TTL {cache_ttl:g}; use 0 or more seconds")
    if timeout is not None and math.isnan(timeout):
        raise BadInput("--timeout: not a number (nan); use a positive number of seconds")
    if timeout is not None and not (timeout > 0 and math.isfinite(timeout)):
        raise BadInput(f"--timeout: must be a positive number of seconds, got {timeout:g}")
    if no_fallback and fallback:
        raise BadInput("--fallback and --no-fallback exclude each other")
    chain: list[str] | None = [] if no_fallback else (list(fallback) or None)
    settings = Settings(
        use_cache=not no_cache,
        cache_ttl_s=cache_ttl,
        timeout_s=timeout,
        engine_kind=engine_kind,
        contact=contact,
        meta_api=meta_wiki,
    )
    return settings, chain
