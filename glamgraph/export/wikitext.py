"""``contacts.wikitext``: a sortable wikitable per region, ready to paste on Meta-Wiki.

Every piece of text from Wikidata goes through :func:`escape` before it reaches the page, so a
label holding ``|``, ``{{``, ``[[``, ``!``, ``=`` or a newline cannot open a template, a link,
a new cell or a heading. Links are built by :func:`wikilink` and :func:`external_link`, which
escape their labels too and percent-encode what a URL may not hold.

>>> print(wikilink("Q1", "A | B [[x]]"))
[[d:Q1|A &#124; B &#91;&#91;x&#93;&#93;]]
>>> print(external_link("https://example.org/a b|c", "example.org"))
[https://example.org/a%20b%7Cc example.org]

Example::

    from glamgraph.export import to_wikitext
    to_wikitext(coverage, "contacts.wikitext")
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from typing import Final
from urllib.parse import urlsplit

from glamgraph import ids
from glamgraph.export.common import (
    COORD_DECIMALS,
    ContactRow,
    atomic_path,
    contact_rows,
    http_url,
    label_order,
    number,
    provenance_line,
    selected_rows,
)
from glamgraph.model import Coverage, CoverageRow

#: Characters that mean something to the wikitext parser anywhere in a line, as entities.
_ENTITIES: Final[dict[str, str]] = {
    "&": "&amp;",  # first, so existing entities show as typed
    "<": "&lt;",  # tags: <nowiki>, <ref>, <br>, comments
    ">": "&gt;",
    "|": "&#124;",  # cell and link separators
    "!": "&#33;",  # header cell separator (!!)
    "{": "&#123;",  # templates, parser functions, tables
    "}": "&#125;",
    "[": "&#91;",  # links
    "]": "&#93;",
    "=": "&#61;",  # headings, template parameters
    "~": "&#126;",  # ~~~~ signatures expand on save
}
#: Runs that are markup only when repeated: ''italic'', __NOTOC__ (one of each is kept as is).
_REPEATS: Final[dict[str, str]] = {"'": "&#39;", "_": "&#95;"}
_ESCAPE_RE: Final = re.compile(
    "[" + re.escape("".join(_ENTITIES)) + "]|'(?=')|(?<=')'|_(?=_)|(?<=_)_"
)
#: Line breaks of every kind (including U+2028/2029 and NEL) and other control characters.
_BREAKS_RE: Final = re.compile(r"[\r\n\x0b\x0c\x1c-\x1e\x85\u2028\u2029]+")
_CONTROL_RE: Final = re.compile(r"[\x00-\x08\x0e-\x1b\x1f\x7f]")
#: Bidi embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069): they can make a cell
#: read backwards (``U+202E``) or run into the next one; dropped from text, %-encoded in URLs.
_BIDI_RE: Final = re.compile("[\u202a-\u202e\u2066-\u2069]")
#: Characters percent-encoded in external link URLs (they would end the URL or the cell).
_URL_UNSAFE: Final[dict[str, str]] = {c: f"%{ord(c):02X}" for c in " \t\"'<>[]{}|!~\\^`"} | {
    c: "".join(f"%{b:02X}" for b in c.encode("utf-8"))
    for c in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
}
#: The second ``_`` of a run: ``__NOTOC__`` in a URL would still switch the page's TOC off.
_URL_REPEAT_RE: Final = re.compile("(?<=_)_")

#: The columns of each table (sortable by each).
HEADERS: Final[tuple[str, ...]] = (
    "Institution",
    "Item",
    "Type",
    "Website",
    "Email",
    "Phone",
    "Address",
    "Coordinates",
)


def escape(text: str) -> str:
    """Make any text safe inside a table cell, heading or link label: one line, no markup.

    Markup characters become HTML entities (which MediaWiki shows as the characters), line
    breaks and tabs become single spaces, control characters and bidi overrides/isolates
    (U+202A-U+202E, U+2066-U+2069) are dropped.

    >>> escape("a|b {{tpl}} [[link]] !! x")
    'a&#124;b &#123;&#123;tpl&#125;&#125; &#91;&#91;link&#93;&#93; &#33;&#33; x'
    >>> escape("== heading ==\\nnext line")
    '&#61;&#61; heading &#61;&#61; next line'
    >>> escape("Côte d'Ivoire ''bold'' __NOTOC__ ~~~~")
    "Côte d'Ivoire &#39;&#39;bold&#39;&#39; &#95;&#95;NOTOC&#95;&#95; &#126;&#126;&#126;&#126;"
    >>> escape("東京国立博物館"), escape("المكتبة الوطنية")
    ('東京国立博物館', 'المكتبة الوطنية')
    """
    # printable text (no line break, tab, control or bidi format character) without markup:
    # as it is (most labels; one search instead of four substitutions)
    if text.isprintable() and _ESCAPE_RE.search(text) is None:
        return text
    text = _CONTROL_RE.sub("", _BREAKS_RE.sub(" ", text.replace("\t", " ")))
    text = _BIDI_RE.sub("", text)
    return _ESCAPE_RE.sub(lambda m: _ENTITIES.get(m.group(0)) or _REPEATS[m.group(0)], text)


def safe_url(url: str) -> str | None:
    """An http(s) URL fit for ``[url label]``, or ``None`` for anything else.

    >>> safe_url("https://ex.org/a|b"), safe_url("javascript:alert(1)"), safe_url("https://")
    ('https://ex.org/a%7Cb', None, None)
    >>> safe_url("https://ex.org/__NOTOC__\\u202e")
    'https://ex.org/_%5FNOTOC_%5F%E2%80%AE'
    """
    link = http_url(_CONTROL_RE.sub("", _BREAKS_RE.sub("", url)))
    if link is None:
        return None
    return _URL_REPEAT_RE.sub("%5F", "".join(_URL_UNSAFE.get(c, c) for c in link))


def wikilink(qid: str, label: str) -> str:
    """A link to a Wikidata item from Meta-Wiki, its label escaped (the QID when empty).

    >>> wikilink("Q5", ""), wikilink("Q5", "x]]y")
    ('[[d:Q5|Q5]]', '[[d:Q5|x&#93;&#93;y]]')
    """
    if not ids.is_qid(qid):
        return escape(qid)
    return f"[[d:{qid}|{escape(label) or qid}]]"


def external_link(url: str, label: str | None = None) -> str:
    """``[url label]`` with a safe URL and an escaped label (default: the host name).

    A URL that is not http(s) is shown as escaped text, never as a link.

    >>> external_link("https://www.louvre.fr/en")
    '[https://www.louvre.fr/en www.louvre.fr]'
    >>> external_link("ftp://x]] {{y}}")
    'ftp://x&#93;&#93; &#123;&#123;y&#125;&#125;'
    """
    link = safe_url(url)
    if link is None:
        return escape(url)
    text = label if label is not None else (urlsplit(link).hostname or link)
    return f"[{link} {escape(text) or escape(link)}]"


def comment(text: str) -> str:
    """An HTML comment that cannot end early.

    >>> comment("a --> b")
    '<!-- a - -> b -->'
    """
    body = _BREAKS_RE.sub(" ", text)
    while "--" in body:
        body = body.replace("--", "- -")
    return f"<!-- {body} -->"


def _cells(row: ContactRow) -> list[str]:
    coords = ""
    if row.lat is not None and row.lon is not None:
        coords = f"{number(row.lat, COORD_DECIMALS)}, {number(row.lon, COORD_DECIMALS)}"
    type_cell = wikilink(row.type, row.type_label) if row.type else ""
    return [
        wikilink(row.institution, row.label),
        wikilink(row.institution, row.institution),
        type_cell,
        external_link(row.website) if row.website else "",
        escape(row.email),
        escape(row.phone),
        escape(row.address),
        escape(coords),
    ]


def _contact_text(row: CoverageRow) -> str:
    """Whom to contact, as wikitext: name (code), Meta-Wiki page link, best channel (source)."""
    out = []
    for c in row.contacts:
        who = escape(c.name)
        if c.code and c.code != c.name:
            who += f" ({escape(c.code)})"
        if c.page:
            who += " " + external_link(c.page, "Meta-Wiki page")
        if c.channel and c.channel != c.page:
            link = safe_url(c.channel)
            chan = external_link(c.channel) if link else escape(c.channel)
            who += f", {chan}"
        who += f" (from {escape(c.channel_source)})"
        out.append(who)
    return "; ".join(out)


def _intro(row: CoverageRow, count: int) -> str:
    parts = [f"Region: {wikilink(row.region, row.region)}", f"status: {escape(row.status)}"]
    if row.contacts:
        parts.append(f"contact: {_contact_text(row)}")
    if row.uncovered:
        if row.nearest_affiliate:
            how = []
            if row.hops is not None:
                how.append(f"{row.hops} border hop{'s' if row.hops != 1 else ''}")
            if row.distance_km is not None:
                how.append(f"{number(row.distance_km, 0)} km")
            extra = f" ({escape(', '.join(how))})" if how else ""
            parts.append(f"nearest affiliate: {escape(row.nearest_affiliate)}{extra}")
    elif row.affiliates:
        parts.append(f"local affiliates: {escape(' '.join(row.affiliates))}")
    parts.append(f"{count} institution{'s' if count != 1 else ''}")
    return "; ".join(parts) + "."


def table(rows: Sequence[ContactRow]) -> str:
    """One ``{| class="wikitable sortable"`` table, a cell per line.

    >>> print(table([]))
    {| class="wikitable sortable"
    ! Institution !! Item !! Type !! Website !! Email !! Phone !! Address !! Coordinates
    |}
    """
    lines = ['{| class="wikitable sortable"', "! " + " !! ".join(HEADERS)]
    for row in rows:
        lines.append("|-")
        lines.extend(f"| {cell}" if cell else "|" for cell in _cells(row))
    lines.append("|}")
    return "\n".join(lines)


def render(coverage: Coverage, *, all_regions: bool = False) -> str:
    """The whole ``contacts.wikitext`` page as a string (see :func:`to_wikitext`)."""
    contacts = contact_rows(coverage, all_regions=all_regions)
    by_region: dict[str, list[ContactRow]] = {}
    for c in contacts:
        by_region.setdefault(c.region, []).append(c)
    region = coverage.region
    what = "every region" if all_regions else "regions with no local Wikimedia affiliate"
    out = [
        comment(
            f"GLAM institutions in {what} of {region.label or region.qid} ({region.qid}). "
            + provenance_line(coverage)
        )
    ]
    for line in coverage.caveats:
        out.append(f"''Caveat: {escape(line)}''")
    rows = label_order(selected_rows(coverage, all_regions))
    if not rows:
        out.append("No region to list.")
    for row in rows:
        items = by_region.get(row.region, [])
        out.append("")
        out.append(f"== {escape(row.label or row.region)} ==")
        out.append(_intro(row, len(items)))
        out.append(table(items))
    return "\n".join(out) + "\n"


def to_wikitext(
    coverage: Coverage, path: str | os.PathLike[str], *, all_regions: bool = False
) -> int:
    """Write ``contacts.wikitext``: a heading and a sortable wikitable per uncovered region.

    The first line is a comment naming the endpoint, the date and the queries. Institutions link
    to their Wikidata items (``[[d:Q…|label]]``), websites are external links; every cell is
    escaped (see :func:`escape`).

    Args:
        coverage: the answer of :func:`glamgraph.coverage`.
        path: the file to write (replaced atomically), UTF-8.
        all_regions: a table for covered regions too.

    Returns:
        The number of institution rows written.

    Raises:
        WriteError: the file could not be written.
    """
    text = render(coverage, all_regions=all_regions)
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return len(contact_rows(coverage, all_regions=all_regions))
