"""Parsing the `Retry-After` header: the one rule every client of the client layer shares."""

from __future__ import annotations

import datetime as dt
from email.utils import parsedate_to_datetime


def parse_retry_after(value: str | None, now: dt.datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header: delta-seconds or an HTTP date, else ``None``.

    A negative wait or a date in the past is no wait (``0.0``); ``NaN``, an empty or unparsable
    value is no usable value (``None``). ``now`` (default: the current time, UTC) is the moment
    an HTTP date is measured from; a date without a time zone is taken as UTC.

    >>> parse_retry_after("7"), parse_retry_after(" 2.5 "), parse_retry_after("-4")
    (7.0, 2.5, 0.0)
    >>> parse_retry_after(None), parse_retry_after("soon"), parse_retry_after("nan")
    (None, None, None)
    >>> parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT")  # in the past: no wait
    0.0
    >>> parse_retry_after("Wed, 21 Oct 2015 07:28:30 GMT", dt.datetime(2015, 10, 21, 7, 28, tzinfo=dt.UTC))
    30.0
    """
    if value is None:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=dt.UTC)
        seconds = (when - (now or dt.datetime.now(dt.UTC))).total_seconds()
    return max(0.0, seconds) if seconds == seconds else None  # NaN: no usable value
