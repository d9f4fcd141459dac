"""Reading a page's current wikitext (or Lua source) through the MediaWiki Action API, cached.

One request shape, the one Meta-Wiki answers for ``Module:Organizational_Informations``::

    action=query&prop=revisions&titles=TITLE&rvprop=content|ids|timestamp&rvslots=main
    &format=json&formatversion=2&maxlag=5

sent with glamgraph's User-Agent (the operator's contact included) over ``urllib`` (standard
library, always with the settings' timeout), on the client layer (:mod:`glamgraph.client`): one
:class:`~glamgraph.client.Settings`, one retry policy, one cache. Transient failures are retried
with exponential backoff and jitter: HTTP 5xx, connection errors and client timeouts, and the
two ways a wiki asks a client to slow down, HTTP 429 and the ``maxlag`` error (HTTP 200 with a
``Retry-After`` header), whose wait is honoured up to ``Settings.max_retry_after_s`` (a longer
one fails at once). Every other answer
that is not the page (``missing``, ``invalid``, an ``error`` object, a 4xx, a body that is not
API JSON) raises :class:`~glamgraph.errors.MediaWikiError` with a one-line message naming the
page and the API code (CLI exit code 3).

The answer (revision id, timestamp, content) is cached in the client layer's store
(:class:`~glamgraph.client.JsonStore`, folder ``mediawiki/``), for ``Settings.cache_ttl_s``.
Entries are written atomically; a corrupt entry is discarded with a warning and the page
fetched again; a failed fetch never touches a good entry.

>>> rev = Revision(title="Module:Organizational Informations", pageid=1, revid=27654321,
...                timestamp="2025-03-01T10:20:30Z", content="return {}",
...                api_url="https://meta.wikimedia.org/w/api.php")
>>> rev.permalink
'https://meta.wikimedia.org/w/index.php?oldid=27654321'
>>> rev.describe()
'Module:Organizational Informations rev 27654321 (2025-03-01T10:20:30Z)'
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import http.client
import json
import socket
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from glamgraph.client import CacheWarning as CacheWarning  # re-exported: one cache warning
from glamgraph.client import JsonStore, Settings, Verdict, call
from glamgraph.client.retry_after import parse_retry_after
from glamgraph.errors import BadInput, MediaWikiError

#: The client's deadline per request when ``Settings.timeout_s`` leaves it to the protocol.
DEFAULT_TIMEOUT_S: Final = 30.0

#: Settings of the MediaWiki client: the client layer's one :class:`~glamgraph.client.Settings`.
MediaWikiSettings = Settings
#: API error codes that mean "try again later" rather than "this request is wrong".
TRANSIENT_CODES: Final = frozenset({"maxlag", "ratelimited", "readonly", "internal_api_error"})


@dataclass(frozen=True)
class Revision:
    """The current revision of a page: what a report needs to cite it, and its content."""

    title: str  # the title as the wiki normalised it
    pageid: int
    revid: int
    timestamp: str  # ISO 8601, UTC, as the API gives it
    content: str
    api_url: str
    parentid: int | None = None
    contentmodel: str = ""
    fetched: str = ""  # when glamgraph fetched it (ISO 8601, UTC)
    from_cache: bool = False

    @property
    def permalink(self) -> str:
        """A link to exactly this revision (``index.php?oldid=``)."""
        base = self.api_url.rsplit("/", 1)[0]
        return f"{base}/index.php?oldid={self.revid}"

    def describe(self) -> str:
        """``Title rev N (timestamp)``: one line for a provenance note."""
        return f"{self.title} rev {self.revid} ({self.timestamp})"

    def provenance(self) -> dict[str, Any]:
        """The revision without its content, for a report or the knowledge graph."""
        rec = dataclasses.asdict(self)
        del rec["content"]
        rec["permalink"] = self.permalink
        return rec


class WaitOut(Exception):
    """A failure worth another attempt; ``retry_after`` is the server's own wait, if it gave one."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def parse_response(data: object, title: str, api_url: str) -> Revision:
    """The revision in a ``formatversion=2`` answer, or the error it reports.

    Raises:
        MediaWikiError: ``missing`` or ``invalid`` page, an ``error`` object, or an answer
            without the revision's content.

    >>> parse_response({"query": {"pages": [{"ns": 828, "title": "Module:Nope", "missing": True}]}},
    ...                "Module:Nope", "https://meta.wikimedia.org/w/api.php")
    Traceback (most recent call last):
    ...
    glamgraph.errors.MediaWikiError: Module:Nope: page missing on https://meta.wikimedia.org/w/api.php (API code missing)
    """
    if not isinstance(data, dict):
        raise MediaWikiError(f"{title}: {api_url} answered JSON that is not an API object")
    error = data.get("error")
    if isinstance(error, dict):
        code = str(error.get("code", "?"))
        info = " ".join(str(error.get("info", "")).split())
        raise MediaWikiError(f"{title}: {api_url} answered an error (API code {code}): {info}")
    query = data.get("query")
    pages = query.get("pages") if isinstance(query, dict) else None
    if isinstance(pages, dict):  # formatversion=1 keys pages by id
        pages = list(pages.values())
    if not isinstance(pages, list) or not pages or not isinstance(pages[0], dict):
        raise MediaWikiError(f"{title}: {api_url} answered without query.pages (API code none)")
    page = pages[0]
    shown = str(page.get("title", title))
    if page.get("invalid") not in (None, False):
        reason = " ".join(str(page.get("invalidreason", "")).split())
        raise MediaWikiError(f"{title}: invalid title (API code invalid): {reason}")
    if page.get("missing") not in (None, False):
        raise MediaWikiError(f"{shown}: page missing on {api_url} (API code missing)")
    revs = page.get("revisions")
    if not isinstance(revs, list) or not revs or not isinstance(revs[0], dict):
        raise MediaWikiError(f"{shown}: {api_url} answered no revision (API code norevisions)")
    rev = revs[0]
    slot = rev.get("slots", {}).get("main") if isinstance(rev.get("slots"), dict) else None
    if not isinstance(slot, dict):
        raise MediaWikiError(f"{shown}: revision without a main slot (API code noslot)")
    if (
        slot.get("texthidden")
        or slot.get("textmissing")
        or not isinstance(slot.get("content"), str)
    ):
        raise MediaWikiError(
            f"{shown}: the revision's content is hidden or missing (API code "
            f"{'texthidden' if slot.get('texthidden') else 'textmissing'})"
        )
    try:
        revid = int(rev["revid"])
        pageid = int(page.get("pageid", 0))
    except (KeyError, TypeError, ValueError) as exc:
        raise MediaWikiError(f"{shown}: revision without an id (API code norevid)") from exc
    parent = rev.get("parentid")
    return Revision(
        title=shown,
        pageid=pageid,
        revid=revid,
        timestamp=str(rev.get("timestamp", "")),
        content=slot["content"],
        api_url=api_url,
        parentid=int(parent) if isinstance(parent, int) else None,
        contentmodel=str(slot.get("contentmodel", "")),
    )


