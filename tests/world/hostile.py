"""Hostile institutions for the loopback test world: what anyone can type into Wikidata.

:func:`write` adds, to a copy of the test world, GLAM institutions in Belgium (an uncovered
country of the world's module, so they land in every contacts output) whose labels, websites and
phone numbers are hostile: spreadsheet formulas, characters XML forbids, a bidi override, a
MediaWiki magic word in a URL, an IRI with ``[]`` that N-Quads refuses unless escaped, an
explicitly empty label and a label of 200,000 characters. They live in their own file, loaded
only by the tests that want them (``oxigraph load --lenient``, as Wikidata dumps are loaded).
"""

from __future__ import annotations

from pathlib import Path

COUNTRY = "Q31"  # Belgium: its chapter is derecognised in module.lua, so it is uncovered

#: qid -> (label, website, phone); None: no such statement.
HOSTILE: dict[str, tuple[str, str | None, str | None]] = {
    "Q9900001": ('=HYPERLINK("http://evil.example","click")', None, "+32-2-123-45-67"),
    "Q9900002": ("+cmd|' /C calc'!A0", "http://museum.example/search?tags[]=art", None),
    "Q9900003": ("@SUM(1+1)*cmd|' /C calc'!A0", None, None),
    "Q9900004": ("-2+3", "http://museum.example/__NOTOC__/page", None),
    "Q9900005": ("Mus\ufffee\uffffum\x01 of \x00Controls", None, None),
    "Q9900006": ("\u202eKCOLB museum", "http://museum.example/\u202eevil", None),
    "Q9900007": ("", "http://museum.example/a%zz#frag#again", None),
    "Q9900008": ("L" * 200_000, None, None),
}


def _lit(text: str) -> str:
    out = []
    for ch in text:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ord(ch) < 0x20 or 0xFFFE <= ord(ch) <= 0xFFFF or 0x2028 <= ord(ch) <= 0x202E:
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def turtle() -> str:
    """The hostile institutions as Turtle (Wikidata's shapes: truthy and statement triples)."""
    lines = [
        "@prefix wd: <http://www.wikidata.org/entity/> .",
        "@prefix wdt: <http://www.wikidata.org/prop/direct/> .",
        "@prefix p: <http://www.wikidata.org/prop/> .",
        "@prefix ps: <http://www.wikidata.org/prop/statement/> .",
        "@prefix wds: <http://www.wikidata.org/entity/statement/> .",
        "@prefix wikibase: <http://wikiba.se/ontology#> .",
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .",
        "@prefix geo: <http://www.opengis.net/ont/geosparql#> .",
    ]
    for n, (qid, (label, website, phone)) in enumerate(HOSTILE.items()):
        stmts: list[tuple[str, str]] = [
            ("P31", "wd:Q33506"),
            ("P17", f"wd:{COUNTRY}"),
            ("P625", f'"Point({4.3 + n / 10} {50.8 + n / 20})"^^geo:wktLiteral'),
        ]
        if website is not None:
            stmts.append(("P856", "<" + website.replace("\u202e", "\\u202E") + ">"))
        if phone is not None:
            stmts.append(("P1329", f"<tel:{phone}>"))
        lines.append(f"wd:{qid} rdfs:label {_lit(label)}@en .")
        for i, (pid, value) in enumerate(stmts):
            node = f"wds:{qid}-{pid}-{i}"
            lines.append(f"wd:{qid} p:{pid} {node} .")
            lines.append(f"{node} ps:{pid} {value} ; wikibase:rank wikibase:NormalRank .")
            lines.append(f"wd:{qid} wdt:{pid} {value} .")
    return "\n".join(lines) + "\n"


def write(path: Path) -> Path:
    """Write :func:`turtle` to ``path`` (UTF-8); returns it."""
    path.write_text(turtle(), encoding="utf-8")
    return path
