"""A small Semantic Scholar Graph API client: many arXiv papers in one ``POST /paper/batch``.

One request answers up to :data:`MAX_BATCH` (500) ``ARXIV:<id>`` lookups, which
is why Semantic Scholar is asked first: for most papers its record already
says whether, and where, the paper was published (``venue``,
``publicationVenue``, ``journal``, ``externalIds.DOI``, ``publicationTypes``).

Its known traps, handled here so the caller sees clean values:

* results come back in input order with ``null`` for unknown ids; they are
  still matched back by ``externalIds.ArXiv`` (position only as the documented
  fallback for a record that lacks it);
* ``externalIds.DOI`` can be arXiv's own ``10.48550`` DOI: dropped (it is the
  preprint, not a venue);
* ``externalIds.DBLP`` can name DBLP's CoRR copy of the preprint: kept, but
  flagged :attr:`S2Paper.dblp_is_corr`;
* a preprint is often typed ``JournalArticle`` with ``journal.name`` "ArXiv"
  and ``venue`` "arXiv.org": :attr:`S2Paper.venue_name` is ``None`` then;
* ``journal.pages`` may carry newlines and padding;
* errors: 400/404 bodies use ``error``, 403 (bad key) ``message``, 429 usually
  without ``Retry-After`` (the HTTP layer backs off), and a 200 can hold
  ``{"error": …}``.

The API key (``S2_API_KEY``, environment only) goes in the ``x-api-key``
header, which the cache keeps out of its keys and stored requests.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Iterable

from ..config import Settings
from ..http import HttpLayer, ServicePolicy
from ..links import normalize_arxiv_id, normalize_doi
from ..normalize.pages import page_range
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

__all__ = ["S2Client", "S2Paper", "s2_policy", "MAX_BATCH", "FIELDS", "SERVICE", "is_arxiv_venue"]

log = logging.getLogger("bibkit.s2")

SERVICE = "s2"
#: the API's documented ceiling of ids per batch request
MAX_BATCH = 500
FIELDS = "paperId,externalIds,title,year,venue,publicationVenue,publicationTypes,journal,publicationDate,authors"
EXPIRE = timedelta(days=1)

_ARXIV_VENUE = re.compile(r"^\s*(?:arxiv(?:\.org)?|corr|arxiv preprint.*|ssrn|biorxiv|medrxiv|research ?square)\s*$",
                          re.IGNORECASE)


def is_arxiv_venue(name: str | None) -> bool:
    """Whether a venue/journal name is a preprint server rather than a place of publication."""
    return bool(name) and bool(_ARXIV_VENUE.match(name or ""))


def s2_policy(settings: Settings) -> ServicePolicy:
    """Semantic Scholar's politeness: paced (``s2_delay``), exponential backoff, POST batch safe to resend."""
    # spelt as requests-cache spells it in its redaction list (which is case-sensitive): never stored
    headers = {"X-API-Key": settings.s2_api_key} if settings.s2_api_key else {}
    return ServicePolicy(
        name=SERVICE,
        base_url=settings.s2_url,
        min_interval=settings.s2_delay,
        expire_after=EXPIRE,
        retry_post=True,  # /paper/batch is a read sent as POST
        backoff_base=2.0,
        headers=headers,
        read_timeout=60.0,
        readable=json_readable,  # an HTML page or garbage in a 200 is the service failing
    )


@dataclass
class S2Paper:
    """Semantic Scholar's record of one paper (looked up by arXiv id)."""

    arxiv_id: str
    paper_id: str | None = None
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    year: int | None = None
    publication_date: str | None = None
    venue: str | None = None  # the free-text venue ("" and "arXiv.org" mean none)
    venue_names: list[str] = field(default_factory=list)  # publicationVenue name + alternate names
    venue_type: str | None = None  # publicationVenue.type: "conference" | "journal"
    journal_name: str | None = None
    journal_volume: str | None = None
    journal_pages: str | None = None
    doi: str | None = None  # a DOI that is not arXiv's own
    dblp: str | None = None
    publication_types: list[str] = field(default_factory=list)

    @property
    def dblp_is_corr(self) -> bool:
        return bool(self.dblp) and (self.dblp or "").lower().startswith("journals/corr/")

    @property
    def venue_name(self) -> str | None:
        """Where S2 says the paper was published, or ``None`` when that is only a preprint server."""
        for name in (*self.venue_names[:1], self.venue, self.journal_name):
            if name and not is_arxiv_venue(name):
                return name
        return None

    @property
    def record_url(self) -> str:
        return f"https://www.semanticscholar.org/paper/{self.paper_id}" if self.paper_id else \
            f"https://www.semanticscholar.org/arxiv/{self.arxiv_id}"


