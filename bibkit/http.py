"""The one HTTP layer: sessions, cache, pacing, retries, offline mode, request counts.

Every network client in bibkit and zotero_bridge gets its connection from an
:class:`HttpLayer` through a :class:`ServicePolicy`, so politeness cannot be
forgotten by a caller (the arxiv.py habit) and no second copy of session,
cache, retry or pacing code exists anywhere.

How the pieces fit:

* One :class:`requests_cache.CachedSession` per layer, one SQLite cache file in
  the cache directory.  Each service's base URL is mounted with its own
  :class:`_ServiceAdapter`, so the adapter runs **only on cache misses**: pacing
  and request counting therefore cost nothing when the cache answers.
* Pacing is machine-wide and cross-process: the adapter holds a lock file in
  the cache directory while it waits for the service's minimum interval and
  sends, and records when the request finished.  One connection at a time,
  as arXiv's terms ask.
* Retries (in :meth:`ServiceClient.request`) on 429, 502, 503, 504, timeouts,
  bodies cut short of their ``Content-Length`` and 200s the service's own
  ``readable`` check rejects (garbage, HTML, binary), honouring ``Retry-After``;
  a wait longer than the policy's ``max_wait`` is not slept but raised as
  :class:`RateLimited` so the caller can finish other work.
* **Service health** (:mod:`bibkit.health`): every failed attempt is counted per
  service; a few in a row, a time budget used up, a ``Retry-After`` beyond it or
  a connection error mark the service down for the rest of the run.  The
  user is told once ("Hugging Face is answering 503; continuing without it"),
  later calls raise :class:`ServiceDown` at once (cached answers are still
  served), and callers fall back to their next step.  An unreadable answer is
  never cached.  Health is per run: the next run tries again.
* **Concurrency**: a layer may be used from several threads at once (the
  enrichers ask Hugging Face with a few requests in flight).  Counts are kept
  under a lock, each service's connection pool holds ``concurrency``
  connections, and a service that reports its rate-limit window (``quota``:
  requests left, seconds to the reset) is not sent a request the window has
  no room for: it waits for the next window, or, when that is further away
  than ``max_wait``, the service is given up as rate-limited — before a 429.
* ``offline=True`` answers from the cache only; ``refresh=True`` bypasses it.
* Secrets never follow a redirect to another origin: ``Authorization``,
  ``Zotero-API-Key`` and the like are stripped when a redirect leaves the
  scheme, host and port the request was sent to.

Credentials go in ``Authorization``-style headers, which requests-cache keeps out
of cache keys and redacts from stored requests; URLs in logs and errors are
passed through :func:`redact`.
"""

from __future__ import annotations

import email.utils
import inspect
import logging
import os
import random
import re
import sqlite3
import tempfile
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from datetime import timedelta
from pathlib import Path
from typing import Any, Callable, Mapping
from urllib.parse import urlsplit

import requests
from filelock import FileLock
from requests.adapters import HTTPAdapter
from requests_cache import CachedSession
from requests_cache.backends.sqlite import SQLiteDict
from requests_cache.policy.directives import CacheDirectives
from requests_cache.policy.expiration import DO_NOT_CACHE, EXPIRE_IMMEDIATELY

from . import __version__
from .cachefile import CacheGuard, is_damage
from .config import Settings
from .health import HealthBoard, ServiceHealth, describe, message, outage_dict
from .outcomes import Outage, OutageKind, Service

log = logging.getLogger("bibkit.http")

RETRY_STATUSES = frozenset({429, 502, 503, 504})
#: attempts for one request whose answers arrive unreadable or cut short (a fault of the
#: service, not of the request: more attempts would only spend the service's budget)
BODY_ATTEMPTS = 2
#: the shortest read timeout a budget nearly used up may impose on an attempt (seconds)
MIN_TIMEOUT = 1.0
#: headers that carry a credential: never sent on to another origin by a redirect
SECRET_HEADERS = ("Authorization", "Proxy-Authorization", "Cookie", "Zotero-API-Key", "X-API-Key", "Api-Key")
_SECRET_PARAMS = re.compile(r"(?i)([?&](?:key|api_key|apikey|access_token|token)=)[^&#]*")


def redact(url: str) -> str:
    """Hide credentials that may sit in a query string before a URL is logged or reported."""
    return _SECRET_PARAMS.sub(r"\1***", url)


def user_agent(contact: str | None = None) -> str:
    """bibkit's User-Agent: names the tool and version, and a contact when configured."""
    ua = f"bibkit/{__version__} (+https://pypi.org/project/bibkit/)"
    return f"{ua[:-1]}; mailto:{contact})" if contact else ua


# --------------------------------------------------------------------------- errors


class HttpError(Exception):
    """A request that failed for good (after the retries the policy allows).

    :attr:`outage` is the failure as a value (service, kind, cause): callers
    decide from it, never from the message.  ``kind`` says how the service
    failed (timeouts, unreadable or cut bodies, 5xx); without an HTTP status
    nothing came back on any attempt.
    """

    kind = OutageKind.HTTP_STATUS

    def __init__(self, service: str, message: str, *, status: int | None = None, url: str | None = None,
                 cause: str | None = None, kind: OutageKind | None = None):
        self.service, self.status, self.url = service, status, redact(url) if url else None
        self.cause = cause if cause is not None else message
        if kind is not None:
            self.kind = kind
        super().__init__(f"{service}: {message}")

    @property
    def outage(self) -> Outage:
        kind = self.kind if self.status is not None or self.kind is not OutageKind.HTTP_STATUS else OutageKind.TIMEOUT
        return Outage(Service.named(self.service) or self.service, kind, self.cause, self._until())

    def _until(self) -> float | None:
        return None


class ServiceUnavailable(HttpError):
    """The service cannot be reached (no network, DNS failure, refused); later calls fail fast."""

    kind = OutageKind.UNREACHABLE

    def __init__(self, service: str, message: str, *, status: int | None = None, url: str | None = None,
                 cause: str | None = None, outage: Outage | None = None):
        self._outage = outage
        super().__init__(service, message, status=status, url=url, cause=cause)

    @property
    def outage(self) -> Outage:
        return self._outage or super().outage


