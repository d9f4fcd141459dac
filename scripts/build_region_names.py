#!/usr/bin/env python3
"""Build ``glamgraph/data/region_names.tsv``: the names people type for continents and countries.

Derived from ``countries.csv`` (the shared Wikidata-derived country table): for each country its
QID, ISO 3166-1 alpha-2 and alpha-3 codes, continents, its English label and the Natural Earth
name when different, plus short forms derived by rule (a leading "The", "Republic of (the)",
"Democratic Republic of (the)", "People's Republic of", "United Republic of", "Federated States
of" dropped; so "Congo" names both Congos and is refused as ambiguous) and a few common English
aliases (``EXTRA_ALIASES``). The continents come from :data:`glamgraph.vocab.CONTINENTS`.

Columns (tab-separated, UTF-8, one header line): ``qid kind iso2 iso3 continents names`` with
``continents`` space-separated QIDs and ``names`` the label first, then aliases, ``|``-separated.
Same input, same bytes.

Usage::

    python scripts/build_region_names.py                # ../shared/data -> glamgraph/data
    python scripts/build_region_names.py --data DIR --out FILE
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from glamgraph import vocab  # noqa: E402

#: Short forms: a prefix dropped from a name gives another name.
PREFIXES = (
    "the ",
    "democratic republic of the ",
    "democratic republic of ",
    "republic of the ",
    "republic of ",
    "people's republic of ",
    "united republic of ",
    "federated states of ",
)
#: Common English names beside the label (by ISO alpha-2 code).
EXTRA_ALIASES: dict[str, tuple[str, ...]] = {
    "CI": ("Côte d'Ivoire",),
    "US": ("United States", "USA"),
    "GB": ("Great Britain", "UK", "Britain"),
    "RU": ("Russian Federation",),
    "KR": ("Republic of Korea",),
    "KP": ("Democratic People's Republic of Korea", "DPRK"),
    "TR": ("Türkiye",),
    "MM": ("Burma",),
    "CD": ("DR Congo", "DRC", "Congo-Kinshasa"),
    "CG": ("Congo-Brazzaville",),
    "CZ": ("Czechia",),
    "CV": ("Cabo Verde",),
    "SZ": ("Swaziland",),
    "MK": ("Macedonia",),
    "VA": ("Holy See",),
    "TL": ("East Timor",),
    "NL": ("Holland",),
    "AE": ("UAE",),
    "VN": ("Viet Nam",),
    "LA": ("Laos", "Lao PDR"),
    "SY": ("Syrian Arab Republic",),
    "IR": ("Islamic Republic of Iran",),
    "BO": ("Plurinational State of Bolivia",),
    "VE": ("Bolivarian Republic of Venezuela",),
    "PS": ("State of Palestine",),
}
CONTINENT_ALIASES: dict[str, tuple[str, ...]] = {
    vocab.OCEANIA: ("Insular Oceania", "Australia and Oceania"),
    vocab.NORTH_AMERICA: ("Northern America",),
}


def short_forms(name: str) -> list[str]:
    """Names derived from ``name`` by dropping one of :data:`PREFIXES`."""
    out = []
    low = name.casefold()
    for p in PREFIXES:
        if low.startswith(p) and len(name) > len(p):
            out.append(name[len(p) :])
    return out


def build(data: Path) -> str:
    rows = list(csv.DictReader((data / "countries.csv").open(encoding="utf-8", newline="")))
    lines = ["qid\tkind\tiso2\tiso3\tcontinents\tnames"]
    for qid, label in sorted(vocab.CONTINENTS.items(), key=lambda kv: int(kv[0][1:])):
        names = [label, *CONTINENT_ALIASES.get(qid, ())]
        lines.append(f"{qid}\tcontinent\t\t\t\t{'|'.join(names)}")
    for r in sorted(rows, key=lambda r: int(r["qid"][1:])):
        qid = r["qid"].strip()
        if not re.fullmatch(r"Q[1-9][0-9]*", qid):
            continue
        names: list[str] = []
        for n in (r["label_en"], r.get("ne_admin", ""), *EXTRA_ALIASES.get(r["iso2"], ())):
            n = " ".join(n.replace("\t", " ").replace("|", " ").split())
            for m in (n, *short_forms(n)):
                if m and m.casefold() not in {x.casefold() for x in names}:
                    names.append(m)
        conts = " ".join(c for c in r["continent_qids"].split() if c in vocab.CONTINENTS)
        iso2 = r["iso2"].strip().upper()
        iso3 = r["iso3"].strip().upper()
        lines.append(f"{qid}\tcountry\t{iso2}\t{iso3}\t{conts}\t{'|'.join(names)}")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--out", type=Path, default=ROOT / "glamgraph" / "data" / "region_names.tsv")
    args = ap.parse_args(argv)
    if not (args.data / "countries.csv").is_file():
        print(f"build_region_names: no countries.csv in {args.data}", file=sys.stderr)
        return 2
    text = build(args.data)
    args.out.write_text(text, encoding="utf-8")
    print(f"region names: {text.count(chr(10)) - 1} regions -> {args.out.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
