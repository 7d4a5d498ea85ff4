"""A small Crossref REST API client: works by DOI (batched), registration agencies, relations, search.

What to ask Crossref, and how, is decided here; politeness lives in
:mod:`bibkit.http` (cache, retries, ``Retry-After``) with one addition this
service makes possible: the pace is read from Crossref's own answers
(``x-rate-limit-limit`` requests per ``x-rate-limit-interval``; a 2026 public-pool
answer says 5 per second), unless ``BIBKIT_CROSSREF_DELAY`` fixes it.  With
``BIBKIT_CONTACT`` set every request carries ``mailto=`` and enters the
"polite" pool, as Crossref asks.

* :meth:`CrossrefClient.works` — metadata for many DOIs: ``/works?filter=doi:A,doi:B…``
  (one request per :data:`DOI_BATCH` DOIs; a DOI with a comma, which would break
  the filter syntax, is asked alone at ``/works/{doi}``).  Unknown DOIs are simply
  absent; :meth:`CrossrefClient.agency` then says who registered them (arXiv's
  ``10.48550`` DOIs and Zenodo's belong to DataCite: Crossref answers 404).
* :meth:`CrossrefClient.with_preprints` — published works whose ``relation``
  names one of the given preprint DOIs (``filter=relation.object:…``, repeated =
  OR): the publisher's own ``has-preprint`` link.
* :meth:`CrossrefClient.search` — ``query.bibliographic`` (``query.title`` is
  gone), filtered by type and earliest year.  Crossref search *always ranks
  something*: hits are candidates to verify, never answers.

Records are parsed tolerantly into :class:`CrossrefWork` (lists where one
value is expected, partial dates, JATS markup in titles, ``null`` anywhere).
Service trouble is an :class:`~bibkit.outcomes.Outage` value; a query Crossref rejects (a 400) is
one request's problem, handled here.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Iterable, Sequence
from urllib.parse import quote

import requests

from ..config import Settings
from ..http import HttpLayer, ServicePolicy
from ..links import normalize_doi
from ..model import PartialDate
from ..outcomes import Outage
from .webapi import (
    Batch,
    as_int,
    as_list,
    as_str,
    first_str,
    json_body,
    json_readable,
    outage_for_status,
    send,
    strip_markup,
    takes_service_down,
    unreadable,
)

__all__ = ["CrossrefClient", "CrossrefWork", "crossref_policy", "pace_from_headers", "DOI_BATCH",
           "RELATION_BATCH", "PUBLISHED_TYPES", "SERVICE"]

log = logging.getLogger("bibkit.crossref")

SERVICE = "crossref"
#: DOIs per ``filter=doi:…`` request (a URL of about 2 KB)
DOI_BATCH = 40
#: preprint DOIs per ``filter=relation.object:…`` request
RELATION_BATCH = 40
#: the public pool's pace before Crossref has told us its own (5 requests a second, June 2026)
DEFAULT_INTERVAL = 0.2
#: a published record hardly changes; a search's answer may (new deposits)
EXPIRE_WORK = timedelta(days=7)
EXPIRE_SEARCH = timedelta(days=1)
#: Crossref types that are a published version of a paper
PUBLISHED_TYPES = ("journal-article", "proceedings-article", "book-chapter")
#: the fields a search or filter asks for (``select``): what citing needs, not the reference lists.
#: Only names Crossref documents as selectable (``subtype`` is not one); a 400 for ``select`` is
#: answered by asking once more without it.
SELECT = ("DOI,title,subtitle,original-title,short-title,author,issued,published-print,published-online,"
          "container-title,short-container-title,type,relation,page,volume,issue,publisher,event,"
          "ISBN,ISSN,URL,abstract,score")

_INTERVAL = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$", re.IGNORECASE)
_UNIT = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, None: 1.0}


def pace_from_headers(response: requests.Response) -> float | None:
    """Seconds between requests that Crossref's ``x-rate-limit-*`` headers allow, or ``None`` if absent."""
    limit = as_int(response.headers.get("x-rate-limit-limit"))
    m = _INTERVAL.match(response.headers.get("x-rate-limit-interval") or "")
    if not limit or limit <= 0 or not m:
        return None
    return float(m.group(1)) * _UNIT[(m.group(2) or "s").lower()] / limit