class ServiceDown(ServiceUnavailable):
    """The service was given up for the rest of the run; ``outage`` says why (see :mod:`bibkit.health`)."""

    def __init__(self, outage: Outage, *, status: int | None = None, url: str | None = None):
        super().__init__(str(outage.service), describe(outage), status=status, url=url, cause=outage.cause,
                         outage=outage)
        self.kind = outage.kind


class OfflineMiss(HttpError):
    """Offline mode and the cache has no answer for this request."""

    kind = OutageKind.OFFLINE_MISS


class RateLimited(HttpError):
    """The service asked us to wait longer than we are willing to (``until`` = epoch seconds, if known)."""

    kind = OutageKind.RATE_LIMITED

    def __init__(self, service: str, message: str, *, until: float | None = None, status: int | None = None,
                 url: str | None = None, cause: str | None = None):
        self.until = until
        super().__init__(service, message, status=status, url=url, cause=cause)

    def _until(self) -> float | None:
        return self.until


# --------------------------------------------------------------------------- policy and stats


@dataclass(frozen=True)
class ServicePolicy:
    """How to talk to one service: where, how often, how long to cache, how hard to retry.

    ``expire_after``: ``None`` = do not cache; ``0`` = cache but revalidate every
    time (ETag / If-None-Match, e.g. GitHub: a 304 costs no quota); seconds or a
    timedelta = fresh for that long.  ``retry_post``: whether a POST is safe to
    resend (a read-only query sent as POST, like arXiv's long ``id_list``).

    ``cache_codes``: statuses this service's answers may be stored with (e.g.
    GitHub's 404 and 301 are answers worth keeping: re-asking costs quota).
    ``cacheable``: an extra veto on storing one response whose status is in
    ``cache_codes`` (e.g. a GraphQL error inside an HTTP 200).  ``retryable``: a
    service's own verdict on one response, ``True`` = retry it like a 429
    (honouring ``Retry-After``), ``False`` = hand it back as it is, ``None`` = the
    default rule (429, 502, 503, 504); e.g. GitHub's secondary limit is a 403
    with ``Retry-After``, and its used-up quota a 429 that no retry can fix.

    Health (:mod:`bibkit.health`): ``down_after`` failed attempts in a row, or
    ``budget`` seconds lost to failures and waits, give the service up for the
    run (``None`` = never on that ground; the settings' ``[budget]`` table
    overrides ``budget``).  ``readable`` is the service's own check of a 2xx
    body: ``None`` when it is what the service sends, else a short reason
    ("not an Atom feed"); an unreadable answer is a failure of the service,
    retried once, never cached.

    ``concurrency``: how many requests to the service a caller may have in flight
    at once (the connection pool's size; callers use it as their bound).
    ``quota``: the service's own report of its rate-limit window in an answer,
    ``(requests left, seconds until it resets)`` or ``None``; requests then
    wait for room in the window (see :class:`QuotaWindow`).
    """

    name: str
    base_url: str
    min_interval: float = 0.0
    expire_after: int | float | timedelta | None = None
    max_attempts: int = 4
    backoff_base: float = 1.0
    backoff_max: float = 60.0
    max_wait: float = 120.0
    connect_timeout: float = 3.05
    read_timeout: float = 30.0
    retry_post: bool = False
    cache_codes: tuple[int, ...] = (200,)
    headers: Mapping[str, str] = field(default_factory=dict)
    use_cache: bool = True
    cacheable: Callable[[requests.Response], bool] | None = None
    retryable: Callable[[requests.Response], bool | None] | None = None
    #: a service that announces its own limit (Crossref's ``x-rate-limit-*`` headers): seconds between
    #: requests read from each answer; ``min_interval`` is the pace until the service has said its own
    pace_from: Callable[[requests.Response], float | None] | None = None
    down_after: int | None = 3
    budget: float | None = 60.0
    readable: Callable[[requests.Response], str | None] | None = None
    concurrency: int = 1
    quota: Callable[[requests.Response], tuple[int, float] | None] | None = None

    @property
    def gives_up(self) -> bool:
        """Whether the layer may give this service up by itself (else only the caller decides, e.g. Zotero)."""
        return self.down_after is not None or self.budget is not None


@dataclass
class RequestStats:
    """Counts shared by every client of a layer, for progress bars and reports."""

    network: Counter[str] = field(default_factory=Counter)  # requests actually sent, per service
    cache_hits: Counter[str] = field(default_factory=Counter)
    retries: Counter[str] = field(default_factory=Counter)
    waited: defaultdict[str, float] = field(default_factory=lambda: defaultdict(float))  # seconds slept, per service
    #: service -> why it was given up (or could not fully serve) for the rest of the run
    unavailable: dict[str, Outage] = field(default_factory=dict)
    failures: Counter[str] = field(default_factory=Counter)  # failed attempts (5xx, timeouts, cut or unreadable bodies)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def add(self, counter: str, service: str, amount: float = 1) -> None:
        """Add to one count (``network``, ``cache_hits``, ``retries``, ``waited``, ``failures``) of a service.

        Under a lock: ``counts[service] += n`` is a read and a write, and requests run on several threads.
        """
        with self._lock:
            counts: Any = getattr(self, counter)
            counts[service] += amount

    def record_outage(self, outage: Outage) -> bool:
        """Keep ``outage`` as its service's reason to be left alone; ``False`` when one was already kept."""
        with self._lock:
            if outage.service in self.unavailable:
                return False
            self.unavailable[outage.service] = outage
            return True

    @property
    def outages(self) -> list[Outage]:
        """The services the layer gave up on this run (what ``network_ok`` is decided from)."""
        return list(self.unavailable.values())

    def as_dict(self) -> dict[str, Any]:
        services = sorted(set(self.network) | set(self.cache_hits) | set(self.unavailable))
        return {
            s: {
                "requests": self.network[s],
                "cache_hits": self.cache_hits[s],
                "retries": self.retries[s],
                "waited_seconds": round(self.waited[s], 2),
                **({"failures": self.failures[s]} if self.failures[s] else {}),
                **({"unavailable": self.unavailable[s].describe(),
                    "down": outage_dict(self.unavailable[s])} if s in self.unavailable else {}),
            }
            for s in services
        }


