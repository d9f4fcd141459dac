"""``glamgraph query``: run one shipped query or your own ``.rq`` file on any engine."""

from __future__ import annotations

import csv
import io
import json
import re
import sys

import click

from glamgraph import queries
from glamgraph.cli.options import engine_options, make_engine
from glamgraph.sparql.result import QueryResult, term_value


@click.command("query")
@click.argument("name")
@engine_options
@click.option("--param", "params", multiple=True, metavar="KEY=VALUE", help="A query parameter.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    show_default=True,
)
def query(
    name: str,
    endpoint: str,
    no_cache: bool,
    cache_ttl: float,
    timeout: float,
    params: tuple[str, ...],
    fmt: str,
) -> None:
    """Run the shipped query NAME (a file stem in queries/) or your own FILE.rq.

    \b
    Examples:
      glamgraph query countries-of-continent --param continent=Q15 --endpoint snapshot
      glamgraph query my-query.rq --endpoint https://example.org/sparql --format csv
    Shipped queries: see `glamgraph query list`.
    """
    if name == "list":
        for qname in queries.names():
            click.echo(f"{qname:40} {queries.load(qname).title}")
        return
    q = queries.resolve(name)
    # Read-only: an update (or anything but a SELECT, which is all this command shows) is
    # refused by parsing it, before an engine is even made.
    queries.check_query_form(q.text, ("SELECT",), name=q.path or q.name)
    parsed = queries.parse_param_args(params)
    engine = make_engine(endpoint, no_cache, cache_ttl, timeout)
    result = engine.run(q, **{k: (v if len(v) > 1 else v[0]) for k, v in parsed.items()})
    click.echo(_SURROGATE_RE.sub("\ufffd", render(result, fmt)))


#: A lone UTF-16 surrogate (a broken literal from an endpoint): it cannot be printed as UTF-8.
_SURROGATE_RE = re.compile("[\ud800-\udfff]")


def render(result: QueryResult, fmt: str) -> str:
    """A result as a text table (headed by endpoint and query), CSV or SPARQL JSON."""
    vars_ = list(result.vars)
    if fmt == "json":
        return json.dumps(
            {"head": {"vars": vars_}, "results": {"bindings": result.rows}},
            ensure_ascii=False,
            indent=1,
        )
    values = [[term_value(r, v) or "" for v in vars_] for r in result.rows]
    values = [[shorten(x) for x in row] for row in values]
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(vars_)
        w.writerows(values)
        return buf.getvalue().rstrip("\n")
    source = " (cache)" if result.from_cache else ""
    if result.fallback_from:
        source += f" (fallback from {result.fallback_from})"
    head = (
        f"# endpoint: {result.endpoint} <{result.endpoint_url}>{source} | query: "
        f"{result.query_name} | {len(result.rows)} rows in {result.duration_s:.2f} s"
    )
    widths = [min(60, max([len(v)] + [len(r[i]) for r in values])) for i, v in enumerate(vars_)]
    lines = [head, "  ".join(v.ljust(w) for v, w in zip(vars_, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    for row in values:
        lines.append("  ".join(x[:60].ljust(w) for x, w in zip(row, widths, strict=True)))
    return "\n".join(lines)


def shorten(value: str) -> str:
    """Bare QIDs for Wikidata entity URIs, everything else as is.

    >>> shorten("http://www.wikidata.org/entity/Q15")
    'Q15'
    """
    from glamgraph import vocab

    if value.startswith(vocab.WD) and value[len(vocab.WD) :][:1] in ("Q", "P"):
        return value[len(vocab.WD) :]
    return value


if __name__ == "__main__":  # pragma: no cover
    sys.exit(query())