class MediaWikiClient:
    """Reads pages from one wiki's Action API (``api_url``), with retry and an on-disk cache.

    Args:
        api_url: the wiki's ``api.php`` (``None``: ``settings.meta_api_url()``, Meta-Wiki by
            default, or ``GLAMGRAPH_META_API``).
        settings: timeouts, attempts, cache, contact; see :class:`~glamgraph.client.Settings`.
        sleep: how to wait between attempts (tests pass a recorder); ``Settings.sleep`` wins
            when set.

    Example (not run: it reaches Meta-Wiki)::

        >>> rev = MediaWikiClient().page("Module:Organizational_Informations")  # doctest: +SKIP
        >>> rev.revid, rev.timestamp  # doctest: +SKIP
        (27654321, '2025-03-01T10:20:30Z')
    """

    def __init__(
        self,
        api_url: str | None = None,
        settings: Settings | None = None,
        *,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        settings = settings or Settings()
        if settings.sleep is None and sleep is not None:
            settings = dataclasses.replace(settings, sleep=sleep)
        api_url = api_url or settings.meta_api_url()
        scheme = urllib.parse.urlsplit(api_url).scheme
        if scheme not in ("http", "https"):
            raise BadInput(f"not an http(s) MediaWiki API URL: {api_url!r}")
        self.api_url = api_url
        self.settings = settings
        self.user_agent = settings.user_agent(
            f"urllib/{sys.version_info.major}.{sys.version_info.minor}"
        )
        #: seconds to wait for one answer: ``Settings.timeout_s``, else MediaWiki's default
        self.timeout_s = settings.timeout_s or DEFAULT_TIMEOUT_S
        self.requests_sent = 0

    # --- public -------------------------------------------------------------------------------
    def page(self, title: str, *, use_cache: bool | None = None) -> Revision:
        """The current revision of ``title``, from the cache when fresh, else from the wiki.

        Raises:
            MediaWikiError: the page is missing or invalid, the API answered an error, or the
                wiki could not be reached after the retries.
        """
        if not title or "\n" in title:
            raise BadInput(f"malformed page title: {title!r}")
        cached = use_cache if use_cache is not None else self.settings.use_cache
        store = self._store() if cached else None
        key = (self.api_url, title)
        if store is not None:
            hit = store.get(key, lambda payload: _revision_from(payload, self.api_url, title))
            if hit is not None:
                return hit
        rev = self._fetch(title)
        rev = dataclasses.replace(
            rev, fetched=dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        )
        if store is not None:
            rec = dataclasses.asdict(rev)
            rec["from_cache"] = False
            store.put(key, rec)
        return rev

    # --- HTTP ---------------------------------------------------------------------------------
    def _store(self) -> JsonStore:
        return JsonStore(self.settings.cache_dir, "mediawiki", self.settings.cache_ttl_s)

    def _params(self, title: str) -> dict[str, str]:
        return {
            "action": "query",
            "prop": "revisions",
            "titles": title,
            "rvprop": "content|ids|timestamp",
            "rvslots": "main",
            "format": "json",
            "formatversion": "2",
            "maxlag": str(self.settings.maxlag),
        }

    def _fetch(self, title: str) -> Revision:
        def too_long(exc: BaseException, wait: float) -> BaseException:
            return MediaWikiError(
                f"{title}: {self.api_url} asked to wait {wait:g} s ({exc}), more than the "
                f"cap of {self.settings.max_retry_after_s:g} s"
            )

        def gave_up(exc: BaseException, attempts: int) -> BaseException:
            if not isinstance(exc, WaitOut):
                return exc
            return MediaWikiError(
                f"{title}: {self.api_url} failed after {attempts} "
                f"attempt{'s' * (attempts > 1)}: {exc}"
            )

        return call(
            lambda: self._once(title), self.settings, classify, too_long=too_long, gave_up=gave_up
        )

    def _once(self, title: str) -> Revision:
        url = self.api_url + "?" + urllib.parse.urlencode(self._params(title))
        req = urllib.request.Request(
            url, headers={"User-Agent": self.user_agent, "Accept": "application/json"}
        )
        self.requests_sent += 1
        try:
            with urllib.request.urlopen(req, timeout=self.timeout_s) as resp:
                body = resp.read()
                headers: Mapping[str, str] = resp.headers
        except urllib.error.HTTPError as exc:
            with contextlib.suppress(OSError, http.client.HTTPException):
                exc.read()
            raise self._http_error(title, exc.code, exc.headers) from exc
        except TimeoutError as exc:
            raise WaitOut(f"no answer within {self.timeout_s:g} s") from exc
        except (urllib.error.URLError, http.client.HTTPException, OSError) as exc:
            reason = getattr(exc, "reason", None) or exc.__class__.__name__
            if isinstance(reason, socket.gaierror | ConnectionRefusedError):
                # offline, or nothing listens there: resending will not help (fail fast)
                raise MediaWikiError(
                    f"{title}: {self.api_url} cannot be reached ({reason}); offline, use "
                    "--affiliates FILE or --endpoint snapshot"
                ) from exc
            raise WaitOut(f"connection failed: {reason}") from exc
        try:
            data = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
            snippet = " ".join(body[:120].decode("utf-8", "replace").split())
            raise MediaWikiError(
                f"{title}: {self.api_url} answered something that is not API JSON "
                f"(API code none): {snippet!r}"
            ) from exc
        error = data.get("error") if isinstance(data, dict) else None
        if isinstance(error, dict) and str(error.get("code")) in TRANSIENT_CODES:
            code = str(error.get("code"))
            wait = parse_retry_after(headers.get("Retry-After"))
            if wait is None and code == "maxlag":
                lag = error.get("lag")
                wait = max(5.0, float(lag)) if isinstance(lag, int | float) else 5.0
            info = " ".join(str(error.get("info", "")).split())
            raise WaitOut(f"API code {code}: {info}", wait)
        return parse_response(data, title, self.api_url)

    def _http_error(self, title: str, status: int, headers: Any) -> Exception:
        """The exception for a non-200 answer: transient (429, 5xx) or final (other 4xx)."""
        if status == 429:
            wait = parse_retry_after(headers.get("Retry-After") if headers else None)
            return WaitOut("rate limited (HTTP 429)", wait)
        if status >= 500:
            return WaitOut(f"server error (HTTP {status})")
        return MediaWikiError(f"{title}: {self.api_url} answered HTTP {status} (API code http)")


def classify(exc: BaseException) -> Verdict:
    """The MediaWiki classifier for the client layer's retry policy: :class:`WaitOut` is retried
    (after the server's wait, if it named one); everything else is final.

    >>> classify(WaitOut("maxlag", 5.0)), classify(MediaWikiError("missing"))
    (Verdict(retry=True, wait_s=5.0), Verdict(retry=False, wait_s=None))
    """
    if isinstance(exc, WaitOut):
        return Verdict(True, exc.retry_after)
    return Verdict(False)


def _revision_from(payload: Any, api_url: str, title: str) -> Revision:
    """A cached revision, checked field by field (ValueError/TypeError/KeyError when bad)."""
    if not isinstance(payload, dict):
        raise TypeError("payload is not an object")
    if payload.get("api_url") != api_url:
        raise ValueError("entry for another wiki")
    fields = {f.name for f in dataclasses.fields(Revision)}
    rev = Revision(**{k: v for k, v in payload.items() if k in fields})
    if not isinstance(rev.content, str) or not isinstance(rev.revid, int):
        raise ValueError("content or revid of the wrong type")
    return dataclasses.replace(rev, from_cache=True)


def fetch_page(
    title: str,
    *,
    api_url: str | None = None,
    settings: Settings | None = None,
    use_cache: bool | None = None,
) -> Revision:
    """The current revision of one page (see :class:`MediaWikiClient`).

    Example (not run: it reaches Meta-Wiki)::

        >>> fetch_page(vocab.AFFILIATES_MODULE).describe()  # doctest: +SKIP
        'Module:Organizational Informations rev 27654321 (2025-03-01T10:20:30Z)'
    """
    return MediaWikiClient(api_url, settings).page(title, use_cache=use_cache)


def is_loopback_host(host: str | None) -> bool:
    """Whether ``host`` names this machine (``localhost``, 127.0.0.0/8, ``::1``).

    >>> is_loopback_host("127.0.0.1"), is_loopback_host("localhost"), is_loopback_host("example.org")
    (True, True, False)
    """
    import ipaddress

    if not host:
        return False
    host = host.strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_credential_transport(api_url: str, *, allow_insecure_http: bool = False) -> str:
    """Refuse to send a password over plain HTTP, unless to loopback or explicitly allowed.

    Args:
        api_url: the MediaWiki Action API URL a login would go to.
        allow_insecure_http: accept ``http://`` to another host (the CLI's
            ``--allow-insecure-http``), e.g. a test wiki on a private network.

    Returns:
        ``api_url``.

    Raises:
        BadInput: ``http://`` to a host other than loopback, not allowed.

    >>> check_credential_transport("http://127.0.0.1:8080/w/api.php")
    'http://127.0.0.1:8080/w/api.php'
    >>> check_credential_transport("http://wiki.example/w/api.php")
    Traceback (most recent call last):
    ...
    glamgraph.errors.BadInput: refusing to send a password over plain HTTP to 'http://wiki.example/w/api.php': use https:// (or --allow-insecure-http for a trusted network); nothing was sent
    """
    from urllib.parse import urlsplit

    from glamgraph.redaction import redact_url

    try:
        parts = urlsplit(api_url)
        scheme, host = parts.scheme.lower(), parts.hostname
    except ValueError:
        scheme, host = "", None
    if scheme == "https" or allow_insecure_http or is_loopback_host(host):
        return api_url
    raise BadInput(
        f"refusing to send a password over plain HTTP to {redact_url(api_url)!r}: use https:// "
        "(or --allow-insecure-http for a trusted network); nothing was sent"
    )