# --------------------------------------------------------------------------- pacing


class Pacer:
    """Machine-wide minimum spacing between requests to one service, across processes.

    The lock file lives in the cache directory; the time the last request
    *finished* is stored in a sidecar file.  Holding the lock for the duration of
    the request keeps to one connection at a time.
    """

    def __init__(self, directory: Path, name: str, interval: float, sleep: Callable[[float], None] = time.sleep):
        directory.mkdir(parents=True, exist_ok=True)
        self.interval = interval
        self._lock = FileLock(str(directory / f"{name}.pace.lock"))
        self._stamp = directory / f"{name}.pace"
        self._sleep = sleep
        self._thread_lock = threading.Lock()

    def _last(self) -> float:
        try:
            return float(self._stamp.read_text() or 0)
        except (OSError, ValueError):
            return 0.0

    def __enter__(self) -> float:
        self._thread_lock.acquire()
        self._lock.acquire()
        wait = self._last() + self.interval - time.time()
        if wait > 0:
            self._sleep(wait)
        return max(wait, 0.0)

    def __exit__(self, exc_type: type[BaseException] | None, *exc: object) -> None:
        try:
            # a request that never reached the server (refused, no network) costs the service
            # nothing: do not make the next attempt wait a full interval for it
            if exc_type is None or not issubclass(exc_type, (requests.exceptions.ConnectionError, OSError)):
                try:
                    self._stamp.write_text(repr(time.time()))
                except OSError:  # a full disk: the next process paces from its own clock only
                    pass
        finally:
            self._lock.release()
            self._thread_lock.release()


class _ServiceAdapter(HTTPAdapter):
    """Runs only when the cache misses: paces, counts, and fails fast once a service is down."""

    def __init__(self, layer: "HttpLayer", policy: ServicePolicy, window: "QuotaWindow | None" = None):
        size = max(1, policy.concurrency)
        super().__init__(pool_connections=1, pool_maxsize=size, max_retries=0)
        self.layer, self.policy = layer, policy
        self.pacer = (
            Pacer(layer.cache_dir / "pacing", policy.name, policy.min_interval)
            if policy.min_interval > 0 or policy.pace_from is not None else None
        )
        self.window = window

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:
        name = self.policy.name
        # only-if-cached: requests-cache still sends when a cached answer fails its Vary check
        if self.layer.offline or "only-if-cached" in (request.headers.get("Cache-Control") or ""):
            raise OfflineMiss(name, "offline and not in the cache", url=request.url)
        outage = self.layer.health.outage(name)
        if outage is not None:
            raise ServiceDown(outage, url=request.url)
        if self.window is not None:
            self.window.admit(request.url)
        self.layer.stats.add("network", name)
        try:
            if self.pacer is None:
                response = super().send(request, *args, **kwargs)
            else:
                with self.pacer as waited:
                    self.layer.stats.add("waited", name, waited)
                    response = super().send(request, *args, **kwargs)
        except BaseException:  # (no answer: the request holds no place in the window any more)
            if self.window is not None:
                self.window.forget()
            raise
        if self.pacer is not None and self.policy.pace_from is not None:
            announced = self.policy.pace_from(response)  # the service announces its pace (Crossref's headers)
            if announced is not None:
                self.pacer.interval = max(0.0, announced)
        if self.window is not None:
            self.window.note(response)
        return response


class QuotaWindow:
    """A service's rate-limit window as its answers report it (``ServicePolicy.quota``), shared by threads.

    Each answer tells how many requests the window has left and when it
    resets; each request takes one of them before it is sent.  A request that
    finds the window used up waits for the reset, unless that is further away
    than the policy's ``max_wait`` or the service's budget left: then the
    service is given up as rate-limited for the run (:class:`RateLimited`),
    without the request being sent.  Until an answer reports the window, and
    once it has reset, requests go as they come (the next answer tells).
    """

    def __init__(self, layer: "HttpLayer", policy: ServicePolicy):
        self.layer, self.policy = layer, policy
        self.remaining: int | None = None
        self.resets: float | None = None  # time.monotonic() of the reset
        #: requests admitted whose answer has not been read: an answer's count may not include them yet
        self.in_flight = 0
        self._lock = threading.Lock()

    def admit(self, url: str | None) -> None:
        """Take a place in the window, waiting for the next one when this one is used up."""
        name = self.policy.name
        while True:
            with self._lock:
                now = time.monotonic()
                if self.resets is not None and now >= self.resets:
                    self.remaining = self.resets = None  # a new window: the next answer tells its size
                if self.remaining is None or self.remaining > 0 or self.resets is None:
                    if self.remaining is not None:
                        self.remaining -= 1
                    self.in_flight += 1
                    return
                wait = self.resets - now
            health = self.layer.health.get(name)
            left = health.remaining()
            if wait > self.policy.max_wait or (left is not None and wait > left):
                until = time.time() + wait
                self.layer.mark_down(name, OutageKind.RATE_LIMITED,
                                     f"its rate-limit window is used up, resets in {wait:.0f} s", until)
                raise RateLimited(name, f"rate-limit window used up, resets in {wait:.0f} s", until=until,
                                  url=url)
            health.waited(wait)
            self.layer.stats.add("waited", name, wait)
            self.layer.sleep(wait)

    def forget(self) -> None:
        """A request admitted earlier is no longer on its way (answered, or failed without an answer)."""
        with self._lock:
            self.in_flight = max(0, self.in_flight - 1)

    def note(self, response: requests.Response) -> None:
        """Read the window's state from an answer (an answer without it changes nothing).

        The count an answer reports may leave out the requests still on their way (sent before this
        answer came, counted by the service after it): they are taken off what is left, so that several
        requests in flight never overrun the window (a few places may go unused: never one too many)."""
        assert self.policy.quota is not None
        self.forget()  # (this request's place is counted in the answer now)
        try:
            report = self.policy.quota(response)
        except (ValueError, TypeError):
            return
        if report is None:
            return
        remaining, seconds = report
        resets = time.monotonic() + max(0.0, seconds)
        with self._lock:
            remaining -= self.in_flight  # (the requests still on their way, admitted up to now)
            # answers come back out of order: within one window (the reset within the header's one-second
            # rounding) the fewest requests left is the truth, and places taken since stay taken
            same = self.remaining is not None and self.resets is not None and abs(resets - self.resets) < 1.5
            if same and self.remaining is not None and self.resets is not None:
                self.remaining, self.resets = min(self.remaining, max(0, remaining)), max(self.resets, resets)
            else:
                self.remaining, self.resets = max(0, remaining), resets


