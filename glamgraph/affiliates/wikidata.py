"""The Wikidata complement: affiliate items, matched to module entries, and the disagreements."""

from __future__ import annotations

import dataclasses
import urllib.parse
from dataclasses import dataclass, field
from typing import Final

from glamgraph import ids, vocab
from glamgraph.affiliates.module import ModuleEntry
from glamgraph.affiliates.names import name_key, sort_qids
from glamgraph.model import Affiliate, AffiliateType, Disagreement, SourceRef
from glamgraph.sparql import Engine, QueryResult, term_qid, term_value

#: The type each Wikidata affiliate class (by English label) stands for.
CLASS_TYPES: Final[dict[str, AffiliateType]] = dict(
    zip(vocab.AFFILIATE_CLASS_LABELS, ("chapter", "thematic", "user group"), strict=True)
)


def meta_page_key(value: str) -> str:
    """The Meta-Wiki page a URL or title names, as compared (``""`` for another site).

    >>> meta_page_key("https://meta.wikimedia.org/wiki/Wikim%C3%A9dia_France")
    'wikimedia france'
    >>> meta_page_key("https://www.wikimedia.fr/"), meta_page_key("Wikimedia France")
    ('', 'wikimedia france')
    """
    v = value.strip()
    if not v:
        return ""
    if "://" in v:
        parts = urllib.parse.urlsplit(v)
        host = parts.netloc.lower().removeprefix("www.")
        if host not in ("meta.wikimedia.org", "meta.m.wikimedia.org"):
            return ""
        if parts.path.startswith("/wiki/"):
            title = urllib.parse.unquote(parts.path[len("/wiki/") :])
        else:
            title = urllib.parse.parse_qs(parts.query).get("title", [""])[0]
    else:
        title = urllib.parse.unquote(v.removeprefix("m:").removeprefix("meta:"))
    return name_key(title.replace("_", " "))


@dataclass
class WikidataItem:
    """What Wikidata says about one affiliate item (from ``affiliates-on-wikidata``)."""

    qid: str
    types: set[str] = field(default_factory=set)
    labels: set[str] = field(default_factory=set)
    pages: set[str] = field(default_factory=set)  # Meta-Wiki page keys (sitelink, P856 on Meta)
    areas: set[str] = field(default_factory=set)
    area_regions: set[str] = field(default_factory=set)  # areas that are countries/subdivisions
    hqs: set[str] = field(default_factory=set)
    hq_countries: set[str] = field(default_factory=set)
    websites: set[str] = field(default_factory=set)
    emails: set[str] = field(default_factory=set)
    dissolved: str = ""

    def countries(self) -> tuple[str, ...]:
        """Its countries: the operating areas that are countries or subdivisions, else the
        headquarters' countries."""
        return sort_qids(self.area_regions or self.hq_countries)


def wikidata_items(
    engine: Engine,
) -> tuple[dict[str, WikidataItem], dict[str, tuple[str, ...]], QueryResult]:
    """The affiliate items on ``engine``, the classes found for each class label, and the
    query result (for provenance)."""
    res = engine.run("affiliates-on-wikidata", classlabels=list(vocab.AFFILIATE_CLASS_LABELS))
    items: dict[str, WikidataItem] = {}
    classes: dict[str, set[str]] = {label: set() for label in vocab.AFFILIATE_CLASS_LABELS}
    for row in res.rows:
        qid = term_qid(row, "item")
        if qid is None:
            continue
        it = items.setdefault(qid, WikidataItem(qid))
        label = term_value(row, "classLabel") or ""
        cls = term_qid(row, "class")
        if cls is not None and label in classes:
            classes[label].add(cls)
        if label in CLASS_TYPES:
            it.types.add(CLASS_TYPES[label])
        if (lab := term_value(row, "label")) is not None:
            it.labels.add(name_key(lab))
        if (meta := term_value(row, "meta")) is not None and meta_page_key(meta):
            it.pages.add(meta_page_key(meta))
        if (area := term_qid(row, "area")) is not None:
            it.areas.add(area)
            if term_value(row, "areaIso") or term_value(row, "areaSub"):
                it.area_regions.add(area)
        if (hq := term_qid(row, "hq")) is not None:
            it.hqs.add(hq)
            if term_value(row, "hqIso"):
                it.hq_countries.add(hq)
            elif (hqc := term_qid(row, "hqCountry")) is not None:
                it.hq_countries.add(hqc)
        if (site := term_value(row, "website")) is not None:
            it.websites.add(site)
            if meta_page_key(site):
                it.pages.add(meta_page_key(site))
        if (mail := term_value(row, "email")) is not None:
            mail = mail.strip()
            mail = mail[7:] if mail.lower().startswith("mailto:") else mail
            if mail:
                it.emails.add(mail)
        if (gone := term_value(row, "dissolved")) is not None:
            it.dissolved = min(filter(None, (it.dissolved, gone[:10])))
    found = {k: sort_qids(v) for k, v in classes.items()}
    return items, found, res


