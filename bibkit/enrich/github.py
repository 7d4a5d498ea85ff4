"""GitHub: resolve repository links to canonical repositories with their metadata.

Two pieces, in the arxiv.py spirit (the client owns politeness, results are
plain objects):

* :class:`GitHubClient` asks GitHub about repositories through the one HTTP
  layer (:mod:`bibkit.http`, service ``"github"``).  Without a token it uses
  REST ``GET /repos/{owner}/{repo}``, one request per distinct repository;
  with ``GITHUB_TOKEN`` it batches through GraphQL, one request per up to 100
  repositories (aliases ``r0..rN``).  Results are :class:`RepoResult` records
  holding a :class:`~bibkit.model.RepoInfo` whose ``status`` is ``ok``,
  ``renamed``, ``dead``, ``blocked`` or ``unchecked``.
* :class:`GitHubEnricher` implements the :class:`~bibkit.enrich.base.Enricher`
  protocol: decides the paper's own repository (:mod:`bibkit.enrich.roles`),
  resolves every GitHub link of every entry, puts the metadata on the links
  (``Link.repo``) and one row per repository into the entry's report.

Quota and caching (why the choices are what they are):

* Answers are cached for :data:`DEFAULT_TTL` (a day) and then revalidated with
  ``If-None-Match``: a ``304`` costs no quota.  An expiry of 0 (revalidate on
  every run) was rejected because renamed and deleted repositories answer
  ``301``/``404`` without an ``ETag``: they could never be revalidated for free,
  so every re-run would spend quota on them (the recorded rename shows
  ``X-RateLimit-Remaining`` dropping on the ``301`` too).  Within the day a
  re-run sends nothing at all; ``--refresh`` asks again.
* Renames are followed by hand (``allow_redirects=False``): GitHub answers
  ``301`` with ``Location: /repositories/<id>`` (not the new name).  The ``301``
  is cached like any answer, and the redirect is re-issued under the
  configured base URL so a token never follows a redirect to another host.
  The new name comes from ``full_name``, compared case-insensitively.
* ``x-ratelimit-remaining`` is watched on every answer that came from the
  network.  When it reaches 0 (or a ``403``/``429`` says the quota is gone)
  the client stops calling GitHub for the rest of the run, still answers
  whatever the cache holds (stale included), marks the rest ``unchecked`` and
  leaves the notice "GitHub quota exhausted until HH:MM — set GITHUB_TOKEN"
  instead of sleeping for an hour.  The secondary limit (``403``/``429`` with
  ``Retry-After``) is waited out by the layer when short (see
  :func:`retry_verdict`), else treated like exhaustion.
* The token travels only in the ``Authorization`` header, which the layer's
  cache neither keys on nor stores; nothing here logs headers.
"""

from __future__ import annotations

import email.utils
import logging
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from typing import Any, Iterable, Mapping, Sequence
from urllib.parse import quote, urlsplit

import requests

from ..config import Settings
from ..health import message as outage_message
from ..http import HttpError, HttpLayer, OfflineMiss, RateLimited, ServicePolicy, ServiceUnavailable
from ..jsondata import load_json
from ..model import Entry, Link, RepoInfo
from ..outcomes import Notice, Outage, OutageKind, Service
from .base import EnrichContext
from .roles import assign_roles

__all__ = [
    "GitHubClient", "GitHubEnricher", "RepoResult", "github_policy", "repo_report", "rate_limit_kind",
    "retry_verdict", "quota_notice", "SERVICE", "DEFAULT_TTL", "GRAPHQL_BATCH", "STATUSES",
]

log = logging.getLogger("bibkit.github")

SERVICE = Service.GITHUB
#: how long an answer is used without asking again (then revalidated with its ETag)
DEFAULT_TTL = timedelta(hours=24)
#: repositories per GraphQL query (GitHub: "stay around 50–100 repos per query")
GRAPHQL_BATCH = 100
#: how stale a cached answer may be when GitHub may not be asked (offline, quota gone)
STALE_OK = 10 * 365 * 24 * 3600
#: a GraphQL query that failed as a whole (timeout 502/504, an error without data) is asked again
#: in halves while it holds more repositories than this; smaller remainders go to REST
GRAPHQL_MIN_SPLIT = 10
#: topics asked per repository over GraphQL (a connection needs ``first``)
TOPICS = 20
STATUSES = ("ok", "renamed", "dead", "blocked", "unchecked")

