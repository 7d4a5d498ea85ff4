"""The enrichers run with CPython's full collections deferred (bibkit.enrich.gcdefer): thresholds restored after."""

from __future__ import annotations

import gc

import pytest

from bibkit.enrich.gcdefer import DEFERRED, full_collections_deferred


@pytest.fixture(autouse=True)
def _thresholds():
    found = gc.get_threshold()
    yield
    gc.set_threshold(*found)


def test_full_collections_wait_inside_and_young_ones_do_not():
    gc.set_threshold(700, 10, 10)
    with full_collections_deferred():
        young, middle, oldest = gc.get_threshold()
        assert (young, middle) == (700, 10)  # cycles that die young are still freed as they were
        assert oldest >= DEFERRED
    assert gc.get_threshold() == (700, 10, 10)


def test_restored_when_an_exception_leaves_and_when_nested():
    gc.set_threshold(500, 7, 3)
    window = full_collections_deferred()
    with pytest.raises(RuntimeError):
        with window:
            with window:  # the same object nested: each level restores what it found
                assert gc.get_threshold()[2] >= DEFERRED
            assert gc.get_threshold()[2] >= DEFERRED
            raise RuntimeError("boom")
    assert gc.get_threshold() == (500, 7, 3)


def test_a_caller_with_a_higher_threshold_keeps_it():
    gc.set_threshold(700, 10, DEFERRED * 2)
    with full_collections_deferred():
        assert gc.get_threshold()[2] == DEFERRED * 2
    assert gc.get_threshold() == (700, 10, DEFERRED * 2)


def test_garbage_cycles_made_inside_are_still_collected():
    gc.set_threshold(700, 10, 10)
    gc.collect()

    class Node:
        def __init__(self) -> None:
            self.me = self

    with full_collections_deferred():
        for _ in range(10_000):
            Node()  # each a cycle, garbage at once: the young collections free them
        alive = sum(1 for o in gc.get_objects() if isinstance(o, Node))
    assert alive < 2_000


def test_overlapping_windows_in_threads_restore_the_thresholds():
    # two enrichments at once in one process: the first to start ends first (not the reverse order of nesting)
    import threading

    gc.set_threshold(700, 10, 10)
    first_in, second_in, first_out = threading.Event(), threading.Event(), threading.Event()
    inside: list[int] = []

    def first() -> None:
        with full_collections_deferred():
            first_in.set()
            second_in.wait(10)
        first_out.set()

    def second() -> None:
        first_in.wait(10)
        with full_collections_deferred():
            second_in.set()
            first_out.wait(10)
            inside.append(gc.get_threshold()[2])  # still deferred while this one runs

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert inside and inside[0] >= DEFERRED
    assert gc.get_threshold() == (700, 10, 10)
