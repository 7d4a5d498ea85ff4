"""A small DBLP search client: publication records by title, CoRR copies told apart.

DBLP is the best source for computer-science venues without DOIs (ICLR,
NeurIPS, ICML, TMLR…), but it is slow to ask: no batch endpoint, no published
limit, and an overloaded DBLP answers **429 with an HTML page**; users needed
5–7 seconds between requests in 2025.  So bibkit asks it last and rarely (only
for papers the batch sources point at such a venue), paced by ``dblp_delay``
(default 5 s), with the HTTP layer's backoff and ``Retry-After`` handling.

``GET /search/publ/api?q=…&format=json&h=…&c=0`` answers
``{"result": {"hits": {"@total": "…", "hit": [{"info": {…}}]}}}``, where:

* every number is a string (``"year": "2023"``, ``"@total": "67660"``);
* without hits there is no ``hit`` key;
* ``authors.author`` is a list — or one bare value for a single author —
  of ``{"@pid", "text"}`` objects (plain strings in older answers), names
  possibly suffixed with a disambiguation number (``"Wei Wang 0001"``);
* ``venue`` and ``ee`` may be lists; titles end with a period and may hold
  HTML entities (``&apos;``);
* the arXiv copy of a paper is its own record (``venue: "CoRR"``,
  ``key: "journals/corr/abs-…"``, ``type: "Informal and Other Publications"``):
  :attr:`DblpHit.is_corr`.  The published version is a separate record.
"""

from __future__ import annotations

import html
import logging
import re
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from ..config import Settings
from ..http import HttpLayer, ServicePolicy
from ..links import normalize_doi
from ..outcomes import Outage
from .webapi import as_int, as_list, as_str, json_body, json_readable, outage_for_status, send, unreadable

__all__ = ["DblpClient", "DblpHit", "dblp_policy", "SERVICE", "query_for"]

log = logging.getLogger("bibkit.dblp")

SERVICE = "dblp"
EXPIRE = timedelta(days=1)
#: DBLP record types that are published versions, and the entry types they become
KINDS = {
    "Conference and Workshop Papers": "inproceedings",
    "Journal Articles": "article",
    "Parts in Books or Collections": "incollection",
}
_DISAMBIGUATION = re.compile(r"\s+\d{4}$")
_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def dblp_policy(settings: Settings) -> ServicePolicy:
    """DBLP's politeness: seconds between requests (``dblp_delay``), its 429 pages retried with backoff."""
    return ServicePolicy(
        name=SERVICE,
        base_url=settings.dblp_url,
        min_interval=settings.dblp_delay,
        expire_after=EXPIRE,
        backoff_base=max(2.0, settings.dblp_delay),
        max_attempts=3,
        # DBLP is the last, per-paper source and Crossref's search stands in for it: a Retry-After longer
        # than this skips DBLP for the run instead of stalling it (the layer's default is two minutes)
        max_wait=30.0,
        read_timeout=30.0,
        readable=json_readable,  # an HTML page or garbage in a 200 is the service failing
    )


@dataclass
class DblpHit:
    """One DBLP publication record from a search."""

    key: str
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    venue: str | None = None
    year: int | None = None
    type: str | None = None
    volume: str | None = None
    number: str | None = None
    pages: str | None = None
    doi: str | None = None
    ee: list[str] = field(default_factory=list)
    url: str | None = None

    @property
    def is_corr(self) -> bool:
        """DBLP's copy of an arXiv preprint (never a published version)."""
        return ((self.venue or "").strip().lower() == "corr" or self.key.lower().startswith("journals/corr/")
                or (self.doi or "").lower().startswith("10.48550/"))

    @property
    def kind(self) -> str | None:
        """``inproceedings``/``article``/``incollection`` for a published version, else ``None``."""
        return None if self.is_corr else KINDS.get(self.type or "")

    @property
    def record_url(self) -> str:
        return self.url or f"https://dblp.org/rec/{self.key}"


