"""The dry run: the ``P17`` edits proposed from a harvest, and the institutions left out."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from glamgraph import harvest, ids, vocab
from glamgraph.fixes.formats import (
    EDITS_COLUMNS,
    EDITS_CSV,
    EDITS_QUICKSTATEMENTS,
    SKIPPED_COLUMNS,
    SKIPPED_CSV,
    csv_text,
    edit_summary,
    quickstatements_line,
    write_files,
)
from glamgraph.model import Institution, Records, Region
from glamgraph.sparql import Engine, get_engine


# --- proposals ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Proposal:
    """One proposed edit: add ``country`` as the ``P17`` of ``item``.

    ``path`` is the ``P131`` path from the item to the entity that gave the country (a country
    item itself, or an entity with a ``P17``); ``reference_url`` and ``retrieved`` form the
    reference added with the statement (empty when proposals were made without references).
    """

    item: str
    label: str
    country: str
    country_label: str
    path: tuple[str, ...]
    path_labels: tuple[str, ...]
    summary: str
    reference_url: str = ""
    retrieved: dt.date | None = None

    def quickstatements(self) -> str:
        """The QuickStatements V1 command of this edit (see :func:`quickstatements_line`)."""
        return quickstatements_line(
            self.item, self.country, self.summary, self.reference_url, self.retrieved
        )

    def as_record(self) -> dict[str, Any]:
        """The row ``edits.csv`` holds (``path`` space-separated, ``path_labels`` joined by >)."""
        return {
            "item": self.item,
            "label": self.label,
            "country": self.country,
            "country_label": self.country_label,
            "path": " ".join(self.path),
            "path_labels": " > ".join(self.path_labels),
            "summary": self.summary,
            "reference_url": self.reference_url,
            "retrieved": self.retrieved.isoformat() if self.retrieved else "",
        }


@dataclass(frozen=True)
class Skipped:
    """An institution of the region with no current country that no edit is proposed for."""

    item: str
    label: str
    reason: str
    countries: tuple[str, ...] = ()  # the countries its chain gives (several, or historical)
    path: tuple[str, ...] = ()

    def as_record(self) -> dict[str, Any]:
        """The row ``edits-skipped.csv`` holds."""
        return {
            "item": self.item,
            "label": self.label,
            "reason": self.reason,
            "countries": " ".join(self.countries),
            "path": " ".join(self.path),
        }


@dataclass
class Proposals:
    """What :func:`propose_country_fixes` found: the proposed edits and the institutions left out."""

    region: Region
    proposals: Records[Proposal]
    skipped: Records[Skipped]
    endpoint: str
    created: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))
    queries_sent: int = 0

    def __len__(self) -> int:
        return len(self.proposals)

    def __iter__(self) -> Iterator[Proposal]:
        return iter(self.proposals)

    def quickstatements(self) -> str:
        """All proposals as QuickStatements V1 commands, one per line."""
        return "".join(p.quickstatements() + "\n" for p in self.proposals)

    def to_dataframe(self) -> Any:
        """The proposals as a pandas DataFrame (needs pandas)."""
        return self.proposals.to_dataframe()

    def write(self, out_dir: str | Path) -> dict[str, Path]:
        """Write ``edits.csv``, ``edits.quickstatements`` and ``edits-skipped.csv`` atomically.

        Returns:
            The paths written, by file name.

        Raises:
            WriteError: the directory or a file cannot be written (the old files stay as they were).
        """
        return write_files(
            out_dir,
            {
                EDITS_CSV: csv_text(EDITS_COLUMNS, (p.as_record() for p in self.proposals)),
                EDITS_QUICKSTATEMENTS: self.quickstatements(),
                SKIPPED_CSV: csv_text(SKIPPED_COLUMNS, (s.as_record() for s in self.skipped)),
            },
        )


def propose_country_fixes(
    region: str | Region,
    *,
    endpoint: str | Engine = "wdqs",
    lang: str | Sequence[str] = "en",
    reference: bool = True,
    quiet: bool = False,
    today: dt.date | None = None,
) -> Proposals:
    """Propose adding ``P17`` to the institutions of ``region`` whose ``P131`` chain gives one country.

    A dry run: only SPARQL queries are sent (to ``endpoint``), never a request to a Wikibase.

    Args:
        region: ``world``, a continent, country or first-level subdivision (QID or ISO code).
        endpoint: ``wdqs``, ``qlever``, ``snapshot``, a SPARQL endpoint URL or an engine.
        lang: label languages in order of preference (labels in summaries and files).
        reference: add a reference to each statement: reference URL (``P854``) of the entity
            that gave the country, and retrieved (``P813``) today.
        quiet: no progress bar.
        today: the retrieval date of the references (default: today, UTC).

    Returns:
        The proposals (in QID order) and the institutions left out, with the reason.

    Raises:
        BadInput: an unknown region or endpoint.
        SourceError: the SPARQL endpoint failed after retries.

    Example:
        >>> found = propose_country_fixes("Q46", endpoint="wdqs")  # doctest: +SKIP
        >>> [(p.item, p.country, p.path) for p in found][:1]  # doctest: +SKIP
        [('Q…', 'Q183', ('Q64',))]
    """
    engine = get_engine(endpoint)
    sent0 = engine.queries_sent
    found = harvest.harvest(region, engine, lang=lang, quiet=quiet)
    out = proposals_from_harvest(found, engine, lang=lang, reference=reference, today=today)
    out.queries_sent = engine.queries_sent - sent0
    return out


def proposals_from_harvest(
    found: harvest.Harvest,
    engine: Engine,
    *,
    lang: str | Sequence[str] = "en",
    reference: bool = True,
    today: dt.date | None = None,
) -> Proposals:
    """The proposals for an existing harvest (see :func:`propose_country_fixes`).

    An item whose whole ``P131`` chain also reaches a country outside the region
    (``Harvest.chain_countries``) is reported as ambiguous, not proposed.
    """
    langs = tuple(dict.fromkeys((*ids.parse_langs(lang), "mul", "en")))
    day = today or dt.datetime.now(dt.UTC).date()
    candidates = [i for i in found.institutions if i.country_path]
    wanted = {q for i in candidates for q in (*i.country_path, *i.countries)}
    labels = harvest.labels(engine, sorted(wanted, key=ids.qid_number), langs)

    proposals: list[Proposal] = []
    skipped: list[Skipped] = []
    for inst in candidates:
        whole = found.chain_countries.get(inst.qid, ())
        countries = sorted(set(inst.countries) | set(whole), key=ids.qid_number)
        if len(countries) != 1:
            skipped.append(
                Skipped(
                    inst.qid,
                    inst.label,
                    "several current countries on its P131 chain",
                    tuple(countries),
                    inst.country_path,
                )
            )
            continue
        proposals.append(_proposal(inst, countries[0], labels, reference, day))
    for u in found.unplaced:
        skipped.append(Skipped(u.qid, u.label, u.reason, u.countries))
    skipped.sort(key=lambda s: ids.qid_number(s.item))
    name = getattr(engine, "name", "")
    return Proposals(
        found.region,
        Records(sorted(proposals, key=lambda p: ids.qid_number(p.item))),
        Records(skipped),
        str(name or engine.url),
        dt.datetime.now(dt.UTC),
    )


def _proposal(
    inst: Institution,
    country: str,
    labels: Mapping[str, str],
    reference: bool,
    day: dt.date,
) -> Proposal:
    path = inst.country_path
    path_labels = tuple(labels.get(q, q) for q in path)
    country_label = labels.get(country, country)
    return Proposal(
        item=inst.qid,
        label=inst.label,
        country=country,
        country_label=country_label,
        path=path,
        path_labels=path_labels,
        summary=edit_summary(country, country_label, path, path_labels),
        reference_url=vocab.entity_uri(path[-1]) if reference else "",
        retrieved=day if reference else None,
    )
