"""A small OpenReview client: one note (a submission, a paper) by its id, in either API's shape.

An OpenReview link (``https://openreview.net/forum?id=YicbFdNTTy``, ``/pdf?id=…``) names a note; the
API answers ``GET {base}/notes?id=<id>`` with ``{"notes": [{"id", "forum", "content", "cdate", "pdate",
"odate", "mdate", …}]}`` (what openreview-py's ``get_note`` reads).  Two APIs, one shape of answer:

* **API v2** (``https://api2.openreview.net``, the default; venues since 2023): every content field is
  wrapped, ``content.title.value``, ``content.authors.value`` (a list), ``abstract``, ``venue`` ("ICLR
  2024 poster", "Submitted to ICLR 2025", "ICLR 2024 Conference Withdrawn Submission"), ``venueid``
  ("ICLR.cc/2024/Conference"), ``keywords``, ``TLDR``, ``pdf``, ``_bibtex``;
* **API v1** (``https://api.openreview.net``, venues before 2023): the same fields as plain values
  (``content.title``), the summary as ``TL;DR``; a note v2 does not have is asked there
  (``openreview_v1_url``).

Both are read by one tolerant reader (:func:`parse_note`: a ``{"value": …}`` wrapper is unwrapped
wherever it is).  Dates are epoch milliseconds.  A field hidden from guests is absent, or its authors are
``["Anonymous"]``-like: no authors then.  ``_bibtex`` is not read: every field it has is in ``content``.

Traps handled here, so the caller sees values: an unknown id is ``{"notes": []}`` (also a 404
``NotFoundError``), a note guests may not read is 403 ``ForbiddenError``, a malformed id 400
``ValidationError`` — each that one note's answer (:class:`Missing`), never an outage; the service
failing (5xx, timeouts, an HTML page, its 429 ``RateLimitError`` outlasting the retries) is an
:class:`~bibkit.outcomes.Outage`.  There is no documented batch lookup of notes by id in API v2 (v1's
client posts ids to ``/notes/search``), so the caller asks once per note; OpenReview rate-limits guests
per window (a few dozen requests a minute), so requests are paced (``openreview_delay``, default 1 s)
and one at a time.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from typing import Any

from ..config import Settings
from ..http import HttpLayer, ServiceClient, ServicePolicy
from ..jsondata import load_json
from ..normalize.openreview import Venue, read_venue
from ..outcomes import Outage, Service
from .webapi import as_dict, as_int, as_list, as_str, json_body, json_readable, outage_for_status, send, unreadable

__all__ = ["Missing", "OpenReviewClient", "OpenReviewNote", "openreview_policy", "parse_note", "SERVICE",
           "forum_url"]

log = logging.getLogger("bibkit.openreview")

SERVICE = Service.OPENREVIEW
EXPIRE = timedelta(days=1)  # a submission's venue changes once decisions are out: a day-old answer is fresh enough
#: author lists OpenReview shows while a submission is anonymous
_ANONYMOUS = frozenset({"anonymous", "anonymous authors", "anonymous author"})
#: the one-line summary's names: v2's ``TLDR``, v1's ``TL;DR`` (older venues: ``one-sentence_summary``)
_TLDR = ("TLDR", "TL;DR", "tldr", "one-sentence_summary")


def openreview_policy(settings: Settings) -> ServicePolicy:
    """OpenReview's politeness: paced (``openreview_delay``), one request at a time, its 429s backed off."""
    return ServicePolicy(
        name=SERVICE,
        base_url=settings.openreview_url,
        min_interval=settings.openreview_delay,
        expire_after=EXPIRE,
        backoff_base=max(2.0, settings.openreview_delay),
        max_attempts=3,
        # OpenReview's guest window resets in minutes to an hour: a longer wait skips it for the run (the entries
        # keep their links and are looked up on the next run) instead of stalling everything behind it
        max_wait=30.0,
        # the first step of a run: a silent OpenReview must not hold the arXiv step back for long
        read_timeout=20.0,
        budget=30.0,
        readable=json_readable,  # an HTML page or garbage in a 200 is the service failing
        concurrency=1,
    )


def forum_url(note_id: str) -> str:
    """The note's page (what a bibliography links to)."""
    return f"https://openreview.net/forum?id={note_id}"


@dataclass(frozen=True)
class Missing:
    """A note OpenReview does not show: ``reason`` says why (unknown id, not public, malformed id)."""

    note_id: str
    reason: str
    unknown: bool = True  # no such note here (another API may have it); False: there, but not for us


@dataclass
class OpenReviewNote:
    """What one OpenReview note says about its paper (see :func:`parse_note`)."""

    id: str
    forum: str | None = None
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    abstract: str | None = None
    venue: Venue = field(default_factory=lambda: read_venue(None))
    venueid: str | None = None
    keywords: list[str] = field(default_factory=list)
    tldr: str | None = None
    #: epoch-millisecond dates: published (``pdate``), online (``odate``), created (``cdate``/``tcdate``)
    published: datetime | None = None
    created: datetime | None = None
    api: int = 2  # 1: the plain values of API v1

    @property
    def url(self) -> str:
        return forum_url(self.forum or self.id)

    @property
    def year(self) -> int | None:
        """The paper's year: the venue's for a publication, else the submission's date (created, then published)."""
        if self.venue.published and self.venue.year:
            return self.venue.year
        for when in ((self.created, self.published) if not self.venue.published else (self.published, self.created)):
            if when is not None:
                return when.year
        return self.venue.year

    @property
    def date(self) -> datetime | None:
        """The date behind :attr:`year` when it is that year (a month is worth keeping only then)."""
        order = (self.published, self.created) if self.venue.published else (self.created, self.published)
        for when in order:
            if when is not None:
                return when if when.year == self.year else None
        return None


