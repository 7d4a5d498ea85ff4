"""A small OpenAlex client, used only when ``OPENALEX_API_KEY`` is set.

Since February 2026 OpenAlex wants a key and bills list calls, so bibkit asks
it one thing, in batches: the works registered under the papers' arXiv DOIs
(``/works?filter=doi:A|B|…``, up to :data:`DOI_BATCH` values per request).
OpenAlex tracks a work's *locations* — the arXiv copy, the journal or
proceedings version of record — so such a work may name the published
version's DOI (:attr:`OpenAlexWork.published`).  Those DOIs are hints, verified
like any other candidate.

The key is sent as ``api_key=`` (what OpenAlex documents); the HTTP layer
leaves that parameter out of cache keys and redacts it from logged URLs.
An unknown singleton answers 404 with an HTML page, a bad filter 400 JSON
``{error, message}``: both become typed failures.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Iterable

from ..config import Settings
from ..http import HttpLayer, ServicePolicy
from ..links import find_arxiv_ids, normalize_doi
from ..outcomes import Outage
from .webapi import (
    Batch,
    as_dict,
    as_int,
    as_list,
    as_str,
    json_body,
    json_readable,
    outage_for_status,
    send,
    takes_service_down,
    unreadable,
)

__all__ = ["OpenAlexClient", "OpenAlexWork", "PublishedLocation", "openalex_policy", "SERVICE", "DOI_BATCH"]

log = logging.getLogger("bibkit.openalex")

SERVICE = "openalex"
DOI_BATCH = 50
EXPIRE = timedelta(days=1)
SELECT = "id,doi,title,display_name,publication_year,type,authorships,primary_location,locations,biblio"
_PUBLISHED_SOURCES = frozenset({"journal", "conference", "book series", "ebook platform"})


def openalex_policy(settings: Settings) -> ServicePolicy:
    """OpenAlex's politeness: at most 100 requests a second, cached a day."""
    return ServicePolicy(name=SERVICE, base_url=settings.openalex_url, min_interval=0.01, expire_after=EXPIRE,
                         readable=json_readable)


@dataclass
class PublishedLocation:
    """A location of a work that is a place of publication (not a repository or preprint server)."""

    source: str | None
    source_type: str | None
    doi: str | None
    url: str | None


@dataclass
class OpenAlexWork:
    """One OpenAlex work, reduced to identity and its published locations."""

    id: str
    doi: str | None = None
    title: str | None = None
    year: int | None = None
    type: str | None = None
    authors: list[str] = field(default_factory=list)
    arxiv_ids: list[str] = field(default_factory=list)  # arXiv papers this work's locations point at
    published: list[PublishedLocation] = field(default_factory=list)


def _location(raw: Any) -> tuple[PublishedLocation | None, list[str]]:
    if not isinstance(raw, dict):
        return None, []
    url = as_str(raw.get("landing_page_url"))
    arxiv = [a for a, _v in find_arxiv_ids(url or "")] if url and "arxiv.org" in url.lower() else []
    source = as_dict(raw.get("source"))
    name, kind = as_str(source.get("display_name")), (as_str(source.get("type")) or "").lower() or None
    if arxiv or kind not in _PUBLISHED_SOURCES or (name and "arxiv" in name.lower()):
        return None, arxiv
    doi = normalize_doi(url or "") if url and "doi.org" in url.lower() else None
    return PublishedLocation(name, kind, doi, url), arxiv


def parse_work(raw: Any) -> OpenAlexWork | None:
    if not isinstance(raw, dict) or not as_str(raw.get("id")):
        return None
    work = OpenAlexWork(
        id=as_str(raw.get("id")) or "",
        doi=normalize_doi(as_str(raw.get("doi")) or ""),
        title=as_str(raw.get("title")) or as_str(raw.get("display_name")),
        year=as_int(raw.get("publication_year")),
        type=as_str(raw.get("type")),
    )
    for a in as_list(raw.get("authorships")):
        author = a.get("author") if isinstance(a, dict) else None
        name = as_str(author.get("display_name")) if isinstance(author, dict) else None
        if name:
            work.authors.append(name)
    locations = as_list(raw.get("locations")) or as_list(raw.get("primary_location"))
    for loc in locations:
        published, arxiv = _location(loc)
        work.arxiv_ids.extend(a for a in arxiv if a not in work.arxiv_ids)
        if published is not None and published not in work.published:
            work.published.append(published)
    if work.doi and work.doi.lower().startswith("10.48550/arxiv."):
        arxiv_id = work.doi[len("10.48550/arxiv."):]
        if arxiv_id.lower() not in (a.lower() for a in work.arxiv_ids):
            work.arxiv_ids.append(arxiv_id)
    elif work.doi and not any(p.doi and p.doi.lower() == work.doi.lower() for p in work.published) and work.published:
        # a merged work: its own DOI is the version of record's
        work.published[0] = PublishedLocation(work.published[0].source, work.published[0].source_type, work.doi,
                                              work.published[0].url)
    return work


class OpenAlexClient:
    """Talks to OpenAlex (only constructed when a key is configured)."""

    def __init__(self, http: HttpLayer, settings: Settings | None = None):
        self.settings = settings or http.settings
        self.client = http.client(openalex_policy(self.settings))

    def works_for_arxiv(self, arxiv_ids: Iterable[str]) -> Batch[OpenAlexWork]:
        """OpenAlex's works for arXiv papers (found by their arXiv DOIs), keyed by arXiv id."""
        out: Batch[OpenAlexWork] = Batch()
        wanted = list(dict.fromkeys(a for a in arxiv_ids if a))
        for i in range(0, len(wanted), DOI_BATCH):
            chunk = wanted[i:i + DOI_BATCH]
            params: dict[str, Any] = {"filter": "doi:" + "|".join(f"10.48550/arxiv.{a}" for a in chunk),
                                      "per_page": 100, "select": SELECT}
            if self.settings.openalex_api_key:
                params["api_key"] = self.settings.openalex_api_key
            if self.settings.contact:
                params["mailto"] = self.settings.contact
            response = send(self.client, "GET", "works", params=params)
            if not isinstance(response, Outage) and response.status_code != 200:
                response = outage_for_status(SERVICE, response) or response
                if not isinstance(response, Outage):
                    log.info("OpenAlex rejected a lookup: HTTP %s", response.status_code)
                    continue
            data = response if isinstance(response, Outage) else json_body(SERVICE, response)
            if not isinstance(data, (dict, Outage)):
                data = unreadable(SERVICE, "no result list")
            if isinstance(data, Outage):
                out.failure = out.failure or data
                if takes_service_down(data):
                    return out
                continue
            lowered = {a.lower(): a for a in chunk}
            for raw in as_list(data.get("results")):
                work = parse_work(raw)
                if work is None:
                    continue
                for arxiv_id in work.arxiv_ids:
                    if arxiv_id.lower() in lowered:
                        out.found.setdefault(lowered[arxiv_id.lower()], work)
        return out
