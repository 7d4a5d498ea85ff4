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

What is down is an :class:`~bibkit.outcomes.Outage` — a typed value (service,
kind, cause, until) from which ``network_ok``, exit code 4 and the report are
decided; nothing is ever decided from message text.  Health lives in memory
only: a later run tries every service again.
"""

from __future__ import annotations

import threading
import time
from datetime import datetime
from typing import Any

from .outcomes import Outage, OutageKind, Service, label_of

__all__ = ["ServiceHealth", "HealthBoard", "label", "describe", "message", "outage_dict"]


def label(service: str) -> str:
    """How a service is named to people ("Hugging Face"); a service bibkit does not know by its own name."""
    return label_of(str(service))


def describe(outage: Outage) -> str:
    """What the service is doing, as the start of a sentence ("is answering 503", "is not answering (…)").

    (:meth:`Outage.describe` is the technical phrase without a verb, for
    reports and the "no network" line; this is what the user is told once.)
    """
    kind, cause = outage.kind, outage.cause
    until = outage.until_text()
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
    if kind is OutageKind.REFUSED:
        return f"is refusing our requests ({cause})"
    return f"cannot be reached ({cause})"


def message(outage: Outage) -> str:
    """The one line the user is told: "Hugging Face is answering 503; continuing without it"."""
    return f"{label(str(outage.service))} {describe(outage)}; continuing without it"


def outage_dict(outage: Outage) -> dict[str, Any]:
    """An outage as the ``--report`` JSON shows it."""
    until = None if outage.until is None else datetime.fromtimestamp(outage.until).astimezone()
    return {"service": str(outage.service), "kind": outage.kind.value, "cause": outage.cause,
            "until": until.isoformat(timespec="seconds") if until else None, "message": message(outage)}


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
            service = Service.named(self.service) or self.service
            if self.down_after is not None and self.consecutive >= self.down_after:
                times = f"{self.consecutive} times in a row" if self.consecutive > 1 else "once"
                self.outage = Outage(service, kind, cause if kind is OutageKind.HTTP_STATUS else f"{cause}, {times}")
            elif self.budget is not None and self.spent >= self.budget:
                self.outage = Outage(service, kind,
                                     f"{cause}; {self.spent:.0f} s lost, its {self.budget:g} s budget used up")
            return self.outage

    def waited(self, seconds: float) -> None:
        """Count a backoff or ``Retry-After`` wait against the budget."""
        with self._lock:
            self.spent += max(0.0, seconds)

    def give_up(self, outage: Outage) -> Outage:
        """Give the service up now (a long ``Retry-After``, no route…); the first reason stays and is returned."""
        with self._lock:
            if self.outage is None:
                self.outage = outage
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
