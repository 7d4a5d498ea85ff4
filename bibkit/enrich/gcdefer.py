"""CPython's full collections deferred while the enrichers run; the young generations collected as usual.

An enrichment run keeps what it learns until its end: a report per entry, every
candidate judged and its verdict, each result's evidence — hundreds of thousands
of container objects for a listing of a few thousand entries.  CPython walks
*every* live object each time the long-lived ones have grown by a quarter, so a
growing run is walked in full again and again, and nothing is found: those
objects hold no reference cycles.  In ``python bench/resolve.py --scale 1000``
the full walks were 18 % of the client's CPU with arXiv alone and 10 % with
Hugging Face.

Unlike :mod:`bibkit.app.collector` (which pauses the collector during the local
stages) this keeps the young generations collected as they were: the cycles the
network code makes — an exception holding its traceback, after a failed request —
become garbage young and are freed as before (a request that succeeds leaves no
cyclic garbage at all).  Only the full walk waits: the thresholds are restored on
the way out, and the next full collection comes when CPython's own rule asks for it.
"""

from __future__ import annotations

import gc
from types import TracebackType

__all__ = ["full_collections_deferred"]

#: the oldest generation's threshold inside: how many collections of the middle one before a full one (CPython's
#: default is 10, and a full one also waits until the long-lived objects have grown by a quarter)
DEFERRED = 1_000_000


class full_collections_deferred:  # noqa: N801 - used like a function: ``with full_collections_deferred():``
    """Context manager: no full collection inside (unless asked for with ``gc.collect()``), the thresholds
    restored on the way out (also when an exception leaves); nested, each restores what it found."""

    __slots__ = ("_found",)

    def __init__(self) -> None:
        self._found: list[tuple[int, int, int]] = []

    def __enter__(self) -> None:
        found = gc.get_threshold()
        self._found.append(found)
        gc.set_threshold(found[0], found[1], max(found[2], DEFERRED))

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        gc.set_threshold(*self._found.pop())
