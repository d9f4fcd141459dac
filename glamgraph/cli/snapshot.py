"""``glamgraph snapshot build``: harvest a region into one dated, reproducible snapshot file;
``glamgraph snapshot-info FILE`` (in :mod:`glamgraph.cli`) shows what a snapshot holds."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from glamgraph import regions
from glamgraph.cli.options import engine_options, make_engine
from glamgraph.errors import BadInput, UnknownRegion


@click.group("snapshot")
def snapshot() -> None:
    """Dated, reproducible snapshots of Wikidata's GLAM data, served offline.

    \b
    Examples:
      glamgraph snapshot build world --endpoint qlever --out world.snap
      glamgraph coverage Q46 --endpoint snapshot:world.snap
      glamgraph snapshot-info world.snap
    """


@snapshot.command("build")
@click.argument("region", default="world")
@engine_options
@click.option("--out", required=True, metavar="FILE", help="The snapshot file to write.")
@click.option(
    "--affiliates",
    "module",
    metavar="FILE",
    help="Lua source of Module:Organizational_Informations (default: fetched from Meta-Wiki).",
)
@click.option(
    "--lang", default="en", show_default=True, metavar="LANGS", help="Label languages, e.g. fr,en."
)
@click.option(
    "--date",
    "created",
    default=None,
    metavar="YYYY-MM-DD",
    help="Creation date to record (default: SOURCE_DATE_EPOCH, else today).",
)
@click.option(
    "--no-subdivisions",
    is_flag=True,
    help="For world or a continent: skip the country-level plan (the file then answers only "
    "continent and world runs).",
)
@click.option("--quiet", is_flag=True, help="No progress bar.")
def build(
    region: str,
    endpoint: str,
    no_cache: bool,
    cache_ttl: float,
    timeout: float,
    out: str,
    module: str | None,
    lang: str,
    created: str | None,
    no_subdivisions: bool,
    quiet: bool,
) -> None:
    """Harvest REGION (default: world) from the endpoint into the snapshot file --out.

    The same queries and plan as ``coverage``; the cache is on by default, so an interrupted
    build resumes where it stopped. Same data and date give a byte-identical file.

    \b
    Examples:
      glamgraph snapshot build world --endpoint qlever --out world.snap
      glamgraph snapshot build FR --endpoint wdqs --lang fr,en --out fr.snap --date 2026-12-01
    """
    from glamgraph import ids
    from glamgraph.progress import bar_class
    from glamgraph.snapshot import build as run_build
    from glamgraph.snapshot import created_date

    if not regions.is_region_code(region):
        raise UnknownRegion(
            f"unknown region: {region!r} (use world, a QID such as Q46, or an ISO code such as FR)"
        )
    ids.parse_langs(lang)
    created_date(created)
    if module is not None and not Path(module).is_file():
        raise BadInput(f"--affiliates {module}: no such file")
    target = Path(out)
    if target.is_dir():
        raise BadInput(f"--out {out}: is a directory (give a file name)")
    engine = make_engine(endpoint, no_cache, cache_ttl, timeout)
    bar = bar_class()(desc=f"snapshot {region}", unit="query", disable=quiet, leave=False)

    def progress(done: int, name: str) -> None:
        bar.set_postfix_str(name, refresh=False)
        bar.update(done - bar.n)

    try:
        report = run_build(
            region,
            endpoint=engine,
            out=target,
            module=module,
            lang=lang,
            created=created,
            progress=progress,
            subdivisions=not no_subdivisions,
        )
    finally:
        bar.close()
    click.echo(_summary(report.path, report.manifest))


def _summary(path: Path, man: dict[str, Any]) -> str:
    counts = man.get("counts", {})
    return (
        f"{path}: snapshot of {man.get('region')} from {man.get('endpoint')} "
        f"({man.get('created')}): {counts.get('triples')} triples, "
        f"{counts.get('queries', 0)} queries, {counts.get('institutions')} institutions, "
        f"{counts.get('affiliates')} affiliates; sha256 {str(man.get('sha256'))[:16]}"
    )


def info_text(path: Path, man: dict[str, Any], as_json: bool = False) -> str:
    """What ``snapshot-info FILE`` prints: the manifest, readable (or as JSON)."""
    if as_json:
        return json.dumps(man, indent=1, ensure_ascii=False, sort_keys=True)
    counts = man.get("counts", {})
    lines = [
        f"snapshot {path}",
        f"  created:   {man.get('created')}",
        f"  endpoint:  {man.get('endpoint')}",
        f"  glamgraph: {man.get('glamgraph')}",
        f"  region:    {man.get('region')}",
        f"  languages: {', '.join(man.get('languages') or [])}",
        f"  module:    {man.get('module_source', '')}",
        f"  sha256:    {man.get('sha256')}",
        "  counts:    " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())),
        f"  queries:   {len(man.get('queries') or [])} recorded (--json shows their texts)",
    ]
    notes = man.get("notes") or {}
    if notes.get("warning"):
        lines.append(f"  warning:   {notes['warning']}")
    for key, value in sorted((notes.get("rules") or {}).items()):
        lines.append(f"  rule {key}: {value}")
    for name, src in sorted((notes.get("sources") or {}).items()):
        if isinstance(src, dict):
            lines.append(f"  source {name}: {src.get('date', '')}; {src.get('covers', '')}")
    shown = {"warning", "rules", "sources", "counts", "name", "built", "builder"}
    for key, value in sorted(notes.items()):
        if key not in shown:  # caps, gaps and anything else the build recorded
            text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
            lines.append(f"  {key}: {text}")
    ncounts = notes.get("counts") or {}
    caps = ncounts.get("institutions_per_country") or {}
    if caps:
        top = sorted(caps.items(), key=lambda kv: (-int(kv[1]), kv[0]))[:10]
        lines.append("  most institutions: " + ", ".join(f"{q} {n}" for q, n in top))
    return "\n".join(lines)
