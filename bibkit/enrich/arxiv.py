"""A small arXiv API client in the spirit of arxiv.py: the client owns politeness, results are plain objects.

Pacing (one request every ``BIBKIT_ARXIV_DELAY`` seconds, default 3, machine-wide
across processes), caching (answers kept a day, as arXiv recommends), retries
with backoff and ``Retry-After`` all live in :mod:`bibkit.http`; this module
only decides *what* to ask:

* :meth:`ArxivClient.fetch` — metadata for many ids: versions collapsed to the
  base id, ``id_list`` in batches with ``max_results`` set to the batch size
  (the API's default of 10 silently truncates longer lists), POST when the
  list would make a long URL.  One bad batch never sinks the run: an error
  entry naming a malformed id drops that id and retries the rest; an error
  entry naming no id splits the batch in halves until the bad id is isolated
  and reported in :attr:`ArxivClient.problems`.  An *unreadable* answer
  (garbage, HTML, binary, cut short) is a failure of the service, not of the
  batch: it is never bisected; the HTTP layer counts it toward arXiv's health
  (:mod:`bibkit.health`) and gives arXiv up for the run after a few.
* :meth:`ArxivClient.search` / :meth:`ArxivClient.search_feed` — one
  ``search_query`` (see :mod:`bibkit.enrich.query` for building safe ones).

arXiv occasionally answers a page with no entries although its own
``totalResults`` says the page should have some (arxiv.py retries these three
times).  Such an answer is never cached and is asked again, up to
:data:`EMPTY_PAGE_ATTEMPTS` times in all; after that it counts as empty.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Iterable
from urllib.parse import urlencode

import requests

from ..config import Settings
from ..http import HttpError, HttpLayer, OfflineMiss, RateLimited, ServicePolicy, ServiceUnavailable
from ..links import normalize_arxiv_id
from ..outcomes import Outage, OutageKind, Service
from .atom import ArxivApiError, ArxivAuthor, ArxivRecord, AtomError, Feed, parse_feed

__all__ = [
    "ArxivClient", "ArxivQueryError", "FetchProblem", "arxiv_policy", "ArxivRecord", "ArxivAuthor",
    "ID_BATCH", "MAX_PAGE", "GET_LIMIT", "transient_status",
]

log = logging.getLogger("bibkit.arxiv")

SERVICE = Service.ARXIV
#: ids per ``id_list`` request: big enough that a typical bibliography is one request and 5,000 entries about a
#: dozen (each request costs three seconds of pacing; 400 entries are about a megabyte of Atom, sent by POST)
ID_BATCH = 400
#: the API's per-request ceiling for ``max_results``
MAX_PAGE = 2000
#: above this many characters of encoded query string, send the query as a POST form
GET_LIMIT = 1000
#: arXiv publishes once a day; its docs ask clients to cache for that long
EXPIRE = timedelta(days=1)
#: how many times a page that is empty against its own totalResults is asked for
EMPTY_PAGE_ATTEMPTS = 3

_TOTAL = re.compile(rb"<(?:\w+:)?totalResults[^>]*>\s*(\d+)\s*<")
_START = re.compile(rb"<(?:\w+:)?startIndex[^>]*>\s*(\d+)\s*<")
_ENTRY = re.compile(rb"<(?:\w+:)?entry[\s>]")


def _glitched(body: bytes) -> bool:
    """A feed whose totals promise entries on this page but which holds none (arXiv's flaky empty page)."""
    total, start = _TOTAL.search(body), _START.search(body)
    if total is None or int(total.group(1)) == 0 or _ENTRY.search(body):
        return False
    return int(start.group(1)) < int(total.group(1)) if start else True


def _cacheable(response: requests.Response) -> bool:
    """Keep every 200 but a glitched empty page (asked again rather than remembered for a day)."""
    return response.status_code != 200 or not _glitched(response.content)


def _readable(response: requests.Response) -> str | None:
    """The layer's check of a 200: an Atom feed (kept on the response for :meth:`ArxivClient.query`)."""
    try:
        feed = parse_feed(response.content)
    except AtomError as exc:
        return str(exc)[:100]
    response._bibkit_feed = feed  # type: ignore[attr-defined]
    return None


def arxiv_policy(settings: Settings) -> ServicePolicy:
    """arXiv's politeness: paced machine-wide, cached a day, POST safe to resend (it is a read).

    A budget of three minutes: one big ``id_list`` answer may legitimately take
    a minute, so three timeouts are allowed before arXiv is given up.
    """
    return ServicePolicy(
        name=SERVICE,
        base_url=settings.arxiv_url,
        min_interval=settings.arxiv_delay,
        expire_after=EXPIRE,
        retry_post=True,
        read_timeout=60.0,  # big id_list answers can be slow
        budget=180.0,
        cacheable=_cacheable,
        readable=_readable,
    )


def transient_status(exc: HttpError) -> bool:
    """Whether a failed request concerns this request only (a 500 for one query, one unreadable answer).

    Without any answer after every attempt (read timeouts: arXiv stalls before a
    429, or hangs) the service is in trouble, not the request: callers stop asking
    it for the rest of the run instead of waiting out the timeouts once per batch.
    An answer cut short or unreadable is this request's failure; whether the
    *service* is down is the HTTP layer's verdict (:class:`~bibkit.http.ServiceDown`).
    """
    return exc.status is not None or exc.kind is OutageKind.UNREADABLE


class ArxivQueryError(HttpError):
    """arXiv answered HTTP 400 with error entries (malformed id, bad start/max_results)."""

    def __init__(self, errors: list[ArxivApiError], status: int | None = 400, url: str | None = None):
        self.errors = errors
        message = "; ".join(e.message or e.code for e in errors) or "bad request"
        super().__init__(SERVICE, message, status=status, url=url)


@dataclass(frozen=True, slots=True)
class FetchProblem:
    """An id that could not be fetched, and why (reported, never raised)."""

    arxiv_id: str
    message: str
    outage: Outage | None = None  # when the service, not the id, was the trouble (e.g. an offline cache miss)

    @property
    def unanswered(self) -> bool:
        """arXiv gave no usable answer about the id (as opposed to an answer rejecting it)."""
        return self.outage is not None


class ArxivClient:
    """Talks to the arXiv API through the shared :class:`~bibkit.http.HttpLayer`.

    ``problems`` collects ids that failed (malformed, rejected, unreadable
    answer); ``failure`` holds the first service-wide error of a :meth:`fetch`
    (unreachable, rate-limited) after which it stopped asking.
    """

    def __init__(self, http: HttpLayer, settings: Settings | None = None, *, id_batch: int = ID_BATCH):
        self.settings = settings or http.settings
        self.http = http
        self.client = http.client(arxiv_policy(self.settings))
        self.id_batch = max(1, id_batch)
        self.problems: list[FetchProblem] = []
        self.failure: HttpError | None = None

    # ------------------------------------------------------------------ low level

    def query(
        self,
        *,
        search_query: str | None = None,
        id_list: Iterable[str] | None = None,
        start: int = 0,
        max_results: int = 10,
        sort_by: str | None = None,
        sort_order: str | None = None,
    ) -> Feed:
        """One API call; returns the parsed feed.

        Raises :class:`ArxivQueryError` for a 400 with error entries,
        :class:`~bibkit.enrich.atom.AtomError` for an unreadable body, and the
        HTTP layer's errors (unreachable, offline miss, rate limited).
        """
        params: dict[str, str] = {}
        if search_query is not None:
            params["search_query"] = search_query
        ids = list(id_list or [])
        if ids:
            params["id_list"] = ",".join(ids)
        params["start"] = str(int(start))
        params["max_results"] = str(max(0, min(int(max_results), MAX_PAGE)))
        if sort_by:
            params["sortBy"] = sort_by
        if sort_order:
            params["sortOrder"] = sort_order
        encoded = urlencode(params)
        for _attempt in range(EMPTY_PAGE_ATTEMPTS):
            if len(encoded) > GET_LIMIT:
                response = self.client.post(data=params)
            else:
                response = self.client.get(params=params)
            if response.status_code != 200 or params["max_results"] == "0" or not _glitched(response.content):
                break
            log.info("arXiv sent an empty page although its totals promise results; asking again")
        body = response.content
        if response.status_code == 400:
            try:
                feed = parse_feed(body)
            except AtomError:
                feed = Feed()
            raise ArxivQueryError(feed.errors, url=response.url)
        if response.status_code != 200:
            raise HttpError(SERVICE, f"HTTP {response.status_code}", status=response.status_code, url=response.url)
        feed = getattr(response, "_bibkit_feed", None) or parse_feed(body)
        if feed.errors:  # never seen with 200, but never turn an error entry into a paper either
            raise ArxivQueryError(feed.errors, status=200, url=response.url)
        if search_query is not None and feed.title and search_query not in feed.title:
            log.debug("arXiv echoed %r for query %r (rewritten or encoding problem)", feed.title, search_query)
        return feed

    # ------------------------------------------------------------------ search

    def search_feed(self, query: str, max_results: int = 10, *, start: int = 0,
                    sort_by: str | None = None, sort_order: str | None = None) -> Feed:
        """Run one ``search_query``; the feed carries ``total_results`` for paging decisions."""
        return self.query(search_query=query, start=start, max_results=max_results,
                          sort_by=sort_by, sort_order=sort_order)

    def search(self, query: str, max_results: int = 10, **kwargs: Any) -> list[ArxivRecord]:
        """Papers matching ``query`` (arXiv's own syntax, e.g. ``ti:"mixture of experts"``)."""
        return self.search_feed(query, max_results, **kwargs).entries

    # ------------------------------------------------------------------ fetch

    def fetch(self, ids: Iterable[str]) -> dict[str, ArxivRecord]:
        """Current metadata for ``ids``, keyed by base id (versions collapsed).

        Unknown ids are simply absent (arXiv drops them silently); malformed
        ids are never sent and are reported in :attr:`problems`.  A
        service-wide failure stops the remaining batches, is kept in
        :attr:`failure`, and what was fetched so far is returned.
        """
        wanted: list[str] = []
        seen: set[str] = set()
        for raw in ids:
            found = normalize_arxiv_id(raw) if raw else None
            if not found:
                self.problems.append(FetchProblem(str(raw), "not a valid arXiv identifier; not sent"))
                continue
            if found[0] not in seen:
                seen.add(found[0])
                wanted.append(found[0])
        out: dict[str, ArxivRecord] = {}
        for i in range(0, len(wanted), self.id_batch):
            try:
                self._fetch_batch(wanted[i:i + self.id_batch], out)
            except (ServiceUnavailable, RateLimited) as exc:
                self.failure = self.failure or exc
                break
            except HttpError as exc:  # timeouts on every attempt: arXiv is not answering, stop asking
                self.failure = self.failure or exc
                for arxiv_id in wanted[i:]:
                    if arxiv_id not in out:
                        self.problems.append(FetchProblem(arxiv_id, str(exc), exc.outage))
                break
        return out

    def _fetch_batch(self, batch: list[str], out: dict[str, ArxivRecord]) -> None:
        if not batch:
            return
        try:
            feed = self.query(id_list=batch, max_results=len(batch))
        except ArxivQueryError as exc:
            named = {e.bad_id for e in exc.errors if e.bad_id} & set(batch)
            if named:  # arXiv told us which id it rejects: drop it, ask again for the rest
                for bad in sorted(named):
                    self.problems.append(FetchProblem(bad, f"arXiv rejected the identifier ({exc.errors[0].message})"))
                self._fetch_batch([b for b in batch if b not in named], out)
                return
            self._split(batch, out, f"arXiv answered an error: {exc}")
            return
        except AtomError as exc:  # the service's fault, not the batch's: never bisected
            for arxiv_id in batch:
                self.problems.append(FetchProblem(arxiv_id, f"unreadable answer from arXiv: {exc}",
                                                  Outage(Service.ARXIV, OutageKind.UNREADABLE, str(exc))))
            return
        except OfflineMiss as exc:
            for arxiv_id in batch:
                self.problems.append(FetchProblem(arxiv_id, "offline and not in the cache", exc.outage))
            return
        except (ServiceUnavailable, RateLimited):
            raise
        except HttpError as exc:
            if not transient_status(exc):
                raise  # no HTTP answer at all after every attempt (timeouts): service-wide, see fetch()
            for arxiv_id in batch:
                self.problems.append(FetchProblem(arxiv_id, str(exc), exc.outage))
            return
        for arxiv_id, rec in feed.by_id().items():
            if arxiv_id in out:
                continue
            out[arxiv_id] = rec

    def _split(self, batch: list[str], out: dict[str, ArxivRecord], why: str) -> None:
        """Isolate a bad id by bisection: halves are asked separately, a single bad id is dropped."""
        if len(batch) == 1:
            self.problems.append(FetchProblem(batch[0], why))
            log.info("arXiv: dropped %s (%s)", batch[0], why)
            return
        mid = len(batch) // 2
        self._fetch_batch(batch[:mid], out)
        self._fetch_batch(batch[mid:], out)
