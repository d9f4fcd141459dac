"""``glamgraph coverage``: regions with GLAM institutions and no local affiliate, and whom to
contact, written as regions.csv, contacts (CSV, XLSX, wikitext), GeoJSON, a map and the graph."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import click

from glamgraph.cli.options import engine_options, engine_settings
from glamgraph.errors import BadInput, UnknownRegion, WriteError

if TYPE_CHECKING:
    from glamgraph.export import WriteReport
    from glamgraph.export.reuse import OutputStore, Request
    from glamgraph.model import AffiliateSet
    from glamgraph.sparql import Engine, Settings


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
@click.option(
    "--all",
    "all_regions",
    is_flag=True,
    help="List covered regions and regions without institutions too (stdout and contacts).",
)
@click.option(
    "--fallback-contact",
    default=None,
    metavar="NAME|URL",
    help="Contact of last resort (default: the international GLAM-Wiki community and its page).",
)
@click.option(
    "--raw-csv",
    is_flag=True,
    help="Write CSV cells as they are; by default a cell starting with = + - @ TAB or CR "
    "gets a leading ' so spreadsheets do not run it as a formula.",
)
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

    REGION is world, a continent or country by English name or alias (europe, "Côte d'Ivoire"),
    a QID (Q46, q142), an ISO code (FR, FRA, FR-IDF) or a first-level subdivision. The unit rows
    are a continent's countries or a country's subdivisions.

    \b
    Examples:
      glamgraph coverage europe --endpoint snapshot
      glamgraph coverage Q46 --endpoint snapshot
      glamgraph coverage Q15 --lang fr,en --out africa/ --registry my-affiliates.csv
    """
    from glamgraph import ids
    from glamgraph.coverage import coverage as run_coverage
    from glamgraph.coverage import parse_fallback_contact
    from glamgraph.export import reuse, write_all
    from glamgraph.progress import ProgressBar
    from glamgraph.sparql import get_engine
    from glamgraph.sparql.endpoints import snapshot_path

    if not region.strip():
        raise UnknownRegion("unknown region: '' (use world, a name, a QID or an ISO code)")
    ids.parse_langs(lang)
    fallback = parse_fallback_contact(fallback_contact)
    roots = [ids.check_qid(t.strip(), "class QID") for t in types.split(",")] if types else None
    _check_input_file(module, "--affiliates")
    _check_input_file(registry, "--registry")
    _check_out(out)
    settings, chain = engine_settings(no_cache, cache_ttl, timeout)
    request = reuse.Request(
        region.strip(),
        lang,
        tuple(roots or ()),
        f"{fallback.name}|{fallback.page}",
        all_regions,
        not raw_csv,
    )
    kept = reuse.OutputStore.for_settings(settings)
    engine, key, affs = _reuse_key(kept, request, endpoint, settings, chain, module, registry)
    if kept is not None and key is not None:
        # a warm run: the files of the last run with the very same inputs, copied and checked
        done = kept.reuse(key, out, engine=engine, affiliates=affs)
        if done is not None:
            click.echo(done.summary)
            _files_line(out, done.report)
            click.echo(f"(inputs unchanged since {done.made}: the files of that run were reused)")
            return
    if engine is None:
        engine = get_engine(endpoint, settings, fallback=chain)
    bar = ProgressBar(disable=quiet)  # the CLI draws the bar; the library reports progress
    try:
        cov = run_coverage(
            region,
            endpoint=engine,
            module=module,  # an existing file (checked above), read as a file whatever its name
            registry=registry,
            lang=lang,
            types=roots,
            affiliates=affs,
            fallback_contact=fallback,
            quiet=True,
            progress=bar,
        )
    finally:
        bar.close()
    report = write_all(cov, out, all_regions=all_regions, neutralise=not raw_csv)
    text = summary(cov, all_regions=all_regions)
    click.echo(text)
    _files_line(out, report)
    if kept is not None and key is not None:
        snapshot = snapshot_path(endpoint) is not None
        kept.keep(
            key,
            cov,
            report,
            text,
            engine=None if snapshot else engine,
            affiliates=None if snapshot else cov.affiliates,
        )


