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
* Retries (in :meth:`ServiceClient.request`) on 429, 502, 503, 504 and timeouts,
  honouring ``Retry-After``; a wait longer than the policy's ``max_wait`` is not
  slept but raised as :class:`RateLimited` so the caller can finish other work.
* A connection error (no network, DNS failure, refused) marks the service
  unavailable for the rest of the run: the first failure is reported in one
  line and later calls fail at once instead of hanging.
* ``offline=True`` answers from the cache only; ``refresh=True`` bypasses it.

Credentials go in ``Authorization``-style headers, which requests-cache keeps out
of cache keys and redacts from stored requests; URLs in logs and errors are
passed through :func:`redact`.
"""

from __future__ import annotations

import email.utils
import logging
import random
import re
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any, Callable, Mapping

import requests
from filelock import FileLock
from requests.adapters import HTTPAdapter
from requests_cache import CachedSession
from requests_cache.policy.expiration import DO_NOT_CACHE, EXPIRE_IMMEDIATELY

from . import __version__
from .config import Settings
from .outcomes import Outage, OutageKind, Service

log = logging.getLogger("bibkit.http")

RETRY_STATUSES = frozenset({429, 502, 503, 504})
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
    decide from it, never from the message.  Without an HTTP status nothing
    came back on any attempt (timeouts); with one, the service kept answering
    an error status.
    """

    kind = OutageKind.HTTP_STATUS

    def __init__(self, service: str, message: str, *, status: int | None = None, url: str | None = None,
                 cause: str | None = None):
        self.service, self.status, self.url = service, status, redact(url) if url else None
        self.cause = cause if cause is not None else message
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


class OfflineMiss(HttpError):
    """Offline mode and the cache has no answer for this request."""

    kind = OutageKind.OFFLINE_MISS


class RateLimited(HttpError):
    """The service asked us to wait longer than we are willing to (``until`` = epoch seconds, if known)."""

    kind = OutageKind.RATE_LIMITED

    def __init__(self, service: str, message: str, *, until: float | None = None, status: int | None = None,
                 url: str | None = None):
        self.until = until
        super().__init__(service, message, status=status, url=url)

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


@dataclass
class RequestStats:
    """Counts shared by every client of a layer, for progress bars and reports."""

    network: Counter[str] = field(default_factory=Counter)  # requests actually sent, per service
    cache_hits: Counter[str] = field(default_factory=Counter)
    retries: Counter[str] = field(default_factory=Counter)
    waited: defaultdict[str, float] = field(default_factory=lambda: defaultdict(float))  # seconds slept, per service
    unavailable: dict[str, Outage] = field(default_factory=dict)  # service -> why it is down for the rest of the run

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
                **({"unavailable": self.unavailable[s].describe()} if s in self.unavailable else {}),
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
                self._stamp.write_text(repr(time.time()))
        finally:
            self._lock.release()
            self._thread_lock.release()


