"""A real HTTP double of OpenReview's notes API (``GET /notes?id=…``) over the SYNTHETIC corpus.

Shapes follow openreview-py (``OpenReviewClient.get_note``: ``GET {base}/notes?id=<id>`` →
``{"notes": [note]}``, ``Note.from_json``) and the public API:

* **API v2** notes (``api2.openreview.net``): ``{"id", "forum", "number", "invitations", "domain",
  "content": {"title": {"value"}, "authors": {"value": […]}, "authorids", "abstract", "keywords",
  "TLDR", "venue", "venueid", "pdf", "_bibtex"}, "cdate", "pdate", "odate", "mdate", "tcdate",
  "tmdate", "readers", "writers", "signatures", "license"}`` — every content field wrapped in
  ``{"value": …}``, dates in epoch milliseconds;
* **API v1** notes (``api.openreview.net``, older venues): the same content with plain values, ``TL;DR``
  for the summary, ``invitation`` (one) and ``original``; the double serves both from one server;
* an unknown id: ``{"notes": [], "count": 0}``; a note guests may not read (:attr:`OpenReviewDouble.hidden`):
  403 ``{"name": "ForbiddenError", "message": …, "status": 403}``; another path: 404 ``NotFoundError``;
* with ``min_interval``, a client asking faster gets OpenReview's 429 ``RateLimitError`` (JSON, with
  ``details.resetTime``, no ``Retry-After``); faults (503, a hang) come from :meth:`LocalServer.inject`
  (``down="503"`` or ``"hang"`` injects one for every request).

The notes (:func:`corpus_notes`) are made from the arXiv corpus, so a link the double knows resolves on
to its arXiv paper through the arXiv double: accepted ICLR/NeurIPS papers, TMLR articles, submissions
(``Submitted to ICLR 2025``), withdrawn ones, some in v1's shape, and two papers that are not on arXiv.
``GET /notes`` without an id lists every note (the double's own convenience, to find ids to try).
Tests add their own with :meth:`OpenReviewDouble.add`.
"""

from __future__ import annotations

import base64
import hashlib
from datetime import datetime, timezone
from typing import Any

from .paced import PacedDouble
from .server import Reply, Request

__all__ = ["OpenReviewDouble", "corpus_notes", "note_id_for", "v1_note", "v2_note"]


def note_id_for(key: str) -> str:
    """A stable OpenReview-like note id (10 characters of ``[A-Za-z0-9_-]``) for a paper key."""
    digest = hashlib.sha256(f"openreview:{key}".encode()).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii")[:10]


def _ms(iso: str | None, *, year: int | None = None, month: int = 1, day: int = 16) -> int | None:
    if year is not None:
        return int(datetime(year, month, day, 12, tzinfo=timezone.utc).timestamp() * 1000)
    if not iso:
        return None
    when = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    return int(when.timestamp() * 1000)


def _tilde(name: str) -> str:
    return "~" + "_".join(name.split()) + "1"


def v2_note(note_id: str, *, title: str, authors: list[str], abstract: str, venue: str | None, venueid: str | None,
            created: int | None, published: int | None = None, keywords: list[str] | None = None,
            tldr: str | None = None, number: int = 1, domain: str | None = None) -> dict[str, Any]:
    """One note as API v2 serves it (every content field wrapped in ``{"value": …}``)."""
    content: dict[str, Any] = {
        "title": {"value": title},
        "authors": {"value": list(authors)},
        "authorids": {"value": [_tilde(a) for a in authors]},
        "abstract": {"value": abstract},
        "pdf": {"value": f"/pdf/{hashlib.sha1(note_id.encode()).hexdigest()}.pdf"},
        "_bibtex": {"value": f"@inproceedings{{\nanonymous{number},\ntitle={{{title}}},\nauthor={{Anonymous}},\n"
                             f"note={{under review}}\n}}"},
        "paperhash": {"value": "anonymous|" + "_".join(title.lower().split()[:6])},
    }
    if keywords:
        content["keywords"] = {"value": list(keywords)}
    if tldr:
        content["TLDR"] = {"value": tldr}
    if venue is not None:
        content["venue"] = {"value": venue}
    if venueid is not None:
        content["venueid"] = {"value": venueid}
    dom = domain or (venueid.split("/-/")[0].rsplit("/", 1)[0] if venueid and "/" in venueid else venueid) or "OpenReview.net"
    return {
        "id": note_id, "forum": note_id, "number": number, "version": 2,
        "invitations": [f"{dom}/-/Submission", f"{dom}/-/Post_Submission"], "domain": dom,
        "content": content, "cdate": created, "tcdate": created, "odate": created, "pdate": published,
        "mdate": published or created, "tmdate": published or created,
        "readers": ["everyone"], "writers": [dom], "signatures": [f"{dom}/Submission{number}/Authors"],
        "license": "CC BY 4.0",
    }


