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
import threading
from types import TracebackType

__all__ = ["full_collections_deferred"]

#: the oldest generation's threshold inside: how many collections of the middle one before a full one (CPython's
#: default is 10, and a full one also waits until the long-lived objects have grown by a quarter)
DEFERRED = 1_000_000


class full_collections_deferred:  # noqa: N801 - used like a function: ``with full_collections_deferred():``
    """Context manager: no full collection inside (unless asked for with ``gc.collect()``), the thresholds
    restored on the way out (also when an exception leaves).  The thresholds are the process's: windows that
    overlap (nested, or in threads: two ``enrich_document`` calls at once, whose ends need not come in the
    reverse order of their starts) share one, opened by the first and closed by the last, which restores what
    the first found (restoring what each found would leave them deferred for good when the first ends first)."""

    __slots__ = ()

    def __enter__(self) -> None:
        global _open
        with _guard:
            if _open == 0:
                _found[:] = gc.get_threshold()
                gc.set_threshold(_found[0], _found[1], max(_found[2], DEFERRED))
            _open += 1

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        global _open
        with _guard:
            _open -= 1
            if _open == 0:
                gc.set_threshold(*_found)


_guard = threading.Lock()
_open = 0  # windows open now, in every thread
_found: list[int] = []  # the thresholds the first of them found