# --------------------------------------------------------------------------- layer and clients


class HttpLayer:
    """Owns the session and cache for one run; hands out per-service clients.

    Parameters mirror the CLI: ``offline`` (cache only), ``refresh`` (ignore the
    cache, but store fresh answers).  ``sleep`` is injectable so tests can
    observe backoff without waiting for it.
    """

    def __init__(
        self,
        settings: Settings,
        *,
        offline: bool = False,
        refresh: bool = False,
        sleep: Callable[[float], None] = time.sleep,
        cache: bool = True,
    ):
        self.settings = settings
        self.offline, self.refresh = offline, refresh
        self.sleep = sleep
        self.cache_dir = _usable_cache_dir(Path(settings.cache_dir))
        self.stats = RequestStats()
        self.health = HealthBoard()
        self.user_agent = user_agent(settings.contact)
        # one process at a time creates/opens the cache database: switching it to WAL needs a moment of
        # exclusive access, and two runs starting together (make -j) otherwise fail with "database is locked"
        self.cache_guard = CacheGuard(self.cache_dir / "http.sqlite")  # a damaged cache file never sinks a run
        with FileLock(str(self.cache_dir / "http.open.lock")):
            self.session = self.cache_guard.open(lambda on_file: self._open_session(cache, on_file))
        self.session.headers["User-Agent"] = self.user_agent
        _keep_next_request_out_of_cache(self.session.cache, self.cache_guard)
        self.cache_guard.guard_reads(self.session.cache)
        self._clients: dict[str, ServiceClient] = {}
        self._policies: dict[str, ServicePolicy] = {}  # mounted URL prefix -> policy

    def _open_session(self, cache: bool, on_file: bool = True) -> _Session:
        """The session; ``on_file=False``: a cache file that cannot be used is left alone (nothing cached)."""
        session = _Session(
            str(self.cache_dir / "http"),
            backend="sqlite" if on_file else "memory",
            expire_after=DO_NOT_CACHE,  # nothing is cached unless its service says how long
            allowable_methods=("GET", "POST"),
            allowable_codes=(200,),
            stale_if_error=False,
            disabled=not (cache and on_file),
            filter_fn=self._may_store,
            wal=True,  # write-ahead log: a commit per cached answer costs far less, readers never block
        )
        _bind_lookups(session.cache)
        return session

    def _policy_for(self, url: str) -> ServicePolicy | None:
        best = max((p for p in self._policies if url.startswith(p)), key=len, default=None)
        return self._policies[best] if best is not None else None

    def _may_store(self, response: requests.Response) -> bool:
        """requests-cache filter: apply each service's ``cache_codes``, ``cacheable`` and ``readable`` vetoes.

        The session-wide ``allowable_codes`` is the union of every service's codes,
        so a status only some service keeps (GitHub's 404) is refused here for
        the others.  Statuses no service keeps are left to ``allowable_codes``.
        An unreadable answer is never stored: it would be served for a day.
        """
        policy = self._policy_for(response.url or "")
        if policy is None or response.status_code not in self.session.settings.allowable_codes:
            return True
        if response.status_code not in policy.cache_codes:
            return False
        if _unreadable(policy, response) is not None:
            return False
        return policy.cacheable is None or bool(policy.cacheable(response))

    def tuned(self, policy: ServicePolicy) -> ServicePolicy:
        """``policy`` with the user's per-service settings applied (``[budget]``, ``[timeout]``)."""
        budgets: Mapping[str, float] = getattr(self.settings, "budgets", None) or {}
        timeouts: Mapping[str, float] = getattr(self.settings, "timeouts", None) or {}
        changes: dict[str, Any] = {}
        budget = budgets.get(policy.name, budgets.get("default"))
        if budget is not None and policy.budget is not None:
            changes["budget"] = float(budget)
        timeout = timeouts.get(policy.name, timeouts.get("default"))
        if timeout is not None:
            changes["read_timeout"] = float(timeout)
            changes["connect_timeout"] = min(policy.connect_timeout, float(timeout))
        return replace(policy, **changes) if changes else policy

    def went_down(self, outage: Outage) -> None:
        """Record (once) that a service was given up for the run, and say so once in the log."""
        if not self.stats.record_outage(outage):
            return
        if outage.kind is not OutageKind.UNREACHABLE:  # an unreachable service was already named in one line
            log.warning("%s", message(outage))

    def give_up(self, outage: Outage) -> Outage:
        """Give ``outage.service`` up for the rest of the run; the first reason given stays (and is returned)."""
        kept = self.health.get(str(outage.service)).give_up(outage)
        self.went_down(kept)
        return kept

    def mark_down(self, service: str, kind: OutageKind, cause: str, until: float | None = None) -> Outage:
        """Give ``service`` up for the rest of the run (a client's own verdict: a rate-limit window of an hour…)."""
        return self.give_up(Outage(Service.named(service) or service, kind, cause, until))

    def client(self, policy: ServicePolicy) -> "ServiceClient":
        """The client for a service; one adapter per base URL, created once."""
        existing = self._clients.get(policy.name)
        if existing is not None and existing.asked == policy:
            return existing
        asked, policy = policy, self.tuned(policy)
        prefix = policy.base_url.rstrip("/") + "/"
        window = QuotaWindow(self, policy) if policy.quota is not None else None  # one per service
        self.session.mount(prefix, _ServiceAdapter(self, policy, window))
        self._policies[prefix] = self._policies[policy.base_url] = policy
        codes = set(self.session.settings.allowable_codes) | set(policy.cache_codes)
        self.session.settings.allowable_codes = tuple(sorted(codes))
        # also cover the exact base URL when it has no trailing slash (arXiv's .../api/query)
        self.session.mount(policy.base_url, _ServiceAdapter(self, policy, window))
        self.health.register(policy.name, down_after=policy.down_after, budget=policy.budget)
        client = ServiceClient(self, policy)
        client.asked = asked
        self._clients[policy.name] = client
        return client

    def close(self) -> None:
        self.session.close()  # type: ignore[no-untyped-call]  # requests-cache leaves close() unannotated
        self.cache_guard.close()  # (a cache file found damaged mid-run is set aside once its connection is closed)

    def __enter__(self) -> "HttpLayer":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _usable_cache_dir(wanted: Path) -> Path:
    """The cache directory, or (when it cannot be created or written) one in the system's temporary directory.

    The fallback is per user and shared by that user's processes, so
    cross-process pacing still holds; the run says once where the cache went.
    """
    try:
        wanted.mkdir(parents=True, exist_ok=True)
        probe = wanted / f".probe-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
        return wanted
    except OSError as exc:
        fallback = Path(tempfile.gettempdir()) / f"bibkit-cache-{os.getuid() if hasattr(os, 'getuid') else 'user'}"
        fallback.mkdir(mode=0o700, parents=True, exist_ok=True)
        log.warning("cache directory %s cannot be used (%s); caching in %s for this run",
                    wanted, exc.strerror or exc, fallback)
        return fallback


