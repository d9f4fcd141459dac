"""Progress as a callback: the library reports ``(stage, done, total)``; a front end draws it.

:func:`glamgraph.harvest.harvest` and :func:`glamgraph.coverage.coverage` take a ``progress``
callback of type :data:`Progress`. :func:`progress_bar` turns it into a ``tqdm.auto`` bar (a
terminal bar in the CLI, a widget in Jupyter); ``tqdm`` is imported only there.

>>> seen = []
>>> report: Progress = lambda stage, done, total: seen.append((stage, done, total))
>>> report("harvest Q46", 1, 4)
>>> seen
[('harvest Q46', 1, 4)]
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

#: ``progress(stage, done, total)``: ``done`` of ``total`` steps (queries) of ``stage`` finished;
#: ``total`` may grow while the work finds more to do.
Progress = Callable[[str, int, int], None]


class ProgressBar:
    """A :data:`Progress` callback drawing one ``tqdm.auto`` bar per stage; :meth:`close` ends it.

    Example (in a notebook)::

        >>> bar = ProgressBar()  # doctest: +SKIP
        >>> cov = glamgraph.coverage("Q15", endpoint="snapshot", progress=bar)  # doctest: +SKIP
        >>> bar.close()  # doctest: +SKIP
    """

    def __init__(self, *, leave: bool = False, disable: bool = False) -> None:
        self.leave = leave
        self.disable = disable
        self._bar: Any = None
        self._stage = ""

    def __call__(self, stage: str, done: int, total: int) -> None:
        if self.disable:
            return
        if self._bar is None or stage != self._stage:
            self.close()
            self._bar = bar_class()(total=total, desc=stage, unit="query", leave=self.leave)
            self._stage = stage
        self._bar.total = max(total, done)
        self._bar.n = done
        self._bar.refresh()

    def close(self) -> None:
        """End the current bar (if any)."""
        if self._bar is not None:
            self._bar.close()
            self._bar = None


@functools.cache
def bar_class() -> Any:
    """``tqdm.auto``'s bar without its monitor thread (``monitor_interval = 0``, for these bars
    only). The monitor only tunes how often an iterator's bar redraws (these are updated by
    hand), and its thread outlived the bars: glamgraph forks a child to write files only when
    no other thread runs (:mod:`glamgraph.client.background`), so a run with a progress bar
    wrote everything in one process.
    """
    from tqdm.auto import tqdm

    return type("GlamgraphBar", (tqdm,), {"monitor_interval": 0})


def progress_bar(quiet: bool = False) -> ProgressBar:
    """A :class:`ProgressBar` (silent with ``quiet``).

    >>> progress_bar(quiet=True)("stage", 1, 2)  # draws nothing
    """
    return ProgressBar(disable=quiet)
