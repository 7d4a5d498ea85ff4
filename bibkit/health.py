"""Service health for one run: when a service counts as down, and the typed outage that says why.

The HTTP layer (:mod:`bibkit.http`) feeds every attempt's outcome to one
:class:`ServiceHealth` per service.  A service is **down for the rest of the
run** once any of these holds:

* ``down_after`` consecutive failed attempts (a 5xx, a timeout, a connection
  error, a body cut short of its ``Content-Length``, or a 200 whose body the
  service's own check finds unreadable: garbage, HTML, binary); a good answer
  resets the count, so a flaky service is not given up;
* the time the run has lost to it (failed attempts, backoff and ``Retry-After``
  waits) reaches its **budget** (``ServicePolicy.budget``, configurable per
  service: ``[budget]`` in the config file, ``BIBKIT_<SERVICE>_BUDGET``);
* it asks for a wait (``Retry-After``, a rate-limit window) longer than the
  budget left or the policy's ``max_wait``;
* it cannot be reached at all (refused, no route, DNS).

What is down is an :class:`Outage` — a typed value (service, kind, cause,
until) from which ``network_ok``, exit code 4 and the report are decided;
nothing is ever decided from message text.  Health lives in memory only: a
later run tries every service again.

The vocabulary (:class:`OutageKind`, :class:`Outage`) is deliberately small and
self-contained so it can move to the application's outcome module unchanged.
"""

from __future__ import annotations

import enum
import threading
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any

__all__ = ["Outage", "OutageKind", "ServiceHealth", "HealthBoard", "label", "describe", "message", "outage_dict"]

#: how services are named to people (a service not listed is named by its policy name)
LABELS = {"arxiv": "arXiv", "hf": "Hugging Face", "github": "GitHub", "zotero": "Zotero",
          "crossref": "Crossref", "s2": "Semantic Scholar", "semanticscholar": "Semantic Scholar",
          "dblp": "DBLP", "openalex": "OpenAlex"}


def label(service: str) -> str:
    return LABELS.get(service, service)


class OutageKind(str, enum.Enum):
    """Why a service could not (fully) do its part in a run (the value is what reports show).

    The same vocabulary as the application's outcome types (``bibkit.outcomes``).
    """

    UNREACHABLE = "unreachable"  # no connection at all: no network, DNS failure, connection refused
    TIMEOUT = "timeout"  # connected, but no answer within the read timeout
    HTTP_STATUS = "http-status"  # error statuses (5xx)
    RATE_LIMITED = "rate-limited"  # 429, or asked to wait (Retry-After, a rate-limit window) longer than we will
    QUOTA_EXHAUSTED = "quota-exhausted"  # a quota that resets later (GitHub's hourly limit)
    UNREADABLE = "unreadable-body"  # answers that cannot be read: garbage, HTML, binary, cut short of Content-Length
    OFFLINE_MISS = "offline-cache-miss"  # --offline, and the cache has no answer (not a failure of the service)

    @property
    def is_failure(self) -> bool:
        """Whether the service itself failed (``network_ok`` false, exit 4 with ``--strict``)."""
        return self is not OutageKind.OFFLINE_MISS


@dataclass(frozen=True)
class Outage:
    """One service given up for the rest of a run, and why.

    ``cause`` is a short phrase ("HTTP 503", "no answer within 30 s, 3 times
    in a row", "connection refused"); ``until`` (epoch seconds) is when the
    service said it would answer again, when it said so; ``url`` the
    (redacted) base URL, when it helps.
    """

    service: str
    kind: OutageKind
    cause: str = ""
    until: float | None = None
    url: str | None = None

    @property
    def is_failure(self) -> bool:
        return self.kind.is_failure

    @property
    def label(self) -> str:
        return label(self.service)

    def as_dict(self) -> dict[str, Any]:
        return outage_dict(self)


def describe(outage: Any) -> str:
    """What the service is doing, in words ("is answering 503", "is not answering (no answer within 30 s…)").

    A function, not a method, so it renders any outage value with ``service``,
    ``kind``, ``cause`` and ``until`` alike (this module's or the application's).
    """
    kind, cause = OutageKind(outage.kind.value), outage.cause
    until = f" until {_hhmm(outage.until)}" if outage.until else ""
    if kind is OutageKind.HTTP_STATUS:
        return f"is answering {cause.removeprefix('HTTP ')}"
    if kind is OutageKind.TIMEOUT:
        return f"is not answering ({cause})"
    if kind is OutageKind.UNREADABLE:
        return f"is sending unreadable answers ({cause})"
    if kind is OutageKind.RATE_LIMITED:
        return f"is rate-limiting us{until} ({cause})"
    if kind is OutageKind.QUOTA_EXHAUSTED:
        return f"quota is used up{until}"
    if kind is OutageKind.OFFLINE_MISS:
        return "was not asked (offline and not in the cache)"
    return f"cannot be reached ({cause})"


