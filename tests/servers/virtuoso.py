"""A real OpenLink Virtuoso SPARQL server on 127.0.0.1, loaded with the test world.

:func:`start` writes a private ``virtuoso.ini`` into a temporary folder (its own database, log,
lock and transaction files there; SQL and HTTP ports on loopback, picked free), runs
``virtuoso-t +foreground +configfile FILE``, waits until the SQL port answers, loads each Turtle
file with ``isql-vt`` (``DB.DBA.TTLP_MT``, one graph per file), checkpoints, and waits until
``/sparql`` answers a query. :func:`stop` ends it by its PID. ``max_rows`` sets the server's
``ResultSetMaxRows`` (the row cap that cuts a SELECT's result without an error).

Debian's ``virtuoso-opensource`` package provides ``virtuoso-t`` and ``isql-vt``;
:func:`available` says whether they are installed.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

INI = """\
[Database]
DatabaseFile       = {d}/virtuoso.db
ErrorLogFile       = {d}/virtuoso.log
LockFile           = {d}/virtuoso.lck
TransactionFile    = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
ErrorLogLevel      = 7
FileExtend         = 200
MaxCheckpointRemap = 2000
Striping           = 0
TempStorage        = TempDatabase

[TempDatabase]
DatabaseFile       = {d}/virtuoso-temp.db
TransactionFile    = {d}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping           = 0

[Parameters]
ServerPort               = 127.0.0.1:{sql_port}
LiteMode                 = 0
DisableUnixSocket        = 1
DisableTcpSocket         = 0
MaxClientConnections     = 8
CheckpointInterval       = 0
O_DIRECT                 = 0
CaseMode                 = 2
MaxStaticCursorRows      = 5000
AllowOSCalls             = 0
DirsAllowed              = ., {d}
ThreadCleanupInterval    = 0
ThreadThreshold          = 10
ResourcesCleanupInterval = 0
NumberOfBuffers          = 2000
MaxDirtyBuffers          = 1200
MaxQueryMem              = 200M
ThreadsPerQuery          = 1
AsyncQueueMaxThreads     = 4

[HTTPServer]
ServerPort                  = 127.0.0.1:{http_port}
ServerRoot                  = {d}
MaxClientConnections        = 8
DavRoot                     = DAV
EnabledDavVSP               = 0
HTTPProxyEnabled            = 0
ServerThreads               = 8
MaxKeepAlives               = 8
KeepAliveTimeout            = 10
Charset                     = UTF-8
EnabledGzipContent          = 0

[SPARQL]
ResultSetMaxRows           = {max_rows}
MaxQueryCostEstimationTime = 400
MaxQueryExecutionTime      = 60
"""


def available() -> bool:
    """Whether Debian's ``virtuoso-opensource`` (``virtuoso-t``, ``isql-vt``) is installed."""
    return shutil.which("virtuoso-t") is not None and shutil.which("isql-vt") is not None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    pid: int
    sql_port: int
    port: int
    process: subprocess.Popen[bytes]
    location: Path
    max_rows: int

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/sparql"


def _isql(server: Server, statement: str, timeout: float = 120) -> str:
    out = subprocess.run(
        ["isql-vt", f"127.0.0.1:{server.sql_port}", "dba", "dba", f"exec={statement}"],
        capture_output=True,
        timeout=timeout,
        check=False,
    )
    text = out.stdout.decode("utf-8", "replace") + out.stderr.decode("utf-8", "replace")
    if out.returncode != 0 or "*** Error" in text:
        raise RuntimeError(f"isql-vt failed ({out.returncode}): {text.strip()[:500]}")
    return text


def _sql_ready(server: Server) -> bool:
    try:
        _isql(server, "select 1;", timeout=10)
    except (RuntimeError, subprocess.TimeoutExpired):
        return False
    return True


def start(data_files: list[Path], location: Path, *, max_rows: int = 10000) -> Server:
    """Start a private Virtuoso in ``location``, load ``data_files`` and wait for ``/sparql``."""
    location.mkdir(parents=True, exist_ok=True)
    d = location.resolve()
    sql_port, http_port = free_port(), free_port()
    while http_port == sql_port:
        http_port = free_port()
    ini = d / "virtuoso.ini"
    ini.write_text(
        INI.format(d=d, sql_port=sql_port, http_port=http_port, max_rows=max_rows),
        encoding="utf-8",
    )
    for f in data_files:  # DirsAllowed: the server reads the files from its own folder
        shutil.copyfile(f, d / f.name)
    proc = subprocess.Popen(
        ["virtuoso-t", "+foreground", "+configfile", str(ini)],
        cwd=d,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    server = Server(proc.pid, sql_port, http_port, proc, d, max_rows)
    try:
        deadline = time.monotonic() + 90
        while not _sql_ready(server):
            if proc.poll() is not None:
                log = (d / "virtuoso.log").read_text(errors="replace")[-800:]
                raise RuntimeError(f"virtuoso-t exited with {proc.returncode}: {log}")
            if time.monotonic() > deadline:
                raise RuntimeError("virtuoso did not open its SQL port within 90 s")
            time.sleep(0.3)
        for f in data_files:
            graph = f"urn:glamgraph:test:{f.stem}"
            _isql(
                server,
                f"DB.DBA.TTLP_MT(file_to_string_output('{d / f.name}'), '', '{graph}', 0); "
                "checkpoint;",
            )
        query = urllib.parse.quote("ASK { ?s ?p ?o }")
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{server.url}?query={query}", timeout=5) as r:
                    if r.status == 200:
                        return server
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("virtuoso's /sparql did not answer within 90 s")
    except BaseException:
        stop(server)
        raise


def stop(server: Server) -> None:
    """Stop the server by its PID and wait for it."""
    try:
        os.kill(server.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        server.process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.kill(server.pid, signal.SIGKILL)
        server.process.wait(timeout=10)
