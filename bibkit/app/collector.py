"""CPython's cycle collector paused while a job does its bulk, local work (read, normalise, write).

The collector walks every young container object each time 700 more have been
made, and every live one each time the long-lived ones grew by a quarter.  A
job reading 100,000 entries makes millions of containers, all alive until the
output is written, so it walks the growing model again and again — 17 % of
``bibkit convert``'s CPU at 10,000 entries — and finds nothing: the model
(slotted dataclasses, dicts, lists, strings) holds no reference cycles, and
reference counting frees it (a whole ``convert`` of 10,000 entries leaves
about 900 cyclic objects, from its imports).  The network stages (HTTP
sessions, retried requests, exceptions holding tracebacks, which do make
cycles) and everything after the job run with the collector as the caller
had it.
"""

from __future__ import annotations

import gc
from types import TracebackType

__all__ = ["collector_paused"]


class collector_paused:  # noqa: N801 - used like a function: ``with collector_paused():``
    """Context manager: the cycle collector off inside, restored on the way out (also when an exception leaves);
    nested or reused, it restores what it found."""

    __slots__ = ("_was_on",)

    def __init__(self) -> None:
        self._was_on: list[bool] = []

    def __enter__(self) -> None:
        self._was_on.append(gc.isenabled())
        gc.disable()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._was_on.pop():
            gc.enable()
