"""Edit summaries: the country and the ``P131`` path that gave it, labels made safe."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from glamgraph import vocab

#: Summaries stay well below MediaWiki's 500-character limit (Wikibase prepends its own comment).
MAX_SUMMARY: Final = 400
_MAX_LABEL: Final = 60


def clean_text(text: str, limit: int = _MAX_LABEL) -> str:
    """A label made safe for an edit summary and a QuickStatements line.

    Whitespace (newlines, tabs) collapses to one space; ``|`` (a QuickStatements separator), comment
    delimiters and wiki-link brackets are neutralised; long labels are cut with an ellipsis.

    >>> clean_text("Pipe | Museum [[Link]]\\nsecond */ line")
    'Pipe / Museum [Link] second * line'
    >>> clean_text("x" * 70, 10)
    'xxxxxxxxx…'
    """
    text = " ".join(text.split())
    for old, new in (("|", "/"), ("/*", "*"), ("*/", "*"), ("[[", "["), ("]]", "]")):
        text = text.replace(old, new)
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text


def edit_summary(
    country: str,
    country_label: str,
    path: Sequence[str],
    path_labels: Sequence[str] = (),
) -> str:
    """The edit summary of one proposal: the country and the ``P131`` path that gave it.

    >>> edit_summary("Q183", "Germany", ["Q9200001", "Q980"], ["Fixture Village", "Bavaria"])
    'add country (P17) Germany (Q183), from the P131 chain: Fixture Village (Q9200001) → Bavaria (Q980) [glamgraph fix-countries]'
    """
    labels = (list(path_labels) + [""] * len(path))[: len(path)]
    steps = [
        f"{clean_text(lb)} ({q})" if lb and lb != q else q
        for q, lb in zip(path, labels, strict=True)
    ]
    head = f"add country ({vocab.COUNTRY_P}) {clean_text(country_label)} ({country})"
    if country_label in ("", country):
        head = f"add country ({vocab.COUNTRY_P}) {country}"
    tail = " [glamgraph fix-countries]"

    def render(parts: Sequence[str]) -> str:
        return f"{head}, from the {vocab.LOCATED_IN} chain: {' → '.join(parts)}{tail}"

    text = render(steps)
    # a very long chain: keep its ends, elide the middle
    while len(text) > MAX_SUMMARY and len(steps) > 3:
        steps = [steps[0], "…", *steps[3:]] if steps[1] == "…" else [steps[0], "…", *steps[2:]]
        text = render(steps)
    return text[:MAX_SUMMARY]