class _Table(SQLiteDict):
    """requests-cache's SQLite table, looked up with a bound parameter (the same rows, the same values).

    requests-cache writes each key into the text of its ``SELECT`` (a placeholder shared by threads was unsafe
    on one connection), so SQLite compiles a new statement for every lookup — two per cache miss (answers,
    then redirects).  Here the statement is compiled once and cached by the connection; the lookup runs under
    the table's lock, so no two threads ever use the cached statement at once.  Reads still never wait for
    another process (write-ahead log); the lock is held for the lookup only, not while the answer is decoded.
    """

    def __getitem__(self, key: str) -> Any:
        with self._lock, self.connection() as con:
            row = con.execute(f"SELECT value FROM {self.table_name} WHERE key=?", (key,)).fetchone()
        if row is None:
            raise KeyError(key)
        return self.deserialize(key, row[0])


def _bind_lookups(cache: Any) -> None:
    """Have the cache's two tables look keys up through :class:`_Table` (a subclass: nothing else changes)."""
    for table in (getattr(cache, "responses", None), getattr(cache, "redirects", None)):
        if type(table) is SQLiteDict:
            table.__class__ = _Table


def _remember_signature(function: Any) -> None:
    """Keep ``function``'s signature on it, where :func:`inspect.signature` looks first (PEP 362).

    requests-cache reads the Cache-Control directives of every request, every answer and every cached answer
    into :class:`~requests_cache.policy.CacheDirectives`, each time asking ``inspect.signature`` of its
    constructor which keywords it takes: a few hundred Python calls per request, about a tenth of the
    client's time on a cache miss.  The stored signature is the one ``inspect`` computes; it only stops
    being recomputed.
    """
    try:
        function.__signature__ = inspect.signature(function)
    except (AttributeError, TypeError, ValueError):  # a constructor of another shape: left as it is
        pass


_remember_signature(CacheDirectives.__init__)


def _keep_next_request_out_of_cache(cache: Any, guard: CacheGuard) -> None:
    """Never store ``Response.next``: requests-cache saves it unredacted.

    A 3xx read with ``allow_redirects=False`` (GitHub's 301 for a renamed
    repository) carries the prepared follow-up request, ``Authorization``
    header included; requests-cache redacts the response's own request but
    pickles ``next`` as it is.  The saved copy drops it; the live response keeps it.
    """
    save: Callable[..., None] = cache.save_response
    broken: list[str] = []

    def save_response(response: Any, cache_key: str | None = None, expires: Any = None) -> None:
        if broken or guard.damage is not None:
            return None
        pending = getattr(response, "_next", None)
        response._next = None
        try:
            return save(response, cache_key, expires)
        except (sqlite3.Error, OSError) as exc:
            if is_damage(exc):
                guard.note(exc)
                return None
            # a full disk or a read-only cache must not sink the run: the answer is used, not kept
            broken.append(str(exc))
            log.warning("the HTTP cache cannot be written (%s); answers of this run are not cached", exc)
            return None
        finally:
            response._next = pending

    cache.save_response = save_response


def _retry_after(response: requests.Response) -> float | None:
    """Seconds to wait from ``Retry-After`` (delta-seconds or HTTP-date), if present."""
    value = response.headers.get("Retry-After")
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


