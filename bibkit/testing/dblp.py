"""A real HTTP double of DBLP's publication search (``/search/publ/api``) over the SYNTHETIC scholarly world.

Shape follows the recorded answer in ``../shared/apis/samples/dblp-search.json``
and DBLP's documentation:

* ``q`` — terms are **prefix-matched and AND-ed** over title, authors, venue and
  year (a ``$`` suffix makes a term exact); ``format=json`` (anything else gets
  XML, DBLP's default); ``h`` hits (default 30, at most 1000), ``f`` offset,
  ``c`` completions;
* ``{"result":{"query","status":{"@code":"200","text":"OK"},"time","completions",
  "hits":{"@total","@computed","@sent","@first","hit":[{"@score","@id","info":{…},"url"}]}}}``
  with **every number a string**, no ``hit`` key when nothing matched, authors
  as ``{"@pid","text"}`` objects (one author: the bare object);
* every arXiv paper has its CoRR copy (``venue: "CoRR"``, ``key:
  journals/corr/abs-…``, type ``Informal and Other Publications``); published
  versions are separate records;
* overload: with ``min_interval`` a client asking faster gets **429 with an
  HTML page** (``retry_after`` adds a ``Retry-After`` header); :attr:`faults`
  are served first.
"""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import escape

from .paced import PacedDouble
from .scholarly import ScholarlyWorld, tokens
from .server import Reply, Request

__all__ = ["DblpDouble", "RATE_LIMIT_PAGE"]

RATE_LIMIT_PAGE = ("<!DOCTYPE html>\n<html><head><title>429 Too Many Requests</title></head><body>"
                   "<h1>Too Many Requests</h1><p>dblp.org has received too many requests from your address. "
                   "Please slow down.</p></body></html>")


class DblpDouble(PacedDouble):
    """DBLP on 127.0.0.1; ``BIBKIT_DBLP_URL`` points at :attr:`url`."""

    def __init__(self, world: ScholarlyWorld | None = None, *, min_interval: float = 0.0,
                 retry_after: int | None = None, host: str = "127.0.0.1", port: int = 0):
        super().__init__(min_interval=min_interval, host=host, port=port)
        self.world = world or ScholarlyWorld()
        self.retry_after = retry_after

    def search_requests(self) -> list[Request]:
        return self.requests_to("/search/publ/api")

    def too_many(self) -> Reply:
        headers = {"Retry-After": str(self.retry_after)} if self.retry_after is not None else {}
        return Reply.text(RATE_LIMIT_PAGE, 429, headers, content_type="text/html; charset=utf-8")

    def serve(self, request: Request) -> Reply | None:
        if request.path.rstrip("/") != "/search/publ/api":
            return Reply.text("<html><body>Not Found</body></html>", 404, content_type="text/html")
        q = request.arg("q") or ""
        h = _int(request.arg("h"), 30, 1000)
        f = _int(request.arg("f"), 0, 10000)
        hits = self._search(q)
        page = hits[f:f + h]
        if (request.arg("format") or "xml") != "json":
            return Reply.text(_xml(q, hits, page), content_type="application/xml; charset=utf-8")
        result: dict[str, Any] = {
            "query": q, "status": {"@code": "200", "text": "OK"}, "time": {"@unit": "msecs", "text": "3.14"},
            "completions": {"@total": "0", "@computed": "0", "@sent": "0"},
            "hits": {"@total": str(len(hits)), "@computed": str(min(len(hits), 1000)), "@sent": str(len(page)),
                     "@first": str(f)},
        }
        if page:
            result["hits"]["hit"] = [{"@score": str(score), "@id": str(1000000 + i), "info": info,
                                      "url": f"URL#{1000000 + i}"} for i, (score, info) in enumerate(page)]
        return Reply.json({"result": result})

    def _search(self, q: str) -> list[tuple[int, dict[str, Any]]]:
        terms = []
        for raw in q.split():
            exact = raw.endswith("$")
            words = tokens(raw.rstrip("$"))
            terms += [(w, exact) for w in words]
        if not terms:
            return []
        out = []
        for info in self.world.dblp_records():
            authors = info["authors"]["author"]
            names = " ".join(a["text"] for a in (authors if isinstance(authors, list) else [authors]))
            words = tokens(f"{info['title']} {names} {info.get('venue', '')} {info.get('year', '')}")
            if all(any(w == t or (not exact and w.startswith(t)) for w in words) for t, exact in terms):
                score = sum(1 for t, _e in terms if t in tokens(info["title"]))
                out.append((score, info))
        out.sort(key=lambda si: (-si[0], si[1]["key"]))
        return out


def _int(text: str | None, default: int, ceiling: int) -> int:
    try:
        value = int(text) if text is not None else default
    except ValueError:
        value = default
    return max(0, min(value, ceiling))


def _xml(q: str, hits: list[tuple[int, dict[str, Any]]], page: list[tuple[int, dict[str, Any]]]) -> str:
    rows = "".join(f"<hit score=\"{s}\"><info><title>{escape(i['title'])}</title><key>{escape(i['key'])}</key></info></hit>"
                   for s, i in page)
    return (f"<?xml version=\"1.0\" encoding=\"UTF-8\"?><result><query>{escape(q)}</query>"
            f"<status code=\"200\">OK</status><hits total=\"{len(hits)}\" sent=\"{len(page)}\">{rows}</hits></result>")