def message(outage: Any) -> str:
    """The one line the user is told: "Hugging Face is answering 503; continuing without it"."""
    return f"{label(str(outage.service))} {describe(outage)}; continuing without it"


def outage_dict(outage: Any) -> dict[str, Any]:
    """An outage as the ``--report`` JSON shows it."""
    until = outage.until
    return {"service": str(outage.service), "kind": OutageKind(outage.kind.value).value, "cause": outage.cause,
            "until": None if until is None else datetime.fromtimestamp(until).astimezone().isoformat(timespec="seconds"),
            "message": message(outage)}


def _hhmm(epoch: float) -> str:
    when = datetime.fromtimestamp(epoch)
    return when.strftime("%H:%M") if when.date() == datetime.now().date() else when.strftime("%Y-%m-%d %H:%M")


class ServiceHealth:
    """The failure record of one service in one run (thread-safe)."""

    def __init__(self, service: str, *, down_after: int | None = 3, budget: float | None = 60.0):
        self.service = service
        self.down_after = down_after
        self.budget = budget
        self.consecutive = 0
        self.failures = 0
        self.spent = 0.0  # seconds lost to failures and waits
        self.outage: Outage | None = None
        self._lock = threading.Lock()

    @property
    def down(self) -> bool:
        return self.outage is not None

    def remaining(self) -> float | None:
        """Seconds of budget left (``None``: no budget)."""
        return None if self.budget is None else max(0.0, self.budget - self.spent)

    def success(self) -> None:
        with self._lock:
            self.consecutive = 0

    def failure(self, kind: OutageKind, cause: str, seconds: float = 0.0) -> Outage | None:
        """Record one failed attempt; return the outage when this one makes the service down."""
        with self._lock:
            self.consecutive += 1
            self.failures += 1
            self.spent += max(0.0, seconds)
            if self.outage is not None:
                return self.outage
            if self.down_after is not None and self.consecutive >= self.down_after:
                times = f"{self.consecutive} times in a row" if self.consecutive > 1 else "once"
                self.outage = Outage(self.service, kind, cause if kind is OutageKind.HTTP_STATUS else f"{cause}, {times}")
            elif self.budget is not None and self.spent >= self.budget:
                self.outage = Outage(self.service, kind,
                                     f"{cause}; {self.spent:.0f} s lost, its {self.budget:g} s budget used up")
            return self.outage

    def waited(self, seconds: float) -> None:
        """Count a backoff or ``Retry-After`` wait against the budget."""
        with self._lock:
            self.spent += max(0.0, seconds)

    def mark_down(self, kind: OutageKind, cause: str, until: float | None = None) -> Outage:
        """Give the service up now (a long ``Retry-After``, a used-up quota, no route); the first reason stays."""
        with self._lock:
            if self.outage is None:
                self.outage = Outage(self.service, kind, cause, until)
            return self.outage

    def clear(self) -> None:
        """Forget an outage (a local service whose dropped connection is not a dead server)."""
        with self._lock:
            self.outage = None
            self.consecutive = 0


class HealthBoard:
    """Every service's :class:`ServiceHealth` for one run (one per :class:`~bibkit.http.HttpLayer`)."""

    def __init__(self) -> None:
        self._services: dict[str, ServiceHealth] = {}
        self._lock = threading.Lock()
        self.started = time.time()

    def register(self, service: str, *, down_after: int | None = 3, budget: float | None = 60.0) -> ServiceHealth:
        """The health of ``service``, with the thresholds of its (tuned) policy."""
        with self._lock:
            health = self._services.get(service)
            if health is None:
                health = self._services[service] = ServiceHealth(service, down_after=down_after, budget=budget)
            else:
                health.down_after, health.budget = down_after, budget
            return health

    def get(self, service: str) -> ServiceHealth:
        """The health of ``service`` (default thresholds when no client registered it)."""
        with self._lock:
            health = self._services.get(service)
            if health is None:
                health = self._services[service] = ServiceHealth(service)
            return health

    def __contains__(self, service: str) -> bool:
        return service in self._services

    def outage(self, service: str) -> Outage | None:
        health = self._services.get(service)
        return health.outage if health is not None else None

    @property
    def outages(self) -> list[Outage]:
        """The services down in this run, by name (a stable order for reports)."""
        with self._lock:
            return [h.outage for _name, h in sorted(self._services.items()) if h.outage is not None]

    def as_dict(self) -> dict[str, dict[str, Any]]:
        with self._lock:
            return {name: {"failures": h.failures, "lost_seconds": round(h.spent, 2),
                           **({"down": outage_dict(h.outage)} if h.outage else {})}
                    for name, h in sorted(self._services.items())}
