"""One marked section of a wiki page: find it, replace it, or append it; and the diff.

A section is the text between ``<!-- glamgraph:begin REGION -->`` and
``<!-- glamgraph:end REGION -->``. :func:`splice` replaces only what lies between the two markers
and keeps every other character of the page as it was; a page without the markers gets the
section appended at its end, after a blank line.

>>> page = "Intro.\\n<!-- glamgraph:begin Q15 -->\\nold\\n<!-- glamgraph:end Q15 -->\\n[[Category:X]]"
>>> print(splice(page, "Q15", "new table").text)
Intro.
<!-- glamgraph:begin Q15 -->
new table
<!-- glamgraph:end Q15 -->
[[Category:X]]
>>> s = splice("Intro.", "Q15", "table")
>>> s.appended, s.text
(True, 'Intro.\\n\\n<!-- glamgraph:begin Q15 -->\\ntable\\n<!-- glamgraph:end Q15 -->')
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass
from typing import Final

from glamgraph.errors import BadInput

_REGION_RE: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:]*")
_MARKER_RE: Final = re.compile(r"<!--\s*glamgraph:(?:begin|end)\b")


def begin_marker(region: str) -> str:
    """``<!-- glamgraph:begin REGION -->`` (the region checked: letters, digits, ``_.:`` only).

    >>> begin_marker("Q46")
    '<!-- glamgraph:begin Q46 -->'
    >>> begin_marker("Q1 --> x")
    Traceback (most recent call last):
    ...
    glamgraph.errors.BadInput: malformed region for the page markers: 'Q1 --> x'
    """
    return f"<!-- glamgraph:begin {_check(region)} -->"


def end_marker(region: str) -> str:
    """``<!-- glamgraph:end REGION -->``."""
    return f"<!-- glamgraph:end {_check(region)} -->"


def _check(region: str) -> str:
    if _REGION_RE.fullmatch(region) is None:
        raise BadInput(f"malformed region for the page markers: {region!r}")
    return region


@dataclass(frozen=True)
class Splice:
    """The page with the section in place, and where it went.

    Attributes:
        text: the proposed page text.
        appended: the markers were not on the page; the section was added at its end.
        first_line: the line (1-based) of the begin marker in the proposed text.
        last_line: the line of the end marker.
    """

    text: str
    appended: bool
    first_line: int
    last_line: int

    def where(self) -> str:
        """One sentence saying where the section is (for the dry run)."""
        lines = f"lines {self.first_line}-{self.last_line}"
        if self.appended:
            return f"the section is new: appended at the end of the page ({lines})"
        return f"the section replaces the one between the markers ({lines})"


def splice(page: str, region: str, body: str) -> Splice:
    """``page`` with the section of ``region`` holding ``body`` (replaced, or appended).

    The body is normalised to NFC (MediaWiki stores text so) and loses trailing line breaks
    (MediaWiki strips trailing whitespace on save); the markers must not occur inside it.

    Raises:
        BadInput: the page holds the markers of ``region`` more than once, one without the
            other, or the end before the begin; or the body holds a glamgraph marker.
    """
    begin, end = begin_marker(region), end_marker(region)
    body = unicodedata.normalize("NFC", body).rstrip("\r\n")
    if _MARKER_RE.search(body):
        raise BadInput(f"the section for {region} holds a glamgraph marker itself; refusing it")
    nb, ne = page.count(begin), page.count(end)
    inner = "\n" + body + "\n" if body else "\n"
    if nb == 0 and ne == 0:
        sep = "" if not page else ("\n" if page.endswith("\n") else "\n\n")
        head = page + sep
        text = head + begin + inner + end
        appended = True
    elif nb == 1 and ne == 1 and page.index(begin) < page.index(end):
        start = page.index(begin) + len(begin)
        stop = page.index(end)
        head = page[: start - len(begin)]
        text = page[:start] + inner + page[stop:]
        appended = False
    else:
        raise BadInput(
            f"the page's markers for {region} are broken (begin marker {nb} time(s), end marker "
            f"{ne} time(s){', end before begin' if nb == ne == 1 else ''}); fix the page by hand"
        )
    first = head.count("\n") + 1
    last = first + inner.count("\n")
    return Splice(text, appended, first, last)


def unified_diff(current: str, proposed: str, title: str) -> str:
    """A unified diff of the page text, current -> proposed ('' when they are equal).

    >>> print(unified_diff("a\\nb", "a\\nc", "P"), end="")
    --- P (current)
    +++ P (proposed)
    @@ -1,2 +1,2 @@
     a
    -b
    +c
    """
    if current == proposed:
        return ""

    def lines(text: str) -> list[str]:  # a page has no final line break: diff it as if it had
        return (text if text.endswith("\n") or not text else text + "\n").splitlines(True)

    diff = difflib.unified_diff(
        lines(current), lines(proposed), f"{title} (current)", f"{title} (proposed)"
    )
    return "".join(diff)
