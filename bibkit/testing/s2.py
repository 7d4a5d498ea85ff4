"""A real HTTP double of the Semantic Scholar Graph API (``/graph/v1``) over the SYNTHETIC scholarly world.

Shapes follow the recorded answers in ``../shared/apis/samples`` (s2-*):

* ``POST /graph/v1/paper/batch?fields=…`` with ``{"ids": […]}`` — a JSON array
  **in input order** with ``null`` for unknown ids; ids ``ARXIV:<id>`` (also
  ``arXiv:``), ``DOI:<doi>``/a bare DOI, ``CorpusId:<n>``, a 40-hex paperId;
  1–500 ids (more: 400 ``{"error": …}``); only the requested ``fields`` (plus
  ``paperId``) come back; an unknown field is 400
  ``{"error":"Unrecognized or unsupported fields: [x]"}``;
* ``GET /graph/v1/paper/{id}?fields=`` — one record or 404
  ``{"error":"Paper with id X not found"}``;
* a key that :attr:`S2Double.keys` does not hold is 403 ``{"message":"Forbidden"}``;
  with ``min_interval`` a client that goes faster gets 429
  ``{"message":"Too Many Requests…","code":"429"}`` **without** ``Retry-After``.

The records (:meth:`bibkit.testing.scholarly.ScholarlyWorld.s2_record`) carry
S2's traps: venue ``arXiv.org`` and journal ``ArXiv`` for preprints, the CoRR
copy as DBLP id, arXiv's DOI as DOI for some, the preprint's year always.
:attr:`S2Double.faults` holds replies served first.
"""

from __future__ import annotations

import json
from typing import Any

from .paced import PacedDouble
from .scholarly import ScholarlyWorld
from .server import Reply, Request

__all__ = ["S2Double"]

MAX_IDS = 500
KNOWN_FIELDS = frozenset("""paperId corpusId externalIds url title abstract venue publicationVenue year referenceCount
citationCount influentialCitationCount isOpenAccess openAccessPdf fieldsOfStudy s2FieldsOfStudy publicationTypes
publicationDate journal citationStyles authors citations references embedding tldr textAvailability""".split())


class S2Double(PacedDouble):
    """Semantic Scholar on 127.0.0.1; :attr:`api_url` is what ``BIBKIT_S2_URL`` should point at."""

    def __init__(self, world: ScholarlyWorld | None = None, *, keys: set[str] | None = None,
                 min_interval: float = 0.0, host: str = "127.0.0.1", port: int = 0):
        super().__init__(min_interval=min_interval, host=host, port=port)
        self.world = world or ScholarlyWorld()
        self.keys = keys  # None: any key (or none) is accepted

    @property
    def api_url(self) -> str:
        return f"{self.url}/graph/v1"

    def batch_requests(self) -> list[Request]:
        return self.requests_to("/graph/v1/paper/batch")

    # -- serving

    def too_many(self) -> Reply:
        return Reply.json({"message": "Too Many Requests. Please wait and try again or apply for a key for "
                                      "higher rate limits. https://www.semanticscholar.org/product/api",
                           "code": "429"}, 429)

    def serve(self, request: Request) -> Reply | None:
        key = request.header("x-api-key")
        if key is not None and self.keys is not None and key not in self.keys:
            return Reply.json({"message": "Forbidden"}, 403)
        path = request.path
        if not path.startswith("/graph/v1/"):
            return Reply.json({"message": "Not Found"}, 404)
        fields = [f.strip() for f in (request.arg("fields") or "paperId,title").split(",") if f.strip()]
        unknown = [f for f in fields if f.split(".")[0] not in KNOWN_FIELDS]
        if unknown:
            return Reply.json({"error": f"Unrecognized or unsupported fields: [{', '.join(unknown)}]"}, 400)
        rest = path[len("/graph/v1/"):]
        if rest == "paper/batch":
            if request.method != "POST":
                return Reply.json({"message": "Method Not Allowed"}, 405)
            try:
                body = request.json()
            except (ValueError, UnicodeDecodeError):
                return Reply.json({"error": "Unable to parse the request body as JSON"}, 400)
            ids = body.get("ids") if isinstance(body, dict) else None
            if not isinstance(ids, list) or not ids:
                return Reply.json({"error": "Body must contain a non-empty list of ids"}, 400)
            if len(ids) > MAX_IDS:
                return Reply.json({"error": f"Too many ids: {len(ids)} > {MAX_IDS}"}, 400)
            return Reply.json([self._select(self._lookup(str(i)), fields) for i in ids])
        if rest.startswith("paper/") and request.method == "GET":
            ident = rest[len("paper/"):]
            record = self._lookup(ident)
            if record is None:
                return Reply.json({"error": f"Paper with id {ident} not found"}, 404)
            return Reply.json(self._select(record, fields))
        return Reply.json({"message": "Not Found"}, 404)

    def _lookup(self, ident: str) -> dict[str, Any] | None:
        kind, _, value = ident.partition(":")
        if not value:
            kind, value = ("DOI", ident) if ident.startswith("10.") else ("paperId", ident)
        kind = kind.lower()
        if kind == "arxiv":
            return self.world.s2_record(value.strip())
        for paper in self.world.corpus.papers:
            record = self.world.s2_record(paper.id)
            if record is None:
                continue
            ext = record["externalIds"]
            if kind == "doi" and str(ext.get("DOI", "")).lower() == value.lower():
                return record
            if kind == "corpusid" and str(ext.get("CorpusId")) == value:
                return record
            if kind == "paperid" and record["paperId"] == value:
                return record
        return None

    @staticmethod
    def _select(record: dict[str, Any] | None, fields: list[str]) -> dict[str, Any] | None:
        if record is None:
            return None
        out: dict[str, Any] = {"paperId": record["paperId"]}
        for f in fields:
            top = f.split(".")[0]
            if top in record:
                out[top] = json.loads(json.dumps(record[top]))
        return out
