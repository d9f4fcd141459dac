"""Work a forked child process may do while this process goes on: writing a cache entry that
nothing in this run reads again (the harvest store's, seconds at world scale).

:func:`detach` forks on Linux when two CPUs are there and no other thread runs (a thread does
not survive a fork, and whatever lock it held stays held in the child), unless
``GLAMGRAPH_WRITE_PROCESSES=1`` (:data:`PROCESSES_ENV`) asks for one process; elsewhere the work
is done at once, in this process. A detached child is waited for before this process reads
what it writes (:func:`wait`) and before the interpreter exits, so a run ends with its cache
written, as without a child. The child leaves with ``os._exit``: no clean-up of the parent's
(``atexit``, buffered files) runs twice. An error in the child is reported on stderr in one
line; the parent goes on (a cache entry is never needed for an answer). The child runs at the
lowest priority (:data:`CHILD_NICENESS`), in the time the run leaves idle.

>>> done = []
>>> detach(lambda: done.append(1), wanted=False)  # done here, now
False
>>> done
[1]
"""

from __future__ import annotations

import atexit
import contextlib
import os
import sys
import threading
from collections.abc import Callable, Iterator
from typing import Final

#: The environment variable that sets how many processes glamgraph works in: ``1`` (one) or
#: ``2`` (the default: a forked child writes outputs and cache entries beside this process).
PROCESSES_ENV: Final = "GLAMGRAPH_WRITE_PROCESSES"

#: How much less a detached child counts with the scheduler than this process (``nice``): its
#: work (a cache entry) takes the CPU the run leaves idle, never a core the run is waiting for;
#: what is left of it when the run ends is done while the run waits for it at exit.
CHILD_NICENESS: Final = 19

_pending: list[int] = []
_registered = False
#: What ends this process's own helper threads before :func:`detach` forks (see
#: :func:`quiesced_before_fork`).
_quiesce: list[Callable[[], None]] = []


@contextlib.contextmanager
def quiesced_before_fork(stop: Callable[[], None]) -> Iterator[None]:
    """Within: :func:`detach` calls ``stop`` before it forks, to finish the work of helper
    threads ``stop`` knows and end them (a thread does not survive a fork, and with a thread
    running :func:`can_fork` says no). E.g. the knowledge graph's loading thread, which loads
    each query result while the harvest goes on, around the harvest that then forks the writer
    of its cache entry.

    >>> stopped = []
    >>> with quiesced_before_fork(lambda: stopped.append(1)):
    ...     detach(lambda: None, wanted=False)
    False
    >>> stopped  # not wanted in a child: nothing to stop
    []
    """
    _quiesce.append(stop)
    try:
        yield
    finally:
        _quiesce.remove(stop)


def can_fork() -> bool:
    """Whether a child may be forked here: Linux, two CPUs or more, no other thread, and
    ``GLAMGRAPH_WRITE_PROCESSES`` not ``1``.

    >>> isinstance(can_fork(), bool)
    True
    """
    if not sys.platform.startswith("linux"):
        return False  # macOS: system libraries that do not survive a fork; Windows: no fork
    if os.environ.get(PROCESSES_ENV, "").strip() == "1":
        return False
    return threading.active_count() == 1 and len(os.sched_getaffinity(0)) >= 2


def detach(work: Callable[[], None], *, wanted: bool = True, what: str = "background work") -> bool:
    """Run ``work`` in a forked child when ``wanted`` and :func:`can_fork`, else here and now.

    Returns True when a child took it (:func:`wait` waits for it). ``what`` names the work in
    the one-line message of a child whose work failed.
    """
    if wanted:
        for stop in list(_quiesce):
            stop()
    if not (wanted and can_fork()):
        work()
        return False
    sys.stdout.flush()
    sys.stderr.flush()
    try:
        pid = os.fork()
    except OSError:
        work()
        return False
    if pid == 0:  # the child: the work, then leave without the parent's clean-ups
        status = 1
        try:
            with contextlib.suppress(OSError):
                os.nice(CHILD_NICENESS)
            work()
            status = 0
        except BaseException as exc:
            with contextlib.suppress(Exception):
                print(f"glamgraph: warning: {what} failed: {exc}", file=sys.stderr)
        finally:
            with contextlib.suppress(Exception):
                sys.stderr.flush()
            os._exit(status)
    global _registered
    _pending.append(pid)
    if not _registered:
        atexit.register(wait)
        _registered = True
    return True


def wait() -> None:
    """Wait for every detached child of this process to finish."""
    while _pending:
        pid = _pending.pop()
        with contextlib.suppress(ChildProcessError, OSError):
            os.waitpid(pid, 0)