class ServiceClient:
    """Requests to one service through the layer's cache, pacing, retry and health rules."""

    def __init__(self, layer: HttpLayer, policy: ServicePolicy):
        self.layer, self.policy = layer, policy
        self.asked = policy  # the policy as the caller gave it (before the user's settings were applied)

    @property
    def stats(self) -> RequestStats:
        return self.layer.stats

    @property
    def health(self) -> ServiceHealth:
        return self.layer.health.get(self.policy.name)

    @property
    def outage(self) -> Outage | None:
        """Why this service was given up for the run (``None`` while it is up)."""
        return self.health.outage

    def mark_down(self, kind: OutageKind, cause: str, until: float | None = None) -> Outage:
        """The caller's verdict: give the service up for the run (e.g. a rate-limit window of an hour)."""
        return self.layer.mark_down(self.policy.name, kind, cause, until)

    def url(self, path: str = "") -> str:
        if not path:
            return self.policy.base_url
        if path.startswith(("http://", "https://")):
            return path
        return self.policy.base_url.rstrip("/") + "/" + path.lstrip("/")

    def _backoff(self, attempt: int) -> float:
        base = self.policy.backoff_base * (2.0 ** attempt)
        return min(self.policy.backoff_max, base * (1 + random.random() * 0.25))

    def request(
        self,
        method: str,
        path: str = "",
        *,
        params: Mapping[str, Any] | None = None,
        data: Any = None,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
        cache: bool = True,
        expire_after: int | float | timedelta | None = None,
        retry: bool | None = None,
        timeout: float | tuple[float, float] | None = None,
        allow_redirects: bool = True,
        cache_only: bool = False,
    ) -> requests.Response:
        """Send one request with the service's politeness; return the final response.

        Non-retryable statuses (404, 400, 403…) are returned, not raised: what they
        mean is the caller's business.  ``cache_only`` answers this one request
        as offline mode would (e.g. once a quota is used up).  Raises
        :class:`ServiceDown` (the service was given up for the run, now or
        earlier), :class:`ServiceUnavailable`, :class:`OfflineMiss`,
        :class:`RateLimited` or :class:`HttpError` (this request failed; its
        ``kind`` says how).
        """
        policy = self.policy
        url = self.url(path)
        method = method.upper()
        if retry is None:
            retry = method in ("GET", "HEAD") or (method == "POST" and policy.retry_post)
        attempts = policy.max_attempts if retry else 1
        kwargs = self._arguments(params, data, json, headers, cache, expire_after, allow_redirects, cache_only, url)
        if isinstance(timeout, tuple):
            connect, read = timeout
        else:
            connect, read = policy.connect_timeout, timeout or policy.read_timeout
        failed: _Failed | None = None
        body_failures = 0  # answers cut short or unreadable: asked once more only
        attempt = 0
        for attempt in range(attempts):
            # a hang never costs more than the budget left (the next failure then gives the service up)
            left = self.health.remaining()
            cap = read if left is None else max(left, MIN_TIMEOUT)
            kwargs["timeout"] = (min(connect, cap), min(read, cap))
            outcome = self._attempt(method, url, kwargs, quick_retry=attempt + 1 < min(attempts, 2),
                                    cache_only=cache_only)
            if not isinstance(outcome, _Failed):
                return outcome
            failed = outcome
            if failed.quick:  # a connection error: one quick retry before the service counts as unreachable
                self._wait(min(self._backoff(attempt), 1.0) * 0.25)
                continue
            body_failures += failed.body
            last = attempt + 1 >= attempts or body_failures >= BODY_ATTEMPTS
            delay = self._next_delay(failed, attempt, last, url)
            if last:
                break
            self.layer.stats.add("retries", policy.name)
            if failed.status is not None and not failed.body:
                log.info("%s: HTTP %s, retrying in %.1f s", policy.name, failed.status, delay)
            self._pause(delay, url, failed.kind, failed.cause)
        assert failed is not None
        tries = f"after {attempt + 1} attempt{'s' if attempt else ''}"
        # the outage's cause is the short reason (what the user is told once), not the exception's text
        raise HttpError(policy.name, f"{failed.error} {tries}", status=failed.status, url=url, kind=failed.kind,
                        cause=f"{failed.cause} {tries}")

    def _arguments(self, params: Mapping[str, Any] | None, data: Any, json: Any, headers: Mapping[str, str] | None,
                   cache: bool, expire_after: int | float | timedelta | None, allow_redirects: bool,
                   cache_only: bool, url: str) -> dict[str, Any]:
        """The session's keyword arguments: body, headers, and how the cache is to be used."""
        policy, layer = self.policy, self.layer
        use_cache = cache and policy.use_cache and policy.expire_after is not None
        if (layer.offline or cache_only) and not use_cache:
            raise OfflineMiss(policy.name, "offline: this request is never cached", url=url)
        kwargs: dict[str, Any] = dict(params=params, data=data, json=json, allow_redirects=allow_redirects,
                                      headers={**policy.headers, **(headers or {})})
        if not use_cache:
            kwargs["expire_after"] = DO_NOT_CACHE
            return kwargs
        expiry = expire_after if expire_after is not None else policy.expire_after
        kwargs["expire_after"] = EXPIRE_IMMEDIATELY if expiry == 0 else expiry
        if layer.offline or cache_only:
            kwargs["only_if_cached"] = True
        if layer.refresh and not cache_only:
            kwargs["force_refresh"] = True
        return kwargs

    def _attempt(self, method: str, url: str, kwargs: dict[str, Any], *, quick_retry: bool,
                 cache_only: bool) -> requests.Response | _Failed:
        """One attempt: the response to hand back, or how it failed (counted against the service's health)."""
        policy, layer = self.policy, self.layer
        seconds = kwargs["timeout"][1]
        started = time.monotonic()
        try:
            response = layer.session.request(method, url, **kwargs)
        except (OfflineMiss, ServiceUnavailable):
            raise
        except requests.exceptions.ConnectionError as exc:
            if _read_timeout(exc):  # the body stalled after the headers: a timeout, not an unreachable host
                return self._failure(_Failed.timeout(seconds), started, url)
            # no network / DNS / refused / dropped: one quick retry, then say it once and
            # fail fast for the rest of the run instead of hanging on every later call
            outage = Outage(Service.named(policy.name) or policy.name, OutageKind.UNREACHABLE,
                            _connection_cause(exc), url=redact(policy.base_url))
            if quick_retry:
                return _Failed(OutageKind.UNREACHABLE, outage.cause, outage.describe(), quick=True)
            outage = layer.give_up(outage)
            log.info("%s", outage.describe())  # every command's summary says it (stats.unavailable); -v shows it
            raise ServiceUnavailable(policy.name, outage.describe(), url=url, outage=outage) from exc
        except requests.exceptions.Timeout as exc:
            log.debug("%s: timeout (%s)", policy.name, _short(exc))
            return self._failure(_Failed.timeout(seconds), started, url)
        except requests.exceptions.ChunkedEncodingError as exc:
            return self._failure(_Failed.unreadable("body shorter than its Content-Length", _short(exc)), started, url)
        except requests.exceptions.ContentDecodingError as exc:
            return self._failure(_Failed.unreadable("body not in its declared encoding", _short(exc)), started, url)
        except requests.exceptions.RequestException as exc:
            # any other broken answer: a redirect loop, a redirect to a scheme or URL we cannot follow,
            # a malformed header — the service's failure, never a traceback
            return self._failure(_Failed.unreadable(f"unusable answer ({type(exc).__name__})", _short(exc)),
                                 started, url)
        if getattr(response, "from_cache", False):
            if (layer.offline or cache_only) and response.status_code == 504:
                raise OfflineMiss(policy.name, "offline and not in the cache", url=url)
            layer.stats.add("cache_hits", policy.name)
            return response
        return self._judge(response, started, url)

    def _judge(self, response: requests.Response, started: float, url: str) -> requests.Response | _Failed:
        """A network answer: hand it back, or a failure to retry (5xx, 429, unreadable)."""
        policy = self.policy
        status = response.status_code
        unreadable = _unreadable(policy, response)
        if unreadable is not None:
            failed = _Failed(OutageKind.UNREADABLE, unreadable, f"unreadable answer ({unreadable})", status, body=True)
            return self._failure(failed, started, url)
        verdict = policy.retryable(response) if policy.retryable is not None else None
        retried = status in RETRY_STATUSES if verdict is None else verdict
        if not retried:
            if log.isEnabledFor(logging.DEBUG):  # (the URL is redacted only for a log that is written)
                log.debug("%s %s -> %s", response.request.method if response.request else "?", redact(url), status)
            if status >= 500 and verdict is None:  # a 5xx the caller reads for itself: still the service failing
                self._failure(_Failed(OutageKind.HTTP_STATUS, f"HTTP {status}", f"HTTP {status}", status), started, url)
            elif status < 500:
                # an answer (a 404 is one; a 5xx the service's own rule calls this request's problem — GitHub
                # cutting off one GraphQL query that was too big — is neither an answer nor a failure)
                self.health.success()
            return response
        rate_limit = status == 429 or bool(verdict)
        failed = _Failed(OutageKind.RATE_LIMITED if rate_limit else OutageKind.HTTP_STATUS, f"HTTP {status}",
                         f"HTTP {status}", status, wait=_retry_after(response), rate_limit=rate_limit)
        return failed if rate_limit else self._failure(failed, started, url)

    def _failure(self, failed: _Failed, started: float, url: str) -> _Failed:
        """Count a failed attempt against the service (raising :class:`ServiceDown` when it gives it up)."""
        self._failed(failed.kind, failed.cause, started, url, failed.status)
        return failed

    def _next_delay(self, failed: _Failed, attempt: int, last: bool, url: str) -> float:
        """How long to wait before the next attempt; a rate limit that cannot be waited out is raised."""
        policy = self.policy
        status = failed.status
        if failed.rate_limit and last:
            # a 429 without Retry-After (Semantic Scholar's usual) says nothing about when: no "until now"
            until = time.time() + failed.wait if failed.wait else None
            attempts = attempt + 1
            cause = f"HTTP {status} after {attempts} attempts"
            if policy.gives_up:
                self.mark_down(OutageKind.RATE_LIMITED, cause, until)
            raise RateLimited(policy.name, f"rate limited (HTTP {status}) after {attempts} attempts",
                              until=until, status=status, url=url, cause=cause)
        wait = failed.wait
        left = self.health.remaining()
        if wait is not None and (wait > policy.max_wait or (left is not None and wait > left)):
            until = time.time() + wait
            cause = f"HTTP {status} with Retry-After: {wait:.0f} s"
            if policy.gives_up:
                self.mark_down(OutageKind.RATE_LIMITED, cause, until)
            raise RateLimited(policy.name, f"asked to wait {wait:.0f} s (Retry-After)",
                              until=until, status=status, url=url, cause=cause)
        if wait is not None:
            return wait
        if failed.kind is OutageKind.TIMEOUT:
            return 0.0  # the wait for the answer was the pause: ask again at once
        return self._backoff(attempt)

    def _failed(self, kind: OutageKind, cause: str, started: float, url: str, status: int | None) -> None:
        """Count one failed attempt; raise :class:`ServiceDown` when it makes the service down."""
        self.layer.stats.add("failures", self.policy.name)
        outage = self.health.failure(kind, cause, time.monotonic() - started)
        if outage is not None:
            self.layer.went_down(outage)
            raise ServiceDown(outage, status=status, url=url)

    def _pause(self, seconds: float, url: str, kind: OutageKind, cause: str) -> None:
        """Wait before the next attempt, unless the wait alone would use up the service's budget."""
        left = self.health.remaining()
        if left is not None and seconds > left:
            budget = self.health.budget or 0.0
            outage = self.mark_down(kind, f"{cause}; waiting {seconds:.0f} s more would exceed its {budget:g} s budget")
            raise ServiceDown(outage, url=url)
        self.health.waited(seconds)
        self._wait(seconds)

    def _wait(self, seconds: float) -> None:
        if seconds > 0:
            self.layer.stats.add("waited", self.policy.name, seconds)
            self.layer.sleep(seconds)

    def get(self, path: str = "", **kwargs: Any) -> requests.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str = "", **kwargs: Any) -> requests.Response:
        return self.request("POST", path, **kwargs)