def parse_paper(raw: Any, arxiv_id: str | None = None) -> S2Paper | None:
    """An :class:`S2Paper` from one batch element; ``None`` for ``null`` or a record without an arXiv id."""
    if not isinstance(raw, dict):
        return None
    ext = as_dict(raw.get("externalIds"))
    found = normalize_arxiv_id(as_str(ext.get("ArXiv")) or "") if ext.get("ArXiv") else None
    arxiv = found[0] if found else arxiv_id
    if not arxiv:
        return None
    venue = as_dict(raw.get("publicationVenue"))
    names = [as_str(venue.get("name"))] + [as_str(n) for n in as_list(venue.get("alternate_names"))]
    journal = as_dict(raw.get("journal"))
    doi = normalize_doi(as_str(ext.get("DOI")) or "")
    if doi and doi.lower().startswith("10.48550/"):
        doi = None  # arXiv's DataCite DOI: the preprint itself
    return S2Paper(
        arxiv_id=arxiv,
        paper_id=as_str(raw.get("paperId")),
        title=as_str(raw.get("title")),
        authors=[n for n in (as_str(a.get("name")) if isinstance(a, dict) else as_str(a)
                             for a in as_list(raw.get("authors"))) if n],
        year=as_int(raw.get("year")),
        publication_date=as_str(raw.get("publicationDate")),
        venue=as_str(raw.get("venue")),
        venue_names=[n for n in names if n],
        venue_type=(as_str(venue.get("type")) or "").lower() or None,
        journal_name=as_str(journal.get("name")),
        journal_volume=as_str(journal.get("volume")),
        journal_pages=page_range(as_str(journal.get("pages"))),
        doi=doi,
        dblp=as_str(ext.get("DBLP")),
        publication_types=[t for t in (as_str(x) for x in as_list(raw.get("publicationTypes"))) if t],
    )


class S2Client:
    """Talks to the Semantic Scholar Graph API through the shared HTTP layer."""

    def __init__(self, http: HttpLayer, settings: Settings | None = None, *, batch_size: int = MAX_BATCH):
        self.settings = settings or http.settings
        self.client = http.client(s2_policy(self.settings))
        self.batch_size = max(1, min(batch_size, MAX_BATCH))

    def papers(self, arxiv_ids: Iterable[str]) -> Batch[S2Paper]:
        """S2's records of arXiv papers, keyed by base arXiv id; unknown papers are absent."""
        out: Batch[S2Paper] = Batch()
        wanted: list[str] = []
        for raw in arxiv_ids:
            found = normalize_arxiv_id(raw) if raw else None
            if found and found[0] not in wanted:
                wanted.append(found[0])
        for i in range(0, len(wanted), self.batch_size):
            chunk = wanted[i:i + self.batch_size]
            got = self._batch(chunk)
            if isinstance(got, Outage):
                out.failure = out.failure or got
                if takes_service_down(got):
                    return out
                continue
            out.found.update(got)
        return out

    def _batch(self, chunk: list[str]) -> dict[str, S2Paper] | Outage:
        response = send(self.client, "POST", "paper/batch", params={"fields": FIELDS},
                        json={"ids": [f"ARXIV:{a}" for a in chunk]})
        if isinstance(response, Outage):
            return response
        if response.status_code != 200:
            # 400: the batch itself is refused (a field or an id the API rejects): nothing to learn from it
            outage = outage_for_status(SERVICE, response)
            if outage is None:
                log.info("Semantic Scholar refused a batch: HTTP %s", response.status_code)
                return {}
            return outage
        data = json_body(SERVICE, response)
        if isinstance(data, Outage):
            return data
        if not isinstance(data, list):
            return unreadable(SERVICE, "no list of papers")
        out: dict[str, S2Paper] = {}
        wanted = set(chunk)
        positional = len(data) == len(chunk)
        for k, raw in enumerate(data):
            paper = parse_paper(raw)
            if paper is None and positional and isinstance(raw, dict):
                paper = parse_paper(raw, chunk[k])  # no ArXiv id in the record: input order is documented
            if paper is not None and paper.arxiv_id in wanted:
                out.setdefault(paper.arxiv_id, paper)
        return out
