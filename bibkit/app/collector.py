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

Start-up is the same story at a smaller scale: importing the command line
and building its parser make only objects that live as long as the process.
It runs with the collector paused too, and :func:`settle_startup` then puts
what it made out of the collector's reach.
"""

from __future__ import annotations

import gc
from types import TracebackType

__all__ = ["collector_paused", "settle_startup"]


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


def settle_startup() -> None:
    """Once a process has imported its command and built its parser: everything alive then (modules, classes,
    functions, tables, some 100,000 objects) lives as long as the process, so it moves to the collector's
    permanent generation (:func:`gc.freeze`).  Later collections, and the two the interpreter makes on exit,
    no longer walk it: about 6 % of the instructions of a one-entry ``convert``.  Only for the process's own
    command line (what it froze is never freed, which an in-process caller of ``main([...])`` would not want)."""
    gc.freeze()
