"""Keeping credentials out of everything glamgraph shows or stores: :func:`redact_url`.

An endpoint URL may carry a secret: ``http://user:password@host/sparql`` or
``https://host/sparql?access_token=...``. The real URL is still what requests are sent to; every
place that *shows* or *stores* an endpoint (engine names, results, provenance, ``run.json``,
``graph.trig``, wikitext, maps, GeoJSON, cache entries, error messages) uses the redacted form.
"""

from __future__ import annotations

import re
from typing import Final
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

#: What a redacted value is replaced with.
REDACTED: Final = "REDACTED"

#: Query parameter names (compared case-insensitively, ``-`` and ``_`` alike) that hold secrets.
SECRET_PARAMS: Final = frozenset(
    {
        "access_token",
        "accesstoken",
        "token",
        "auth_token",
        "id_token",
        "refresh_token",
        "key",
        "apikey",
        "api_key",
        "password",
        "passwd",
        "pwd",
        "pass",
        "secret",
        "client_secret",
        "auth",
        "authorization",
        "sig",
        "signature",
        "session",
        "sessionid",
        "credential",
        "credentials",
        "x-amz-signature",
        "x-amz-credential",
        "x-amz-security-token",
    }
)

_SECRETISH_RE: Final = re.compile(r"(token|secret|passw|apikey|api_key|signature)", re.I)
_URL_IN_TEXT_RE: Final = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*://[^\s'\"<>]+")


def is_secret_param(name: str) -> bool:
    """Whether a query parameter name looks like it holds a secret.

    >>> is_secret_param("Access_Token"), is_secret_param("apiKey"), is_secret_param("lang")
    (True, True, False)
    """
    low = name.strip().lower().replace("-", "_")
    return (
        low in SECRET_PARAMS
        or low.replace("_", "-") in SECRET_PARAMS
        or bool(_SECRETISH_RE.search(low))
    )


def redact_url(url: str) -> str:
    """``url`` without user info and with secret-looking query parameter values replaced.

    Anything that is not a URL with a scheme and host comes back unchanged (an engine name such as
    ``wdqs`` stays ``wdqs``).

    Args:
        url: an endpoint URL or engine name.

    Returns:
        The URL safe to show and store.

    >>> redact_url("http://user:pa55@127.0.0.1:7878/query?access_token=S3CRET&lang=en")
    'http://127.0.0.1:7878/query?access_token=REDACTED&lang=en'
    >>> redact_url("https://h.example/sparql?API_KEY=x")
    'https://h.example/sparql?API_KEY=REDACTED'
    >>> redact_url("wdqs")
    'wdqs'
    """
    if "://" not in url:
        return url
    try:
        parts = urlsplit(url)
    except ValueError:
        return _crude(url)
    netloc = parts.netloc
    if "@" in netloc:
        netloc = netloc.rsplit("@", 1)[1]
    query = parts.query
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        if any(is_secret_param(k) for k, _ in pairs):
            query = urlencode(
                [(k, REDACTED if is_secret_param(k) else v) for k, v in pairs], safe=":/,"
            )
    fragment = parts.fragment
    if fragment and "=" in fragment:
        fragment = REDACTED
    return urlunsplit((parts.scheme, netloc, parts.path, query, fragment))


def _crude(url: str) -> str:
    """A best-effort redaction of a URL that does not even split (a malformed one)."""
    url = re.sub(r"(://)[^/@\s]*@", r"\1", url)
    return re.sub(r"([?&;][^=&;#]*=)([^&;#]*)", _crude_param, url)


def _crude_param(m: re.Match[str]) -> str:
    name = m.group(1)[1:-1]
    return m.group(1) + (REDACTED if is_secret_param(name) else m.group(2))


def redact_text(text: str) -> str:
    """``text`` with every URL in it redacted (for messages that may quote an endpoint).

    >>> redact_text("cannot reach 'http://u:pw@h.example/q?token=abc' now")
    "cannot reach 'http://h.example/q?token=REDACTED' now"
    """
    if "://" not in text:
        return text
    return _URL_IN_TEXT_RE.sub(lambda m: redact_url(m.group(0)), text)