def _author(raw: Any) -> str | None:
    name = as_str(raw.get("text")) if isinstance(raw, dict) else as_str(raw)
    return _DISAMBIGUATION.sub("", name) if name else None


def _title(raw: Any) -> str | None:
    text = as_str(raw)
    if not text:
        return None
    text = html.unescape(text)
    return text[:-1] if text.endswith(".") and not text.endswith("..") else text


def parse_hit(raw: Any) -> DblpHit | None:
    """A :class:`DblpHit` from one ``hit`` element (``None`` when it has no record key)."""
    info = raw.get("info") if isinstance(raw, dict) else None
    if not isinstance(info, dict):
        return None
    key = as_str(info.get("key"))
    if not key:
        return None
    authors_field = info.get("authors")
    raw_authors = as_list(authors_field.get("author")) if isinstance(authors_field, dict) else as_list(authors_field)
    venues = [v for v in (as_str(x) for x in as_list(info.get("venue"))) if v]
    doi = normalize_doi(as_str(info.get("doi")) or "")
    return DblpHit(
        key=key,
        title=_title(info.get("title")),
        authors=[n for n in (_author(a) for a in raw_authors) if n],
        venue=" ".join(venues) if venues else None,
        year=as_int(info.get("year")),
        type=as_str(info.get("type")),
        volume=as_str(info.get("volume")),
        number=as_str(info.get("number")),
        pages=as_str(info.get("pages")),
        doi=doi,
        ee=[e for e in (as_str(x) for x in as_list(info.get("ee"))) if e],
        url=as_str(info.get("url")),
    )


_STOPWORDS = frozenset("a an the and or of in on for to with by from via is are at as its their towards toward".split())


def query_for(title: str, max_words: int = 10) -> str:
    """A DBLP query for a title: its content words, at most ``max_words``.

    DBLP ANDs its terms and matches each as a prefix, so every term must be in
    the record: stop words are dropped (nothing gained, one more way to miss),
    a plural loses its ``s`` ("tasks" then matches "task" and "tasks": titles
    change that much on publication), punctuation goes (DBLP splits on it, and
    a stray ``|`` or ``:`` would be query syntax).
    """
    out: list[str] = []
    for word in _WORD.findall(title or ""):
        low = word.lower()
        if low in _STOPWORDS:
            continue
        if len(word) > 3 and low.endswith("s") and not low.endswith("ss") and word[:-1].isalpha():
            word = word[:-1]
        out.append(word)
    return " ".join(out[:max_words])


class DblpClient:
    """Talks to DBLP's publication search through the shared HTTP layer."""

    def __init__(self, http: HttpLayer, settings: Settings | None = None):
        self.settings = settings or http.settings
        self.client = http.client(dblp_policy(self.settings))

    def search(self, query: str, *, hits: int = 10) -> list[DblpHit] | Outage:
        """Publication records matching ``query`` (title words), in DBLP's order; CoRR copies included.

        A query DBLP rejects (HTTP 400, or a result whose own status is not
        200) finds nothing; trouble of the service itself is an outage.
        """
        response = send(self.client, "GET", "search/publ/api",
                        params={"q": query, "format": "json", "h": max(1, min(hits, 1000)), "c": 0})
        if isinstance(response, Outage):
            return response
        if response.status_code != 200:
            outage = outage_for_status(SERVICE, response)
            if outage is None:
                log.info("DBLP rejected the query %r: HTTP %s", query, response.status_code)
                return []
            return outage
        data = json_body(SERVICE, response)
        if isinstance(data, Outage):
            return data
        result = data.get("result") if isinstance(data, dict) else None
        if not isinstance(result, dict):
            return unreadable(SERVICE, "an answer without a result")
        status = result.get("status")
        code = as_int(status.get("@code")) if isinstance(status, dict) else None
        if code is not None and code != 200:
            log.info("DBLP answered the query %r with status %s", query, code)
            return []
        found = result.get("hits")
        if not isinstance(found, dict):
            return []
        return [h for h in (parse_hit(x) for x in as_list(found.get("hit"))) if h is not None]
