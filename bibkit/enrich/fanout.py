"""A few calls in flight at once, their outcomes in order: how an enricher asks a service that is not paced.

Hugging Face answers a lookup in a few hundred milliseconds and limits a
window of requests rather than their spacing, so asking one title at a time
spends the run waiting.  :func:`in_order` keeps up to ``width()`` calls
running on worker threads and hands their outcomes back in the order of the
items, on the caller's thread: the caller judges and decides exactly as it
would one call at a time (same order, same state, no locks of its own), and
only the waiting overlaps.  ``width()`` is asked before every new call, so
the caller widens the window once the service has answered, narrows it to
one after a failure, and stops it (0) once the service is given up; calls
already running finish (the HTTP layer fails them fast once the service is
down).  The HTTP layer is thread-safe (:mod:`bibkit.http`).
"""

from __future__ import annotations

from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Callable, Generic, Iterable, Iterator, TypeVar

__all__ = ["Outcome", "in_order"]

T = TypeVar("T")
R = TypeVar("R")


class Outcome(Generic[T, R]):
    """One item and what its call gave: ``value``, or the ``error`` it raised."""

    __slots__ = ("item", "value", "error")

    def __init__(self, item: T, value: R | None = None, error: Exception | None = None):
        self.item, self.value, self.error = item, value, error


def _run(call: Callable[[T], R], item: T) -> Outcome[T, R]:
    try:
        return Outcome(item, call(item))
    except Exception as exc:  # handed to the caller's thread, which decides what it means
        return Outcome(item, error=exc)


def in_order(call: Callable[[T], R], items: Iterable[T], *, workers: int,
             width: Callable[[], int]) -> Iterator[Outcome[T, R]]:
    """``call`` on each item with at most ``min(workers, width())`` calls running; outcomes in item order.

    With ``workers`` 1 no thread is started: the calls run one after the other on the caller's thread.
    Leaving the loop early (``break``) waits for the calls still running, and starts no other.
    """
    source = iter(items)
    if workers <= 1:
        for item in source:
            if width() <= 0:
                return
            yield _run(call, item)
        return
    pending: deque[Future[Outcome[T, R]]] = deque()
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="bibkit-fanout") as pool:
        exhausted = False
        while True:
            while not exhausted and len(pending) < min(workers, width()):
                try:
                    item = next(source)
                except StopIteration:
                    exhausted = True
                else:
                    pending.append(pool.submit(_run, call, item))
            if not pending:
                return
            yield pending.popleft().result()

