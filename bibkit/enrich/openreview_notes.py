"""The OpenReview step: an entry that is an OpenReview link becomes the paper the link names.

A pasted ``https://openreview.net/forum?id=…`` (or ``/pdf?id=…``) is read as an entry holding only its
link and the note id (``ids.others["openreview"]``; a ``.bib`` entry's OpenReview ``url`` counts too).
This step, which runs **before** arXiv resolution, asks OpenReview for the note
(:class:`~bibkit.enrich.openreview.OpenReviewClient`) and writes what it says, each field with provenance
``openreview``:

* title, authors, abstract (the user's own ``.bib`` fields win: only empty ones are filled);
* the venue line, read by the one rule (:func:`bibkit.normalize.openreview.read_venue`, the page reader's
  too): ``ICLR 2024 poster`` is ``@inproceedings`` in that venue's proceedings (the decision kept beside
  the entry), ``TMLR`` an ``@article``, ``Submitted to ICLR 2025`` or a withdrawn/rejected submission an
  ``@unpublished`` whose note is that line;
* the year: a publication's venue year, else the submission's date.

arXiv resolution then has a title, authors and an abstract to search with, and the published-version
step sees an entry that is already a publication (it leaves a venue OpenReview confirmed alone; arXiv's
record, which describes the preprint, does not turn it back into one: :func:`bibkit.enrich.apply.apply_arxiv`).
An entry OpenReview resolved stays resolved (``resolved_by: openreview``) when arXiv has no copy of the
paper: :class:`OpenReviewOutcome`, after the arXiv step.

One request per note (the API has no documented batch lookup by id), paced and one at a time: OpenReview
limits guests.  A note OpenReview does not show (unknown, hidden) leaves the entry unresolved with the
reason; the service failing is reported once (an :class:`~bibkit.outcomes.Outage`) and not asked again
this run; the entries it could not answer keep their links, to be looked up on the next run.
"""

from __future__ import annotations

from typing import Any, Callable

from ..model import Entry, PartialDate, Provenance
from ..names import parse_plain_name
from ..normalize.openreview import entry_note, note_id
from ..normalize.text import normalize_title
from ..outcomes import EntryStatus, Outage, OutageKind, Service
from .base import EnrichContext, EntryReport
from .doi import set_field
from .openreview import Missing, OpenReviewClient, OpenReviewNote
from .resolve import NOT_LOOKED_UP
from .webapi import takes_service_down

__all__ = ["OpenReviewNotes", "OpenReviewOutcome", "SOURCE", "STEP", "apply_note", "openreview_id"]

#: provenance source of every field this step sets, and the report's ``resolved_by``
SOURCE = STEP = "openreview"
#: entry types an OpenReview note may turn into a paper (a book or a thesis with an OpenReview link stays one)
_ANSWERABLE = frozenset({"misc", "online", "preprint", "unpublished", "article", "inproceedings", "techreport"})


#: the OpenReview note an entry is (its link's id, else its ``url``'s)
openreview_id = entry_note


def _unsaid(entry: Entry) -> bool:
    """Whether the note would tell the entry something: its title, authors or where it stands (a venue, or a
    submission's note).  A paper read from a pasted OpenReview page has all three already: no request (the
    pace makes each one cost a second)."""
    return not (entry.title and entry.authors and (entry.journal or entry.booktitle or entry.note))


class OpenReviewNotes:
    """The OpenReview enricher (name ``"openreview"``): notes by id, before arXiv resolution.

    It remembers, for :class:`OpenReviewOutcome`, the entries it resolved (:attr:`resolved`) and those it
    could not ask about (:attr:`unasked`: OpenReview down, or offline and not in the cache, with why).
    """

    name = "openreview"
    services: frozenset[str] = frozenset({Service.OPENREVIEW})

    def __init__(self, *, on_plan: Callable[[str, int], None] | None = None) -> None:
        self.on_plan = on_plan or (lambda service, n: None)
        self.resolved: list[Entry] = []
        self.unasked: list[tuple[Entry, Outage]] = []
        self.missing: list[tuple[Entry, str]] = []  # notes OpenReview does not show, with why

    def enrich(self, entries: list[Entry], ctx: EnrichContext) -> None:
        todo = [(e, ident) for e in entries
                if (ident := openreview_id(e)) and e.entry_type in _ANSWERABLE and _unsaid(e)]
        if not todo:
            return  # no OpenReview link: no stage of its own on the progress bar
        ctx.on_progress("openreview", len(entries) - len(todo))
        client = OpenReviewClient(ctx.http, ctx.settings)
        self.on_plan(Service.OPENREVIEW, len(todo))
        down: Outage | None = None
        misses = 0
        for entry, ident in todo:
            answer: OpenReviewNote | Missing | Outage = down if down is not None else client.note(ident)
            report = ctx.report(entry)
            if isinstance(answer, Outage):
                self.unasked.append((entry, answer))
                if answer.kind is OutageKind.OFFLINE_MISS:
                    misses += 1
                elif down is None and takes_service_down(answer):
                    down = answer
                    ctx.outage(answer, f"{answer.label}: {answer.describe()}; OpenReview links not yet looked up "
                                       "were left as they were — rerun later")
            elif isinstance(answer, Missing):
                why = f"OpenReview note {ident}: {answer.reason}"
                report.heard_from.add(SOURCE)
                report.outcome, report.reason = EntryStatus.UNRESOLVED, why
                entry.problem("openreview-missing", why)
                self.missing.append((entry, why))
            else:
                apply_note(entry, answer, report)
                self.resolved.append(entry)
            ctx.on_progress("openreview", 1)
        if misses:
            ctx.notice(f"offline: {misses} OpenReview note(s) were not in the cache; "
                       "run without --offline to look those entries up")


