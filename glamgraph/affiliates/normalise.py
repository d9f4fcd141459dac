"""Module values as glamgraph's: affiliate types, recognition statuses and dates."""

from __future__ import annotations

import datetime as dt
import re
from typing import Final

from glamgraph.model import AffiliateStatus, AffiliateType

_TYPES: Final[dict[str, AffiliateType]] = {
    "chapter": "chapter",
    "wikimedia chapter": "chapter",
    "thematic": "thematic",
    "thematic organization": "thematic",
    "thematic organisation": "thematic",
    "wikimedia thematic organization": "thematic",
    "user group": "user group",
    "wikimedia user group": "user group",
    "other": "other",
    "allied or other organization": "other",
    "allied or other organisation": "other",
}
_STATUSES: Final[dict[str, AffiliateStatus]] = {
    "recognised": "recognised",
    "recognized": "recognised",
    "derecognised": "derecognised",
    "derecognized": "derecognised",
    "suspended": "suspended",
}


def normalise_type(value: str) -> AffiliateType | None:
    """``org_type`` (or a registry ``type``) as one of glamgraph's four types; ``None`` if unknown.

    >>> normalise_type("Chapter"), normalise_type("Allied or other organization")
    ('chapter', 'other')
    >>> normalise_type("Thematic Organization"), normalise_type("club") is None
    ('thematic', True)
    """
    return _TYPES.get(" ".join(value.casefold().split()))


def normalise_status(value: str) -> AffiliateStatus | None:
    """``recognition_status`` in either spelling; ``None`` if unknown.

    >>> normalise_status("Recognized"), normalise_status("suspended"), normalise_status("x")
    ('recognised', 'suspended', None)
    """
    return _STATUSES.get(value.strip().casefold())


def parse_date(text: str) -> dt.date | None:
    """A module date: DD/MM/YYYY, YYYY/MM/DD or ISO 8601 (time ignored); ``None`` when empty.

    Raises:
        ValueError: any other form, or a day that does not exist.

    >>> parse_date("01/10/2004"), parse_date(" ")
    (datetime.date(2004, 10, 1), None)
    >>> parse_date("31/02/2020")
    Traceback (most recent call last):
    ...
    ValueError: day is out of range for month
    """
    t = text.strip()
    if not t:
        return None
    m = re.fullmatch(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})", t)
    if m:
        return dt.date(int(m[3]), int(m[2]), int(m[1]))
    m = re.fullmatch(r"([0-9]{4})/([0-9]{1,2})/([0-9]{1,2})", t)
    if m:
        return dt.date(int(m[1]), int(m[2]), int(m[3]))
    m = re.fullmatch(r"([0-9]{4})-([0-9]{2})-([0-9]{2})(?:[T ][0-9:.]+(?:Z|[+-][0-9:]+)?)?", t)
    if m:
        return dt.date(int(m[1]), int(m[2]), int(m[3]))
    raise ValueError(f"not a date in DD/MM/YYYY, YYYY/MM/DD or ISO form: {t!r}")