def crossref_policy(settings: Settings) -> ServicePolicy:
    """Crossref's politeness: paced by its headers (or ``crossref_delay``), cached, 404s kept as answers."""
    fixed = settings.crossref_delay
    return ServicePolicy(
        name=SERVICE,
        base_url=settings.crossref_url,
        min_interval=fixed if fixed is not None else DEFAULT_INTERVAL,
        pace_from=None if fixed is not None else pace_from_headers,
        expire_after=EXPIRE_WORK,
        cache_codes=(200, 404),  # "Resource not found." for a DOI Crossref does not have is an answer too
        headers={"Accept": "application/json"},
        read_timeout=30.0,
        readable=json_readable,  # an HTML page or garbage in a 200 is the service failing
    )


# --------------------------------------------------------------------------- records


@dataclass
class CrossrefWork:
    """One Crossref work, reduced to what a citation needs (every field may be missing)."""

    doi: str
    type: str | None = None  # journal-article, proceedings-article, book-chapter, posted-content…
    subtype: str | None = None  # "preprint" for posted-content
    title: str | None = None
    original_title: str | None = None
    authors: list[str] = field(default_factory=list)  # natural order, "Given Family" or an organisation's name
    organisations: set[int] = field(default_factory=set)  # indexes of authors that are organisations (one name)
    date: PartialDate | None = None
    containers: list[str] = field(default_factory=list)  # container-title, as listed
    short_containers: list[str] = field(default_factory=list)
    volume: str | None = None
    issue: str | None = None
    page: str | None = None
    publisher: str | None = None
    event: str | None = None
    isbn: list[str] = field(default_factory=list)
    issn: list[str] = field(default_factory=list)
    abstract: str | None = None
    url: str | None = None
    relations: dict[str, list[str]] = field(default_factory=dict)  # type -> related DOIs (lower case)
    score: float | None = None

    @property
    def year(self) -> int | None:
        return self.date.year if self.date else None

    @property
    def record_url(self) -> str:
        return f"https://doi.org/{self.doi}"

    def related(self, relation: str) -> list[str]:
        return self.relations.get(relation, [])


def _date(message: dict[str, Any]) -> PartialDate | None:
    for name in ("issued", "published", "published-print", "published-online"):
        parts = message.get(name)
        if not isinstance(parts, dict):
            continue
        rows = as_list(parts.get("date-parts"))
        first = as_list(rows[0]) if rows else []
        year = as_int(first[0]) if first else None
        if year is None:
            continue
        month = as_int(first[1]) if len(first) > 1 else None
        day = as_int(first[2]) if len(first) > 2 and month else None
        try:
            return PartialDate(year, month if month and 1 <= month <= 12 else None,
                               day if day and 1 <= day <= 31 and month else None)
        except ValueError:
            return PartialDate(year)
    return None


def _person(raw: Any) -> str | None:
    if not isinstance(raw, dict):
        return as_str(raw)
    name = as_str(raw.get("name"))
    if name:  # an organisation (Crossref's single-field contributor)
        return name
    given, family = as_str(raw.get("given")), as_str(raw.get("family"))
    text = " ".join(p for p in (given, family) if p)
    return text or None


def _relations(raw: Any) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    if not isinstance(raw, dict):
        return out
    for kind, items in raw.items():
        for item in as_list(items):
            value = item.get("id") if isinstance(item, dict) else item
            doi = normalize_doi(str(value)) if value else None
            if doi:
                out.setdefault(str(kind), []).append(doi.lower())
    return out


