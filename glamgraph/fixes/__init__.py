"""``fix-countries``: propose the missing country (P17) of GLAM institutions, and make the edits.

Two steps, each usable alone:

1. :func:`propose_country_fixes` harvests a region and proposes, for every GLAM institution that
   has no ``P17`` and whose ``P131`` chain gives exactly one current country, adding that country,
   with the ``P131`` path in the edit summary. Institutions whose chain gives no current country,
   or several, are listed apart with the reason (:attr:`Proposals.skipped`). Nothing is sent to
   any Wikibase: this is the dry run. :meth:`Proposals.write` writes ``edits.csv``,
   ``edits.quickstatements`` (QuickStatements V1, loadable as is) and ``edits-skipped.csv``.
2. :func:`apply_fixes` makes the proposed edits through wikibaseintegrator, logged in with a bot
   password. For each item it re-reads the entity just before editing (``wbgetentities``), skips it
   when a ``P17`` appeared (or its ``P131`` changed) since the harvest, and sends the revision it
   read as ``baserevid`` so that a concurrent edit is detected rather than overwritten. Every
   request carries ``maxlag``; a ``maxlag`` answer is waited out as the server's ``Retry-After``
   asks, a bounded number of times. Edits are spaced by a minimum interval. Each outcome is an
   :class:`EditResult` (``edited``, ``skipped`` or ``failed``), written to ``edits-report.csv``.

The password never leaves the login request: it is not stored, not logged (wikibaseintegrator's
own loggers are filtered while the edits run), and not part of any message or report.

Modules, by job: :mod:`~glamgraph.fixes.proposals` (the dry run), :mod:`~glamgraph.fixes.formats`
(summaries, QuickStatements, CSV files, the report), :mod:`~glamgraph.fixes.editor` (the
logged-in wikibaseintegrator session) and :mod:`~glamgraph.fixes.apply` (the run of edits).

Example (needs the network, and a bot password for the second step)::

    >>> from glamgraph.fixes import propose_country_fixes, apply_fixes
    >>> proposals = propose_country_fixes("Q46", endpoint="wdqs")  # doctest: +SKIP
    >>> proposals.write("glamgraph-out")  # doctest: +SKIP
    >>> results = apply_fixes(proposals, user="Me@glamgraph", password="...")  # doctest: +SKIP
    >>> results.to_dataframe()  # doctest: +SKIP
"""

from __future__ import annotations

from glamgraph.fixes.apply import (
    ENV_PASSWORD,
    ENV_USER,
    apply_fixes,
    check_api_url,
    credentials_from_env,
)
from glamgraph.fixes.editor import Secret
from glamgraph.fixes.formats import (
    EDITS_COLUMNS,
    EDITS_CSV,
    EDITS_QUICKSTATEMENTS,
    MAX_SUMMARY,
    REPORT_COLUMNS,
    REPORT_CSV,
    SKIPPED_COLUMNS,
    SKIPPED_CSV,
    EditAction,
    EditResult,
    clean_text,
    csv_text,
    edit_summary,
    quickstatements_line,
    write_files,
    write_report,
)
from glamgraph.fixes.proposals import (
    Proposal,
    Proposals,
    Skipped,
    proposals_from_harvest,
    propose_country_fixes,
)

__all__ = [
    "EDITS_COLUMNS",
    "EDITS_CSV",
    "EDITS_QUICKSTATEMENTS",
    "ENV_PASSWORD",
    "ENV_USER",
    "MAX_SUMMARY",
    "REPORT_COLUMNS",
    "REPORT_CSV",
    "SKIPPED_COLUMNS",
    "SKIPPED_CSV",
    "EditAction",
    "EditResult",
    "Proposal",
    "Proposals",
    "Secret",
    "Skipped",
    "apply_fixes",
    "check_api_url",
    "clean_text",
    "credentials_from_env",
    "csv_text",
    "edit_summary",
    "proposals_from_harvest",
    "propose_country_fixes",
    "quickstatements_line",
    "write_files",
    "write_report",
]
