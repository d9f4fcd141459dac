"""What every request glamgraph sends shares, whatever the protocol (SPARQL, MediaWiki, Wikibase).

- :mod:`~glamgraph.client.settings`: the one frozen :class:`Settings` every request reads.
- :mod:`~glamgraph.client.agent`: the User-Agent, naming glamgraph and the operator's contact
  (``--contact`` or ``GLAMGRAPH_CONTACT``), as Wikimedia's User-Agent policy asks.
- :mod:`~glamgraph.client.retry`: the one retry policy (tenacity). Each protocol plugs in its own
  classifier, which turns a failure into a :class:`~glamgraph.client.retry.Verdict`: retry or
  not, and how long the server asked to wait. One ``Retry-After`` rule for all: honoured up to
  a cap; a longer wait fails at once rather than blocking a run.
- :mod:`~glamgraph.client.store`: the one on-disk cache, a folder per source (``sparql/``,
  ``mediawiki/``) of atomically written JSON entries with a time to live.

This layer knows no protocol: it sits above :mod:`glamgraph.errors` and below
:mod:`glamgraph.sparql` and :mod:`glamgraph.mediawiki`.
"""

from __future__ import annotations

from glamgraph.client.agent import CONTACT_ENV_VAR, operator_contact, user_agent
from glamgraph.client.retry import Verdict, call
from glamgraph.client.settings import META_API_ENV_VAR, Settings
from glamgraph.client.store import CacheWarning, JsonStore, paused_gc

__all__ = [
    "CONTACT_ENV_VAR",
    "META_API_ENV_VAR",
    "CacheWarning",
    "JsonStore",
    "Settings",
    "Verdict",
    "call",
    "operator_contact",
    "paused_gc",
    "user_agent",
]
