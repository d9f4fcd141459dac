"""Identifier checks and conversions: QIDs, ISO 3166 codes, language codes.

Pure functions, no I/O.

>>> check_qid("Q142")
'Q142'
>>> qid_from_uri("http://www.wikidata.org/entity/Q46")
'Q46'
>>> is_iso_alpha2("FR"), is_iso_3166_2("FR-IDF")
(True, True)
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Final

from glamgraph import vocab
from glamgraph.errors import BadInput

QID_RE: Final = re.compile(r"Q[1-9][0-9]*")
PID_RE: Final = re.compile(r"P[1-9][0-9]*")
ISO_ALPHA2_RE: Final = re.compile(r"[A-Z]{2}")
ISO_3166_2_RE: Final = re.compile(r"[A-Z]{2}-[A-Z0-9]{1,3}")
LANG_RE: Final = re.compile(r"[a-z]{2,3}(-[a-z0-9]{2,8})*")


def is_qid(value: str) -> bool:
    """True when ``value`` is a well-formed item id.

    >>> is_qid("Q1"), is_qid("Q01"), is_qid("Q1> }")
    (True, False, False)
    """
    return QID_RE.fullmatch(value) is not None


def check_qid(value: str, what: str = "QID") -> str:
    """Return ``value`` if it is a well-formed QID, else raise :class:`BadInput` naming it.

    >>> check_qid("Q1> } DROP ALL #")
    Traceback (most recent call last):
    ...
    glamgraph.errors.BadInput: malformed QID: 'Q1> } DROP ALL #'
    """
    if not isinstance(value, str) or not is_qid(value):
        raise BadInput(f"malformed {what}: {value!r}")
    return value


def check_lang(value: str) -> str:
    """Return ``value`` if it is a language code Wikidata uses (``en``, ``mul``, ``zh-hans``).

    >>> check_lang("mul")
    'mul'
    """
    if not isinstance(value, str) or LANG_RE.fullmatch(value) is None:
        raise BadInput(f"malformed language code: {value!r}")
    return value


def parse_langs(value: str | Sequence[str]) -> tuple[str, ...]:
    """Split a ``fr,en,mul`` list, check each code, drop repeats, keep the order.

    >>> parse_langs("fr, en,fr")
    ('fr', 'en')
    """
    items = value.split(",") if isinstance(value, str) else list(value)
    out: list[str] = []
    for item in items:
        code = check_lang(item.strip())
        if code not in out:
            out.append(code)
    if not out:
        raise BadInput(f"empty language list: {value!r}")
    return tuple(out)


def is_iso_alpha2(value: str) -> bool:
    """An ISO 3166-1 alpha-2 code in shape (``FR``), not checked against a list."""
    return ISO_ALPHA2_RE.fullmatch(value) is not None


def is_iso_3166_2(value: str) -> bool:
    """An ISO 3166-2 subdivision code in shape (``FR-IDF``, ``US-OH``)."""
    return ISO_3166_2_RE.fullmatch(value) is not None


def qid_from_uri(uri: str) -> str:
    """The QID at the end of a Wikidata entity URI; raises :class:`BadInput` otherwise.

    >>> qid_from_uri("http://www.wikidata.org/entity/Q5")
    'Q5'
    """
    if uri.startswith(vocab.WD):
        tail = uri[len(vocab.WD) :]
        if is_qid(tail):
            return tail
    raise BadInput(f"not a Wikidata item URI: {uri!r}")


def qid_number(qid: str) -> int:
    """The numeric part of a QID, for ordering.

    >>> sorted(["Q10", "Q9"], key=qid_number)
    ['Q9', 'Q10']
    """
    return int(check_qid(qid)[1:])


_POINT_RE: Final = re.compile(
    r"\s*(?:<[^>]*>\s*)?Point\(\s*([-+]?[0-9.eE+-]+)\s+([-+]?[0-9.eE+-]+)\s*\)\s*", re.IGNORECASE
)


def parse_point(wkt: str | None) -> tuple[float, float] | None:
    """``(lat, lon)`` from a WKT ``Point(lon lat)`` literal (longitude first), or ``None``.

    A globe IRI before the point (Wikidata does that for other bodies) makes it ``None``:
    only Earth coordinates are positions on the map.

    >>> parse_point("Point(2.3522 48.8566)")
    (48.8566, 2.3522)
    >>> parse_point("<http://www.wikidata.org/entity/Q405> Point(1 2)") is None
    True
    >>> parse_point("nonsense") is None
    True
    """
    if not wkt:
        return None
    if wkt.lstrip().startswith("<"):
        return None
    m = _POINT_RE.fullmatch(wkt)
    if m is None:
        return None
    try:
        lon, lat = float(m.group(1)), float(m.group(2))
    except ValueError:
        return None
    if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
        return None
    return lat, lon
