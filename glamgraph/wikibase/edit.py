"""One edit: whether a proposal still fits the item as it is now, and the statement it adds."""

from __future__ import annotations

from typing import Any

from glamgraph import vocab
from glamgraph.wikibase.proposals import Proposal
from glamgraph.wikibase.quickstatements import _wikibase_day


def _api_error(exc: Exception, what: str) -> str:
    code = str(getattr(exc, "code", "") or type(exc).__name__)
    info = " ".join(str(getattr(exc, "info", "") or "").split())
    return f"{what}: {code}: {info}" if info else f"{what}: {code}"


def _force_append() -> Any:
    from wikibaseintegrator.wbi_enums import ActionIfExists

    return ActionIfExists.FORCE_APPEND


def _item_values(entity: Any, pid: str, *, include_deprecated: bool) -> list[str]:
    """The item ids of ``entity``'s ``pid`` statements (``?`` for unknown / no value)."""
    out: list[str] = []
    for claim in entity.claims.get(pid):
        if not include_deprecated and claim.rank.value == "deprecated":
            continue
        value = (claim.mainsnak.datavalue or {}).get("value")
        out.append(str(value.get("id", "?")) if isinstance(value, dict) else "?")
    return out


def _stale(entity: Any, prop: Proposal) -> str:
    """Why the proposal no longer fits the item as it is now ("" when it still does)."""
    if entity.id and entity.id != prop.item:
        return f"the item is now a redirect to {entity.id}"
    now = _item_values(entity, vocab.COUNTRY_P, include_deprecated=True)
    if now:
        return f"it has a {vocab.COUNTRY_P} now: {' '.join(now)}"
    located = _item_values(entity, vocab.LOCATED_IN, include_deprecated=False)
    if prop.path and prop.path[0] not in located:
        shown = " ".join(located) or "none"
        return f"its {vocab.LOCATED_IN} changed since the harvest (now: {shown})"
    return ""


def _statement(prop: Proposal) -> Any:
    """The ``P17`` statement of a proposal, with its reference (URL and retrieval day)."""
    from wikibaseintegrator import datatypes
    from wikibaseintegrator.models import Reference, References
    from wikibaseintegrator.wbi_enums import WikibaseTimePrecision

    refs = References()
    if prop.reference_url or prop.retrieved:
        ref = Reference()
        order: list[str] = []
        if prop.reference_url:
            ref.add(datatypes.URL(prop_nr=vocab.REFERENCE_URL, value=prop.reference_url))
            order.append(vocab.REFERENCE_URL)
        if prop.retrieved:
            ref.add(
                datatypes.Time(
                    prop_nr=vocab.RETRIEVED,
                    time=_wikibase_day(prop.retrieved),
                    precision=WikibaseTimePrecision.DAY,
                )
            )
            order.append(vocab.RETRIEVED)
        ref.snaks_order = order
        refs.add(ref)
    return datatypes.Item(prop_nr=vocab.COUNTRY_P, value=prop.country, references=refs)
