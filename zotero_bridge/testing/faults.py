"""Scripted failures: what goes wrong between a client and a real Zotero.

A fault matches requests by path prefix (and optionally method) and fires a
number of times (once by default; ``times=None`` = every matching request).
Kinds:

``drop``
    close the connection before the request is processed (nothing happens);
``drop-after-commit``
    process the request normally (a write is applied), then close without
    answering — the client cannot know its write succeeded;
``500``
    answer 500 with an empty body, nothing applied (Zotero's answer to an
    exception);
``slow:<seconds>``
    process the request, then hold the answer that long (a client with a shorter
    timeout sees a timeout although the write happened);
``quit``
    Zotero quits: this request gets no answer and every later connection is
    refused until :meth:`FakeZotero.restart`.
``truncate``
    process the request normally (a write is applied), then send the answer
    with a ``Content-Length`` promising more than is sent, and close — the
    client's read ends short;
``hang``
    read the request and never answer, nothing applied (until the server stops);
``redirect:<url>``
    answer ``307 Location: <url>`` without processing anything (a hostile or
    misconfigured server trying to send the client — and its API key — elsewhere);
``deep``
    answer ``200`` with JSON nested 100,000 levels deep, nothing applied (a broken or
    hostile server: Python's parser cannot follow it).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from bibkit.testing.server import Request

KINDS = ("drop", "drop-after-commit", "500", "slow", "quit", "truncate", "hang", "redirect", "deep")


@dataclass
class Fault:
    path_prefix: str
    method: str | None
    kind: str
    seconds: float = 0.0
    remaining: int | None = 1  # None = unlimited
    location: str = ""  # where a redirect fault points

    def matches(self, request: Request) -> bool:
        return request.path.startswith(self.path_prefix) and (self.method is None or request.method == self.method)


def parse_kind(kind: str) -> tuple[str, float]:
    text = kind.strip().lower()
    if text.startswith("redirect:"):
        return "redirect", 0.0
    if text.startswith("slow:"):
        seconds = float(text.split(":", 1)[1])
        if seconds < 0:
            raise ValueError("slow fault needs a non-negative delay")
        return "slow", seconds
    if text not in KINDS or text == "slow":
        raise ValueError(f"unknown fault kind {kind!r}; use one of drop, drop-after-commit, 500, slow:<seconds>, quit, "
                         "truncate, hang, redirect:<url>, deep")
    return text, 0.0


class FaultBook:
    """The pending faults, consumed in the order they were added."""

    def __init__(self) -> None:
        self._faults: list[Fault] = []
        self._lock = threading.Lock()
        self.fired: list[tuple[str, str, str]] = []  # (kind, method, path) of every fault that fired

    def add(self, path_prefix: str = "/", method: str | None = None, kind: str = "drop", times: int | None = 1) -> Fault:
        name, seconds = parse_kind(kind)
        if times is not None and times < 1:
            raise ValueError("times must be >= 1 (or None for every matching request)")
        fault = Fault(path_prefix, method.upper() if method else None, name, seconds, times,
                      kind.strip().split(":", 1)[1] if name == "redirect" else "")
        with self._lock:
            self._faults.append(fault)
        return fault

    def take(self, request: Request) -> Fault | None:
        with self._lock:
            for fault in self._faults:
                if fault.matches(request):
                    if fault.remaining is not None:
                        fault.remaining -= 1
                        if fault.remaining <= 0:
                            self._faults.remove(fault)
                    self.fired.append((fault.kind, request.method, request.path))
                    return fault
        return None

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    @property
    def pending(self) -> list[Fault]:
        with self._lock:
            return list(self._faults)
