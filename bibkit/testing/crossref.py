"""A real HTTP double of the Crossref REST API (``api.crossref.org``) over the SYNTHETIC scholarly world.

Shapes follow the recorded answers in ``../shared/apis/samples`` (crossref-*):

* ``GET /works/{doi}`` — ``{"status":"ok","message-type":"work",…,"message":{…}}``;
  an unknown DOI (and any DataCite DOI, e.g. arXiv's ``10.48550``) is **404
  with a text/plain body** ``Resource not found.``; field queries on this route
  are 400 ``validation-failure``;
* ``GET /works/{doi}/agency`` — the registration agency (``crossref`` for the
  works here, ``datacite`` for ``10.48550``/``10.5281``/``10.6084`` prefixes,
  404 for DOIs nobody registered);
* ``GET /works`` — ``message-type: work-list`` with ``total-results``,
  ``items-per-page``, ``query`` and ``items`` (each with a ``score``):
  ``filter=`` (``doi``, ``type``, ``from-pub-date``, ``until-pub-date``,
  ``relation.object``, ``relation.type``, ``has-relation``, ``prefix``; a
  repeated filter is OR, different ones AND; unknown names are 400),
  ``query.bibliographic``/``query``/``query.author``/``query.container-title``
  (words matched case- and accent-insensitively; **something is always
  ranked** when any word matches), ``query.title`` (gone: 400), ``rows``
  (default 20, at most 1000), ``offset``, ``select`` (unknown fields 400),
  ``mailto`` (the polite pool: ``x-api-pool: polite``);
* every answer carries ``x-rate-limit-limit``/``x-rate-limit-interval``
  (default: the June 2026 public pool's 5 per ``1s``) and
  ``x-concurrency-limit``; with ``enforce_rate`` a client that goes faster gets
  429 (an HTML body, as older 429s were).

:attr:`CrossrefDouble.faults` holds replies served first.  Answers carry
``X-Bibkit-Synthetic: true``.
"""

from __future__ import annotations

import re
import threading
import time
from typing import Any
from urllib.parse import unquote

from .scholarly import ScholarlyWorld, tokens
from .server import LocalServer, Reply, Request

__all__ = ["CrossrefDouble"]

SYNTHETIC = {"X-Bibkit-Synthetic": "true"}
FILTERS = frozenset({"doi", "type", "from-pub-date", "until-pub-date", "relation.object", "relation.type",
                     "has-relation", "prefix", "container-title", "member", "from-created-date", "until-created-date"})
SELECTABLE = frozenset("""abstract URL member posted score created degree update-policy short-title license ISSN
container-title issued update-to issue prefix approved indexed article-number clinical-trial-number accepted author
group-title DOI is-referenced-by-count updated-by event chair standards-body original-title funder translator archive
published-print alternative-id subject subtitle published-online publisher-location content-domain reference title
link type publisher volume references-count ISBN issn-type assertion deposited page content-created
short-container-title relation editor""".split())
QUERY_FIELDS = frozenset({"query", "query.bibliographic", "query.author", "query.container-title",
                          "query.affiliation", "query.contributor", "query.editor", "query.event-name",
                          "query.publisher-name"})
_DATACITE_PREFIXES = ("10.48550/", "10.5281/", "10.6084/", "10.5061/", "10.17632/")
_STOP = frozenset("a an the and or of in on for to with by from via is are at as".split())


def _validation(kind: str, value: str, message: str) -> Reply:
    return Reply.json({"status": "failed", "message-type": "validation-failure",
                       "message": [{"type": kind, "value": value, "message": message}]}, 400)


