"""``bibkit services``: the shipped service doubles, run together (:mod:`bibkit.testing.services`)."""

from __future__ import annotations

from ..testing.services import (
    DOUBLES,
    FORMATS,
    DoubleSpec,
    RunningDouble,
    env_lines,
    register_double,
    start_doubles,
    stop_doubles,
    stop_on_signals,
    wait_for_stop,
)

__all__ = ["DOUBLES", "FORMATS", "DoubleSpec", "RunningDouble", "env_lines", "register_double", "start_doubles",
           "stop_doubles", "stop_on_signals", "wait_for_stop"]