def apply_note(entry: Entry, note: OpenReviewNote, report: EntryReport) -> None:
    """Write what OpenReview says about the paper into ``entry`` (provenance ``openreview``; a ``.bib``
    entry's own fields are kept, its empty ones filled) and mark it resolved by this step."""
    detail = note.url

    def put(name: str, value: Any) -> bool:
        return set_field(entry, report, name, value, source=SOURCE, confidence=1.0, detail=detail)

    report.heard_from.add(SOURCE)
    if note.title:
        if entry.title and entry.bib is None and normalize_title(entry.title) != normalize_title(note.title):
            entry.meta.setdefault("listing_title", entry.title)
        put("title", note.title)
    if note.authors:
        put("authors", [parse_plain_name(n) for n in note.authors])
    put("abstract", note.abstract)
    venue = note.venue
    if venue.entry_type is not None:
        put("entry_type", venue.entry_type)
    if venue.published and venue.name and entry.entry_type == venue.entry_type:
        put(venue.venue_as or "booktitle", venue.name)
    if venue.note and entry.entry_type == "unpublished":
        put("note", venue.note)
    year, when = note.year, note.date
    if year is not None:
        # a publication's year is its venue's (no month: the conference's is not the note's); a submission's
        # date is the day it was posted
        put("date", PartialDate(year, when.month, when.day) if when is not None and not venue.published
            else PartialDate(year))
    if entry.url is None or note_id(entry.url) is not None:  # the pasted /pdf link becomes the forum page
        put("url", note.url)
    if entry.ids.add_other("openreview", note.forum or note.id):
        entry.provenance["ids.openreview"] = Provenance(SOURCE, 1.0, detail)
        report.fields_set["ids.openreview"] = {"source": SOURCE, "confidence": 1.0, "detail": detail}
    for key, value in (("openreview_venue", venue.text or None), ("openreview_decision", venue.decision),
                       ("openreview_venueid", note.venueid), ("openreview_tldr", note.tldr),
                       ("openreview_keywords", ", ".join(note.keywords) or None)):
        if value:
            entry.meta[key] = value
    report.outcome, report.resolved_by, report.confidence, report.reason = EntryStatus.RESOLVED, STEP, 1.0, None
    report.title = entry.title


class OpenReviewOutcome:
    """After arXiv resolution: the OpenReview step's verdicts the arXiv step could not know about.

    The arXiv step reports every entry it could not match as unresolved; for a paper OpenReview resolved
    that only means arXiv has no copy of it (or none was found): the entry is still the paper OpenReview
    named (``resolved_by: openreview``).  An entry that is only an OpenReview link OpenReview could not be
    asked about (down, or offline and not in the cache) was not looked up, rather than unresolved.
    """

    name = "openreview-outcome"
    services: frozenset[str] = frozenset({Service.OPENREVIEW})

    def __init__(self, step: OpenReviewNotes):
        self.step = step

    def enrich(self, entries: list[Entry], ctx: EnrichContext) -> None:
        for entry in self.step.resolved:
            report = ctx.report(entry)
            if report.outcome is not EntryStatus.RESOLVED:
                report.outcome, report.resolved_by, report.confidence, report.reason = \
                    EntryStatus.RESOLVED, STEP, 1.0, None
            prov = entry.provenance.get("note")
            if entry.entry_type != "unpublished" and entry.note and prov is not None and prov.source == SOURCE:
                # "Submitted to ICLR 2025" describes the submission; the entry now cites the arXiv preprint
                set_field(entry, report, "note", None, source=SOURCE, confidence=1.0,
                          detail="the entry cites the arXiv preprint, not the OpenReview submission")
        for entry, why in self.step.missing:
            report = ctx.report(entry)
            if report.outcome is EntryStatus.UNRESOLVED and not entry.title:
                report.reason = why  # (arXiv had nothing to search with: OpenReview's answer is the news)
        for entry, outage in self.step.unasked:
            report = ctx.report(entry)
            if report.outcome is EntryStatus.UNRESOLVED and not (entry.title or entry.abstract or report.candidates):
                cause = "offline and not in the cache" if outage.kind is OutageKind.OFFLINE_MISS else \
                    f"{outage.label}: {outage.describe()}"
                report.outcome, report.reason = EntryStatus.NOT_LOOKED_UP, f"{NOT_LOOKED_UP} ({cause})"