def parse_work(message: Any) -> CrossrefWork | None:
    """A :class:`CrossrefWork` from a Crossref ``message`` (one work); ``None`` without a DOI."""
    if not isinstance(message, dict):
        return None
    doi = normalize_doi(as_str(message.get("DOI")) or "")
    if not doi:
        return None
    title = strip_markup(first_str(as_list(message.get("title"))))
    subtitle = strip_markup(first_str(as_list(message.get("subtitle"))))
    if title and subtitle and subtitle.lower() not in title.lower():
        title = f"{title}: {subtitle}"
    event = message.get("event")
    authors: list[str] = []
    organisations: set[int] = set()
    for raw in as_list(message.get("author")):
        name = _person(raw)
        if name:
            if isinstance(raw, dict) and as_str(raw.get("name")) and not as_str(raw.get("family")):
                organisations.add(len(authors))
            authors.append(name)
    return CrossrefWork(
        doi=doi,
        type=as_str(message.get("type")),
        subtype=as_str(message.get("subtype")),
        title=title,
        original_title=strip_markup(first_str(as_list(message.get("original-title")))),
        authors=authors,
        organisations=organisations,
        date=_date(message),
        containers=[t for t in (strip_markup(as_str(c)) for c in as_list(message.get("container-title"))) if t],
        short_containers=[t for t in (as_str(c) for c in as_list(message.get("short-container-title"))) if t],
        volume=as_str(message.get("volume")),
        issue=as_str(message.get("issue")),
        page=as_str(message.get("page")),
        publisher=as_str(message.get("publisher")),
        event=strip_markup(as_str(event.get("name"))) if isinstance(event, dict) else None,
        isbn=[s for s in (as_str(x) for x in as_list(message.get("ISBN"))) if s],
        issn=[s for s in (as_str(x) for x in as_list(message.get("ISSN"))) if s],
        abstract=strip_markup(as_str(message.get("abstract"))),
        url=as_str(message.get("URL")),
        relations=_relations(message.get("relation")),
        score=message.get("score") if isinstance(message.get("score"), (int, float)) else None,
    )


def _items(data: Any) -> list[Any] | None:
    """The ``items`` of a work-list answer, or ``None`` when the answer is not one."""
    if not isinstance(data, dict) or not isinstance(data.get("message"), dict):
        return None
    items = data["message"].get("items")
    return as_list(items) if items is not None else []


# --------------------------------------------------------------------------- the client


@dataclass(frozen=True)
class Rejected:
    """Crossref refused one query (HTTP 400/422: a filter or field this deployment does not have)."""

    status: int



