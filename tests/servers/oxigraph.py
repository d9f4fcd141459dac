"""A real Oxigraph SPARQL server on 127.0.0.1, loaded with the test world.

``oxigraph load`` fills a store directory, ``oxigraph serve-read-only --bind 127.0.0.1:PORT``
serves it; :func:`start` waits until the server answers a query, :func:`stop` ends it by its PID.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path


def oxigraph_binary() -> str:
    """The ``oxigraph`` executable of this environment (the dev extra installs it)."""
    here = Path(sys.executable).parent / "oxigraph"
    if here.exists():
        return str(here)
    found = shutil.which("oxigraph")
    if found is None:
        raise RuntimeError("the oxigraph server is not installed: pip install -e '.[dev]'")
    return found


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    pid: int
    port: int
    process: subprocess.Popen[bytes]
    location: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/query"


def start(
    data_files: list[Path],
    location: Path,
    timeout_s: float | None = None,
    *,
    writable: bool = False,
) -> Server:
    """Load ``data_files`` into a store at ``location`` and serve it on loopback: read-only, or
    ``writable`` (``oxigraph serve``, SPARQL Update accepted: the target of the read-only tests)."""
    exe = oxigraph_binary()
    location.mkdir(parents=True, exist_ok=True)
    for f in data_files:
        subprocess.run(
            [exe, "load", "--location", str(location), "--file", str(f)],
            check=True,
            capture_output=True,
        )
    port = free_port()
    cmd = [
        exe,
        "serve" if writable else "serve-read-only",
        "--location",
        str(location),
        "--bind",
        f"127.0.0.1:{port}",
    ]
    if timeout_s is not None:
        cmd += ["--timeout-s", str(int(timeout_s))]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    server = Server(proc.pid, port, proc, location)
    deadline = time.monotonic() + 30
    query = urllib.request.quote("ASK { ?s ?p ?o }")
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            err = proc.stderr.read().decode() if proc.stderr else ""
            raise RuntimeError(f"oxigraph exited with {proc.returncode}: {err}")
        try:
            with urllib.request.urlopen(f"{server.url}?query={query}", timeout=2) as r:
                if r.status == 200:
                    return server
        except OSError:
            time.sleep(0.1)
    stop(server)
    raise RuntimeError("oxigraph did not answer within 30 s")


def stop(server: Server) -> None:
    """Stop the server by its PID and wait for it."""
    try:
        os.kill(server.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        server.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.kill(server.pid, signal.SIGKILL)
        server.process.wait(timeout=10)
    if server.process.stderr:
        server.process.stderr.close()
