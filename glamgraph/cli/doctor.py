"""``glamgraph doctor``: does each endpoint answer every shipped query, at production sizes?"""

from __future__ import annotations

import click

from glamgraph import doctor as doc
from glamgraph.queries import parse_param_args
from glamgraph.sparql import Settings

#: The exit code of a report with a failed check: an endpoint (or a query on it) failed.
EXIT_FAILED = 3


@click.command("doctor")
@click.option(
    "--endpoint",
    "endpoints",
    multiple=True,
    metavar="NAME|URL",
    help="An endpoint to check (repeatable; default: wdqs and qlever). Never falls back.",
)
@click.option(
    "--known",
    multiple=True,
    metavar="KEY=VALUE",
    help="Replace a known answer (country, country_label, lang, closure_root, closure_member, "
    "continent, min_countries), e.g. --known continent=Q15.",
)
@click.option("--timeout", type=float, default=None, help="Client timeout per request, in seconds.")
@click.option("--quiet", is_flag=True, help="No progress lines on stderr; only the table.")
def doctor(
    endpoints: tuple[str, ...], known: tuple[str, ...], timeout: float | None, quiet: bool
) -> None:
    """Run every shipped query once at a small and at a production size on each endpoint.

    Checks the columns of each answer and known answers (Nigeria's English label, art museum
    in the closure of museum, more than 40 countries in Europe), with the cache and the
    fallback off, and prints a table of timings and verdicts to paste into a bug report.
    Exits with 3 when a check failed.

    \b
    Examples:
      glamgraph doctor
      glamgraph doctor --endpoint https://example.org/sparql --known continent=Q15
    """
    pairs = {k: v[-1] for k, v in parse_param_args(known).items()}
    answers = doc.known_answers_from(pairs)
    settings = Settings() if timeout is None else Settings(timeout_s=timeout)

    def progress(check: doc.Check) -> None:
        if not quiet:
            verdict = check.verdict if check.verdict == "ok" else f"{check.verdict}: {check.detail}"
            click.echo(
                f"{check.endpoint} {check.query} ({check.size}, {check.values}): "
                f"{check.seconds:.2f} s, {verdict}",
                err=True,
            )

    report = doc.doctor(
        endpoints or doc.DEFAULT_ENDPOINTS, answers, settings=settings, on_check=progress
    )
    click.echo(report.table())
    if not report.ok:
        raise click.exceptions.Exit(EXIT_FAILED)
