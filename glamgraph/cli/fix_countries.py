"""``glamgraph fix-countries``: propose (and, with ``--apply``, make) the missing P17 edits."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import click

from glamgraph import fixes as wikibase
from glamgraph import vocab
from glamgraph.cli.options import engine_options, make_engine
from glamgraph.errors import MediaWikiError
from glamgraph.mediawiki import check_credential_transport
from glamgraph.redaction import redact_url


@click.command("fix-countries")
@click.argument("region")
@engine_options
@click.option(
    "--out",
    "out_dir",
    default="glamgraph-out",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Directory for edits.csv, edits.quickstatements, edits-skipped.csv, edits-report.csv.",
)
@click.option("--lang", default="en", show_default=True, help="Label languages, e.g. fr,en,mul.")
@click.option(
    "--apply",
    "apply_",
    is_flag=True,
    help="Make the edits (needs GLAMGRAPH_BOT_USER and GLAMGRAPH_BOT_PASSWORD). "
    "Without it: a dry run that only writes files.",
)
@click.option(
    "--wikibase",
    "api_url",
    default=vocab.WIKIDATA_API,
    show_default=True,
    metavar="API_URL",
    help="The MediaWiki Action API to edit with --apply.",
)
@click.option(
    "--min-interval",
    type=click.FloatRange(min=0.0),
    default=5.0,
    show_default=True,
    help="Seconds between two edits.",
)
@click.option(
    "--allow-insecure-http",
    is_flag=True,
    help="Send the bot password over plain http:// to a host other than this machine "
    "(refused by default; use https://).",
)
@click.option("--bot", is_flag=True, help="Flag the edits as bot edits (needs the bot right).")
@click.option(
    "--no-reference",
    is_flag=True,
    help="Add the statements without a reference (reference URL and retrieved date).",
)
@click.option("--quiet", is_flag=True, help="No progress bar.")
def fix_countries(
    region: str,
    endpoint: str,
    no_cache: bool,
    cache_ttl: float,
    timeout: float,
    out_dir: Path,
    lang: str,
    apply_: bool,
    api_url: str,
    min_interval: float,
    allow_insecure_http: bool,
    bot: bool,
    no_reference: bool,
    quiet: bool,
) -> None:
    """Propose the country (P17) of GLAM institutions in REGION that have none, from their P131.

    Institutions with no P17 whose P131 chain gives exactly one current country get a proposed
    P17 edit, with the P131 path in the edit summary; those whose chain gives none or several are
    listed apart. By default a dry run: prints the proposals and writes edits.csv,
    edits.quickstatements (QuickStatements V1) and edits-skipped.csv to --out. --apply makes the
    edits with the bot password from GLAMGRAPH_BOT_USER / GLAMGRAPH_BOT_PASSWORD, re-reading each
    item first, and writes edits-report.csv.

    \b
    Examples:
      glamgraph fix-countries Q46 --endpoint snapshot --out out/
      GLAMGRAPH_BOT_USER='Me@glamgraph' GLAMGRAPH_BOT_PASSWORD=... \\
        glamgraph fix-countries FR --apply --wikibase https://test.wikidata.org/w/api.php
    """
    user = password = ""
    if apply_:  # refuse before any request, SPARQL included
        user, password = wikibase.credentials_from_env()
        wikibase.check_api_url(api_url)
        check_credential_transport(api_url, allow_insecure_http=allow_insecure_http)
    engine = make_engine(endpoint, no_cache, cache_ttl, timeout)
    found = wikibase.propose_country_fixes(
        region, endpoint=engine, lang=lang, reference=not no_reference, quiet=quiet
    )
    reg = found.region
    click.echo(
        f"fix-countries {reg.qid} ({reg.label or reg.qid}): {len(found.proposals)} proposed, "
        f"{len(found.skipped)} not proposed"
    )
    for p in found.proposals:
        via = " > ".join(
            f"{lb} ({q})" if lb != q else q for q, lb in zip(p.path, p.path_labels, strict=False)
        )
        click.echo(
            f"  {p.item}  {_one_line(p.label)}  -> {p.country_label} ({p.country})  via {via}"
        )
    if found.skipped:
        click.echo("not proposed:")
        for s in found.skipped:
            extra = f" ({' '.join(s.countries)})" if s.countries else ""
            click.echo(f"  {s.item}  {_one_line(s.label)}  {s.reason}{extra}")
    written = found.write(out_dir)
    click.echo(f"wrote {', '.join(str(p) for p in written.values())}")
    if not apply_:
        click.echo("dry run: nothing was edited (--apply makes these edits)")
        return

    def show(res: wikibase.EditResult) -> None:
        rev = f" r{res.revision}" if res.revision else ""
        detail = f"  {res.detail}" if res.detail else ""
        click.echo(f"  {res.action:7} {res.item}{rev}{detail}")

    click.echo(f"editing {redact_url(api_url)} as {user}:")
    results = wikibase.apply_fixes(
        found,
        api_url,
        user=user,
        password=password,
        out_dir=out_dir,
        allow_insecure_http=allow_insecure_http,
        min_interval=min_interval,
        is_bot=bot,
        timeout=timeout if timeout is not None else 65.0,
        progress=show,
        contact=engine.settings.contact,
    )
    counts = Counter(r.action for r in results)
    report = out_dir / wikibase.REPORT_CSV
    click.echo(
        f"edited {counts['edited']}, skipped {counts['skipped']}, failed {counts['failed']}; "
        f"report: {report}"
    )
    if counts["failed"]:
        raise MediaWikiError(f"{counts['failed']} of {len(results)} edits failed; see {report}")


def _one_line(text: str) -> str:
    return " ".join(text.split())