class _ServiceAdapter(HTTPAdapter):
    """Runs only when the cache misses: paces, counts, and fails fast once a service is down."""

    def __init__(self, layer: "HttpLayer", policy: ServicePolicy):
        super().__init__(pool_connections=1, pool_maxsize=1, max_retries=0)
        self.layer, self.policy = layer, policy
        self.pacer = (
            Pacer(layer.cache_dir / "pacing", policy.name, policy.min_interval)
            if policy.min_interval > 0 or policy.pace_from is not None else None
        )

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:
        name = self.policy.name
        # only-if-cached: requests-cache still sends when a cached answer fails its Vary check
        if self.layer.offline or "only-if-cached" in (request.headers.get("Cache-Control") or ""):
            raise OfflineMiss(name, "offline and not in the cache", url=request.url)
        down = self.layer.stats.unavailable.get(name)
        if down is not None:
            raise ServiceUnavailable(name, down.describe(), url=request.url, outage=down)
        self.layer.stats.network[name] += 1
        if self.pacer is None:
            return super().send(request, *args, **kwargs)
        with self.pacer as waited:
            self.layer.stats.waited[name] += waited
            response = super().send(request, *args, **kwargs)
        if self.policy.pace_from is not None:
            announced = self.policy.pace_from(response)
            if announced is not None:
                self.pacer.interval = max(0.0, announced)
        return response


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
        self.cache_dir = Path(settings.cache_dir)
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        self.stats = RequestStats()
        self.user_agent = user_agent(settings.contact)
        self.session = CachedSession(
            str(self.cache_dir / "http"),
            backend="sqlite",
            expire_after=DO_NOT_CACHE,  # nothing is cached unless its service says how long
            allowable_methods=("GET", "POST"),
            allowable_codes=(200,),
            stale_if_error=False,
            disabled=not cache,
            filter_fn=self._may_store,
            wal=True,  # write-ahead log: a commit per cached answer costs far less, readers never block
        )
        self.session.headers["User-Agent"] = self.user_agent
        _keep_next_request_out_of_cache(self.session.cache)
        self._clients: dict[str, ServiceClient] = {}
        self._policies: dict[str, ServicePolicy] = {}  # mounted URL prefix -> policy

    def _policy_for(self, url: str) -> ServicePolicy | None:
        best = max((p for p in self._policies if url.startswith(p)), key=len, default=None)
        return self._policies[best] if best is not None else None

    def _may_store(self, response: requests.Response) -> bool:
        """requests-cache filter: apply each service's ``cache_codes`` and ``cacheable`` veto.

        The session-wide ``allowable_codes`` is the union of every service's codes,
        so a status only some service keeps (GitHub's 404) is refused here for
        the others.  Statuses no service keeps are left to ``allowable_codes``.
        """
        policy = self._policy_for(response.url or "")
        if policy is None or response.status_code not in self.session.settings.allowable_codes:
            return True
        if response.status_code not in policy.cache_codes:
            return False
        return policy.cacheable is None or bool(policy.cacheable(response))

    def client(self, policy: ServicePolicy) -> "ServiceClient":
        """The client for a service; one adapter per base URL, created once."""
        existing = self._clients.get(policy.name)
        if existing is not None and existing.policy == policy:
            return existing
        prefix = policy.base_url.rstrip("/") + "/"
        self.session.mount(prefix, _ServiceAdapter(self, policy))
        self._policies[prefix] = self._policies[policy.base_url] = policy
        codes = set(self.session.settings.allowable_codes) | set(policy.cache_codes)
        self.session.settings.allowable_codes = tuple(sorted(codes))
        # also cover the exact base URL when it has no trailing slash (arXiv's .../api/query)
        self.session.mount(policy.base_url, _ServiceAdapter(self, policy))
        client = ServiceClient(self, policy)
        self._clients[policy.name] = client
        return client

    def close(self) -> None:
        self.session.close()  # type: ignore[no-untyped-call]  # requests-cache leaves close() unannotated

    def __enter__(self) -> "HttpLayer":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _keep_next_request_out_of_cache(cache: Any) -> None:
    """Never store ``Response.next``: requests-cache saves it unredacted.

    A 3xx read with ``allow_redirects=False`` (GitHub's 301 for a renamed
    repository) carries the prepared follow-up request, ``Authorization``
    header included; requests-cache redacts the response's own request but
    pickles ``next`` as it is.  The saved copy drops it; the live response keeps it.
    """
    save: Callable[..., None] = cache.save_response

    def save_response(response: Any, cache_key: str | None = None, expires: Any = None) -> None:
        pending = getattr(response, "_next", None)
        if pending is None:
            return save(response, cache_key, expires)
        response._next = None
        try:
            return save(response, cache_key, expires)
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
    """Requests to one service through the layer's cache, pacing and retry rules."""

    def __init__(self, layer: HttpLayer, policy: ServicePolicy):
        self.layer, self.policy = layer, policy

    @property
    def stats(self) -> RequestStats:
        return self.layer.stats

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
        :class:`ServiceUnavailable`, :class:`OfflineMiss`, :class:`RateLimited`
        or :class:`HttpError`.
        """
        policy, layer = self.policy, self.layer
        url = self.url(path)
        method = method.upper()
        if retry is None:
            retry = method in ("GET", "HEAD") or (method == "POST" and policy.retry_post)
        attempts = policy.max_attempts if retry else 1
        use_cache = cache and policy.use_cache and policy.expire_after is not None
        expiry = expire_after if expire_after is not None else policy.expire_after
        merged = {**policy.headers, **(headers or {})}
        kwargs: dict[str, Any] = dict(
            params=params, data=data, json=json, headers=merged, allow_redirects=allow_redirects,
            timeout=timeout or (policy.connect_timeout, policy.read_timeout),
        )
        if use_cache:
            kwargs["expire_after"] = EXPIRE_IMMEDIATELY if expiry == 0 else expiry
            if layer.offline or cache_only:
                kwargs["only_if_cached"] = True
            if layer.refresh and not cache_only:
                kwargs["force_refresh"] = True
        else:
            kwargs["expire_after"] = DO_NOT_CACHE
        if (layer.offline or cache_only) and not use_cache:
            raise OfflineMiss(policy.name, "offline: this request is never cached", url=url)

        last_error: str = ""
        for attempt in range(attempts):
            try:
                response = layer.session.request(method, url, **kwargs)
            except (OfflineMiss, ServiceUnavailable):
                raise
            except requests.exceptions.ConnectionError as exc:
                # no network / DNS / refused / dropped: one quick retry, then say it once and
                # fail fast for the rest of the run instead of hanging on every later call
                outage = Outage(Service.named(policy.name) or policy.name, OutageKind.UNREACHABLE, _short(exc),
                                url=redact(policy.base_url))
                if attempt + 1 < min(attempts, 2):
                    last_error = outage.describe()
                    self._wait(min(self._backoff(attempt), 1.0) * 0.25)
                    continue
                outage = layer.stats.unavailable.setdefault(policy.name, outage)
                log.warning("%s", outage.describe())
                raise ServiceUnavailable(policy.name, outage.describe(), url=url, outage=outage) from exc
            except requests.exceptions.Timeout as exc:
                last_error = f"timeout ({_short(exc)})"
            else:
                if getattr(response, "from_cache", False):
                    if (layer.offline or cache_only) and response.status_code == 504:
                        raise OfflineMiss(policy.name, "offline and not in the cache", url=url)
                    layer.stats.cache_hits[policy.name] += 1
                    return response
                verdict = policy.retryable(response) if policy.retryable is not None else None
                if not (response.status_code in RETRY_STATUSES if verdict is None else verdict):
                    log.debug("%s %s -> %s", method, redact(url), response.status_code)
                    return response
                wait = _retry_after(response)
                last_error = f"HTTP {response.status_code}"
                if attempt + 1 >= attempts:
                    if response.status_code == 429 or verdict:
                        raise RateLimited(policy.name, f"rate limited (HTTP 429) after {attempts} attempts",
                                          until=time.time() + (wait or 0), status=429, url=url)
                    raise HttpError(policy.name, f"HTTP {response.status_code} after {attempts} attempts",
                                    status=response.status_code, url=url)
                if wait is not None and wait > policy.max_wait:
                    raise RateLimited(policy.name, f"asked to wait {wait:.0f} s (Retry-After)",
                                      until=time.time() + wait, status=response.status_code, url=url)
                layer.stats.retries[policy.name] += 1
                delay = wait if wait is not None else self._backoff(attempt)
                log.info("%s: HTTP %s, retrying in %.1f s", policy.name, response.status_code, delay)
                self._wait(delay)
                continue
            # timeouts fall through to here
            if attempt + 1 < attempts:
                layer.stats.retries[policy.name] += 1
                self._wait(self._backoff(attempt))
        raise HttpError(policy.name, f"{last_error or 'failed'} after {attempts} attempts", url=url)

    def _wait(self, seconds: float) -> None:
        if seconds > 0:
            self.layer.stats.waited[self.policy.name] += seconds
            self.layer.sleep(seconds)

    def get(self, path: str = "", **kwargs: Any) -> requests.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str = "", **kwargs: Any) -> requests.Response:
        return self.request("POST", path, **kwargs)


def _short(exc: BaseException) -> str:
    text = str(exc)
    for marker in ("Failed to resolve", "Connection refused", "Name or service not known", "timed out",
                   "Network is unreachable", "Temporary failure in name resolution"):
        if marker in text:
            return marker.lower()
    return text[:120]