def v1_note(note_id: str, *, title: str, authors: list[str], abstract: str, venue: str | None, venueid: str | None,
            created: int | None, keywords: list[str] | None = None, tldr: str | None = None,
            number: int = 1) -> dict[str, Any]:
    """One note as API v1 serves it (plain content values, one ``invitation``)."""
    content: dict[str, Any] = {"title": title, "authors": list(authors), "authorids": [_tilde(a) for a in authors],
                               "abstract": abstract, "pdf": f"/pdf/{hashlib.sha1(note_id.encode()).hexdigest()}.pdf",
                               "paperhash": "_".join(title.lower().split()[:6])}
    if keywords:
        content["keywords"] = list(keywords)
    if tldr:
        content["TL;DR"] = tldr
    if venue is not None:
        content["venue"] = venue
    if venueid is not None:
        content["venueid"] = venueid
    conference = (venueid or "OpenReview.net/Conference").split("/-/")[0]
    return {"id": note_id, "original": None, "number": number, "cdate": created, "tcdate": created, "tmdate": created,
            "ddate": None, "forum": note_id, "replyto": None, "invitation": f"{conference}/-/Blind_Submission",
            "content": content, "signatures": [f"{conference}/Paper{number}/Authors"], "readers": ["everyone"],
            "nonreaders": [], "writers": [conference], "details": {"replyCount": 7}}


#: how the corpus papers are published on the double, in turn (kind, venue format, venueid format, shape)
_KINDS = (
    ("accepted", "ICLR {y} poster", "ICLR.cc/{y}/Conference", 2),
    ("submitted", "Submitted to ICLR {y}", "ICLR.cc/{y}/Conference/Rejected_Submission", 2),
    ("accepted", "NeurIPS {y} oral", "NeurIPS.cc/{y}/Conference", 2),
    ("withdrawn", "ICLR {y} Conference Withdrawn Submission", "ICLR.cc/{y}/Conference/Withdrawn_Submission", 2),
    ("journal", "TMLR", "TMLR", 2),
    ("accepted", "ICLR {y} Poster", "ICLR.cc/{y}/Conference", 1),
)