def _files_line(out: str, report: WriteReport) -> None:
    names = ", ".join(sorted(f.name for f in report.files))
    click.echo(f"files written to {Path(out).resolve()}: {names}")
    if report.without_coordinates:
        click.echo(
            f"{report.without_coordinates} institutions have no coordinates (not on the map)"
        )


def _reuse_key(
    kept: OutputStore | None,
    request: Request,
    endpoint: str,
    settings: Settings,
    chain: list[str] | None,
    module: str | None,
    registry: str | None,
) -> tuple[Engine | None, tuple[str, ...] | None, AffiliateSet | None]:
    """The engine (``None`` for a snapshot: made only when needed), the key of the kept
    outputs for this run, and the affiliates when they had to be loaded to make the key.

    For a snapshot the key names the file and the ``--affiliates``/``--registry`` files; for an
    endpoint, its chain, and the affiliates as loaded, but only when an entry exists (so that a
    run with nothing to reuse loads them where it always did, inside ``coverage``)."""
    from glamgraph.export import reuse
    from glamgraph.sparql import get_engine
    from glamgraph.sparql.endpoints import snapshot_path

    path = snapshot_path(endpoint)
    if path is not None:
        if kept is None:
            return None, None, None
        try:
            data = (
                reuse.snapshot_identity(path),
                reuse.file_digest(module),
                reuse.file_digest(registry),
            )
        except OSError:
            return None, None, None  # the run itself says what is wrong with the file
        return None, kept.key(request, data), None
    engine = get_engine(endpoint, settings, fallback=chain)
    if kept is None:
        return engine, None, None
    key = kept.key(request, reuse.chain_identity(engine))
    if not kept.store.path(key).is_file():
        return engine, key, None
    from glamgraph.affiliates import load_affiliates

    affs = load_affiliates(module, registry=registry, endpoint=engine, settings=engine.settings)
    return engine, key, affs


def _row_line(r: object) -> str:
    from glamgraph.model import CoverageRow

    assert isinstance(r, CoverageRow)
    c = r.contacts[0] if r.contacts else None
    who = ""
    if c is not None:
        who = f"{c.code} {c.name}" if c.name and c.name != c.code else c.code
        if len(r.contacts) > 1:
            who += f" (+{len(r.contacts) - 1})"
        if r.uncovered and r.hops is not None:
            who += f" ({r.hops} hop{'s' if r.hops != 1 else ''})"
        if c.channel:
            who += f" <{c.channel}> [{c.channel_source}]"
    return f"{r.region:<10} {r.iso:<7} {r.label[:28]:<28} {r.institutions:>6}  {r.status:<15} {who}"


def summary(cov: object, *, all_regions: bool = False, limit: int = 40) -> str:
    """The stdout report: caveats, then the uncovered regions with whom to contact, then the
    counts of the covered regions and of those without institutions (listed with
    ``all_regions``)."""
    from glamgraph.export.common import region_order
    from glamgraph.model import Coverage

    assert isinstance(cov, Coverage)
    unc, cov_rows, none = cov.uncovered(), cov.covered(), cov.no_institutions()
    lines = [f"CAVEAT: {line}" for line in cov.caveats]
    lines.append(
        f"# {cov.region.label} ({cov.region.qid}) on {cov.endpoint}: {len(cov.rows)} regions, "
        f"{len(cov.institutions)} institutions, {len(cov.unplaced)} unplaced; "
        f"{len(unc)} uncovered, {len(cov_rows)} covered, {len(none)} with no institutions"
    )
    header = f"{'region':<10} {'iso':<7} {'label':<28} {'inst':>6}  {'status':<15} contact"
    lines.append(f"## uncovered: {len(unc)} (GLAM institutions, no local affiliate)")
    if unc:
        lines.append(header)
    shown = region_order(unc)
    for r in shown[:limit] if not all_regions else shown:
        lines.append(_row_line(r))
    if not all_regions and len(shown) > limit:
        lines.append(f"... and {len(shown) - limit} more uncovered regions (see regions.csv)")
    for name, rows in (("covered", cov_rows), ("no_institutions", none)):
        if all_regions and rows:
            lines.append(f"## {name}: {len(rows)}")
            lines.append(header)
            lines.extend(_row_line(r) for r in region_order(rows))
        else:
            lines.append(f"## {name}: {len(rows)} (listed with --all and in regions.csv)")
    return "\n".join(lines)
