"""The console script ends without freeing its heap object by object, and loses nothing by it:
output flushed, ``atexit`` handlers run (a child still writing a cache entry is waited for),
the exit code kept."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from glamgraph._version import __version__

SCRIPT = """
import atexit, os, sys, time
from glamgraph.cli import leave
from glamgraph.client import background

out = sys.argv[1]
# registered first, so it runs last (after the wait for the child that detach registers)
atexit.register(lambda: print("atexit ran; child done:", os.path.exists(out), flush=False))
sys.stdout.write("buffered, no newline")  # still in the buffer when leave() is called


def slow() -> None:
    time.sleep(0.5)
    with open(out, "w", encoding="utf-8") as fh:
        fh.write("written by the child")


background.detach(slow, wanted=True)
if background.can_fork():
    print("forked")
leave(3)
"""


def test_leave_flushes_runs_atexit_and_waits_for_a_detached_child(tmp_path: Path) -> None:
    out = tmp_path / "entry.txt"
    env_script = "import os; os.sched_getaffinity = lambda pid: {0, 1}\n" + SCRIPT
    proc = subprocess.run(
        [sys.executable, "-c", env_script, str(out)], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 3, proc.stderr
    assert proc.stdout.startswith("buffered, no newline")
    assert "forked" in proc.stdout  # the child did the work: leave() had to wait for it
    assert proc.stdout.rstrip().endswith("atexit ran; child done: True")
    assert out.read_text(encoding="utf-8") == "written by the child"  # waited for, not cut off


def test_python_m_glamgraph_exits_with_the_commands_code() -> None:
    ok = subprocess.run(
        [sys.executable, "-m", "glamgraph", "--version"], capture_output=True, text=True
    )
    assert ok.returncode == 0 and __version__ in ok.stdout
    bad = subprocess.run(
        [sys.executable, "-m", "glamgraph", "coverage", "Q0x", "--endpoint", "snapshot"],
        capture_output=True,
        text=True,
    )
    assert bad.returncode == 2
    assert bad.stderr.startswith("glamgraph: error:") and "Traceback" not in bad.stderr


def test_a_progress_bar_leaves_no_thread_behind() -> None:
    """glamgraph forks its writing children only when no other thread runs: a run that drew a
    bar (the CLI without --quiet) must leave none (tqdm's monitor thread outlived its bars)."""
    code = (
        "import threading, sys\n"
        "from glamgraph.progress import progress_bar\n"
        "bar = progress_bar()\n"
        "bar('harvest Q46', 1, 3); bar('harvest Q46', 3, 3); bar('other', 1, 1)\n"
        "bar.close()\n"
        "print([t.name for t in threading.enumerate()])\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "['MainThread']"
