"""``--listeria``: a ``{{Wikidata list}}`` block per uncovered region instead of a static table.

ListeriaBot (magnusmanske/listeria_rs) finds ``{{Wikidata list|sparql=…|columns=…}}`` …
``{{Wikidata list end}}`` on a page, runs the SPARQL on the Wikidata Query Service and writes
the table between the two templates, then keeps it current. The SPARQL of each block is
glamgraph's own query for that region (``queries/listeria-institutions-of-region.rq``), filled
with :func:`glamgraph.queries.fill` for WDQS: the region and the GLAM roots as typed terms.

>>> text = sparql_for("Q1009")
>>> "VALUES ?region { wd:Q1009 }" in text and "|" not in text and "{{" not in text
True
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Final

from glamgraph import queries, vocab
from glamgraph.errors import BadInput
from glamgraph.export.wikitext import comment, escape, wikilink
from glamgraph.publish.run import RunFolder, UnitRow

QUERY_NAME: Final = "listeria-institutions-of-region"

#: The list's columns: ListeriaBot's ``label``/``item`` and Wikidata properties, with headings.
COLUMNS: Final[tuple[tuple[str, str], ...]] = (
    ("label", "Institution"),
    ("item", "Item"),
    (vocab.INSTANCE_OF, "Type"),
    (vocab.WEBSITE, "Website"),
    (vocab.EMAIL, "Email"),
    (vocab.PHONE, "Phone"),
    (vocab.STREET_ADDRESS, "Address"),
    (vocab.COORDINATES, "Coordinates"),
)
#: A ``section=`` per type of institution (ListeriaBot groups the rows under headings).
SECTION: Final = vocab.INSTANCE_OF
SORT: Final = "label"

_PREFIX_RE: Final = re.compile(r"^\s*PREFIX\s", re.IGNORECASE)


def sparql_for(
    region: str,
    *,
    roots: Sequence[str] = vocab.DEFAULT_GLAM_ROOTS,
    lookalikes: Sequence[str] = vocab.DEFAULT_LOOKALIKES,
) -> str:
    """The WDQS query of one region's institutions, as one template parameter can hold it.

    Comment lines and the ``PREFIX`` lines (WDQS knows ``wd:`` and ``wdt:``) are dropped and the
    rest joined on one line per clause; the text never holds ``|``, ``{{`` or ``}}``, which would
    end the template parameter.

    Raises:
        BadInput: a malformed region QID.
    """
    query = queries.load(QUERY_NAME)
    filled = queries.fill(
        query,
        {"region": region, "root": list(roots), "lookalike": list(lookalikes)},
        engine_kind="wdqs",
    )
    lines = [
        line.rstrip()
        for line in filled.splitlines()
        if line.strip() and not line.lstrip().startswith("#") and not _PREFIX_RE.match(line)
    ]
    text = "\n".join(lines)
    if "|" in text or "{{" in text or "}}" in text:  # pragma: no cover - the file is ours
        raise BadInput(f"query {QUERY_NAME} cannot go into a template parameter")
    return text


def block(row: UnitRow) -> str:
    """The heading, a one-line introduction and the ``{{Wikidata list}}`` block of one region."""
    intro = [f"Region: {wikilink(row.region, row.region)}"]
    if row.nearest_affiliate:
        intro.append(f"nearest affiliate: {escape(row.nearest_affiliate)}")
    if row.contact:
        intro.append(f"contact: {escape(row.contact)}")
    columns = ",".join(f"{key}:{title}" for key, title in COLUMNS)
    return "\n".join(
        [
            f"== {escape(row.label or row.region)} ==",
            "; ".join(intro) + ".",
            "{{Wikidata list",
            f"|sparql={sparql_for(row.region)}",
            f"|columns={columns}",
            f"|sort={SORT}",
            f"|section={SECTION}",
            "}}",
            "{{Wikidata list end}}",
        ]
    )


def render(run: RunFolder) -> str:
    """The section for ``--listeria``: a comment naming the run, then a block per uncovered
    region of ``regions.csv`` (or a line saying there is none)."""
    rows = run.uncovered()
    out = [
        comment(
            f"GLAM institutions in regions with no local Wikimedia affiliate of "
            f"{run.region_label or run.region} ({run.region}), kept current by ListeriaBot "
            f"from the Wikidata Query Service. Regions: {run.provenance}."
        )
    ]
    if not rows:
        out.append("No region to list.")
    for row in rows:
        out.append("")
        out.append(block(row))
    return "\n".join(out) + "\n"