def _read_timeout(exc: requests.exceptions.ConnectionError) -> bool:
    """requests reports a body that stops arriving as a ConnectionError wrapping urllib3's ReadTimeoutError."""
    from urllib3.exceptions import ReadTimeoutError

    return any(isinstance(arg, ReadTimeoutError) for arg in exc.args)


def _connection_cause(exc: BaseException) -> str:
    """A connection failure in a few words, for the one line the user is told ("connection refused").

    Decided from the exception types in the chain requests and urllib3 build
    (``args``, ``reason``, ``__cause__``), never from their text: a server that
    closes the connection without answering is ``RemoteDisconnected`` wrapped
    twice, whose text is no cause a person can read.
    """
    import errno
    import http.client
    import socket
    import ssl

    from urllib3.exceptions import ConnectTimeoutError, NameResolutionError, NewConnectionError

    chain: list[BaseException] = []
    todo = [exc]
    while todo:
        item = todo.pop(0)
        if any(item is seen for seen in chain):
            continue
        chain.append(item)
        reason = getattr(item, "reason", None)
        todo += [x for x in (*item.args, reason, item.__cause__, item.__context__) if isinstance(x, BaseException)]

    def found(*types: type[BaseException]) -> bool:
        return any(isinstance(item, types) for item in chain)

    def os_error(*codes: int) -> bool:
        return any(isinstance(item, OSError) and item.errno in codes for item in chain)

    if found(requests.exceptions.ProxyError):
        return "the proxy failed"
    if found(NameResolutionError, socket.gaierror):
        return "failed to resolve"
    if found(ConnectionRefusedError):
        return "connection refused"
    if found(http.client.RemoteDisconnected, ConnectionResetError, ConnectionAbortedError, BrokenPipeError):
        return "connection closed without an answer"
    if os_error(errno.ENETUNREACH):
        return "network is unreachable"
    if os_error(errno.EHOSTUNREACH):
        return "host is unreachable"
    if found(ssl.SSLError, requests.exceptions.SSLError):
        return "secure connection failed"
    if any(isinstance(item, (ConnectTimeoutError, socket.timeout)) and not isinstance(item, NewConnectionError)
           for item in chain):
        return "timed out"
    return "connection failed"