def corpus_notes(corpus: Any = None, *, every: int = 3) -> dict[str, dict[str, Any]]:
    """Notes for every ``every``-th listing paper of the corpus (by arXiv id), published as :data:`_KINDS` says in
    turn, plus two papers OpenReview has that arXiv does not: note id → note."""
    if corpus is None:
        from .corpus import load_corpus

        corpus = load_corpus()
    papers = sorted((p for p in corpus.papers if p.role == "listing"), key=lambda p: p.id)[::max(1, every)]
    out: dict[str, dict[str, Any]] = {}
    for n, paper in enumerate(papers):
        kind, venue_f, venueid_f, api = _KINDS[n % len(_KINDS)]
        year = int(paper.published[:4]) + 1  # the venue after the preprint
        if api == 1:
            year = min(year, 2022)  # v1 holds the older venues
        ident = note_id_for(paper.id)
        authors = [a["name"] for a in paper.authors]
        created = _ms(paper.published)
        keywords = paper.categories[:2] or None
        venue, venueid = venue_f.format(y=year), venueid_f.format(y=year)
        if api == 1:
            out[ident] = v1_note(ident, title=paper.title, authors=authors, abstract=paper.abstract, venue=venue,
                                 venueid=venueid, created=created, keywords=keywords, number=n + 1,
                                 tldr=f"We study {paper.title.split(':')[0]}.")
        else:
            published = _ms(None, year=year) if kind in ("accepted", "journal") else None
            out[ident] = v2_note(ident, title=paper.title, authors=authors, abstract=paper.abstract, venue=venue,
                                 venueid=venueid, created=created, published=published, keywords=keywords,
                                 number=n + 1, tldr=f"We study {paper.title.split(':')[0]}.")
    for k, (title, venue, venueid) in enumerate((
            ("Sparse Reward Shaping Without Demonstrations: A Curriculum View", "ICLR 2024 spotlight",
             "ICLR.cc/2024/Conference"),
            ("Calibrated Abstention for Retrieval-Augmented Generators", "Submitted to ICLR 2025",
             "ICLR.cc/2025/Conference/Submission"))):
        ident = note_id_for(f"not-on-arxiv-{k}")
        out[ident] = v2_note(ident, title=title, authors=["Mira Okonkwo", "Tomasz Lindqvist", "Hana Takeda"],
                             abstract=f"SYNTHETIC abstract of a paper that is only on OpenReview: {title.lower()}.",
                             venue=venue, venueid=venueid, created=_ms(None, year=2023 + k, month=9, day=28),
                             published=_ms(None, year=2024) if k == 0 else None, number=9000 + k)
    return out


class OpenReviewDouble(PacedDouble):
    """OpenReview's API on 127.0.0.1; ``BIBKIT_OPENREVIEW_URL`` points at :attr:`url`.

    ``notes`` (id → note, as served) default to :func:`corpus_notes`; ``hidden`` ids answer 403;
    ``down`` (``"503"``, ``"hang"``…) makes every request fail that way.
    """

    def __init__(self, corpus: Any = None, *, notes: dict[str, dict[str, Any]] | None = None,
                 min_interval: float = 0.0, down: str | None = None, host: str = "127.0.0.1", port: int = 0):
        super().__init__(min_interval=min_interval, host=host, port=port)
        self.notes: dict[str, dict[str, Any]] = dict(notes) if notes is not None else corpus_notes(corpus)
        self.hidden: set[str] = set()
        if down is not None:
            self.inject(down, seconds=5.0)

    def add(self, note: dict[str, Any]) -> str:
        """Serve one more note (built with :func:`v2_note` or :func:`v1_note`); its id."""
        self.notes[note["id"]] = note
        return str(note["id"])

    def id_of(self, title: str) -> str | None:
        """The id of the note with this title (tests and users find links to try by title)."""
        for ident, note in self.notes.items():
            value = note["content"].get("title")
            if (value.get("value") if isinstance(value, dict) else value) == title:
                return ident
        return None

    def note_requests(self) -> list[Request]:
        return self.requests_to("/notes")

    def too_many(self) -> Reply:
        reset = datetime.now(timezone.utc).isoformat().replace("+00:00", "Z")
        return Reply.json({"name": "RateLimitError", "status": 429,
                           "message": "Too many requests: You have made 21 requests, surpassing the limit of 20 "
                                      "requests. Please try again in 1 minutes and 0 seconds",
                           "details": {"limit": 20, "remaining": 0, "resetTime": reset}}, 429)

    def serve(self, request: Request) -> Reply | None:
        if request.path.rstrip("/") != "/notes" or request.method != "GET":
            return Reply.json({"name": "NotFoundError", "message": f"The path {request.path} was not found",
                               "status": 404}, 404)
        ident = request.arg("id")
        if ident is None:
            listed = list(self.notes.values())
            return Reply.json({"notes": listed, "count": len(listed)})
        if ident in self.hidden:
            return Reply.json({"name": "ForbiddenError", "message": f"You don't have permission to read {ident}",
                               "status": 403, "details": {"path": "id", "value": ident}}, 403)
        note = self.notes.get(ident)
        return Reply.json({"notes": [note] if note is not None else [], "count": 1 if note is not None else 0})
