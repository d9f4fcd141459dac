"""``glamgraph coverage``: regions with GLAM institutions and no local affiliate, and whom to
contact, written as regions.csv, contacts (CSV, XLSX, wikitext), GeoJSON, a map and the graph."""

from __future__ import annotations

import os
from pathlib import Path

import click

from glamgraph import regions
from glamgraph.cli.options import engine_options, make_engine
from glamgraph.errors import BadInput, UnknownRegion, WriteError


def _check_input_file(path: str | None, option: str) -> None:
    if path is None:
        return
    p = Path(path)
    if not p.is_file():
        raise BadInput(f"{option} {path}: no such file")
    if not os.access(p, os.R_OK):
        raise BadInput(f"{option} {path}: not readable")


def _check_out(out: str) -> None:
    p = Path(out)
    if p.exists() and not p.is_dir():
        raise WriteError(f"--out {out}: exists and is not a directory")
    parent = p if p.exists() else p.parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if parent.exists() and not parent.is_dir():
        raise WriteError(f"--out {out}: {parent} is a file, not a directory")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise WriteError(f"--out {out}: not writable")


@click.command("coverage")
@click.argument("region")
@engine_options
@click.option(
    "--affiliates",
    "module",
    metavar="FILE",
    help="Lua source of Module:Organizational_Informations.",
)
@click.option("--registry", metavar="FILE", help="Your CSV of affiliates (adds and overrides).")
@click.option(
    "--out", default="glamgraph-out", show_default=True, metavar="DIR", help="Output directory."
)
@click.option(
    "--lang",
    default="en",
    show_default=True,
    metavar="LANGS",
    help="Label languages, e.g. fr,en,mul.",
)
@click.option(
    "--types", default=None, metavar="QIDS", help="GLAM root classes instead of the default seven."
)
@click.option("--all", "all_regions", is_flag=True, help="Contacts for covered regions too.")
@click.option(
    "--raw-csv",
    is_flag=True,
    help="Write CSV cells as they are; by default a cell starting with = + - @ TAB or CR "
    "gets a leading ' so spreadsheets do not run it as a formula.",
)
@click.option("--fallback-contact", default=None, metavar="NAME", help="Contact of last resort.")
@click.option("--quiet", is_flag=True, help="No progress bar.")
def coverage(
    region: str,
    endpoint: str,
    no_cache: bool,
    cache_ttl: float,
    timeout: float,
    module: str | None,
    registry: str | None,
    out: str,
    lang: str,
    types: str | None,
    all_regions: bool,
    raw_csv: bool,
    fallback_contact: str | None,
    quiet: bool,
) -> None:
    """Which unit regions of REGION have GLAM institutions and no recognised local affiliate.

    REGION is world, a continent, country or first-level subdivision QID (Q46, Q142), or an ISO
    code (FR, FR-IDF). The unit rows are a continent's countries or a country's subdivisions.

    \b
    Examples:
      glamgraph coverage Q46 --endpoint snapshot
      glamgraph coverage Q15 --lang fr,en --out africa/ --registry my-affiliates.csv
    """
    from glamgraph import ids, vocab
    from glamgraph.coverage import coverage as run_coverage
    from glamgraph.export import write_all

    if not regions.is_region_code(region):
        raise UnknownRegion(
            f"unknown region: {region!r} (use world, a QID such as Q46, or an ISO code such as FR)"
        )
    ids.parse_langs(lang)
    roots = [ids.check_qid(t.strip(), "class QID") for t in types.split(",")] if types else None
    _check_input_file(module, "--affiliates")
    _check_input_file(registry, "--registry")
    _check_out(out)
    engine = make_engine(endpoint, no_cache, cache_ttl, timeout)
    cov = run_coverage(
        region,
        endpoint=engine,
        module=module,  # an existing file (checked above), read as a file whatever its name
        registry=registry,
        lang=lang,
        types=roots,
        fallback_contact=fallback_contact or vocab.GLAM_FALLBACK_CONTACT,
        quiet=quiet,
    )
    report = write_all(cov, out, all_regions=all_regions, neutralise=not raw_csv)
    click.echo(summary(cov))
    names = ", ".join(sorted(f.name for f in report.files))
    click.echo(f"files written to {Path(out).resolve()}: {names}")
    if report.without_coordinates:
        click.echo(
            f"{report.without_coordinates} institutions have no coordinates (not on the map)"
        )


def summary(cov: object) -> str:
    """A short table: unit regions with institutions, coverage and whom to contact."""
    from glamgraph.model import Coverage

    assert isinstance(cov, Coverage)
    lines = [
        f"# {cov.region.label} ({cov.region.qid}) on {cov.endpoint}: {len(cov.rows)} regions, "
        f"{len(cov.institutions)} institutions, {len(cov.uncovered())} uncovered, "
        f"{len(cov.unplaced)} unplaced"
    ]
    shown = [r for r in cov.rows if r.institutions > 0]
    shown.sort(key=lambda r: (not r.uncovered, -r.institutions, r.iso, r.region))
    lines.append(f"{'region':<10} {'iso':<7} {'label':<28} {'inst':>6}  {'affiliates':<16} contact")
    for r in shown[:40]:
        contact = (r.nearest_affiliate or "") if r.uncovered else ""
        if r.uncovered and r.hops is not None:
            contact += f" ({r.hops} hop{'s' if r.hops != 1 else ''})"
        state = "UNCOVERED" if r.uncovered else " ".join(r.affiliates)
        lines.append(
            f"{r.region:<10} {r.iso:<7} {r.label[:28]:<28} {r.institutions:>6}  {state[:16]:<16} {contact}"
        )
    if len(shown) > 40:
        lines.append(f"... and {len(shown) - 40} more regions with institutions (see regions.csv)")
    return "\n".join(lines)
