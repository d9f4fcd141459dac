"""``publish``: keep one marked section of a wiki page current with a run's tables, safely.

:func:`publish` reads a page's current revision through the MediaWiki Action API, replaces only
the text between ``<!-- glamgraph:begin REGION -->`` and ``<!-- glamgraph:end REGION -->``
(appended at the end of the page the first time) with a run's ``contacts.wikitext`` (or, with
``listeria=True``, a ``{{Wikidata list}}`` block per uncovered region for ListeriaBot), and shows
the diff. With ``apply=True`` it logs in with a bot password (wikibaseintegrator's login) and
saves the page in one edit that carries the revision it was based on, so that an edit made by
someone else meanwhile is never overwritten: the publish fails instead (exit 3).

Modules: :mod:`~glamgraph.publish.run` (the run folder, read as files),
:mod:`~glamgraph.publish.section` (markers, splice, diff), :mod:`~glamgraph.publish.listeria`,
:mod:`~glamgraph.publish.credentials` (bot password, http rule, redaction),
:mod:`~glamgraph.publish.wiki` (reads, login, the edit, maxlag and retries),
:mod:`~glamgraph.publish.flow` (the whole).

Example (not run: it reaches Meta-Wiki)::

    >>> from glamgraph.publish import publish
    >>> result = publish("GLAM/Point of contact", "glamgraph-out")  # doctest: +SKIP
    >>> print(result.diff)  # doctest: +SKIP
"""

from __future__ import annotations

from glamgraph.client.secrets import Secret
from glamgraph.publish.credentials import (
    ENV_PASSWORD,
    ENV_USER,
    Credentials,
    check_wiki_url,
    load_credentials,
)
from glamgraph.publish.flow import (
    ENV_CONTACT,
    PublishAction,
    PublishResult,
    edit_summary,
    operator_agent,
    publish,
)
from glamgraph.publish.section import begin_marker, end_marker, splice, unified_diff
from glamgraph.publish.wiki import EditConflict

__all__ = [
    "ENV_CONTACT",
    "ENV_PASSWORD",
    "ENV_USER",
    "Credentials",
    "EditConflict",
    "PublishAction",
    "PublishResult",
    "Secret",
    "begin_marker",
    "check_wiki_url",
    "edit_summary",
    "end_marker",
    "load_credentials",
    "operator_agent",
    "publish",
    "splice",
    "unified_diff",
]