HEADERS = {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28"}
_FROM_SETTINGS: Any = object()


# --------------------------------------------------------------------------- policy


def _message(response: requests.Response) -> str:
    """GitHub's ``message`` field, else the start of the body."""
    try:
        data = load_json(response.content)
    except ValueError:
        return (response.text or "")[:200].strip()
    if isinstance(data, dict):
        message = data.get("message")
        if isinstance(message, str):
            return message
        errors = data.get("errors")
        if isinstance(errors, list) and errors and isinstance(errors[0], dict):
            return str(errors[0].get("message", ""))
    return ""


def rate_limit_kind(response: requests.Response) -> str | None:
    """``"primary"`` (quota used up), ``"secondary"`` (too fast) or ``None`` for a 403/429.

    Primary: ``x-ratelimit-remaining: 0``, or a message saying "rate limit" with
    no sign of the secondary limit.  Secondary: the message says "secondary
    rate limit" or (its old name) "abuse", or the answer carries ``Retry-After``.
    """
    if response.status_code not in (403, 429):
        return None
    if (response.headers.get("x-ratelimit-remaining") or "").strip() == "0":
        return "primary"
    message = _message(response).casefold()
    if "secondary rate limit" in message or "abuse" in message or response.headers.get("Retry-After"):
        return "secondary"
    if "rate limit" in message:
        return "primary"
    return None


def retry_verdict(response: requests.Response) -> bool | None:
    """The layer's ``retryable`` hook for GitHub (see :class:`bibkit.http.ServicePolicy`).

    A used-up quota is never retried (it returns within the hour, not the
    second); a secondary limit with ``Retry-After`` is, the layer waiting that
    long when it is short (``max_wait``) and raising :class:`RateLimited`
    otherwise; a secondary limit without ``Retry-After`` is handed back (GitHub
    asks for at least a minute, then exponential waits: we stop instead).
    Anything else follows the default rule.
    """
    kind = rate_limit_kind(response)
    if kind == "primary":
        return False
    if kind == "secondary":
        return bool(response.headers.get("Retry-After"))
    if response.status_code in (502, 504) and _is_graphql(response):
        return False  # a query cut off at GitHub's 10 s is charged: the same query again would only cost more
    return None


def _is_graphql(response: requests.Response) -> bool:
    return (response.url or "").rstrip("/").endswith("/graphql")


def _rate_limit_error(error: Mapping[str, Any]) -> str | None:
    """``"primary"``/``"secondary"`` for a GraphQL error that reports a rate limit (inside an HTTP 200)."""
    kind = str(error.get("type") or "").upper()
    message = str(error.get("message") or "").casefold()
    if "secondary rate limit" in message or "abuse" in message:
        return "secondary"
    if kind in ("RATE_LIMITED", "RATE_LIMIT") or "rate limit" in message:
        return "primary"
    return None


def _cacheable(response: requests.Response) -> bool:
    """Keep a GraphQL answer only when it holds data and no error but per-repository ones."""
    if not _is_graphql(response):
        return True
    try:
        body = load_json(response.content)
    except ValueError:
        return False
    if not isinstance(body, dict) or not isinstance(body.get("data"), dict):
        return False
    errors = body.get("errors") or []
    return all(isinstance(e, dict) and e.get("path") and e.get("type") in ("NOT_FOUND", "FORBIDDEN") for e in errors)


def github_policy(settings: Settings, ttl: timedelta | float = DEFAULT_TTL) -> ServicePolicy:
    """How bibkit talks to GitHub: base ``settings.github_url`` (``BIBKIT_GITHUB_URL``).

    Requests go one at a time (GitHub asks for no parallel requests; the layer's
    adapter holds one connection).  ``301``/``404``/``451`` are cached like ``200``
    because asking again costs quota.  A GraphQL query is read-only, so a POST
    may be resent.
    """
    return ServicePolicy(
        name=SERVICE,
        base_url=settings.github_url,
        expire_after=ttl,
        max_attempts=4,
        backoff_base=1.0,
        max_wait=60.0,
        retry_post=True,
        cache_codes=(200, 301, 404, 451),
        headers=dict(HEADERS),
        cacheable=_cacheable,
        retryable=retry_verdict,
        readable=_readable,
    )


def _readable(response: requests.Response) -> str | None:
    """The layer's check of a 2xx: GitHub answers a JSON object; HTML, binary or cut text is GitHub failing."""
    try:
        data = load_json(response.content)
    except ValueError as exc:
        return f"not JSON ({type(exc).__name__})"
    return None if isinstance(data, dict) else "not a JSON object"


# --------------------------------------------------------------------------- results


@dataclass(slots=True)
class RepoResult:
    """What the client learnt about one repository name as asked."""

    asked: str  # owner/name as the link wrote it
    info: RepoInfo
    detail: str | None = None  # one line: why dead/blocked/unchecked, or where a rename went
    cached: bool = False  # answered from the cache without a network round trip
    via: str = "rest"  # "rest" | "graphql" | "none"
    outage: Outage | None = None  # why it is unchecked, when the service (not the name) was the trouble

    @property
    def status(self) -> str:
        return self.info.status


@dataclass(slots=True)
class RateState:
    """The last rate-limit headers seen from the network for one resource (``core``, ``graphql``)."""

    limit: int | None = None
    remaining: int | None = None
    reset: float | None = None  # epoch seconds


def _int(value: Any) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def _secondary_limit(until: float | None, how: str = "") -> Outage:
    """GitHub's secondary (abuse) rate limit: stop calling it for the run."""
    return Outage(SERVICE, OutageKind.RATE_LIMITED, f"secondary rate limit {how}".strip(), until=until)


def quota_outage(reset: float | None, resource: str = "core") -> Outage:
    """A used-up quota of one GitHub resource (``core`` = REST, ``graphql``) as a value."""
    return Outage(SERVICE, OutageKind.QUOTA_EXHAUSTED, f"{resource} quota", until=reset)


def halt_notice(outage: Outage) -> str:
    """The run-wide notice when GitHub may not be asked any more this run (rendered from the outage)."""
    if outage.kind is OutageKind.RATE_LIMITED:
        return f"GitHub {outage.cause}: stopped calling GitHub{outage.until_text()}; repositories left unchecked"
    if outage.kind is not OutageKind.UNREACHABLE:  # given up by the HTTP layer: failing, silent, unreadable
        return f"{outage_message(outage)} (repositories left unchecked)"
    return f"GitHub unreachable ({outage.describe()}); repositories left unchecked"


def quota_notice(reset: float | None, *, token: bool) -> str:
    """The run-wide notice for a used-up primary quota (``HH:MM`` local time of ``x-ratelimit-reset``)."""
    until = quota_outage(reset).until_text()
    if token:
        return f"GitHub quota exhausted{until} (the limit of GITHUB_TOKEN); remaining repositories left unchecked"
    return f"GitHub quota exhausted{until} — set GITHUB_TOKEN"


def _checked_at(response: requests.Response) -> str:
    """When GitHub gave this answer (its ``Date``; refreshed by a 304), ISO-8601 UTC."""
    date = response.headers.get("Date")
    when: datetime | None = None
    if date:
        try:
            when = email.utils.parsedate_to_datetime(date)
        except (TypeError, ValueError):
            when = None
    if when is None:
        when = datetime.now(timezone.utc)
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return when.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _from_network(response: requests.Response) -> bool:
    return not getattr(response, "from_cache", False) or bool(getattr(response, "revalidated", False))


def _split_name(name: str) -> tuple[str, str] | None:
    parts = [p for p in name.strip().strip("/").split("/") if p]
    if len(parts) != 2:
        return None
    return parts[0], parts[1]


def _repo_info(asked: str, checked_at: str, full_name: Any, *, license: Any, topics: Iterable[Any],
               **fields: Any) -> RepoInfo:
    """The one place a GitHub answer becomes a :class:`RepoInfo` (REST and GraphQL only differ in field names).

    A ``full_name`` that differs from the name asked (case-insensitively) is a
    rename or transfer; empty strings (``homepage: ""``) count as missing.
    """
    name = str(full_name or asked)
    renamed = name.casefold() != asked.casefold()
    return RepoInfo(
        full_name=name,
        status="renamed" if renamed else "ok",
        old_name=asked if renamed else None,
        license=license or None,
        topics=[str(t) for t in topics if t],
        checked_at=checked_at,
        **{k: (v if v != "" else None) for k, v in fields.items()},
    )


def _rest_info(data: Mapping[str, Any], asked: str, checked_at: str) -> RepoInfo:
    license_ = data.get("license")
    return _repo_info(
        asked, checked_at, data.get("full_name"),
        license=license_.get("spdx_id") if isinstance(license_, dict) else None,
        topics=data.get("topics") or [],
        description=data.get("description"), stars=_int(data.get("stargazers_count")),
        archived=data.get("archived"), fork=data.get("fork"), default_branch=data.get("default_branch"),
        pushed_at=data.get("pushed_at"), homepage=data.get("homepage"),
    )


def _graphql_info(node: Mapping[str, Any], asked: str, checked_at: str) -> RepoInfo:
    lic = node.get("licenseInfo")
    branch = node.get("defaultBranchRef")
    nodes = ((node.get("repositoryTopics") or {}).get("nodes")) or []
    return _repo_info(
        asked, checked_at, node.get("nameWithOwner"),
        license=lic.get("spdxId") if isinstance(lic, dict) else None,
        topics=[((t or {}).get("topic") or {}).get("name") for t in nodes],
        description=node.get("description"), stars=_int(node.get("stargazerCount")),
        archived=node.get("isArchived"), fork=node.get("isFork"),
        default_branch=branch.get("name") if isinstance(branch, dict) else None,
        pushed_at=node.get("pushedAt"), homepage=node.get("homepageUrl"),
    )


_REPO_FIELDS = (
    "nameWithOwner url description homepageUrl stargazerCount licenseInfo { spdxId } "
    f"repositoryTopics(first: {TOPICS}) {{ nodes {{ topic {{ name }} }} }} "
    "isArchived isFork pushedAt defaultBranchRef { name }"
)


def graphql_query(names: Sequence[str]) -> tuple[str, dict[str, str]]:
    """One query asking for every repository in ``names`` by alias ``r0..rN`` (values as variables)."""
    params: list[str] = []
    parts: list[str] = []
    variables: dict[str, str] = {}
    for i, name in enumerate(names):
        owner, repo = _split_name(name) or (name, "")
        variables[f"o{i}"], variables[f"n{i}"] = owner, repo
        params.append(f"$o{i}: String!, $n{i}: String!")
        parts.append(f"  r{i}: repository(owner: $o{i}, name: $n{i}) {{ ...Repo }}")
    query = (
        f"query({', '.join(params)}) {{\n" + "\n".join(parts) + "\n  rateLimit { cost remaining resetAt }\n}\n"
        f"fragment Repo on Repository {{ {_REPO_FIELDS} }}\n"
    )
    return query, variables


# --------------------------------------------------------------------------- the client


class GitHubClient:
    """Repository metadata from GitHub, polite to its quota.

    ``token`` defaults to ``settings.github_token`` (``GITHUB_TOKEN``); pass
    ``None`` to stay anonymous.  ``graphql=False`` keeps to REST even with a
    token.  ``confirm_not_found``: a GraphQL ``NOT_FOUND`` is checked once over
    REST, which follows renames for certain (whether GraphQL resolves old names
    is not documented).  Results are memoised per run, case-insensitively.
    """

    def __init__(
        self,
        http: HttpLayer,
        settings: Settings,
        *,
        token: str | None = _FROM_SETTINGS,
        ttl: timedelta | float = DEFAULT_TTL,
        graphql: bool = True,
        batch_size: int = GRAPHQL_BATCH,
        confirm_not_found: bool = True,
    ):
        self.http = http
        self._token: str | None = settings.github_token if token is _FROM_SETTINGS else token
        self.client = http.client(github_policy(settings, ttl))
        self.graphql = graphql
        self.batch_size = max(1, min(batch_size, GRAPHQL_BATCH))
        self.confirm_not_found = confirm_not_found
        self.rate: dict[str, RateState] = {}
        self.exhausted: dict[str, float | None] = {}  # resource -> reset epoch
        self.halted: str | None = None  # why GitHub may not be asked at all any more
        self.notices: list[str] = []  # Notice values; those reporting an outage carry it
        self.graphql_requests = 0
        self._results: dict[str, RepoResult] = {}

    def __repr__(self) -> str:  # never the token
        return f"GitHubClient(base={self.client.policy.base_url!r}, authenticated={self.authenticated})"

    # -- state ----------------------------------------------------------------------

    @property
    def authenticated(self) -> bool:
        return bool(self._token)

    def _note(self, message: str | Notice) -> None:
        if message not in self.notices:
            self.notices.append(message if isinstance(message, Notice) else Notice(message))
            log.info("%s", message)  # shown once by the command's summary, not twice

    def _headers(self, cache_only: bool) -> dict[str, str]:
        headers: dict[str, str] = {}
        if self._token:
            headers["Authorization"] = f"Bearer {self._token}"
        if cache_only or self.http.offline:
            headers["Cache-Control"] = f"max-stale={STALE_OK}"  # an old answer beats none
        return headers

    def _cache_only(self, resource: str) -> bool:
        return self.halted is not None or resource in self.exhausted

    def _observe(self, response: requests.Response) -> None:
        """Read rate-limit headers of a network answer; stop when the quota is used up."""
        if not _from_network(response):
            return
        h = response.headers
        remaining = _int(h.get("x-ratelimit-remaining"))
        if remaining is None:
            return
        default = "graphql" if response.url.endswith("/graphql") else "core"
        resource = (h.get("x-ratelimit-resource") or default).strip()
        reset = _int(h.get("x-ratelimit-reset"))
        self.rate[resource] = RateState(_int(h.get("x-ratelimit-limit")), remaining, float(reset) if reset else None)
        if remaining <= 0:
            self._exhaust(resource, float(reset) if reset else None)

    def _exhaust(self, resource: str, reset: float | None) -> None:
        if resource in self.exhausted:
            return
        self.exhausted[resource] = reset
        outage = quota_outage(reset, resource)
        if resource == "graphql":
            self._note(Notice(f"GitHub GraphQL quota exhausted{outage.until_text()}; continuing over REST", outage))
        else:
            self._note(Notice(quota_notice(reset, token=self.authenticated), outage))

    def _halt(self, outage: Outage) -> None:
        """Stop calling GitHub for the rest of the run (answers in the cache are still used)."""
        if self.halted is None:
            self.halted = halt_notice(outage)
            self._note(Notice(self.halted, outage))

    def _drop_token(self, response: requests.Response) -> None:
        self._token = None
        why = _message(response) or "bad credentials"
        self._note(f"GitHub rejected GITHUB_TOKEN (HTTP {response.status_code}: {why}); continuing without it")

    # -- REST -------------------------------------------------------------------------

    def _get(self, path: str) -> requests.Response:
        cache_only = self._cache_only("core")
        response = self.client.get(path, headers=self._headers(cache_only), allow_redirects=False,
                                   cache_only=cache_only)
        self._observe(response)
        return response

    def _redirect_path(self, response: requests.Response) -> str | None:
        """Where a 301/302/307 points, as a path under our base URL (``/repositories/<id>``)."""
        location = response.headers.get("Location") or ""
        if not location:
            try:
                location = str(load_json(response.content).get("url") or "")
            except (ValueError, AttributeError):
                location = ""
        if not location:
            return None
        path = urlsplit(location).path if "://" in location else location
        base_path = urlsplit(self.client.policy.base_url).path.rstrip("/")
        if base_path and path.startswith(base_path + "/"):
            path = path[len(base_path):]
        if not path.startswith(("/repositories/", "/repos/")):
            return None
        return path

    def repo(self, name: str) -> RepoResult:
        """Metadata for one ``owner/name`` (memoised; never raises for GitHub's answers)."""
        key = name.casefold()
        found = self._results.get(key)
        if found is None:
            found = self._rest(name)
            self._results[key] = found
        return found

    def _unchecked(self, name: str, detail: str, via: str = "none", outage: Outage | None = None) -> RepoResult:
        return RepoResult(name, RepoInfo(full_name=name, status="unchecked"), detail, via=via, outage=outage)

    def _rest(self, name: str, *, again: bool = True) -> RepoResult:
        parts = _split_name(name)
        if parts is None:
            return self._unchecked(name, "not an owner/name repository")
        path = f"/repos/{quote(parts[0], safe='')}/{quote(parts[1], safe='')}"
        try:
            response = self._get(path)
            hops = 0
            while response.status_code in (301, 302, 307, 308) and hops < 3:
                target = self._redirect_path(response)
                if target is None:
                    return self._unchecked(name, f"HTTP {response.status_code} to an unexpected place", "rest")
                response = self._get(target)
                hops += 1
        except OfflineMiss as exc:
            why = ("offline: not in the cache" if self.http.offline
                   else f"not asked: {self.halted or 'GitHub quota exhausted'}; not in the cache")
            return self._unchecked(name, why, outage=exc.outage)
        except ServiceUnavailable as exc:
            self._halt(exc.outage)
            return self._unchecked(name, str(exc))
        except RateLimited as exc:
            self._halt(_secondary_limit(exc.until))
            return self._retry_from_cache(name, again, str(exc))
        except HttpError as exc:
            return self._unchecked(name, str(exc), "rest")
        return self._interpret(name, response, again)

    def _retry_from_cache(self, name: str, again: bool, detail: str) -> RepoResult:
        """GitHub may not be asked any more: an answer in the cache (even stale) still beats none."""
        if again:
            return self._rest(name, again=False)
        return self._unchecked(name, detail)

    def _interpret(self, name: str, response: requests.Response, again: bool) -> RepoResult:
        status = response.status_code
        cached = not _from_network(response)
        if status == 200:
            try:
                data = load_json(response.content)
            except ValueError:
                data = None
            if not isinstance(data, dict) or "full_name" not in data:
                return self._unchecked(name, "GitHub answered 200 without repository data", "rest")
            info = _rest_info(data, name, _checked_at(response))
            detail = f"renamed or transferred: {name} → {info.full_name}" if info.status == "renamed" else None
            return RepoResult(name, info, detail, cached=cached)
        if status in (404, 410):
            info = RepoInfo(full_name=name, status="dead", checked_at=_checked_at(response))
            return RepoResult(name, info, "not found on GitHub (deleted, private, or not yet published)", cached=cached)
        if status == 451:
            info = RepoInfo(full_name=name, status="blocked", checked_at=_checked_at(response))
            why = _message(response) or "unavailable for legal reasons"
            return RepoResult(name, info, f"blocked (HTTP 451): {why}", cached=cached)
        if status == 401 and self._token:
            self._drop_token(response)
            return self._rest(name, again=again)
        if status in (403, 429):
            kind = rate_limit_kind(response)
            if kind == "primary":
                reset = _int(response.headers.get("x-ratelimit-reset"))
                resource = (response.headers.get("x-ratelimit-resource") or "core").strip()
                self._exhaust(resource, float(reset) if reset else None)
                return self._retry_from_cache(name, again, "GitHub quota exhausted")
            if kind == "secondary":
                self._halt(_secondary_limit(None, "without Retry-After"))
                return self._retry_from_cache(name, again, "GitHub secondary rate limit")
            info = RepoInfo(full_name=name, status="blocked", checked_at=_checked_at(response))
            why = _message(response) or "forbidden"
            return RepoResult(name, info, f"blocked (HTTP {status}): {why}", cached=cached)
        return self._unchecked(name, f"unexpected answer HTTP {status}: {_message(response)}".rstrip(": "), "rest")

    # -- GraphQL ----------------------------------------------------------------------

    def prefetch(self, names: Iterable[str]) -> None:
        """Resolve many repositories up front: with a token, one GraphQL query per 100.

        Without a token (or when GraphQL fails) this does nothing; :meth:`repo`
        then asks REST one repository at a time.
        """
        todo: list[str] = []
        seen: set[str] = set()
        for name in names:
            key = name.casefold()
            if key not in seen and key not in self._results and _split_name(name):
                seen.add(key)
                todo.append(name)
        for start in range(0, len(todo), self.batch_size):
            if not (self._token and self.graphql):
                return  # anonymous (no GraphQL without a token), or the token was rejected
            self._graphql_batch(todo[start:start + self.batch_size])

    def _post_graphql(self, batch: list[str]) -> requests.Response | None:
        """Send one GraphQL query; ``None`` when there is no answer to read (the reason is recorded)."""
        query, variables = graphql_query(batch)
        cache_only = self._cache_only("graphql")
        try:
            response = self.client.post("/graphql", json={"query": query, "variables": variables},
                                        headers=self._headers(cache_only), cache_only=cache_only)
        except OfflineMiss:
            return None  # REST answers from the cache, one by one, if it can
        except ServiceUnavailable as exc:
            self._halt(exc.outage)
            return None
        except RateLimited as exc:
            self._halt(_secondary_limit(exc.until))
            return None
        except HttpError as exc:
            log.info("GitHub GraphQL failed (%s); falling back to REST", exc)
            return None
        if _from_network(response):
            self.graphql_requests += 1
        self._observe(response)
        return response

    def _graphql_body(self, batch: list[str], response: requests.Response) -> dict[str, Any] | None:
        """The JSON body of a usable GraphQL answer; ``None`` after handling every other kind of answer."""
        status = response.status_code
        if status == 401:
            self._drop_token(response)
            return None
        if status in (403, 429):
            kind = rate_limit_kind(response)
            if kind == "primary":
                reset = _int(response.headers.get("x-ratelimit-reset"))
                self._exhaust("graphql", float(reset) if reset else None)
            elif kind == "secondary":
                self._halt(_secondary_limit(None, "without Retry-After"))
            return None
        if status in (502, 504):
            self._split_graphql(batch, f"HTTP {status} (GitHub cuts queries off after 10 s)")
            return None
        if status != 200:
            log.info("GitHub GraphQL answered HTTP %s; falling back to REST", status)
            return None
        try:
            body = load_json(response.content)
        except ValueError:
            return None
        return body if isinstance(body, dict) else None

    def _graphql_batch(self, batch: list[str]) -> None:
        response = self._post_graphql(batch)
        body = self._graphql_body(batch, response) if response is not None else None
        if response is None or body is None:
            return
        errors = [e for e in (body.get("errors") or []) if isinstance(e, dict)]
        limits = {_rate_limit_error(e) for e in errors} - {None}
        if "secondary" in limits:
            self._halt(_secondary_limit(None))
            return
        if limits:
            reset = _int(response.headers.get("x-ratelimit-reset"))
            self._exhaust("graphql", float(reset) if reset else None)
            return
        data = body.get("data")
        if not isinstance(data, dict):
            self._split_graphql(batch, f"no data ({(errors[:1] or [{}])[0].get('message', 'no message')})")
            return
        limit = data.get("rateLimit")
        by_alias = {str(e["path"][0]): e for e in errors if isinstance(e.get("path"), list) and e["path"]}
        checked_at = _checked_at(response)
        cached = not _from_network(response)
        for i, name in enumerate(batch):
            alias = f"r{i}"
            node = data.get(alias)
            if isinstance(node, dict):
                info = _graphql_info(node, name, checked_at)
                detail = f"renamed or transferred: {name} → {info.full_name}" if info.status == "renamed" else None
                self._results[name.casefold()] = RepoResult(name, info, detail, cached=cached, via="graphql")
                continue
            error = by_alias.get(alias) or {}
            if error.get("type") == "NOT_FOUND" and not self.confirm_not_found:
                info = RepoInfo(full_name=name, status="dead", checked_at=checked_at)
                self._results[name.casefold()] = RepoResult(name, info, str(error.get("message") or "not found"),
                                                            cached=cached, via="graphql")
            elif error.get("type") == "FORBIDDEN":
                info = RepoInfo(full_name=name, status="blocked", checked_at=checked_at)
                why = error.get("message") or "forbidden"
                self._results[name.casefold()] = RepoResult(name, info, f"blocked: {why}", cached=cached, via="graphql")
            # else: left for REST (a NOT_FOUND is confirmed there; other errors retried there)
        if isinstance(limit, dict) and _int(limit.get("remaining")) == 0:
            reset_at = limit.get("resetAt")
            until: float | None = None
            if isinstance(reset_at, str):
                try:
                    until = datetime.fromisoformat(reset_at.replace("Z", "+00:00")).timestamp()
                except ValueError:
                    until = None
            if _from_network(response):
                self._exhaust("graphql", until)

    def _split_graphql(self, batch: list[str], why: str) -> None:
        """A query that failed as a whole: ask again in halves (smaller queries finish in time), then REST."""
        if len(batch) <= GRAPHQL_MIN_SPLIT or not self._token or self.halted or "graphql" in self.exhausted:
            log.info("GitHub GraphQL failed for %d repositories: %s; falling back to REST", len(batch), why)
            return
        log.info("GitHub GraphQL failed for %d repositories: %s; asking again in halves", len(batch), why)
        mid = len(batch) // 2
        self._graphql_batch(batch[:mid])
        self._graphql_batch(batch[mid:])

    # -- everything -------------------------------------------------------------------

    def resolve(self, names: Iterable[str]) -> dict[str, RepoResult]:
        """Results for every name, keyed by the case-folded name: GraphQL first when possible, then REST."""
        names = list(names)
        self.prefetch(names)
        return {name.casefold(): self.repo(name) for name in names}


# --------------------------------------------------------------------------- the enricher


def _identity(link: Link) -> str:
    info = link.repo
    if info is not None and info.status in ("ok", "renamed"):
        return info.full_name.casefold()
    return (link.target or link.url).casefold()


def repo_report(entry: Entry, details: Mapping[str, str | None] | None = None) -> list[dict[str, Any]]:
    """One report row per distinct repository of ``entry`` (links to the same repository merged).

    ``details`` maps a case-folded ``owner/name`` as asked to a one-line
    explanation (from :class:`RepoResult`).
    """
    details = details or {}
    groups: dict[str, list[Link]] = {}
    for link in entry.github_links:
        groups.setdefault(_identity(link), []).append(link)
    rows: list[dict[str, Any]] = []
    for links in groups.values():
        primary = next((l for l in links if l.role == "primary"), None)
        head = primary or links[0]
        info = head.repo or RepoInfo(full_name=head.target or head.url, status="unchecked")
        subpaths = sorted({l.subpath for l in links if l.subpath})
        sources = list(dict.fromkeys(l.source for l in links if l.source))
        detail = next((d for d in (details.get((l.target or "").casefold()) for l in links) if d), None)
        if head.repo is None and detail is None:
            detail = "not looked up"
        rows.append({
            "repo": info.full_name,
            "asked": head.target,
            "url": f"https://github.com/{info.full_name}",
            "role": "primary" if primary else "mentioned",
            "evidence": head.evidence,
            "sources": sources,
            "subpaths": subpaths,
            "status": info.status,
            "old_name": info.old_name,
            "description": info.description,
            "stars": info.stars,
            "license": info.license,
            "topics": list(info.topics),
            "archived": info.archived,
            "fork": info.fork,
            "default_branch": info.default_branch,
            "pushed_at": info.pushed_at,
            "homepage": info.homepage,
            "checked_at": info.checked_at,
            "detail": detail,
        })
    return rows


class GitHubEnricher:
    """The GitHub stage: roles by evidence, then one lookup per distinct repository.

    Safe to run offline (answers from the cache, stale included) and with the
    quota gone (the rest ``unchecked``, one notice).  Never raises for one
    repository's trouble.
    """

    name = "github"
    services = frozenset({"github"})

    def __init__(self, *, token: str | None = _FROM_SETTINGS, graphql: bool = True,
                 ttl: timedelta | float = DEFAULT_TTL):
        self._token, self.graphql, self.ttl = token, graphql, ttl
        self.client: GitHubClient | None = None  # the last run's client (request counts, rate state)

    def enrich(self, entries: list[Entry], ctx: EnrichContext) -> None:
        for entry in entries:
            assign_roles(entry)
        names = [l.target for e in entries for l in e.github_links if l.target]
        if not names or SERVICE not in ctx.only:
            for entry in entries:
                if entry.github_links:
                    why = "not looked up (github not in --only)"
                    ctx.report(entry).repos = repo_report(entry, {l.target.casefold(): why
                                                                  for l in entry.github_links if l.target})
                ctx.on_progress(self.name, 1)
            return
        client = GitHubClient(ctx.http, ctx.settings, token=self._token, ttl=self.ttl, graphql=self.graphql)
        self.client = client
        client.prefetch(names)
        details: dict[str, str | None] = {}
        offline_misses = 0
        for entry in entries:
            for link in entry.github_links:
                if not link.target:
                    continue
                result = client.repo(link.target)
                link.repo = replace(result.info, topics=list(result.info.topics))
                details[link.target.casefold()] = result.detail
                if (result.status == "unchecked" and ctx.http.offline and result.outage is not None
                        and result.outage.kind is OutageKind.OFFLINE_MISS):
                    offline_misses += 1
            _entry_problems(entry)
            ctx.report(entry).repos = repo_report(entry, details)
            ctx.on_progress(self.name, 1)
        for message in client.notices:
            ctx.notice(message)
        if offline_misses:
            repositories = "repository" if offline_misses == 1 else "repositories"
            ctx.notice(f"offline: {offline_misses} GitHub {repositories} not in the cache left unchecked")


def _entry_problems(entry: Entry) -> None:
    """Tell the user when the paper's own code link is broken (once per entry and kind)."""
    code = entry.code_repo
    if code is None or code.repo is None:
        return
    seen = {p.code for p in entry.problems}
    info = code.repo
    if info.status == "dead" and "dead-code-repo" not in seen:
        entry.problem("dead-code-repo", f"code repository {code.target} not found on GitHub "
                                        "(deleted, private, or not yet published)")
    elif info.status == "blocked" and "blocked-code-repo" not in seen:
        entry.problem("blocked-code-repo", f"code repository {code.target} is blocked on GitHub")
    elif info.status == "renamed" and "renamed-code-repo" not in seen:
        entry.problem("renamed-code-repo", f"code repository {code.target} is now {info.full_name}", severity="info")
