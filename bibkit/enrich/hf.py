"""A small client for the Hugging Face papers API (search and single papers).

Hugging Face paper ids *are* arXiv ids, and a pasted HF page shows HF's
titles, so a title search here is the cheapest first guess for a listing
entry.  The search answer already carries what later stages want (summary,
authors, ``githubRepo``, ``projectPage``, ``ai_keywords``), so a match needs no
second call.  Shapes differ by endpoint: ``/api/papers/{id}`` returns a flat
paper, search and daily papers return *wrappers* ``{paper: {...}, title,
summary, ...}``; :func:`paper_from_json` accepts both.  Every optional field may
be missing, ``null`` or ``""``.

Reads need no token; ``HF_TOKEN`` (if set) is sent as a Bearer header, which
the HTTP layer keeps out of cache keys and logs.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from ..config import Settings
from ..http import HttpError, HttpLayer, RateLimited, ServicePolicy
from ..jsondata import load_json
from ..links import normalize_arxiv_id
from ..model import PartialDate
from ..outcomes import OutageKind, Service
from .atom import parse_iso

__all__ = ["CONCURRENCY", "HfClient", "HfPaper", "hf_policy", "paper_from_json", "quota"]

SERVICE = Service.HF
EXPIRE = timedelta(days=1)
#: HF caps ``q`` at 250 characters
MAX_QUERY = 250
_SPACE = re.compile(r"\s+")


def _cacheable(response: Any) -> bool:
    """Keep HF's "Paper not found" 404 (an answer: asking again tomorrow is soon enough), not other 404s."""
    if response.status_code != 404:
        return True
    try:
        data = load_json(response.content)
    except ValueError:
        return False
    return isinstance(data, dict) and "not found" in str(data.get("error", "")).lower()


#: a 429 whose window resets later than this (seconds) is not waited out: HF is left alone for the run
MAX_WAIT = 30.0
#: HF lookups in flight at once: HF is not paced like arXiv (its limit is a window of requests, which the HTTP
#: layer keeps to), and a few at a time hide most of each lookup's latency without hammering the service
CONCURRENCY = 6
_WINDOW = re.compile(r"(?:^|;)\s*t\s*=\s*(\d+)")
_LEFT = re.compile(r"(?:^|;)\s*r\s*=\s*(\d+)")


def reset_in(response: Any) -> float | None:
    """Seconds until HF's rate-limit window resets, from ``RateLimit: "api";r=0;t=<seconds>``.

    HF sends no Retry-After.
    """
    match = _WINDOW.search(response.headers.get("RateLimit") or "")
    return float(match.group(1)) if match else None


def quota(response: Any) -> tuple[int, float] | None:
    """``(requests left, seconds to the reset)`` of HF's window from ``RateLimit: "api";r=…;t=…``, if sent."""
    header = response.headers.get("RateLimit") or ""
    left, reset = _LEFT.search(header), _WINDOW.search(header)
    return (int(left.group(1)), float(reset.group(1))) if left and reset else None


def _retry_verdict(response: Any) -> bool | None:
    """Retry a 429 (with backoff) only when HF's window resets soon; a long wait is handed back, not slept."""
    if response.status_code == 429 and not response.headers.get("Retry-After"):
        wait = reset_in(response)
        if wait is not None and wait > MAX_WAIT:
            return False
    return None


def _readable(response: Any) -> str | None:
    """The layer's check of a 200: the JSON HF sends (kept on the response); HTML, binary or cut text is not.

    A search answers a list (or an object holding one), a paper an object:
    a 200 ``{"error": …}`` where a list belongs is a failing HF, not "no results".
    """
    try:
        data = load_json(response.content)
    except ValueError as exc:
        return f"not JSON ({type(exc).__name__})"
    path = urlsplit(response.url or "").path.rstrip("/")
    listed = isinstance(data, list) or (isinstance(data, dict)
                                        and isinstance(data.get("papers", data.get("data")), list))
    if path.endswith("/api/papers/search") and not listed:
        return "a search answer that is not a list of papers"
    if "/api/papers/" in path and not path.endswith("/search") and not isinstance(data, dict):
        return "a paper answer that is not an object"
    response._bibkit_json = data
    return None


def hf_policy(settings: Settings) -> ServicePolicy:
    """HF's politeness: cached a day (a 404 "Paper not found" too), token as a Bearer header when set.

    HF answers in well under a second; a 20 s read timeout leaves room for a
    slow search and gives a hanging HF up in about a minute (its budget).
    Up to :data:`CONCURRENCY` requests in flight, within the window HF's
    ``RateLimit`` header reports (:func:`quota`; a window that resets more than
    :data:`MAX_WAIT` seconds away is not waited for).
    """
    headers = {"Authorization": f"Bearer {settings.hf_token}"} if settings.hf_token else {}
    return ServicePolicy(name=SERVICE, base_url=settings.hf_url, expire_after=EXPIRE, headers=headers,
                         cache_codes=(200, 404), cacheable=_cacheable, retryable=_retry_verdict,
                         read_timeout=20.0, readable=_readable, concurrency=CONCURRENCY, quota=quota,
                         max_wait=MAX_WAIT)


def _check(response: Any, what: str) -> None:
    """Raise for an answer that is not a 200 (a 429 handed back by the policy becomes :class:`RateLimited`)."""
    if response.status_code == 429:
        wait = reset_in(response) or 0.0
        raise RateLimited(SERVICE, f"rate limited (HTTP 429), window resets in {wait:.0f} s",
                          until=time.time() + wait, status=429, url=response.url)
    if response.status_code >= 500:
        raise HttpError(SERVICE, f"{what} answered HTTP {response.status_code}", status=response.status_code,
                        url=response.url, kind=OutageKind.HTTP_STATUS)
    if response.status_code != 200:
        raise HttpError(SERVICE, f"{what} answered HTTP {response.status_code}",
                        status=response.status_code, url=response.url)


