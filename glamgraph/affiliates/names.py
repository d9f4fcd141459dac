"""Country names to current-country QIDs: name comparison, known variants, one batched query."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Final

from glamgraph import ids
from glamgraph.sparql import Engine, QueryResult, get_engine, term_qid, term_value

#: ``group_country`` values that mean "no particular country" (not reported as unresolved).
NO_COUNTRY: Final = frozenset({"", "international", "worldwide", "global", "none", "n/a", "-"})

#: Country names found in affiliate data that Wikidata's English labels and aliases may not
#: give, mapped to a canonical English name (a label or alias on Wikidata and in the snapshot).
#: Keys are compared case-, accent- and apostrophe-insensitively (see :func:`name_key`).
COUNTRY_NAME_VARIANTS: Final[dict[str, str]] = {
    "The Netherlands": "Netherlands",
    "Holland": "Netherlands",
    "Czechia": "Czech Republic",
    "United States": "United States of America",
    "USA": "United States of America",
    "US": "United States of America",
    "U.S.A.": "United States of America",
    "UK": "United Kingdom",
    "U.K.": "United Kingdom",
    "Great Britain": "United Kingdom",
    "Britain": "United Kingdom",
    "United Kingdom of Great Britain and Northern Ireland": "United Kingdom",
    "Côte d'Ivoire": "Ivory Coast",
    "Cote d'Ivoire": "Ivory Coast",
    "DR Congo": "Democratic Republic of the Congo",
    "DRC": "Democratic Republic of the Congo",
    "Congo-Kinshasa": "Democratic Republic of the Congo",
    "Congo (Kinshasa)": "Democratic Republic of the Congo",
    "Democratic Republic of Congo": "Democratic Republic of the Congo",
    "Congo, The Democratic Republic of the": "Democratic Republic of the Congo",
    "Congo-Brazzaville": "Republic of the Congo",
    "Congo (Brazzaville)": "Republic of the Congo",
    "Republic of Congo": "Republic of the Congo",
    "Korea": "South Korea",
    "Republic of Korea": "South Korea",
    "Korea, Republic of": "South Korea",
    "Russian Federation": "Russia",
    "Türkiye": "Turkey",
    "Turkiye": "Turkey",
    "Timor-Leste": "East Timor",
    "Cabo Verde": "Cape Verde",
    "Swaziland": "Eswatini",
    "Burma": "Myanmar",
    "Macedonia": "North Macedonia",
    "Republic of Macedonia": "North Macedonia",
    "Viet Nam": "Vietnam",
    "Lao PDR": "Laos",
    "Lao People's Democratic Republic": "Laos",
    "Iran, Islamic Republic of": "Iran",
    "Islamic Republic of Iran": "Iran",
    "Syrian Arab Republic": "Syria",
    "Bolivia, Plurinational State of": "Bolivia",
    "Plurinational State of Bolivia": "Bolivia",
    "Venezuela, Bolivarian Republic of": "Venezuela",
    "Tanzania, United Republic of": "Tanzania",
    "United Republic of Tanzania": "Tanzania",
    "Moldova, Republic of": "Moldova",
    "Republic of Moldova": "Moldova",
    "Holy See": "Vatican City",
    "Vatican": "Vatican City",
    "State of Palestine": "Palestine",
    "Palestine, State of": "Palestine",
    "Bahamas": "The Bahamas",
    "Gambia": "The Gambia",
    "Micronesia": "Federated States of Micronesia",
    "Sao Tome and Principe": "São Tomé and Príncipe",
    "Hong Kong SAR": "Hong Kong",
    "Macao": "Macau",
    "Brasil": "Brazil",
}


def name_key(name: str) -> str:
    """A name as compared: accents, case, apostrophe shapes and spacing ignored.

    >>> name_key("  Côte d’Ivoire ") == name_key("cote d'ivoire")
    True
    """
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("`", "'")
    return " ".join(text.casefold().split())


_VARIANTS_BY_KEY: Final = {name_key(k): v for k, v in COUNTRY_NAME_VARIANTS.items()}


def candidate_names(name: str) -> list[str]:
    """The strings tried for one country name: as given, its variant, without a leading "The".

    >>> candidate_names("The Netherlands")
    ['The Netherlands', 'Netherlands']
    >>> candidate_names("Côte d’Ivoire")
    ['Côte d’Ivoire', "Côte d'Ivoire", 'Ivory Coast']
    """
    clean = " ".join(name.split())
    out = [clean]
    straight = clean.replace("\u2019", "'").replace("\u2018", "'")
    out.append(straight)
    variant = _VARIANTS_BY_KEY.get(name_key(clean))
    if variant:
        out.append(variant)
    if clean.casefold().startswith("the ") and len(clean) > 4:
        out.append(clean[4:])
    return list(dict.fromkeys(out))


def sort_qids(qids: Iterable[str]) -> tuple[str, ...]:
    """Distinct QIDs in QID-number order.

    >>> sort_qids(["Q10", "Q9", "Q10"])
    ('Q9', 'Q10')
    """
    return tuple(sorted(set(qids), key=ids.qid_number))


@dataclass(frozen=True)
class CountryResolution:
    """What ONE batched label/alias query made of a set of country names."""

    qids: dict[str, str]  # name -> QID
    how: dict[str, str]  # name -> "label", "alias", "variant label", "variant alias"
    unresolved: tuple[str, ...]
    ambiguous: dict[str, tuple[str, ...]] = field(default_factory=dict)  # name -> candidates
    result: QueryResult | None = None


def resolve_country_names(names: Iterable[str], engine: str | Engine) -> CountryResolution:
    """Resolve country names to current-country QIDs with one batched query.

    Each name is tried as given, then as its variants (:func:`candidate_names`); an English (or
    ``mul``) label beats an alias, the name as given beats a variant; several items for the
    winning string give the lowest QID number (listed in ``ambiguous``).

    >>> r = resolve_country_names(["The Netherlands", "Atlantis"], "snapshot")
    >>> r.qids, r.how["The Netherlands"], r.unresolved
    ({'The Netherlands': 'Q55'}, 'variant label', ('Atlantis',))
    """
    eng = get_engine(engine)
    wanted = list(dict.fromkeys(" ".join(n.split()) for n in names if n.strip()))
    cands = {n: candidate_names(n) for n in wanted}
    strings = sorted({c for cs in cands.values() for c in cs})
    if not strings:
        return CountryResolution({}, {}, ())
    res = eng.run("names-to-items", names=strings)
    hits: dict[tuple[str, str], set[str]] = {}
    for row in res.rows:
        name, how, item = term_value(row, "name"), term_value(row, "how"), term_qid(row, "item")
        if name is not None and how is not None and item is not None:
            hits.setdefault((name, how), set()).add(item)
    qids: dict[str, str] = {}
    hows: dict[str, str] = {}
    ambiguous: dict[str, tuple[str, ...]] = {}
    for n in wanted:
        first, rest = cands[n][0], cands[n][1:]
        tiers = [("label", [first]), ("variant label", rest)]
        tiers += [("alias", [first]), ("variant alias", rest)]
        for how, strs in tiers:
            found = set().union(*(hits.get((s, how.split()[-1]), set()) for s in strs))
            if found:
                ordered = sort_qids(found)
                qids[n], hows[n] = ordered[0], how
                if len(ordered) > 1:
                    ambiguous[n] = ordered
                break
    unresolved = tuple(n for n in wanted if n not in qids)
    return CountryResolution(qids, hows, unresolved, ambiguous, res)