def match_item(
    aff: Affiliate, items: dict[str, WikidataItem], notes: list[str]
) -> WikidataItem | None:
    """The Wikidata item of ``aff``: by Meta-Wiki page, else by English label; the lowest QID
    when several match (noted in ``notes``)."""
    page = meta_page_key(aff.page)
    by_page = [it for it in items.values() if page and page in it.pages]
    label = name_key(aff.name)
    by_label = [it for it in items.values() if label in it.labels]
    for how, found in (("Meta-Wiki page", by_page), ("English label", by_label)):
        if found:
            ordered = sorted(found, key=lambda it: ids.qid_number(it.qid))
            if len(ordered) > 1:
                shown = ", ".join(it.qid for it in ordered)
                notes.append(
                    f"{aff.code}: several Wikidata items share its {how} ({shown}); "
                    f"{ordered[0].qid} taken"
                )
            return ordered[0]
    return None


def complement(
    entry: ModuleEntry,
    item: WikidataItem,
    notes: list[str],
    disagreements: list[Disagreement],
    source_id: str = "",
) -> Affiliate:
    """``entry``'s affiliate with what Wikidata's ``item`` adds; ``source_id`` names the
    endpoint the item came from (its :class:`~glamgraph.model.SourceRef` id)."""
    aff = entry.affiliate

    def disagree(fld: str, meta: str, wikidata: str) -> None:
        disagreements.append(Disagreement(aff.code, fld, meta, wikidata, item.qid))
        notes.append(
            f"{aff.code}: Meta-Wiki and Wikidata ({item.qid}) disagree on {fld}: "
            f"Meta-Wiki {meta!r} (kept), Wikidata {wikidata!r}"
        )

    if item.types and aff.type not in item.types:
        disagree("type", aff.type, " / ".join(sorted(item.types)))
    if item.dissolved and aff.status == "recognised":
        disagree("status", aff.status, f"dissolved {item.dissolved} (P576)")
    countries = aff.countries
    wd_countries = item.countries()
    note = aff.note
    if entry.local and wd_countries:
        if countries and set(countries) != set(wd_countries):
            disagree("countries", " ".join(countries), " ".join(wd_countries))
        elif not countries:
            countries = wd_countries
            extra = f"countries from Wikidata {item.qid} (operating area or headquarters)"
            note = f"{note}; {extra}" if note else extra
    return dataclasses.replace(
        aff,
        countries=countries,
        operating_area=sort_qids(item.areas),
        headquarters=sort_qids(item.hqs),
        websites=tuple(sorted(item.websites)),
        emails=tuple(sorted(item.emails)),
        wikidata=item.qid,
        source=f"{aff.source} +wikidata {item.qid}",
        refs=(*aff.refs, SourceRef("wikidata", source_id, url=vocab.WD + item.qid)),
        note=note,
    )
