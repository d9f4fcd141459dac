"""glamgraph's command line: a thin shell over the library.

Each command lives in its own module; this one holds the group, the shared options and the one
place where errors become a one-line message and an exit code (0 ok, 2 bad input, 3 a source
failed after retries).
"""

from __future__ import annotations

import atexit
import contextlib
import os
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

import click

from glamgraph._version import __version__
from glamgraph.errors import GlamgraphError
from glamgraph.redaction import redact_text


class _Group(click.Group):
    """Turns glamgraph's errors into ``glamgraph: error: ...`` and the right exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except GlamgraphError as exc:
            message = redact_text(" ".join(str(exc).split()))
            click.echo(f"glamgraph: error: {message}", err=True)
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("glamgraph: interrupted", err=True)
            ctx.exit(130)


def _version_text() -> str:
    from glamgraph.sparql.embedded import snapshot_info

    info = snapshot_info()
    counts = info.get("counts", {})
    lines = [
        f"glamgraph {__version__}",
        f"offline snapshot built {info.get('built')}: {counts.get('institutions')} institutions, "
        f"{counts.get('countries')} countries, {counts.get('affiliates')} affiliates",
        str(info.get("warning")),
    ]
    capped = info.get("capped") or {}
    if capped:
        lines.append(f"capped at {counts.get('per_country_cap')} institutions per country:")
        lines += [f"  {c['label']}: {c['kept']} of {c['total']}" for c in capped.values()]
    gaps = info.get("gaps") or []
    if gaps:
        lines.append("not in the sample:")
        lines += [f"  {g}" for g in gaps]
    return "\n".join(lines)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, message="%(version)s", prog_name="glamgraph")
def cli() -> None:
    """GLAM institutions, Wikimedia affiliates and the regions between them, from open data.

    \b
    Examples:
      glamgraph query countries-of-continent --param continent=Q15 --endpoint snapshot
      glamgraph coverage Q46 --endpoint snapshot --out out/
    """


@cli.command("snapshot-info")
@click.argument("file", required=False, metavar="[FILE]")
@click.option("--json", "as_json", is_flag=True, help="The whole manifest as JSON.")
def snapshot_info_cmd(file: str | None, as_json: bool) -> None:
    """What a snapshot holds: date, endpoint, version, region, counts, sources, caps.

    Without FILE: the snapshot ``--endpoint snapshot`` serves (GLAMGRAPH_SNAPSHOT, else the
    offline sample shipped with glamgraph). A damaged file is refused (exit 2).

    \b
    Examples:
      glamgraph snapshot-info
      glamgraph snapshot-info world.snap --json
    """
    from pathlib import Path

    from glamgraph.cli.snapshot import info_text
    from glamgraph.sparql.embedded import default_snapshot_path, snapshot_manifest

    path = Path(file) if file else default_snapshot_path()
    man = snapshot_manifest(path)
    if not file and not as_json:
        click.echo(_version_text())
    click.echo(info_text(path, man, as_json))


#: Command modules, each defining one click command named like the module's attribute.
_COMMANDS = (
    ("glamgraph.cli.query", "query"),
    ("glamgraph.cli.coverage", "coverage"),
    ("glamgraph.cli.fix_countries", "fix_countries"),
    ("glamgraph.cli.publish", "publish"),
    ("glamgraph.cli.doctor", "doctor"),
    ("glamgraph.cli.snapshot", "snapshot"),
)


def _register() -> None:
    import importlib

    for module_name, attr in _COMMANDS:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:  # a command still being written
            if exc.name != module_name:
                raise
            continue
        cli.add_command(getattr(module, attr))


_register()


def main(argv: Sequence[str] | None = None) -> int:
    """The command line on ``argv`` (the process's arguments by default); returns the exit
    code (the ``glamgraph`` console script is :func:`console`)."""
    try:
        cli.main(
            args=list(argv) if argv is not None else None,
            prog_name="glamgraph",
            standalone_mode=True,
        )
    except SystemExit as exc:
        code = exc.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    return 0


def console() -> NoReturn:
    """The ``glamgraph`` console script (and ``python -m glamgraph``): :func:`main`, then
    :func:`leave`."""
    leave(main())


def leave(code: int) -> NoReturn:
    """End the process with ``code`` once the ``atexit`` handlers ran and stdout and stderr are
    flushed, without freeing the heap object by object: a world-wide run holds hundreds of MB
    of small objects, and a plain exit spent 1.4 s freeing them after the work was done
    (mypy's ``hard_exit`` does the same). The handlers wait for a child still writing a cache
    entry (:mod:`glamgraph.client.background`) and shut logging down."""
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(code)


if __name__ == "__main__":  # pragma: no cover
    console()
