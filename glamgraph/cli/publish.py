"""``glamgraph publish``: a run's tables into one marked section of a wiki page (dry run first)."""

from __future__ import annotations

from pathlib import Path

import click

from glamgraph import vocab
from glamgraph.cli.options import engine_options
from glamgraph.errors import BadInput


@click.command("publish")
@click.argument("page")
@click.option(
    "--from",
    "from_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="The folder of a `glamgraph coverage --out` run (run.json, contacts.wikitext, regions.csv).",
)
@click.option(
    "--region",
    help="Instead of --from: run `glamgraph coverage REGION` first (with --endpoint, "
    "--affiliates, --registry, --lang, --out) and publish its outputs.",
)
@engine_options
@click.option("--affiliates", "module", metavar="FILE", help="With --region: as for coverage.")
@click.option("--registry", metavar="FILE", help="With --region: as for coverage.")
@click.option("--lang", default="en", show_default=True, help="With --region: label languages.")
@click.option(
    "--out",
    default="glamgraph-out",
    show_default=True,
    metavar="DIR",
    help="With --region: where the run's outputs are written.",
)
@click.option("--quiet", is_flag=True, help="With --region: no progress bar.")
@click.option(
    "--wiki",
    "api_url",
    default=vocab.META_API,
    show_default=True,
    metavar="API_URL",
    help="The wiki's api.php (any MediaWiki).",
)
@click.option("--apply", "apply_", is_flag=True, help="Make the edit (default: a dry run).")
@click.option("--create", is_flag=True, help="Create the page if it does not exist.")
@click.option(
    "--listeria",
    is_flag=True,
    help="A {{Wikidata list}} block per uncovered region (kept current by ListeriaBot) "
    "instead of static tables.",
)
@click.option("--bot", is_flag=True, help="Flag the edit as a bot edit (needs the bot right).")
@click.option(
    "--credentials",
    "credentials_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="A file (chmod 600) with GLAMGRAPH_BOT_USER=... and GLAMGRAPH_BOT_PASSWORD=... lines; "
    "default: those environment variables.",
)
def publish(
    page: str,
    from_dir: Path | None,
    region: str | None,
    endpoint: str,
    no_cache: bool,
    cache_ttl: float,
    timeout: float,
    module: str | None,
    registry: str | None,
    lang: str,
    out: str,
    quiet: bool,
    api_url: str,
    apply_: bool,
    create: bool,
    listeria: bool,
    bot: bool,
    credentials_file: Path | None,
    contact: str | None,
) -> None:
    """Put a run's tables into the marked section of PAGE on a wiki; a dry run unless --apply.

    Reads PAGE's current revision and replaces only the text between
    <!-- glamgraph:begin REGION --> and <!-- glamgraph:end REGION --> (appended at the end of the
    page the first time); every other byte of the page stays as it is. Prints the diff and the
    edit it would send. --apply logs in with a bot password (GLAMGRAPH_BOT_USER /
    GLAMGRAPH_BOT_PASSWORD, or --credentials FILE) and makes one edit based on the revision read:
    if anyone edited the page meanwhile, nothing is saved (exit 3). No change, no edit.

    \b
    Examples:
      glamgraph coverage Q15 --out out/
      glamgraph publish "GLAM/Point of contact" --from out/
      glamgraph publish "GLAM/Point of contact" --region Q15 --out out/
      GLAMGRAPH_BOT_USER='Me@glamgraph' GLAMGRAPH_BOT_PASSWORD=... \\
        glamgraph publish "GLAM/Point of contact" --from out/ --apply
    """
    from glamgraph.publish import publish as run_publish

    if bot and not apply_:
        raise BadInput("--bot only makes sense with --apply")
    if (from_dir is None) == (region is None):
        raise BadInput("publish needs either --from DIR (a run folder) or --region REGION")
    if region is not None:
        from glamgraph.cli.coverage import coverage as coverage_command
        from glamgraph.publish import load_credentials

        if apply_:  # refuse before the coverage run's many queries
            load_credentials(credentials_file)
        ctx = click.get_current_context()
        fallbacks = ctx.meta.get("glamgraph.engine_options", {})  # --fallback, --no-fallback
        ctx.invoke(
            coverage_command,
            **fallbacks,
            region=region,
            endpoint=endpoint,
            no_cache=no_cache,
            cache_ttl=cache_ttl,
            timeout=timeout,
            module=module,
            registry=registry,
            out=out,
            lang=lang,
            quiet=quiet,
        )
        from_dir = Path(out)
    assert from_dir is not None  # one of --from and --region, checked above
    result = run_publish(
        page,
        from_dir,
        wiki=api_url,
        apply=apply_,
        create=create,
        listeria=listeria,
        bot=bot,
        credentials_file=credentials_file,
        contact=contact,
        timeout_s=timeout,
    )
    click.echo(f"page {result.page} on {result.api_url}, section {result.region}")
    if result.action == "unchanged":
        click.echo("no change: the section already holds this run's tables; nothing was edited")
        return
    click.echo(result.where)
    click.echo(result.diff, nl=False)
    for note in result.notes:
        click.echo(f"note: {note}", err=True)
    sent = "sent" if result.action != "dry-run" else "to send"
    click.echo(f"edit {sent} (POST {result.api_url}):")
    for key, value in result.request.items():
        click.echo(f"  {key}={value}")
    if result.action == "dry-run":
        click.echo("dry run: nothing was edited (--apply makes this edit)")
    else:
        click.echo(f"{result.action}: {result.page} revision {result.new_revid}")