class CrossrefClient:
    """Talks to Crossref through the shared :class:`~bibkit.http.HttpLayer` (see the module docstring)."""

    def __init__(self, http: HttpLayer, settings: Settings | None = None):
        self.settings = settings or http.settings
        self.client = http.client(crossref_policy(self.settings))

    def _params(self, **params: Any) -> dict[str, Any]:
        if self.settings.contact:
            params["mailto"] = self.settings.contact
        return params

    def _get_json(self, path: str, params: dict[str, Any], expire: timedelta) -> Any | Outage | Rejected:
        response = send(self.client, "GET", path, params=self._params(**params), expire_after=expire)
        if isinstance(response, Outage):
            return response
        if response.status_code == 400 and "select" in params:
            # a deployment that refuses one of the selected fields still answers the full records
            params = {k: v for k, v in params.items() if k != "select"}
            response = send(self.client, "GET", path, params=self._params(**params), expire_after=expire)
            if isinstance(response, Outage):
                return response
        if response.status_code != 200:
            outage = outage_for_status(SERVICE, response)
            if outage is None:
                log.info("Crossref rejected %s: HTTP %s", path, response.status_code)
                return Rejected(response.status_code)
            return outage
        return json_body(SERVICE, response)

    # ------------------------------------------------------------------ by DOI

    def work(self, doi: str) -> CrossrefWork | None | Outage:
        """One work by DOI; ``None`` when Crossref does not have it (404: unknown, or another agency's DOI;
        400: not a DOI Crossref can look up)."""
        response = send(self.client, "GET", f"works/{_path_doi(doi)}", params=self._params(),
                        expire_after=EXPIRE_WORK)
        if isinstance(response, Outage):
            return response
        if response.status_code != 200:
            return outage_for_status(SERVICE, response)  # None for 404/400: no such work here
        data = json_body(SERVICE, response)
        if isinstance(data, Outage):
            return data
        work = parse_work(data.get("message") if isinstance(data, dict) else None)
        if work is None:
            return unreadable(SERVICE, f"no work for {doi}")
        return work

    def works(self, dois: Iterable[str]) -> Batch[CrossrefWork]:
        """Works for many DOIs, keyed by lower-case DOI; unknown DOIs are absent (see :meth:`agency`)."""
        out: Batch[CrossrefWork] = Batch()
        wanted = list(dict.fromkeys(d.strip().lower() for d in dois if d and d.strip()))
        single = [d for d in wanted if "," in d]
        batched = [d for d in wanted if "," not in d]
        for i in range(0, len(batched), DOI_BATCH):
            chunk = batched[i:i + DOI_BATCH]
            if len(chunk) == 1:
                single.append(chunk[0])
                continue
            data = self._get_json("works", {"filter": ",".join(f"doi:{d}" for d in chunk), "rows": len(chunk),
                                            "select": SELECT}, EXPIRE_WORK)
            if isinstance(data, Rejected):
                single.extend(chunk)  # a 400 for the batch: one odd DOI must not cost the others
                continue
            items = data if isinstance(data, Outage) else _items(data)
            if items is None:
                items = unreadable(SERVICE, "an answer that is not a work list")
            if isinstance(items, Outage):
                out.failure = out.failure or items
                if takes_service_down(items):
                    return out
                continue
            for item in items:
                work = parse_work(item)
                if work is not None and work.doi.lower() in chunk:
                    out.found.setdefault(work.doi.lower(), work)
        for doi in single:
            got = self.work(doi)
            if isinstance(got, Outage):
                out.failure = out.failure or got
                if takes_service_down(got):
                    return out
                continue
            if got is not None:
                out.found[doi] = got
        return out

    def agency(self, doi: str) -> str | None | Outage:
        """Who registered a DOI (``"crossref"``, ``"datacite"``, ``"medra"``…); ``None`` if no one did."""
        response = send(self.client, "GET", f"works/{_path_doi(doi)}/agency", params=self._params(),
                        expire_after=EXPIRE_WORK)
        if isinstance(response, Outage):
            return response
        if response.status_code != 200:
            return outage_for_status(SERVICE, response)  # None for 404/400: nobody registered it
        data = json_body(SERVICE, response)
        if isinstance(data, Outage):
            return data
        message = data.get("message") if isinstance(data, dict) else None
        agency = message.get("agency") if isinstance(message, dict) else None
        if isinstance(agency, dict):
            return (as_str(agency.get("id")) or as_str(agency.get("label")) or "").lower() or None
        name = as_str(agency)
        return name.lower() if name else None

    # ------------------------------------------------------------------ relations and search

    def with_preprints(self, preprint_dois: Sequence[str]) -> Batch[list[CrossrefWork]]:
        """Published works that name one of ``preprint_dois`` in their ``relation`` (keyed by that DOI, lower case)."""
        out: Batch[list[CrossrefWork]] = Batch()
        wanted = list(dict.fromkeys(d.lower() for d in preprint_dois if d and "," not in d))
        for i in range(0, len(wanted), RELATION_BATCH):
            chunk = wanted[i:i + RELATION_BATCH]
            data = self._get_json("works", {"filter": ",".join(f"relation.object:{d}" for d in chunk),
                                            "rows": min(1000, 2 * len(chunk) + 10), "select": SELECT},
                                  EXPIRE_SEARCH)
            if isinstance(data, Rejected):
                return out  # a deployment without the relation filter: the other chunks fare no better
            if isinstance(data, Outage):
                out.failure = out.failure or data
                if takes_service_down(data):
                    return out
                continue
            items = _items(data) or []
            chunk_set = set(chunk)
            for item in items:
                work = parse_work(item)
                if work is None:
                    continue
                for dois in work.relations.values():
                    for doi in dois:
                        if doi in chunk_set and work not in out.found.get(doi, []):
                            out.found.setdefault(doi, []).append(work)
        return out

    def search(self, bibliographic: str, *, rows: int = 5, from_year: int | None = None,
               types: Sequence[str] = PUBLISHED_TYPES) -> list[CrossrefWork] | Outage:
        """Works matching a citation string (title and authors), best first; candidates to verify."""
        filters = [f"type:{t}" for t in types]
        if from_year:
            filters.append(f"from-pub-date:{from_year}")
        params: dict[str, Any] = {"query.bibliographic": bibliographic, "rows": max(1, min(rows, 1000)),
                                  "select": SELECT}
        if filters:
            params["filter"] = ",".join(filters)
        data = self._get_json("works", params, EXPIRE_SEARCH)
        if isinstance(data, Rejected):
            return []
        if isinstance(data, Outage):
            return data
        items = _items(data)
        if items is None:
            return unreadable(SERVICE, "an answer that is not a work list")
        return [w for w in (parse_work(i) for i in items) if w is not None]


def _path_doi(doi: str) -> str:
    """A DOI for the URL path: slashes kept, everything URL-special escaped (DOIs may hold ``;``, ``#``, ``?``)."""
    return quote(doi.strip(), safe="/")
