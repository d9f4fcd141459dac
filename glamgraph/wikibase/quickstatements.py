"""QuickStatements V1 commands for the proposed edits."""

from __future__ import annotations

import datetime as dt

from glamgraph import vocab
from glamgraph.wikibase.summary import MAX_SUMMARY, clean_text


def quickstatements_line(
    item: str,
    country: str,
    summary: str,
    reference_url: str = "",
    retrieved: dt.date | None = None,
) -> str:
    """One QuickStatements V1 command: item, ``P17``, country, an optional reference, the summary.

    The summary follows the last column after a space (not a TAB), as both QuickStatements 2 and 3
    read it; a reference is a ``S854`` URL and a ``S813`` day.

    >>> quickstatements_line("Q1", "Q142", "add country")
    'Q1\\tP17\\tQ142 /* add country */'
    >>> quickstatements_line("Q1", "Q142", "s", "http://x.example/a", dt.date(2025, 1, 15))
    'Q1\\tP17\\tQ142\\tS854\\t"http://x.example/a"\\tS813\\t+2025-01-15T00:00:00Z/11 /* s */'
    """
    cols = [item, vocab.COUNTRY_P, country]
    if reference_url:
        cols += ["S" + vocab.REFERENCE_URL[1:], '"' + reference_url.replace('"', "%22") + '"']
    if retrieved is not None:
        cols += ["S" + vocab.RETRIEVED[1:], f"{_wikibase_day(retrieved)}/11"]
    line = "\t".join(cols)
    note = clean_text(summary, MAX_SUMMARY)
    return f"{line} /* {note} */" if note else line


def _wikibase_day(day: dt.date) -> str:
    return f"+{day.isoformat()}T00:00:00Z"
