"""A real HTTP double of OpenAlex's ``/works`` list endpoint over the SYNTHETIC scholarly world.

Shape follows ``../shared/apis/samples/openalex-works-filter.json``:
``{"meta": {count, db_response_time_ms, page, per_page, groups_count}, "results": […]}``.
Supported: ``filter=doi:A|B`` (``|`` = OR, DOIs bare or as ``https://doi.org/…``,
case-insensitive), ``per_page`` (at most 100; more is 400), ``select``.  Since
2026 OpenAlex wants a key: without ``api_key`` (when :attr:`require_key`) the
answer is 401 JSON; an unknown singleton is 404 **HTML**.  Each arXiv paper is
one work under its arXiv DOI; a paper with a DOI publication lists it as a
``publishedVersion`` location.
"""

from __future__ import annotations

from typing import Any

from .scholarly import ScholarlyWorld
from .server import LocalServer, Reply, Request

__all__ = ["OpenAlexDouble"]

NOT_FOUND_HTML = ("<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n"
                  "<p>The requested URL was not found on the server.</p>\n")


class OpenAlexDouble(LocalServer):
    def __init__(self, world: ScholarlyWorld | None = None, *, require_key: bool = True,
                 host: str = "127.0.0.1", port: int = 0):
        super().__init__(host, port)
        self.world = world or ScholarlyWorld()
        self.require_key = require_key
        self.faults: list[Reply] = []

    def handle(self, request: Request) -> Reply | None:
        if self.faults:
            return self.faults.pop(0)
        if self.require_key and not request.arg("api_key"):
            return Reply.json({"error": "Unauthorized", "message": "An API key is required (api_key=...)"}, 401)
        if request.path.rstrip("/") != "/works":
            return Reply.text(NOT_FOUND_HTML, 404, content_type="text/html; charset=utf-8")
        per_page = int(request.arg("per_page") or "25") if (request.arg("per_page") or "25").isdigit() else -1
        if not 1 <= per_page <= 100:
            return Reply.json({"error": "Invalid query parameters error.", "message": "per_page must be 1..100"}, 400)
        wanted: set[str] = set()
        for part in (request.arg("filter") or "").split(","):
            name, _, value = part.partition(":")
            if name.strip() == "doi":
                for v in value.split("|"):
                    v = v.strip().lower()
                    wanted.add(v[len("https://doi.org/"):] if v.startswith("https://doi.org/") else v)
            elif part.strip():
                return Reply.json({"error": "Invalid query parameters error.",
                                   "message": f"{name} is not a valid filter here"}, 400)
        results: list[dict[str, Any]] = []
        for paper in self.world.corpus.papers:
            work = self.world.openalex_work(paper.id)
            if work and work["doi"].lower()[len("https://doi.org/"):] in wanted:
                results.append(work)
        select = [s for s in (request.arg("select") or "").split(",") if s]
        page = results[:per_page]
        if select:
            page = [{k: v for k, v in w.items() if k in select} for w in page]
        return Reply.json({"meta": {"count": len(results), "db_response_time_ms": 12, "page": 1,
                                    "per_page": per_page, "groups_count": None}, "results": page, "group_by": []},
                          headers={"X-Bibkit-Synthetic": "true"})