def _unwrap(value: Any) -> Any:
    """API v2's ``{"value": …}`` wrapper taken off (v1's plain values pass as they are)."""
    if isinstance(value, dict) and "value" in value:
        return value["value"]
    return value


def _when(ms: Any) -> datetime | None:
    stamp = as_int(ms)
    if stamp is None or stamp <= 0:
        return None
    try:
        return datetime.fromtimestamp(stamp / 1000, tz=timezone.utc)
    except (OverflowError, OSError, ValueError):
        return None


def _strings(value: Any) -> list[str]:
    return [s for s in (as_str(v) for v in as_list(_unwrap(value))) if s]


def parse_note(raw: Any) -> OpenReviewNote | None:
    """An :class:`OpenReviewNote` from one element of ``notes`` (v1 or v2); ``None`` without an id."""
    if not isinstance(raw, dict):
        return None
    note_id = as_str(raw.get("id"))
    if not note_id:
        return None
    content = as_dict(raw.get("content"))
    wrapped = any(isinstance(v, dict) and "value" in v for v in content.values())
    api = 2 if wrapped or "invitations" in raw or "domain" in raw else 1
    authors = _strings(content.get("authors"))
    if authors and all(a.lower() in _ANONYMOUS for a in authors):
        authors = []
    keywords = _strings(content.get("keywords"))
    if len(keywords) == 1 and "," in keywords[0]:  # some venues ask for one comma-separated string
        keywords = [k.strip() for k in keywords[0].split(",") if k.strip()]
    tldr = next((t for k in _TLDR if (t := as_str(_unwrap(content.get(k))))), None)
    return OpenReviewNote(
        id=note_id,
        forum=as_str(raw.get("forum")),
        title=as_str(_unwrap(content.get("title"))),
        authors=authors,
        abstract=as_str(_unwrap(content.get("abstract"))),
        venue=read_venue(as_str(_unwrap(content.get("venue")))),
        venueid=as_str(_unwrap(content.get("venueid"))),
        keywords=keywords,
        tldr=tldr,
        published=_when(raw.get("pdate")) or _when(raw.get("odate")),
        created=_when(raw.get("cdate")) or _when(raw.get("tcdate")),
        api=api,
    )


#: OpenReview's error names for one note's trouble (its JSON error bodies carry ``name``, ``message``, ``status``)
_NOTE_ERRORS = {"NotFoundError": "OpenReview has no note with this id",
                "ForbiddenError": "the note is not public on OpenReview (hidden, or readable only by its venue)",
                "ValidationError": "OpenReview does not take this as a note id"}
_NOTE_STATUSES = {404: "NotFoundError", 403: "ForbiddenError", 400: "ValidationError"}


def _error_name(body: bytes) -> str | None:
    try:
        data = load_json(body.decode("utf-8", "replace"))
    except ValueError:
        return None
    return as_str(data.get("name")) if isinstance(data, dict) else None


class OpenReviewClient:
    """Talks to OpenReview's API through the shared HTTP layer: ``openreview_url`` (API v2) first, and
    ``openreview_v1_url`` (API v1) for a note v2 does not have — the venues before 2023 (ICLR to 2023,
    NeurIPS to 2022) live only there.  One service (``openreview``) for pacing, health and the report."""

    def __init__(self, http: HttpLayer, settings: Settings | None = None):
        self.settings = settings or http.settings
        policy = openreview_policy(self.settings)
        self.client = http.client(policy)
        v1 = self.settings.openreview_v1_url
        self.v1 = http.client(replace(policy, base_url=v1)) if v1 and v1 != policy.base_url else None

    def note(self, note_id: str) -> OpenReviewNote | Missing | Outage:
        """The note ``note_id``; :class:`Missing` when OpenReview does not show it; an outage when it fails."""
        found = self._ask(self.client, note_id)
        if isinstance(found, Missing) and found.unknown and self.v1 is not None:
            older = self._ask(self.v1, note_id)
            return found if isinstance(older, Missing) else older
        return found

    def _ask(self, client: ServiceClient, note_id: str) -> OpenReviewNote | Missing | Outage:
        response = send(client, "GET", "notes", params={"id": note_id})
        if isinstance(response, Outage):
            return response
        if response.status_code != 200:
            name = _error_name(response.content)
            # OpenReview's own error for this note (an HTML 403/404 is a proxy or a wrong URL: the service is out)
            if name in _NOTE_ERRORS and _NOTE_STATUSES.get(response.status_code) == name:
                return Missing(note_id, _NOTE_ERRORS[name], unknown=name != "ForbiddenError")
            outage = outage_for_status(SERVICE, response, any_status=True)
            return outage if outage is not None else Missing(note_id, f"HTTP {response.status_code}")
        data = json_body(SERVICE, response)
        if isinstance(data, Outage):
            return data
        notes = data.get("notes") if isinstance(data, dict) else None
        if not isinstance(notes, list):
            return unreadable(SERVICE, "an answer without a list of notes")
        parsed = [n for n in (parse_note(x) for x in notes) if n is not None]
        found = next((n for n in parsed if n.id == note_id), parsed[0] if parsed else None)
        if found is None:
            return Missing(note_id, _NOTE_ERRORS["NotFoundError"])
        return found