@dataclass(frozen=True)
class _Failed:
    """How one attempt failed: ``cause`` feeds the service's health, ``error`` the request's error message.

    ``body``: an answer came but could not be read (asked once more only);
    ``wait``: the service's ``Retry-After``; ``quick``: a connection error
    retried once at once before the service counts as unreachable.
    """

    kind: OutageKind
    cause: str
    error: str
    status: int | None = None
    body: bool = False
    wait: float | None = None
    rate_limit: bool = False
    quick: bool = False

    @classmethod
    def timeout(cls, seconds: float) -> _Failed:
        shown = f"{seconds:.0f}" if seconds >= 10 else f"{seconds:.2g}"  # 30, not 29.9649 (cut by the budget)
        cause = f"no answer within {shown} s"
        return cls(OutageKind.TIMEOUT, cause, f"timeout: {cause}")

    @classmethod
    def unreadable(cls, cause: str, detail: str) -> _Failed:
        return cls(OutageKind.UNREADABLE, cause, f"unreadable answer: {cause} ({detail})", body=True)


_UNCHECKED: Any = object()


def _unreadable(policy: ServicePolicy, response: requests.Response) -> str | None:
    """The service's own verdict on a 2xx body (memoised on the response: the cache filter asks too)."""
    if policy.readable is None or not 200 <= response.status_code < 300 or response.status_code == 204:
        return None
    memo = getattr(response, "_bibkit_unreadable", _UNCHECKED)
    if memo is not _UNCHECKED:
        return memo if isinstance(memo, str) else None
    verdict: str | None
    try:
        verdict = policy.readable(response)
    except (ValueError, RecursionError, MemoryError, UnicodeError) as exc:
        verdict = f"unreadable answer ({type(exc).__name__})"
    try:
        response._bibkit_unreadable = verdict  # type: ignore[attr-defined]
    except AttributeError:  # a cached response class with slots: the check is cheap enough to repeat
        pass
    return verdict


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    port = parts.port or {"http": 80, "https": 443}.get(parts.scheme)
    return parts.scheme.lower(), (parts.hostname or "").lower(), port


class _Session(CachedSession):
    """requests-cache's session, with credentials kept from other origins on redirects.

    requests drops ``Authorization`` when a redirect changes the host, but keeps
    custom credential headers (a 307 from the Zotero URL to another port would
    receive ``Zotero-API-Key``).  Every header in :data:`SECRET_HEADERS` is
    removed when a redirect leaves the original scheme, host and port.
    """

    def merge_environment_settings(self, url: str | bytes | None, proxies: Any, stream: Any, verify: Any,
                                   cert: Any) -> Any:
        """requests' proxy and CA settings from the environment, read once per origin and run.

        requests scans the whole environment (``getproxies``) on every request: with
        thousands of cached-or-not lookups that was a noticeable share of a run's CPU.
        """
        memo = self.__dict__.setdefault("_environment", {})
        key = (_origin(url.decode() if isinstance(url, bytes) else url or ""),
               tuple(sorted((proxies or {}).items())), stream, verify, cert if not isinstance(cert, list) else
               tuple(cert))
        found = memo.get(key)
        if found is None:
            found = memo[key] = dict(super().merge_environment_settings(url, proxies, stream, verify, cert))
        return {**found, "proxies": dict(found.get("proxies") or {})}

    def rebuild_auth(self, prepared_request: requests.PreparedRequest, response: requests.Response) -> None:
        super().rebuild_auth(prepared_request, response)  # type: ignore[no-untyped-call]
        if _origin(response.request.url or "") != _origin(prepared_request.url or ""):
            for name in SECRET_HEADERS:
                prepared_request.headers.pop(name, None)


def _short(exc: BaseException) -> str:
    """An exception's text, cut short: detail for a log line or an error message, never an outage's cause."""
    return str(exc)[:120]