@dataclass(slots=True)
class HfPaper:
    """One paper as Hugging Face describes it (a plain result object)."""

    id: str  # the arXiv id, without version
    title: str = ""
    summary: str = ""
    authors: list[str] = field(default_factory=list)
    published_at: datetime | None = None
    github_repo: str | None = None
    github_stars: int | None = None
    project_page: str | None = None
    ai_keywords: list[str] = field(default_factory=list)
    ai_summary: str | None = None
    upvotes: int | None = None
    organization: str | None = None

    @property
    def published_date(self) -> PartialDate | None:
        if self.published_at is None:
            return None
        return PartialDate(self.published_at.year, self.published_at.month, self.published_at.day)


def _s(value: Any) -> str | None:
    """A non-empty, whitespace-collapsed string, or ``None`` for missing/null/""/non-strings."""
    if not isinstance(value, str):
        return None
    # most values have nothing to collapse: plain ASCII with single spaces is left as it is, without the regex
    if not (value.isascii() and "  " not in value and value.isprintable()):
        value = _SPACE.sub(" ", value)
    value = value.strip()
    return value or None


def _when(value: Any) -> datetime | None:
    return parse_iso(_s(value))


def paper_from_json(data: Any) -> HfPaper | None:
    """An :class:`HfPaper` from a flat paper object or a ``{paper: …}`` wrapper; ``None`` if unusable."""
    if not isinstance(data, dict):
        return None
    nested = data.get("paper")
    inner: dict[str, Any] = nested if isinstance(nested, dict) else data
    raw_id = _s(inner.get("id"))
    found = normalize_arxiv_id(raw_id) if raw_id else None
    if not found:
        return None
    authors = []
    for a in inner.get("authors") or []:
        name = _s(a.get("name")) if isinstance(a, dict) else _s(a)
        if name:
            authors.append(name)
    raw_keywords = inner.get("ai_keywords")
    keywords = [k for k in (_s(x) for x in raw_keywords) if k] if isinstance(raw_keywords, list) else []
    stars = inner.get("githubStars")
    upvotes = inner.get("upvotes")
    org = inner.get("organization") or data.get("organization")
    title = inner.get("title") if isinstance(inner.get("title"), str) else data.get("title")
    return HfPaper(
        id=found[0],
        title=_SPACE.sub(" ", title).strip() if isinstance(title, str) else "",
        summary=_s(inner.get("summary")) or _s(data.get("summary")) or "",
        authors=authors,
        published_at=_when(inner.get("publishedAt")) or _when(data.get("publishedAt")),
        github_repo=_s(inner.get("githubRepo")),
        github_stars=stars if isinstance(stars, int) else None,
        project_page=_s(inner.get("projectPage")),
        ai_keywords=keywords,
        ai_summary=_s(inner.get("ai_summary")),
        upvotes=upvotes if isinstance(upvotes, int) else None,
        organization=(_s(org.get("fullname")) or _s(org.get("name"))) if isinstance(org, dict) else _s(org),
    )


def search_text(title: str) -> str:
    """A title as an HF search string: whitespace collapsed, cut to HF's 250 characters at a word."""
    text = _SPACE.sub(" ", title).strip()
    if len(text) <= MAX_QUERY:
        return text
    cut = text[:MAX_QUERY]
    return cut.rsplit(" ", 1)[0] if " " in cut else cut


class HfClient:
    """The HF papers API through the shared HTTP layer (cached a day)."""

    def __init__(self, http: HttpLayer, settings: Settings | None = None):
        self.settings = settings or http.settings
        self.client = http.client(hf_policy(self.settings))

    def _check(self, response: Any, what: str) -> None:
        """:func:`_check`, and a rate-limit window too long to wait out gives HF up for the run."""
        try:
            _check(response, what)
        except RateLimited as exc:
            window = reset_in(response) or 0.0
            self.client.mark_down(OutageKind.RATE_LIMITED, f"HTTP 429, window resets in {window:.0f} s", exc.until)
            raise

    def search(self, query: str, limit: int = 10) -> list[HfPaper]:
        """Papers for a free-text query, in HF's order (fuzzy: decoys may come first)."""
        q = search_text(query)
        if not q:
            return []
        response = self.client.get("/api/papers/search", params={"q": q, "limit": str(limit)})
        self._check(response, "search")
        data = _json(response)
        if isinstance(data, dict):  # tolerate {"papers": [...]} / {"data": [...]} shapes
            data = data.get("papers") or data.get("data") or []
        if not isinstance(data, list):
            raise HttpError(SERVICE, "search answer is not a list", status=response.status_code, url=response.url)
        return [p for p in (paper_from_json(item) for item in data) if p is not None]

    def paper(self, arxiv_id: str) -> HfPaper | None:
        """One paper by arXiv id (version stripped); ``None`` when HF does not know it (404)."""
        found = normalize_arxiv_id(arxiv_id)
        if not found:
            return None
        response = self.client.get(f"/api/papers/{found[0]}")
        if response.status_code == 404:
            return None
        self._check(response, "paper")
        return paper_from_json(_json(response))


def _json(response: Any) -> Any:
    parsed = getattr(response, "_bibkit_json", _MISSING)
    if parsed is not _MISSING:
        return parsed
    try:
        return load_json(response.content)
    except ValueError as exc:
        raise HttpError(SERVICE, f"answer is not JSON ({exc})", status=response.status_code, url=response.url) from exc


_MISSING: Any = object()