class CrossrefDouble(LocalServer):
    """Crossref on 127.0.0.1 (see the module docstring)."""

    def __init__(self, world: ScholarlyWorld | None = None, *, rate_limit: int = 5, interval: str = "1s",
                 enforce_rate: bool = False, host: str = "127.0.0.1", port: int = 0):
        super().__init__(host, port)
        self.world = world or ScholarlyWorld()
        self.rate_limit, self.interval, self.enforce_rate = rate_limit, interval, enforce_rate
        self.faults: list[Reply] = []
        self.rate_limited = 0
        self.known_agencies: dict[str, str] = {}  # extra DOI prefix -> agency ("medra", "jalc"…)
        self._last: float | None = None
        self._guard = threading.Lock()

    # -- what tests inspect

    def works_requests(self) -> list[Request]:
        return self.requests_to("/works")

    # -- serving

    def _headers(self, request: Request) -> dict[str, str]:
        pool = "polite" if request.arg("mailto") or "mailto:" in (request.header("User-Agent") or "") else "public"
        return {"x-rate-limit-limit": str(self.rate_limit), "x-rate-limit-interval": self.interval,
                "x-concurrency-limit": "1", "x-api-pool": pool, **SYNTHETIC}

    def handle(self, request: Request) -> Reply | None:
        reply = self._handle(request)
        if reply is not None:
            headers = dict(self._headers(request))
            headers.update(reply.headers)
            reply.headers = headers
        return reply

    def _handle(self, request: Request) -> Reply | None:
        with self._guard:
            if self.enforce_rate:
                now = time.monotonic()
                m = re.match(r"(\d+)(ms|s|m)?", self.interval)
                seconds = int(m.group(1)) * {"ms": 0.001, "s": 1, "m": 60}[m.group(2) or "s"] if m else 1
                too_fast = self._last is not None and now - self._last < seconds / self.rate_limit
                self._last = now
                if too_fast:
                    self.rate_limited += 1
                    return Reply.text("<html><body><h1>429 Too Many Requests</h1></body></html>", 429,
                                      content_type="text/html")
            if self.faults:
                return self.faults.pop(0)
        if request.method != "GET":
            return Reply.text("Method not allowed", 405)
        path = unquote(request.path)
        if path.rstrip("/") == "/works":
            return self._list(request)
        if path.startswith("/works/"):
            doi = path[len("/works/"):]
            if doi.endswith("/agency"):
                return self._agency(doi[:-len("/agency")])
            for name in request.query:
                if name.startswith("query") or name == "filter":
                    return _validation("parameter-not-allowed", "query.*" if name.startswith("query") else name,
                                       "This route does not support field query parameters")
            return self._work(doi)
        return Reply.text("Resource not found.", 404)

    def _find(self, doi: str) -> dict[str, Any] | None:
        doi = doi.strip().lower()
        return next((w for w in self.world.crossref_works() if w["DOI"].lower() == doi), None)

    def _work(self, doi: str) -> Reply:
        work = self._find(doi)
        if work is None:
            return Reply.text("Resource not found.", 404)
        return Reply.json({"status": "ok", "message-type": "work", "message-version": "1.0.0", "message": work})

    def _agency(self, doi: str) -> Reply:
        low = doi.lower()
        if self._find(low) is not None:
            agency = {"id": "crossref", "label": "Crossref"}
        elif low.startswith(_DATACITE_PREFIXES):
            agency = {"id": "datacite", "label": "DataCite"}
        elif any(low.startswith(p) for p in self.known_agencies):
            name = next(v for p, v in self.known_agencies.items() if low.startswith(p))
            agency = {"id": name, "label": name}
        else:
            return Reply.text("Resource not found.", 404)
        return Reply.json({"status": "ok", "message-type": "work-agency", "message-version": "1.0.0",
                           "message": {"DOI": low, "agency": agency}})

    # -- /works

    def _list(self, request: Request) -> Reply:
        for name in request.query:
            if name == "query.title":
                return _validation("parameter-not-allowed", name, "query.title is deprecated and no longer available")
            if name.startswith("query.") and name not in QUERY_FIELDS:
                return _validation("parameter-not-allowed", name, f"{name} is not a valid field query")
        rows_text = request.arg("rows", "20") or "20"
        offset_text = request.arg("offset", "0") or "0"
        if not rows_text.isdigit() or int(rows_text) > 1000:
            return _validation("integer-not-valid", rows_text, "Integer specified as rows must be a positive "
                               "integer less than or equal to 1000.")
        if not offset_text.isdigit() or int(offset_text) > 10000:
            return _validation("integer-not-valid", offset_text, "Offset must be at most 10000.")
        rows, offset = int(rows_text), int(offset_text)
        select = [s.strip() for s in (request.arg("select") or "").split(",") if s.strip()]
        bad = [s for s in select if s not in SELECTABLE]
        if bad:
            return _validation("select-field-not-valid", bad[0], f"Field specified as {bad[0]} is not valid for select")
        filters: dict[str, list[str]] = {}
        for part in (request.arg("filter") or "").split(","):
            if not part.strip():
                continue
            name, _, value = part.partition(":")
            name = name.strip()
            if name not in FILTERS:
                return _validation("filter-not-available", name, f"Filter {name} specified but there is no such "
                                   "filter for this route. Valid filters for this route are: " + ", ".join(sorted(FILTERS)))
            filters.setdefault(name, []).append(value.strip())
        works = [w for w in self.world.crossref_works() if self._passes(w, filters)]
        query_words: list[str] = []
        for name in QUERY_FIELDS:
            query_words += [t for t in tokens(request.arg(name)) if t not in _STOP]
        if query_words:
            scored = [(self._score(w, query_words), w) for w in works]
            scored = [(s, w) for s, w in scored if s > 0]
            scored.sort(key=lambda sw: (-sw[0], sw[1]["DOI"]))
            works = [{**w, "score": round(s, 6)} for s, w in scored]
        page = works[offset:offset + rows]
        if select:
            page = [{k: v for k, v in w.items() if k in select} for w in page]
        terms = " ".join(request.arg(n) or "" for n in QUERY_FIELDS).strip() or None
        return Reply.json({"status": "ok", "message-type": "work-list", "message-version": "1.0.0",
                           "message": {"facets": {}, "total-results": len(works), "items": page,
                                       "items-per-page": rows, "query": {"start-index": offset,
                                                                         "search-terms": terms}}})

    @staticmethod
    def _year(work: dict[str, Any]) -> int | None:
        parts = (work.get("issued") or {}).get("date-parts") or [[None]]
        return parts[0][0] if parts and parts[0] else None

    def _passes(self, work: dict[str, Any], filters: dict[str, list[str]]) -> bool:
        for name, values in filters.items():
            if name == "doi" and work["DOI"].lower() not in {v.lower() for v in values}:
                return False
            if name == "type" and work.get("type") not in values:
                return False
            if name == "prefix" and work["DOI"].split("/", 1)[0] not in values:
                return False
            if name in ("from-pub-date", "until-pub-date"):
                year = self._year(work)
                bound = int(values[0][:4]) if values[0][:4].isdigit() else None
                if year is None or bound is None:
                    return False
                if name == "from-pub-date" and year < bound:
                    return False
                if name == "until-pub-date" and year > bound:
                    return False
            relations = work.get("relation") or {}
            if name == "has-relation" and bool(relations) != (values[0].lower() == "true"):
                return False
            if name == "relation.type" and not any(t in relations for t in values):
                return False
            if name == "relation.object":
                objects = {str(r.get("id", "")).lower() for rs in relations.values() for r in rs}
                if not objects & {v.lower() for v in values}:
                    return False
            if name == "container-title" and not any(v.lower() in (c.lower() for c in work.get("container-title", []))
                                                     for v in values):
                return False
        return True

    @staticmethod
    def _score(work: dict[str, Any], words: list[str]) -> float:
        title = tokens(" ".join(work.get("title") or []))
        other = tokens(" ".join(work.get("container-title") or []) + " " + " ".join(
            f"{a.get('given', '')} {a.get('family', '')} {a.get('name', '')}" for a in work.get("author") or []))
        year = str(CrossrefDouble._year(work) or "")
        score = 0.0
        for w in words:
            if w in title:
                score += 3.0
            elif w in other:
                score += 1.0
            elif w == year:
                score += 0.5
        return score / (len(title) ** 0.5 or 1)
